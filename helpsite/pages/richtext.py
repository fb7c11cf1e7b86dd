"""Editors' longer texts (news, event reports) → safe HTML.

The format is deliberately small: a blank line starts a new paragraph, a line starting with
«- » is a list item (an indented line after it continues the item). Everything is escaped:
no markup from the data reaches the page. Write such fields as a YAML literal block
(`body: |`), which keeps the line breaks.
"""

from __future__ import annotations

from markupsafe import Markup


def blocks(text: str) -> list[tuple[str, list[str]]]:
    """[("p", [paragraph]), ("ul", [item, item…])] from the text."""
    out: list[tuple[str, list[str]]] = []
    current: list[str] | None = None  # lines of the open paragraph or list item
    kind = ""

    def close() -> None:
        nonlocal current, kind
        if current is None:
            return
        joined = " ".join(" ".join(current).split())
        if kind == "p":
            out.append(("p", [joined]))
        elif out and out[-1][0] == "ul" and kind == "li":
            out[-1][1].append(joined)
        else:
            out.append(("ul", [joined]))
        current, kind = None, ""

    for raw in str(text).splitlines():
        line = raw.strip()
        if not line:
            close()
            if out and out[-1][0] == "ul":
                out.append(("end", []))  # a blank line ends the list
            continue
        if line.startswith(("- ", "• ", "· ")) or line in ("-", "•"):
            close()
            current, kind = [line[2:] if len(line) > 1 else ""], "li"
            if not out or out[-1][0] != "ul":
                out.append(("ul", []))
            continue
        if kind == "li" and current is not None and raw[:1] in (" ", "\t"):
            current.append(line)  # continuation of a list item
            continue
        if kind == "li":
            close()
        if current is None:
            current, kind = [], "p"
        current.append(line)
    close()
    return [(k, items) for k, items in out if k != "end" and (k == "p" or items)]


def to_html(text: str) -> Markup:
    parts = []
    for kind, items in blocks(text):
        if kind == "p":
            parts.append(Markup("<p>{}</p>").format(items[0]))
        else:
            parts.append(Markup("<ul>\n{}\n</ul>").format(
                Markup("\n").join(Markup("<li>{}</li>").format(item) for item in items)))
    return Markup("\n").join(parts)


def first_paragraph(text: str) -> str:
    for _kind, items in blocks(text):
        return items[0]
    return ""

