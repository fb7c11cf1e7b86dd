"""The web editor as an editor uses it: headless Chromium, the real Decap CMS bundle (installed
from editor/package-lock.json), our server, a copy of the project; forms filled by typing,
choosing and picking dates; the saved files, the strict build and the rebuilt pages checked.

Screenshots of each form at 1280 px go to $EDITOR_SCREENSHOTS (or the test's temporary folder).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from helpsite.editing import cms
from helpsite.editing.cms_server import serve
from helpsite.data.load import load

from .conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, copy_project, mkdocs_build, require_chromium

pytestmark = require_chromium()


@pytest.fixture(scope="session")
def decap_dist() -> Path:
    """The Decap bundle from editor/package-lock.json (npm ci on first use, never at import)."""
    folder = ROOT / "editor"
    modules = folder / "node_modules" if (folder / "node_modules" / "decap-cms").is_dir() else None
    if modules is None and shutil.which("npm"):
        # a prebuilt bundle: no install scripts needed (the same command as scripts/editor.py)
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
                       cwd=folder, check=True, timeout=900)
        modules = folder / "node_modules"
    if modules is None:
        if os.environ.get("CI"):
            pytest.fail("npm is missing: CI must install Node.js with npm (the editor's Decap CMS comes from npm)")
        pytest.skip("npm не установлен: браузерные тесты редактора пропущены")
    dist = modules / "decap-cms" / "dist"
    assert (dist / "decap-cms.js").is_file()
    return dist


@pytest.fixture(scope="module")
def editor_site(tmp_path_factory, decap_dist):
    root = copy_project(tmp_path_factory.mktemp("editor") / "project")
    # the service whose phone the editor changes is a real one here: an example's number is never a link
    sos = root / "data" / "services" / "sluzhba-sos.yml"
    sos.write_text(sos.read_text(encoding="utf-8").replace("\nexample: true", "\n"), encoding="utf-8")
    server, editor = serve(root, port=0, decap_dist=decap_dist)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    editor.build_now()
    assert editor.wait_built(180)["state"] == "ok"
    yield f"http://127.0.0.1:{server.server_address[1]}", editor
    server.shutdown()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("EDITOR_SCREENSHOTS") or tmp_path_factory.mktemp("editor-shots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def ru_browser(browser_type):
    """Chromium in Russian: the date and time pickers show «дд.мм.гггг, чч:мм» as an editor sees them."""
    browser = browser_type.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, "--lang=ru-RU"],
                                  env={**os.environ, "LANG": "ru_RU.UTF-8", "LANGUAGE": "ru"})
    yield browser
    browser.close()


@pytest.fixture
def cms_page(ru_browser, editor_site):
    """The editor page at 1280 px in a Russian browser in the campaign's time zone, logged in.
    Any request to another host, or a page error, fails the test."""
    base, _ = editor_site
    context = ru_browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU",
                                  timezone_id="Asia/Yekaterinburg")
    page = context.new_page()
    outside: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if urlsplit(r.url).scheme in ("http", "https")
            and urlsplit(r.url).hostname != "127.0.0.1" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.page_errors = errors  # type: ignore[attr-defined]
    page.goto(base + "/editor/")
    page.get_by_role("button", name="Войти").click()
    page.get_by_text("События").first.wait_for()
    yield page
    context.close()
    assert not outside, f"the editor asked other hosts: {outside}"
    assert not errors, f"page errors: {errors}"


def field(page, name: str, tag: str = "input"):
    return page.locator(f'{tag}[id^="{name}-field-"]:visible').first


def type_into(locator, text: str) -> None:
    """Typed key by key, as an editor types; on a machine loaded by other work the form can drop a keystroke
    while it re-renders — then the text is typed again (the test is of the form, not of the machine)."""
    locator.press_sequentially(text, delay=60)
    if locator.input_value() != text:
        locator.fill("")
        locator.press_sequentially(text, delay=120)
    assert locator.input_value() == text


def choose(page, name: str, text: str, typed: str | None = None):
    """A select or relation field: open it, (type to search), pick the option with `text`."""
    page.locator(f'[id^="{name}-field-"]:visible').first.click()
    if typed:
        page.keyboard.type(typed, delay=30)
    page.get_by_role("option", name=text, exact=False).first.click()


def expand(page, name: str):
    page.locator(f'[id^="{name}-field-"] [data-testid=expand-button]:visible').first.click()


def publish(page):
    page.get_by_role("button", name="Опубликовать").first.click()
    page.get_by_text("Опубликовать сейчас").click()


def screenshot(page, path: Path):
    """The whole form: Decap scrolls inside the page, so make the window as tall as the form."""
    height = page.evaluate("() => Math.max(...Array.from(document.querySelectorAll('*')).map(e => e.scrollHeight))")
    page.set_viewport_size({"width": 1280, "height": min(max(height, 900), 6000)})
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": 1280, "height": 900})


def saved_and_rebuilt(editor, page, before: int) -> dict:
    """Wait for the save (the server counts them) and the rebuild that follows, as the status bar shows it."""
    for _ in range(600):
        if editor.generation > before:
            break
        page.wait_for_timeout(100)
    else:
        raise AssertionError("the form did not save: " + " | ".join(page.locator(".Toastify__toast").all_inner_texts()))
    status = editor.wait_built(180)
    assert status["state"] == "ok" and status["generation"] > before, status
    page.locator("#helpsite-status", has_text="пересобран").wait_for()
    return status


def test_an_event_and_a_service_created_through_the_forms(cms_page, editor_site, shots, tmp_path):
    page = cms_page
    base, editor = editor_site
    # ---- event
    page.goto(base + "/editor/#/collections/events/new")
    type_into(field(page, "title"), "Семинар «Как услышать ребёнка»")
    choose(page, "type", "семинар")
    field(page, "start").fill("2027-04-15T10:00")   # the browser's own date and time picker
    field(page, "end").fill("2027-04-15T12:30")
    choose(page, "audience", "родители")
    choose(page, "audience", "педагоги")
    choose(page, "organizer_ids", "Центр семейной терапии", typed="семейной")
    field(page, "description", "textarea").fill("Как заметить, что ребёнку плохо, и что делать взрослому.")
    expand(page, "place")
    field(page, "name").fill("Центр семейной терапии, зал 2")
    screenshot(page, shots / "event-form.png")
    before = editor.generation
    publish(page)
    saved_and_rebuilt(editor, page, before)
    event_id = "seminar-kak-uslyshat-rebenka-2027-04-15"
    path = editor.data / "events" / f"{event_id}.yml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/event.schema.json\n")
    saved = yaml.safe_load(text)
    assert saved["id"] == event_id and saved["type"] == "seminar"
    assert saved["start"] == "2027-04-15 10:00" and saved["end"] == "2027-04-15 12:30"
    assert saved["audience"] == ["parents", "teachers"] and saved["organizer_ids"] == ["centr-semeynoy-terapii"]
    event = load(editor.data).events[event_id]
    assert event.start.hour == 10 and event.start.tzinfo is None  # wall time of the campaign

    # ---- service
    page.goto(base + "/editor/#/collections/services/new")
    type_into(field(page, "name"), "Консультации для приёмных семей")
    choose(page, "organization_id", "Центр семейной терапии", typed="семейной")
    field(page, "description", "textarea").fill("Психолог помогает приёмным родителям и детям.")
    categories = yaml.safe_load((editor.data / "categories.yml").read_text(encoding="utf-8"))
    choose(page, "categories", categories[0]["name"])
    choose(page, "audience", "семьи с детьми")
    field(page, "district").fill("весь город")
    page.locator('[id^="free-field-"]:visible').first.click()
    page.locator('[id^="phones-field-"] button', has_text="Добавить").first.click()
    field(page, "number").fill("8 (3435) 41-22-33")
    field(page, "assured_date").fill("2026-11-28")
    expand(page, "hours")  # hours: one schedule, days chosen from the list, times from the time picker
    page.locator('[id^="weekly-field-"] button', has_text="Добавить").first.click()
    choose(page, "byday", "пн")
    choose(page, "byday", "ср")
    field(page, "opens_at").fill("09:00")
    field(page, "closes_at").fill("17:30")
    screenshot(page, shots / "service-form.png")
    before = editor.generation
    publish(page)
    saved_and_rebuilt(editor, page, before)
    service_id = "konsultacii-dlya-priemnyh-semey"
    saved = yaml.safe_load((editor.data / "services" / f"{service_id}.yml").read_text(encoding="utf-8"))
    assert saved["free"] is True and saved["anonymous"] is False  # one switch turned on, one left off
    assert saved["phones"] == [{"number": "8 (3435) 41-22-33"}] and str(saved["assured_date"]) == "2026-11-28"
    assert saved["hours"] == {"weekly": [{"byday": ["mo", "we"], "opens_at": "09:00", "closes_at": "17:30"}]}

    # ---- the files as saved pass scripts/check.py and a clean strict build of their own, and the pages are on the site
    check = subprocess.run([sys.executable, str(ROOT / "scripts" / "check.py"), str(editor.data)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    build = mkdocs_build(editor.root, tmp_path / "site")
    assert build.returncode == 0 and "WARNING" not in build.stdout, build.stdout
    page.goto(base + f"/events/{event_id}/")
    assert page.locator("h1").inner_text().startswith("Семинар «Как услышать ребёнка»")
    assert page.get_by_text("Центр семейной терапии, зал 2").first.is_visible()
    page.goto(base + f"/services/{service_id}/")
    assert page.locator("h1").inner_text().startswith("Консультации для приёмных семей")
    assert page.locator('main a[href="tel:+73435412233"]').first.is_visible()


def open_phone(page, base: str, service_id: str):
    page.goto(base + f"/editor/#/collections/services/entries/{service_id}")
    page.locator('[id^="phones-field-"] [data-testid=expand-button]:visible').first.click()
    return field(page, "number")


def test_an_edited_phone_number_is_on_the_page(cms_page, editor_site, shots):
    page = cms_page
    base, editor = editor_site
    number = open_phone(page, base, "sluzhba-sos")
    number.fill("8 (3435) 41-77-88")
    screenshot(page, shots / "service-edit-phone.png")
    before = editor.generation
    publish(page)
    saved_and_rebuilt(editor, page, before)
    text = (editor.data / "services" / "sluzhba-sos.yml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server:") and "8 (3435) 41-77-88" in text
    page.goto(base + "/services/sluzhba-sos/")
    link = page.locator('main a[href="tel:+73435417788"]').first
    assert link.is_visible() and "41-77-88" in link.inner_text()


def test_an_invalid_phone_is_refused_with_a_russian_message_naming_the_field(cms_page, editor_site, shots):
    page = cms_page
    base, editor = editor_site
    path = editor.data / "services" / "sluzhba-sos.yml"
    before = path.read_bytes()
    number = open_phone(page, base, "sluzhba-sos")
    number.fill("12345")
    publish(page)
    notice = page.locator(".Toastify__toast--error")
    notice.wait_for()
    page.screenshot(path=str(shots / "service-invalid-phone.png"))
    text = notice.inner_text()
    assert "Запись не сохранена" in text and "«Телефоны № 1 → Номер»" in text and "такого номера телефона не бывает" in text
    bar = page.locator("#helpsite-status")  # the reason stays on screen after the notice fades
    bar.locator("pre", has_text="«Телефоны № 1 → Номер»").wait_for()
    assert "Запись не сохранена" in bar.inner_text()
    assert path.read_bytes() == before
    assert field(page, "number").input_value() == "12345"  # what the editor typed is still in the form
    # Decap also reports the refused save as an unhandled rejection («Object») after showing the notice
    assert set(page.page_errors) <= {"Object"}
    page.page_errors.clear()


@pytest.mark.parametrize("collection", [s.name for s in cms.SPECS])
def test_every_form_opens_in_russian(cms_page, editor_site, shots, collection):
    page = cms_page
    base, _ = editor_site
    s = cms.spec(collection)
    page.goto(base + (f"/editor/#/collections/{collection}/new" if s.folder
                      else f"/editor/#/collections/{collection}/entries/{collection}"))
    page.locator("label").first.wait_for()
    labels = [t.strip() for t in page.locator("label").all_inner_texts() if t.strip()]
    assert labels and all(any("а" <= ch.lower() <= "я" or ch == "ё" for ch in t) for t in labels), labels
    screenshot(page, shots / f"form-{collection}.png")


def test_the_time_picked_is_the_campaign_time_whatever_the_computer_clock(ru_browser, editor_site):
    """An editor in New York picks 18:30: the file says 18:30, read in the campaign's time zone."""
    base, editor = editor_site
    context = ru_browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU",
                                     timezone_id="America/New_York")
    page = context.new_page()
    try:
        page.goto(base + "/editor/")
        page.get_by_role("button", name="Войти").click()
        page.goto(base + "/editor/#/collections/events/new")
        field(page, "title").fill("Вебинар для родителей")
        choose(page, "type", "семинар")
        field(page, "start").fill("2027-06-01T18:30")
        choose(page, "audience", "родители")
        choose(page, "organizer_ids", "Центр семейной терапии", typed="семейной")
        field(page, "description", "textarea").fill("Онлайн.")
        field(page, "online_url").fill("https://example.org/webinar")
        before = editor.generation
        publish(page)
        saved_and_rebuilt(editor, page, before)
    finally:
        context.close()
    saved = yaml.safe_load((editor.data / "events" / "vebinar-dlya-roditeley-2027-06-01.yml").read_text(encoding="utf-8"))
    assert saved["start"] == "2027-06-01 18:30" and saved["online_url"] == "https://example.org/webinar"
