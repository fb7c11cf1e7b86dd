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
zip), zipped ≈ 12 MB. A program that wants one request and no archive reads `/api/services.json`
(`hsds_id` there is the same UUID).

What HSDS has no field for (categories, audience, anonymous, referral, example, source,
organization kind) travels as attributes with terms of our own taxonomies (`hsds.TAXONOMIES`).
Helplines are not in the export: HSDS wants every service to belong to an organization, and a
helpline names only a free-text operator; they are in the JSON API (`/api/helplines.json`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from collections import defaultdict
from functools import lru_cache
from typing import Any, Callable


from helpsite.data import model as m
from helpsite.data import phones as phone_rules
from helpsite.data.load import CampaignData
from helpsite.outputs.opendata.csvcell import FORMULA_START, safe_cell
from helpsite.outputs.opendata import hsds as h

PREFIX = "open-data/hsds/"
ZIP = PREFIX + "hsds.zip"  # everything: the nested JSON, datapackage.json and the CSV tables
SERVICES_JSON = "services.json"  # names inside the archive
ORGANIZATIONS_JSON = "organizations.json"
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)  # fixed: the archive's bytes depend on the data only


def phone_number(phone: m.Phone) -> str:
    """The number for other systems: international format («+7 343 500-00-02»), short numbers as they are."""
    return _international(phone.number)


@lru_cache(maxsize=None)
def _international(written: str) -> str:
    return phone_rules.parse(written).international


def _child(row: dict[str, Any], *links: str) -> dict[str, Any]:
    """A row nested in its parent: the keys that only point back at the parent are left out (as in HSDS examples)."""
    return {k: v for k, v in row.items() if k not in links}


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if v is not None and v != [] and v != ""}


class HsdsExport:
    def __init__(self, data: CampaignData, now: dt.datetime, page_url: Callable[[str], str] | None = None):
        self.data = data
        self.page_url = page_url
        offset = now.astimezone(data.campaign.tz).utcoffset() or dt.timedelta(0)
        minutes = int(offset.total_seconds() // 60)
        self.tz_hours = minutes / 60 if minutes % 60 else minutes // 60
        sign = "+" if minutes >= 0 else "-"
        self.tz_suffix = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
        self.tables: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self._build()

    # ------------------------------------------------------------------ tables
    def add(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        row = _clean(row)
        self.tables[table].append(row)
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
                self.add("taxonomy_term", {"id": h.term_id(key, code), "code": code, "name": name,
                                           "description": description, "taxonomy": h.TAXONOMIES[key][0],
                                           "taxonomy_id": h.taxonomy_id(key), "language": "ru"})

    def _attribute(self, owner_kind: str, owner_ident: str, link_id: str, taxonomy: str, code: str,
                   value: str | None = None) -> None:
        self.add("attribute", {"id": h.hsds_id("attribute", f"{owner_kind}:{owner_ident}:{taxonomy}/{code}"),
                               "link_id": link_id, "taxonomy_term_id": h.term_id(taxonomy, code),
                               "link_type": h.LINK_TYPES[taxonomy], "link_entity": owner_kind, "value": value})

    def _phones(self, owner: str, ident: str, phones: list[m.Phone], fk: dict[str, str]) -> None:
        for i, phone in enumerate(phones):
            extension = phone.extension.strip() if phone.extension else None
            description = phone.description
            if extension and not extension.isdigit():
                description = f"доб. {extension}" + (f"; {description}" if description else "")
                extension = None
            self.add("phone", {"id": h.hsds_id("phone", f"{owner}:{ident}:{i}"), **fk, "number": phone_number(phone),
                               "extension": int(extension) if extension else None, "type": "voice",
                               "description": description})

    def _location(self, owner: str, ident: str, address: m.Address, organization_id: str) -> str:
        location_id = h.hsds_id("location", f"{owner}:{ident}")
        self.add("location", {"id": location_id, "location_type": "physical", "organization_id": organization_id,
                              "description": address.description,
                              "latitude": address.latitude, "longitude": address.longitude})
        self.add("address", {"id": h.hsds_id("address", f"{owner}:{ident}"), "location_id": location_id,
                             "address_1": address.address_1, "city": address.city,
                             "state_province": address.state_province or self.data.campaign.region,
                             "country": "RU", "address_type": "physical"})
        # HSDS requires postal_code: an unknown one is an empty string rather than an invented code
        self.tables["address"][-1]["postal_code"] = address.postal_code or ""
        return location_id

    def _provenance(self, kind: str, ident: str, link_id: str, record: m.Provenance) -> None:
        self._attribute(kind, ident, link_id, "flags", "site_id", ident)
        if record.example:
            self._attribute(kind, ident, link_id, "flags", "example")
        if record.source:
            self._attribute(kind, ident, link_id, "flags", "source", record.source)

    def _organization(self, org: m.Organization) -> None:
        oid = h.hsds_id("organization", org.id)
        description = org.description or m.ORGANIZATION_KIND_LABELS[org.kind.value].capitalize()
        self.add("organization", {"id": oid, "name": org.name, "alternate_name": org.alternate_name,
                                  "description": description, "email": org.email, "website": org.website})
        self._phones("organization", org.id, org.phones, {"organization_id": oid})
        if org.address is not None:
            self._location("organization", org.id, org.address, oid)
        self._attribute("organization", org.id, oid, "organization_kind", org.kind.value)
        self._provenance("organization", org.id, oid, org)

    def _service(self, s: m.Service) -> None:
        sid = h.hsds_id("service", s.id)
        oid = h.hsds_id("organization", s.organization_id)
        self.add("service", {
            "id": sid, "organization_id": oid, "name": s.name, "alternate_name": s.alternate_name,
            "description": s.description, "url": s.url, "email": s.email, "status": s.status.value,
            "application_process": s.application_process, "fees_description": s.fees_description,
            "eligibility_description": s.eligibility_description, "minimum_age": s.minimum_age,
            "maximum_age": s.maximum_age, "assured_date": s.assured_date.isoformat(),
            "alert": h.EXAMPLE_ALERT if s.example else None,
        })
        if self.page_url is not None:
            from helpsite.pages.site import Site
            self.add("url", {"id": h.hsds_id("url", f"service:{s.id}"), "label": h.PAGE_URL_LABEL,
                             "url": self.page_url(Site.service(s.id)), "service_id": sid})
        self._phones("service", s.id, s.phones, {"service_id": sid})
        self._schedules(s, sid)
        if s.location is not None:
            location_id = self._location("service", s.id, s.location, oid)
            self.add("service_at_location", {"id": h.hsds_id("service_at_location", s.id), "service_id": sid,
                                             "location_id": location_id})
        self.add("service_area", {"id": h.hsds_id("service_area", s.id), "service_id": sid, "name": s.district})
        if s.free:
            self.add("cost_option", {"id": h.hsds_id("cost_option", s.id), "service_id": sid,
                                     "option": h.FREE_OPTION, "amount": 0, "currency": "RUB"})
        for i, document in enumerate(s.required_documents):
            self.add("required_document", {"id": h.hsds_id("required_document", f"{s.id}:{i}"), "service_id": sid,
                                           "document": document})
        for category in s.categories:
            self._attribute("service", s.id, sid, "categories", category)
        for audience in s.audience:
            self._attribute("service", s.id, sid, "audience", audience.value)
        if s.anonymous:
            self._attribute("service", s.id, sid, "flags", "anonymous")
        if s.referral_required:
            self._attribute("service", s.id, sid, "flags", "referral_required")
        self._provenance("service", s.id, sid, s)

    def _schedules(self, s: m.Service, sid: str) -> None:
        hours = s.hours
        if hours is None:
            return
        common = {"service_id": sid, "timezone": self.tz_hours, "notes": hours.description}
        if hours.always_open:
            self.add("schedule", {"id": h.hsds_id("schedule", f"service:{s.id}:0"), **common, "freq": "WEEKLY",
                                  "byday": ",".join(d.upper() for d in h.WEEKDAYS), "opens_at": "00:00" + self.tz_suffix,
                                  "closes_at": "23:59" + self.tz_suffix, "description": h.ALWAYS_OPEN_TEXT})
            return
        if not hours.weekly:
            self.add("schedule", {"id": h.hsds_id("schedule", f"service:{s.id}:0"), **common})
            return
        for i, entry in enumerate(hours.weekly):
            self.add("schedule", {
                "id": h.hsds_id("schedule", f"service:{s.id}:{i}"), **common, "freq": "WEEKLY",
                "byday": ",".join(d.value.upper() for d in entry.byday),
                "opens_at": f"{entry.opens_at:%H:%M}{self.tz_suffix}", "closes_at": f"{entry.closes_at:%H:%M}{self.tz_suffix}",
                "description": entry.description,
            })

    # ------------------------------------------------------------------ nested JSON
    def _by(self, table: str, key: str) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in self.tables.get(table, []):
            if key in row:
                out[row[key]].append(row)
        return out

    def _attributes_full(self, link_id: str, attributes: dict, terms: dict, taxonomies: dict) -> list[dict[str, Any]]:
        """Attributes with their term inside (the term names its taxonomy; `taxonomy_detail` is left to
        taxonomies.csv: repeated in every attribute it would be most of the file)."""
        return [{**_child(attr, "link_id", "taxonomy_term_id"), "taxonomy_term": terms[attr["taxonomy_term_id"]]}
                for attr in attributes.get(link_id, [])]

    def services_full(self) -> list[dict[str, Any]]:
        orgs = {o["id"]: o for o in self.organizations_full()}
        phones, schedules = self._by("phone", "service_id"), self._by("schedule", "service_id")
        sal, areas = self._by("service_at_location", "service_id"), self._by("service_area", "service_id")
        costs, docs = self._by("cost_option", "service_id"), self._by("required_document", "service_id")
        urls = self._by("url", "service_id")
        locations = {row["id"]: row for row in self.tables.get("location", [])}
        addresses = self._by("address", "location_id")
        attributes = self._by("attribute", "link_id")
        terms = {row["id"]: row for row in self.tables["taxonomy_term"]}
        taxonomies = {row["id"]: row for row in self.tables["taxonomy"]}
        out = []
        for service in self.tables.get("service", []):
            sid = service["id"]
            org = orgs[service["organization_id"]]
            own = lambda rows: [_child(r, "service_id") for r in rows]  # noqa: E731
            out.append(_clean({
                **service,
                "organization": {k: v for k, v in org.items() if k not in ("phones", "locations", "attributes")},
                "additional_urls": own(urls.get(sid, [])),
                "phones": own(phones.get(sid, [])), "schedules": own(schedules.get(sid, [])),
                "service_areas": own(areas.get(sid, [])),
                "service_at_locations": [{**_child(link, "service_id", "location_id"),
                                          "location": {**locations[link["location_id"]],
                                                       "addresses": [_child(a, "location_id") for a in addresses.get(link["location_id"], [])]}}
                                         for link in sal.get(sid, [])],
                "cost_options": own(costs.get(sid, [])), "required_documents": own(docs.get(sid, [])),
                "attributes": self._attributes_full(sid, attributes, terms, taxonomies),
            }))
        return out

    def organizations_full(self) -> list[dict[str, Any]]:
        phones = {k: [p for p in v if "service_id" not in p] for k, v in self._by("phone", "organization_id").items()}
        service_locations = {row["location_id"] for row in self.tables.get("service_at_location", [])}
        locations = {k: [loc for loc in v if loc["id"] not in service_locations]
                     for k, v in self._by("location", "organization_id").items()}
        addresses = self._by("address", "location_id")
        attributes = self._by("attribute", "link_id")
        terms = {row["id"]: row for row in self.tables["taxonomy_term"]}
        taxonomies = {row["id"]: row for row in self.tables["taxonomy"]}
        return [_clean({**org, "phones": [_child(p, "organization_id") for p in phones.get(org["id"], [])],
                        "locations": [{**_child(loc, "organization_id"),
                                       "addresses": [_child(a, "location_id") for a in addresses.get(loc["id"], [])]}
                                      for loc in locations.get(org["id"], [])],
                        "attributes": self._attributes_full(org["id"], attributes, terms, taxonomies)})
                for org in self.tables.get("organization", [])]

    # ------------------------------------------------------------------ tabular
    def csv_files(self) -> dict[str, bytes]:
        """{file name: CSV bytes} — UTF-8 without BOM, comma, RFC 4180 quoting, the schema's columns in order."""
        out = {}
        for table, (path, columns) in h.TABLES.items():
            rows = self.tables.get(table, [])
            if not rows:
                continue
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\r\n")
            names = [c.name for c in columns]
            writer.writerow(names)
            for row in rows:  # `_cell` of each column, without the call for the usual empty cell or plain text
                cells = []
                for name in names:
                    value = row.get(name)
                    if value is None:
                        cells.append("")
                    elif type(value) is str and not value.startswith(FORMULA_START):
                        cells.append(value)
                    else:
                        cells.append(_cell(value))
                writer.writerow(cells)
            out[path] = buffer.getvalue().encode("utf-8")
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


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return safe_cell(str(value))  # «=HYPERLINK(…)» from a record must not run in a spreadsheet


def _json(value: Any) -> bytes:
    """Compact UTF-8 JSON: the C encoder (an indent would switch to the pure-Python one, ~10× slower)."""
    # no check for cycles (the tables are trees; their shared term rows are not cycles): the same bytes, faster
    return (json.dumps(value, ensure_ascii=False, separators=(",", ":"), check_circular=False) + "\n").encode("utf-8")


def hsds_files(data: CampaignData, now: dt.datetime, page_url: Callable[[str], str] | None = None) -> dict[str, bytes]:
    """{path in the site: bytes} of the HSDS export: one archive with both forms."""
    return {ZIP: archive(HsdsExport(data, now, page_url))}


def archive(export: HsdsExport) -> bytes:
    """The nested JSON (`services.json`, `organizations.json`), `datapackage.json` and the CSV tables."""
    tables = export.csv_files()
    package = _json(export.datapackage(list(tables)))
    nested = [(SERVICES_JSON, _json(export.services_full())), (ORGANIZATIONS_JSON, _json(export.organizations_full()))]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, content in [*nested, ("datapackage.json", package), *sorted(tables.items())]:
            info = zipfile.ZipInfo(name, _ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info._compresslevel = 6  # type: ignore[attr-defined]  # the only copy: worth the smaller file
            info.external_attr = 0o644 << 16
            bundle.writestr(info, content)
    return archive.getvalue()
