"""A content-hash cache for print files: a file is rebuilt only when its inputs change.

The key of an item hashes the renderer's code, the font and library versions, and the exact
inputs (model records as JSON, options). `mkdocs serve` rebuilds in milliseconds when nothing
printed changed; a change to one event re-renders that event's poster only.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Callable

from pydantic import BaseModel

from helpsite.outputs.printing import fonts

PRUNE_AFTER_DAYS = 30


@functools.cache
def code_version() -> str:
    """Hash of everything that shapes the output besides the data: our code, fonts, libraries."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parents[2]  # helpsite/: the whole core (phones, model, texts, templates…)
    for path in sorted(p for p in package.rglob("*") if p.is_file() and p.suffix in (".py", ".j2")
                       and "__pycache__" not in p.parts):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    for dist in ("reportlab", "qrcode", "pypdfium2", "pillow", "fontpkg-pt-sans"):
        try:
            digest.update(f"{dist}={version(dist)}".encode())
        except PackageNotFoundError:
            digest.update(f"{dist}=?".encode())
    digest.update(fonts.version().encode())
    return digest.hexdigest()


# id → (model, digest of its JSON): records are frozen, and `mkdocs serve` hands back the same
# object for a file that did not change, so each record is dumped once per process, not once per
# item of the print set and build
_MODEL_DIGESTS: dict[int, tuple[BaseModel, str]] = {}


def _jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        known = _MODEL_DIGESTS.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        try:  # pydantic's own JSON of every field (a third of the time of dumping to dicts, then to JSON)
            dumped = value.__pydantic_serializer__.to_json(value)
        except Exception:  # noqa: BLE001 - a value pydantic cannot write as JSON: as before
            dumped = json.dumps(value.model_dump(mode="json"), ensure_ascii=False, sort_keys=True, default=str).encode()
        digest = "model:" + hashlib.blake2b(dumped, digest_size=16).hexdigest()
        if len(_MODEL_DIGESTS) > 200_000:
            _MODEL_DIGESTS.clear()
        _MODEL_DIGESTS[id(value)] = (value, digest)
        return digest
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {k: _jsonable(getattr(value, k)) for k in value.__dataclass_fields__}
    return value


def key(*parts: Any) -> str:
    digest = hashlib.sha256(code_version().encode())
    digest.update(json.dumps(_jsonable(list(parts)), ensure_ascii=False, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:24]


class PrintCache:
    """Files named by their key in `root` (default: build/print-cache/ of the project)."""

    def __init__(self, root: Path | str):
        self.root = Path(root)
        self.hits = 0
        self.misses = 0

    def get(self, item_key: str, names: list[str], make: Callable[[], list[bytes]]) -> list[Path]:
        """Paths of the cached files `names` for `item_key`; `make()` gives their bytes on a miss."""
        paths = [self.root / f"{item_key}-{name}" for name in names]
        if all(p.is_file() for p in paths):
            self.hits += 1
            now = time.time()
            for p in paths:
                os.utime(p, (now, now))  # recently used: kept by prune()
            return paths
        self.misses += 1
        contents = make()
        self.root.mkdir(parents=True, exist_ok=True)
        for path, content in zip(paths, contents, strict=True):
            tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
            tmp.write_bytes(content)
            os.replace(tmp, path)  # atomic: a concurrent build never reads half a file
        return paths

    def prune(self, days: float = PRUNE_AFTER_DAYS) -> None:
        """Remove files not used for `days` (old versions of edited items)."""
        if not self.root.is_dir():
            return
        limit = time.time() - days * 86400
        with os.scandir(self.root) as listing:  # thousands of files (a picture per event): no Path for each
            for entry in listing:
                try:
                    if entry.stat().st_mtime < limit:
                        os.unlink(entry.path)
                except OSError:
                    pass
