"""One build of the campaign's content, independent of the site engine."""

from __future__ import annotations

import datetime as dt
import gc
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Callable

from helpsite.data.load import CampaignData, load
from helpsite.outputs.opendata import open_data_files
from helpsite.pages.builder import TEMPLATE_CODE, GeneratedPage, PageBuilder
from helpsite.pages.site import Site
from helpsite.outputs.searchindex import page_keywords, record_entries


@dataclass(frozen=True)
class ContentBuild:
    data: CampaignData
    pages: list[GeneratedPage]
    now: dt.datetime
    files: dict[str, bytes] = field(default_factory=dict)  # calendars, feed: path in the site → content
    search_keywords: dict[str, list[str]] = field(default_factory=dict)  # hand-written page URL → front matter keywords
    builder: PageBuilder | None = None  # renders the record pages when they are written (not in `pages`)
    og: dict[str, str] = field(default_factory=dict)  # link previews: campaign card, feed (helpsite/outputs/announce)
    site: Site = field(default_factory=Site)  # page addresses

    @cached_property
    def search_entries(self) -> list[dict[str, Any]]:
        """One search entry per record page (made where the search index is written: in `mkdocs serve`,
        by the process that writes it after the build returns)."""
        return record_entries(self.data, self.site)

    @cached_property
    def record_paths(self) -> list[str]:
        return self.builder.record_paths() if self.builder else [p.path for p in self.pages if p.record]

    @cached_property
    def html_pages(self) -> dict[str, GeneratedPage]:
        """Pages with a finished HTML body that the engine renders itself (not records)."""
        return {page.path: page for page in self.pages if page.prerendered and not page.record}

    @property
    def theme_context(self) -> dict[str, Any]:
        """What every page's frame shows: the main helpline and the quick-exit target."""
        helpline = self.data.main_helpline
        return {
            "og": self.og,
            "quick_exit_url": self.data.campaign.quick_exit_url,
            "draft": self.data.campaign.is_draft,  # «Демонстрационный сайт» on every page (overrides/main.html)
            "helpline": {
                "name": helpline.name,
                "phones": [{"tel": p.tel, "display": p.display, "note": p.description or ""} for p in helpline.phones],
                "terms": ", ".join(t for t in ("бесплатно" if helpline.free else "",
                                                "анонимно" if helpline.anonymous else "",
                                                "круглосуточно" if helpline.hours.always_open else "") if t),
            },
            # the first emergency number (112), shown with the helpline where search finds nothing
            "emergency": [{"tel": n.tel, "display": n.display, "name": n.name, "note": n.description or ""}
                          for n in self.data.campaign.emergency_numbers[:1]],
        }


def build_content(data_dir: Path, now: dt.datetime | None = None, directory_urls: bool = True,
                  site_url: str | None = None, defer_records: bool = False, docs_dir: Path | None = None,
                  cache_dir: Path | None = None, loaded: Callable[[PageBuilder], None] | None = None) -> ContentBuild:
    """Load and validate `data_dir` (raises `DataErrors`), render every generated page and file.

    With `defer_records` the record pages (thousands of services and events) are left out of
    `pages` and the open-data files out of `files`: `publish.complete_site` makes both when it
    writes them, on every core (`ContentBuild.builder`).

    With `cache_dir` (`buildcache.build_cache_dir`), compiled templates and validated records
    are kept there for the next build. `loaded` is called with the page builder as soon as the data
    is loaded, before any page is rendered (the hook starts writing open data then)."""
    if cache_dir is not None:
        TEMPLATE_CODE.persist_in(cache_dir / "templates")
    gc.unfreeze()  # what an earlier build in this process froze (mkdocs serve) is collectable again
    data = load(data_dir, cache_dir)
    # the model lives as long as the build: the collector's full passes need not scan it again and again
    # (several percent of a large build); unfrozen by the next build (the forked writers of publish.atomic
    # freeze what was made since, before they fork)
    gc.freeze()
    now = now or dt.datetime.now(data.campaign.tz)
    builder = PageBuilder(data, now, directory_urls, site_url)
    if loaded is not None:
        loaded(builder)
    files = builder.files() if defer_records else {**builder.files(), **open_data_files(builder)}
    pages = builder.build(records=not defer_records)
    return ContentBuild(data=data, pages=pages, now=now, files=files,
                        search_keywords=page_keywords(docs_dir or Path(data_dir).parent / "docs", builder.site,
                                                      ((p.path, p.markdown) for p in pages if not p.record)),
                        builder=builder if defer_records else None, og=builder.announce.theme_context(),
                        site=builder.site)


def check_content(content: ContentBuild, docs_dir: Path, log) -> None:
    """The checks every build makes after loading, whatever the engine: stale records (info,
    warning or error by `stale_level`), unknown `{{ campaign.… }}` placeholders in `docs_dir`, and
    for a live campaign no placeholders or example records. Raises `DataErrors`."""
    from helpsite.data import campaign_checks, campaigntext, freshness
    from helpsite.data.errors import DataErrors

    freshness.check_build(content.data, content.now.date(), log)
    campaigntext.check_docs(docs_dir, content.data)
    live = campaign_checks.live_problems(content.data) + campaign_checks.unfinished_pages(docs_dir, content.data.campaign)
    if live:
        raise DataErrors(live)


@dataclass(frozen=True)
class DocsProblems:
    """What the hand-written pages (docs/*.md) must not have, each page read once."""

    front_matter: list  # DataError: a front matter that is not YAML, or a page that is not UTF-8
    raw_html: list  # DataError: raw <script>, <iframe>, on…= handlers, remote resources (file:line)
    texts: list[str] = field(default_factory=list)  # the pages' text as read (what they link to: shell.linked_record_names)


def check_docs_pages(docs_dir: Path) -> DocsProblems:
    """Front matter and raw HTML of every page in `docs_dir`, for any engine (the MkDocs hook and
    `scripts/generate.py` alike)."""
    from helpsite.data.errors import DataError
    from helpsite.data.frontmatter import front_matter_errors
    from helpsite.publish.safety import markdown_raw_html_problems

    front: list[DataError] = []
    raw: list[DataError] = []
    texts: list[str] = []
    for page in sorted(docs_dir.rglob("*.md")) if docs_dir.is_dir() else []:
        display = f"{docs_dir.name}/{page.relative_to(docs_dir).as_posix()}"
        try:
            text = page.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            front.append(DataError(file=display, line=None, field="", message="файл не в кодировке UTF-8",
                                   hint=f"сохраните файл в UTF-8 ({exc.reason})"))
            continue
        texts.append(text)
        front += front_matter_errors(text, display)
        raw += [DataError(file=display, line=line, field="", message=message)
                for line, message in markdown_raw_html_problems(text.lstrip("\ufeff"))]
    return DocsProblems(front, raw, texts)
