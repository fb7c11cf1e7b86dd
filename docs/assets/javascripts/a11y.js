/* Версия для слабовидящих: font size, colour scheme, letter spacing, images.
   Nothing is stored until the visitor changes a setting. A changed setting is kept for this tab
   (sessionStorage, gone when the tab closes); only with «запомнить на этом устройстве» ticked it
   is kept in localStorage too. «Обычная версия сайта» and the quick exit remove both.
   docs/safety.md lists exactly this; tests/test_exit.py checks it. */
(function () {
  "use strict";
  var KEY = "hs-a11y", FIELDS = ["font", "scheme", "spacing", "images"];
  var DEFAULTS = { font: "100", scheme: "normal", spacing: "normal", images: "on" };
  // The settings panel: made here, next to the button, not sent in every page's HTML (both need JavaScript).
  var PANEL = [
    '<fieldset>',
    '<legend>Размер шрифта</legend>',
    '<label><input type="radio" name="hs-font" value="100"> обычный</label>',
    '<label><input type="radio" name="hs-font" value="130"> крупный</label>',
    '<label><input type="radio" name="hs-font" value="160"> очень крупный</label>',
    '<label><input type="radio" name="hs-font" value="200"> огромный</label>',
    '</fieldset>',
    '<fieldset>',
    '<legend>Цвета</legend>',
    '<label><input type="radio" name="hs-scheme" value="normal"> обычные</label>',
    '<label><input type="radio" name="hs-scheme" value="bw"> чёрным по белому</label>',
    '<label><input type="radio" name="hs-scheme" value="wb"> белым по чёрному</label>',
    '<label><input type="radio" name="hs-scheme" value="blue"> синим по голубому</label>',
    '<label><input type="radio" name="hs-scheme" value="brown"> коричневым по бежевому</label>',
    '<label><input type="radio" name="hs-scheme" value="green"> зелёным по тёмно-коричневому</label>',
    '</fieldset>',
    '<fieldset>',
    '<legend>Интервал между буквами</legend>',
    '<label><input type="radio" name="hs-spacing" value="normal"> обычный</label>',
    '<label><input type="radio" name="hs-spacing" value="wide"> увеличенный</label>',
    '</fieldset>',
    '<fieldset>',
    '<legend>Изображения</legend>',
    '<label><input type="radio" name="hs-images" value="on"> показывать</label>',
    '<label><input type="radio" name="hs-images" value="off"> скрыть</label>',
    '</fieldset>',
    '<label class="hs-a11y-remember"><input type="checkbox" name="hs-remember"> запомнить на этом устройстве</label>',
    '<button type="button" class="hs-a11y-reset">Обычная версия сайта</button>',
    '<p class="hs-a11y-note">Настройки действуют, пока открыта эта вкладка. «Запомнить» сохранит их в браузере (localStorage) до «Обычной версии сайта» или быстрого выхода. <a href="#chto-sayt-hranit">Что сайт хранит</a></p>'
  ];

  function makePanel(toggle) {
    var panel = document.createElement("div");
    panel.className = "hs-a11y-panel";
    panel.id = "hs-a11y-panel";
    panel.setAttribute("role", "region");
    panel.setAttribute("aria-label", "Настройки для слабовидящих");
    panel.hidden = true;
    panel.innerHTML = PANEL.join("\n");
    // «Что сайт хранит»: the safety page, from the quick-exit bar's link (relative to this page)
    var safety = document.querySelector(".hs-exit__hint a[href]");
    if (safety) panel.querySelector(".hs-a11y-note a").setAttribute("href", safety.getAttribute("href") + "#chto-sayt-hranit");
    toggle.insertAdjacentElement("afterend", panel);
    return panel;
  }

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
    if (!toggle || toggle.dataset.ready) return;
    var panel = document.getElementById("hs-a11y-panel") || makePanel(toggle);
    toggle.setAttribute("aria-controls", panel.id);  // here: the panel exists only from now on
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
