#!/usr/bin/env python3
"""Benchmark: our site vs a vanilla Material site of the same page count, measured in the same run.

For each size N it generates N synthetic services (and N/10 events) through the same
validation as real data, builds our site, builds a vanilla MkDocs + Material site with the
same number of plain Markdown pages kept out of the nav, and prints wall time, peak memory,
output size and search-index size for both, and the ratio ours/vanilla. Then: the time to
rebuild after one service file changes (what `mkdocs serve` does), page weight in headless
Chromium, and the time to make personalised sticker sheets (if the print package is present).

    python scripts/bench.py                    # 100, 1000, 10000
    python scripts/bench.py --sizes 100 1000   # quicker

Machines here are noisy: compare the ratios, not the seconds. The last line is `ratio_<N>=<x>`
for the largest N.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from helpsite.synthetic import generate, vanilla_pages  # noqa: E402

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

# Builds twice in one process, like `mkdocs serve`, changing one service file in between.
REBUILD_RUNNER = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    config_file, site_dir, service = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    def once():
        config = load_config(config_file=config_file, site_dir=site_dir)
        start = time.perf_counter()
        build(config, serve_url="http://127.0.0.1:8000/")
        return time.perf_counter() - start
    first = once()
    text = service.read_text(encoding="utf-8")
    service.write_text(text.replace("\\nname: ", "\\nname: Изменено ", 1), encoding="utf-8")
    second = once()
    print(json.dumps({"first": first, "rebuild": second}))
""")


def run_build(config: Path, site: Path, runner: str = BUILD_RUNNER, *extra: str) -> dict:
    # the print cache lives in the project under test: the first build is a clean one
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", HELPSITE_PRINT_CACHE=str(config.parent / ".print-cache"))
    result = subprocess.run([sys.executable, "-c", runner, str(config), str(site), *extra],
                            capture_output=True, text=True, env=env, cwd=config.parent)
    if result.returncode != 0:
        raise SystemExit(f"build failed for {config}:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def search_index(site: Path) -> tuple[int, int]:
    candidates = [site / "search" / "search_index.json", *site.glob("search/*.json")]
    for path in candidates:
        if path.exists():
            raw = path.read_bytes()
            return len(raw), len(gzip.compress(raw, 6))
    return 0, 0


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


def fmt_mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def page_weight(site: Path, paths: list[str]) -> dict[str, tuple[int, int]]:
    """Bytes (raw, gzip) of everything headless Chromium fetches on first load of each path."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {}
    import functools
    import http.server
    import threading
    from urllib.parse import unquote, urlsplit

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    out: dict[str, tuple[int, int]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                    args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        for path in paths:
            context = browser.new_context()
            page = context.new_page()
            fetched: list[str] = []
            page.on("requestfinished", lambda r: fetched.append(r.url))
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
        # search: open it, type a query, wait for the first result (index fetched and built in the worker)
        page = browser.new_page()
        page.goto(base, wait_until="networkidle")
        start = time.perf_counter()
        page.locator("label.md-search__icon[for=__search], .md-search__input").first.click()
        page.locator("input.md-search__input").press_sequentially("медиация")
        page.locator(".md-search-result__item").first.wait_for(state="visible", timeout=120000)
        out["search: open + type «медиация» → first result, s"] = (round(time.perf_counter() - start, 2), 0)
        browser.close()
    server.shutdown()
    return out


def sticker_timing(sheets: int) -> float:
    """Seconds to make `sheets` personalised A4 sticker sheets: one per school, each with its own QR tag."""
    from helpsite.load import load
    from helpsite.printing import SheetOptions, load_stocks, render_stickers, sticker_for

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
    parser.add_argument("--sheets", type=int, default=1000, help="sticker sheets to time")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="helpsite-bench-"))
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; work dir {work}")
    ratios: dict[int, float] = {}
    try:
        for n in args.sizes:
            ours = prepare_ours(work, n)
            vanilla = prepare_vanilla(work, ours, n)
            pages = n + n // 10
            results = {}
            for name, project in (("vanilla", vanilla), ("ours", ours)):
                site = project / "site"
                stats = run_build(project / "mkdocs.yml", site)
                raw, gz = search_index(site)
                results[name] = (stats, dir_size(site), raw, gz)
            warm = run_build(ours / "mkdocs.yml", ours / "site")  # print cache filled, as on an editor's machine
            (vs, vsize, vraw, vgz), (os_, osize, oraw, ogz) = results["vanilla"], results["ours"]
            ratio = os_["seconds"] / vs["seconds"]
            ratios[n] = ratio
            print(f"N={n:>6} services ({pages} record pages) | ours {os_['seconds']:7.2f} s {os_['peak_mib']:6.0f} MiB "
                  f"site {fmt_mb(osize)} index {fmt_mb(oraw)} ({ogz / 1e3:.0f} KB gz, {ogz / max(n, 1):.0f} B gz/service) | "
                  f"vanilla {vs['seconds']:7.2f} s {vs['peak_mib']:6.0f} MiB site {fmt_mb(vsize)} index {fmt_mb(vraw)} "
                  f"({vgz / 1e3:.0f} KB gz) | ratio {ratio:.2f} (clean build; with print cache filled "
                  f"{warm['seconds']:.2f} s, ratio {warm['seconds'] / vs['seconds']:.2f})")
            if n in (1000, args.sizes[-1]):
                service = sorted((ours / "data" / "services").glob("*.yml"))[len(list((ours / "data" / "services").glob("*.yml"))) // 2]
                rebuild = run_build(ours / "mkdocs.yml", ours / "site-serve", REBUILD_RUNNER, str(service))
                print(f"N={n:>6} serve: first build {rebuild['first']:.2f} s, rebuild after one service changed "
                      f"{rebuild['rebuild']:.2f} s")
                weights = page_weight(ours / "site", ["", "services/" + service.stem + "/"])
                for path, (raw, gz) in weights.items():
                    if path.startswith("search"):
                        print(f"N={n:>6} {path}: {raw}")
                    else:
                        print(f"N={n:>6} page weight /{path}: {raw / 1e3:.0f} KB raw, {gz / 1e3:.0f} KB gzip "
                              "(first load, all requests)")
            if not args.keep:
                shutil.rmtree(ours, ignore_errors=True)
                shutil.rmtree(vanilla, ignore_errors=True)
        seconds = sticker_timing(args.sheets)
        print(f"sticker sheets: {args.sheets} personalised A4 sheets (Avery L7160, one school tag each) in {seconds:.1f} s")
        last = args.sizes[-1]
        print(f"ratio_{last}={ratios[last]:.2f}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
