/* Quick exit, one history entry per visit, and the directory filter. Own code, no third-party scripts.
   Why each behaviour is so: docs/safety.md (for readers) and tests/test_exit.py (proofs). */
(function () {
  "use strict";

  /* ---------------- quick exit ----------------
     The button (a plain link without JavaScript) or Shift pressed alone three times within 5 s.
     On exit: the page is covered at once, what the site stored in this browser is removed, and
     the neutral site replaces the current history entry. */
  var STATUS_TIMEOUT = 5000;

  function exitBar() { return document.getElementById("hs-exit-bar"); }
  function exitUrl() {
    var bar = exitBar();
    return (bar && bar.getAttribute("data-exit-url")) || "https://ya.ru/";
  }

  /* Everything the site keeps in this browser: its own keys (hs-…) and Material's (scoped by the
     site's path). On a site at the root of its host that is the whole storage of the origin. */
  function forgetEverything() {
    var scope = "/";
    try { if (window.__md_scope) scope = window.__md_scope.pathname; } catch (e) { /* keep "/" */ }
    [window.localStorage, window.sessionStorage].forEach(function (store) {
      try {
        if (!store) return;
        if (scope === "/") { store.clear(); return; }
        for (var i = store.length - 1; i >= 0; i -= 1) {
          var key = store.key(i);
          if (key && (key.indexOf("hs-") === 0 || key.indexOf(scope) === 0)) store.removeItem(key);
        }
      } catch (e) { /* storage disabled: nothing was stored */ }
    });
    try {
      document.cookie.split(";").forEach(function (pair) {
        var name = pair.split("=")[0].trim();
        if (name) document.cookie = name + "=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=" + scope;
      });
    } catch (e) { /* no cookies */ }
    try { if (window.caches) caches.keys().then(function (keys) { keys.forEach(function (k) { caches.delete(k); }); }); } catch (e) { /* none */ }
  }

  function cover() {
    var root = document.documentElement;
    root.classList.add("hs-exiting");
    if (!document.querySelector(".hs-exit-overlay")) {
      var overlay = document.createElement("div");
      overlay.className = "hs-exit-overlay";
      document.body.appendChild(overlay);
    }
    document.title = "";
  }

  var leaving = false;
  function quickExit(event) {
    if (event) event.preventDefault();
    cover();  // first: nothing of the page stays on screen while the next site loads
    if (leaving) return;
    leaving = true;
    forgetEverything();
    window.location.replace(exitUrl());
  }
  document.addEventListener("click", function (event) {
    var target = event.target.closest && event.target.closest("#hs-exit");
    if (target) quickExit(event);
  }, true);
  // a page brought back from the browser's memory after an exit stays covered and leaves again
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && document.documentElement.classList.contains("hs-exiting")) {
      leaving = false;
      quickExit();
    }
  });

  /* Shift ×3 (like GOV.UK's "Exit this page", but other keys do not break the count): a Shift
     counts on keyup when no other key was pressed while it was held; Shift used as a modifier
     (Shift+A, Shift+Tab, Alt+Shift) starts the count again; Tab, letters, Ctrl+C, PageDown… change nothing. */
  var presses = 0, timer = null, shiftAlone = false;
  document.addEventListener("keydown", function (event) {
    // Alt+Shift and Ctrl+Shift switch the keyboard layout (Windows, Linux): not a press of the exit
    if (event.key === "Shift") { if (!event.repeat) shiftAlone = !(event.altKey || event.ctrlKey || event.metaKey); return; }
    if (event.shiftKey) shiftAlone = false;  // Shift is being used as a modifier
  }, true);
  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") return;
    if (!shiftAlone) { reset(""); return; }
    shiftAlone = false;
    presses += 1;
    clearTimeout(timer);
    if (presses >= 3) { show(3, "Закрываем сайт"); quickExit(); return; }
    timer = setTimeout(function () { reset("Быстрый выход сброшен: Shift нужно нажать 3 раза подряд"); }, STATUS_TIMEOUT);
    show(presses, "Shift: ещё " + (3 - presses) + (presses === 2 ? " раз" : " раза") + " — и сайт закроется");
  }, true);
  function reset(text) {
    presses = 0;
    clearTimeout(timer);
    show(0, text);
  }
  function show(count, text) {
    var bar = exitBar();
    if (bar) {
      bar.setAttribute("data-presses", String(count));
      bar.querySelectorAll(".hs-exit__dots > span").forEach(function (dot, i) {
        dot.classList.toggle("hs-exit__dot--on", i < count);
      });
    }
    var status = document.getElementById("hs-exit-status");
    if (status) status.textContent = text;
  }

  /* The bar keeps its own space: its height (larger fonts make it taller) is the top offset of
     Material's sticky header and of the scroll padding (site.css). */
  function measureBar() {
    var bar = exitBar();
    if (bar && bar.classList.contains("hs-exit--bar")) {
      document.documentElement.style.setProperty("--hs-exit-h", bar.offsetHeight + "px");
    }
  }
  if (window.ResizeObserver && exitBar()) new ResizeObserver(measureBar).observe(exitBar());
  window.addEventListener("resize", measureBar);

  /* ---------------- one history entry for the whole visit ----------------
     The site's own links replace the current history entry instead of adding one, so after the
     quick exit the browser's Back button leads to the page before the site, never to a page of
     it. The price: Back does not step between pages of this site (docs/safety.md). Links that
     open a new tab or window, downloads and other sites are left to the browser. */
  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    var link = event.target.closest && event.target.closest("a[href]");
    if (!link || link.hasAttribute("download")) return;
    var target = link.getAttribute("target");
    if (target && target !== "_self") return;
    var url;
    try { url = new URL(link.href, location.href); } catch (e) { return; }
    if (url.origin !== location.origin || !/^https?:$/.test(url.protocol)) return;
    event.preventDefault();
    if (url.href === location.href && url.hash) {  // same fragment again: scroll to it
      var el = document.getElementById(decodeURIComponent(url.hash.slice(1)));
      if (el) el.scrollIntoView();
      return;
    }
    location.replace(url.href);
  });

  /* ---------------- directory filter ----------------
     Every option shows how many services it would give with the other choices kept; the choice
     lives in the address (?district=…&age=…): a shared link, a reload and Back show the same list.
     A district keeps the services that serve the whole city or region (data-area="all"). */
  function nowIn(timeZone) {
    var parts = new Intl.DateTimeFormat("en-GB", {
      timeZone: timeZone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23"
    }).formatToParts(new Date());
    var get = function (type) { return parts.filter(function (p) { return p.type === type; })[0].value; };
    return { day: get("weekday").slice(0, 2).toLowerCase(), minutes: parseInt(get("hour"), 10) * 60 + parseInt(get("minute"), 10) };
  }
  function toMinutes(text) { var p = text.split(":"); return parseInt(p[0], 10) * 60 + parseInt(p[1], 10); }
  function isOpen(hoursJson, now) {
    if (!hoursJson) return false;
    var hours = JSON.parse(hoursJson);
    if (hours.always) return true;
    return (hours.weekly || []).some(function (entry) {
      return entry.days.indexOf(now.day) >= 0 && now.minutes >= toMinutes(entry.open) && now.minutes < toMinutes(entry.close);
    });
  }
  function ageNumber(text) { return text === "" || text === null ? null : parseInt(text, 10); }

  var SELECTS = ["category", "audience", "district", "age"], CHECKS = ["open", "free"];

  /* Each service once (a service stands in every group of its categories), with its facts. */
  function readServices(now) {
    var byHref = {}, list = [];
    document.querySelectorAll(".hs-service").forEach(function (item) {
      var href = item.querySelector("a").getAttribute("href");
      var service = byHref[href];
      if (!service) {
        service = byHref[href] = {
          items: [],
          categories: (item.getAttribute("data-categories") || "").split(" "),
          audience: (item.getAttribute("data-audience") || "").split(" "),
          district: item.getAttribute("data-district") || "",
          everywhere: item.getAttribute("data-area") === "all",
          minAge: ageNumber(item.getAttribute("data-min-age")),
          maxAge: ageNumber(item.getAttribute("data-max-age")),
          free: item.getAttribute("data-free") === "yes",
          open: isOpen(item.getAttribute("data-hours"), now)
        };
        list.push(service);
      }
      service.items.push(item);
    });
    return list;
  }
  var MATCH = {
    category: function (s, v) { return s.categories.indexOf(v) >= 0; },
    audience: function (s, v) { return s.audience.indexOf(v) >= 0 || s.audience.indexOf("everyone") >= 0; },
    district: function (s, v) { return s.everywhere || s.district === v; },
    age: function (s, v) {
      var age = parseInt(v, 10);
      return (s.minAge === null || s.minAge <= age) && (s.maxAge === null || age <= s.maxAge);
    },
    open: function (s) { return s.open; },
    free: function (s) { return s.free; }
  };

  function initFilter() {
    var form = document.getElementById("hs-filter");
    if (!form || form.dataset.ready) return;
    form.dataset.ready = "1";
    form.hidden = false;
    var timeZone = form.getAttribute("data-timezone");
    var count = form.querySelector(".hs-filter__count");
    var services = readServices(nowIn(timeZone));

    function choice() {
      var c = {};
      SELECTS.forEach(function (name) { if (form[name].value) c[name] = form[name].value; });
      CHECKS.forEach(function (name) { if (form[name].checked) c[name] = "1"; });
      return c;
    }
    function matches(service, c, except) {
      for (var name in c) {
        if (name !== except && !MATCH[name](service, c[name])) return false;
      }
      return true;
    }
    function label(el, n) {
      if (!el.hasAttribute("data-label")) el.setAttribute("data-label", el.textContent);
      el.textContent = el.getAttribute("data-label") + " (" + n + ")";
    }
    function counts(c) {
      SELECTS.forEach(function (name) {
        var pool = services.filter(function (s) { return matches(s, c, name); });
        Array.prototype.forEach.call(form[name].options, function (option) {
          label(option, option.value === "" ? pool.length
            : pool.filter(function (s) { return MATCH[name](s, option.value); }).length);
        });
      });
      CHECKS.forEach(function (name) {
        var n = services.filter(function (s) { return matches(s, c, name) && MATCH[name](s); }).length;
        label(form.querySelector(".hs-filter__n[data-for='" + name + "']"), n);
      });
    }
    function apply() {
      var c = choice();
      var shown = 0;
      services.forEach(function (s) {
        var ok = matches(s, c, null);
        if (ok) shown += 1;
        s.items.forEach(function (item) {
          var group = item.closest(".hs-group");
          item.hidden = !(ok && (!c.category || group.getAttribute("data-category") === c.category));
        });
      });
      document.querySelectorAll(".hs-group").forEach(function (group) {
        group.hidden = !group.querySelector(".hs-service:not([hidden])");
      });
      counts(c);
      count.textContent = shown === 0 ? "Ничего не найдено — измените условия или позвоните на телефон доверия." : "Найдено служб: " + shown;
      return c;
    }
    function toUrl(c) {
      var params = new URLSearchParams();
      SELECTS.concat(CHECKS).forEach(function (name) { if (c[name]) params.set(name, c[name]); });
      var query = params.toString();
      return location.pathname + (query ? "?" + query : "") + location.hash;
    }
    function fromUrl() {
      var params = new URLSearchParams(location.search);
      SELECTS.forEach(function (name) {
        var value = params.get(name) || "";
        var known = Array.prototype.some.call(form[name].options, function (o) { return o.value === value; });
        form[name].value = known ? value : "";
      });
      CHECKS.forEach(function (name) { form[name].checked = params.get(name) === "1"; });
    }
    form.addEventListener("change", function () {
      var url = toUrl(apply());
      if (url !== location.pathname + location.search + location.hash) history.replaceState(history.state, "", url);
    });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    window.addEventListener("pageshow", function () { fromUrl(); apply(); });
    window.addEventListener("popstate", function () { fromUrl(); apply(); });
    fromUrl();
    apply();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", initFilter);
  else initFilter();
})();
