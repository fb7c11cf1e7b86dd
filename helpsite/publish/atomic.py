"""Publish a finished build atomically: the last good site stays until a new one is whole.

One build at a time: `BuildLock` holds an `fcntl.flock` on `site.lock` beside the site for the
whole build (a second build waits for it; the kernel releases it if the build is killed). The
build writes into `site.staging`; publishing is one exchange of the two directories
(`renameat2(RENAME_EXCHANGE)` on Linux, `renamex_np(RENAME_SWAP)` on macOS), so `site/` is
always a complete directory — the last good site or the new one, never neither. Leftovers of a
killed build (`site.staging`, `site.previous`) are removed when the next build starts, under
the lock. Where no exchange exists, two renames are used and the next build restores
`site.previous` if a kill fell between them.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import gc
import gzip
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator


class PublishError(Exception):
    """A Russian message for the editor: the site was not published, the last good site is kept."""


DISK_FULL = (errno.ENOSPC, errno.EDQUOT)


def disk_full_message(exc: OSError, site_dir: Path) -> str:
    return (f"Не хватило места на диске при записи сайта ({exc.filename or site_dir.parent}). Сайт не собран, "
            f"прежний сайт в {site_dir} не тронут, временная папка удалена. Освободите место на диске "
            f"(нужно не меньше, чем занимает {site_dir.name}/, ещё раз) и запустите сборку снова.")


def staging_dir(site_dir: Path) -> Path:
    return site_dir.with_name(site_dir.name + ".staging")


def previous_dir(site_dir: Path) -> Path:
    return site_dir.with_name(site_dir.name + ".previous")


def lock_path(site_dir: Path) -> Path:
    return site_dir.with_name(site_dir.name + ".lock")


class BuildLock:
    """An exclusive `flock` on `site.lock`: one build at a time for one site folder.

    A second build waits (saying so once) up to `timeout` seconds, then gives up with a Russian
    message. The lock belongs to the open file: it ends when the build ends or is killed."""

    def __init__(self, site_dir: Path, timeout: float | None = None, notice: Callable[[str], None] | None = None):
        self.path = lock_path(site_dir)
        self.timeout = timeout if timeout is not None else float(os.environ.get("HELPSITE_BUILD_WAIT", "900"))
        self.notice = notice
        self.fd: int | None = None

    def acquire(self) -> "BuildLock":
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        deadline = time.monotonic() + self.timeout
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    os.close(fd)
                    raise PublishError(
                        f"Другая сборка этого сайта ({self.path.parent}) идёт уже больше {self.timeout:.0f} с; "
                        f"эта сборка остановлена, сайт не тронут. Дождитесь окончания той сборки "
                        f"(или закройте её окно) и запустите сборку снова.") from None
                if not told and self.notice:
                    self.notice("Сейчас идёт другая сборка этого сайта: жду, когда она закончится…")
                    told = True
                time.sleep(0.1)
        self.fd = fd
        return self

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the file ends the flock
            self.fd = None

    def __enter__(self) -> "BuildLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


def recover(site_dir: Path) -> None:
    """Under the lock, before a build: finish or undo what a killed build left behind."""
    previous = previous_dir(site_dir)
    if not site_dir.exists() and previous.is_dir():  # killed between the two fallback renames
        os.replace(previous, site_dir)
    for leftover in (staging_dir(site_dir), previous):
        _remove(leftover)


def prepare_staging(site_dir: Path) -> Path:
    """An empty place beside `site_dir` to build into (call with the lock held)."""
    recover(site_dir)
    return staging_dir(site_dir)


def _kill_point(name: str) -> None:
    """Test seam: `HELPSITE_TEST_KILL_AT=<name>` kills the build here (SIGKILL), as a power cut would."""
    if os.environ.get("HELPSITE_TEST_KILL_AT") == name:
        import signal
        os.kill(os.getpid(), signal.SIGKILL)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step; False where the system cannot (then the caller falls back)."""
    if os.environ.get("HELPSITE_TEST_NO_EXCHANGE"):  # test seam: the two-rename fallback
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    if sys.platform.startswith("linux") and hasattr(libc, "renameat2"):
        at_fdcwd, rename_exchange = -100, 2
        result = libc.renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    elif sys.platform == "darwin" and hasattr(libc, "renamex_np"):
        result = libc.renamex_np(os.fsencode(a), os.fsencode(b), 2)  # RENAME_SWAP
    else:
        return False
    if result == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EXDEV):
        return False  # this file system cannot exchange: fall back
    raise OSError(err, os.strerror(err), str(a), None, str(b))


def swap_in(staging: Path, site_dir: Path) -> None:
    """Make `staging` the site in one atomic step; the old site is removed afterwards.

    At every moment `site_dir` is a complete site: the old one until the exchange, the new one
    after it. A kill after the exchange leaves the old site in `staging`: the next build removes it."""
    _kill_point("staged")
    if site_dir.is_dir() and not site_dir.is_symlink():
        if not _exchange(staging, site_dir):
            previous = previous_dir(site_dir)
            _remove(previous)
            os.replace(site_dir, previous)
            _kill_point("between-renames")  # `recover` puts the old site back
            os.replace(staging, site_dir)
            staging = previous
        _kill_point("exchanged")  # the old site waits in `staging`: the next build removes it
        _remove(staging)  # the old site
    else:
        if site_dir.is_symlink() or site_dir.exists():
            site_dir.unlink()
        os.replace(staging, site_dir)


_WRITE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def check_inside(rel: str) -> None:
    """A path of a file to write, relative to the site: ValueError if it would land outside."""
    if rel.startswith("/") or ".." in rel.split("/"):
        raise ValueError(f"path outside the site: {rel}")


_OPEN_AT = os.open in os.supports_dir_fd and os.mkdir in os.supports_dir_fd  # files opened relative to a folder


def write_files(root: Path, files: dict[str, bytes] | Iterable[tuple[str, bytes]]) -> None:
    """Write files under `root` (paths relative to it): a dict, or pairs produced one at a time.

    Tens of thousands of files: each folder is made once (one `makedirs`, not one `mkdir` per
    file), each file written with `os.open`/`os.write` (no Path, no buffered file object), its path
    looked up from `root` (`dir_fd`: the folders above it are not walked again for each file)."""
    base = str(root.resolve())
    if not _OPEN_AT:  # no `dir_fd` (Windows)
        _write_files_by_path(base, files)
        return
    at = -1
    made: set[str] = {""}
    rel = ""
    try:
        for rel, content in (files.items() if isinstance(files, dict) else files):
            check_inside(rel)
            if at < 0:  # the folder is made when its first file is written
                os.makedirs(base, exist_ok=True)
                at = os.open(base, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
            folder = rel.rpartition("/")[0]
            if folder not in made:
                try:
                    os.mkdir(folder, dir_fd=at)  # its parent is usually there already: one system call
                except FileExistsError:
                    pass
                except FileNotFoundError:
                    os.makedirs(os.path.join(base, folder), exist_ok=True)
                made.add(folder)
            fd = os.open(rel, _WRITE_FLAGS, 0o666, dir_fd=at)
            try:
                written = os.write(fd, content)
                if written < len(content):
                    view = memoryview(content)[written:]
                    while view:
                        view = view[os.write(fd, view):]
            finally:
                os.close(fd)
    except OSError as exc:  # named by its whole path, as written without `dir_fd` (the editor's message shows it)
        if exc.filename == rel or exc.filename == rel.rpartition("/")[0]:
            exc.filename = os.path.join(base, exc.filename)
        raise
    finally:
        if at >= 0:
            os.close(at)


def _write_files_by_path(base: str, files: dict[str, bytes] | Iterable[tuple[str, bytes]]) -> None:
    """`write_files` where the system cannot open a path relative to a folder."""
    made: set[str] = set()
    for rel, content in (files.items() if isinstance(files, dict) else files):
        check_inside(rel)
        folder = rel.rpartition("/")[0]
        if folder not in made:
            os.makedirs(os.path.join(base, folder) if folder else base, exist_ok=True)
            made.add(folder)
        fd = os.open(os.path.join(base, rel), _WRITE_FLAGS, 0o666)
        try:
            view = memoryview(content)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)


def link_or_copy(source: str, dest: str) -> None:
    """A file of a content-addressed cache (print files, pictures) into the site: a hard link when
    both are on one file system (no bytes copied), else a copy.

    Safe because such a cache file is never changed in place (written whole under a temporary
    name, then renamed; pruning unlinks it). An existing `dest` is unlinked before a copy: writing
    into it (an earlier build's link, `mkdocs serve`) would change the cached file behind it.

    Usually `dest` and its folder's other files are new and the folder is there: one system call
    (the link) a file, not five (makedirs' stats and mkdir, unlink) — 1,700 pictures at 10,000 services."""
    try:
        os.link(source, dest)
        return
    except FileNotFoundError:  # its folder is not there yet (or the source is missing: said below)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
    except OSError:  # there already (a link never writes into it), another file system, no hard links
        pass
    try:
        os.unlink(dest)
    except FileNotFoundError:
        pass
    try:
        os.link(source, dest)
    except OSError:  # another file system, or one without hard links
        shutil.copyfile(source, dest)


# The jobs of the running `write_jobs` call: set just before its worker processes are forked,
# so each worker sees them without pickling; cleared when the call returns.
_JOBS: list[Callable[[], Iterable[tuple[str, bytes]]]] = []
_JOB_ROOT: list[Path] = []
_JOB_CHECK: list[Callable[[str, bytes], bool]] = []
_JOB_NEXT: list[Any] = []  # the index of the next job to take: shared by the processes of one `write_jobs` call


def _checked(files: Iterable[tuple[str, bytes]], check: Callable[[str, bytes], bool] | None,
             results: dict[str, bool]) -> Iterator[tuple[str, bytes]]:
    for rel, content in files:
        if check is not None:
            results[rel] = check(rel, content)
        yield rel, content


def _run_jobs(_: int = 0) -> dict[str, bool]:
    """Take the next job not yet taken and write it, until none is left (in each process of a
    `write_jobs` call, this one included)."""
    results: dict[str, bool] = {}
    check = _JOB_CHECK[0] if _JOB_CHECK else None
    following = _JOB_NEXT[0]
    while True:
        with following.get_lock():
            index = following.value
            following.value = index + 1
        if index >= len(_JOBS):
            return results
        write_files(_JOB_ROOT[0], _checked(_JOBS[index](), check, results))


def _worker_init(parent: int) -> None:
    """A worker dies with the build: a killed build leaves no writer behind (nor its lock)."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:
        os._exit(1)


def write_jobs(root: Path, jobs: list[Callable[[], Iterable[tuple[str, bytes]]]],
               check: Callable[[str, bytes], bool] | None = None) -> dict[str, bool]:
    """Write what each job yields, on every core: this process and a forked worker per other core
    each take the next job not yet taken, longest first (put it first). Without fork, or with one
    core, they run here one after another.

    This process works too (rather than waiting for one worker per core): a page of the build that
    two processes write to is copied once, not once per worker — copy-on-write faults were most of
    what the parallel writing cost in CPU seconds over writing in one process.

    With `check`, each file's bytes are also checked as they are written (in the process that has
    them): {path: check(path, bytes)} of every file written."""
    results: dict[str, bool] = {}
    workers = min(_cores(), 8, len(jobs))
    if workers < 2 or not hasattr(os, "fork"):
        for job in jobs:
            write_files(root, _checked(job(), check, results))
        return results
    import multiprocessing

    context = multiprocessing.get_context("fork")
    _JOBS[:], _JOB_ROOT[:], _JOB_CHECK[:] = jobs, [root], [check] if check is not None else []
    _JOB_NEXT[:] = [context.Value("i", 0)]
    # the workers' collections do not scan (and so copy, page by page) the build they inherit; what is
    # frozen stays so until the next build starts (`build.build_content`)
    gc.freeze()
    try:
        with context.Pool(workers - 1, initializer=_worker_init, initargs=(os.getpid(),)) as pool:
            pending = pool.map_async(_run_jobs, range(workers - 1))
            results.update(_run_jobs())
            for checked in pending.get():
                results.update(checked)
    finally:
        _JOBS.clear()
        _JOB_ROOT.clear()
        _JOB_CHECK.clear()
        _JOB_NEXT.clear()
    return results


class BackgroundWrite:
    """One job written into the staged site by a forked process while the build goes on — open
    data, which needs only the data, is written while the engine renders its pages on one core.

    The child makes the files at once but writes them only after `release()`: the engine empties
    its site folder (the staging folder) after `on_config` (MkDocs: «Cleaning site directory»), so
    the hook releases the writer at `on_files`. `join()` waits for it and returns
    {path: check(path, bytes)} as `write_jobs` does, or raises what the job raised (an OSError as
    itself: disk full keeps its message). `cancel()` stops it (a failed build: nothing may write
    into the staging folder while it is removed). Without fork or with one core, the job runs in
    `join()`."""

    def __init__(self, root: Path, job: Callable[[], Iterable[tuple[str, bytes]]],
                 check: Callable[[str, bytes], bool] | None = None) -> None:
        self.root, self.job, self.check = root, job, check
        self.pid: int | None = None
        self.fd = -1
        self.go = -1  # written to (one byte) when the child may write
        if _cores() < 2 or not hasattr(os, "fork"):
            return
        import pickle

        parent = os.getpid()
        read, write = os.pipe()
        wait, go = os.pipe()
        # what both processes hold is out of both collectors (until the next build starts): a collection
        # would touch every object's header, and so copy every page of the build, on either side
        gc.freeze()
        try:
            pid = os.fork()
        except OSError:
            for fd in (read, write, wait, go):
                os.close(fd)
            return
        if pid == 0:  # the child: write, report, and leave without running the parent's clean-up
            code = 0
            try:
                os.close(read)
                os.close(go)
                _worker_init(parent)
                # no cyclic garbage collection in the child: it ends by os._exit, keeping what it made (open data:
                # ≈ 400k objects at 10,000 services, none cyclic), and a collection would only scan it — the first
                # one after the job (which pauses the collector while it builds) took 0.14 s for nothing
                gc.disable()
                try:
                    results: dict[str, bool] = {}
                    files = list(job())
                    if os.read(wait, 1) != b"1":  # cancelled, or the build ended without releasing it
                        os._exit(0)
                    write_files(root, _checked(files, check, results))
                    payload = pickle.dumps((True, results))
                except BaseException as exc:  # noqa: BLE001 - handed to the parent, which raises it
                    try:
                        payload = pickle.dumps((False, exc))
                    except Exception:  # noqa: BLE001 - an exception that does not pickle: its text
                        payload = pickle.dumps((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
                view = memoryview(payload)
                while view:
                    view = view[os.write(write, view):]
            except BaseException:  # noqa: BLE001 - the parent sees no report and says so
                code = 1
            finally:
                os._exit(code)
        os.close(write)
        os.close(wait)
        self.pid, self.fd, self.go = pid, read, go

    def release(self) -> None:
        """The staging folder is ready (emptied by the engine): the child may write into it."""
        if self.go >= 0:
            try:
                os.write(self.go, b"1")
            except BrokenPipeError:  # the child has already ended (its job failed before it needed the folder):
                pass                 # `join` reports what it raised, not this write
            finally:
                os.close(self.go)
                self.go = -1

    def join(self) -> dict[str, bool]:
        self.release()
        if self.pid is None:
            results: dict[str, bool] = {}
            write_files(self.root, _checked(self.job(), self.check, results))
            return results
        import pickle

        chunks = []
        try:
            while chunk := os.read(self.fd, 1 << 16):
                chunks.append(chunk)
        finally:
            os.close(self.fd)
            _, status = os.waitpid(self.pid, 0)
            self.pid = None
        if not chunks:
            raise RuntimeError(f"фоновая запись в {self.root} прервалась (код {status})")
        done, value = pickle.loads(b"".join(chunks))
        if not done:
            raise value
        return value

    def cancel(self) -> None:
        if self.pid is None:
            return
        import signal

        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        if self.go >= 0:
            os.close(self.go)
            self.go = -1
        os.close(self.fd)
        os.waitpid(self.pid, 0)
        self.pid = None


def _cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1


def discard(staging: Path) -> None:
    if staging.exists():
        shutil.rmtree(staging, ignore_errors=True)


def write_sitemap(root: Path, sitemap: str) -> None:
    """sitemap.xml and the sitemap.xml.gz MkDocs writes beside it."""
    (root / "sitemap.xml").write_text(sitemap, encoding="utf-8")
    with gzip.GzipFile(root / "sitemap.xml.gz", "wb", mtime=0) as out:
        out.write(sitemap.encode("utf-8"))


def complete_site(staging: Path, content, shells: dict, site, site_url: str,
                  harden: Callable[[str], str] = lambda text: text,
                  early: BackgroundWrite | None = None) -> dict[str, bool]:
    """Everything the engine does not write itself, into the staged site: calendars, feeds and
    open data (`content.files`), the record pages filled into their frames (prototypes removed),
    the sitemap with the records, and the site search's index (pages and one entry per record).
    Every record page goes through `harden` (the CSP and safe links, as every page). `early`: the
    open data, already being written by a forked process (`start_open_data`): waited for here.

    Returns {path: holds a prototype's sentinel} of the record pages, open data, calendars and
    search index, checked as they were written (`shell.leftover_sentinels(staging, checked=…)`
    need not read them back)."""
    from helpsite.outputs import searchindex

    engine_index = staging / "search" / "search_index.json"
    # the site search: the engine's page index + one entry per record → our split index (searchindex.py);
    # record pages are out of the engine's index however they are rendered (search: exclude)
    def search_job() -> Iterable[tuple[str, bytes]]:
        files = searchindex.site_index_files(engine_index, content.search_entries, content.search_keywords,
                                             [g.words for g in content.data.synonyms.groups])
        return ((f"search/{name}", body) for name, body in files.items())

    builder = content.builder
    checked: dict[str, bool] = {}
    try:
        if builder is not None:  # else the records were rendered by the engine as normal pages
            checked = _write_records(staging, content, builder, shells, site, site_url, harden,
                                     [search_job, lambda: content.files.items()], early is None)
        else:
            write_files(staging, content.files)
            write_files(staging, search_job())
        if early is not None:
            checked.update(early.join())
    except BaseException:
        if early is not None:
            early.cancel()
        raise
    searchindex.drop_engine_index(staging, engine_index)
    return checked


def start_open_data(staging: Path, builder) -> BackgroundWrite:
    """The open data of the loaded data (`PageBuilder`), written into `staging` by a forked process
    from now on (`complete_site(early=…)` waits for it)."""
    from helpsite.outputs.opendata import open_data_files
    from helpsite.publish import shell

    parent = os.getpid()
    left: list = []  # in the forked writer (it ends by os._exit): what the files were made of, never freed

    def job() -> Iterable[tuple[str, bytes]]:
        return open_data_files(builder, left if os.getpid() != parent else None).items()

    return BackgroundWrite(staging, job, shell.holds_sentinel)


def _write_records(staging: Path, content, builder, shells: dict, site, site_url: str,
                   harden: Callable[[str], str], more: list[Callable[[], Iterable[tuple[str, bytes]]]],
                   with_open_data: bool) -> dict[str, bool]:
    from helpsite.publish import shell
    from helpsite.outputs.opendata import open_data_files

    # open data and the record pages are made now, on every core (build_content(defer_records=True))
    chunks = max(1, len(content.record_paths) // 500)
    def record_job(part: int) -> Iterable[tuple[str, bytes]]:
        return shell.record_pages_output(builder.record_pages(part, chunks), shells, site, harden)

    jobs: list[Callable[[], Iterable[tuple[str, bytes]]]] = [lambda: open_data_files(builder).items()] if with_open_data else []
    jobs += more
    jobs += [functools.partial(record_job, part) for part in range(chunks)]
    checked = write_jobs(staging, jobs, shell.holds_sentinel)
    for folder in shells:  # the prototypes were only frames
        for prototype in shell.PROTOTYPES:
            discard(staging / site.url_of(shell.prototype_path(folder, prototype)))
    sitemap = staging / "sitemap.xml"
    if sitemap.exists():
        records = [site.url_of(path) for path in content.record_paths]
        write_sitemap(staging, shell.sitemap_with_records(sitemap.read_text(encoding="utf-8"), site_url, records))
    return checked
