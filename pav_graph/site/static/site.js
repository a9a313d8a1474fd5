/* pav-graph site: language switch, sortable/filterable case table, client-side search.
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

  /* ---------------------------------------------------------------- search */
  function fold(text) {  // mirrors pav_graph.site.search.fold
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  var TYPES = {
    "case": { order: 0, nl: "casus", en: "case" },
    "concept": { order: 1, nl: "begrip", en: "concept" },
    "actor": { order: 2, nl: "actor", en: "actor" },
    "quote": { order: 3, nl: "citaat", en: "quote" }
  };

  function bilingual(tag, label, cls) {
    var frag = document.createDocumentFragment();
    ["nl", "en"].forEach(function (lang) {
      var el = document.createElement(tag);
      el.className = "l" + (cls ? " " + cls : "");
      el.lang = lang;
      el.textContent = label[lang] || label.nl || "";
      frag.appendChild(el);
    });
    return frag;
  }

  function snippet(passages, tokens) {
    for (var i = 0; i < passages.length; i++) {
      var folded = fold(passages[i]);
      var at = folded.indexOf(tokens[0]);
      if (at < 0) continue;
      var text = passages[i];
      var start = Math.max(0, at - 70), end = Math.min(text.length, at + tokens[0].length + 90);
      var p = document.createElement("span");
      p.className = "snippet";
      p.appendChild(document.createTextNode((start > 0 ? "…" : "") + text.slice(start, at)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(at, at + tokens[0].length);
      p.appendChild(mark);
      p.appendChild(document.createTextNode(text.slice(at + tokens[0].length, end) + (end < text.length ? "…" : "")));
      return p;
    }
    return null;
  }

  function initSearch() {
    var input = document.getElementById("q");
    if (!input) return;
    var index = window.pgReadJSON("search-index") || [];
    index.forEach(function (e) {
      e.s = fold([e.l.nl || "", e.l.en || ""].concat(e.p).join("\n"));
      e.all = e.p.slice();
    });
    index.forEach(function (e) {  // a case is also found by the words of its quotes and actors
      if (e.k === undefined || !index[e.k]) return;
      index[e.k].s += "\n" + e.s;
      index[e.k].all = index[e.k].all.concat(e.p);
    });
    var list = document.getElementById("search-results");
    var status = document.getElementById("search-status");
    var form = document.getElementById("search-form");
    if (form) form.addEventListener("submit", function (e) { e.preventDefault(); });
    var timer = null;
    function run() {
      var tokens = fold(input.value).split(/\s+/).filter(Boolean);
      list.textContent = "";
      if (!tokens.length) { status.textContent = ""; status.removeAttribute("data-nl"); return; }
      var hits = index.filter(function (e) {
        return tokens.every(function (t) { return e.s.indexOf(t) >= 0; });
      });
      hits.sort(function (a, b) { return TYPES[a.t].order - TYPES[b.t].order; });
      var shown = hits.slice(0, 60);
      shown.forEach(function (e) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = window.pgRoot() + e.u;
        a.appendChild(bilingual("span", e.l));
        var badge = document.createElement("span");
        badge.className = "badge t-" + e.t;
        badge.appendChild(bilingual("span", TYPES[e.t]));
        li.appendChild(badge);
        li.appendChild(a);
        if (e.c) {
          var ctx = document.createElement("span");
          ctx.className = "context";
          ctx.appendChild(document.createTextNode(" — "));
          ctx.appendChild(bilingual("span", e.c));
          li.appendChild(ctx);
        }
        var snip = snippet(e.all, tokens);
        if (snip) li.appendChild(snip);
        list.appendChild(li);
      });
      var more = hits.length > shown.length ? " (" + shown.length + ")" : "";
      status.setAttribute("data-nl", hits.length + " resultaten" + more);
      status.setAttribute("data-en", hits.length + " results" + more);
      status.textContent = status.getAttribute("data-" + window.pgLang());
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(run, 120);
    });
    if (input.value) run();
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
    initSearch();
  });
})();
