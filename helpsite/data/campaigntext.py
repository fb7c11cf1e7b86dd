"""Campaign fields in shared texts: `{{ campaign.name }}` in docs/*.md and in algorithms.

The texts in `docs/` and `data/algorithms/` are written for any region; what differs between
campaigns (the name, the city or region, who acts as the guardianship authority, the campaign's
own programmes) comes from `data/` through a few placeholders:

    {{ campaign.name }}          «Безопасное детство»
    {{ campaign.place }}         the city, or the region for a region-wide campaign
    {{ campaign.region }}        «Вологодская область»
    {{ campaign.in_place }}      «в городе Вологда» / «в Вологодской области»
    {{ campaign.guardianship }}  «орган опеки и попечительства» (+ the region's body, if given)
    {{ programmes.specialists }} the campaign's programmes for that audience, as a Markdown list
                                 (any audience id: parents, teachers, children…)

An unknown placeholder is a data error naming the file and the line.
"""

from __future__ import annotations

import dataclasses
import html
import re
from pathlib import Path
from typing import Any

from helpsite.data import model as m
from helpsite.data.errors import DataError, DataErrors

# `data` below is a loaded campaign (helpsite.data.load.CampaignData); the loader calls this module,
# so it is typed by what is used, not imported back

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\.([a-z_]+)\s*\}\}")
CAMPAIGN_FIELDS = ("name", "place", "region", "in_place", "guardianship")


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]()#!|{}])")


def md_text(value: str) -> str:
    """Text from the data as Markdown that shows exactly this text: no markup, no HTML, no link."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(value, quote=False))


def guardianship(campaign: m.Campaign) -> str:
    """«орган опеки и попечительства» and, if the region has its own body, «(в Свердловской области — …)»."""
    text = "орган опеки и попечительства"
    if campaign.guardianship_body:
        where = campaign.region_in or _region_in(campaign.region)
        text += f" ({where} — {campaign.guardianship_body})"
    return text


def _region_in(region: str) -> str:
    from helpsite.data.wording import region_in
    return region_in(region)


def programmes_md(data: Any, audience: str, programmes_link: str = "programmes.md") -> str:
    rows = [p for p in data.programmes.values() if audience in {a.value for a in p.audience}]
    if not rows:
        return "Постоянных программ пока нет."
    out = []
    for p in rows:  # every text from the data escaped: it is shown, never read as Markdown or HTML
        line = f"- **{md_text(p.title)}**" + (f" ({md_text(p.kind)})" if p.kind else "") + \
            f" — {md_text(p.description.rstrip('.'))}."
        orgs = [md_text(data.organizations[o].name) for o in p.organizer_ids if o in data.organizations]
        if p.organizers_text:
            orgs.append(md_text(p.organizers_text))
        if orgs:
            line += " Проводят: " + "; ".join(orgs) + "."
        out.append(line)
    out.append(f"\nПодробнее — на странице [«Программы»]({programmes_link}).")
    return "\n".join(out)


def value(data: Any, scope: str, name: str, programmes_link: str = "programmes.md") -> str | None:
    campaign = data.campaign
    if scope == "campaign":
        return {"name": lambda: campaign.name, "place": lambda: campaign.place, "region": lambda: campaign.region,
                "in_place": lambda: campaign.in_place, "guardianship": lambda: guardianship(campaign)}.get(name, lambda: None)()
    if scope == "programmes" and name in m.AUDIENCE_LABELS:
        return programmes_md(data, name, programmes_link)
    return None


def _hint() -> str:
    return ("допустимо: " + ", ".join("{{ campaign.%s }}" % f for f in CAMPAIGN_FIELDS)
            + ", {{ programmes.<для кого> }} (" + ", ".join(m.AUDIENCE_LABELS) + ")")


def fill(text: str, data: Any, programmes_link: str = "programmes.md", markdown: bool = True) -> str:
    """Replace every placeholder; unknown ones stay (`problems` reports them). In Markdown (the
    pages of docs/) a campaign field is escaped: it shows as written, never as markup or HTML;
    `markdown=False` for plain data texts (algorithms), which their templates escape."""
    def repl(match: re.Match[str]) -> str:
        found = value(data, match.group(1), match.group(2), programmes_link)
        if found is None:
            return match.group(0)
        return md_text(found) if markdown and match.group(1) == "campaign" else found
    return PLACEHOLDER.sub(repl, text)


def problems(text: str, data: Any, file: str) -> list[DataError]:
    out = []
    for match in PLACEHOLDER.finditer(text):
        if value(data, match.group(1), match.group(2)) is None:
            line = text.count("\n", 0, match.start()) + 1
            out.append(DataError(file=file, line=line, field="", message=f"неизвестная подстановка «{match.group(0)}»",
                                 hint=_hint()))
    return out


def check_docs(docs_dir: Path, data: Any) -> None:
    """Raise DataErrors for unknown placeholders in the Markdown pages of `docs_dir`."""
    errors: list[DataError] = []
    root = docs_dir.parent
    for page in sorted(docs_dir.rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        if "{{" in text:
            errors += problems(text, data, page.relative_to(root).as_posix())
    if errors:
        raise DataErrors(errors)


def _fill_value(item: Any, data: Any) -> Any:
    if isinstance(item, str):
        return fill(item, data, markdown=False) if "{{" in item else item
    if isinstance(item, list):
        return [_fill_value(x, data) for x in item]
    if isinstance(item, dict):
        return {k: _fill_value(v, data) for k, v in item.items()}
    return item


def fill_data(data: Any) -> Any:
    """The data with placeholders in algorithm texts filled (pages and printed checklists alike).
    Raises DataErrors on an unknown placeholder."""
    errors: list[DataError] = []
    algorithms = {}
    for ident, algorithm in data.algorithms.items():
        dumped = algorithm.model_dump(mode="python")
        raw = repr(dumped)
        if "{{" not in raw:
            algorithms[ident] = algorithm
            continue
        origin = data.origins.get(("algorithm", ident))
        file = origin.display if origin is not None else f"data/algorithms/{ident}.yml"
        for match in PLACEHOLDER.finditer(raw):
            if value(data, match.group(1), match.group(2)) is None:
                errors.append(DataError(file=file, line=None, field="", message=f"неизвестная подстановка «{match.group(0)}»",
                                        hint=_hint()))
        algorithms[ident] = type(algorithm).model_validate(_fill_value(dumped, data))
    if errors:
        raise DataErrors(errors)
    return dataclasses.replace(data, algorithms=algorithms)
