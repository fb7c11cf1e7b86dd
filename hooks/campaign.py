"""MkDocs hooks: connect MkDocs events to the `helpsite` core package. Keep this thin.

State lives on the config object of each build (hooks are not reloaded by `mkdocs serve`).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.toc import get_toc
from mkdocs.utils import CountHandler

from helpsite import freshness, publish, shell
from helpsite.build import ContentBuild, build_content
from helpsite.buildcache import build_cache_dir
from helpsite.errors import DataErrors
from helpsite.pages import TEMPLATE_CODE, Site
from helpsite.safety import harden_html
from helpsite.printing import PrintError, site_print_set

log = logging.getLogger("mkdocs.plugins.helpsite")


@dataclass
class BuildState:
    content: ContentBuild
    site_dir: Path  # where the finished site goes
    staging: Path  # where this build writes
    shells: dict[str, shell.Shell] = field(default_factory=dict)  # record folder → rendered frame


class _RecordLinkNotice(logging.Filter):
    """MkDocs calls record pages «excluded from the built site» (it does not render them: we do).
    Links to them resolve; the notice would only confuse an editor."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not re.search(r"contains a link to '(services|events)/[^']+\.md' which is excluded", record.getMessage())


def _state(config: MkDocsConfig) -> BuildState:
    return config.helpsite_state  # type: ignore[attr-defined]


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    data_dir = Path(config.config_file_path).parent / "data"
    try:
        content = build_content(data_dir, directory_urls=config.use_directory_urls, site_url=config.site_url or None,
                                defer_records=True, cache_dir=build_cache_dir(data_dir.parent))
        freshness.check_build(content.data, content.now.date(), log)  # stale records: info, warning or error
    except DataErrors as exc:
        for error in exc.errors:
            log.error(str(error))
        raise Abort(f"Данные не прошли проверку ({len(exc.errors)} ош.); сайт не собран, прежний сайт не тронут.") from None
    pages_log = logging.getLogger("mkdocs.structure.pages")
    if not any(isinstance(f, _RecordLinkNotice) for f in pages_log.filters):
        pages_log.addFilter(_RecordLinkNotice())
    site_dir = Path(config.site_dir)
    staging = publish.prepare_staging(site_dir)
    config.extra.update(content.theme_context)
    campaign = content.data.campaign
    # one source of truth: what mkdocs.yml leaves out comes from data/campaign.yml
    config.site_url = config.site_url or campaign.site_url
    config.site_description = config.site_description or campaign.description
    config.copyright = config.copyright or campaign.copyright
    config.helpsite_state = BuildState(content, site_dir, staging)  # type: ignore[attr-defined]
    config.site_dir = str(staging)
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    content = _state(config).content
    for page in content.pages:
        existing = files.get_file_from_path(page.path)
        if existing is not None and not existing.generated_by:
            publish.discard(_state(config).staging)
            raise Abort(f"docs/{page.path} совпадает с генерируемой страницей: переименуйте или удалите файл")
        files.append(File.generated(config, page.path, content=page.markdown))
    # Record pages (services, events): MkDocs knows them, so links to them resolve, but does not
    # render them; they are filled into their folder's frame, rendered once from a prototype page,
    # and written at on_post_build on every core (helpsite/shell.py).
    for path in content.record_paths:
        record = File.generated(config, path, content="")
        record.inclusion = InclusionLevel.EXCLUDED
        files.append(record)
    for folder in sorted({path.rsplit("/", 1)[0] for path in content.record_paths}):
        files.append(File.generated(config, shell.prototype_path(folder), content=shell.prototype_markdown()))
    try:  # print materials: PDFs + previews from the content-hash cache, and their page
        printed = site_print_set(_state(config).content.data, _state(config).content.now,
                                 Path(config.config_file_path).parent, config.site_url, config.use_directory_urls)
    except (DataErrors, PrintError) as exc:
        publish.discard(_state(config).staging)
        for error in getattr(exc, "errors", [exc]):
            log.error(str(error))
        raise Abort("Материалы для печати не собраны (ошибки выше); сайт не собран, прежний сайт не тронут.") from None
    files.append(File.generated(config, printed.page.path, content=printed.page.markdown))
    for path, source in printed.files:
        files.append(File.generated(config, path, abs_src_path=str(source)))
    return files


def on_env(env, config: MkDocsConfig, files: Files):
    env.bytecode_cache = TEMPLATE_CODE  # the theme's templates compile once per process (serve)
    return env


def on_page_markdown(markdown: str, page, config: MkDocsConfig, files: Files) -> str:
    return "" if page.file.src_uri in _state(config).content.html_pages else markdown


def on_page_content(html: str, page, config: MkDocsConfig, files: Files) -> str:
    generated = _state(config).content.html_pages.get(page.file.src_uri)
    if generated is None:
        return html
    page.toc = get_toc(generated.toc())
    return generated.html_body


@event_priority(-100)  # last: hash the final HTML
def on_post_page(output: str, page, config: MkDocsConfig) -> str:
    output = harden_html(output)
    folder, _, name = page.file.src_uri.rpartition("/")
    if name == f"{shell.PROTOTYPE_ID}.md":
        _state(config).shells[folder] = shell.make_shell(output)
    return output


@event_priority(-100)
def on_post_template(output_content: str, template_name: str, config: MkDocsConfig) -> str:
    return harden_html(output_content) if template_name.endswith(".html") else output_content


@event_priority(-100)  # after every plugin has written its files (search index)
def on_post_build(config: MkDocsConfig) -> None:
    state = _state(config)
    strict_failed = config.strict and any(
        isinstance(h, CountHandler) and h.get_counts() for h in logging.getLogger("mkdocs").handlers)
    if strict_failed:  # MkDocs aborts right after this event: keep the last good site
        publish.discard(state.staging)
    else:
        publish.complete_site(state.staging, state.content, state.shells, Site(config.use_directory_urls),
                              config.site_url or "")
        publish.swap_in(state.staging, state.site_dir)
    config.site_dir = str(state.site_dir)

