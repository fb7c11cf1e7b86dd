"""Record pages at scale: render the theme once per folder, fill it for every record.

A national directory has thousands of service pages that differ only in their title,
description, address and body; the theme frame around them (header, nav, footer, scripts) is
the same for every page in a folder. The site engine renders one prototype page per folder
with sentinel values; `make_shell` cuts it at the sentinels and `fill` puts each record's
values in. Values are HTML-escaped; the body is the record's finished HTML.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from dataclasses import dataclass
from typing import Iterator

PROTOTYPE_ID = "__shell__"
TITLE = "HSSHELLTITLE7f3a"
DESCRIPTION = "HSSHELLDESCRIPTION7f3a"
BODY = "<h1>HSSHELLBODY7f3a</h1>"  # an h1, so the theme adds no title heading of its own
_SLOTS = re.compile(f"({TITLE}|{DESCRIPTION}|{re.escape(BODY)}|{PROTOTYPE_ID})")
_SLOT_NAMES = {TITLE: "title", DESCRIPTION: "description", BODY: "body", PROTOTYPE_ID: "slug"}
_FRONT_VALUE = re.compile(r'^(title|description): (".*")$', re.M)


class ShellError(ValueError):
    """The prototype page does not have the expected shape (the theme changed): render normally."""


@dataclass(frozen=True)
class Shell:
    chunks: tuple[str, ...]  # literal text; len(chunks) == len(slots) + 1
    slots: tuple[str, ...]  # "title" | "description" | "body" | "slug"

    def fill(self, *, title: str, description: str, body: str, slug: str) -> str:
        values = {"title": _text(title), "description": _text(description), "body": body, "slug": slug}
        out = [self.chunks[0]]
        for slot, chunk in zip(self.slots, self.chunks[1:]):
            out.append(values[slot])
            out.append(chunk)
        return "".join(out)


def _text(value: str) -> str:
    """Escaped for text and attribute contexts alike; no tag can be formed."""
    return html.escape(value.replace("<", "‹").replace(">", "›"), quote=True)


def prototype_markdown() -> str:
    """The prototype page: front matter with the sentinels, its body is the body sentinel."""
    return (f'---\ntitle: "{TITLE}"\ndescription: "{DESCRIPTION}"\nsearch:\n  exclude: true\nhide:\n  - toc\n---\n\n'
            f"{BODY}\n")


def make_shell(rendered: str) -> Shell:
    parts = _SLOTS.split(rendered)
    chunks, slots = tuple(parts[0::2]), tuple(_SLOT_NAMES[s] for s in parts[1::2])
    if slots.count("body") != 1 or "title" not in slots:
        raise ShellError(f"prototype page has {slots.count('body')} body slots and title slots: {slots.count('title')}")
    return Shell(chunks, slots)


def front_values(front_matter: str) -> tuple[str, str]:
    """(title, description) from a generated page's front matter (JSON-quoted strings, unescaped)."""
    values = {key: json.loads(raw) for key, raw in _FRONT_VALUE.findall(front_matter)}
    return html.unescape(values.get("title", "")), html.unescape(values.get("description", ""))


_CSP = 'http-equiv="Content-Security-Policy"'


def record_pages_output(pages, shells: dict[str, Shell], site) -> Iterator[tuple[str, bytes]]:
    """(site path, HTML) of every record page, filled into its folder's shell — one at a time."""
    from .safety import _HEAD_ANCHOR, harden_html  # links in bodies get rel=noopener noreferrer like every page

    for page in pages:
        if not page.record:
            continue
        folder, name = posixpath.split(page.path)
        title, description = front_values(page.front_matter)
        frame, body = shells[folder], page.html_body
        if _CSP in frame.chunks[0] and not _HEAD_ANCHOR.search(body):
            # the frame is hardened already (on_post_page): only the body's links need it (same output)
            text = frame.fill(title=title, description=description, body=harden_html(body), slug=name[:-3])
        else:
            text = harden_html(frame.fill(title=title, description=description, body=body, slug=name[:-3]))
        url = site.url_of(page.path)
        yield (url + "index.html" if url.endswith("/") or url == "" else url), text.encode("utf-8")


def prototype_path(folder: str) -> str:
    return f"{folder}/{PROTOTYPE_ID}.md"


def sitemap_with_records(sitemap: str, site_url: str, record_urls: list[str]) -> str:
    """MkDocs' sitemap without the prototype pages and with every record page."""
    sitemap = re.sub(r"\s*<url>\s*<loc>[^<]*" + PROTOTYPE_ID + r"[^<]*</loc>.*?</url>", "", sitemap, flags=re.S)
    entries = "".join(f"\n    <url>\n         <loc>{html.escape(site_url + url)}</loc>\n    </url>" for url in record_urls)
    return sitemap.replace("</urlset>", entries + "\n</urlset>", 1)
