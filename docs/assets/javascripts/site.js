/* Quick exit and the directory filter. Own code, no third-party scripts. */
(function () {
  "use strict";

  /* ---------------- quick exit ---------------- */
  function exitUrl() {
    var box = document.querySelector(".hs-exit");
    return (box && box.getAttribute("data-exit-url")) || "https://ya.ru/";
  }
  function quickExit(event) {
    if (event) event.preventDefault();
    document.documentElement.classList.add("hs-exiting");
    document.title = "";
    window.location.replace(exitUrl());
  }
  document.addEventListener("click", function (event) {
    var target = event.target.closest && event.target.closest("#hs-exit");
    if (target) quickExit(event);
  }, true);

  var presses = 0, timer = null, otherKey = false;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Shift") otherKey = true;
  });
  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") return;
    if (otherKey) { otherKey = false; presses = 0; return; }  // Shift used as a modifier
    presses += 1;
    clearTimeout(timer);
    timer = setTimeout(function () { presses = 0; announce(""); }, 5000);
    if (presses >= 3) { announce("Уходим с сайта"); quickExit(); return; }
    var left = 3 - presses;
    announce("Нажмите Shift ещё " + left + (left === 1 ? " раз" : " раза") + ", чтобы уйти с сайта");
  });
  function announce(text) {
    var status = document.getElementById("hs-exit-status");
    if (status) status.textContent = text;
  }

  /* ---------------- directory filter ---------------- */
  var WEEKDAYS = ["su", "mo", "tu", "we", "th", "fr", "sa"];

  function nowIn(timeZone) {
    var parts = new Intl.DateTimeFormat("en-GB", {
      timeZone: timeZone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23"
    }).formatToParts(new Date());
    var get = function (type) { return parts.filter(function (p) { return p.type === type; })[0].value; };
    var day = get("weekday").slice(0, 2).toLowerCase();
    return { day: day, minutes: parseInt(get("hour"), 10) * 60 + parseInt(get("minute"), 10) };
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

  function initFilter() {
    var form = document.getElementById("hs-filter");
    if (!form || form.dataset.ready) return;
    form.dataset.ready = "1";
    form.hidden = false;
    var timeZone = form.getAttribute("data-timezone");
    var count = form.querySelector(".hs-filter__count");
    function apply() {
      var category = form.category.value, audience = form.audience.value, district = form.district.value;
      var openNow = form.open.checked, free = form.free.checked, now = nowIn(timeZone);
      var shown = {};
      document.querySelectorAll(".hs-group").forEach(function (group) {
        var visible = 0;
        var groupMatches = !category || group.getAttribute("data-category") === category;
        group.querySelectorAll(".hs-service").forEach(function (item) {
          var ok = groupMatches &&
            (!audience || item.getAttribute("data-audience").split(" ").indexOf(audience) >= 0) &&
            (!district || item.getAttribute("data-district") === district) &&
            (!free || item.getAttribute("data-free") === "yes") &&
            (!openNow || isOpen(item.getAttribute("data-hours"), now));
          item.hidden = !ok;
          if (ok) { visible += 1; shown[item.querySelector("a").getAttribute("href")] = true; }
        });
        group.hidden = visible === 0;
      });
      var n = Object.keys(shown).length;
      count.textContent = n === 0 ? "Ничего не найдено — измените условия или позвоните на телефон доверия." : "Найдено служб: " + n;
    }
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    apply();
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(initFilter);  // Material instant navigation
  } else {
    document.addEventListener("DOMContentLoaded", initFilter);
  }
})();
