"""What the export and the import share about Open Referral HSDS 3.1: ids, tables, vocabularies.

HSDS ids are UUIDs (`format: uuid`); ours are readable slugs that also make page URLs. Each
HSDS id is derived from ours with uuid5 under a fixed namespace, so an export is the same
from build to build and a consumer can update records by id. A slug that already is a UUID
(an importer run with `--keep-ids`) is used as it is, so a registry's ids survive a round trip.

The tables and their columns are those of the official schemas (`schema/<object>.json`,
scalar properties in schema order), kept here so the site never needs the schema files.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from functools import lru_cache

NAMESPACE = uuid.UUID("432c4eeb-b4bb-41ba-8c45-4241ab10da13")  # fixed: changing it changes every exported id
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

SPEC_VERSION = "3.1"
SPEC_URL = "https://docs.openreferral.org/en/latest/"


_NAMESPACE_BYTES = NAMESPACE.bytes
_KIND_HASHES: dict[str, "hashlib._Hash"] = {}  # SHA-1 state after namespace + «kind:», copied for each id


def hsds_id(kind: str, ident: str) -> str:
    """The stable HSDS UUID of one of our records (`kind` — «service», «phone», …, `ident` — our id path).

    uuid5 (RFC 4122: SHA-1 of namespace + name, version and variant bits set), written out by hand:
    `uuid.uuid5` builds a UUID object per call, and a large directory needs hundreds of thousands."""
    if 36 <= len(ident) <= 37 and _UUID.match(ident):  # 36 characters (37 with the newline `$` lets through)
        return ident
    base = _KIND_HASHES.get(kind)
    if base is None:
        base = _KIND_HASHES[kind] = hashlib.sha1(_NAMESPACE_BYTES + f"{kind}:".encode("utf-8"))
    sha = base.copy()
    sha.update(ident.encode("utf-8"))
    x = sha.hexdigest()
    # the version (5) replaces the 13th hex digit; the variant (RFC 4122: 10xx) the top bits of the 17th
    return f"{x[:8]}-{x[8:12]}-5{x[13:16]}-{_VARIANT[x[16]]}{x[17:20]}-{x[20:32]}"


_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}


def is_uuid(value: str) -> bool:
    return bool(_UUID.match(value))


# object name → (CSV file, columns «name[:type[:format]]» in schema order, required, required in the tabular form)
_TABLE_SPECS: dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...]]] = {
    "organization": ("organizations.csv", "id::uuid name alternate_name description email::email website::uri tax_status "
                     "tax_id year_incorporated:number legal_status logo uri::uri parent_organization_id::uuid",
                     ("id", "name", "description"), ()),
    "service": ("services.csv", "id::uuid organization_id::uuid program_id::uuid name alternate_name description url::uri "
                "email::email status interpretation_services application_process fees_description wait_time fees "
                "accreditations eligibility_description minimum_age:number maximum_age:number assured_date "
                "assurer_email::email licenses alert last_modified::date-time",
                ("id", "name", "status"), ("organization_id",)),
    "location": ("locations.csv", "id::uuid location_type url::uri organization_id::uuid name alternate_name description "
                 "transportation latitude:number longitude:number external_identifier external_identifier_type",
                 ("id", "location_type"), ()),
    "service_at_location": ("service_at_location.csv", "id::uuid service_id::uuid location_id::uuid description",
                            ("id",), ("service_id", "location_id")),
    "address": ("addresses.csv", "id::uuid location_id::uuid attention address_1 address_2 city region state_province "
                "postal_code country address_type",
                ("id", "address_1", "city", "state_province", "postal_code", "country", "address_type"), ()),
    "phone": ("phones.csv", "id::uuid location_id::uuid service_id::uuid organization_id::uuid contact_id::uuid "
              "service_at_location_id::uuid number extension:number type description", ("id", "number"), ()),
    "schedule": ("schedules.csv", "id::uuid service_id::uuid location_id::uuid service_at_location_id::uuid valid_from "
                 "valid_to dtstart timezone:number until count:number wkst freq interval:number byday byweekno "
                 "bymonthday byyearday description opens_at closes_at schedule_link::uri attending_type notes",
                 ("id",), ()),
    "service_area": ("service_areas.csv", "id::uuid service_id::uuid service_at_location_id::uuid name description "
                     "extent extent_type uri", ("id",), ()),
    "cost_option": ("cost_options.csv", "id::uuid service_id::uuid valid_from valid_to option currency amount:number "
                    "amount_description", ("id",), ("service_id",)),
    "required_document": ("required_documents.csv", "id::uuid service_id::uuid document uri::uri", ("id",), ()),
    "url": ("url.csv", "id::uuid label url::uri organization_id::uuid service_id::uuid", ("id", "url"), ()),
    "taxonomy": ("taxonomies.csv", "id::uuid name description uri::uri version", ("id", "name", "description"), ()),
    "taxonomy_term": ("taxonomy_terms.csv", "id::uuid code name description parent_id::uuid taxonomy language "
                      "taxonomy_id::uuid term_uri::uri", ("id", "name", "description"), ()),
    "attribute": ("attributes.csv", "id::uuid link_id::uuid taxonomy_term_id::uuid link_type link_entity value label",
                  ("id",), ("link_id", "taxonomy_term_id", "link_entity")),
}


class Column:
    __slots__ = ("name", "type", "format")

    def __init__(self, spec: str):
        name, _, rest = spec.partition(":")
        kind, _, fmt = rest.partition(":")
        self.name, self.type, self.format = name, kind or "string", fmt or None


TABLES: dict[str, tuple[str, list[Column]]] = {
    name: (path, [Column(c) for c in columns.split()]) for name, (path, columns, _, _) in _TABLE_SPECS.items()
}
REQUIRED: dict[str, tuple[str, ...]] = {name: spec[2] + spec[3] for name, spec in _TABLE_SPECS.items()}
FILE_TO_TABLE = {path: name for name, (path, _) in TABLES.items()}

# Our own taxonomies: what HSDS has no field for travels as attributes with these terms.
TAXONOMIES = {
    "categories": ("Виды помощи", "Виды помощи детям и семьям (справочник data/categories.yml сайта кампании)"),
    "audience": ("Для кого", "Кому адресована служба"),
    "organization_kind": ("Вид организации", "Вид организации (государственная служба, НКО, школа…)"),
    "flags": ("Особенности записи", "Признаки службы или организации, для которых в HSDS нет поля"),
}
FLAG_TERMS = {
    "anonymous": "Анонимно: можно не называть себя",
    "referral_required": "Нужно направление",
    "example": "Пример: контакты и детали вымышлены, это образец, а не действующая служба",
    "source": "Источник сведений (в value)",
    "site_id": "Идентификатор записи на сайте кампании (в value): из него строится адрес страницы",
}
LINK_TYPES = {"categories": "category", "audience": "audience", "organization_kind": "organization_type", "flags": "flag"}

EXAMPLE_ALERT = "Пример: контакты и детали этой записи вымышлены — это образец для заполнения, а не действующая служба."
ALWAYS_OPEN_TEXT = "Круглосуточно, без выходных"
PAGE_URL_LABEL = "Страница на сайте кампании"
FREE_OPTION = "Бесплатно"
WEEKDAYS = ["mo", "tu", "we", "th", "fr", "sa", "su"]


@lru_cache(maxsize=None)
def taxonomy_id(key: str) -> str:
    return hsds_id("taxonomy", key)


@lru_cache(maxsize=None)
def term_id(taxonomy: str, code: str) -> str:
    return hsds_id("taxonomy_term", f"{taxonomy}/{code}")
