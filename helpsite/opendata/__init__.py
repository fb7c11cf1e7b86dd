"""Open data: the directory as Open Referral HSDS 3.1 and a static JSON API, plus the ways back in.

- `hsds_export` — `/open-data/hsds/` (nested JSON, CSV + datapackage.json, one zip);
- `api` — `/api/{helplines,services,events}.json` and their JSON Schemas in `/api/schema/`;
- `hsds_import` — an HSDS registry (CSV folder, zip or JSON) → `data/` YAML (scripts/import_hsds.py);
- `spreadsheet` — services ↔ one CSV for Excel/LibreOffice (scripts/spreadsheet.py).

`open_data_files()` gives the site's files, `open_data_context()` what the «Открытые данные»
page (templates/open_data.md.j2) shows.
"""

from __future__ import annotations

from typing import Any

from . import api, hsds_export
from .hsds import SPEC_VERSION

PAGE = "open-data.md"


def open_data_files(builder: Any) -> dict[str, bytes]:
    """{path in the site: bytes} for a `pages.PageBuilder` (its data, build time and URLs)."""
    out = hsds_export.hsds_files(builder.data, builder.now, builder.page_url)
    out.update(api.api_files(builder.data, builder.page_url, builder.site_url))
    return out


def open_data_context() -> dict[str, Any]:
    """What the open-data page needs besides the campaign data."""
    from .hsds import TABLES
    return {
        "api_files": [(name, api.FILES[name], api.SCHEMAS[name], api.TITLES[name], api.field_tables(name))
                      for name in api.FILES],
        "api_version": api.API_VERSION,
        "hsds": {"version": SPEC_VERSION, "services": hsds_export.SERVICES_JSON,
                 "organizations": hsds_export.ORGANIZATIONS_JSON, "datapackage": hsds_export.DATAPACKAGE,
                 "zip": hsds_export.ZIP, "csv_dir": hsds_export.CSV_DIR,
                 "tables": [(name, path) for name, (path, _) in TABLES.items()]},
    }
