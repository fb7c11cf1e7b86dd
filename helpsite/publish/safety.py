"""Hardening of every built HTML page: nothing may leave the reader's browser for a third party,
and no script runs that the project and its theme did not ship.

- A `Content-Security-Policy` meta tag, first thing in `<head>` of every page, allows only this
  site's own files. Inline scripts are allowed by SHA-256 hash, and only the scripts written in
  the theme's templates (Material's and `overrides/`): `theme_script_hashes` reads them from
  the template files before any data is read. A script that came from data or from an editor's
  Markdown never gets a hash, so the browser does not run it.
- Links to other sites get `rel="noopener noreferrer"` (the referrer meta says no-referrer too).

Engine-independent: takes and returns HTML text; the theme is a list of template folders.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterable

_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S | re.I)
_HEAD_ANCHOR = re.compile(r"<meta charset=[^>]*>|<head(?:\s[^>]*)?>", re.I)
_OUR_CSP = re.compile(r'<meta http-equiv="Content-Security-Policy" content="[^"]*">')
_A_TAG = re.compile(r"<a\s(?P<attrs>[^>]*)>", re.I)
# An <a> tag whose attributes hold «//»: only such a tag can link to another site (`_external_rel`
# leaves every other one as it is), so only these are looked at. A tag starting inside a skipped
# one ends at the same «>», so it has no «//» either: the same tags are found as with `_A_TAG`.
_A_TAG_WITH_SLASHES = re.compile(r"<a\s(?P<attrs>[^>]*//[^>]*)>", re.I)
_REL_ATTR = re.compile(r"\brel\s*=", re.I)
_REL_VALUE = re.compile(r"""\brel\s*=\s*["']([^"']*)["']""", re.I)
_EXTERNAL_URL = re.compile(r"^(https?:)?//", re.I)
_SRC_ATTR = re.compile(r"\bsrc\s*=", re.I)
_TYPE_ATTR = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.I)
_HREF = re.compile(r"""\bhref\s*=\s*["'](?P<url>[^"']*)["']""", re.I)
_EXECUTABLE_TYPES = {"", "text/javascript", "application/javascript", "module"}
_MAX_DEPTH = 12  # folders below the site root a page can be at (base_url "../../…")


# Script sources besides the theme's inline-script hashes. Add here what a tool needs, e.g.
# "'wasm-unsafe-eval'" for Pagefind's WebAssembly search; never "'unsafe-inline'".
SCRIPT_SOURCES: tuple[str, ...] = ("'self'",)


@dataclass(frozen=True)
class Policy:
    """The site's CSP: `SCRIPT_SOURCES` plus the hashes of the theme's own inline scripts."""

    script_hashes: frozenset[str] = frozenset()
    script_sources: tuple[str, ...] = SCRIPT_SOURCES
    directives: tuple[tuple[str, str], ...] = (
        ("default-src", "'self'"), ("style-src", "'self' 'unsafe-inline'"), ("img-src", "'self' data:"),
        ("font-src", "'self'"), ("connect-src", "'self'"), ("worker-src", "'self' blob:"),
        ("manifest-src", "'self'"), ("media-src", "'self'"), ("object-src", "'none'"), ("frame-src", "'none'"),
        ("base-uri", "'self'"), ("form-action", "'self'"),
    )

    def for_page(self, html: str) -> "Policy":
        """Only the allowed hashes of the scripts this page has: a short policy, the same guarantee."""
        present = {script_hash(body) for body in inline_scripts(html)}
        return Policy(self.script_hashes & present, self.script_sources, self.directives)

    def with_script_source(self, source: str) -> "Policy":
        return Policy(self.script_hashes, self.script_sources + (source,), self.directives)

    def __str__(self) -> str:
        script = " ".join([*self.script_sources, *sorted(self.script_hashes)])
        parts = [f"{self.directives[0][0]} {self.directives[0][1]}", f"script-src {script}"]
        parts += [f"{name} {value}" for name, value in self.directives[1:]]
        return "; ".join(parts)


@functools.lru_cache(maxsize=1024)  # the theme's scripts are the same on every page
def script_hash(body: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode() + "'"


def _executable(attrs: str) -> bool:
    if _SRC_ATTR.search(attrs):
        return False
    kind = _TYPE_ATTR.search(attrs)
    return not kind or kind.group(1).lower() in _EXECUTABLE_TYPES  # JSON, JSON-LD: data, not run


def inline_scripts(html: str) -> list[str]:
    """The bodies of the inline scripts a browser would run."""
    return [m.group("body") for m in _SCRIPT.finditer(html) if _executable(m.group("attrs"))]


def base_urls(site_url: str = "") -> list[str]:
    """Every `base_url` the engine gives a page: ".", "..", "../..", … and the 404 page's absolute path."""
    from urllib.parse import urlsplit

    urls = ["."] + ["/".join([".."] * depth) for depth in range(1, _MAX_DEPTH + 1)]
    return urls + [urlsplit(site_url or "/").path or "/", "/"]


def theme_script_hashes(template_dirs: Iterable[Path], context: dict, site_url: str = "") -> frozenset[str]:
    """Hashes of the inline scripts written in the theme's templates.

    A script body with no template code is hashed as written. One with template code is
    rendered for every `base_url` a page can have, with `context` (the engine's config) and
    nothing else: a script whose text depends on a page or on data fails to render and gets
    no hash. Read from the template files, never from a built page."""
    from jinja2 import TemplateError

    from helpsite.publish.shell import _files_with_suffix  # (shell imports this module)

    hashes: set[str] = set()
    for folder in template_dirs:
        for _, path in _files_with_suffix(Path(folder), (".html",)):  # in path order
            source = Path(path).read_text(encoding="utf-8")
            source = re.sub(r"\{#.*?#\}", "", source, flags=re.S)
            for match in _SCRIPT.finditer(source):
                body, attrs = match.group("body"), match.group("attrs")
                if "{{" in attrs or "{%" in attrs or not _executable(attrs):
                    continue
                if "{{" not in body and "{%" not in body:
                    hashes.add(script_hash(body))
                    continue
                for base_url in base_urls(site_url):
                    try:
                        hashes.add(script_hash(_script_template(body).render(context, base_url=base_url)))
                    except (TemplateError, TypeError, ValueError, AttributeError):
                        break  # depends on more than the config: not the theme's to allow
    return frozenset(hashes)


_SCRIPT_TEMPLATES: dict[str, object] = {}  # script body → compiled: every build (each `mkdocs serve` rebuild) compiles none again


def _script_template(body: str):
    from jinja2 import Environment, StrictUndefined

    if body not in _SCRIPT_TEMPLATES:
        if not _SCRIPT_TEMPLATES:
            _SCRIPT_TEMPLATES[""] = Environment(undefined=StrictUndefined)  # the one environment
        _SCRIPT_TEMPLATES[body] = _SCRIPT_TEMPLATES[""].from_string(body)  # type: ignore[attr-defined]
    return _SCRIPT_TEMPLATES[body]


def foreign_scripts(html: str, policy: Policy) -> list[str]:
    """Inline scripts in a page that the policy does not allow (the browser blocks them)."""
    return [body for body in inline_scripts(html) if script_hash(body) not in policy.script_hashes]


def _external_rel(match: re.Match[str]) -> str:
    attrs = match.group("attrs")
    href = _HREF.search(attrs)
    if not href or not _EXTERNAL_URL.match(href.group("url")):
        return match.group(0)
    if _REL_ATTR.search(attrs):
        attrs = _REL_VALUE.sub(
            lambda m: 'rel="' + " ".join(dict.fromkeys(m.group(1).split() + ["noopener", "noreferrer"])) + '"',
            attrs, count=1)
    else:
        attrs = attrs.rstrip() + ' rel="noopener noreferrer"'
    return f"<a {attrs}>"


SCRIPT_TAG = re.compile(r"</?script", re.I)  # where an inline script may start or end (see `_SCRIPT`)


_HARDENED_REL = 'rel="noopener noreferrer"'


def harden_links(html: str) -> str:
    """The link part of `harden_html` alone: links to other sites get rel="noopener noreferrer".

    `_A_TAG_WITH_SLASHES.sub(_external_rel, html)`, without the work where a tag stays as it is: a tag
    that `_external_rel` would give back unchanged — «<a» and one space, its first rel value exactly
    rel="noopener noreferrer" (what the templates write on each link to another site: a record page's
    map link, its site) — is not rebuilt, and a text none of whose tags change is returned as it is.
    Same text (test against `_A_TAG.sub(_external_rel, …)` on random tags)."""
    out: list[str] | None = None
    last = 0
    for match in _A_TAG_WITH_SLASHES.finditer(html):
        tag = match.group(0)
        if tag[2] == " ":
            rel = _REL_VALUE.search(tag)  # the tag's first one is its attributes' first one
            if rel is not None and rel.group(0) == _HARDENED_REL:
                continue
        hardened = _external_rel(match)
        if hardened != tag:
            if out is None:
                out = []
            out += (html[last:match.start()], hardened)
            last = match.end()
    if out is None:
        return html
    out.append(html[last:])
    return "".join(out)


def harden_html(html: str, policy: Policy) -> str:
    """Put the CSP meta tag first thing in <head> (replacing the one a previous pass put there)
    and protect external links. Whatever the page's text says, it gets the policy."""
    html = harden_links(html)
    anchor = _HEAD_ANCHOR.search(html)
    if anchor is None:
        return html
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy.for_page(html)}">'
    rest = html[anchor.end():]
    ours = _OUR_CSP.match(rest)
    if ours:
        rest = rest[ours.end():]
    return html[: anchor.end()] + meta + rest


# ---------------------------------------------------------------- raw HTML in editors' Markdown

_FORBIDDEN_TAGS = {"script": "<script>", "iframe": "<iframe>", "frame": "<frame>", "object": "<object>",
                   "embed": "<embed>", "base": "<base>", "form": "<form>"}


class _RawHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        if tag in _FORBIDDEN_TAGS:
            self.problems.append((line, f"тег {_FORBIDDEN_TAGS[tag]} запрещён в тексте страницы — уберите его; "
                                        "скрипты и встроенные окна других сайтов на сайт помощи не ставятся"))
        if tag == "meta" and any(name == "http-equiv" for name, _ in attrs):
            self.problems.append((line, "тег <meta http-equiv> запрещён в тексте страницы — уберите его "
                                        "(переадресация и правила безопасности задаются сборкой)"))
        for name, value in attrs:
            value = (value or "").strip()
            if name.startswith("on"):
                self.problems.append((line, f"атрибут {name}= (скрипт) запрещён — уберите его"))
            elif name in ("href", "src", "action", "formaction", "data", "srcset", "poster", "xlink:href"):
                if re.match(r"^\s*(javascript|vbscript|data):", value, re.I) and not (
                        name == "src" and tag == "img" and value.lower().startswith("data:image/")):
                    self.problems.append((line, f"адрес «{value[:40]}» в {name}= запрещён — оставьте обычную ссылку "
                                                "https://… или ссылку на страницу сайта"))
                elif name != "href" and re.match(r"^\s*(https?:)?//", value, re.I):
                    self.problems.append((line, f"<{tag} {name}=«{value[:60]}»> загружает файл с другого сайта — "
                                                "положите файл в docs/assets/ и сошлитесь на него"))
            elif name == "style" and re.search(r"url\s*\(|expression\s*\(|@import", value, re.I):
                self.problems.append((line, "в атрибуте style= нельзя загружать файлы (url(…)) — уберите это"))
        if tag == "link" and any(n == "href" and re.match(r"^\s*(https?:)?//", v or "", re.I) for n, v in attrs):
            self.problems.append((line, "<link> на другой сайт запрещён — положите файл в docs/assets/"))
        if tag == "style":
            self.problems.append((line, "тег <style> запрещён в тексте страницы — оформление задаётся в "
                                        "docs/assets/stylesheets/site.css"))


_MD_REMOTE_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?((?:https?:)?//[^)\s>]+)", re.I)
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_MD_PROBLEMS = [
    (re.compile(r"\{:?[^}\n]*\bon[a-z]+\s*=", re.I),
     "атрибут on…= (скрипт) в фигурных скобках {: … } запрещён — уберите его"),
    (re.compile(r"\]\(\s*<?\s*(?:javascript|vbscript|data):|^[ \t]*\[[^\]]+\]:\s*<?\s*(?:javascript|vbscript|data):"
                r"|\{:?[^}\n]*\b(?:href|src)\s*=\s*[\"']?\s*(?:javascript|vbscript|data):", re.I | re.M),
     "ссылка с адресом javascript:/data: запрещена — оставьте обычную ссылку https://… или ссылку на страницу сайта"),
]


def markdown_raw_html_problems(markdown: str) -> list[tuple[int, str]]:
    """(line, Russian message) for every raw HTML construct or remote resource that an editor's
    page must not have. Code (fenced blocks, inline `code`) is text and is not checked."""
    prose: list[str] = []
    fence: str | None = None
    for row in markdown.split("\n"):  # blank out code, keep line numbers
        opening = _FENCE.match(row)
        if fence is None and opening:
            fence = opening.group(1)[:3]
            prose.append("")
        elif fence is not None:
            if row.strip().startswith(fence):
                fence = None
            prose.append("")
        else:
            prose.append(re.sub(r"(`+)(?:(?!\1).)+?\1", lambda m: " " * len(m.group(0)), row))
    text = "\n".join(prose)
    parser = _RawHtml()
    parser.feed(text)
    parser.close()
    problems = list(parser.problems)
    for pattern, message in _MD_PROBLEMS:
        for match in pattern.finditer(text):
            problems.append((text.count("\n", 0, match.start()) + 1, message))
    for match in _MD_REMOTE_IMAGE.finditer(text):
        problems.append((text.count("\n", 0, match.start()) + 1,
                         f"картинка с другого сайта ({match.group(1)[:60]}) запрещена: у посетителя она откроет "
                         "связь с чужим сервером — положите файл в docs/assets/ и сошлитесь на него"))
    return sorted(set(problems))


def rendered_html_problems(html: str) -> list[str]:
    """The same rules checked on a hand-written page's rendered HTML (whatever Markdown
    extension made it): a backstop without line numbers."""
    parser = _RawHtml()
    parser.feed(html)
    parser.close()
    return sorted({message for _, message in parser.problems})
