/* pav-graph site: language switch and the sortable/filterable case table (search: search.js).
 * Loaded in <head> so the chosen language is applied before the page is painted.
 * Everything that comes from the data is put into the page with textContent, never innerHTML. */
(function () {
  "use strict";
  var KEY = "pav-graph-lang";

  function storedLang() {
    try { return window.localStorage.getItem(KEY) === "en" ? "en" : "nl"; }
    catch (e) { return "nl"; }  // storage can be disabled; Dutch is the default
  }

  function applyLang(lang) {
    var html = document.documentElement;
    html.classList.remove("ui-nl", "ui-en");
    html.classList.add("ui-" + lang);
    html.lang = lang;
    if (!document.body) return;
    var els = document.querySelectorAll("[data-nl]");
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      var text = el.getAttribute("data-" + lang) || el.getAttribute("data-nl");
      var attr = el.getAttribute("data-attr");
      if (attr) el.setAttribute(attr, text); else el.textContent = text;
    }
    var title = document.body.getAttribute("data-title-" + lang);
    if (title) document.title = title;
    var toggle = document.getElementById("lang-toggle");
    if (toggle) toggle.setAttribute("aria-pressed", lang === "en" ? "true" : "false");
    document.dispatchEvent(new CustomEvent("pg-lang", { detail: lang }));
  }

  window.pgLang = function () { return document.documentElement.classList.contains("ui-en") ? "en" : "nl"; };
  window.pgRoot = function () { return (document.body && document.body.getAttribute("data-root")) || ""; };
  window.pgReadJSON = function (id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  };

  applyLang(storedLang());  // before paint: only the class on <html>

  /* ---------------------------------------------------------------- case table */
  function initTable() {
    var table = document.getElementById("case-table");
    if (!table) return;
    var tbody = table.tBodies[0];
    var headers = table.querySelectorAll("thead th");
    table.querySelectorAll("thead button").forEach(function (button) {
      button.addEventListener("click", function () {
        var col = +button.getAttribute("data-col");
        var numeric = button.getAttribute("data-type") === "num";
        var th = button.parentNode;
        var asc = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(tbody.rows);
        rows.sort(function (a, b) {
          var x = a.cells[col].getAttribute("data-sort"), y = b.cells[col].getAttribute("data-sort");
          var d = numeric ? (+x) - (+y) : x.localeCompare(y, "nl", { sensitivity: "base" });
          return asc ? d : -d;
        });
        rows.forEach(function (r) { tbody.appendChild(r); });
      });
    });
    var selects = document.querySelectorAll("#case-filters select");
    var count = document.getElementById("case-count");
    function filter() {
      var shown = 0;
      Array.prototype.forEach.call(tbody.rows, function (row) {
        var ok = true;
        selects.forEach(function (sel) {
          if (!sel.value) return;
          var values = (row.getAttribute("data-" + sel.getAttribute("data-filter")) || "").split(" ");
          if (values.indexOf(sel.value) < 0) ok = false;
        });
        row.hidden = !ok;
        if (ok) shown++;
      });
      var total = tbody.rows.length;
      count.setAttribute("data-nl", shown + " van " + total + " casussen");
      count.setAttribute("data-en", shown + " of " + total + " cases");
      count.textContent = count.getAttribute("data-" + window.pgLang());
    }
    selects.forEach(function (sel) { sel.addEventListener("change", filter); });
    var reset = document.getElementById("reset-filters");
    if (reset) reset.addEventListener("click", function () {
      selects.forEach(function (sel) { sel.value = ""; });
      filter();
    });
    filter();
  }

  document.addEventListener("DOMContentLoaded", function () {
    applyLang(storedLang());
    var toggle = document.getElementById("lang-toggle");
    if (toggle) toggle.addEventListener("click", function () {
      var lang = window.pgLang() === "nl" ? "en" : "nl";
      try { window.localStorage.setItem(KEY, lang); } catch (e) { /* not remembered */ }
      applyLang(lang);
    });
    initTable();
  });
})();
