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
