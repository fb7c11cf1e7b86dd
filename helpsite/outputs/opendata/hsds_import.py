"""An Open Referral HSDS registry → `data/` YAML that passes the site's validation.

The way a region moves an existing registry in: `scripts/import_hsds.py <source>` reads the
tabular form (a folder of CSV files with or without `datapackage.json`, or a zip of them) or
JSON (a list of «service_full» objects, one object, an API page `{"contents": […]}`, or
«organization_full» objects with their services), maps what the site has a field for, and
writes `data/organizations.yml` entries and `data/services/<id>.yml` files.

Nothing is dropped silently: every value the site has no field for is listed in the report
(file, field, how many records, an example), and every value the site needs but HSDS does not
give (a category, the district, «free») is filled with a stated default and listed too. The
result is validated with the site's own loader before anything is written: either all files
are written and valid, or none is.

Both forms are first brought to the same tables (nested JSON is flattened into the tabular
form's rows, linked by ids), so one mapping serves both.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
import tempfile
import uuid
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from helpsite.outputs.opendata.csvcell import unprotect
from helpsite.data import model as m
from helpsite.data import phones as phone_rules
from helpsite.data.errors import DataError, DataErrors
from helpsite.data.load import CampaignData, load
from helpsite.data.slug import slug
from helpsite.outputs.opendata import hsds as h
from helpsite.outputs.opendata.yamlout import service_yaml, to_yaml

Row = dict[str, Any]

# (parent object, key) → (child object, how they are linked): "fk:<field>" — the child gets the
# parent's id in <field>; "ref:<field>" — the child is one object whose id the parent keeps in <field>
NESTED: dict[tuple[str, str], tuple[str, str]] = {
    ("service", "organization"): ("organization", "ref:organization_id"),
    ("service", "program"): ("program", "ref:program_id"),
    ("service", "phones"): ("phone", "fk:service_id"),
    ("service", "schedules"): ("schedule", "fk:service_id"),
    ("service", "service_areas"): ("service_area", "fk:service_id"),
    ("service", "service_at_locations"): ("service_at_location", "fk:service_id"),
    ("service", "cost_options"): ("cost_option", "fk:service_id"),
    ("service", "required_documents"): ("required_document", "fk:service_id"),
    ("service", "attributes"): ("attribute", "fk:link_id"),
    ("service", "additional_urls"): ("url", "fk:service_id"),
    ("service", "contacts"): ("contact", "fk:service_id"),
    ("service", "languages"): ("language", "fk:service_id"),
    ("service", "funding"): ("funding", "fk:service_id"),
    ("service", "capacities"): ("service_capacity", "fk:service_id"),
    ("service", "metadata"): ("metadata", "fk:resource_id"),
    ("service_at_location", "location"): ("location", "ref:location_id"),
    ("service_at_location", "service"): ("service", "ref:service_id"),
    ("service_at_location", "phones"): ("phone", "fk:service_at_location_id"),
    ("service_at_location", "schedules"): ("schedule", "fk:service_at_location_id"),
    ("service_at_location", "service_areas"): ("service_area", "fk:service_at_location_id"),
    ("service_at_location", "contacts"): ("contact", "fk:service_at_location_id"),
    ("service_at_location", "attributes"): ("attribute", "fk:link_id"),
    ("service_at_location", "metadata"): ("metadata", "fk:resource_id"),
    ("location", "addresses"): ("address", "fk:location_id"),
    ("location", "phones"): ("phone", "fk:location_id"),
    ("location", "schedules"): ("schedule", "fk:location_id"),
    ("location", "languages"): ("language", "fk:location_id"),
    ("location", "accessibility"): ("accessibility", "fk:location_id"),
    ("location", "contacts"): ("contact", "fk:location_id"),
    ("location", "attributes"): ("attribute", "fk:link_id"),
    ("location", "metadata"): ("metadata", "fk:resource_id"),
    ("organization", "services"): ("service", "fk:organization_id"),
    ("organization", "phones"): ("phone", "fk:organization_id"),
    ("organization", "locations"): ("location", "fk:organization_id"),
    ("organization", "contacts"): ("contact", "fk:organization_id"),
    ("organization", "programs"): ("program", "fk:organization_id"),
    ("organization", "funding"): ("funding", "fk:organization_id"),
    ("organization", "organization_identifiers"): ("organization_identifier", "fk:organization_id"),
    ("organization", "additional_websites"): ("url", "fk:organization_id"),
    ("organization", "attributes"): ("attribute", "fk:link_id"),
    ("organization", "metadata"): ("metadata", "fk:resource_id"),
    ("contact", "phones"): ("phone", "fk:contact_id"),
    ("service_capacity", "unit"): ("unit", "ref:unit_id"),
    ("phone", "languages"): ("language", "fk:phone_id"),
    ("attribute", "taxonomy_term"): ("taxonomy_term", "ref:taxonomy_term_id"),
    ("taxonomy_term", "taxonomy_detail"): ("taxonomy", "ref:taxonomy_id"),
}
for _parent in ("phone", "schedule", "address", "service_area", "cost_option", "required_document", "url", "contact",
                "language", "accessibility", "funding", "program", "organization_identifier", "service_capacity"):
    NESTED.setdefault((_parent, "attributes"), ("attribute", "fk:link_id"))
    NESTED.setdefault((_parent, "metadata"), ("metadata", "fk:resource_id"))

# every HSDS table (file name → object), including those the site does not map
ALL_FILES = {**h.FILE_TO_TABLE, "contacts.csv": "contact", "languages.csv": "language", "accessibility.csv": "accessibility",
             "funding.csv": "funding", "programs.csv": "program", "organization_identifiers.csv": "organization_identifier",
             "service_capacity.csv": "service_capacity", "units.csv": "unit", "metadata.csv": "metadata",
             "meta_table_descriptions.csv": "meta_table_description"}
TABLE_LABELS = {"contact": "контактные лица", "language": "языки", "accessibility": "доступность мест",
                "funding": "финансирование", "program": "программы", "organization_identifier": "реестровые номера организаций",
                "service_capacity": "свободные места", "unit": "единицы мест", "metadata": "история изменений",
                "meta_table_description": "описания таблиц"}
PHONE_TYPES = {"voice": None, "cell": "мобильный", "fax": "факс", "text": "СМС", "textphone": "текстофон",
               "video": "видеосвязь", "pager": "пейджер"}
COUNTRY_RU = {"ru", "rus", "россия", "russia", "российская федерация", "russian federation"}
FREE = re.compile(r"бесплат|free|no charge|без оплаты", re.I)
_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?\s*$")
_DATE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})")


# ------------------------------------------------------------------ report

@dataclass(frozen=True)
class Note:
    """One line of the import report, about one field of one source file."""

    file: str  # the source file: «services.csv», «service_full.json»
    field: str  # «services.csv: wait_time» style: object.field
    kind: str  # "unmapped" (not carried over) | "default" (filled in) | "dropped" (invalid value) | "info"
    message: str
    record: str = ""  # whose: our id or the HSDS name
    value: str = ""


def _short(value: Any, limit: int = 60) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


NOTE_HEADINGS = {
    "unmapped": "Не перенесено — на сайте нет такого поля (сведения остались только в источнике):",
    "dropped": "Не перенесено — значение не прошло проверку сайта:",
    "default": "Заполнено по умолчанию — в источнике нет, а сайту нужно (проверьте):",
    "info": "Для сведения:",
}


def format_report(notes: list[Note]) -> str:
    """The notes grouped by kind, then by file and field: one line per field with the count and an example."""
    lines: list[str] = []
    for kind, heading in NOTE_HEADINGS.items():
        group: dict[tuple[str, str, str], list[Note]] = defaultdict(list)
        for note in notes:
            if note.kind == kind:
                group[(note.file, note.field, note.message)].append(note)
        if not group:
            continue
        lines.append(heading)
        for (file, fld, message), items in sorted(group.items()):
            records = sorted({n.record for n in items if n.record})
            example = next((n for n in items if n.value), None)
            text = f"  {file}: {fld} — {message}"
            if records:
                text += f" [{len(records)} зап.: {', '.join(records[:3])}{'…' if len(records) > 3 else ''}]"
            if example is not None:
                text += f" (например: «{_short(example.value)}»)"
            lines.append(text)
    return "\n".join(lines)


# ------------------------------------------------------------------ reading the source

@dataclass
class Source:
    tables: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    origin: dict[tuple[str, str], str] = field(default_factory=dict)  # (object, id) → source file name
    notes: list[Note] = field(default_factory=list)

    def add(self, table: str, row: Row, file: str) -> Row:
        """Add a row; a row seen before (nested JSON repeats objects) is merged into the first."""
        if not row.get("id"):
            row["id"] = str(uuid.uuid5(h.NAMESPACE, f"anonymous:{table}:{json.dumps(row, sort_keys=True, default=str)}"))
        key = (table, str(row["id"]))
        if key in self.origin:
            first = next(r for r in self.tables[table] if str(r["id"]) == key[1])
            for k, v in row.items():
                if first.get(k) in (None, "") and v not in (None, ""):
                    first[k] = v
            return first
        self.origin[key] = file
        self.tables[table].append(row)
        return row


def read_source(path: Path) -> Source:
    """Read an HSDS export: a folder or zip of CSV files, or a JSON file."""
    path = Path(path)
    source = Source()
    if path.is_dir():
        _read_csv_files(source, {p.name: p.read_bytes() for p in sorted(path.iterdir()) if p.is_file()})
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            _read_csv_files(source, {Path(n).name: archive.read(n) for n in sorted(archive.namelist()) if not n.endswith("/")})
    elif path.suffix.lower() == ".json":
        _read_json(source, path.name, json.loads(path.read_text(encoding="utf-8-sig")))
    elif path.suffix.lower() == ".csv":
        _read_csv_files(source, {p.name: p.read_bytes() for p in sorted(path.parent.glob("*.csv"))})
    else:
        raise ValueError(f"{path}: ожидается папка с CSV, архив .zip или файл .json")
    return source


def _read_csv_files(source: Source, files: dict[str, bytes]) -> None:
    names = dict(ALL_FILES)
    if "datapackage.json" in files:
        try:
            package = json.loads(files["datapackage.json"].decode("utf-8-sig"))
            for resource in package.get("resources", []):
                if isinstance(resource, dict) and resource.get("path") and resource.get("name"):
                    names[Path(str(resource["path"])).name] = str(resource["name"])
        except (ValueError, AttributeError):
            source.notes.append(Note("datapackage.json", "datapackage.json", "info",
                                     "не прочитан (не JSON) — таблицы определены по именам файлов"))
    for name, content in files.items():
        if name == "datapackage.json":
            continue
        if not name.endswith(".csv"):
            continue
        table = names.get(name)
        if table is None:
            source.notes.append(Note(name, name, "unmapped", "файл не из HSDS — не прочитан"))
            continue
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("cp1251")
            source.notes.append(Note(name, name, "info", "файл не в UTF-8 — прочитан как Windows-1251"))
        for row in csv.DictReader(io.StringIO(text, newline="")):
            # a cell «'=…» is how our export (and a careful registry) defuses a formula: the value is «=…»
            source.add(table, {k.strip(): (unprotect(v.strip()) if isinstance(v, str) else v) for k, v in row.items() if k},
                       name)


def _read_json(source: Source, file: str, value: Any) -> None:
    if isinstance(value, dict) and isinstance(value.get("contents"), list):  # an HSDS API page
        items = value["contents"]
    elif isinstance(value, list):
        items = value
    else:
        items = [value]
    for item in items:
        if not isinstance(item, dict):
            continue
        _flatten(source, file, _object_kind(item), item)


def _object_kind(item: dict[str, Any]) -> str:
    """Which HSDS object a top-level JSON object is (the API returns services, organizations, locations…)."""
    if "status" in item or "service_at_locations" in item:
        return "service"
    if "location_type" in item:
        return "location"
    if isinstance(item.get("service"), dict) or ("service_id" in item and "location_id" in item):
        return "service_at_location"
    if "taxonomy_detail" in item or ("code" in item and "taxonomy_id" in item):
        return "taxonomy_term"
    return "organization"


def _flatten(source: Source, file: str, table: str, obj: dict[str, Any], fk: tuple[str, str] | None = None,
             parent: str | None = None) -> Row:
    row: Row = {}
    nested: list[tuple[str, Any]] = []
    for key, value in obj.items():
        if isinstance(value, (dict, list)):
            nested.append((key, value))
        else:
            row[key] = value
    if fk is not None:
        row.setdefault(fk[0], fk[1])
    if table == "attribute" and parent is not None:
        row.setdefault("link_entity", parent)
    stored = source.add(table, row, file)
    for key, value in nested:
        rule = NESTED.get((table, key))
        if rule is None:
            if value not in ([], {}):
                source.notes.append(Note(file, f"{table}.{key}", "unmapped", "вложенные данные не разобраны (нет в схеме HSDS 3.1)",
                                         value=json.dumps(value, ensure_ascii=False)))
            continue
        child, link = rule
        how, _, fk_field = link.partition(":")
        if how == "ref" and isinstance(value, dict):
            child_row = _flatten(source, file, child, value)
            if not stored.get(fk_field):
                stored[fk_field] = child_row["id"]
        elif how == "fk":
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, dict):
                    _flatten(source, file, child, item, (fk_field, stored["id"]), table)
    return stored


# ------------------------------------------------------------------ mapping

@dataclass
class ImportOptions:
    source: str | None = None  # written into `source` of records that have none; None — leave empty
    keep_ids: bool = False  # use the HSDS UUIDs as ids (else readable ids from names)
    replace: bool = False  # overwrite data/services/<id>.yml files that exist
    default_category: str | None = None  # for services whose categories do not match categories.yml (default: the first)
    district: str = "не указан"  # for services without a service area
    today: dt.date | None = None


@dataclass
class ImportPlan:
    organizations: list[dict[str, Any]]  # new entries for organizations.yml (YAML-ready)
    reused_organizations: dict[str, str]  # HSDS id → id of an organization already in organizations.yml
    services: dict[str, dict[str, Any]]  # our id → YAML-ready service
    notes: list[Note]
    carried: set[tuple[str, str]] = field(default_factory=set)  # (HSDS object, column) carried over at least once


class _Mapper:
    def __init__(self, src: Source, target: CampaignData, options: ImportOptions):
        self.src = src
        self.t = src.tables
        self.target = target
        self.options = options
        self.today = options.today or dt.date.today()
        self.notes = list(src.notes)
        self.used: set[tuple[str, str, str]] = set()  # (table, row id, column) carried over
        self.ids: dict[str, str] = {}  # HSDS id → our id
        self.taken: dict[str, set[str]] = defaultdict(set)  # ids in use, per kind of record
        self.index: dict[tuple[str, str], dict[str, list[Row]]] = {}
        self.by_id = {table: {str(r["id"]): r for r in rows} for table, rows in self.t.items()}
        offset = dt.datetime.now(target.campaign.tz).utcoffset() or dt.timedelta(0)
        self.tz_hours = offset.total_seconds() / 3600

    # -- helpers
    def file_of(self, table: str, row: Row) -> str:
        return self.src.origin.get((table, str(row["id"])), h.TABLES.get(table, (table + ".csv",))[0])

    def note(self, table: str, row: Row, column: str, kind: str, message: str, record: str = "", value: Any = "") -> None:
        self.notes.append(Note(self.file_of(table, row), f"{table}.{column}", kind, message, record,
                               "" if value in (None, "") else str(value)))

    def get(self, table: str, row: Row, column: str) -> Any:
        """A column's value, marked as carried over; "" and None are None."""
        self.used.add((table, str(row["id"]), column))
        value = row.get(column)
        return None if value is None or (isinstance(value, str) and not value.strip()) else value

    def text(self, table: str, row: Row, column: str) -> str | None:
        value = self.get(table, row, column)
        return None if value is None else " ".join(str(value).split()) if "\n" not in str(value) else str(value).strip()

    def children(self, table: str, column: str, value: str) -> list[Row]:
        key = (table, column)
        if key not in self.index:
            groups: dict[str, list[Row]] = defaultdict(list)
            for row in self.t.get(table, []):
                if row.get(column) not in (None, ""):
                    groups[str(row[column])].append(row)
            self.index[key] = groups
        return self.index[key].get(value, [])

    def new_id(self, table: str, row: Row, name: str) -> str:
        hsds = str(row["id"])
        site_id = self.flag_value(hsds, "site_id")
        if site_id and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", site_id) and len(site_id) <= 80:
            base = site_id
        elif self.options.keep_ids and h.is_uuid(hsds.lower()):
            base = hsds.lower()
        else:
            base = slug(name, 60) if slug(name, 60) != "sobytie" else table
        ident, n = base, 2
        while ident in self.taken[table]:
            ident, n = f"{base}-{n}", n + 1
        self.taken[table].add(ident)
        self.ids[hsds] = ident
        return ident

    # -- attributes and our taxonomies
    def attributes(self, link_id: str) -> list[tuple[Row, Row | None]]:
        out = []
        for attr in self.children("attribute", "link_id", link_id):
            term = self.by_id.get("taxonomy_term", {}).get(str(attr.get("taxonomy_term_id", "")))
            out.append((attr, term))
        return out

    def our_taxonomy(self, term: Row | None) -> str | None:
        if term is None:
            return None
        for key in h.TAXONOMIES:
            if str(term.get("taxonomy_id", "")) == h.taxonomy_id(key) and str(term.get("id")) == h.term_id(key, str(term.get("code", ""))):
                return key
        return None

    def flag_value(self, link_id: str, code: str) -> str | None:
        for attr, term in self.attributes(link_id):
            if self.our_taxonomy(term) == "flags" and term and term.get("code") == code:
                return str(attr.get("value") or "") or "true"
        return None

    def consume_attribute(self, attr: Row, term: Row | None) -> None:
        for column in attr:
            self.used.add(("attribute", str(attr["id"]), column))
        if term is not None:
            for column in term:
                self.used.add(("taxonomy_term", str(term["id"]), column))
            taxonomy = self.by_id.get("taxonomy", {}).get(str(term.get("taxonomy_id", "")))
            if taxonomy is not None:
                for column in taxonomy:
                    self.used.add(("taxonomy", str(taxonomy["id"]), column))

    # -- values
    def url(self, table: str, row: Row, column: str, record: str) -> str | None:
        value = self.text(table, row, column)
        if value is None:
            return None
        try:
            return m._check_url(value)
        except ValueError:
            self.note(table, row, column, "dropped", "не адрес сайта (нужен https://…)", record, value)
            return None

    def email(self, table: str, row: Row, column: str, record: str) -> str | None:
        value = self.text(table, row, column)
        if value is None:
            return None
        try:
            return m._check_email(value)
        except ValueError:
            self.note(table, row, column, "dropped", "не адрес электронной почты", record, value)
            return None

    def phones(self, rows: Iterable[Row], record: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        seen: set[str] = set()
        for row in rows:
            number = self.text("phone", row, "number")
            if number is None:
                continue
            number = number.strip("\"'").strip()
            try:
                parsed = phone_rules.parse(number)
            except ValueError:
                self.note("phone", row, "number", "dropped", "номер не распознан как телефонный", record, number)
                continue
            extension = self.get("phone", row, "extension")
            description = self.text("phone", row, "description")
            kind = self.text("phone", row, "type")
            if kind and PHONE_TYPES.get(kind.lower(), kind):
                label = PHONE_TYPES.get(kind.lower(), kind)
                description = f"{label}; {description}" if description else label
            key = parsed.tel + f"/{extension}"
            if key in seen:
                continue
            seen.add(key)
            phone: dict[str, Any] = {"number": number}
            if extension is not None:
                ext = str(extension)
                phone["extension"] = ext[:-2] if ext.endswith(".0") else ext
            if description:
                phone["description"] = description
            out.append(phone)
        return out

    def address(self, location: Row, record: str) -> dict[str, Any] | None:
        """The location's physical address (or the first one) as our Address."""
        rows = self.children("address", "location_id", str(location["id"]))
        if not rows:
            return None
        rows = sorted(rows, key=lambda r: (str(r.get("address_type") or "physical") != "physical",))
        row, extra = rows[0], rows[1:]
        for other in extra:
            self.note("address", other, "address_1", "unmapped", "у места несколько адресов — перенесён первый", record,
                      other.get("address_1"))
        line1 = self.text("address", row, "address_1")
        line2 = self.text("address", row, "address_2")
        city = self.text("address", row, "city")
        if not line1 or not city:
            self.note("address", row, "address_1" if not line1 else "city", "dropped",
                      "адрес без улицы или города — не перенесён", record, line1 or city)
            return None
        out: dict[str, Any] = {"address_1": f"{line1}, {line2}" if line2 else line1, "city": city}
        postal = self.text("address", row, "postal_code")
        if postal:
            out["postal_code"] = postal
        state = self.text("address", row, "state_province") or self.text("address", row, "region")
        if state and state != self.target.campaign.region:
            out["state_province"] = state
        country = self.text("address", row, "country")
        if country and country.lower() not in COUNTRY_RU:
            self.note("address", row, "country", "unmapped", "страна не Россия — на сайте страны нет", record, country)
        self.get("address", row, "address_type")
        self.get("address", row, "location_id")
        parts = [self.text("location", location, c) for c in ("name", "description", "transportation")]
        description = "; ".join(p for p in parts if p)
        if description:
            out["description"] = description
        for column, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
            value = self.get("location", location, column)
            if value is None:
                continue
            try:
                number = float(value)
            except (TypeError, ValueError):
                number = None
            if number is None or not low <= number <= high:
                self.note("location", location, column, "dropped", f"координата вне диапазона {low}…{high}", record, value)
                continue
            out[column] = number
        self.get("location", location, "location_type")
        self.get("location", location, "organization_id")
        return out

    # -- organizations
    def organizations(self) -> tuple[list[dict[str, Any]], dict[str, str]]:
        existing = self.target.organizations
        by_name = {o.name.casefold(): o.id for o in existing.values()}
        self.taken["organization"] |= set(existing)
        new, reused = [], {}
        service_locations = {str(r.get("location_id")) for r in self.t.get("service_at_location", [])}
        for row in self.t.get("organization", []):
            name = self.text("organization", row, "name")
            hsds = str(row["id"])
            if not name:
                self.note("organization", row, "name", "dropped", "организация без названия — не перенесена", hsds)
                continue
            site_id = self.flag_value(hsds, "site_id")
            match = site_id if site_id in existing else by_name.get(name.casefold())
            if match:
                self.ids[hsds] = match
                reused[hsds] = match
                self.consume_organization(row)
                self.notes.append(Note(self.file_of("organization", row), "organization", "info",
                                       "организация уже есть в organizations.yml — взята существующая запись", match))
                continue
            ident = self.new_id("organization", row, name)
            out: dict[str, Any] = {"id": ident, "name": name}
            alternate = self.text("organization", row, "alternate_name")
            if alternate:
                out["alternate_name"] = alternate
            kind = None
            flags: dict[str, str] = {}
            for attr, term in self.attributes(hsds):
                taxonomy = self.our_taxonomy(term)
                if taxonomy == "organization_kind" and term is not None:
                    kind = str(term.get("code"))
                elif taxonomy == "flags" and term is not None:
                    flags[str(term.get("code"))] = str(attr.get("value") or "")
                else:
                    self.note("attribute", attr, "taxonomy_term_id", "unmapped", "атрибут организации — на сайте нет такого поля",
                              ident, (term or {}).get("name") or attr.get("value"))
                self.consume_attribute(attr, term)
            if kind not in m.ORGANIZATION_KIND_LABELS:
                kind = "other"
                self.note("organization", row, "kind", "default", "вид организации не указан — записано other", ident)
            out["kind"] = kind
            description = self.text("organization", row, "description")
            if description and description != m.ORGANIZATION_KIND_LABELS[kind].capitalize():
                out["description"] = description
            website = self.url("organization", row, "website", ident)
            if website:
                out["website"] = website
            email = self.email("organization", row, "email", ident)
            if email:
                out["email"] = email
            phones = [p for p in self.children("phone", "organization_id", hsds)
                      if not any(p.get(k) for k in ("service_id", "service_at_location_id", "contact_id", "location_id"))]
            for p in phones:
                self.get("phone", p, "organization_id")
            if phones := self.phones(phones, ident):
                out["phones"] = phones
            own = [loc for loc in self.children("location", "organization_id", hsds) if str(loc["id"]) not in service_locations]
            for loc in own:
                address = self.address(loc, ident)
                if address is not None:
                    out["address"] = address
                    for other in own[own.index(loc) + 1:]:
                        self.note("location", other, "id", "unmapped", "у организации несколько адресов — перенесён первый", ident)
                    break
            self._provenance(out, flags)
            new.append(out)
        return new, reused

    def _provenance(self, out: dict[str, Any], flags: dict[str, str]) -> None:
        if "example" in flags:
            out["example"] = True
        source = flags.get("source") or self.options.source
        if source:
            out["source"] = source

    def consume_organization(self, row: Row) -> None:
        """An organization already in organizations.yml: the existing entry wins, its HSDS details are not compared."""
        hsds = str(row["id"])
        self.consume_row("organization", row)
        for attr, term in self.attributes(hsds):
            self.consume_attribute(attr, term)
        for phone in self.children("phone", "organization_id", hsds):
            if not any(phone.get(k) for k in ("service_id", "service_at_location_id", "contact_id", "location_id")):
                self.consume_row("phone", phone)
        service_locations = {str(r.get("location_id")) for r in self.t.get("service_at_location", [])}
        for loc in self.children("location", "organization_id", hsds):
            if str(loc["id"]) not in service_locations:
                self.consume_row("location", loc)
                for address in self.children("address", "location_id", str(loc["id"])):
                    self.consume_row("address", address)

    def consume_row(self, table: str, row: Row) -> None:
        for column in row:
            self.used.add((table, str(row["id"]), column))

    # -- services
    def services(self, placeholder_org: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        categories = self.target.categories
        default_category = self.options.default_category or next(iter(categories))
        out: dict[str, dict[str, Any]] = {}
        for row in self.t.get("service", []):
            hsds = str(row["id"])
            name = self.text("service", row, "name")
            if not name:
                self.note("service", row, "name", "dropped", "служба без названия — не перенесена", hsds)
                continue
            ident = self.new_id("service", row, name)
            s: dict[str, Any] = {"id": ident, "name": name}
            alternate = self.text("service", row, "alternate_name")
            if alternate:
                s["alternate_name"] = alternate
            org = self.get("service", row, "organization_id")
            if org is None or str(org) not in self.ids:
                if not placeholder_org:
                    placeholder_org.append({"id": self._placeholder_id(), "name": "Организация не указана", "kind": "other",
                                            "description": "Создана при импорте HSDS для служб без организации — замените."})
                s["organization_id"] = placeholder_org[0]["id"]
                self.note("service", row, "organization_id", "default",
                          "организация не указана или не найдена — записана «Организация не указана»", ident, org)
            else:
                s["organization_id"] = self.ids[str(org)]
            status = self.text("service", row, "status") or "active"
            if status not in m.SERVICE_STATUS_LABELS:
                self.note("service", row, "status", "default", "неизвестное состояние — записано inactive (не работает)", ident, status)
                status = "inactive"
            if status != "active":
                s["status"] = status
            description = self.text("service", row, "description")
            if not description:
                description = name
                self.note("service", row, "description", "default", "нет описания — записано название", ident)
            s["description"] = description

            links = self.children("service_at_location", "service_id", hsds)
            link_ids = [str(x["id"]) for x in links]
            found = [self.by_id.get("location", {}).get(str(x.get("location_id"))) for x in links]
            locations = [loc for loc in found if loc is not None]
            for x in links:
                for column in ("service_id", "location_id"):
                    self.get("service_at_location", x, column)

            cats, audience, flags = [], [], {}
            for attr, term in self.attributes(hsds) + [a for i in link_ids for a in self.attributes(i)]:
                taxonomy = self.our_taxonomy(term)
                code = str((term or {}).get("code") or "")
                term_name = str((term or {}).get("name") or "")
                if taxonomy == "flags":
                    flags[code] = str(attr.get("value") or "")
                elif taxonomy == "audience" and code in m.AUDIENCE_LABELS:
                    audience.append(code)
                elif code in categories or any(c.name.casefold() == term_name.casefold() for c in categories.values()):
                    cats.append(code if code in categories else
                                next(c.id for c in categories.values() if c.name.casefold() == term_name.casefold()))
                elif code in m.AUDIENCE_LABELS or term_name.casefold() in {v.casefold() for v in m.AUDIENCE_LABELS.values()}:
                    audience.append(code if code in m.AUDIENCE_LABELS else
                                    next(k for k, v in m.AUDIENCE_LABELS.items() if v.casefold() == term_name.casefold()))
                else:
                    self.note("attribute", attr, "taxonomy_term_id", "unmapped",
                              "термин таксономии не совпал ни с категорией из categories.yml, ни с аудиторией", ident,
                              term_name or code or attr.get("value"))
                self.consume_attribute(attr, term)
            cats = list(dict.fromkeys(cats))
            if not cats:
                cats = [default_category]
                self.note("service", row, "categories", "default", f"нет подходящей категории — записана «{default_category}»", ident)
            s["categories"] = cats
            audience = list(dict.fromkeys(audience))
            if not audience:
                audience = ["everyone"]
                self.note("service", row, "audience", "default", "не указано, для кого — записано everyone (все)", ident)
            s["audience"] = audience
            for column in ("minimum_age", "maximum_age"):
                value = self.get("service", row, column)
                if value is None:
                    continue
                try:
                    age = int(float(value))
                    if not 0 <= age <= 120:
                        raise ValueError
                    s[column] = age
                except (TypeError, ValueError):
                    self.note("service", row, column, "dropped", "возраст — не целое число 0…120", ident, value)
            if "minimum_age" in s and "maximum_age" in s and s["maximum_age"] < s["minimum_age"]:
                self.note("service", row, "maximum_age", "dropped", "меньше minimum_age", ident, s.pop("maximum_age"))

            areas = self.children("service_area", "service_id", hsds) + [
                a for i in link_ids for a in self.children("service_area", "service_at_location_id", i)]
            areas = list({str(a["id"]): a for a in areas}.values())
            district = None
            for area in areas:
                value = self.text("service_area", area, "name") or self.text("service_area", area, "description")
                self.get("service_area", area, "service_id")
                self.get("service_area", area, "service_at_location_id")
                if district is None and value:
                    district = value
                elif value:
                    self.note("service_area", area, "name", "unmapped", "у службы несколько районов — перенесён первый", ident, value)
            if district is None:
                district = self.options.district
                self.note("service", row, "district", "default", f"район не указан — записано «{district}»", ident)
            s["district"] = district

            address = None
            for loc in locations:
                if str(loc.get("location_type") or "physical") == "virtual":
                    self.get("location", loc, "location_type")
                    continue
                address = self.address(loc, ident)
                if address is not None:
                    break
            if address is not None:
                s["location"] = address
            for loc in locations[1:]:
                self.note("location", loc, "id", "unmapped", "у службы несколько мест — перенесено первое", ident)

            phone_rows = self.children("phone", "service_id", hsds) + [p for i in link_ids for p in self.children("phone", "service_at_location_id", i)]
            phone_rows += [p for loc in locations for p in self.children("phone", "location_id", str(loc["id"]))
                           if not p.get("organization_id") or p.get("service_id") == hsds]
            phone_rows = list({str(p["id"]): p for p in phone_rows}.values())
            for p in phone_rows:
                for column in ("service_id", "service_at_location_id", "location_id", "organization_id", "contact_id"):
                    self.get("phone", p, column)
            if phones := self.phones(phone_rows, ident):
                s["phones"] = phones

            contacts = self.children("contact", "service_id", hsds)
            email = self.email("service", row, "email", ident)
            if email is None:
                for contact in contacts:
                    email = self.email("contact", contact, "email", ident)
                    if email:
                        break
            if email:
                s["email"] = email
            url = self.url("service", row, "url", ident)
            if url is None:
                for loc in locations:
                    url = self.url("location", loc, "url", ident)
                    if url:
                        break
            if url:
                s["url"] = url

            schedules = self.children("schedule", "service_id", hsds) + [x for i in link_ids for x in self.children("schedule", "service_at_location_id", i)]
            schedules = list({str(x["id"]): x for x in schedules}.values())
            hours = self.hours(schedules, ident)
            if hours is not None:
                s["hours"] = hours

            # a record from this site's own export: an absent flag or cost option means «no», not «unknown»
            ours = "site_id" in flags
            free, fees = self.costs(row, ident, ours)
            s["free"] = free
            if fees:
                s["fees_description"] = fees
            s["anonymous"] = "anonymous" in flags
            if "anonymous" not in flags and not ours:
                self.note("service", row, "anonymous", "default", "не указано, анонимно ли — записано false", ident)
            if "referral_required" in flags:
                s["referral_required"] = True
            process = self.text("service", row, "application_process")
            if process:
                s["application_process"] = process
            documents = [self.text("required_document", d, "document") for d in self.children("required_document", "service_id", hsds)]
            for d in self.children("required_document", "service_id", hsds):
                self.get("required_document", d, "service_id")
            if [d for d in documents if d]:
                s["required_documents"] = [d for d in documents if d]
            eligibility = self.text("service", row, "eligibility_description")
            if eligibility:
                s["eligibility_description"] = eligibility
            s["assured_date"] = self.assured(row, ident)
            alert = self.text("service", row, "alert")
            if alert == h.EXAMPLE_ALERT:
                flags.setdefault("example", "")
            elif alert:
                self.note("service", row, "alert", "unmapped", "предупреждение — на сайте нет такого поля, перенесите в описание вручную", ident, alert)
            for url_row in self.children("url", "service_id", hsds):
                if url_row.get("label") == h.PAGE_URL_LABEL:
                    self.consume_row("url", url_row)
            self._provenance(s, flags)
            out[ident] = s
        return out

    def _placeholder_id(self) -> str:
        ident, n = "organizaciya-ne-ukazana", 2
        while ident in self.taken["organization"]:
            ident, n = f"organizaciya-ne-ukazana-{n}", n + 1
        self.taken["organization"].add(ident)
        return ident

    def assured(self, row: Row, ident: str) -> dt.date:
        for column in ("assured_date", "last_modified"):
            value = self.get("service", row, column)
            match = _DATE.match(str(value)) if value is not None else None
            if match:
                try:
                    return dt.date.fromisoformat(match.group(1))
                except ValueError:
                    self.note("service", row, column, "dropped", "не дата ГГГГ-ММ-ДД", ident, value)
            elif value is not None:
                self.note("service", row, column, "dropped", "не дата ГГГГ-ММ-ДД", ident, value)
        self.note("service", row, "assured_date", "default",
                  f"нет даты проверки — записана дата импорта {self.today.isoformat()}: проверьте сведения", ident)
        return self.today

    def costs(self, row: Row, ident: str, ours: bool = False) -> tuple[bool, str | None]:
        hsds = str(row["id"])
        fees = self.text("service", row, "fees_description")
        legacy = self.text("service", row, "fees")
        if legacy and not fees:
            fees = legacy
        free: bool | None = None
        paid: list[str] = []
        for option in self.children("cost_option", "service_id", hsds):
            label = self.text("cost_option", option, "option")
            amount = self.get("cost_option", option, "amount")
            currency = self.text("cost_option", option, "currency")
            details = self.text("cost_option", option, "amount_description")
            self.get("cost_option", option, "service_id")
            try:
                value = float(amount) if amount is not None else None
            except (TypeError, ValueError):
                value = None
            if value == 0 or (label and FREE.search(label)):
                free = True
                continue
            free = False if free is None else free
            text = ": ".join(x for x in (label, " ".join(x for x in (str(amount) if amount is not None else None,
                                                                       (currency or "").upper() or None) if x)) if x)
            paid.append(text + (f" ({details})" if details else ""))
        if paid and not fees:
            fees = "; ".join(paid)
        if free is None:
            if fees and FREE.search(fees):
                free = True
            else:
                free = False
                if not ours:
                    self.note("service", row, "free", "default", "не указано, бесплатно ли — записано false (платно)", ident)
        return free, fees

    def hours(self, rows: list[Row], ident: str) -> dict[str, Any] | None:
        weekly: list[dict[str, Any]] = []
        notes: list[str] = []
        always = False
        for row in rows:
            for column in ("service_id", "service_at_location_id", "location_id"):
                self.get("schedule", row, column)
            freq = (self.text("schedule", row, "freq") or "").upper()
            byday = self.text("schedule", row, "byday")
            opens, closes = self.text("schedule", row, "opens_at"), self.text("schedule", row, "closes_at")
            description = self.text("schedule", row, "description")
            note = self.text("schedule", row, "notes")
            if note:
                notes.append(note)
            interval = self.get("schedule", row, "interval")
            timezone = self.get("schedule", row, "timezone")
            if timezone is not None:
                try:
                    if abs(float(timezone) - self.tz_hours) > 1e-6:
                        self.note("schedule", row, "timezone", "unmapped", "часовой пояс не как у кампании — время перенесено как записано", ident, timezone)
                except (TypeError, ValueError):
                    self.note("schedule", row, "timezone", "dropped", "не число", ident, timezone)
            if freq not in ("", "WEEKLY") or (interval not in (None, 1, "1", 1.0)):
                self.note("schedule", row, "freq", "unmapped", "расписание не еженедельное — перенесено только описание", ident,
                          f"{freq} interval={interval}")
                if description:
                    notes.append(description)
                continue
            if not byday and not opens and not closes:
                if description and description != h.ALWAYS_OPEN_TEXT:
                    notes.append(description)
                continue
            days = [d.strip().lower() for d in (byday or "").split(",") if d.strip()]
            start, end = _clock(opens), _clock(closes)
            if not days or any(d not in h.WEEKDAYS for d in days) or start is None or end is None:
                self.note("schedule", row, "byday", "dropped", "не разобраны дни недели или время (нужно «MO,TU», «09:00»)", ident,
                          f"{byday} {opens}–{closes}")
                if description:
                    notes.append(description)
                continue
            if set(days) == set(h.WEEKDAYS) and start == dt.time(0, 0) and end >= dt.time(23, 59):
                always = True
                if description and description != h.ALWAYS_OPEN_TEXT:
                    notes.append(description)
                continue
            if end <= start:
                self.note("schedule", row, "closes_at", "dropped", "закрытие не позже открытия", ident, f"{opens}–{closes}")
                continue
            entry: dict[str, Any] = {"byday": days, "opens_at": f"{start:%H:%M}", "closes_at": f"{end:%H:%M}"}
            if description:
                entry["description"] = description
            weekly.append(entry)
        if always and weekly:
            self.note("schedule", rows[0], "byday", "dropped", "есть и «круглосуточно», и часы по дням — оставлено «круглосуточно»", ident)
            weekly = []
        if not always and not weekly and not notes:
            return None
        out: dict[str, Any] = {}
        if always:
            out["always_open"] = True
        if weekly:
            out["weekly"] = weekly
        if notes:
            out["description"] = "; ".join(dict.fromkeys(notes))
        return out

    # -- what was not carried over
    def leftovers(self) -> None:
        for table, rows in self.t.items():
            used_rows = {i for (t, i, c) in self.used if t == table}
            if table not in h.TABLES and not used_rows:
                file = self.file_of(table, rows[0]) if rows else table
                self.notes.append(Note(file, table, "unmapped",
                                       f"таблица «{TABLE_LABELS.get(table, table)}» — на сайте нет таких сведений ({len(rows)} стр.)"))
                continue
            for row in rows:
                touched = {c for (t, i, c) in self.used if t == table and i == str(row["id"])}
                if not touched and table in ("taxonomy", "taxonomy_term"):
                    taxonomy = str(row["id"] if table == "taxonomy" else row.get("taxonomy_id", ""))
                    if taxonomy not in {h.taxonomy_id(k) for k in h.TAXONOMIES}:  # our own vocabularies: nothing lost
                        self.note(table, row, "*", "unmapped", "ни одна перенесённая запись не ссылается на этот термин (таксономию)",
                                  value=row.get("name") or row.get("code") or row.get("id"))
                    continue
                if not touched:
                    record = self.record_of(table, row)
                    label = row.get("name") or row.get("number") or row.get("address_1") or row.get("url") or row.get("id")
                    if record:
                        self.note(table, row, "*", "unmapped", "на сайте нет таких сведений", record, label)
                    else:
                        self.note(table, row, "*", "unmapped", "запись не связана ни с одной перенесённой службой или организацией",
                                  value=label)
                    continue
                if not touched:
                    continue
                record = self.record_of(table, row)
                for column, value in row.items():
                    if column == "id" or value in (None, "") or column in touched:
                        continue
                    self.note(table, row, column, "unmapped", "на сайте нет такого поля", record, value)

    def record_of(self, table: str, row: Row) -> str:
        for column in ("id", "service_id", "organization_id", "link_id"):
            value = str(row.get(column) or "")
            if value in self.ids:
                return self.ids[value]
        return ""


def _clock(value: str | None) -> dt.time | None:
    if value is None:
        return None
    match = _TIME.match(value)
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour == 24 and minute == 0:
        return dt.time(23, 59)
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def plan_import(source: Source, target: CampaignData, options: ImportOptions | None = None) -> ImportPlan:
    """Map the registry to YAML-ready records (nothing is written)."""
    options = options or ImportOptions()
    if options.default_category and options.default_category not in target.categories:
        raise ValueError(f"нет категории «{options.default_category}» в categories.yml")
    mapper = _Mapper(source, target, options)
    organizations, reused = mapper.organizations()
    placeholder: list[dict[str, Any]] = []
    services = mapper.services(placeholder)
    mapper.leftovers()
    return ImportPlan(organizations=organizations + placeholder, reused_organizations=reused, services=services,
                      notes=mapper.notes, carried={(t, c) for t, _, c in mapper.used})


# ------------------------------------------------------------------ writing YAML



def organizations_yaml(existing: str, organizations: list[dict[str, Any]], comment: str) -> str:
    if not organizations:
        return existing
    text = existing if existing.endswith("\n") or not existing else existing + "\n"
    return text + "".join(f"# {line}\n" for line in comment.splitlines()) + to_yaml(organizations)


@dataclass
class ImportResult:
    plan: ImportPlan
    written: list[Path]


def import_hsds(source_path: Path, data_dir: Path, options: ImportOptions | None = None, dry_run: bool = False) -> ImportResult:
    """Import an HSDS registry into `data_dir`. Raises DataErrors (nothing written) if the result does not validate."""
    options = options or ImportOptions()
    data_dir = Path(data_dir)
    target = load(data_dir)  # the target must be valid first: its errors are not the import's
    source = read_source(Path(source_path))
    plan = plan_import(source, target, options)
    existing = [sid for sid in plan.services if (data_dir / "services" / f"{sid}.yml").exists()]
    if existing and not options.replace:
        raise DataErrors([DataError(file=f"data/services/{sid}.yml", line=None, field="", message="такая служба уже есть",
                                    hint="импорт её не перезаписывает; запустите с --replace, чтобы заменить")
                          for sid in existing])
    today = (options.today or dt.date.today()).isoformat()
    comment = f"Импортировано из Open Referral HSDS ({Path(source_path).name}) {today}. Проверьте сведения;\n" \
              "что не перенесено — в отчёте команды scripts/import_hsds.py."
    files: dict[Path, str] = {data_dir / "services" / f"{sid}.yml": service_yaml(s, comment) for sid, s in plan.services.items()}
    org_path = data_dir / "organizations.yml"
    if plan.organizations:
        files[org_path] = organizations_yaml(org_path.read_text(encoding="utf-8"), plan.organizations, comment)
    with tempfile.TemporaryDirectory() as tmp:
        trial = Path(tmp) / "data"
        shutil.copytree(data_dir, trial)
        for path, text in files.items():
            target_path = trial / path.relative_to(data_dir)
            target_path.parent.mkdir(parents=True, exist_ok=True)
            target_path.write_text(text, encoding="utf-8")
        load(trial)  # raises DataErrors naming data/services/<id>.yml:line — nothing is written
    if dry_run:
        return ImportResult(plan, [])
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return ImportResult(plan, sorted(files))
