"""Publish a finished build atomically: the last good site stays until a new one is whole."""

from __future__ import annotations

import gzip
import os
import shutil
import traceback
from pathlib import Path
from typing import Callable, Iterable


def staging_dir(site_dir: Path) -> Path:
    return site_dir.with_name(site_dir.name + ".staging")


def prepare_staging(site_dir: Path) -> Path:
    """An empty directory beside `site_dir` to build into."""
    staging = staging_dir(site_dir)
    if staging.exists():
        shutil.rmtree(staging)
    return staging


def swap_in(staging: Path, site_dir: Path) -> None:
    """Replace `site_dir` with `staging` by two renames; the old site is removed afterwards."""
    previous = site_dir.with_name(site_dir.name + ".previous")
    if previous.exists():
        shutil.rmtree(previous)
    if site_dir.exists():
        os.replace(site_dir, previous)
    os.replace(staging, site_dir)
    if previous.exists():
        shutil.rmtree(previous, ignore_errors=True)


def write_files(root: Path, files: dict[str, bytes] | Iterable[tuple[str, bytes]]) -> None:
    """Write files under `root` (paths relative to it): a dict, or pairs produced one at a time."""
    root = root.resolve()
    for rel, content in (files.items() if isinstance(files, dict) else files):
        if rel.startswith("/") or ".." in rel.split("/"):
            raise ValueError(f"path outside the site: {rel}")
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def write_in_parallel(root: Path, make: Callable[[int, int], Iterable[tuple[str, bytes]]]) -> None:
    """Write what `make(part, parts)` yields, each part in its own forked process (one per core).

    The children inherit the model and templates; nothing but an exit status comes back. Without
    fork (or with one core) everything is written here."""
    parts = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1, 8)
    if parts < 2 or not hasattr(os, "fork"):
        write_files(root, make(0, 1))
        return
    children = []
    for part in range(1, parts):
        pid = os.fork()
        if pid == 0:  # child: write its share, report by exit status only
            status = 0
            try:
                write_files(root, make(part, parts))
            except BaseException:  # noqa: BLE001 - the parent reports the failure
                traceback.print_exc()
                status = 1
            finally:
                os._exit(status)
        children.append(pid)
    error: BaseException | None = None
    try:
        write_files(root, make(0, parts))
    except BaseException as exc:  # noqa: BLE001 - wait for the children first
        error = exc
    failed = [pid for pid in children if os.waitpid(pid, 0)[1] != 0]
    if error is not None:
        raise error
    if failed:
        raise RuntimeError(f"{len(failed)} of {parts} page writers failed (see the traceback above)")


def discard(staging: Path) -> None:
    if staging.exists():
        shutil.rmtree(staging, ignore_errors=True)


def write_sitemap(root: Path, sitemap: str) -> None:
    """sitemap.xml and the sitemap.xml.gz MkDocs writes beside it."""
    (root / "sitemap.xml").write_text(sitemap, encoding="utf-8")
    with gzip.GzipFile(root / "sitemap.xml.gz", "wb", mtime=0) as out:
        out.write(sitemap.encode("utf-8"))


def complete_site(staging: Path, content, shells: dict, site, site_url: str) -> None:
    """Everything the engine does not write itself, into the staged site: calendars, feeds and
    open data (`content.files`), the record pages filled into their frames (prototypes removed),
    the sitemap with the records, and the search index with one compact entry per record."""
    from . import searchindex, shell

    write_files(staging, content.files)
    if content.builder is not None:  # record pages rendered now, on every core
        write_in_parallel(staging, lambda part, parts: shell.record_pages_output(
            content.builder.record_pages(part, parts), shells, site))
    else:
        write_files(staging, shell.record_pages_output(content.pages, shells, site))
    for folder in shells:  # the prototypes were only frames
        discard(staging / site.url_of(shell.prototype_path(folder)))
    sitemap = staging / "sitemap.xml"
    if sitemap.exists():
        records = [site.url_of(path) for path in content.record_paths]
        write_sitemap(staging, shell.sitemap_with_records(sitemap.read_text(encoding="utf-8"), site_url, records))
    index = staging / "search" / "search_index.json"
    if index.exists():  # written by the search plugin: add the records, compact UTF-8
        index.write_bytes(searchindex.merge(index.read_bytes(), content.search_entries))
