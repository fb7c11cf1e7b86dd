"""Safety, privacy and accessibility of the built site, checked with real tools:
headless Chromium (every page, network closed), axe-core, the Nu HTML checker, Lighthouse."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import CHROMIUM, ROOT, prerequisite_missing, npm_tools, require_chromium, search_for

PAGE_TYPES = {
    "home": "", "helplines": "helplines/", "directory": "services/", "service": "services/sluzhba-sos/",
    "algorithm": "algorithms/parent/", "events": "events/", "event": "events/kruglyy-stol-vmeste-zashchitim/",
    "plan": "plan/", "hand-written": "children/", "safety": "safety/", "programmes": "programmes/", "results": "results/",
}


@pytest.fixture(scope="session")
def a11y_tools() -> Path:
    """Lighthouse and the Nu checker from tests/a11y (npm ci on first use, not at collection)."""
    modules = npm_tools(ROOT / "tests" / "a11y")
    if modules is None:
        prerequisite_missing("npm or the npm registry is unavailable: Lighthouse and the Nu checker come from tests/a11y/package.json")
    return modules


@pytest.fixture(scope="session")
def vnu_jar(a11y_tools: Path) -> Path:
    jar = a11y_tools / "vnu-jar" / "build" / "dist" / "vnu.jar"
    if not jar.exists():
        prerequisite_missing(f"{jar} is missing after npm ci")
    if shutil.which("java") is None:
        prerequisite_missing("java is not installed (the Nu HTML checker needs Java 17+)")
    return jar


@pytest.fixture(scope="session")
def lighthouse(a11y_tools: Path) -> Path:
    cli = a11y_tools / "lighthouse" / "cli" / "index.js"
    if not cli.exists() or shutil.which("node") is None:
        prerequisite_missing(f"{cli} or node is missing")
    return cli


# ---------------------------------------------------------------- static checks (no browser)

def test_every_page_has_a_strict_content_security_policy(built_site: Path):
    for page in built_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
        assert csp, f"{page}: no CSP"
        policy = csp.group(1)
        assert "default-src 'self'" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
        assert html.index("Content-Security-Policy") < html.index("<script"), f"{page}: CSP after a script"
        assert '<meta name="referrer" content="no-referrer">' in html


def test_links_to_other_sites_do_not_leak_the_referrer(built_site: Path):
    bad = []
    for page in built_site.rglob("*.html"):
        for tag in re.findall(r"<a\s[^>]*href=\"(?:https?:)?//[^\"]*\"[^>]*>", page.read_text(encoding="utf-8")):
            rel = re.search(r'rel="([^"]*)"', tag)
            if not rel or not {"noopener", "noreferrer"} <= set(rel.group(1).split()):
                bad.append(f"{page.relative_to(built_site)}: {tag}")
    assert not bad, "\n".join(bad[:10])


# ---------------------------------------------------------------- browser

browser = require_chromium()


@browser
def test_every_page_loads_nothing_from_other_hosts_and_sets_no_cookies(visit, built_site: Path):
    pages = sorted(str(p.parent.relative_to(built_site)) for p in built_site.rglob("index.html"))
    for path in pages:
        page = visit("" if path == "." else path + "/")
        page.wait_for_load_state("networkidle")
    assert visit.page.context.cookies() == []
    assert len(pages) >= 30


@browser
@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_no_axe_violations(visit, name):
    from axe_playwright_python.sync_playwright import Axe
    page = visit(PAGE_TYPES[name])
    results = Axe().run(page)
    violations = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]
    assert violations == []


@browser
def test_no_axe_violations_with_search_open(visit):
    from axe_playwright_python.sync_playwright import Axe
    page = visit("")
    search_for(page, "телефон доверия", "helplines/")
    assert Axe().run(page).response["violations"] == []


@browser
def test_quick_exit_hides_the_page_at_once(visit):
    page = visit("helplines/")
    # the click handler hides the page before it asks the browser to navigate
    hidden = page.evaluate("""() => { document.getElementById('hs-exit').click();
        return getComputedStyle(document.body).visibility; }""")
    assert hidden == "hidden"


@browser
def test_quick_exit_is_reached_from_the_keyboard_with_visible_focus(visit, exit_url):
    page = visit("")
    for _ in range(3):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "hs-exit":
            break
    assert page.evaluate("document.activeElement.id") == "hs-exit", "quick exit is not among the first three Tab stops"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")
    page.keyboard.press("Enter")
    page.wait_for_url(exit_url + "**")


@browser
@pytest.mark.parametrize("name", ["home", "directory", "service", "algorithm", "event", "plan"])
def test_200_percent_zoom_needs_no_horizontal_scrolling(visit, name):
    page = visit(PAGE_TYPES[name])
    page.set_viewport_size({"width": 640, "height": 450})  # a 1280 px window at 200 %
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@browser
def test_visually_impaired_mode_is_remembered_across_pages(visit, tmp_path):
    page = visit("")
    base_size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.md-typeset')).fontSize)")
    toggle = page.locator(".hs-a11y-toggle")
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    page.check('input[name="hs-font"][value="200"]')
    page.check('input[name="hs-scheme"][value="wb"]')
    page.check('input[name="hs-images"][value="off"]')
    page.check('input[name="hs-spacing"][value="wide"]')
    visit("services/sluzhba-sos/")
    root = page.evaluate("""() => { const d = document.documentElement;
        return [d.dataset.hsFont, d.dataset.hsScheme, d.dataset.hsImages, d.dataset.hsSpacing,
                parseFloat(getComputedStyle(document.querySelector('.md-typeset')).fontSize),
                getComputedStyle(document.body).backgroundColor,
                getComputedStyle(document.querySelector('.md-content h1')).color]; }""")
    assert root[:4] == ["200", "wb", "off", "wide"]
    assert root[4] >= 1.9 * base_size
    assert root[5] == "rgb(0, 0, 0)" and root[6] == "rgb(255, 255, 255)"
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(tmp_path / "visually-impaired.png"))
    # back to normal, also remembered
    page.locator(".hs-a11y-toggle").click()
    page.locator(".hs-a11y-reset").click()
    visit("")
    assert page.evaluate("document.documentElement.getAttribute('data-hs-scheme')") is None
    assert page.context.cookies() == []


# ---------------------------------------------------------------- Nu HTML checker

# Material's own markup, filtered by exact message and the exact element it is about.
KNOWN_MATERIAL_ERRORS = [
    ("Attribute “autocomplete” is only allowed when the input type is “color”, “date”, “datetime-local”, “email”, "
     "“hidden”, “month”, “number”, “password”, “range”, “search”, “tel”, “text”, “time”, “url”, or “week”.",
     re.compile(r'<input class="md-toggle" data-md-toggle="(drawer|search)" type="checkbox" id="__(drawer|search)" autocomplete="off">')),
    ("The value of the “for” attribute of the “label” element must be the ID of a non-hidden form control.",
     re.compile(r'<label class="md-nav__title" for="__toc">')),
]


def _unknown_errors(messages: list[dict]) -> list[str]:
    """The checker's errors that are not one of Material's known ones (exact message and element)."""
    errors = [m for m in messages if m["type"] == "error" or m.get("subType") == "fatal"]
    return [f'{m["url"].split("/site/")[-1]}:{m.get("lastLine")}: {m["message"]} {m.get("extract", "")!r}'
            for m in errors
            if not any(m["message"] == text and pattern.search(m.get("extract", "")) for text, pattern in KNOWN_MATERIAL_ERRORS)]


def test_known_error_filter_is_exact():
    """The filter lets only Material's two known errors through: the same message on another
    element, or another message on the same element, is still reported."""
    toggle = '<input class="md-toggle" data-md-toggle="search" type="checkbox" id="__search" autocomplete="off">'
    known, label_msg = KNOWN_MATERIAL_ERRORS[0][0], KNOWN_MATERIAL_ERRORS[1][0]
    def message(text: str, extract: str) -> dict:
        return {"type": "error", "url": "file:/x/site/a.html", "message": text, "extract": extract}
    assert _unknown_errors([message(known, toggle)]) == []
    assert len(_unknown_errors([message(known, '<input type="checkbox" id="mine" autocomplete="off">')])) == 1
    assert len(_unknown_errors([message(label_msg, toggle)])) == 1
    assert len(_unknown_errors([message("Stray end tag “div”.", "</div>")])) == 1


def test_html_is_valid(built_site: Path, vnu_jar: Path, tmp_path: Path):
    # a page with a known error is checked in the same run: proves the checker read and reported files
    canary = tmp_path / "canary.html"
    canary.write_text("<!DOCTYPE html><html lang=ru><title>x</title><p></div>", encoding="utf-8")
    result = subprocess.run(["java", "-jar", str(vnu_jar), "--skip-non-html", "--format", "json", str(built_site), str(canary)],
                            capture_output=True, text=True, timeout=300)
    messages = json.loads(result.stderr)["messages"]
    unknown = _unknown_errors(messages)
    assert any("canary.html" in line for line in unknown), "the checker did not report the canary page: it read nothing"
    unknown = [line for line in unknown if "canary.html" not in line]
    assert not unknown, "\n".join(unknown[:20])


# ---------------------------------------------------------------- Lighthouse

@browser
@pytest.mark.parametrize("name", ["home", "service", "event"])
def test_lighthouse_scores(site_url, name, tmp_path, record_property, lighthouse: Path):
    report = tmp_path / "lighthouse.json"
    flags = " ".join(a for a in (
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"))
    subprocess.run(["node", str(lighthouse), site_url + PAGE_TYPES[name], "--output=json", f"--output-path={report}",
                    "--quiet", "--only-categories=accessibility,best-practices,seo,performance",
                    f"--chrome-flags={flags}"],
                   check=True, timeout=180, env=dict(os.environ, CHROME_PATH=CHROMIUM))
    data = json.loads(report.read_text(encoding="utf-8"))
    scores = {key: category["score"] for key, category in data["categories"].items()}
    record_property("lighthouse", scores)
    print(f"lighthouse {name}: {scores}")
    failing = [f"{key}: {ref['id']} ({data['audits'][ref['id']]['title']})"
               for key, category in data["categories"].items() if key != "performance"
               for ref in category["auditRefs"]
               if ref["weight"] > 0 and (data["audits"][ref["id"]]["score"] or 0) < 1
               and data["audits"][ref["id"]]["scoreDisplayMode"] == "binary"]
    assert scores["accessibility"] == 1 and scores["best-practices"] == 1 and scores["seo"] == 1, failing
