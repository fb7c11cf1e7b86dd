"""The model → Markdown pages, through Jinja templates in `helpsite/pages/templates/`.

Each builder returns `GeneratedPage(path, markdown)`; the MkDocs hook adds them as virtual
files so Material renders, searches and navigates them like hand-written pages. Text from
the data is escaped: `|md` for Markdown contexts (headings), autoescape in HTML blocks.

Where is a helpline rendered? `parts.py` → `phone_links` (Python; templates call it as
`parts.phone_links` through `templates/_parts.j2`), used by `helplines.md.j2` (the helplines
page), `index.md.j2` (the home page) and `service.html.j2` (a service's page).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from jinja2 import BytecodeCache, Environment, PackageLoader, StrictUndefined, Template
from jinja2.bccache import Bucket
from jinja2.compiler import CodeGenerator, optimizeconst
from jinja2.runtime import Context, markup_join
from markupsafe import Markup

from helpsite.outputs import calendar as ics
from helpsite.pages import directory
from helpsite.pages.parts import C_ESCAPING, Pieces, as_markup, escape_text, tag_free_text
from helpsite.data import model as m
from helpsite.data.buildcache import write_atomic
from helpsite.pages.charts import bar_chart, number_ru, value_ru
from helpsite.pages.eventtimes import EventTimes, event_times
from helpsite.pages.jsonld import event_jsonld, script_tag
from helpsite.data.load import CampaignData
from helpsite.outputs.news import FEED, atom_feed, date_label
from helpsite.outputs.opendata import PAGE as OPEN_DATA, open_data_context
from helpsite.pages.richtext import to_html
from helpsite.data.textmarks import nowrap_phones
from helpsite.pages.russian import (  # noqa: F401 — templates and other modules use them from here too
    MONTHS_GENITIVE, MONTHS_NOMINATIVE, date_ru, month_ru, period_ru, time_ru, byday_ru, hours_ru,
    hours_json, utc_offset_ru, moscow_time, ages_ru, audience_ru, map_url, plural_ru, MOSCOW,
)
from helpsite.pages.site import Site

@dataclass(frozen=True)
class GeneratedPage:
    """A page of the site: front matter plus a Markdown body, or plus a finished HTML body.

    Record pages (a service, an event) are rendered straight to HTML by `*.html.j2` templates:
    there are thousands of them and Markdown has nothing to do on them. The site engine gets
    the front matter and uses `html_body` as the page content as it is.
    """

    path: str  # path inside docs, e.g. "services/krizisnaya-sluzhba.md"
    markdown: str  # the whole text: front matter + body (what golden tests compare)
    prerendered: bool = False  # True: the body after the front matter is final HTML
    record: bool = False  # one of thousands alike (a service, an event): filled into a shared frame

    @property
    def front_matter(self) -> str:
        """The front matter block (with its `---` lines), or "" if there is none."""
        if not self.markdown.startswith("---\n"):
            return ""
        end = self.markdown.index("\n---\n", 4) + 5
        return self.markdown[:end]

    @property
    def html_body(self) -> str:
        return self.markdown[len(self.front_matter):]

    def toc(self, body: str | None = None) -> list[dict[str, Any]]:
        """Table of contents of an HTML body, in Python-Markdown's `toc_tokens` form (h2 and h3); `body`: the
        page's `html_body` if the caller has it (not sliced again: the services directory's is 7 million characters)."""
        tokens: list[dict[str, Any]] = []
        for level, ident, inner in _HEADING.findall(self.html_body if body is None else body):
            token = {"level": int(level), "id": ident, "name": re.sub(r"<[^>]+>", "", inner).strip(), "children": []}
            if token["level"] == 3 and tokens:
                tokens[-1]["children"].append(token)
            elif token["level"] == 2:
                tokens.append(token)
        return tokens


_HEADING = re.compile(r'<h([23])\b[^>]*\bid="([^"]+)"[^>]*>(.*?)</h\1>', re.S)


# ------------------------------------------------------------------ filters

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!<>&])")  # Python-Markdown's escapable characters, and HTML


def md_inline(value: Any) -> Markup:
    """Text safe to put in a Markdown line (a heading, a list item): no markup survives."""
    text = str(value)
    text = _MD_SPECIAL.sub(lambda mt: {"<": "&lt;", ">": "&gt;", "&": "&amp;"}.get(mt.group(1), "\\" + mt.group(1)), text)
    return Markup(" ".join(text.split()))


def front_matter_string(value: Any) -> Markup:
    """A title or description for the front matter, safe wherever the theme puts it.

    MkDocs' theme environment does not autoescape: Material writes `page.meta.description`
    into an attribute and `page.title` into the nav as they are, and `<title>` through
    `striptags`, which unescapes entities. So the value is HTML-escaped and angle brackets
    are replaced by look-alikes that no tag can be made of. JSON strings are valid YAML.
    """
    return as_markup(_JSON_TEXT(tag_free_text(" ".join(str(value).split()))))


_JSON_TEXT = json.encoder.encode_basestring  # `json.dumps(text, ensure_ascii=False)` of a string (what its encoder calls)


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates kept for the life of the process, keyed by name and source checksum,
    and on disk (`persist_in`) for the next build: a CLI build does not compile ~60 templates again.

    `mkdocs serve` rebuilds in one process: templates are not parsed and compiled again (an
    edited template has a new checksum, so it is). Pure: the same source gives the same code.
    Jinja checks its own version, Python's bytecode magic and the source checksum in every entry."""

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}
        self._folder: Path | None = None
        self._on_disk: set[tuple[Path, str]] = set()  # entries known to be in a folder

    def persist_in(self, folder: Path) -> None:
        self._folder = folder

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._store.get(bucket.key)
        if code is not None and self._folder is not None and (self._folder, bucket.key) not in self._on_disk:
            file = self._folder / f"{bucket.key}.jinja"  # compiled in this process for another folder
            if not file.is_file():
                write_atomic(file, code)
            self._on_disk.add((self._folder, bucket.key))
        if code is None and self._folder is not None:
            try:
                code = (self._folder / f"{bucket.key}.jinja").read_bytes()
            except OSError:
                code = None
        if code is not None:
            try:  # a stale entry resets the bucket (compiled again); so does a damaged one
                bucket.bytecode_from_string(code)
            except Exception:  # noqa: BLE001 - unpickling garbage raises anything
                bucket.reset()
            if bucket.code is not None:
                self._store[bucket.key] = code

    def get_bucket(self, environment: Environment, name: str, filename: str | None, source: str) -> Bucket:
        # an environment that compiles templates its own way (`_PageEnvironment`) keeps its code apart
        return super().get_bucket(environment, name + getattr(environment, "code_tag", ""), filename, source)

    def dump_bytecode(self, bucket: Bucket) -> None:
        code = bucket.bytecode_to_string()
        self._store[bucket.key] = code
        if self._folder is not None:
            write_atomic(self._folder / f"{bucket.key}.jinja", code)
            self._on_disk.add((self._folder, bucket.key))


TEMPLATE_CODE = MemoryBytecodeCache()  # shared by our templates and the theme's (hooks: on_env)

# Jinja's optimizer folds constant expressions at compile time: in our templates and the theme's it folds none
# (the code compiled without it is the same, but for «-1» written «(-1)»), yet it walks every expression again
# at each level of it — a quarter of the code generation, ≈ 0.035 s CPU of a clean build. Off in both
# environments (`PageBuilder`, hooks: on_env); a test compares the code compiled both ways.
FOLD_CONSTANTS = False


def one_blank_line(text: str) -> str:
    """`re.sub(r"\n{3,}", "\n\n", text)`: a run of 3 or more line breaks becomes 2 (what `{% if %}` lines
    of a template leave). Most pages have no such run (one search); an event page's dozen runs are found
    by `str.find` and cut in one pass over the text (passes of `str.replace`, each making a run a third
    shorter, took 26 µs a page: 3 to 4 passes over 4,000 characters; the pattern is slower still)."""
    at = text.find("\n\n\n")
    if at < 0:
        return text
    pieces = []
    start, size = 0, len(text)
    while at >= 0:
        pieces.append(text[start:at + 2])
        start = at + 3
        while start < size and text[start] == "\n":
            start += 1
        at = text.find("\n\n\n", start)
    pieces.append(text[start:])
    return "".join(pieces)


# `_TextOutput` overrides one private method of Jinja's code generator: used only where it exists and
# MarkupSafe has its C escaping (else Jinja's own output code; the golden tests pin the pages' bytes either way)
_TEXT_OUTPUT = C_ESCAPING and callable(getattr(CodeGenerator, "_output_child_pre", None))


class _TextOutput(CodeGenerator):
    """Compiles an autoescaped `{{ … }}` to `escape_text(…)` instead of `escape(…)`: the same text
    (`Markup(s)` is `s`), ≈ a sixth of a service page's rendering less; and an autoescaped `a ~ b` to
    `join_text((a, b))` instead of `markup_join((a, b))`. Everything else as Jinja does."""

    @optimizeconst
    def visit_Concat(self, node: Any, frame: Any) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape:
            super().visit_Concat(node, frame)
            return
        self.write("environment.join_text((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")

    def _output_child_pre(self, node: Any, frame: Any, finalize: Any) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape:
            super()._output_child_pre(node, frame, finalize)
            return
        self.write("environment.escape_text(")
        if finalize.src is not None:
            self.write(finalize.src)


class _PageContext(Context):
    """A page's context: a call in a template (`link(…)`, `parts.address(…)`) of a plain function or method
    that asks for nothing of Jinja's (no `pass_context` and the like, which Jinja marks on the callable
    itself) goes straight to it — Jinja's own `call` looks for such a mark on the callable and on its
    `__call__` first (about a fifth of a call from a service page). Anything else is Jinja's `call`."""

    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's signature
        if type(__obj) in _PLAIN_CALLABLES and not hasattr(__obj, "jinja_pass_arg"):
            if kwargs:  # most calls have none
                kwargs.pop("_block_vars", None)
                kwargs.pop("_loop_vars", None)
            try:
                return __obj(*args, **kwargs)
            except StopIteration:
                return __self.environment.undefined("value was undefined because a callable raised a"
                                                    " StopIteration exception")
        return super().call(__obj, *args, **kwargs)


_PLAIN_CALLABLES = (types.FunctionType, types.MethodType, types.BuiltinFunctionType)


class _PageEnvironment(Environment):
    """The page builder's environment: its globals are all set before the first template loads,
    so each template gets them as a plain dict. (Jinja gives a live ChainMap over the
    environment's globals, which it copies key by key for every page rendered and searches key
    by key for every `{% import %}` — a tenth of the time of a record page.) Its output
    expressions are compiled by `_TextOutput` where MarkupSafe has its C escaping."""

    code_tag = "|text-output-2" if _TEXT_OUTPUT else ""  # in the compiled templates' cache keys
    code_generator_class = _TextOutput if _TEXT_OUTPUT else CodeGenerator
    escape_text = staticmethod(escape_text)
    context_class = _PageContext

    def make_globals(self, d: Any) -> Any:
        return {**self.globals, **(d or {})}

    @staticmethod
    def join_text(values: tuple[Any, ...]) -> str:
        """`a ~ b ~ …` in an autoescaped template (`_TextOutput`): what Jinja's `markup_join` makes of the values —
        it asks each for `__html__` in a loop of Python calls; plain strings (a name and a description joined)
        are simply joined (≈ 0.4 µs less, 2 to 5 a record page), anything else goes to `markup_join`."""
        for value in values:
            if type(value) is not str:
                return markup_join(values)
        return "".join(values)


# ------------------------------------------------------------------ site structure

# ------------------------------------------------------------------ builders

class PageBuilder:
    def __init__(self, data: CampaignData, now: dt.datetime, directory_urls: bool = True, site_url: str | None = None):
        self.data = data
        self.site = Site(directory_urls)
        self.now = now.astimezone(data.campaign.tz)
        self.site_url = (site_url or data.campaign.site_url).rstrip("/") + "/"
        self.env = _PageEnvironment(loader=PackageLoader("helpsite.pages", "templates"), autoescape=True,
                               undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                               keep_trailing_newline=True, bytecode_cache=TEMPLATE_CODE,
                               auto_reload=False,  # an environment per build: no file check on each of thousands of pages
                               optimized=FOLD_CONSTANTS)
        self.env.filters.update(md=md_inline, yaml=front_matter_string, date_ru=date_ru, month_ru=month_ru,
                                time_ru=time_ru, hours_ru=hours_ru, hours_json=hours_json, byday_ru=byday_ru,
                                ages_ru=ages_ru, utc_offset=utc_offset_ru,
                                audience_ru=audience_ru, map_url=map_url, blocks=to_html, number_ru=number_ru,
                                value_ru=value_ru, nowrap_phones=nowrap_phones)
        self.env.globals.update(
            data=data, campaign=data.campaign, site=self.site, now=self.now,
            period_ru=period_ru, plural=plural_ru, event_times=self.event_times,
            activity_status=self.activity_status, resolve=data.resolve, pieces=Pieces(data.resolve),
            AUDIENCE=m.AUDIENCE_LABELS, ORG_KIND=m.ORGANIZATION_KIND_LABELS, SERVICE_STATUS=m.SERVICE_STATUS_LABELS,
            ALGO_AUDIENCE=m.ALGORITHM_AUDIENCE_LABELS, EVENT_TYPE=m.EVENT_TYPE_LABELS,
            EVENT_STATUS=m.EVENT_STATUS_LABELS, ACTIVITY_STATUS=m.ACTIVITY_STATUS_LABELS, CHANNEL=m.CHANNEL_LABELS,
            MATERIAL_KIND=m.MATERIAL_KIND_LABELS, NEWS_KIND=m.NEWS_KIND_LABELS,
            ics=ics, FEED=FEED, page_url=self.page_url, news_date=date_label, bar_chart=bar_chart,
            event_jsonld=lambda e: script_tag(event_jsonld(e, data, self.page_url, self.site_url)),
            google_url=lambda e: ics.google_url(e, data, self.page_url(Site.event(e.id))),
            outlook_url=lambda e: ics.outlook_url(e, data, self.page_url(Site.event(e.id))),
            is_upcoming=self.is_upcoming, moscow_time=moscow_time, programme_period=programme_period,
            plan_finished=self.plan_finished,
            posts_about=lambda eid: [p for p in data.news.values() if eid in p.event_ids], status_counts=self.status_counts,
            file_url=lambda path: self.site_url + path,
        )
        from helpsite.outputs.announce import EVENTS_FEED, Announcer, series_feed_path  # link previews, event kits, feeds

        self.announce = Announcer(data, self.now, self.site_url, self.site)
        self._record_paths: list[str] | None = None
        self._templates: dict[str, Template] = {}  # by name: not through Jinja's locked LRU cache for each of 11,000 pages
        self.env.globals.update(announce=self.announce, EVENTS_FEED=EVENTS_FEED, series_feed_path=series_feed_path)

    # -- helpers used by templates
    def render(self, template: str, path: str, record: bool = False, **context: Any) -> GeneratedPage:
        tpl = self._templates.get(template)
        if tpl is None:
            tpl = self._templates[template] = self.env.get_template(template)
        link = self.site.linker(path)  # `site.link(path, to, anchor)` as `link(to, anchor)`
        file_link = lambda to: self.site.file_link(path, to)  # noqa: E731
        text = one_blank_line(tpl.render(page_path=path, link=link, file_link=file_link, **context))
        return GeneratedPage(path, text, prerendered=template.endswith(".html.j2"), record=record)

    def event_times(self, event: m.Event) -> EventTimes:
        return event_times(event, self.data.campaign)

    def page_url(self, md_path: str) -> str:
        """The absolute URL of a page (JSON-LD, calendars, the feed)."""
        return self.site_url + self.site.url_of(md_path)

    def is_upcoming(self, event: m.Event) -> bool:
        return self.event_times(event).last >= self.now

    def plan_finished(self) -> bool:
        plan = self.data.plan
        return plan.finished or (plan.end is not None and _month_end(plan.end) < self.now.date())

    def activity_status(self, activity: m.Activity) -> str:
        if activity.status in (m.ActivityStatus.done, m.ActivityStatus.cancelled):
            return activity.status.value
        if self.plan_finished():
            return "unreported"  # the programme is over: not «overdue», just never marked
        if _month_end(activity.end) < self.now.date():
            return "overdue"
        return activity.status.value

    # -- pages
    def build(self, records: bool = True) -> list[GeneratedPage]:
        """Every page; with `records=False` without the record pages (see `record_pages`)."""
        data = self.data
        events = list(data.events.values())
        upcoming = sorted((e for e in events if self.is_upcoming(e)),
                          key=lambda e: (self.event_times(e).effective_start, e.id))
        past = [e for e in reversed(events) if not self.is_upcoming(e)]
        news = list(data.news.values())
        in_use = {category for service in data.services.values() for category in service.categories}
        pages = [
            self.render("index.md.j2", Site.HOME, upcoming=upcoming[:3], latest_news=news[:3],
                        categories_in_use=[c for c in data.categories.values() if c.id in in_use]),
            self.render("helplines.md.j2", Site.HELPLINES),
            self.services_index(),
            self.render("algorithms_index.md.j2", Site.ALGORITHMS),
            self.render("events_index.html.j2", Site.EVENTS, upcoming=upcoming, past=past,
                        event_types={e.type.value for e in events},
                        event_audiences={a.value for e in events for a in e.audience}),
            self.render("plan.md.j2", Site.PLAN),
            self.render("news_index.md.j2", Site.NEWS, posts=news),
            self.render("results.md.j2", Site.RESULTS),
            self.render("programmes.md.j2", Site.PROGRAMMES),
            self.render("open_data.md.j2", OPEN_DATA, **open_data_context()),
        ]
        if records:
            pages += self.record_pages()
        pages += [self.render("algorithm.md.j2", Site.algorithm(a.id), algorithm=a)
                  for a in data.algorithms.values()]
        for series in data.series.values():
            sessions = sorted((e for e in events if e.series_id == series.id),
                              key=lambda e: (e.series_part or 0, self.event_times(e).effective_start))
            pages.append(self.render("series.md.j2", Site.series(series.id), series=series, sessions=sessions))
        pages += [self.render("news_post.md.j2", Site.news_post(p.id), post=p) for p in news]
        return pages

    def services_index(self) -> GeneratedPage:
        """The services directory: every service in each of its groups (10 MB at 10,000 services).
        Each service's entry is made once (`directory.entry_html`); the rest of the page is small."""
        global _ROWS
        key = (self.site.directory_urls,)
        previous = _ROWS[1] if _ROWS[0] == key else {}
        rows: dict[str, tuple[m.Service, str, str, str]] = {}
        entry_html, everywhere, plain_start = directory.entry_html, directory.serves_everywhere, directory.PLAIN_START

        def service_rows(services: list[m.Service], category: str) -> Markup:
            """A group's entries, a line each; the filter's facts only in the group of a service's first category.
            Joined once from their pieces (not each entry made a string first: 13,000 at 10,000 services)."""
            pieces: list[str] = []
            for service in services:
                known = rows.get(service.id) or service_row(service)
                pieces += (known[2] if category == service.categories[0] else plain_start, known[3], "\n")
            return Markup("".join(pieces[:-1]))

        def service_row(service: m.Service) -> tuple[m.Service, str, str, str]:
            """The entry of `service` (its start with the filter's facts, its rest), made once."""
            organization = self.data.organizations[service.organization_id].name
            known = previous.get(service.id)
            if known is None or known[0] is not service or known[1] != organization:
                href = self.site.link(Site.SERVICES, Site.service(service.id))
                known = (service, organization, *entry_html(service, href, organization, everywhere(service.district)))
            rows[service.id] = known
            return known

        facets = directory.facets(self.data.services.values())
        page = self.render("services_index.html.j2", Site.SERVICES, groups=self.service_groups(), facets=facets,
                           districts=[d for d in self.districts() if d in facets.districts], service_rows=service_rows)
        _ROWS = (key, rows)  # `mkdocs serve`: the next build renders again only the entries whose service changed
        return page

    def record_paths(self) -> list[str]:
        """Paths of the record pages: one per service and per event, in a stable order."""
        return [Site.service(i) for i in self.data.services] + [Site.event(i) for i in self.data.events]

    def record_pages(self, part: int = 0, parts: int = 1) -> list[GeneratedPage]:
        """The record pages (every `parts`-th from `part`: the build renders them on all cores)."""
        out = []
        if self._record_paths is None:  # once, not again for each of the parts
            self._record_paths = self.record_paths()
        for path in self._record_paths[part::parts]:
            kind, ident = path[:-3].split("/")
            if kind == "services":
                out.append(self.render("service.html.j2", path, record=True, service=self.data.services[ident]))
            else:
                out.append(self.render("event.html.j2", path, record=True, event=self.data.events[ident]))
        return out

    def status_counts(self, tasks: Iterable[m.Task]) -> dict[str, int]:
        """How many activities are in each status (overdue computed), in a fixed order, zeros left out."""
        statuses = [self.activity_status(a) for t in tasks for a in t.activities]
        return {k: statuses.count(k) for k in ("done", "in_progress", "planned", "overdue", "unreported", "cancelled")
                if k in statuses}

    def plan_deadlines(self) -> list[tuple[m.Task, m.Activity, dt.date, str]]:
        """Each activity's last day (the end month's last day) and status, cancelled ones left out."""
        out = []
        for task in self.data.plan.tasks:
            for activity in task.activities:
                status = self.activity_status(activity)
                if status != "cancelled":
                    out.append((task, activity, _month_end(activity.end), status))
        return out

    def files(self) -> dict[str, bytes]:
        """The site's files that are not pages: calendars and the news feed, {path: bytes}."""
        out = ics.calendar_files(self.data, self.now, self.page_url, self.site_url, self.plan_deadlines())
        out[FEED] = atom_feed(self.data, self.page_url, self.site_url)
        return out

    def districts(self) -> list[str]:
        """The directory's district filter: the campaign's own list of cities and districts first, in its order."""
        present = {s.district for s in self.data.services.values()}
        listed = [c for c in self.data.campaign.cities if c in present]
        return listed + sorted(present - set(listed))

    def service_groups(self) -> list[tuple[m.Category, list[m.Service]]]:
        members: dict[str, list[m.Service]] = {c: [] for c in self.data.categories}
        for service in self.data.services.values():  # in the directory's order
            for category in dict.fromkeys(service.categories):
                if category in members:
                    members[category].append(service)
        return [(category, members[category.id]) for category in self.data.categories.values() if members[category.id]]


# The directory's entries of the last build in this process: ((directory_urls,), {service id →
# (the service object, its organisation's name, the entry's start with the filter's facts, its rest)}). A service object is the same from build to
# build only while its file is unchanged (helpsite/data/load.py); the entry shows nothing else.
_ROWS: tuple[tuple, dict[str, tuple[m.Service, str, str, str]]] = ((), {})


def programme_period(programme: m.Programme) -> str:
    """«с сентября 2022 года, идёт», «ноябрь — декабрь 2016 года» or the editor's own words."""
    if programme.period_text:
        return programme.period_text
    if programme.start and programme.end:
        return period_ru(programme.start, programme.end)
    if programme.start:
        return f"с {MONTHS_GENITIVE[programme.start.month - 1]} {programme.start.year} года, идёт"
    return "идёт"


def _month_end(value: dt.date) -> dt.date:
    nxt = dt.date(value.year + (value.month == 12), value.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def build_pages(data: CampaignData, now: dt.datetime, directory_urls: bool = True,
                site_url: str | None = None) -> list[GeneratedPage]:
    """All generated pages of the site, in a stable order."""
    return PageBuilder(data, now, directory_urls, site_url).build()
