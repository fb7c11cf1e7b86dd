"""The static JSON API: `/api/helplines.json`, `/api/services.json`, `/api/events.json`.

A school site or a regional portal fetches one file and shows our helplines, services or
events. Every item carries our `id` (the same as in the page address, never changed after
publication) and its `page_url`. The shape of each file is described once, by the pydantic
models below: they build the files, give the JSON Schema published beside them
(`/api/schema/<name>.json`) and the field tables on the «Открытые данные» page. The models are
separate from the data model on purpose: a refactoring of `data/` must not change the API.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Callable

from pydantic import BaseModel, ConfigDict, Field

from helpsite.data import model as m
from helpsite.data import phones as phone_rules
from helpsite.pages.eventtimes import event_times
from helpsite.pages.russian import hours_key
from helpsite.data.load import CampaignData
from helpsite.outputs.opendata import hsds as h
from helpsite.outputs.opendata.jsonline import json_line

API_VERSION = 1
FILES = {"helplines": "api/helplines.json", "services": "api/services.json", "events": "api/events.json"}
SCHEMAS = {name: f"api/schema/{name}.json" for name in FILES}


class ApiModel(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class ApiPhone(ApiModel):
    """Телефон."""

    number: str = Field(description="Номер, как его записал редактор: «8-800-2000-122», «124»")
    tel: str = Field(description="Для ссылки tel: — номер E.164 («+78002000122») или короткий номер («124»)")
    display: str = Field(description="Как показать номер читателю")
    extension: str | None = Field(description="Добавочный номер")
    description: str | None = Field(description="Пояснение: «с мобильных», «для детей»")


class ApiScheduleEntry(ApiModel):
    """Часы работы в одни и те же дни недели."""

    byday: list[str] = Field(description="Дни недели: mo tu we th fr sa su")
    opens_at: str = Field(description="Открывается, «ЧЧ:ММ» по местному времени (часовой пояс — campaign.timezone)")
    closes_at: str = Field(description="Закрывается, «ЧЧ:ММ»")
    description: str | None = Field(description="Пояснение к этим часам")


class ApiHours(ApiModel):
    """Часы работы."""

    always_open: bool = Field(description="true — круглосуточно, без выходных")
    weekly: list[ApiScheduleEntry] = Field(description="Расписание по дням недели (пусто, если круглосуточно)")
    description: str | None = Field(description="Пояснение: «по предварительной записи», «кроме праздников»")
    text: str = Field(description="Часы работы одной строкой, как на сайте: «пн–пт 09:00–18:00»")


class ApiAddress(ApiModel):
    """Адрес."""

    address_1: str = Field(description="Улица и дом")
    city: str = Field(description="Город (у кампании на всю область — регион)")
    postal_code: str | None = Field(description="Почтовый индекс")
    state_province: str | None = Field(description="Область, край, республика")
    description: str | None = Field(description="Как добраться, вход, этаж")
    latitude: float | None = Field(description="Широта (WGS 84)")
    longitude: float | None = Field(description="Долгота (WGS 84)")


class ApiRef(ApiModel):
    """Ссылка на запись справочника."""

    id: str = Field(description="Идентификатор записи")
    name: str = Field(description="Название")


class ApiOrganization(ApiModel):
    """Организация, которой принадлежит служба."""

    id: str = Field(description="Идентификатор организации (data/organizations.yml)")
    hsds_id: str = Field(description="Идентификатор этой организации в выгрузке HSDS (UUID)")
    name: str = Field(description="Название")
    kind: str = Field(description="Вид: " + ", ".join(f"{k} ({v})" for k, v in m.ORGANIZATION_KIND_LABELS.items()))
    website: str | None = Field(description="Сайт организации")


class ApiChannel(ApiModel):
    """Другой способ связи: чат, мессенджер, СМС, почта."""

    type: str = Field(description="Вид: " + ", ".join(f"{k} ({v})" for k, v in m.CHANNEL_LABELS.items()))
    name: str | None = Field(description="Название: «Чат на сайте»")
    url: str | None = Field(description="Ссылка")
    value: str | None = Field(description="Адрес или номер, если ссылки нет")


class ApiCampaign(ApiModel):
    """Кампания, которая публикует данные."""

    name: str = Field(description="Название кампании")
    city: str = Field(description="Город")
    region: str = Field(description="Регион")
    timezone: str = Field(description="Часовой пояс IANA: в нём записаны часы работы и время событий")
    site_url: str = Field(description="Адрес сайта")


class ApiHelpline(ApiModel):
    """Линия помощи (телефон доверия)."""

    id: str = Field(description="Идентификатор: постоянный, совпадает с якорем на странице «Телефоны помощи»")
    name: str = Field(description="Название")
    main: bool = Field(description="true — главная линия кампании (показывается вверху каждой страницы)")
    description: str | None = Field(description="Описание")
    audience: str = Field(description="Кому помогает, словами")
    phones: list[ApiPhone] = Field(description="Телефоны")
    channels: list[ApiChannel] = Field(description="Другие способы связи")
    hours: ApiHours = Field(description="Часы работы")
    free: bool = Field(description="Бесплатно")
    anonymous: bool = Field(description="Анонимно")
    url: str | None = Field(description="Сайт линии")
    operator: str | None = Field(description="Кто отвечает на звонки")
    assured_date: dt.date = Field(description="Когда сведения последний раз проверены")
    example: bool = Field(description="true — пример с вымышленными контактами: не показывайте как настоящую линию")
    source: str | None = Field(description="Откуда сведения")
    page_url: str = Field(description="Адрес записи на сайте кампании")


class ApiService(ApiModel):
    """Служба помощи."""

    id: str = Field(description="Идентификатор: постоянный, из него строится адрес страницы /services/<id>/")
    hsds_id: str = Field(description="Идентификатор этой службы в выгрузке HSDS (UUID)")
    name: str = Field(description="Название")
    alternate_name: str | None = Field(description="Краткое или другое название")
    status: str = Field(description="Состояние: " + ", ".join(f"«{k}» ({v})" for k, v in m.SERVICE_STATUS_LABELS.items()))
    status_label: str = Field(description="Состояние по-русски")
    organization: ApiOrganization = Field(description="Организация")
    description: str = Field(description="Описание")
    categories: list[ApiRef] = Field(description="Виды помощи (справочник кампании)")
    audience: list[str] = Field(description="Для кого: " + ", ".join(f"{k} ({v})" for k, v in m.AUDIENCE_LABELS.items()))
    audience_labels: list[str] = Field(description="Для кого, по-русски")
    minimum_age: int | None = Field(description="С какого возраста")
    maximum_age: int | None = Field(description="До какого возраста")
    district: str = Field(description="Район города, «весь город» или «онлайн»")
    location: ApiAddress | None = Field(description="Адрес")
    phones: list[ApiPhone] = Field(description="Телефоны")
    email: str | None = Field(description="Электронная почта")
    url: str | None = Field(description="Сайт службы")
    hours: ApiHours | None = Field(description="Часы работы (null — не указаны)")
    free: bool = Field(description="Бесплатно")
    fees_description: str | None = Field(description="Об оплате")
    anonymous: bool = Field(description="Можно обратиться анонимно")
    referral_required: bool = Field(description="Нужно направление")
    application_process: str | None = Field(description="Как получить помощь")
    required_documents: list[str] = Field(description="Какие документы нужны")
    eligibility_description: str | None = Field(description="Кто может обратиться")
    assured_date: dt.date = Field(description="Когда сведения последний раз проверены")
    example: bool = Field(description="true — пример с вымышленными контактами: не показывайте как настоящую службу")
    source: str | None = Field(description="Откуда сведения")
    page_url: str = Field(description="Страница службы на сайте кампании")


class ApiPlace(ApiModel):
    """Место события."""

    name: str = Field(description="Название места")
    address: ApiAddress | None = Field(description="Адрес")


class ApiRegistration(ApiModel):
    """Запись на событие."""

    required: bool = Field(description="true — без записи не попасть")
    url: str | None = Field(description="Ссылка на запись")
    phone: ApiPhone | None = Field(description="Телефон для записи")
    email: str | None = Field(description="Почта для записи")
    deadline: dt.date | None = Field(description="Записаться до")
    capacity: int | None = Field(description="Число мест")
    notes: str | None = Field(description="Пояснение")


class ApiMaterial(ApiModel):
    """Материал события: презентация, фотографии, резолюция, итоги."""

    title: str = Field(description="Название")
    url: str = Field(description="Ссылка")
    kind: str = Field(description="Вид: " + ", ".join(f"{k} ({v})" for k, v in m.MATERIAL_KIND_LABELS.items()))


class ApiEvent(ApiModel):
    """Событие: семинар, собрание, акция."""

    id: str = Field(description="Идентификатор: постоянный, из него строится адрес страницы /events/<id>/")
    title: str = Field(description="Название")
    type: str = Field(description="Вид: " + ", ".join(f"{k} ({v})" for k, v in m.EVENT_TYPE_LABELS.items()))
    type_label: str = Field(description="Вид по-русски")
    status: str = Field(description="Состояние: " + ", ".join(f"{k} ({v})" for k, v in m.EVENT_STATUS_LABELS.items()))
    status_label: str = Field(description="Состояние по-русски")
    all_day: bool = Field(description="true — событие на весь день (или несколько дней), время не указано")
    start: str = Field(description="Начало: «ГГГГ-ММ-ДДTЧЧ:ММ:СС+ЧЧ:ММ» (со смещением от UTC) или дата «ГГГГ-ММ-ДД» для события на весь день")
    end: str | None = Field(description="Окончание, в том же виде (для события на весь день — последний день)")
    rescheduled_start: str | None = Field(description="Новое начало перенесённого события")
    date_text: str | None = Field(description="Если точная дата не известна — как её назвать («март 2027 года, дата уточняется»); start тогда условный")
    timezone: str = Field(description="Часовой пояс IANA события")
    place: ApiPlace | None = Field(description="Место (null — только онлайн)")
    online_url: str | None = Field(description="Ссылка на трансляцию")
    audience: list[str] = Field(description="Для кого: " + ", ".join(f"{k} ({v})" for k, v in m.AUDIENCE_LABELS.items()))
    audience_labels: list[str] = Field(description="Для кого, по-русски")
    organizers: list[ApiRef] = Field(description="Организаторы")
    description: str = Field(description="Описание (простой текст)")
    registration: ApiRegistration | None = Field(description="Запись")
    series: ApiRef | None = Field(description="Цикл занятий, в который входит событие")
    series_part: int | None = Field(description="Номер занятия в цикле")
    materials: list[ApiMaterial] = Field(description="Материалы")
    report: str | None = Field(description="Итоги (после события; простой текст)")
    example: bool = Field(description="true — пример с вымышленными деталями")
    source: str | None = Field(description="Откуда сведения")
    page_url: str = Field(description="Страница события на сайте кампании")
    ics_url: str = Field(description="Файл календаря .ics этого события")


def _envelope(name: str, item: type[ApiModel], title: str) -> type[ApiModel]:
    fields = {
        "schema_url": (str, Field(alias="$schema", description="Адрес JSON Schema этого файла")),
        "version": (int, Field(description="Версия формата; меняется, только если поле убрано или изменило смысл")),
        "campaign": (ApiCampaign, Field(description="Кто публикует данные")),
        "count": (int, Field(description="Число записей")),
        "items": (list[item], Field(description="Записи")),  # type: ignore[valid-type]
    }
    from pydantic import create_model
    model = create_model(f"Api{name.capitalize()}File", __base__=ApiModel, __doc__=title, **fields)  # type: ignore[call-overload]
    return model


ITEM_MODELS: dict[str, type[ApiModel]] = {"helplines": ApiHelpline, "services": ApiService, "events": ApiEvent}
TITLES = {"helplines": "Линии помощи (телефоны доверия)", "services": "Службы помощи", "events": "События"}
FILE_MODELS = {name: _envelope(name, model, TITLES[name]) for name, model in ITEM_MODELS.items()}


# ------------------------------------------------------------------ building the items
# The items are plain dicts, built in the models' field order and written by pydantic's JSON encoder: the bytes
# `model_dump_json` writes for the validated file model (tests/test_opendata.py checks both: every
# file validates against its model and is the same bytes as the model's own JSON), at half the CPU time of
# building 76 000 model objects at 10 000 services. Dates are ISO strings, as in the model's JSON.

def _time(value: dt.time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def api_phone(phone: m.Phone) -> dict[str, Any]:
    parsed = phone_rules.parse(phone.number)  # `phone.tel` and `phone.display`, looked up once
    return {"number": phone.number, "tel": parsed.tel, "display": parsed.display, "extension": phone.extension,
            "description": phone.description}


def api_hours(hours: m.Hours) -> dict[str, Any]:
    from helpsite.pages.russian import hours_ru
    return {"always_open": hours.always_open,
            "weekly": [{"byday": [d.value for d in e.byday], "opens_at": _time(e.opens_at), "closes_at": _time(e.closes_at),
                        "description": e.description} for e in hours.weekly],
            "description": hours.description, "text": hours_ru(hours)}


def api_address(address: m.Address) -> dict[str, Any]:
    return {"address_1": address.address_1, "city": address.city, "postal_code": address.postal_code,
            "state_province": address.state_province, "description": address.description,
            "latitude": address.latitude, "longitude": address.longitude}


def _moment(value: dt.datetime, all_day: bool) -> str:
    return value.date().isoformat() if all_day else value.isoformat()


class ApiBuilder:
    def __init__(self, data: CampaignData, page_url: Callable[[str], str], site_url: str, known: Any = None):
        """`known`: the `hsds_export.HsdsExport` of the same data and `page_url`, whose HSDS ids and service
        pages are not worked out again."""
        self.data = data
        self.page_url = page_url
        self.site_url = site_url
        self.organization_ids: dict[str, str] = known.organization_ids if known is not None else {}
        self.service_ids: dict[str, str] = known.service_ids if known is not None else {}
        self.service_urls: dict[str, str] = known.service_urls if known is not None else {}
        c = data.campaign
        self.campaign = {"name": c.name, "city": c.place, "region": c.region, "timezone": c.timezone, "site_url": site_url}

    def helplines(self) -> list[dict[str, Any]]:
        from helpsite.pages.site import Site
        main = self.data.campaign.main_helpline_id
        return [{
            "id": x.id, "name": x.name, "main": x.id == main, "description": x.description, "audience": x.audience,
            "phones": [api_phone(p) for p in x.phones],
            "channels": [{"type": c.type.value, "name": c.name, "url": c.url, "value": c.value} for c in x.channels],
            "hours": api_hours(x.hours), "free": x.free, "anonymous": x.anonymous, "url": x.url, "operator": x.operator,
            "assured_date": x.assured_date.isoformat(), "example": x.example, "source": x.source,
            "page_url": self.page_url(Site.HELPLINES) + f"#{x.id}",
        } for x in self.data.helplines.values()]

    def services(self) -> list[dict[str, Any]]:
        from helpsite.pages.site import Site
        data = self.data
        # what many services share is one object, written wherever it appears (the same bytes)
        ids, service_ids, urls = self.organization_ids, self.service_ids, self.service_urls
        organizations = {org.id: {"id": org.id, "hsds_id": ids.get(org.id) or h.hsds_id("organization", org.id), "name": org.name,
                                  "kind": org.kind.value, "website": org.website} for org in data.organizations.values()}
        categories = {c.id: {"id": c.id, "name": c.name} for c in data.categories.values()}
        shared_hours: dict[tuple, dict[str, Any]] = {}  # a few schedules recur in thousands of services

        def hours(value: m.Hours) -> dict[str, Any]:
            key = hours_key(value)
            made = shared_hours.get(key)
            if made is None:
                made = shared_hours[key] = api_hours(value)
            return made

        out = []
        # a vocabulary member's `_value_` and `label` are its `.value` (an enum property: a Python call each, 10,000s
        # of them) and its row of m.SERVICE_STATUS_LABELS / m.AUDIENCE_LABELS
        for s in data.services.values():
            status = s.status
            out.append({
                "id": s.id, "hsds_id": service_ids.get(s.id) or h.hsds_id("service", s.id), "name": s.name,
                "alternate_name": s.alternate_name,
                "status": status._value_, "status_label": status.label,
                "organization": organizations[s.organization_id],
                "description": s.description,
                "categories": [categories[c] for c in s.categories],
                "audience": [a._value_ for a in s.audience], "audience_labels": [a.label for a in s.audience],
                "minimum_age": s.minimum_age, "maximum_age": s.maximum_age, "district": s.district,
                "location": api_address(s.location) if s.location else None, "phones": [api_phone(p) for p in s.phones],
                "email": s.email, "url": s.url, "hours": hours(s.hours) if s.hours else None, "free": s.free,
                "fees_description": s.fees_description, "anonymous": s.anonymous, "referral_required": s.referral_required,
                "application_process": s.application_process, "required_documents": list(s.required_documents),
                "eligibility_description": s.eligibility_description, "assured_date": s.assured_date.isoformat(),
                "example": s.example, "source": s.source, "page_url": urls.get(s.id) or self.page_url(Site.service(s.id)),
            })
        return out

    def events(self) -> list[dict[str, Any]]:
        from helpsite.outputs import calendar as ics
        from helpsite.pages.site import Site
        data = self.data
        out = []
        for e in data.events.values():
            times = event_times(e, data.campaign)
            reg = e.registration
            out.append({
                "id": e.id, "title": e.title, "type": e.type.value, "type_label": m.EVENT_TYPE_LABELS[e.type.value],
                "status": e.status.value, "status_label": m.EVENT_STATUS_LABELS[e.status.value], "all_day": times.all_day,
                "start": _moment(times.start, times.all_day),
                "end": _moment(times.end, times.all_day) if times.end else None,
                "rescheduled_start": _moment(times.rescheduled, times.all_day) if times.rescheduled else None,
                "date_text": e.date_text, "timezone": times.tz.key,
                "place": {"name": e.place.name, "address": api_address(e.place.address) if e.place.address else None}
                if e.place else None,
                "online_url": e.online_url, "audience": [a.value for a in e.audience],
                "audience_labels": [m.AUDIENCE_LABELS[a.value] for a in e.audience],
                "organizers": [{"id": o, "name": data.organizations[o].name} for o in e.organizer_ids],
                "description": e.description,
                "registration": {"required": reg.required, "url": reg.url, "phone": api_phone(reg.phone) if reg.phone else None,
                                 "email": reg.email, "deadline": reg.deadline.isoformat() if reg.deadline else None,
                                 "capacity": reg.capacity, "notes": reg.notes}
                if reg else None,
                "series": {"id": e.series_id, "name": data.series[e.series_id].title} if e.series_id else None,
                "series_part": e.series_part,
                "materials": [{"title": x.title, "url": x.url, "kind": x.kind.value} for x in e.materials],
                "report": e.report, "example": e.example, "source": e.source, "page_url": self.page_url(Site.event(e.id)),
                "ics_url": self.site_url + ics.event_path(e.id),
            })
        return out

    def file_document(self, name: str) -> dict[str, Any]:
        items = getattr(self, name)()
        return {"$schema": self.site_url + SCHEMAS[name], "version": API_VERSION, "campaign": self.campaign,
                "count": len(items), "items": items}

    def file_model(self, name: str) -> ApiModel:
        """The file validated by its model (what the published JSON Schema describes)."""
        return FILE_MODELS[name].model_validate(self.file_document(name))

    def file_bytes(self, name: str) -> bytes:
        """The file as published: compact UTF-8 JSON, the bytes pydantic's own encoder (`model_dump_json`) writes
        for every value these files hold (`jsonline.json_line`: orjson, at half of `to_json`'s time)."""
        return json_line(self.file_document(name))


def json_schema(name: str, site_url: str) -> dict[str, Any]:
    schema = FILE_MODELS[name].model_json_schema(by_alias=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": site_url + SCHEMAS[name],
            "title": TITLES[name], **{k: v for k, v in schema.items() if k != "title"}}


def _dumps(value: Any, indent: int | None = None) -> bytes:
    separators = None if indent else (",", ":")  # compact data files use the fast C encoder
    return (json.dumps(value, ensure_ascii=False, indent=indent, separators=separators) + "\n").encode("utf-8")


def api_files(data: CampaignData, page_url: Callable[[str], str], site_url: str,
              keep: list[Any] | None = None, known: Any = None) -> dict[str, bytes]:
    """{path in the site: bytes} of the API and its schemas (`keep`: see `opendata.open_data_files`; `known`: see
    `ApiBuilder`)."""
    builder = ApiBuilder(data, page_url, site_url, known)
    out = {}
    for name, path in FILES.items():
        document = builder.file_document(name)
        out[path] = json_line(document)  # `file_bytes`
        if keep is not None:
            keep.append(document)
    out.update({path: _dumps(json_schema(name, site_url), indent=1) for name, path in SCHEMAS.items()})
    return out


# ------------------------------------------------------------------ documentation

def field_tables(name: str) -> list[tuple[str, str, list[tuple[str, str, str]]]]:
    """(model name, its Russian title, [(field, type, description)]) for the item model and each nested one."""
    schema = ITEM_MODELS[name].model_json_schema()
    defs = schema.get("$defs", {})
    out = [(ITEM_MODELS[name].__name__, _caption(ITEM_MODELS[name].__doc__), _fields(schema))]
    for key in sorted(defs):
        out.append((key, _caption(defs[key].get("description")), _fields(defs[key])))
    return out


def _caption(doc: str | None) -> str:
    """«Телефон.» → «телефон»: the model's docstring as the second half of a table caption."""
    text = (doc or "").strip().rstrip(".")
    return text[:1].lower() + text[1:]


def _fields(schema: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(name, _type(prop), prop.get("description", "")) for name, prop in schema.get("properties", {}).items()]


def _type(prop: dict[str, Any]) -> str:
    if "$ref" in prop:
        return prop["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in prop:
        kinds = [_type(p) for p in prop["anyOf"]]
        return " | ".join(kinds)
    kind = prop.get("type", "")
    if kind == "array":
        return f"[{_type(prop.get('items', {}))}]"
    if prop.get("format") == "date":
        return "date"
    return {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean", "null": "null"}.get(kind, kind)
