"""Label stock: `data/labels/<id>.yml` → validated `LabelStock` records, errors as file:line (Russian).

Geometry is data: adding a stock means adding a YAML file, no code. Each figure names its
source (`sources:`); the model checks that the labels fit the sheet and do not overlap.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from pydantic import ValidationError

from helpsite.data import model as m
from helpsite.data.errors import DataError, DataErrors
from helpsite.data.load import Origin, _Loader, _translate
from helpsite.outputs.printing.errors import PrintError
from helpsite.outputs.printing.text import mm_ru

LABELS_DIR = "labels"


def load_stocks(data_dir: Path | str) -> dict[str, m.LabelStock]:
    """Every stock in `data_dir/labels/`, by id; raise `DataErrors` listing every problem."""
    data_dir = Path(data_dir).resolve()
    loader = _Loader(data_dir)
    folder = data_dir / LABELS_DIR
    out: dict[str, m.LabelStock] = {}
    if not folder.is_dir():
        return out
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.is_dir():
            continue
        display = loader.display(path)
        if path.suffix not in (".yml", ".yaml"):
            loader.errors.append(DataError(file=display, line=None, field="", message="файл не YAML",
                                           hint="раскладка листа записывается в файл .yml; уберите лишний файл"))
            continue
        doc = loader.read(path)
        if doc is None:
            continue
        origin = Origin(doc, display, ())
        try:
            stock = m.LabelStock.model_validate(doc.data)
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                loc = tuple(err["loc"])
                if err["type"] == "value_error":
                    text = str(err.get("ctx", {}).get("error", ""))
                    field, bar, rest = text.partition("|")
                    if bar and field in m.LabelStock.model_fields:
                        loc, text = loc + (field,), rest
                    message, _, hint = text.partition(" — ")
                    value = None
                else:
                    message, hint = _translate(err, m.LabelStock, loc)
                    value = err.get("input") if err["type"] not in ("missing", "model_type", "extra_forbidden") else None
                    if isinstance(value, (dict, list)):
                        value = None
                loader.errors.append(origin.error(loc, message, hint, value))
            continue
        if stock.id != path.stem:
            loader.errors.append(origin.error(("id",), "id не совпадает с именем файла",
                                              f"назовите файл {stock.id}.yml или исправьте id на «{path.stem}»", stock.id))
            continue
        out[stock.id] = stock
    names: dict[str, str] = {}
    for stock in out.values():
        for name in _names(stock):
            if name in names and names[name] != stock.id:
                loader.errors.append(DataError(file=f"data/{LABELS_DIR}/{stock.id}.yml", line=None, field="aliases",
                                               message=f"артикул «{name}» уже есть у листа {names[name]}",
                                               hint="у каждого артикула — один файл раскладки"))
            names[name] = stock.id
    if loader.errors:
        raise DataErrors(loader.errors)
    return out


def _key(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _names(stock: m.LabelStock) -> set[str]:
    return {_key(stock.id), _key(stock.name), *(_key(a) for a in stock.aliases)}


def find_stock(stocks: dict[str, m.LabelStock], name: str) -> m.LabelStock:
    """A stock by id, name or article number («avery-l7160», «L7160», «J8160»); unknown → PrintError."""
    key = _key(name)
    for stock in stocks.values():
        if key and (key in _names(stock) or any(n.endswith(key) and len(key) >= 4 for n in _names(stock))):
            return stock
    known = sorted(stocks)
    close = difflib.get_close_matches(name.lower(), known, n=1, cutoff=0.5)
    hint = (f"возможно, «{close[0]}»; " if close else "") + (
        "есть: " + ", ".join(f"{s.id} ({s.name}, {s.columns} × {s.rows}, {mm_ru(s.label_width)} × {mm_ru(s.label_height)} мм)"
                             for s in stocks.values()) if stocks else "в data/labels/ нет ни одного листа")
    raise PrintError(f"неизвестный лист этикеток «{name}»", hint + "; новый лист — новый файл в data/labels/")
