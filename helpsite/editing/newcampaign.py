"""A new campaign site from the current one: another city in minutes (scripts/new_campaign.py).

What is copied and what is made new:

- copied as they are: `mkdocs.yml` (only `site_name` changes), `overrides/`, `hooks/`,
  `scripts/` (the editors' commands), `docs/` (texts for children, parents, specialists,
  safety pages), `data/helplines.yml` (national lines: the children's helpline, 112),
  `data/categories.yml`, `data/labels/` (print stock), `data/schema/`;
- rewritten: `data/campaign.yml` (name, slogan, city, region, time zone, organiser, address),
  `data/organizations.yml` (the organiser), `data/plan.yml` (a one-task starter plan),
  `docs/about.md` (a stub to fill), the primary colour in `docs/assets/stylesheets/site.css`;
- `data/algorithms/` — copied, with contacts that point at the old city's services and
  organisations removed (helplines stay);
- services and events: one example service and one example event (`example: true`, no phone
  numbers: an invented number could belong to someone), or none with `empty=True`;
- the shared texts (`docs/`, algorithms) name no campaign, city or region: they take them from
  `data/campaign.yml` through placeholders (helpsite/data/campaigntext.py); the old campaign's name
  in «» is still replaced and links to records the new site lacks go to the catalog pages, and
  any line that still names the old city is listed (a text the template's editors added);
- `data/helplines.yml` keeps the template's check dates with a comment saying so, and the
  command ends with a checklist of what only a person can check (notes);
- the new campaign is a draft (`status: draft`): «Демонстрационный сайт» on every page.

The new `data/` is validated with the site's loader before the command reports success; on
any error the half-made folder is removed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from helpsite.data import model as m
from helpsite.data.load import CampaignData, load
from helpsite.data.slug import slug

COPY_DIRS = ["overrides", "hooks", "docs"]
COPY_DATA = ["helplines.yml", "categories.yml", "labels", "schema"]
SKIP_SCRIPTS = {"bench.py"}


@dataclass
class CampaignSpec:
    name: str
    city: str | None  # None: a campaign for the whole region
    region: str
    timezone: str
    organizer: str  # the organiser's name
    slogan: str | None = None
    color: str = "#5b2a86"
    site_url: str = "https://example.org/"
    organizer_id: str | None = None
    organizer_kind: str = "ngo"
    description: str | None = None
    empty: bool = False  # no example service and event
    today: dt.date | None = None
    cities: list[str] = field(default_factory=list)  # cities and districts of a region-wide campaign

    @property
    def place(self) -> str:
        return self.city or self.region


@dataclass
class NewCampaign:
    target: Path
    notes: list[str] = field(default_factory=list)  # what the editor should look at


# ------------------------------------------------------------------ colour

def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02x}" for c in rgb)


def _mix(color: str, other: tuple[int, int, int], share: float) -> str:
    return _hex(tuple(c + (o - c) * share for c, o in zip(_rgb(color), other, strict=False)))  # type: ignore[arg-type]


def contrast_with_white(color: str) -> float:
    """WCAG 2.1 contrast ratio of the colour against white."""
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in _rgb(color))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return 1.05 / (luminance + 0.05)


def check_color(color: str) -> str:
    """A `#rrggbb` colour readable as text on white and as the background of white text (WCAG AA, 4.5:1)."""
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", color):
        raise ValueError(f"цвет «{color}» записан неверно — нужен вид #rrggbb, например #1f5f8b")
    color = color.lower()
    ratio = contrast_with_white(color)
    if ratio < 4.5:
        darker = color
        while contrast_with_white(darker) < 4.5:
            darker = _mix(darker, (0, 0, 0), 0.05)
        raise ValueError(f"цвет {color} слишком светлый: контраст с белым {ratio:.2f}:1, а нужно не меньше 4,5:1 "
                         f"(ГОСТ Р 52872-2019, WCAG AA) — ссылки и белый текст в шапке не прочитать; возьмите темнее, например {darker}")
    return color


def apply_color(css: str, color: str) -> str:
    values = {"--md-primary-fg-color": color, "--md-primary-fg-color--light": _mix(color, (255, 255, 255), 0.2),
              "--md-primary-fg-color--dark": _mix(color, (0, 0, 0), 0.3)}
    for name, value in values.items():
        css, n = re.subn(rf"({re.escape(name)}:\s*)#[0-9a-fA-F]{{3,6}}", rf"\g<1>{value}", css, count=1)
        if n == 0:
            css = css.replace(":root {", f":root {{\n  {name}: {value};", 1)
    return css


# ------------------------------------------------------------------ data files

def _q(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def campaign_yaml(spec: CampaignSpec, old: m.Campaign, organizer_id: str) -> str:
    where = f"{spec.city}, {spec.region}" if spec.city else spec.region
    description = spec.description or (f"Информационная кампания против жестокого обращения с детьми: {where}. "
                                       f"Телефоны помощи, службы помощи, что делать, если ребёнка обижают.")
    lines = [
        "# yaml-language-server: $schema=schema/campaign.schema.json",
        "# Кампания: название, город или регион, часовой пояс, главные номера. Создано командой scripts/new_campaign.py.",
        f"name: {_q(spec.name)}",
        "# draft — демонстрационный сайт (пометка на каждой странице); live — когда все сведения проверены:",
        "# сборка live откажется публиковать адрес-заглушку, записи-примеры и придуманные номера.",
        "status: draft",
    ]
    if spec.slogan:
        lines.append(f"slogan: {_q(spec.slogan)}")
    lines += [
        f"description: {_q(description)}",
        *([f"city: {_q(spec.city)}"] if spec.city else ["# city не указан: кампания на всю область; города и районы — для фильтра каталога"]),
        f"region: {_q(spec.region)}",
        *(["cities:", *(f"  - {_q(c)}" for c in spec.cities)] if spec.cities else []),
        "# Кто выполняет полномочия органа опеки и попечительства в регионе, если у него другое название",
        "# (тексты скажут «орган опеки и попечительства (в … — …)»), например:",
        "# guardianship_body: управление социальной политики",
        f"timezone: {spec.timezone}",
        f"site_url: {spec.site_url}",
        "organizer_ids:",
        f"  - {organizer_id}",
        f"main_helpline_id: {old.main_helpline_id}",
        "emergency_numbers:",
    ]
    for number in old.emergency_numbers:
        lines += [f"  - name: {_q(number.name)}", f"    number: {_q(number.number)}"]
        if number.description:
            lines.append(f"    description: {_q(number.description)}")
    lines += [
        f"quick_exit_url: {old.quick_exit_url}",
        f"copyright: {_q(spec.name + ', ' + spec.place)}",
        "# Свежесть сведений: записи старше stale_after_days дней — «устаревшие» (scripts/report.py).",
        "# stale_level: info — только строка в журнале сборки; warning — mkdocs build --strict остановится; error — ошибка.",
        "stale_after_days: 365",
        "stale_level: info",
    ]
    return "\n".join(lines) + "\n"


def organizations_yaml(spec: CampaignSpec, organizer_id: str) -> str:
    return "\n".join([
        "# yaml-language-server: $schema=schema/organizations.schema.json",
        "# Организации — участники программы. Добавляйте контакты только проверенные, с полем source.",
        f"- id: {organizer_id}",
        f"  name: {_q(spec.organizer)}",
        f"  kind: {spec.organizer_kind}",
    ]) + "\n"


def plan_yaml(spec: CampaignSpec, organizer_id: str, today: dt.date) -> str:
    end = dt.date(today.year + (today.month + 2) // 12, (today.month + 2) % 12 + 1, 1)
    return "\n".join([
        "# yaml-language-server: $schema=schema/plan.schema.json",
        "# Заготовка плана: замените задачи и мероприятия планом, который примут участники программы.",
        f"title: {_q('План действий «' + spec.name + '»')}",
        f"period: {_q(f'{today.year}–{today.year + 1} гг.')}",
        f"updated: {today.isoformat()}",
        "tasks:",
        '  - number: "1"',
        "    title: Подготовить программу действий",
        "    activities:",
        '      - number: "1.1"',
        "        title: Круглый стол — обсудить и принять план действий",
        f'        start: "{today:%Y-%m}"',
        f'        end: "{end:%Y-%m}"',
        "        responsible:",
        f"          - {organizer_id}",
        "        results:",
        "          - принят план действий программы",
        "        status: planned",
    ]) + "\n"


def example_service_yaml(spec: CampaignSpec, organizer_id: str, category: str, today: dt.date) -> str:
    return "\n".join([
        "# yaml-language-server: $schema=../schema/service.schema.json",
        "# Пример записи: служба вымышлена. Замените её настоящими службами города (файл на службу)",
        "# или удалите. Телефон не указан нарочно: выдуманный номер может принадлежать кому-то.",
        "id: primer-sluzhba",
        "name: Кризисная служба для детей и семей (пример)",
        f"organization_id: {organizer_id}",
        "description: >-",
        "  Пример записи для заполнения. Здесь — что делает служба, кому помогает и как к ней",
        "  обратиться. Замените на настоящую службу вашего города.",
        "categories:",
        f"  - {category}",
        "audience:",
        "  - children",
        "  - parents",
        f"district: {_q('весь город' if spec.city else (spec.cities[0] if spec.cities else 'вся область'))}",
        "location:",
        "  address_1: ул. Примерная, 1",
        f"  city: {_q(spec.city or (spec.cities[0] if spec.cities else spec.region))}",
        "hours:",
        "  weekly:",
        "    - byday: [mo, tu, we, th, fr]",
        "      opens_at: 09:00",
        "      closes_at: 18:00",
        "free: true",
        "anonymous: false",
        f"assured_date: {today.isoformat()}",
        "example: true",
    ]) + "\n"


def example_event_yaml(spec: CampaignSpec, organizer_id: str, today: dt.date) -> tuple[str, str]:
    day = today + dt.timedelta(days=30)
    ident = f"primer-roditelskoe-sobranie-{day.isoformat()}"
    return ident, "\n".join([
        "# yaml-language-server: $schema=../schema/event.schema.json",
        "# Пример события: место и время вымышлены. Новое событие — python scripts/new_event.py.",
        f"id: {ident}",
        "title: Родительское собрание «Безопасность ребёнка» (пример)",
        "type: parent_meeting",
        f'start: "{day.isoformat()} 18:00"',
        f'end: "{day.isoformat()} 19:30"',
        "place:",
        "  name: Школа № 1, актовый зал (пример)",
        "  address:",
        "    address_1: ул. Примерная, 1",
        f"    city: {_q(spec.city or (spec.cities[0] if spec.cities else spec.region))}",
        "audience:",
        "  - parents",
        "organizer_ids:",
        f"  - {organizer_id}",
        "description: >-",
        "  Пример события для заполнения: о чём встреча, для кого, что взять с собой.",
        "example: true",
    ]) + "\n"


def example_results_yaml(spec: CampaignSpec, today: dt.date) -> str:
    """A results file to copy from: figures invented (example: true), shapes as in a real report."""
    return "\n".join([
        "# yaml-language-server: $schema=schema/results.schema.json",
        "# Результаты в цифрах (страница «Результаты»): группа — один график и одна таблица.",
        "# Пример: числа вымышлены (example: true) — замените итогами своей программы или удалите файл.",
        "# qualifier: exact, more_than («более»), about («около»), at_least («не менее»), up_to («до»);",
        "# у числа может быть своя единица (unit: \"%\"), место (place) и источник (source).",
        "- id: primer-itogi",
        f"  title: {_q('Итоги программы «' + spec.name + '» (пример)')}",
        f"  region: {_q(spec.region)}",
        f"  period: {_q(str(today.year) + ' г.')}",
        "  source: отчёт о выполнении программы (пример)",
        "  example: true",
        "  groups:",
        "    - id: pomoshch",
        "      title: Кто получил помощь",
        "      unit: человек",
        "      items:",
        "        - label: Дети и подростки",
        "          value: 100",
        "          qualifier: more_than",
        "        - label: Родители",
        "          value: 40",
        "          qualifier: about",
        "    - id: ohvat",
        "      title: Охват",
        "      unit: \"%\"",
        "      items:",
        "        - label: Районы, где есть службы помощи",
        "          value: 50",
        "          unit: \"%\"",
    ]) + "\n"


_CONTACT_LINE = re.compile(r"^\s*-\s*(service|organization):([a-z0-9]+(?:-[a-z0-9]+)*)\s*$")
_CONTACT_FLOW = re.compile(r"^(\s*(?:- )?contacts:\s*)\[(.*)\]\s*$")


def filter_contacts(text: str, keep: dict[str, set[str]]) -> tuple[str, list[str]]:
    """Remove contact lines pointing at services/organisations the new site does not have."""
    removed: list[str] = []
    lines = []

    def kept(ref: str) -> bool:
        kind, _, ident = ref.partition(":")
        if kind in keep and ident not in keep[kind]:
            removed.append(ref)
            return False
        return True

    for line in text.splitlines():
        match = _CONTACT_LINE.match(line)
        if match and not kept(f"{match.group(1)}:{match.group(2)}"):
            continue
        flow = _CONTACT_FLOW.match(line)
        if flow:
            items = [x.strip() for x in flow.group(2).split(",") if x.strip()]
            line = flow.group(1) + "[" + ", ".join(x for x in items if kept(x)) + "]"
        lines.append(line)
    out = []
    for i, line in enumerate(lines):  # a «contacts:» left without items becomes an empty list
        head = re.match(r"^(\s*)(- )?contacts:\s*$", line)
        if head:
            indent = len(head.group(1)) + (2 if head.group(2) else 0)
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            item = re.match(r"^(\s*)- ", nxt)
            if not (item and len(item.group(1)) >= indent):
                line = line.rstrip() + " []"
        out.append(line)
    return "\n".join(out) + "\n", removed


_DOC_LINK = re.compile(r"\]\((services|events|news|algorithms)/([a-z0-9]+(?:-[a-z0-9]+)*)\.md(#[^)]*)?\)")


def fix_doc_links(text: str, present: dict[str, set[str]]) -> tuple[str, list[str]]:
    changed: list[str] = []

    def repl(match: re.Match[str]) -> str:
        folder, ident = match.group(1), match.group(2)
        if ident == "index" or ident in present.get(folder, set()):
            return match.group(0)
        changed.append(f"{folder}/{ident}.md")
        return f"]({folder}/index.md)"
    return _DOC_LINK.sub(repl, text), changed


def city_stems(city: str) -> list[str]:
    words = re.findall(r"[А-Яа-яЁёA-Za-z]{4,}", city)
    return [w[:-2] if len(w) >= 6 else w[:-1] for w in words]


ABOUT = """---
title: О программе
description: {description}
---

# О программе

«{name}» — программа против жестокого обращения с детьми: {where}.

!!! note "Заполните эту страницу"
    Расскажите, кто и когда начал программу, её цели и принципы, кто в неё входит и как
    читатели могут помочь. Участники — в `data/organizations.yml`, план — в `data/plan.yml`.

## Организаторы

- {organizer}

## Куда обратиться

- Телефоны помощи — на странице [«Телефоны помощи»](helplines.md).
- Службы помощи {{ campaign.in_place }} — в каталоге [«Службы помощи»](services/index.md).
- Что делать в разных ситуациях — в разделе [«Что делать, если…»](algorithms/index.md).
"""


def _readme(spec: CampaignSpec) -> str:
    return f"""# {spec.name} — сайт кампании ({spec.place})

Сайт создан командой `scripts/new_campaign.py` генератора сайтов кампаний (пакет `helpsite`).
Нужен этот пакет: `pip install -e <папка генератора>`. Пока в `data/campaign.yml` стоит
`status: draft`, на каждой странице — пометка «Демонстрационный сайт».

- Собрать сайт: `mkdocs build --strict` (готовый сайт — в `site/`); просмотр при правке: `mkdocs serve`.
- Проверить данные: `python scripts/check.py`; отчёт для редакторов: `python scripts/report.py`.
- Данные — в `data/` (YAML), тексты страниц — в `docs/`. Подробное описание полей — в README шаблона.

С чего начать:

1. `data/campaign.yml` — адрес сайта (`site_url`), описание, подпись внизу страниц.
2. `data/organizations.yml` — участники программы; `data/plan.yml` — план действий.
3. `data/services/` — службы (файл на службу; пример `primer-sluzhba.yml` замените или удалите);
   перенести готовый реестр — `python scripts/import_hsds.py` или таблицей — `python scripts/spreadsheet.py`.
4. `docs/about.md` — страница «О программе»; проверьте тексты в `docs/` (список — в выводе команды).
"""


# ------------------------------------------------------------------ the command

def new_campaign(template: Path, target: Path, spec: CampaignSpec) -> NewCampaign:
    """Create the campaign folder `target` from the project at `template`. Raises ValueError or DataErrors."""
    template, target = Path(template), Path(target)
    if target.exists() and any(target.iterdir()):
        raise ValueError(f"папка {target} не пуста — укажите новую папку")
    if not _tz_ok(spec.timezone):
        raise ValueError(f"неизвестный часовой пояс «{spec.timezone}» — укажите название из базы IANA, например Asia/Yekaterinburg")
    color = check_color(spec.color)
    try:
        m._check_url(spec.site_url)
    except ValueError:
        raise ValueError(f"адрес сайта «{spec.site_url}» — нужен полный адрес https://…/") from None
    if not spec.site_url.endswith("/"):
        spec.site_url += "/"
    organizer_id = spec.organizer_id or slug(spec.organizer, 40)
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", organizer_id):
        raise ValueError(f"id организатора «{organizer_id}» — только латиница в нижнем регистре, цифры и дефисы")
    if spec.organizer_kind not in m.ORGANIZATION_KIND_LABELS:
        raise ValueError(f"вид организации «{spec.organizer_kind}» — допустимо: " + ", ".join(m.ORGANIZATION_KIND_LABELS))
    old = load(template / "data")
    today = spec.today or dt.date.today()
    created_dir = not target.exists()
    result = NewCampaign(target)
    try:
        _make(template, target, spec, old, organizer_id, color, today, result)
        load(target / "data")
    except BaseException:
        if created_dir:
            shutil.rmtree(target, ignore_errors=True)
        else:
            for child in target.iterdir():
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        raise
    return result


def _tz_ok(value: str) -> bool:
    try:
        m.check_timezone(value)
        return True
    except ValueError:
        return False


def _make(template: Path, target: Path, spec: CampaignSpec, old: CampaignData, organizer_id: str, color: str, today: dt.date,
          result: NewCampaign) -> None:
    target.mkdir(parents=True, exist_ok=True)
    mkdocs = (template / "mkdocs.yml").read_text(encoding="utf-8")
    mkdocs = re.sub(r"(?m)^site_name:.*$", lambda _: f"site_name: {_q(spec.name)}", mkdocs, count=1)
    (target / "mkdocs.yml").write_text(mkdocs, encoding="utf-8")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "node_modules")
    for name in COPY_DIRS:
        if (template / name).is_dir():
            shutil.copytree(template / name, target / name, ignore=ignore)
    if (template / "editor").is_dir():  # the web editor (its npm lockfile; the bundle is installed on first run)
        shutil.copytree(template / "editor", target / "editor", ignore=ignore)
        from helpsite.editing import cms
        (target / "editor" / "config.yml").write_text(cms.render_config(cms.config(spec.timezone)), encoding="utf-8")
    (target / "scripts").mkdir()
    for script in sorted((template / "scripts").glob("*.py")):
        if script.name not in SKIP_SCRIPTS:
            shutil.copy2(script, target / "scripts" / script.name)
    if (template / ".gitignore").exists():
        shutil.copy2(template / ".gitignore", target / ".gitignore")
    (target / "README.md").write_text(_readme(spec), encoding="utf-8")

    data = target / "data"
    data.mkdir()
    for name in COPY_DATA:
        src = template / "data" / name
        if src.is_dir():
            shutil.copytree(src, data / name, ignore=ignore)
        elif src.exists():
            shutil.copy2(src, data / name)
    helplines = data / "helplines.yml"
    if helplines.exists():  # the template's check dates are not the new editors' checks: say so where they edit
        note = r"\1# дата проверки шаблона — позвоните или сверьтесь с сайтом линии и поставьте свою\n\1assured_date:"
        helplines.write_text(re.sub(r"(?m)^(\s*)assured_date:", note, helplines.read_text(encoding="utf-8")), encoding="utf-8")
    (data / "campaign.yml").write_text(campaign_yaml(spec, old.campaign, organizer_id), encoding="utf-8")
    (data / "organizations.yml").write_text(organizations_yaml(spec, organizer_id), encoding="utf-8")
    (data / "plan.yml").write_text(plan_yaml(spec, organizer_id, today), encoding="utf-8")
    (data / "series.yml").write_text("# yaml-language-server: $schema=schema/series.schema.json\n"
                                     "# Циклы занятий: «- id: … / title: …». Пока нет.\n[]\n", encoding="utf-8")
    for folder in ("services", "events", "algorithms"):
        (data / folder).mkdir()
    present: dict[str, set[str]] = {"services": set(), "events": set(), "news": set(), "algorithms": set()}
    if not spec.empty:
        category = next(iter(old.categories))
        (data / "services" / "primer-sluzhba.yml").write_text(example_service_yaml(spec, organizer_id, category, today),
                                                              encoding="utf-8")
        event_id, text = example_event_yaml(spec, organizer_id, today)
        (data / "events" / f"{event_id}.yml").write_text(text, encoding="utf-8")
        (data / "results.yml").write_text(example_results_yaml(spec, today), encoding="utf-8")
        present["services"].add("primer-sluzhba")
        present["events"].add(event_id)
    keep = {"service": present["services"], "organization": {organizer_id}}
    for path in sorted((template / "data" / "algorithms").glob("*.yml")):
        text, removed = filter_contacts(path.read_text(encoding="utf-8"), keep)
        (data / "algorithms" / path.name).write_text(text, encoding="utf-8")
        present["algorithms"].add(path.stem)
        if removed:
            result.notes.append(f"data/algorithms/{path.name}: убраны контакты служб и организаций прежнего города "
                                f"({', '.join(sorted(set(removed)))}) — добавьте контакты своих служб")

    css = target / "docs" / "assets" / "stylesheets" / "site.css"
    if css.exists():
        css.write_text(apply_color(css.read_text(encoding="utf-8"), color), encoding="utf-8")
    about = target / "docs" / "about.md"
    about.write_text(ABOUT.format(description=_q(f"О программе «{spec.name}»: цели, участники, как помочь."),
                                  name=spec.name, where=f"{spec.city}, {spec.region}" if spec.city else spec.region,
                                  organizer=spec.organizer),
                     encoding="utf-8")
    stems = city_stems(old.campaign.city) if old.campaign.city and old.campaign.city != spec.city else []
    for page in sorted((target / "docs").rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        text = text.replace(f"«{old.campaign.name}»", f"«{spec.name}»")
        text, changed = fix_doc_links(text, present)
        page.write_text(text, encoding="utf-8")
        rel = page.relative_to(target)
        if changed:
            result.notes.append(f"{rel}: ссылки на записи прежнего сайта ({', '.join(changed)}) ведут теперь на каталог")
        lines = [i for i, line in enumerate(text.splitlines(), 1) if any(s in line for s in stems)]
        if lines:
            result.notes.append(f"{rel}: упоминается прежний город ({old.campaign.city}) — строки {', '.join(map(str, lines))}")
    for path in sorted((data / "algorithms").glob("*.yml")):
        lines = [i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if any(s in line for s in stems)]
        if lines:
            result.notes.append(f"data/algorithms/{path.name}: упоминается прежний город — строки {', '.join(map(str, lines))}")
    result.notes += _checklist(spec, old, today)


def _checklist(spec: CampaignSpec, old: CampaignData, today: dt.date) -> list[str]:
    """What no command can know: the editor checks these by hand before the site goes live."""
    dates = sorted({h.assured_date.isoformat() for h in old.helplines.values()})
    notes = [
        f"data/helplines.yml: общероссийские линии помощи перенесены с датами проверки шаблона ({', '.join(dates)}) — "
        "позвоните или сверьтесь с сайтом каждой линии и поставьте в assured_date дату своей проверки",
        "data/campaign.yml: guardianship_body — кто в вашем регионе выполняет полномочия органа опеки и попечительства "
        "(если у него другое название; тексты алгоритмов и страницы «Специалистам» возьмут его отсюда)",
        "docs/about.md: страница «О программе» — заготовка: цели, участники, история программы",
        "data/organizations.yml, data/plan.yml: участники и план — заготовки (номера мероприятий плана — свои)",
        "data/programmes/: постоянные программы (наставничество, обучение специалистов) — файл на программу, пример в README",
    ]
    if not spec.empty:
        notes.append("data/services/primer-sluzhba.yml, data/events/primer-*.yml, data/results.yml — вымышленные примеры (example: true): "
                     "замените настоящими записями или удалите — сайт со статусом live их не опубликует")
    from helpsite.data.campaign_checks import placeholder_host
    if placeholder_host(spec.site_url):
        notes.append(f"data/campaign.yml: site_url {spec.site_url} — адрес-заглушка; QR-коды листовки, афиш и памяток ведут на него — "
                     "впишите настоящий адрес сайта до печати (сборка со status: live без него не пройдёт)")
    notes.append("status: draft в data/campaign.yml — пока на сайте и печатных материалах пометка «Демонстрационный сайт»; "
                 "когда всё проверено — status: live")
    return notes
