"""Open data: the directory as Open Referral HSDS 3.1 and a static JSON API, plus the ways back in.

- `hsds_export` — `/open-data/hsds/` (one zip: the nested JSON and the tabular form, CSV + datapackage.json);
- `api` — `/api/{helplines,services,events}.json` and their JSON Schemas in `/api/schema/`;
- `hsds_import` — an HSDS registry (CSV folder, zip or JSON) → `data/` YAML (scripts/import_hsds.py);
- `spreadsheet` — services ↔ one CSV for Excel/LibreOffice (scripts/spreadsheet.py).

`open_data_files()` gives the site's files, `open_data_context()` what the «Открытые данные»
page (templates/open_data.md.j2) shows.
"""

from __future__ import annotations

import gc
from typing import Any

from helpsite.outputs.opendata import api, hsds_export
from helpsite.outputs.opendata.hsds import SPEC_VERSION

PAGE = "open-data.md"


def open_data_files(builder: Any, keep: list[Any] | None = None) -> dict[str, bytes]:
    """{path in the site: bytes} for a `pages.PageBuilder` (its data, build time and URLs).

    Hundreds of thousands of small dicts and strings, none cyclic: the cyclic garbage collector
    is paused meanwhile (a third of the time at 10 000 services went to its scans). `keep`: a list
    the rows and documents the files were made from are put in rather than freed — by a process that
    ends right after (`publish.start_open_data`'s forked writer): freeing them one object at a time
    is ≈ 0.08 s at 10 000 services for nothing."""
    paused = gc.isenabled()
    gc.disable()
    try:
        export = hsds_export.HsdsExport(builder.data, builder.now, builder.page_url)
        out = {hsds_export.ZIP: hsds_export.archive(export)}  # hsds_files
        # the API's HSDS ids and service pages are the export's
        out.update(api.api_files(builder.data, builder.page_url, builder.site_url, keep, export))
        if keep is not None:
            keep.append(export)
    finally:
        if paused:
            gc.enable()
    return out


def open_data_context() -> dict[str, Any]:
    """What the open-data page needs besides the campaign data."""
    from helpsite.outputs.opendata.hsds import TABLES
    files: list[Any] = []
    shown: set[str] = set()
    for name in api.FILES:  # a nested object (a phone, hours) is described once, where it first appears
        tables = [t for i, t in enumerate(api.field_tables(name)) if i == 0 or t[0] not in shown]
        shown.update(t[0] for t in tables)
        files.append((name, api.FILES[name], api.SCHEMAS[name], api.TITLES[name], tables))
    return {
        "api_files": files,
        "api_version": api.API_VERSION,
        "hsds": {"version": SPEC_VERSION, "services": hsds_export.SERVICES_JSON,
                 "organizations": hsds_export.ORGANIZATIONS_JSON, "zip": hsds_export.ZIP,
                 "tables": [(name, path) for name, (path, _) in TABLES.items()]},
    }
