"""The web editor without a browser: its config follows the model, saving goes through the loader."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpsite.editing import cms
from helpsite.data import model as m
from helpsite.editing.cms_server import Editor
from helpsite.data.load import load

from .conftest import ROOT, copy_project


def test_committed_config_is_generated_from_the_model():
    committed = (ROOT / "editor" / "config.yml").read_text(encoding="utf-8")
    fresh = cms.render_config(cms.config(load(ROOT / "data").campaign.timezone))
    assert committed == fresh, "editor/config.yml отстал от модели: python scripts/editor.py config"


def _fields(collection: dict) -> dict[str, dict]:
    fields = collection["files"][0]["fields"] if "files" in collection else collection["fields"]
    if len(fields) == 1 and fields[0]["name"] == cms.LIST_KEY:
        fields = fields[0]["fields"]
    return {f["name"]: f for f in fields}


def test_every_model_field_is_in_its_form_with_a_russian_label():
    cfg = cms.config("Asia/Yekaterinburg")
    by_name = {c["name"]: c for c in cfg["collections"]}
    for s in cms.SPECS:
        fields = _fields(by_name[s.name])
        assert list(fields) != [] and set(fields) == set(s.model.model_fields), s.name
        for f in fields.values():
            assert any("а" <= ch.lower() <= "я" for ch in f["label"]), f  # Russian, not the field's name


def test_a_field_added_to_the_model_appears_in_the_form_or_fails_loudly():
    class Extended(m.Service):
        waiting_list: bool = False

    assert "waiting_list" not in cms.LABELS
    with pytest.raises(cms.ModelDrift, match="waiting_list"):
        cms.model_fields(Extended, "Asia/Yekaterinburg")
    cms.LABELS["waiting_list"] = "Очередь"
    try:
        assert "waiting_list" in [f["name"] for f in cms.model_fields(Extended, "Asia/Yekaterinburg")]
    finally:
        del cms.LABELS["waiting_list"]


def test_form_details_follow_the_model():
    cfg = cms.config("Asia/Yekaterinburg")
    event = _fields(next(c for c in cfg["collections"] if c["name"] == "events"))
    assert event["title"]["required"] and not event["report"]["required"]
    assert event["start"]["widget"] == "datetime" and event["start"]["format"] == cms.MOMENT_FORMAT
    assert "Asia/Yekaterinburg" in event["start"]["hint"]
    assert {"label": "родительское собрание", "value": "parent_meeting"} in event["type"]["options"]
    assert event["organizer_ids"]["widget"] == "relation" and event["organizer_ids"]["multiple"]
    assert "пример" in event["example"]["hint"]
    # a required field inside an optional object is not required in the form (Decap would demand it)
    place = {f["name"]: f for f in event["place"]["fields"]}
    assert not place["name"]["required"] and "Обязательно, если заполняете «Место»" in place["name"]["hint"]
    service = _fields(next(c for c in cfg["collections"] if c["name"] == "services"))
    number = service["phones"]["fields"][0]
    assert number["name"] == "number" and "8-800-2000-122" in number["hint"] and number["required"]
    assert service["assured_date"]["format"] == "YYYY-MM-DD"
    plan = _fields(next(c for c in cfg["collections"] if c["name"] == "plan"))
    activity = {f["name"]: f for f in plan["tasks"]["fields"][2]["fields"]}
    assert "Номер как его пишут" not in activity["number"].get("hint", "")  # only phones get the phone hint


def test_the_ids_made_in_the_browser_are_the_ids_made_in_python():
    js = cms.editor_js()
    node = subprocess.run(["node", "-e", "var window={CMS:{registerEventListener(){}}};" + js +
                           "process.stdout.write(window.helpsiteSlug(process.argv[1], 60))",
                           "Родительское собрание «Щит и ёжик» № 5"], capture_output=True, text=True) \
        if _has_node() else None
    from helpsite.editing.scaffold import slug
    expected = slug("Родительское собрание «Щит и ёжик» № 5")
    assert expected == "roditelskoe-sobranie-shchit-i-ezhik-5"
    if node is not None:
        assert node.stdout == expected, node.stderr


def _has_node() -> bool:
    import shutil
    return shutil.which("node") is not None


# ---------------------------------------------------------------- saving through the editor's server

@pytest.fixture
def editor(tmp_path: Path) -> Editor:
    return Editor(copy_project(tmp_path / "project"), build=False)


def persist(editor: Editor, path: str, raw: str, new: bool = False) -> tuple[int, dict]:
    return editor.api({"action": "persistEntry", "params": {
        "entry": {"path": path, "raw": raw, "slug": Path(path).stem},
        "dataFiles": [{"path": path, "raw": raw, "slug": Path(path).stem}], "assets": [],
        "options": {"newEntry": new, "collectionName": "x"}}})


SERVICE = """id: novaya-sluzhba
name: Новая служба
organization_id: centr-semeynoy-terapii
description: Помогает.
categories: [psychological-help]
audience: [parents]
district: весь город
phones:
  - number: 8 (3435) 41-22-33
    extension: ""
free: true
anonymous: false
assured_date: 2026-11-20
email: ""
hours: {}
"""


def test_a_saved_record_gets_the_schema_line_and_passes_check_and_a_strict_build(editor: Editor, tmp_path: Path):
    categories = [c["id"] for c in yaml.safe_load((editor.data / "categories.yml").read_text(encoding="utf-8"))]
    raw = SERVICE.replace("psychological-help", categories[0])
    status, answer = persist(editor, "data/services/novaya-sluzhba.yml", raw, new=True)
    assert status == 200, answer
    text = (editor.data / "services" / "novaya-sluzhba.yml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/service.schema.json\nid: novaya-sluzhba\n")
    assert "email" not in text and "hours" not in text and "extension" not in text  # empty form fields dropped
    check = subprocess.run([sys.executable, str(ROOT / "scripts" / "check.py"), str(editor.data)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    from .conftest import mkdocs_build
    build = mkdocs_build(editor.root, tmp_path / "site")
    assert build.returncode == 0 and "WARNING" not in build.stdout, build.stdout
    assert (tmp_path / "site" / "services" / "novaya-sluzhba" / "index.html").is_file()


def test_a_wrong_phone_is_refused_in_russian_with_the_field_and_nothing_is_written(editor: Editor):
    path = editor.data / "services" / "sluzhba-sos.yml"
    before = path.read_bytes()
    data = yaml.safe_load(before)
    data["phones"][0]["number"] = "12345"
    status, answer = persist(editor, "data/services/sluzhba-sos.yml", yaml.safe_dump(data, allow_unicode=True))
    assert status == 422
    assert answer["error"].startswith("Запись не сохранена.")
    assert "«Телефоны № 1 → Номер»" in answer["error"] and "12345" in answer["error"]
    assert path.read_bytes() == before


def test_a_new_record_never_overwrites_and_an_id_never_changes(editor: Editor):
    path = editor.data / "services" / "sluzhba-sos.yml"
    raw = yaml.safe_dump(yaml.safe_load(path.read_text(encoding="utf-8")), allow_unicode=True)
    status, answer = persist(editor, "data/services/sluzhba-sos.yml", raw, new=True)
    assert status == 422 and "уже есть" in answer["error"]
    changed = raw.replace("id: sluzhba-sos", "id: sluzhba-sos-2")
    status, answer = persist(editor, "data/services/sluzhba-sos.yml", changed)
    assert status == 422 and "нельзя менять" in answer["error"]


def test_a_reference_to_a_missing_record_is_refused(editor: Editor):
    path = editor.data / "services" / "sluzhba-sos.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["organization_id"] = "net-takoy"
    status, answer = persist(editor, "data/services/sluzhba-sos.yml", yaml.safe_dump(data, allow_unicode=True))
    assert status == 422 and "net-takoy" in answer["error"], answer


def test_list_files_are_shown_as_items_and_written_back_as_a_list(editor: Editor):
    entry = editor.read_entry("data/organizations.yml")
    shown = yaml.safe_load(entry["data"])
    assert list(shown) == ["items"] and shown["items"][0]["id"]
    shown["items"].append({"name": "Школа № 7", "kind": "school"})
    status, answer = persist(editor, "data/organizations.yml", yaml.safe_dump(shown, allow_unicode=True))
    assert status == 200, answer
    text = (editor.data / "organizations.yml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=schema/organizations.schema.json\n# Организации")
    assert {"id": "shkola-7", "name": "Школа № 7", "kind": "school"} in yaml.safe_load(text)
    load(editor.data)


def test_paths_outside_data_are_refused(editor: Editor):
    status, answer = persist(editor, "data/events/../../mkdocs.yml", "a: 1")
    assert status == 422
    status, answer = editor.api({"action": "getEntry", "params": {"path": "../../etc/passwd"}})
    assert answer["data"] is None
    status, answer = editor.api({"action": "deleteFile", "params": {"path": "data/services/sluzhba-sos.yml"}})
    assert status == 422 and (editor.data / "services" / "sluzhba-sos.yml").exists()


def test_an_event_at_midnight_is_saved_as_an_all_day_event():
    text, _ = cms.to_file(cms.spec("events"), "id: a\ntitle: T\nstart: 2027-01-01 00:00\nend: 2027-01-02 23:59\n")
    event = yaml.safe_load(text)
    assert (event["start"], event["end"]) == ("2027-01-01", "2027-01-02")
    text, _ = cms.to_file(cms.spec("events"), "id: a\ntitle: T\nstart: 2027-01-01 10:00\nend: 2027-01-01 12:00\n")
    assert yaml.safe_load(text)["start"] == "2027-01-01 10:00"


def test_a_note_under_the_schema_line_survives_a_save_from_the_form(editor: Editor):
    path = editor.data / "events" / "kruglyy-stol-vmeste-zashchitim.yml"
    notes = [ln for ln in path.read_text(encoding="utf-8").splitlines()[1:3]]
    assert all(ln.startswith("# ") for ln in notes)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["title"] += " 2016"
    status, answer = persist(editor, "data/events/kruglyy-stol-vmeste-zashchitim.yml",
                             yaml.safe_dump(data, allow_unicode=True))
    assert status == 200, answer
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[1:3] == notes and lines[3] == "id: kruglyy-stol-vmeste-zashchitim"
    assert load(editor.data).events["kruglyy-stol-vmeste-zashchitim"].all_day


def test_tidy_puts_the_schema_line_back_after_a_save_on_a_git_host(tmp_path: Path):
    import shutil
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    event = data / "events" / "roditelskoe-sobranie-2017.yml"
    body = event.read_text(encoding="utf-8").split("\n", 1)[1]
    event.write_text(body, encoding="utf-8")  # as Decap writes it through GitHub/GitLab/Gitea
    script = [sys.executable, str(ROOT / "scripts" / "editor.py"), "tidy", "--data", str(data)]
    check = subprocess.run([*script, "--check"], capture_output=True, text=True)
    assert check.returncode == 1 and "roditelskoe-sobranie-2017.yml" in check.stdout
    assert subprocess.run(script, capture_output=True, text=True).returncode == 0
    assert event.read_text(encoding="utf-8") == "# yaml-language-server: $schema=../schema/event.schema.json\n" + body
    assert subprocess.run([*script, "--check"], capture_output=True, text=True).returncode == 0


@pytest.mark.parametrize("host", ["github", "gitlab", "gitea"])
def test_the_editor_for_a_git_host_is_a_folder_of_our_own_files(tmp_path: Path, host: str):
    dist = ROOT / "editor" / "node_modules" / "decap-cms" / "dist"
    if not (dist / "decap-cms.js").is_file():
        pytest.skip("editor/node_modules not installed (the browser tests install it with npm ci)")
    out = tmp_path / "editor-site"
    args = [sys.executable, str(ROOT / "scripts" / "editor.py"), "export", "--backend", host, "--repo", "ngo/site",
            "-o", str(out)]
    if host != "github":
        args += ["--base-url", "https://git.example.org", "--app-id", "abc123"]
    done = subprocess.run(args, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    cfg = yaml.safe_load((out / "config.yml").read_text(encoding="utf-8"))
    assert cfg["backend"]["name"] == host and cfg["backend"]["repo"] == "ngo/site"
    assert cfg["publish_mode"] == "editorial_workflow"
    if host == "gitlab":
        assert cfg["backend"]["auth_type"] == "pkce" and cfg["backend"]["api_root"].endswith("/api/v4")
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "decap/decap-cms.js" in page and "http" not in page  # nothing from a CDN
    assert (out / "decap" / "decap-cms.js").is_file() and (out / "editor.js").is_file()
    refused = subprocess.run([*args[:-2], "-o", str(ROOT / "docs" / "admin")], capture_output=True, text=True)
    assert refused.returncode == 1 and not (ROOT / "docs" / "admin").exists()


def test_the_server_answers_only_its_own_pages(tmp_path: Path):
    import http.client
    import threading

    from helpsite.editing.cms_server import serve
    server, _ = serve(copy_project(tmp_path / "project"), port=0, build=False, decap_dist=tmp_path)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    body = '{"action": "getEntry", "params": {"path": "data/campaign.yml"}}'
    try:
        def ask(headers: dict) -> int:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("POST", "/editor/api/v1", body=body, headers={"Content-Type": "application/json", **headers})
            status = conn.getresponse().status
            conn.close()
            return status
        assert ask({}) == 200
        assert ask({"Origin": "https://evil.example"}) == 403                   # another site's page
        assert ask({"Host": f"evil.example:{port}"}) == 403                     # DNS rebinding
        assert ask({"Host": f"evil.example:{port}", "Origin": f"http://evil.example:{port}"}) == 403
    finally:
        server.shutdown()


def test_decap_yaml_is_read_as_yaml_1_2_like_our_loader():
    # Decap writes `closes_at: 17:30` and `label: no` unquoted; YAML 1.1 would read 1050 and False
    raw = "id: x\nhours:\n  weekly:\n    - byday: [mo]\n      opens_at: 09:00\n      closes_at: 17:30\nalternate_name: no\n"
    _, data = cms.to_file(cms.spec("services"), raw)
    assert data["hours"]["weekly"][0]["closes_at"] == "17:30" and data["alternate_name"] == "no"
    text, _ = cms.to_file(cms.spec("services"), raw)
    assert cms.load_yaml(text)["hours"]["weekly"][0]["closes_at"] == "17:30"
