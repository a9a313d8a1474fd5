/* pav-graph mechanism map. An arrow (click, or Enter/Space when focused) opens its quotes in
 * the side panel. With ?case=<id> the page becomes the case's view: the small data file
 * mechanisms/cases/<id>.js (a classic script, so it loads from disk) lights the case's concepts
 * and the links it shows, fades the rest, and lists what the case shows and lacks.
 * Data comes from the JSON block #mech-data and the case file; everything is put into the page
 * with createElement and textContent, never innerHTML. Both languages are written; the site's
 * CSS shows the chosen one (elements with class "l" and a lang attribute). */
(function () {
  "use strict";
  var data = window.pgReadJSON ? window.pgReadJSON("mech-data") : null;
  var panel = document.getElementById("mech-panel");
  if (!data || !panel) return;
  var root = data.root || "";
  var caseData = null;
  var last = null;
  var SAFE = /^[a-z0-9][a-z0-9._-]*$/;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function both(tag, nl, en, cls) {  // one element per language
    var wrap = document.createDocumentFragment();
    var a = el(tag, "l" + (cls ? " " + cls : ""), nl); a.lang = "nl";
    var b = el(tag, "l" + (cls ? " " + cls : ""), en === undefined || en === null ? nl : en); b.lang = "en";
    wrap.appendChild(a); wrap.appendChild(b);
    return wrap;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function sourceLink(ev) {
    var a = el("a", null, (ev.cite || ev.source) + ", " + (ev.first === ev.last ? ev.first : ev.first + "–" + ev.last));
    a.href = root + "sources/" + encodeURIComponent(ev.source) + ".html#L" + ev.first;
    return a;
  }
  function quote(ev) {
    var fig = el("figure", "evidence");
    var bq = el("blockquote"); bq.lang = "nl";
    bq.appendChild(el("p", null, ev.quote));
    fig.appendChild(bq);
    var cap = el("figcaption");
    cap.appendChild(both("span", "volgens ", "according to "));
    cap.appendChild(sourceLink(ev));
    fig.appendChild(cap);
    return fig;
  }
  function edgeTitle(edge) {
    var h = document.createDocumentFragment();
    h.appendChild(both("span", edge.from_label.nl, edge.from_label.en));
    h.appendChild(el("span", "sign " + (edge.sign === "increases" ? "plus" : "minus"), " " + edge.symbol + "→ "));
    h.appendChild(both("span", edge.to_label.nl, edge.to_label.en));
    return h;
  }

  function show(index, opener) {
    var edge = data.edges[index];
    if (!edge) return;
    last = opener || null;
    clear(panel);
    var close = el("button", "close");
    close.type = "button";
    close.appendChild(both("span", "Sluiten", "Close"));
    close.addEventListener("click", hide);
    panel.appendChild(close);
    var h = el("h2");
    h.appendChild(edgeTitle(edge));
    h.tabIndex = -1;
    panel.appendChild(h);
    if (edge.standing !== "counts") {
      var m = el("p", "mark");
      m.appendChild(both("span", "Mogelijk: alleen voorzichtig geformuleerd of onze interpretatie; telt niet mee.",
                         "Possible: only hedged or our interpretation; does not count."));
      panel.appendChild(m);
    }
    var status = caseData ? caseData.shown[String(index)] : null;
    if (caseData) {
      var s = el("p", "case-state");
      if (status === "shown") s.appendChild(both("span", "Deze casus laat beide kanten zien.", "This case shows both ends."));
      else if (status === "possible") s.appendChild(both("span", "Deze casus laat beide kanten mogelijk zien.", "This case possibly shows both ends."));
      else if (caseData.denied.indexOf(index) >= 0) s.appendChild(both("span", "Een bron heeft deze schakel voor deze casus onderzocht en verworpen.", "A source examined this link for this case and rejects it."));
      else s.appendChild(both("span", "Deze casus laat niet beide kanten zien.", "This case does not show both ends."));
      panel.appendChild(s);
    }
    edge.claims.forEach(function (c) {
      var box = el("section", "claim");
      var head = el("p", "claim-head");
      head.appendChild(both("span", c.modality.nl, c.modality.en, "modality"));
      c.marks.forEach(function (mk) { head.appendChild(document.createTextNode(" · ")); head.appendChild(both("span", mk.nl, mk.en, "qual")); });
      if (c.attributed) { head.appendChild(document.createTextNode(" · ")); head.appendChild(both("span", c.attributed.nl, c.attributed.en)); }
      box.appendChild(head);
      c.evidence.forEach(function (ev) { box.appendChild(quote(ev)); });
      if (c.note) {
        var n = el("p", "note");
        n.appendChild(both("span", "Toelichting: " + c.note.nl, "Note: " + c.note.en));
        box.appendChild(n);
      }
      panel.appendChild(box);
    });
    if (caseData && status) {
      var ch = el("h3");
      ch.appendChild(both("span", "In deze casus", "In this case"));
      panel.appendChild(ch);
      [[edge.from, edge.from_label], [edge.to, edge.to_label]].forEach(function (pair) {
        var p = el("p", "end");
        p.appendChild(both("strong", pair[1].nl, pair[1].en));
        panel.appendChild(p);
        (caseData.quotes[pair[0]] || []).forEach(function (q) { panel.appendChild(quote(q)); });
      });
    }
    document.querySelectorAll(".edge.active").forEach(function (e) { e.classList.remove("active"); });
    document.querySelectorAll('.edge[data-edge="' + index + '"]').forEach(function (e) { e.classList.add("active"); });
    panel.classList.add("open");
    h.focus();
  }
  function hide() {
    panel.classList.remove("open");
    document.querySelectorAll(".edge.active").forEach(function (e) { e.classList.remove("active"); });
    clear(panel);
    var p = el("p", "hint");
    p.appendChild(both("span", "Kies een pijl om de citaten te zien.", "Choose an arrow to see its quotes."));
    panel.appendChild(p);
    if (last && last.focus) last.focus();
  }
  function wire(node) {
    var index = +node.getAttribute("data-edge");
    node.addEventListener("click", function () { show(index, node); });
    if (node.tagName.toLowerCase() !== "button") {
      node.addEventListener("keydown", function (ev) {
        if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); show(index, node); }
      });
    }
  }
  document.querySelectorAll(".edge[data-edge], .edge-link[data-edge]").forEach(wire);
  panel.addEventListener("keydown", function (ev) { if (ev.key === "Escape") hide(); });

  /* ---------------------------------------------------------------- the per-case view */
  function edgeButton(index, extraNl, extraEn) {
    var li = el("li");
    var b = el("button", "edge-link");
    b.type = "button";
    b.setAttribute("data-edge", String(index));
    b.appendChild(edgeTitle(data.edges[index]));
    wire(b);
    li.appendChild(b);
    if (extraNl) { li.appendChild(document.createTextNode(" ")); li.appendChild(both("span", extraNl, extraEn, "mark")); }
    return li;
  }
  function list(target, titleNl, titleEn, items) {
    if (!items.length) return;
    var h = el("h4"); h.appendChild(both("span", titleNl, titleEn));
    var ul = el("ul");
    items.forEach(function (li) { ul.appendChild(li); });
    target.appendChild(h); target.appendChild(ul);
  }
  window.pgMechCase = function (c) {
    caseData = c;
    var view = document.getElementById("case-view");
    if (!view) return;
    document.querySelectorAll(".mech-map-svg .node").forEach(function (n) {
      var s = c.standing[n.getAttribute("data-concept")];
      n.classList.add(s ? "lit-" + s : "faded");
    });
    document.querySelectorAll(".mech-map-svg .edge").forEach(function (e) {
      var s = c.shown[e.getAttribute("data-edge")];
      e.classList.add(s ? "lit-" + s : "faded");
    });
    var h = document.getElementById("case-view-h");
    clear(h);
    h.appendChild(both("span", "Casus: " + c.label.nl, "Case: " + c.label.en));
    var shown = Object.keys(c.shown).map(Number).sort(function (a, b) { return a - b; });
    var sure = shown.filter(function (i) { return c.shown[String(i)] === "shown"; });
    var summary = document.getElementById("case-view-summary");
    clear(summary);
    summary.appendChild(both("span",
      sure.length + " schakel(s) die meetellen, " + (shown.length - sure.length) + " mogelijk, " + c.denied.length + " verworpen voor deze casus; " + c.loops.length + " lus(sen) geraakt.",
      sure.length + " counting link(s), " + (shown.length - sure.length) + " possible, " + c.denied.length + " rejected for this case; " + c.loops.length + " loop(s) touched."));
    var lists = document.getElementById("case-view-lists");
    clear(lists);
    list(lists, "Schakels die de casus laat zien", "Links the case shows", shown.map(function (i) {
      return c.shown[String(i)] === "shown" ? edgeButton(i) : edgeButton(i, "mogelijk", "possible");
    }));
    list(lists, "Onderzocht, niet aangetroffen", "Examined, not found", c.denied.map(function (i) { return edgeButton(i); }));
    list(lists, "Ontbrekende schakels: het gevolg staat niet in de casus", "Missing links: the effect is not in the case",
         c.next.map(function (i) { return edgeButton(i); }));
    list(lists, "Lussen", "Loops", c.loops.map(function (lp) {
      var li = el("li");
      var a = el("a", null, lp.type + " " + lp.id); a.href = "#" + lp.id;
      li.appendChild(a); li.appendChild(document.createTextNode(" — "));
      li.appendChild(lp.whole ? both("span", "heel", "whole") : lp.possibly_whole ? both("span", "mogelijk heel", "possibly whole")
                     : both("span", lp.present + " van " + lp.length + " schakels", lp.present + " of " + lp.length + " links"));
      lp.missing.forEach(function (i) {
        li.appendChild(document.createTextNode(" · "));
        li.appendChild(both("span", "ontbreekt: ", "missing: "));
        var b = el("button", "edge-link"); b.type = "button"; b.setAttribute("data-edge", String(i));
        b.appendChild(edgeTitle(data.edges[i])); wire(b); li.appendChild(b);
      });
      return li;
    }));
    view.hidden = false;
    document.documentElement.classList.add("mech-case-mode");
  };
  var match = /[?&]case=([^&#]*)/.exec(window.location.search);
  if (match) {
    var id = decodeURIComponent(match[1]);
    if (SAFE.test(id)) {
      var script = document.createElement("script");
      script.src = root + "mechanisms/cases/" + id + ".js";
      script.onerror = function () {
        var view = document.getElementById("case-view");
        var h = document.getElementById("case-view-h");
        clear(h); h.appendChild(both("span", "Onbekende casus: " + id, "Unknown case: " + id));
        if (view) view.hidden = false;
      };
      document.body.appendChild(script);
    }
  }
})();
