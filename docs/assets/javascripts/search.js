/* The site search in the browser (the index is made by helpsite/outputs/searchindex.py).
 *
 * What a person types goes through the same steps as the pages did: lower case, ё → е, words,
 * the same Russian stemmer (its ending lists come from the index), synonym groups from the
 * editors' data; a word that is not in the index is matched with one typo (two for long words).
 * The index is split: one query fetches meta.json, one file per first letter of its words and
 * the few document files of the results shown.
 *
 * Safety: the query lives only in the search field. Nothing is written to the URL, history,
 * cookies or storage; the field has no name, so even a submitted form carries no query.
 * Nothing is fetched before the visitor opens the search.
 */
(function () {
  "use strict";

  // ------------------------------------------------------------------ the engine (no DOM)

  function Engine(meta, fetchJSON) {
    this.meta = meta;
    this.fetchJSON = fetchJSON; // path under search/ → Promise of the parsed file
    this.stop = new Set(meta.stop);
    this.shards = {}; // key → Promise of {stem: postings}
    this.loaded = {}; // key → {stem: postings, or the name of the file that holds them}, once fetched
    this.long = {}; // file name → Promise (postings kept in their own file)
    this.chunks = {}; // n → Promise of rows
    this.synonyms = {}; // stem → [stems of its groups]
    var self = this;
    meta.synonyms.forEach(function (group) {
      group.forEach(function (term) {
        var list = self.synonyms[term] || (self.synonyms[term] = []);
        group.forEach(function (other) { if (other !== term && list.indexOf(other) < 0) list.push(other); });
      });
    });
  }

  Engine.normalize = function (text) { return String(text).toLowerCase().replace(/ё/g, "е"); };

  Engine.prototype.words = function (text) {
    return Engine.normalize(text).match(/[0-9a-zа-я]+/g) || [];
  };

  Engine.prototype.stem = function (word) {
    var E = this.meta.endings, vowels = this.meta.vowels;
    word = Engine.normalize(word);
    if (!/^[а-я]+$/.test(word)) return word;
    var rv = word.length;
    for (var i = 0; i < word.length; i++) if (vowels.indexOf(word[i]) >= 0) { rv = i + 1; break; }
    function region(start) {
      for (var i = start + 1; i < word.length; i++)
        if (vowels.indexOf(word[i]) < 0 && vowels.indexOf(word[i - 1]) >= 0) return i + 1;
      return word.length;
    }
    var r2 = region(region(0));
    if (rv >= word.length) return word;
    function ending(w, start, names) {
      var best = null;
      names.forEach(function (name) {
        E[name].forEach(function (end) {
          if (w.slice(-end.length) === end && w.length - end.length >= start && (!best || end.length > best[1].length))
            best = [name, end];
        });
      });
      return best;
    }
    function remove(w, start, names, afterA) {
      var found = ending(w, start, names);
      if (!found) return null;
      var rest = w.slice(0, w.length - found[1].length);
      if (afterA.indexOf(found[0]) >= 0) return rest.length > start && "ая".indexOf(rest[rest.length - 1]) >= 0 ? rest : null;
      return rest;
    }
    var done = remove(word, rv, ["gerund1", "gerund2"], ["gerund1"]);
    if (done !== null) word = done;
    else {
      word = remove(word, rv, ["reflexive"], []) || word;
      var adjective = remove(word, rv, ["adjective"], []);
      if (adjective !== null) word = remove(adjective, rv, ["participle1", "participle2"], ["participle1"]) || adjective;
      else word = remove(word, rv, ["verb1", "verb2"], ["verb1"]) || remove(word, rv, ["noun"], []) || word;
    }
    if (word.slice(-1) === "и" && word.length - 1 >= rv) word = word.slice(0, -1);
    var derivational = ending(word, Math.max(r2, rv), ["derivational"]);
    if (derivational) word = word.slice(0, word.length - derivational[1].length);
    var superlative = ending(word, rv, ["superlative"]);
    if (superlative) word = word.slice(0, word.length - superlative[1].length);
    if (word.slice(-2) === "нн" && word.length - 2 >= rv) word = word.slice(0, -1);
    else if (word.slice(-1) === "ь" && word.length - 1 >= rv) word = word.slice(0, -1);
    return word;
  };

  Engine.prototype.shard = function (term) {
    var key = term.charCodeAt(0).toString(16), name = this.meta.shards[key];
    if (!name) return Promise.resolve({});
    var loaded = this.loaded;
    if (!this.shards[key]) this.shards[key] = this.fetchJSON(name).then(function (table) { loaded[key] = table; return table; });
    return this.shards[key];
  };

  Engine.prototype.rows = function (ids) {
    var self = this, chunk = this.meta.chunk, wanted = {};
    ids.forEach(function (id) { wanted[Math.floor(id / chunk)] = true; });
    return Promise.all(Object.keys(wanted).map(function (n) {
      if (!self.chunks[n]) self.chunks[n] = self.fetchJSON(self.meta.chunks[n]);
      return self.chunks[n].then(function (rows) { return [n, rows]; });
    })).then(function (loaded) {
      var byChunk = {};
      loaded.forEach(function (pair) { byChunk[pair[0]] = pair[1]; });
      return ids.map(function (id) { return byChunk[Math.floor(id / chunk)][id % chunk]; });
    });
  };

  // Damerau–Levenshtein distance, stopping early above `limit`
  function distance(a, b, limit) {
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    var prev2 = null, prev = [], cur, i, j;
    for (j = 0; j <= b.length; j++) prev[j] = j;
    for (i = 1; i <= a.length; i++) {
      cur = [i];
      var best = i;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
        if (prev2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) cur[j] = Math.min(cur[j], prev2[j - 2] + 1);
        if (cur[j] < best) best = cur[j];
      }
      if (best > limit) return limit + 1;
      prev2 = prev; prev = cur;
    }
    return prev[b.length];
  }

  /* The query's words ("slots"), each with the index terms it may match and their weights. */
  Engine.prototype.slots = function (query) {
    var self = this, words = this.words(query);
    var content = words.filter(function (w) { return !self.stop.has(w); });
    if (!content.length) content = words;
    var typing = !/\s$/.test(query);
    return content.slice(0, 8).map(function (word, i) {
      var s = self.stem(word);
      return { word: word, stem: s, last: typing && i === content.length - 1 };
    });
  };

  Engine.prototype.expand = function (slot) {
    var self = this, terms = {};
    function add(term, weight) { if (term && !((terms[term] || 0) >= weight)) terms[term] = weight; }
    add(slot.stem, 1); add(slot.word, 1);
    [slot.stem, slot.word].forEach(function (t) { (self.synonyms[t] || []).forEach(function (o) { add(o, 0.8); }); });
    var exact = Object.keys(terms);
    return Promise.all(exact.map(function (t) { return self.shard(t); })).then(function () {
      var found = exact.some(function (t) { return self.has(t); }), added = 0;
      // longer words that start with one of the query's (a word being typed, «насил» → «насильственн»)
      exact.forEach(function (p) {
        var own = p === slot.stem || p === slot.word;
        if (p.length < (own && slot.last ? 2 : own ? 3 : 4)) return;
        var table = self.loaded[p.charCodeAt(0).toString(16)] || {}, weight = own ? (slot.last ? 0.7 : 0.5) : 0.4;
        for (var v in table) {
          if (added >= 30) break;
          if (v.length > p.length && v.lastIndexOf(p, 0) === 0 && !(v in terms)) { add(v, weight); added++; }
        }
      });
      if (!found && !added && slot.word.length >= 4) { // a typo: the closest words of the index
        var limit = slot.word.length >= 8 ? 2 : 1, table = self.loaded[slot.stem.charCodeAt(0).toString(16)] || {};
        for (var v in table) {
          var d = Math.min(distance(slot.stem, v, limit), distance(slot.word, v, limit));
          if (d <= limit) add(v, d === 1 ? 0.6 : 0.4);
        }
      }
      // long lists of documents live in their own files: fetch those of the terms used
      return Promise.all(Object.keys(terms).map(function (t) { return self.postings(t); })).then(function () { return terms; });
    });
  };

  Engine.prototype.has = function (term) {
    var table = this.loaded[term.charCodeAt(0).toString(16)];
    return !!table && Object.prototype.hasOwnProperty.call(table, term);
  };

  Engine.prototype.postings = function (term) {
    var table = this.loaded[term.charCodeAt(0).toString(16)];
    if (!table || !Object.prototype.hasOwnProperty.call(table, term) || typeof table[term] !== "string") return Promise.resolve();
    var name = table[term], long = this.long;
    if (!long[name]) long[name] = this.fetchJSON(name).then(function (list) { table[term] = list; });
    return long[name];
  };

  Engine.prototype.lookup = function (term) {
    var table = this.loaded[term.charCodeAt(0).toString(16)];
    return table && Object.prototype.hasOwnProperty.call(table, term) && typeof table[term] !== "string" ? table[term] : null;
  };

  /* Ranked page groups: [{score, best: docId, ids: [...]}] */
  Engine.prototype.search = function (query) {
    var self = this, slots = this.slots(query), n = this.meta.docs;
    if (!slots.length) return Promise.resolve({ slots: slots, groups: [] });
    return Promise.all(slots.map(function (slot) { return self.expand(slot); })).then(function (expanded) {
      var total = {}, matched = {}, best = {};
      expanded.forEach(function (terms, i) {
        var slotScore = {};
        Object.keys(terms).forEach(function (term) {
          var postings = self.lookup(term);
          if (!postings) return;
          var df = postings.length / 2, idf = Math.log(1 + (n - df + 0.5) / (df + 0.5)), id = 0;
          for (var k = 0; k < postings.length; k += 2) {
            id += postings[k];
            var s = terms[term] * idf * postings[k + 1] / 20;
            if (!(slotScore[id] >= s)) slotScore[id] = s;
          }
        });
        slots[i].terms = terms;
        Object.keys(slotScore).forEach(function (id) {
          total[id] = (total[id] || 0) + slotScore[id];
          matched[id] = (matched[id] || 0) + 1;
        });
      });
      var groups = {};
      Object.keys(total).forEach(function (key) {
        var id = +key, score = total[key] * Math.pow(matched[key] / slots.length, 2);
        var g = self.group(id), entry = groups[g] || (groups[g] = { score: 0, best: id, top: 0, ids: [] });
        entry.ids.push(id);
        if (score > entry.top) { entry.top = score; entry.best = id; }
        entry.score += score;
      });
      var list = Object.keys(groups).map(function (g) {
        var e = groups[g];
        e.score = e.top + 0.15 * (e.score - e.top); // the best part of a page, and a little for the rest
        if (+g !== e.best && total[g] !== undefined && groups[g].ids.indexOf(+g) >= 0) {
          var pageScore = total[g] * Math.pow(matched[g] / slots.length, 2);
          if (pageScore >= 0.8 * e.top) e.best = +g; // the page itself when it matches almost as well
        }
        return e;
      }).sort(function (a, b) { return b.score - a.score || a.best - b.best; });
      return { slots: slots, groups: list };
    });
  };

  /* A page's sections follow it; meta.pages lists [first id, count] for pages with sections. */
  Engine.prototype.group = function (id) {
    var pages = this.meta.pages, lo = 0, hi = pages.length - 1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1, p = pages[mid];
      if (id < p[0]) hi = mid - 1;
      else if (id >= p[0] + p[1]) lo = mid + 1;
      else return p[0];
    }
    return id;
  };

  /* Whether a word of a result is one the query matched (to mark it). Short words that only a
     synonym brought in (ты, тебя for «меня») are not marked: they are everywhere. */
  Engine.prototype.matches = function (word, slots) {
    var w = Engine.normalize(word), s = this.stem(w);
    return slots.some(function (slot) {
      var terms = slot.terms || {}, weight = Math.max(terms[s] || 0, terms[w] || 0);
      if (s === slot.stem || w === slot.word) return true;
      if (s.length >= 3 && slot.stem.length >= 3 && s.lastIndexOf(slot.stem, 0) === 0) return true;
      return weight > 0 && (w.length > 4 || weight >= 1);
    });
  };

  if (typeof module !== "undefined" && module.exports) { module.exports = { Engine: Engine, distance: distance }; return; }

  // ------------------------------------------------------------------ the search box (Material's markup)

  var script = document.currentScript;
  var root = new URL("../../", script.src), base = new URL("search/", root);
  var toggle = document.getElementById("__search");
  var box = document.querySelector("[data-hs-search]");
  if (!toggle || !box) return;
  build();
  var input = box.querySelector(".md-search__input"), form = box.querySelector("form");
  var status = box.querySelector(".md-search-result__meta"), list = box.querySelector(".md-search-result__list");
  var empty = box.querySelector(".hs-search-empty"), more = box.querySelector(".hs-search-more");
  var PAGE = 10, engine = null, loading = null, sequence = 0, shown = [], current = null, timer = 0;

  // The box's inside, made here rather than in every page (overrides/partials/search.html): Material's markup
  // for its search box, with the magnifier of the header's button and Material's arrow and cross. An empty
  // result shows the helplines: the main one as the bar at the top of the page has it (name, numbers, terms),
  // then what the page keeps in the box (emergency numbers, the link to all helplines).
  function build() {
    var inner = box.querySelector(".md-search__inner"), magnifier = document.querySelector("label.md-header__button[for=__search] svg");
    var icon = function (path) { return '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="' + path + '"/></svg>'; };
    var overlay = document.createElement("label");
    overlay.className = "md-search__overlay"; overlay.htmlFor = "__search";
    box.insertBefore(overlay, inner);
    inner.innerHTML = '<form class="md-search__form" action="#" autocomplete="off">' +
      '<input type="text" class="md-search__input" aria-label="Поиск по сайту" placeholder="Поиск: что случилось?" autocapitalize="off" autocorrect="off" autocomplete="off" spellcheck="false" enterkeyhint="search">' +
      '<label class="md-search__icon md-icon" for="__search">' + (magnifier ? magnifier.outerHTML : "") +
      icon("M20 11v2H8l5.5 5.5-1.42 1.42L4.16 12l7.92-7.92L13.5 5.5 8 11z") + "</label>" +
      '<nav class="md-search__options" aria-label="Поиск"><button type="reset" class="md-search__icon md-icon" title="Очистить" aria-label="Очистить" tabindex="-1">' +
      icon("M19 6.41 17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 19 17.59 13.41 12z") + "</button></nav></form>" +
      '<div class="md-search__output"><div class="md-search__scrollwrap" tabindex="0" data-md-scrollfix><div class="md-search-result">' +
      '<div class="md-search-result__meta" role="status"></div><ol class="md-search-result__list" role="presentation"></ol>' +
      '<button type="button" class="hs-search-more md-button" hidden>Показать ещё</button></div></div></div>';
    var result = inner.querySelector(".md-search-result"), emptyBox = box.querySelector(".hs-search-empty") || document.createElement("div");
    emptyBox.className = "hs-search-empty"; emptyBox.hidden = true;
    var intro = document.createElement("p"), line = document.createElement("p"), bar = document.querySelector(".hs-helpline-bar");
    intro.textContent = "Попробуйте написать по-другому — или позвоните, там выслушают и помогут:";
    line.className = "hs-search-empty__line";
    if (bar) {
      var phones = bar.querySelectorAll("a.hs-phone"), name = bar.querySelector("span"), terms = bar.querySelector(".hs-helpline-bar__terms");
      Array.prototype.forEach.call(phones, function (a, i) {
        if (i) line.appendChild(document.createTextNode(" или "));
        var copy = document.createElement("a");
        copy.className = "hs-phone"; copy.href = a.getAttribute("href"); copy.textContent = a.textContent;
        line.appendChild(copy);
      });
      var text = name ? name.textContent.replace(/:\s*$/, "") : "";
      var more = terms ? terms.textContent.replace(/^\s*—\s*/, "") : "";
      line.appendChild(document.createTextNode(" — " + text + (more ? ": " + more : "")));
    }
    if (bar) emptyBox.insertBefore(line, emptyBox.firstChild);
    emptyBox.insertBefore(intro, emptyBox.firstChild);
    result.insertBefore(emptyBox, result.querySelector(".md-search-result__list"));
    // Material's scroll fix for iOS (its `data-md-scrollfix`), which it gives only to what is there when it starts
    var wrap = inner.querySelector("[data-md-scrollfix]");
    wrap.removeAttribute("data-md-scrollfix");
    if (/(iPad|iPhone|iPod)/.test(navigator.userAgent)) {
      wrap.addEventListener("touchstart", function () {
        var top = wrap.scrollTop;
        if (top === 0) wrap.scrollTop = 1;
        else if (top + wrap.offsetHeight === wrap.scrollHeight) wrap.scrollTop = top - 1;
      });
    }
  }

  function fetchJSON(path) {
    return fetch(new URL(path, base).href, { credentials: "same-origin", cache: path === "meta.json" ? "no-cache" : "default" })
      .then(function (r) { if (!r.ok) throw new Error(r.status + " " + path); return r.json(); });
  }

  function ready() {
    if (!loading) {
      loading = fetchJSON("meta.json").then(function (meta) {
        engine = new Engine(meta, fetchJSON);
        return engine;
      });
      loading.catch(function () { loading = null; });
    }
    return loading;
  }

  function say(text) { status.textContent = text; }

  function plural(n) {
    var d = n % 10, h = n % 100;
    return n + " " + (d === 1 && h !== 11 ? "страница" : d >= 2 && d <= 4 && (h < 12 || h > 14) ? "страницы" : "страниц");
  }

  function escape(text) {
    return String(text).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; });
  }

  function marked(text, slots) {
    return text.split(/([0-9A-Za-zА-Яа-яЁё]+)/).map(function (part, i) {
      return i % 2 && engine.matches(part, slots) ? "<mark>" + escape(part) + "</mark>" : escape(part);
    }).join("");
  }

  function snippet(text, slots) {
    var words = text.split(/([0-9A-Za-zА-Яа-яЁё]+)/), at = 0, pos = 0;
    for (var i = 0; i < words.length; i++) {
      if (i % 2 && engine.matches(words[i], slots)) { at = pos; break; }
      pos += words[i].length;
    }
    var start = Math.max(0, at - 60);
    if (start > 0) start = text.indexOf(" ", start) + 1 || start;
    var part = text.slice(start, start + 220);
    return (start > 0 ? "… " : "") + part + (start + 220 < text.length ? " …" : "");
  }

  function render(rows, slots, append) {
    if (!append) list.textContent = "";
    rows.forEach(function (row) {
      var li = document.createElement("li");
      li.className = "md-search-result__item";
      var label = row[4] ? row[4] : row[3];
      li.innerHTML = '<a class="md-search-result__link" tabindex="-1"><article class="md-search-result__article md-typeset">' +
        '<div class="md-search-result__icon md-icon"></div>' +
        (label ? '<p class="hs-search-kind">' + escape(label) + "</p>" : "") +
        "<h1>" + marked(row[1], slots) + "</h1>" +
        (row[2] ? "<p>" + marked(snippet(row[2], slots), slots) + "</p>" : "") + "</article></a>";
      li.firstChild.href = new URL(row[0], root).href;
      list.appendChild(li);
    });
  }

  function showMore() {
    var next = current.groups.slice(shown.length, shown.length + PAGE), mine = sequence;
    var ids = next.map(function (g) { return g.best; });
    return engine.rows(ids).then(function (rows) {
      if (mine !== sequence) return;
      shown = shown.concat(ids);
      render(rows, current.slots, shown.length > PAGE);
      more.hidden = shown.length >= current.groups.length;
    });
  }

  function run() {
    var query = input.value, mine = ++sequence;
    if (!query.trim()) {
      list.textContent = ""; empty.hidden = true; more.hidden = true;
      say("Напишите, что случилось или что вы ищете");
      state("ready");
      return Promise.resolve();
    }
    return ready().then(function () {
      return engine.search(query);
    }).then(function (result) {
      if (mine !== sequence) return;
      current = result; shown = [];
      var count = result.groups.length;
      empty.hidden = count > 0;
      if (!count) { list.textContent = ""; more.hidden = true; say("Ничего не нашлось"); return; }
      say("Нашлось: " + plural(count));
      return showMore();
    }).catch(function () {
      if (mine !== sequence) return;
      list.textContent = ""; more.hidden = true; empty.hidden = false;
      say("Поиск сейчас не работает");
    }).then(function () { if (mine === sequence) state("ready"); });
  }

  function open() {
    if (!toggle.checked) { toggle.checked = true; toggle.dispatchEvent(new Event("change")); }
  }

  function close() {
    if (toggle.checked) { toggle.checked = false; toggle.dispatchEvent(new Event("change")); }
    input.blur();
  }

  function state(value) { box.setAttribute("data-hs-state", value); } // "busy" while a query runs, then "ready"

  input.addEventListener("input", function () {
    state("busy");
    clearTimeout(timer);
    timer = setTimeout(run, 80);
  });
  input.addEventListener("focus", function () { open(); ready(); });
  // Tab out of the search (to the page): close it. Open, it holds the page still (on a phone it covers
  // it), and the keyboard would go on through links the reader cannot see.
  box.addEventListener("focusout", function (e) {
    var next = e.relatedTarget;
    if (next && !box.contains(next)) close();
  });
  toggle.addEventListener("change", function () {
    if (toggle.checked) { ready(); if (document.activeElement !== input) setTimeout(function () { input.focus(); }, 50); }
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault(); // never a request with the query
    var first = list.querySelector("a");
    if (first) first.click();
  });
  form.addEventListener("reset", function () { setTimeout(run, 0); input.focus(); });
  more.addEventListener("click", function () { showMore(); });
  list.addEventListener("click", function (e) { // a result on this same page: no navigation, so close here
    if (e.target.closest && e.target.closest("a")) { toggle.checked = false; toggle.dispatchEvent(new Event("change")); }
  });
  box.addEventListener("keydown", function (e) {
    var links = Array.prototype.slice.call(list.querySelectorAll("a")), at = links.indexOf(document.activeElement);
    if (e.key === "Escape") { e.preventDefault(); close(); var label = document.querySelector("label[for=__search]"); if (label) label.focus(); }
    else if (e.key === "ArrowDown" && links.length) { e.preventDefault(); links[Math.min(at + 1, links.length - 1)].focus(); }
    else if (e.key === "ArrowUp" && at >= 0) { e.preventDefault(); (at === 0 ? input : links[at - 1]).focus(); }
  });
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || (t && /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)) || (t && t.isContentEditable)) return;
    e.preventDefault(); open(); input.focus();
  });
  say("Напишите, что случилось или что вы ищете");
})();
