#!/usr/bin/env python3
"""Material's stylesheet without what this site cannot show → docs/assets/stylesheets/material.css.

Material's main stylesheet (≈ 137 KB, 23 KB gzip) styles every feature of the theme; a page cannot paint its
text before it has arrived. This site uses few of them, so the site links a copy without the rules of the
features that need a Markdown extension, plugin or theme feature that mkdocs.yml does not turn on (tabs, code
highlighting, annotations, tooltips, tags, blog, versions, repository facts, consent…): `FEATURES` below, each
with the mkdocs.yml setting that would bring it. A rule goes only if every selector of it names such a class
outside :is()/:not()/:where()/:has(); the custom properties (icons as data: URLs) of those features go too.
Everything else stays as Material wrote it, in its order.

    python scripts/material_css.py           # write docs/assets/stylesheets/material.css from the installed Material
    python scripts/material_css.py --check   # exit 1 if the file is not what the installed Material gives

tests/test_first_paint.py runs --check (a Material upgrade → run the script) and fails if mkdocs.yml turns on a
setting whose styles were left out.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "assets" / "stylesheets" / "material.css"

# class families left out → the mkdocs.yml setting (markdown extension, plugin, theme feature or key) they need
FEATURES: dict[str, str] = {
    "tabbed-": "pymdownx.tabbed",
    "highlight": "pymdownx.highlight", "highlighttable": "pymdownx.highlight", "linenos": "pymdownx.highlight",
    "linenodiv": "pymdownx.highlight", "hll": "pymdownx.highlight", "filename": "pymdownx.highlight",
    "keys": "pymdownx.keys",
    "critic": "pymdownx.critic",
    "task-list": "pymdownx.tasklist",
    "arithmatex": "pymdownx.arithmatex",
    "mermaid": "pymdownx.superfences",
    "emojione": "pymdownx.emoji", "twemoji": "pymdownx.emoji", "gemoji": "pymdownx.emoji",
    "footnote": "footnotes",
    "headerlink": "permalink",
    "md-annotation": "content.code.annotate", "md-tooltip2": "content.tooltips",
    "md-source": "repo_url",  # md-source-file: git-revision-date-localized, in the same family
    "md-version": "mike", "md-select": "mike",
    "md-tag": "tags", "md-tags": "tags",  # a family takes its __element, --modifier and -suffixed classes
    "md-consent": "consent", "md-progress": "navigation.instant.progress", "md-status": "status",
    "md-social": "social", "md-tabs": "navigation.tabs", "md-path": "navigation.path",
    "md-post": "blog", "md-author": "blog", "md-pagination": "blog", "md-profile": "blog", "md-pin": "blog",
    "md-feedback": "feedback",
}
PROPERTIES = ("--md-annotation", "--md-source-", "--md-version-", "--md-tag-", "--md-status", "--md-tasklist-",
              "--md-footnotes-")


def _blocks(css: str) -> list[tuple[str, str | None]]:
    """Top-level statements: (prelude, block) or (statement, None) for `@charset …;`. Quotes and parentheses
    (data: URLs hold `;` and braces may not) are skipped over."""
    out: list[tuple[str, str | None]] = []
    i, n = 0, len(css)
    start = 0
    while i < n:
        c = css[i]
        if c in "\"'":
            i = css.index(c, i + 1) + 1
            continue
        if c == ";" and css[start:i].lstrip().startswith("@"):
            out.append((css[start:i + 1].strip(), None))
            i += 1
            start = i
            continue
        if c == "{":
            depth, j = 1, i + 1
            while depth:
                d = css[j]
                if d in "\"'":
                    j = css.index(d, j + 1) + 1
                    continue
                depth += d == "{"
                depth -= d == "}"
                j += 1
            out.append((css[start:i].strip(), css[i + 1:j - 1]))
            i = start = j
            continue
        i += 1
    return out


def _split(text: str, sep: str) -> list[str]:
    """Split at `sep` outside quotes, parentheses and brackets."""
    parts, depth, quote, last = [], 0, "", 0
    for i, c in enumerate(text):
        if quote:
            quote = "" if c == quote else quote
        elif c in "\"'":
            quote = c
        elif c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == sep and depth == 0:
            parts.append(text[last:i])
            last = i + 1
    parts.append(text[last:])
    return parts


def _feature_class(name: str) -> bool:
    for family in FEATURES:
        if family.endswith("-") and name.startswith(family):
            return True
        if name == family or name.startswith((family + "__", family + "--", family + "-")):
            return True
    return False


def _unused(selector: str) -> bool:
    bare = re.sub(r'"[^"]*"|\'[^\']*\'|\[[^\]]*\]', "", selector)
    while True:  # :is(…), :not(…), :where(…), :has(…) — their classes decide nothing
        shorter = re.sub(r":[\w-]+\([^()]*\)", "", bare)
        if shorter == bare:
            break
        bare = shorter
    return any(_feature_class(name) for name in re.findall(r"\.(-?[_a-zA-Z][\w-]*)", bare))


def trim(css: str) -> str:
    out: list[str] = []
    for prelude, block in _blocks(css):
        if block is None:
            out.append(prelude)
        elif prelude.startswith(("@media", "@supports", "@container", "@layer")):
            inner = trim(block)
            if inner:
                out.append(f"{prelude}{{{inner}}}")
        elif prelude.startswith("@"):
            out.append(f"{prelude}{{{block}}}")
        else:
            selectors = [s for s in _split(prelude, ",") if not _unused(s)]
            if not selectors:
                continue
            declarations = [d for d in _split(block, ";") if not d.strip().startswith(PROPERTIES)]
            if any(d.strip() for d in declarations):
                out.append(",".join(selectors) + "{" + ";".join(declarations) + "}")
    return "".join(out)


def material_css() -> tuple[Path, str]:
    import material

    folder = Path(material.__file__).parent / "templates" / "assets" / "stylesheets"
    source = next(p for p in sorted(folder.glob("main.*.min.css")))
    text = source.read_text(encoding="utf-8")
    text = re.sub(r"/\*# sourceMappingURL=[^*]*\*/\s*$", "", text)
    charset = '@charset "UTF-8";'
    body = trim(text)
    if body.startswith(charset):  # it must stay the first thing in the file
        body = body[len(charset):]
    note = f"/* {source.name} of mkdocs-material without the features this site does not turn on: scripts/material_css.py */"
    return source, f"{charset}{note}\n{body}\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args()
    source, text = material_css()
    if args.check:
        if not TARGET.exists() or TARGET.read_text(encoding="utf-8") != text:
            print(f"{TARGET.relative_to(ROOT)} is not {source.name} of the installed Material trimmed: "
                  "run python scripts/material_css.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"{TARGET.relative_to(ROOT)}: {len(text) / 1e3:.0f} KB from {source.name} ({source.stat().st_size / 1e3:.0f} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
