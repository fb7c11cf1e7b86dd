"""Where a build keeps what it can reuse next time (compiled templates, validated records).

`$HELPSITE_BUILD_CACHE`, else `build/cache` in the project (ignored by git). Everything in it is
keyed by content (and the code that made it), so a stale entry is never used, and deleting the
folder only makes the next build slower.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

CACHE_ENV = "HELPSITE_BUILD_CACHE"


def build_cache_dir(project_dir: Path) -> Path:
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    return project_dir / "build" / "cache"


def write_atomic(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all (a build killed mid-write leaves no half file to read)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except OSError:  # a read-only or full disk: the cache is an optimisation, never an error
        try:
            os.unlink(tmp)
        except (OSError, UnboundLocalError):
            pass
