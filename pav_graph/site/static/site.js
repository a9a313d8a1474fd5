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

  /* ---------------------------------------------------------------- long pages
   * Each section of a case or concept page can be collapsed by its heading (a disclosure
   * button with aria-expanded); a link to anything inside a collapsed section opens it first.
   * The table of contents marks the section being read. */
  function setOpen(section, open) {
    var button = section.querySelector(":scope > h2 .fold");
    if (!button) return;
    Array.prototype.forEach.call(section.children, function (child) {
      if (child.tagName !== "H2") child.hidden = !open;
    });
    section.classList.toggle("folded", !open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }

  function reveal(id) {
    var target = id && document.getElementById(id);
    if (!target) return;
    var section = target.closest("section.foldable");
    if (section && section.classList.contains("folded")) {
      setOpen(section, true);
      target.scrollIntoView();
    }
  }

  function initSections() {
    var article = document.querySelector("article.collapsible");
    if (!article) return;
    var sections = article.querySelectorAll("section");
    Array.prototype.forEach.call(sections, function (section) {
      var h = section.querySelector(":scope > h2");
      if (!h) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "fold";
      button.setAttribute("aria-expanded", "true");
      while (h.firstChild) button.appendChild(h.firstChild);
      h.appendChild(button);
      section.classList.add("foldable");
      button.addEventListener("click", function () {
        setOpen(section, button.getAttribute("aria-expanded") !== "true");
      });
    });
    document.querySelectorAll("[data-sections]").forEach(function (b) {
      b.parentNode.hidden = false;
      b.addEventListener("click", function () {
        var open = b.getAttribute("data-sections") === "expand";
        document.querySelectorAll("section.foldable").forEach(function (sec) { setOpen(sec, open); });
      });
    });
    document.addEventListener("click", function (ev) {  // in-page links into a folded section
      var a = ev.target.closest && ev.target.closest('a[href^="#"]');
      if (a) reveal(decodeURIComponent(a.getAttribute("href").slice(1)));
    }, true);
    window.addEventListener("hashchange", function () { reveal(decodeURIComponent(location.hash.slice(1))); });
    reveal(decodeURIComponent(location.hash.slice(1)));
  }

  function initToc() {
    var links = document.querySelectorAll(".toc a[href^='#']");
    if (!links.length) return;
    var targets = Array.prototype.map.call(links, function (a) {
      return document.getElementById(a.getAttribute("href").slice(1));
    });
    var pending = false;
    function mark() {
      pending = false;
      var current = -1;
      targets.forEach(function (t, i) {
        if (t && t.offsetParent !== null && t.getBoundingClientRect().top < 120) current = i;
      });
      links.forEach(function (a, i) {
        if (i === current) a.setAttribute("aria-current", "true"); else a.removeAttribute("aria-current");
      });
    }
    window.addEventListener("scroll", function () {
      if (!pending) { pending = true; window.requestAnimationFrame(mark); }
    }, { passive: true });
    mark();
  }

  /* ---------------------------------------------------------------- copy to the clipboard */
  window.pgCopy = function (text, status) {
    function done(ok) {
      if (!status) return;
      var nl = ok ? "Gekopieerd." : "Kopiëren lukte niet: selecteer de tekst.";
      var en = ok ? "Copied." : "Could not copy: select the text.";
      status.setAttribute("data-nl", nl);
      status.setAttribute("data-en", en);
      status.textContent = window.pgLang() === "en" ? en : nl;
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(false); });
      return;
    }
    var area = document.createElement("textarea");  // file:// pages: the older way
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    done(ok);
  };

  function initCopy() {
    document.querySelectorAll("button[data-copy]").forEach(function (b) {
      b.addEventListener("click", function () {
        var source = document.getElementById(b.getAttribute("data-copy"));
        var status = b.parentNode.querySelector(".copied");
        if (source) window.pgCopy(source.textContent, status);
      });
    });
  }

  /* ---------------------------------------------------------------- citations
   * "citeer" copies a ready citation of a claim or quote in the page's language and opens a
   * panel with the same text, the source as CSL-JSON and as BibTeX. The permalink is absolute
   * when the site was written with --base-url, or when it is served (the page's own address);
   * from disk it is the path from the site's root. Texts go in with textContent only. */
  function permalink(anchor) {
    var body = document.body;
    var base = body.getAttribute("data-base-url"), path = body.getAttribute("data-path") || "";
    if (base) return base + path + "#" + anchor;
    if (/^https?:$/.test(location.protocol)) return location.href.split("#")[0] + "#" + anchor;
    return path + "#" + anchor;
  }

  function citationText(data, anchor, lang) {  // as pav_graph.site.citation.citation_text
    var nl = lang !== "en";
    function quote(qid) {
      var q = data.quotes[qid], el = document.getElementById(qid);
      var text = el ? el.querySelector("blockquote").textContent : "";
      var src = data.sources[q.s] ? data.sources[q.s].ref[lang] : q.s;
      return "“" + text + "”" + (!nl && q.lang === "nl" ? " (Dutch original)" : "") + " — " +
        (nl ? "volgens " : "according to ") + src + ", " + q.l[lang];
    }
    var kase = (nl ? "Casus: " : "Case: ") + (data["case"][lang] || data["case"].nl) + ".";
    var parts;
    if (data.claims[anchor]) {
      var claim = data.claims[anchor];
      parts = [claim.h[lang] + "."].concat(claim.q.map(function (q) { return quote(q) + "."; }), [kase]);
    } else {
      parts = [quote(anchor) + ".", data.claims[data.quotes[anchor].c].h[lang] + ".", kase];
    }
    var day = new Date().toLocaleDateString(nl ? "nl-NL" : "en-GB",
                                            { day: "numeric", month: "long", year: "numeric" });
    return parts.join(" ") + " pav-graph, " + permalink(anchor) +
      (nl ? " (geraadpleegd " : " (accessed ") + day + ").";
  }

  function citedSources(data, anchor) {
    var ids = data.claims[anchor] ? data.claims[anchor].q : [anchor];
    var seen = [];
    ids.forEach(function (q) { if (seen.indexOf(data.quotes[q].s) < 0) seen.push(data.quotes[q].s); });
    return seen;
  }

  function block(titleNl, titleEn, text, cls) {
    var wrap = document.createElement("div");
    wrap.className = "cite-block " + cls;
    var h = document.createElement("p");
    h.className = "cite-title";
    ["nl", "en"].forEach(function (lang) {
      var span = document.createElement("span");
      span.className = "l";
      span.lang = lang;
      span.textContent = lang === "nl" ? titleNl : titleEn;
      h.appendChild(span);
    });
    var pre = document.createElement("pre");
    pre.className = "code";
    pre.textContent = text;
    var copy = document.createElement("button");
    copy.type = "button";
    copy.className = "copy";
    copy.setAttribute("data-nl", "Kopieer");
    copy.setAttribute("data-en", "Copy");
    copy.textContent = window.pgLang() === "en" ? "Copy" : "Kopieer";
    var status = document.createElement("span");
    status.className = "copied status";
    status.setAttribute("aria-live", "polite");
    copy.addEventListener("click", function () { window.pgCopy(pre.textContent, status); });
    h.appendChild(document.createTextNode(" "));
    h.appendChild(copy);
    h.appendChild(document.createTextNode(" "));
    h.appendChild(status);
    wrap.appendChild(h);
    wrap.appendChild(pre);
    return wrap;
  }

  function initCite() {
    var data = window.pgReadJSON("cite-data");
    if (!data) return;
    function fill(panel, anchor) {
      var lang = window.pgLang();
      panel.querySelector(".cite-text pre").textContent = citationText(data, anchor, lang);
    }
    document.addEventListener("click", function (ev) {
      var button = ev.target.closest && ev.target.closest("button.cite");
      if (!button) return;
      var anchor = button.getAttribute("data-cite");
      if (!data.claims[anchor] && !data.quotes[anchor]) return;
      var id = "cite-panel-" + anchor;
      var panel = document.getElementById(id);
      if (panel && !panel.hidden) {
        panel.hidden = true;
        button.setAttribute("aria-expanded", "false");
        return;
      }
      if (!panel) {
        panel = document.createElement("div");
        panel.id = id;
        panel.className = "cite-panel";
        panel.setAttribute("data-anchor", anchor);
        var status = document.createElement("p");
        status.className = "copied status";
        status.setAttribute("aria-live", "polite");
        panel.appendChild(status);
        panel.appendChild(block("Citaat met vindplaats en permalink", "Citation with location and permalink", "", "cite-text"));
        citedSources(data, anchor).forEach(function (sid) {
          var src = data.sources[sid];
          if (!src) return;
          panel.appendChild(block("Bron " + sid + " als CSL-JSON (Zotero, Pandoc)", "Source " + sid + " as CSL-JSON (Zotero, Pandoc)",
                                  JSON.stringify(src.csl, null, 1), "cite-csl"));
          panel.appendChild(block("Bron " + sid + " als BibTeX", "Source " + sid + " as BibTeX", src.bibtex, "cite-bibtex"));
        });
        var host = button.closest(".claim-tools").parentElement;
        if (host.tagName === "LI" || host.tagName === "DIV") host.appendChild(panel);
        else host.insertAdjacentElement("afterend", panel);
        button.setAttribute("aria-controls", id);
      }
      panel.hidden = false;
      fill(panel, anchor);
      button.setAttribute("aria-expanded", "true");
      window.pgCopy(panel.querySelector(".cite-text pre").textContent, panel.querySelector(":scope > .copied"));
    });
    document.addEventListener("pg-lang", function () {
      document.querySelectorAll(".cite-panel").forEach(function (panel) {
        fill(panel, panel.getAttribute("data-anchor"));
      });
    });
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
    initCopy();
    initCite();
    initSections();
    initToc();
  });
})();
