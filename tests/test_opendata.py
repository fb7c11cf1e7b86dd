"""Open data: the HSDS 3.1 export validates against the official schemas, HSDS comes back in, the API
files match their published schemas, the spreadsheet path keeps the site's validation.

The official HSDS schemas and samples live beside the project (`../shared/hsds/`): tests that
need them skip with a message where that folder is absent; the site itself never reads them.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from helpsite.data import model as m
from helpsite.publish.build import build_content
from helpsite.data.errors import DataErrors
from helpsite.data.load import load
from helpsite.outputs.opendata import api, hsds as h
from helpsite.outputs.opendata.hsds_export import hsds_files
from helpsite.outputs.opendata.hsds_import import (
    ALL_FILES, ImportOptions, format_report, import_hsds, plan_import, read_source,
)
from helpsite.outputs.opendata.spreadsheet import COLUMNS, column_letter, export_csv, import_csv

from .conftest import FIXTURE_DATA, NOW, ROOT, copy_project, prerequisite_missing, mkdocs_build

HSDS = ROOT.parent / "shared" / "hsds"
PAGE_URL = "https://example.org/"


@pytest.fixture(scope="module")
def hsds_dir() -> Path:
    if not (HSDS / "schema" / "compiled" / "service.json").exists():
        prerequisite_missing(f"official HSDS schemas and samples not found at {HSDS} (../shared/hsds/): HSDS validation tests skipped")
    return HSDS


def _files(data_dir: Path) -> dict[str, bytes]:
    return hsds_files(load(data_dir), NOW, lambda p: PAGE_URL + p)


def _unzipped(files: dict[str, bytes]) -> dict[str, bytes]:
    """What the published archive holds: the nested JSON, datapackage.json and the CSV tables."""
    with zipfile.ZipFile(io.BytesIO(files["open-data/hsds/hsds.zip"])) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _tabular(files: dict[str, bytes]) -> dict[str, bytes]:
    """The tabular form's files (datapackage.json and the CSV tables)."""
    return {name: content for name, content in _unzipped(files).items() if name not in ("services.json", "organizations.json")}


def _nested(files: dict[str, bytes], name: str = "services.json") -> list:
    """The nested JSON form (services.json, organizations.json) from the archive."""
    return json.loads(_unzipped(files)[name])


@pytest.fixture(scope="module", params=["fixture", "sample"])
def exported(request) -> dict[str, bytes]:
    """The HSDS export of the test data set and of the real sample data."""
    return _files(FIXTURE_DATA if request.param == "fixture" else ROOT / "data")


def _format_checker():
    from jsonschema import FormatChecker
    checker = FormatChecker()  # uuid, email, date-time built in; «uri» needs an extra package: checked here

    @checker.checks("uri")
    def _uri(value: object) -> bool:
        if not isinstance(value, str):
            return True
        parts = urlsplit(value)
        return bool(parts.scheme and parts.netloc) and not re.search(r"\s", value)
    return checker


def _validator(schema: dict):
    from jsonschema import Draft202012Validator
    return Draft202012Validator(schema, format_checker=_format_checker())


def _registry(hsds: Path):
    """Every object schema of HSDS under a local base URI: «$ref: url.json» resolves from disk, never the network."""
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012
    resources = []
    for path in sorted((hsds / "schema").glob("*.json")):
        if path.name == "openapi.json":
            continue
        schema = json.loads(path.read_text(encoding="utf-8"))
        schema["$id"] = f"https://hsds.invalid/schema/{path.name}"
        resources.append((schema["$id"], Resource.from_contents(schema, default_specification=DRAFT202012)))
    return Registry().with_resources(resources)


def _errors(validator, instance) -> list[str]:
    return [f"{e.json_path}: {e.message}" for e in validator.iter_errors(instance)]


# ------------------------------------------------------------------ export

def test_nested_json_validates_against_official_schemas(hsds_dir: Path, exported: dict[str, bytes]):
    for name, schema_file in (("services.json", "service.json"), ("organizations.json", "organization.json")):
        items = _nested(exported, name)
        assert items, name
        validator = _validator(json.loads((hsds_dir / "schema" / "compiled" / schema_file).read_text(encoding="utf-8")))
        problems = [f"{item['name']}: {err}" for item in items for err in _errors(validator, item)]
        assert not problems, "\n".join(problems[:20])


def test_validation_catches_what_the_schema_forbids(hsds_dir: Path, exported: dict[str, bytes]):
    """A control: the validator above does reject a wrong enum, a missing required field and a bad UUID."""
    validator = _validator(json.loads((hsds_dir / "schema" / "compiled" / "service.json").read_text(encoding="utf-8")))
    service = next(s for s in _nested(exported) if "service_at_locations" in s and "phones" in s)
    broken = json.loads(json.dumps(service))
    broken["status"] = "open"
    broken["service_at_locations"][0]["location"]["location_type"] = "building"
    broken["phones"][0].pop("number")
    broken["id"] = "crisis-help"
    messages = "\n".join(_errors(validator, broken))
    for expected in ("'open' is not one of", "'building' is not one of", "'number' is a required property", "is not a 'uuid'"):
        assert expected in messages


def _typed(row: dict[str, str], table: str, required: list[str]) -> dict:
    """A CSV row as the JSON object it stands for: numbers as numbers, empty cells absent (required ones: "")."""
    columns = {c.name: c for c in h.TABLES[table][1]}
    out: dict = {}
    for key, value in row.items():
        if value == "":
            if key in required:
                out[key] = ""  # an unknown postal code is an empty cell, not an invented one
            continue
        out[key] = float(value) if columns[key].type == "number" else value
    return out


def test_every_csv_row_validates_against_its_table_schema(hsds_dir: Path, exported: dict[str, bytes]):
    from jsonschema import Draft202012Validator
    registry = _registry(hsds_dir)
    problems = []
    tables = {name: c for name, c in _tabular(exported).items() if name.endswith(".csv")}
    assert {"organizations.csv", "services.csv", "locations.csv", "addresses.csv", "phones.csv", "schedules.csv",
            "service_at_location.csv", "taxonomy_terms.csv", "attributes.csv", "cost_options.csv"} <= set(tables)
    for name, content in tables.items():
        table = h.FILE_TO_TABLE[name]
        schema = registry.contents(f"https://hsds.invalid/schema/{table}.json")
        validator = Draft202012Validator(schema, registry=registry, format_checker=_format_checker())
        official = json.loads((hsds_dir / "schema" / f"{table}.json").read_text(encoding="utf-8"))
        reader = csv.DictReader(io.StringIO(content.decode("utf-8"), newline=""))
        scalar = [k for k, v in official["properties"].items() if v.get("type") not in ("array", "object") and "$ref" not in v]
        assert reader.fieldnames == scalar, f"{name}: columns differ from schema/{table}.json"
        assert official["path"] == name
        for number, row in enumerate(reader, start=2):
            instance = _typed(row, table, official.get("required", []))
            problems += [f"{name}:{number}: {err}" for err in _errors(validator, instance)]
            for column in official.get("tabular_required", []):
                if not row.get(column):
                    problems.append(f"{name}:{number}: {column} is required in the tabular form")
    assert not problems, "\n".join(problems[:20])


def test_tabular_package_is_consistent(exported: dict[str, bytes]):
    tabular = _tabular(exported)
    package = json.loads(tabular["datapackage.json"])
    resources = {r["name"]: r for r in package["resources"]}
    tables = {}
    for name, resource in resources.items():
        content = tabular[resource["path"]].decode("utf-8")
        rows = list(csv.DictReader(io.StringIO(content, newline="")))
        assert [f["name"] for f in resource["schema"]["fields"]] == list(rows[0])
        tables[name] = rows
    dangling = []
    for name, resource in resources.items():
        for key in resource["schema"].get("foreignKeys", []):
            targets = {r["id"] for r in tables.get(key["reference"]["resource"], [])}
            for row in tables[name]:
                if row[key["fields"]] and row[key["fields"]] not in targets:
                    dangling.append(f"{name}.{key['fields']} = {row[key['fields']]}")
    assert not dangling, dangling[:10]
    with zipfile.ZipFile(io.BytesIO(exported["open-data/hsds/hsds.zip"])) as archive:
        assert set(archive.namelist()) == {"services.json", "organizations.json", "datapackage.json",
                                           *(r["path"] for r in package["resources"])}
        assert all(info.compress_type == zipfile.ZIP_DEFLATED for info in archive.infolist())
    assert list(exported) == ["open-data/hsds/hsds.zip"]  # one copy of each form: in the archive


def test_csv_tables_are_what_csv_writer_writes():
    """The tables are joined a column at a time: the bytes must stay those of `csv.writer` (minimal quoting,
    CRLF) with `_cell` applied, whatever a cell holds — commas, quotes, line breaks, formulas, numbers — in a
    column of different values (each cell looked at) as in one where the same values recur (each looked at once)."""
    from helpsite.outputs.opendata.hsds_export import HsdsExport, _cell
    export = HsdsExport(load(FIXTURE_DATA), NOW, lambda p: PAGE_URL + p)
    tricky = ["a,b", 'say "hi"', "two\nlines", "cr\rhere", "=HYPERLINK(1)", "+7 343 500-00-02", "-57.9", "@x", "", "plain",
              '"', ",", "\r\n", "\tab", "Ёлка, «ёж»"]
    for i, text in enumerate(tricky):
        export.add("service", {"id": h.hsds_id("service", f"t{i}"), "name": text, "description": text, "minimum_age": i,
                               "alert": text})
    for i in range(20 * len(tricky)):  # `alert` and `name`: the same few values again and again
        text = tricky[i % len(tricky)]
        export.add("service", {"id": h.hsds_id("service", f"r{i}"), "name": text, "description": f"{text}{i}",
                               "minimum_age": i % 3, "maximum_age": [0, 0.0, False][i % 3], "alert": text})
    export.add("location", {"id": h.hsds_id("location", "t"), "location_type": "physical", "latitude": -1e-05,
                            "longitude": 56.5, "description": "x"}, {"organization_id": h.hsds_id("organization", "t")})
    for table, (path, columns) in h.TABLES.items():
        rows = export.tables.get(table, [])
        if not rows:
            continue
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow([c.name for c in columns])
        for row in rows:
            assert len(row) == len(columns)
            writer.writerow([_cell(value) for value in row])
        assert export.csv_files()[path] == buffer.getvalue().encode("utf-8"), table


def test_zip_has_zipfiles_headers_and_the_same_files(monkeypatch, tmp_path: Path):
    """hsds.zip is written by hand (one deflate call per entry, by ISA-L): with zlib's deflate in its place the
    archive is byte for byte what `zipfile.writestr` writes; as published, every file comes back the same
    (Python's zipfile, and `unzip -t` where it is installed)."""
    import zlib
    from helpsite.outputs.opendata import hsds_export as he
    entries = [("services.json", b'{"a":"\xd0\xb1"}\n' * 5000, 3), ("empty.csv", b"", 1), ("t.csv", bytes(range(256)) * 300, 1)]
    published = he.zip_archive(entries)
    with zipfile.ZipFile(io.BytesIO(published)) as archive:
        assert archive.testzip() is None
        assert [(i.filename, archive.read(i)) for i in archive.infolist()] == [(n, c) for n, c, _ in entries]
    if shutil.which("unzip"):
        (tmp_path / "hsds.zip").write_bytes(published)
        subprocess.run(["unzip", "-tq", str(tmp_path / "hsds.zip")], check=True, capture_output=True)

    def deflate(content: bytes, level: int, wbits: int) -> bytes:
        packer = zlib.compressobj(level, zlib.DEFLATED, wbits)
        return packer.compress(content) + packer.flush()
    monkeypatch.setattr(he.isal_zlib, "compress", deflate)
    expected = io.BytesIO()
    with zipfile.ZipFile(expected, "w") as archive:
        for name, content, level in entries:
            info = zipfile.ZipInfo(name, he._ZIP_TIME)
            info.external_attr = 0o644 << 16
            archive.writestr(info, content, zipfile.ZIP_DEFLATED, level)
    assert he.zip_archive(entries) == expected.getvalue()


def test_nested_json_keeps_text_that_looks_like_a_term():
    """Every attribute of the nested JSON holds its taxonomy term object, and text in a record that looks like
    the «taxonomy_term» key (in JSON its quotes are escaped) stays text."""
    from helpsite.outputs.opendata.hsds_export import HsdsExport
    data = load(FIXTURE_DATA)
    sid = next(iter(data.services))
    tricky = 'x","taxonomy_term":"' + h.term_id("flags", "example") + '"}'
    data.services[sid] = data.services[sid].model_copy(update={"description": tricky, "name": '"taxonomy_term":"'})
    export = HsdsExport(data, NOW, lambda p: PAGE_URL + p)
    services = json.loads(export.nested_json(export.nested_services))
    first = next(s for s in services if s["id"] == h.hsds_id("service", sid))
    assert first["description"] == tricky and first["name"] == '"taxonomy_term":"'
    terms = export.terms
    for service in services:
        for attribute in service["attributes"]:
            assert attribute["taxonomy_term"] == terms[attribute["taxonomy_term"]["id"]]


def test_ids_are_stable_uuids():
    first = _files(FIXTURE_DATA)
    later = hsds_files(load(FIXTURE_DATA), NOW.replace(year=2027), lambda p: PAGE_URL + p)
    assert first == later  # the same data gives the same bytes, whatever the build time
    assert h.hsds_id("service", "crisis-help") == "24a522c7-bc9d-5226-8110-d7e0533d1889"  # fixed namespace
    assert h.hsds_id("service", "2b2a5a4b-1c4c-4b6a-9d55-2c0d2d3b1a11") == "2b2a5a4b-1c4c-4b6a-9d55-2c0d2d3b1a11"
    services = _nested(first)
    assert all(re.fullmatch(r"[0-9a-f-]{36}", s["id"]) for s in services)


def test_what_maps_where():
    services = {s["name"]: s for s in _nested(_files(FIXTURE_DATA))}
    crisis = services["Кризисная служба"]
    assert crisis["status"] == "active" and crisis["assured_date"] == "2026-11-20"
    assert [(x["byday"], x["opens_at"], x["closes_at"], x["freq"]) for x in crisis["schedules"]] == [
        ("MO,TU,WE,TH,FR", "09:00+05:00", "18:00+05:00", "WEEKLY"), ("SA", "10:00+05:00", "14:00+05:00", "WEEKLY")]
    assert crisis["phones"][0]["number"] == "+7 343 500-00-02" and crisis["phones"][0]["extension"] == 12
    assert crisis["cost_options"] == [{"id": crisis["cost_options"][0]["id"], "option": "Бесплатно", "amount": 0,
                                       "currency": "RUB"}]  # nested: no service_id pointing back at the parent
    location = crisis["service_at_locations"][0]["location"]
    assert location["location_type"] == "physical"
    assert location["addresses"][0]["address_1"] == "ул. Примерная, 1" and location["addresses"][0]["country"] == "RU"
    terms = {(a["taxonomy_term"]["taxonomy"], a["taxonomy_term"]["code"]) for a in crisis["attributes"]}
    assert {("Виды помощи", "crisis"), ("Виды помощи", "mediation"), ("Для кого", "children"),
            ("Особенности записи", "anonymous"), ("Особенности записи", "site_id")} <= terms
    assert crisis["service_areas"][0]["name"] == "Ленинский район"
    room = services["Зелёная комната"]
    assert "cost_options" not in room and room["fees_description"] == "по договору"
    # example records are kept, marked for people (alert) and for programs (attribute)
    sample = {s["name"]: s for s in _nested(_files(ROOT / "data"))}
    sos = sample["«SOS — служба особого сопровождения» (пример)"]
    assert sos["alert"] == h.EXAMPLE_ALERT
    assert any(a["taxonomy_term"]["code"] == "example" for a in sos["attributes"])
    assert [(x["byday"], x["opens_at"], x["closes_at"], x["description"]) for x in sos["schedules"]] == [
        ("MO,TU,WE,TH,FR,SA,SU", "00:00+05:00", "23:59+05:00", h.ALWAYS_OPEN_TEXT)]


# ------------------------------------------------------------------ import

def _project(tmp_path: Path, data: Path = ROOT / "data") -> Path:
    return copy_project(tmp_path / "project", data)


def _normalized(record: m.Service | m.Organization) -> dict:
    out = record.model_dump()
    out["phones"] = [(p.tel, p.extension, p.description) for p in record.phones]  # written form becomes international
    return out


@pytest.mark.parametrize("form", ["csv", "json"])
def test_round_trip_export_import_export(tmp_path: Path, form: str):
    original = load(FIXTURE_DATA)
    files = _files(FIXTURE_DATA)
    if form == "csv":
        source = tmp_path / "hsds"
        source.mkdir()
        for name, content in _tabular(files).items():  # the archive unpacked: a folder of CSV files
            (source / name).write_bytes(content)
    else:
        source = tmp_path / "services.json"
        source.write_bytes(_unzipped(files)["services.json"])
    target = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, target)
    result = import_hsds(source, target, ImportOptions(replace=True, today=NOW.date()))
    assert sorted(result.plan.services) == sorted(original.services)  # our ids come back (site_id attribute)
    assert not result.plan.organizations  # known organisations are matched, not duplicated
    assert not [n for n in result.plan.notes if n.kind in ("unmapped", "dropped", "default")], format_report(result.plan.notes)
    again = load(target)
    for sid, service in original.services.items():
        assert _normalized(again.services[sid]) == _normalized(service), sid
    assert hsds_files(again, NOW, lambda p: PAGE_URL + p) == files  # HSDS → YAML → HSDS: the same bytes


def test_round_trip_of_organizations():
    original = load(FIXTURE_DATA)
    source = read_source_from_files(_files(FIXTURE_DATA))
    empty = dataclasses.replace(original, organizations={})
    plan = plan_import(source, empty, ImportOptions(today=NOW.date()))
    imported = {o["id"]: m.Organization.model_validate(o) for o in plan.organizations}
    assert imported.keys() == original.organizations.keys()
    for oid, org in original.organizations.items():
        assert _normalized(imported[oid]) == _normalized(org), oid


def read_source_from_files(files: dict[str, bytes]):
    archive = io.BytesIO(files["open-data/hsds/hsds.zip"])
    import tempfile
    with tempfile.NamedTemporaryFile(suffix=".zip", delete=False) as handle:
        handle.write(archive.getvalue())
    try:
        return read_source(Path(handle.name))
    finally:
        Path(handle.name).unlink()


def test_official_csv_sample_imports_and_builds(hsds_dir: Path, tmp_path: Path):
    project = _project(tmp_path)
    result = import_hsds(hsds_dir / "examples" / "csv", project / "data", ImportOptions(source="HSDS sample", today=NOW.date()))
    assert list(result.plan.services) == ["community-counselling"]
    report = format_report(result.plan.notes)
    # nothing silently dropped: every non-empty cell of every sample table is carried over or reported
    notes = {n.field for n in result.plan.notes}
    silent = []
    for path in sorted((hsds_dir / "examples" / "csv").glob("*.csv")):
        table = ALL_FILES[path.name]
        for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")):
            for column, value in row.items():
                if value and column != "id" and (table, column) not in result.plan.carried \
                        and not {f"{table}.{column}", f"{table}.*", table} & notes:
                    silent.append(f"{path.name}: {column}")
    assert not silent, silent
    for expected in ("schedules.csv: schedule.valid_from", "locations.csv: location.latitude — координата вне диапазона",
                     "contacts.csv: contact — таблица", "services.csv: service.categories — нет подходящей категории"):
        assert expected in report, report
    service = load(project / "data").services["community-counselling"]
    assert service.phones[0].tel == "+441234234567" and service.phones[0].extension == "100"
    assert service.hours and service.hours.weekly[0].byday == [m.Weekday.th, m.Weekday.fr]
    assert service.free is False and service.assured_date.isoformat() == "2005-01-01"
    build = mkdocs_build(project, project / "site")
    assert build.returncode == 0, build.stdout
    assert (project / "site" / "services" / "community-counselling" / "index.html").exists()
    published = json.loads((project / "site" / "api" / "services.json").read_text(encoding="utf-8"))
    assert "community-counselling" in [s["id"] for s in published["items"]]


def test_official_json_sample_imports(hsds_dir: Path):
    target = load(ROOT / "data")
    plan = plan_import(read_source(hsds_dir / "examples" / "service_full.json"), target, ImportOptions(today=NOW.date()))
    service = plan.services["community-counselling"]
    assert service["organization_id"] == "example-organization-inc"
    assert service["phones"][0]["number"] == "+44 1234 234567"
    assert service["hours"]["weekly"][0] == {"byday": ["th", "fr"], "opens_at": "10:00", "closes_at": "18:00",
                                             "description": "The service is available from 10 am to 6pm weekdays. "
                                                            "The service is not available on public holidays."}
    m.Service.model_validate(service)
    assert "service.alert" in {n.field for n in plan.notes if n.kind == "unmapped"}
    kept = plan_import(read_source(hsds_dir / "examples" / "service_full.json"), target,
                       ImportOptions(keep_ids=True, today=NOW.date()))
    assert list(kept.services) == ["ac148810-d857-441c-9679-408f346de14b"]  # --keep-ids: the registry's UUID
    assert h.hsds_id("service", "ac148810-d857-441c-9679-408f346de14b") == "ac148810-d857-441c-9679-408f346de14b"


def test_import_writes_nothing_when_the_result_is_invalid(tmp_path: Path):
    target = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, target)
    source = tmp_path / "services.json"
    services = sorted(_nested(_files(FIXTURE_DATA)), key=lambda s: "phones" not in s)
    source.write_text(json.dumps(services), encoding="utf-8")
    before = {p: p.read_bytes() for p in target.rglob("*") if p.is_file()}
    with pytest.raises(DataErrors) as exc:  # the services exist: not overwritten without --replace
        import_hsds(source, target, ImportOptions(today=NOW.date()))
    assert "data/services/crisis-help.yml: такая служба уже есть" in str(exc.value)
    services[0]["status"] = "open"
    services[0]["attributes"] = [a for a in services[0]["attributes"] if a["taxonomy_term"]["code"] != "site_id"]
    services[0]["name"] = "Новая служба"
    services[0]["phones"][0]["number"] = "12345"
    source.write_text(json.dumps(services[:1]), encoding="utf-8")
    plan = import_hsds(source, target, ImportOptions(today=NOW.date()), dry_run=True).plan
    assert "phone.number" in {n.field for n in plan.notes if n.kind == "dropped"}
    assert plan.services["novaya-sluzhba"]["status"] == "inactive"
    assert {p: p.read_bytes() for p in target.rglob("*") if p.is_file()} == before


def test_import_command_reports(hsds_dir: Path, tmp_path: Path):
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "import_hsds.py"), str(hsds_dir / "examples" / "csv"),
                          "--data", str(target), "--dry-run"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "Служб: 1, новых организаций: 1" in run.stdout
    assert "Не перенесено — на сайте нет такого поля" in run.stdout and "services.csv: service.wait_time" in run.stdout
    assert "Заполнено по умолчанию" in run.stdout
    assert not (target / "services" / "community-counselling.yml").exists()


# ------------------------------------------------------------------ JSON API

@pytest.fixture(scope="module")
def api_build():
    content = build_content(FIXTURE_DATA, now=NOW)
    return content


def test_api_files_match_their_published_schemas(api_build):
    from jsonschema import Draft202012Validator
    files = api_build.files
    data = api_build.data
    for name, path in api.FILES.items():
        document = json.loads(files[path])
        schema = json.loads(files[api.SCHEMAS[name]])
        assert schema["$id"] == "https://example.org/" + api.SCHEMAS[name] == document["$schema"]
        Draft202012Validator.check_schema(schema)
        errors = _errors(Draft202012Validator(schema, format_checker=_format_checker()), document)
        assert not errors, errors[:10]
        assert document["count"] == len(document["items"])
        assert [item["id"] for item in document["items"]] == list(getattr(data, name))  # our stable ids
    services = {s["id"]: s for s in json.loads(files["api/services.json"])["items"]}
    crisis = services["crisis-help"]
    assert crisis["page_url"] == "https://example.org/services/crisis-help/"
    assert crisis["hsds_id"] == h.hsds_id("service", "crisis-help")
    assert crisis["phones"][0] == {"number": "8 (3435) 00-00-02", "tel": "+73435000002", "display": "8 (3435) 00-00-02",
                                   "extension": "12", "description": None}
    assert crisis["hours"]["text"] == "пн–пт 09:00–18:00; сб 10:00–14:00"
    events = {e["id"]: e for e in json.loads(files["api/events.json"])["items"]}
    assert events["street-day"]["all_day"] is True and re.fullmatch(r"\d{4}-\d{2}-\d{2}", events["street-day"]["start"])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+05:00", events["seminar-1"]["start"])
    helplines = json.loads(files["api/helplines.json"])["items"]
    assert helplines[0]["main"] is True and helplines[0]["page_url"].endswith("/helplines/#child-line")


def test_api_files_are_what_their_models_write(api_build):
    """The API files are written from plain dicts by pydantic's JSON encoder (`to_json`): each must validate against its pydantic
    model (no field missing, none extra, every type right) and be the very bytes the model's own encoder writes."""
    from helpsite.pages.builder import PageBuilder
    pages = PageBuilder(api_build.data, NOW)
    builder = api.ApiBuilder(api_build.data, pages.page_url, pages.site_url)
    for name, path in api.FILES.items():
        model = builder.file_model(name)
        assert model.model_dump_json(by_alias=True).encode("utf-8") + b"\n" == builder.file_bytes(name) == api_build.files[path]
        assert model.count > 0


def test_open_data_kept_for_a_forked_writer_are_the_same_files(api_build):
    """`open_data_files(keep=…)` (the forked writer, which ends by os._exit) only keeps what the files were made
    from: the files are the same, the API's ids and pages taken from the export are those it works out itself."""
    from helpsite.outputs.opendata import open_data_files
    from helpsite.pages.builder import PageBuilder
    builder = PageBuilder(api_build.data, NOW)
    keep: list = []
    files = open_data_files(builder, keep)
    assert files == open_data_files(builder) and len(keep) == len(api.FILES) + 1
    fresh = api.ApiBuilder(api_build.data, builder.page_url, builder.site_url)
    assert files["api/services.json"] == fresh.file_bytes("services")


def test_json_line_writes_what_pydantic_writes():
    """The large open-data files are written by orjson (`jsonline.json_line`): the bytes of pydantic's encoder for what
    they hold — text with every kind of character, numbers (small floats too), nested lists and dicts — and
    an integer orjson cannot write (past 64 bits) falls back to pydantic's encoder."""
    from pydantic_core import to_json
    from helpsite.outputs.opendata.jsonline import json_line
    values = [
        {"text": "Служба «Доверие»: \"кавычки\", \\, /, \n\r\t, \x00\x1f\x7f, \u2028\u2029, 😀", "empty": "", "none": None},
        [True, False, 0, -1, 120, 2**63 - 1, -2**63],
        [56.838, -57.9, 0.0, -0.0, 1.5, 5.5, 0.1, 1e-05, 1e-7, 123456789.123, 1e15, 5e-324],
        {"nested": [{"a": [], "b": {}}, {"c": [[1], {"d": "е"}]}]},
        {"capacity": 2**70},  # past 64 bits
    ]
    for value in values:
        assert json_line(value) == to_json(value) + b"\n", value


def test_json_line_without_orjson(monkeypatch):
    """An environment not reinstalled since orjson was added writes the same files by pydantic's encoder."""
    from helpsite.outputs.opendata import jsonline
    monkeypatch.setattr(jsonline, "orjson", None)
    assert jsonline.json_line({"a": [1, 0.5, "б"]}) == '{"a":[1,0.5,"б"]}\n'.encode("utf-8")


def test_every_api_field_is_documented(api_build):
    page = next(p.markdown for p in api_build.pages if p.path == "open-data.md")
    for name in api.FILES:
        for model, _, fields in api.field_tables(name):
            for field, _, description in fields:
                assert description, f"{model}.{field} has no description"
                assert f"<code>{field}</code>" in page, field
    for path in (*api.FILES.values(), *api.SCHEMAS.values()):
        assert f"<code>/{path}</code>" in page


def test_site_publishes_open_data(built_site: Path):
    for path in ("api/helplines.json", "api/services.json", "api/events.json", "api/schema/services.json",
                 "open-data/hsds/hsds.zip", "open-data/index.html"):
        assert (built_site / path).is_file(), path
    assert sorted(p.name for p in (built_site / "open-data" / "hsds").iterdir()) == ["hsds.zip"]  # each form once: zipped
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert 'href="open-data/"' in home  # in the navigation
    page = (built_site / "open-data" / "index.html").read_text(encoding="utf-8")
    assert 'href="../api/services.json"' in page and 'href="hsds/hsds.zip"' in page


# ------------------------------------------------------------------ spreadsheet

def _sheet(content: bytes) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))
    return rows[0], rows[1:]


def _write(header: list[str], rows: list[list[str]], delimiter: str = ";", encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows([header, *rows])
    return buffer.getvalue().encode(encoding)


def test_spreadsheet_covers_every_service_field():
    covered = {key for key, _ in COLUMNS} - {"address_1", "city", "postal_code", "state_province", "address_description",
                                             "latitude", "longitude", "hours_description"}
    covered |= {"location"}
    assert covered == set(m.Service.model_fields)


def test_spreadsheet_round_trip_changes_nothing(tmp_path: Path):
    for source in (FIXTURE_DATA, ROOT / "data"):
        target = tmp_path / source.parent.name / "data"
        shutil.copytree(source, target)
        before = {p: p.read_bytes() for p in target.rglob("*") if p.is_file()}
        content = export_csv(load(target))
        assert content.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
        header, rows = _sheet(content)
        assert header[0] == "Идентификатор (id)" and len(rows) == len(load(target).services)
        result = import_csv(content, target)
        assert not result.created and not result.changed
        assert {p: p.read_bytes() for p in target.rglob("*") if p.is_file()} == before


def test_spreadsheet_edit_becomes_yaml(tmp_path: Path):
    target = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, target)
    header, rows = _sheet(export_csv(load(target)))
    col = {h_.rsplit("(", 1)[1].rstrip(")"): i for i, h_ in enumerate(header)}
    row = next(r for r in rows if r[col["id"]] == "hotline-room")
    row[col["phones"]] = "'+7 3435 00-00-09 доб. 5 — дежурный\n124"  # Excel-protected formula-like cell
    row[col["hours"]] = "пн-пт 9:00-18:00\nсб 10.00–14.00 (по записи)"
    row[col["assured_date"]] = "01.12.2026"  # as Russian Excel writes dates back
    row[col["audience"]] = "дети, родители"
    new = list(row)
    new[col["id"]], new[col["name"]] = "new-service", "Новая служба"
    content = _write(header, [*rows, new], delimiter=",", encoding="cp1251")  # «CSV» saved by Excel on Windows
    result = import_csv(content, target, file="services.csv")
    assert [p.name for p in result.changed] == ["hotline-room.yml"] and [p.name for p in result.created] == ["new-service.yml"]
    service = load(target).services["hotline-room"]
    assert [(p.number, p.extension, p.description) for p in service.phones] == [("+7 3435 00-00-09", "5", "дежурный"), ("124", None, None)]
    assert [(e.byday, e.opens_at.isoformat(), e.description) for e in service.hours.weekly] == [
        ([m.Weekday.mo, m.Weekday.tu, m.Weekday.we, m.Weekday.th, m.Weekday.fr], "09:00:00", None),
        ([m.Weekday.sa], "10:00:00", "по записи")]
    assert service.assured_date.isoformat() == "2026-12-01"
    assert service.audience == [m.Audience.children, m.Audience.parents]
    assert (target / "services" / "hotline-room.yml").read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=")
    again = export_csv(load(target)).decode("utf-8-sig")
    assert "'+7 3435 00-00-09 доб. 5 — дежурный" in again  # protected again for Excel


def test_spreadsheet_errors_name_row_and_column(tmp_path: Path):
    target = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, target)
    before = {p: p.read_bytes() for p in target.rglob("*") if p.is_file()}
    header, rows = _sheet(export_csv(load(target)))
    col = {h_.rsplit("(", 1)[1].rstrip(")"): i for i, h_ in enumerate(header)}
    rows[0][col["free"]] = "может быть"
    rows[0][col["assured_date"]] = "вчера"
    rows[1][col["organization_id"]] = "ngoo"
    rows[1][col["hours"]] = "в будни"
    rows[1][col["name"]] = ""
    with pytest.raises(DataErrors) as exc:
        import_csv(_write(header, rows), target, file="services.csv")
    text = str(exc.value)
    letter = lambda key: column_letter(col[key])  # noqa: E731
    assert f"services.csv:2: столбец {letter('free')} «Бесплатно (да/нет) (free)»: нужно «да» или «нет» (значение: «может быть»)" in text
    assert f"services.csv:2: столбец {letter('assured_date')} «Проверено (ГГГГ-ММ-ДД) (assured_date)»: нужна дата" in text
    assert "services.csv:3: столбец D «Организация (id из organizations.yml) (organization_id)»: нет организации с таким id" in text
    assert "возможно, «ngo»" in text
    assert "services.csv:3: столбец B «Название (name)»: обязательное поле не заполнено" in text
    assert "не понял часы «в будни»" in text
    assert len(exc.value.errors) == 5
    assert {p: p.read_bytes() for p in target.rglob("*") if p.is_file()} == before


def test_spreadsheet_command(tmp_path: Path):
    target = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, target)
    table = tmp_path / "services.csv"
    script = str(ROOT / "scripts" / "spreadsheet.py")
    out = subprocess.run([sys.executable, script, "--data", str(target), "export", "-o", str(table)], capture_output=True, text=True)
    assert out.returncode == 0 and "служб 2" in out.stdout
    back = subprocess.run([sys.executable, script, "--data", str(target), "import", str(table)], capture_output=True, text=True)
    assert back.returncode == 0 and "Без изменений: 2." in back.stdout


def test_hsds_zip_without_isal_is_zlibs_valid_zip():
    """An environment not reinstalled since `isal` was added still builds: the zip is deflated by zlib."""
    import subprocess
    import sys

    code = r'''
import builtins, io, zipfile
real = builtins.__import__
def hide_isal(name, *args, **kwargs):
    if name == "isal" or name.startswith("isal."):
        raise ImportError("no isal")
    return real(name, *args, **kwargs)
builtins.__import__ = hide_isal
from helpsite.outputs.opendata import hsds_export
entries = [("services.json", b'{"x":1}' * 1000, 3), ("services.csv", "а,б\n".encode() * 500, 1), ("empty.csv", b"", 1)]
archive = zipfile.ZipFile(io.BytesIO(hsds_export.zip_archive(entries)))
assert hsds_export.isal_zlib.__name__ == "zlib"
assert archive.testzip() is None and [archive.read(n) for n, _, _ in entries] == [c for _, c, _ in entries]
print("ok")
'''
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.stdout.strip() == "ok", done.stderr
