"""The complete content tree of a campaign, written to a folder with no site engine imported.

`generate(project_dir, out_dir)` writes what any static-site engine needs to build the site:

- every page as Markdown with front matter (hand-written `docs/` pages copied as they are,
  generated pages rendered from the data; record pages keep their finished HTML bodies, which
  any Markdown engine passes through);
- every file that is not a page: calendars, feeds, open data, print PDFs and their previews.

MkDocs reads the same pages through `hooks/campaign.py`; another engine (ProperDocs, Zensical,
Hugo with a Markdown front-matter layout) can build the folder this writes. The folder appears
whole or not at all: it is written beside its final place and renamed into it.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import posixpath
import shutil
from dataclasses import dataclass
from pathlib import Path

from helpsite.data import campaigntext
from helpsite.outputs.announce import announce_set
from helpsite.data.errors import DataErrors
from helpsite.publish.build import build_content, check_content, check_docs_pages
from helpsite.outputs.printing import site_print_set
from helpsite.outputs.printing.siteset import default_cache_dir

log = logging.getLogger("helpsite.publish.generate")


@dataclass(frozen=True)
class GeneratedTree:
    root: Path
    pages: int  # Markdown pages (hand-written and generated)
    files: int  # other files (calendars, feeds, open data, print)


def generate(project_dir: Path, out_dir: Path, *, directory_urls: bool = True, site_url: str | None = None,
             now: dt.datetime | None = None, with_print: bool = True) -> GeneratedTree:
    """Write the content tree of the campaign in `project_dir` (its `data/` and `docs/`) to
    `out_dir`, replacing what was there. Raises `DataErrors` (bad data) or `PrintError`."""
    docs = project_dir / "docs"
    content = build_content(project_dir / "data", now=now, directory_urls=directory_urls, site_url=site_url,
                            docs_dir=docs)
    check_content(content, docs, log)
    pages_problems = check_docs_pages(docs)  # what a hand-written page must not have, as for the site build
    if pages_problems.front_matter or pages_problems.raw_html:
        raise DataErrors(pages_problems.front_matter + pages_problems.raw_html)
    site_url = site_url or content.data.campaign.site_url
    out_dir = out_dir.resolve()
    staging = out_dir.with_name(out_dir.name + ".generating")
    if staging.exists():
        shutil.rmtree(staging)
    pages = files = 0
    try:
        if docs.is_dir():
            shutil.copytree(docs, staging, symlinks=False)
            for page in staging.rglob("*.md"):  # campaign fields in the shared texts, as the site shows them
                pages += 1
                text = page.read_text(encoding="utf-8")
                if "{{" in text:
                    rel = page.relative_to(staging).as_posix()
                    link = posixpath.relpath("programmes.md", posixpath.dirname(rel) or ".")
                    page.write_text(campaigntext.fill(text, content.data, link), encoding="utf-8")
        else:
            staging.mkdir(parents=True)
        generated = {page.path: page.markdown.encode("utf-8") for page in content.pages}
        clash = sorted(p for p in generated if (staging / p).exists())
        if clash:
            raise FileExistsError(f"docs/{clash[0]} совпадает с генерируемой страницей: переименуйте или удалите файл")
        others: dict[str, bytes] = dict(content.files)
        announced = announce_set(content.data, content.now, default_cache_dir(project_dir), site_url, directory_urls,
                                 previous_site=out_dir)
        others.update(announced.files)
        for path, source in announced.copies:
            others[path] = Path(source).read_bytes()
        if with_print:
            printed = site_print_set(content.data, content.now, project_dir, site_url, directory_urls)
            generated[printed.page.path] = printed.page.markdown.encode("utf-8")
            for path, source in printed.files:
                others[path] = Path(source).read_bytes()
        for rel, blob in [*generated.items(), *others.items()]:
            if rel.startswith("/") or ".." in rel.split("/"):
                raise ValueError(f"path outside the tree: {rel}")
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(blob)
        pages += len(generated)
        files += len(others)
        previous = out_dir.with_name(out_dir.name + ".previous")
        if previous.exists():
            shutil.rmtree(previous)
        if out_dir.exists():
            os.replace(out_dir, previous)
        os.replace(staging, out_dir)
        shutil.rmtree(previous, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return GeneratedTree(out_dir, pages, files)
