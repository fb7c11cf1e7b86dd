"""Is the data still true? Dates of verification, missing contacts, services nobody points to.

Every helpline and service carries `assured_date`, the day an editor last checked it (the
site shows «Проверено: <дата>»). A record older than `campaign.stale_after_days` is stale.
The build reports stale records at the level the campaign chose (`stale_level`):

- `info` (the default): a line in the build log; the site is built. The documented build is
  `mkdocs build --strict`, which fails on any warning: a warning by default would stop the
  site from publishing on the day the oldest record turns a year old, with no change to the
  data — including the urgent fix of a wrong phone number. So the default only tells.
- `warning`: a WARNING on the `mkdocs.plugins.helpsite` logger — `--strict` stops on it,
  plain `mkdocs build` and `mkdocs serve` go on. For campaigns that re-check data on schedule.
- `error`: a data error: the build stops like for any invalid file, the last site stays.

`scripts/report.py` prints the editor's report: stale records, records without a phone or a
schedule, and services that no page links to (only the catalog lists them).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from helpsite.data import model as m
from helpsite.data.errors import DataError, DataErrors
from helpsite.data.load import CampaignData


@dataclass(frozen=True)
class Finding:
    kind: str  # "helpline" | "service"
    id: str
    name: str
    where: str  # «data/services/x.yml:40»
    detail: str


KIND_LABELS = {"helpline": "линия помощи", "service": "служба"}
KIND_GENITIVE = {"helpline": "линии помощи", "service": "службы"}


def _records(data: CampaignData) -> Iterable[tuple[str, m.Helpline | m.Service]]:
    yield from (("helpline", h) for h in data.helplines.values())
    yield from (("service", s) for s in data.services.values())


def _where(data: CampaignData, kind: str, ident: str, field: tuple[str | int, ...] = ()) -> tuple[str, int | None]:
    origin = data.origins.get((kind, ident))
    if origin is None:
        return ("", None)
    return origin.display, origin.line_of(origin.loc + field)  # a record read in a worker: its file is read again


def stale_errors(data: CampaignData, today: dt.date, max_age_days: int | None = None) -> list[DataError]:
    """One error per record whose assured_date is older than the limit, pointing at that line."""
    limit = max_age_days or data.campaign.stale_after_days
    out = []
    for kind, record in _records(data):
        age = (today - record.assured_date).days
        if age <= limit:
            continue
        file, line = _where(data, kind, record.id, ("assured_date",))
        out.append(DataError(
            file=file or f"{kind}:{record.id}", line=line, field="assured_date",
            message=f"сведения {KIND_GENITIVE[kind]} «{record.name}» не проверялись {age} дн. — дольше, чем {limit} (stale_after_days)",
            hint="сверьте телефоны, адрес и часы работы (позвоните) и запишите дату проверки в assured_date",
            value=record.assured_date.isoformat()))
    return out


def check_build(data: CampaignData, today: dt.date, log: logging.Logger) -> int:
    """Report stale records at the campaign's `stale_level`; raise DataErrors at `error`. Returns their number."""
    errors = stale_errors(data, today)
    if not errors:
        return 0
    level = data.campaign.stale_level
    if level == m.StaleLevel.error:
        raise DataErrors(errors)
    emit = log.warning if level == m.StaleLevel.warning else log.info
    for error in errors:
        emit(str(error))
    emit(f"Устаревших записей: {len(errors)} (старше {data.campaign.stale_after_days} дн.). "
         "Список для редакторов — python scripts/report.py; как сообщать о них — stale_level в campaign.yml.")
    return len(errors)


def stale(data: CampaignData, today: dt.date, max_age_days: int | None = None) -> list[Finding]:
    limit = max_age_days or data.campaign.stale_after_days
    out = []
    for kind, record in _records(data):
        age = (today - record.assured_date).days
        file, line = _where(data, kind, record.id, ("assured_date",))
        where = f"{file}:{line}" if line else file
        if age > limit:
            out.append(Finding(kind, record.id, record.name, where,
                               f"проверено {record.assured_date.isoformat()}, {age} дн. назад"))
        elif age < 0:
            out.append(Finding(kind, record.id, record.name, where,
                               f"дата проверки {record.assured_date.isoformat()} — в будущем: опечатка?"))
    return sorted(out, key=lambda f: f.detail)


def incomplete(data: CampaignData) -> list[Finding]:
    """Services without a phone or without hours (helplines have both by the model)."""
    out = []
    for service in data.services.values():
        missing = [label for label, empty in (("телефона", not service.phones), ("часов работы", service.hours is None)) if empty]
        if missing:
            file, line = _where(data, "service", service.id)
            out.append(Finding("service", service.id, service.name, file, "нет " + " и ".join(missing)))
    return out


_SERVICE_LINK = re.compile(r"services/([a-z0-9]+(?:-[a-z0-9]+)*)(?:/|\.md\b|\.html\b)")


def linked_services(data: CampaignData, pages: Iterable[tuple[str, str]], docs_dir: Path | None = None) -> set[str]:
    """Ids of services that a page other than the catalog (and the service's own page) links to.

    `pages` — (path, text) of the generated pages; `docs_dir` — hand-written pages. Algorithm
    contacts count even when a page template changes."""
    found: set[str] = set()
    texts = [(path, text) for path, text in pages if not path.startswith("services/")]
    if docs_dir is not None and docs_dir.is_dir():
        texts += [(str(p.relative_to(docs_dir)), p.read_text(encoding="utf-8")) for p in sorted(docs_dir.rglob("*.md"))]
    for _, text in texts:
        found.update(match.group(1) for match in _SERVICE_LINK.finditer(text))
    for algorithm in data.algorithms.values():
        refs = [c for step in algorithm.steps for c in step.contacts]
        refs += [c for q in algorithm.decision for a in q.answers for c in a.contacts]
        found.update(ref.partition(":")[2] for ref in refs if ref.startswith("service:"))
    return found & set(data.services)


def unlinked(data: CampaignData, pages: Iterable[tuple[str, str]], docs_dir: Path | None = None) -> list[Finding]:
    linked = linked_services(data, pages, docs_dir)
    out = []
    for service in data.services.values():
        if service.id not in linked:
            file, _ = _where(data, "service", service.id)
            out.append(Finding("service", service.id, service.name, file,
                               "ни одна страница, кроме каталога, не ссылается на службу (алгоритмы, тексты в docs/)"))
    return out


def editor_report(data: CampaignData, today: dt.date, pages: Iterable[tuple[str, str]], docs_dir: Path | None = None,
                  max_age_days: int | None = None) -> str:
    """The report for editors, in Russian: what to re-check, what to complete, what to link."""
    limit = max_age_days or data.campaign.stale_after_days
    sections = [
        (f"Устарели (проверены больше {limit} дн. назад) или дата проверки в будущем", stale(data, today, max_age_days)),
        ("Службы без телефона или часов работы", incomplete(data)),
        ("Службы, на которые не ссылается ни одна страница, кроме каталога", unlinked(data, pages, docs_dir)),
    ]
    lines = [f"Отчёт для редакторов на {today.isoformat()}: линий помощи {len(data.helplines)}, служб {len(data.services)}."]
    for title, findings in sections:
        lines.append("")
        lines.append(f"{title}: {len(findings) or 'нет'}")
        for f in findings:
            example = " [пример]" if getattr(_record(data, f), "example", False) else ""
            lines.append(f"  - {KIND_LABELS[f.kind]} {f.id}: {f.name}{example} — {f.detail}; {f.where}")
    return "\n".join(lines)


def _record(data: CampaignData, finding: Finding) -> object:
    return (data.helplines if finding.kind == "helpline" else data.services).get(finding.id)
