"""The service directory as Open Referral HSDS 3.1: nested JSON and the tabular form (CSV + datapackage).

One mapping builds the HSDS tables (rows of scalars linked by UUIDs); both forms are made from
them, so they never disagree:

- `services.json` — every service in the nested «service_full» shape of the HSDS API
  (`GET /services/{id}`): organization, phones, schedules, service_at_locations → location →
  addresses, cost_options, attributes → taxonomy_term, all inside: no joins.
- `organizations.json` — every organization with its phones and locations.
- the tabular form: one CSV table per object type + `datapackage.json`, the form registries and
  spreadsheets exchange.

All of them are published once, in one archive, `hsds.zip`: the two forms say the same thing, and
loose they were 85 MB at 10,000 services (the nested JSON 53 MB, the tables 32 MB, again in the
zip), zipped ≈ 13 MB. A program that wants one request and no archive reads `/api/services.json`
(`hsds_id` there is the same UUID).

What HSDS has no field for (categories, audience, anonymous, referral, example, source,
organization kind) travels as attributes with terms of our own taxonomies (`hsds.TAXONOMIES`).
Helplines are not in the export: HSDS wants every service to belong to an organization, and a
helpline names only a free-text operator; they are in the JSON API (`/api/helplines.json`).
"""

from __future__ import annotations

import datetime as dt
import operator
import struct
import zipfile
from collections import defaultdict
from functools import lru_cache
from typing import Any, Callable, Iterable

try:  # ISA-L (a dependency): zlib's deflate at a quarter of the CPU
    from isal import isal_zlib
except ImportError:  # an environment not reinstalled since isal was added: zlib's own, the same format
    import zlib as isal_zlib  # type: ignore[no-redef]

from helpsite.data import model as m
from helpsite.data import phones as phone_rules
from helpsite.data.load import CampaignData
from helpsite.outputs.opendata.csvcell import FORMULA_START, safe_cell
from helpsite.outputs.opendata import hsds as h
from helpsite.outputs.opendata.jsonline import json_line
from helpsite.pages.site import Site

PREFIX = "open-data/hsds/"
ZIP = PREFIX + "hsds.zip"  # everything: the nested JSON, datapackage.json and the CSV tables
SERVICES_JSON = "services.json"  # names inside the archive
ORGANIZATIONS_JSON = "organizations.json"
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)  # fixed: the archive's bytes depend on the data only
# Deflate by ISA-L (`isal`: the same format, several times faster than zlib), levels measured at 10,000 services:
# the nested JSON (53 MB) at 2 → 6.9 MB in 0.045 s, the tables (32 MB) at 1 → 6.5 MB in 0.046 s: 13.48 MB. ISA-L 3
# for the JSON: 6.4 MB, but in 0.14 s (13.06 MB; 0.09 s more of the build's CPU for 0.42 MB, 0.1 % of the site);
# zlib 6 and 3 made 12.90 MB in 0.72 s, zlib 1 15.3 MB in 0.38 s
_LEVEL_JSON = 2
_LEVEL_CSV = 1


def phone_number(phone: m.Phone) -> str:
    """The number for other systems: international format («+7 343 500-00-02»), short numbers as they are."""
    return _international(phone.number)


@lru_cache(maxsize=None)
def _international(written: str) -> str:
    return phone_rules.parse(written).international


@lru_cache(maxsize=None)
def _hhmm(value: dt.time) -> str:  # a few opening times recur in thousands of schedules
    return f"{value:%H:%M}"


@lru_cache(maxsize=None)
def _byday(days: tuple[m.Weekday, ...]) -> str:
    return ",".join(d.value.upper() for d in days)


# table → {each CSV column: ""} (a row's absent fields) and what takes its cells from a row with every column, in order
_BLANK = {table: dict.fromkeys([c.name for c in columns], "") for table, (_, columns) in h.TABLES.items()}
_CELLS = {table: operator.itemgetter(*blank) for table, blank in _BLANK.items()}
# The rows of a service's tables (all but ≈ 1,000 of the 153,000 rows at 10,000 services) are written as their CSV
# tuples by hand, without `add`'s dicts (the row merged into all its columns, then picked out in order): ≈ 0.07 s less.
# Their columns, in the order the tuples follow (a change in hsds.TABLES must be made there too):
_WRITTEN_BY_HAND = {
    "service": "id organization_id program_id name alternate_name description url email status interpretation_services "
               "application_process fees_description wait_time fees accreditations eligibility_description minimum_age "
               "maximum_age assured_date assurer_email licenses alert last_modified",
    "phone": "id location_id service_id organization_id contact_id service_at_location_id number extension type description",
    "location": "id location_type url organization_id name alternate_name description transportation latitude longitude "
                "external_identifier external_identifier_type",
    "address": "id location_id attention address_1 address_2 city region state_province postal_code country address_type",
    "service_at_location": "id service_id location_id description",
    "schedule": "id service_id location_id service_at_location_id valid_from valid_to dtstart timezone until count wkst freq "
                "interval byday byweekno bymonthday byyearday description opens_at closes_at schedule_link attending_type notes",
    "service_area": "id service_id service_at_location_id name description extent extent_type uri",
    "cost_option": "id service_id valid_from valid_to option currency amount amount_description",
    "required_document": "id service_id document uri",
    "url": "id label url organization_id service_id",
    "attribute": "id link_id taxonomy_term_id link_type link_entity value label",
}
for _table, _columns in _WRITTEN_BY_HAND.items():
    if tuple(_BLANK[_table]) != tuple(_columns.split()):  # hsds.TABLES changed: the tuples must follow it
        raise RuntimeError(f"hsds_export: the {_table} columns are now {list(_BLANK[_table])}")


def _present(row: dict[str, Any]) -> dict[str, Any]:
    """`row` without its empty fields (None, ""): a nested row (a row's values are text or numbers)."""
    return {k: v for k, v in row.items() if v is not None and v != ""}


def _number(value: float | None) -> float | str:
    """An optional number's CSV cell: "" for None, 0 stays 0 (an optional text's is `text or ""`)."""
    return "" if value is None else value


class HsdsExport:
    """One walk over the data makes every HSDS row: `tables` (the tabular form: each row with the ids that
    link it) and, from the same row objects, the nested form (`nested_services`, `nested_organizations`:
    a row inside its parent leaves out the ids that only point back at the parent, as in HSDS examples)."""

    def __init__(self, data: CampaignData, now: dt.datetime, page_url: Callable[[str], str] | None = None):
        self.data = data
        self.page_url = page_url
        offset = now.astimezone(data.campaign.tz).utcoffset() or dt.timedelta(0)
        minutes = int(offset.total_seconds() // 60)
        self.tz_hours = minutes / 60 if minutes % 60 else minutes // 60
        sign = "+" if minutes >= 0 else "-"
        self.tz_suffix = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
        self.tables: dict[str, list[tuple[Any, ...]]] = defaultdict(list)  # table → its rows, in the CSV's column order
        self.terms: dict[str, dict[str, Any]] = {}  # taxonomy_term rows by id
        self.nested_services: list[dict[str, Any]] = []
        self.nested_organizations: list[dict[str, Any]] = []
        self._organization_rows: dict[str, dict[str, Any]] = {}  # by our id
        # our id → its HSDS id, and a service's page: what the API says of the same record (`api.ApiBuilder(known=…)`)
        self.organization_ids: dict[str, str] = {}
        self.service_ids: dict[str, str] = {}
        self.service_urls: dict[str, str] = {}
        self._attributes = self.tables["attribute"]
        # (taxonomy, code) → its term's id and row, and the attribute's link_type: what every attribute naming it shares
        self._term_of: dict[tuple[str, str], tuple[str, dict[str, Any], str]] = {}
        self._build()

    # ------------------------------------------------------------------ tables
    def add(self, table: str, row: dict[str, Any], links: dict[str, str] | None = None) -> dict[str, Any]:
        """Append `row` with its `links` to `table` (as the tuple of its CSV columns: an absent field is "");
        the row without the links and without its empty fields (None, "") back."""
        row = _present(row)
        full = {**_BLANK[table], **row, **links} if links else {**_BLANK[table], **row}
        self.tables[table].append(_CELLS[table](full))
        return row

    def _build(self) -> None:
        data = self.data
        self._taxonomies()
        for org in data.organizations.values():
            self._organization(org)
        for service in data.services.values():
            self._service(service)

    def _taxonomies(self) -> None:
        for key, (name, description) in h.TAXONOMIES.items():
            self.add("taxonomy", {"id": h.taxonomy_id(key), "name": name, "description": description})
        terms: dict[str, list[tuple[str, str, str]]] = {
            "categories": [(c.id, c.name, c.description or c.name) for c in self.data.categories.values()],
            "audience": [(k, v, v) for k, v in m.AUDIENCE_LABELS.items()],
            "organization_kind": [(k, v, v) for k, v in m.ORGANIZATION_KIND_LABELS.items()],
            "flags": [(k, v.split(":")[0].split(" (")[0], v) for k, v in h.FLAG_TERMS.items()],
        }
        for key, items in terms.items():
            for code, name, description in items:
                row = self.add("taxonomy_term", {"id": h.term_id(key, code), "code": code, "name": name,
                                                 "description": description, "taxonomy": h.TAXONOMIES[key][0],
                                                 "taxonomy_id": h.taxonomy_id(key), "language": "ru"})
                self.terms[row["id"]] = row
                self._term_of[key, code] = (row["id"], row, h.LINK_TYPES[key])

    def _attribute(self, out: list[dict[str, Any]], owner_kind: str, owner_ident: str, link_id: str, taxonomy: str,
                   code: str, value: str | None = None) -> None:
        """An attribute row; nested, its term goes inside (the one term row, shared by every attribute that names
        it; the term names its taxonomy, `taxonomy_detail` is left to taxonomies.csv: repeated in every attribute
        it would be most of the file)."""
        term, term_row, link_type = self._term_of[taxonomy, code]  # KeyError: a term that is not one of ours — never written silently
        ident = h.hsds_id("attribute", f"{owner_kind}:{owner_ident}:{taxonomy}/{code}")
        # what `add` would make of {id, link_type, link_entity, value} with the links {link_id, taxonomy_term_id}
        if value is None or value == "":
            self._attributes.append((ident, link_id, term, link_type, owner_kind, "", ""))
            out.append({"id": ident, "link_type": link_type, "link_entity": owner_kind, "taxonomy_term": term_row})
        else:
            self._attributes.append((ident, link_id, term, link_type, owner_kind, value, ""))
            out.append({"id": ident, "link_type": link_type, "link_entity": owner_kind, "value": value,
                        "taxonomy_term": term_row})

    def _phones(self, owner: str, ident: str, phones: list[m.Phone], service_id: str, organization_id: str) -> list[dict[str, Any]]:
        """The phones of a service (`service_id`; `organization_id` "") or of an organization (the other way round)."""
        out = []
        rows = self.tables["phone"]
        for i, phone in enumerate(phones):
            extension = phone.extension.strip() if phone.extension else None
            description = phone.description
            if extension and not extension.isdigit():
                description = f"доб. {extension}" + (f"; {description}" if description else "")
                extension = None
            digits = int(extension) if extension else None
            pid = h.hsds_id("phone", f"{owner}:{ident}:{i}")
            number = phone_number(phone)
            rows.append((pid, "", service_id, organization_id, "", "", number, _number(digits), "voice", description or ""))
            out.append(_present({"id": pid, "number": number, "extension": digits, "type": "voice", "description": description}))
        return out

    def _location(self, owner: str, ident: str, address: m.Address, organization_id: str) -> tuple[str, dict[str, Any]]:
        """(location id, the location nested: with its address inside; an organization's own leaves out its id)."""
        location_id = h.hsds_id("location", f"{owner}:{ident}")
        description, latitude, longitude = address.description, address.latitude, address.longitude
        self.tables["location"].append((location_id, "physical", "", organization_id, "", "", description or "", "",
                                        _number(latitude), _number(longitude), "", ""))
        location = _present({"id": location_id, "location_type": "physical",
                             "organization_id": "" if owner == "organization" else organization_id,
                             "description": description, "latitude": latitude, "longitude": longitude})
        address_id = h.hsds_id("address", f"{owner}:{ident}")
        state_province = address.state_province or self.data.campaign.region
        self.tables["address"].append((address_id, location_id, "", address.address_1, "", address.city, "", state_province,
                                       address.postal_code or "", "RU", "physical"))
        # address_1, city and the region are never empty (`Text`); HSDS requires postal_code: an unknown one is an
        # empty string rather than an invented code
        location["addresses"] = [{"id": address_id, "address_1": address.address_1, "city": address.city,
                                  "state_province": state_province, "country": "RU", "address_type": "physical",
                                  "postal_code": address.postal_code or ""}]
        return location_id, location

    def _provenance(self, out: list[dict[str, Any]], kind: str, ident: str, link_id: str, record: m.Provenance) -> None:
        self._attribute(out, kind, ident, link_id, "flags", "site_id", ident)
        if record.example:
            self._attribute(out, kind, ident, link_id, "flags", "example")
        if record.source:
            self._attribute(out, kind, ident, link_id, "flags", "source", record.source)

    def _organization(self, org: m.Organization) -> None:
        oid = self.organization_ids[org.id] = h.hsds_id("organization", org.id)
        description = org.description or m.ORGANIZATION_KIND_LABELS[org.kind.value].capitalize()
        row = self.add("organization", {"id": oid, "name": org.name, "alternate_name": org.alternate_name,
                                        "description": description, "email": org.email, "website": org.website})
        self._organization_rows[org.id] = row
        phones = self._phones("organization", org.id, org.phones, "", oid)
        locations = [self._location("organization", org.id, org.address, oid)[1]] if org.address is not None else []
        attributes: list[dict[str, Any]] = []
        self._attribute(attributes, "organization", org.id, oid, "organization_kind", org.kind.value)
        self._provenance(attributes, "organization", org.id, oid, org)
        nested = row.copy()
        for key, value in (("phones", phones), ("locations", locations), ("attributes", attributes)):
            if value:
                nested[key] = value
        self.nested_organizations.append(nested)

    def _service(self, s: m.Service) -> None:
        sid = self.service_ids[s.id] = h.hsds_id("service", s.id)
        organization = self._organization_rows[s.organization_id]
        oid = organization["id"]
        status = s.status._value_  # an enum's `.value` is a property: a Python call
        assured_date = s.assured_date.isoformat()
        alert = h.EXAMPLE_ALERT if s.example else None
        tables = self.tables
        tables["service"].append((
            sid, oid, "", s.name, s.alternate_name or "", s.description, s.url or "", s.email or "", status, "",
            s.application_process or "", s.fees_description or "", "", "", "", s.eligibility_description or "",
            _number(s.minimum_age), _number(s.maximum_age), assured_date, "", "", alert or "", ""))
        nested = _present({
            "id": sid, "organization_id": oid, "name": s.name, "alternate_name": s.alternate_name,
            "description": s.description, "url": s.url, "email": s.email, "status": status,
            "application_process": s.application_process, "fees_description": s.fees_description,
            "eligibility_description": s.eligibility_description, "minimum_age": s.minimum_age,
            "maximum_age": s.maximum_age, "assured_date": assured_date, "alert": alert,
        })
        nested["organization"] = organization  # the organization's own fields (its phones etc. are in organizations.json)
        # name, description, district (`Text`) and the page's address are never empty
        if self.page_url is not None:
            page = self.service_urls[s.id] = self.page_url(Site.service(s.id))
            url_id = h.hsds_id("url", f"service:{s.id}")
            tables["url"].append((url_id, h.PAGE_URL_LABEL, page, "", sid))
            nested["additional_urls"] = [{"id": url_id, "label": h.PAGE_URL_LABEL, "url": page}]
        if s.phones:
            nested["phones"] = self._phones("service", s.id, s.phones, sid, "")
        schedules = self._schedules(s, sid)
        if schedules:
            nested["schedules"] = schedules
        area_id = h.hsds_id("service_area", s.id)
        tables["service_area"].append((area_id, sid, "", s.district, "", "", "", ""))
        nested["service_areas"] = [{"id": area_id, "name": s.district}]
        if s.location is not None:
            location_id, location = self._location("service", s.id, s.location, oid)
            at_location_id = h.hsds_id("service_at_location", s.id)
            tables["service_at_location"].append((at_location_id, sid, location_id, ""))
            nested["service_at_locations"] = [{"id": at_location_id, "location": location}]
        if s.free:
            cost_id = h.hsds_id("cost_option", s.id)
            tables["cost_option"].append((cost_id, sid, "", "", h.FREE_OPTION, "RUB", 0, ""))
            nested["cost_options"] = [{"id": cost_id, "option": h.FREE_OPTION, "amount": 0, "currency": "RUB"}]
        if s.required_documents:
            documents = nested["required_documents"] = []
            for i, document in enumerate(s.required_documents):
                document_id = h.hsds_id("required_document", f"{s.id}:{i}")
                tables["required_document"].append((document_id, sid, document or "", ""))
                documents.append(_present({"id": document_id, "document": document}))
        attributes: list[dict[str, Any]] = []
        for category in s.categories:
            self._attribute(attributes, "service", s.id, sid, "categories", category)
        for audience in s.audience:
            self._attribute(attributes, "service", s.id, sid, "audience", audience._value_)
        if s.anonymous:
            self._attribute(attributes, "service", s.id, sid, "flags", "anonymous")
        if s.referral_required:
            self._attribute(attributes, "service", s.id, sid, "flags", "referral_required")
        self._provenance(attributes, "service", s.id, sid, s)
        nested["attributes"] = attributes  # never empty: the site_id flag at least
        self.nested_services.append(nested)

    def _schedules(self, s: m.Service, sid: str) -> list[dict[str, Any]]:
        hours = s.hours
        if hours is None:
            return []
        if hours.always_open:
            return [self._schedule(f"service:{s.id}:0", sid, hours.description, "WEEKLY",
                                   ",".join(d.upper() for d in h.WEEKDAYS), "00:00" + self.tz_suffix,
                                   "23:59" + self.tz_suffix, h.ALWAYS_OPEN_TEXT)]
        if not hours.weekly:
            return [self._schedule(f"service:{s.id}:0", sid, hours.description)]
        return [self._schedule(f"service:{s.id}:{i}", sid, hours.description, "WEEKLY", _byday(tuple(entry.byday)),
                               _hhmm(entry.opens_at) + self.tz_suffix, _hhmm(entry.closes_at) + self.tz_suffix,
                               entry.description)
                for i, entry in enumerate(hours.weekly)]

    def _schedule(self, ident: str, sid: str, notes: str | None, freq: str = "", byday: str = "", opens_at: str = "",
                  closes_at: str = "", description: str | None = None) -> dict[str, Any]:
        """A schedule row of the service `sid` (`ident`: its id's name); nested, without its empty fields."""
        schedule_id, tz = h.hsds_id("schedule", ident), self.tz_hours
        self.tables["schedule"].append((schedule_id, sid, "", "", "", "", "", tz, "", "", "", freq, "", byday, "", "", "",
                                        description or "", opens_at, closes_at, "", "", notes or ""))
        return _present({"id": schedule_id, "timezone": tz, "notes": notes, "freq": freq, "byday": byday,
                         "opens_at": opens_at, "closes_at": closes_at, "description": description})

    # ------------------------------------------------------------------ nested JSON
    def nested_json(self, items: list[dict[str, Any]]) -> bytes:
        """`items` as compact UTF-8 JSON, each attribute with its taxonomy term inside (see `_json`)."""
        return _json(items)

    # ------------------------------------------------------------------ tabular
    def csv_files(self) -> dict[str, bytes]:
        """{file name: CSV bytes} — UTF-8 without BOM, comma, RFC 4180 quoting, the schema's columns in order.

        The bytes `csv.writer` writes (minimal quoting, CRLF), made a column at a time: a cell is quoted
        if it holds a comma, a quote or a line break, with its quotes doubled."""
        out = {}
        for table, (path, columns) in h.TABLES.items():
            rows = self.tables.get(table, [])
            if not rows:
                continue
            cells: list[Iterable[str]] = []
            for column, values in zip(columns, zip(*rows, strict=True), strict=True):
                # UUIDs (ours, or a registry's checked by `hsds_id`) and empty columns need neither
                if column.format != "uuid" and values.count("") != len(values):
                    distinct = set(values) if set(map(type, values)) == _TEXT else None  # not numbers: 0 == 0.0 == False
                    if distinct is not None and len(distinct) * 8 <= len(values):
                        # text that recurs (a status, a city, hours, a link type): each different value looked at once
                        made = {value: _text_cell(value) for value in distinct}
                        if any(cell is not value for value, cell in made.items()):
                            values = tuple(map(made.__getitem__, values))
                    else:
                        # `_cell` only for a number or text a spreadsheet could take for a formula
                        values = tuple([v if type(v) is str and not v.startswith(FORMULA_START) else _cell(v) for v in values])
                        everything = "\0".join(values)
                        if "," in everything or '"' in everything or "\n" in everything or "\r" in everything:
                            values = tuple([_quoted(v) if "," in v or '"' in v or "\n" in v or "\r" in v else v for v in values])
                cells.append(values)
            # each line encoded by itself: no text of the whole table (two bytes a character once there is Cyrillic)
            out[path] = b"\r\n".join([",".join(c.name for c in columns).encode("utf-8"),
                                       *map(str.encode, map(",".join, zip(*cells, strict=True))), b""])  # UTF-8
        return out

    def datapackage(self, csv_names: list[str]) -> dict[str, Any]:
        campaign = self.data.campaign
        resources = []
        for table, (path, columns) in h.TABLES.items():
            if path not in csv_names:
                continue
            required = set(h.REQUIRED[table])
            fields = []
            for column in columns:
                field: dict[str, Any] = {"name": column.name, "type": column.type}
                if column.format in ("uuid", "email", "uri"):
                    field["format"] = column.format
                field["constraints"] = {"required": column.name in required, **({"unique": True} if column.name == "id" else {})}
                fields.append(field)
            schema: dict[str, Any] = {"fields": fields, "primaryKey": "id"}
            keys = [{"fields": c.name, "reference": {"resource": target, "fields": "id"}}
                    for c in columns for target in [_FOREIGN.get(c.name)] if target and target != table]
            if keys:
                schema["foreignKeys"] = keys
            resources.append({"name": table, "path": path, "profile": "tabular-data-resource", "format": "csv",
                              "mediatype": "text/csv", "encoding": "utf-8", "schema": schema})
        return {
            "name": "helpsite-hsds", "title": f"{campaign.name}: службы помощи ({campaign.place}) — HSDS {h.SPEC_VERSION}",
            "description": f"Каталог служб помощи детям и семьям, {campaign.place if not campaign.city else campaign.city + ', ' + campaign.region}. "
                           f"Формат Open Referral HSDS {h.SPEC_VERSION} (табличная форма).",
            "profile": "tabular-data-package", "homepage": campaign.site_url,
            "sources": [{"title": campaign.name, "path": campaign.site_url}],
            "resources": resources,
        }


_FOREIGN = {"organization_id": "organization", "service_id": "service", "location_id": "location",
            "service_at_location_id": "service_at_location", "taxonomy_id": "taxonomy",
            "taxonomy_term_id": "taxonomy_term"}


_TEXT = {str}


def _text_cell(value: str) -> str:
    """A text cell as `csv_files` writes it: defused (`_cell`) if a spreadsheet could take it for a formula, quoted
    if it holds a comma, a quote or a line break."""
    cell = _cell(value) if value.startswith(FORMULA_START) else value
    return _quoted(cell) if "," in cell or '"' in cell or "\n" in cell or "\r" in cell else cell


def _quoted(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"'


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return safe_cell(str(value))  # «=HYPERLINK(…)» from a record must not run in a spreadsheet


def _json(value: Any) -> bytes:
    """Compact UTF-8 JSON and a line break (`jsonline.json_line`: the bytes of `json.dumps(value, ensure_ascii=False,
    separators=(",", ":"))`, but for a float 0 < |x| < 1e-4, written «0.00001» or «1e-7» rather than «1e-05» or «1e-07»,
    the same number). Shared objects (a term row in thousands of attributes) are written in full each time; no
    cycles: the rows are trees."""
    return json_line(value)


def hsds_files(data: CampaignData, now: dt.datetime, page_url: Callable[[str], str] | None = None) -> dict[str, bytes]:
    """{path in the site: bytes} of the HSDS export: one archive with both forms."""
    return {ZIP: archive(HsdsExport(data, now, page_url))}


def archive(export: HsdsExport) -> bytes:
    """The nested JSON (`services.json`, `organizations.json`), `datapackage.json` and the CSV tables."""
    tables = export.csv_files()
    package = _json(export.datapackage(list(tables)))
    nested = [(SERVICES_JSON, export.nested_json(export.nested_services)),
              (ORGANIZATIONS_JSON, export.nested_json(export.nested_organizations))]
    return zip_archive([(name, content, _LEVEL_JSON if name.endswith(".json") else _LEVEL_CSV)
                        for name, content in [*nested, ("datapackage.json", package), *sorted(tables.items())]])


_LOCAL = struct.Struct("<4s2B4HL2L2H")  # zipfile's structFileHeader
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # structCentralDir
_END = struct.Struct("<4s4H2LH")  # structEndArchive


def zip_archive(entries: list[tuple[str, bytes, int]]) -> bytes:
    """A zip of (name, content, deflate level): the bytes `zipfile.ZipFile.writestr` writes for a `ZipInfo` dated
    `_ZIP_TIME`, mode 644, deflated — the same headers, with the deflate stream made in one call
    (`zipfile` would take it from `zlib.compressobj`, ~4× slower). Names are ASCII, no ZIP64: none nears 4 GB."""
    year, month, day, hour, minute, second = _ZIP_TIME
    dostime, dosdate = hour << 11 | minute << 5 | second // 2, (year - 1980) << 9 | month << 5 | day
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for name, content, level in entries:
        raw = name.encode("ascii")
        packed = isal_zlib.compress(content, level, wbits=-15)  # a raw deflate stream (zip's method 8)
        crc = isal_zlib.crc32(content)
        header = _LOCAL.pack(b"PK\x03\x04", 20, 0, 0, zipfile.ZIP_DEFLATED, dostime, dosdate, crc, len(packed),
                             len(content), len(raw), 0)
        central.append(_CENTRAL.pack(b"PK\x01\x02", 20, 3, 20, 0, 0, zipfile.ZIP_DEFLATED, dostime, dosdate, crc,
                                     len(packed), len(content), len(raw), 0, 0, 0, 0, 0o644 << 16, offset) + raw)
        out += (header, raw, packed)
        offset += len(header) + len(raw) + len(packed)
    if offset >= 0xFFFFFFFF or max(len(content) for _, content, _ in entries) >= 0xFFFFFFFF:
        raise ValueError("hsds.zip: past 4 GB, too large for a zip without ZIP64")
    directory = b"".join(central)
    out += (directory, _END.pack(b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory), offset, 0))
    return b"".join(out)


