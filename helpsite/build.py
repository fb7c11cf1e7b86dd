"""One build of the campaign's content, independent of the site engine."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .load import CampaignData, load
from .pages import GeneratedPage, build_pages


@dataclass(frozen=True)
class ContentBuild:
    data: CampaignData
    pages: list[GeneratedPage]
    now: dt.datetime


def build_content(data_dir: Path, now: dt.datetime | None = None, directory_urls: bool = True) -> ContentBuild:
    """Load and validate `data_dir` (raises `DataErrors`) and render every generated page."""
    data = load(data_dir)
    now = now or dt.datetime.now(data.campaign.tz)
    return ContentBuild(data=data, pages=build_pages(data, now, directory_urls), now=now)
