"""A new event file from a few facts, so an editor never starts from a blank page.

`new_event()` writes `data/events/<id>.yml` (never over an existing file), then loads the
whole data directory: if the new file has errors, it is removed again and the errors are
raised (Russian, file:line, as everywhere); errors in other files are returned as warnings.
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from helpsite.data import model as m
from helpsite.data.errors import DataError, DataErrors
from helpsite.data.load import load
from helpsite.data.slug import _TRANSLIT, slug  # noqa: F401 — the editors' tools take them from here too
from helpsite.data.yamlsource import read_yaml

PLACEHOLDER = "Подробности появятся позже."


def _q(value: str) -> str:
    """A YAML scalar that reads back as exactly this text (JSON strings are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def _folded(value: str, indent: str = "  ") -> str:
    lines = textwrap.wrap(" ".join(value.split()), width=90)
    return ">-\n" + "\n".join(indent + line for line in lines)


@dataclass
class EventDraft:
    title: str
    type: str
    start: str  # «2026-12-05 10:00» or «2026-12-05»
    organizer_ids: list[str]
    audience: list[str]
    end: str | None = None
    place: str | None = None
    address: str | None = None
    city: str | None = None
    online_url: str | None = None
    description: str | None = None
    series_id: str | None = None
    series_part: int | None = None
    registration_url: str | None = None
    registration_phone: str | None = None
    registration_deadline: str | None = None
    capacity: int | None = None
    plan_activity: str | None = None
    example: bool = False
    id: str | None = None
    extra_comments: list[str] = field(default_factory=list)

    def event_id(self) -> str:
        if self.id:
            return self.id
        return f"{slug(self.title)}-{self.start.strip()[:10]}"

    def to_yaml(self) -> str:
        ident = self.event_id()
        out = ["# yaml-language-server: $schema=../schema/event.schema.json",
               "# Создано командой scripts/new_event.py. Проверьте и дополните описание; после события",
               "# добавьте report (итоги) и materials (презентация, фото, резолюция) — страница станет отчётом.",
               *(f"# {c}" for c in self.extra_comments),
               f"id: {ident}", f"title: {_q(self.title)}", f"type: {self.type}"]
        if self.series_id:
            out.append(f"series_id: {self.series_id}")
            if self.series_part:
                out.append(f"series_part: {self.series_part}")
        out.append(f"start: {_q(self.start.strip())}")
        if self.end:
            out.append(f"end: {_q(self.end.strip())}")
        if self.place:
            out += ["place:", f"  name: {_q(self.place)}"]
            if self.address:
                out += ["  address:", f"    address_1: {_q(self.address)}", f"    city: {_q(self.city or '')}"]
        if self.online_url:
            out.append(f"online_url: {self.online_url}")
        out.append("audience:")
        out += [f"  - {a}" for a in self.audience]
        out.append("organizer_ids:")
        out += [f"  - {o}" for o in self.organizer_ids]
        out.append("description: " + _folded(self.description or PLACEHOLDER))
        if any((self.registration_url, self.registration_phone, self.registration_deadline, self.capacity)):
            out += ["registration:", "  required: true"]
            if self.registration_url:
                out.append(f"  url: {self.registration_url}")
            if self.registration_phone:
                out += ["  phone:", f"    number: {_q(self.registration_phone)}"]
            if self.registration_deadline:
                out.append(f"  deadline: {self.registration_deadline}")
            if self.capacity:
                out.append(f"  capacity: {self.capacity}")
        if self.plan_activity:
            out.append(f"plan_activity: {_q(self.plan_activity)}")
        if self.example:
            out.append("example: true")
        return "\n".join(out) + "\n"


@dataclass(frozen=True)
class Created:
    path: Path
    event: m.Event
    warnings: list[DataError]  # problems in other files of data/ (the new file is valid)


def new_event(data_dir: Path, draft: EventDraft) -> Created:
    """Write the draft as `data_dir/events/<id>.yml` and validate it with the loader.

    Raises FileExistsError if the file exists, DataErrors if the new file is invalid (the file
    is then removed: data/ is left as it was)."""
    data_dir = Path(data_dir)
    if not draft.city:
        try:
            campaign = yaml.safe_load((data_dir / "campaign.yml").read_text(encoding="utf-8"))
            draft.city = str(campaign.get("city") or campaign.get("region") or "")  # region-wide: the region
        except (OSError, AttributeError, yaml.YAMLError):
            draft.city = ""
    path = data_dir / "events" / f"{draft.event_id()}.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:  # "x": never overwrite an event
        handle.write(draft.to_yaml())
    try:
        data = load(data_dir)
    except DataErrors as exc:
        mine = [e for e in exc.errors if Path(e.file).name == path.name and Path(e.file).parent.name == "events"]
        if mine:
            path.unlink()
            raise DataErrors(mine) from None
        doc = read_yaml(path, str(path), [])  # the new file is valid; other files are not
        return Created(path, m.Event.model_validate(doc.data if doc else {}), exc.errors)
    return Created(path, data.events[draft.event_id()], [])
