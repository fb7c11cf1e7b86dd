"""Services and events to and from .xlsx (openpyxl), through the site's checks, messages in Russian."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from helpsite.editing import cms_tables
from helpsite.data.errors import DataErrors
from helpsite.data.load import load

from .conftest import ROOT


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    return target


def sheet(content: bytes):
    return load_workbook(io.BytesIO(content)).worksheets[0]


def save(ws) -> bytes:
    out = io.BytesIO()
    ws.parent.save(out)
    return out.getvalue()


def column(ws, key: str) -> int:
    for cell in ws[1]:
        if str(cell.value).endswith(f"({key})"):
            return cell.column
    raise KeyError(key)


def test_services_round_trip_through_xlsx_changes_nothing(data: Path):
    before = {p.name: p.read_bytes() for p in (data / "services").iterdir()}
    content = cms_tables.export_services_xlsx(data)
    ws = sheet(content)
    assert ws.max_row == len(before) + 1 and ws.freeze_panes == "C2"
    result = cms_tables.import_services_xlsx(content, data)
    assert not result.created and not result.changed
    assert {p.name: p.read_bytes() for p in (data / "services").iterdir()} == before


def test_a_wrong_phone_in_the_xlsx_is_named_by_row_and_column_and_nothing_is_written(data: Path):
    ws = sheet(cms_tables.export_services_xlsx(data))
    ws.cell(row=3, column=column(ws, "phones")).value = "12345"
    before = {p.name: p.read_bytes() for p in (data / "services").iterdir()}
    with pytest.raises(DataErrors) as caught:
        cms_tables.import_services_xlsx(save(ws), data, file="службы.xlsx")
    report = caught.value.report()
    assert "службы.xlsx:3" in report and "Телефоны" in report and "12345" in report, report
    assert {p.name: p.read_bytes() for p in (data / "services").iterdir()} == before


def test_a_formula_typed_in_a_cell_stays_text(data: Path):
    ws = sheet(cms_tables.export_services_xlsx(data))
    ws.cell(row=2, column=column(ws, "fees_description")).value = "=1+1 руб."
    content = cms_tables.rows_to_xlsx([[str(c.value or "") for c in row] for row in ws.iter_rows()], "x")
    cell = sheet(content).cell(row=2, column=column(ws, "fees_description"))
    assert cell.data_type == "s" and cell.value == "=1+1 руб."


def test_events_round_trip_and_a_new_row_becomes_an_event(data: Path):
    content = cms_tables.export_events(data)
    result = cms_tables.import_events(content, data)
    assert not result.created and not result.changed
    ws = sheet(content)
    row = ws.max_row + 1
    values = {"title": "Родительское собрание «Интернет без страха»", "type": "родительское собрание",
              "start": "2027-05-20 18:30", "end": "2027-05-20 20:00", "place": "Школа № 9",
              "audience": "родители, педагоги", "organizer_ids": "centr-semeynoy-terapii",
              "description": "Как договориться с ребёнком о правилах в сети."}
    for key, value in values.items():
        ws.cell(row=row, column=column(ws, key)).value = value
    result = cms_tables.import_events(save(ws), data)
    path = data / "events" / "roditelskoe-sobranie-internet-bez-straha-2027-05-20.yml"
    assert result.created == [path]
    assert path.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=../schema/event.schema.json\n")
    event = load(data).events[path.stem]
    assert event.type.value == "parent_meeting" and [a.value for a in event.audience] == ["parents", "teachers"]
    check = subprocess.run([sys.executable, str(ROOT / "scripts" / "check.py"), str(data)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_an_event_row_ending_before_it_starts_is_refused_in_russian(data: Path):
    ws = sheet(cms_tables.export_events(data))
    row = next(r for r in range(2, ws.max_row + 1) if ":" in str(ws.cell(row=r, column=column(ws, "start")).value))
    ws.cell(row=row, column=column(ws, "end")).value = "2000-01-01 10:00"
    with pytest.raises(DataErrors) as caught:
        cms_tables.import_events(save(ws), data, file="события.xlsx")
    report = caught.value.report()
    assert f"события.xlsx:{row}" in report and "окончание" in report.lower(), report


def test_not_a_spreadsheet_is_one_russian_message(data: Path):
    with pytest.raises(DataErrors, match="это не таблица Excel"):
        cms_tables.import_events(b"not a zip", data, file="события.xlsx")


def test_the_command_line_writes_and_reads_xlsx(data: Path, tmp_path: Path):
    script = str(ROOT / "scripts" / "spreadsheet.py")
    out = tmp_path / "события.xlsx"
    done = subprocess.run([sys.executable, script, "--data", str(data), "--events", "export", "-o", str(out)],
                          capture_output=True, text=True)
    assert done.returncode == 0 and out.is_file(), done.stderr
    back = subprocess.run([sys.executable, script, "--data", str(data), "--events", "import", str(out)],
                          capture_output=True, text=True)
    assert back.returncode == 0 and "Без изменений" in back.stdout, back.stderr


def test_events_csv_protects_formula_cells_and_reads_them_back(data: Path):
    event = data / "events" / "roditelskoe-sobranie-2017.yml"
    text = event.read_text(encoding="utf-8")
    import yaml
    record = yaml.safe_load(text)
    record["description"] = "=HYPERLINK(\"http://evil.example\") — не формула"
    event.write_text(text.split("\n", 1)[0] + "\n" + yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    content = cms_tables.export_events(data, xlsx=False)
    assert "'=HYPERLINK" in content.decode("utf-8-sig")
    result = cms_tables.import_events(content, data, file="события.csv")
    assert "roditelskoe-sobranie-2017" in result.unchanged
    assert load(data).events["roditelskoe-sobranie-2017"].description.startswith("=HYPERLINK")
