"""One build of the campaign's content, independent of the site engine."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .load import CampaignData, load
from .pages import GeneratedPage, build_pages


@dataclass(frozen=True)
class ContentBuild:
    data: CampaignData
    pages: list[GeneratedPage]
    now: dt.datetime

    @property
    def theme_context(self) -> dict[str, Any]:
        """What every page's frame shows: the main helpline and the quick-exit target."""
        helpline = self.data.main_helpline
        return {
            "quick_exit_url": self.data.campaign.quick_exit_url,
            "helpline": {
                "name": helpline.name,
                "phones": [{"tel": p.tel, "display": p.display, "note": p.description or ""} for p in helpline.phones],
                "terms": ", ".join(t for t in ("бесплатно" if helpline.free else "",
                                                "анонимно" if helpline.anonymous else "",
                                                "круглосуточно" if helpline.hours.always_open else "") if t),
            },
        }


def build_content(data_dir: Path, now: dt.datetime | None = None, directory_urls: bool = True) -> ContentBuild:
    """Load and validate `data_dir` (raises `DataErrors`) and render every generated page."""
    data = load(data_dir)
    now = now or dt.datetime.now(data.campaign.tz)
    return ContentBuild(data=data, pages=build_pages(data, now, directory_urls), now=now)
