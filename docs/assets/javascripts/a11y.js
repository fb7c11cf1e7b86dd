/* Версия для слабовидящих: font size, colour scheme, letter spacing, images.
   Nothing is stored until the visitor changes a setting. A changed setting is kept for this tab
   (sessionStorage, gone when the tab closes); only with «запомнить на этом устройстве» ticked it
   is kept in localStorage too. «Обычная версия сайта» and the quick exit remove both.
   docs/safety.md lists exactly this; tests/test_exit.py checks it. */
(function () {
  "use strict";
  var KEY = "hs-a11y", FIELDS = ["font", "scheme", "spacing", "images"];
  var DEFAULTS = { font: "100", scheme: "normal", spacing: "normal", images: "on" };

  function read(store) {
    try { return JSON.parse(window[store].getItem(KEY) || "null"); } catch (e) { return null; }
  }
  function write(store, value) {
    try {
      if (value === null) window[store].removeItem(KEY);
      else window[store].setItem(KEY, JSON.stringify(value));
    } catch (e) { /* storage disabled: the setting holds for this page only */ }
  }
  function changed(settings) {
    var out = {};
    FIELDS.forEach(function (field) {
      if (settings[field] && settings[field] !== DEFAULTS[field]) out[field] = settings[field];
    });
    return Object.keys(out).length ? out : null;
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
    var remembered = read("localStorage");
    var settings = read("sessionStorage") || remembered || {};
    var remember = panel.querySelector('input[name="hs-remember"]');
    remember.checked = remembered !== null;
    function sync() {
      FIELDS.forEach(function (field) {
        var value = settings[field] || DEFAULTS[field];
        var input = panel.querySelector('input[name="hs-' + field + '"][value="' + value + '"]');
        if (input) input.checked = true;
      });
    }
    function save() {
      var value = changed(settings);
      write("sessionStorage", value);
      write("localStorage", remember.checked ? value : null);
    }
    sync();
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", open ? "false" : "true");
      panel.hidden = open;
    });
    panel.addEventListener("change", function (event) {
      var name = event.target.name || "";
      if (name === "hs-remember") { save(); return; }
      if (name.indexOf("hs-") !== 0) return;
      settings[name.slice(3)] = event.target.value;
      save(); apply(settings);
    });
    panel.querySelector(".hs-a11y-reset").addEventListener("click", function () {
      settings = {};
      remember.checked = false;
      save(); apply(settings); sync();
    });
    apply(settings);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
