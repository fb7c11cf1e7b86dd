"""News posts (`data/news/<id>.yml`) → an Atom 1.0 feed (`news/feed.xml`) of the posts only.

The posts' pages are rendered by `pages.py` like every other page; this module writes the
feed with `xml.etree` (so every text is escaped by the XML serializer) and formats a post's
date for readers: an approximate date is shown as the editor wrote it in `date_text`.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from typing import Callable
from urllib.parse import urlsplit

from markupsafe import Markup

from helpsite.data import model as m
from helpsite.data.load import CampaignData
from helpsite.pages.richtext import to_html

FEED = "news/feed.xml"
ATOM = "http://www.w3.org/2005/Atom"
MONTHS_GENITIVE = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
                   "октября", "ноября", "декабря"]


def post_path(post_id: str) -> str:
    return f"news/{post_id}.md"


def date_label(post: m.NewsPost) -> Markup:
    """`<time>` with the date, or the editor's wording for an approximate date."""
    if post.date_approximate:
        text = post.date_text or f"около {post.date.year} года"
        return Markup('<time datetime="{}">{}</time> <span class="hs-muted">(точная дата не указана)</span>').format(
            post.date.year, text)
    return Markup('<time datetime="{}">{} {} {}</time>').format(
        post.date.isoformat(), post.date.day, MONTHS_GENITIVE[post.date.month - 1], post.date.year)


def _moment(day: dt.date, tz: dt.tzinfo) -> str:
    return dt.datetime.combine(day, dt.time(), tz).isoformat()


def atom_feed(data: CampaignData, page_url: Callable[[str], str], site_url: str) -> bytes:
    """The Atom feed of every news post, newest first. Its `updated` is the newest post's date,
    so an unchanged set of posts gives the same file on every build."""
    ET.register_namespace("", ATOM)
    campaign = data.campaign
    tz = campaign.tz
    host = urlsplit(site_url).hostname or "localhost"
    site = site_url if site_url.endswith("/") else site_url + "/"

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "ru"})
    sub(feed, "id", page_url("news/index.md"))
    sub(feed, "title", f"{campaign.name}: новости")
    sub(feed, "subtitle", f"Новости, итоги и резолюции программы «{campaign.name}», {campaign.place}.")
    posts = list(data.news.values())
    newest = max((p.date for p in posts), default=dt.date(2000, 1, 1))
    sub(feed, "updated", _moment(newest, tz))
    sub(feed, "link", rel="self", type="application/atom+xml", href=site + FEED)
    sub(feed, "link", rel="alternate", type="text/html", href=page_url("news/index.md"))
    author = sub(feed, "author")
    sub(author, "name", campaign.name)
    sub(author, "uri", site)
    if campaign.copyright:
        sub(feed, "rights", campaign.copyright)
    sub(feed, "generator", "helpsite")
    for post in posts:
        entry = sub(feed, "entry")
        sub(entry, "id", f"tag:{host},{post.date.isoformat()}:news/{post.id}")
        sub(entry, "title", post.title)
        url = page_url(post_path(post.id))
        sub(entry, "link", rel="alternate", type="text/html", href=url)
        sub(entry, "published", _moment(post.date, tz))
        sub(entry, "updated", _moment(post.date, tz))
        sub(entry, "category", term=post.kind.value, label=m.NEWS_KIND_LABELS[post.kind.value])
        note = ""
        if post.date_approximate:
            note = f" (Дата приблизительная: {post.date_text or post.date.year}.)"
        sub(entry, "summary", " ".join(post.summary.split()) + note)
        html = str(to_html(post.body))
        if post.place:
            html = f"<p><em>{Markup.escape(post.place)}</em></p>\n" + html
        sub(entry, "content", html, type="html")
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"
