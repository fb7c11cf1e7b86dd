"""Any campaign, any region: a new site carries nothing of the source campaign; region-wide
campaigns; draft and live; the report's content (programmes, volunteer actions, approximate
dates, results with units, category totals, finished plans)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpsite.publish.build import build_content
from helpsite.data.campaign_checks import invented_number, live_problems, placeholder_host
from helpsite.data.errors import DataErrors
from helpsite.data.load import load
from helpsite.editing.newcampaign import CampaignSpec, new_campaign
from helpsite.data.wording import in_place, region_in

from .conftest import NOW, ROOT, copy_project, mkdocs_build, require_chromium

# Names, numbers and places of the source campaign (Nizhny Tagil, «Вместе защитим»): none may
# reach a site made for another region. Lower-case; the scan is case-insensitive.
LEAKS = [
    "тагил", "tagil", "свердловск", "sverdlovsk", "вместе защитим", "vmeste", "3435", "совет нко", "sovet-nko",
    "центр семейной терапии", "semeynoy-terapii", "город добрых людей", "dobryh-lyudey", "мероприятие 1.5",
    "мероприятие 1.4", "мероприятие 2.1", "екатеринбург", "yekaterinburg", "пригородн", "общественная палата",
    "upravlenie-socpolitiki", "ресурсный центр", "2016",
]
SEARCH_EXTENSIONS = {".html", ".md", ".yml", ".yaml", ".json", ".xml", ".ics", ".csv", ".txt", ".js", ".css",
                     ".webmanifest", ".svg"}
TODAY = NOW.date()


def _texts(root: Path) -> list[tuple[str, str]]:
    out = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        rel = path.relative_to(root).as_posix()
        if path.suffix == ".pdf":
            text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True).stdout
            out.append((rel, text))
        elif path.suffix in SEARCH_EXTENSIONS or path.suffix == ".py" and "scripts" in path.parts:
            out.append((rel, path.read_text(encoding="utf-8", errors="replace")))
    return out


def _leaks(root: Path, skip: tuple[str, ...] = ()) -> list[str]:
    found = []
    for rel, text in _texts(root):
        if rel.startswith(skip) or "/lunr/" in rel:  # the theme's search language data
            continue
        low = text.lower()
        for word in LEAKS:
            i = low.find(word)
            if i >= 0:
                found.append(f"{rel}: «{word}» … {text[max(0, i - 50): i + 50]!r}")
    return found


@pytest.fixture(scope="module")
def ensk(tmp_path_factory) -> Path:
    """A campaign for a made-up city in a made-up region, built."""
    target = tmp_path_factory.mktemp("ensk") / "site-src"
    spec = CampaignSpec(name="Светлое детство", city="Энск", region="Энская область", timezone="Europe/Moscow",
                        organizer="АНО «Энский центр семьи»", organizer_id="enskiy-centr", slogan="Детство без страха",
                        color="#1f5f8b", site_url="https://deti-ensk.example.org/", today=TODAY)
    created = new_campaign(ROOT, target, spec)
    (target / "notes.txt").write_text("\n".join(created.notes), encoding="utf-8")
    result = mkdocs_build(target, target / "site")
    assert result.returncode == 0, result.stdout[-3000:]
    return target


def test_pdftotext_reads_our_pdfs(ensk: Path):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) не установлен")
    pdfs = sorted((ensk / "site").rglob("*.pdf"))
    assert len(pdfs) >= 5, pdfs
    texts = dict(_texts(ensk / "site"))
    leaflet = next(t for p, t in texts.items() if p.endswith(".pdf") and "Светлое детство" in t)
    assert "8-800-2000-122" in leaflet  # the all-Russian helpline is on the printables: it is the same everywhere


def test_new_campaign_carries_nothing_of_the_source(ensk: Path):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) не установлен")
    # the whole new folder: pages, PDFs, open data, calendars, data, texts, commands
    found = _leaks(ensk, skip=("notes.txt", "scripts/new_campaign.py"))
    assert not found, "\n".join(found[:40])
    # the leak scan can fail: the template itself is full of the source campaign
    assert len(_leaks(ROOT / "docs") + _leaks(ROOT / "data")) > 10


def test_new_campaign_pages_say_the_new_place(ensk: Path):
    site = ensk / "site"
    specialists = (site / "specialists" / "index.html").read_text(encoding="utf-8")
    assert "Светлое детство" in specialists and "{{" not in specialists
    algorithm = (site / "algorithms" / "parent" / "index.html").read_text(encoding="utf-8")
    assert "орган опеки и попечительства" in algorithm and "{{" not in algorithm
    services = (site / "services" / "index.html").read_text(encoding="utf-8")
    assert "в городе Энск" in services
    for page in site.rglob("*.html"):
        if page.name != "404.html":
            assert "hs-draft-notice" in page.read_text(encoding="utf-8"), page  # a new campaign is a draft
    notes = (ensk / "notes.txt").read_text(encoding="utf-8")
    for must in ("assured_date", "guardianship_body", "site_url", "example: true", "docs/about.md", "status: draft"):
        assert must in notes, must


def test_new_campaign_for_a_whole_region(tmp_path: Path):
    spec = CampaignSpec(name="Безопасное детство", city=None, region="Энская область", timezone="Europe/Moscow",
                        organizer="Департамент социальной защиты", organizer_id="departament", organizer_kind="state_social",
                        cities=["Энск", "Верхнеэнск", "Заречный район"], site_url="https://deti.example.org/", today=TODAY)
    new_campaign(ROOT, tmp_path / "region", spec)
    data = load(tmp_path / "region" / "data")
    assert data.campaign.city is None and data.campaign.cities == ["Энск", "Верхнеэнск", "Заречный район"]
    assert data.campaign.in_place == "в Энской области"
    content = build_content(tmp_path / "region" / "data", now=NOW)
    pages = {p.path: p.markdown for p in content.pages}
    assert "в Энской области" in pages["services/index.md"] and "в городе" not in pages["services/index.md"]
    assert "Город или район" in pages["services/index.md"]
    assert "None" not in pages["index.md"] and "None" not in pages["services/index.md"]


@pytest.mark.parametrize("region, expected", [
    ("Вологодская область", "в Вологодской области"), ("Пермский край", "в Пермском крае"),
    ("Республика Коми", "в Республике Коми"), ("Ханты-Мансийский автономный округ", "в Ханты-Мансийском автономном округе"),
    ("Энская область", "в Энской области"), ("Москва", "в регионе: Москва"),
])
def test_region_in(region: str, expected: str):
    assert region_in(region) == expected


def test_in_place_city_region_and_override():
    class C:
        city, region, region_in = "Вологда", "Вологодская область", None
    assert in_place(C) == "в городе Вологда"
    C.city = None
    assert in_place(C) == "в Вологодской области"
    C.region_in = "в Республике Саха (Якутия)"
    assert in_place(C) == "в Республике Саха (Якутия)"


def test_placeholders_and_invented_numbers():
    for url in ("https://example.org/", "https://vmeste.example.org/", "http://localhost:8000/", "https://site.test/",
                "https://a.invalid/", "http://127.0.0.1/"):
        assert placeholder_host(url), url
    for url in ("https://deti.vologda.ru/", "https://example-school.ru/", "https://examples.org/"):
        assert placeholder_host(url) is None, url
    for number in ("8 (3435) 00-00-05", "+7 495 123-45-67", "8 (8172) 11-11-11", "8 (8172) 12-34-56"):
        assert invented_number(number), number
    for number in ("8-800-2000-122", "124", "112", "8 (8172) 72-13-45"):
        assert invented_number(number) is None, number


def test_live_build_refuses_placeholders_and_examples(tmp_path: Path):
    project = copy_project(tmp_path / "p")
    campaign = project / "data" / "campaign.yml"
    campaign.write_text(campaign.read_text(encoding="utf-8").replace("status: draft", "status: live"), encoding="utf-8")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("прежний сайт", encoding="utf-8")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0
    out = result.stdout
    assert re.search(r"data/campaign\.yml:\d+: site_url: адрес-заглушка \(vmeste-zashchitim\.example\.org\)", out), out[-2000:]
    assert re.search(r"data/services/sluzhba-sos\.yml:\d+: example: запись-пример", out)
    assert re.search(r"data/services/sluzhba-sos\.yml:\d+: phones\[0\]\.number: похоже на придуманный номер", out)
    assert "Traceback" not in out
    assert (tmp_path / "site" / "index.html").read_text(encoding="utf-8") == "прежний сайт"


def test_live_check_passes_clean_data_and_draft_is_silent(tmp_path: Path):
    data = load(ROOT / "data")
    assert data.campaign.is_draft and live_problems(data) == []  # this repository's campaign stays a draft
    project = copy_project(tmp_path / "p")
    d = project / "data"
    text = (d / "campaign.yml").read_text(encoding="utf-8").replace("status: draft", "status: live")
    (d / "campaign.yml").write_text(text.replace("https://vmeste-zashchitim.example.org/", "https://deti-tagil.ru/"),
                                    encoding="utf-8")
    live = live_problems(load(d))
    assert live and all(e.field.endswith(("example", "number", "url", "online_url", "website", "address_1")) for e in live)
    assert not any(e.field == "site_url" for e in live)


def test_draft_notice_on_every_page(built_site: Path):
    pages = [p for p in built_site.rglob("*.html") if p.name != "404.html"]
    assert len(pages) > 30
    missing = [p for p in pages if "Демонстрационный сайт" not in p.read_text(encoding="utf-8")]
    assert not missing, missing[:5]


# ------------------------------------------------------------------ the report's content

PROGRAMME = """\
id: yunyy-mediator
title: Юный медиатор
kind: обучающая программа
description: Школьники учатся помогать сверстникам договариваться без драк и травли
audience: [teens, teachers]
organizers_text: 54 школы области
start: "2022-09"
places: [Энск, Верхнеэнск]
count: 54
reach:
  - value: 1200
    unit: подростков
    qualifier: more_than
    note: за 2022/23 учебный год
"""


def test_programmes_volunteer_actions_approximate_dates_finished_plan(tmp_path: Path):
    project = copy_project(tmp_path / "p")
    d = project / "data"
    (d / "programmes" / "yunyy-mediator.yml").write_text(PROGRAMME, encoding="utf-8")
    (d / "events" / "akciya-dobrovolcev.yml").write_text(
        "id: akciya-dobrovolcev\ntitle: Добровольческая акция «Письмо другу»\ntype: volunteer_action\n"
        "start: 2027-03-01\ndate_text: март 2027 года, дата уточняется\nplace:\n  name: Школы города\n"
        "audience: [children]\norganizer_ids: [sovet-nko]\ndescription: Добровольцы пишут письма детям в больнице.\n",
        encoding="utf-8")
    plan = (d / "plan.yml").read_text(encoding="utf-8")
    assert re.search(r'(?m)^end: "2017-12"$', plan)  # this campaign's plan is over
    without_end = re.sub(r'(?m)^end: "2017-12"\n', "", plan)
    (d / "plan.yml").write_text(without_end, encoding="utf-8")
    overdue = next(p.markdown for p in build_content(d, now=NOW).pages if p.path == "plan.md")
    assert "hs-status--overdue" in overdue  # the check can fail: without an end the old plan is overdue
    (d / "plan.yml").write_text(without_end.replace("tasks:", "finished: true\ntasks:", 1), encoding="utf-8")
    categories = (d / "categories.yml").read_text(encoding="utf-8")
    (d / "categories.yml").write_text(categories.replace("  name: Служба экстренного реагирования (SOS)",
                                                        "  name: Служба экстренного реагирования (SOS)\n  total_in_region: 27", 1),
                                      encoding="utf-8")
    content = build_content(d, now=NOW)
    pages = {p.path: p.markdown for p in content.pages}
    programmes = pages["programmes.md"]
    assert "Юный медиатор" in programmes and "более 1\u202f200 подростков" in programmes and "54 школы области" in programmes
    assert "с сентября 2022 года, идёт" in programmes
    event = next(p for p in content.builder.record_pages() if p.path == "events/akciya-dobrovolcev.md") if content.builder \
        else next(p for p in content.pages if p.path == "events/akciya-dobrovolcev.md")
    assert "март 2027 года, дата уточняется" in event.markdown and "добровольческая акция" in event.markdown
    assert "Добавить в календарь" not in event.markdown and "application/ld+json" not in event.markdown
    assert b"akciya-dobrovolcev" not in content.files["events/calendar.ics"]  # no invented date in the calendar
    plan_page = pages["plan.md"]
    assert "Программа завершена" in plan_page and "просрочено" not in plan_page.replace("«просрочено»", "")
    assert "программа завершена, отметки нет" in plan_page
    assert "Всего в городе Нижний Тагил — 27 служб этого вида" in pages["services/index.md"]


def test_categories_counted_but_not_listed(tmp_path: Path):
    project = copy_project(tmp_path / "p")
    d = project / "data"
    categories = (d / "categories.yml").read_text(encoding="utf-8")
    (d / "categories.yml").write_text(categories.replace("  name: Юридическая помощь", "  name: Юридическая помощь\n  total_in_region: 4", 1),
                                      encoding="utf-8")
    data = load(d)
    assert not [s for s in data.services.values() if "legal" in s.categories]  # none listed
    page = next(p.markdown for p in build_content(d, now=NOW).pages if p.path == "services/index.md")
    unlisted = page.split('id="unlisted-title"')[1]
    assert "Юридическая помощь — 4 службы" in unlisted
    # the home page names only kinds with services in the catalogue: an empty kind first in the list is skipped
    text = (d / "categories.yml").read_text(encoding="utf-8")
    head, _, rest = text.partition("\n- id:")
    (d / "categories.yml").write_text(head + "\n- id: pusto\n  name: Вид без служб\n  total_in_region: 3\n- id:" + rest,
                                      encoding="utf-8")
    home = next(p.markdown for p in build_content(d, now=NOW).pages if p.path == "index.md")
    assert "Вид без служб" not in home and "Кризисная психологическая помощь" in home


def test_results_with_units_places_sources(tmp_path: Path):
    project = copy_project(tmp_path / "p")
    d = project / "data"
    (d / "results.yml").write_text("""\
- id: itogi
  title: Итоги
  region: Энская область
  period: 2022–2023 гг.
  groups:
    - id: ohvat
      title: Охват
      unit: человек
      items:
        - label: Дети, получившие помощь
          value: 6000
          qualifier: at_least
          place: 26 районов
          source: отчёт департамента
        - label: Доля школ со службой примирения
          value: 100
          unit: "%"
""", encoding="utf-8")
    content = build_content(d, now=NOW)
    page = next(p.markdown for p in content.pages if p.path == "results.md")
    assert "не менее 6\u202f000" in page and "100 %" in page and "26 районов" in page and "отчёт департамента" in page
    (d / "results.yml").write_text((d / "results.yml").read_text(encoding="utf-8").replace("value: 100", "value: 140"),
                                   encoding="utf-8")
    with pytest.raises(DataErrors) as exc:
        load(d)
    assert "процент больше 100" in exc.value.report() and "results.yml:" in exc.value.report()


def test_unknown_placeholder_is_a_russian_error(tmp_path: Path):
    project = copy_project(tmp_path / "p")
    page = project / "docs" / "parents.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n\nГород: {{ campaign.town }}\n", encoding="utf-8")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0
    assert re.search(r"docs/parents\.md:\d+: неизвестная подстановка «\{\{ campaign\.town \}\}» — допустимо:", result.stdout)
    assert "Traceback" not in result.stdout


# ------------------------------------------------------------------ what the editor sees


def _get(url: str) -> str:
    import urllib.error
    import urllib.request
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.read().decode("utf-8")


def _wait_for(url: str, needle: str, seconds: float = 60) -> str:
    import time
    deadline, text = time.monotonic() + seconds, ""
    while time.monotonic() < deadline:
        try:
            text = _get(url)
            if needle in text:
                return text
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"«{needle}» did not appear at {url}: {text[:500]}")


def test_serve_shows_data_errors_in_the_browser_and_the_site_when_fixed(tmp_path: Path):
    import os
    import socket
    project = copy_project(tmp_path / "p")
    service = project / "data" / "services" / "sluzhba-sos.yml"
    good = service.read_text(encoding="utf-8")
    service.write_text(good.replace("free: true", "free: maybe"), encoding="utf-8")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k != "NO_MKDOCS_2_WARNING"}
    log = open(tmp_path / "serve.log", "w+", encoding="utf-8")
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--livereload", "-a", f"127.0.0.1:{port}"],
                              cwd=project, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        base = f"http://127.0.0.1:{port}/"
        page = _wait_for(base, "Сайт не собран")
        assert "sluzhba-sos.yml:" in page and "free: нужно true или false" in page and "«maybe»" in page
        assert "Сайт не собран" in _get(base + "services/sluzhba-sos/")  # any address shows the errors
        service.write_text(good, encoding="utf-8")
        page = _wait_for(base + "services/sluzhba-sos/", "служба особого сопровождения")
        assert "Сайт не собран" not in _get(base)
    finally:
        server.terminate()
        server.wait(timeout=20)
    log.seek(0)
    out = log.read()
    assert "free: нужно true или false" in out and "Traceback" not in out
    assert "end of life" not in out and "NO_MKDOCS_2_WARNING" not in out  # no English banner, even without the variable
    assert "Сайт для просмотра собран" in out


def test_build_ends_with_one_russian_line_and_no_banner(tmp_path: Path):
    import os
    project = copy_project(tmp_path / "p")
    env = {k: v for k, v in os.environ.items() if k != "NO_MKDOCS_2_WARNING"}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=project, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert "end of life" not in result.stderr and "staging" not in result.stderr
    last = lines[-1]
    pages = len(list((project / "site").rglob("*.html")))
    assert re.fullmatch(rf"INFO\s+-\s+Сайт собран за \d+,\d\d с: {re.escape(str(project / 'site'))} \({pages} страниц[аы]?\)\.", last), last


# ------------------------------------------------------------------ charts on a phone and on a desktop

CHART_TEXT = """() => [...document.querySelectorAll('svg.hs-chart text')].map(t => {
  const svg = t.ownerSVGElement.getBoundingClientRect();
  const box = t.getBoundingClientRect();
  const scale = t.ownerSVGElement.getScreenCTM().a;
  return {text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * scale,
          left: box.left - svg.left, right: box.right - svg.left, width: svg.width};
})"""


@require_chromium()
def test_results_charts_are_legible_at_360_and_1280(visit):
    from .conftest import ROOT as _root  # noqa: F401  (the built site of this repository)
    sizes = {}
    for width in (360, 1280):
        visit.page.set_viewport_size({"width": width, "height": 800})
        page = visit("results/")
        texts = page.evaluate(CHART_TEXT)
        assert len(texts) > 20
        small = [t for t in texts if t["px"] < 12]
        assert not small, f"{width}px: text under 12 px: {small[:3]}"
        cut = [t for t in texts if t["right"] > t["width"] + 0.5 or t["left"] < -0.5 or t["text"].endswith("…")]
        assert not cut, f"{width}px: labels outside the chart or cut: {cut[:3]}"
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{width}px: the page scrolls sideways by {overflow}px"
        sizes[width] = min(t["px"] for t in texts)
    assert sizes[360] >= 12 and sizes[1280] <= 24, sizes  # legible on a phone, not huge on a desktop


def test_command_makes_a_region_wide_campaign_and_check_reports_live_problems(tmp_path: Path):
    script = str(ROOT / "scripts" / "new_campaign.py")
    target = tmp_path / "oblast"
    made = subprocess.run([sys.executable, script, str(target), "--region", "Энская область", "--cities", "Энск, Заречный район",
                           "--timezone", "Europe/Moscow", "--name", "Светлое детство", "--organizer", "Фонд «Энск»",
                           "--organizer-id", "fond-ensk"], capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    assert "Проверьте руками:" in made.stdout and "assured_date" in made.stdout and "адрес-заглушка" in made.stdout
    data = load(target / "data")
    assert data.campaign.city is None and data.campaign.cities == ["Энск", "Заречный район"]
    # an event from the editors' command: the place's city defaults to the region for a region-wide campaign
    from helpsite.editing.scaffold import EventDraft, new_event
    new_event(target / "data", EventDraft(title="Семинар", type="seminar", start=f"{TODAY + dt.timedelta(days=5)} 10:00",
                                          organizer_ids=["fond-ensk"], audience=["teachers"], place="Школа № 1",
                                          address="ул. Мира, 1"))
    campaign = target / "data" / "campaign.yml"
    campaign.write_text(campaign.read_text(encoding="utf-8").replace("status: draft", "status: live"), encoding="utf-8")
    check = subprocess.run([sys.executable, str(target / "scripts" / "check.py")], capture_output=True, text=True)
    assert check.returncode == 1
    assert re.search(r"data/campaign\.yml:\d+: site_url: адрес-заглушка \(example\.org\)", check.stderr), check.stderr
    assert re.search(r"data/services/primer-sluzhba\.yml:\d+: example: запись-пример", check.stderr)
    assert "Traceback" not in check.stderr


def test_a_clean_live_site_has_no_draft_notice(tmp_path: Path):
    spec = CampaignSpec(name="Светлое детство", city="Энск", region="Энская область", timezone="Europe/Moscow",
                        organizer="Фонд «Энск»", organizer_id="fond-ensk", site_url="https://deti-ensk.ru/", empty=True,
                        today=TODAY)
    new_campaign(ROOT, tmp_path / "live", spec)
    campaign = tmp_path / "live" / "data" / "campaign.yml"
    campaign.write_text(campaign.read_text(encoding="utf-8").replace("status: draft", "status: live"), encoding="utf-8")
    # the page the template asks to fill in stops a live build, with its file and line
    about = tmp_path / "live" / "docs" / "about.md"
    result = mkdocs_build(tmp_path / "live", tmp_path / "live" / "site")
    assert result.returncode == 1
    line = next(i for i, text in enumerate(about.read_text(encoding="utf-8").splitlines(), 1) if "Заполните эту страницу" in text)
    assert f"docs/about.md:{line}: текст страницы: страница — ещё заготовка" in result.stdout, result.stdout[-2000:]
    # following the advice: the box removed, the page written
    text = about.read_text(encoding="utf-8")
    box = re.search(r'!!! note "Заполните эту страницу"\n(?:    .*\n|\n)*', text)
    about.write_text(text[:box.start()] + "Программа «Светлое детство» помогает детям Энска.\n\n" + text[box.end():], encoding="utf-8")
    result = mkdocs_build(tmp_path / "live", tmp_path / "live" / "site")
    assert result.returncode == 0, result.stdout[-2000:]
    pages = list((tmp_path / "live" / "site").rglob("*.html"))
    assert pages and not any("hs-draft-notice" in p.read_text(encoding="utf-8") for p in pages)
