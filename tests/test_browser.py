"""The built site in headless Chromium, used as a person would: phone links, search, filters, quick exit.

Runs Debian's `chromium` through Playwright (`executable_path`); never `playwright install`.
"""

from __future__ import annotations

import re

import phonenumbers

from helpsite.data.load import load

from .conftest import ROOT, require_chromium, search_for

pytestmark = require_chromium()

DATA = load(ROOT / "data")
EXIT_URL = DATA.campaign.quick_exit_url  # answered by the `visit` fixture


def assert_working_tel_link(page, e164: str, text: str):
    link = page.locator(f'main a[href="tel:{e164}"]', has_text=text).first
    assert link.is_visible(), f"no visible tel:{e164} link with «{text}»"
    href = link.get_attribute("href")
    number = phonenumbers.parse(href[4:], None)
    assert phonenumbers.is_valid_number(number)
    # and in the bar at the top of every page
    assert page.locator(f'.hs-helpline-bar a[href="tel:{e164}"]').first.is_visible()


def test_home_page_has_the_helpline(visit):
    page = visit("")
    assert_working_tel_link(page, "+78002000122", "8-800-2000-122")
    assert page.locator('main a[href="tel:124"]').first.is_visible()
    assert page.locator('main a[href="tel:112"]').first.is_visible()


def test_service_page_has_the_helpline(visit):
    service = next(s for s in DATA.services.values() if not s.phones)  # even a service without a phone of its own
    page = visit(f"services/{service.id}/")
    assert page.locator("h1").inner_text().strip() == service.name
    assert_working_tel_link(page, "+78002000122", "8-800-2000-122")


def test_algorithm_page_has_the_helpline_and_a_decision_path(visit):
    page = visit("algorithms/parent/")
    assert_working_tel_link(page, "+78002000122", "8-800-2000-122")
    first = DATA.algorithms["parent"].decision[0]
    follow = next(a for a in first.answers if a.next)
    page.locator(f"#q-{first.id} a.hs-answer", has_text=follow.label).click()
    assert page.url.endswith(f"#q-{follow.next}")
    assert page.locator(f"#q-{follow.next}").is_visible()


def test_search_finds_the_helpline_page(visit):
    page = visit("")
    search_for(page, "телефон доверия", "helplines/").click()
    page.wait_for_url(re.compile(r".*/helplines/.*"))
    assert "Телефоны помощи" in page.locator("h1").inner_text()


def test_directory_filters_by_category(visit):
    page = visit("services/")
    form = page.locator("#hs-filter")
    assert form.is_visible()  # JS reveals the filter
    total = len({s.id for s in DATA.services.values()})
    assert page.locator(".hs-filter__count").inner_text() == f"Найдено служб: {total}"
    category = "family-mediation"
    expected = sum(category in s.categories for s in DATA.services.values())
    page.select_option("#hs-filter-category", category)
    assert page.locator(".hs-filter__count").inner_text() == f"Найдено служб: {expected}"
    visible_groups = page.locator(".hs-group:visible")
    assert visible_groups.count() == 1
    assert visible_groups.first.get_attribute("data-category") == category


def test_directory_filter_reads_each_service_once(visit, built_site):
    """A service stands in the group of each of its categories; its facts for the filter are on one of its
    entries (services_index.html.j2): the filter still counts each service once, with its facts."""
    html = (built_site / "services" / "index.html").read_text(encoding="utf-8")
    entries = re.findall(r'<li class="hs-service"[^>]*>\s*<a class="hs-service__name" href="([^"]+)"', html)
    with_facts = re.findall(r'<li class="hs-service" data-categories="[^>]*>\s*<a class="hs-service__name" href="([^"]+)"', html)
    assert len(entries) > len(set(entries)) and sorted(with_facts) == sorted(set(entries))
    page = visit("services/")
    audiences = page.eval_on_selector_all("#hs-filter-audience option", "els => els.map(o => o.value).filter(v => v)")
    assert audiences
    for audience in audiences:
        page.select_option("#hs-filter-audience", audience)
        want = sum(any(a.value in (audience, "everyone") for a in s.audience) for s in DATA.services.values())
        assert page.locator(".hs-filter__count").inner_text() == f"Найдено служб: {want}", audience
        visible = page.eval_on_selector_all(".hs-service:not([hidden]) a.hs-service__name",
                                            "els => els.map(a => a.getAttribute('href'))")
        assert len(set(visible)) == want


def test_quick_exit_by_three_shift_presses_replaces_history(visit, site_url):
    page = visit("")
    page.locator(".md-content a[href='services/']").first.click()
    page.wait_for_url(site_url + "services/")
    for _ in range(2):
        page.keyboard.press("Shift")
    assert "ещё 1 раз" in page.locator("#hs-exit-status").inner_text()
    page.keyboard.press("Shift")
    page.wait_for_url(EXIT_URL + "**")
    assert page.title() == "Погода"
    page.go_back()
    # Back does not return to the site: its own links and the exit replaced the one history entry of the visit
    assert not page.url.startswith(site_url)


def test_quick_exit_button_is_on_screen_while_scrolling(visit):
    page = visit("plan/")
    page.set_viewport_size({"width": 390, "height": 800})
    page.mouse.wheel(0, 4000)
    page.wait_for_timeout(200)
    button = page.locator("#hs-exit")
    box = button.bounding_box()
    assert box and 0 <= box["y"] and box["y"] + box["height"] <= 800
    # nothing covers it: the element at its centre is the button itself
    assert page.evaluate("""() => { const b = document.getElementById('hs-exit').getBoundingClientRect();
        const el = document.elementFromPoint(b.x + b.width / 2, b.y + b.height / 2);
        return !!el.closest('#hs-exit'); }""")
    button.click()
    page.wait_for_url(EXIT_URL + "**")


def test_search_index_is_fetched_only_when_search_opens(visit):
    requested: list[str] = []
    visit.page.on("request", lambda r: requested.append(r.url))
    page = visit("services/")
    page.wait_for_load_state("networkidle")
    assert not [u for u in requested if "/search/" in u], "index fetched at page load"
    service = next(s for s in DATA.services.values() if "медиац" in s.name.lower())
    search_for(page, "медиация", f"services/{service.id}/")
    assert [u for u in requested if u.endswith("/search/meta.json")]
