"""MkDocs hooks: connect MkDocs events to the `helpsite` core package. Keep this thin.

State lives on the config object of each build (hooks are not reloaded by `mkdocs serve`).
Works the same under ProperDocs (the maintained fork of MkDocs 1.x): nothing here depends on
the engine's logger name or its internal handlers.
"""

from __future__ import annotations

import gc
import logging
import os
import posixpath
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from jinja2 import TemplateError
from markupsafe import Markup, escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.toc import get_toc

from helpsite.data import campaigntext
from helpsite.publish import engine, atomic as publish, serving, shell
from helpsite.publish.compact import compact_html, finish_with_body
from helpsite.outputs.announce import announce_set
from helpsite.publish.build import ContentBuild, build_content, check_content, check_docs_pages
from helpsite.data.buildcache import build_cache_dir
from helpsite.data.errors import DataErrors
from helpsite.pages.builder import FOLD_CONSTANTS, TEMPLATE_CODE, Site
from helpsite.outputs.printing import PrintError, site_print_set
from helpsite.outputs.printing.siteset import default_cache_dir
from helpsite.publish.safety import (
    Policy, foreign_scripts, harden_html, rendered_html_problems, theme_script_hashes,
)

log = logging.getLogger("mkdocs.plugins.helpsite")
ENGINE_LOGGERS = ("", "mkdocs", "properdocs")  # the root and each engine's logger tree
# Material's files no page loads, not published: its stylesheets (material.css replaces the main one, the palette
# one applies nothing with `primary: custom`; overrides/main.html links neither), the source maps (read only by a
# developer's browser tools) — ≈ 1.3 MB — and its own search (lunr, its languages, the worker: our search box never
# starts it; not copied only to be deleted after the build, searchindex.drop_engine_search) — ≈ 1.2 MB
UNUSED_THEME_FILES = re.compile(r"assets/stylesheets/(main|palette)\.[0-9a-f]{8}\.min\.css(\.map)?"
                                r"|assets/javascripts/bundle\.[0-9a-f]{8}\.min\.js\.map"
                                r"|assets/javascripts/lunr/.+|assets/javascripts/workers/search\.[^/]+")


class ProblemCounter(logging.Handler):
    """Counts WARNING and above on the engine's logger trees during one build: a strict build
    with any of them must not publish. Our own handler: no engine internal is read."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: dict[int, logging.LogRecord] = {}  # a record reaching several trees counts once

    def emit(self, record: logging.LogRecord) -> None:
        self.records.setdefault(id(record), record)

    def install(self) -> "ProblemCounter":
        for name in ENGINE_LOGGERS:
            logging.getLogger(name).addHandler(self)
        return self

    def remove(self) -> None:
        for name in ENGINE_LOGGERS:
            logging.getLogger(name).removeHandler(self)


@dataclass
class BuildState:
    content: ContentBuild
    site_dir: Path  # where the finished site goes
    staging: Path  # where this build writes
    lock: publish.BuildLock
    problems: ProblemCounter
    policy: Policy
    record_frame: bool = True  # records filled into a frame (False: the engine renders them as pages)
    shells: dict = field(default_factory=dict)  # record folder → Shell, or a renderer (fallback)
    checks: dict = field(default_factory=dict)  # record folder → the rendered check prototype
    html_pages: dict = field(default_factory=dict)  # path → generated page with a finished HTML body
    bodies: dict = field(default_factory=dict)  # listing page → (its stand-in in the theme, its body): on_page_content
    html_problems: list = field(default_factory=list)  # forbidden HTML found in hand-written pages' output
    nav: Any = None  # the engine's navigation, files and Jinja environment of this build (the fallback renderer)
    files: Any = None
    env: Any = None
    data_dir: Path | None = None
    serving: bool = False  # `mkdocs serve`: after its first build, only what changed is redone (publish/serving.py)
    kept_copies: bool = False  # serve: files already served were not copied into staging again
    early: publish.BackgroundWrite | None = None  # open data, written by a forked process from on_config on


class _RecordLinkNotice(logging.Filter):
    """MkDocs calls record pages «excluded from the built site» (it does not render them: we do).
    Links to them resolve; the notice would only confuse an editor."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not re.search(r"contains a link to '(services|events)/[^']+\.md' which is excluded", record.getMessage())


_SEARCH_ATTR = re.compile(r'data-search-\w+="')  # what Material's search plugin removes from a page's content


def data_dir_of(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).parent / "data"


def _state(config: MkDocsConfig) -> BuildState:
    return config.helpsite_state  # type: ignore[attr-defined]


def on_startup(command: str, dirty: bool) -> None:
    engine.install_log_filter().serving = command == "serve"


def _fail(state: BuildState | None, message: str, *cleanup) -> Abort:
    """Stop the open data's writer, remove the staging folder, end the lock and the counter; the Abort to raise."""
    if state is not None and state.early is not None:
        state.early.cancel()
        state.early = None
    for item in cleanup if state is None else (state.staging, state.lock, state.problems):
        if isinstance(item, Path):
            publish.discard(item)
        elif item is not None:
            (item.release if isinstance(item, publish.BuildLock) else item.remove)()
    return Abort(message)


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    # a build makes millions of long-lived objects (the records, their pages): with the default
    # thresholds the collector runs ≈ 500 young and 40 middle collections over them at 10,000
    # services (≈ 0.6 s); every 50,000 allocations is enough for the few cycles a build leaves
    gc.set_threshold(50_000, 20, 10)
    problems = ProblemCounter().install()
    for name in ("mkdocs.structure.pages", "properdocs.structure.pages"):
        pages_log = logging.getLogger(name)
        if not any(isinstance(f, _RecordLinkNotice) for f in pages_log.filters):
            pages_log.addFilter(_RecordLinkNotice())
    site_dir = Path(config.site_dir)
    # the theme's own inline scripts, from its template files, before any data is read
    theme_context = {"config": {"extra": dict(config.extra), "site_url": config.site_url, "theme": config.theme}}
    serve = engine.install_log_filter().serving and serving.enabled()
    if serve:  # the last rebuild's open data and search index are still being written
        serving.wait(site_dir)
    lock = publish.BuildLock(site_dir, notice=log.info)
    try:
        lock.acquire()
        staging = publish.prepare_staging(site_dir)
    except publish.PublishError as exc:
        raise _fail(None, str(exc), lock, problems) from None
    except OSError as exc:
        raise _fail(None, f"Сборка не начата: нет доступа к папке сайта ({exc.strerror}: {exc.filename or site_dir}). "
                          "Проверьте права на папку и место на диске.", lock, problems) from None
    data_dir = Path(config.config_file_path).parent / "data"
    engine.install_log_filter()
    record_frame = os.environ.get("HELPSITE_RECORD_FRAME", "1") != "0"
    # open data needs only the data: a forked process makes it while the pages are rendered
    early: list[publish.BackgroundWrite] = []
    loaded = (lambda builder: early.append(publish.start_open_data(staging, builder))) if record_frame and not serve \
        else None
    try:
        return _configure(config, site_dir, staging, lock, problems, theme_context, serve, data_dir, record_frame, loaded,
                          early)
    except BaseException:
        for writer in early:  # never released (on_files): it has written nothing; it stops now
            writer.cancel()
        raise


def _configure(config: MkDocsConfig, site_dir: Path, staging: Path, lock: publish.BuildLock, problems: ProblemCounter,
               theme_context: dict, serve: bool, data_dir: Path, record_frame: bool, loaded: Callable | None,
               early: list[publish.BackgroundWrite]) -> MkDocsConfig:
    """The rest of `on_config`: the data loaded (then `loaded(builder)`: open data starts into `early`) and the
    site's pages made, the engine's config completed, the build's state kept (it takes over `early`)."""
    try:
        content = build_content(data_dir, directory_urls=config.use_directory_urls, site_url=config.site_url or None,
                                defer_records=record_frame, docs_dir=Path(config.docs_dir),
                                cache_dir=build_cache_dir(data_dir.parent), loaded=loaded)
        # stale records, {{ campaign.… }} in docs/*.md, a live campaign's placeholders and examples
        check_content(content, Path(config.docs_dir), log)
    except DataErrors as exc:
        for error in exc.errors:
            log.error(str(error))
        if engine.install_log_filter().serving:  # the browser shows the same messages; the site returns when fixed
            _fail(None, "", staging, lock, problems)  # nothing is staged: the page of errors goes to site_dir
            serving.forget(site_dir)  # the error page replaces the site: the next build is complete
            config.helpsite_state = None  # type: ignore[attr-defined]
            config.helpsite_errors = (exc.errors, data_dir)  # type: ignore[attr-defined]
            config.extra.update(engine.FALLBACK_EXTRA)
            config.nav = None
            config.watch.append(config.docs_dir)
            return config
        raise _fail(None, f"Данные не прошли проверку ({len(exc.errors)} ош.); сайт не собран, прежний сайт не тронут.",
                    staging, lock, problems) from None
    campaign = content.data.campaign
    # one source of truth: what mkdocs.yml leaves out comes from data/campaign.yml. The theme
    # prints these as they are (Material: `{{ config.copyright }}`): values from data are escaped.
    config.site_url = config.site_url or campaign.site_url
    config.site_description = config.site_description or escape(" ".join(campaign.description.split()))
    config.copyright = config.copyright or (escape(campaign.copyright) if campaign.copyright else None)
    policy = Policy(theme_script_hashes([Path(d) for d in config.theme.dirs], theme_context, config.site_url or ""))
    config.extra.update(content.theme_context)
    html_pages = {p.path: p for p in content.pages if p.prerendered}
    config.helpsite_state = BuildState(content, site_dir, staging, lock, problems, policy,  # type: ignore[attr-defined]
                                       record_frame=record_frame, html_pages=html_pages,
                                       data_dir=data_dir, serving=serve)
    _LAST[:] = [config.helpsite_state]  # type: ignore[attr-defined]  # on_build_error gets no config
    config.helpsite_state.early = early.pop() if early else None  # type: ignore[attr-defined]  # the state's from now on
    config.site_dir = str(staging)
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    if getattr(config, "helpsite_state", None) is None:  # mkdocs serve with data errors: one page that lists them
        errors, data_dir = config.helpsite_errors  # type: ignore[attr-defined]
        engine.install_log_filter().pages = 1
        kept = [f for f in files if not f.is_documentation_page()]
        return Files([*kept, File.generated(config, "index.md", content=engine.error_page_markdown(errors, data_dir))])
    state = _state(config)
    if state.early is not None:  # the engine has emptied the staging folder: open data may be written now
        state.early.release()
    content = state.content
    docs = check_docs_pages(Path(config.docs_dir))  # front matter and raw HTML of the hand-written pages
    if docs.front_matter:  # MkDocs would show a broken front matter as text and pass
        for error in docs.front_matter:
            log.error(str(error))
        raise _fail(state, f"Страницы с ошибками в front matter: {len(docs.front_matter)}; "
                           "сайт не собран, прежний сайт не тронут.")
    for page in content.pages:
        existing = files.get_file_from_path(page.path)
        if existing is not None and not existing.generated_by:
            raise _fail(state, f"docs/{page.path} совпадает с генерируемой страницей: переименуйте или удалите файл")
        # a page with a finished HTML body: the engine reads only its front matter (on_page_markdown empties the
        # body; on_page_content gives it back): the services directory's 7 million characters are not parsed for it
        generated = File.generated(config, page.path, content=page.front_matter if page.prerendered else page.markdown)
        if page.record:  # normal rendering of records (HELPSITE_RECORD_FRAME=0): out of the menu
            generated.inclusion = InclusionLevel.NOT_IN_NAV
        files.append(generated)
    # Hand-written pages: no raw script, frame, handler, http-equiv or remote resource
    if docs.raw_html:
        for error in docs.raw_html:
            log.error(str(error))
        raise _fail(state, f"В страницах docs/ запрещённый HTML ({len(docs.raw_html)} ош., см. выше); "
                           "сайт не собран, прежний сайт не тронут.")
    try:  # print materials: PDFs + previews from the content-hash cache, and their page
        printed = site_print_set(content.data, content.now, Path(config.config_file_path).parent, config.site_url,
                                 config.use_directory_urls)
    except (DataErrors, PrintError) as exc:
        for error in getattr(exc, "errors", [exc]):
            log.error(str(error))
        raise _fail(state, "Материалы для печати не собраны (ошибки выше); сайт не собран, прежний сайт не тронут.") from None
    # announcing: preview pictures and event kits (content-hash cache), kit texts, event feeds
    # whose entries keep their dates from the last published site while unchanged
    try:
        announced = announce_set(content.data, content.now, default_cache_dir(Path(config.config_file_path).parent),
                                 config.site_url or "", config.use_directory_urls, previous_site=state.site_dir,
                                 announcer=content.builder.announce if content.builder is not None else None)
    except PrintError as exc:  # no font, a page address too long for a QR code
        log.error(str(exc))
        raise _fail(state, "Картинки анонсов не собраны (ошибка выше); сайт не собран, прежний сайт не тронут.") from None
    # Record pages (services, events) are filled into their folder's frame, rendered once from a
    # prototype page, and written at on_post_build on every core (helpsite/publish/shell.py): the
    # engine renders none of them. It knows those that a page it renders may link to (so that the link
    # resolves as before), not all ≈ 10,000: each would cost it a File and a look in every pass over
    # its files.
    if state.record_frame:
        # what may link to one: the hand-written pages, the generated ones the engine renders, the print
        # page, and the nav of mkdocs.yml (a str() of it holds every path it names)
        linked = shell.linked_record_names([*docs.texts, *(p.markdown for p in content.pages if not p.prerendered),
                                            printed.page.markdown, str(config.nav or "")])
        for path in content.record_paths:
            name = path[path.rfind("/") + 1:]
            if name in linked or not shell.is_record_md_name(name):
                record = File.generated(config, path, content="")
                record.inclusion = InclusionLevel.EXCLUDED
                files.append(record)
        for folder in sorted({path.rsplit("/", 1)[0] for path in content.record_paths}):
            for prototype in shell.PROTOTYPES:
                files.append(File.generated(config, shell.prototype_path(folder, prototype),
                                            content=shell.prototype_markdown(prototype)))
    files.append(File.generated(config, printed.page.path, content=printed.page.markdown))
    for path, source in printed.files:
        files.append(_cached_copy(config, path, source))
    for path, blob in announced.files.items():
        files.append(File.generated(config, path, content=blob))
    for path, source in announced.copies:
        files.append(_cached_copy(config, path, source))
    for unused in [f for f in files if not f.generated_by and UNUSED_THEME_FILES.fullmatch(f.src_uri)]:
        files.remove(unused)
    state.files = files
    if state.serving and content.builder is not None and \
            (session := serving.session(state.site_dir, config.use_directory_urls)) is not None:
        serving.skip_unchanged_copies(session, files)  # theme files, print files, pictures served as they are
        state.kept_copies = True
    return files


def _cached_copy(config: MkDocsConfig, path: str, source: Path) -> File:
    """A file of the print cache (PDFs, previews, pictures) published as it is: hard-linked into the
    site where it can be (`publish.link_or_copy`), copied otherwise."""
    file = File.generated(config, path, abs_src_path=str(source))

    def copy_file(dirty: bool = False) -> None:
        publish.link_or_copy(str(source), file.abs_dest_path)

    file.copy_file = copy_file  # type: ignore[method-assign]
    return file


def on_nav(nav, config: MkDocsConfig, files: Files):
    if getattr(config, "helpsite_state", None) is not None:
        _state(config).nav = nav
    return nav


def on_env(env, config: MkDocsConfig, files: Files):
    env.bytecode_cache = TEMPLATE_CODE  # the theme's templates compile once per process (serve)
    env.optimized = FOLD_CONSTANTS  # no constant to fold in them (pages/builder.py)
    if getattr(config, "helpsite_state", None) is not None:
        _state(config).env = env
    return env


def on_page_markdown(markdown: str, page, config: MkDocsConfig, files: Files) -> str:
    if getattr(config, "helpsite_state", None) is None:
        return markdown
    state = _state(config)
    if page.file.src_uri in state.html_pages:
        return ""
    if not page.file.generated_by:  # an editor's front matter: the theme prints it as it is
        for key in ("title", "description"):  # escaped, and no < > at all (as generated pages)
            if isinstance(page.meta.get(key), str) and not isinstance(page.meta[key], Markup):
                page.meta[key] = escape(page.meta[key].replace("<", "‹").replace(">", "›"))
        if "{{" in markdown:  # campaign fields in the shared texts
            link = posixpath.relpath("programmes.md", posixpath.dirname(page.file.src_uri) or ".")
            markdown = campaigntext.fill(markdown, state.content.data, link)
    return markdown


def on_page_content(html: str, page, config: MkDocsConfig, files: Files) -> str:
    if getattr(config, "helpsite_state", None) is None:
        return html
    state = _state(config)
    generated = state.html_pages.get(page.file.src_uri)
    if generated is None:
        if not page.file.generated_by:  # the backstop: whatever Markdown extension made it
            for problem in rendered_html_problems(html):
                state.html_problems.append(f"docs/{page.file.src_uri}: {problem}")
                log.error(state.html_problems[-1])
        return html
    body = generated.html_body
    page.toc = get_toc(generated.toc(body))
    if (page.meta.get("search") or {}).get("exclude") and not _SEARCH_ATTR.search(body):
        # a listing (services: 10 MB at 10,000): the theme gets a stand-in, the body is put back at
        # on_post_page. Material's search plugin runs a regular expression over every page's content
        # that removes data-search-…="…" (none here: it would change nothing) and skips this page's
        # text; the theme only asks whether the content has an <h1 (the stand-in says the same).
        stand_in = f"<!--hs-body {secrets.token_hex(8)}{' <h1' if '<h1' in body else ''}-->"
        state.bodies[page.file.src_uri] = (stand_in, body)
        return stand_in
    return body


def _harden(config: MkDocsConfig, output: str, where: str) -> str:
    state = _state(config)
    output = harden_html(output, state.policy)
    for script in foreign_scripts(output, state.policy)[:1]:
        log.warning(f"{where}: встроенный скрипт не из шаблонов темы — браузер его не выполнит: «{script[:80]}»")
    return compact_html(output)  # the templates' indentation out (record frames: once per folder)


@event_priority(-100)  # last: the final HTML
def on_post_page(output: str, page, config: MkDocsConfig) -> str:
    if getattr(config, "helpsite_state", None) is None:  # serve with data errors: the page that lists them
        return output
    state = _state(config)
    folder, _, name = page.file.src_uri.rpartition("/")
    if name == f"{shell.CHECK.id}.md":
        state.checks[folder] = output
        return output
    if page.file.src_uri in state.bodies:  # a listing's body, where the theme put its stand-in: hardened and
        stand_in, body = state.bodies.pop(page.file.src_uri)  # compacted with the page, not in it (the same text)
        output = finish_with_body(output, stand_in, body, lambda text: _harden(config, text, page.file.src_uri))
    else:
        output = _harden(config, output, page.file.src_uri)
    if name == f"{shell.PROTOTYPE_ID}.md":
        state.shells[folder] = output  # the rendered prototype: cut and proven at on_post_build
    return output


@event_priority(-100)
def on_post_template(output_content: str, template_name: str, config: MkDocsConfig) -> str:
    if not template_name.endswith(".html") or getattr(config, "helpsite_state", None) is None:
        return output_content
    return _harden(config, output_content, template_name)


def _frames(state: BuildState, config: MkDocsConfig) -> dict:
    """Each record folder's frame, proven against the check prototype; where the theme does not
    fit the frame, a renderer that renders each record through the theme like any page."""
    frames: dict = {}
    for folder, rendered in state.shells.items():
        try:
            frame = shell.make_shell(rendered)
            shell.verify(frame, compact_html(harden_html(state.checks.get(folder, ""), state.policy)))
            frames[folder] = frame
        except shell.ShellError as exc:
            log.info(f"Страницы записей в {folder}/ отрисованы обычным способом: {exc}")
            frames[folder] = _normal_renderer(state, config)
    return frames


def _normal_renderer(state: BuildState, config: MkDocsConfig):
    """Render a record page through the theme's main template, as the engine renders any page."""
    import yaml
    from mkdocs.commands.build import get_context
    from mkdocs.structure.pages import Page

    template = state.env.get_template("main.html")

    def render(generated) -> str:
        file = state.files.get_file_from_path(generated.path) or File.generated(config, generated.path, content="")
        page = Page(None, file, config)
        page.meta = yaml.safe_load(generated.front_matter.strip().strip("-")) or {}  # as the engine reads it
        page.markdown, page.content = "", generated.html_body
        page.toc = get_toc(generated.toc())
        return compact_html(template.render(get_context(state.nav, state.files, config, page)))
    return render


@event_priority(-100)  # after every plugin has written its files (search index)
def on_post_build(config: MkDocsConfig) -> None:
    if getattr(config, "helpsite_state", None) is None:  # serve with data errors: every address shows them
        site = Path(config.site_dir)
        if (site / "index.html").exists():
            (site / "404.html").write_bytes((site / "index.html").read_bytes())
        return
    state = _state(config)
    config.site_dir = str(state.site_dir)
    if config.strict and state.problems.records:  # keep the last good site, and say so (exit code 1)
        first = [f"{r.levelname}: {r.getMessage()[:200]}" for r in list(state.problems.records.values())[:3]]
        raise _fail(state, f"Сборка в режиме --strict: предупреждений и ошибок — {len(state.problems.records)} "
                           f"(первые: {'; '.join(first)}). Сайт не опубликован, прежний сайт не тронут: "
                           "исправьте сказанное выше и соберите снова.")
    if state.html_problems:
        raise _fail(state, f"В страницах docs/ запрещённый HTML ({len(state.html_problems)} ош., см. выше); "
                           "сайт не собран, прежний сайт не тронут.")
    try:
        frames = _frames(state, config)
        if state.serving and state.content.builder is not None:
            key = serving.global_key(state.data_dir or data_dir_of(config), state.content, frames, state.policy, config.site_url or "",
                                     config.use_directory_urls)
            session = serving.session(state.site_dir, config.use_directory_urls)
            if session is not None:  # a rebuild of `mkdocs serve`: only what changed
                try:
                    serving.update(session, state.staging, state.content, frames, Site(config.use_directory_urls),
                                   config.site_url or "", key, lambda text: harden_html(text, state.policy))
                except shell.ShellError as exc:
                    serving.forget(state.site_dir)
                    raise _fail(state, "Сайт не обновлён: в готовых файлах осталась служебная метка страницы-образца "
                                       f"({exc}). Уберите изменение заголовка или описания из overrides/.") from None
                summary = engine.install_log_filter()
                summary.site_dir = str(state.site_dir)
                summary.pages = sum(rel.endswith(".html") for rel in session.outputs) + len(session.records)
                state.lock.release()
                state.problems.remove()
                return
        else:
            serving.forget(state.site_dir)
        if state.kept_copies:  # the served folder went away during the build: staging lacks its theme files
            raise _fail(state, "Папка просмотра исчезла во время сборки; следующая сборка будет полной.")
        early, state.early = state.early, None
        checked = publish.complete_site(state.staging, state.content, frames, Site(config.use_directory_urls),
                                        config.site_url or "", lambda text: harden_html(text, state.policy), early)
        files = shell.site_text_files(state.staging)
        leftovers = shell.leftover_sentinels(state.staging, checked=checked, files=files)  # record pages: checked as written
        if leftovers:
            raise _fail(state, "Сайт не опубликован: в готовых файлах осталась служебная метка страницы-образца "
                               f"({', '.join(leftovers[:5])}). Шаблон темы в overrides/ меняет заголовок или "
                               "описание так, что рамка записей не подходит: уберите это изменение из overrides/ "
                               "или соберите с HELPSITE_RECORD_FRAME=0. Прежний сайт не тронут.")
        publish.swap_in(state.staging, state.site_dir)
        if state.serving and state.content.builder is not None:  # the next rebuild redoes only what changed
            serving.start(state.site_dir, state.content, key, state.files or (),
                          [default_cache_dir(Path(config.config_file_path).parent)])
        summary = engine.install_log_filter()  # the build's last line, in Russian: where and how many pages
        # the pages published: the .html files of the staged site (now the site), counted from the walk above
        summary.site_dir, summary.pages = str(state.site_dir), sum(1 for parts, _ in files if parts[-1].endswith(".html"))
    except OSError as exc:
        raise _fail(state, _write_error(exc, state)) from None
    except Exception:
        serving.forget(state.site_dir)
        _fail(state, "")
        raise
    state.lock.release()
    state.problems.remove()


def on_shutdown() -> None:
    """The build is over: `mkdocs build` exits next (serving stops). What the build left alive (the
    model, pages, caches) is frozen out of the collector: the interpreter's exit would otherwise run
    full collections over all of it (≈ 1.3 s CPU at 10,000 services) just before the OS frees the
    memory anyway. A next build in this process unfreezes it first (`build_content`)."""
    gc.freeze()


def _write_error(exc: OSError, state: BuildState) -> str:
    if exc.errno in publish.DISK_FULL:
        return publish.disk_full_message(exc, state.site_dir)
    return (f"Сайт не опубликован: ошибка чтения или записи файлов ({exc.strerror or exc}: "
            f"{exc.filename or state.site_dir}). Прежний сайт в {state.site_dir} не тронут, временная папка удалена. "
            "Проверьте права на папку и место на диске; если site/ — точка монтирования, укажите папку внутри "
            "неё (mkdocs build -d …).")


def on_build_error(error: Exception, **kwargs) -> None:
    """Any failure: the staging folder goes, the last good site stays, the lock ends."""
    state = _LAST[0] if _LAST else None
    if state is not None:
        serving.forget(state.site_dir)  # the served folder may be half updated: the next build is complete
        _fail(state, "")
    if isinstance(error, OSError) and state is not None:
        raise Abort(_write_error(error, state)) from None
    if isinstance(error, TemplateError):  # a theme override that does not render: say where, not a traceback
        import traceback
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.endswith(".html")]
        where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else getattr(error, "filename", None) or "шаблон"
        raise Abort(f"Ошибка в шаблоне темы {where}: {error}. Исправьте шаблон (обычно это overrides/main.html); "
                    "сайт не собран, прежний сайт не тронут.") from None


_LAST: list[BuildState] = []
