/* jixiao report: filters, search, flag meanings on hover, row <-> source navigation (rows
   and the "Not read" lines of a form alike).
   Plain JavaScript, no network. A URL hash like #filter=flag:columns_shifted;conf:0.9
   applies a filter on load (used by the browser tests); #selftest checks the overlays. */
(function () {
  "use strict";
  var meanings = window.JIXIAO_FLAGS || {};
  var controls = Array.prototype.slice.call(document.querySelectorAll(".filters [data-key]"));
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.row"));

  function values() {
    var v = {};
    controls.forEach(function (c) { v[c.dataset.key] = c.value.trim(); });
    return v;
  }

  function matches(row, v) {
    if (v.type && row.dataset.type !== v.type) return false;
    if (v.year && row.dataset.year !== v.year) return false;
    if (v.flag && (" " + row.dataset.flags + " ").indexOf(" " + v.flag + " ") < 0) return false;
    if (v.conf && !(parseFloat(row.dataset.conf) < parseFloat(v.conf))) return false;
    if (v.q && row.textContent.toLowerCase().indexOf(v.q.toLowerCase()) < 0) return false;
    return true;
  }

  function apply() {
    var v = values(), shown = 0;
    rows.forEach(function (row) {
      var ok = matches(row, v);
      row.hidden = !ok;
      if (ok) shown += 1;
      var box = document.getElementById("B" + row.id);
      if (box) box.hidden = !ok; /* only the overlays of the rows shown */
    });
    var out = document.getElementById("f-count");
    if (out) out.textContent = shown + " of " + rows.length + " rows";
    document.body.dataset.visibleRows = String(shown);
  }

  function fromHash() {
    var m = /filter=([^&]*)/.exec(decodeURIComponent(location.hash));
    if (!m) return;
    m[1].split(";").forEach(function (pair) {
      var i = pair.indexOf(":");
      var key = pair.slice(0, i), value = pair.slice(i + 1);
      controls.forEach(function (c) {
        if (c.dataset.key !== key) return;
        if (c.tagName === "SELECT" && !Array.prototype.some.call(c.options, function (o) { return o.value === value; })) {
          c.add(new Option(value)); /* a flag this page does not have: it hides every row */
        }
        c.value = value;
      });
    });
  }

  function titles() {
    document.querySelectorAll(".flag").forEach(function (el) {
      var m = meanings[el.dataset.flag];
      if (m) el.title = m;
    });
    document.querySelectorAll(".flagged").forEach(function (el) {
      el.title = el.dataset.flags.split(" ").map(function (f) {
        return f + ": " + (meanings[f] || "");
      }).join("\n");
    });
  }

  function activate(row, place) {
    document.querySelectorAll(".active").forEach(function (el) { el.classList.remove("active"); });
    row.classList.add("active");
    if (place) {
      place.classList.add("active");
      place.scrollIntoView({ block: "center" });
    }
  }

  function navigation() {
    var unread = Array.prototype.slice.call(document.querySelectorAll("section.unread li"));
    rows.concat(unread).forEach(function (row) {
      var target = row.dataset.target && document.getElementById(row.dataset.target);
      if (!target) return;
      row.classList.add("linked");
      row.addEventListener("click", function () { activate(row, target); });
    });
    document.querySelectorAll("[data-row]").forEach(function (el) {
      el.addEventListener("click", function () {
        var row = document.getElementById(el.dataset.row);
        if (row) { activate(row, el); row.scrollIntoView({ block: "center" }); }
      });
    });
  }

  function selftest() {
    var boxes = document.querySelectorAll(".page .box"), inside = 0;
    boxes.forEach(function (box) {
      var img = box.parentNode.querySelector("img").getBoundingClientRect();
      var r = box.getBoundingClientRect();
      if (r.width > 0 && r.left >= img.left - 1 && r.right <= img.right + 1 &&
          r.top >= img.top - 1 && r.bottom <= img.bottom + 1) inside += 1;
    });
    document.body.dataset.boxes = String(boxes.length);
    document.body.dataset.boxesInside = String(inside);
  }

  controls.forEach(function (c) { c.addEventListener("input", apply); });
  fromHash();
  apply();
  titles();
  navigation();
  if (location.hash.indexOf("selftest") >= 0) {
    var imgs = document.querySelectorAll(".page img");
    imgs.forEach(function (img) { img.loading = "eager"; });
    selftest();
  }
})();
