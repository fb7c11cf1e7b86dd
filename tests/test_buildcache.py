"""The build cache (helpsite/data/buildcache.py): validated records and compiled templates kept on disk
for the next build. A cached record is used only for the same bytes made by the same code; an
edit that breaks a file is reported as if there were no cache; a damaged cache is ignored."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpsite.data import load as load_module
from helpsite.publish.build import build_content
from helpsite.data.errors import DataErrors

from .conftest import FIXTURE_DATA, NOW


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURE_DATA, tmp_path / "data")
    return tmp_path


def _fresh_process(monkeypatch) -> list[Path]:
    """Forget the in-process memo (as a new CLI build would) and count the files parsed."""
    monkeypatch.setattr(load_module, "_VALID_RECORDS", {})
    parsed: list[Path] = []
    real = load_module._Loader.read

    def read(self, path, raw=None):
        parsed.append(Path(path))  # record files are read by their path's text
        return real(self, path, raw)

    monkeypatch.setattr(load_module._Loader, "read", read)
    return parsed


def test_warm_build_parses_only_changed_records(project: Path, monkeypatch):
    cache = project / "cache"
    first = build_content(project / "data", now=NOW, cache_dir=cache)
    assert (cache / "records" / "Service.pickle").is_file() and any((cache / "templates").iterdir())
    parsed = _fresh_process(monkeypatch)
    again = build_content(project / "data", now=NOW, cache_dir=cache)
    assert not [p for p in parsed if p.parent.name in ("services", "events")], parsed
    assert again.data.services == first.data.services and again.data.events == first.data.events
    assert [p.markdown for p in again.pages] == [p.markdown for p in first.pages]

    service = sorted((project / "data" / "services").glob("*.yml"))[0]
    service.write_text(service.read_text(encoding="utf-8").replace("\nname: ", "\nname: Изменено ", 1), encoding="utf-8")
    parsed = _fresh_process(monkeypatch)
    edited = build_content(project / "data", now=NOW, cache_dir=cache)
    assert [p for p in parsed if p.parent.name in ("services", "events")] == [service]
    assert edited.data.services[service.stem].name.startswith("Изменено ")


def test_a_broken_edit_is_reported_with_its_line_despite_the_cache(project: Path, monkeypatch):
    cache = project / "cache"
    build_content(project / "data", now=NOW, cache_dir=cache)
    service = sorted((project / "data" / "services").glob("*.yml"))[0]
    text = service.read_text(encoding="utf-8")
    service.write_text(text.replace("\nname: ", "\nname_typo: ", 1), encoding="utf-8")
    _fresh_process(monkeypatch)
    with pytest.raises(DataErrors) as caught:
        build_content(project / "data", now=NOW, cache_dir=cache)
    errors = [e for e in caught.value.errors if e.file.endswith(service.name)]
    assert errors and all(e.line for e in errors), caught.value.errors


@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"\x80\x05garbage"])
def test_damaged_or_foreign_cache_is_ignored(project: Path, monkeypatch, damage: bytes):
    cache = project / "cache"
    first = build_content(project / "data", now=NOW, cache_dir=cache)
    for file in [*(cache / "records").iterdir(), *(cache / "templates").iterdir()]:
        file.write_bytes(damage)
    parsed = _fresh_process(monkeypatch)
    again = build_content(project / "data", now=NOW, cache_dir=cache)
    assert [p for p in parsed if p.parent.name == "services"], "a damaged cache was trusted"
    assert again.data.services == first.data.services
    assert [p.markdown for p in again.pages] == [p.markdown for p in first.pages]


def test_other_code_version_is_not_trusted(project: Path, monkeypatch):
    cache = project / "cache"
    build_content(project / "data", now=NOW, cache_dir=cache)
    parsed = _fresh_process(monkeypatch)
    monkeypatch.setattr(load_module, "_CODE_VERSION", ["another version of the code"])
    build_content(project / "data", now=NOW, cache_dir=cache)
    assert [p for p in parsed if p.parent.name == "services"]


def test_a_record_comes_back_from_a_pickle_as_it_was():
    """Records are pickled (`model.Record.__reduce__`) from the loader's worker and into the cache: every
    kind of record, nested ones too, comes back equal, with the same fields set and the same JSON."""
    import pickle

    data = load_module.load(FIXTURE_DATA)
    records = [data.campaign, data.plan, data.synonyms]
    for table in (data.organizations, data.helplines, data.categories, data.services, data.algorithms, data.series,
                  data.events, data.news, data.results, data.programmes):
        records += table.values()
    assert len({type(r) for r in records}) >= 10
    for record in records:
        for protocol in (2, pickle.HIGHEST_PROTOCOL):
            back = pickle.loads(pickle.dumps(record, protocol=protocol))
            assert type(back) is type(record) and back == record
            assert back.__pydantic_fields_set__ == record.__pydantic_fields_set__
            assert back.model_dump_json() == record.model_dump_json()
            assert back.__pydantic_extra__ == record.__pydantic_extra__ and back.__pydantic_private__ == record.__pydantic_private__


def test_records_a_worker_read_go_into_the_cache_as_it_pickled_them(project: Path, monkeypatch):
    """With the loader's worker processes (forced on the fixture's few files), the worker's records reach
    the cache in the pickle that brought them back (`RecordCache.put_pickled`), this process's own
    share is pickled at saving: the next build parses no record file and has the same records. A file
    with a reading error that a worker validated anyway is not cached: reported again next time."""
    import os

    if not hasattr(os, "fork"):
        pytest.skip("no fork on this platform: files are read in one process")
    monkeypatch.setattr(load_module, "PARALLEL_READ_FROM", 1)
    monkeypatch.setattr(load_module.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(load_module, "_VALID_RECORDS", {})
    cache = project / "cache"
    first = build_content(project / "data", now=NOW, cache_dir=cache)
    parsed = _fresh_process(monkeypatch)
    again = build_content(project / "data", now=NOW, cache_dir=cache)
    assert not [p for p in parsed if p.parent.name in ("services", "events")], parsed
    assert again.data.services == first.data.services and again.data.events == first.data.events
    assert list(again.data.services) == list(first.data.services)

    worker_read = sorted((project / "data" / "services").glob("*.yml"))[1]  # the second share: the worker's
    text = worker_read.read_text(encoding="utf-8")
    name = next(line for line in text.splitlines() if line.startswith("name: "))
    worker_read.write_text(text.replace(name, name + " #5", 1), encoding="utf-8")
    shutil.rmtree(cache)  # both files read again: the edited one by the worker
    for _ in range(2):
        _fresh_process(monkeypatch)
        with pytest.raises(DataErrors) as info:
            build_content(project / "data", now=NOW, cache_dir=cache)
        assert any(e.file.endswith(worker_read.name) and "«#»" in e.message for e in info.value.errors)


def test_a_files_state_from_its_reading_is_what_file_state_gives(tmp_path: Path):
    """`read_records` takes a file's state (`mkdocs serve` reads an untouched file not again) from the
    lstat and fstat its reading makes anyway: the same tuple `_file_state` gives, for a file and for a
    link to one; a file changed within the last 2 s is not trusted either way."""
    import os
    import time

    from helpsite.data.yamlsource import read_source

    folder = tmp_path / "data" / "services"
    folder.mkdir(parents=True)
    target = folder / "a.yml"
    target.write_text("id: a\n", encoding="utf-8")
    link = folder / "b.yml"
    link.symlink_to(target)
    past = time.time_ns() - 10_000_000_000
    for path in (target, link):
        os.utime(path, ns=(past, past), follow_symlinks=False)
        stats: list = []
        assert read_source(path, path.name, [], tmp_path, os.path.realpath(folder), stats) == b"id: a\n"
        assert len(stats) == 2
        from_reading = load_module._state(stats[0], stats[1], time.time_ns())
        assert from_reading == load_module._file_state(path)
    fresh = folder / "c.yml"
    fresh.write_text("id: c\n", encoding="utf-8")
    stats = []
    read_source(fresh, fresh.name, [], tmp_path, os.path.realpath(folder), stats)
    assert load_module._state(stats[0], stats[1], time.time_ns())[-1] is False == load_module._file_state(fresh)[-1]
