"""Publish a finished build atomically: the last good site stays until a new one is whole."""

from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path


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


def write_files(root: Path, files: dict[str, bytes]) -> None:
    """Write the site's non-page files (calendars, feed) under `root`, paths relative to it."""
    for rel, content in files.items():
        target = root / rel
        if root.resolve() not in target.resolve().parents:
            raise ValueError(f"path outside the site: {rel}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def discard(staging: Path) -> None:
    if staging.exists():
        shutil.rmtree(staging, ignore_errors=True)


def write_sitemap(root: Path, sitemap: str) -> None:
    """sitemap.xml and the sitemap.xml.gz MkDocs writes beside it."""
    (root / "sitemap.xml").write_text(sitemap, encoding="utf-8")
    with gzip.GzipFile(root / "sitemap.xml.gz", "wb", mtime=0) as out:
        out.write(sitemap.encode("utf-8"))
