"""News and results: the Atom feed (read with feedparser), the seed posts, SVG charts."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest

from helpsite.publish.build import build_content
from helpsite.data.errors import DataErrors
from helpsite.data.load import load
from helpsite.outputs.news import FEED

from .conftest import FIXTURE_DATA, NOW, ROOT

REAL = build_content(ROOT / "data", now=NOW)
FIXTURE = build_content(FIXTURE_DATA, now=NOW)


def test_feed_parses_and_holds_the_posts_only():
    feed = feedparser.parse(REAL.files[FEED])
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "Вместе защитим: новости"
    posts = REAL.data.news
    assert [e.link for e in feed.entries] == [f"https://vmeste-zashchitim.example.org/news/{pid}/" for pid in posts]
    # posts only: no event, service or other page is an entry
    assert all("/news/" in e.link for e in feed.entries) and len(feed.entries) == len(posts)
    assert len({e.id for e in feed.entries}) == len(posts)
    for entry in feed.entries:
        assert entry.title and entry.summary and entry.content[0].value
        assert entry.published_parsed is not None


def test_seed_posts_have_their_real_dates():
    dates = {pid: (p.date, p.date_approximate) for pid, p in REAL.data.news.items()}
    assert dates["rezolyuciya-kruglogo-stola-2016"] == (dt.date(2016, 11, 2), False)
    assert dates["kruglyy-stol-vmeste-vsegda-legche-2022"] == (dt.date(2022, 12, 16), False)
    # no exact date in the documents: marked approximate, the year from the text
    assert dates["forum-megapolis-territoriya-detstva"][0].year == 2015 and dates["forum-megapolis-territoriya-detstva"][1]
    assert dates["vpechatlyayushchie-rezultaty"][1]
    feed = feedparser.parse(REAL.files[FEED])
    first = next(e for e in feed.entries if e.link.endswith("/rezolyuciya-kruglogo-stola-2016/"))
    assert first.published == "2016-11-02T00:00:00+05:00"
    approximate = next(e for e in feed.entries if e.link.endswith("/vpechatlyayushchie-rezultaty/"))
    assert "Дата приблизительная" in approximate.summary


def test_feed_escapes_text_and_is_stable():
    feed = feedparser.parse(FIXTURE.files[FEED])
    entry = feed.entries[0]
    assert entry.summary == "Семинар прошёл, <материалы> опубликованы."
    assert "пункт &lt;два&gt;" in entry.content[0].value  # the body's HTML keeps the text escaped
    assert FIXTURE.files[FEED] == build_content(FIXTURE_DATA, now=NOW + dt.timedelta(days=30)).files[FEED]
    ET.fromstring(FIXTURE.files[FEED])  # well-formed XML


def test_approximate_date_is_shown_as_written():
    page = next(p.markdown for p in REAL.pages if p.path == "news/forum-megapolis-territoriya-detstva.md")
    assert '<time datetime="2015">2015 год</time> <span class="hs-muted">(точная дата не указана)</span>' in page


def test_news_reference_checks(data_copy: Path):
    post = data_copy / "news" / "seminar-report.yml"
    post.write_text(post.read_text(encoding="utf-8").replace("event_ids: [seminar-1]", "event_ids: [seminar-9]"),
                    encoding="utf-8")
    results = data_copy / "results.yml"
    results.write_text(results.read_text(encoding="utf-8").replace("value: 2}", "value: 4}"), encoding="utf-8")
    with pytest.raises(DataErrors) as caught:
        load(data_copy)
    report = caught.value.report()
    assert "data/news/seminar-report.yml:13: event_ids[0]: нет события с таким id (значение: «seminar-9»)" in report
    assert "data/results.yml:" in report and "сумма по видам не совпадает с итогом группы" in report


def test_results_file_is_optional(data_copy: Path):
    (data_copy / "results.yml").unlink()
    pages = {p.path: p.markdown for p in build_content(data_copy, now=NOW).pages}
    assert "Итоги пока не опубликованы." in pages["results.md"]


# ------------------------------------------------------------------ results and charts

def test_results_from_the_seed():
    result = REAL.data.results["bezopasnoe-detstvo-vologda"]
    assert result.region == "Вологодская область" and result.period == "2022–2023 гг."
    services = next(g for g in result.groups if g.id == "new-services")
    assert services.total.value == 55 and sum(i.value for i in services.items) == 55
    assert sorted(i.value for i in services.items) == [2, 3, 3, 4, 7, 9, 27]
    people = {i.value: i.qualifier.value for i in next(g for g in result.groups if g.id == "people-reached").items}
    assert people == {6000: "more_than", 837: "exact", 800: "more_than", 600: "about", 32: "exact"}


def test_charts_are_accessible_svg_with_a_table():
    page = next(p.markdown for p in REAL.pages if p.path == "results.md")
    charts = re.findall(r"<svg .*?</svg>", page, re.S)
    assert len(charts) == 3
    for svg in charts:
        root = ET.fromstring(svg)  # well-formed
        ns = "{http://www.w3.org/2000/svg}"
        assert root.get("role") == "img"
        title, desc = root.find(f"{ns}title"), root.find(f"{ns}desc")
        assert title is not None and desc is not None
        assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert "27 служб" in page.split("<desc")[1].split("</desc>")[0]
    assert "<td>более 6\u202f000</td>" in page and "<td>около 600</td>" in page and "<td>837</td>" in page
    assert page.count("<table>") == 3 and page.count("<caption>") == 3
    assert "<script" not in page


def test_bars_are_proportional():
    page = next(p.markdown for p in FIXTURE.pages if p.path == "results.md")
    widths = [float(w) for w in re.findall(r'<rect class="hs-chart__bar" x="0" y="\d+" width="([\d.]+)"', page)]
    assert widths[0] / widths[1] == pytest.approx(3 / 2, rel=1e-3)
    assert "Службы &lt;SOS&gt;" in page  # labels escaped


def test_news_and_results_in_the_built_site(built_site: Path):
    feed = feedparser.parse((built_site / "news" / "feed.xml").read_bytes())
    assert not feed.bozo and len(feed.entries) == len(REAL.data.news)
    assert (built_site / "results" / "index.html").is_file()
    news = (built_site / "news" / "index.html").read_text(encoding="utf-8")
    assert 'href="feed.xml"' in news
    for pid in REAL.data.news:
        assert (built_site / "news" / pid / "index.html").is_file()
