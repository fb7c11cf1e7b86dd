"""The real site builds with `mkdocs build --strict`; a failed build never replaces the last good site."""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest


from .conftest import ROOT, mkdocs_build

def snapshot(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_every_page_type_is_built(built_site: Path):
    data_dir = ROOT / "data"
    expected = ["index.html", "helplines/index.html", "services/index.html", "algorithms/index.html",
                "events/index.html", "plan/index.html", "about/index.html", "children/index.html",
                "parents/index.html", "specialists/index.html"]
    expected += [f"services/{p.stem}/index.html" for p in (data_dir / "services").glob("*.yml")]
    expected += [f"algorithms/{p.stem}/index.html" for p in (data_dir / "algorithms").glob("*.yml")]
    expected += [f"events/{p.stem}/index.html" for p in (data_dir / "events").glob("*.yml")]
    missing = [p for p in expected if not (built_site / p).is_file()]
    assert not missing
    assert not (built_site.parent / "site.staging").exists()


def test_helpline_is_a_tel_link_on_home_page(built_site: Path):
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert '<a class="hs-phone" href="tel:+78002000122">8-800-2000-122</a>' in home
    assert '<a class="hs-phone" href="tel:124">124</a>' in home
    assert 'href="tel:112"' in home


def test_search_index_holds_russian_pages(built_site: Path):
    from helpsite.outputs.searchindex import read_documents
    helplines = [d for d in read_documents(built_site) if d[0].startswith("helplines/")]
    assert any("телефон доверия" in (d[1] + d[2]).lower() for d in helplines)
    assert not (built_site / "search" / "search_index.json").exists(), "Material's index is not used: not shipped"


def test_directory_works_without_js(built_site: Path):
    html = (built_site / "services" / "index.html").read_text(encoding="utf-8")
    # the filter form is hidden until JS shows it; the grouped list is plain HTML
    assert re.search(r'<form class="hs-filter" id="hs-filter"[^>]* hidden>', html)
    for path in (ROOT / "data" / "services").glob("*.yml"):
        assert f'href="{path.stem}/"' in html, path.stem


def test_directory_phone_is_the_phone_macro():
    """The directory's entries are made in Python (helpsite/pages/directory.py) for speed; their phone
    is written exactly as the `phone` macro of _parts.j2 writes it everywhere else."""
    import datetime as dt

    from helpsite.data.load import load
    from helpsite.pages import directory
    from helpsite.pages.builder import PageBuilder

    builder = PageBuilder(load(ROOT / "data"), dt.datetime(2026, 11, 30, tzinfo=dt.timezone.utc))
    macro = builder.env.get_template("_parts.j2").module.phone  # type: ignore[attr-defined]
    service = next(s for s in builder.data.services.values() if s.phones)
    phone = service.phones[0]
    for example in (False, True):
        _, rest = directory.entry_html(service.model_copy(update={"example": example}), "x/", "Организация", False)
        assert rest.endswith(f"</span>\n{macro(phone, example)}\n</li>"), rest


def test_front_matter_values_are_escaped_as_the_plain_formula():
    """A front matter value (`front_matter_string`) and a record page's value in its frame (`shell._text`) skip
    the escaping where the text has nothing to escape: the same text as escaping always, on random texts."""
    import html
    import json
    import random

    from helpsite.pages.builder import front_matter_string
    from helpsite.publish.shell import _text

    atoms = ["а", "ё", "x", " ", "\n", "\t", "&", "&amp;", "<", ">", '"', "'", "\\", "\u2028", "\x00", "\x1f", "😀", "‹", "/"]
    rng = random.Random(18)
    for _ in range(20_000):
        value = "".join(rng.choice(atoms) for _ in range(rng.randint(0, 12)))
        text = " ".join(value.split()).replace("<", "‹").replace(">", "›")
        assert front_matter_string(value) == json.dumps(html.escape(text, quote=True), ensure_ascii=False), value
        assert _text(value) == html.escape(value.replace("<", "‹").replace(">", "›"), quote=True), value


def test_page_templates_write_what_jinja_writes():
    """Our templates' `{{ … }}` are compiled to `escape_text` (a plain string escaped without a Markup object
    around it): the text of Jinja's own `escape` for every kind of value; `a ~ b` to `join_text`, what Jinja's
    `markup_join` makes; and each template renders the same
    page as with Jinja's code generator (the service and event pages of the example data)."""
    import datetime as dt

    from jinja2.compiler import CodeGenerator
    from markupsafe import Markup, escape

    from helpsite.data.load import load
    from helpsite.pages import builder as b
    from helpsite.pages.site import Site

    class Html:
        def __html__(self) -> str:
            return "<b>готово</b>"

    class Text(str):
        pass

    values = ["", "a & b <c> \"d\" 'e' ё", Markup("<i>x</i> &amp;"), Text("<s>"), 12, 0.5, None, True, Html(),
              ["<x>"], dt.date(2026, 1, 2)]
    for value in values:
        assert b.escape_text(value) == str(escape(value))
    # `a ~ b` (`join_text`): Jinja's `markup_join`, the same text and the same kind (Markup or not), for every pair
    from jinja2.runtime import markup_join
    for joined in [(), ("a", "b <c>", ""), *((x, y) for x in values for y in values)]:
        ours_joined, jinjas = b._PageEnvironment.join_text(joined), markup_join(joined)
        assert ours_joined == jinjas and type(ours_joined) is type(jinjas), joined
    data = load(ROOT / "data")
    now = dt.datetime(2026, 11, 30, tzinfo=dt.timezone.utc)
    ours, plain = b.PageBuilder(data, now), b.PageBuilder(data, now)
    assert ours.env.code_generator_class is b._TextOutput
    plain.env.code_generator_class, plain.env.bytecode_cache = CodeGenerator, None
    odd = next(iter(data.services.values())).model_copy(update={"name": "A & <b> \"c\" 'd'", "description": "1 < 2 & 3"})
    for service in [*data.services.values(), odd]:
        assert ours.render("service.html.j2", Site.service(service.id), service=service) == \
            plain.render("service.html.j2", Site.service(service.id), service=service)
    assert "A &amp; &lt;b&gt; &#34;c&#34; &#39;d&#39;" in ours.render("service.html.j2", "services/x.md", service=odd).markdown
    for event in data.events.values():
        assert ours.render("event.html.j2", Site.event(event.id), event=event) == \
            plain.render("event.html.j2", Site.event(event.id), event=event)
    assert [p.markdown for p in ours.build(records=False)] == [p.markdown for p in plain.build(records=False)]


def test_templates_compile_to_the_same_code_without_constant_folding():
    """Jinja's optimizer (constant folding) is off in our environment and the theme's (`FOLD_CONSTANTS`): every
    template of ours and of the theme (Material and overrides/) compiles to the same Python code with and without
    it — but for a negative number in parentheses — so the pages are the same, and rendered as fast."""
    import datetime as dt

    from jinja2 import TemplateError
    from mkdocs.config import load_config

    from helpsite.data.load import load
    from helpsite.pages import builder as b

    def code(env, name: str) -> str:
        source = env.loader.get_source(env, name)[0]
        return re.sub(r"\((-\d+)\)", r"\1", env.compile(source, name, raw=True))

    assert b.FOLD_CONSTANTS is False
    ours = b.PageBuilder(load(ROOT / "data"), dt.datetime(2026, 11, 30, tzinfo=dt.timezone.utc)).env
    assert ours.optimized is False
    theme = load_config(config_file=str(ROOT / "mkdocs.yml")).theme.get_env()
    checked = 0
    for env, names in ((ours, ours.list_templates()), (theme, [n for n in theme.list_templates() if n.endswith(".html")])):
        folded, unfolded = env.overlay(optimized=True), env.overlay(optimized=False)
        for name in names:
            try:
                expected = code(folded, name)
            except TemplateError:  # a template of a plugin not used here (Material's blog: its own filters)
                with pytest.raises(TemplateError):
                    code(unfolded, name)
                continue
            assert code(unfolded, name) == expected, name
            checked += 1
    assert checked > 100


def test_a_pages_calls_are_jinjas():
    """`_PageContext.call` passes a plain function or method straight on; a callable marked by Jinja
    (`pass_context`, `pass_environment`, on the callable or its `__call__`), one that raises StopIteration,
    a call inside a loop: all as in Jinja's own context."""
    from jinja2 import Environment, pass_context, pass_environment
    from jinja2.runtime import Context

    from helpsite.pages.builder import _PageContext, _PageEnvironment

    @pass_context
    def who(context, x):
        return f"{x}:{context.get('name')}:{context.get('item')}"

    @pass_environment
    def env_kind(environment, x):
        return f"{x}:{environment.autoescape}"

    class Marked:
        @pass_context
        def __call__(self, context, x):
            return f"m{x}{context.get('name')}"

    class Plain:
        def __call__(self, x):
            return f"p{x}"

        def method(self, x, y="y"):
            return f"{x}{y}"

    def stop():
        raise StopIteration

    source = ("{{ who(1) }} {{ env_kind(2) }} {{ marked(3) }} {{ plain(4) }} {{ obj.method(5, y='z') }} {{ len('abc') }}"
              "{% for item in [1, 2] %} {{ who(item) }}{% set name = 'loop' %}{{ who(item) }}{{ plain(item) }}{{ obj.method(item) }}{% endfor %} [{{ stop() }}]"
              " {{ plain('<i>') }}")
    values = dict(who=who, env_kind=env_kind, marked=Marked(), plain=Plain(), obj=Plain(), len=len, stop=stop, name="n")
    ours = _PageEnvironment(autoescape=True)
    theirs = Environment(autoescape=True)
    assert ours.context_class is _PageContext and theirs.context_class is Context
    text = ours.from_string(source).render(**values)
    assert text == theirs.from_string(source).render(**values)
    assert "1:n:" in text and "2:True" in text and "m3n" in text and "p4" in text and "5z" in text and "[]" in text


def test_one_blank_line_is_the_pattern_s():
    import random

    import re

    from helpsite.pages.builder import one_blank_line

    blank_lines = re.compile(r"\n{3,}")

    rnd = random.Random(18)
    for _ in range(20000):
        text = "".join(rnd.choice(["\n", "a", "\n\n", " ", "\n\n\n\n", "ё"]) for _ in range(rnd.randint(0, 14)))
        assert one_blank_line(text) == blank_lines.sub("\n\n", text), repr(text)


def test_a_pages_linker_gives_the_links_site_link_gives():
    """`Site.linker` keeps a link made for one page for the other pages under the same folder: from every
    page to every page (itself, its neighbours, pages below it, the root, index pages, deeper and shallower
    folders, a «..» path), with and without an anchor, in a random order, it gives what `Site.link` gives."""
    import random

    from helpsite.pages.site import Site

    paths = ["index.md", "helplines.md", "services/index.md", "services/a.md", "services/b.md", "services/a/x.md",
             "services/a/index.md", "services/ab.md", "events/index.md", "events/e.md", "events/series/s.md",
             "events/series/index.md", "events/series/t/u.md", "news/p.md", "a.md", "a/index.md", "services/../x.md"]
    rnd = random.Random(18)
    for directory_urls in (True, False):
        site = Site(directory_urls)
        linkers = {path: site.linker(path) for path in paths}
        calls = [(page, to, anchor) for page in paths for to in paths for anchor in ("", "k")] * 2
        rnd.shuffle(calls)
        for page, to, anchor in calls:
            assert linkers[page](to, anchor) == site.link(page, to, anchor), (directory_urls, page, to, anchor)
        assert site._links  # links were kept and given again


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for attr in ("href", "src"):
            if attrs.get(attr) and tag in ("a", "link", "script", "img", "iframe", "source"):
                # <link rel=canonical|alternate> names a page, it loads nothing
                kind = f"link:{attrs.get('rel', '')}" if tag == "link" else tag
                self.links.append((kind, attrs[attr]))


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_internal_links_and_anchors_resolve(built_site: Path):
    parsed = {p: _parse(p) for p in built_site.rglob("*.html")}
    broken = []
    for page, parser in parsed.items():
        for _tag, url in parser.links:
            parts = urlsplit(url)
            if parts.scheme or url.startswith("//") or url.startswith("#") and not url[1:]:
                continue
            base = built_site if parts.path.startswith("/") else page.parent
            target = (base / unquote(parts.path.lstrip("/"))).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(built_site)}: {url}")
                continue
            if parts.fragment and target.suffix == ".html" and target in parsed:
                if parts.fragment not in parsed[target].ids and parts.fragment != "__skip":
                    broken.append(f"{page.relative_to(built_site)}: {url} (no anchor)")
    assert not broken, "\n".join(broken[:20])


def test_no_resource_from_another_host(built_site: Path):
    bad = []
    for page in built_site.rglob("*.html"):
        for tag, url in _parse(page).links:
            # links a reader follows (a, canonical, feeds: rel="alternate feed") are not loaded resources
            if tag not in ("a", "link:canonical", "link:alternate", "link:alternate feed") and (urlsplit(url).scheme in ("http", "https") or url.startswith("//")):
                bad.append(f"{page.relative_to(built_site)}: <{tag}> {url}")
    for css in built_site.rglob("*.css"):
        for url in re.findall(r"(?:url\(|@import\s+)['\"]?((?:https?:)?//[^'\")\s]+)", css.read_text(encoding="utf-8")):
            bad.append(f"{css.relative_to(built_site)}: {url}")
    assert not bad, "\n".join(bad[:20])


def test_data_error_leaves_last_good_site(project_copy: Path):
    site = project_copy / "site"
    assert mkdocs_build(project_copy, site).returncode == 0
    before = snapshot(site)
    service = next((project_copy / "data" / "services").glob("*.yml"))
    service.write_text(service.read_text(encoding="utf-8").replace("free: ", "fre: ", 1), encoding="utf-8")
    result = mkdocs_build(project_copy, site)
    assert result.returncode != 0
    assert f"data/services/{service.name}:" in result.stdout and "неизвестное поле" in result.stdout
    assert "прежний сайт не тронут" in result.stdout
    assert snapshot(site) == before
    assert not (project_copy / "site.staging").exists()


def test_failure_late_in_the_build_leaves_last_good_site(project_copy: Path):
    site = project_copy / "site"
    assert mkdocs_build(project_copy, site).returncode == 0
    before = snapshot(site)
    # a broken link is only found after every page has been written: strict mode aborts then
    about = project_copy / "docs" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n[нет такой страницы](missing.md)\n", encoding="utf-8")
    result = mkdocs_build(project_copy, site)
    assert result.returncode != 0 and "missing.md" in result.stdout
    assert snapshot(site) == before
    assert not (project_copy / "site.staging").exists()
    # and a good build after it replaces the site
    about.write_text(about.read_text(encoding="utf-8").replace("[нет такой страницы](missing.md)", ""), encoding="utf-8")
    assert mkdocs_build(project_copy, site).returncode == 0
    assert (site / "index.html").exists()


def test_hand_written_links_to_record_pages_resolve(project_copy: Path):
    """The engine renders no record page and is told only of those a page it renders names
    (hooks/campaign.py): a link to one, written any way Markdown allows, still resolves in --strict."""
    about = project_copy / "docs" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n[служба](services/igroterapiya.md#kontakty) "
                     "[событие](<events/bazovaya-programma-1.md>) [ссылка][ref]\n\n"
                     "[ref]: services/podderzhka-zhenshchin-s-detmi.md\n\n"
                     "[escaped](events/bazovaya%2Dprogramma%2D2.md)\n", encoding="utf-8")
    (project_copy / "docs" / "guide").mkdir()
    (project_copy / "docs" / "guide" / "links.md").write_text(
        "# Ссылки\n\n[служба](../services/krizisnaya-psihologicheskaya-sluzhba.md)\n", encoding="utf-8")
    config = project_copy / "mkdocs.yml"  # the nav may name a record page too
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  - Детям: children.md\n", "  - Детям: children.md\n  - Зелёная комната: services/zelenaya-komnata.md\n"),
        encoding="utf-8")
    site = project_copy / "site"
    result = mkdocs_build(project_copy, site)
    assert result.returncode == 0 and "WARNING" not in result.stdout, result.stdout
    about_html = (site / "about" / "index.html").read_text(encoding="utf-8")
    for href in ('href="../services/igroterapiya/#kontakty"', 'href="../events/bazovaya-programma-1/"',
                 'href="../services/podderzhka-zhenshchin-s-detmi/"', 'href="../events/bazovaya-programma-2/"'):
        assert href in about_html
    assert 'href="../../services/krizisnaya-psihologicheskaya-sluzhba/"' in \
        (site / "guide" / "links" / "index.html").read_text(encoding="utf-8")
    assert (site / "services" / "igroterapiya" / "index.html").is_file()


def test_hand_written_page_cannot_shadow_a_generated_one(project_copy: Path):
    (project_copy / "docs" / "helplines.md").write_text("# Свои телефоны\n", encoding="utf-8")
    result = mkdocs_build(project_copy, project_copy / "site")
    assert result.returncode != 0
    assert "docs/helplines.md совпадает с генерируемой страницей" in result.stdout
    assert not (project_copy / "site").exists() and not (project_copy / "site.staging").exists()


def test_check_command(project_copy: Path):
    script = ROOT / "scripts" / "check.py"
    ok = subprocess.run([sys.executable, str(script), str(project_copy / "data")], capture_output=True, text=True)
    assert ok.returncode == 0 and "Данные в порядке" in ok.stdout
    (project_copy / "data" / "helplines.yml").write_text("- id: X\n", encoding="utf-8")
    bad = subprocess.run([sys.executable, str(script), str(project_copy / "data")], capture_output=True, text=True)
    assert bad.returncode == 1
    assert "data/helplines.yml:1: [0].id: неверный идентификатор (значение: «X»)" in bad.stderr


def test_json_schemas_are_up_to_date():
    from helpsite.data.schema import render, schemas
    for name, schema in schemas().items():
        path = ROOT / "data" / "schema" / name
        assert path.exists() and path.read_text(encoding="utf-8") == render(schema), \
            f"{path} is stale: run python scripts/schemas.py"


def test_data_files_point_at_their_schema():
    data = ROOT / "data"
    for path in list(data.glob("*.yml")) + list(data.glob("*/*.yml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        m = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert m, f"{path}: first line must reference its JSON Schema"
        assert (path.parent / m.group(1)).resolve().exists(), f"{path}: {m.group(1)} does not exist"


def test_schedule_texts_made_once_per_schedule_tell_clock_times_apart():
    """The wording of a schedule is made once per distinct schedule (`russian.hours_key`): schedules whose
    times are equal as `dt.time`s but written differently (aware, other offsets) are not the same schedule."""
    import datetime as dt

    from helpsite.data import model as m
    from helpsite.pages.russian import hours_ru

    def hours(opens: dt.time, closes: dt.time) -> m.Hours:
        return m.Hours(weekly=[m.ScheduleEntry(byday=["mo"], opens_at=opens, closes_at=closes)])

    plus3, plus2 = dt.timezone(dt.timedelta(hours=3)), dt.timezone(dt.timedelta(hours=2))
    first = hours_ru(hours(dt.time(10, 0, tzinfo=plus3), dt.time(12, 0, tzinfo=plus3)))
    second = hours_ru(hours(dt.time(9, 0, tzinfo=plus2), dt.time(11, 0, tzinfo=plus2)))  # the same instants
    assert first != second and "10:00" in first and "9:00" in second, (first, second)
    assert hours_ru(hours(dt.time(9, 0), dt.time(17, 0))) == hours_ru(hours(dt.time(9, 0), dt.time(17, 0)))
