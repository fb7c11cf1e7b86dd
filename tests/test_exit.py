"""Issue 11: a child in danger, on a phone. The quick exit that never fails, no traces on the device,
the children's page, the directory filter, invented numbers that cannot be dialled, front matter.

Everything is proven in Debian's headless chromium (Playwright, `executable_path`) on the built site,
at 360×640 and 390×844 (phones) and 1280×800, as a reader meets it: keys, taps, Back, reload.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from helpsite.data import model as m
from helpsite.data.frontmatter import front_matter_errors
from helpsite.data.load import load

from .conftest import (
    EXIT_PAGE,
    ROOT,
    copy_project,
    mkdocs_build,
    require_chromium,
    search_for,
)

DATA = load(ROOT / "data")
EXIT_URL = DATA.campaign.quick_exit_url
PHONES = [(360, 640), (390, 844)]
DESKTOP = (1280, 800)

PAGE_TYPES = {
    "home": "", "helplines": "helplines/", "directory": "services/", "service": "services/sluzhba-sos/",
    "algorithm": "algorithms/parent/", "child-algorithm": "algorithms/child/", "events": "events/",
    "event": "events/kruglyy-stol-vmeste-zashchitim/", "news": "news/", "plan": "plan/", "results": "results/",
    "print": "print/", "open-data": "open-data/", "children": "children/", "safety": "safety/",
    "safety-children": "safety-children/", "about": "about/",
}
SCHEMES = ["bw", "wb", "blue", "brown", "green"]

DUMP_STORAGE = """async () => {
  const read = (s) => { const o = {}; for (let i = 0; i < s.length; i++) { const k = s.key(i); o[k] = s.getItem(k); } return o; };
  return { localStorage: read(localStorage), sessionStorage: read(sessionStorage), cookie: document.cookie,
           caches: self.caches ? await caches.keys() : [],
           indexedDB: indexedDB.databases ? (await indexedDB.databases()).map(d => d.name) : [] };
}"""

# what a reader can act on or read as a landmark; the exit bar itself is left out
TARGETS = """(() => {
  const bar = document.getElementById('hs-exit-bar');
  const sel = 'a[href], button, h1, h2, h3, h4, h5, h6, .hs-phone, input:not([type=hidden]), select, summary, label';
  return [...document.querySelectorAll(sel)].filter(el => !bar.contains(el) && el.checkVisibility({visibilityProperty: true, opacityProperty: true})
    && !el.closest('.md-sidebar--primary, .md-search__inner, .md-overlay'))
    .map(el => { const r = el.getBoundingClientRect(); return {tag: el.tagName, text: (el.innerText || el.value || '').trim().slice(0, 40),
      top: r.top, bottom: r.bottom, left: r.left, right: r.right}; })
    .filter(r => r.right > 0 && r.left < innerWidth && r.bottom > r.top && r.right > r.left);
})()"""

BAR = "(() => { const r = document.getElementById('hs-exit-bar').getBoundingClientRect(); return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: r.width}; })()"

browser = require_chromium()


def settle_scroll(page) -> None:
    """Wait until the page stops scrolling (focus and anchors may scroll smoothly; a loaded machine is slow)."""
    page.evaluate("""() => new Promise(done => { let last = null, still = 0, frames = 0;
        const where = () => { const el = document.activeElement; const r = el ? el.getBoundingClientRect() : null;
            return [scrollY, document.scrollingElement ? document.scrollingElement.scrollTop : 0, r ? r.top : 0].join(); };
        const tick = () => { const now = where(); still = (now === last) ? still + 1 : 0; last = now; frames += 1;
            if (still >= 5 || frames > 180) done(); else requestAnimationFrame(tick); };
        requestAnimationFrame(tick); })""")


def shift(page, times: int = 1):
    for _ in range(times):
        page.keyboard.press("Shift")


def exited(page) -> bool:
    return page.url.startswith(EXIT_URL)


def dump(page) -> dict:
    data = page.evaluate(DUMP_STORAGE)
    data["cookies"] = page.context.cookies()
    return data


EMPTY = {"localStorage": {}, "sessionStorage": {}, "cookie": "", "caches": [], "indexedDB": [], "cookies": []}


# ================================================================ quick exit: Shift ×3

def _after_tab(page):
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")


def _after_typing_in_search(page):
    search_for(page, "телефон доверия", "helplines/")
    assert page.evaluate("document.activeElement.classList.contains('md-search__input')")


def _after_copy(page):
    page.keyboard.press("Control+a")
    page.keyboard.press("Control+c")


def _after_page_down(page):
    page.keyboard.press("PageDown")
    page.keyboard.press("End")


def _after_shift_as_modifier(page):
    page.keyboard.press("Shift+Tab")  # Shift held for another key: not a press of its own


PRELUDES = {"nothing": lambda page: None, "tab": _after_tab, "typing in search": _after_typing_in_search,
            "ctrl+c": _after_copy, "pagedown": _after_page_down, "shift as modifier": _after_shift_as_modifier}


@browser
@pytest.mark.parametrize("prelude", list(PRELUDES))
def test_three_shifts_exit_whatever_was_pressed_before(visit, prelude):
    page = visit("")
    PRELUDES[prelude](page)
    assert not exited(page)
    shift(page, 2)
    assert not exited(page)
    assert page.locator("#hs-exit-status").inner_text() == "Shift: ещё 1 раз — и сайт закроется"
    shift(page)
    page.wait_for_url(EXIT_URL + "**")
    assert page.title() == "Погода"


@browser
def test_other_keys_between_shifts_do_not_break_the_count_and_a_modifier_shift_restarts_it(visit):
    page = visit("services/")
    shift(page)
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")
    shift(page)
    assert page.locator("#hs-exit-status").inner_text() == "Shift: ещё 1 раз — и сайт закроется"
    page.keyboard.press("Shift+A")  # Shift as a modifier: the count starts again
    shift(page, 2)
    page.wait_for_timeout(100)
    assert not exited(page)
    shift(page)
    page.wait_for_url(EXIT_URL + "**")


@browser
@pytest.mark.parametrize("combo", ["Alt+Shift", "Control+Shift"])
def test_switching_the_keyboard_layout_is_not_a_quick_exit(visit, combo):
    """Russian readers switch between Cyrillic and Latin with Alt+Shift or Ctrl+Shift, often twice in a row."""
    page = visit("")
    for _ in range(4):
        page.keyboard.press(combo)
    page.wait_for_timeout(200)
    assert not exited(page) and page.locator(".hs-exit__dot--on").count() == 0
    shift(page, 3)
    page.wait_for_url(EXIT_URL + "**")


@browser
def test_the_three_step_indicator_and_the_five_second_window(visit):
    page = visit.page
    page.clock.install()
    visit("")
    bar = page.locator("#hs-exit-bar")
    dots = page.locator(".hs-exit__dots")
    assert not dots.is_visible()
    shift(page)
    assert dots.is_visible() and page.locator(".hs-exit__dot--on").count() == 1
    assert page.locator("#hs-exit-status").get_attribute("role") == "status"
    assert page.locator("#hs-exit-status").inner_text() == "Shift: ещё 2 раза — и сайт закроется"
    page.clock.run_for(4000)  # the window restarts with each press
    shift(page)
    assert page.locator(".hs-exit__dot--on").count() == 2 and bar.get_attribute("data-presses") == "2"
    page.clock.run_for(5100)
    assert page.locator(".hs-exit__dot--on").count() == 0 and not dots.is_visible()
    assert "сброшен" in page.locator("#hs-exit-status").inner_text()
    shift(page)
    assert not exited(page)
    shift(page, 2)
    page.wait_for_url(EXIT_URL + "**")


@browser
def test_exit_covers_the_page_at_once_and_forgets_what_the_site_stored(visit):
    page = visit("helplines/")
    page.evaluate("sessionStorage.setItem('hs-a11y', '{\"scheme\":\"wb\"}'); localStorage.setItem('hs-a11y', '{}')")
    # in the same moment as the click (the click handler has run, the next site has not come yet)
    state = page.evaluate("""() => { document.getElementById('hs-exit').click();
        const overlay = document.querySelector('.hs-exit-overlay'); const r = overlay.getBoundingClientRect();
        return {body: getComputedStyle(document.body).visibility, overlay: getComputedStyle(overlay).display,
                covers: r.left <= 0 && r.top <= 0 && r.right >= innerWidth && r.bottom >= innerHeight,
                onTop: document.elementFromPoint(innerWidth / 2, innerHeight / 2) === overlay,
                title: document.title, local: localStorage.length, session: sessionStorage.length}; }""")
    assert state == {"body": "hidden", "overlay": "block", "covers": True, "onTop": True, "title": "",
                     "local": 0, "session": 0}
    page.wait_for_url(EXIT_URL + "**")


@browser
@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_the_first_tab_stop_is_the_exit(visit, name):
    page = visit(PAGE_TYPES[name])
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "hs-exit"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    page.wait_for_url(EXIT_URL + "**")


@browser
def test_without_javascript_the_exit_is_a_plain_link_at_the_top(browser, site_url):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 640})
    page = context.new_page()
    page.route(EXIT_URL + "**", lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=EXIT_PAGE))
    page.goto(site_url + "children/")
    link = page.locator("#hs-exit")
    assert link.get_attribute("href") == EXIT_URL
    box = link.bounding_box()
    assert box["y"] < 120 and box["height"] >= 44 and link.is_visible()
    # the first links of the page: Material's «skip to content» (hidden until focused), then the exit
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "hs-exit"
    link.click()
    page.wait_for_url(EXIT_URL + "**")
    context.close()


# ================================================================ before any stylesheet (a slow network)

FIRST_PAINT_PAGES = {"home": "", "service": "services/sluzhba-sos/", "child-algorithm": "algorithms/child/"}
EXIT_ACTIONS = {"button": lambda page: page.locator("#hs-exit").click(), "shift x3": lambda page: shift(page, 3)}

BEFORE_CSS = """(() => { const bar = document.getElementById('hs-exit-bar').getBoundingClientRect();
  const button = document.getElementById('hs-exit'); const b = button.getBoundingClientRect();
  return {bar: [bar.top, bar.left], button: [Math.round(b.height), getComputedStyle(button).backgroundColor],
          linked: [...document.styleSheets].filter(s => { try { return s.href && s.cssRules.length; } catch (e) { return false; } }).length,
          header: !!document.querySelector('.md-header') && document.querySelector('.md-header').getBoundingClientRect().height > 0}; })()"""


def _forget_failed_stylesheets(visit) -> None:
    """The test itself makes the stylesheets fail: those console lines are not errors of the site."""
    visit.console_errors[:] = [e for e in visit.console_errors
                               if not (e.startswith("Failed to load resource") and ".css" in e)]


@browser
@pytest.mark.parametrize("action", list(EXIT_ACTIONS))
@pytest.mark.parametrize("name", list(FIRST_PAINT_PAGES))
def test_the_exit_works_when_no_stylesheet_loads(visit, name, action):
    """Every stylesheet fails (a network that drops them): the bar is still a red band at the top, and both ways out
    leave the site."""
    page = visit.page
    page.set_viewport_size({"width": 390, "height": 844})
    page.route("**/*.css", lambda route: route.abort())
    visit(FIRST_PAINT_PAGES[name])
    _forget_failed_stylesheets(visit)
    state = page.evaluate(BEFORE_CSS)
    assert state["linked"] == 0, "a stylesheet loaded although every one was blocked"
    assert state["bar"] == [0, 0] and state["button"] == [44, "rgb(179, 38, 30)"], state
    EXIT_ACTIONS[action](page)
    page.wait_for_url(EXIT_URL + "**")
    assert page.title() == "Погода"
    _forget_failed_stylesheets(visit)


@browser
@pytest.mark.parametrize("action", list(EXIT_ACTIONS))
@pytest.mark.parametrize("name", list(FIRST_PAINT_PAGES))
def test_the_exit_shows_and_works_while_the_stylesheets_are_still_loading(visit, name, action):
    """A slow network: the stylesheets have not arrived (held here until the end of the test). The exit bar is on
    screen, styled, at the top — the rest of the page waits for the stylesheets, nothing unstyled shows — and both
    the button and Shift ×3 leave the site."""
    page = visit.page
    page.set_viewport_size({"width": 390, "height": 844})
    held = []
    page.route("**/*.css", lambda route: held.append(route))  # never answered
    page.goto(visit.base + FIRST_PAINT_PAGES[name], wait_until="commit")
    page.locator("#hs-exit").wait_for(state="visible")
    for _ in range(100):  # the route handler runs when the test waits
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "no stylesheet was requested"
    state = page.evaluate(BEFORE_CSS)
    _forget_failed_stylesheets(visit)
    assert state["linked"] == 0, "a stylesheet loaded although every one was held"
    assert not state["header"], "the page below the bar was painted without its stylesheets"
    assert state["bar"] == [0, 0] and state["button"] == [44, "rgb(179, 38, 30)"], state
    EXIT_ACTIONS[action](page)
    page.wait_for_url(EXIT_URL + "**")
    assert page.title() == "Погода"
    _forget_failed_stylesheets(visit)


HELPLINE_BOX = """(() => { const bar = document.querySelector('.hs-helpline-bar'); const r = bar.getBoundingClientRect();
  const phones = [...bar.querySelectorAll('a.hs-phone')].map(a => { const b = a.getBoundingClientRect(), s = getComputedStyle(a);
    return [a.textContent, Math.round(b.top), Math.round(b.left), Math.round(b.height), s.fontWeight, s.color]; });
  return {bar: [Math.round(r.top), Math.round(r.height), getComputedStyle(bar.closest('.md-banner')).backgroundColor], phones}; })()"""


@browser
@pytest.mark.parametrize("width", [360, 390, 1280])
@pytest.mark.parametrize("name", list(FIRST_PAINT_PAGES))
def test_the_helpline_shows_before_the_stylesheets_and_stays_put_when_they_arrive(visit, name, width):
    """A slow network: with the stylesheets still on their way, the helpline numbers are already on screen, bold, in
    their bar under the exit — and when the stylesheets arrive, nothing of the bar moves or changes."""
    page = visit.page
    page.set_viewport_size({"width": width, "height": 800})
    held = []
    page.route("**/*.css", lambda route: held.append(route))
    page.goto(visit.base + FIRST_PAINT_PAGES[name], wait_until="commit")
    page.locator(".hs-helpline-bar a.hs-phone").first.wait_for(state="visible")
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "no stylesheet was requested"
    assert page.evaluate(BEFORE_CSS)["linked"] == 0
    before = page.evaluate(HELPLINE_BOX)
    assert before["phones"] and all(p[0].startswith(("8-800", "1")) for p in before["phones"]), before
    assert all(0 < p[1] < 200 and p[4] == "700" for p in before["phones"]), before
    for route in held:
        route.continue_()
    page.unroute("**/*.css")
    page.locator(".md-header").wait_for(state="visible")  # the page below the links: the stylesheets are in
    page.wait_for_load_state("load")
    after = page.evaluate(HELPLINE_BOX)
    assert after == before, f"the helpline bar changed when the stylesheets arrived:\n{before}\n{after}"


# ================================================================ Back never returns to the site

@browser
def test_after_several_pages_and_the_exit_back_never_lands_on_the_site(visit, site_url):
    page = visit.page
    page.goto("about:blank")  # the page before the site (a search engine, in life)
    page.set_content("<title>До сайта</title>")
    visit("")
    start = page.evaluate("history.length")
    page.locator(".md-content a[href='services/']").first.click()
    page.wait_for_url(site_url + "services/")
    page.select_option("#hs-filter-district", index=1)  # the filter writes the address: no new entry either
    page.locator(".hs-service:visible a.hs-service__name").first.click()
    page.wait_for_url(re.compile(r".*/services/[a-z-]+/$"))
    search_for(page, "травля", "services/").click()  # a search result
    page.wait_for_url(re.compile(r".*/services/.*"))
    assert "?h=" not in page.url and "травля" not in page.url  # search terms never enter the address
    page.locator("a[href$='algorithms/']:visible").first.click()  # the menu
    page.wait_for_url(site_url + "algorithms/")
    page.locator(".md-content a[href*='child']").first.click()
    page.wait_for_url(site_url + "algorithms/child/")
    page.locator("a.hs-answer[href^='#q-']").first.click()  # an answer jumps within the page
    page.wait_for_url(re.compile(r".*#q-"))
    assert page.evaluate("history.length") == start, "a link of the site added a history entry"
    shift(page, 3)
    page.wait_for_url(EXIT_URL + "**")
    page.go_back()
    page.wait_for_load_state()
    assert not page.url.startswith(site_url), f"Back returned to the site: {page.url}"
    page.go_forward()
    page.wait_for_load_state()
    assert exited(page)


@browser
def test_links_that_open_elsewhere_are_left_to_the_browser(visit, site_url):
    page = visit("services/sluzhba-sos/")
    # a map link (another site) is not intercepted; a download keeps its attribute
    outside = page.evaluate("""() => { const a = document.createElement('a'); a.href = 'https://example.org/'; a.textContent = 'x';
        document.querySelector('.md-content').append(a); let prevented = null;
        document.addEventListener('click', e => { prevented = e.defaultPrevented; e.preventDefault(); }, {once: true});
        a.click(); return prevented; }""")
    assert outside is False


# ================================================================ never covers anything

def _assert_nothing_under_the_bar(page, where: str):
    bar = page.evaluate(BAR)
    width = page.evaluate("innerWidth")
    assert bar["top"] == 0 and bar["left"] == 0 and abs(bar["width"] - width) < 1, f"{where}: the exit bar is not a band at the top: {bar}"
    under = [t for t in page.evaluate(TARGETS) if t["top"] < bar["bottom"] - 0.5 and t["bottom"] > bar["top"] + 0.5]
    return bar, under


def _assert_nothing_covers_what_is_on_screen(page, bar, where: str):
    covered = page.evaluate("""(barBottom) => {
      const bar = document.getElementById('hs-exit-bar');
      const sel = 'a[href], button, h1, h2, h3, h4, h5, h6, .hs-phone, select, summary';
      // the top band: the bar, and Material's header where it stays on screen below it (wide screens)
      const header = document.querySelector('.md-header').getBoundingClientRect();
      const top = getComputedStyle(document.querySelector('.md-header')).position === 'sticky' && Math.abs(header.top - barBottom) < 1
        ? header.bottom : barBottom;
      return [...document.querySelectorAll(sel)].filter(el => !bar.contains(el) && el.checkVisibility({visibilityProperty: true, opacityProperty: true})
          && !el.closest('.md-sidebar--primary, .md-search__inner, .md-overlay, .md-top, .md-header')).map(el => {
        const r = [...el.getClientRects()].sort((a, b) => b.width * b.height - a.width * a.height)[0] || el.getBoundingClientRect();
        if (r.width < 2 || r.height < 2 || r.top < top || r.bottom > innerHeight || r.left < 0 || r.right > innerWidth) return null;
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return hit && (el.contains(hit) || hit.contains(el)) ? null : (el.innerText || el.tagName).trim().slice(0, 40) + ' ← ' + (hit ? hit.className || hit.tagName : 'nothing');
      }).filter(Boolean); }""", bar["bottom"])
    assert not covered, f"{where}: covered: {covered[:5]}"


@browser
@pytest.mark.parametrize("size", PHONES + [DESKTOP], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_exit_never_covers_a_link_button_heading_or_number(visit, size):
    page = visit.page
    page.set_viewport_size({"width": size[0], "height": size[1]})
    for name, path in PAGE_TYPES.items():
        visit(path)
        bar, under = _assert_nothing_under_the_bar(page, name)
        assert not under, f"{name} {size}: under the exit bar at the top: {under[:5]}"
        _assert_nothing_covers_what_is_on_screen(page, bar, f"{name} {size} top")
        height = page.evaluate("document.documentElement.scrollHeight")
        for y in (size[1] // 2, height // 2, height):
            page.evaluate(f"window.scrollTo(0, {y})")
            page.wait_for_timeout(50)
            bar, _ = _assert_nothing_under_the_bar(page, f"{name} scrolled to {y}")
            # the bar stays on screen, opaque, above everything
            assert page.evaluate("""(() => { const b = document.getElementById('hs-exit').getBoundingClientRect();
                return document.getElementById('hs-exit').contains(document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2)); })()""")
            _assert_nothing_covers_what_is_on_screen(page, bar, f"{name} {size} scrolled to {y}")


@browser
@pytest.mark.parametrize("name", ["home", "children", "child-algorithm", "directory", "service", "safety"])
def test_tab_focus_and_anchors_land_below_the_bar_on_a_phone(visit, name):
    page = visit.page
    page.set_viewport_size({"width": 360, "height": 640})
    visit(PAGE_TYPES[name])
    hidden = []
    for _ in range(45):
        page.keyboard.press("Tab")
        settle_scroll(page)
        r = page.evaluate("""(() => { const el = document.activeElement; if (!el || !el.closest('.md-content')) return null;
            const r = el.getBoundingClientRect(); const bar = document.getElementById('hs-exit-bar').getBoundingClientRect();
            return {text: (el.innerText || el.tagName).trim().slice(0, 30), top: r.top, bottom: r.bottom, bar: bar.bottom, h: innerHeight}; })()""")
        if r and (r["top"] < r["bar"] - 0.5 or r["bottom"] > r["h"] + 0.5):
            hidden.append(r)
    assert not hidden, f"focused but hidden under the bar or off screen: {hidden[:3]}"
    # jumping to an anchor (the algorithm's answers, the table of contents) ends below the bar
    anchors = page.evaluate("[...document.querySelectorAll('.md-content a[href^=\"#\"]')].map(a => a.getAttribute('href')).slice(0, 6)")
    for anchor in anchors:
        page.evaluate(f"document.querySelector('.md-content a[href=\"{anchor}\"]').click()")
        page.wait_for_timeout(50)
        settle_scroll(page)
        top, bar = page.evaluate(f"""[document.getElementById(decodeURIComponent('{anchor[1:]}')).getBoundingClientRect().top,
                                      document.getElementById('hs-exit-bar').getBoundingClientRect().bottom]""")
        scrolled_max = page.evaluate("scrollY + innerHeight >= document.documentElement.scrollHeight - 1")
        assert top >= bar - 0.5 or scrolled_max, f"{name}: {anchor} lands under the bar ({top} < {bar})"


@browser
def test_what_the_issue_saw_covered_is_free(visit):
    """The 8-800 link on the home page's box, the child algorithm's first «Да», «не твоя вина»."""
    page = visit.page
    for size in PHONES:
        page.set_viewport_size({"width": size[0], "height": size[1]})
        for path, selector in (("", ".hs-now a[href='tel:+78002000122']"), ("algorithms/child/", "#q-opasnost a.hs-answer"),
                               ("children/", "strong:text('не твоя вина')")):
            visit(path)
            for y in (0, 150, 300):
                page.evaluate(f"window.scrollTo(0, {y})")
                el = page.locator(selector).first
                box = el.bounding_box()
                bar = page.evaluate(BAR)
                if box["y"] >= bar["bottom"] and box["y"] + box["height"] <= size[1]:
                    assert el.evaluate("e => e.contains(document.elementFromPoint(e.getBoundingClientRect().left + 3, e.getBoundingClientRect().top + e.getBoundingClientRect().height / 2))")


@browser
@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_exit_keeps_its_warning_look_in_every_colour_scheme(visit, scheme, tmp_path):
    page = visit.page
    page.set_viewport_size({"width": 390, "height": 844})
    visit("children/")
    page.locator(".hs-a11y-toggle").click()
    page.check(f'input[name="hs-scheme"][value="{scheme}"]')
    look = page.evaluate("""(() => { const b = getComputedStyle(document.getElementById('hs-exit'));
        return {bg: b.backgroundColor, fg: b.color, border: b.borderTopWidth,
                bar: getComputedStyle(document.getElementById('hs-exit-bar')).backgroundColor,
                body: getComputedStyle(document.body).backgroundColor}; })()""")
    assert look["bg"] == "rgb(179, 38, 30)" and look["fg"] == "rgb(255, 255, 255)", look  # red, white text: 6.4:1
    assert float(look["border"].rstrip("px")) >= 3  # outlined in the scheme's own colour
    assert look["bar"] == look["body"], look  # the bar takes the scheme's background
    page.screenshot(path=str(tmp_path / f"children-{scheme}.png"))


# ================================================================ nothing stays on the device

def _safety_page_lists(page, site_url) -> set[tuple[str, str]]:
    """(storage, key) rows of the table in «Что сайт хранит на устройстве» on the safety page."""
    page.goto(site_url + "safety/")
    rows = page.evaluate("""[...document.querySelectorAll('#chto-sayt-hranit ~ .md-typeset__scrollwrap table tbody tr, #chto-sayt-hranit ~ table tbody tr')]
        .map(tr => [...tr.cells].slice(0, 2).map(td => td.innerText.trim()))""")
    text = page.locator("article").inner_text()
    assert "По умолчанию — ничего" in text
    return {(store, key) for store, key in rows}


def _scripted_visit(page, site_url):
    """A reader who changes no setting: pages, the directory filter, search, an algorithm, a child page."""
    page.goto(site_url)
    page.locator(".md-content a[href='services/']").first.click()
    page.wait_for_url(site_url + "services/")
    page.select_option("#hs-filter-district", index=1)
    page.check("#hs-filter-free")
    search_for(page, "телефон доверия", "helplines/").click()
    page.wait_for_url(re.compile(r".*/helplines/.*"))
    page.locator("a[href$='children/']").first.click()
    page.wait_for_url(site_url + "children/")
    page.locator(".hs-a11y-toggle").click()  # opening the panel is not a choice
    page.locator(".hs-a11y-toggle").click()
    page.wait_for_load_state("networkidle")


@browser
def test_storage_after_a_visit_after_a_setting_and_after_the_exit(visit, site_url, capsys):
    page = visit.page
    _scripted_visit(page, site_url)
    after_visit = dump(page)
    assert after_visit == EMPTY, after_visit
    listed = _safety_page_lists(page, site_url)
    assert listed == {("sessionStorage", "hs-a11y"), ("localStorage", "hs-a11y")}, listed

    page.goto(site_url + "children/")
    page.locator(".hs-a11y-toggle").click()
    page.check('input[name="hs-scheme"][value="wb"]')
    after_setting = dump(page)
    assert set(after_setting["sessionStorage"]) == {"hs-a11y"} and after_setting["localStorage"] == {}
    page.check('input[name="hs-remember"]')
    after_remember = dump(page)
    assert json.loads(after_remember["localStorage"]["hs-a11y"]) == {"scheme": "wb"}
    found = {(store, key) for store in ("localStorage", "sessionStorage") for key in after_remember[store]}
    assert found <= listed and after_remember["cookies"] == [] and after_remember["caches"] == [] \
        and after_remember["indexedDB"] == []

    shift(page, 3)
    page.wait_for_url(EXIT_URL + "**")
    page.goto(site_url + "sitemap.xml")  # the same tab back on the site's origin, a page that runs no script
    after_exit = dump(page)
    assert after_exit == EMPTY, after_exit
    page.goto(site_url)
    assert page.evaluate("document.documentElement.getAttribute('data-hs-scheme')") is None  # the next visit looks ordinary
    with capsys.disabled():
        print("\nstorage after a visit:", json.dumps(after_visit, ensure_ascii=False))
        print("storage after choosing «белым по чёрному» + «запомнить»:", json.dumps(after_remember, ensure_ascii=False))
        print("storage after the quick exit:", json.dumps(after_exit, ensure_ascii=False))


@browser
def test_a_setting_holds_for_the_tab_unless_remembered(visit, site_url):
    page = visit("")
    page.locator(".hs-a11y-toggle").click()
    page.check('input[name="hs-font"][value="160"]')
    visit("helplines/")
    assert page.evaluate("document.documentElement.dataset.hsFont") == "160"  # the same tab keeps it
    other = page.context.new_page()
    other.goto(site_url)
    assert other.evaluate("document.documentElement.dataset.hsFont") is None  # a new tab does not
    page.locator(".hs-a11y-toggle").click()
    page.check('input[name="hs-remember"]')
    other.goto(site_url + "helplines/")
    assert other.evaluate("document.documentElement.dataset.hsFont") == "160"  # remembered on this device
    page.locator(".hs-a11y-reset").click()
    assert dump(page)["localStorage"] == {} and dump(page)["sessionStorage"] == {}
    other.close()


# ================================================================ the children's pages

CHILD_PAGES = ["children/", "safety-children/", "algorithms/child/"]


@browser
@pytest.mark.parametrize("size", PHONES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_urgent_box_is_the_most_visible_thing_on_the_first_screen(visit, size):
    page = visit.page
    page.set_viewport_size({"width": size[0], "height": size[1]})
    visit("children/")
    box = page.locator(".admonition.urgent")
    facts = box.evaluate("""b => { const r = b.getBoundingClientRect(); const title = b.querySelector('.admonition-title');
        const text = b.querySelector('p:not(.admonition-title)'); const tel = b.querySelector('a[href^="tel:"]');
        const visible = (el) => { const q = el.getBoundingClientRect(); return Math.max(0, Math.min(q.bottom, innerHeight) - Math.max(q.top, 0)) * q.width; };
        const others = [...document.querySelectorAll('.md-content .md-typeset > *:not(.admonition)')].map(visible);
        return {top: r.top, area: visible(b), biggestOther: Math.max(...others), title: parseFloat(getComputedStyle(title).fontSize),
                titleWeight: parseInt(getComputedStyle(title).fontWeight), text: parseFloat(getComputedStyle(text).fontSize),
                tel: parseFloat(getComputedStyle(tel).fontSize), telBottom: tel.getBoundingClientRect().bottom, h: innerHeight}; }""")
    assert facts["top"] < facts["h"] * 0.55, facts  # it starts in the upper half of the first screen
    assert facts["telBottom"] <= facts["h"], facts  # its first number can be tapped without scrolling
    assert facts["area"] > facts["biggestOther"], facts  # it takes more of the first screen than anything else
    assert facts["title"] >= 20 and facts["titleWeight"] >= 700 and facts["text"] >= 18 and facts["tel"] >= 24, facts


@browser
@pytest.mark.parametrize("path", CHILD_PAGES)
def test_child_pages_numbers_on_one_line_and_tap_targets_of_44_px(visit, path):
    page = visit.page
    page.set_viewport_size({"width": 360, "height": 640})
    visit(path)
    broken = page.evaluate("""[...document.querySelectorAll('.md-content a[href^="tel:"], .md-content .hs-phone, .md-content .hs-nowrap')]
        .filter(a => { const lines = new Set([...a.getClientRects()].map(r => Math.round(r.top))); return lines.size > 1; })
        .map(a => a.innerText)""")
    assert not broken, f"numbers broken across lines: {broken}"
    assert page.locator(".md-content a[href^='tel:']").count() >= 2
    small = page.evaluate("""[...document.querySelectorAll('.md-content a[href], .md-content button, .md-content input, .md-content select')]
        .filter(el => el.checkVisibility()).map(el => { const r = el.getBoundingClientRect(); return [el.innerText.trim().slice(0, 30), Math.round(r.width), Math.round(r.height)]; })
        .filter(([, w, h]) => w < 44 || h < 44)""")
    assert not small, f"tap targets under 44×44 px: {small}"


@browser
def test_number_in_a_sentence_of_the_child_algorithm_stays_on_one_line(visit):
    page = visit.page
    page.set_viewport_size({"width": 360, "height": 640})
    visit("algorithms/child/")
    spans = page.locator(".hs-lead .hs-nowrap")
    assert spans.first.inner_text() == "8-800-2000-122"
    assert len({round(r["top"]) for r in spans.first.evaluate("e => [...e.getClientRects()].map(r => ({top: r.top}))")}) == 1


@browser
@pytest.mark.parametrize("path", CHILD_PAGES)
def test_child_texts_say_ty(visit, path):
    page = visit(path)
    text = page.locator("article").inner_text()
    text = re.sub(r"«[^»]*»", "", text)  # quoted speech («Я вас не знаю!») is what a child says to others
    formal = re.findall(r"\b(вы|вас|вам|вами|ваш\w*|позвоните|расскажите|нажмите|откройте|удалите|запомните)\b", text, re.IGNORECASE)
    assert not formal, formal
    assert re.search(r"\b(ты|тебе|тебя|твоя|твой)\b", text, re.IGNORECASE)


# ================================================================ the directory filter

def _everywhere(service: m.Service) -> bool:
    return service.district in ("весь город", "онлайн")


def _open_at(service: m.Service, when: dt.datetime) -> bool:
    if service.hours is None:
        return False
    if service.hours.always_open:
        return True
    day = ["mo", "tu", "we", "th", "fr", "sa", "su"][when.weekday()]
    return any(day in [d.value for d in e.byday] and e.opens_at <= when.time() < e.closes_at for e in service.hours.weekly)


WHEN = dt.datetime(2026, 11, 25, 10, 30, tzinfo=DATA.campaign.tz)  # a Wednesday morning in Nizhny Tagil

FILTERS = {
    "category": lambda s, v: v in s.categories,
    "audience": lambda s, v: v in [a.value for a in s.audience] or "everyone" in [a.value for a in s.audience],
    "district": lambda s, v: s.district == v or _everywhere(s),
    "age": lambda s, v: (s.minimum_age is None or s.minimum_age <= int(v)) and (s.maximum_age is None or int(v) <= s.maximum_age),
    "free": lambda s, v: s.free,
}


def _expected(choice: dict[str, str], when: dt.datetime | None = None) -> set[str]:
    return {s.id for s in DATA.services.values()
            if all(FILTERS[k](s, v) for k, v in choice.items() if k != "open")
            and ("open" not in choice or _open_at(s, when))}


def _shown(page) -> set[str]:
    hrefs = page.evaluate("[...document.querySelectorAll('.hs-service:not([hidden]) a.hs-service__name')].map(a => a.getAttribute('href'))")
    return {h.strip("/").split("/")[-1] for h in hrefs}


def _option_counts(page) -> dict[str, dict[str, int]]:
    return page.evaluate("""(() => { const out = {};
        for (const s of document.querySelectorAll('#hs-filter select')) {
          out[s.name] = {}; for (const o of s.options) { const m = o.textContent.match(/\\((\\d+)\\)$/); out[s.name][o.value] = m ? +m[1] : null; } }
        for (const n of document.querySelectorAll('.hs-filter__n')) { const m = n.textContent.match(/\\((\\d+)\\)/); out[n.dataset.for] = {'1': m ? +m[1] : null}; }
        return out; })()""")


def _assert_counts(page, choice: dict[str, str], when: dt.datetime | None = None):
    when = when or WHEN
    counts = _option_counts(page)
    for name, options in counts.items():
        for value, n in options.items():
            other = {k: v for k, v in choice.items() if k != name}
            if value:
                other[name] = value
            assert n == len(_expected(other, when)), f"{name}={value!r} with {choice}: shows {n}"




def _directory(visit, query: str = ""):
    page = visit.page
    page.clock.set_fixed_time(WHEN)
    return visit("services/" + query)


@browser
def test_district_keeps_the_services_of_the_whole_city(visit):
    page = _directory(visit)
    districts = sorted({s.district for s in DATA.services.values() if not _everywhere(s)})
    options = [o for o in page.evaluate("[...document.querySelectorAll('#hs-filter-district option')].map(o => o.value)") if o]
    assert options == districts  # «весь город» is not a district to choose
    for district in districts:
        page.select_option("#hs-filter-district", district)
        assert _shown(page) == _expected({"district": district})
        assert "sluzhba-sos" in _shown(page)  # the 24-hour service for the whole city never disappears
        _assert_counts(page, {"district": district})


@browser
def test_every_audience_option_finds_services_and_everyone_matches_all(visit):
    page = _directory(visit)
    values = [o for o in page.evaluate("[...document.querySelectorAll('#hs-filter-audience option')].map(o => o.value)") if o]
    assert "everyone" not in values and values
    for value in values:
        page.select_option("#hs-filter-audience", value)
        assert _shown(page) == _expected({"audience": value}) and _shown(page), value
    page.select_option("#hs-filter-audience", "")
    assert _shown(page) == set(DATA.services)
    assert page.locator(".hs-filter__count").inner_text() == f"Найдено служб: {len(DATA.services)}"


@browser
def test_age_filter_uses_the_minimum_and_maximum_age(visit):
    page = _directory(visit)
    for age in ("0", "3", "7", "10", "12", "13", "17"):
        page.select_option("#hs-filter-age", age)
        assert _shown(page) == _expected({"age": age}), age
    page.select_option("#hs-filter-age", "13")
    assert "igroterapiya" not in _shown(page)  # 3–12 years


@browser
def test_category_free_and_open_now(visit):
    page = _directory(visit)
    for category in DATA.categories:
        if page.locator(f"#hs-filter-category option[value='{category}']").count():
            page.select_option("#hs-filter-category", category)
            assert _shown(page) == _expected({"category": category})
            assert page.locator(".hs-group:not([hidden])").count() == 1
    page.select_option("#hs-filter-category", "")
    page.check("#hs-filter-free")
    assert _shown(page) == _expected({"free": "1"})
    page.uncheck("#hs-filter-free")
    page.check("#hs-filter-open")
    assert _shown(page) == _expected({"open": "1"}, WHEN)
    _assert_counts(page, {"open": "1"}, WHEN)


@browser
def test_every_option_shows_the_count_it_would_give(visit):
    page = _directory(visit)
    _assert_counts(page, {}, WHEN)
    choice = {"district": "Ленинский район", "age": "10", "free": "1"}
    page.select_option("#hs-filter-district", choice["district"])
    page.select_option("#hs-filter-age", choice["age"])
    page.check("#hs-filter-free")
    assert _shown(page) == _expected(choice)
    _assert_counts(page, choice, WHEN)


@browser
def test_the_filter_lives_in_the_address_share_reload_and_back(visit, site_url):
    page = _directory(visit)
    page.select_option("#hs-filter-district", "Ленинский район")
    page.select_option("#hs-filter-age", "10")
    page.check("#hs-filter-free")
    expected = _expected({"district": "Ленинский район", "age": "10", "free": "1"})
    assert _shown(page) == expected
    url = page.url
    assert "district=" in url and "age=10" in url and "free=1" in url
    page.reload()
    assert _shown(page) == expected and page.input_value("#hs-filter-age") == "10" and page.is_checked("#hs-filter-free")
    # a shared link, in another tab
    other = page.context.new_page()
    other.clock.set_fixed_time(WHEN)
    other.goto(url)
    assert _shown(other) == expected and other.input_value("#hs-filter-district") == "Ленинский район"
    other.close()
    # to another site (a map link) and Back: the form and the list agree with the address
    page.goto(EXIT_URL)
    page.go_back()
    page.wait_for_load_state()
    assert page.url == url
    assert _shown(page) == expected and page.input_value("#hs-filter-district") == "Ленинский район"
    assert page.is_checked("#hs-filter-free") and not page.is_checked("#hs-filter-open")
    # a hand-made address with unknown values shows everything, not nothing
    visit("services/?district=Нет&age=abc&category=x")
    assert _shown(page) == set(DATA.services)


# ================================================================ invented numbers

def _real_tels() -> set[str]:
    tels = {n.tel for n in DATA.campaign.emergency_numbers}
    for record in [*DATA.helplines.values(), *DATA.services.values(), *DATA.organizations.values()]:
        if not record.example:
            tels |= {p.tel for p in record.phones}
    return tels


def _example_tels() -> set[str]:
    tels = set()
    for record in [*DATA.helplines.values(), *DATA.services.values(), *DATA.organizations.values()]:
        if record.example:
            tels |= {p.tel for p in record.phones}
    for event in DATA.events.values():
        if event.example and event.registration and event.registration.phone:
            tels.add(event.registration.phone.tel)
    return tels


def test_no_invented_number_is_dialable_anywhere_in_the_html(built_site: Path):
    invented = _example_tels() - _real_tels()
    assert invented, "the example data should contain invented numbers to prove this"
    digits = {re.sub(r"\D", "", t)[-10:] for t in invented}
    links, shown = [], []
    for page in built_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for href in re.findall(r'href="tel:([^"]+)"', html):
            if href not in _real_tels():
                links.append(f"{page.relative_to(built_site)}: tel:{href}")
        text = re.sub(r"\D", "", re.sub(r"<[^>]+>", " ", html))
        shown += [f"{page.relative_to(built_site)}: {d}" for d in digits if d in text]
    assert not links, links[:5]
    assert not shown, f"invented numbers shown as text: {shown[:5]}"
    assert "номер-пример" in (built_site / "services" / "sluzhba-sos" / "index.html").read_text(encoding="utf-8")


@browser
def test_an_example_service_shows_number_example_and_still_the_helpline(visit):
    service = next(s for s in DATA.services.values() if s.example and s.phones)
    page = visit(f"services/{service.id}/")
    assert page.locator("main .hs-phone--example").first.inner_text() == "номер-пример"
    tels = set(page.evaluate("[...document.querySelectorAll('main a[href^=\"tel:\"]')].map(a => a.getAttribute('href').slice(4))"))
    assert tels and tels <= _real_tels()


# ================================================================ front matter of the hand-written pages

@pytest.mark.parametrize("front, line, words", [
    ("description: Как читать сайт: кнопка\n", 2, "двоеточие"),
    ("title: Детям\ndescription: \"не закрыта\n", 3, "кавычка"),
    ("title: Детям\n\tdescription: табуляция\n", 3, "табуляция"),
    ("- список\n", 2, "«имя: значение»"),
])
def test_front_matter_errors_name_the_line_in_russian(front, line, words):
    errors = front_matter_errors(f"---\n{front}---\n\n# Заголовок\n", "docs/about.md")
    assert len(errors) == 1
    assert errors[0].file == "docs/about.md" and errors[0].line == line and words in str(errors[0]), str(errors[0])
    assert errors[0].hint


def test_valid_and_absent_front_matter_pass():
    assert front_matter_errors("---\ndescription: \"a: b\"\n---\n# x\n", "x") == []
    assert front_matter_errors("# Без front matter\n\n---\n\ntext\n", "x") == []
    for page in (ROOT / "docs").glob("*.md"):
        assert front_matter_errors(page.read_text(encoding="utf-8"), page.name) == [], page


def test_a_broken_front_matter_fails_the_build_and_keeps_the_old_site(tmp_path: Path):
    project = copy_project(tmp_path / "project")
    site = tmp_path / "site"
    assert mkdocs_build(project, site).returncode == 0
    before = (site / "about" / "index.html").read_text(encoding="utf-8")
    page = project / "docs" / "about.md"
    text = page.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    page.write_text(text.replace("---\n", "---\ntitle: О программе: кто и зачем\n", 1), encoding="utf-8")
    result = mkdocs_build(project, site)
    assert result.returncode != 0
    assert "docs/about.md:2: front matter — не YAML: двоеточие с пробелом внутри значения" in result.stdout, result.stdout
    assert "Traceback" not in result.stdout
    assert (site / "about" / "index.html").read_text(encoding="utf-8") == before  # the last good site stays


def test_the_safety_page_has_its_description_and_no_raw_front_matter(built_site: Path):
    html = (built_site / "safety" / "index.html").read_text(encoding="utf-8")
    assert '<meta name="description" content="Как безопасно читать этот сайт' in html
    assert "description:" not in re.sub(r"<[^>]+>", "", html.split('<article', 1)[1])
