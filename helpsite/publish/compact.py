"""Whitespace the theme's templates leave in every page, taken out without changing what is shown.

Material's Jinja templates indent and leave blank lines around every block: a service page was
≈ 27 KB, a sixth of it runs of spaces and newlines (10,000 services: ≈ 40 MB). A run of
whitespace that holds a line break becomes one line break: HTML shows any run of whitespace
between words as one space and none between blocks, so the page looks and reads the same.
Left as they are: `<pre>`, `<textarea>` (their text is shown as written), `<script>` and `<style>`
(code; inline scripts are allowed by the hash of their exact text, see `safety.py`). Nothing on
the site sets `white-space: pre` on other elements.

The theme's configuration (`<script id="__config" type="application/json">`, read by Material's
JavaScript with JSON.parse) is written again without `\\uXXXX` escapes: its Russian strings were
six bytes a letter instead of two (≈ 0.7 KB a page). `<`, `>` and `&` stay escaped, so the JSON
cannot end the script element. It is data, not code: the CSP does not hash it.

Record pages are filled into a frame made from a compacted prototype (`shell.py`): the frame is
compacted once per folder, not once per page.
"""

from __future__ import annotations

import json
import re
from typing import Callable

_CONFIG = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)
_KEEP = re.compile(r"<(pre|textarea|script|style)\b.*?</\1\s*>", re.S | re.I)
_RUN = re.compile(r"[ \t\r\n]*\n[ \t\r\n]*")


def compact_html(html: str) -> str:
    """`html` with every whitespace run that holds a line break cut to one line break, outside
    `<pre>`, `<textarea>`, `<script>` and `<style>`."""
    out: list[str] = []
    at = 0
    for kept in _KEEP.finditer(html):
        out.append(_cut_runs(html[at:kept.start()]))
        out.append(kept.group(0))
        at = kept.end()
    out.append(_cut_runs(html[at:]))
    return _CONFIG.sub(_config, "".join(out), count=1)


def _cut_runs(text: str) -> str:
    """`_RUN.sub("\\n", text)`, line by line: the same text, ten times faster on a large page (the
    regular expression tries a match at every space)."""
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    out = [lines[0].rstrip(" \t\r")]
    for line in lines[1:-1]:  # a line of only whitespace is inside a run
        line = line.strip(" \t\r")
        if line:
            out.append(line)
    out.append(lines[-1].lstrip(" \t\r"))
    return "\n".join(out)


def _config(match: re.Match[str]) -> str:
    try:
        value = json.loads(match.group(2))
    except ValueError:
        return match.group(0)
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return match.group(1) + text + match.group(3)


_WS = " \t\r\n"  # what `_RUN` counts as whitespace
_LEAD = re.compile(r"[ \t\r\n]*")
_KEEP_START = re.compile(r"<(pre|textarea|script|style)", re.I)  # where a `_KEEP` part, or a script, could begin


def finish_with_body(page: str, stand_in: str, body: str, finish: Callable[[str], str]) -> str:
    """`finish(page.replace(stand_in, body))`, where `finish` is `compact_html(harden_html(…))` (its warnings
    about inline scripts aside): a listing's body (the services directory: 7 million characters) is put back
    into its page, which the theme rendered around a stand-in (a comment).

    Made as `finish` of the page with the stand-in (the theme's few dozen KB) and the stand-in then replaced
    by the body's core (the body without its leading and trailing whitespace, which go around the stand-in
    first, so that they join the page's runs as they would) with its links hardened (`harden_links`; none
    to harden without «//») and its runs cut (`_cut_runs`) — the same text when:
    - the stand-in is in the page once, outside any tag and any script, `<pre>`, `<textarea>` or `<style>`
      (none open before it), after the page's <head> (the CSP goes there), and stays as it is in `finish`'s
      output (it is a comment: nothing hardens or cuts it);
    - the body has no script (the page's CSP hashes the page's scripts: the same), no `<pre>`, `<textarea>`
      or `<style>` (whose text is kept as it is) and ends outside a tag (no link tag spans the boundary).
    Otherwise `finish` of the whole page. Test: the same text as `finish` of the whole, over bodies and pages
    with and without each of these."""
    from helpsite.publish.safety import _HEAD_ANCHOR, harden_links

    lead = _LEAD.match(body)  # the body's edges of whitespace, found without copying the body
    start, end = lead.end() if lead else 0, len(body)
    while end > start and body[end - 1] in _WS:
        end -= 1
    core = body[start:end]
    at = page.find(stand_in)
    before = page[:at]
    anchor = _HEAD_ANCHOR.search(before)
    if (not core or at < 0 or page.find(stand_in, at + 1) >= 0 or anchor is None
            or "<" in before[before.rfind(">") + 1:] or "<" in core[core.rfind(">") + 1:]
            or _open_keep(before) or _KEEP_START.search(core)):
        return finish(page.replace(stand_in, body))
    done = finish(page.replace(stand_in, body[:start] + stand_in + body[end:]))
    if done.count(stand_in) != 1:
        return finish(page.replace(stand_in, body))
    if "//" in core:
        core = harden_links(core)
    return done.replace(stand_in, _cut_runs(core))


def _open_keep(text: str) -> bool:
    """Whether a script, `<pre>`, `<textarea>` or `<style>` is still open at the end of `text`."""
    at = 0
    while (start := _KEEP_START.search(text, at)) is not None:
        end = re.compile(rf"</{start.group(1)}\s*>", re.I).search(text, start.end())
        if end is None:
            return True
        at = end.end()
    return False
