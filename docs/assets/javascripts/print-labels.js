/* Start-at-label generator of the page «Материалы для печати» (no third-party code).
 * Reads the stocks and the laid-out sticker from data-stocks of #hs-start-at-label (made by
 * helpsite.outputs.printing.siteset.start_layouts), builds A4 pages with labels absolutely positioned in
 * millimetres (the same layout as the PDF, the same PT Sans font), and opens the print dialog.
 * Nothing is stored; nothing leaves the page. */
(function () {
  "use strict";
  var root = document.getElementById("hs-start-at-label");
  if (!root) return;
  var stocks;
  try { stocks = JSON.parse(root.getAttribute("data-stocks") || "[]"); } catch (e) { return; }
  if (!stocks.length) return;
  var ASCENT = 1.018, PT = 25.4 / 72;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var k in attrs || {}) node.setAttribute(k, attrs[k]);
    if (text) node.textContent = text;
    return node;
  }
  function field(labelText, input) {
    var wrap = el("p");
    var label = el("label", {"for": input.id}, labelText + " ");
    wrap.appendChild(label);
    wrap.appendChild(input);
    return wrap;
  }

  var form = el("form", {"class": "hs-sal-form", novalidate: ""});  // our Russian messages, not the browser's
  var select = el("select", {id: "hs-sal-stock"});
  stocks.forEach(function (s, i) {
    var n = s.grid[0] * s.grid[1];
    select.appendChild(el("option", {value: String(i)}, s.name + " — " + n + " шт., " + s.label[0] + " × " + s.label[1] + " мм"));
  });
  var start = el("input", {id: "hs-sal-start", type: "number", min: "1", value: "1", inputmode: "numeric"});
  var count = el("input", {id: "hs-sal-count", type: "number", min: "1", value: "", inputmode: "numeric", placeholder: "до конца листа"});
  var dx = el("input", {id: "hs-sal-dx", type: "number", step: "0.1", min: "-10", max: "10", value: "0"});
  var dy = el("input", {id: "hs-sal-dy", type: "number", step: "0.1", min: "-10", max: "10", value: "0"});
  var grid = el("div", {"class": "hs-sal-grid", "aria-hidden": "true"});
  var message = el("p", {"class": "hs-sal-message", role: "status"});
  var button = el("button", {type: "submit", "class": "md-button md-button--primary", id: "hs-sal-go"}, "Подготовить лист и напечатать");
  form.appendChild(field("Лист этикеток:", select));
  form.appendChild(field("Начать с этикетки №:", start));
  form.appendChild(field("Сколько наклеек:", count));
  form.appendChild(field("Сдвиг вправо, мм:", dx));
  form.appendChild(field("Сдвиг вниз, мм:", dy));
  form.appendChild(grid);
  form.appendChild(message);
  form.appendChild(button);
  root.appendChild(form);

  var host = el("div", {"class": "hs-sal-sheets", id: "hs-sal-sheets"});
  document.body.appendChild(host);
  var style = el("style");
  style.textContent =
    "@font-face{font-family:'HS PT Sans';src:url('" + root.getAttribute("data-font-regular") + "') format('truetype');font-weight:400}" +
    "@font-face{font-family:'HS PT Sans';src:url('" + root.getAttribute("data-font-bold") + "') format('truetype');font-weight:700}" +
    ".hs-sal-sheets{display:none}" +
    ".hs-sal-grid{display:grid;gap:2px;max-width:16rem;margin:.5rem 0}" +
    ".hs-sal-grid span{border:1px solid #888;height:.9rem;font-size:.5rem;text-align:center}" +
    ".hs-sal-grid span.used{background:#ccc}.hs-sal-grid span.start{background:#5b2a86;color:#fff}" +
    "@media print{@page{size:210mm 297mm;margin:0}" +
    "body.hs-sal-printing>*:not(.hs-sal-sheets){display:none!important}" +
    "body.hs-sal-printing .hs-sal-sheets{display:block}}" +
    ".hs-sal-page{position:relative;width:210mm;height:297mm;overflow:hidden;page-break-after:always;break-after:page;background:#fff}" +
    ".hs-sal-label{position:absolute}" +
    ".hs-sal-line{position:absolute;white-space:pre;font-family:'HS PT Sans',sans-serif;line-height:normal}";
  document.head.appendChild(style);

  function current() { return stocks[Number(select.value)]; }
  function perSheet(s) { return s.grid[0] * s.grid[1]; }

  function drawGrid() {
    var s = current(), n = perSheet(s), first = Number(start.value) || 1;
    start.max = String(n);
    grid.style.gridTemplateColumns = "repeat(" + s.grid[0] + ",1fr)";
    grid.textContent = "";
    for (var i = 1; i <= n; i++) {
      grid.appendChild(el("span", {"class": i < first ? "used" : i === first ? "start" : ""}, String(i)));
    }
  }

  function check() {
    var s = current(), n = perSheet(s), first = Number(start.value), many = count.value === "" ? null : Number(count.value);
    if (!Number.isInteger(first) || first < 1 || first > n)
      return "Начальная этикетка — от 1 до " + n + " (счёт слева направо, сверху вниз).";
    if (many !== null && (!Number.isInteger(many) || many < 1 || many > 5000)) return "Число наклеек — от 1 до 5000.";
    var x = Number(dx.value), y = Number(dy.value);
    if (!isFinite(x) || !isFinite(y) || Math.abs(x) > 10 || Math.abs(y) > 10)
      return "Сдвиг — не больше 10 мм: это поправка принтера, обычно меньше 3 мм.";
    return "";
  }

  function qrSvg(rows, side) {
    var n = rows.length + 8, m = side / n;
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 " + n + " " + n);
    svg.setAttribute("width", side + "mm");
    svg.setAttribute("height", side + "mm");
    svg.setAttribute("shape-rendering", "crispEdges");
    var bg = document.createElementNS(ns, "rect");
    bg.setAttribute("width", n); bg.setAttribute("height", n); bg.setAttribute("fill", "#fff");
    svg.appendChild(bg);
    var d = "";
    rows.forEach(function (row, r) {
      for (var c = 0; c < row.length; c++) if (row[c] === "1") d += "M" + (c + 4) + " " + (r + 4) + "h1v1h-1z";
    });
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", d); path.setAttribute("fill", "#000");
    svg.appendChild(path);
    return svg;
  }

  function label(s, index) {
    var v = s.variants[s.labels[index]];
    var box = el("div", {"class": "hs-sal-label"});
    box.style.width = s.label[0] + "mm";
    box.style.height = s.label[1] + "mm";
    if (v.qr) {
      var q = qrSvg(s.qr, v.qr[2]);
      q.style.position = "absolute"; q.style.left = v.qr[0] + "mm"; q.style.top = v.qr[1] + "mm";
      box.appendChild(q);
    }
    v.lines.forEach(function (line) {
      var size = Math.max.apply(null, line.runs.map(function (r) { return r.size; }));
      var span = el("div", {"class": "hs-sal-line"});
      span.style.left = line.x + "mm";
      span.style.top = (line.baseline - ASCENT * size * PT) + "mm";
      span.style.fontSize = size + "pt";
      line.runs.forEach(function (r) {
        var run = el("span", {}, r.text);
        run.style.fontSize = r.size + "pt";
        run.style.fontWeight = r.bold ? "700" : "400";
        run.style.color = r.color;
        span.appendChild(run);
      });
      box.appendChild(span);
    });
    return box;
  }

  function build() {
    var s = current(), n = perSheet(s), first = Number(start.value);
    var total = count.value === "" ? n - first + 1 : Number(count.value);
    var x0 = Number(dx.value) || 0, y0 = Number(dy.value) || 0;
    host.textContent = "";
    var index = first - 1, page = null, sheets = 0;
    for (var k = 0; k < total; k++) {
      if (page === null || index >= n) {
        if (index >= n) index = 0;
        page = el("div", {"class": "hs-sal-page", "data-stock": s.id});
        host.appendChild(page);
        sheets++;
      }
      var row = Math.floor(index / s.grid[0]), col = index % s.grid[0];
      var box = label(s, index);
      box.style.left = (s.margin[0] + col * s.pitch[0] + x0) + "mm";
      box.style.top = (s.margin[1] + row * s.pitch[1] + y0) + "mm";
      box.setAttribute("data-index", String(index + 1));
      page.appendChild(box);
      index++;
    }
    return {sheets: sheets, total: total};
  }

  select.addEventListener("change", function () { start.value = "1"; drawGrid(); });
  start.addEventListener("input", drawGrid);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var problem = check();
    if (problem) { message.textContent = problem; return; }
    var made = build();
    message.textContent = "Готово: наклеек " + made.total + ", листов " + made.sheets +
      ". В окне печати выберите масштаб 100 % («Фактический размер»), поля — «Нет».";
    document.body.classList.add("hs-sal-printing");
    var fontsReady = document.fonts && document.fonts.ready ? document.fonts.ready : Promise.resolve();
    fontsReady.then(function () {
      if (!root.hasAttribute("data-no-dialog")) window.print();
    });
  });
  window.addEventListener("afterprint", function () { document.body.classList.remove("hs-sal-printing"); });
  drawGrid();
})();
