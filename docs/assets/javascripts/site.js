/* Quick exit, one history entry per visit, and the directory filter. Own code, no third-party scripts.
   Why each behaviour is so: docs/safety.md (for readers) and tests/test_exit.py (proofs). */
(function () {
  "use strict";

  /* ---------------- quick exit ----------------
     The button and Shift ×3 are handled by the inline script first in <head> (overrides/partials/exit.html):
     they work before this file and any stylesheet have arrived. */
  function exitBar() { return document.getElementById("hs-exit-bar"); }

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

  /* Each service once (a service stands in every group of its categories), with its facts: they are on one of
     its entries, the one with data-categories (services_index.html.j2). */
  function readServices(now) {
    var byHref = {}, list = [];
    document.querySelectorAll(".hs-service").forEach(function (item) {
      var href = item.querySelector("a").getAttribute("href");
      var service = byHref[href];
      if (!service) {
        service = byHref[href] = { items: [], categories: [], audience: [], district: "", everywhere: false,
                                   minAge: null, maxAge: null, free: false, open: false };
        list.push(service);
      }
      if (item.hasAttribute("data-categories")) {
        service.categories = item.getAttribute("data-categories").split(" ");
        service.audience = (item.getAttribute("data-audience") || "").split(" ");
        service.district = item.getAttribute("data-district") || "";
        service.everywhere = item.getAttribute("data-area") === "all";
        service.minAge = ageNumber(item.getAttribute("data-min-age"));
        service.maxAge = ageNumber(item.getAttribute("data-max-age"));
        service.free = item.getAttribute("data-free") === "yes";
        service.open = isOpen(item.getAttribute("data-hours"), now);
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
