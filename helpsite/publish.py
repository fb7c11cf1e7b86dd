"""Publish a finished build atomically: the last good site stays until a new one is whole."""

from __future__ import annotations

import gzip
import os
import shutil
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


# The jobs of the running `write_jobs` call: set just before its worker processes are forked,
# so each worker sees them without pickling; cleared when the call returns.
_JOBS: list[Callable[[], Iterable[tuple[str, bytes]]]] = []
_JOB_ROOT: list[Path] = []


def _run_job(index: int) -> int:
    write_files(_JOB_ROOT[0], _JOBS[index]())
    return index


def write_jobs(root: Path, jobs: list[Callable[[], Iterable[tuple[str, bytes]]]]) -> None:
    """Write what each job yields; jobs run in forked worker processes, one per core, longest
    first (put it first). Without fork, or with one core, they run here one after another."""
    workers = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1, 8, len(jobs))
    if workers < 2 or not hasattr(os, "fork"):
        for job in jobs:
            write_files(root, job())
        return
    import multiprocessing

    _JOBS[:], _JOB_ROOT[:] = jobs, [root]
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for _ in pool.imap_unordered(_run_job, range(len(jobs))):
                pass
    finally:
        _JOBS.clear()
        _JOB_ROOT.clear()


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
    the sitemap with the records, and the site search's index (pages and one entry per record)."""
    from . import searchindex, shell
    from .opendata import open_data_files

    write_files(staging, content.files)
    # open data and the record pages are made now, on every core (build_content(defer_records=True))
    builder = content.builder
    chunks = max(1, len(content.record_paths) // 500)
    jobs = [lambda: open_data_files(builder).items()]
    jobs += [lambda i=i: shell.record_pages_output(builder.record_pages(i, chunks), shells, site) for i in range(chunks)]
    write_jobs(staging, jobs)
    for folder in shells:  # the prototypes were only frames
        discard(staging / site.url_of(shell.prototype_path(folder)))
    sitemap = staging / "sitemap.xml"
    if sitemap.exists():
        records = [site.url_of(path) for path in content.record_paths]
        write_sitemap(staging, shell.sitemap_with_records(sitemap.read_text(encoding="utf-8"), site_url, records))
    # the site search: the engine's page index + one entry per record → our split index (searchindex.py)
    searchindex.write_site_index(staging, staging / "search" / "search_index.json", content.search_entries,
                                 content.search_keywords, [g.words for g in content.data.synonyms.groups])
