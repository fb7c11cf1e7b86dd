"""The site search as people use it: typed into the real search box in headless Chromium.

The query list (tests/search_queries.py) is written the way children, parents, teachers and
neighbours type: typos, no ё, colloquial words, phrases. Each must find its page in the top 3.
"""

from __future__ import annotations

import html
import json
import random
import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast
from urllib.parse import unquote

import pytest

from helpsite.outputs import searchindex as si
from helpsite.data.errors import DataErrors
from helpsite.data.load import load

from .conftest import ROOT, require_chromium
from .search_queries import HELD_OUT, QUERIES

browser = require_chromium()
NODE = shutil.which("node")


# ---------------------------------------------------------------- the language side (no browser)

def test_e_and_yo_are_one_letter_and_word_forms_share_a_stem():
    assert si.terms("ребёнок") == si.terms("ребенок") == si.terms("РЕБЁНОК")
    assert len({si.stem(w) for w in ("телефон", "телефоны", "телефона", "телефонов", "телефоном")}) == 1
    assert len({si.stem(w) for w in ("насилие", "насилия", "насилием", "насилии")}) == 1
    assert len({si.stem(w) for w in ("медиация", "медиацией", "медиации")}) == 1
    assert si.stem("бьют") == "бьют"  # a short verb keeps its ending (RV starts after the first vowel)
    assert "меня" not in si.STOP_WORDS  # «меня бьют»: joined to «тебя» by a synonym group


def test_phone_numbers_are_found_by_their_digits():
    assert "88002000122" in si.tokens("звони 8-800-2000-122 или 124")
    assert {"8", "800", "2000", "122"} <= set(si.tokens("8 (800) 2000-122"))


def test_synonyms_and_keywords_come_from_data():
    data = load(ROOT / "data")
    assert any("бьют" in g.words for g in data.synonyms.groups)
    assert data.algorithms["child"].keywords and all(k.strip() for k in data.algorithms["child"].keywords)


def test_a_broken_synonyms_file_is_a_russian_error_with_file_and_line(data_copy: Path):
    (data_copy / "search_synonyms.yml").write_text("groups:\n  - words: [бьют, бить]\n  - words: [одно]\n", encoding="utf-8")
    with pytest.raises(DataErrors) as caught:
        load(data_copy)
    text = str(caught.value.errors[0])
    assert "search_synonyms.yml:3" in text and "words" in text, text
    (data_copy / "search_synonyms.yml").unlink()  # the file is optional
    assert load(data_copy).synonyms.groups == []


def test_weights_are_bm25_per_field_summed_in_field_order():
    """`_postings` works a field's score out once per count, a list of keywords once for the documents that
    share it, a text's scores once per length (speed); the weights stay those of the plain formula: BM25 per field (title, keywords, text), summed in that order, × boost × 20, rounded, 1…255."""
    docs = [si.Doc("a/", "Телефон доверия для детей", "Позвоните · телефон доверия · телефон телефон 8-800-2000-122",
                   "service", ["телефон", "звонок"]),
            si.Doc("b/", "Кризисный центр", "Кризисный центр помощи детям и семьям · город", boost=10.0),
            si.Doc("c/", "Дети", "", "page", ["дети", "дети", "ребёнок"]),
            si.Doc("d/", "Телефон", " · ".join(["телефон"] * 9), boost=0.5), si.Doc("e/", "Семья", "семья", boost=0.001),
            # the keywords of another document (counted once for both), a word twice in the title, texts as long
            si.Doc("f/", "Телефон телефон доверия", "семья · город", "service", ["телефон", "звонок"]),
            si.Doc("g/", "Дети и семья", "дети · город", "service", ["дети", "дети", "ребёнок"], boost=2.0),
            # each text word once, words also in the title and the keywords (one text score for all)
            si.Doc("h/", "Помощь детям", "помощь · звонок · кризисный", "service", ["телефон", "звонок"])]
    fields = [{"title": [d.title], "keywords": d.keywords, "text": d.text.split(" · ")} for d in docs]
    counts = [{name: {} for name in f} for f in fields]
    for of_doc, texts_of in zip(counts, fields, strict=True):
        for name, texts in texts_of.items():
            for text in texts:
                for term in si.terms(text):
                    of_doc[name][term] = of_doc[name].get(term, 0) + 1
    lengths = [sum(c["text"].values()) for c in counts]
    average = sum(lengths) / len(lengths)
    expected: dict[str, list[int]] = {}
    for ident, (doc, of_doc) in enumerate(zip(docs, counts, strict=True)):
        scores: dict[str, float] = {}
        for name, terms in of_doc.items():
            norm = si.K1 * (1 - si.B + si.B * lengths[ident] / average) if name == "text" else si.K1
            for term, tf in terms.items():
                scores[term] = scores.get(term, 0.0) + si.FIELD_WEIGHTS[name] * tf * (si.K1 + 1) / (tf + norm)
        for term, score in scores.items():
            expected.setdefault(term, []).extend((ident, min(255, max(1, round(score * doc.boost * 20)))))
    assert si._postings(docs) == expected


def test_short_texts_and_record_entries_are_what_they_were():
    """`_short` splits only the first characters of a long text, and a record's entry is plain text rather than
    HTML escaped to be unescaped (speed): the same words, white space and cuts as `plain` of the escaped entry."""
    def short(text: str, limit: int = si.SHORT_TEXT) -> str:
        text = " ".join(text.split())
        return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"

    words = ["слово", "дети", "и", "телефон", "в", "помощь", "1", "семьям"]
    spaces = [" ", "  ", "\n", "\u00a0", "\t \n", " " * 200]
    for seed in range(300):
        rng = random.Random(seed)
        text = "".join(rng.choice(words) + rng.choice(spaces) for _ in range(rng.randint(0, 80)))
        for limit in (1, 7, 160, 161):
            assert si._short(text, limit) == short(text, limit), (text, limit)
    title, parts = "Центр  «Семья» & <b>дети</b>\n", ["a  b ", "", "  ", "c <d> &amp; e"]
    doc, = si.documents([], [si._entry("x/", title, parts, "service")], {})
    assert (doc.title, doc.text) == (si.plain(html.escape(title, quote=False)),
                                     si.plain(html.escape(" · ".join(p for p in parts if p), quote=False)))
    # services: the names of categories, districts and organisations made one-spaced once each
    names = ["Район  1", "", " ", "Район\u00a01", "Район 1 "]
    data = SimpleNamespace(
        categories={"c": SimpleNamespace(name="Кризис  и\nпомощь", keywords=["беда"])},
        organizations={str(i): SimpleNamespace(name=name) for i, name in enumerate(names)},
        services={f"s{i}{j}": SimpleNamespace(id=f"s{i}{j}", name=f" Служба\t{i}", categories=["c"], district=district,
                                            organization_id=str(j), description="Слово  за\nсловом. " * (i + 1) * 5)
                  for i, district in enumerate(names) for j in range(len(names))},
        events={}, helplines={}, algorithms={})
    entries = si.record_entries(cast(Any, data), si.Site())
    for service, entry in zip(data.services.values(), entries[2:], strict=True):
        text = " · ".join(p for p in ("Кризис  и\nпомощь", service.district,
                                      data.organizations[service.organization_id].name, short(service.description)) if p)
        assert (entry["title"], entry["text"], entry["keywords"]) == (
            si.plain(html.escape(service.name, quote=False)), si.plain(html.escape(text, quote=False)), ["беда"])


def _site_words(site: Path) -> list[str]:
    words = set()
    for row in si.read_documents(site):
        words.update(si.tokens(row[1] + " " + row[2]))
    return sorted(words)


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_the_browser_stems_exactly_as_the_build(built_site: Path):
    words = _site_words(built_site) + ["ребёнок", "бьёт", "насильственными", "отчима", "жестокость", "красивейший"]
    out = subprocess.run([NODE, str(ROOT / "tests" / "js" / "search_query.cjs"), str(built_site), "--stem"],
                         input="\n".join(words), capture_output=True, text=True, check=True).stdout
    browser_stems = json.loads(out)
    different = {w: (si.stem(w), browser_stems[w]) for w in words if si.stem(w) != browser_stems[w]}
    assert len(words) > 1000 and not different, different


def test_the_index_is_split_and_small_per_query(built_site: Path):
    folder = built_site / "search"
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    assert meta["docs"] == len(si.read_documents(built_site))
    for name in [*meta["shards"].values(), *meta["chunks"]]:
        assert (folder / name).exists(), name
    assert (folder / "meta.json").stat().st_size < 20_000
    assert not (folder / "search_index.json").exists()
    # Material's search (lunr, worker) is never started: not shipped, and no page asks for it
    assert not (built_site / "assets" / "javascripts" / "lunr").exists()
    assert not list(built_site.glob("assets/javascripts/workers/search.*"))
    for page in built_site.rglob("*.html"):
        assert "lunr" not in page.read_text(encoding="utf-8"), page


# ---------------------------------------------------------------- in the browser

def open_search(page):
    """Tap the magnifier in the header (phone) or click into the search field (desktop)."""
    button = page.locator("label.md-header__button[for=__search]")
    (button if button.is_visible() else page.locator("input.md-search__input")).click()
    page.locator("input.md-search__input").wait_for(state="visible")


def type_query(page, query: str) -> None:
    """Type into the real search box (fill + an input event: Playwright's press_sequentially
    fires no keyup for Cyrillic) and wait until the results for this query are shown."""
    field = page.locator("input.md-search__input")
    field.fill(query)
    field.dispatch_event("input")
    page.locator("[data-hs-search][data-hs-state=ready]").wait_for(state="attached", timeout=15000)


def top_results(page, base: str, n: int = 3) -> list[str]:
    hrefs = page.eval_on_selector_all(".md-search-result__item a", "els => els.map(e => e.href)")[:n]
    return [unquote(h[len(base):]).split("#")[0] for h in hrefs]


def score(page, base: str, queries) -> tuple[int, list[str]]:
    misses = []
    for query, want in queries:
        type_query(page, query)
        want = (want,) if isinstance(want, str) else want
        got = top_results(page, base)
        if not any(g in want for g in got):
            misses.append(f"«{query}» → {got}, ждали одну из {list(want)}")
    return len(queries) - len(misses), misses


@browser
def test_queries_people_type_find_their_page_in_the_top_3(visit, site_url):
    page = visit("")
    open_search(page)
    found, misses = score(page, site_url, QUERIES)
    print(f"\nsearch score: {found}/{len(QUERIES)} in the top 3")
    assert len(QUERIES) >= 40
    assert not misses, "\n".join(misses)


@browser
def test_queries_nobody_prepared_for(visit, site_url):
    page = visit("parents/")
    open_search(page)
    found, misses = score(page, site_url, HELD_OUT)
    print(f"\nheld-out search score: {found}/{len(HELD_OUT)} in the top 3\n" + "\n".join(misses))
    assert found >= 0.8 * len(HELD_OUT), "\n".join(misses)


@browser
def test_an_empty_result_shows_the_helplines(visit):
    data = load(ROOT / "data")
    page = visit("children/")
    open_search(page)
    type_query(page, "ыъьщзщ")
    empty = page.locator(".hs-search-empty")
    assert empty.is_visible()
    assert page.locator(".md-search-result__item").count() == 0
    links = empty.locator("a[href^='tel:']")
    hrefs = links.evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert f"tel:{data.main_helpline.phones[0].tel}" in hrefs
    assert f"tel:{data.campaign.emergency_numbers[0].tel}" in hrefs
    first = links.first.bounding_box()
    assert first and first["width"] > 0 and first["height"] > 0
    type_query(page, "телефон")  # results again: the helplines block goes away
    assert not empty.is_visible() and page.locator(".md-search-result__item").count() > 0


STORAGE = """async () => ({local: {...localStorage}, session: {...sessionStorage}, cookie: document.cookie,
                            caches: await caches.keys(), databases: (await indexedDB.databases()).map(d => d.name)})"""


@browser
def test_a_search_leaves_no_trace(visit, site_url):
    """No query in the URL, history, storage or any request; Enter opens the first result."""
    requested: list[str] = []
    visit.page.on("request", lambda r: requested.append(unquote(r.url)))
    page = visit("")
    length = page.evaluate("history.length")
    before = page.evaluate(STORAGE)
    open_search(page)
    type_query(page, "меня бьют отчим")
    assert page.url == site_url and page.evaluate("history.length") == length
    page.locator("input.md-search__input").press("Enter")
    page.wait_for_load_state("load")
    assert page.url != site_url and "?" not in page.url and "отчим" not in unquote(page.url)
    assert not [u for u in requested if "отчим" in u or "бьют" in u], requested
    assert page.evaluate(STORAGE) == before  # the search stored nothing (the palette is another matter)
    assert "бьют" not in json.dumps(before, ensure_ascii=False)
    # the result replaced the page in history (the whole visit is one entry: docs/safety.md), so Back
    # leaves the site and never shows the query again
    assert page.evaluate("history.length") == length
    page.go_back()
    page.wait_for_timeout(300)
    assert not page.url.startswith(site_url) and "отчим" not in unquote(page.url)


@browser
def test_search_by_keyboard(visit):
    page = visit("helplines/")
    page.keyboard.press("/")
    field = page.locator("input.md-search__input")
    assert page.evaluate("document.activeElement === document.querySelector('.md-search__input')")
    type_query(page, "травля")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.classList.contains('md-search-result__link')")
    page.keyboard.press("Escape")
    assert not page.evaluate("document.getElementById('__search').checked")
    assert field.input_value() == "травля"


def test_the_search_box_carries_no_query_name(built_site: Path):
    html = (built_site / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<div class="md-search" data-hs-search', html)
    assert 'data-md-component="search' not in html  # Material's own search is not mounted
    # search.js makes the box (overrides/partials/search.html): its field has no name
    script = (built_site / "assets" / "javascripts" / "search.js").read_text(encoding="utf-8")
    field = re.search(r'<input [^>]*class="md-search__input"[^>]*>', script).group(0)
    assert " name=" not in field


@browser
def test_the_search_box_is_made_by_the_script_and_hidden_without_it(visit, browser, site_url):
    page = visit("")
    field = page.locator("input.md-search__input")
    assert field.count() == 1 and field.get_attribute("name") is None
    assert page.locator(".md-search__form").get_attribute("action") == "#"
    context = browser.new_context(java_script_enabled=False)
    try:
        plain = context.new_page()
        plain.goto(site_url)
        assert plain.locator("input.md-search__input").count() == 0
        assert not plain.locator("label.md-header__button[for=__search]").is_visible()
        plain.set_viewport_size({"width": 1280, "height": 800})
        assert not plain.locator("label.md-header__button[for=__search]").is_visible()
    finally:
        context.close()


@browser
def test_a_result_on_the_same_page_closes_the_search(visit):
    page = visit("children/")
    open_search(page)
    type_query(page, "хорошие и плохие секреты")
    link = page.locator(".md-search-result__item a").first
    assert "children/#" in link.get_attribute("href")
    link.click()
    page.locator("#__search:not(:checked)").wait_for(state="attached")
    assert "#" in page.url and "секрет" not in unquote(page.url).split("#")[0]
