"""Realistic synthetic campaign data for benchmarks and scale tests (deterministic by seed).

Writes a complete `data/` directory: the real campaign, helplines, categories, plan and
algorithms are copied from a base data directory; organisations, services and events are
generated — Russian names and text, valid phone numbers, weekly schedules — and go through
the same validation as real data (`helpsite.load.load`).
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import yaml

STREETS = ["ул. Ленина", "ул. Победы", "пр. Мира", "ул. Садовая", "ул. Юности", "ул. Пархоменко", "ул. Зари",
           "Октябрьский пр.", "ул. Красноармейская", "ул. Газетная", "ул. Черных", "ул. Вязовская", "Уральский пр."]
DISTRICTS = ["Ленинский район", "Дзержинский район", "Тагилстроевский район", "весь город", "Пригородный район"]
KINDS = [("Центр социальной помощи семье и детям", "state_social"), ("Кризисный центр", "ngo"),
         ("Служба психологической помощи", "ngo"), ("Центр «Семья»", "state_social"), ("Школа", "school"),
         ("Детская больница", "health"), ("Фонд помощи детям", "ngo"), ("Отдел опеки", "municipal")]
SERVICE_NAMES = {
    "crisis-psychological-help": "Кризисная психологическая помощь детям и семьям",
    "sos-social-service": "«SOS — служба особого сопровождения»",
    "bullying-response": "Служба экстренного реагирования при травле в школе",
    "family-mediation": "Служба семейной медиации",
    "reconciliation": "Служба примирения",
    "women-with-children": "Поддержка женщин с детьми, пострадавших от насилия",
    "green-room": "«Зелёная комната»",
    "play-therapy": "Игротерапевтический кабинет",
    "rehabilitation": "Реабилитация детей, переживших насилие",
    "parental-addiction": "Помощь родителям с зависимостью",
    "parent-education": "Школа ответственного родительства",
    "methodological-support": "Методический кабинет для специалистов",
    "legal": "Бесплатная юридическая консультация",
    "medical": "Приём детского психиатра",
    "police": "Инспектор по делам несовершеннолетних",
}
SENTENCES = [
    "Специалисты выслушают, помогут разобраться в ситуации и составят план помощи вместе с семьёй.",
    "Консультации проводят психологи с опытом работы с детьми, пережившими насилие.",
    "Можно обратиться лично, по телефону или через школьного психолога.",
    "Помощь оказывается бережно: ребёнку не придётся много раз рассказывать о случившемся.",
    "Служба работает в тесном контакте с органами опеки, школами и больницами города.",
    "Родители получат поддержку и советы, как говорить с ребёнком о трудном.",
    "Для подростков есть групповые занятия и индивидуальные встречи.",
    "Сотрудники помогут собрать документы и сопроводят семью в другие службы.",
    "Если ситуация срочная, специалисты выезжают на место вместе с полицией.",
    "Все сведения об обратившихся остаются конфиденциальными.",
    "В службе работают социальные педагоги, психологи и юристы.",
    "Занятия проходят в уютных кабинетах, оборудованных для детей разного возраста.",
]
EVENT_TITLES = [("Родительское собрание «Как говорить с ребёнком о безопасности»", "parent_meeting", ["parents"]),
                ("Семинар «Раннее выявление жестокого обращения»", "seminar", ["specialists", "teachers"]),
                ("Мастер-класс «Личная безопасность ребёнка»", "master_class", ["parents"]),
                ("Тренинг «Я умею говорить „нет“»", "child_safety_training", ["children"]),
                ("Круглый стол «Вместе защитим»", "round_table", ["specialists"]),
                ("Уличная акция «Детский телефон доверия»", "street_action", ["everyone"])]
BASE_FILES = ["campaign.yml", "helplines.yml", "categories.yml", "series.yml", "plan.yml", "algorithms", "services", "events",
              "search_synonyms.yml"]


def _dump(path: Path, data: object, schema: str) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    path.write_text(f"# yaml-language-server: $schema={schema}\n{text}", encoding="utf-8")


def generate(base_data: Path, out: Path, services: int, events: int | None = None, seed: int = 1) -> Path:
    """Write a data directory with `services` services and `events` events (default services // 10)."""
    rng = random.Random(seed)
    events = services // 10 if events is None else events
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for name in BASE_FILES:
        src = base_data / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, out / name)
    shutil.copytree(base_data / "schema", out / "schema")
    base_orgs = yaml.safe_load((base_data / "organizations.yml").read_text(encoding="utf-8"))
    categories = [c["id"] for c in yaml.safe_load((base_data / "categories.yml").read_text(encoding="utf-8"))]

    org_count = max(1, services // 10)
    orgs = list(base_orgs)
    for i in range(org_count):
        kind_name, kind = KINDS[i % len(KINDS)]
        orgs.append({"id": f"org-{i + 1}", "name": f"{kind_name} № {i + 1}", "kind": kind, "example": True})
    _dump(out / "organizations.yml", orgs, "schema/organizations.schema.json")

    # the real records stay (algorithms refer to them); synthetic ones fill up to the count asked
    services = max(0, services - len(list((out / "services").glob("*.yml"))))
    events = max(0, events - len(list((out / "events").glob("*.yml"))))
    for i in range(services):
        category = categories[i % len(categories)]
        extra = rng.sample(categories, k=rng.choice([0, 0, 1]))
        days = rng.choice([["mo", "tu", "we", "th", "fr"], ["mo", "we", "fr"], ["tu", "th"], ["mo", "tu", "we", "th", "fr", "sa"]])
        opens = rng.choice(["08:00", "09:00", "10:00"])
        closes = rng.choice(["16:00", "17:00", "18:00", "20:00"])
        record = {
            "id": f"service-{i + 1}",
            "name": f"{SERVICE_NAMES.get(category, 'Служба помощи')} № {i + 1}",
            "organization_id": f"org-{rng.randrange(org_count) + 1}",
            "description": " ".join(rng.sample(SENTENCES, k=6)),
            "categories": list(dict.fromkeys([category, *extra])),
            "audience": rng.sample(["children", "teens", "parents", "families", "specialists"], k=2),
            "district": rng.choice(DISTRICTS),
            "location": {"address_1": f"{rng.choice(STREETS)}, {rng.randrange(1, 120)}", "city": "Нижний Тагил"},
            "phones": [{"number": f"8 (3435) {rng.randrange(10, 99)}-{rng.randrange(10, 99)}-{rng.randrange(10, 99)}"}],
            "hours": {"always_open": True} if i % 17 == 0 else
                     {"weekly": [{"byday": days, "opens_at": opens, "closes_at": closes}]},
            "free": rng.random() < 0.9,
            "anonymous": rng.random() < 0.5,
            "referral_required": rng.random() < 0.2,
            "application_process": rng.choice(SENTENCES),
            "assured_date": f"2026-{rng.randrange(1, 12):02d}-{rng.randrange(1, 28):02d}",
            "example": True,
        }
        _dump(out / "services" / f"{record['id']}.yml", record, "../schema/service.schema.json")

    for i in range(events):
        title, kind, audience = EVENT_TITLES[i % len(EVENT_TITLES)]
        month, day, hour = rng.randrange(1, 13), rng.randrange(1, 28), rng.choice([10, 14, 17, 18])
        year = rng.choice([2025, 2026, 2027])
        event_record: dict[str, object] = {
            "id": f"event-{i + 1}", "title": f"{title} ({i + 1})", "type": kind,
            "start": f"{year}-{month:02d}-{day:02d} {hour}:00", "end": f"{year}-{month:02d}-{day:02d} {hour + 2}:00",
            "place": {"name": f"Актовый зал школы № {rng.randrange(1, 90)}",
                      "address": {"address_1": f"{rng.choice(STREETS)}, {rng.randrange(1, 120)}", "city": "Нижний Тагил"}},
            "audience": audience, "organizer_ids": [f"org-{rng.randrange(org_count) + 1}"],
            "description": " ".join(rng.sample(SENTENCES, k=3)), "example": True,
        }
        _dump(out / "events" / f"{event_record['id']}.yml", event_record, "../schema/event.schema.json")
    return out


def vanilla_pages(data_dir: Path, docs: Path) -> int:
    """Plain Markdown pages with the same text as the generated services and events (for the baseline)."""
    count = 0
    for folder in ("services", "events"):
        target = docs / folder
        target.mkdir(parents=True, exist_ok=True)
        for path in sorted((data_dir / folder).glob("*.yml")):
            record = yaml.safe_load(path.read_text(encoding="utf-8"))
            title = record.get("name") or record.get("title")
            lines = [f"# {title}", "", record["description"], ""]
            for key in ("district", "application_process"):
                if record.get(key):
                    lines += [f"**{key}:** {record[key]}", ""]
            for phone in record.get("phones", []):
                lines += [f"Телефон: [{phone['number']}](tel:+7{''.join(c for c in phone['number'] if c.isdigit())[1:]})", ""]
            if record.get("location"):
                lines += [f"Адрес: {record['location']['address_1']}, {record['location']['city']}", ""]
            (target / f"{path.stem}.md").write_text("\n".join(lines), encoding="utf-8")
            count += 1
    return count
