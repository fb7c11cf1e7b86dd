"""The campaign's data model: typed, immutable records validated from `data/*.yml`.

Field names follow Open Referral HSDS 3.1 where the concept exists there (organization_id,
alternate_name, application_process, fees_description, minimum_age, assured_date, byday,
opens_at, closes_at, address_1, postal_code, latitude, longitude). Descriptions are in
Russian: they end up in the JSON Schema an editor's YAML plugin shows as help.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from enum import Enum
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints,
                      WithJsonSchema, field_validator, model_validator)
from pydantic_core import PydanticUndefined

from helpsite.data import phones as phone_rules

# ---------------------------------------------------------------- basic types

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80),
               Field(description="Идентификатор: латиница в нижнем регистре, цифры и дефисы, например «krizisnaya-sluzhba». Из него строится адрес страницы — не меняйте его после публикации.")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


# Characters that could end an HTML attribute, a tag or a script string: never in a URL from data
_URL_FORBIDDEN = re.compile(r"[\s\"'<>`\\{}|^\x00-\x1f\x7f]")


def _check_url(value: str) -> str:
    """An absolute http(s) URL with a host, and nothing that could leave an attribute or a tag."""
    if re.match(r"^https?://", value, re.I) and _URL_FORBIDDEN.search(value):
        raise ValueError("url_chars")  # not allowed in a URL (RFC 3986); a space is written %20
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", value, re.I):
        raise ValueError("url")
    if mixed_script_letters(value):
        raise ValueError("url_mixed_script")
    return value


def _script(char: str) -> str | None:
    if not char.isalpha():
        return None
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else "OTHER"


_SCRIPT_NAMES = {"LATIN": "латинские", "CYRILLIC": "русские", "GREEK": "греческие"}


def mixed_script_letters(url: str) -> str:
    """"" when every label of the URL's host name is in one script; otherwise which letters stand out
    («в «gоogle» русские буквы «о» среди латинских»): a look-alike host («gооgle.com» with Cyrillic «о»)."""
    host = urlsplit(url).hostname or ""
    out = []
    for label in host.split("."):
        if label.startswith("xn--"):
            try:
                label = label.encode("ascii").decode("idna")
            except (UnicodeError, ValueError):
                return f"в «{label}» неправильная запись xn--"
        scripts: dict[str, list[str]] = {}
        for char in label:
            script = _script(char)
            if script:
                scripts.setdefault(script, []).append(char)
        if len(scripts) > 1:
            main = max(scripts, key=lambda k: len(scripts[k]))
            for script, chars in scripts.items():
                if script != main:
                    letters = ", ".join(f"«{c}»" for c in dict.fromkeys(chars))
                    out.append(f"в «{label}» {_SCRIPT_NAMES.get(script, 'другие')} буквы {letters} среди "
                               f"{_SCRIPT_NAMES.get(main, 'других').replace('ие', 'их')}")
    return "; ".join(out)


Url = Annotated[str, AfterValidator(_check_url),
                Field(description="Полный адрес, начинается с https:// или http://", json_schema_extra={"format": "uri"})]


def _check_email(value: str) -> str:
    # no quotes, brackets, commas or control characters: what a person's address never has
    if not re.match(r"^[^@\s\"'<>()\[\],;:\\`\x00-\x1f]+@[^@\s\"'<>()\[\],;:\\`\x00-\x1f]+\.[^@\s\"'<>()\[\],;:\\`\x00-\x1f]+$", value):
        raise ValueError("email")
    return value


Email = Annotated[str, AfterValidator(_check_email), Field(json_schema_extra={"format": "email"})]


_TIME = re.compile(r"\s*(\d{1,2})[:.](\d{2})\s*")
_TIMES: dict[str, dt.time] = {}  # «10:00» → its time, parsed once (a time is immutable; records share it)


def _parse_time(value: object) -> object:
    if isinstance(value, dt.time):
        return value
    if isinstance(value, str):
        known = _TIMES.get(value)
        if known is not None:
            return known
        m = _TIME.fullmatch(value)
        if m and int(m.group(1)) < 24 and int(m.group(2)) < 60:
            if len(_TIMES) > 10_000:
                _TIMES.clear()
            known = _TIMES[value] = dt.time(int(m.group(1)), int(m.group(2)))
            return known
    raise ValueError("time")


ClockTime = Annotated[dt.time, BeforeValidator(_parse_time),
                      WithJsonSchema({"type": "string", "pattern": r"^\d{1,2}[:.]\d{2}$",
                                      "description": "Время «ЧЧ:ММ», например «09:00»"})]


def _strict_bool(value: object) -> object:
    if isinstance(value, bool):
        return value
    raise ValueError("bool")


Flag = Annotated[bool, BeforeValidator(_strict_bool)]


def _month_or_date(value: object) -> object:
    """Plan periods are written as «2016-11» (a month) or a full date."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        m = re.fullmatch(r"(\d{4})-(\d{2})", value.strip())
        if m and 1 <= int(m.group(2)) <= 12:
            return dt.date(int(m.group(1)), int(m.group(2)), 1)
    raise ValueError("month")


Month = Annotated[dt.date, BeforeValidator(_month_or_date),
                  WithJsonSchema({"type": "string", "pattern": r"^\d{4}-\d{2}(-\d{2})?$",
                                  "description": "Месяц «ГГГГ-ММ» или дата «ГГГГ-ММ-ДД»"})]


def check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("timezone") from None
    return value


def _not_in_future(value: dt.date) -> dt.date:
    """A check date is a past (or today's) date: «2999-12-31» would show unchecked facts as checked.
    One day of slack for the time zones between the editor and the build machine."""
    if value > dt.date.today() + dt.timedelta(days=1):
        raise ValueError("future_date")
    return value


CheckDate = Annotated[dt.date, AfterValidator(_not_in_future)]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickled as pydantic's `__getstate__` has it, in one call to `_rebuild` instead of a state
        dictionary for `__setstate__` per (nested) record: records go from the loader's worker to
        the build, and into the build cache, ten thousand at a time."""
        private = self.__pydantic_private__
        if private:
            private = {k: v for k, v in private.items() if v is not PydanticUndefined}
        return _rebuild, (type(self), self.__dict__, self.__pydantic_fields_set__, self.__pydantic_extra__, private)


def _rebuild(cls: type[Record], values: dict[str, Any], fields_set: set[str], extra: Any, private: Any) -> Record:
    """A pickled record back: what pydantic's `__setstate__` sets, on a new instance."""
    record = cls.__new__(cls)
    object.__setattr__(record, "__pydantic_fields_set__", fields_set)
    object.__setattr__(record, "__pydantic_extra__", extra)
    object.__setattr__(record, "__pydantic_private__", private)
    object.__setattr__(record, "__dict__", values)
    return record


# ---------------------------------------------------------------- vocabularies (code: English, labels: Russian)

class Vocabulary(str, Enum):
    """A closed list of values: each member is one row of its table — the value written in the data
    (English) and the label a reader sees (Russian): `children = "children", "дети"`."""

    label: str

    def __new__(cls, value: str, label: str = "") -> "Vocabulary":
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


def labels_of(vocabulary: type[Vocabulary]) -> dict[str, str]:
    """value → Russian label, for templates and messages (derived from the one table, never kept apart)."""
    return {member.value: member.label for member in vocabulary}


class Weekday(Vocabulary):
    mo = "mo", "пн"
    tu = "tu", "вт"
    we = "we", "ср"
    th = "th", "чт"
    fr = "fr", "пт"
    sa = "sa", "сб"
    su = "su", "вс"


WEEKDAY_LABELS = labels_of(Weekday)


class OrganizationKind(Vocabulary):
    state_social = "state_social", "государственная социальная служба"
    education = "education", "орган или учреждение образования"
    health = "health", "здравоохранение"
    police = "police", "полиция"
    municipal = "municipal", "администрация города"
    public_council = "public_council", "общественный совет"
    ngo = "ngo", "некоммерческая организация"
    school = "school", "школа"
    volunteers = "volunteers", "добровольцы"
    working_group = "working_group", "рабочая группа"
    other = "other", "другое"


ORGANIZATION_KIND_LABELS = labels_of(OrganizationKind)


class Audience(Vocabulary):
    children = "children", "дети"
    teens = "teens", "подростки"
    parents = "parents", "родители"
    families = "families", "семьи с детьми"
    women_with_children = "women_with_children", "женщины с детьми"
    specialists = "specialists", "специалисты"
    teachers = "teachers", "педагоги"
    everyone = "everyone", "все"


AUDIENCE_LABELS = labels_of(Audience)


class ServiceStatus(Vocabulary):
    active = "active", "работает"
    inactive = "inactive", "не работает"
    defunct = "defunct", "закрыта"
    temporarily_closed = "temporarily closed", "временно закрыта"


SERVICE_STATUS_LABELS = labels_of(ServiceStatus)


class AlgorithmAudience(Vocabulary):
    specialist = "specialist", "специалистам"
    teacher = "teacher", "педагогам"
    parent = "parent", "родителям"
    neighbour = "neighbour", "соседям и очевидцам"
    child = "child", "детям и подросткам"


ALGORITHM_AUDIENCE_LABELS = labels_of(AlgorithmAudience)


class EventType(Vocabulary):
    seminar = "seminar", "семинар"
    training = "training", "обучение"
    parent_meeting = "parent_meeting", "родительское собрание"
    master_class = "master_class", "мастер-класс"
    child_safety_training = "child_safety_training", "тренинг личной безопасности для детей"
    street_action = "street_action", "уличная акция"
    round_table = "round_table", "круглый стол"
    forum = "forum", "форум"
    information_action = "information_action", "информационная акция"
    volunteer_action = "volunteer_action", "добровольческая акция"


EVENT_TYPE_LABELS = labels_of(EventType)


class EventStatus(Vocabulary):
    scheduled = "scheduled", "по плану"
    cancelled = "cancelled", "отменено"
    postponed = "postponed", "перенесено"
    moved_online = "moved_online", "перенесено в онлайн"


EVENT_STATUS_LABELS = labels_of(EventStatus)


class MaterialKind(Vocabulary):
    presentation = "presentation", "презентация"
    photos = "photos", "фотографии"
    resolution = "resolution", "резолюция"
    results = "results", "итоги"
    video = "video", "видеозапись"
    handout = "handout", "раздаточные материалы"
    other = "other", "материалы"


MATERIAL_KIND_LABELS = labels_of(MaterialKind)


class NewsKind(Vocabulary):
    news = "news", "новость"
    resolution = "resolution", "резолюция"
    results = "results", "итоги"
    practice = "practice", "опыт других регионов"


NEWS_KIND_LABELS = labels_of(NewsKind)


class Qualifier(Vocabulary):
    exact = "exact", ""
    more_than = "more_than", "более"
    about = "about", "около"
    at_least = "at_least", "не менее"
    up_to = "up_to", "до"


QUALIFIER_LABELS = labels_of(Qualifier)


class ActivityStatus(Vocabulary):
    planned = "planned", "запланировано"
    in_progress = "in_progress", "выполняется"
    done = "done", "выполнено"
    cancelled = "cancelled", "отменено"


# computed statuses (not written in the data) have labels too
ACTIVITY_STATUS_LABELS = {**labels_of(ActivityStatus), "overdue": "просрочено", "unreported": "программа завершена, отметки нет"}


class StaleLevel(str, Enum):
    """How the build reports records whose `assured_date` is older than `stale_after_days`."""

    info = "info"
    warning = "warning"
    error = "error"


class CampaignStatus(str, Enum):
    """A campaign is a draft (demonstration site, example records allowed) until its editors
    declare it live; a live build refuses placeholders and example records."""

    draft = "draft"
    live = "live"


class ChannelType(Vocabulary):
    chat = "chat", "чат"
    messenger = "messenger", "мессенджер"
    sms = "sms", "СМС"
    email = "email", "электронная почта"
    web = "web", "сайт"


CHANNEL_LABELS = labels_of(ChannelType)

# ---------------------------------------------------------------- shared parts


class Phone(Record):
    number: Annotated[str, BeforeValidator(lambda v: str(v) if isinstance(v, int) and not isinstance(v, bool) else v),
                      Field(description="Номер как его пишут в России: «8-800-2000-122», «+7 495 123-45-67» или короткий «124»")]
    extension: str | None = Field(None, description="Добавочный номер")
    description: str | None = Field(None, description="Пояснение: «с мобильных», «для детей»")

    @field_validator("number")
    @classmethod
    def _valid(cls, value: str) -> str:
        phone_rules.parse(value)  # raises ValueError with a Russian message
        return value

    @property
    def tel(self) -> str:
        return phone_rules.parse(self.number).tel

    @property
    def display(self) -> str:
        return phone_rules.parse(self.number).display


class Link(Record):
    title: Text
    url: Url


class Material(Link):
    """A file or page attached to an event: slides, photos, the resolution, the results."""

    kind: MaterialKind = Field(MaterialKind.other, description="Вид: presentation (презентация), photos (фотографии), resolution (резолюция), results (итоги), video, handout (раздаточные материалы), other")


class Image(Record):
    src: Text = Field(description="Путь к картинке в docs/ (например «assets/images/events/kruglyy-stol.jpg») или полный адрес https://…; картинка с чужого сайта на странице не показывается, только в разметке для поисковиков")
    alt: Text = Field(description="Что изображено — для незрячих читателей")


class ScheduleEntry(Record):
    byday: list[Weekday] = Field(min_length=1, description="Дни недели: mo tu we th fr sa su")
    opens_at: ClockTime
    closes_at: ClockTime
    description: str | None = None

    @model_validator(mode="after")
    def _order(self) -> "ScheduleEntry":
        if self.closes_at <= self.opens_at:
            raise ValueError("closes_before_opens")
        return self


class Hours(Record):
    always_open: Flag = Field(False, description="true — круглосуточно, без выходных")
    weekly: list[ScheduleEntry] = Field(default_factory=list, description="Расписание по дням недели")
    description: str | None = Field(None, description="Пояснение: «по предварительной записи», «кроме праздников»")

    @model_validator(mode="after")
    def _one_kind(self) -> "Hours":
        if self.always_open and self.weekly:
            raise ValueError("hours_both")
        return self


class Address(Record):
    address_1: Text = Field(description="Улица и дом: «ул. Ленина, 31»")
    city: Text
    postal_code: str | None = None
    state_province: str | None = Field(None, description="Область, край, республика")
    description: str | None = Field(None, description="Как добраться, вход, этаж")
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)


class Provenance(Record):
    """Where the facts come from; `example: true` marks invented details."""

    example: Flag = Field(False, description="true — контакты и детали вымышлены (пример для заполнения); сайт покажет пометку «пример»")
    source: str | None = Field(None, description="Откуда сведения: ссылка или название документа")


# ---------------------------------------------------------------- records


class EmergencyNumber(Phone):
    """A number for the moment of danger (112, 102, 103): a phone with a name."""

    name: Text


class Campaign(Record):
    name: Text = Field(description="Название кампании")
    status: CampaignStatus = Field(CampaignStatus.draft, description="draft — демонстрационный сайт (пометка «демонстрационный сайт» на каждой странице и на печатных материалах, примеры разрешены); live — настоящий сайт: сборка откажется публиковать адрес-заглушку, записи-примеры и придуманные номера")
    slogan: str | None = None
    description: Text
    city: Text | None = Field(None, description="Город кампании; не указывайте для кампании на всю область (край, республику)")
    region: Text = Field(description="Регион: «Вологодская область», «Пермский край»")
    region_in: str | None = Field(None, description="Как сказать «где» о регионе, если сайт склоняет неверно: «в Республике Коми», «в Ханты-Мансийском автономном округе — Югре»")
    cities: list[Text] = Field(default_factory=list, description="Города и районы кампании на всю область — для фильтра каталога: «Вологда», «Череповец», «Сокольский район»")
    guardianship_body: str | None = Field(None, description="Кто в регионе выполняет полномочия органа опеки и попечительства, если не сам орган опеки: «управление социальной политики»; в текстах {{ campaign.guardianship }}")
    timezone: str = Field(description="Часовой пояс IANA, например «Europe/Moscow» (UTC+3) или «Asia/Novosibirsk» (UTC+7)")
    site_url: Url
    organizer_ids: list[Id] = Field(default_factory=list, description="Организаторы (id из organizations.yml)")
    main_helpline_id: Id = Field(description="Главная линия помощи (id из helplines.yml): показывается первой везде")
    emergency_numbers: list[EmergencyNumber] = Field(min_length=1)
    quick_exit_url: Url = Field(description="Нейтральный сайт, куда уводит кнопка быстрого выхода (погода, поисковик)")
    copyright: str | None = None
    stale_after_days: int = Field(365, ge=1, le=3650, description="Через сколько дней после assured_date сведения линии помощи или службы считаются устаревшими (сборка сообщает о них, scripts/report.py перечисляет)")
    stale_level: StaleLevel = Field(StaleLevel.info, description="Как сборка сообщает об устаревших записях: info — строкой в журнале (сайт собирается), warning — предупреждением (mkdocs build --strict остановится), error — ошибкой (сайт не собирается)")

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        return check_timezone(value)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def is_draft(self) -> bool:
        return self.status is CampaignStatus.draft

    @property
    def place(self) -> str:
        """The campaign's place as a name: the city, or the region for a region-wide campaign."""
        return self.city or self.region

    @property
    def local_time(self) -> str:
        """«по времени города Вологда» or, region-wide, «по местному времени (Вологодская область)»."""
        return f"по времени города {self.city}" if self.city else f"по местному времени ({self.region})"

    @property
    def in_place(self) -> str:
        """«в городе Вологда» or «в Вологодской области»: where, for running text."""
        from helpsite.data.wording import in_place
        return in_place(self)


class Organization(Provenance):
    id: Id
    name: Text
    alternate_name: str | None = Field(None, description="Краткое название")
    kind: OrganizationKind
    description: str | None = None
    website: Url | None = None
    email: Email | None = None
    phones: list[Phone] = Field(default_factory=list)
    address: Address | None = None


class Category(Record):
    id: Id
    name: Text
    description: str | None = None
    total_in_region: int | None = Field(None, ge=0, description="Сколько таких служб всего в регионе (или городе), если в каталоге перечислены не все: «27»")
    total_source: str | None = Field(None, description="Откуда число total_in_region: отчёт, реестр")
    keywords: list[Text] = Field(default_factory=list, description="Слова, которыми это ищут на сайте (как пишут дети и взрослые): «бьют», «травят», «отчим»")


class Channel(Record):
    type: ChannelType
    name: str | None = Field(None, description="Например «Чат на сайте», «Telegram»")
    url: Url | None = None
    value: str | None = Field(None, description="Адрес или номер для канала без ссылки")

    @model_validator(mode="after")
    def _target(self) -> "Channel":
        if not self.url and not self.value:
            raise ValueError("channel_target")
        return self


class Helpline(Provenance):
    id: Id
    name: Text
    description: str | None = None
    audience: Text = Field(description="Кому помогает: «дети, подростки и их родители»")
    phones: list[Phone] = Field(min_length=1)
    channels: list[Channel] = Field(default_factory=list)
    hours: Hours
    free: Flag
    anonymous: Flag
    url: Url | None = None
    operator: str | None = Field(None, description="Кто отвечает на звонки")
    assured_date: CheckDate = Field(description="Когда сведения последний раз проверены (ГГГГ-ММ-ДД)")


class Service(Provenance):
    id: Id
    name: Text
    alternate_name: str | None = None
    organization_id: Id
    status: ServiceStatus = ServiceStatus.active
    description: Text
    categories: list[Id] = Field(min_length=1, description="Категории (id из categories.yml)")
    audience: list[Audience] = Field(min_length=1)
    minimum_age: int | None = Field(None, ge=0, le=120)
    maximum_age: int | None = Field(None, ge=0, le=120)
    district: Text = Field(description="Район города или «весь город», «онлайн»; у кампании на всю область — город или район области")
    location: Address | None = None
    phones: list[Phone] = Field(default_factory=list)
    email: Email | None = None
    url: Url | None = None
    hours: Hours | None = None
    free: Flag
    fees_description: str | None = None
    anonymous: Flag
    referral_required: Flag = Field(False, description="true — нужно направление")
    application_process: str | None = Field(None, description="Как получить помощь: позвонить, прийти, записаться")
    required_documents: list[str] = Field(default_factory=list)
    eligibility_description: str | None = None
    assured_date: CheckDate = Field(description="Когда сведения последний раз проверены (ГГГГ-ММ-ДД)")

    @model_validator(mode="after")
    def _ages(self) -> "Service":
        if self.minimum_age is not None and self.maximum_age is not None and self.maximum_age < self.minimum_age:
            raise ValueError("age_order")
        return self


ContactRef = Annotated[str, StringConstraints(pattern=r"^(helpline|service|organization):[a-z0-9]+(-[a-z0-9]+)*$"),
                       Field(description="Ссылка на запись: «helpline:<id>», «service:<id>» или «organization:<id>»")]


class Step(Record):
    title: Text
    who: str | None = Field(None, description="Кто действует: «педагог», «вы»")
    action: Text = Field(description="Что сделать")
    within: str | None = Field(None, description="Срок: «немедленно», «в течение суток»")
    contacts: list[ContactRef] = Field(default_factory=list)


class Answer(Record):
    label: Text = Field(description="Вариант ответа: «Да», «Нет», «Не знаю»")
    next: Id | None = Field(None, description="id следующего вопроса")
    outcome: str | None = Field(None, description="Что делать при этом ответе (если вопросов дальше нет)")
    contacts: list[ContactRef] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one(self) -> "Answer":
        if (self.next is None) == (self.outcome is None):
            raise ValueError("answer_target")
        return self


class Question(Record):
    id: Id
    text: Text
    help: str | None = None
    answers: list[Answer] = Field(min_length=2)


class Algorithm(Provenance):
    id: Id
    title: Text
    audience: AlgorithmAudience
    summary: Text
    decision: list[Question] = Field(default_factory=list, description="Вопросы с развилками; первый — начальный")
    steps: list[Step] = Field(min_length=1)
    sources: list[Link] = Field(default_factory=list)
    approved: Flag = Field(False, description="true — алгоритм утверждён экспертной группой")
    keywords: list[Text] = Field(default_factory=list, description="Слова, которыми это ищут на сайте (как пишут дети и взрослые): «бьют», «травят», «отчим»")


class EventPlace(Record):
    name: Text = Field(description="Название места: «Центр семьи, зал 2»")
    address: Address | None = None


class Registration(Record):
    required: Flag = False
    url: Url | None = None
    phone: Phone | None = None
    email: Email | None = None
    deadline: dt.date | None = None
    capacity: int | None = Field(None, ge=1)
    notes: str | None = None


def _parse_moment(value: object) -> object:
    """«2026-12-05 10:00», «2026-12-05T10:00+05:00» or a bare date «2026-12-05» (all day)."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                return dt.date.fromisoformat(text)
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(:\d{2})?([+-]\d{2}:?\d{2}|Z)?", text):
                return dt.datetime.fromisoformat(re.sub(r"([T ])(\d):", r"\g<1>0\2:", text))
        except ValueError:
            pass
    raise ValueError("moment")


LocalDateTime = Annotated[dt.datetime | dt.date, BeforeValidator(_parse_moment),
                          WithJsonSchema({"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}([T ]\d{1,2}:\d{2}(:\d{2})?([+-]\d{2}:?\d{2}|Z)?)?$"}), Field(description="Дата и время «ГГГГ-ММ-ДД ЧЧ:ММ» по часовому поясу кампании (или с явным смещением «+05:00»); только дата «ГГГГ-ММ-ДД» — событие на весь день")]


class Series(Record):
    id: Id
    title: Text
    description: str | None = None
    plan_activity: str | None = None


class Event(Provenance):
    id: Id
    title: Text
    type: EventType
    series_id: Id | None = None
    series_part: int | None = Field(None, ge=1)
    status: EventStatus = EventStatus.scheduled
    start: LocalDateTime
    end: LocalDateTime | None = None
    timezone: str | None = Field(None, description="Часовой пояс IANA, если не как у кампании")
    rescheduled_start: LocalDateTime | None = Field(None, description="Новая дата для перенесённого события")
    place: EventPlace | None = None
    online_url: Url | None = None
    audience: list[Audience] = Field(min_length=1)
    organizer_ids: list[Id] = Field(min_length=1)
    description: Text
    registration: Registration | None = None
    materials: list[Material] = Field(default_factory=list, description="Материалы: презентация, фото, резолюция, итоги (появляются после события)")
    report: str | None = Field(None, description="Итоги события: что сделано, сколько участников, какие решения. Абзацы разделяются пустой строкой, строки «- …» — список. После события страница показывает раздел «Итоги»")
    image: Image | None = None
    plan_activity: str | None = Field(None, description="Номер мероприятия плана: «2.1»")
    date_text: str | None = Field(None, description="Если точная дата ещё не известна: как показать дату читателю — «март 2027 года, дата уточняется»; start тогда — условная дата (первое число месяца), в календарь событие не попадает")

    @property
    def date_approximate(self) -> bool:
        return self.date_text is not None

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str | None) -> str | None:
        return None if value is None else check_timezone(value)

    @model_validator(mode="after")
    def _consistent(self) -> "Event":
        for other in (self.end, self.rescheduled_start):
            if other is not None and isinstance(other, dt.datetime) != isinstance(self.start, dt.datetime):
                raise ValueError("moment_kinds")
        if self.end is not None and naive_utc(self.end, end=True) <= naive_utc(self.start):
            raise ValueError("end_before_start")
        if self.place is None and self.online_url is None:
            raise ValueError("event_where")
        if self.status == EventStatus.moved_online and self.online_url is None:
            raise ValueError("moved_online_url")
        return self

    @property
    def all_day(self) -> bool:
        """Written as a date only: the event takes the day, its hours are not given."""
        return not isinstance(self.start, dt.datetime)


def as_datetime(value: dt.date, tz: dt.tzinfo | None = None, end: bool = False) -> dt.datetime:
    """An event moment as a datetime: a bare date is the start (or, for `end`, the close) of that day."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None or tz is None else value.replace(tzinfo=tz)
    moment = dt.datetime.combine(value, dt.time.max if end else dt.time.min)
    return moment.replace(tzinfo=tz) if tz is not None else moment


def naive_utc(value: dt.date, end: bool = False) -> dt.datetime:
    value = as_datetime(value, end=end)
    return value.replace(tzinfo=None) if value.tzinfo is None else value.astimezone(dt.timezone.utc).replace(tzinfo=None)


class Activity(Record):
    number: Annotated[str, BeforeValidator(lambda v: str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v)] = Field(description="Номер: «1.1»")
    title: Text
    details: list[str] = Field(default_factory=list)
    start: Month = Field(description="Начало: «2027-03» или дата")
    end: Month = Field(description="Окончание: «2027-12» (месяц включительно) или дата")
    responsible: list[Id] = Field(min_length=1, description="Ответственные (id из organizations.yml)")
    results: list[Text] = Field(min_length=1, description="Ожидаемые результаты")
    status: ActivityStatus = ActivityStatus.planned
    evidence: list[Link] = Field(default_factory=list, description="Подтверждения: отчёты, публикации")
    date_text: str | None = Field(None, description="Если срок приблизительный: как показать его читателю — «весна 2027 года», «сроки уточняются»")

    @model_validator(mode="after")
    def _period(self) -> "Activity":
        if self.end < self.start:
            raise ValueError("period_order")
        return self


class Task(Record):
    number: Annotated[str, BeforeValidator(lambda v: str(v) if isinstance(v, int) and not isinstance(v, bool) else v)]
    title: Text
    activities: list[Activity] = Field(min_length=1)


class Plan(Record):
    title: Text
    period: Text = Field(description="Срок программы: «2027–2028 гг.»")
    updated: CheckDate = Field(description="Дата последнего обновления статусов")
    source: str | None = None
    end: Month | None = Field(None, description="Последний месяц программы «2017-12»: когда он прошёл, невыполненные мероприятия показываются «программа завершена, отметки нет», а не «просрочено»")
    finished: Flag = Field(False, description="true — программа завершена (так же, как прошедший end)")
    tasks: list[Task] = Field(min_length=1)



# ---------------------------------------------------------------- label stock (print)

STOCK_GEOMETRY = ("page_width", "page_height", "label_width", "label_height", "columns", "rows",
                  "margin_left", "margin_top", "pitch_x", "pitch_y")
Millimetres = Annotated[float, BeforeValidator(lambda v: v if not isinstance(v, bool) else "bool")]


class LabelStock(Record):
    """A sheet of self-adhesive labels (data/labels/<id>.yml): where each label lies, in mm.

    Figures are measured from the top-left corner of the sheet, as makers publish them.
    """

    id: Id
    name: Text = Field(description="Название, как на упаковке: «Avery L7160»")
    description: str | None = None
    aliases: list[Text] = Field(default_factory=list, description="Другие артикулы с той же раскладкой: «J8160», «L7160»")
    kind: Literal["labels", "cards"] = Field("labels", description="labels — лист наклеек (наклейки в дневник); cards — лист визиток (карточки с телефоном доверия)")
    page_width: Millimetres = Field(210, gt=0, le=1000, description="Ширина листа, мм (A4 — 210)")
    page_height: Millimetres = Field(297, gt=0, le=1000, description="Высота листа, мм (A4 — 297)")
    label_width: Millimetres = Field(gt=0, le=1000, description="Ширина этикетки, мм")
    label_height: Millimetres = Field(gt=0, le=1000, description="Высота этикетки, мм")
    columns: int = Field(ge=1, le=50, description="Этикеток в ряду (по горизонтали)")
    rows: int = Field(ge=1, le=100, description="Рядов на листе (по вертикали)")
    margin_left: Millimetres = Field(ge=0, le=1000, description="От левого края листа до первого столбца, мм")
    margin_top: Millimetres = Field(ge=0, le=1000, description="От верхнего края листа до первого ряда, мм")
    pitch_x: Millimetres = Field(gt=0, le=1000, description="Шаг по горизонтали: от левого края этикетки до левого края соседней, мм")
    pitch_y: Millimetres = Field(gt=0, le=1000, description="Шаг по вертикали: от верхнего края этикетки до верхнего края следующей, мм")
    corner_radius: Millimetres = Field(0, ge=0, le=50, description="Скругление углов, мм (только для контуров пробного листа)")
    padding: Millimetres = Field(2, ge=0, le=50, description="Отступ текста и QR-кода от края этикетки, мм")
    printer_margin: Millimetres = Field(0, ge=0, le=30, description="Поле у края листа, где офисный принтер не печатает, мм: для листов с этикетками до самого края — 4–5; текст и QR-код туда не попадут")
    sources: dict[str, Text] = Field(description="Откуда взята каждая цифра раскладки: ключ — поле (label_width, margin_top…), значение — источник")

    @model_validator(mode="after")
    def _geometry(self) -> "LabelStock":
        # messages: «field|what is wrong — how to fix»; helpsite.printing.stock points the line at `field`
        def mm(value: float) -> str:
            return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")

        missing = [f for f in STOCK_GEOMETRY if f not in self.sources]
        if missing:
            raise ValueError("sources|не указано, откуда взяты размеры: " + ", ".join(missing)
                             + " — добавьте в sources строку для каждого поля, например «margin_top: шаблон производителя»")
        unknown = sorted(set(self.sources) - set(STOCK_GEOMETRY) - {"corner_radius", "padding", "printer_margin"})
        if unknown:
            raise ValueError("sources|в sources неизвестные поля: " + ", ".join(unknown)
                             + " — ключи sources — это поля раскладки: " + ", ".join(STOCK_GEOMETRY))
        if self.columns > 1 and self.pitch_x < self.label_width - 0.005:
            raise ValueError(f"pitch_x|этикетки в ряду налезают друг на друга: шаг {mm(self.pitch_x)} мм меньше ширины "
                             f"{mm(self.label_width)} мм — шаг считается от левого края этикетки до левого края соседней")
        if self.rows > 1 and self.pitch_y < self.label_height - 0.005:
            raise ValueError(f"pitch_y|ряды налезают друг на друга: шаг {mm(self.pitch_y)} мм меньше высоты "
                             f"{mm(self.label_height)} мм — шаг считается от верхнего края этикетки до верхнего края следующей")
        right = self.margin_left + (self.columns - 1) * self.pitch_x + self.label_width
        if right > self.page_width + 0.05:
            raise ValueError(f"columns|этикетки выходят за правый край листа: {mm(right)} мм при ширине {mm(self.page_width)} мм"
                             " — проверьте margin_left, pitch_x, label_width и columns")
        bottom = self.margin_top + (self.rows - 1) * self.pitch_y + self.label_height
        if bottom > self.page_height + 0.05:
            raise ValueError(f"rows|этикетки выходят за нижний край листа: {mm(bottom)} мм при высоте {mm(self.page_height)} мм"
                             " — проверьте margin_top, pitch_y, label_height и rows")
        if 2 * self.padding >= min(self.label_width, self.label_height):
            raise ValueError(f"padding|отступ {mm(self.padding)} мм не оставляет места на этикетке — уменьшите padding")
        return self

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows

    def label_box(self, index: int) -> tuple[float, float, float, float]:
        """Label `index` (0-based, row by row from the top left): (left, top, width, height) in mm from the top-left corner."""
        row, col = divmod(index, self.columns)
        return (self.margin_left + col * self.pitch_x, self.margin_top + row * self.pitch_y,
                self.label_width, self.label_height)


class NewsPost(Provenance):
    id: Id
    title: Text
    kind: NewsKind = Field(NewsKind.news, description="Вид: news (новость), resolution (резолюция), results (итоги), practice (опыт других регионов)")
    date: dt.date = Field(description="Дата события или документа (ГГГГ-ММ-ДД); по ней новости идут в ленте")
    date_approximate: Flag = Field(False, description="true — точной даты в документе нет, date условная")
    date_text: str | None = Field(None, description="Как показать приблизительную дату читателю: «2015 год», «конец 2023 года или позже»")
    place: str | None = Field(None, description="Где: город, район, область")
    summary: Text = Field(description="Коротко, 1–2 предложения: для списка новостей и ленты")
    body: Text = Field(description="Текст. Абзацы разделяются пустой строкой; строки, начинающиеся с «- », — список")
    event_ids: list[Id] = Field(default_factory=list, description="События, к которым относится новость (id из data/events/)")
    links: list[Link] = Field(default_factory=list, description="Документы и публикации")


class Indicator(Record):
    label: Text = Field(description="Коротко, для подписи на графике: «SOS – служба особого сопровождения»")
    value: float = Field(ge=0, description="Число")
    qualifier: Qualifier = Field(Qualifier.exact, description="exact — точно, more_than — «более», about — «около», at_least — «не менее», up_to — «до»")
    unit: str | None = Field(None, description="Единица, если не как у группы: «%», «млн руб.», «человек»")
    place: str | None = Field(None, description="Где: «Череповец», «12 районов области»")
    source: str | None = Field(None, description="Откуда число: отчёт, страница, таблица")
    note: str | None = Field(None, description="Пояснение для таблицы: «в том числе софинансирование области — 40 %»")

    @model_validator(mode="after")
    def _percent(self) -> "Indicator":
        if self.unit == "%" and self.value > 100 and self.qualifier is not Qualifier.more_than:
            raise ValueError("percent_range")
        return self


class IndicatorGroup(Record):
    id: Id
    title: Text = Field(description="Заголовок графика: «Новые службы по видам»")
    unit: Text = Field(description="Единица в родительном падеже множественного числа: «служб», «человек», «программ»")
    total: Indicator | None = Field(None, description="Итог группы: «Создано новых служб — 55»")
    items: list[Indicator] = Field(min_length=1)

    @model_validator(mode="after")
    def _sum(self) -> "IndicatorGroup":
        exact = self.total is not None and self.total.qualifier == Qualifier.exact and \
            all(i.qualifier == Qualifier.exact and i.unit in (None, self.total.unit) for i in self.items)
        if exact and self.total is not None and abs(sum(i.value for i in self.items) - self.total.value) > 1e-9:
            raise ValueError("total_mismatch")
        return self


class ResultSet(Provenance):
    id: Id
    title: Text
    region: Text = Field(description="Где получены результаты: «Вологодская область»")
    period: Text = Field(description="За какой срок: «2022–2023 гг.»")
    description: str | None = None
    news_id: Id | None = Field(None, description="Новость с этими итогами (id из data/news/)")
    groups: list[IndicatorGroup] = Field(min_length=1)


class ProgrammeReach(Record):
    value: float = Field(ge=0, description="Число")
    unit: Text = Field(description="Чего или кого: «детей», «семей», «школ», «%»")
    qualifier: Qualifier = Field(Qualifier.exact, description="exact, more_than («более»), about («около»), at_least («не менее»), up_to («до»)")
    note: str | None = Field(None, description="Пояснение: «за 2022 год», «в 26 районах»")


class Programme(Provenance):
    """An ongoing programme (mentoring, a school mediation course): not one dated event (data/programmes/<id>.yml)."""

    id: Id
    title: Text = Field(description="Название: «Юный медиатор»")
    kind: str | None = Field(None, description="Что это: «наставничество», «обучающая программа», «клуб»")
    description: Text
    audience: list[Audience] = Field(min_length=1)
    organizer_ids: list[Id] = Field(default_factory=list, description="Организаторы (id из organizations.yml)")
    organizers_text: str | None = Field(None, description="Организаторы, которых нет в organizations.yml: «54 школы области»")
    start: Month | None = Field(None, description="Начало: «2022-09» или дата")
    end: Month | None = Field(None, description="Окончание: «2023-05»; не указано — программа идёт")
    period_text: str | None = Field(None, description="Срок словами, если так точнее: «каждый учебный год с 2019»")
    places: list[Text] = Field(default_factory=list, description="Где: города, районы, учреждения")
    reach: list[ProgrammeReach] = Field(default_factory=list, description="Охват: сколько детей, семей, специалистов")
    count: int | None = Field(None, ge=1, description="Сколько таких программ в регионе, если запись описывает несколько: «15»")
    contacts: list[ContactRef] = Field(default_factory=list)
    url: Url | None = None
    plan_activity: str | None = Field(None, description="Номер мероприятия плана: «1.5»")

    @model_validator(mode="after")
    def _period(self) -> "Programme":
        if self.start and self.end and self.end < self.start:
            raise ValueError("period_order")
        return self


# Files of the data directory: name → (model, one record per file?)
class SynonymGroup(Record):
    words: list[Text] = Field(min_length=2, description="Слова и выражения, которые в поиске значат одно и то же: кто ищет одно, найдёт и другое")
    note: str | None = Field(None, description="Пояснение для редакторов")


class SearchSynonyms(Record):
    """data/search_synonyms.yml (необязательный): слова, которыми люди ищут одно и то же."""

    groups: list[SynonymGroup] = Field(default_factory=list)


LIST_FILES: dict[str, type[Record]] = {
    "organizations.yml": Organization,
    "helplines.yml": Helpline,
    "categories.yml": Category,
    "series.yml": Series,
    "results.yml": ResultSet,
}
OPTIONAL_FILES = {"results.yml"}  # may be absent: the site then has no results page
SINGLE_FILES: dict[str, type[Record]] = {"campaign.yml": Campaign, "plan.yml": Plan}
OPTIONAL_SINGLE_FILES: dict[str, type[Record]] = {"search_synonyms.yml": SearchSynonyms}
RECORD_DIRS: dict[str, type[Record]] = {"services": Service, "events": Event, "algorithms": Algorithm, "news": NewsPost,
                                         "programmes": Programme}
