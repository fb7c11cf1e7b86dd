"""The site search: an index made for Russian, for people in a hurry, and for 10,000 services.

What people type is not what the pages say: «ребенок» for «ребёнок», «телефона» for
«телефон», «тлефон», «меня бьют», «отчим». So both the pages and the query go through the
same steps: lower case, ё → е, words, a Russian stemmer (`stem`, the Snowball algorithm's
steps; its ending lists are written into the index and the browser uses the very same lists),
and the words editors give as data: `keywords` of hand-written pages (front matter),
algorithms and categories, and synonym groups (`data/search_synonyms.yml`).

The index is split so that one query fetches little, whatever the size of the site:
- `search/meta.json`: counts, the stemmer's endings, stop words, synonym groups, file names;
- `search/t/<letter>.<hash>.json`: every stem that starts with that letter → the documents
  that hold it, with a precomputed weight (BM25 with fields: title, keywords, text); a typo
  is corrected against the stems of the same first letter, so that file is all it needs.
  A stem found in many documents has its list in `search/p/…json`, fetched only when a
  query uses that stem;
- `search/d/<n>.<hash>.json`: titles, addresses and short texts of 32 documents each, fetched
  only for the results shown.
The browser side is `docs/assets/javascripts/search.js`. No URL, history or storage is
written by either: the query lives only in the search field.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import html
import json
import operator
import re
import shutil
from collections import Counter, defaultdict
from collections.abc import Iterable
from itertools import chain
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import yaml
from pydantic_core import to_json

from helpsite.data import model as m
from helpsite.pages.eventtimes import event_times
from helpsite.data.load import CampaignData
from helpsite.pages.site import Site
from helpsite.pages.russian import date_ru
from helpsite.pages.richtext import first_paragraph

SHORT_TEXT = 160
SNIPPET = 420  # characters of text kept per document for the result's snippet
CHUNK = 32  # documents per file of the document store
LONG_POSTINGS = 48  # a word in more documents than this gets its own file of postings
FORMAT = 1

# ---------------------------------------------------------------- Russian: normalizing and stemming

VOWELS = "аеиоуыэюя"
# Snowball's Russian stemmer (snowballstem.org/algorithms/russian/stemmer.html), its lists as
# data: `search.js` reads them from meta.json, so the browser stems exactly as the build does.
# Lists marked "after а/я" remove an ending only when а or я precedes it.
ENDINGS: dict[str, list[str]] = {
    "gerund1": ["в", "вши", "вшись"],  # after а/я
    "gerund2": ["ив", "ивши", "ившись", "ыв", "ывши", "ывшись"],
    "reflexive": ["ся", "сь"],
    "adjective": ["ее", "ие", "ые", "ое", "ими", "ыми", "ей", "ий", "ый", "ой", "ем", "им", "ым", "ом",
                  "его", "ого", "ему", "ому", "их", "ых", "ую", "юю", "ая", "яя", "ою", "ею"],
    "participle1": ["ем", "нн", "вш", "ющ", "щ"],  # after а/я
    "participle2": ["ивш", "ывш", "ующ"],
    "verb1": ["ла", "на", "ете", "йте", "ли", "й", "л", "ем", "н", "ло", "но", "ет", "ют", "ны", "ть", "ешь",
              "нно"],  # after а/я
    "verb2": ["ила", "ыла", "ена", "ейте", "уйте", "ите", "или", "ыли", "ей", "уй", "ил", "ыл", "им", "ым", "ен",
              "ило", "ыло", "ено", "ят", "ует", "уют", "ит", "ыт", "ены", "ить", "ыть", "ишь", "ую", "ю"],
    "noun": ["а", "ев", "ов", "ие", "ье", "е", "иями", "ями", "ами", "еи", "ии", "и", "ией", "ей", "ой", "ий", "й",
             "иям", "ям", "ием", "ем", "ам", "ом", "о", "у", "ах", "иях", "ях", "ы", "ь", "ию", "ью", "ю", "ия",
             "ья", "я"],
    "derivational": ["ост", "ость"],
    "superlative": ["ейш", "ейше"],
}

# Words that say nothing about a page; dropped from the index and the query (a query of only such
# words is searched as it is). Kept short on purpose: «один», «нет», «дома» stay searchable, and so
# do «я, меня, мне, ты, тебя, тебе»: a child writes «меня бьют», the children's pages say «тебя»
# (a synonym group in data/search_synonyms.yml joins them).
STOP_WORDS = frozenset([
    "а", "без", "бы", "был", "была", "были", "было", "быть", "в", "вам", "вас", "ведь", "во", "вот", "все",
    "всё", "вы", "где", "да", "даже", "для", "до", "его", "ее", "её", "ей", "ему", "если", "есть", "еще",
    "ещё", "же", "за", "и", "из", "или", "им", "их", "к", "как", "какой", "когда", "кто", "ли", "либо", "мы",
    "на", "над", "нам", "нас", "не", "него", "нее", "неё", "ней", "нибудь", "ним", "них", "но", "ну", "о",
    "об", "однако", "он", "она", "они", "оно", "от", "по", "под", "при", "про", "с", "со", "так", "также",
    "там", "те", "то", "того", "тоже", "той", "только", "том", "у", "уж", "уже", "чем", "что", "чтоб",
    "чтобы", "эта", "эти", "это", "этот", "мой", "моя", "мои", "моё", "мое",
])

TOKEN = re.compile(r"[0-9a-zа-я]+")
PHONE = re.compile(r"(?<![\d])(?:\+7|8)?[\s(-]*\d[\d\s()-]{1,16}\d(?![\d])")
TAG = re.compile(r"<[^>]+>")
DIGITS = re.compile(r"\d+")
RUSSIAN_WORD = re.compile(r"[а-я]+")


def normalize(text: str) -> str:
    """Lower case with ё as е: the index and the query spell every word one way."""
    return text.lower().replace("ё", "е")


def tokens(text: str) -> list[str]:
    """The words of a text, normalized; a phone number also as its digits run together."""
    text = normalize(text)
    words = TOKEN.findall(text)
    if sum(map(len, DIGITS.findall(text))) < 5:  # too few digits for a number worth keeping (most texts)
        return words
    for match in PHONE.finditer(text):
        digits = re.sub(r"\D", "", match.group(0))
        if len(digits) >= 5 and digits not in words:
            words.append(digits)
    return words


def _regions(word: str) -> tuple[int, int]:
    """RV (after the first vowel) and R2 (Snowball's second region) as start positions."""
    rv = next((i + 1 for i, c in enumerate(word) if c in VOWELS), len(word))

    def region(start: int) -> int:
        for i in range(start + 1, len(word)):
            if word[i] not in VOWELS and word[i - 1] in VOWELS:
                return i + 1
        return len(word)

    return rv, region(region(0))


@functools.cache
def _endings_of(names: tuple[str, ...]) -> tuple[dict[str, str], int]:
    """Ending → the first of the lists `names` that has it, and the longest ending's length."""
    table: dict[str, str] = {}
    for name in names:
        for end in ENDINGS[name]:
            table.setdefault(end, name)
    return table, max(map(len, table))


def _ending(word: str, start: int, names: tuple[str, ...]) -> tuple[str, str] | None:
    """The longest ending of `word` from the lists `names` that lies at or after `start` (the first list's
    if two have it): the word's own endings looked up, longest first."""
    table, longest = _endings_of(names)
    for size in range(min(longest, len(word) - start), 0, -1):
        end = word[-size:]
        name = table.get(end)
        if name is not None:
            return name, end
    return None


def _remove(word: str, start: int, names: tuple[str, ...], after_a: tuple[str, ...]) -> str | None:
    found = _ending(word, start, names)
    if found is None:
        return None
    name, end = found
    rest = word[: len(word) - len(end)]
    if name in after_a:
        return rest if len(rest) > start and rest[-1] in "ая" else None
    return rest


@functools.lru_cache(maxsize=200_000)  # a site has far fewer distinct words than words
def stem(word: str) -> str:
    """Snowball's Russian stemmer (same steps in search.js)."""
    word = normalize(word)
    if not RUSSIAN_WORD.fullmatch(word):
        return word
    rv, r2 = _regions(word)
    if rv >= len(word):
        return word
    # step 1: perfective gerund, or (reflexive, then adjectival | verb | noun)
    done = _remove(word, rv, ("gerund1", "gerund2"), ("gerund1",))
    if done is not None:
        word = done
    else:
        word = _remove(word, rv, ("reflexive",), ()) or word
        adjective = _remove(word, rv, ("adjective",), ())
        if adjective is not None:
            word = _remove(adjective, rv, ("participle1", "participle2"), ("participle1",)) or adjective
        else:
            word = (_remove(word, rv, ("verb1", "verb2"), ("verb1",))
                    or _remove(word, rv, ("noun",), ()) or word)
    # step 2: и; step 3: derivational ость in R2; step 4: нн → н, superlative, ь
    if word.endswith("и") and len(word) - 1 >= rv:
        word = word[:-1]
    derivational = _ending(word, max(r2, rv), ("derivational",))
    if derivational:
        word = word[: len(word) - len(derivational[1])]
    superlative = _ending(word, rv, ("superlative",))
    if superlative:
        word = word[: len(word) - len(superlative[1])]
    if word.endswith("нн") and len(word) - 2 >= rv or word.endswith("ь") and len(word) - 1 >= rv:
        word = word[:-1]
    return word


@functools.lru_cache(maxsize=20_000)  # names of categories, districts, organisations repeat
def terms(text: str) -> tuple[str, ...]:
    """Stems of the words of `text` that carry meaning."""
    return tuple([stem(word) for word in tokens(text) if word not in STOP_WORDS])


# ---------------------------------------------------------------- documents

@dataclass
class Doc:
    location: str  # URL relative to the site root, with #anchor for a section
    title: str
    text: str  # plain text
    kind: str = "page"  # page | section | service | event | algorithm — the label under the title
    keywords: list[str] = field(default_factory=list)
    parent: str = ""  # the page's title, for a section
    boost: float = 1.0


KIND_LABELS = {"service": "Служба помощи", "event": "Событие", "algorithm": "Что делать, если…"}
FIELD_WEIGHTS = {"title": 2.0, "keywords": 2.5, "text": 1.0}
K1, B = 1.2, 0.5


def _short(text: str, limit: int = SHORT_TEXT) -> str:
    """The text with white space as one space, cut after a word to at most `limit` characters (… if cut)."""
    head = text[: limit + 1]
    if len(head) > limit and head.isprintable() and "  " not in head and head[0] != " " != head[-1]:
        # up to a letter past the limit, no white space but single spaces (isprintable: no other white space;
        # most descriptions): those characters begin the text so made, which goes on: it need not be split
        return text[: limit - 1].rsplit(" ", 1)[0] + "…"
    # the first characters, white space made one space, begin the whole text so made (a word cut at the end
    # goes on in it): when they are longer than `limit`, the rest of a long description need not be split
    head = " ".join(text[: limit + limit // 2].split())
    text = head if len(head) > limit or len(text) <= limit + limit // 2 else " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def plain(fragment: str) -> str:
    if "<" in fragment:
        fragment = TAG.sub(" ", fragment)
    return " ".join(html.unescape(fragment).split())


def record_entries(data: CampaignData, site: Site) -> list[dict[str, Any]]:
    """One search entry per service and per event, and one for each of their listings."""
    entries = [
        _entry(site.url_of(Site.SERVICES), "Службы помощи",
               ("Каталог служб помощи детям и семьям", ", ".join(c.name for c in data.categories.values()))),
        _entry(site.url_of(Site.EVENTS), "События",
               ("Семинары, родительские собрания, тренинги, акции", "календарь событий")),
    ]
    # a service's categories as words and their keywords: a few dozen combinations at most (a list shared by
    # the entries that have it: entries are read, never changed)
    named: dict[tuple[str, ...], tuple[str, list[str]]] = {}
    # the names of districts and organisations repeat too: each made one-spaced once (None: white space only)
    spaced: dict[str, str | None] = {"": ""}
    for service in data.services.values():
        categories = tuple(service.categories)
        known = named.get(categories)
        if known is None:
            known = named[categories] = (", ".join(data.categories[c].name for c in categories),
                                         [k for c in categories for k in data.categories[c].keywords])
        names, keywords = known
        parts: tuple[str, ...] = (
            names,
            service.district,
            data.organizations[service.organization_id].name,
            _short(service.description),  # one-spaced already
        )
        words = [spaced[p] if p in spaced else spaced.setdefault(p, " ".join(p.split()) or None) for p in parts[:3]]
        one_spaced = None not in words
        entries.append(_entry(site.url_of(Site.service(service.id)), service.name,
                              (*cast(list[str], words), parts[3]) if one_spaced else parts, "service", keywords, one_spaced))
    for event in data.events.values():
        times = event_times(event, data.campaign)
        parts = (m.EVENT_TYPE_LABELS[event.type.value], date_ru(times.effective_start.date()),
                 event.place.name if event.place else "онлайн", _short(first_paragraph(event.description)))
        entries.append(_entry(site.url_of(Site.event(event.id)), event.title, parts, "event"))
    for helpline in data.helplines.values():  # its part of the helplines page: found by its numbers too
        entries.append({"location": site.url_of(Site.HELPLINES) + f"#{helpline.id}-title",
                        "keywords": [helpline.name, *(p.number for p in helpline.phones)]})
    for algorithm in data.algorithms.values():  # the page itself is indexed by the engine: add its words
        entries.append({"location": site.url_of(Site.algorithm(algorithm.id)), "keywords": list(algorithm.keywords),
                        "kind": "algorithm"})
    return entries


def _entry(location: str, title: str, parts: Iterable[str], kind: str = "page",
           keywords: list[str] | None = None, one_spaced: bool = False) -> dict[str, Any]:
    """A record's entry: its title and text as plain text, with white space as one space (what `plain` makes
    of the engine's HTML: not escaped only to be unescaped by `documents`). `one_spaced`: each part is so
    already, none white space only (the parts' words, joined by « · », are then the text's words)."""
    text = " · ".join(p for p in parts if p)
    entry: dict[str, Any] = {"location": location, "title": " ".join(title.split()),
                             "text": text if one_spaced else " ".join(text.split()), "kind": kind}
    if keywords:
        entry["keywords"] = keywords
    return entry


def front_matter_keywords(markdown: str) -> list[str]:
    """`keywords:` of a page's front matter (a list, or words separated by commas)."""
    match = re.match(r"---\s*\n(.*?)\n---\s*(\n|$)", markdown, re.DOTALL)
    if not match:
        return []
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return []  # a broken front matter is reported by the page checks, not here
    words = meta.get("keywords") if isinstance(meta, dict) else None
    if isinstance(words, str):
        words = words.split(",")
    return [str(w).strip() for w in words if str(w).strip()] if isinstance(words, list) else []


def page_keywords(docs_dir: Path, site: Site, generated: Iterable[tuple[str, str]] = ()) -> dict[str, list[str]]:
    """`keywords:` from the front matter of hand-written pages (and of generated ones, given as
    (path, Markdown)): URL → words people search with."""
    pages = [(p.relative_to(docs_dir).as_posix(), p.read_text(encoding="utf-8")) for p in sorted(docs_dir.rglob("*.md"))]
    out: dict[str, list[str]] = {}
    for path, markdown in [*pages, *generated]:
        words = front_matter_keywords(markdown)
        if words:
            out[site.url_of(path)] = words
    return out


def documents(engine_docs: list[dict[str, Any]], entries: list[dict[str, Any]],
              keywords: dict[str, list[str]]) -> list[Doc]:
    """The engine's page and section entries (Material: location, title, text as HTML) with the record
    entries (`record_entries`: plain text) and the keywords; documents of pages first, records after,
    in a stable order."""
    extra: dict[str, list[str]] = {loc: list(words) for loc, words in keywords.items()}
    kinds: dict[str, str] = {}
    docs: list[Doc] = []
    titles: dict[str, str] = {}
    for entry in entries:
        if "title" not in entry:  # words for a page the engine indexes (algorithms)
            extra.setdefault(entry["location"], []).extend(entry.get("keywords", []))
            kinds[entry["location"]] = entry.get("kind", "page")
    for raw in engine_docs:
        location, title, text = raw.get("location", ""), plain(raw.get("title", "")), plain(raw.get("text", ""))
        page = location.split("#", 1)[0]
        if "#" not in location:
            titles[page] = title
        if not text and not title:
            continue
        doc = Doc(location, title, text, kinds.get(page, "page") if "#" not in location else "section",
                  boost=float(raw.get("boost", 1.0) or 1.0))
        doc.keywords = extra.get(location, [])
        if "#" in location:
            doc.parent = titles.get(page, "")
        docs.append(doc)
    for entry in entries:
        if "title" in entry:
            docs.append(Doc(entry["location"], entry["title"], entry.get("text", ""),  # plain text already
                            entry.get("kind", "page"), list(entry.get("keywords", []))))
    return docs


# ---------------------------------------------------------------- the index files

def _shard(term: str) -> str:
    return format(ord(term[0]), "x")


def _hashed(folder: str, name: str, payload: Any) -> tuple[str, bytes]:
    body = to_json(payload)  # what json.dumps(…, ensure_ascii=False, separators=(",", ":")) gives, in half the time
    return f"{folder}/{name}.{hashlib.sha256(body).hexdigest()[:10]}.json", body


class _FieldScores(dict):
    """A field's BM25 score of a term by how often it is there: tf → weight · tf · (K1 + 1) / (tf + norm)
    (`norm`: K1, and for the text K1 · (1 − B + B · length / average length)), each count worked out once."""

    def __init__(self, weight: float, norm: float) -> None:
        super().__init__()
        self.weight, self.norm = weight, norm

    def __missing__(self, tf: int) -> float:
        score = self[tf] = self.weight * tf * (K1 + 1) / (tf + self.norm)
        return score


class _Weights(dict):
    """A document's weight of a term by its score: score · boost · 20, rounded and kept within 1…255."""

    def __init__(self, boost: float) -> None:
        super().__init__()
        self.boost = boost

    def __missing__(self, score: float) -> int:
        weighted = round(score * self.boost * 20)
        weight = self[score] = 1 if weighted < 1 else 255 if weighted > 255 else weighted
        return weight


class _TextWeights(dict):
    """tf → weight of a term found in a text only (its score: the text's alone)."""

    def __init__(self, scores: _FieldScores, weights: _Weights) -> None:
        super().__init__()
        self.scores, self.weights = scores, weights

    def __missing__(self, tf: int) -> int:
        weight = self[tf] = self.weights[self.scores[tf]]
        return weight


def _postings(docs: list[Doc]) -> dict[str, list[int]]:
    """Term → [document, weight, document, weight, …] in the order of the documents.

    BM25 per field, then weighted: a word in the title or the keywords counts as much as several
    in the text, and a long text does not win by length. The weight is the field scores' sum
    (title, keywords, text: always added in that order, so the floats and the bytes stay the
    same), times the document's boost, times 20, rounded and kept within 1…255."""
    # a record's text is its categories', district's and organisation's names and its description: the parts'
    # stems are worked out once per distinct part (`terms`) and joined without a Python step per word
    texts = [tuple(chain.from_iterable(map(terms, doc.text.split(" · ")))) for doc in docs]
    average = sum(map(len, texts)) / max(1, len(texts)) or 1.0
    title_scores = _FieldScores(FIELD_WEIGHTS["title"], K1)
    keywords_scores = _FieldScores(FIELD_WEIGHTS["keywords"], K1)
    text_weight = FIELD_WEIGHTS["text"]
    # a record's keywords are its categories': a few dozen lists among thousands of documents, each counted once;
    # a text's scores depend on its length alone: one table per length
    keyword_fields: dict[tuple[str, ...], list[tuple[str, float]]] = {}
    text_tables: dict[int, _FieldScores] = {}
    weights = _Weights(1.0)  # score → weight of a document without a boost (nearly all): a few hundred scores
    postings: defaultdict[str, list[int]] = defaultdict(list)
    lists = postings.__getitem__
    alone_tables: dict[int, _TextWeights] = {}  # length → (tf → weight of a text-only term), documents without a boost

    def text_weights(length: int, text_scores: _FieldScores) -> _TextWeights:
        table = alone_tables.get(length)
        if table is None:
            table = alone_tables[length] = _TextWeights(text_scores, weights)
        return table

    for ident, doc in enumerate(docs):
        title = terms(doc.title)
        if len(set(title)) == len(title):  # each word once (most titles)
            head: dict[str, float] = dict.fromkeys(title, title_scores[1])
        else:
            head = {t: title_scores[tf] for t, tf in Counter(title).items()}
        words = tuple(doc.keywords)
        if words:
            keyword_field = keyword_fields.get(words)
            if keyword_field is None:
                keyword_field = keyword_fields[words] = [
                    (t, keywords_scores[tf]) for t, tf in Counter([t for word in words for t in terms(word)]).items()]
            for term, score in keyword_field:
                before = head.get(term)
                head[term] = score if before is None else before + score
        text = texts[ident]
        length = len(text)
        text_scores = text_tables.get(length)
        if text_scores is None:
            text_scores = text_tables[length] = _FieldScores(text_weight, K1 * (1 - B + B * length / average))
        weight_of = weights if doc.boost == 1.0 else _Weights(doc.boost)
        pop = head.pop
        # a term's score is title + keywords + text (in that order); a text term in neither is the text's score alone
        if len(set(text)) == length:  # each word once (most records' texts): one score for all
            once = text_scores[1]
            pair = (ident, weight_of[once])
            for term in text:
                before = pop(term, None)
                listed = lists(term)
                listed += pair if before is None else (ident, weight_of[before + once])
        else:
            alone = text_weights(length, text_scores) if weight_of is weights else _TextWeights(text_scores, weight_of)
            for term, tf in Counter(text).items():
                before = pop(term, None)
                listed = lists(term)
                listed += (ident, alone[tf] if before is None else weight_of[before + text_scores[tf]])
        for term, score in head.items():
            listed = lists(term)
            listed += (ident, weight_of[score])
    return postings


def build_index(docs: list[Doc], synonyms: list[list[str]]) -> dict[str, bytes]:
    """Path under `search/` → content of every index file."""
    postings = _postings(docs)
    shards: dict[str, dict[str, list[int]]] = {}
    for term in sorted(postings):
        flat = postings[term]
        idents = flat[0::2]  # the documents as differences from the one before
        flat[2::2] = map(operator.sub, idents[1:], idents)
        shards.setdefault(_shard(term), {})[term] = flat
    files: dict[str, bytes] = {}
    for table in shards.values():  # long lists in their own files: a letter's file stays small at any size
        for term, flat in table.items():
            if len(flat) > 2 * LONG_POSTINGS:
                path, body = _hashed("p", _shard(term) + "-" + hashlib.sha256(term.encode()).hexdigest()[:8], flat)
                files[path] = body
                table[term] = path  # type: ignore[assignment]
    shard_names: dict[str, str] = {}
    for key, table in shards.items():
        path, body = _hashed("t", key, table)
        files[path], shard_names[key] = body, path
    chunk_names = []
    for start in range(0, len(docs), CHUNK):
        rows = [[d.location, d.title, _snippet(d.text), KIND_LABELS.get(d.kind, ""), d.parent]
                for d in docs[start:start + CHUNK]]
        path, body = _hashed("d", str(start // CHUNK), rows)
        files[path] = body
        chunk_names.append(path)
    pages: list[list[int]] = []  # [first id, count] of each page with sections (they follow it)
    for ident, doc in enumerate(docs):
        page = doc.location.split("#", 1)[0]
        if "#" in doc.location and pages and docs[pages[-1][0]].location == page and sum(pages[-1]) == ident:
            pages[-1][1] += 1
        elif "#" not in doc.location:
            pages.append([ident, 1])
    groups = [sorted({t for word in group for t in terms(word)}) for group in synonyms]
    meta = {"format": FORMAT, "docs": len(docs), "chunk": CHUNK, "shards": shard_names, "chunks": chunk_names,
            "pages": [p for p in pages if p[1] > 1],
            "endings": ENDINGS, "vowels": VOWELS, "stop": sorted(STOP_WORDS),
            "synonyms": [g for g in groups if len(g) > 1]}
    files["meta.json"] = to_json(meta)
    return files


def _snippet(text: str) -> str:
    return text if len(text) <= SNIPPET else text[:SNIPPET].rsplit(" ", 1)[0] + "…"


def site_index_files(engine_index: Path, entries: list[dict[str, Any]], keywords: dict[str, list[str]],
                     synonyms: list[list[str]]) -> dict[str, bytes]:
    """The site's search index (path under search/ → bytes): the hand-written pages' text from the
    engine's own index (Material's `search/search_index.json`) and one entry per record."""
    engine_docs = json.loads(engine_index.read_bytes())["docs"] if engine_index.exists() else []
    # hundreds of thousands of small lists and dicts, none cyclic: without the pause a full collection
    # scans the whole build's model as well (≈ 0.5 s at 10,000 services)
    paused = gc.isenabled()
    gc.disable()
    try:
        return build_index(documents(engine_docs, entries, keywords), synonyms)
    finally:
        if paused:
            gc.enable()


def drop_engine_index(site_dir: Path, engine_index: Path) -> None:
    """The engine's own index and search scripts, once ours is made from it."""
    engine_index.unlink(missing_ok=True)  # not used: nothing in the site fetches it
    drop_engine_search(site_dir)


def drop_engine_search(site_dir: Path) -> None:
    """Material's own search (lunr, its language files, the worker; ≈ 1.2 MB) is never loaded:
    our search box does not start it. Not shipping it keeps the site smaller."""
    scripts = site_dir / "assets" / "javascripts"
    shutil.rmtree(scripts / "lunr", ignore_errors=True)
    for worker in scripts.glob("workers/search.*"):
        worker.unlink()


def read_documents(site_dir: Path) -> list[list[str]]:
    """Every document of a built site's index: [location, title, snippet, label, page title] (tests, tools)."""
    meta = json.loads((site_dir / "search" / "meta.json").read_text(encoding="utf-8"))
    return [row for name in meta["chunks"] for row in json.loads((site_dir / "search" / name).read_text(encoding="utf-8"))]
