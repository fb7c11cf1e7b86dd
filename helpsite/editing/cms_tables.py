"""Services and events in a spreadsheet (.xlsx for Excel, or CSV), with the site's checks.

Services: the .xlsx file has exactly the columns of the CSV table (helpsite.opendata.spreadsheet),
and is read back through the same importer, so the checks and the Russian messages naming row
and column are the same. Events: one row per event (the main fields; materials, report,
registration stay in the YAML file and are kept when a row changes the rest).

Text cells are written as text: a cell starting with «=» is never turned into a formula.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from helpsite.editing import cms
from helpsite.data import model as m
from helpsite.data.errors import DataError, DataErrors
from helpsite.data.load import load
from helpsite.outputs.opendata import spreadsheet as services_csv

# ---------------------------------------------------------------- xlsx ↔ rows of text


def rows_to_xlsx(rows: list[list[str]], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c)
            cell.value = value
            cell.data_type = "s"  # text, never a formula
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if r == 1:
                cell.font = Font(bold=True)
    for c, heading in enumerate(rows[0] if rows else [], start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=c).column_letter].width = min(max(len(heading) * 0.6, 14), 45)
    sheet.freeze_panes = "C2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M") if (value.hour, value.minute) != (0, 0) else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def xlsx_rows(content: bytes, file: str) -> list[list[str]]:
    from openpyxl import load_workbook
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 — zip, XML or openpyxl errors: one Russian message
        raise DataErrors([DataError(file=file, line=None, field="", message="это не таблица Excel (.xlsx)",
                                    hint="сохраните файл в Excel как «Книга Excel (.xlsx)» или загрузите CSV")]) from None
    sheet = book.worksheets[0]
    return [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def rows_to_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def csv_rows(content: bytes) -> list[list[str]]:
    text = services_csv.decode(content)
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


# ---------------------------------------------------------------- services

def export_services_xlsx(data_dir: Path) -> bytes:
    rows = csv_rows(services_csv.export_csv(load(data_dir)))
    # the CSV protects formula-like cells with an apostrophe for Excel's CSV import; xlsx cells are text anyway
    rows = [rows[0]] + [[c[1:] if c.startswith("'") and c[1:2] in services_csv._FORMULA else c for c in r] for r in rows[1:]]
    return rows_to_xlsx(rows, "Службы")


def import_services_xlsx(content: bytes, data_dir: Path, file: str = "services.xlsx", dry_run: bool = False):
    rows = xlsx_rows(content, file)
    return services_csv.import_csv(rows_to_csv(rows), data_dir, file=file, dry_run=dry_run)


# ---------------------------------------------------------------- events

EVENT_COLUMNS: list[tuple[str, str]] = [
    ("id", "Идентификатор (пусто — из названия и даты)"), ("title", "Название"), ("type", "Вид"),
    ("status", "Состояние"), ("start", "Начало (ГГГГ-ММ-ДД ЧЧ:ММ)"), ("end", "Окончание (ГГГГ-ММ-ДД ЧЧ:ММ)"),
    ("place", "Место"), ("address_1", "Адрес: улица и дом"), ("city", "Город"),
    ("online_url", "Ссылка на онлайн-трансляцию"), ("audience", "Для кого (через запятую)"),
    ("organizer_ids", "Организаторы (id из organizations.yml, через запятую)"), ("description", "Описание"),
    ("example", "Пример (да/нет)"), ("source", "Источник сведений"),
]
EVENT_HEADINGS = {key: f"{label} ({key})" for key, label in EVENT_COLUMNS}
TYPE_BY_LABEL = {v: k for k, v in m.EVENT_TYPE_LABELS.items()}
STATUS_BY_LABEL = {v: k for k, v in m.EVENT_STATUS_LABELS.items()}
AUDIENCE_BY_LABEL = {v: k for k, v in m.AUDIENCE_LABELS.items()}
FIELD_COLUMN = {"place.name": "place", "place.address.address_1": "address_1", "place.address.city": "city"}


def _moment(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return "" if value is None else str(value)


def event_rows(data_dir: Path) -> list[list[str]]:
    data = load(data_dir)
    rows = [[EVENT_HEADINGS[k] for k, _ in EVENT_COLUMNS]]
    for e in sorted(data.events.values(), key=lambda e: (str(e.start), e.id)):
        address = e.place.address if e.place else None
        cells = {
            "id": e.id, "title": e.title, "type": m.EVENT_TYPE_LABELS[e.type.value],
            "status": m.EVENT_STATUS_LABELS[e.status.value], "start": _moment(e.start),
            "end": _moment(e.end), "place": e.place.name if e.place else "",
            "address_1": address.address_1 if address else "", "city": address.city if address else "",
            "online_url": e.online_url or "", "audience": ", ".join(m.AUDIENCE_LABELS[a.value] for a in e.audience),
            "organizer_ids": ", ".join(e.organizer_ids), "description": e.description,
            "example": "да" if e.example else "нет", "source": e.source or "",
        }
        rows.append([cells[k] for k, _ in EVENT_COLUMNS])
    return rows


def export_events(data_dir: Path, xlsx: bool = True) -> bytes:
    rows = event_rows(data_dir)
    if xlsx:
        return rows_to_xlsx(rows, "События")
    # a CSV cell Excel would take for a formula («=…», «-…») gets an apostrophe, removed on import
    return rows_to_csv([rows[0]] + [[services_csv._protect(c) for c in row] for row in rows[1:]])


@dataclass
class EventsResult:
    created: list[Path] = field(default_factory=list)
    changed: list[Path] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def _same_event(old: str, new: str) -> bool:
    try:
        return m.Event.model_validate(cms.load_yaml(old)) == m.Event.model_validate(cms.load_yaml(new))
    except Exception:  # noqa: BLE001 — an old file the loader refuses is a change
        return False


def _choice(value: str, by_label: dict[str, str]) -> str:
    """A Russian label from the list («семинар») or the value itself («seminar»)."""
    text = value.strip()
    return by_label.get(text.lower(), text)


def import_events(content: bytes, data_dir: Path, file: str = "events.xlsx", dry_run: bool = False) -> EventsResult:
    """Rows → data/events/<id>.yml. Any error: nothing written, DataErrors naming row and column."""
    data_dir = Path(data_dir)
    if file.lower().endswith(".xlsx"):
        rows = xlsx_rows(content, file)
    else:
        rows = [[services_csv._unprotect(c) for c in row] for row in csv_rows(content)]
    if not rows:
        raise DataErrors([DataError(file=file, line=1, field="", message="таблица пуста",
                                    hint="первая строка — заголовки, как в выгрузке scripts/spreadsheet.py export --events")])
    header = rows[0]
    keys: list[str | None] = []
    errors: list[DataError] = []
    known = {k for k, _ in EVENT_COLUMNS}
    for i, cell in enumerate(header):
        key = cell.strip().rsplit("(", 1)[-1].rstrip(")").strip() if cell.strip().endswith(")") else cell.strip()
        if key not in known:
            if cell.strip():
                errors.append(DataError(file=file, line=1, field=f"столбец {services_csv.column_letter(i)} «{cell}»",
                                        message="неизвестный столбец",
                                        hint="в скобках в конце заголовка — имя поля, например «Название (title)»"))
            keys.append(None)
        else:
            keys.append(key)
    if "title" not in keys:
        errors.append(DataError(file=file, line=1, field="", message=f"нет столбца «{EVENT_HEADINGS['title']}»",
                                hint="начните с выгрузки scripts/spreadsheet.py export --events"))
    if errors:
        raise DataErrors(errors)
    column = {k: f"столбец {services_csv.column_letter(i)} «{header[i].strip()}»" for i, k in enumerate(keys) if k}
    records: dict[str, tuple[int, dict[str, Any]]] = {}
    folder = data_dir / "events"
    for number, cells in enumerate(rows[1:], start=2):
        values = {k: (cells[i] if i < len(cells) else "").strip() for i, k in enumerate(keys) if k}
        if not any(values.values()):
            continue
        ident = values.get("id") or cms.event_id(values.get("title", ""), values.get("start", ""))
        path = folder / f"{ident}.yml"
        record: dict[str, Any] = {}
        if path.exists():
            record = cms.load_yaml(path.read_text(encoding="utf-8")) or {}
        record["id"] = ident
        for key in ("title", "description", "online_url", "source"):
            if key in values:
                record[key] = values[key] or None
        if "type" in values:
            record["type"] = _choice(values["type"], TYPE_BY_LABEL)
        if "status" in values and values["status"]:
            record["status"] = _choice(values["status"], STATUS_BY_LABEL)
        for key in ("start", "end"):
            if key in values:
                record[key] = values[key] or None
        if "audience" in values:
            record["audience"] = [_choice(a, AUDIENCE_BY_LABEL) for a in values["audience"].split(",") if a.strip()]
        if "organizer_ids" in values:
            record["organizer_ids"] = [a.strip() for a in values["organizer_ids"].split(",") if a.strip()]
        if "example" in values:
            record["example"] = values["example"].lower() in services_csv.YES
        if values.get("place"):
            place = dict(record.get("place") or {})
            place["name"] = values["place"]
            if values.get("address_1") or values.get("city"):
                place["address"] = {**(place.get("address") or {}), "address_1": values.get("address_1") or None,
                                    "city": values.get("city") or None}
            record["place"] = place
        elif "place" in values:
            record.pop("place", None)
        record = {k: v for k, v in record.items() if v not in (None, "", [])}
        if ident in records:
            errors.append(DataError(file=file, line=number, field=column.get("id", ""), message="такой id уже есть в таблице",
                                    hint=f"первая строка с ним — {records[ident][0]}", value=ident))
            continue
        records[ident] = (number, record)
    if errors:
        raise DataErrors(errors)
    spec = cms.spec("events")
    texts = {ident: cms.to_file(spec, yaml.safe_dump(rec, allow_unicode=True, sort_keys=False))[0]
             for ident, (_, rec) in records.items()}
    with tempfile.TemporaryDirectory() as tmp:  # the whole data/ with the new files must load, as the build will
        trial = Path(tmp) / "data"
        shutil.copytree(data_dir, trial)
        for ident, text in texts.items():
            (trial / "events" / f"{ident}.yml").write_text(text, encoding="utf-8")
        try:
            load(trial)
        except DataErrors as exc:
            mapped = []
            for e in exc.errors:
                stem = Path(e.file).stem if "/events/" in e.file.replace("\\", "/") else None
                if stem is not None and stem in records:
                    key = FIELD_COLUMN.get(e.field, e.field.split(".")[0].split("[")[0])
                    mapped.append(DataError(file=file, line=records[stem][0], field=column.get(key, e.field),
                                            message=e.message, hint=e.hint, value=e.value))
                else:
                    mapped.append(e)
            raise DataErrors(mapped) from None
    result = EventsResult()
    for ident, text in texts.items():
        path = folder / f"{ident}.yml"
        if path.exists():
            old_text = path.read_text(encoding="utf-8")
            if _same_event(old_text, text):
                result.unchanged.append(ident)
                continue
            comments = [ln for ln in old_text.splitlines()[1:] if ln.startswith("#")][:10]
            if comments and old_text.splitlines()[1].startswith("#"):  # the file's own note under the schema line
                first, rest = text.split("\n", 1)
                text = first + "\n" + "\n".join(comments) + "\n" + rest
        (result.changed if path.exists() else result.created).append(path)
        if not dry_run:
            path.write_text(text, encoding="utf-8")
    return result
