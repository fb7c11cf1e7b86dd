#!/usr/bin/env python3
"""How the site search does at scale: bytes fetched for one query and time to the first result.

For each size N a synthetic campaign with N services is generated (helpsite/data/synthetic.py, as in
scripts/bench.py) and built; then headless Chromium opens a page with an empty cache, opens the
search, types each query and waits for the first result. Printed per query: the files fetched
under search/ (raw and gzip bytes, as a server with gzip would send them) and the time, on this
machine and with a cheap phone emulated (CPU 4× slower, 1.6 Mbit/s, 150 ms round trip), from
the input event to the results on screen, the search having been opened a moment before.

    python scripts/search_bench.py --sizes 1000 10000
    python scripts/search_bench.py --site path/to/built/site      # an already built site
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

QUERIES = ["меня бьют", "травля", "тлефон доверия", "семейная медиация", "ыъьщзщ"]
SLOW = {"cpu": 4, "download": 1_600_000 / 8, "upload": 750_000 / 8, "latency": 150}


def build(n: int, work: Path) -> tuple[Path, float, float]:
    work.mkdir(parents=True, exist_ok=True)
    from bench import prepare_ours  # scripts/bench.py: the same synthetic project

    project = prepare_ours(work, n)
    site = work / f"site-{n}"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", HELPSITE_PRINT_CACHE=str(work / ".print-cache"))
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(site)], cwd=project, env=env, check=True)
    seconds = time.perf_counter() - start
    return site, seconds, index_seconds(project)


def index_seconds(project: Path) -> float:
    """The index step alone (records and keywords; the few hand-written pages left out)."""
    from helpsite.outputs import searchindex as si
    from helpsite.publish.build import build_content

    content = build_content(project / "data", docs_dir=project / "docs", defer_records=True)
    start = time.perf_counter()
    si.build_index(si.documents([], content.search_entries, content.search_keywords),
                   [g.words for g in content.data.synonyms.groups])
    return time.perf_counter() - start


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(site: Path) -> tuple[str, http.server.ThreadingHTTPServer]:
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server


def measure(base: str, query: str, slow: bool, warm: bool = True) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 390, "height": 844})
        page = context.new_page()
        if slow:
            cdp = context.new_cdp_session(page)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": SLOW["cpu"]})
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": SLOW["latency"],
                                                          "downloadThroughput": SLOW["download"],
                                                          "uploadThroughput": SLOW["upload"]})
        files: list[tuple[str, int, int]] = []

        def on_response(response):
            if "/search/" in response.url:
                body = response.body()
                files.append((response.url.split("/search/")[1], len(body), len(gzip.compress(body, 6))))

        page.on("response", on_response)
        page.goto(base + "helplines/", timeout=120000)
        page.wait_for_load_state("networkidle", timeout=120000)
        page.locator("label.md-header__button[for=__search]").click()
        page.locator("input.md-search__input").wait_for(state="visible")
        if not warm:  # the visitor opens the search and types at once: meta.json is not there yet
            files.clear()
        else:  # the visitor opened the search a moment ago (meta.json fetched on opening)
            page.wait_for_timeout(1500)
        # from the input event to the results on screen (the 80 ms pause after typing included)
        seconds = page.evaluate("""(query) => new Promise(resolve => {
            const box = document.querySelector("[data-hs-search]"), input = box.querySelector("input");
            const start = performance.now();
            const watch = new MutationObserver(() => {
                if (box.getAttribute("data-hs-state") === "ready") { watch.disconnect(); resolve(performance.now() - start); }
            });
            watch.observe(box, {attributes: true, attributeFilter: ["data-hs-state"]});
            input.value = query;
            input.dispatchEvent(new Event("input", {bubbles: true}));
        })""", query) / 1000
        count = page.locator(".md-search-result__meta").inner_text()
        browser.close()
    return {"query": query, "slow_phone": slow, "seconds": round(seconds, 3), "files": len(files),
            "raw_kb": round(sum(f[1] for f in files) / 1000, 1), "gzip_kb": round(sum(f[2] for f in files) / 1000, 1),
            "shown": count}


def report(site: Path, label: str, queries: list[str]) -> None:
    folder = site / "search"
    total = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    count = sum(1 for p in folder.rglob("*") if p.is_file())
    print(f"{label}: index {total / 1e6:.2f} MB in {count} files")
    base, server = serve(site)
    try:
        for slow in (False, True):
            for query in queries:
                print(json.dumps({"site": label, **measure(base, query, slow)}, ensure_ascii=False), flush=True)
    finally:
        server.shutdown()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000])
    parser.add_argument("--site", type=Path, help="measure this built site instead of generating one")
    parser.add_argument("--queries", nargs="*", default=QUERIES)
    parser.add_argument("--keep", type=Path, help="build into this folder and keep it (measure again with --site)")
    args = parser.parse_args()
    if args.site:
        report(args.site, str(args.site), args.queries)
        return 0
    for n in args.sizes:
        with tempfile.TemporaryDirectory(prefix=f"search-bench-{n}-") as tmp:
            site, seconds, index = build(n, args.keep / str(n) if args.keep else Path(tmp))
            print(f"services={n}: build {seconds:.1f} s, of which the search index ≈ {index:.2f} s", flush=True)
            report(site, f"services={n}", args.queries)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
