"""Every kind of data error: named file, line, field, value and a fix (in Russian)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpsite.data.errors import DataErrors
from helpsite.data.load import load

from .conftest import FIXTURE_DATA


def errors_for(data: Path) -> list[str]:
    with pytest.raises(DataErrors) as info:
        load(data)
    return [str(e) for e in info.value.errors]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_fixture_is_valid():
    data = load(FIXTURE_DATA)
    assert list(data.services) == ["hotline-room", "crisis-help"] or set(data.services) == {"hotline-room", "crisis-help"}
    assert data.main_helpline.phones[0].tel == "+78002000122"


def test_yaml_syntax_error_names_line(data_copy):
    path = data_copy / "services" / "crisis-help.yml"
    edit(path, "district: Ленинский район", "district: [Ленинский район")
    errors = errors_for(data_copy)
    assert len(errors) == 1
    assert errors[0].startswith("data/services/crisis-help.yml:")
    assert "ошибка синтаксиса YAML" in errors[0]


def test_unknown_key_suggests_the_right_one(data_copy):
    path = data_copy / "services" / "crisis-help.yml"
    edit(path, "district:", "distrct:")
    errors = errors_for(data_copy)
    line = line_of(path, "distrct:")
    assert any(e.startswith(f"data/services/crisis-help.yml:{line}: distrct: неизвестное поле") and "«district»" in e
               for e in errors), errors
    # the missing real field is reported too — all errors, not just the first
    assert any("district: обязательное поле не заполнено" in e for e in errors)


def test_missing_required_field(data_copy):
    path = data_copy / "helplines.yml"
    edit(path, "  free: true\n", "")
    (error,) = errors_for(data_copy)
    assert error.startswith("data/helplines.yml:1: [0].free: обязательное поле не заполнено")
    assert "добавьте строку «free: …»" in error


def test_wrong_type_and_enum(data_copy):
    path = data_copy / "services" / "crisis-help.yml"
    edit(path, "audience: [children, parents]", "audience: [children, grandparents]")
    edit(path, "minimum_age: 3", "minimum_age: три")
    errors = errors_for(data_copy)
    assert any(f"crisis-help.yml:{line_of(path, 'audience:')}: audience[1]: недопустимое значение (значение: «grandparents»)" in e
               and "допустимо:" in e and "'children'" in e for e in errors), errors
    assert any(f"crisis-help.yml:{line_of(path, 'minimum_age')}: minimum_age: нужно целое число (значение: «три»)" in e for e in errors)


def test_yaml11_time_trap_is_read_as_written(data_copy):
    # `opens_at: 09:00` unquoted is base-60 in YAML 1.1 (540); we read the time the editor wrote.
    data = load(data_copy)
    entry = data.services["crisis-help"].hours.weekly[0]
    assert (entry.opens_at.hour, entry.opens_at.minute) == (9, 0)
    assert (entry.closes_at.hour, entry.closes_at.minute) == (18, 0)


def test_yaml11_bool_trap_gets_a_clear_message(data_copy):
    path = data_copy / "helplines.yml"
    edit(path, "anonymous: true", "anonymous: no")
    (error,) = errors_for(data_copy)
    assert f"helplines.yml:{line_of(path, 'anonymous: no')}: [0].anonymous: нужно true или false (значение: «no»)" in error
    assert "YAML 1.1" in error


def test_bool_words_stay_text_where_text_is_expected(data_copy):
    path = data_copy / "categories.yml"
    edit(path, "name: Медиация", "name: no")
    assert load(data_copy).categories["mediation"].name == "no"


def test_bad_time_value(data_copy):
    path = data_copy / "services" / "crisis-help.yml"
    edit(path, "closes_at: 18:00", "closes_at: 25:00")
    (error,) = errors_for(data_copy)
    assert f"crisis-help.yml:{line_of(path, 'closes_at: 25:00')}: hours.weekly[0].closes_at: время записано неверно (значение: «25:00»)" in error


def test_closing_before_opening(data_copy):
    path = data_copy / "services" / "crisis-help.yml"
    edit(path, "closes_at: 14:00", "closes_at: 09:00")
    (error,) = errors_for(data_copy)
    # the line of closes_at, both values, the line of the other one
    assert (f"crisis-help.yml:{line_of(path, 'closes_at: 09:00')}: hours.weekly[1].closes_at: "
            "время закрытия не позже времени открытия" f" (closes_at: 09:00; opens_at: 10:00 в строке {line_of(path, 'opens_at: 10:00')})") in error


def test_invalid_phone(data_copy):
    path = data_copy / "services" / "crisis-help.yml"
    edit(path, "8 (3435) 00-00-02", "8 (3435) 00-00")
    (error,) = errors_for(data_copy)
    assert (f"crisis-help.yml:{line_of(path, '8 (3435) 00-00')}: phones[0].number: в номере, который начинается с «8», "
            "должно быть 11 цифр, а здесь 9 (значение: «8 (3435) 00-00»)") in error
    edit(path, "8 (3435) 00-00", "(3435) 00-00")
    (error,) = errors_for(data_copy)
    assert f"crisis-help.yml:{line_of(path, '(3435) 00-00')}: phones[0].number: такого номера телефона не бывает (значение: «(3435) 00-00»)" in error


def test_phone_with_words_and_unknown_short_number(data_copy):
    path = data_copy / "helplines.yml"
    edit(path, "8-800-2000-122", "8-800-2000-122 (бесплатно)")
    edit(path, '"124"', '"199"')
    errors = errors_for(data_copy)
    assert any("[0].phones[0].number: в номере телефона лишние символы" in e for e in errors)
    assert any("[0].phones[1].number: неизвестный короткий номер" in e for e in errors)


def test_bad_date_url_email_and_timezone(data_copy):
    edit(data_copy / "services" / "crisis-help.yml", "assured_date: 2026-11-20", "assured_date: 20.11.2026")
    edit(data_copy / "services" / "crisis-help.yml", "email: help@example.org", "email: help-at-example")
    edit(data_copy / "helplines.yml", "url: https://example.org/chat", "url: example.org/chat")
    edit(data_copy / "campaign.yml", "timezone: Asia/Yekaterinburg", "timezone: Asia/Tagil")
    errors = errors_for(data_copy)
    text = "\n".join(errors)
    assert "crisis-help.yml:" in text and "assured_date: нужна дата «ГГГГ-ММ-ДД» (значение: «20.11.2026»)" in text
    assert "email: это не адрес электронной почты" in text
    assert "[0].channels[0].url: это не адрес сайта" in text
    assert "campaign.yml:7: timezone: неизвестный часовой пояс (значение: «Asia/Tagil»)" in text


def test_duplicate_key(data_copy):
    path = data_copy / "services" / "crisis-help.yml"
    edit(path, "free: true", "free: true\nfree: false")
    (error,) = errors_for(data_copy)
    assert f"crisis-help.yml:{line_of(path, 'free: false')}: free: ключ «free» встречается дважды" in error


def test_duplicate_id_across_files(data_copy):
    (data_copy / "services" / "zz-copy.yml").write_text(
        (data_copy / "services" / "crisis-help.yml").read_text(encoding="utf-8"), encoding="utf-8")
    errors = errors_for(data_copy)
    # the copy is blamed (its id is not its file name), never the original; the advice gives the copy its own id
    assert errors == ["data/services/zz-copy.yml:1: id: id не совпадает с именем файла (значение: «crisis-help») — запись "
                      "с id «crisis-help» уже есть: data/services/crisis-help.yml; у копии должен быть свой id — "
                      "напишите id: zz-copy"], errors
    # also when the copy's name sorts before the original's
    (data_copy / "services" / "zz-copy.yml").rename(data_copy / "services" / "aa-copy.yml")
    (error,) = errors_for(data_copy)
    assert error.startswith("data/services/aa-copy.yml:1: id: id не совпадает") and "напишите id: aa-copy" in error
    edit(data_copy / "services" / "aa-copy.yml", "id: crisis-help", "id: aa-copy")  # the advice, followed
    load(data_copy)


def test_duplicate_id_in_list_file(data_copy):
    path = data_copy / "categories.yml"
    edit(path, "- id: mediation", "- id: crisis")
    errors = errors_for(data_copy)
    assert errors[0] == ("data/categories.yml:3: [1].id: такой id уже есть (значение: «crisis») — "
                         "id должен быть уникальным; первая запись: data/categories.yml:1")
    # the service that used the lost category is told so
    assert errors[1].startswith("data/services/crisis-help.yml:5: categories[1]: нет категории с таким id (значение: «mediation»)")


def test_dangling_references(data_copy):
    edit(data_copy / "services" / "crisis-help.yml", "organization_id: ngo", "organization_id: ngoo")
    edit(data_copy / "algorithms" / "parent.yml", "contacts: [helpline:child-line]\n  - title",
         "contacts: [helpline:childline]\n  - title")
    edit(data_copy / "events" / "seminar-1.yml", "series_id: course", "series_id: curse")
    errors = errors_for(data_copy)
    text = "\n".join(errors)
    assert "crisis-help.yml:3: organization_id: нет организации с таким id (значение: «ngoo») — возможно, «ngo»" in text
    path = data_copy / "algorithms" / "parent.yml"
    assert f"parent.yml:{line_of(path, 'helpline:childline')}: steps[0].contacts[0]: нет линии помощи с таким id (значение: «childline»)" in text
    assert "seminar-1.yml:4: series_id: нет серии с таким id (значение: «curse») — возможно, «course»" in text
    # the service whose organization is gone is still reported once, and the other files validate
    assert len(errors) == 3


def test_decision_branch_to_unknown_question(data_copy):
    path = data_copy / "algorithms" / "parent.yml"
    edit(path, "next: talk", "next: tallk")
    (error,) = errors_for(data_copy)
    assert f"parent.yml:{line_of(path, 'next: tallk')}: decision[0].answers[1].next: нет вопроса с таким id (значение: «tallk») — возможно, «talk»" in error


def test_answer_needs_next_or_outcome(data_copy):
    path = data_copy / "algorithms" / "parent.yml"
    edit(path, "        outcome: Наблюдайте.", "        outcome: Наблюдайте.\n        next: danger")
    (error,) = errors_for(data_copy)
    assert "decision[1].answers[1]: у ответа должно быть ровно одно из next или outcome" in error


def test_event_end_before_start_and_no_place(data_copy):
    path = data_copy / "events" / "seminar-1.yml"
    edit(path, "end: 2026-10-01 13:00", "end: 2026-10-01 09:00")
    errors = errors_for(data_copy)
    assert any(f"seminar-1.yml:{line_of(path, 'end: 2026-10-01 09:00')}: end: окончание не позже начала "
               f"(end: 2026-10-01 09:00; start: 2026-10-01 10:00 в строке {line_of(path, 'start:')})" in e for e in errors), errors
    path2 = data_copy / "events" / "seminar-2.yml"
    edit(path2, "online_url: https://example.org/live\n", "")
    errors = errors_for(data_copy)
    assert any("seminar-2.yml:1: не указано, где проходит событие" in e for e in errors), errors


def test_file_name_must_match_id(data_copy):
    (data_copy / "events" / "seminar-1.yml").rename(data_copy / "events" / "seminar-one.yml")
    (error,) = errors_for(data_copy)
    assert "data/events/seminar-one.yml:1: id: id не совпадает с именем файла (значение: «seminar-1») — исправьте id на «seminar-one» или переименуйте файл в seminar-1.yml" in error


def test_unknown_and_missing_files(data_copy):
    (data_copy / "helpline.yml").write_text("[]\n", encoding="utf-8")
    (data_copy / "series.yml").unlink()
    (data_copy / "services" / "notes.txt").write_text("x", encoding="utf-8")
    errors = errors_for(data_copy)
    text = "\n".join(errors)
    assert "data/helpline.yml: неизвестный файл или папка в data/ — возможно, имелось в виду «helplines.yml»" in text
    assert "data/series.yml: нет обязательного файла" in text
    assert "data/services/notes.txt: файл не YAML" in text


def test_plan_reference_and_period(data_copy):
    path = data_copy / "plan.yml"
    edit(path, "responsible: [ngo, city]", "responsible: [ngo, town]")
    edit(path, "end: 2026-10", "end: 2026-08")
    assert errors_for(data_copy) == [
        f"data/plan.yml:{line_of(path, 'end: 2026-08')}: tasks[0].activities[0].end: окончание периода раньше начала "
        f"(end: 2026-08; start: 2026-09 в строке {line_of(path, 'start: 2026-09')}) — проверьте start и end"]
    # references inside a file are checked once the file itself is valid
    edit(path, "end: 2026-08", "end: 2026-10")
    assert errors_for(data_copy) == [
        f"data/plan.yml:{line_of(path, 'responsible: [ngo, town]')}: tasks[0].activities[1].responsible[1]: нет организации"
        " с таким id (значение: «town») — добавьте запись в organizations.yml или исправьте id"]


def test_all_errors_of_a_run_are_reported(data_copy):
    edit(data_copy / "services" / "crisis-help.yml", "free: true", "free: да")
    edit(data_copy / "events" / "seminar-1.yml", "type: seminar", "type: lecture")
    edit(data_copy / "helplines.yml", "always_open: true", "always_open: yes")
    errors = errors_for(data_copy)
    assert len(errors) == 3
    files = sorted(e.split(":")[0] for e in errors)
    assert files == ["data/events/seminar-1.yml", "data/helplines.yml", "data/services/crisis-help.yml"]


def test_text_is_stripped_and_empty_text_rejected(data_copy):
    path = data_copy / "services" / "crisis-help.yml"
    edit(path, "name: Кризисная служба", 'name: "   "')
    (error,) = errors_for(data_copy)
    assert "name: пустое значение" in error


# One row per remaining error kind: (file, text to replace, replacement, expected «field: message»).
CASES = [
    ("helplines.yml", "  hours:\n    always_open: true", "  hours:\n    always_open: true\n    weekly: [{byday: [mo], opens_at: 9:00, closes_at: 10:00}]",
     "[0].hours.weekly: указано и «круглосуточно», и расписание (always_open: true в строке"),
    ("helplines.yml", "      url: https://example.org/chat", "      name: без ссылки",
     "[0].channels[0]: у канала нет ни ссылки, ни адреса"),
    ("services/crisis-help.yml", "maximum_age: 18", "maximum_age: 2", ": maximum_age меньше minimum_age"),
    ("services/crisis-help.yml", "maximum_age: 18", "maximum_age: 180", "maximum_age: число вне допустимого диапазона"),
    ("events/seminar-2.yml", "online_url: https://example.org/live\n", "place: {name: Центр}\n",
     ": событие перенесено в онлайн, но нет ссылки"),
    ("events/seminar-1.yml", "start: 2026-10-01 10:00", "start: 1 октября", "start: нужны дата и время «ГГГГ-ММ-ДД ЧЧ:ММ» или только дата «ГГГГ-ММ-ДД» (значение: «1 октября»)"),
    ("plan.yml", "start: 2026-09", "start: сентябрь", "tasks[0].activities[0].start: нужен месяц «ГГГГ-ММ» или дата «ГГГГ-ММ-ДД»"),
    ("algorithms/parent.yml", "contacts: [service:crisis-help, organization:city]", "contacts: [crisis-help]",
     "decision[1].answers[0].contacts[0]: неверная ссылка на запись"),
    ("services/crisis-help.yml", "categories: [crisis, mediation]", "categories: []", "categories: список пуст или слишком короткий"),
    ("services/crisis-help.yml", "categories: [crisis, mediation]", "categories: crisis", "categories: нужен список"),
    ("services/crisis-help.yml", "name: Кризисная служба", "name: [Кризисная служба]", "name: нужен текст"),
    ("services/crisis-help.yml", "location:\n  address_1: ул. Примерная, 1\n  city: Нижний Тагил", "location: ул. Примерная, 1",
     "location: нужен набор полей «ключ: значение»"),
    ("services/crisis-help.yml", "  address_1: ул. Примерная, 1", "  address_1: ул. Примерная, 1\n  latitude: север",
     "location.latitude: нужно число"),
    ("algorithms/parent.yml", "  - id: talk", "  - id: danger", "decision[1].id: такой id вопроса уже есть"),
    ("algorithms/parent.yml", "next: talk", "next: danger", "decision[0].answers[1].next: ответ ведёт на тот же вопрос"),
    ("events/seminar-1.yml", "series_id: course\n", "", "series_part: номер занятия без серии"),
    ("events/seminar-1.yml", 'plan_activity: "1.1"', 'plan_activity: "9.9"', "plan_activity: нет мероприятия плана с таким id"),
    ("plan.yml", 'number: "1.2"', 'number: "1.1"', "tasks[0].activities[1].number: такой номер мероприятия уже есть"),
    ("campaign.yml", "main_helpline_id: child-line", "main_helpline_id: childline",
     "main_helpline_id: нет линии помощи с таким id (значение: «childline») — возможно, «child-line»"),
    ("services/crisis-help.yml", "id: crisis-help\n", "<<: {id: crisis-help}\n", "ключи слияния «<<» не поддерживаются"),
]


@pytest.mark.parametrize("file, old, new, expected", CASES, ids=[c[3][:40] for c in CASES])
def test_error_kind(data_copy, file, old, new, expected):
    edit(data_copy / file, old, new)
    errors = errors_for(data_copy)
    assert any(e.startswith(f"data/{file}:") and expected in e for e in errors), errors


def test_empty_file_non_utf8_and_list_file_that_is_not_a_list(data_copy):
    (data_copy / "events" / "seminar-1.yml").write_text("# только комментарий\n", encoding="utf-8")
    (data_copy / "events" / "seminar-2.yml").write_bytes("title: Семинар".encode("cp1251"))
    (data_copy / "categories.yml").write_text("id: crisis\nname: Кризис\n", encoding="utf-8")
    text = "\n".join(errors_for(data_copy))
    assert "data/events/seminar-1.yml:1: файл пуст" in text
    assert "data/events/seminar-2.yml:1: файл не в кодировке UTF-8 (похоже на Windows-1251: «title: Семинар»)" in text
    assert "Кодировка: UTF-8" in text
    assert "data/categories.yml:1: нужен список записей" in text


def test_every_custom_message_is_tested():
    from helpsite.data.load import _CUSTOM
    source = Path(__file__).read_text(encoding="utf-8")
    untested = [code for code, (message, _) in _CUSTOM.items() if message not in source]
    assert not untested


def test_event_moments_of_different_kinds(data_copy):
    path = data_copy / "events" / "street-day.yml"
    edit(path, "start: 2026-11-25", "start: 2026-11-25\nend: 2026-11-26 18:00")
    errors = errors_for(data_copy)
    assert len(errors) == 1 and errors[0].startswith(f"data/events/street-day.yml:{line_of(path, 'end:')}: end: ")
    assert "у начала и окончания (или новой даты) разный вид: одно с временем, другое без" in errors[0]


def test_results_total_must_match_the_items(data_copy):
    edit(data_copy / "results.yml", "value: 5}", "value: 6}")
    errors = errors_for(data_copy)
    assert len(errors) == 1 and errors[0].startswith("data/results.yml:")
    assert "сумма по видам не совпадает с итогом группы" in errors[0]


def test_a_percentage_above_100(data_copy):
    edit(data_copy / "results.yml", "value: 5}", "value: 500, unit: \"%\"}")
    errors = errors_for(data_copy)
    assert any(e.startswith("data/results.yml:") and "процент больше 100" in e for e in errors), errors


def test_large_folders_are_read_in_worker_processes_with_the_same_errors(data_copy, monkeypatch):
    import helpsite.data.load as load_module

    monkeypatch.setattr(load_module, "PARALLEL_READ_FROM", 1)  # the fixture's two services: use the workers
    monkeypatch.setattr(load_module, "_VALID_RECORDS", {})
    if not hasattr(os, "fork"):
        pytest.skip("no fork on this platform: files are read in one process")
    # two cores whatever this machine has, so the worker path really runs (also on one core)
    monkeypatch.setattr(load_module.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    assert load_module._workers(2) == 2
    path = data_copy / "services" / "crisis-help.yml"
    edit(path, "organization_id: ngo", "organization_id: ngoo")
    edit(path, "district:", "distrct:")
    errors = errors_for(data_copy)
    assert any(e.startswith(f"data/services/crisis-help.yml:{line_of(path, 'distrct:')}: distrct: неизвестное поле") for e in errors)
    # a reference error in a record read by a worker still points at its line (read again on demand)
    edit(path, "distrct:", "district:")
    (error,) = errors_for(data_copy)
    assert error.startswith(f"data/services/crisis-help.yml:{line_of(path, 'organization_id')}: organization_id: нет организации")


def test_reading_errors_are_reported_on_every_run(data_copy):
    """A file whose record validates but whose reading found a problem (a «#» cutting the text, a
    duplicate key) is never remembered as valid: `mkdocs serve` reports it on every rebuild."""
    path = data_copy / "services" / "crisis-help.yml"
    edit(path, "name: Кризисная служба", "name: Служба школы #5")
    for _ in range(2):
        (error,) = errors_for(data_copy)
        assert error.startswith(f"data/services/crisis-help.yml:{line_of(path, 'name:')}: name: знак «#» после пробела")


def test_plain_scalars_get_the_safe_loaders_tags_also_from_the_memo():
    """The reader looks a short plain scalar's tag up once per text (`yamlsource._Loader`): the
    same tags as PyYAML's safe loader, the first time and from the memo."""
    import yaml

    from helpsite.data import yamlsource

    text = ("a: yes\nb: 12:30\nc: null\nd: ~\ne: true\nf: 1e3\ng: 0x1F\nh: 2017-02-30\ni: '12'\nj: \"-\"\nk: .5\n"
            "l: Служба\nm: =SUM(A1)\nn: ''\no: 1_000\np: .inf\nq: No\nr: 0o17\n")

    def tags(loader: type) -> list[tuple[str, str]]:
        node = yaml.compose(text, Loader=loader)
        return [(k.tag, v.tag) for k, v in node.value]

    expected = tags(yaml.SafeLoader)
    assert tags(yamlsource._LOADER) == expected
    assert tags(yamlsource._LOADER) == expected  # now from the memo


# A set of broken (and a few unusual but valid) values, each put into a real record file in several places:
# every branch of `yamlsource._Composer.convert` that reports something or stops at a limit, and values it
# reads in a special way.
_BROKEN_VALUES = [
    "name: Служба школы #5", "free: yes", "anonymous: No", "opens_at: 12:30", "x: 1:30:00.5", "x: 190:20:30",
    "assured_date: 2017-02-30", "x: 2017-02-30 10:00", "x: 0x1F", "x: 0o17", "x: 1_000", "x: 1e400", "x: .inf",
    "x: ~", "x: ''", "x: !!python/object:os.system ls", "x: !custom value", "x: !!binary aGVsbG8=", "x: !!set {a, b}",
    "x: !!omap [a: 1]", "x: !custom {a: 1}", "x: !!float abc", "x: !!int 12a", "x: !!timestamp 2017-13-45",
    "x: ! 12", "x: !!str 12:30", "<<: {a: 1}", "x: &a [1, 2]\ny: *a", "? [a, b]\n: c", "? {a: 1}\n: c", "12: x",
    "yes: x", "true: x", "~: x", "2017-01-01: x", "x: \"a\u202eb\"", "x\u200f: y", "x: " + "я" * 20_001,
    "\u202ekey: value", "x: [a, [b, [c]]]", "x: {a: {b: {c: d}}}", "x: 'текст # не комментарий'",
    "x: текст # комментарий", "- список", "x: |\n  текст # внутри", "x: a, b # c", "x: .5", "x: -", "x: =SUM(A1)",
    'x: "a\\u202eb"', '"k\\u200f": v', 'x: "C:\\\\путь"', "x: текст\t# комментарий", "x: [текст #5]", "x: {a: текст #5}",
    "x: " + "я" * 19_000, "x: >-\n  текст\n  # не комментарий\n  дальше",
]


def _mutations(text: str) -> list[str]:
    """The record's text with each broken value at the top, after the first line, doubled (a duplicate key)
    and indented under the first mapping value."""
    lines = text.split("\n")
    out = []
    for value in _BROKEN_VALUES:
        out.append(value + "\n" + text)
        out.append("\n".join(lines[:3] + [value] + lines[3:]))
        out.append(text + "\n" + value + "\n" + value + "\n")
        nested = "\n".join("  " + line for line in value.split("\n"))
        out.append(text + "\nlocation:\n" + nested + "\n  city: Город\n")
    out.append("x: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n" + "".join(f"y{i}: [*a, *a, *a, *a, *a]\n" for i in range(500)))
    out.append("x:" + "".join("\n" + "  " * depth + f"k{depth}:" for depth in range(1, 40)) + " v\n")
    return out


def test_reading_without_the_line_map_gives_what_reading_with_it_gives(tmp_path, monkeypatch):
    """A file is first read without its map «field → line» (`_Composer.values`); only when something is
    to be reported is it read with the map from the start (`_Composer.convert`), and the map of a file read
    without it is made when asked for. Data, lines and errors (file, line, field, message, hint) are
    those of a reading with the map from the start, for every record file of the example data and
    hundreds of broken variants of them."""
    from helpsite.data import yamlsource

    root = Path(__file__).resolve().parent.parent / "data"
    texts = [path.read_text(encoding="utf-8") for path in sorted(root.rglob("*.yml"))]
    texts += [variant for path in sorted((root / "services").glob("*.yml"))[:2]
              for variant in _mutations(path.read_text(encoding="utf-8"))]
    path = tmp_path / "record.yml"

    def read(text: str) -> tuple:
        path.write_text(text, encoding="utf-8")
        errors: list = []
        doc = yamlsource.read_yaml(path, "data/record.yml", errors)
        return (doc.data, dict(doc.lines)) if doc is not None else None, errors

    fast = [read(text) for text in texts]

    def always_fall_back(self, node, depth=0, key=False):
        raise yamlsource._Fallback

    monkeypatch.setattr(yamlsource._Composer, "values", always_fall_back)
    with_lines = [read(text) for text in texts]
    assert sum(1 for _, errors in with_lines if errors) > 200  # the variants do break something
    for text, got, expected in zip(texts, fast, with_lines, strict=True):
        assert repr(got) == repr(expected), text


def test_the_readers_tags_are_the_safe_loaders_for_every_kind_of_node():
    """`yamlsource._Loader` gives each node without an explicit tag what PyYAML's safe loader gives:
    plain and quoted scalars, «!»-tagged ones, keys, long values (not memoised), mappings and lists."""
    import yaml

    from helpsite.data import yamlsource

    text = ("a: yes\n'b': \"12:30\"\nc: ! 12\nd: [1, '2', \"no\", {e: ~}]\n? [f, 1.5]\n: {g: 2017-01-01}\n"
            f"h: {'1' * 100}\ni: {'word ' * 30}\nj: !!str 12\nk: |\n  текст\nl: >\n  12\n12: 0x1F\nyes: ~\n")

    def tags(loader: type) -> list[tuple[str, str]]:
        out = []

        def walk(node: yaml.Node) -> None:
            out.append((type(node).__name__, node.tag, node.value if isinstance(node, yaml.ScalarNode) else ""))
            for child in node.value if isinstance(node, yaml.SequenceNode) else \
                    [n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode) else []:
                walk(child)

        walk(yaml.compose(text, Loader=loader))
        return out

    expected = tags(yaml.SafeLoader)
    assert len(expected) > 30
    assert tags(yamlsource._LOADER) == expected
    resolver = yaml.resolver.Resolver()  # and every first character of a plain scalar, with tails that make ints, bools…
    for char in map(chr, [*range(0x20, 0x500), 0x2028, 0x3000, 0x1F600]):
        for value in (char, char + "rue", char + "12", char + ".5", char + ":30", char + "ull", char + "1" * 70, char + "o"):
            for implicit in ((True, False), (False, True)):
                assert yamlsource._resolve(None, yaml.ScalarNode, value, implicit) == \
                    resolver.resolve(yaml.ScalarNode, value, implicit), (value, implicit)
    assert tags(yamlsource._LOADER) == expected
    assert tags(yamlsource._LOADER) == expected  # now from the memo


def _parse_outcome(number: str) -> object:
    """What `phones._parse` makes of a number: the parsed phone, or its error code."""
    from helpsite.data import phones

    try:
        return phones._parse(number)
    except ValueError as exc:
        return str(exc)


def test_a_number_written_with_8_parses_as_phonenumbers_parses_it():
    """`phones._parse` makes «8 (3435) 12-34-56» into +7 and the ten digits itself instead of calling
    `phonenumbers.parse` (`phones._trunk_eight_is_plain`): for thousands of random numbers of that shape,
    valid, invalid, too short or long, with a leading zero or the «810» prefix, with any city code,
    the result (or the error) is the one of `phonenumbers.parse`."""
    import random

    from helpsite.data import phones

    assert phones._PLAIN_TRUNK_EIGHT  # else the shortcut is off: the numbers all go through phonenumbers
    rng = random.Random(18)

    def digits(count: int) -> str:
        return "".join(rng.choice("0123456789") for _ in range(count))

    shapes = [lambda: f"8 ({digits(4)}) {digits(2)}-{digits(2)}-{digits(2)}", lambda: f"8 ({digits(3)}) {digits(3)}-{digits(2)}-{digits(2)}",
              lambda: f"8-{digits(3)}-{digits(3)}-{digits(2)}-{digits(2)}", lambda: f"8{digits(10)}", lambda: f"8 {digits(3)} {digits(7)}",
              lambda: f"8({digits(5)}){digits(5)}", lambda: f"8 (0{digits(3)}) {digits(6)}", lambda: f"8 10 {digits(8)}",
              lambda: f"8 ({digits(4)}) {digits(rng.choice([4, 5, 7]))}", lambda: f"8  (( {digits(4)} )) - {digits(6)}",
              lambda: f"8 (9{digits(2)}) {digits(3)}-{digits(2)}-{digits(2)}", lambda: f"8 (800) {digits(3)}-{digits(2)}-{digits(2)}",
              lambda: f"8 (3{digits(3)}) {digits(2)}-{digits(2)}-{digits(2)}", lambda: "8 " + " " * 30 + digits(10)]
    numbers = list(dict.fromkeys(rng.choice(shapes)() for _ in range(6000)))

    fast = [_parse_outcome(number) for number in numbers]
    phones._PLAIN_TRUNK_EIGHT = False
    try:
        full = [_parse_outcome(number) for number in numbers]
    finally:
        phones._PLAIN_TRUNK_EIGHT = True
    assert sum(isinstance(result, phones.ParsedPhone) for result in full) > 1000
    assert len({result for result in full if isinstance(result, str)}) >= 2  # invalid numbers too
    for number, got, expected in zip(numbers, fast, full, strict=True):
        assert got == expected, number


def test_a_plus_seven_number_is_checked_and_written_as_phonenumbers_does_it():
    """`phones._Seven` (phonenumbers' steps on its metadata, patterns compiled once) says of a +7 number with ten
    digits what `is_valid_number` and `format_number` say: over every four-digit start (three endings each),
    every five-digit start of the +7 7… (Kazakhstan) and 9… (mobile) ranges, and random numbers — valid and
    not; and `_parse` gives the same results (or errors) with it as without it."""
    import random

    import phonenumbers

    from helpsite.data import phones

    seven = phones._Seven()
    rng = random.Random(18)

    def tail(count: int) -> str:
        return "".join(rng.choice("0123456789") for _ in range(count))

    numbers = {f"{start}{tail(6)}" for start in range(1000, 10000) for _ in range(3)}
    numbers |= {f"{start}{tail(5)}" for start in [*range(70000, 80000), *range(90000, 100000)]}
    numbers |= {str(rng.randint(1_000_000_000, 9_999_999_999)) for _ in range(5000)}
    valid = 0
    for nsn in sorted(numbers):
        number = phonenumbers.PhoneNumber(country_code=7, national_number=int(nsn))
        expected = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL) \
            if phonenumbers.is_valid_number(number) else None
        assert seven.international(nsn) == expected, nsn
        assert phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) == "+7" + nsn
        valid += expected is not None
    assert 10_000 < valid < len(numbers) - 10_000  # both kinds, many of each

    written = [f"8 ({nsn[:4]}) {nsn[4:6]}-{nsn[6:8]}-{nsn[8:]}" for nsn in rng.sample(sorted(numbers), 3000)]
    written += [f"+7 {nsn[:3]} {nsn[3:6]}-{nsn[6:]}" for nsn in rng.sample(sorted(numbers), 1000)] + ["8-800-2000-122", "124"]

    with_it = [_parse_outcome(number) for number in written]
    assert phones._SEVEN and phones._SEVEN[0] is not None  # made: the numbers went through it
    phones._SEVEN[:] = [None]
    try:
        without = [_parse_outcome(number) for number in written]
    finally:
        phones._SEVEN.clear()
    assert with_it == without


def test_the_readers_whole_text_checks_find_what_the_searches_they_replace_find():
    """`_Composer`'s per-file checks: «« #» or tab-#» (`_blank_hash`) and «any direction mark» by
    single-character searches give what `" #" in text or "\\t#" in text` and `_BIDI.search(text)` give;
    a number of digits, blanks and «-+()» only, which skips the extension pattern, has none to split off."""
    import random

    from helpsite.data import phones, yamlsource

    rng = random.Random(18)
    pieces = ["#", " #", "\t#", "\n#", "# ", "a", "я", " ", "\t", "\n", "'#'", *yamlsource.BIDI_CONTROLS, "\\"]
    texts = ["", "#", " #", "\t#", "#\t", "# #", "##", "a#", "\n#", "x \t#"] + \
        ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) for _ in range(5000)]
    for text in texts:
        composer = yamlsource._Composer(Path("x.yml"), [], "x.yml", text)
        assert composer.blank_hash == (" #" in text or "\t#" in text), repr(text)
        assert composer.plain_text == (bool(text) and len(text) <= yamlsource.MAX_TEXT_CHARS and "\\" not in text
                                       and not yamlsource._BIDI.search(text)), repr(text)
    marks = ["8", "0", "9", " ", "-", "+", "(", ")", "\t", "٣", "x", "доб.", "ext", "вн", ",", ".", "№"]
    for _ in range(5000):
        number = "".join(rng.choice(marks) for _ in range(rng.randint(1, 14)))
        if phones._PHONE_CHARS.fullmatch(number.strip()):
            assert phones.split_extension(number)[1] == "", number
    assert phones.split_extension("8 (3435) 12-34-56 доб. 5")[1] == "5"
