/* Версия для слабовидящих: font size, colour scheme, letter spacing, images; remembered in localStorage. */
(function () {
  "use strict";
  var KEY = "hs-a11y", FIELDS = ["font", "scheme", "spacing", "images"];
  var DEFAULTS = { font: "100", scheme: "normal", spacing: "normal", images: "on" };

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || "{}") || {}; } catch (e) { return {}; }
  }
  function save(settings) {
    try { localStorage.setItem(KEY, JSON.stringify(settings)); } catch (e) { /* private mode: per page only */ }
  }
  function apply(settings) {
    var root = document.documentElement;
    FIELDS.forEach(function (field) {
      var value = settings[field];
      if (value && value !== DEFAULTS[field]) root.setAttribute("data-hs-" + field, value);
      else root.removeAttribute("data-hs-" + field);
    });
  }

  function init() {
    var toggle = document.querySelector(".hs-a11y-toggle");
    var panel = document.getElementById("hs-a11y-panel");
    if (!toggle || !panel || toggle.dataset.ready) return;
    toggle.dataset.ready = "1";
    toggle.hidden = false;
    var settings = load();
    FIELDS.forEach(function (field) {
      var value = settings[field] || DEFAULTS[field];
      var input = panel.querySelector('input[name="hs-' + field + '"][value="' + value + '"]');
      if (input) input.checked = true;
    });
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", open ? "false" : "true");
      panel.hidden = open;
    });
    panel.addEventListener("change", function (event) {
      var name = event.target.name || "";
      if (name.indexOf("hs-") !== 0) return;
      settings[name.slice(3)] = event.target.value;
      save(settings); apply(settings);
    });
    panel.querySelector(".hs-a11y-reset").addEventListener("click", function () {
      settings = {};
      save(settings); apply(settings);
      FIELDS.forEach(function (field) {
        var input = panel.querySelector('input[name="hs-' + field + '"][value="' + DEFAULTS[field] + '"]');
        if (input) input.checked = true;
      });
    });
    apply(settings);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(init);
  else document.addEventListener("DOMContentLoaded", init);
})();
