"""Compact UTF-8 JSON and a line break: how the large open-data files (the API, HSDS' nested JSON) are written.

By orjson (Rust), with the line break written in place: at 10,000 services it writes the 53 MB nested
JSON and the 25 MB `services.json` in half the CPU time of `pydantic_core.to_json` and with one copy of
the bytes instead of three (`to_json(…) + b"\\n"` copies twice: the page faults of a forked writer).
The bytes are `to_json`'s — `model_dump_json`'s, `json.dumps(value, ensure_ascii=False,
separators=(",", ":"))`'s but for a float 0 < |x| < 1e-4 («0.00001», «1e-7») — for every value these
files hold: str, int, float, bool, None, lists and dicts with str keys. Where they differ: a float of
1e16 or more is «1e16» rather than «1e+16» (the same number; none of our fields comes near: latitude,
longitude, a time zone's hours); NaN and infinities, which `to_json` writes as «NaN» (not JSON), orjson as
`null` (none reaches here: the model's bounds reject them). An integer past 64 bits, which orjson does
not write, and an environment without orjson (not reinstalled since it was added) get `to_json`.
"""

from __future__ import annotations

from typing import Any

from pydantic_core import to_json

try:
    import orjson
except ImportError:  # pragma: no cover - an environment not reinstalled since orjson was added
    orjson = None  # type: ignore[assignment]


def json_line(value: Any) -> bytes:
    """`value` as compact UTF-8 JSON and a line break."""
    if orjson is not None:
        try:
            return orjson.dumps(value, option=orjson.OPT_APPEND_NEWLINE)
        except orjson.JSONEncodeError:  # an integer past 64 bits: pydantic's encoder writes it
            pass
    return to_json(value) + b"\n"
