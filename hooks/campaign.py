"""MkDocs hooks: connect MkDocs events to the `helpsite` core package. Keep this thin.

State lives on the config object of each build (hooks are not reloaded by `mkdocs serve`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.utils import CountHandler

from helpsite import publish
from helpsite.build import ContentBuild, build_content
from helpsite.errors import DataErrors

log = logging.getLogger("mkdocs.plugins.helpsite")


@dataclass
class BuildState:
    content: ContentBuild
    site_dir: Path  # where the finished site goes
    staging: Path  # where this build writes


def _state(config: MkDocsConfig) -> BuildState:
    return config.helpsite_state  # type: ignore[attr-defined]


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    data_dir = Path(config.config_file_path).parent / "data"
    try:
        content = build_content(data_dir, directory_urls=config.use_directory_urls)
    except DataErrors as exc:
        for error in exc.errors:
            log.error(str(error))
        raise Abort(f"Данные не прошли проверку ({len(exc.errors)} ош.); сайт не собран, прежний сайт не тронут.") from None
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
    for page in _state(config).content.pages:
        existing = files.get_file_from_path(page.path)
        if existing is not None and not existing.generated_by:
            publish.discard(_state(config).staging)
            raise Abort(f"docs/{page.path} совпадает с генерируемой страницей: переименуйте или удалите файл")
        files.append(File.generated(config, page.path, content=page.markdown))
    return files


@event_priority(-100)  # after every plugin has written its files (search index)
def on_post_build(config: MkDocsConfig) -> None:
    state = _state(config)
    strict_failed = config.strict and any(
        isinstance(h, CountHandler) and h.get_counts() for h in logging.getLogger("mkdocs").handlers)
    if strict_failed:  # MkDocs aborts right after this event: keep the last good site
        publish.discard(state.staging)
    else:
        publish.swap_in(state.staging, state.site_dir)
    config.site_dir = str(state.site_dir)

