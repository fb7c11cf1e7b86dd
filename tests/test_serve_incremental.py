"""`mkdocs serve` rebuilds only what an edit touches (helpsite/publish/serving.py): after any
sequence of edits the served folder is byte for byte what a clean build of the same files gives.

Builds run here as `mkdocs serve` runs them (mkdocs/commands/serve.py, MkDocs 1.6): one process,
`on_startup(command="serve")` once, a fresh config per build with the serve address as site_url,
`build(config, serve_url=…, dirty=False)` into one folder. The clean build for comparison runs in
a new process. Time stamps of the build itself (DTSTAMP in calendars, <updated> in feeds) differ
between any two builds and are left out of the comparison.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import copy_project

SERVE_URL = "http://127.0.0.1:8000/"
STAMPS = re.compile(rb"DTSTAMP:[0-9TZ]+|<(updated|published)>[^<]*</(updated|published)>")

CLEAN_RUNNER = """
import sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
config = load_config(config_file=sys.argv[1], site_dir=sys.argv[2])
config.plugins.on_startup(command="build", dirty=False)
config.site_url = sys.argv[3]
build(config, serve_url=sys.argv[3])
"""


@pytest.fixture
def serve(tmp_path: Path, monkeypatch):
    """(project, site, rebuild): rebuild() builds the project as `mkdocs serve` does."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from helpsite.publish import engine, serving

    monkeypatch.setenv("HELPSITE_BUILD_CACHE", str(tmp_path / "cache"))
    project = copy_project(tmp_path / "project")
    site = tmp_path / "served"
    started = []

    def rebuild() -> None:
        config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(site))
        if not started:
            config.plugins.on_startup(command="serve", dirty=False)
            started.append(True)
        config.site_url = SERVE_URL
        build(config, serve_url=SERVE_URL, dirty=False)

    yield project, site, rebuild
    serving.forget(site)
    engine.install_log_filter().serving = False


def tree(site: Path) -> dict[str, bytes]:
    out = {}
    for path in sorted(site.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if path.suffix in (".ics", ".xml"):
                data = STAMPS.sub(b"", data)
            out[path.relative_to(site).as_posix()] = data
    return out


def clean_tree(project: Path, tmp: Path) -> dict[str, bytes]:
    site = tmp / "clean"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    done = subprocess.run([sys.executable, "-c", CLEAN_RUNNER, str(project / "mkdocs.yml"), str(site), SERVE_URL],
                          cwd=project, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    return tree(site)


def assert_same(served: Path, project: Path, tmp: Path) -> None:
    from helpsite.publish import serving

    serving.wait()
    got, want = tree(served), clean_tree(project, tmp)
    assert sorted(set(got) ^ set(want)) == []
    assert [p for p in want if got[p] != want[p]] == []


def stats(site: Path) -> dict:
    from helpsite.publish import serving

    return serving.session(site).stats


def test_edit_delete_rename_add_equal_a_clean_build(serve, tmp_path: Path):
    project, site, rebuild = serve
    services = project / "data" / "services"
    rebuild()
    # edit one service: only its page is rendered again
    edited = services / "igroterapiya.yml"
    edited.write_text(edited.read_text(encoding="utf-8").replace("\nname: ", "\nname: Изменено ", 1), encoding="utf-8")
    rebuild()
    assert stats(site)["rendered"] == 1
    assert "Изменено" in (site / "services" / "igroterapiya" / "index.html").read_text(encoding="utf-8")
    assert "Изменено" in (site / "services" / "index.html").read_text(encoding="utf-8")
    # delete one: its page goes
    (services / "zelenaya-komnata.yml").unlink()
    rebuild()
    assert not (site / "services" / "zelenaya-komnata").exists()
    # rename an id (file and id)
    old = services / "semeynaya-mediaciya.yml"
    text = old.read_text(encoding="utf-8").replace("id: semeynaya-mediaciya", "id: mediaciya-dlya-semey", 1)
    old.unlink()
    (services / "mediaciya-dlya-semey.yml").write_text(text, encoding="utf-8")
    rebuild()
    assert stats(site)["rendered"] == 1 and stats(site)["removed"] == 1
    assert (site / "services" / "mediaciya-dlya-semey" / "index.html").is_file()
    assert not (site / "services" / "semeynaya-mediaciya").exists()
    # add a new one
    new = (services / "igroterapiya.yml").read_text(encoding="utf-8").replace("id: igroterapiya", "id: novaya-sluzhba", 1)
    (services / "novaya-sluzhba.yml").write_text(new, encoding="utf-8")
    rebuild()
    assert stats(site)["rendered"] == 1
    assert_same(site, project, tmp_path)


def test_invalid_edit_shows_errors_then_fixed_equals_clean_build(serve, tmp_path: Path):
    project, site, rebuild = serve
    rebuild()
    path = project / "data" / "services" / "sluzhba-sos.yml"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("\nname: ", "\nname:\n  - сломано\nnot_a_field: 1\nx: ", 1), encoding="utf-8")
    rebuild()
    page = (site / "index.html").read_text(encoding="utf-8")
    assert "Ошибки в данных" in page and "sluzhba-sos.yml" in page
    path.write_text(good.replace("\nname: ", "\nname: Исправлено ", 1), encoding="utf-8")
    rebuild()  # the error page replaced the site: this build is complete
    rebuild()  # and the next one is incremental again
    assert stats(site)["rendered"] == 0
    assert "Исправлено" in (site / "services" / "sluzhba-sos" / "index.html").read_text(encoding="utf-8")
    assert_same(site, project, tmp_path)


def test_campaign_and_theme_changes_equal_a_clean_build(serve, tmp_path: Path):
    project, site, rebuild = serve
    rebuild()
    campaign = project / "data" / "campaign.yml"
    text = campaign.read_text(encoding="utf-8")
    changed = re.sub(r"(?m)^(copyright: ?\"?)", r"\1Изменено ", text, count=1)
    assert changed != text, "campaign.yml has a copyright line to change"
    campaign.write_text(changed, encoding="utf-8")
    rebuild()
    assert stats(site)["rendered"] > 10  # every record shows the footer
    main = project / "overrides" / "main.html"
    main.write_text(main.read_text(encoding="utf-8").replace("{% block announce %}", "{% block announce %}<!-- правка -->", 1),
                    encoding="utf-8")
    rebuild()
    assert "<!-- правка -->" in (site / "services" / "sluzhba-sos" / "index.html").read_text(encoding="utf-8")
    about = project / "docs" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nДобавленный абзац.\n", encoding="utf-8")
    rebuild()
    assert stats(site)["rendered"] == 0  # a hand-written page is not in any record's frame
    assert "Добавленный абзац" in (site / "about" / "index.html").read_text(encoding="utf-8")
    assert_same(site, project, tmp_path)


def test_unchanged_rebuild_renders_no_record(serve, tmp_path: Path):
    project, site, rebuild = serve
    rebuild()
    rebuild()
    assert stats(site)["rendered"] == 0 and stats(site)["deleted"] == 0
    assert_same(site, project, tmp_path)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path.name}: {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _listing_entry(site: Path, ident: str) -> str:
    """The services directory's entry of one service (its first group)."""
    page = (site / "services" / "index.html").read_text(encoding="utf-8")
    start = page.index(f'href="{ident}/"')
    return page[page.rindex("<li", 0, start):page.index("</li>", start)]


def test_edits_that_a_kept_entry_or_calendar_would_miss_equal_a_clean_build(serve, tmp_path: Path):
    """What the rebuild keeps from the last one (directory entries by service, VEVENTs and event
    calendars by event, served calendars whose only difference is DTSTAMP) is made again
    whenever anything it shows changed — not only the record's own file."""
    project, site, rebuild = serve
    data = project / "data"
    rebuild()
    # a service moves to another organisation: its directory entry shows the new one
    _edit(data / "services" / "igroterapiya.yml", "organization_id: primer-centr-pomoshchi-seme",
          "organization_id: sovet-nko")
    rebuild()
    assert "Совет НКО г. Нижнего Тагила" in _listing_entry(site, "igroterapiya")
    # an organisation is renamed (organizations.yml; no service or event file changes): the entries of
    # its services and the calendars of its events show the new name
    _edit(data / "organizations.yml", "name: Центр социальной помощи семье и детям (пример)",
          "name: Центр помощи семье — новое имя (пример)")
    rebuild()
    assert "новое имя" in _listing_entry(site, "sluzhba-sos")
    assert "новое имя" in (site / "events" / "roditelskoe-sobranie-2026-12.ics").read_text(encoding="utf-8")
    # an event of a series moves: its calendar, the calendar of all events and the series' calendar change
    _edit(data / "events" / "bazovaya-programma-2.yml", 'start: "2016-11-30 10:00"\nend: "2016-11-30 16:00"',
          'start: "2016-12-01 11:00"\nend: "2016-12-01 17:00"')
    rebuild()
    for calendar in ("events/bazovaya-programma-2.ics", "events/calendar.ics", "events/series/bazovaya-programma.ics"):
        assert "DTSTART;TZID=Asia/Yekaterinburg:20161201T110000" in (site / calendar).read_text(encoding="utf-8"), calendar
    # a service goes and another comes in one rebuild
    (data / "services" / "zelenaya-komnata.yml").unlink()
    (data / "services" / "novaya-sluzhba.yml").write_text(
        (data / "services" / "igroterapiya.yml").read_text(encoding="utf-8")
        .replace("id: igroterapiya", "id: novaya-sluzhba", 1).replace("\nname: ", "\nname: Новая ", 1), encoding="utf-8")
    rebuild()
    assert "Новая" in _listing_entry(site, "novaya-sluzhba")
    assert 'href="zelenaya-komnata/"' not in (site / "services" / "index.html").read_text(encoding="utf-8")
    assert_same(site, project, tmp_path)


def test_a_calendar_that_did_not_change_is_not_written_again(serve, tmp_path: Path):
    """DTSTAMP is when a calendar file was made (RFC 5545 3.8.7.2, with METHOD): after a service edit
    the served calendars stay the files made before (same DTSTAMP, not replaced); an edited event's
    own calendar is made again."""
    project, site, rebuild = serve
    rebuild()
    kept, moved = site / "events" / "roditelskoe-sobranie-2026-12.ics", site / "events" / "bazovaya-programma-2.ics"
    before = {path: (path.stat().st_ino, path.read_bytes()) for path in (kept, moved)}
    _edit(project / "data" / "services" / "igroterapiya.yml", "\nname: ", "\nname: Изменено ")
    _edit(project / "data" / "events" / "bazovaya-programma-2.yml", 'start: "2016-11-30 10:00"', 'start: "2016-11-30 09:00"')
    rebuild()
    assert (kept.stat().st_ino, kept.read_bytes()) == before[kept]
    assert moved.read_bytes() != before[moved][1] and b"20161130T090000" in moved.read_bytes()
    assert_same(site, project, tmp_path)
