"""Hardening of every built HTML page: nothing may leave the reader's browser for a third party.

- A `Content-Security-Policy` meta tag allows only this site's own files. Inline scripts
  the theme writes (and ours) are allowed by their SHA-256 hash, computed from the page itself,
  so no `'unsafe-inline'` is needed for scripts.
- Links to other sites get `rel="noopener noreferrer"` (the referrer meta says no-referrer too).

Engine-independent: takes and returns HTML text.
"""

from __future__ import annotations

import base64
import hashlib
import re

_INLINE_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S | re.I)
_HEAD_ANCHOR = re.compile(r"<meta charset=[^>]*>|<head[^>]*>", re.I)
_A_TAG = re.compile(r"<a\s(?P<attrs>[^>]*)>", re.I)
_HREF = re.compile(r"""\bhref\s*=\s*["'](?P<url>[^"']*)["']""", re.I)
_EXECUTABLE_TYPES = {"", "text/javascript", "application/javascript", "module"}

POLICY = (
    "default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; worker-src 'self' blob:; manifest-src 'self'; media-src 'self'; "
    "object-src 'none'; frame-src 'none'; base-uri 'self'; form-action 'self'"
)


def inline_script_hashes(html: str) -> list[str]:
    hashes = []
    for match in _INLINE_SCRIPT.finditer(html):
        attrs = match.group("attrs")
        if re.search(r"\bsrc\s*=", attrs, re.I):
            continue
        kind = re.search(r"""\btype\s*=\s*["']?([^"'\s>]+)""", attrs, re.I)
        if kind and kind.group(1).lower() not in _EXECUTABLE_TYPES:
            continue  # data blocks (JSON, JSON-LD) are not executed
        digest = hashlib.sha256(match.group("body").encode("utf-8")).digest()
        hashes.append(f"'sha256-{base64.b64encode(digest).decode()}'")
    return sorted(set(hashes))


def content_security_policy(html: str) -> str:
    return POLICY.format(hashes=" ".join(inline_script_hashes(html))).replace("  ", " ")


def _external_rel(match: re.Match[str]) -> str:
    attrs = match.group("attrs")
    href = _HREF.search(attrs)
    if not href or not re.match(r"^(https?:)?//", href.group("url"), re.I):
        return match.group(0)
    if re.search(r"\brel\s*=", attrs, re.I):
        attrs = re.sub(r"""\brel\s*=\s*["']([^"']*)["']""",
                       lambda m: 'rel="' + " ".join(dict.fromkeys(m.group(1).split() + ["noopener", "noreferrer"])) + '"',
                       attrs, count=1, flags=re.I)
    else:
        attrs = attrs.rstrip() + ' rel="noopener noreferrer"'
    return f"<a {attrs}>"


def harden_html(html: str) -> str:
    """Add the CSP meta tag first thing in <head> and protect external links."""
    html = _A_TAG.sub(_external_rel, html)
    if 'http-equiv="Content-Security-Policy"' in html:
        return html
    anchor = _HEAD_ANCHOR.search(html)
    if anchor is None:
        return html
    meta = f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy(html)}">'
    return html[: anchor.end()] + meta + html[anchor.end():]
