"""Record pages at scale: render the theme once per folder, fill it for every record.

A national directory has thousands of service pages that differ only in their title,
description, address and body; the theme frame around them (header, nav, footer, scripts) is
the same for every page in a folder. The site engine renders two prototype pages per folder
with sentinel values: `make_shell` cuts the first at its sentinels, and `verify` proves the cut
frame by filling it with the second prototype's values (long, Cyrillic, mixed case, other
lengths) and comparing with what the engine rendered for them. A theme that transforms a value
(`page.title | upper`, `truncate`, a hash) fails the proof and the records are rendered
normally. `leftover_sentinels` scans the finished site: no sentinel may ever be published.
Values are HTML-escaped; the body is the record's finished HTML.
"""

from __future__ import annotations

import functools
import html
import json
import operator
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator
from urllib.parse import unquote

from helpsite.pages.parts import tag_free_text as _text  # escaped, no tag can be formed
from helpsite.publish.safety import _HEAD_ANCHOR, _SCRIPT, SCRIPT_TAG, _executable, harden_links


@dataclass(frozen=True)
class Prototype:
    """The sentinel values of one prototype page."""

    id: str  # the page's file name (without .md): the slug sentinel
    title: str
    description: str
    body: str  # an h1, so the theme adds no title heading of its own
    image: str  # the link-preview picture (og:image), an absolute URL (helpsite/outputs/announce)

    def markdown(self) -> str:
        return (f"---\ntitle: {json.dumps(self.title, ensure_ascii=False)}\n"
                f"description: {json.dumps(self.description, ensure_ascii=False)}\n"
                f"og_image: {json.dumps(self.image, ensure_ascii=False)}\n"
                f"search:\n  exclude: true\nhide:\n  - toc\n---\n\n{self.body}\n")


# The frame is cut at A's sentinels; B proves it. B's values are unlike A's in length, case,
# script and spaces, so a theme that changes a value in any way makes the two disagree.
PROTOTYPE = Prototype("__shell__", "HSSHELLTITLE7f3a", "HSSHELLDESCRIPTION7f3a", "<h1>HSSHELLBODY7f3a</h1>",
                      "HSSHELLIMAGE7f3a")
CHECK = Prototype(
    "__shellcheck__",
    "HsShellTitleB Проверка рамки: «Служба помощи семье и детям» № 12, Нижний Тагил — "
    "приём по записи, длинное название записи для проверки шаблона темы",
    "HsShellDescB Описание для проверки рамки: служба помощи детям и семьям, консультации "
    "психолога и юриста, круглосуточно — длинный текст, который тема не должна менять никак",
    "<h1>HsShellBodyB Проверка</h1>\n<p>Текст записи.</p>",
    "https://example.org/hsshellimageb/Картинка-проверки.png")
PROTOTYPES = (PROTOTYPE, CHECK)
PROTOTYPE_ID = PROTOTYPE.id
_SLOTS = re.compile("(" + "|".join(re.escape(s) for s in (PROTOTYPE.title, PROTOTYPE.description, PROTOTYPE.image,
                                                          PROTOTYPE.body, PROTOTYPE.id)) + ")")
_SLOT_NAMES = {PROTOTYPE.title: "title", PROTOTYPE.description: "description", PROTOTYPE.image: "image",
               PROTOTYPE.body: "body", PROTOTYPE.id: "slug"}
_FRONT_VALUE = re.compile(r'^(title|description|og_image): (".*")$', re.M)
# Any trace of a prototype in a published file (case-insensitive: a theme may change the case)
SENTINEL_TRACE = re.compile(rb"hsshell|__shell(?:check)?__", re.I)


class ShellError(ValueError):
    """The prototype page does not have the expected shape (the theme changed): render normally."""


@dataclass(frozen=True)
class Shell:
    chunks: tuple[str, ...]  # literal text; len(chunks) == len(slots) + 1
    slots: tuple[str, ...]  # "title" | "description" | "image" | "body" | "slug"

    def fill(self, *, title: str, description: str, body: str, slug: str, image: str = "") -> str:
        values = {"title": _text(title), "description": _text(description), "image": _text(image), "body": body,
                  "slug": slug}
        out = [self.chunks[0]]
        for slot, chunk in zip(self.slots, self.chunks[1:], strict=True):
            out.append(values[slot])
            out.append(chunk)
        return "".join(out)

    def fill_encoded(self, *, title: str, description: str, body: str, slug: str, image: str = "") -> bytes:
        """`fill(…).encode("utf-8")`, with the frame's pieces encoded once for all pages: only the
        values are encoded for each page (the frame is most of a page's 20 KB, and mostly Cyrillic).

        The page comes back as `FilledPage`: the bytes, and whether they hold a trace of a prototype
        (`holds_sentinel`), found by looking only at the values and the few bytes around each — the
        frame's pieces were looked at once (`_windows`); a page's own values are ≈ 3 of its 21 KB."""
        values = (_text(title).encode("utf-8"), _text(description).encode("utf-8"), _text(image).encode("utf-8"),
                  body.encode("utf-8"), slug.encode("utf-8"))
        pick, pieces, windows = self._plan
        chosen = pick(values)  # the values in the order of the slots
        out = pieces.copy()
        out[1::2] = chosen
        page = FilledPage(b"".join(out))
        if windows is not None:  # all windows looked at in one go, a line break (in no trace) between two
            seen = windows.copy()
            seen[1::2] = chosen
            page.holds_trace = _holds_trace(b"".join(seen))
        return page

    @functools.cached_property
    def _plan(self) -> tuple[Callable[[tuple[bytes, ...]], tuple[bytes, ...]], list[bytes], list[bytes] | None]:
        """What `fill_encoded` fills for each page: (the values of its slots in their order, from the
        values in `_VALUES` order; the frame's pieces with a place for each slot's value between two; the
        windows (`_windows`) with a place for each value: the bytes before it, then the bytes after it,
        a line break and the bytes before the next value, … — or None where the page is looked at whole)."""
        places = [_VALUES.index(slot) for slot in self.slots]
        pick = operator.itemgetter(*places) if len(places) > 1 else lambda values: (values[places[0]],)
        pieces = [self._encoded_chunks[0]]  # b"": a value's place
        for chunk in self._encoded_chunks[1:]:
            pieces += (b"", chunk)
        windows = self._windows
        if windows is None:
            return pick, pieces, None
        seen = [windows[0][1]]
        for i, (_, _, after) in enumerate(windows):
            seen += (b"", after + b"\n" + (windows[i + 1][1] if i + 1 < len(windows) else b""))
        return pick, pieces, seen

    @functools.cached_property
    def _encoded_chunks(self) -> tuple[bytes, ...]:
        return tuple(chunk.encode("utf-8") for chunk in self.chunks)

    @functools.cached_property
    def _windows(self) -> tuple[tuple[str, bytes, bytes], ...] | None:
        """(slot, the last bytes of the piece before it, the first bytes of the piece after it) for each
        slot — enough of the frame around a value for any trace that overlaps the value — or None where a
        filled page must be looked at whole: a piece holds a trace itself, or a piece between two slots
        is too short for a trace to overlap only one of its two values.

        A trace (`_TRACES`, at most `_TRACE_BYTES` bytes, ASCII, compared after `bytes.lower`, which changes
        each byte alone) lies within one piece (none does) or overlaps a value; one that overlaps a value
        starts at most `_TRACE_BYTES - 1` bytes before it and ends as far after it, inside the pieces
        around it (each at least that long between slots). So the page holds a trace iff a window does."""
        chunks, reach = self._encoded_chunks, _TRACE_BYTES - 1
        if any(_holds_trace(chunk) for chunk in chunks) or any(len(chunk) < reach for chunk in chunks[1:-1]):
            return None
        return tuple((slot, chunks[i][-reach:], chunks[i + 1][:reach])
                     for i, slot in enumerate(self.slots))


_VALUES = ("title", "description", "image", "body", "slug")  # the order of `fill_encoded`'s values


class FilledPage(bytes):
    """A record page filled into its frame: its bytes, and `holds_trace` — whether they hold a trace of
    a prototype page, as `holds_sentinel` would find (None: not known, look at the bytes)."""

    holds_trace: bool | None = None


def prototype_markdown(prototype: Prototype = PROTOTYPE) -> str:
    """A prototype page: front matter with the sentinels, its body is the body sentinel."""
    return prototype.markdown()


def make_shell(rendered: str) -> Shell:
    parts = _SLOTS.split(rendered)
    chunks, slots = tuple(parts[0::2]), tuple(_SLOT_NAMES[s] for s in parts[1::2])
    if slots.count("body") != 1 or "title" not in slots:
        raise ShellError(f"в странице-образце {slots.count('body')} мест для текста записи (нужно одно) "
                         f"и {slots.count('title')} мест для заголовка (нужно хотя бы одно)")
    if SENTINEL_TRACE.search("".join(chunks).encode("utf-8")):
        raise ShellError("тема изменила заголовок или описание страницы-образца (например, фильтром upper)")
    return Shell(chunks, slots)


def verify(shell: Shell, check_rendered: str) -> None:
    """The frame filled with CHECK's values must be exactly what the engine rendered for CHECK."""
    filled = shell.fill(title=CHECK.title, description=CHECK.description, body=CHECK.body, slug=CHECK.id,
                        image=CHECK.image)
    if filled != check_rendered:
        at = next((i for i, (a, b) in enumerate(zip(filled, check_rendered, strict=False)) if a != b),
                  min(len(filled), len(check_rendered)))
        raise ShellError(f"рамка, заполненная проверочными значениями, расходится с обычной отрисовкой "
                         f"(около «{check_rendered[max(0, at - 60):at + 60]}»)")


def front_values(front_matter: str) -> tuple[str, str]:
    """(title, description) from a generated page's front matter (JSON-quoted strings, unescaped)."""
    values = {key: json.loads(raw) for key, raw in _FRONT_VALUE.findall(front_matter)}
    return html.unescape(values.get("title", "")), html.unescape(values.get("description", ""))


def front_image(front_matter: str) -> str:
    """The page's `og_image` (link-preview picture URL) from its front matter, "" if none."""
    values = {key: json.loads(raw) for key, raw in _FRONT_VALUE.findall(front_matter)}
    return html.unescape(values.get("og_image", ""))


def _front(front_matter: str) -> tuple[str, str, str]:
    """`front_values` and `front_image` from one reading of the front matter."""
    values = {key: _json_string(raw) for key, raw in _FRONT_VALUE.findall(front_matter)}
    return tuple(html.unescape(values.get(key, "")) for key in ("title", "description", "og_image"))  # type: ignore[return-value]


def _json_string(raw: str) -> str:
    """`json.loads(raw)` of a quoted JSON string; one with nothing to decode (no backslash, no quote,
    no control character — a record's title as `front_matter_string` writes it) is its inside."""
    inner = raw[1:-1]
    if "\\" in inner or '"' in inner or not inner.isprintable():
        return json.loads(raw)
    return inner


Renderer = Callable[[object], str]  # a record page (GeneratedPage) → the whole HTML page


_ANCHOR_START = re.compile(r"<(meta|head)", re.I)
_LINK_START = re.compile(r"<(a(\s|$)|$)", re.I)  # the text after the last «>» before a slot: an <a> tag could be open


def hardened_in_place(frame: Shell, harden: Callable[[str], str]) -> bool:
    """Whether `harden` (safety.harden_html with the site's policy) of this frame filled with any
    values is the frame filled with the values and the body's links hardened (`harden_links`):

    - no slot stands inside an <a> tag (or where one could begin) or an inline script, and the
      <head> anchor of the CSP is whole in the first piece, with no other beginning before it
      (values have no «<» or «>»; a body with a script that runs, or ending inside a tag, is hardened
      whole — `_fast_body`);
    - the frame is already hardened: its links, and its CSP (the frame was cut from a hardened page).
    Then the page's CSP is the frame's (the same scripts) and every link tag lies inside one piece."""
    anchor = _HEAD_ANCHOR.search(frame.chunks[0])
    if not anchor or _ANCHOR_START.search(frame.chunks[0], 0, anchor.start()):
        return False
    before = ""
    for chunk in frame.chunks[:-1]:
        before += chunk
        opened = sum(1 for tag in SCRIPT_TAG.findall(before) if tag[1] != "/")
        if _LINK_START.search(before[before.rfind(">") + 1:]) or 2 * opened != len(SCRIPT_TAG.findall(before)):
            return False
    if any(harden_links(chunk) != chunk for chunk in frame.chunks):
        return False
    probe = frame.fill(title=CHECK.title, description=CHECK.description, body="<p>HsShellBodyB</p>", slug=CHECK.id,
                       image=CHECK.image)
    return harden(probe) == probe


def _fast_body(body: str, slug: str) -> bool:
    """Whether hardening the body's links is all `harden` would do to it in the frame: it ends outside a tag,
    and its scripts, if any, are whole and only data (an event's JSON-LD): a browser runs none of them, so
    the page's policy is the frame's (`Policy.for_page` hashes only scripts that run)."""
    if "<" in body[body.rfind(">") + 1:] or "<" in slug or ">" in slug:
        return False
    tags = len(SCRIPT_TAG.findall(body))
    if not tags:
        return True
    scripts = [match.group("attrs") for match in _SCRIPT.finditer(body)]
    return 2 * len(scripts) == tags and not any(_executable(attrs) for attrs in scripts)


def record_pages_output(pages, shells: dict[str, Shell | Renderer], site, harden: Callable[[str], str]
                        ) -> Iterator[tuple[str, bytes]]:
    """(site path, HTML) of every record page, filled into its folder's shell (or rendered by
    the folder's fallback renderer) — one at a time. Where the frame allows (`hardened_in_place`),
    only the body's links are hardened, not the whole page again; the first such page of each
    folder is also hardened whole and compared (a difference: the folder's pages are hardened whole)."""
    in_place: dict[str, bool] = {}
    compared: set[str] = set()
    for page in pages:
        if not page.record:
            continue
        folder, name = posixpath.split(page.path)
        frame = shells[folder]
        text = None
        encoded = None
        if isinstance(frame, Shell):
            title, description, image = _front(page.front_matter)
            values = dict(title=title, description=description, slug=name[:-3], image=image)
            body = page.html_body
            if folder not in in_place:
                in_place[folder] = hardened_in_place(frame, harden)
            if in_place[folder] and _fast_body(body, name[:-3]):
                if folder in compared:
                    encoded = frame.fill_encoded(body=harden_links(body), **values)
                else:
                    compared.add(folder)
                    text = frame.fill(body=harden_links(body), **values)
                    if text != harden(frame.fill(body=body, **values)):
                        in_place[folder] = False
                        text = None
            if text is None and encoded is None:
                text = harden(frame.fill(body=body, **values))
        else:
            text = harden(frame(page))
        url = site.url_of(page.path)
        yield (url + "index.html" if url.endswith("/") or url == "" else url), (
            encoded if encoded is not None else text.encode("utf-8"))  # type: ignore[union-attr]


_RECORD_MD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\.md")  # a record page's file name: its id (model.Id) + .md


def is_record_md_name(name: str) -> bool:
    """Whether `name` has the form `linked_record_names` finds (a record id + .md)."""
    return _RECORD_MD.fullmatch(name) is not None


def linked_record_names(texts: Iterable[str]) -> set[str]:
    """The file names (`x.md`) of the record pages that Markdown `texts` the engine renders may link to.
    More than the links: every `….md` of a record id's form anywhere in the texts, as written and with
    character references and %-escapes decoded. The engine is told only of these record pages (it renders
    none; they are written from their folder's frame), so that a link to one resolves; a record page whose
    name is not of that form must always be given to it (`is_record_md_name`)."""
    text = "\n".join(texts)
    text = text + "\n" + unquote(html.unescape(text)).replace("\\", "")
    return set(_RECORD_MD.findall(text))


def prototype_path(folder: str, prototype: Prototype = PROTOTYPE) -> str:
    return f"{folder}/{prototype.id}.md"


def sitemap_with_records(sitemap: str, site_url: str, record_urls: list[str]) -> str:
    """MkDocs' sitemap without the prototype pages and with every record page."""
    ids = "|".join(re.escape(p.id) for p in PROTOTYPES)
    sitemap = re.sub(r"\s*<url>\s*<loc>[^<]*(?:" + ids + r")[^<]*</loc>.*?</url>", "", sitemap, flags=re.S)
    # one line a record (MkDocs indents its own entries: 20 bytes more each, 0.2 MB at 10,000 services)
    entries = "".join(f"\n<url><loc>{html.escape(site_url + url)}</loc></url>" for url in record_urls)
    return sitemap.replace("</urlset>", entries + "\n</urlset>", 1)


_CHECKED_SUFFIXES = (".html", ".xml", ".json", ".js", ".txt", ".ics", ".atom", ".csv", ".gz")


def holds_sentinel(name: str, data: bytes) -> bool:
    """Whether the file `name` (a path; only text files and .gz are looked into) with bytes `data`
    holds a trace of a prototype page. A record page filled into its frame (`FilledPage`) knows."""
    dot = name.rfind(".")
    if name.rfind("/") + 1 >= dot or name[dot:] not in _CHECKED_SUFFIXES:  # as `Path.suffix`
        return False
    known = getattr(data, "holds_trace", None)
    if known is not None:
        return known
    if name.endswith(".gz"):
        import gzip
        try:
            data = gzip.decompress(data)
        except OSError:
            return False
    return _holds_trace(data)


_TRACES = (b"hsshell", b"__shell")  # what `holds_sentinel` looks for, in lower case
_TRACE_BYTES = max(len(trace) for trace in _TRACES)


def _holds_trace(data: bytes) -> bool:
    low = data.lower()  # 7× faster than a case-insensitive regex on 100 MB of pages
    # both traces hold «shell», which a page hardly ever does: one scan of the page instead of two
    return b"shell" in low and (_TRACES[0] in low or _TRACES[1] in low)


def site_text_files(root: Path) -> list[tuple[tuple[str, ...], str]]:
    """(path parts, path) of every file of a site that `leftover_sentinels` looks into (pages, data,
    scripts…), in path order: one walk of the site for that check and for counting its pages. The path
    is a string (`root` joined with the parts): a Path is made only for a file that is read."""
    return _files_with_suffix(root, _CHECKED_SUFFIXES)


def leftover_sentinels(root: Path, limit: int = 20, checked: dict[str, bool] | None = None,
                       files: list[tuple[tuple[str, ...], str]] | None = None) -> list[str]:
    """Files of a finished site that still hold a trace of a prototype page (at most `limit`).

    `checked`: {path under `root`: `holds_sentinel`} of files checked as they were written (the
    record pages, open data — `publish.complete_site`): those are not read back. `files`: the
    site's `site_text_files`, if the caller has them."""
    found = []
    checked = checked or {}
    for parts, path in site_text_files(root) if files is None else files:
        name = "/".join(parts)
        holds = checked.get(name)
        if holds is None:  # not checked as it was written: read it
            holds = holds_sentinel(name, Path(path).read_bytes())
        if holds:
            found.append(name)
            if len(found) >= limit:
                break
    return found


def _files_with_suffix(root: Path, suffixes: tuple[str, ...]) -> list[tuple[tuple[str, ...], str]]:
    """`[(p.relative_to(root).parts, str(p)) for p in sorted(root.rglob("*")) if p.is_file() and p.suffix in
    suffixes]` with os.scandir (pathlib makes and sorts a Path for each of tens of thousands of entries): the
    same walk (no descent into a linked folder), the same order (by path parts). A folder's entry is not
    looked at as a file (a folder is never `is_file`), and no Path is made."""
    import os

    found: list[tuple[tuple[str, ...], str]] = []
    folders: list[tuple[tuple[str, ...], str]] = [((), os.fspath(root))]
    while folders:
        parts, folder = folders.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except PermissionError:
            continue
        for entry in entries:
            name = entry.name
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if not entry.is_symlink():
                    folders.append((parts + (name,), entry.path))
                continue
            dot = name.rfind(".")
            if 0 < dot < len(name) - 1 and name[dot:] in suffixes and entry.is_file():
                found.append((parts + (name,), entry.path))
    found.sort(key=lambda item: item[0])
    return found
