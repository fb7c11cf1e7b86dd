"""Paths of the generated pages and relative URLs between them (as the site engine makes them)."""

from __future__ import annotations

import functools
import posixpath
from typing import Callable
from urllib.parse import quote, quote_plus


class Site:
    """Paths of the generated pages and relative URLs between them."""

    HOME = "index.md"
    HELPLINES = "helplines.md"
    SERVICES = "services/index.md"
    ALGORITHMS = "algorithms/index.md"
    EVENTS = "events/index.md"
    PLAN = "plan.md"
    NEWS = "news/index.md"
    RESULTS = "results.md"
    PROGRAMMES = "programmes.md"

    def __init__(self, directory_urls: bool = True):
        self.directory_urls = directory_urls
        # `linker`'s links made once for the pages under each folder: {folder: {(to, anchor): (to's URL + "/", link)}}
        self._links: dict[str, dict[tuple[str, str], tuple[str, str]]] = {}

    @staticmethod
    def service(ident: str) -> str:
        return f"services/{ident}.md"

    @staticmethod
    def algorithm(ident: str) -> str:
        return f"algorithms/{ident}.md"

    @staticmethod
    def event(ident: str) -> str:
        return f"events/{ident}.md"

    @staticmethod
    def series(ident: str) -> str:
        return f"events/series/{ident}.md"

    @staticmethod
    def news_post(ident: str) -> str:
        return f"news/{ident}.md"

    def file_link(self, from_md: str, path: str) -> str:
        """Relative URL from a page to a file of the built site (a calendar, the feed)."""
        here = self.url_of(from_md)
        base = here if here.endswith("/") or here == "" else posixpath.dirname(here) + "/"
        return _relpath("/" + path, "/" + base)

    def url_of(self, md_path: str) -> str:
        """The page's URL relative to the site root, as MkDocs makes it."""
        stem = md_path[:-3]
        if not self.directory_urls:
            return stem + ".html"
        if stem == "index" or stem.endswith("/index"):
            return stem[:-5]
        return stem + "/"

    def link(self, from_md: str, to_md: str, anchor: str = "") -> str:
        """Relative URL from one page to another (raw HTML links are not rewritten by MkDocs)."""
        here = self.url_of(from_md)
        base = here if here.endswith("/") or here == "" else posixpath.dirname(here) + "/"
        target = self.url_of(to_md)
        rel = _relpath("/" + target, "/" + (base or "")) if target else _relpath("/", "/" + base)
        if target.endswith("/") or target == "":
            rel = rel.rstrip("/") + "/" if rel != "." else "./"
        if rel.startswith("./") and rel != "./":
            rel = rel[2:]
        return rel + (f"#{anchor}" if anchor else "")


    def linker(self, from_md: str) -> Callable[..., str]:
        """`link(from_md, to, anchor)` as a page's template calls it: `link(to, anchor="")`.

        Thousands of record pages link to the same few pages (the directory, a category, the helplines):
        such a link is made once for all the pages whose URLs lie in one folder. A link climbs from the
        page's folder `B` = `P` + `N` + "/" to the folder it shares with the target, then down: for a target
        not inside `B` (not the page itself, nor below it) the shared folder lies within `P`, and the link
        is the same from `P` + any other `N` ("../" once more than from `P`). So a link is kept, under `P`,
        only for a target outside the page that made it, and given only to a page the target is outside of;
        anything else is made by `link`. Same links as `link` (test)."""
        here = self.url_of(from_md)
        base = here if here.endswith("/") or here == "" else posixpath.dirname(here) + "/"
        link = self.link
        if not base.strip("/") or "/." in "/" + base:  # the root has no folder above it; «.» parts: `link` normalises
            return lambda to_md, anchor="": link(from_md, to_md, anchor)
        known = self._links.setdefault(base[:base.rstrip("/").rfind("/") + 1], {})
        url_of = self.url_of

        def linked(to_md: str, anchor: str = "") -> str:
            kept = known.get((to_md, anchor))
            if kept is not None and not kept[0].startswith(base):
                return kept[1]
            rel = link(from_md, to_md, anchor)
            target = url_of(to_md) + "/"
            if not target.startswith(base) and "/." not in "/" + target:
                known[(to_md, anchor)] = (target, rel)
            return rel

        return linked


def _relpath(path: str, start: str) -> str:
    """`posixpath.relpath` of two absolute paths, without its normalising where there is nothing
    to normalise (no «.» or «..» part): thousands of record pages link to a few pages each."""
    if "/." in path or "/." in start:
        return posixpath.relpath(path, start)
    to = [part for part in path.split("/") if part]
    here = [part for part in start.split("/") if part]
    common = 0
    for a, b in zip(to, here, strict=False):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(here) - common) + to[common:]) or "."


def quote_keeping_letters(text: str, plus: bool = False) -> str:
    """`text` for a URL's query as `quote` (`quote_plus` with `plus`) makes it, except that letters beyond ASCII
    (Cyrillic) stay as they are: an href may hold them, and the browser encodes them when it follows the link.
    «Нижний Тагил» is 2 bytes a letter instead of 6 — in every map link and add-to-calendar link.

    Quoted word by word (space-separated), a word once in a process (a bounded memo of short words):
    `str.translate` looks each Cyrillic letter up as a new int object (≈ 50 ns a letter), and the words of
    addresses and descriptions recur (town, «ул.», street names). The same text, as the quoting is one
    character at a time."""
    words = _QUOTED_WORDS_PLUS if plus else _QUOTED_WORDS
    if len(words) > 50_000:  # `mkdocs serve` for days
        words.clear()
    table = _QUOTED_PLUS if plus else _QUOTED
    out = []
    for word in text.split(" "):
        quoted = words.get(word)
        if quoted is None:
            quoted = word.translate(table)
            if len(word) <= 40:
                words[word] = quoted
        out.append(quoted)
    return ("+" if plus else "%20").join(out)


class _QuotedChars(dict[int, str]):
    """{code point: the character as `quote_keeping_letters` writes it}, filled as characters are met:
    `str.translate` then quotes a text in one pass (not a `quote` call per character)."""

    def __init__(self, encode: Callable[..., str]) -> None:
        super().__init__()
        self._encode = encode

    def __missing__(self, code: int) -> str:
        char = chr(code)
        value = char if code > 127 and char.isalpha() else self._encode(char, safe="")
        self[code] = value
        return value


_QUOTED, _QUOTED_PLUS = _QuotedChars(quote), _QuotedChars(quote_plus)
_QUOTED_WORDS: dict[str, str] = {}  # {word: its quoted form} (`quote_keeping_letters`)
_QUOTED_WORDS_PLUS: dict[str, str] = {}


def query_keeping_letters(params: dict[str, str]) -> str:
    """`urlencode(params)`, letters beyond ASCII kept as they are (`quote_keeping_letters`). Parameter names are
    quoted once per build, and a long value once for consecutive links (an event's details: its Google and its
    Outlook link, one after the other)."""
    parts = []
    for key, value in params.items():
        name = _QUERY_NAMES.get(key)
        if name is None:
            name = _QUERY_NAMES[key] = quote_plus(key)
        parts.append(f"{name}={_quoted_long(value) if len(value) > 200 else quote_keeping_letters(value, plus=True)}")
    return "&".join(parts)


_QUERY_NAMES: dict[str, str] = {}  # a query's parameter names, quoted


@functools.lru_cache(maxsize=16)
def _quoted_long(value: str) -> str:
    return quote_keeping_letters(value, plus=True)
