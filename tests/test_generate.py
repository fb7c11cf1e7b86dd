"""`scripts/generate.py`: the whole content tree with no site engine, buildable by another engine."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT, copy_project


_GENERATE = """
import json, runpy, sys
from pathlib import Path
runpy.run_path("scripts/generate.py", run_name="imported")  # the command's imports, without running it
from helpsite.publish.generate import generate
tree = generate(Path(sys.argv[1]), Path(sys.argv[2]))
engines = sorted(m for m in sys.modules if m.split(".")[0] in ("mkdocs", "material", "properdocs", "zensical"))
print(json.dumps({"pages": tree.pages, "files": tree.files, "engines": engines}))
"""


def _generate(project: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", _GENERATE, str(project), str(out)], cwd=ROOT, capture_output=True, text=True)


def test_tree_is_complete_and_needs_no_engine(tmp_path: Path):
    result = _generate(ROOT, tmp_path / "content")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["engines"] == [], f"the generator imported a site engine: {report['engines']}"
    tree = tmp_path / "content"
    from helpsite.data.load import load
    data = load(ROOT / "data")
    for ident, service in data.services.items():  # every record page, with its finished body
        text = (tree / "services" / f"{ident}.md").read_text(encoding="utf-8")
        assert text.startswith("---\n") and service.name.split("«")[0].strip() in text
    for ident in data.events:
        assert (tree / "events" / f"{ident}.md").is_file()
    for name in ("index.md", "helplines.md", "services/index.md", "about.md", "safety.md", "print.md", "events/feed.xml",
                 "events/calendar.ics", "news/feed.xml", "open-data/hsds/hsds.zip"):
        assert (tree / name).is_file(), name
    assert any(p.suffix == ".pdf" for p in (tree / "print").rglob("*"))
    assert report["pages"] == sum(1 for _ in tree.rglob("*.md"))


def test_another_engine_builds_the_tree(tmp_path: Path):
    """Vanilla MkDocs + Material with no hooks and no overrides builds the generated tree; the
    record pages carry their content (phones, names) as they do on our site."""
    tree = tmp_path / "content"
    assert _generate(ROOT, tree).returncode == 0
    config = tmp_path / "mkdocs.yml"
    config.write_text(f"site_name: test\ndocs_dir: {tree}\nsite_dir: {tmp_path / 'site'}\n"
                      "theme: {name: material, language: ru, font: false}\n"
                      "markdown_extensions: [admonition, attr_list, def_list, toc]\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(config)], capture_output=True, text=True,
                            env={**__import__("os").environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stderr
    assert "ERROR" not in result.stderr
    page = (tmp_path / "site" / "services" / "sluzhba-sos" / "index.html").read_text(encoding="utf-8")
    assert 'href="tel:' in page
    assert (tmp_path / "site" / "events" / "calendar.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")


def test_bad_data_writes_nothing_and_keeps_the_old_tree(tmp_path: Path):
    project = copy_project(tmp_path / "project")
    out = tmp_path / "content"
    assert _generate(project, out).returncode == 0
    before = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    service = project / "data" / "services" / "sluzhba-sos.yml"
    service.write_text(service.read_text(encoding="utf-8").replace("name:", "nmae:", 1), encoding="utf-8")
    result = subprocess.run([sys.executable, "scripts/generate.py", str(out), "--project", str(project)], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "data/services/sluzhba-sos.yml:" in result.stderr and "nmae" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == before
    assert not (tmp_path / "content.generating").exists()


def test_shared_texts_are_filled_in_the_tree(tmp_path: Path):
    tree = tmp_path / "content"
    assert _generate(ROOT, tree).returncode == 0
    for page in tree.rglob("*.md"):
        assert "{{ campaign." not in page.read_text(encoding="utf-8"), page


def test_a_raw_script_in_a_page_stops_the_tree_as_it_stops_the_site(tmp_path: Path):
    project = copy_project(tmp_path / "project")
    about = project / "docs" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n<script>alert(1)</script>\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "scripts/generate.py", str(tmp_path / "content"), "--project", str(project)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1 and "docs/about.md:" in result.stderr and "<script>" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "content").exists()
