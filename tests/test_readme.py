"""README as an editor meets it: every YAML example loads through the site's loader (and the
service with its organization builds), the quick start is the same as CI's command, the
licence is stated where the README says."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

from helpsite.data.errors import DataErrors
from helpsite.data.load import load

from .conftest import ROOT, copy_project, mkdocs_build

README = (ROOT / "README.md").read_text(encoding="utf-8")
SCHEMA_LINE = re.compile(r"^# yaml-language-server: \$schema=(\.\./)?schema/([a-z_]+)\.schema\.json")


def blocks(lang: str) -> list[str]:
    return re.findall(rf"^```{lang}\n(.*?)^```", README, re.S | re.M)


def yaml_examples() -> list[tuple[str, str, str]]:
    """(schema name, «dir» or «file», text) of every YAML example that names its schema."""
    out = []
    for text in blocks("yaml"):
        match = SCHEMA_LINE.match(text)
        if match:
            out.append((match.group(2), "dir" if match.group(1) else "file", text))
    return out


FOLDERS = {"service": "services", "event": "events", "news": "news", "programme": "programmes", "algorithm": "algorithms"}
LISTS = {"organizations": "organizations.yml", "results": "results.yml", "categories": "categories.yml",
         "helplines": "helplines.yml", "series": "series.yml"}
SINGLES = {"campaign": "campaign.yml", "plan": "plan.yml"}


def apply_example(data: Path, schema: str, text: str) -> Path:
    """Put one README example where the README says it goes; returns the file written."""
    if schema in FOLDERS:
        ident = yaml.safe_load(text)["id"]
        path = data / FOLDERS[schema] / f"{ident}.yml"
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    elif schema in LISTS:
        path = data / LISTS[schema]
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        body = "\n".join(line for line in text.splitlines() if not SCHEMA_LINE.match(line))
        path.write_text(old.rstrip("\n") + "\n" + body + "\n", encoding="utf-8")
    elif schema in SINGLES:
        path = data / SINGLES[schema]
        path.write_text(text, encoding="utf-8")
    else:
        raise AssertionError(f"README example with an unknown schema: {schema}")
    return path


def test_readme_has_examples_of_every_record_type():
    names = {schema for schema, _, _ in yaml_examples()}
    assert {"service", "organizations", "event", "news", "results", "programme", "plan", "categories"} <= names, names


@pytest.mark.parametrize("schema, kind, text", yaml_examples(), ids=[f"{s}-{i}" for i, (s, _, _) in enumerate(yaml_examples())])
def test_every_yaml_example_loads(tmp_path: Path, schema: str, kind: str, text: str):
    """Each example alone, added to this site's data: the loader accepts it (references included)."""
    if schema == "plan":  # a whole plan: the plan of a new campaign (this site's events refer to its own plan)
        data = new_site(tmp_path, yaml.safe_load(text)["tasks"][0]["activities"][0]["responsible"][0])
    else:
        data = copy_project(tmp_path / "p") / "data"
    if schema == "service":  # README: add the organization first, then the service
        apply_example(data, "organizations", next(t for s_, _, t in yaml_examples() if s_ == "organizations"))
    path = apply_example(data, schema, text)
    try:
        loaded = load(data)
    except DataErrors as exc:
        pytest.fail(f"README example for {schema} ({path.name}) does not load:\n{exc.report()}")
    if schema in FOLDERS:
        ident = yaml.safe_load(text)["id"]
        table = {"service": loaded.services, "event": loaded.events, "news": loaded.news,
                 "programme": loaded.programmes, "algorithm": loaded.algorithms}[schema]
        assert ident in table


def new_site(tmp_path: Path, organizer_id: str) -> Path:
    from helpsite.editing.newcampaign import CampaignSpec, new_campaign
    spec = CampaignSpec(name="Безопасное детство", city=None, region="Энская область", timezone="Europe/Moscow",
                        organizer="Организатор", organizer_id=organizer_id, empty=True)
    new_campaign(ROOT, tmp_path / "new", spec)
    return tmp_path / "new" / "data"


def test_the_examples_can_fail(tmp_path: Path):
    """The check above is real: a typo in an example is an error."""
    schema, _, text = next(e for e in yaml_examples() if e[0] == "service")
    data = copy_project(tmp_path / "p") / "data"
    apply_example(data, schema, text.replace("district:", "distrct:"))
    with pytest.raises(DataErrors, match="distrct"):
        load(data)


def test_service_example_with_its_organization_builds(tmp_path: Path):
    project = copy_project(tmp_path / "p")
    for schema, _, text in yaml_examples():
        if schema in ("organizations", "service"):
            apply_example(project / "data", schema, text)
    result = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stdout[-3000:]
    page = (project / "site" / "services" / "sluzhba-primireniya-shkola-5" / "index.html").read_text(encoding="utf-8")
    assert "Служба примирения школы № 5" in page and "МБОУ «Средняя школа № 5»" in page


def test_all_examples_together_build(tmp_path: Path):
    project = copy_project(tmp_path / "p")
    for schema, _, text in yaml_examples():
        if schema != "plan":  # the plan example is a new campaign's whole plan (tested above)
            apply_example(project / "data", schema, text)
    result = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stdout[-3000:]
    assert "Школа «Юный медиатор»" in (project / "site" / "programmes" / "index.html").read_text(encoding="utf-8")


def test_quick_start_commands_and_ci():
    bash = blocks("bash")
    setup = "python3 -m venv .venv && . .venv/bin/activate && pip install -e . && mkdocs build --strict"
    tests = ". .venv/bin/activate && pip install -e '.[test]' && python -m pytest"
    assert setup in [b.strip() for b in bash], "README's set-up-and-build command changed"
    assert tests in [b.strip() for b in bash], "README's test command changed"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert tests in ci.splitlines(), ".ci/run must run exactly README's test command"
    windows = blocks("powershell")
    assert any("py -m venv .venv" in b and ".venv\\Scripts\\activate" in b and "mkdocs build --strict" in b for b in windows)
    assert "git clone" in README and "python3-venv" in README


def test_licence_is_stated_everywhere():
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "MIT License" in licence and "CC BY 4.0" in licence
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "MIT AND CC-BY-4.0" and project["license-files"] == ["LICENSE"]
    assert "## Лицензия" in README and "MIT" in README.split("## Лицензия")[1]
    assert "## Где спросить помощи" in README and "## Обновить сайт, сделанный из старой версии" in README
    assert (ROOT / "DEVELOPING.md").exists() and "DEVELOPING.md" in README


@pytest.mark.skipif(not os.environ.get("HELPSITE_README_VENV"), reason="HELPSITE_README_VENV=1: install into a fresh venv from PyPI (slow, needs network)")
def test_quick_start_in_a_fresh_venv(tmp_path: Path):
    """README's first command, as written, in a clone with a fresh virtual environment."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    clone = tmp_path / "helpsite"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    setup = "python3 -m venv .venv && . .venv/bin/activate && pip install -e . && mkdocs build --strict"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "NO_MKDOCS_2_WARNING", "VIRTUAL_ENV")}
    result = subprocess.run(["bash", "-c", setup], cwd=clone, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    assert (clone / "site" / "index.html").exists()
    assert "end of life" not in result.stderr and "Сайт собран за" in result.stderr
