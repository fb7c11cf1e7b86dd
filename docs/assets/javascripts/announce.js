/* «Скопировать текст» for the announcement kit of an event (helpsite/outputs/announce).
   Own code, no third-party scripts. The Clipboard API where the page is a secure context and the
   browser allows it; otherwise the text field is selected and copied with execCommand — and if
   even that fails, the text stays selected so Ctrl+C (or a long tap → «Копировать») copies it.
   Without JavaScript the button stays hidden and the text can be selected by hand. */
(function () {
  "use strict";

  function say(button, text) {
    var status = button.parentNode && button.parentNode.querySelector(".hs-kit__status");
    if (status) status.textContent = text;
  }

  function selectAll(area) {
    area.focus();
    area.select();
    try { area.setSelectionRange(0, area.value.length); } catch (e) { /* old browsers */ }
  }

  function fallback(area) {
    selectAll(area);
    try { return document.execCommand("copy"); } catch (e) { return false; }
  }

  function copy(button) {
    var area = document.getElementById(button.getAttribute("data-hs-copy"));
    if (!area) return;
    var done = function () { say(button, "Текст скопирован. Вставьте его в пост или сообщение."); };
    var manual = function () {
      if (fallback(area)) { done(); return; }
      selectAll(area);
      say(button, "Не удалось скопировать автоматически: текст выделен, нажмите Ctrl+C.");
    };
    if (navigator.clipboard && window.isSecureContext && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(area.value).then(done, manual);
    } else {
      manual();
    }
  }

  function init() {
    var buttons = document.querySelectorAll("[data-hs-copy]");
    for (var i = 0; i < buttons.length; i++) {
      var button = buttons[i];
      if (button.getAttribute("data-hs-ready")) continue;
      button.setAttribute("data-hs-ready", "1");
      button.hidden = false;
      button.addEventListener("click", function (event) { copy(event.currentTarget); });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
