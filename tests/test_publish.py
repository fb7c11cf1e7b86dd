"""Publishing: one build at a time, `site/` never missing or partial (concurrent builds, SIGKILL at
any moment, disk full), strict failures detected under MkDocs and ProperDocs, and a record frame
that can never publish its sentinels."""

from __future__ import annotations

import fcntl
import importlib.util
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Callable

import pytest

from .conftest import ROOT, copy_project

ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(ROOT))
LEFTOVERS = ("site.staging", "site.previous")


def build_cmd(project: Path, engine: str = "mkdocs", strict: bool = True) -> list[str]:
    cmd = [sys.executable, "-m", engine, "build", "-f", str(project / "mkdocs.yml"), "-d", str(project / "site")]
    return cmd + (["--strict"] if strict else [])


def run_build(project: Path, engine: str = "mkdocs", strict: bool = True, **env) -> subprocess.CompletedProcess:
    return subprocess.run(build_cmd(project, engine, strict), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, env=dict(ENV, **env), cwd=project, timeout=600)


def build_edited(project: Path, path: Path, edit: Callable[[str], str]) -> subprocess.CompletedProcess:
    """A build with the file `path` changed by `edit` (its text → the new text); the file is put back after."""
    text = path.read_text(encoding="utf-8")
    path.write_text(edit(text), encoding="utf-8")
    try:
        return run_build(project)
    finally:
        path.write_text(text, encoding="utf-8")


def stable_snapshot(site: Path) -> dict[str, bytes]:
    """Every file of a site; the calendars' DTSTAMP (the moment of the build) left out."""
    out = {}
    for path in sorted(site.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if path.suffix == ".ics":
                data = re.sub(rb"DTSTAMP:\S+", b"DTSTAMP:-", data)
            out[str(path.relative_to(site))] = data
    return out


def assert_complete(site: Path, good: dict[str, bytes]) -> None:
    assert site.is_dir(), f"{site} is missing"
    now = stable_snapshot(site)
    assert sorted(now) == sorted(good), f"files differ: {sorted(set(now) ^ set(good))[:10]}"
    assert now == good, [k for k in now if now[k] != good[k]][:10]


def assert_clean(project: Path) -> None:
    left = [name for name in LEFTOVERS if (project / name).exists()]
    assert not left, f"left behind: {left}"


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    """A project copy with a good site built (and its stable snapshot)."""
    project = copy_project(tmp_path_factory.mktemp("publish") / "project")
    result = run_build(project)
    assert result.returncode == 0, result.stdout
    return project, stable_snapshot(project / "site")


# ---------------------------------------------------------------- one build at a time

def test_six_concurrent_builds_each_see_a_complete_site(good):
    project, snapshot = good
    seen: list[str] = []
    stop = threading.Event()

    def watch():  # what a web server would serve during the builds
        while not stop.is_set():
            site = project / "site"
            for page in ("index.html", "services/sluzhba-sos/index.html", "helplines/index.html"):
                try:
                    text = (site / page).read_text(encoding="utf-8")
                    if not text.rstrip().endswith("</html>"):
                        seen.append(f"{page}: cut short")
                except FileNotFoundError:
                    seen.append(f"{page}: missing")
            time.sleep(0.005)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        procs = [subprocess.Popen(build_cmd(project), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                  env=ENV, cwd=project) for _ in range(6)]
        outputs = [p.communicate(timeout=600)[0] for p in procs]
    finally:
        stop.set()
        watcher.join()
    codes = [p.returncode for p in procs]
    assert codes == [0] * 6, "\n----\n".join(outputs)
    assert sum("жду, когда она закончится" in out for out in outputs) >= 1  # the others waited, and said so
    assert not seen, seen[:10]
    assert_complete(project / "site", snapshot)
    assert_clean(project)


def test_a_build_that_cannot_wait_stops_with_a_russian_message(good):
    project, snapshot = good
    with open(project / "site.lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        result = run_build(project, HELPSITE_BUILD_WAIT="1")
    assert result.returncode != 0
    assert "Другая сборка этого сайта" in result.stdout and "Traceback" not in result.stdout
    assert_complete(project / "site", snapshot)
    assert_clean(project)


# ---------------------------------------------------------------- kills

@pytest.mark.parametrize("point", ["staged", "exchanged"])
def test_kill_between_publishing_steps_keeps_a_complete_site(good, point):
    project, snapshot = good
    result = run_build(project, HELPSITE_TEST_KILL_AT=point)
    assert result.returncode == -signal.SIGKILL
    assert_complete(project / "site", snapshot)
    assert (project / "site.staging").exists()  # the kill left it: the next build cleans it
    assert run_build(project).returncode == 0
    assert_complete(project / "site", snapshot)
    assert_clean(project)


def test_kill_between_the_fallback_renames_is_repaired_by_the_next_build(good):
    """Where the file system cannot exchange two folders, two renames are used: a kill between
    them leaves no `site/` for a moment; the next build — even a failing one — restores it first."""
    project, snapshot = good
    result = run_build(project, HELPSITE_TEST_KILL_AT="between-renames", HELPSITE_TEST_NO_EXCHANGE="1")
    assert result.returncode == -signal.SIGKILL
    assert not (project / "site").exists() and (project / "site.previous").is_dir()
    assert build_edited(project, project / "docs" / "about.md",
                        lambda text: text + "\n[нет такой страницы](missing.md)\n").returncode != 0
    assert_complete(project / "site", snapshot)
    assert_clean(project)


def test_sigkill_at_random_moments_never_loses_the_site(good):
    project, snapshot = good
    rng = random.Random(20261130)
    assert run_build(project).returncode == 0
    start = time.monotonic()  # timed as the trials build: with the caches the first build filled
    assert run_build(project).returncode == 0
    duration = time.monotonic() - start
    killed = 0
    for trial in range(10):
        proc = subprocess.Popen(build_cmd(project), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV,
                                cwd=project, start_new_session=True)
        time.sleep(rng.uniform(0.05, duration * 0.9))
        if proc.poll() is None:
            # the build alone (its worker processes must die with it), or the whole process group
            os.kill(proc.pid, signal.SIGKILL) if trial % 2 else os.killpg(proc.pid, signal.SIGKILL)
            killed += 1
        proc.wait()
        assert_complete(project / "site", snapshot)
    print(f"SIGKILL trials: {killed} of 10 builds killed mid-build; site complete after each")
    assert killed >= 6, f"only {killed} of 10 builds were killed before they ended"
    assert run_build(project).returncode == 0
    assert_complete(project / "site", snapshot)
    assert_clean(project)


# ---------------------------------------------------------------- disk full

# Every file opened for writing in the staged site counts (buffered `open` and `os.open`, in the build
# and in each process it forks: a fork inherits the count); after FAIL_AFTER of them (only paths with
# FAIL_MATCH in them, if set), the next fails as a full disk (or FAIL_ERRNO) would.
DISK_FULL = """
import builtins, errno, io, os, sys
limit = int(os.environ["FAIL_AFTER"]); match = os.environ.get("FAIL_MATCH", ""); count = [0]
real, real_os_open = io.open, os.open
def counted(file):
    if ".staging" in str(file) and match in str(file):
        count[0] += 1
        if count[0] > limit:
            code = getattr(errno, os.environ.get("FAIL_ERRNO", "ENOSPC"))
            raise OSError(code, os.strerror(code), str(file))
def full_open(file, mode="r", *args, **kwargs):
    if any(c in mode for c in "wax"):
        counted(file)
    return real(file, mode, *args, **kwargs)
def full_os_open(path, flags, *args, **kwargs):
    if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
        at = kwargs.get("dir_fd")  # a path relative to an open folder (atomic.write_files): its whole path
        counted(path if at is None else os.path.join(os.readlink(f"/proc/self/fd/{at}"), path))
    return real_os_open(path, flags, *args, **kwargs)
builtins.open = io.open = full_open
os.open = full_os_open
sys.argv = ["mkdocs"] + sys.argv[1:]
from mkdocs.__main__ import cli
cli()
"""


# (FAIL_AFTER, FAIL_MATCH): where the write fails. Theme assets and the engine's pages are written by
# the build; calendars, the search index and the record pages by `write_jobs` (this process and a
# forked worker); open data by the process forked when the data is loaded (`BackgroundWrite`).
WRITE_FAILURES = [(3, ""), (30, "index.html"), (5, ".ics"), (30, "/search/"), (5, "/services/"), (2, "/api/")]


@pytest.mark.parametrize("after, match", WRITE_FAILURES)
def test_disk_full_is_a_russian_message_and_keeps_the_site(good, after, match):
    project, snapshot = good
    cmd = [sys.executable, "-c", DISK_FULL] + build_cmd(project)[3:]
    result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=dict(ENV, FAIL_AFTER=str(after), FAIL_MATCH=match), cwd=project, timeout=600)
    assert result.returncode != 0
    assert "Не хватило места на диске" in result.stdout and match in result.stdout, result.stdout[-3000:]
    assert "Traceback" not in result.stdout, result.stdout[-3000:]
    assert_complete(project / "site", snapshot)
    assert_clean(project)


@pytest.mark.parametrize("after, match", [(30, "index.html"), (5, ".ics"), (2, "/api/")])
def test_another_write_error_is_a_russian_message_and_keeps_the_site(good, after, match):
    project, snapshot = good
    cmd = [sys.executable, "-c", DISK_FULL] + build_cmd(project)[3:]
    result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=dict(ENV, FAIL_AFTER=str(after), FAIL_MATCH=match, FAIL_ERRNO="EIO"), cwd=project,
                            timeout=600)
    assert result.returncode != 0
    assert "ошибка чтения или записи файлов" in result.stdout and "Traceback" not in result.stdout, result.stdout[-3000:]
    assert match in result.stdout, result.stdout[-3000:]
    assert_complete(project / "site", snapshot)
    assert_clean(project)


# ---------------------------------------------------------------- strict failures, under both engines

ENGINES = ["mkdocs", pytest.param("properdocs", marks=pytest.mark.skipif(
    importlib.util.find_spec("properdocs") is None and not os.environ.get("CI"),
    reason="pip install properdocs (in the test extras)"))]


@pytest.mark.parametrize("engine", ENGINES)
def test_strict_failure_keeps_the_last_good_site_under_each_engine(tmp_path, engine):
    project = copy_project(tmp_path / "project")
    site = project / "site"
    first = run_build(project, engine)
    assert first.returncode == 0, first.stdout
    before = stable_snapshot(site)
    about = project / "docs" / "about.md"
    text = about.read_text(encoding="utf-8")
    about.write_text(text + "\n[нет такой страницы](missing.md)\n", encoding="utf-8")
    broken = run_build(project, engine)
    assert broken.returncode != 0 and "missing.md" in broken.stdout, broken.stdout
    assert stable_snapshot(site) == before
    assert "missing.md" not in (site / "about" / "index.html").read_text(encoding="utf-8")
    assert_clean(project)
    # a good build after it publishes
    about.write_text(text.replace("Программа", "Программа действий", 1) if "Программа" in text else text + "\nНовое.\n",
                     encoding="utf-8")
    again = run_build(project, engine)
    assert again.returncode == 0, again.stdout
    assert stable_snapshot(site) != before
    assert "excluded from the built site" not in again.stdout  # _RecordLinkNotice works under the engine


# ---------------------------------------------------------------- the record frame

class _Head(HTMLParser):
    """Title, meta description, canonical link and the article body of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.description = self.canonical = None
        self._in_title = False
        self.body: list[str] = []
        self.head: list[str] = []
        self._depth = 0  # inside <article>

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "title":
            self._in_title = True
        if tag == "meta" and a.get("name") == "description":
            self.description = a.get("content")
        if tag in ("meta", "link"):  # every head tag (og:, twitter:, alternate…) must agree too
            self.head.append(f"<{tag} {sorted(a.items())}>")
        if tag == "link" and a.get("rel") == "canonical":
            self.canonical = a.get("href")
        if tag == "article":
            self._depth += 1
        if self._depth:
            self.body.append(f"<{tag} {sorted(a.items())}>")

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if self._depth:
            self.body.append(f"</{tag}>")
        if tag == "article":
            self._depth -= 1

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if self._depth and data.strip():
            self.body.append(" ".join(data.split()))


def page_parts(path: Path) -> tuple:
    parser = _Head()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.title, parser.description, parser.canonical, parser.body, parser.head


def record_pages(site: Path) -> list[str]:
    return sorted(str(p.relative_to(site)) for folder in ("services", "events")
                  for p in (site / folder).glob("*/index.html") if p.parent.name != "series")


@pytest.fixture(scope="module")
def normal_render(tmp_path_factory) -> Path:
    """The site with record pages rendered by the engine like any page (no frame)."""
    project = copy_project(tmp_path_factory.mktemp("normal") / "project")
    result = run_build(project, HELPSITE_RECORD_FRAME="0")
    assert result.returncode == 0, result.stdout
    return project / "site"


def test_frame_and_normal_render_agree_on_every_record(good, normal_render):
    project, _ = good
    framed = record_pages(project / "site")
    assert framed == record_pages(normal_render) and len(framed) >= 20
    for rel in framed:
        a, b = page_parts(project / "site" / rel), page_parts(normal_render / rel)
        assert a[:3] == b[:3], rel
        assert a[0] and a[1] and a[2] and a[2].startswith("https://"), (rel, a[:3])
        assert a[3] == b[3], rel
        assert a[4] == b[4], (rel, set(a[4]) ^ set(b[4]))
    from helpsite.outputs.searchindex import read_documents
    search = [sorted({row[0].split("#")[0] for row in read_documents(root)}) for root in (project / "site", normal_render)]
    assert search[0] == search[1] and "services/sluzhba-sos/" in search[0]
    sitemaps = [sorted(re.findall(r"<loc>([^<]+)</loc>", (root / "sitemap.xml").read_text()))
                for root in (project / "site", normal_render)]
    assert sitemaps[0] == sitemaps[1]


OVERRIDES = {
    "upper": '<meta property="og:title" content="{{ page.title | upper }}">',
    "truncate": ('{% if page %}<meta property="og:description" '
                 'content="{{ (page.meta.description or "") | truncate(40) }}">{% endif %}'),
    "twice": '<meta property="og:title" content="{{ page.title }}"><meta name="x-len" content="{{ page.title | length }}">',
    "content_twice": '{% if page %}<template id="hs-copy">{{ page.content }}</template>{% endif %}',
}


@pytest.mark.parametrize("name", list(OVERRIDES))
def test_a_theme_override_using_page_title_gives_correct_pages(tmp_path, normal_render, name):
    project = copy_project(tmp_path / "project")
    main = project / "overrides" / "main.html"
    main.write_text(main.read_text(encoding="utf-8").replace(
        '<meta name="referrer" content="no-referrer">',
        '<meta name="referrer" content="no-referrer">' + OVERRIDES[name], 1), encoding="utf-8")
    result = run_build(project)
    assert result.returncode == 0, result.stdout
    assert "Traceback" not in result.stdout
    site = project / "site"
    leftovers = [str(p) for p in site.rglob("*") if p.is_file() and re.search(rb"hsshell|__shell", p.read_bytes(), re.I)]
    assert not leftovers
    for rel in record_pages(site):
        html = (site / rel).read_text(encoding="utf-8")
        title = page_parts(site / rel)[0].split(" - ")[0]
        if name == "upper":
            og = re.search(r'<meta property="og:title" content="([^"]*)">', html)
            assert og and unescape(og.group(1)) == title.upper(), (rel, og and og.group(1), title)
        assert page_parts(site / rel)[:4] == page_parts(normal_render / rel)[:4], rel  # title, description, canonical, body
    assert not (project / "site.staging").exists()
    # and the records are exactly what the engine renders as normal pages with the same override
    normal = copy_project(tmp_path / "normal")
    shutil.copy2(main, normal / "overrides" / "main.html")
    assert run_build(normal, HELPSITE_RECORD_FRAME="0").returncode == 0
    for rel in record_pages(site):
        assert page_parts(site / rel) == page_parts(normal / "site" / rel), rel


def test_sentinel_left_in_output_fails_the_build(good):
    """The last line of defence: a sentinel that got through everything else is never published."""
    from helpsite.publish import shell
    project, snapshot = good
    result = build_edited(project, project / "docs" / "about.md", lambda text: text + "\nHSSHELLTITLE7f3a\n")
    assert result.returncode != 0
    assert "служебная метка" in result.stdout and "about/index.html" in result.stdout
    assert_complete(project / "site", snapshot)
    assert_clean(project)
    assert shell.SENTINEL_TRACE.search(b"xx hsShellTitle yy")


def test_sentinel_in_a_record_page_fails_the_build(good):
    """Record pages and open data are checked as they are written (not read back): a sentinel in one
    is caught all the same, and the file is named."""
    project, snapshot = good
    path = project / "data" / "services" / "sluzhba-sos.yml"
    assert "  Служба экстренного реагирования" in path.read_text(encoding="utf-8")
    result = build_edited(project, path, lambda text: text.replace(
        "  Служба экстренного реагирования", "  HsShellTitle7f3a. Служба экстренного реагирования", 1))
    assert result.returncode != 0
    assert "служебная метка" in result.stdout and "services/sluzhba-sos/index.html" in result.stdout
    assert_complete(project / "site", snapshot)
    assert_clean(project)


def test_files_checked_as_written_are_not_read_back(tmp_path):
    from helpsite.publish import atomic, shell
    jobs = [lambda: [("a/index.html", b"<p>HSSHELL</p>"), ("b/index.html", b"<p>ok</p>"), ("c.zip", b"hsshell")],
            lambda: [("d/data.json", b'{"x": "__shell"}')]]
    checked = atomic.write_jobs(tmp_path, jobs, shell.holds_sentinel)
    assert checked == {"a/index.html": True, "b/index.html": False, "c.zip": False, "d/data.json": True}
    assert shell.leftover_sentinels(tmp_path) == ["a/index.html", "d/data.json"]
    assert shell.leftover_sentinels(tmp_path, checked=checked) == ["a/index.html", "d/data.json"]
    (tmp_path / "b" / "index.html").write_bytes(b"hsshell")  # changed after it was checked: trusted as checked
    (tmp_path / "e.txt").write_bytes(b"HsShell")  # not checked when written: read
    assert shell.leftover_sentinels(tmp_path, checked=checked) == ["a/index.html", "d/data.json", "e.txt"]


def test_site_text_files_walk_as_rglob(tmp_path):
    """The site's text files, found by one scandir walk: those of sorted(rglob) with a checked suffix (files,
    not folders named like one; no descent into a linked folder), in the same order (by path parts: «a/…»
    before «a-b/…»), each path the file's."""
    from helpsite.publish import shell
    for rel in ("index.html", "a/x.json", "a-b/y.html", "a/b/c.txt", "a/.html", "a/noext", "a/z.png", "b.ics",
                "a/b/d.gz", "dir.html/inner.js", "deep/1/2/3/4.xml", "a/b.html/c.atom", "Z.CSV", "z.csv"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"x")
    (tmp_path / "linked").symlink_to(tmp_path / "a", target_is_directory=True)
    (tmp_path / "file-link.html").symlink_to(tmp_path / "index.html")
    expected = [(p.relative_to(tmp_path).parts, str(p)) for p in sorted(tmp_path.rglob("*"))
                if p.is_file() and p.suffix in shell._CHECKED_SUFFIXES]
    assert shell.site_text_files(tmp_path) == expected
    assert ("file-link.html",) in [parts for parts, _ in expected] and ("dir.html", "inner.js") in dict(expected)


def test_cached_files_are_linked_and_never_written_through(tmp_path, monkeypatch):
    """Print files and pictures are hard-linked from the content-addressed cache: a later build
    putting another cached file at the same place replaces the link; the cached file behind the
    old link keeps its bytes. Where linking fails (another file system) the file is copied."""
    from helpsite.publish import atomic
    cache, site = tmp_path / "cache", tmp_path / "site"
    cache.mkdir()
    (cache / "a-card.png").write_bytes(b"picture A")
    (cache / "b-card.png").write_bytes(b"picture B")
    dest = str(site / "announce" / "card.png")
    atomic.link_or_copy(str(cache / "a-card.png"), dest)
    assert os.path.samefile(dest, cache / "a-card.png")
    atomic.link_or_copy(str(cache / "b-card.png"), dest)  # the next build: another picture there
    assert Path(dest).read_bytes() == b"picture B" and (cache / "a-card.png").read_bytes() == b"picture A"

    def no_link(src, dst):
        raise OSError(18, "Invalid cross-device link")
    monkeypatch.setattr(os, "link", no_link)
    atomic.link_or_copy(str(cache / "a-card.png"), dest)
    assert Path(dest).read_bytes() == b"picture A" and not os.path.samefile(dest, cache / "a-card.png")
    assert (cache / "b-card.png").read_bytes() == b"picture B"


def test_a_theme_override_that_does_not_render_is_a_russian_message(good):
    project, snapshot = good
    main = project / "overrides" / "main.html"
    text = main.read_text(encoding="utf-8")
    result = build_edited(project, main, lambda text: text.replace(
        '<meta name="referrer" content="no-referrer">',
        '<meta name="referrer" content="no-referrer"><meta property="og:description" content="{{ page.meta.description }}">', 1))
    assert result.returncode != 0
    line = text[:text.index('<meta name="referrer"')].count("\n") + 1  # the line of the broken tag
    assert "Ошибка в шаблоне темы" in result.stdout and f"overrides/main.html:{line}" in result.stdout, result.stdout
    assert "Traceback" not in result.stdout
    assert_complete(project / "site", snapshot)
    assert_clean(project)


def test_record_pages_hardened_in_place_equal_hardened_whole():
    """A record page whose frame allows it gets only its body's links hardened (not the whole page
    again): byte for byte what hardening the whole filled page gives; a frame with a slot inside an
    <a> tag, and a body with a script, are hardened whole."""
    from helpsite.publish import shell
    from helpsite.publish.safety import Policy, harden_html, script_hash
    from helpsite.pages.site import Site

    theme = "var t=1"
    policy = Policy(frozenset({script_hash(theme)}))
    harden = lambda text: harden_html(text, policy)  # noqa: E731
    proto = shell.PROTOTYPE
    page_html = (f'<!doctype html><html><head><meta charset="utf-8"><title>{proto.title}</title>'
                 f'<meta name="description" content="{proto.description}"><meta property="og:image" content="{proto.image}">'
                 f'<script>{theme}</script></head><body><a href="https://github.com/x">тема</a>'
                 f'<link rel="canonical" href="https://example.org/services/{proto.id}/"><main>{proto.body}</main></body></html>')
    frame = shell.make_shell(harden(page_html))
    assert shell.hardened_in_place(frame, harden)
    inside_link = shell.make_shell(harden(page_html.replace("<main>", f'<a title="{proto.title}" href="/x"><main>')))
    assert not shell.hardened_in_place(inside_link, harden)

    class Page:
        record = True

        def __init__(self, ident: str, body: str) -> None:
            self.path = f"services/{ident}.md"
            self.front_matter = (f'---\ntitle: "Служба {ident} <b>"\ndescription: "Описание https://x.org"\n'
                                 f'og_image: "https://example.org/og.png"\n---\n')
            self.html_body = body

    bodies = ['<h1 id="a">Служба</h1><p><a href="https://example.org/a">сайт</a> <a href="//x.org" rel="me">x</a></p>',
              '<h1 id="b">Б</h1><script type="application/ld+json">{"a": "</p>"}</script><a href="https://y.org">y</a>',
              '<h1 id="c">В</h1><p>текст <a href="http://z.org"', '<h1 id="d">Г</h1><SCRIPT>var t=1</SCRIPT>',
              '<h1 id="e">Д</h1><p>«ещё» <a href="https://example.org/e">сайт</a> &amp; 😀</p>',  # after the compared first: fill_encoded
              # data scripts (JSON-LD) only: the links hardened in place; one that runs, or a broken one: the page whole
              '<h1 id="f">Е</h1><script type="application/ld+json">{"u": "<a href=\\"//x.org\\">"}</script><a href="//q.org">q</a>',
              '<h1 id="g">Ж</h1><script type="application/ld+json">{"s": "<script>var t=1"}</script>',
              '<h1 id="h">З</h1><script type="application/ld+json">{}</script><script>var t=1</script>',
              '<h1 id="i">И</h1><script type="application/ld+json">{}</script><script>var t=2</script>',
              '<h1 id="j">Й</h1><script type="application/ld+json">{"a": 1}']
    pages = [Page(f"s{i}", body) for i, body in enumerate(bodies)]
    values = dict(title="Служба <b> & «x»", description="Описание", body=bodies[4], slug="s4", image="https://e.org/ё.png")
    assert [shell._fast_body(body, "x") for body in bodies] == [True, True, False, False, True, True, False, False, False,
                                                                 False]
    assert frame.fill_encoded(**values) == frame.fill(**values).encode("utf-8")
    for frames in ({"services": frame}, {"services": inside_link}):
        out = dict(shell.record_pages_output(pages, frames, Site(True), harden))
        for page in pages:
            whole = frames["services"].fill(title=f"Служба {page.path[9:-3]} <b>", description="Описание https://x.org",
                                            body=page.html_body, slug=page.path[9:-3], image="https://example.org/og.png")
            assert out[f"services/{page.path[9:-3]}/index.html"] == harden(whole).encode("utf-8")



def test_a_filled_page_knows_whether_it_holds_a_trace_as_a_whole_look_would_find():
    """`Shell.fill_encoded` looks only at a page's values and the bytes around them for a prototype's trace
    (`FilledPage.holds_trace`): the same answer as `holds_sentinel` on the whole page, for traces in a value,
    across a value's edge into the frame, through an empty value, in any case; frames whose pieces
    between slots are too short, or that hold a trace, are looked at whole."""
    import random

    from helpsite.publish import shell

    rnd = random.Random(18)
    traces = ["hsshell", "HsShell", "__shell", "__SHELL__", "hsshellcheck", "__shellcheck__"]
    pieces = ["", "h", "hs", "hss", "hssh", "hsshel", "sshell", "shell", "_", "__", "__sh", "ell", "l", "s",
              "ё", "«", "&", "<p>", " ", "x" * 7]

    def text(n: int) -> str:
        return "".join(rnd.choice(pieces) for _ in range(n))

    slots = ("title", "description", "image", "body", "slug")
    frames = [shell.Shell(tuple(text(rnd.randint(0, 6)) if rnd.random() < 0.7 else "<frame piece>"
                                for _ in range(len(slots) + 1)), slots) for _ in range(300)]
    frames.append(shell.Shell(("<html>", "<p class=x>", "</p>" * 3, "<div>\n", "</div>" * 2, "</html>"), slots))
    windowed = 0
    for frame in frames:
        for _ in range(40):
            values = {slot: text(rnd.randint(0, 4)) for slot in slots}
            if rnd.random() < 0.3:
                slot = rnd.choice(slots)
                at = rnd.randint(0, len(values[slot]))
                values[slot] = values[slot][:at] + rnd.choice(traces) + values[slot][at:]
            for slot in ("title", "description", "image"):  # as escaped in a page (no «<», «>»)
                values[slot] = values[slot].replace("<", "").replace(">", "")
            page = frame.fill_encoded(**values)
            assert page == frame.fill(**values).encode("utf-8")
            whole = shell.holds_sentinel("services/x/index.html", bytes(page))
            assert shell.holds_sentinel("services/x/index.html", page) is whole
            if page.holds_trace is not None:
                windowed += 1
                assert page.holds_trace is whole, (frame, values)
    assert windowed > 2000
    assert frames[-1]._windows is not None
    assert shell.Shell(("<html>", "<p>HsShell", "</html>"), ("title", "body"))._windows is None  # a piece holds one
    assert shell.Shell(("<html>", "<p>", "</html>"), ("title", "body"))._windows is None  # «<p>»: too short


# ---------------------------------------------------------------- open data written beside the engine

def test_background_writer_writes_only_after_release_and_reports_checks(tmp_path):
    """`atomic.BackgroundWrite` (open data, forked when the data is loaded) makes its files at once
    but writes nothing before `release()` (the engine empties the staging folder after on_config);
    `join()` gives the checks made as the files were written; `cancel()` before release leaves nothing."""
    import time

    from helpsite.publish.atomic import BackgroundWrite

    root = tmp_path / "staging"
    root.mkdir()
    writer = BackgroundWrite(root, lambda: iter([("api/a.json", b"{}"), ("open-data/b.zip", b"PK hsshell")]),
                             lambda path, data: b"hsshell" in data)
    time.sleep(0.5)  # the child has made its files by now
    assert list(root.rglob("*")) == []
    writer.release()
    assert writer.join() == {"api/a.json": False, "open-data/b.zip": True}
    assert (root / "api" / "a.json").read_bytes() == b"{}"

    other = tmp_path / "other"
    other.mkdir()
    cancelled = BackgroundWrite(other, lambda: iter([("api/a.json", b"{}")]))
    time.sleep(0.3)
    cancelled.cancel()
    time.sleep(0.2)
    assert list(other.rglob("*")) == []


def test_background_writer_child_runs_without_the_cyclic_collector(tmp_path):
    """The forked writer ends by os._exit keeping what it made: the cyclic collector stays off there (its
    first pass after the open-data job scanned ≈ 400k objects for nothing), and on in the build itself."""
    import gc

    from helpsite.publish.atomic import BackgroundWrite, _cores

    def job():
        yield "state.txt", f"{gc.isenabled()} {os.getpid()}".encode()

    assert gc.isenabled()
    writer = BackgroundWrite(tmp_path, job)
    writer.release()
    writer.join()
    enabled, pid = (tmp_path / "state.txt").read_text().split()
    forked = int(pid) != os.getpid()
    assert forked == (_cores() > 1 and hasattr(os, "fork"))
    assert enabled == ("False" if forked else "True")
    assert gc.isenabled()


def test_background_writer_raises_what_the_job_raised(tmp_path):
    import errno

    from helpsite.publish.atomic import BackgroundWrite

    def job():
        yield "api/a.json", b"{}"
        raise OSError(errno.ENOSPC, "No space left on device", "api/b.json")

    writer = BackgroundWrite(tmp_path, job)
    with pytest.raises(OSError) as raised:
        writer.join()
    assert raised.value.errno == errno.ENOSPC and raised.value.filename == "api/b.json"


def test_a_data_error_after_open_data_started_leaves_no_writer(tmp_path):
    """Open data is forked as soon as the data is loaded; an error found after that (an unknown
    `{{ campaign.… }}` in a hand-written page) fails the build with its Russian message, stops
    the forked writer (no process of the build is left) and publishes nothing."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    project = copy_project(tmp_path / "project")
    page = project / "docs" / "about.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n\nТелефон: {{ campaign.no_such_field }}\n", encoding="utf-8")
    def children() -> set[str]:  # this process's child processes (others' tests may have left some: a browser)
        tasks = Path("/proc/self/task")
        return {child for task in tasks.iterdir() for child in (task / "children").read_text().split()} \
            if tasks.exists() else set()

    before = children()
    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(project / "site"))
    config.plugins.on_startup(command="build", dirty=False)
    with pytest.raises(Abort, match="Данные не прошли проверку"):
        build(config)
    assert children() - before == set()
    assert not (project / "site").exists()
    assert_clean(project)


def test_front_matter_strings_read_as_json_reads_them():
    """`shell._json_string` (the front matter's values of a record page, read without the JSON
    decoder where there is nothing to decode) gives what `json.loads` gives, or fails as it does."""
    import json
    from helpsite.pages.builder import front_matter_string
    from helpsite.publish import shell

    texts = ["Служба «Доверие» <b> & x", 'с "кавычками"', "back\\slash", "таб\tи\x01", "\xa0пробел\u2028", "😀", ""]
    raws = [str(front_matter_string(t)) for t in texts] + [json.dumps(t) for t in texts] + ['"a" "b"', '"\t"', '"x\\"']
    for raw in raws:
        try:
            expected: object = json.loads(raw)
        except ValueError as exc:
            expected = type(exc)
        try:
            got: object = shell._json_string(raw)
        except ValueError as exc:
            got = type(exc)
        assert got == expected, raw


def test_a_listing_body_put_back_after_hardening_its_page_is_the_same_text():
    """A listing's body (the services directory) is put into its page after the page is hardened and
    compacted with a stand-in: byte for byte what hardening and compacting the whole page gives — for
    bodies with links to other sites, blank lines, indentation, edge whitespace, scripts, <pre>, a tag left
    open; pages with the stand-in inside a <pre>, a script, a tag, twice, or before <head>. Where the body
    or the page does not allow it, the whole page is done (still the same text)."""
    from helpsite.publish.compact import compact_html, finish_with_body
    from helpsite.publish.safety import Policy, harden_html, script_hash

    theme = "var t=1"
    policy = Policy(frozenset({script_hash(theme)}))
    calls: list[int] = []

    def finish(text: str) -> str:
        calls.append(len(text))
        return compact_html(harden_html(text, policy))

    stand_in = "<!--hs-body 0123456789abcdef <h1-->"
    page = ('<!doctype html>\n<html>\n  <head>\n    <meta charset="utf-8">\n    <script>var t=1</script>\n'
            '    <script id="__config" type="application/json">{"a": "\\u0431"}</script>\n  </head>\n  <body>\n'
            '    <a href="https://github.com/x">тема</a>\n    <article class="md-content">\n      {S}\n    </article>\n'
            '    <pre>  keep\n\n  me  </pre>\n    <footer>\n  \n  подвал </footer>\n  </body>\n</html>\n')
    pages = {"plain": page, "tight": page.replace("      {S}\n", "{S}"),
             "in pre": page.replace("      {S}\n", "<pre>\n {S}\n </pre>"),
             "in script": page.replace("      {S}\n", "<script>var x = '{S}';</script>"),
             "in tag": page.replace("      {S}\n", '<div title="x" {S}></div>'),
             "open link": page.replace("      {S}\n", '<a href="https://x.org" {S}>'),
             "open tag": page.replace("      {S}\n", '<a title="s" {S}>'),
             "twice": page.replace("      {S}\n", "{S}\n{S}"), "no head": "<p>{S}</p>\n<p>x</p>",
             "before head": "{S}\n" + page.replace("      {S}\n", "")}
    bodies = {"plain": '<h1 id="a">Службы</h1>\n<ul>\n<li><a href="s1/">Служба</a> <a href="tel:+7">8</a></li>\n</ul>\n',
              "links": '<h1>Б</h1>\n<p><a href="https://example.org/a">сайт</a> <a rel="me" href="//x.org">x</a></p>',
              "runs": '\n\n  <h1>В</h1>\n\n\n   <p>текст  \t\n  ещё</p>  \n\r\n  <p>x</p>\n   ',
              "edges": ' <h1>Г</h1> ', "newline edges": '\n<h1>Г</h1>\n',
              "script": '<h1>Д</h1>\n<script>var t=1</script>\n', "data script": '<h1>Е</h1><SCRIPT type="a/b">{}</SCRIPT>',
              "pre": '<h1>Ж</h1>\n<pre>\n  a\n\n  b</pre>\n', "textarea": '<h1>З</h1><TextArea>\n\n x</TextArea>',
              "style": '<h1>И</h1><style>\n\n a {}</style>', "closing pre": '<h1>Й</h1>\n</pre>\n<p>x</p>',
              "open tag": '<h1>К</h1><a href="https://x.org"', "open tag at start": 'href="https://x.org">\n<p>x</p>',
              "head": '<head><meta charset="utf-8"><h1>Л</h1>', "empty": '', "blank": ' \n\n ',
              "comment-like": '<h1>М</h1><!-- a -->\n<p>//</p>'}
    apart = 0
    for page_name, template in pages.items():
        with_stand_in = template.replace("{S}", stand_in)
        for body_name, body in bodies.items():
            calls.clear()
            expected = finish(with_stand_in.replace(stand_in, body))
            calls.clear()
            assert finish_with_body(with_stand_in, stand_in, body, finish) == expected, (page_name, body_name)
            apart += len(calls) == 1 and calls[0] < len(with_stand_in) + len(body) // 2 + 40
    assert apart >= 10  # the page done without the body, where it may be
    big = "<h1>Службы</h1>\n" + "<li><a href=\"s/\">Служба</a> · часы</li>\n" * 20_000
    calls.clear()
    assert finish_with_body(page.replace("{S}", stand_in), stand_in, big, finish) == finish(page.replace("{S}", big))
    assert calls[0] < 2_000  # the body was not in what `finish` did


def test_background_writer_reports_the_jobs_error_when_the_child_ended_before_release(tmp_path):
    """A job that fails at once ends the forked writer before the parent releases it (the parent's
    write to the ended child's pipe: EPIPE): join still raises what the job raised, not a broken pipe
    (this raced under load: the test above failed now and then with BrokenPipeError)."""
    import errno
    import time

    from helpsite.publish.atomic import BackgroundWrite

    def job():
        raise OSError(errno.ENOSPC, "No space left on device", "api/b.json")
        yield "api/a.json", b"{}"  # never reached: the yield makes it a generator, as the open data job is

    writer = BackgroundWrite(tmp_path, job)
    if writer.pid is not None:  # forked: wait until the child has ended (its report stays in the pipe)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            state = Path(f"/proc/{writer.pid}/stat")
            if not state.exists() or state.read_text().split(") ")[-1].startswith("Z"):
                break
            time.sleep(0.01)
    with pytest.raises(OSError) as raised:
        writer.join()
    assert raised.value.errno == errno.ENOSPC and raised.value.filename == "api/b.json"
