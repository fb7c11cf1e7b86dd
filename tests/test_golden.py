"""Golden tests: the test data set → the exact Markdown of every generated page.

A change in the output is a reviewed diff: run `UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py`
and read `git diff tests/golden/`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpsite.publish.build import build_content

from .conftest import FIXTURE_DATA, NOW

GOLDEN = Path(__file__).parent / "golden"
PAGES = {page.path: page.markdown for page in build_content(FIXTURE_DATA, now=NOW).pages}


def test_every_page_type_is_generated():
    assert sorted(PAGES) == [
        "algorithms/index.md", "algorithms/parent.md", "events/index.md", "events/seminar-1.md",
        "events/seminar-2.md", "events/series/course.md", "events/street-day.md", "helplines.md", "index.md",
        "news/index.md", "news/old-forum.md", "news/seminar-report.md", "open-data.md", "plan.md", "programmes.md", "results.md",
        "services/crisis-help.md", "services/hotline-room.md", "services/index.md",
    ]


@pytest.mark.parametrize("path", sorted(PAGES))
def test_page_matches_golden(path: str):
    golden = GOLDEN / path
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(PAGES[path], encoding="utf-8")
    assert golden.exists(), f"no golden file for {path}: run with UPDATE_GOLDEN=1 and review it"
    assert PAGES[path] == golden.read_text(encoding="utf-8")


def test_text_from_data_is_escaped():
    home = PAGES["index.md"]
    assert "# Тест &lt;кампания&gt; &amp; «защита»" in home
    # front matter goes into the theme unescaped (nav, <meta>): escaped, no tag can be formed
    # (the home page has no title of its own: its tab shows the site name once)
    assert not home.split("---")[1].lstrip().startswith("title:")
    assert 'программы «Тест ‹кампания› &amp; «защита»», Нижний Тагил."' in PAGES["events/index.md"]
    service = PAGES["services/crisis-help.md"]
    assert "<b>" not in service and "&lt;b&gt;после&lt;/b&gt;" in service
    assert "Вместе *защитим*" in home  # inside an HTML block Markdown does not apply


def test_overdue_is_computed_from_period_and_build_date():
    plan = PAGES["plan.md"]
    # 1.1 ended in October 2026, is «in progress» on 2026-11-25 → overdue; 1.2 is done
    assert 'hs-activity--overdue" id="activity-1-1"' in plan
    assert 'hs-activity--done" id="activity-1-2"' in plan
    assert '<progress max="2" value="1"' in plan


def test_upcoming_and_past_events_split_at_build_time():
    events = PAGES["events/index.md"]
    upcoming = events.split('<h2 id="skoro">')[1].split('<h2 id="cikly-zanyatiy">')[0]
    past = events.split('<h2 id="proshedshie">')[1]
    assert "Семинар 2" in upcoming and "Семинар 1" not in upcoming
    assert "Семинар 1" in past


def test_all_day_event_shows_the_date_without_a_time():
    page = PAGES["events/street-day.md"]
    assert '<time datetime="2026-11-25">25 ноября 2026</time>' in page
    assert "00:00" not in page
    # it takes the whole build day, so it is still upcoming at noon
    assert "street-day/" in PAGES["events/index.md"].split('<h2 id="skoro">')[1].split('<h2 id="proshedshie">')[0]
