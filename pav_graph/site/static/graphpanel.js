/* pav-graph site, graph page: the side panel. Choosing a node — in the graph, or in the list
 * beside it (search filters the list) — shows in place what the page's own JSON (#panel-data)
 * holds about it: the cases that count, each claim with its verbatim quotes and source lines
 * linked to the quote on the case page, the possible and absent cases (marked), and the
 * concepts it occurs with (which open in turn). The graph dims everything but the node and its
 * neighbours. Every text is put in with textContent; nothing is fetched. */
(function () {
  "use strict";
  var panel = null;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function t(nl, en) {  // both languages; the page's language switch shows one
    var f = document.createDocumentFragment();
    var a = el("span", "l", nl), b = el("span", "l", en || nl);
    a.lang = "nl";
    b.lang = "en";
    f.appendChild(a);
    f.appendChild(b);
    return f;
  }

  function tt(d) { return t(d.nl, d.en || d.nl); }

  function append(parent) {
    for (var i = 1; i < arguments.length; i++) {
      var c = arguments[i];
      parent.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return parent;
  }

  function caseHref(cid, anchor) {
    return window.pgRoot() + "cases/" + cid + ".html" + (anchor ? "#" + anchor : "");
  }

  function caseLink(cid, anchor) {
    var c = panel.cases[cid], a = el("a");
    a.href = caseHref(cid, anchor);
    append(a, c ? tt(c.label) : cid);
    if (c && c.kind !== "case") {
      append(a, " ", t(c.kind === "mention" ? "(vermelding)" : "(illustratie)",
                         c.kind === "mention" ? "(mention)" : "(illustration)"));
    }
    return a;
  }

  function marks(item) {
    var span = el("span", "marks standing-possible");
    (item.marks ? item.marks.nl : []).forEach(function (m, i) {
      append(span, append(el("span", "mark"), t(m, item.marks.en[i])));
    });
    if (item.by) append(span, append(el("span", "mark"), tt(item.by)));
    return span;
  }

  function quote(q, cid) {
    var fig = el("figure", "evidence");
    var bq = el("blockquote");
    bq.lang = "nl";
    bq.appendChild(el("p", null, q.quote));
    fig.appendChild(bq);
    var cap = el("figcaption");
    var orig = el("span", "l orig", "(Dutch original)");
    orig.lang = "en";
    append(cap, orig, " ", t("volgens ", "according to "));
    var a = el("a");
    a.href = caseHref(cid, q.id);
    append(a, (panel.sources[q.source] || q.source) + ", ", tt(q.at));
    cap.appendChild(a);
    fig.appendChild(cap);
    return fig;
  }

  function claim(item, cid) {
    var div = el("div", "panel-claim");
    var head = el("p", "claim-head");
    var a = el("a");
    a.href = caseHref(cid, item.anchor);
    append(a, tt(item.what));
    if (item.detail) append(a, ": ", tt(item.detail));
    head.appendChild(a);
    if (item.marks || item.by) append(head, " ", marks(item));
    div.appendChild(head);
    item.quotes.forEach(function (q) { div.appendChild(quote(q, cid)); });
    return div;
  }

  function heading(text, level) { var h = el(level || "h3"); append(h, text); return h; }

  function caseBlock(use) {
    var li = el("li", "panel-case");
    var h = el("h4");
    h.appendChild(caseLink(use.case));
    if (use.inferred) append(h, " ", append(el("span", "mark"), t("afgeleid door de redeneerder", "inferred by the reasoner")));
    li.appendChild(h);
    use.items.forEach(function (item) { li.appendChild(claim(item, use.case)); });
    return li;
  }

  function count(n, nl1, nln, en1, enn) { return t(n + " " + (n === 1 ? nl1 : nln), n + " " + (n === 1 ? en1 : enn)); }

  function more(n, url) {
    var p = el("p", "note");
    var a = el("a");
    a.href = window.pgRoot() + url;
    append(a, t("en nog " + n + " op de pagina van het begrip", "and " + n + " more on the concept's page"));
    p.appendChild(a);
    return p;
  }

  function conceptPanel(box, graph, id) {
    var c = panel.concepts[id];
    var h = heading(tt(c.label), "h3");
    box.appendChild(h);
    var meta = el("p", "kind");
    var a = el("a");
    a.href = window.pgRoot() + c.url;
    append(a, t("pagina van het begrip", "the concept's page"));
    append(meta, count(c.n, "casus", "casussen", "case", "cases"), " · ", a);
    box.appendChild(meta);
    if (c.definition && (c.definition.nl || c.definition.en)) {
      box.appendChild(append(el("p", "definition"), t(c.definition.nl || c.definition.en, c.definition.en || c.definition.nl)));
    }
    if (c.co && c.co.length) {
      box.appendChild(heading(t("Komt samen voor met", "Occurs together with")));
      var ul = el("ul", "co-list");
      c.co.forEach(function (pair) {
        var other = panel.concepts[pair[0]];
        if (!other) return;
        var b = el("button", "linklike");
        b.type = "button";
        b.setAttribute("data-open", pair[0]);
        append(b, tt(other.label));
        b.addEventListener("click", function () { window.pgGraph.activate(graph, pair[0], "list"); });
        ul.appendChild(append(el("li"), b, " ", append(el("span", "count"), count(pair[1], "casus", "casussen", "case", "cases"))));
      });
      box.appendChild(ul);
    }
    if (c.cases && c.cases.length) {
      box.appendChild(heading(t("Casussen en citaten", "Cases and quotes")));
      var ol = el("ol", "panel-cases");
      c.cases.forEach(function (use) { ol.appendChild(caseBlock(use)); });
      box.appendChild(ol);
      if (c.more) box.appendChild(more(c.more, c.url));
    }
    if (c.possible && c.possible.length) {
      box.appendChild(heading(t("Mogelijk: voorzichtig geformuleerd of geïnterpreteerd (telt niet mee)",
                                "Possible: hedged or interpreted (does not count)")));
      var pl = el("ol", "panel-cases possible");
      c.possible.forEach(function (use) { pl.appendChild(caseBlock(use)); });
      box.appendChild(pl);
      if (c.possible_more) box.appendChild(more(c.possible_more, c.url));
    }
    if (c.absent && c.absent.length) {
      box.appendChild(heading(t("Onderzocht, niet aangetroffen", "Examined, not found")));
      var al = el("ul", "panel-absent");
      c.absent.forEach(function (use) { al.appendChild(append(el("li"), caseLink(use.case))); });
      box.appendChild(al);
      if (c.absent_more) box.appendChild(more(c.absent_more, c.url));
    }
    return c.label;
  }

  function relationTitle(r) {
    var f = panel.concepts[r.from].label, to = panel.concepts[r.to].label;
    return { nl: f.nl + " → " + r.type.nl + " → " + to.nl, en: f.en + " → " + r.type.en + " → " + to.en };
  }

  function relationPanel(box, graph, id) {
    var r = panel.relations[id];
    var title = relationTitle(r);
    box.appendChild(heading(tt(title), "h3"));
    var meta = el("p", "kind");
    append(meta, count(r.n, "casus", "casussen", "case", "cases"));
    if (r.possible) append(meta, " · ", t("mogelijk (telt niet mee) in nog " + r.possible, "possible (does not count) in " + r.possible + " more"));
    var a = el("a");
    a.href = window.pgRoot() + r.url;
    append(a, t("over deze soort relatie", "about this type of relation"));
    append(meta, " · ", a);
    box.appendChild(meta);
    var ol = el("ol", "panel-cases");
    r.claims.forEach(function (cl) {
      var li = el("li", "panel-case" + (cl.counts ? "" : " possible"));
      var h = el("h4");
      h.appendChild(caseLink(cl.case));
      if (!cl.counts) append(h, " ", append(el("span", "mark"), t("telt niet mee", "does not count")));
      li.appendChild(h);
      cl.items.forEach(function (item) { li.appendChild(claim(item, cl.case)); });
      ol.appendChild(li);
    });
    box.appendChild(ol);
    if (r.more) box.appendChild(append(el("p", "note"), t("en nog " + r.more + " beweringen", "and " + r.more + " more claims")));
    return title;
  }

  function rolePanel(box, graph, id) {
    var c = panel.concepts[id];
    box.appendChild(heading(tt(c.label), "h3"));
    var meta = el("p", "kind");
    var a = el("a");
    a.href = window.pgRoot() + c.url;
    append(a, t("pagina van de rol", "the role's page"));
    append(meta, t("rol in relaties van ", "role in relations of "), count(c.n, "casus", "casussen", "case", "cases"), " · ", a);
    box.appendChild(meta);
    box.appendChild(heading(t("Relaties", "Relations")));
    var ul = el("ul", "co-list");
    (panel.roles[id] || []).forEach(function (rid) {
      var r = panel.relations[rid];
      var b = el("button", "linklike");
      b.type = "button";
      b.setAttribute("data-open", rid);
      append(b, tt(relationTitle(r)));
      b.addEventListener("click", function () { window.pgGraph.activate(graph, rid, "list"); });
      ul.appendChild(append(el("li"), b, " ", append(el("span", "count"), count(r.n, "casus", "casussen", "case", "cases"))));
    });
    box.appendChild(ul);
    return c.label;
  }

  function open(graph, id, from) {
    var details = document.getElementById("details");
    if (!details || !panel) return;
    window.pgGraph.focusOn(graph, id);
    while (details.firstChild) details.removeChild(details.firstChild);
    var close = el("button", "panel-close");
    close.type = "button";
    append(close, t("Sluiten", "Close"));
    close.addEventListener("click", function () { clear(graph); });
    details.appendChild(close);
    var box = el("div", "panel-body");
    details.appendChild(box);
    var title;
    if (panel.relations[id]) title = relationPanel(box, graph, id);
    else if (panel.roles[id]) title = rolePanel(box, graph, id);
    else if (panel.concepts[id]) title = conceptPanel(box, graph, id);
    else return;
    details.setAttribute("data-node", id);
    var status = document.getElementById("details-status");
    if (status) status.textContent = (title[window.pgLang()] || title.nl) + (window.pgLang() === "en" ? ": details shown" : ": details getoond");
    if (from === "graph") details.focus({ preventScroll: true });
  }

  function clear(graph) {
    window.pgGraph.focusOn(graph, null);
    window.pgGraph.mark(graph, null);
    var details = document.getElementById("details");
    if (!details) return;
    while (details.firstChild) details.removeChild(details.firstChild);
    details.removeAttribute("data-node");
    details.appendChild(append(el("p", "note"), t("Kies een knoop in de graaf of de lijst.", "Choose a node in the graph or the list.")));
  }

  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  /* Search: the list shows the nodes whose name has every word typed; Enter opens the first,
   * arrow keys move through the list. */
  function initFinder(input) {
    var list = document.getElementById(input.getAttribute("data-find"));
    if (!list) return;
    var buttons = Array.prototype.slice.call(list.querySelectorAll("button[data-node]"));
    function visible() { return buttons.filter(function (b) { return !b.parentNode.hidden; }); }
    input.addEventListener("input", function () {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      buttons.forEach(function (b) {
        var hay = fold(b.getAttribute("data-search"));
        b.parentNode.hidden = !words.every(function (w) { return hay.indexOf(w) >= 0; });
      });
    });
    input.addEventListener("keydown", function (ev) {
      var shown = visible();
      if (ev.key === "Enter" && shown.length) { ev.preventDefault(); shown[0].click(); }
      if (ev.key === "ArrowDown" && shown.length) { ev.preventDefault(); shown[0].focus(); }
    });
    list.addEventListener("keydown", function (ev) {
      if (ev.key !== "ArrowDown" && ev.key !== "ArrowUp") return;
      var shown = visible(), i = shown.indexOf(document.activeElement);
      if (i < 0) return;
      ev.preventDefault();
      if (ev.key === "ArrowDown" && i + 1 < shown.length) shown[i + 1].focus();
      if (ev.key === "ArrowUp") (i > 0 ? shown[i - 1] : input).focus();
    });
  }

  document.addEventListener("pg-graph", function (ev) {
    var graph = ev.detail;
    if (!graph.container.getAttribute("data-panel")) return;
    graph.onActivate = function (id, from) { open(graph, id, from); };
    graph.onClear = function () { clear(graph); };
  });

  document.addEventListener("DOMContentLoaded", function () {
    panel = window.pgReadJSON("panel-data");
    document.querySelectorAll("input[data-find]").forEach(initFinder);
  });
})();
