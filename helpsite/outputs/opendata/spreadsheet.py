"""Services ↔ one CSV table for editors who work in Excel or LibreOffice Calc.

`export_csv()` writes every service as one row; `import_csv()` reads the table back into
`data/services/<id>.yml` with the site's validation, errors naming the table's row and column
as the spreadsheet shows them («services.csv:5: столбец F «Телефоны (phones)»: …»).

The file is what Russian Excel opens with a double click:
- UTF-8 with a BOM (without it Excel reads UTF-8 as Windows-1251 and shows mojibake);
- `;` between cells: Excel splits a CSV by the system list separator, and in the Russian
  locale that is `;` (the comma is the decimal separator there), so a comma-separated file
  opens as one column. LibreOffice asks and detects `;` itself.
On the way back the reader accepts `;`, `,` or a tab, UTF-8 with or without a BOM, and
Windows-1251 (Excel's plain «CSV» save on a Russian Windows), dates as 2026-11-20 or
20.11.2026 (Excel rewrites dates in the locale's format), «да/нет» and true/false.
Cells that Excel would take for a formula (starting with = + - @) are written with a leading
apostrophe, which the reader removes.

Lists go into one cell: categories and audience separated by commas, phones and required
documents one per line (Alt+Enter in Excel), hours as on the site: «пн–пт 09:00–18:00», one
schedule per line, or «круглосуточно».
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from helpsite.data import model as m
from helpsite.data.errors import DataError, DataErrors
from helpsite.data.load import CampaignData, _translate, load
from helpsite.outputs.opendata.csvcell import FORMULA_START, safe_cell, unprotect
from helpsite.outputs.opendata.yamlout import service_yaml

DELIMITER = ";"

# (column key, Russian heading); the key is a Service field, or a part of one (address_1 → location.address_1)
COLUMNS: list[tuple[str, str]] = [
    ("id", "Идентификатор"), ("name", "Название"), ("alternate_name", "Краткое название"),
    ("organization_id", "Организация (id из organizations.yml)"), ("status", "Состояние"),
    ("description", "Описание"), ("categories", "Виды помощи (id из categories.yml, через запятую)"),
    ("audience", "Для кого (через запятую)"), ("minimum_age", "Возраст от"), ("maximum_age", "Возраст до"),
    ("district", "Район"), ("address_1", "Адрес: улица и дом"), ("city", "Город"), ("postal_code", "Индекс"),
    ("state_province", "Область, край"), ("address_description", "Как добраться"), ("latitude", "Широта"),
    ("longitude", "Долгота"), ("phones", "Телефоны (каждый с новой строки; «номер доб. 12 — пояснение»)"),
    ("email", "Электронная почта"), ("url", "Сайт"),
    ("hours", "Часы работы («пн–пт 09:00–18:00», каждое расписание с новой строки, или «круглосуточно»)"),
    ("hours_description", "Часы работы: пояснение"), ("free", "Бесплатно (да/нет)"), ("fees_description", "Об оплате"),
    ("anonymous", "Анонимно (да/нет)"), ("referral_required", "Нужно направление (да/нет)"),
    ("application_process", "Как получить помощь"), ("required_documents", "Документы (каждый с новой строки)"),
    ("eligibility_description", "Кто может обратиться"), ("assured_date", "Проверено (ГГГГ-ММ-ДД)"),
    ("example", "Пример (да/нет)"), ("source", "Источник сведений"),
]
ADDRESS_COLUMNS = {"address_1": "address_1", "city": "city", "postal_code": "postal_code",
                   "state_province": "state_province", "address_description": "description",
                   "latitude": "latitude", "longitude": "longitude"}
HEADINGS = {key: f"{label} ({key})" for key, label in COLUMNS}
YES = {"да", "true", "1", "+", "yes", "истина"}
NO = {"нет", "false", "0", "-", "no", "ложь"}
STATUS_BY_LABEL = {v: k for k, v in m.SERVICE_STATUS_LABELS.items()}
AUDIENCE_BY_LABEL = {v: k for k, v in m.AUDIENCE_LABELS.items()}
DAY_BY_LABEL = {v: k for k, v in m.WEEKDAY_LABELS.items()}
ALWAYS = {"круглосуточно", "круглосуточно, без выходных", "24/7", "всегда"}
_HOURS_LINE = re.compile(r"^(?P<days>.+?)\s+(?P<open>\d{1,2}[:.]\d{2})\s*[–—-]\s*(?P<close>\d{1,2}[:.]\d{2})"
                         r"(?:\s*\((?P<note>.*)\))?\s*$")
_PHONE_LINE = re.compile(r"^(?P<number>.*?)(?:\s*,?\s*(?:доб\.?|ext\.?)\s*(?P<ext>\d+))?\s*$", re.I)
_FORMULA = FORMULA_START


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: as the spreadsheet names its columns."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


# ------------------------------------------------------------------ export

def _days(days: list[m.Weekday]) -> str:
    from helpsite.pages.russian import byday_ru
    return byday_ru(days)


def hours_cell(hours: m.Hours | None) -> str:
    if hours is None:
        return ""
    if hours.always_open:
        return "круглосуточно"
    return "\n".join(f"{_days(e.byday)} {e.opens_at:%H:%M}–{e.closes_at:%H:%M}" + (f" ({e.description})" if e.description else "")
                     for e in hours.weekly)


def phones_cell(phones: list[m.Phone]) -> str:
    return "\n".join(p.number + (f" доб. {p.extension}" if p.extension else "") + (f" — {p.description}" if p.description else "")
                     for p in phones)


def _yes(value: bool) -> str:
    return "да" if value else "нет"


def service_row(s: m.Service) -> dict[str, str]:
    loc = s.location
    return {
        "id": s.id, "name": s.name, "alternate_name": s.alternate_name or "", "organization_id": s.organization_id,
        "status": m.SERVICE_STATUS_LABELS[s.status.value], "description": s.description,
        "categories": ", ".join(s.categories), "audience": ", ".join(m.AUDIENCE_LABELS[a.value] for a in s.audience),
        "minimum_age": "" if s.minimum_age is None else str(s.minimum_age),
        "maximum_age": "" if s.maximum_age is None else str(s.maximum_age), "district": s.district,
        "address_1": loc.address_1 if loc else "", "city": loc.city if loc else "",
        "postal_code": (loc.postal_code or "") if loc else "", "state_province": (loc.state_province or "") if loc else "",
        "address_description": (loc.description or "") if loc else "",
        "latitude": "" if not loc or loc.latitude is None else str(loc.latitude),
        "longitude": "" if not loc or loc.longitude is None else str(loc.longitude),
        "phones": phones_cell(s.phones), "email": s.email or "", "url": s.url or "", "hours": hours_cell(s.hours),
        "hours_description": (s.hours.description or "") if s.hours else "", "free": _yes(s.free),
        "fees_description": s.fees_description or "", "anonymous": _yes(s.anonymous),
        "referral_required": _yes(s.referral_required), "application_process": s.application_process or "",
        "required_documents": "\n".join(s.required_documents), "eligibility_description": s.eligibility_description or "",
        "assured_date": s.assured_date.isoformat(), "example": _yes(s.example), "source": s.source or "",
    }


def _protect(value: str) -> str:
    """A cell Excel would read as a formula gets a leading apostrophe (removed again on import)."""
    return safe_cell(value)


def export_csv(data: CampaignData) -> bytes:
    """Every service as one row: UTF-8 with BOM, `;`, CRLF."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([HEADINGS[key] for key, _ in COLUMNS])
    for service in data.services.values():
        row = service_row(service)
        writer.writerow([_protect(row[key]) for key, _ in COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# ------------------------------------------------------------------ import

class _CellError(ValueError):
    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.message, self.hint = message, hint


def _split(value: str, lines_only: bool = False) -> list[str]:
    parts = value.splitlines() if lines_only else re.split(r"[,;\n]", value)
    return [p.strip() for p in parts if p.strip()]


def _bool(value: str) -> bool:
    text = value.strip().lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise _CellError("нужно «да» или «нет»", "напишите да или нет")


def _date(value: str) -> dt.date:
    text = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
            y, mo, d = (int(x) for x in text.split("-"))
            return dt.date(y, mo, d)
        match = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})", text)
        if match:
            d, mo, y = (int(x) for x in match.groups())
            return dt.date(y + 2000 if y < 100 else y, mo, d)
    except ValueError:
        pass
    raise _CellError("нужна дата", "например 2026-11-20 или 20.11.2026")


def _int(value: str) -> int:
    text = value.strip().replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        raise _CellError("нужно целое число", "например 12") from None
    if number != int(number):
        raise _CellError("нужно целое число", "например 12")
    return int(number)


def _float(value: str) -> float:
    try:
        return float(value.strip().replace(",", "."))
    except ValueError:
        raise _CellError("нужно число", "например 57,91 или 57.91") from None


def _status(value: str) -> str:
    text = value.strip().lower()
    if text in m.SERVICE_STATUS_LABELS:
        return text
    if text in STATUS_BY_LABEL:
        return STATUS_BY_LABEL[text]
    raise _CellError("неизвестное состояние", "допустимо: " + ", ".join(m.SERVICE_STATUS_LABELS.values()))


def _audience(value: str) -> list[str]:
    out = []
    for part in _split(value):
        text = part.lower()
        if text in m.AUDIENCE_LABELS:
            out.append(text)
        elif text in AUDIENCE_BY_LABEL:
            out.append(AUDIENCE_BY_LABEL[text])
        else:
            raise _CellError(f"неизвестная аудитория «{part}»", "допустимо: " + ", ".join(m.AUDIENCE_LABELS.values()))
    return out


def _day_list(text: str) -> list[str]:
    order = list(m.WEEKDAY_LABELS)
    days: list[str] = []
    if text.strip().lower() in ("ежедневно", "без выходных", "каждый день"):
        return order
    for part in re.split(r"\s*,\s*", text.strip().lower()):
        bounds = re.split(r"\s*[–—-]\s*", part)
        codes = []
        for bound in bounds:
            code = DAY_BY_LABEL.get(bound.rstrip("."), bound if bound in order else None)
            if code is None:
                raise _CellError(f"не понял день недели «{bound}»", "дни: пн вт ср чт пт сб вс, диапазон — «пн–пт»")
            codes.append(code)
        if len(codes) == 1:
            days.append(codes[0])
        elif len(codes) == 2 and order.index(codes[0]) <= order.index(codes[1]):
            days += order[order.index(codes[0]):order.index(codes[1]) + 1]
        else:
            raise _CellError(f"не понял дни «{part}»", "диапазон пишется от раннего дня к позднему: «пн–пт»")
    return list(dict.fromkeys(days))


def _hours(value: str, description: str | None) -> dict[str, Any] | None:
    text = value.strip()
    out: dict[str, Any] = {}
    if text.lower().rstrip(".") in ALWAYS:
        out["always_open"] = True
    elif text:
        weekly = []
        for line in _split(text, lines_only=True):
            match = _HOURS_LINE.match(line)
            if not match:
                raise _CellError(f"не понял часы «{line}»",
                                 "пишите «пн–пт 09:00–18:00», каждое расписание с новой строки, или «круглосуточно»")
            entry: dict[str, Any] = {"byday": _day_list(match["days"]), "opens_at": match["open"].replace(".", ":"),
                                     "closes_at": match["close"].replace(".", ":")}
            if match["note"]:
                entry["description"] = match["note"].strip()
            weekly.append(entry)
        out["weekly"] = weekly
    if description:
        out["description"] = description
    return out or None


def _phones(value: str) -> list[dict[str, Any]]:
    out = []
    for line in _split(value, lines_only=True):
        number, _, note = line.partition(" — ")
        match = _PHONE_LINE.match(number.strip())
        phone: dict[str, Any] = {"number": match["number"].strip() if match else number.strip()}
        if match and match["ext"]:
            phone["extension"] = match["ext"]
        if note.strip():
            phone["description"] = note.strip()
        out.append(phone)
    return out


@dataclass
class SheetRow:
    line: int  # the row number the spreadsheet shows (the header is row 1)
    cells: dict[str, str]  # column key → text
    columns: dict[str, str]  # column key → «столбец F «Телефоны (phones)»»


def decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError("encoding")  # pragma: no cover - cp1251 decodes any byte but 0x98


def read_rows(content: bytes, file: str) -> list[SheetRow]:
    text = decode(content)
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise DataErrors([DataError(file=file, line=1, field="", message="таблица пуста",
                                    hint="первая строка — заголовки столбцов, как в выгрузке scripts/spreadsheet.py export")]) from None
    keys: list[str | None] = []
    errors = []
    known = {key for key, _ in COLUMNS}
    for i, cell in enumerate(header):
        match = re.search(r"\(([a-z_0-9]+)\)\s*$", cell.strip())
        key = match.group(1) if match else cell.strip().lower()
        if key not in known:
            close = difflib.get_close_matches(key, sorted(known), n=1)
            if cell.strip():
                errors.append(DataError(file=file, line=1, field=f"столбец {column_letter(i)} «{cell.strip()}»",
                                        message="неизвестный столбец",
                                        hint=(f"возможно, «{HEADINGS[close[0]]}»; " if close else "")
                                        + "в скобках в конце заголовка — имя поля, например «Название (name)»"))
            keys.append(None)
            continue
        keys.append(key)
    for required in ("id", "name"):
        if required not in keys:
            errors.append(DataError(file=file, line=1, field="", message=f"нет столбца «{HEADINGS[required]}»",
                                    hint="начните с выгрузки scripts/spreadsheet.py export и не удаляйте её заголовки"))
    if errors:
        raise DataErrors(errors)
    columns = {key: f"столбец {column_letter(i)} «{header[i].strip()}»" for i, key in enumerate(keys) if key}
    rows = []
    for number, cells in enumerate(reader, start=2):
        values = {key: _unprotect(cells[i]) if i < len(cells) else "" for i, key in enumerate(keys) if key}
        if not any(v.strip() for v in values.values()):
            continue  # empty lines at the end of a sheet
        rows.append(SheetRow(number, values, columns))
    return rows


def _unprotect(value: str) -> str:
    return unprotect(value)


_PARSERS = {"minimum_age": _int, "maximum_age": _int, "latitude": _float, "longitude": _float, "free": _bool,
            "anonymous": _bool, "referral_required": _bool, "example": _bool, "assured_date": _date, "status": _status,
            "audience": _audience, "phones": _phones, "categories": _split,
            "required_documents": lambda v: _split(v, lines_only=True)}


def row_to_record(row: SheetRow, file: str, errors: list[DataError]) -> dict[str, Any]:
    """The row as a Service dict in field order; cell errors go to `errors`."""
    values: dict[str, Any] = {}
    for key, text in row.cells.items():
        if key in ("hours", "hours_description") or not text.strip():
            continue
        try:
            values[key] = _PARSERS.get(key, lambda v: v.strip())(text)
        except _CellError as exc:
            errors.append(DataError(file=file, line=row.line, field=row.columns[key], message=exc.message, hint=exc.hint,
                                    value=f"«{' '.join(text.split())[:60]}»"))
    try:
        hours = _hours(row.cells.get("hours", ""), row.cells.get("hours_description", "").strip() or None)
    except _CellError as exc:
        hours = None
        errors.append(DataError(file=file, line=row.line, field=row.columns["hours"], message=exc.message, hint=exc.hint))
    address = {ADDRESS_COLUMNS[k]: values.pop(k) for k in list(values) if k in ADDRESS_COLUMNS}
    record: dict[str, Any] = {}
    fields = m.Service.model_fields
    provenance = list(m.Provenance.model_fields)  # example, source: last, as in the files editors write
    for name in [f for f in fields if f not in provenance] + provenance:
        if name in values and not fields[name].is_required() and values[name] == fields[name].default:
            continue  # «status: active», «example: false»: the default goes without saying
        if name == "location":
            if address:
                record["location"] = address
        elif name == "hours":
            if hours is not None:
                record["hours"] = hours
        elif name in values:
            record[name] = values[name]
    return record


def column_of(row: SheetRow, loc: tuple[Any, ...]) -> str:
    """The spreadsheet column of a model field path."""
    head = str(loc[0]) if loc else "id"
    if head == "location":
        sub = str(loc[1]) if len(loc) > 1 else "address_1"
        key = next((k for k, v in ADDRESS_COLUMNS.items() if v == sub), "address_1")
    elif head == "hours":
        key = "hours_description" if len(loc) == 2 and loc[1] == "description" else "hours"
    else:
        key = head
    return row.columns.get(key, f"поле {head}")


@dataclass
class SheetResult:
    created: list[Path]
    changed: list[Path]
    unchanged: list[str]
    missing: list[str]  # services in data/ that the table does not list (their files are left as they are)


def import_csv(content: bytes, data_dir: Path, file: str = "services.csv", dry_run: bool = False) -> SheetResult:
    """Read the table into data/services/: all rows valid → files written; else DataErrors naming rows and columns."""
    data_dir = Path(data_dir)
    data = load(data_dir)
    rows = read_rows(content, file)
    errors: list[DataError] = []
    records: dict[str, tuple[SheetRow, dict[str, Any], m.Service]] = {}
    for row in rows:
        before = len(errors)
        record = row_to_record(row, file, errors)
        bad_cells = {e.field for e in errors[before:]}  # one message per cell: its own, not also «missing»
        try:
            service = m.Service.model_validate(record)
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                loc = tuple(err["loc"])
                if column_of(row, loc) in bad_cells:
                    continue
                message, hint = _translate(err, m.Service, loc)
                if err["type"] == "missing":
                    hint = "заполните ячейку"
                value = err.get("input") if err["type"] not in ("missing", "model_type") else None
                errors.append(DataError(file=file, line=row.line, field=column_of(row, loc), message=message, hint=hint,
                                        value=f"«{value}»" if isinstance(value, (str, int, float)) else None))
            service = None
        _check_references(record, row, file, data, errors)
        if service is None:
            continue
        if service.id in records:
            errors.append(DataError(file=file, line=row.line, field=row.columns["id"], message="такой id уже есть в таблице",
                                    hint=f"первая строка с ним — {records[service.id][0].line}", value=service.id))
            continue
        records[service.id] = (row, record, service)
    if errors:
        raise DataErrors(errors)

    files: dict[Path, str] = {}
    result = SheetResult([], [], [], [sid for sid in data.services if sid not in records])
    for sid, (row, record, service) in records.items():
        path = data_dir / "services" / f"{sid}.yml"
        if sid in data.services and data.services[sid] == service:
            result.unchanged.append(sid)
            continue
        comment = _leading_comments(path) if path.exists() else \
            f"Создано из таблицы {file} (строка {row.line}) командой scripts/spreadsheet.py import."
        files[path] = service_yaml(record, comment)
        (result.changed if path.exists() else result.created).append(path)
    with tempfile.TemporaryDirectory() as tmp:  # the whole data/ with the new files must load, as the build will
        trial = Path(tmp) / "data"
        shutil.copytree(data_dir, trial)
        for path, text in files.items():
            (trial / path.relative_to(data_dir)).write_text(text, encoding="utf-8")
        try:
            load(trial)
        except DataErrors as exc:
            by_file = {f"data/services/{sid}.yml": records[sid][0] for sid in records}
            mapped = []
            for error in exc.errors:
                source_row = by_file.get(error.file)
                if source_row is None:
                    mapped.append(error)
                    continue
                field_path = tuple(int(p) if p.isdigit() else p for p in re.findall(r"[a-z_0-9]+", error.field))
                mapped.append(DataError(file=file, line=source_row.line, field=column_of(source_row, field_path), message=error.message,
                                        hint=error.hint, value=error.value))
            raise DataErrors(mapped) from None
    if not dry_run:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return result


def _check_references(record: dict[str, Any], row: SheetRow, file: str, data: CampaignData, errors: list[DataError]) -> None:
    """The organization and categories must exist (checked even if other cells of the row are wrong)."""
    organization = record.get("organization_id")
    if isinstance(organization, str) and organization not in data.organizations:
        close = difflib.get_close_matches(organization, list(data.organizations), n=1)
        errors.append(DataError(file=file, line=row.line, field=row.columns["organization_id"], message="нет организации с таким id",
                                hint=(f"возможно, «{close[0]}»; " if close else "") + "id — из data/organizations.yml",
                                value=organization))
    for category in record.get("categories") or []:
        if isinstance(category, str) and category not in data.categories:
            close = difflib.get_close_matches(category, list(data.categories), n=1)
            errors.append(DataError(file=file, line=row.line, field=row.columns["categories"], message="нет категории с таким id",
                                    hint=(f"возможно, «{close[0]}»; " if close else "") + "id — из data/categories.yml",
                                    value=category))


def _leading_comments(path: Path) -> str:
    """The comment lines at the top of an existing file (after the schema line): kept on rewrite."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        if not line.startswith("#"):
            break
        lines.append(line[1:].strip())
    return "\n".join(lines)

