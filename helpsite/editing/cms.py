"""The web editor's configuration (Decap CMS), generated from the data model.

The same pydantic model that validates `data/` and generates `data/schema/` (helpsite.schema)
describes the editor's forms here: one collection per kind of record, one form field per model
field, with a Russian label (`LABELS`), the field's description as the hint, required fields
marked, choices with their Russian labels (the model's `*_LABELS`), date and time pickers that
write exactly what the loader reads («ГГГГ-ММ-ДД ЧЧ:ММ», wall time of the campaign's time zone).

`editor/config.yml` is this module's output, committed; `tests/test_editor_config.py` fails
when the model and the file drift (`python scripts/editor.py config` rewrites it).

Lists kept in one file (organizations.yml, helplines.yml, …) are a YAML list at the top; Decap
edits only mappings, so the editor's server shows them as `items: [...]` and writes them back as a
list (`wrap_list` / `unwrap_list`).
"""

from __future__ import annotations

import datetime as dt
import json
import types
import typing
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from helpsite.data import model as m
from helpsite.data.slug import _TRANSLIT

# ---------------------------------------------------------------- collections

LIST_KEY = "items"  # a top-level list file is shown to Decap as {items: [...]}


@dataclass(frozen=True)
class Spec:
    name: str              # Decap collection name (English, in URLs of the editor)
    label: str             # Russian, in the editor's menu
    label_singular: str
    model: type[BaseModel]
    folder: str | None = None   # data/<folder>/<id>.yml — one record per file
    file: str | None = None     # data/<file> — a single file (a list of records or one record)
    title_field: str = "title"
    summary: str = "{{title}}"
    description: str = ""

    @property
    def is_list_file(self) -> bool:
        return self.file is not None and self.file in m.LIST_FILES


SPECS: tuple[Spec, ...] = (
    Spec("events", "События", "Событие", m.Event, folder="events",
         summary="{{title}} — {{start}}",
         description="Семинары, собрания, акции. Страница события: /events/<id>/. Время — по часовому поясу кампании."),
    Spec("services", "Службы помощи", "Служба", m.Service, folder="services", title_field="name",
         summary="{{name}} ({{district}})",
         description="Каталог служб. Страница службы: /services/<id>/."),
    Spec("news", "Новости", "Новость", m.NewsPost, folder="news", summary="{{title}} — {{date}}",
         description="Новости, итоги, резолюции. Страница: /news/<id>/, запись в ленте новостей."),
    Spec("algorithms", "Алгоритмы «что делать, если…»", "Алгоритм", m.Algorithm, folder="algorithms",
         description="Пошаговые алгоритмы для родителей, педагогов, специалистов, соседей и детей."),
    Spec("organizations", "Организации", "Организации", m.Organization, file="organizations.yml", title_field="name",
         description="Все организации одним списком: организаторы событий, владельцы служб."),
    Spec("helplines", "Телефоны доверия", "Телефоны доверия", m.Helpline, file="helplines.yml", title_field="name",
         description="Линии помощи: первая по порядку — не главная; главная задана в настройках кампании."),
    Spec("categories", "Виды помощи", "Виды помощи", m.Category, file="categories.yml", title_field="name",
         description="Виды помощи для фильтра в каталоге служб."),
    Spec("series", "Циклы занятий", "Циклы занятий", m.Series, file="series.yml",
         description="Циклы занятий (например, 4 семинара): событие ссылается на цикл полем «Цикл»."),
    Spec("programmes", "Постоянные программы", "Программа", m.Programme, folder="programmes",
         description="Программы без одной даты: наставничество, обучающие курсы, клубы. Страница «Программы»."),
    Spec("search_synonyms", "Слова для поиска", "Слова для поиска", m.SearchSynonyms, file="search_synonyms.yml",
         title_field="groups", summary="Слова для поиска",
         description="Группы слов, которые в поиске значат одно и то же («бьют», «избили», «побои»)."),
    Spec("results", "Результаты в цифрах", "Результаты", m.ResultSet, file="results.yml",
         description="Графики на странице «Результаты»."),
    Spec("plan", "План программы", "План", m.Plan, file="plan.yml",
         description="Задачи и мероприятия плана со сроками, ответственными и статусом."),
)

SCHEMA_OF = {"events": "event", "services": "service", "news": "news", "algorithms": "algorithm",
             "programmes": "programme"}


def spec(name: str) -> Spec:
    for s in SPECS:
        if s.name == name:
            return s
    raise KeyError(name)


def schema_line(s: Spec) -> str:
    """The first line of every data file: the JSON Schema an editor's YAML plugin reads."""
    if s.folder:
        return f"# yaml-language-server: $schema=../schema/{SCHEMA_OF[s.folder]}.schema.json"
    assert s.file
    return f"# yaml-language-server: $schema=schema/{s.file.replace('.yml', '.schema.json')}"


# ---------------------------------------------------------------- Russian labels (field name → label)

LABELS: dict[str, str] = {
    "action": "Что сделать", "activities": "Мероприятия", "address": "Адрес", "address_1": "Улица и дом",
    "alt": "Что на картинке", "alternate_name": "Краткое название", "always_open": "Круглосуточно",
    "anonymous": "Анонимно", "answers": "Варианты ответа", "application_process": "Как получить помощь",
    "approved": "Утверждён экспертной группой", "assured_date": "Дата проверки сведений",
    "audience": "Для кого", "body": "Текст", "byday": "Дни недели", "capacity": "Число мест",
    "categories": "Виды помощи", "channels": "Другие каналы связи", "city": "Город",
    "closes_at": "Закрывается", "contacts": "Куда обращаться", "date": "Дата",
    "date_approximate": "Дата приблизительная", "date_text": "Как показать приблизительную дату",
    "deadline": "Записаться до", "decision": "Вопросы с развилками", "description": "Описание",
    "details": "Подробности", "district": "Район", "eligibility_description": "Кому положена помощь",
    "email": "Электронная почта", "end": "Окончание", "event_ids": "События",
    "evidence": "Подтверждения", "example": "Пример (вымышленные сведения)", "extension": "Добавочный номер",
    "fees_description": "Стоимость", "free": "Бесплатно",
    "help": "Пояснение к вопросу", "hours": "Часы работы", "id": "Идентификатор (адрес страницы)",
    "image": "Картинка", "kind": "Вид", "label": "Подпись", "latitude": "Широта", "links": "Ссылки",
    "location": "Адрес", "longitude": "Долгота", "materials": "Материалы", "maximum_age": "Возраст до",
    "minimum_age": "Возраст от", "name": "Название", "news_id": "Новость с итогами", "next": "Следующий вопрос",
    "note": "Пояснение", "notes": "Примечания", "number": "Номер", "online_url": "Ссылка на онлайн-трансляцию",
    "opens_at": "Открывается", "operator": "Кто отвечает", "organization_id": "Организация",
    "organizer_ids": "Организаторы", "outcome": "Что делать", "period": "Срок", "phone": "Телефон",
    "phones": "Телефоны", "place": "Место", "plan_activity": "Мероприятие плана (номер)",
    "postal_code": "Индекс", "qualifier": "Точность", "referral_required": "Нужно направление",
    "region": "Регион", "registration": "Регистрация", "report": "Итоги", "required": "Нужна регистрация",
    "required_documents": "Документы", "rescheduled_start": "Новая дата (для перенесённого)",
    "responsible": "Ответственные", "results": "Результаты", "series_id": "Цикл занятий",
    "series_part": "Номер занятия в цикле", "source": "Источник сведений", "src": "Файл картинки",
    "start": "Начало", "state_province": "Область, край", "status": "Состояние", "steps": "Шаги",
    "summary": "Кратко", "tasks": "Задачи", "text": "Вопрос", "timezone": "Часовой пояс",
    "title": "Название", "total": "Итог", "type": "Вид", "unit": "Единица", "updated": "Дата обновления",
    "url": "Сайт", "value": "Значение", "website": "Сайт", "weekly": "Расписание по дням", "who": "Кто действует",
    "within": "Срок", "items": "Показатели", "sources": "Источники",
    "keywords": "Слова для поиска", "total_in_region": "Всего таких служб в регионе",
    "total_source": "Откуда это число", "organizers_text": "Другие организаторы (словами)",
    "period_text": "Срок словами", "places": "Где проходит", "reach": "Охват", "count": "Сколько таких программ",
    "words": "Слова, которые значат одно и то же", "finished": "Программа завершена", "groups": "Группы",
}

# Hints where the model has no description (or where the form needs to say more than the schema)
HINTS: dict[str, str] = {
    "EmergencyNumber.number": "Номер: «112»",
    "id": "Заполняется само из названия при первом сохранении (латиницей). Из него строится адрес страницы — "
          "после публикации не меняйте.",
    "Phone.number": "Номер как его пишут в России, с кодом города: «8-800-2000-122», «8 (код города) 12-34-56» или "
                    "короткий «124». На сайте станет ссылкой для звонка; неверный номер сайт не примет.",
    "city": "Название города или посёлка, как его пишут в адресе",
    "opens_at": "ЧЧ:ММ", "closes_at": "ЧЧ:ММ",
    "title": "Как увидит читатель.",
    "name": "Как увидит читатель.",
}

# Long text: a multi-line box instead of one line
LONG_TEXT = {"description", "report", "body", "summary", "action", "application_process",
             "eligibility_description", "outcome", "text", "help", "notes", "fees_description"}

# References to other records: field → (collection, the list in a list file or None)
RELATIONS: dict[str, str] = {
    "organization_id": "organizations", "organizer_ids": "organizations", "responsible": "organizations",
    "categories": "categories", "series_id": "series", "event_ids": "events", "news_id": "news",
}

ENUM_LABELS: dict[type[Enum], dict[str, str]] = {
    m.Weekday: m.WEEKDAY_LABELS, m.OrganizationKind: m.ORGANIZATION_KIND_LABELS, m.Audience: m.AUDIENCE_LABELS,
    m.ServiceStatus: m.SERVICE_STATUS_LABELS, m.AlgorithmAudience: m.ALGORITHM_AUDIENCE_LABELS,
    m.EventType: m.EVENT_TYPE_LABELS, m.EventStatus: m.EVENT_STATUS_LABELS, m.MaterialKind: m.MATERIAL_KIND_LABELS,
    m.NewsKind: m.NEWS_KIND_LABELS, m.ActivityStatus: m.ACTIVITY_STATUS_LABELS, m.ChannelType: m.CHANNEL_LABELS,
    m.Qualifier: {**m.QUALIFIER_LABELS, "exact": "точно"},
}

DATE_FORMAT = "YYYY-MM-DD"          # what the loader reads (dt.date)
MOMENT_FORMAT = "YYYY-MM-DD HH:mm"  # helpsite.model._parse_moment: wall time of the campaign's time zone


class ModelDrift(Exception):
    """The model has something the generator does not know how to show (a new type, a field without a label)."""


def _unwrap_optional(annotation: Any) -> tuple[Any, bool]:
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        return (rest[0] if len(rest) == 1 else typing.Union[tuple(rest)]), True  # noqa: UP007
    return annotation, False


def _validators(info: FieldInfo) -> set[Any]:
    out = set()
    for meta in info.metadata:
        func = getattr(meta, "func", None)
        if func is not None:
            out.add(func)
    return out


def _pattern(info: FieldInfo) -> str | None:
    for meta in info.metadata:
        pattern = getattr(meta, "pattern", None)
        if pattern:
            return pattern
    return None


def _bounds(info: FieldInfo) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for meta in info.metadata:
        for attr, key in (("ge", "min"), ("gt", "min"), ("le", "max"), ("lt", "max")):
            value = getattr(meta, attr, None)
            if value is not None:
                out[key] = value
    return out


def _label(name: str) -> str:
    if name not in LABELS:
        raise ModelDrift(f"поле «{name}» без русской подписи: добавьте его в helpsite/editing/cms.py LABELS")
    return LABELS[name]


def _hint(name: str, info: FieldInfo, extra: str = "") -> str | None:
    own = info.description or ""
    if own.startswith("true — "):  # a checkbox in the form, `true` in the file
        own = "Отметьте, если " + own.removeprefix("true — ")
    parts = [HINTS.get(name) or own]
    if extra:
        parts.append(extra)
    text = " ".join(p for p in parts if p).strip()
    return text or None


def _enum_options(enum: type[Enum]) -> list[dict[str, str]]:
    labels = ENUM_LABELS.get(enum)
    if labels is None:
        raise ModelDrift(f"словарь {enum.__name__} без русских подписей: добавьте его в helpsite/editing/cms.py ENUM_LABELS")
    return [{"label": labels.get(v.value) or v.value, "value": v.value} for v in enum]


def _relation(name: str, multiple: bool) -> dict[str, Any]:
    target = spec(RELATIONS[name])
    title = target.title_field
    out: dict[str, Any] = {"widget": "relation", "collection": target.name, "multiple": multiple,
                           "options_length": 500}
    if target.is_list_file:
        out.update(file=target.name, value_field=f"{LIST_KEY}.*.id", search_fields=[f"{LIST_KEY}.*.{title}"],
                   display_fields=[f"{LIST_KEY}.*.{title}"])
    else:
        out.update(value_field="id", search_fields=[title, "id"], display_fields=[title])
    return out


def field_config(name: str, info: FieldInfo, tz_name: str, owner: str = "", within_optional: str = "") -> dict[str, Any]:
    """One model field → one Decap field.

    `within_optional`: the label of an optional object this field sits in. Decap checks required
    fields of an untouched optional object too, so such a field is not `required` in the form
    (its hint says when it is needed; the loader checks it on saving).
    """
    annotation, optional = _unwrap_optional(info.annotation)
    if typing.get_origin(annotation) is typing.Annotated:  # `LocalDateTime | None`: the metadata sits inside
        base, *meta = typing.get_args(annotation)
        inner = next((x for x in meta if isinstance(x, FieldInfo)), None)
        info = FieldInfo.merge_field_infos(info, annotation=base, description=info.description or (inner.description if inner else None))
        info.metadata = [*info.metadata, *(x for x in meta if not isinstance(x, FieldInfo)),
                         *(inner.metadata if inner else [])]
        annotation = base
    required = info.is_required()
    out: dict[str, Any] = {"name": name, "label": _label(name)}
    extra = ""
    funcs = _validators(info)
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    item_pattern = None
    if origin is list and args and typing.get_origin(args[0]) is typing.Annotated:  # list[Id], list[Text]…
        item, *item_meta = typing.get_args(args[0])
        item_pattern = next((getattr(x, "pattern", None) for x in item_meta if getattr(x, "pattern", None)), None)
        args = (item,)
    if name == "id":
        out.update(widget="string", pattern=[_pattern(info) or r"^[a-z0-9]+(-[a-z0-9]+)*$",
                                              "Только латиница в нижнем регистре, цифры и дефисы, например «krizisnaya-sluzhba»"])
        required = False  # filled from the title on the first save (editor.js, the server checks it)
    elif name in RELATIONS:
        out.update(_relation(name, multiple=origin is list))
        target = spec(RELATIONS[name])
        own = info.description if info.description and "Идентификатор:" not in info.description \
            and "id из" not in info.description else ""
        extra = f"Выберите из списка (раздел «{target.label}»): начните печатать название."
        info = FieldInfo.merge_field_infos(info, description=own or None)
        if origin is list and info.metadata and any(getattr(x, "min_length", 0) for x in info.metadata):
            out["min"] = 1
    elif isinstance(annotation, type) and issubclass(annotation, Enum):
        out.update(widget="select", options=_enum_options(annotation))
        if info.description and any(v.value in info.description for v in annotation):
            info = FieldInfo.merge_field_infos(info, description=None)  # the English values are in the list already
        if isinstance(info.default, Enum):
            out["default"] = info.default.value
    elif origin is list and args and isinstance(args[0], type) and issubclass(args[0], Enum):
        out.update(widget="select", multiple=True, options=_enum_options(args[0]))
        if any(getattr(x, "min_length", 0) for x in info.metadata):
            out["min"] = 1
    elif annotation is bool:
        out.update(widget="boolean", default=False if info.is_required() else bool(info.default))
    elif annotation in (int, float):
        out.update(widget="number", value_type="int" if annotation is int else "float", **_bounds(info))
    elif annotation is dt.time:
        out.update(widget="datetime", format="HH:mm", date_format=False, time_format="HH:mm")
    elif annotation is dt.date and m._month_or_date in funcs:
        out.update(widget="string", pattern=[r"^\d{4}-\d{2}(-\d{2})?$", "Месяц «ГГГГ-ММ» (например «2027-03») или дата «ГГГГ-ММ-ДД»"])
    elif annotation is dt.date:
        out.update(widget="datetime", format=DATE_FORMAT, date_format="DD.MM.YYYY", time_format=False)
    elif set(args) == {dt.datetime, dt.date}:
        out.update(widget="datetime", format=MOMENT_FORMAT, date_format="DD.MM.YYYY", time_format="HH:mm")
        info = FieldInfo.merge_field_infos(info, description=None)
        extra = (f"Выберите дату и время. Время — местное, по часовому поясу кампании ({tz_name}); "
                 "в файл запишется как «ГГГГ-ММ-ДД ЧЧ:ММ». Событие на весь день — время начала 00:00.")
    elif annotation is str and m._check_url in funcs:
        out.update(widget="string", pattern=[r"^https?://\S+$", "Полный адрес, начинается с https://"])
    elif annotation is str and m._check_email in funcs:
        out.update(widget="string", pattern=[r"^[^@\s]+@[^@\s]+\.[^@\s]+$", "Адрес почты вида name@example.ru"])
    elif annotation is str:
        out["widget"] = "text" if name in LONG_TEXT else "string"
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        out.update(widget="object", collapsed=not required,
                   fields=model_fields(annotation, tz_name, within_optional or ("" if required and not optional else out["label"])))
    elif origin is list and args and args[0] is str:
        item_field: dict[str, Any] = {"name": name, "label": _label(name), "widget": "string"}
        if item_pattern:
            item_field["pattern"] = [item_pattern, "Ссылка вида «helpline:<id>», «service:<id>» или «organization:<id>»"
                                     if name == "contacts" else "Только латиница в нижнем регистре, цифры и дефисы"]
        out.update(widget="list", field=item_field)
    elif origin is list and args and isinstance(args[0], type) and issubclass(args[0], BaseModel):
        item_model: type[BaseModel] = args[0]
        fields = model_fields(item_model, tz_name)  # an item exists once added: its required fields are required
        out.update(widget="list", collapsed=True, fields=fields)
        names = [f["name"] for f in fields]
        first = next((n for n in ("title", "name", "text", "label", "number") if n in names), None)
        if first:
            out["summary"] = "{{fields.%s}}" % first
            if "number" in names and first != "number":  # plan: «2.1 Семинар для специалистов»
                out["summary"] = "{{fields.number}} {{fields.%s}}" % first
        if any(getattr(x, "min_length", 0) for x in info.metadata):
            out["min"] = 1
    else:
        raise ModelDrift(f"поле «{name}»: тип {annotation!r} не знаком редактору — научите helpsite/editing/cms.py field_config")
    out["required"] = bool(required and not optional)
    if out.get("widget") == "list" and not out["required"]:
        out["default"] = []  # else Decap starts the list with one item when its fields have defaults
    if within_optional:
        out.pop("default", None)  # a default inside an untouched optional object would write the object
    if out["required"] and within_optional:
        out["required"] = False
        extra = (extra + " " if extra else "") + f"Обязательно, если заполняете «{within_optional}»."
    hint = _hint(f"{owner}.{name}" if f"{owner}.{name}" in HINTS else name, info, extra)
    if hint:
        out["hint"] = hint
    return out


def model_fields(model: type[BaseModel], tz_name: str, within_optional: str = "") -> list[dict[str, Any]]:
    fields = [field_config(name, info, tz_name, model.__name__, within_optional) for name, info in model.model_fields.items()]
    # where the facts come from (example, source) closes the form, after the facts themselves
    if issubclass(model, m.Provenance):
        fields = [f for f in fields if f["name"] not in m.Provenance.model_fields] + \
                 [f for f in fields if f["name"] in m.Provenance.model_fields]
    # the record's own id goes after its title: the editor types the title, the id follows from it
    names = [f["name"] for f in fields]
    if "id" in names and names.index("id") == 0 and len(fields) > 1:
        fields.insert(1, fields.pop(0))
    return fields


def collection_config(s: Spec, tz_name: str) -> dict[str, Any]:
    fields = model_fields(s.model, tz_name)
    common = {"name": s.name, "label": s.label, "label_singular": s.label_singular, "description": s.description}
    if s.folder:
        return {**common, "folder": f"data/{s.folder}", "extension": "yml", "format": "yaml", "create": True,
                "delete": False, "identifier_field": s.title_field, "slug": "{{id}}", "summary": s.summary,
                "sortable_fields": [s.title_field], "editor": {"preview": False}, "fields": fields}
    assert s.file
    if s.is_list_file:
        list_field = {"name": LIST_KEY, "label": s.label, "widget": "list", "collapsed": True,
                      "summary": "{{fields.%s}}" % s.title_field, "fields": fields}
        fields = [list_field]
    return {**common, "editor": {"preview": False},
            "files": [{"name": s.name, "label": s.label, "file": f"data/{s.file}", "format": "yaml",
                       "fields": fields}]}


def config(tz_name: str = "Asia/Yekaterinburg", backend: dict[str, Any] | None = None) -> dict[str, Any]:
    """The whole Decap configuration. `backend` defaults to the local server (scripts/editor.py)."""
    return {
        "backend": backend or {"name": "proxy", "proxy_url": "/editor/api/v1", "branch": "main"},
        "locale": "ru",
        "media_folder": "docs/assets/images/uploads",
        "public_folder": "/assets/images/uploads",
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "collections": [collection_config(s, tz_name) for s in SPECS],
    }


HEADER = ("# Сгенерировано из модели данных (helpsite/data/model.py) модулем helpsite/editing/cms.py — не правьте руками.\n"
          "# Пересоздать: python scripts/editor.py config\n")


def render_config(cfg: dict[str, Any]) -> str:
    return HEADER + yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False, width=1000)


# ---------------------------------------------------------------- ids from titles (the same rule in Python and JS)

def translit_table() -> dict[str, str]:
    return dict(_TRANSLIT)


EDITOR_JS = r"""// Сгенерировано helpsite/editing/cms.py: идентификатор новой записи из её названия (как scripts/new_event.py).
(function () {
  var TABLE = __TABLE__;
  var FOLDERS = __FOLDERS__;
  function slug(text, limit) {
    var latin = Array.from(String(text || '').toLowerCase()).map(function (ch) {
      return Object.prototype.hasOwnProperty.call(TABLE, ch) ? TABLE[ch] : ch;
    }).join('');
    var words = latin.match(/[a-z0-9]+/g) || [];
    var out = '';
    for (var i = 0; i < words.length; i++) {
      var candidate = out ? out + '-' + words[i] : words[i];
      if (candidate.length > limit) break;
      out = candidate;
    }
    return out;
  }
  window.helpsiteSlug = slug;
  window.CMS.registerEventListener({
    name: 'preSave',
    handler: function (args) {
      var entry = args.entry;
      var data = entry.get('data');
      var collection = entry.get('collection');
      var conf = FOLDERS[collection];
      if (!conf || !entry.get('newRecord')) return data;  // an id never changes after the first save
      if (data.get('id')) return data;
      var id = slug(data.get(conf.title), 60);
      if (conf.date) {
        var when = String(data.get(conf.date) || '').slice(0, 10);
        if (when) id = id ? id + '-' + when : when;
      }
      return data.set('id', id || 'zapis');
    }
  });
})();
"""


def editor_js() -> str:
    folders = {s.name: {"title": s.title_field, **({"date": "start"} if s.name == "events" else {})}
               for s in SPECS if s.folder}
    return (EDITOR_JS.replace("__TABLE__", json.dumps(translit_table(), ensure_ascii=False))
            .replace("__FOLDERS__", json.dumps(folders, ensure_ascii=False)))


# ---------------------------------------------------------------- what Decap writes → what the loader reads

class _Yaml12Loader(yaml.SafeLoader):
    """YAML as Decap (YAML 1.2) writes it and as our loader reads it (helpsite.yamlsource): a plain
    `17:30` is text, not the base-60 number 1050; `no`, `on`, `y` are text, not booleans."""


def _bool12(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    value = str(node.value)
    return value.lower() == "true" if value.lower() in ("true", "false") or node.style else value


def _number12(kind: str):
    base = getattr(yaml.SafeLoader, f"construct_yaml_{kind}")

    def construct(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
        if ":" in str(node.value) and not node.style:
            return node.value
        return base(loader, node)
    return construct


_Yaml12Loader.add_constructor("tag:yaml.org,2002:bool", _bool12)
_Yaml12Loader.add_constructor("tag:yaml.org,2002:int", _number12("int"))
_Yaml12Loader.add_constructor("tag:yaml.org,2002:float", _number12("float"))


def load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_Yaml12Loader)  # noqa: S506 — a SafeLoader subclass


def _prune(value: Any) -> Any:
    """Drop what an untouched or emptied form field leaves behind: "", null, [], {}."""
    if isinstance(value, dict):
        out = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        items = [_prune(v) for v in value]
        return [v for v in items if v not in (None, "", [], {})]
    if isinstance(value, str):
        return value.strip() if "\n" not in value else value.rstrip() + "\n"
    return value


MOMENTS = ("start", "end", "rescheduled_start")


def _all_day(event: dict[str, Any]) -> dict[str, Any]:
    """The form's picker always has a time: an event starting at 00:00 takes the whole day, written
    as a bare date (as the loader reads «весь день»); its end and new date follow."""
    start = str(event.get("start", ""))
    if not start.endswith(" 00:00"):
        return event
    out = dict(event)
    for key in MOMENTS:
        value = str(out.get(key, ""))
        if value.endswith(" 00:00") or (key != "start" and value.endswith(" 23:59")):
            out[key] = value[:10]
    return out


def keep_comments(old: str, new: str) -> str:
    """The note a person wrote under the schema line of a file survives a save from the form."""
    lines = old.splitlines()
    notes = []
    for line in lines[1:] if lines and lines[0].startswith("# yaml-language-server") else lines:
        if not line.startswith("#"):
            break
        notes.append(line)
    if not notes:
        return new
    first, _, rest = new.partition("\n")
    return first + "\n" + "\n".join(notes) + "\n" + rest


def _tidy(model: type[BaseModel], record: Any) -> Any:
    """`id` first (as in the hand-written files), then the model's order; values equal to the
    model's default left out (a form's untouched «по плану» or unticked «пример»)."""
    if not isinstance(record, dict):
        return record
    out: dict[str, Any] = {}
    fields = model.model_fields
    own = [k for k in fields if k not in m.Provenance.model_fields] + list(m.Provenance.model_fields)
    for key in sorted(record, key=lambda k: (k != "id", own.index(k) if k in own else len(own))):
        value = record[key]
        info = fields.get(key)
        if info is not None and not info.is_required():
            default = info.default.value if isinstance(info.default, Enum) else info.default
            if default is not None and value == default:
                continue
        out[key] = value
    return out


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str)


def dump_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)


def to_file(s: Spec, raw: str) -> tuple[str, Any]:
    """Decap's YAML for collection `s` → (the text of the data file, the cleaned data)."""
    data = load_yaml(raw) if raw.strip() else {}
    if data is None:
        data = {}
    data = _prune(data)
    if s.is_list_file:
        data = data.get(LIST_KEY, []) if isinstance(data, dict) else data
        data = [_tidy(s.model, item) for item in data]
    elif isinstance(data, dict):
        data = _tidy(s.model, data)
        if s.model is m.Event:
            data = _all_day(data)
    body = dump_yaml(data) if data not in ({}, []) else ("[]\n" if s.is_list_file else "{}\n")
    return schema_line(s) + "\n" + body, data


def wrap_list(text: str) -> str:
    """A top-level YAML list file as Decap can edit it: `items:` holding the list."""
    data = load_yaml(text) if text.strip() else []
    return dump_yaml({LIST_KEY: _jsonable(data or [])})


def _jsonable(value: Any) -> Any:
    """Dates and times as the strings the form widgets use (YAML dates would reach Decap as Date objects)."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def event_id(title: str, start: str) -> str:
    """The id an event gets from its title and date — the rule of editor.js and scripts/new_event.py."""
    from helpsite.data.slug import slug
    base = slug(title, 60) if title.strip() else ""
    day = str(start).strip()[:10]
    return f"{base}-{day}" if base and day else (base or day or "zapis")


def files_without_schema_line(data_dir: Path, fix: bool = False) -> list[Path]:
    """Files saved by the editor on a git host lack the first line (Decap writes YAML without
    comments): list them, and with `fix` put the line back (nothing else in the file changes)."""
    data_dir = Path(data_dir)
    found = []
    for s in SPECS:
        paths = sorted((data_dir / s.folder).glob("*.yml")) if s.folder else [data_dir / str(s.file)]
        for path in paths:
            if not path.is_file():
                continue
            text = path.read_text(encoding="utf-8")
            if text.startswith("# yaml-language-server:"):
                continue
            found.append(path)
            if fix:
                path.write_text(schema_line(s) + "\n" + text, encoding="utf-8")
    return found
