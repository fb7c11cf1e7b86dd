from __future__ import annotations

import datetime as dt
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_DATA = ROOT / "tests" / "fixtures" / "data"
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=5)))

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


def pytest_configure(config):
    """Tests write only to temporary folders: the print cache (and every build the tests start,
    which inherit the environment) goes to a folder of this run, never the user's ~/.cache."""
    if "HELPSITE_PRINT_CACHE" not in os.environ or os.environ.get("HELPSITE_TEST_CACHE_SET"):
        import tempfile
        os.environ["HELPSITE_PRINT_CACHE"] = tempfile.mkdtemp(prefix="helpsite-test-print-cache-")
        os.environ["HELPSITE_TEST_CACHE_SET"] = "1"


def in_ci() -> bool:
    return bool(os.environ.get("CI"))


def prerequisite_missing(reason: str):
    """A test prerequisite is missing: skip with the reason locally, fail loudly in CI (CI installs
    everything the tests need, so a skip there would hide a test that never ran)."""
    if in_ci():
        pytest.fail(f"{reason} — CI must provide it (.ci/run)", pytrace=False)
    pytest.skip(reason)


PROJECT_FILES = ("mkdocs.yml", "docs", "overrides", "hooks")


def copy_project(target: Path, data: Path | None = None) -> Path:
    """A copy of the site project (config, pages, theme overrides, hooks) with `data` (default: ours)."""
    target.mkdir(parents=True)
    for name in PROJECT_FILES:
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, target / name)
    shutil.copytree(data or ROOT / "data", target / "data")
    return target


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A writable copy of the whole site project, to build and break."""
    return copy_project(tmp_path / "project")


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the test data set."""
    target = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, target)
    return target


def mkdocs_build(project: Path, site: Path, strict: bool = True) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "mkdocs", "build", "-f", str(project / "mkdocs.yml"), "-d", str(site)]
    if strict:
        cmd.append("--strict")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    # MkDocs prints log records on stderr and its final «Aborted …» message on stdout: merge them
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=project)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("build") / "site"
    result = mkdocs_build(ROOT, site)
    assert result.returncode == 0, result.stdout
    assert "WARNING" not in result.stdout, result.stdout
    return site


# ---------------------------------------------------------------- browser (headless Debian chromium)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 # host resolution closed: any request to another host fails (and is recorded by `visit`)
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"]
EXIT_PAGE = "<title>Погода</title><p>нейтральная страница</p>"


def require_chromium() -> pytest.MarkDecorator:
    """Browser tests need Debian's chromium: skipped locally without it, an error in CI."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            raise RuntimeError("chromium is missing: CI must install it (apt-get install -y chromium), see README")
        return pytest.mark.skip(reason="Debian chromium is not installed (apt-get install -y chromium)")
    return pytest.mark.browser


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output readable
        pass


@pytest.fixture(scope="session")
def site_url(built_site: Path):
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="session")
def exit_url() -> str:
    from helpsite.data.load import load
    return load(ROOT / "data").campaign.quick_exit_url


@dataclass
class Visit:
    page: object
    base: str
    outside: list = field(default_factory=list)
    console_errors: list = field(default_factory=list)

    def __call__(self, path: str):
        self.page.goto(self.base + path)
        return self.page


@pytest.fixture
def visit(page, site_url, exit_url):
    """Open a path of the site. Any request to another host, or a console error, fails the test."""
    visit = Visit(page, site_url)

    def on_request(request):
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in ("127.0.0.1", "localhost") \
                and not request.url.startswith(exit_url):
            visit.outside.append(request.url)

    def on_console(message):
        # the neutral site the quick exit leads to is not ours: what it fails to load (its favicon, on a
        # closed network) is not an error of this site
        where = (message.location or {}).get("url", "")
        on_exit_site = where.startswith(exit_url) or page.url.startswith(exit_url)
        if message.type == "error" and not (message.text.startswith("Failed to load resource") and on_exit_site):
            visit.console_errors.append(f"{message.text} ({where})" if where else message.text)

    page.on("request", on_request)
    page.on("console", on_console)
    page.on("pageerror", lambda e: visit.console_errors.append(str(e)))
    # the quick-exit target is another site: answer it here (the network is closed anyway)
    page.route(exit_url + "**", lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8",
                                                            body=EXIT_PAGE))
    yield visit
    assert not visit.outside, f"requests to other hosts: {visit.outside}"
    assert not visit.console_errors, f"console errors: {visit.console_errors}"


# ---------------------------------------------------------------- Node tools used by tests (npm registry)

def npm_tools(folder: Path) -> Path | None:
    """`folder/node_modules`, installed from its package-lock.json on first use (`npm ci`); None
    without npm or when the registry cannot be reached. Call it from a fixture or a test, never at
    import time: collection must not need the network."""
    modules = folder / "node_modules"
    if modules.is_dir():
        return modules
    if shutil.which("npm") is None:
        return None
    try:
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=folder, check=True, timeout=600)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
        shutil.rmtree(modules, ignore_errors=True)
        return None
    return modules


def search_for(page, query: str, result_href: str):
    """Open Material's search as a person does (click, wait for the field, type) and wait for a
    result linking to `result_href`; returns that result's link."""
    page.locator("label.md-search__icon[for=__search], .md-search__input").first.click()
    field = page.locator("input.md-search__input")
    field.wait_for(state="visible")
    # Playwright's press_sequentially fires no keyup for Cyrillic; the search listens to `input`
    field.fill(query)
    field.dispatch_event("input")
    result = page.locator(f".md-search-result__item a[href*='{result_href}']").first
    result.wait_for(state="visible", timeout=15000)
    return result
