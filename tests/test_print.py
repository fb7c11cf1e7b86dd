"""Print materials, checked with real tools: every PDF is rasterised by poppler's `pdftoppm`
(300 and 150 dpi) and every QR code is decoded by zxing-cpp to exactly its payload; `pdftotext
-bbox` gives the text boxes. Geometry is measured on the raster, not taken from our own numbers."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pytest

from helpsite.data.errors import DataErrors
from helpsite.data.load import load
from helpsite.outputs.printing import (
    PrintError, SheetOptions, find_stock, load_stocks, render_calibration, render_checklist, render_leaflet, render_poster, render_stickers, sticker_for,
)
from helpsite.outputs.printing import qr
from helpsite.outputs.printing.siteset import build_print_set
from helpsite.outputs.printing.stickers import label_inset, layouts_for

from .conftest import ROOT, require_chromium

zxingcpp = pytest.importorskip("zxingcpp", reason="pip install -e '.[test]' (zxing-cpp)")
from PIL import Image  # noqa: E402

if not shutil.which("pdftoppm"):
    if __import__("os").environ.get("CI"):
        raise RuntimeError("poppler-utils is missing: CI must install it (apt-get install -y poppler-utils)")
    pytest.skip("poppler-utils is not installed (apt-get install -y poppler-utils)", allow_module_level=True)

DATA = ROOT / "data"
MM = 72 / 25.4
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=5)))
TOLERANCE_MM = 0.3
QR_FORMATS = (zxingcpp.BarcodeFormat.QRCode, zxingcpp.BarcodeFormat.MicroQRCode, zxingcpp.BarcodeFormat.RMQRCode)


@pytest.fixture(scope="module")
def data():
    return load(DATA)


@pytest.fixture(scope="module")
def stocks():
    return load_stocks(DATA)


# ------------------------------------------------------------------ tools


def rasterise(pdf: bytes, dpi: int, tmp: Path) -> list[Image.Image]:
    src = tmp / f"in-{dpi}.pdf"
    src.write_bytes(pdf)
    for old in tmp.glob(f"page-{dpi}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(src), str(tmp / f"page-{dpi}")], check=True)
    return [Image.open(p).convert("L") for p in sorted(tmp.glob(f"page-{dpi}-*.png"))]


@dataclass
class Code:
    text: str
    level: str
    version: int
    left: float  # mm from the page's left edge: the symbol's outer corner (without quiet zone)
    top: float
    side: float  # mm


def decode(image: Image.Image, dpi: int) -> list[Code]:
    found = zxingcpp.read_barcodes(image, formats=QR_FORMATS)
    out = []
    for b in found:
        assert b.format == zxingcpp.BarcodeFormat.QRCode, f"not a plain QR code: {b.format}"
        p = b.position
        xs = [p.top_left.x, p.top_right.x, p.bottom_left.x, p.bottom_right.x]
        ys = [p.top_left.y, p.top_right.y, p.bottom_left.y, p.bottom_right.y]
        px = 25.4 / dpi
        out.append(Code(b.text, b.ec_level, int(b.extra["Version"]), min(xs) * px, min(ys) * px,
                        (max(xs) - min(xs) + 1) * px))
    return out


def check_code(code: Code, image: Image.Image, dpi: int, payload: str, min_level: str) -> None:
    """Exact payload, error correction, module ≥ 0.5 mm and a white quiet zone of 4 modules."""
    assert code.text == payload
    assert "LMQH".index(code.level) >= "LMQH".index(min_level), code.level
    modules = 17 + 4 * code.version
    module = code.side / modules
    assert module >= qr.MIN_MODULE_MM - 0.03, f"module {module:.3f} mm"
    if dpi >= 300:
        px = dpi / 25.4
        x0, y0 = code.left * px, code.top * px
        x1, y1 = x0 + code.side * px, y0 + code.side * px
        q = 4 * module * px
        ring = [image.crop((int(x0 - q) + 1, int(y0 - q) + 1, int(x1 + q) - 1, int(y0) - 2)),
                image.crop((int(x0 - q) + 1, int(y1) + 2, int(x1 + q) - 1, int(y1 + q) - 1)),
                image.crop((int(x0 - q) + 1, int(y0 - q) + 1, int(x0) - 2, int(y1 + q) - 1)),
                image.crop((int(x1) + 2, int(y0 - q) + 1, int(x1 + q) - 1, int(y1 + q) - 1))]
        for part in ring:
            assert part.getextrema()[0] >= 200, "quiet zone is not white"


@dataclass
class Word:
    text: str
    x0: float  # mm
    y0: float
    x1: float
    y1: float

    @property
    def size(self) -> float:
        """Font size in pt: poppler's box is ascent + descent of the font (PT Sans: 1.294 em)."""
        return (self.y1 - self.y0) * MM / 1.294


def words(pdf: bytes, tmp: Path) -> list[list[Word]]:
    src = tmp / "text.pdf"
    src.write_bytes(pdf)
    html = subprocess.run(["pdftotext", "-bbox", str(src), "-"], check=True, capture_output=True, text=True).stdout
    pages = []
    for page in html.split("<page ")[1:]:
        pages.append([Word(unescape(m.group(5)), *(float(m.group(i)) / MM for i in range(1, 5)))
                      for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                                           r'(.*?)</word>', page)])
    return pages


def label_rects(stock, options: SheetOptions, indices) -> list[tuple[float, float, float, float]]:
    out = []
    for i in indices:
        x, y, w, h = stock.label_box(i)
        out.append((x + options.offset_x, y + options.offset_y, w, h))
    return out


# ------------------------------------------------------------------ stock data


def test_the_print_font_is_the_file_fontpkg_finds():
    """`fonts.font_path` takes PT Sans from the package's own folder (fontpkg's registry is not imported
    for it): the same file the registry gives for each weight and style."""
    import fontpkg

    from helpsite.outputs.printing import fonts

    for name, (weight, style, _) in fonts._FILES.items():
        assert fonts.font_path(name) == Path(fontpkg.path(fonts.FAMILY, weight, style)), name


def test_stocks_are_data_with_sources(stocks):
    assert stocks["avery-c32011"].kind == "cards" and all(s.kind == "labels" for k, s in stocks.items() if k != "avery-c32011")
    expected = {"avery-l7160": (63.5, 38.1, 3, 7), "avery-l7163": (99.1, 38.1, 2, 7),
                "avery-l7651": (38.1, 21.2, 5, 13), "herma-4464": (70, 37, 3, 8), "avery-c32011": (85, 54, 2, 5)}
    assert {k: (s.label_width, s.label_height, s.columns, s.rows) for k, s in stocks.items()} == expected
    for stock in stocks.values():
        assert (stock.page_width, stock.page_height) == (210, 297)
        assert all(stock.sources[f].strip() for f in ("label_width", "margin_top", "margin_left", "pitch_x", "pitch_y"))
        first = (DATA / "labels" / f"{stock.id}.yml").read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../schema/label_stock.schema.json"
    assert find_stock(stocks, "J8160").id == "avery-l7160"
    assert (ROOT / "data" / "schema" / "label_stock.schema.json").is_file()


# ------------------------------------------------------------------ stickers: QR, geometry, text


@pytest.mark.parametrize("stock_id", ["avery-l7160", "avery-l7163", "avery-l7651", "herma-4464"])
def test_sticker_sheet_codes_decode_and_land_on_their_labels(stock_id, data, stocks, tmp_path):
    stock = stocks[stock_id]
    sticker = sticker_for(data)
    assert sticker.payload == "tel:+78002000122"
    options = SheetOptions()
    pdf = render_stickers(data, stock, sticker, options)
    layouts = layouts_for(stock, sticker)
    for dpi in (300, 150) if stock_id != "avery-l7651" else (150,):  # the mini sheet has no codes to measure
        (page,) = rasterise(pdf, dpi, tmp_path)
        assert page.size == (round(210 / 25.4 * dpi), round(297 / 25.4 * dpi)) or abs(page.size[0] - 210 / 25.4 * dpi) <= 1
        codes = decode(page, dpi)
        with_code = [i for i in range(stock.per_sheet)
                     if layouts[tuple(round(v, 3) for v in label_inset(stock, i))].qr_box is not None]
        if stock_id == "avery-l7651":  # the mini label: the number wins over a code that would shrink it
            assert not with_code and not codes
        assert len(codes) == len(with_code), f"{dpi} dpi: {len(codes)} of {len(with_code)} decoded"
        expected = []
        for index in with_code:
            x, y, _, _ = stock.label_box(index)
            layout = layouts[tuple(round(v, 3) for v in label_inset(stock, index))]
            left, top, side = layout.qr_box
            quiet = 4 * layout.module_mm
            expected.append((x + left + quiet, y + top + quiet))
        for code in codes:
            check_code(code, page, dpi, sticker.payload, "Q")
            ex, ey = min(expected, key=lambda e: (e[0] - code.left) ** 2 + (e[1] - code.top) ** 2)
            assert abs(code.left - ex) <= TOLERANCE_MM and abs(code.top - ey) <= TOLERANCE_MM, (dpi, code, ex, ey)
            expected.remove((ex, ey))  # one code per label


@pytest.mark.parametrize("stock_id", ["avery-l7160", "avery-l7163", "avery-l7651", "herma-4464"])
def test_sticker_text_stays_inside_its_label_and_the_number_is_largest(stock_id, data, stocks, tmp_path):
    stock = stocks[stock_id]
    sticker = sticker_for(data)
    options = SheetOptions(offset_x=0.6, offset_y=-0.4)
    pdf = render_stickers(data, stock, sticker, options)
    (page,) = words(pdf, tmp_path)
    rects = label_rects(stock, options, range(stock.per_sheet))
    assert page
    numbers = {"8-800-2000-122", "124"}
    for word in page:
        inside = [r for r in rects if r[0] <= word.x0 and word.x1 <= r[0] + r[2] and r[1] <= word.y0 and word.y1 <= r[1] + r[3]]
        assert inside, f"«{word.text}» leaves its label: {word}"
        x, y, w, h = inside[0]
        pad = stock.padding - 0.05
        assert x + pad <= word.x0 and word.x1 <= x + w - pad and y + pad <= word.y0 and word.y1 <= y + h - pad, word
        if stock.printer_margin:  # no text where an office printer cannot print
            e = stock.printer_margin + min(options.offset_x, options.offset_y, 0) - 0.05
            assert e <= word.x0 and word.x1 <= 210 - e and e <= word.y0 and word.y1 <= 297 - e, word
        assert word.size >= 7 - 0.05, word
    largest = max(w.size for w in page)
    assert {w.text for w in page if w.size >= largest - 0.01} <= numbers
    assert max(w.size for w in page if w.text not in numbers) < min(w.size for w in page if w.text in numbers)
    for layout in layouts_for(stock, sticker).values():  # and the layout agrees
        assert min(line.size for line in layout.lines) >= 7
        assert {line.role for line in layout.lines if line.size == max(other.size for other in layout.lines)} == {"number"}


def test_start_label_count_offset_and_school_tag(data, stocks, tmp_path):
    stock = stocks["avery-l7160"]
    sticker = sticker_for(data, target="site", source="school-5")
    assert sticker.payload == "https://vmeste-zashchitim.example.org/?src=school-5"
    options = SheetOptions(count=20, start=5, offset_x=1.0, offset_y=-0.7)
    pdf = render_stickers(data, stock, sticker, options)
    layout = next(iter(layouts_for(stock, sticker).values()))
    left, top, _ = layout.qr_box
    quiet = 4 * layout.module_mm
    for dpi in (300, 150):
        pages = rasterise(pdf, dpi, tmp_path)
        assert len(pages) == 2
        for page, indices in zip(pages, (range(4, 21), range(0, 3)), strict=False):
            codes = decode(page, dpi)
            assert len(codes) == len(indices)
            expected = {(x + left + quiet, y + top + quiet) for x, y, _, _ in label_rects(stock, options, indices)}
            for code in codes:
                check_code(code, page, dpi, sticker.payload, "Q")
                assert any(abs(code.left - ex) <= TOLERANCE_MM and abs(code.top - ey) <= TOLERANCE_MM
                           for ex, ey in expected), code


def _edge(profile: list[int], expected_px: float, window_px: int) -> float | None:
    """Centre of the dark run nearest to `expected_px` in a 1-D profile."""
    lo, hi = max(0, int(expected_px - window_px)), min(len(profile), int(expected_px + window_px) + 1)
    dark = [i for i in range(lo, hi) if profile[i] < 128]
    if not dark:
        return None
    runs, run = [], [dark[0]]
    for i in dark[1:]:
        if i == run[-1] + 1:
            run.append(i)
        else:
            runs.append(run)
            run = [i]
    runs.append(run)
    return min((sum(r) / len(r) for r in runs), key=lambda c: abs(c - expected_px))


@pytest.mark.parametrize("stock_id", ["avery-l7160", "avery-l7163", "avery-l7651", "herma-4464", "avery-c32011"])
def test_calibration_page_outlines_match_the_template(stock_id, stocks, tmp_path):
    """Every label's four edges, measured on the 300 dpi raster, within 0.3 mm of the template."""
    stock = stocks[stock_id]
    options = SheetOptions(offset_x=0.8, offset_y=-0.5)
    pdf = render_calibration(stock, options)
    (page,) = rasterise(pdf, 300, tmp_path)
    px = 300 / 25.4
    pixels = page.load()
    width, height = page.size
    for x, y, w, h in label_rects(stock, options, range(stock.per_sheet)):
        row = int((y + h / 2 + h / 4) * px)  # a quarter below the centre: clear of the centre cross
        col = int((x + w / 2 + w / 4) * px)
        horizontal = [pixels[i, row] for i in range(width)]
        vertical = [pixels[col, j] for j in range(height)]
        for expected, profile in ((x, horizontal), (x + w, horizontal), (y, vertical), (y + h, vertical)):
            measured = _edge(profile, expected * px, int(1.5 * px))
            if expected < 5 or expected > len(profile) / px - 5:
                assert measured is None or abs(measured / px - expected) > 0.6 or 5 <= measured / px <= len(profile) / px - 5
                continue  # within 5 mm of the sheet's edge nothing is drawn: office printers do not print there
            assert measured is not None, (stock_id, x, y, expected)
            assert abs(measured / px - expected) <= TOLERANCE_MM, (stock_id, expected, measured / px)


# ------------------------------------------------------------------ leaflet, poster, checklist


def _check_document(pdf: bytes, tmp: Path, payloads: list[str], page_mm: tuple[float, float]) -> None:
    for dpi in (300, 150):
        pages = rasterise(pdf, dpi, tmp)
        found = []
        for page in pages:
            assert abs(page.size[0] - page_mm[0] / 25.4 * dpi) <= 1.5 and abs(page.size[1] - page_mm[1] / 25.4 * dpi) <= 1.5
            for code in decode(page, dpi):
                check_code(code, page, dpi, code.text, "M")
                found.append(code.text)
        assert sorted(found) == sorted(payloads), dpi
    for page in words(pdf, tmp):
        for word in page:
            assert word.size >= 7 - 0.05, word
            assert 0 <= word.x0 and word.x1 <= page_mm[0] and 0 <= word.y0 and word.y1 <= page_mm[1], word


def test_leaflet(data, tmp_path):
    pdf = render_leaflet(data)
    _check_document(pdf, tmp_path, ["https://vmeste-zashchitim.example.org/"], (297, 210))
    text = " ".join(w.text for page in words(pdf, tmp_path) for w in page)
    assert "8-800-2000-122" in text and "Что делать, если" in text and "Куда обратиться" in text


def test_event_poster(data, tmp_path):
    event = data.events["roditelskoe-sobranie-2026-12"]
    pdf = render_poster(data, event)
    _check_document(pdf, tmp_path, ["https://vmeste-zashchitim.example.org/events/roditelskoe-sobranie-2026-12/"],
                    (210, 297))
    text = " ".join(w.text for page in words(pdf, tmp_path) for w in page)
    assert "10 декабря 2026" in text and "18:30–20:00" in text and "UTC+5" in text


def test_algorithm_checklist(data, tmp_path):
    algorithm = data.algorithms["parent"]
    pdf = render_checklist(data, algorithm)
    _check_document(pdf, tmp_path, ["https://vmeste-zashchitim.example.org/algorithms/parent/"], (210, 297))
    text = " ".join(w.text for page in words(pdf, tmp_path) for w in page)
    for step in algorithm.steps:
        assert step.title.split()[0] in text


def test_data_text_is_not_markup(data, tmp_path):
    """Text from the data reaches the paper as written: no mini-markup is interpreted."""
    event = data.events["roditelskoe-sobranie-2026-12"].model_copy(update={"title": "Встреча <b>жирно</b> & «кавычки»"})
    pdf = render_poster(data, event)
    text = " ".join(w.text for page in words(pdf, tmp_path) for w in page)
    assert "<b>жирно</b>" in text and "&" in text


# ------------------------------------------------------------------ bad input: clear Russian errors, no PDF


def test_bad_requests_give_clear_russian_errors(data, stocks):
    with pytest.raises(PrintError, match="неизвестный лист этикеток «L9999»"):
        find_stock(stocks, "L9999")
    with pytest.raises(PrintError, match="начальная этикетка 22 за пределами листа Avery L7160: на нём 21 этикетка"):
        render_stickers(data, stocks["avery-l7160"], sticker_for(data), SheetOptions(start=22))
    long = sticker_for(data, target="site", source="school-5")
    with pytest.raises(PrintError, match=r"QR-код не помещается на этикетке 38,1 × 21,2 мм.*модуль вышел бы 0,\d\d мм"):
        render_stickers(data, stocks["avery-l7651"], long)
    with pytest.raises(PrintError, match="только к ссылке"):
        sticker_for(data, target="tel", source="school-5")
    with pytest.raises(PrintError, match="укажите что-то одно"):
        render_stickers(data, stocks["avery-l7160"], sticker_for(data), SheetOptions(count=5, sheets=2))
    with pytest.raises(PrintError, match="сдвиг по горизонтали 25 мм"):
        render_calibration(stocks["avery-l7160"], SheetOptions(offset_x=25))


def test_bad_stock_file_names_file_line_and_fix(tmp_path):
    labels = tmp_path / "data" / "labels"
    labels.mkdir(parents=True)
    good = (DATA / "labels" / "avery-l7160.yml").read_text(encoding="utf-8")
    (labels / "wide.yml").write_text(good.replace("id: avery-l7160", "id: wide").replace("columns: 3", "columns: 4"),
                                     encoding="utf-8")
    (labels / "nosrc.yml").write_text(good.replace("id: avery-l7160", "id: nosrc").replace("  pitch_x: gLabels", "  pitch_z: gLabels")
                                      .replace("aliases: [L7160, J8160, \"7160\"]", "aliases: []"), encoding="utf-8")
    with pytest.raises(DataErrors) as info:
        load_stocks(tmp_path / "data")
    report = info.value.report()
    columns_line = good.splitlines().index("columns: 3") + 1
    assert (f"data/labels/wide.yml:{columns_line}: columns: этикетки выходят за правый край листа: 268,83 мм при "
            "ширине 210 мм — проверьте margin_left, pitch_x, label_width и columns") in report, report
    assert re.search(r"data/labels/nosrc\.yml:\d+: sources: не указано, откуда взяты размеры: pitch_x — добавьте", report), report


def test_cli_makes_a_batch_and_refuses_bad_input(tmp_path):
    script = str(ROOT / "scripts" / "print.py")
    out = tmp_path / "school-5.pdf"
    ok = subprocess.run([sys.executable, script, "stickers", "--stock", "L7163", "--qr", "site", "--src", "school-5",
                         "--count", "30", "--start", "3", "-o", str(out)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "наклеек: 30, листов: 3" in ok.stdout
    assert out.read_bytes().startswith(b"%PDF")
    bad = tmp_path / "bad.pdf"
    for args, message in ((["stickers", "--stock", "L9999"], "неизвестный лист этикеток"),
                          (["stickers", "--stock", "L7160", "--start", "40"], "за пределами листа"),
                          (["stickers", "--stock", "L7651", "--qr", "site", "--src", "school-5"], "QR-код не помещается"),
                          (["poster", "no-such-event"], "нет события")):
        run = subprocess.run([sys.executable, script, *args, "-o", str(bad)], capture_output=True, text=True)
        assert run.returncode == 2 and message in run.stderr, run.stderr
        assert not bad.exists()


# ------------------------------------------------------------------ the site's print set


def test_print_set_is_cached_by_content(data, tmp_path):
    cache = tmp_path / "cache"
    first = build_print_set(data, DATA, cache, NOW)
    entries = {path.name.split("-")[0] for _, path in first.files if path.parent == cache}  # one hash per item
    assert first.rendered == len(entries) > len(first.items) and all(path.is_file() for _, path in first.files)
    again = build_print_set(data, DATA, cache, NOW)
    assert again.rendered == 0 and again.page == first.page
    event = data.events["roditelskoe-sobranie-2026-12"]
    events = dict(data.events, **{event.id: event.model_copy(update={"title": "Новое название собрания"})})
    changed = build_print_set(data.__class__(**{**data.__dict__, "events": events}), DATA, cache, NOW)
    assert changed.rendered == 1  # only that poster


def test_site_publishes_print_page_with_previews(built_site):
    page = built_site / "print" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert "Материалы для печати" in html
    links = set(re.findall(r'(?:href|src)="([^"]+\.(?:pdf|png))"', html))
    assert any(link.startswith("stickers-") for link in links) and "leaflet.pdf" in links
    assert len(re.findall(r'<img src="[^"]+\.png" alt="Предпросмотр: ', html)) >= 4 + 1 + 5  # stocks, leaflet, checklists
    assert "](" not in html and "{ loading" not in html  # no Markdown left unrendered
    for link in links:
        target = page.parent / link
        assert target.is_file(), link
        head = target.read_bytes()[:8]
        assert head.startswith(b"%PDF") if link.endswith(".pdf") else head == b"\x89PNG\r\n\x1a\n"


def test_hundred_sticker_sheets_in_one_pdf(data, stocks):
    # speed is measured by scripts/bench.py (1,000 personalised sheets), not here
    stock = stocks["avery-l7160"]
    pdf = render_stickers(data, stock, sticker_for(data), SheetOptions(sheets=100))
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True).stdout.decode()
    assert re.search(r"Pages:\s+100\b", info)
    assert re.search(r"Page size:\s+595\.2\d* x 841\.8\d* pts \(A4\)", info), info


def test_print_cache_key_covers_the_whole_core(monkeypatch, tmp_path):
    """A change to any module that shapes printed text (phone formatting, say) changes the key."""
    import helpsite
    from helpsite.outputs.printing import cache
    package = Path(helpsite.__file__).resolve().parent
    before = cache.code_version()
    phones = package / "data" / "phones.py"
    original = phones.read_bytes()
    cache.code_version.cache_clear()
    try:
        phones.write_bytes(original + b"\n# changed\n")
        assert cache.code_version() != before
    finally:
        phones.write_bytes(original)
        cache.code_version.cache_clear()
    assert cache.code_version() == before


# ------------------------------------------------------------------ issue 14: what a school, an NGO and a print shop get
# Measured with pdfplumber (pdfminer.six): each character's size, box and fill colour; with poppler
# (pdftoppm, pdffonts) on the raster and the font table; every QR code decoded by zxing-cpp.

pdfplumber = pytest.importorskip("pdfplumber", reason="pip install -e '.[test]' (pdfplumber)")
import io  # noqa: E402

from helpsite.outputs.printing.helpline import render_cards, render_flyer, render_helpline_poster  # noqa: E402
from helpsite.outputs.printing.poster import url_lines  # noqa: E402
from helpsite.outputs.printing.stickers import calibration_places  # noqa: E402


def chars(pdf: bytes, page: int = 0) -> tuple[list[dict], float, float]:
    """Characters of a page with boxes in mm from the top left, size in pt, and the page size (mm)."""
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        p = doc.pages[page]
        out = [dict(c, x0=c["x0"] / MM, x1=c["x1"] / MM, top=c["top"] / MM, bottom=c["bottom"] / MM)
               for c in p.chars if c["text"].strip()]
        return out, p.width / MM, p.height / MM


def page_lines(cs: list[dict]) -> dict[float, str]:
    rows: dict[float, list[dict]] = {}
    for c in cs:
        rows.setdefault(round(c["top"], 1), []).append(c)
    return {k: "".join(c["text"] for c in sorted(v, key=lambda c: c["x0"])) for k, v in rows.items()}


def text_of(pdf: bytes) -> str:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return "\n".join(p.extract_text() or "" for p in doc.pages)


def blank_border(image: Image.Image, dpi: int, edge_mm: float = 5.0) -> bool:
    """Nothing printed within `edge_mm` of the sheet's edge (the raster is white there)."""
    e = int(edge_mm / 25.4 * dpi) - 1
    w, h = image.size
    return all(image.crop(box).getextrema()[0] >= 250
               for box in ((0, 0, w, e), (0, h - e, w, h), (0, 0, e, h), (w - e, 0, w, h)))


def number_cap_height(image: Image.Image, dpi: int, box_mm: tuple[float, float, float, float]) -> float:
    """Height (mm) of the dark pixels inside the number's box: the printed digits' height."""
    px = dpi / 25.4
    x0, top, x1, bottom = box_mm
    crop = image.crop((int(x0 * px), int(top * px), int(x1 * px) + 1, int(bottom * px) + 1))
    rows = [y for y in range(crop.size[1]) if crop.crop((0, y, crop.size[0], y + 1)).getextrema()[0] < 128]
    return (rows[-1] - rows[0] + 1) / px


@pytest.mark.parametrize("size,audience", [("A3", "child"), ("A4", "child"), ("A3", "adult"), ("A4", "adult")])
def test_helpline_poster_number_readable_at_two_metres(size, audience, data, tmp_path):
    pdf = render_helpline_poster(data, size, audience)
    cs, w, h = chars(pdf)
    number = [c for c in cs if c["size"] >= max(x["size"] for x in cs) - 0.01]
    assert "".join(c["text"] for c in number) == "8-800-2000-122"  # the number, and only it, is the biggest text
    box = (min(c["x0"] for c in number), min(c["top"] for c in number), max(c["x1"] for c in number),
           max(c["bottom"] for c in number))
    dpi = 100
    (page,) = rasterise(pdf, dpi, tmp_path)
    cap = number_cap_height(page, dpi, box)
    assert cap >= (15.0 if size == "A3" else 15.0 / 2 ** 0.5), f"{size}: digits {cap:.1f} mm high"
    assert blank_border(page, dpi), "something printed within 5 mm of the edge"
    text = text_of(pdf)
    assert "Детский телефон доверия" in text and "112" in text and "Вместе защитим" in text
    codes = decode(page, dpi)
    expected = "tel:+78002000122" if audience == "child" else "https://vmeste-zashchitim.example.org/helplines/"
    assert [c.text for c in codes] == [expected]
    # the demonstration mark exactly where the site's address is printed (draft campaign)
    assert ("ДЕМОНСТРАЦИОННЫЙ ОБРАЗЕЦ" in text) == (audience == "adult")
    assert ("позвони" in text) == (audience == "child")


def test_flyer_and_wallet_cards(data, stocks, tmp_path):
    flyer = render_flyer(data)
    (page,) = rasterise(flyer, 150, tmp_path)
    assert abs(page.size[0] - 148 / 25.4 * 150) <= 2 and blank_border(page, 150)
    assert [c.text for c in decode(page, 150)] == ["https://vmeste-zashchitim.example.org/helplines/"]
    assert "полиция — 102" in text_of(flyer)
    stock = stocks["avery-c32011"]
    cards = render_cards(data, stock)
    (page,) = rasterise(cards, 300, tmp_path)
    codes = decode(page, 300)
    assert len(codes) == 10 and {c.text for c in codes} == {"tel:+78002000122"}
    cs, _, _ = chars(cards)
    for index in range(stock.per_sheet):  # every card: inside its 85 × 54 mm with 4 mm of air, number biggest
        x, y, w, h = stock.label_box(index)
        mine = [c for c in cs if x <= c["x0"] < x + w and y <= c["top"] < y + h]
        assert min(c["x0"] for c in mine) >= x + 3.9 and max(c["x1"] for c in mine) <= x + w - 3.9
        assert min(c["top"] for c in mine) >= y + 3.9 and max(c["bottom"] for c in mine) <= y + h - 3.9
        big = max(c["size"] for c in mine)
        assert "".join(c["text"] for c in mine if c["size"] >= big - 0.01) == "8-800-2000-122"
        joined = "".join(c["text"] for c in mine)
        assert "Детскийтелефондоверия" in joined and "позвони" in joined and "112" in joined


@pytest.mark.parametrize("stock_id", ["avery-l7160", "avery-l7163", "avery-l7651", "herma-4464"])
def test_children_stickers_say_what_and_why(stock_id, data, stocks, tmp_path):
    stock = stocks[stock_id]
    school = "Школа № 5, 3 «Б»"
    for sticker in (sticker_for(data, school=school),):  # the harder case: a school line takes room
        pdf = render_stickers(data, stock, sticker)
        cs, _, _ = chars(pdf)
        layouts = layouts_for(stock, sticker)
        for index in range(stock.per_sheet):
            x, y, w, h = stock.label_box(index)
            mine = [c for c in cs if x <= c["x0"] < x + w and y <= c["top"] < y + h]
            joined = "".join(c["text"] for c in mine)
            assert "Детскийтелефондоверия" in joined, (stock_id, index, joined)  # what the number is
            assert "позвони" in joined.lower() and ("страшно" in joined)  # what for, in a child's words
            if sticker.school:
                assert school.replace(" ", "") in joined  # the batch is visible on every sticker
            sizes = {c["size"] for c in mine}
            number = [c for c in mine if c["size"] >= max(sizes) - 0.01]
            assert "".join(c["text"] for c in number).startswith("8-800-2000-122")
            assert max(sizes) >= 9.0 - 1e-6, (stock_id, max(sizes))
            # 2 mm of air from every edge of the label (5 mm from the sheet's edge on a borderless sheet)
            assert min(c["x0"] for c in mine) >= x + 2 - 0.05 and max(c["x1"] for c in mine) <= x + w - 2 + 0.05
            assert min(c["top"] for c in mine) >= y + 2 - 0.05 and max(c["bottom"] for c in mine) <= y + h - 2 + 0.05
            layout = layouts[tuple(round(v, 3) for v in label_inset(stock, index))]
            if layout.qr_box:  # the code takes the smaller share of the label
                assert layout.qr_box[2] <= 0.41 * layout.content[2]
        assert "демонстрационный" not in text_of(pdf)  # only the real helpline and tel: — no mark
    if stock_id != "avery-l7651":
        linked = sticker_for(data, target="site", source="school-5", school=school)
        assert "демонстрационный образец" in text_of(render_stickers(data, stock, linked))


@pytest.mark.parametrize("status", ["postponed", "cancelled", "moved_online"])
def test_changed_event_prints_its_current_truth(status, data, tmp_path):
    from helpsite.data import model as m

    base = {"postponed": "master-klass-lichnaya-bezopasnost-2027-01", "moved_online": "vebinar-travlya-v-shkole-2027-03",
            "cancelled": "roditelskoe-sobranie-2026-12"}[status]
    event = data.events[base]
    if status == "cancelled":
        event = event.model_copy(update={"status": m.EventStatus.cancelled})
    pdf = render_poster(data, event)
    cs, _, _ = chars(pdf)
    biggest = max(c["size"] for c in cs)
    top_text = "".join(c["text"] for c in cs if c["size"] >= biggest - 0.01)
    lines = page_lines(cs)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        strokes = [(ln["x0"] / MM, ln["x1"] / MM, ln["top"] / MM) for ln in doc.pages[0].lines]
    if status == "postponed":
        assert top_text.startswith("Новаядата:4февраля2027"), top_text
        old = [c for c in cs if c["text"] and "21" in "".join(x["text"] for x in cs if abs(x["top"] - c["top"]) < 0.2)
               and c["size"] < biggest]
        row = next(t for t, line in lines.items() if line.startswith("21января2027"))
        assert any(x1 - x0 > 40 and row < y < row + 6 for x0, x1, y in strokes), "old date not struck through"
        assert old
    elif status == "cancelled":
        assert top_text == "ОТМЕНЕНО"
        row = next(t for t, line in lines.items() if line.startswith("10декабря2026"))
        assert any(x1 - x0 > 40 and row < y < row + 7 for x0, x1, y in strokes), "old date not struck through"
    else:
        assert "example.org/vebinar/travlya-2027-03" in text_of(pdf).replace("\n", "")
    (page,) = rasterise(pdf, 100, tmp_path)
    assert blank_border(page, 100)


def test_web_addresses_break_only_at_slashes():
    from helpsite.outputs.printing import fonts

    url = "https://vmeste-zashchitim.example.org/events/seminar-vyyavlenie-zhestokogo-obrashcheniya-2027-02/"
    for width in (300, 200, 180):
        lines = url_lines(url, fonts.BOLD, 11, width)
        assert all(fonts.width(line, fonts.BOLD, 11) <= width for line in lines)
        assert all(line.endswith("/") for line in lines[:-1]) or lines == ["vmeste-zashchitim.example.org"]
        assert "".join(lines) in (url.split("://")[1], "vmeste-zashchitim.example.org")
    assert url_lines(url, fonts.BOLD, 11, 180) == ["vmeste-zashchitim.example.org"]  # QR carries the rest


def test_office_products_leave_the_printer_margin_blank(data, stocks, tmp_path):
    leaflet = render_leaflet(data)
    pages = rasterise(leaflet, 100, tmp_path)
    px = 100 / 25.4
    for page in pages:
        assert blank_border(page, 100), "leaflet prints within 5 mm of the edge"
        for fold in (97, 197) if page is pages[0] else (100, 200):  # fold marks 6–10 mm from the edge
            for top, bottom in ((6, 10), (200, 204)):
                mark = page.crop((int(fold * px) - 1, int(top * px), int(fold * px) + 2, int(bottom * px)))
                assert mark.getextrema()[0] < 200, (fold, top)
    checklist = render_checklist(data, data.algorithms["specialist"])
    for page in rasterise(checklist, 100, tmp_path):
        assert blank_border(page, 100), "checklist header or footer within 5 mm of the edge"
    for stock in stocks.values():
        pdf = render_calibration(stock)
        (page,) = rasterise(pdf, 100, tmp_path)
        assert blank_border(page, 100), stock.id
        text = text_of(pdf)
        assert f"Пробный лист {stock.name}" in text  # a title naming the stock
        with pdfplumber.open(io.BytesIO(pdf)) as doc:  # the 100 mm ruler
            rulers = [ln for ln in doc.pages[0].lines if abs((ln["x1"] - ln["x0"]) / MM - 100) < 0.05]
        assert len(rulers) == 1
        ruler_x, ruler_y = calibration_places(stock)["ruler"]
        assert abs(rulers[0]["x0"] / MM - ruler_x) < 0.05 and abs(rulers[0]["top"] / MM - ruler_y) < 0.05


def test_printables_carry_no_example_and_every_contact_works_on_paper(data, tmp_path):
    examples = [s.name for s in data.services.values() if s.example]
    leaflet = text_of(render_leaflet(data)).replace("\n", " ")
    assert examples and not any(name in leaflet for name in examples)
    assert "Сведения о службах города ещё проверяются" in leaflet and "8-800-2000-122" in leaflet
    for algorithm in data.algorithms.values():
        text = text_of(render_checklist(data, algorithm))
        contacts = [line for line in text.splitlines() if line.startswith("Куда обратиться:")]
        for line in contacts:  # a phone number or a street address on the same line
            assert re.search(r"\d{2,}", line) or "ул." in line, line
        assert not any(name in text for name in examples), algorithm.id
    with pdfplumber.open(io.BytesIO(render_checklist(data, data.algorithms["specialist"]))) as doc:
        if len(doc.pages) > 1:  # no sheet with only a few lines
            assert len((doc.pages[-1].extract_text() or "").splitlines()) >= 12


@pytest.mark.parametrize("name", ["poster-a3-child", "poster-a4-adult", "flyer", "card", "leaflet", "event"])
def test_print_shop_versions(name, data, tmp_path):
    pdf = {"poster-a3-child": lambda: render_helpline_poster(data, "A3", "child", press=True),
           "poster-a4-adult": lambda: render_helpline_poster(data, "A4", "adult", press=True),
           "flyer": lambda: render_flyer(data, press=True), "card": lambda: render_cards(data, None, press=True),
           "leaflet": lambda: render_leaflet(data, press=True),
           "event": lambda: render_poster(data, data.events["roditelskoe-sobranie-2026-12"], press=True)}[name]()
    trim = {"poster-a3-child": (297, 420), "poster-a4-adult": (210, 297), "flyer": (148, 210), "card": (85, 54),
            "leaflet": (297, 210), "event": (210, 297)}[name]
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for p in doc.pages:
            attrs = p.page_obj.attrs
            trim_box = [float(v) / MM for v in attrs["TrimBox"]]
            bleed_box = [float(v) / MM for v in attrs["BleedBox"]]
            assert abs(trim_box[2] - trim_box[0] - trim[0]) < 0.1 and abs(trim_box[3] - trim_box[1] - trim[1]) < 0.1
            assert all(abs(abs(b - t) - 3) < 0.05 for b, t in zip(bleed_box, trim_box, strict=False))
            assert p.width / MM >= trim[0] + 2 * 3 + 4  # room for crop marks outside the bleed
            for c in p.chars:  # CMYK everywhere; black text is 100 % K
                colour = tuple(c["non_stroking_color"] or ())
                assert len(colour) == 4, (c["text"], colour)
                if colour[3] > 0.9:
                    assert colour == (0, 0, 0, 1), (c["text"], colour)
            assert any(tuple(c["non_stroking_color"]) == (0, 0, 0, 1) for c in p.chars) or name == "card"
            for r in p.rects:
                assert len(tuple(r["non_stroking_color"] or (0, 0, 0, 0))) == 4
            tx0, ty0, tx1, ty1 = (float(v) for v in attrs["TrimBox"])
            top_lim, bottom_lim, gap = p.height - ty1, p.height - ty0, 3 * MM
            crop_marks = [ln for ln in p.lines if ln["x1"] <= tx0 - gap or ln["x0"] >= tx1 + gap
                          or ln["bottom"] <= top_lim - gap or ln["top"] >= bottom_lim + gap]
            assert len(crop_marks) >= 8, len(crop_marks)  # in the slug, clear of the bleed
    src = tmp_path / "press.pdf"
    src.write_bytes(pdf)
    table = subprocess.run(["pdffonts", str(src)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert table and all(" yes " in row for row in table), table  # every font embedded
    assert not any("Helvetica" in row or "Times" in row or "Courier" in row for row in table), table
    assert b" rg" not in _content(pdf) and b" RG" not in _content(pdf)  # no RGB colour operator at all


def _content(pdf: bytes) -> bytes:
    """All page content streams, decompressed."""
    import zlib

    out = b""
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            out += zlib.decompress(m.group(1))
        except zlib.error:
            pass
    return out


def test_office_pdfs_list_no_unused_base14_font(data, stocks, tmp_path):
    for pdf in (render_leaflet(data), render_checklist(data, data.algorithms["parent"]), render_calibration(stocks["avery-l7160"]),
                render_stickers(data, stocks["avery-l7651"], sticker_for(data)), render_helpline_poster(data)):
        src = tmp_path / "f.pdf"
        src.write_bytes(pdf)
        table = subprocess.run(["pdffonts", str(src)], capture_output=True, text=True, check=True).stdout
        assert "Helvetica" not in table and "PTSans" in table


def test_print_error_names_the_record_file_and_field(data):
    event = data.events["roditelskoe-sobranie-2026-12"]
    long = event.model_copy(update={"description": "Очень длинное описание встречи. " * 400})
    with pytest.raises(PrintError) as info:
        render_poster(data, long)
    assert re.match(r"data/events/roditelskoe-sobranie-2026-12\.yml:\d+: description — больше всего места", str(info.value))


# ------------------------------------------------------------------ /print/: start at any label, in the browser


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "device_scale_factor": 3}  # the sheet screenshot at ≈ 290 dpi: codes decode


@require_chromium()
def test_print_page_prints_from_any_label_without_a_terminal(visit, stocks):
    """A school on a partly used sheet: start at label 5, 20 stickers, printer offset — in the browser."""
    page = visit("print/")
    page.locator("#hs-sal-go").wait_for(state="visible")
    stock = stocks["avery-l7160"]
    options = [o.strip() for o in page.locator("#hs-sal-stock option").all_inner_texts()]
    page.select_option("#hs-sal-stock", index=next(i for i, o in enumerate(options) if o.startswith(stock.name)))
    page.fill("#hs-sal-start", "99")
    page.evaluate("document.getElementById('hs-start-at-label').setAttribute('data-no-dialog', '')")
    page.click("#hs-sal-go")
    assert "от 1 до 21" in page.locator(".hs-sal-message").inner_text()  # a clear refusal, no sheet
    page.fill("#hs-sal-start", "5")
    page.fill("#hs-sal-count", "20")
    page.fill("#hs-sal-dx", "1")
    page.fill("#hs-sal-dy", "-0.5")
    page.click("#hs-sal-go")
    assert "наклеек 20, листов 2" in page.locator(".hs-sal-message").inner_text()
    page.emulate_media(media="print")
    assert page.evaluate("async () => { await document.fonts.ready; return document.fonts.check('bold 10pt \"HS PT Sans\"'); }")
    boxes = page.evaluate("""() => [...document.querySelectorAll('.hs-sal-page')].map(p => {
        const r = p.getBoundingClientRect();
        return {page: [r.width, r.height], labels: [...p.querySelectorAll('.hs-sal-label')].map(l => {
            const b = l.getBoundingClientRect();
            return [Number(l.dataset.index), b.left - r.left, b.top - r.top, b.width, b.height, l.innerText]; })};
    })""")
    px = 25.4 / 96
    assert [len(b["labels"]) for b in boxes] == [17, 3]
    for sheet, first in zip(boxes, (5, 1), strict=False):
        assert abs(sheet["page"][0] * px - 210) < 0.3 and abs(sheet["page"][1] * px - 297) < 0.3
        for n, (index, left, top, width, height, text) in enumerate(sheet["labels"]):
            assert index == first + n
            x, y, w, h = stock.label_box(index - 1)
            assert abs(left * px - (x + 1)) < 0.1 and abs(top * px - (y - 0.5)) < 0.1, (index, left * px, top * px)
            assert abs(width * px - w) < 0.1 and abs(height * px - h) < 0.1
            assert "Детский телефон доверия" in text and "8-800-2000-122" in text and "позвони" in text
    shot = page.locator(".hs-sal-page").first.screenshot()
    image = Image.open(io.BytesIO(shot)).convert("L")
    dpi = image.size[0] / (210 / 25.4)
    codes = zxingcpp.read_barcodes(image, formats=QR_FORMATS)
    assert len(codes) == 17 and {c.text for c in codes} == {"tel:+78002000122"}, (len(codes), dpi)
    for code in codes:  # each code where the PDF puts it (same layout), within 0.5 mm
        p = code.position
        left_mm = min(p.top_left.x, p.bottom_left.x) * 25.4 / dpi
        top_mm = min(p.top_left.y, p.top_right.y) * 25.4 / dpi
        layout = next(iter(layouts_for(stock, sticker_for(load(DATA))).values()))
        quiet = 4 * layout.module_mm
        expected = [(x + 1 + layout.qr_box[0] + quiet, y - 0.5 + layout.qr_box[1] + quiet)
                    for x, y, _, _ in (stock.label_box(i) for i in range(4, 21))]
        assert min(abs(left_mm - ex) + abs(top_mm - ey) for ex, ey in expected) < 0.6, (left_mm, top_mm)


def test_sticker_overflow_names_the_helpline_file_line_and_field(data, stocks):
    import dataclasses

    helpline = data.main_helpline.model_copy(update={"name": "Очень длинное название линии помощи для детей и "
                                                             "подростков всей области"})
    changed = dataclasses.replace(data, helplines={**data.helplines, helpline.id: helpline})
    with pytest.raises(PrintError, match=r"^data/helplines\.yml:\d+: name — название линии «Очень длинное"):
        render_stickers(changed, stocks["avery-l7651"], sticker_for(changed))


@require_chromium()
def test_print_page_starts_wallet_cards_at_any_card(visit, stocks):
    page = visit("print/")
    page.locator("#hs-sal-go").wait_for(state="visible")
    stock = stocks["avery-c32011"]
    options = [o.strip() for o in page.locator("#hs-sal-stock option").all_inner_texts()]
    page.select_option("#hs-sal-stock", index=next(i for i, o in enumerate(options) if o.startswith(stock.name)))
    page.evaluate("document.getElementById('hs-start-at-label').setAttribute('data-no-dialog', '')")
    page.fill("#hs-sal-start", "3")
    page.click("#hs-sal-go")
    assert "наклеек 8, листов 1" in page.locator(".hs-sal-message").inner_text()
    page.emulate_media(media="print")
    assert page.evaluate("async () => { await document.fonts.ready; return true; }")
    shot = page.locator(".hs-sal-page").first.screenshot()
    image = Image.open(io.BytesIO(shot)).convert("L")
    dpi = image.size[0] / (210 / 25.4)
    codes = zxingcpp.read_barcodes(image, formats=QR_FORMATS)
    assert sorted(c.text for c in codes) == ["tel:+78002000122"] * 8
    rows = sorted({round(min(c.position.top_left.y, c.position.top_right.y) * 25.4 / dpi) for c in codes})
    assert len(rows) == 4  # cards 3–10: rows 2–5 of the sheet
    texts = page.evaluate("() => [...document.querySelectorAll('.hs-sal-label')].map(l => l.innerText)")
    assert len(texts) == 8 and all("8-800-2000-122" in t and "Детский телефон доверия" in t for t in texts)


def test_cache_key_follows_every_input(data, tmp_path):
    import dataclasses

    cache = tmp_path / "cache"
    assert build_print_set(data, DATA, cache, NOW).rendered > 0
    assert build_print_set(data, DATA, cache, NOW).rendered == 0
    helpline = data.main_helpline.model_copy(update={"name": "Телефон доверия для детей"})
    renamed = dataclasses.replace(data, helplines={**data.helplines, helpline.id: helpline})
    changed = build_print_set(renamed, DATA, cache, NOW)
    # every product that prints the helpline's name is made again: posters, flyer, cards, stickers, leaflet, checklists…
    assert changed.rendered >= 4 * 2 + 2 + 2 + 4 + 2 + len(data.algorithms)
    moved = build_print_set(data, DATA, cache, NOW, base_url="https://other.example.org/")
    assert moved.rendered > 0  # the site's address is in QR codes and on paper


def test_cache_key_of_a_record_follows_every_field(data):
    """A record in a key stands for all of its fields, nested ones too (pydantic's JSON of it): a
    change anywhere is another key; the same content in another object is the same key."""
    from helpsite.outputs.printing import cache

    service = next(s for s in data.services.values() if s.phones)
    phone = service.phones[0].model_copy(update={"description": "только для детей"})
    changed = service.model_copy(update={"phones": [phone, *service.phones[1:]]})
    same = service.model_copy(deep=True)
    assert cache.key(service) != cache.key(changed)
    assert cache.key(service) == cache.key(same)
    assert cache.key(service) != cache.key(service.model_copy(update={"free": not service.free}))


def test_leaflet_key_follows_what_it_prints_of_the_services(data, tmp_path):
    """The leaflet's key holds the services as it prints them (`leaflet_services`), not every field of
    every record: a real service listed, then its phone changed — the leaflet is made again each time
    (and the PDF shows the new number); a change to an example service, which no leaflet lists, is not."""
    import dataclasses

    from helpsite.outputs.printing.content import leaflet_services

    cache = tmp_path / "cache"

    def leaflets() -> set[str]:
        return {p.name for p in cache.glob("*-leaflet.pdf")}

    build_print_set(data, DATA, cache, NOW)
    made = leaflets()
    example = next(s for s in data.services.values() if s.phones and s.example)
    reworded = dataclasses.replace(data, services={**data.services,
                                                   example.id: example.model_copy(update={"name": "Другое имя"})})
    assert build_print_set(reworded, DATA, cache, NOW).rendered == 0  # an example is on no printed item
    real = example.model_copy(update={"example": False})
    listed = dataclasses.replace(data, services={**data.services, real.id: real})
    assert [s.name for s in leaflet_services(listed)] == [real.name]
    build_print_set(listed, DATA, cache, NOW)
    assert len(leaflets() - made) == 1
    phone = next(p for s in data.services.values() for p in s.phones if p.display not in text_of(
        (cache / (leaflets() - made).pop()).read_bytes()).replace("\n", " "))  # a number the leaflet does not show
    dialled = dataclasses.replace(data, services={**data.services, real.id: real.model_copy(update={"phones": [phone]})})
    build_print_set(dialled, DATA, cache, NOW)
    new = leaflets() - made
    assert len(new) == 2
    text = text_of(max((cache / name for name in new), key=lambda p: p.stat().st_mtime_ns).read_bytes())
    assert phone.display in text.replace("\n", " ")


def test_service_descriptions_end_at_a_sentence_or_a_word():
    from helpsite.outputs.printing.leaflet import _first_sentence

    assert _first_sentence("Помогает детям. Работает с семьями.") == "Помогает детям."
    long = "Помогает " + "детям и семьям " * 20 + "в трудной ситуации."
    cut = _first_sentence(long)
    assert cut.endswith("…") and len(cut) <= 150
    assert long.startswith(cut[:-1]) and long[len(cut) - 1] == " "  # the cut falls between words


def test_a_build_with_every_print_file_in_the_cache_does_not_import_platypus(data, tmp_path):
    """reportlab's platypus (≈ 0.04 s of every build) is imported only when a page-sized PDF is made:
    not by what the MkDocs hooks import, nor by a print set whose files all come from the cache."""
    import os

    cache = tmp_path / "cache"
    assert build_print_set(data, DATA, cache, NOW).rendered > 0
    script = (
        "import sys, datetime as dt\n"
        "import hooks.campaign\n"
        "assert not [m for m in sys.modules if m.startswith('reportlab.platypus')], 'hooks'\n"
        "from helpsite.data.load import load\n"
        "from helpsite.outputs.printing.siteset import build_print_set\n"
        f"now = dt.datetime.fromisoformat({NOW.isoformat()!r})\n"
        f"printed = build_print_set(load({str(DATA)!r}), __import__('pathlib').Path({str(DATA)!r}), "
        f"__import__('pathlib').Path({str(cache)!r}), now)\n"
        "assert printed.rendered == 0, printed.rendered\n"
        "print(sorted(m for m in sys.modules if m.startswith('reportlab.platypus')))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_build_without_label_stocks_and_everything_cached_imports_no_drawing_library(tmp_path):
    """With every print file and picture in the cache, the print set and the announcing pictures need only
    what they say and their keys (`printing.content`, `announce.cardtext`): reportlab, Pillow, the QR code
    maker, PDFium and the drawing modules are imported only to make a file (≈ 0.06 s CPU of every build).
    A project with label stocks still measures its stickers' text for the start-at-label generator."""
    import os

    data_dir = tmp_path / "data"
    shutil.copytree(DATA, data_dir, ignore=shutil.ignore_patterns("labels"))
    cache = tmp_path / "cache"
    from helpsite.outputs.announce import announce_set

    assert build_print_set(load(data_dir), data_dir, cache, NOW).rendered > 0
    assert announce_set(load(data_dir), NOW, cache, "https://example.org/").rendered > 0
    heavy = "('reportlab', 'PIL', 'qrcode', 'pypdfium2', 'helpsite.outputs.printing.stickers', " \
            "'helpsite.outputs.printing.helpline', 'helpsite.outputs.printing.layout', 'helpsite.outputs.announce.cards')"
    script = (
        "import sys, datetime as dt, pathlib\n"
        "import hooks.campaign\n"
        f"assert not [m for m in sys.modules if m.startswith({heavy})], 'hooks'\n"
        "from helpsite.data.load import load\n"
        "from helpsite.outputs.announce import announce_set\n"
        "from helpsite.outputs.printing.siteset import build_print_set\n"
        f"now = dt.datetime.fromisoformat({NOW.isoformat()!r})\n"
        f"data_dir, cache = pathlib.Path({str(data_dir)!r}), pathlib.Path({str(cache)!r})\n"
        "assert build_print_set(load(data_dir), data_dir, cache, now).rendered == 0\n"
        "assert announce_set(load(data_dir), now, cache, 'https://example.org/').rendered == 0\n"
        f"print(sorted(m for m in sys.modules if m.startswith({heavy})))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
