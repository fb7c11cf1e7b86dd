"""`mkdocs serve`: after an edit, redo only what depends on it and touch only files that changed.

The first build of a `mkdocs serve` session is a complete build (staging folder, atomic swap,
as `mkdocs build`). It leaves a `Session` here, in the core package, which stays imported between
rebuilds (the hooks file is loaded again for each rebuild, the core is not):

- a digest of every file the engine wrote (pages, theme files, calendars, print files, …);
- for every record page (services, events) the inputs it was rendered from: the record object
  itself (the loader hands back the very same object for a file whose bytes did not change, see
  `_VALID_RECORDS` in helpsite/data/load.py) and `global_key` — a digest of every data file that
  is not a service or an event, the page templates, the record frames (theme, overrides, menu),
  the CSP, the site address and the day; an event also carries whether it is over.

A rebuild still runs the engine (it writes its pages into the staging folder, a few dozen) and
renders the listings and the home page again (they show every record), but renders only the
record pages whose inputs changed; then `update` moves into the served folder only files whose
bytes changed, and deletes what is no longer produced (a deleted service, an old id). What the
core keeps from build to build besides, each by record object and what else it shows (so an
edit of organizations.yml is seen too): the services directory's entries
(`PageBuilder.services_index`), each event's times, VEVENT and calendar (helpsite/outputs/calendar.py);
the loader keeps unchanged single and list files. Calendars and feeds go from memory straight to
the served folder; a calendar whose only difference is its DTSTAMP (the moment the file was made,
RFC 5545 3.8.7.2) is not written again — the served file is that calendar, made earlier.

Open data (`api/`, `open-data/hsds/`) and the site search index (`search/`) describe every
record and take seconds at 10 000 services: they are made after the build returns, in a forked
process that writes only the files that changed; the next rebuild (and `wait`) waits for it. So
the browser reloads with the changed page, the listings and the home page; the search and the
open data follow a few seconds later.

Anything unusual — a data error (the serve error page replaced the site), a failed build, records
rendered by the engine (`HELPSITE_RECORD_FRAME=0`), another site folder — ends the session and the
next build is complete again. `mkdocs build` never comes here.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from helpsite.pages.site import Site

# Written after the build returns, by the forked process (`_finish_deferred`)
DEFERRED_DIRS = ("search/", "api/", "open-data/hsds/")
TEMPLATES = Path(__file__).resolve().parent.parent / "pages" / "templates"


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


# A calendar's DTSTAMP is the moment its file was made (RFC 5545 3.8.7.2, with METHOD): a calendar
# whose every other line is as served is the same calendar, and the served file (made earlier) stays.
_DTSTAMP = re.compile(rb"\r\nDTSTAMP:[0-9]{8}T[0-9]{6}Z\r\n")


def _served_digest(rel: str, data: bytes) -> bytes:
    """What says a served file need not be replaced: its bytes, a calendar's without its DTSTAMPs."""
    if rel.endswith(".ics"):
        data = _DTSTAMP.sub(b"\r\nDTSTAMP:\r\n", data)
    return _digest(data)


@dataclass
class Session:
    site_dir: Path
    outputs: dict[str, bytes] = field(default_factory=dict)  # site path → digest of the served bytes (engine's files)
    records: dict[str, tuple] = field(default_factory=dict)  # record page (services/x.md) → its inputs
    copies: dict[str, tuple] = field(default_factory=dict)  # site path → the state of the file the engine copied there
    kept: set[str] = field(default_factory=set)  # this build: served files the engine was told not to copy again
    pending: int | None = None  # pid of the process writing the deferred outputs
    directory_urls: bool = True  # page addresses of the served folder (another setting: a complete build)
    stable_dirs: tuple[str, ...] = ()  # content-addressed caches (print, pictures): a file there never changes in place
    stats: dict[str, Any] = field(default_factory=dict)  # what the last rebuild did (tests, bench)


_SESSIONS: dict[str, Session] = {}


def enabled() -> bool:
    return os.environ.get("HELPSITE_SERVE_INCREMENTAL", "1") != "0"


def session(site_dir: Path, directory_urls: bool | None = None) -> Session | None:
    """The session of this served folder, if its last build succeeded in this process (with the
    same `use_directory_urls`, when given)."""
    found = _SESSIONS.get(str(site_dir))
    if found is not None and (not site_dir.is_dir() or directory_urls not in (None, found.directory_urls)):
        forget(site_dir)
        return None
    return found


def wait(site_dir: Path | None = None) -> None:
    """Wait for the deferred outputs of the last build (of `site_dir`, or of every session)."""
    for key, found in list(_SESSIONS.items()):
        if site_dir is not None and key != str(site_dir):
            continue
        if found.pending is not None:
            pid, found.pending = found.pending, None
            try:
                _, status = os.waitpid(pid, 0)
            except ChildProcessError:
                continue
            if os.waitstatus_to_exitcode(status) != 0:  # its error is in the terminal: next build is complete
                _SESSIONS.pop(key, None)


def forget(site_dir: Path) -> None:
    """End the session: the next build of `site_dir` is complete."""
    wait(site_dir)
    _SESSIONS.pop(str(site_dir), None)


def _files(root: Path) -> dict[str, Path]:
    out: dict[str, Path] = {}
    base = len(str(root)) + 1
    for folder, _, names in os.walk(root):
        for name in names:
            full = os.path.join(folder, name)
            out[full[base:].replace(os.sep, "/")] = Path(full)
    return out


def _deferred(rel: str) -> bool:
    return rel.startswith(DEFERRED_DIRS)


def global_key(data_dir: Path, content, frames: dict, policy: Any, site_url: str, directory_urls: bool) -> bytes:
    """What every record page depends on besides its own record (see the module's docstring)."""
    digest = hashlib.blake2b(digest_size=16)
    for rel, path in sorted(_files(data_dir).items()):
        if rel.startswith(("services/", "events/")) and rel.count("/") == 1:
            continue  # the records themselves: compared one by one (`record_inputs`)
        digest.update(rel.encode() + b"\0" + path.read_bytes() + b"\0")
    for rel, path in sorted(_files(TEMPLATES).items()):
        digest.update(rel.encode() + b"\0" + path.read_bytes() + b"\0")
    for folder, frame in sorted(frames.items()):
        chunks = getattr(frame, "chunks", None)
        if chunks is None:  # a renderer (the theme did not fit the frame): never the same
            digest.update(os.urandom(16))
            continue
        digest.update(folder.encode() + json.dumps([chunks, frame.slots]).encode())
    digest.update(repr(policy).encode())
    digest.update(f"{site_url}\0{directory_urls}\0{content.now.date().isoformat()}".encode())
    return digest.digest()


def record_inputs(content, key: bytes) -> dict[str, tuple]:
    """Record page path → the inputs it is rendered from (compared with `==`: the same object
    when the file did not change, else the model's fields)."""
    data, builder = content.data, content.builder
    out: dict[str, tuple] = {}
    for ident, service in data.services.items():
        out[Site.service(ident)] = (service, key)
    for ident, event in data.events.items():
        out[Site.event(ident)] = (event, builder.is_upcoming(event), key)
    return out


def _render(builder, paths: list[str]):
    """The pages of some records (as `PageBuilder.record_pages`, for a chosen few)."""
    for path in paths:
        kind, ident = path[:-3].split("/")
        if kind == "services":
            yield builder.render("service.html.j2", path, record=True, service=builder.data.services[ident])
        else:
            yield builder.render("event.html.j2", path, record=True, event=builder.data.events[ident])


def _output_of(site: Site, md_path: str) -> str:
    url = site.url_of(md_path)
    return url + "index.html" if url.endswith("/") or url == "" else url


def _source_state(file, stable_dirs: tuple[str, ...] = ()) -> tuple | None:
    """What says a file the engine copies as it is did not change (None: not known, copy it).

    A file of a content-addressed cache (named by the hash of what it holds, replaced only by a
    rename, touched on every use to mark it recent) is the same file while its inode and size are."""
    if file.is_documentation_page():
        return None
    if file.abs_src_path is None:  # made in memory by a hook (pictures, texts): its bytes
        try:
            return ("bytes", _digest(file.content_bytes))
        except Exception:  # noqa: BLE001 - anything unusual: copied as always
            return None
    try:
        st = os.stat(file.abs_src_path)
    except OSError:
        return None
    if file.abs_src_path.startswith(stable_dirs):
        return ("cached", file.abs_src_path, st.st_dev, st.st_ino, st.st_size)
    import time

    if max(st.st_mtime_ns, st.st_ctime_ns) >= time.time_ns() - 2_000_000_000:
        return None  # written in the last moments: a later write could leave the same times
    return ("file", file.abs_src_path, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def remember_copies(found: Session, files) -> None:
    found.copies = {}
    for file in files:
        state = _source_state(file, found.stable_dirs)
        if state is not None:
            found.copies[file.dest_uri] = state


def skip_unchanged_copies(found: Session, files) -> None:
    """Theme files, print files, pictures: a file whose source is as when it was last copied into
    the served folder (and is still there) is not copied again; `update` keeps it."""
    found.kept = set()
    copies: dict[str, tuple] = {}
    for file in files:
        state = _source_state(file, found.stable_dirs)
        if state is None:
            continue
        copies[file.dest_uri] = state
        if found.copies.get(file.dest_uri) == state and file.dest_uri in found.outputs:
            file.copy_file = _no_copy  # this build's File object only
            found.kept.add(file.dest_uri)
    found.copies = copies


def _no_copy(dirty: bool = False) -> None:
    return None


def start(site_dir: Path, content, key: bytes, files=(), stable_dirs: Iterable[Path] = ()) -> Session:
    """After a complete build was published in `site_dir`: remember what it holds. `stable_dirs`:
    content-addressed caches whose files the engine copies (print files, pictures)."""
    found = Session(site_dir, stable_dirs=tuple(str(d).rstrip(os.sep) + os.sep for d in stable_dirs))
    remember_copies(found, files)
    if content.builder is not None:
        found.directory_urls = content.builder.site.directory_urls
    site = Site(content.builder.site.directory_urls) if content.builder is not None else None
    records = {_output_of(site, p) for p in content.record_paths} if site else set()
    for rel, path in _files(site_dir).items():
        if rel not in records and not _deferred(rel):
            found.outputs[rel] = _served_digest(rel, path.read_bytes())
    found.records = record_inputs(content, key)
    _SESSIONS[str(site_dir)] = found
    return found


def update(found: Session, staging: Path, content, shells: dict, site: Site, site_url: str, key: bytes,
           harden: Callable[[str], str]) -> None:
    """Bring the served folder up to this build: `staging` holds what the engine wrote."""
    from helpsite.publish import atomic, shell
    from helpsite.outputs import searchindex

    builder = content.builder
    inputs = record_inputs(content, key)
    previous = found.records
    changed = [path for path, value in inputs.items() if previous.get(path) != value]
    removed = [path for path in previous if path not in inputs]
    if len(changed) > 200:  # a shared input changed: on every core, as a complete build
        chunks = max(2, len(changed) // 500)
        def job(part: int) -> Iterable[tuple[str, bytes]]:
            return shell.record_pages_output(_render(builder, changed[part::chunks]), shells, site, harden)

        jobs: list[Callable[[], Iterable[tuple[str, bytes]]]] = [functools.partial(job, part) for part in range(chunks)]
        atomic.write_jobs(staging, jobs)
    else:
        atomic.write_files(staging, shell.record_pages_output(_render(builder, changed), shells, site, harden))
    for folder in shells:  # the prototypes were only frames
        for prototype in shell.PROTOTYPES:
            atomic.discard(staging / site.url_of(shell.prototype_path(folder, prototype)))
    sitemap = staging / "sitemap.xml"
    if sitemap.exists():
        records = [site.url_of(path) for path in content.record_paths]
        atomic.write_sitemap(staging, shell.sitemap_with_records(sitemap.read_text(encoding="utf-8"), site_url, records))
    engine_index = staging / "search" / "search_index.json"
    engine_docs = json.loads(engine_index.read_bytes())["docs"] if engine_index.exists() else []
    engine_index.unlink(missing_ok=True)
    searchindex.drop_engine_search(staging)
    leftovers = shell.leftover_sentinels(staging)
    if leftovers:
        raise shell.ShellError(", ".join(leftovers[:5]))

    # move what changed into the served folder
    records_out = {_output_of(site, p) for p in changed}
    written = 0
    new_outputs: dict[str, bytes] = {}
    for rel, path in _files(staging).items():
        if _deferred(rel) or rel in content.files:  # calendars, feeds: below, from memory (the engine's are replaced)
            continue
        blob = path.read_bytes()
        target = found.site_dir / rel
        if rel in records_out:  # rendered again: written only if its bytes differ
            try:
                if target.read_bytes() == blob:
                    continue
            except OSError:
                pass
        else:
            digest = new_outputs[rel] = _served_digest(rel, blob)
            if found.outputs.get(rel) == digest:
                continue
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
        written += 1
    for rel, blob in content.files.items():  # calendars, feeds: written only where their bytes changed
        atomic.check_inside(rel)
        digest = new_outputs[rel] = _served_digest(rel, blob)
        if found.outputs.get(rel) == digest:
            continue
        if shell.holds_sentinel(rel, blob):  # as the site's last check (`shell.leftover_sentinels`)
            raise shell.ShellError(rel)
        target = found.site_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(blob)
        os.replace(tmp, target)
        written += 1
    for rel in found.kept:  # not copied again: still served as it was
        if rel not in new_outputs and rel in found.outputs and not _deferred(rel):
            new_outputs[rel] = found.outputs[rel]
    gone = [rel for rel in found.outputs if rel not in new_outputs]
    gone += [_output_of(site, p) for p in removed]
    for rel in gone:
        target = found.site_dir / rel
        target.unlink(missing_ok=True)
        _prune(target.parent, found.site_dir)
    found.outputs = new_outputs
    found.records = inputs
    found.stats = {"rendered": len(changed), "removed": len(removed), "written": written, "deleted": len(gone)}
    _start_deferred(found, builder, engine_docs, content, staging)


def _prune(folder: Path, root: Path) -> None:
    """Remove `folder` and its parents up to `root` while they are empty."""
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def _start_deferred(found: Session, builder, engine_docs: list, content, staging: Path) -> None:
    """Open data and the search index, in a forked process (the build returns meanwhile); the
    rest of the staging folder goes too (removing folders is slow on some disks)."""
    def work() -> None:
        from helpsite.outputs import searchindex
        from helpsite.outputs.opendata import open_data_files
        from helpsite.publish.atomic import discard

        discard(staging)
        files = {f"search/{name}": blob for name, blob in searchindex.build_index(
            searchindex.documents(engine_docs, content.search_entries, content.search_keywords),
            [g.words for g in content.data.synonyms.groups]).items()}
        files.update(open_data_files(builder))
        sync_deferred(found.site_dir, files)

    if os.environ.get("HELPSITE_SERVE_DEFER", "1") == "0" or not hasattr(os, "fork"):
        work()
        return
    pid = os.fork()
    if pid == 0:  # the child: write, and leave without running the parent's clean-up
        code = 0
        try:
            work()
        except BaseException as exc:  # noqa: BLE001 - said in the terminal; the next build is complete
            print(f"Открытые данные и поиск не обновлены: {exc!r}", file=sys.stderr)
            code = 1
        finally:
            os._exit(code)
    found.pending = pid


def sync_deferred(site_dir: Path, files: dict[str, bytes]) -> None:
    """Write the deferred outputs whose bytes changed; remove the ones no longer made."""
    for rel, blob in files.items():
        target = site_dir / rel
        try:
            if target.read_bytes() == blob:
                continue
        except OSError:
            target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(blob)
        os.replace(tmp, target)
    for folder in DEFERRED_DIRS:
        root = site_dir / folder
        if root.is_dir():
            for rel in _files(root):
                if f"{folder}{rel}" not in files:
                    (root / rel).unlink(missing_ok=True)
                    _prune((root / rel).parent, site_dir)
