"""`data/` → one validated, immutable model of the campaign.

Every problem of a run is collected and raised together as `DataErrors`; each names the
file, the line, the field path, the bad value and a fix, in Russian for the editors.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import hashlib
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from helpsite.data import model as m
from helpsite.data import phones as phone_rules
from helpsite.data.errors import DataError, DataErrors
from helpsite.data.yamlsource import SourceDoc, format_loc, read_source, read_yaml


@dataclass(frozen=True)
class Origin:
    """Where a record was read from, to point later (cross-reference) errors at a line.

    `doc` is the parsed file, or just its path when it was read in another process: the line
    map is then made again only if an error needs it."""

    doc: SourceDoc | Path | str
    display: str
    loc: tuple[str | int, ...]

    def line_of(self, loc: tuple[str | int, ...]) -> int | None:
        # read in another process: read again, with its line map at once (one parse, not two)
        doc = self.doc if isinstance(self.doc, SourceDoc) else read_yaml(self.doc, self.display, [], with_lines=True)
        return doc.line_of(loc) if doc is not None else None

    def error(self, field_loc: tuple[str | int, ...], message: str, hint: str, value: Any = None) -> DataError:
        full = self.loc + field_loc
        return DataError(file=self.display, line=self.line_of(full), field=format_loc(full) or "",
                         message=message, hint=hint, value=None if value is None else _show(value))


@dataclass(frozen=True)
class CampaignData:
    campaign: m.Campaign
    organizations: dict[str, m.Organization]
    helplines: dict[str, m.Helpline]
    categories: dict[str, m.Category]
    services: dict[str, m.Service]
    algorithms: dict[str, m.Algorithm]
    series: dict[str, m.Series]
    events: dict[str, m.Event]
    plan: m.Plan
    news: dict[str, m.NewsPost] = field(default_factory=dict)  # newest first
    results: dict[str, m.ResultSet] = field(default_factory=dict)
    programmes: dict[str, m.Programme] = field(default_factory=dict)
    synonyms: m.SearchSynonyms = field(default_factory=m.SearchSynonyms)  # data/search_synonyms.yml (optional)
    origins: dict[tuple[str, str], Origin] = field(default_factory=dict, repr=False, compare=False)

    @property
    def main_helpline(self) -> m.Helpline:
        return self.helplines[self.campaign.main_helpline_id]

    def resolve(self, ref: str) -> tuple[str, Any]:
        kind, _, ident = ref.partition(":")
        tables: dict[str, dict[str, Any]] = {"helpline": self.helplines, "service": self.services,
                                             "organization": self.organizations}
        table = tables[kind]
        return kind, table[ident]


# ------------------------------------------------------------------ messages

_CUSTOM: dict[str, tuple[str, str]] = {
    "url": ("это не адрес сайта", "напишите полный адрес, начиная с https://, без пробелов, кавычек и угловых скобок "
                                     "(скопируйте его из адресной строки браузера)"),
    "email": ("это не адрес электронной почты", "пример: info@example.ru"),
    "time": ("время записано неверно", "напишите «ЧЧ:ММ» по 24-часовому циферблату, например «09:00» или «18:30»"),
    "bool": ("нужно true или false", "напишите true (да) или false (нет) — слова yes/no/да/нет/on/off здесь не принимаются, "
             "потому что YAML 1.1 понимает их по-разному"),
    "moment": ("нужны дата и время «ГГГГ-ММ-ДД ЧЧ:ММ» или только дата «ГГГГ-ММ-ДД»",
               "например 2026-12-05 10:00 (время кампании), 2026-12-05T10:00+05:00 или 2026-12-05 (весь день)"),
    "month": ("нужен месяц «ГГГГ-ММ» или дата «ГГГГ-ММ-ДД»", "например «2016-11»"),
    "timezone": ("неизвестный часовой пояс", "укажите название из базы IANA, например «Asia/Yekaterinburg» (UTC+5)"),
    "phone_short": ("неизвестный короткий номер", "короткие номера: 112, 101–104, 124; обычный номер пишите с кодом города: «8 (3435) 12-34-56»"),
    "phone_chars": ("в номере телефона лишние символы",
                    "оставьте цифры, пробелы, дефисы, скобки и «+»; пояснение — в поле description, добавочный — в extension"),
    "phone_invalid": ("такого номера телефона не бывает", "проверьте число цифр и код города: «8 (3435) 12-34-56» или «+7 3435 12-34-56»"),
    "closes_before_opens": ("время закрытия не позже времени открытия", "closes_at должно быть позже opens_at; круглосуточно — hours: {always_open: true}"),
    "hours_both": ("указано и «круглосуточно», и расписание", "оставьте always_open: true или weekly"),
    "channel_target": ("у канала нет ни ссылки, ни адреса", "добавьте url или value"),
    "age_order": ("maximum_age меньше minimum_age", "проверьте возрастные границы"),
    "answer_target": ("у ответа должно быть ровно одно из next или outcome",
                      "next — id следующего вопроса, outcome — что делать, если вопросов больше нет"),
    "end_before_start": ("окончание не позже начала", "проверьте end и start"),
    "event_where": ("не указано, где проходит событие", "добавьте place (место) или online_url (ссылку на трансляцию)"),
    "moved_online_url": ("событие перенесено в онлайн, но нет ссылки", "добавьте online_url"),
    "period_order": ("окончание периода раньше начала", "проверьте start и end"),
    "moment_kinds": ("у начала и окончания (или новой даты) разный вид: одно с временем, другое без",
                     "напишите все даты с временем «2026-12-05 10:00» или все без времени «2026-12-05» (весь день)"),
    "percent_range": ("процент больше 100", "проверьте value; если это не доля, а число, уберите unit: \"%\""),
    "total_mismatch": ("сумма по видам не совпадает с итогом группы",
                       "проверьте числа в items и total; если часть чисел приблизительная, укажите у них qualifier: about"),
}

_PATTERN_HINTS = {
    "helpline|service|organization": "напишите «helpline:<id>», «service:<id>» или «organization:<id>»",
}


def _show(value: Any) -> str:
    if isinstance(value, (dt.date, dt.time)) and not isinstance(value, bool):
        value = value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    text = repr(value) if not isinstance(value, str) else f"«{value}»"
    return text if len(text) <= 80 else text[:77] + "…"


def _translate(err: Mapping[str, Any], model: type[BaseModel], loc: tuple[str | int, ...]) -> tuple[str, str]:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    name = str(loc[-1]) if loc else ""
    if kind == "value_error":
        code = str(ctx.get("error", ""))
        if code in _CUSTOM:
            return _CUSTOM[code]
        special = _special_message(code, err.get("input"))
        if special:
            return special
        return (f"неверное значение: {code}", "исправьте значение")
    if kind == "missing":
        return ("обязательное поле не заполнено", f"добавьте строку «{name}: …»")
    if kind == "extra_forbidden":
        allowed = _allowed_fields(model, loc[:-1])
        close = difflib.get_close_matches(name, allowed, n=1)
        hint = (f"возможно, опечатка — имелось в виду «{close[0]}»? " if close else "") + \
            ("допустимые поля: " + ", ".join(allowed) if allowed else "уберите это поле")
        return ("неизвестное поле", hint)
    if kind in ("enum", "literal_error"):
        return ("недопустимое значение", f"допустимо: {ctx.get('expected', '')}")
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        for key, hint in _PATTERN_HINTS.items():
            if key in pattern:
                return ("неверная ссылка на запись", hint)
        value = err.get("input")
        if isinstance(value, str) and value.strip():
            from helpsite.data.slug import slug

            suggestion = slug(value)
            return ("неверный идентификатор", f"только латиница в нижнем регистре, цифры и дефисы: напишите «{suggestion}»"
                    + (f" (и назовите файл записи {suggestion}.yml)" if loc == ("id",) else ""))
        return ("неверный идентификатор", "только латиница в нижнем регистре, цифры и дефисы: «krizisnaya-sluzhba»")
    if kind in ("string_type",):
        return ("нужен текст", "возьмите значение в кавычки")
    if kind == "string_too_short":
        return ("пустое значение", "заполните поле или удалите его")
    if kind == "string_too_long":
        return ("слишком длинное значение", f"не больше {ctx.get('max_length')} символов")
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return ("нужно целое число", "например 12")
    if kind in ("float_type", "float_parsing"):
        return ("нужно число", "например 57.91")
    if kind.startswith("date") and not kind.startswith("datetime"):
        impossible = impossible_date(err.get("input"))
        if impossible:
            return impossible
        return ("нужна дата «ГГГГ-ММ-ДД»", "например 2026-11-20")
    if kind.startswith("datetime"):
        return ("нужны дата и время «ГГГГ-ММ-ДД ЧЧ:ММ»", "например 2026-12-05 10:00 (время кампании) или 2026-12-05T10:00+05:00")
    if kind == "list_type":
        return ("нужен список", "каждый элемент — с новой строки, начиная с «- »")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return ("нужен набор полей «ключ: значение»", "см. образец в соседних файлах или JSON Schema в data/schema/")
    if kind == "too_short":
        return ("список пуст или слишком короткий", f"нужно элементов: не меньше {ctx.get('min_length')}")
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = ctx.get("ge", ctx.get("gt", ctx.get("le", ctx.get("lt"))))
        return ("число вне допустимого диапазона", f"граница: {bound}")
    if kind == "bool_type":
        return _CUSTOM["bool"]
    return (err.get("msg", kind), "исправьте значение")


_MONTHS = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
           "ноября", "декабря"]
_MONTHS_IN = ["январе", "феврале", "марте", "апреле", "мае", "июне", "июле", "августе", "сентябре", "октябре",
              "ноябре", "декабре"]


def impossible_date(value: Any) -> tuple[str, str] | None:
    """«2017-02-30»: a date written right that the calendar does not have, said in words."""
    found = re.fullmatch(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?", value) if isinstance(value, str) else None
    if not found:
        return None
    year, month, day = (int(g) for g in found.groups())
    if not 1 <= month <= 12:
        return (f"месяца {month} не бывает", "дата пишется «ГГГГ-ММ-ДД»: год, месяц (01–12), число — например 2026-11-20")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        return (f"такой даты нет в календаре: в {_MONTHS_IN[month - 1]} {year} года {last} дней",
                f"исправьте число: например {year}-{month:02d}-{last:02d} ({last} {_MONTHS[month - 1]})")
    return None


def _special_message(code: str, value: Any) -> tuple[str, str] | None:
    """Messages that depend on the value (a validator raised just the code)."""
    if code == "phone_digits" and isinstance(value, str):
        digits = re.sub(r"\D", "", value)
        prefix = "+7" if value.strip().startswith("+") else value.strip()[:1]
        return (f"в номере, который начинается с «{prefix}», должно быть 11 цифр, а здесь {len(digits)}",
                "проверьте, не пропущена ли или не лишняя ли цифра: «8 (3435) 12-34-56» — 8, код города и номер, "
                "всего 11 цифр; номер без кода города впишите с кодом")
    if code == "phone_extension" and isinstance(value, str):
        from helpsite.data.phones import split_extension

        number, extension = split_extension(value)
        return ("добавочный номер записан вместе с номером",
                f"оставьте в number только номер и добавьте отдельное поле: number: \"{number}\" и строкой ниже "
                f"extension: \"{extension}\"")
    if code == "url_mixed_script" and isinstance(value, str):
        from helpsite.data.model import mixed_script_letters

        return (f"в имени сайта смешаны латинские и русские буквы: {mixed_script_letters(value)}",
                "так выглядят поддельные адреса; наберите имя сайта заново на одной раскладке (латиницей — example.ru, "
                "по-русски — пример.рф)")
    if code == "url_chars" and isinstance(value, str):
        bad = sorted({ch for ch in value if ch in _URL_FORBIDDEN or ord(ch) < 32 or ch.isspace()})
        shown = ", ".join("пробел" if ch == " " else f"«{ch}»" if ch.isprintable() else f"U+{ord(ch):04X}" for ch in bad)
        return (f"в адресе недопустимые символы: {shown}", "скопируйте адрес из адресной строки браузера заново: "
                "полный адрес, без пробелов, кавычек и угловых скобок (пробел в адресе пишется как %20)")
    if code == "future_date":
        return ("дата проверки в будущем", "напишите дату, когда сведения действительно проверены (сегодня или раньше)")
    return None


_URL_FORBIDDEN = set('"\'<>\\^`{|}')


def _allowed_fields(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    """Field names of the (nested) model at `loc`, for «did you mean» hints."""
    current: Any = model
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        info = getattr(current, "model_fields", {}).get(part)
        if info is None:
            return []
        current = _inner_model(info.annotation)
    return list(getattr(current, "model_fields", {}).keys()) if current else []


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


# Checks of a whole record (a model validator): the field they are about, and the fields whose
# values the message shows. The line is that of the first field (the end, not the record's id).
_MODEL_CHECKS: dict[str, tuple[str, ...]] = {
    "end_before_start": ("end", "start"),
    "period_order": ("end", "start"),
    "closes_before_opens": ("closes_at", "opens_at"),
    "age_order": ("maximum_age", "minimum_age"),
    "moment_kinds": ("end", "start", "rescheduled_start"),
    "hours_both": ("weekly", "always_open"),
    "moved_online_url": ("status",),
    "total_mismatch": ("total",),
}


def _model_check_error(origin: Origin, loc: tuple[str | int, ...], code: str, data: Any) -> DataError:
    message, hint = _CUSTOM[code]
    fields = _MODEL_CHECKS[code]
    data = data if isinstance(data, dict) else {}
    present = [f for f in fields if f in data]
    target = present[0] if present else fields[0]
    shown = [f"{f}: {_plain(data[f])}" + (f" в строке {origin.line_of(origin.loc + loc + (f,))}" if f != target else "")
             for f in present if not isinstance(data[f], (dict, list))]
    if shown and code != "total_mismatch":
        message += " (" + "; ".join(shown) + ")"
    if code == "total_mismatch" and isinstance(data.get("items"), list):
        values = [i.get("value") for i in data["items"] if isinstance(i, dict)]
        if all(isinstance(v, (int, float)) for v in values) and isinstance(data.get("total"), dict):
            message += f": сумма по видам {sum(v for v in values if isinstance(v, (int, float))):g}, итог {data['total'].get('value')}"
    return origin.error(loc + (target,), message, hint)


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _misplaced_keys(errs: Sequence[Mapping[str, Any]], model: type[BaseModel], data: Any) -> dict[int, tuple | None]:
    """A key indented under the wrong parent shows up twice: «unknown field» where it stands and
    «required field missing» where it belongs. Pair them (by field name) into one message:
    {id(err): (where it is, where it belongs) for the unknown one, None for the missing one}."""
    extra: dict[str, Any] = {}
    for err in errs:
        if err["type"] == "extra_forbidden":
            extra.setdefault(str(err["loc"][-1]), err)
    out: dict[int, tuple | None] = {}
    for err in errs:
        if err["type"] != "missing" or not err["loc"]:
            continue
        found = extra.pop(str(err["loc"][-1]), None)
        if found is not None:
            out[id(found)] = (tuple(found["loc"]), tuple(err["loc"]))
            out[id(err)] = None
    for name, err in extra.items():  # an optional field one level too deep: it belongs to an enclosing record
        loc = tuple(err["loc"])
        for cut in range(len(loc) - 2, -1, -1):
            parent = loc[:cut]
            if parent and isinstance(parent[-1], int):
                continue
            if name in _allowed_fields(model, parent):
                if name not in (_at_path(data, parent) or {}):  # not there yet: this is the one, misplaced
                    out[id(err)] = (loc, parent + (name,))
                break
    return out


def _at_path(data: Any, loc: tuple) -> Any:
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data if isinstance(data, dict) else None


def _misplaced_error(origin: Origin, doc: SourceDoc, where: tuple, belongs: tuple) -> DataError:
    name = str(where[-1])
    parent = belongs[:-1]
    is_at = "внутри «" + format_loc(where[:-1]) + "»" if where[:-1] else "на верхнем уровне"
    should = "внутри «" + format_loc(parent) + "»" if parent else "на верхнем уровне записи"
    sibling = next(((key, line) for key, line in sorted(doc.lines.items(), key=lambda kv: kv[1])
                    if len(key) == len(origin.loc + belongs) and key[:-1] == origin.loc + parent
                    and isinstance(key[-1], str) and key[-1] != name), None)
    hint = (f"сделайте у строки «{name}:» такой же отступ, как у строки {sibling[1]} («{sibling[0][-1]}:»)" if sibling
            else f"перенесите строку «{name}:» {should}")
    return origin.error(where, f"поле «{name}» стоит {is_at}, а должно быть {should}: неверный отступ", hint)


# ------------------------------------------------------------------ loading


class _Loader:
    def __init__(self, data_dir: Path, cache_dir: Path | None = None):
        self.data_dir = data_dir
        self.root = data_dir.parent  # the project (a Path's parent is a new Path each time it is asked for: once)
        project = str(self.root)
        self._project_prefix = project if project.endswith(os.sep) else project + os.sep
        self.cache_dir = cache_dir  # validated records of earlier builds (RecordCache), if given
        self.errors: list[DataError] = []
        self.origins: dict[tuple[str, str], Origin] = {}
        # ids present in the files even where the record failed validation: a reference to
        # such a record is not reported again as dangling (one mistake, one message)
        self.present: set[tuple[str, str]] = set()

    def display(self, path: Path | str) -> str:
        text = str(path)
        if text.startswith(self._project_prefix):  # what relative_to gives, without its parsing (thousands of files)
            return text[len(self._project_prefix):]
        try:
            return str(Path(path).relative_to(self.root))
        except ValueError:
            return text

    def validate(self, model: type[m.Record], data: Any, doc: SourceDoc, loc: tuple[str | int, ...]) -> Any:
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            origin = Origin(doc, self.display(doc.path), loc)
            errs = exc.errors(include_url=False)
            moved = _misplaced_keys(errs, model, data)
            for err in errs:
                eloc = tuple(err["loc"])
                if id(err) in moved:
                    pair = moved[id(err)]
                    if pair is not None:
                        self.errors.append(_misplaced_error(origin, doc, *pair))
                    continue
                if err["type"] == "value_error" and str((err.get("ctx") or {}).get("error", "")) in _MODEL_CHECKS:
                    self.errors.append(_model_check_error(origin, eloc, str(err["ctx"]["error"]), err.get("input")))
                    continue
                message, hint = _translate(err, model, eloc)
                value = err.get("input") if err["type"] not in ("missing", "model_type") else None
                if err["type"] == "extra_forbidden":
                    value = None
                if isinstance(value, (dict, list)):
                    value = None
                self.errors.append(origin.error(eloc, message, hint, value))
            return None

    def read(self, path: Path | str, raw: bytes | None = None) -> SourceDoc | None:
        return read_yaml(path, self.display(path), self.errors, root=self.root, raw=raw)

    def single(self, name: str) -> Any:
        model = m.SINGLE_FILES.get(name) or m.OPTIONAL_SINGLE_FILES[name]
        path = self.data_dir / name
        if not path.exists():
            if name in m.OPTIONAL_SINGLE_FILES:
                return model()
            self.errors.append(DataError(file=self.display(path), line=None, field="",
                                         message="нет обязательного файла", hint=f"создайте {name} по образцу из README"))
            return None
        known = self._read_valid(path, model, lambda doc: [self.validate(model, doc.data, doc, ())])
        if known is None:
            return None
        doc, (record,) = known
        self.origins[("file", name)] = Origin(doc, self.display(path), ())
        return record

    def listing(self, name: str, kind: str) -> dict[str, Any]:
        model = m.LIST_FILES[name]
        path = self.data_dir / name
        out: dict[str, Any] = {}
        if not path.exists():
            if name not in m.OPTIONAL_FILES:
                self.errors.append(DataError(file=self.display(path), line=None, field="",
                                             message="нет обязательного файла", hint=f"создайте {name} (список записей)"))
            return out
        def validate(doc: SourceDoc) -> list[Any] | None:
            if not isinstance(doc.data, list):
                self.errors.append(DataError(file=self.display(path), line=1, field="", message="нужен список записей",
                                             hint="каждая запись начинается с «- id: …»"))
                return None
            return [self.validate(model, item, doc, (i,)) for i, item in enumerate(doc.data)]

        known = self._read_valid(path, model, validate)
        if known is None:
            return out
        doc, records = known
        for i, (item, record) in enumerate(zip(doc.data, records, strict=True)):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                self.present.add((kind, item["id"]))
            if record is not None:
                self.add(out, kind, record, Origin(doc, self.display(path), (i,)))
        return out

    def _read_valid(self, path: Path, model: Any, validate) -> tuple[SourceDoc, list[Any]] | None:
        """A single or list file, parsed, and `validate(doc)`: its records. A file whose bytes were read
        and validated without an error before in this process (`mkdocs serve`) is not parsed again:
        the same document and the same record objects (records are not changed once loaded)."""
        raw = read_source(path, self.display(path), self.errors, self.root)
        if raw is None:
            return None
        key = (str(path), hashlib.blake2b(raw, digest_size=16).digest(), model)
        known = _VALID_FILES.get(key)
        if known is not None:
            return known
        errors = len(self.errors)
        doc = self.read(path, raw)
        records = validate(doc) if doc is not None else None
        if doc is None or records is None:
            return None
        if len(self.errors) == errors:  # a file with an error is read again (and reported again) next time
            if len(_VALID_FILES) > 1000:
                _VALID_FILES.clear()
            _VALID_FILES[key] = (doc, records)
        return doc, records

    def directory(self, name: str, kind: str) -> dict[str, Any]:
        model = m.RECORD_DIRS[name]
        folder = self.data_dir / name
        out: dict[str, Any] = {}
        if not folder.is_dir():
            return out
        # each file by its text (`os.path.join(folder, name)`, what str(folder / name) gives) and its stem:
        # thousands of files, no Path made for each (its parsing, name, stem, hash: ≈ 10 µs a file)
        paths: list[str] = []
        stems: dict[str, str] = {}
        with os.scandir(folder) as listing:  # as sorted(folder.iterdir()) and is_dir(), without a Path and a stat per file
            entries = sorted((entry.name, entry) for entry in listing if not entry.name.startswith("."))
        for name, entry in entries:
            if entry.is_dir():
                continue
            path = entry.path
            stem, suffix = _stem_and_suffix(name)
            if suffix not in (".yml", ".yaml"):
                self.errors.append(_not_yaml(Path(path), self.display(path)))
                continue
            self.present.add((kind, stem))
            paths.append(path)
            stems[path] = stem
        records = self.read_records(paths, model)
        owners = {record.id: path for path, _, record in records if record.id == stems[path]}
        for path, doc, record in records:
            origin = Origin(doc, self.display(path), ())
            if record.id != stems[path]:
                owner = owners.get(record.id)
                self.errors.append(origin.error(("id",), "id не совпадает с именем файла",
                                                _rename_hint(Path(path), record.id, None if owner is None else Path(owner), self.display), record.id))
                if record.id in owners:
                    continue  # a copy of another file: that file is the record, this one is reported
            self.add(out, kind, record, origin)
        return out

    def read_records(self, paths: list[str], model: type[m.Record]) -> list[tuple[str, SourceDoc | str, Any]]:
        """(path, parsed doc or path, record) of each file that validated; the others' errors are
        collected. Files seen before with the same bytes come from the memo; a large folder is read
        by one forked process per core. A path is the file's text (see `directory`)."""
        done: dict[str, tuple[SourceDoc | str, Any]] = {}
        todo: list[tuple[str, tuple]] = []
        raws: dict[str, bytes] = {}
        read: list[tuple[str, tuple, tuple | None]] = []
        real_folders: dict[str, str] = {}  # a record folder's real path, found once (by its name: a Path's hash is not)
        now = time.time_ns()
        for path in paths:  # `mkdocs serve`: a file not touched since it validated is not read again
            known = _SEEN_FILES.get(path)
            seen = _file_state(path) if known is not None else None
            if known is not None and seen is not None and known[0] == seen and known[1] in _VALID_RECORDS \
                    and known[1][2] is model:
                done[path] = _VALID_RECORDS[known[1]]
            else:
                folder = os.path.dirname(path)
                real_folder = real_folders.get(folder)
                if real_folder is None:
                    real_folder = real_folders[folder] = os.path.realpath(folder)
                stats: list[os.stat_result] = []
                raw = read_source(path, self.display(path), self.errors, self.root, real_folder, stats)
                if raw is None:
                    continue  # not a regular file inside the project, or too large: reported
                if known is None:  # its state as `_file_state` gives it, from the reading's own lstat and fstat
                    seen = _state(stats[0], stats[1], now) if len(stats) == 2 else None
                read.append((path, (path, hashlib.blake2b(raw, digest_size=16).digest(), model), seen))
                raws[path] = raw
        # the disk cache is for a build that reads every file (or many), not for a few edits in serve
        many = bool(read) and (not done or len(read) > 50)
        disk = RecordCache(self.cache_dir, self.data_dir, model) if self.cache_dir is not None and many else None
        for path, key, seen in read:
            if seen is not None and seen[-1]:
                _SEEN_FILES[path] = (seen, key)
            if key in _VALID_RECORDS:
                done[path] = _VALID_RECORDS[key]
            elif disk is not None and (record := disk.get(path, key[1])) is not None:
                done[path] = _VALID_RECORDS[key] = (path, record)
            else:
                todo.append((path, key))
        workers = _workers(len(todo))
        from_disk_blob: set[str] = set()  # records already in `disk` as a worker pickled them
        if workers > 1:
            import gc
            import multiprocessing
            import pickle

            # this process reads one share itself meanwhile: only the other shares' records are pickled
            # back (that and each worker's start cost CPU seconds the serial read does not spend)
            # this process's share is larger by what a worker spends on starting and on pickling its
            # records, and this process on unpickling them (measured: 4 files of 7 here with one worker)
            items = [(p, key[1]) for p, key in todo]
            if workers == 2:
                chunks = [[item for k, item in enumerate(items) if k % 7 < 4], [item for k, item in enumerate(items) if k % 7 >= 4]]
            else:
                chunks = [items[i::workers] for i in range(workers)]
            _FORK_RAWS.update(raws)  # the bytes read (and checked) above: the workers inherit them
            gc.freeze()  # the workers' collections do not scan (and so copy, page by page) what they inherit
            try:
                with multiprocessing.get_context("fork").Pool(workers - 1) as pool:
                    pending = pool.map_async(_read_chunk, [(self.data_dir, chunk, model, True) for chunk in chunks[1:]])
                    results = [_read_chunk((self.data_dir, chunks[0], model, False)), *pending.get()]
            finally:
                gc.unfreeze()
                _FORK_RAWS.clear()
            for chunk, (valid, indices, others, errors, numbers) in zip(chunks, results, strict=True):
                self.errors.extend(errors)
                phone_rules.remember(numbers)
                if isinstance(valid, bytes):  # a worker's records, pickled once: for the way back and for the disk cache
                    blob, valid = valid, pickle.loads(valid)
                    if disk is not None:
                        disk.put_pickled(blob, [(name, digest) for name, digest, _ in valid])
                        from_disk_blob.update(chunk[i][0] for i in indices)
                for i, (_, _, record) in zip(indices, valid, strict=True):
                    done[chunk[i][0]] = (chunk[i][0], record)
                for i, record in others:
                    done[chunk[i][0]] = (chunk[i][0], record)
        else:
            for path, _ in todo:
                doc = self.read(path, raws[path])
                if doc is None:
                    continue
                record = self.validate(model, doc.data, doc, ())
                if record is not None:
                    done[path] = (doc, record)
        reported = {e.file for e in self.errors}  # a file with a reading error (a «#» cut, a duplicate key) is
        for path, key in todo:                     # reported again on the next run, never remembered as valid
            if path in done and (not reported or self.display(path) not in reported):
                _VALID_RECORDS[key] = done[path]
                if disk is not None and path not in from_disk_blob:
                    disk.put(path, key[1], done[path][1])
        if disk is not None:
            disk.save(paths)
        return [(path, *done[path]) for path in paths if path in done]

    def add(self, table: dict[str, Any], kind: str, record: Any, origin: Origin) -> None:
        key = (kind, record.id)
        if record.id in table:
            first = self.origins[key]
            self.errors.append(origin.error(("id",), "такой id уже есть",
                                            f"id должен быть уникальным; первая запись: {first.display}:{first.line_of(first.loc + ('id',))}",
                                            record.id))
            return
        table[record.id] = record
        self.origins[key] = origin


def _stem_and_suffix(name: str) -> tuple[str, str]:
    """`(Path(name).stem, Path(name).suffix)` of a file name (no folder in it), without a Path."""
    dot = name.rfind(".")
    if 0 < dot < len(name) - 1:
        return name[:dot], name[dot:]
    return name, ""


def _not_yaml(path: Path, display: str) -> DataError:
    inner = Path(path.stem).suffix
    if inner in (".yml", ".yaml"):  # «служба.yml.txt»: Notepad added «.txt»
        return DataError(file=display, line=None, field="", message=f"к имени файла добавилось «{path.suffix}»",
                         hint=f"переименуйте файл в «{path.stem}» (уберите «{path.suffix}» в конце; в Проводнике Windows "
                              "включите «Вид → Расширения имён файлов», чтобы видеть конец имени; в Блокноте сохраняйте "
                              "с типом файла «Все файлы»)")
    if path.suffix.lower() in (".yml", ".yaml"):
        return DataError(file=display, line=None, field="", message="расширение файла написано большими буквами",
                         hint=f"переименуйте файл в «{path.stem}{path.suffix.lower()}»")
    return DataError(file=display, line=None, field="", message="файл не YAML",
                     hint="в этой папке лежат только файлы записей .yml; перенесите этот файл из папки data/ в другое место")


def _rename_hint(path: Path, ident: str, owner: Path | None, display: Any) -> str:
    """How to make file name and id agree, with an id that the check accepts."""
    from helpsite.data.slug import slug

    valid_stem = re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", path.stem) is not None
    if owner is not None:
        new = path.stem if valid_stem else slug(path.stem)
        return (f"запись с id «{ident}» уже есть: {display(owner)}; у копии должен быть свой id — "
                + (f"напишите id: {new}" if valid_stem else f"переименуйте файл в {new}{path.suffix} и напишите id: {new}"))
    if valid_stem:
        return f"исправьте id на «{path.stem}» или переименуйте файл в {ident}{path.suffix}"
    return (f"имя файла «{path.name}» не годится для id (только латиница в нижнем регистре, цифры и дефисы): "
            f"переименуйте файл в {ident}{path.suffix}")


# Records that validated, by file path + content hash: `mkdocs serve` rebuilds after every edit and
# re-reads only the files that changed. A pure memo (immutable records keyed by their exact bytes).
_VALID_RECORDS: dict[tuple[str, bytes, type], tuple[SourceDoc | str, Any]] = {}
# (path, blake2b of its bytes, model) → (document, records) of a single or list file read without an error
_VALID_FILES: dict[tuple[str, bytes, Any], tuple[SourceDoc, list[Any]]] = {}
# path → (its state on disk, its `_VALID_RECORDS` key) when it was last read: a file in the same
# state (same inode, size, modification and change times) is not read again
_SEEN_FILES: dict[str, tuple[tuple, tuple]] = {}


def _file_state(path: Path | str) -> tuple | None:
    """What says a file did not change: device, inode, size, mtime and ctime (ns) of the file and
    of the link to it. Not trusted (last item False) while the file's times are within 2 s of now:
    a write in the same clock tick as the read would leave them equal (git's «racy» entries)."""
    try:
        link, st = os.lstat(path), os.stat(path)
    except OSError:
        return None
    return _state(link, st, time.time_ns())


def _state(link: os.stat_result, st: os.stat_result, now: int) -> tuple:
    settled = max(st.st_mtime_ns, st.st_ctime_ns, link.st_ctime_ns) < now - 2_000_000_000
    return (link.st_dev, link.st_ino, link.st_ctime_ns, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns,
            st.st_ctime_ns, settled)



class RecordCache:
    """Validated records of one record folder, kept on disk between builds: {(file, blake2b of its
    bytes): record}. A warm CLI build parses and validates only the files that changed.

    Only records that validated with no error are stored (as the in-process memo). An entry is
    used only for the same file with the same bytes, made by the same code: the cache carries the
    hash of the validating modules' source and the pydantic and Python versions, and any other
    version is ignored whole. The model's one time-dependent rule («a check date is not in the
    future») only ever turns an error into a valid record as time passes, never the reverse.
    Unreadable, damaged or foreign cache files are ignored (the cache is an optimisation)."""

    def __init__(self, cache_dir: Path, data_dir: Path, model: type) -> None:
        self.file = cache_dir / "records" / f"{model.__name__}.pickle"
        self.data_dir = data_dir
        self.entries: dict[tuple[str, bytes], Any] = {}
        self.pickled: list[tuple[bytes, list[tuple[str, bytes]]]] = []  # parts pickled by the loader's workers
        self.changed = False
        try:
            import pickle

            version, parts = pickle.loads(self.file.read_bytes())
            if version == _validation_code() and isinstance(parts, list):
                for part in parts:  # each a pickled list of (file, digest, record)
                    self.entries.update(((name, digest), record) for name, digest, record in pickle.loads(part))
        except Exception:  # noqa: BLE001 - missing, damaged, other format: start empty
            self.entries = {}

    def _name(self, path: Path | str) -> str:
        return _cache_name(path, self.data_dir)

    def get(self, path: Path | str, digest: bytes) -> Any:
        return self.entries.get((self._name(path), digest)) if self.entries else None

    def put(self, path: Path | str, digest: bytes, record: Any) -> None:
        self.entries[(self._name(path), digest)] = record
        self.changed = True

    def put_pickled(self, part: bytes, keys: list[tuple[str, bytes]]) -> None:
        """Records a worker pickled (a list of (file, digest, record)) under `keys`: stored as they are."""
        self.pickled.append((part, keys))
        for key in keys:
            self.entries.pop(key, None)
        self.changed = True

    def save(self, paths: list[str]) -> None:
        """Write the cache if it changed, keeping only the entries of files present now."""
        present = {self._name(p) for p in paths}
        kept = {key: value for key, value in self.entries.items() if key[0] in present}
        if not self.changed and len(kept) == len(self.entries):
            return
        import pickle

        from helpsite.data.buildcache import write_atomic
        try:
            rest = pickle.dumps([(name, digest, record) for (name, digest), record in kept.items()],
                                protocol=pickle.HIGHEST_PROTOCOL)
            blob = pickle.dumps((_validation_code(), [part for part, keys in self.pickled if all(k[0] in present for k in keys)] + [rest]),
                                protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - a record that cannot be pickled: no cache, no harm
            return
        write_atomic(self.file, blob)


_CODE_VERSION: list[str] = []


def _validation_code() -> str:
    """What made the cached records: the source of every module that reads or validates, and the
    versions of pydantic and Python."""
    if not _CODE_VERSION:
        import sys

        import pydantic

        digest = hashlib.blake2b(digest_size=16)
        package = Path(__file__).resolve().parent.parent  # the whole core: validation lives in several modules
        for path in sorted(package.rglob("*.py")):
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
        digest.update(f"{pydantic.VERSION} {sys.version}".encode())
        _CODE_VERSION.append(digest.hexdigest())
    return _CODE_VERSION[0]


PARALLEL_READ_FROM = 400  # files in a folder: below this, forking costs more than it saves


def _workers(files: int) -> int:
    if files < PARALLEL_READ_FROM or not hasattr(os, "fork"):
        return 1
    return min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1, 8)


# The bytes of the files a parallel read hands to its workers (inherited through fork, not pickled).
_FORK_RAWS: dict[str, bytes] = {}


def _read_chunk(args: tuple[Path, list[tuple[str, bytes]], type, bool]) -> tuple[Any, list[int], list, list[DataError], list]:
    """Validate some record files (`(path, blake2b digest of its bytes)`), in a worker process or this one.

    Back go: the records of the files read without any error as (name in the disk cache, digest,
    record), pickled in a worker (`pickled`: once, for the way back and the disk cache both); their
    places in `chunk`; (place, record) of files validated despite a reported reading error (a «#» cut,
    a duplicate key: never remembered as valid); the errors; the phone numbers parsed on the way (for
    the parent's memo)."""
    data_dir, chunk, model, pickled = args
    loader = _Loader(data_dir)
    valid: list[tuple[str, bytes, Any]] = []
    indices: list[int] = []
    others: list[tuple[int, Any]] = []
    known = phone_rules.parsed_count()
    for i, (path, digest) in enumerate(chunk):
        errors = len(loader.errors)
        doc = loader.read(path, _FORK_RAWS.get(path))
        record = loader.validate(model, doc.data, doc, ()) if doc is not None else None
        if record is None:
            continue
        if len(loader.errors) == errors:
            valid.append((_cache_name(path, data_dir), digest, record))
            indices.append(i)
        else:
            others.append((i, record))
    if pickled:
        import pickle

        return pickle.dumps(valid, protocol=pickle.HIGHEST_PROTOCOL), indices, others, loader.errors, phone_rules.parsed_after(known)
    return valid, indices, others, loader.errors, phone_rules.parsed_after(known)


def _cache_name(path: Path | str, data_dir: Path) -> str:
    """`os.path.relpath(path, data_dir)` for a file inside `data_dir`, without its parsing (thousands of files)."""
    text, prefix = str(path), str(data_dir)
    if text.startswith(prefix) and text[len(prefix):len(prefix) + 1] == os.sep and ".." not in text:
        return text[len(prefix) + 1:]
    return os.path.relpath(path, data_dir)


# labels/: print stock, read by helpsite.printing
KNOWN_ENTRIES = {*m.SINGLE_FILES, *m.OPTIONAL_SINGLE_FILES, *m.LIST_FILES, *m.RECORD_DIRS, "schema", "labels"}


def load(data_dir: Path | str, cache_dir: Path | None = None) -> CampaignData:
    """Read and validate everything in `data_dir`; raise `DataErrors` listing every problem.

    With `cache_dir`, record files (services, events, …) whose bytes validated in an earlier build
    are not parsed and validated again (`RecordCache`).

    Loading makes hundreds of thousands of objects and no cyclic garbage (a collection right after
    finds none): the cyclic garbage collector is paused meanwhile — its passes over the growing
    heap were a quarter of the loading time."""
    import gc

    paused = gc.isenabled()
    gc.disable()
    try:
        return _load(data_dir, cache_dir)
    finally:
        if paused:
            gc.enable()


def _load(data_dir: Path | str, cache_dir: Path | None = None) -> CampaignData:
    data_dir = Path(data_dir).resolve()
    loader = _Loader(data_dir, cache_dir)
    if not data_dir.is_dir():
        raise DataErrors([DataError(file=str(data_dir), line=None, field="", message="нет папки с данными",
                                    hint="укажите путь к папке data/")])
    for entry in sorted(data_dir.iterdir()):
        if entry.name.startswith(".") or entry.name in KNOWN_ENTRIES:
            continue
        close = difflib.get_close_matches(entry.name, sorted(KNOWN_ENTRIES), n=1)
        loader.errors.append(DataError(
            file=loader.display(entry), line=None, field="", message="неизвестный файл или папка в data/",
            hint=(f"возможно, имелось в виду «{close[0]}»; " if close else "") + "ожидаются: " + ", ".join(sorted(KNOWN_ENTRIES))))

    campaign = loader.single("campaign.yml")
    plan = loader.single("plan.yml")
    organizations = loader.listing("organizations.yml", "organization")
    helplines = loader.listing("helplines.yml", "helpline")
    categories = loader.listing("categories.yml", "category")
    series = loader.listing("series.yml", "series")
    services = loader.directory("services", "service")
    events = loader.directory("events", "event")
    algorithms = loader.directory("algorithms", "algorithm")
    news = loader.directory("news", "news")
    results = loader.listing("results.yml", "results")
    programmes = loader.directory("programmes", "programme")
    _check_programmes(loader, programmes, organizations, helplines, services)
    synonyms = loader.single("search_synonyms.yml")
    _check_news_and_results(loader, events, news, results)

    if loader.errors or campaign is None or plan is None:
        # References are checked only on records that validated, so report what we have.
        _check_references(loader, campaign, plan, organizations, helplines, categories, series, services, events, algorithms)
        raise DataErrors(loader.errors)
    _check_references(loader, campaign, plan, organizations, helplines, categories, series, services, events, algorithms)
    if loader.errors:
        raise DataErrors(loader.errors)
    from helpsite.data.campaigntext import fill_data  # placeholders such as {{ campaign.guardianship }} in shared texts
    return fill_data(CampaignData(
        campaign=campaign, organizations=organizations, helplines=helplines, categories=categories,
        services=dict(sorted(services.items(), key=lambda kv: (kv[1].name.lower(), kv[0]))),
        algorithms=algorithms, series=series,
        events=dict(sorted(events.items(), key=lambda kv: (m.naive_utc(kv[1].start), kv[0]))),
        plan=plan, origins=loader.origins,
        news=dict(sorted(news.items(), key=lambda kv: (kv[1].date, kv[0]), reverse=True)),
        results=results, synonyms=synonyms or m.SearchSynonyms(),
        programmes=dict(sorted(programmes.items(), key=lambda kv: (kv[1].title.lower(), kv[0]))),
    ))


def _check_programmes(loader: _Loader, programmes: dict, organizations: dict, helplines: dict, services: dict) -> None:
    tables = {"organization": (organizations, "организации", "organizations.yml"), "helpline": (helplines, "линии помощи", "helplines.yml"),
              "service": (services, "службы", "data/services/")}
    for pid, programme in programmes.items():
        origin = loader.origins[("programme", pid)]
        refs = [(("organizer_ids", i), f"organization:{org}") for i, org in enumerate(programme.organizer_ids)]
        refs += [(("contacts", i), ref) for i, ref in enumerate(programme.contacts)]
        for loc, ref in refs:
            kind, _, ident = ref.partition(":")
            table, what, where = tables[kind]
            if ident not in table and (kind, ident) not in loader.present:
                close = difflib.get_close_matches(ident, list(table), n=1)
                loader.errors.append(origin.error(loc, f"нет {what} с таким id",
                                                  (f"возможно, «{close[0]}»; " if close else "") + f"добавьте запись в {where} или исправьте id", ident))


RESERVED_EVENT_IDS = {"series": "events/series/ — адрес страниц циклов",
                      "calendar": "events/calendar.ics — общий календарь событий"}


def _check_news_and_results(loader: _Loader, events: dict, news: dict, results: dict) -> None:
    for eid in events:
        if eid in RESERVED_EVENT_IDS:
            loader.errors.append(loader.origins[("event", eid)].error(
                ("id",), "этот id занят", f"его адрес уже использован: {RESERVED_EVENT_IDS[eid]}; выберите другой id", eid))
    for nid, post in news.items():
        origin = loader.origins[("news", nid)]
        for i, eid in enumerate(post.event_ids):
            if eid not in events and ("event", eid) not in loader.present:
                close = difflib.get_close_matches(eid, list(events), n=1)
                loader.errors.append(origin.error(("event_ids", i), "нет события с таким id",
                                                  (f"возможно, «{close[0]}»; " if close else "") + "id — имя файла в data/events/ без .yml", eid))
    for rid, item in results.items():
        if item.news_id is not None and item.news_id not in news and ("news", item.news_id) not in loader.present:
            close = difflib.get_close_matches(item.news_id, list(news), n=1)
            loader.errors.append(loader.origins[("results", rid)].error(
                ("news_id",), "нет новости с таким id", (f"возможно, «{close[0]}»; " if close else "") + "id — имя файла в data/news/ без .yml",
                item.news_id))


def _check_references(loader: _Loader, campaign: m.Campaign | None, plan: m.Plan | None,
                      organizations: dict, helplines: dict, categories: dict, series: dict,
                      services: dict, events: dict, algorithms: dict) -> None:
    tables = {"helpline": helplines, "service": services, "organization": organizations}
    names = {"helpline": "helplines.yml", "service": "data/services/", "organization": "organizations.yml"}

    kinds = {"организации": "organization", "линии помощи": "helpline", "службы": "service", "категории": "category",
             "серии": "series"}

    def missing(origin: Origin, loc: tuple, what: str, ident: str, where: str, choices: dict) -> None:
        if (kinds.get(what), ident) in loader.present:
            return  # the record exists but is invalid: its own error says so
        close = difflib.get_close_matches(ident, list(choices), n=1)
        hint = (f"возможно, «{close[0]}»; " if close else "") + f"добавьте запись в {where} или исправьте id"
        loader.errors.append(origin.error(loc, f"нет {what} с таким id", hint, ident))

    def contacts(origin: Origin, loc: tuple, refs: list[str]) -> None:
        for i, ref in enumerate(refs):
            kind, _, ident = ref.partition(":")
            if ident not in tables[kind]:
                missing(origin, loc + (i,), {"helpline": "линии помощи", "service": "службы",
                                             "organization": "организации"}[kind], ident, names[kind], tables[kind])

    if campaign is not None:
        origin = loader.origins.get(("file", "campaign.yml"))
        if origin is not None:
            for i, org in enumerate(campaign.organizer_ids):
                if org not in organizations:
                    missing(origin, ("organizer_ids", i), "организации", org, "organizations.yml", organizations)
            if campaign.main_helpline_id not in helplines:
                missing(origin, ("main_helpline_id",), "линии помощи", campaign.main_helpline_id, "helplines.yml", helplines)

    for sid, service in services.items():
        origin = loader.origins[("service", sid)]
        if service.organization_id not in organizations:
            missing(origin, ("organization_id",), "организации", service.organization_id, "organizations.yml", organizations)
        for i, cat in enumerate(service.categories):
            if cat not in categories:
                missing(origin, ("categories", i), "категории", cat, "categories.yml", categories)

    for aid, algorithm in algorithms.items():
        origin = loader.origins[("algorithm", aid)]
        question_ids = [q.id for q in algorithm.decision]
        seen: set[str] = set()
        for qi, question in enumerate(algorithm.decision):
            if question.id in seen:
                loader.errors.append(origin.error(("decision", qi, "id"), "такой id вопроса уже есть",
                                                  "у каждого вопроса свой id", question.id))
            seen.add(question.id)
            for ai, answer in enumerate(question.answers):
                if answer.next is not None and answer.next not in question_ids:
                    missing(origin, ("decision", qi, "answers", ai, "next"), "вопроса", answer.next,
                            "decision этого алгоритма", dict.fromkeys(question_ids))
                if answer.next == question.id:
                    loader.errors.append(origin.error(("decision", qi, "answers", ai, "next"),
                                                      "ответ ведёт на тот же вопрос", "укажите следующий вопрос", answer.next))
                contacts(origin, ("decision", qi, "answers", ai, "contacts"), answer.contacts)
        for si, step in enumerate(algorithm.steps):
            contacts(origin, ("steps", si, "contacts"), step.contacts)

    activity_numbers: set[str] = set()
    if plan is not None:
        origin = loader.origins.get(("file", "plan.yml"))
        if origin is not None:
            for ti, task in enumerate(plan.tasks):
                for ai, activity in enumerate(task.activities):
                    loc = ("tasks", ti, "activities", ai)
                    if activity.number in activity_numbers:
                        loader.errors.append(origin.error(loc + ("number",), "такой номер мероприятия уже есть",
                                                          "номера мероприятий не повторяются", activity.number))
                    activity_numbers.add(activity.number)
                    for ri, org in enumerate(activity.responsible):
                        if org not in organizations:
                            missing(origin, loc + ("responsible", ri), "организации", org, "organizations.yml", organizations)

    for eid, event in events.items():
        origin = loader.origins[("event", eid)]
        for i, org in enumerate(event.organizer_ids):
            if org not in organizations:
                missing(origin, ("organizer_ids", i), "организации", org, "organizations.yml", organizations)
        if event.series_id is not None and event.series_id not in series:
            missing(origin, ("series_id",), "серии", event.series_id, "series.yml", series)
        if event.series_part is not None and event.series_id is None:
            loader.errors.append(origin.error(("series_part",), "номер занятия без серии", "добавьте series_id", event.series_part))
        if event.plan_activity is not None and plan is not None and event.plan_activity not in activity_numbers:
            missing(origin, ("plan_activity",), "мероприятия плана", event.plan_activity, "plan.yml",
                    dict.fromkeys(activity_numbers))
    for sid, item in series.items():
        if item.plan_activity is not None and plan is not None and item.plan_activity not in activity_numbers:
            missing(loader.origins[("series", sid)], ("plan_activity",), "мероприятия плана", item.plan_activity,
                    "plan.yml", dict.fromkeys(activity_numbers))
