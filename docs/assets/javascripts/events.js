/* Events listing: filter by type and audience. Progressive enhancement: without JS every
   event is listed and the form stays hidden. Own code, no third-party scripts. */
(function () {
  "use strict";

  function initEventFilter() {
    var form = document.getElementById("hs-event-filter");
    if (!form || form.dataset.ready) return;
    form.dataset.ready = "1";
    form.hidden = false;
    var count = form.querySelector(".hs-filter__count");
    var cards = Array.prototype.slice.call(document.querySelectorAll(".hs-event[data-type]"));
    function apply() {
      var type = form.type.value, audience = form.audience.value, shown = 0;
      cards.forEach(function (card) {
        var audiences = (card.getAttribute("data-audience") || "").split(" ");
        var ok = (!type || card.getAttribute("data-type") === type) &&
          (!audience || audiences.indexOf(audience) >= 0 || audiences.indexOf("everyone") >= 0);
        card.hidden = !ok;
        if (ok) shown += 1;
      });
      /* a list whose every card is hidden says so instead of showing an empty space */
      document.querySelectorAll(".hs-cards").forEach(function (list) {
        var visible = list.querySelectorAll(".hs-event:not([hidden])").length;
        var note = list.nextElementSibling && list.nextElementSibling.classList.contains("hs-filter__none")
          ? list.nextElementSibling : null;
        if (!visible && !note) {
          note = document.createElement("p");
          note.className = "hs-filter__none hs-muted";
          note.textContent = "Таких событий здесь нет.";
          list.parentNode.insertBefore(note, list.nextSibling);
        }
        if (note) note.hidden = visible > 0;
      });
      count.textContent = shown === 0 ? "Таких событий нет — измените условия." : "Найдено событий: " + shown;
    }
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    apply();
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(initEventFilter);  // Material instant navigation
  } else {
    document.addEventListener("DOMContentLoaded", initEventFilter);
  }
})();
