/* pav-graph mechanism map: an arrow (click, or Enter/Space when focused) opens its quotes in the
 * side panel. Data comes from the JSON block #mech-data; everything is put into the page with
 * createElement and textContent, never innerHTML. Both languages are written, the site's CSS
 * shows the chosen one (spans with class "l" and a lang attribute). */
(function () {
  "use strict";
  var data = window.pgReadJSON ? window.pgReadJSON("mech-data") : null;
  var panel = document.getElementById("mech-panel");
  if (!data || !panel) return;
  var root = data.root || "";
  var last = null;

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
  function sourceLink(ev) {
    var a = el("a", null, ev.cite + ", " + (ev.first === ev.last ? ev.first : ev.first + "–" + ev.last));
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

  function show(index, opener) {
    var edge = data.edges[index];
    if (!edge) return;
    last = opener || null;
    while (panel.firstChild) panel.removeChild(panel.firstChild);
    var close = el("button", "close");
    close.type = "button";
    close.appendChild(both("span", "Sluiten", "Close"));
    close.addEventListener("click", hide);
    panel.appendChild(close);
    var h = el("h2");
    h.appendChild(both("span", edge.from_label.nl, edge.from_label.en));
    h.appendChild(el("span", "sign " + (edge.sign === "increases" ? "plus" : "minus"), " " + edge.symbol + "→ "));
    h.appendChild(both("span", edge.to_label.nl, edge.to_label.en));
    h.tabIndex = -1;
    panel.appendChild(h);
    if (edge.standing !== "counts") {
      var m = el("p", "mark");
      m.appendChild(both("span", "Mogelijk: alleen voorzichtig geformuleerd of onze interpretatie; telt niet mee.",
                         "Possible: only hedged or our interpretation; does not count."));
      panel.appendChild(m);
    }
    if (edge.shown) {
      var s = el("p", "case-state");
      s.appendChild(edge.shown === "shown" ? both("span", "Deze casus laat beide kanten zien.", "This case shows both ends.")
                                           : both("span", "Deze casus laat beide kanten mogelijk zien.", "This case possibly shows both ends."));
      panel.appendChild(s);
    }
    edge.claims.forEach(function (c) {
      var box = el("section", "claim");
      var head = el("p", "claim-head");
      head.appendChild(both("span", c.modality.nl, c.modality.en, "modality"));
      if (c.marks.length) {
        c.marks.forEach(function (mk) { head.appendChild(document.createTextNode(" · ")); head.appendChild(both("span", mk.nl, mk.en, "qual")); });
      }
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
    if (edge.case_quotes) {
      var ch = el("h3");
      ch.appendChild(both("span", "In deze casus", "In this case"));
      panel.appendChild(ch);
      [[edge.from, edge.from_label], [edge.to, edge.to_label]].forEach(function (pair) {
        var qs = edge.case_quotes[pair[0]] || [];
        var p = el("p", "end");
        p.appendChild(both("strong", pair[1].nl, pair[1].en));
        panel.appendChild(p);
        qs.forEach(function (q) {
          panel.appendChild(quote({quote: q.quote, source: q.source, cite: q.source, first: q.first, last: q.last}));
        });
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
    while (panel.firstChild) panel.removeChild(panel.firstChild);
    var p = el("p", "hint");
    p.appendChild(both("span", "Kies een pijl om de citaten te zien.", "Choose an arrow to see its quotes."));
    panel.appendChild(p);
    if (last && last.focus) last.focus();
  }

  document.querySelectorAll(".edge[data-edge], .edge-link[data-edge]").forEach(function (node) {
    var index = +node.getAttribute("data-edge");
    node.addEventListener("click", function () { show(index, node); });
    if (node.tagName.toLowerCase() !== "button") {
      node.addEventListener("keydown", function (ev) {
        if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); show(index, node); }
      });
    }
  });
  panel.addEventListener("keydown", function (ev) { if (ev.key === "Escape") hide(); });
})();
