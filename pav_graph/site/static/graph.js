/* pav-graph site: draws the graphs embedded in the page with vis-network.
 * Positions come precomputed (networkx plus a pass that keeps every label box free, see
 * pav_graph/site/graphs/layout.py), so physics stays off and the picture is stable. Each kind of
 * node has its own SVG shape (the legend shows the same SVG). Labels are drawn on the canvas
 * (text only); tooltips, lists and panels are DOM elements filled with textContent, so text from
 * case files can never become HTML.
 *
 * A graph (.graph[data-graph]) may have a list of its nodes (data-list: buttons or links with
 * data-node) kept in step with it — the keyboard way to every node — and a details panel
 * (data-panel, filled by graphpanel.js). Graphs in hidden views are drawn when first shown. */
(function () {
  "use strict";
  window.pgGraphs = [];
  var FADED = "#c4c9cf";

  function tooltip(text) {
    var div = document.createElement("div");
    div.className = "pg-tip";
    div.textContent = text;
    return div;
  }

  function svgURI(inner, faded) {
    var svg = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40" viewBox="-1 -1 22 22">' +
      (faded ? '<g opacity="0.25">' + inner + "</g>" : inner) + "</svg>";
    return "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg);
  }

  function visNode(n, style, data, lang, faded) {
    var font = { size: n.font, face: data.font_face, color: faded ? FADED : "#1b1b1b",
                 strokeWidth: 4, strokeColor: "#ffffff" };
    var node = { id: n.id, x: n.x, y: n.y, label: n.label[lang] || n.label.nl,
                 title: tooltip(n.tip[lang] || n.tip.nl), font: font, size: n.size };
    if (n.kind === "relation") {
      node.shape = "box";
      node.margin = 5;
      node.borderWidth = 1.5;
      node.color = { background: "#ffffff", border: faded ? FADED : (n.possible ? "#a04000" : "#34495e"),
                     highlight: { background: "#fff6d6", border: "#000" },
                     hover: { background: "#f3f5f7", border: "#000" } };
      node.shapeProperties = { borderDashes: n.possible ? [5, 3] : false, borderRadius: 3 };
    } else {
      node.shape = "image";
      node.image = { unselected: svgURI(style.svg, faded), selected: svgURI(style.svg_selected, faded) };
      node.shapeProperties = { interpolation: true };
    }
    return node;
  }

  function edgeWidth(e, s) {
    return e.kind === "cooccurs" ? 1 + 1.6 * Math.log(e.n) / Math.LN2 : s.width;
  }

  function visEdge(e, i, data, faded) {
    var s = data.edge_styles[e.kind];
    var colour = faded ? "#e6e9ec" : s.color;
    var edge = { id: i, from: e.from, to: e.to, width: edgeWidth(e, s), dashes: s.dashes || false,
                 color: { color: colour, highlight: "#000", hover: "#000" } };
    if (s.arrow && e.arrow) edge.arrows = { to: { enabled: true, scaleFactor: 0.6 } };
    if (e.kind === "cooccurs") edge.title = tooltip(coTip(e, data));
    return edge;
  }

  function coTip(e, data) {
    var lang = window.pgLang(), a = data.byId[e.from], b = data.byId[e.to];
    var word = lang === "en" ? (e.n === 1 ? " case" : " cases") : (e.n === 1 ? " casus" : " casussen");
    return (a.label[lang] || a.label.nl).replace(/\n/g, " ") + " + " +
      (b.label[lang] || b.label.nl).replace(/\n/g, " ") + ": " +
      (lang === "en" ? "together in " : "samen in ") + e.n + word;
  }

  /* Frames around groups (an organisation, a kind of concept) with their titles, drawn under
   * the nodes in canvas units; a title too small to read is left out, as vis-network does
   * with labels. */
  function drawGroups(ctx, graph) {
    var data = graph.data, scale = graph.network.getScale(), lang = window.pgLang();
    data.groups.forEach(function (g) {
      ctx.save();
      ctx.fillStyle = "rgba(243, 245, 247, 0.85)";
      ctx.strokeStyle = "#c9d1d9";
      ctx.lineWidth = 1 / scale;
      ctx.beginPath();
      if (ctx.roundRect) ctx.roundRect(g.x0, g.y0, g.x1 - g.x0, g.y1 - g.y0, 8);
      else ctx.rect(g.x0, g.y0, g.x1 - g.x0, g.y1 - g.y0);
      ctx.fill();
      ctx.stroke();
      if (data.title_font * scale >= data.draw_threshold - 1) {
        ctx.font = data.title_font + "px " + data.font_face;
        ctx.fillStyle = "#4a4a4a";
        ctx.textBaseline = "top";
        ctx.textAlign = "left";
        ctx.fillText(g.title[lang] || g.title.nl, g.x0 + data.group_pad, g.y0 + data.group_pad * 0.6);
      }
      ctx.restore();
    });
  }

  function draw(container) {
    var data = window.pgReadJSON(container.getAttribute("data-graph"));
    if (!data || typeof vis === "undefined") return null;
    var styles = {};
    data.styles.forEach(function (s) { styles[s.kind] = s; });
    data.byId = {};
    data.nodes.forEach(function (n) { data.byId[n.id] = n; });
    var lang = window.pgLang();
    var nodes = new vis.DataSet(data.nodes.map(function (n) { return visNode(n, styles[n.kind], data, lang); }));
    var edges = new vis.DataSet(data.edges.map(function (e, i) { return visEdge(e, i, data); }));
    var network = new vis.Network(container, { nodes: nodes, edges: edges }, {
      physics: { enabled: false },
      layout: { improvedLayout: false, randomSeed: 7 },
      edges: { smooth: false, selectionWidth: 1.5, hoverWidth: 0.5 },
      nodes: { labelHighlightBold: false, scaling: { label: { drawThreshold: data.draw_threshold } } },
      interaction: { hover: true, tooltipDelay: 120, hideEdgesOnDrag: data.nodes.length > 300,
                     navigationButtons: true, keyboard: { enabled: true, bindToWindow: false, autoFocus: false },
                     multiselect: false }
    });
    var graph = { container: container, network: network, nodes: nodes, edges: edges, data: data,
                  styles: styles, ready: false, list: null, focus: null };
    if (data.groups && data.groups.length) {
      network.on("beforeDrawing", function (ctx) { drawGroups(ctx, graph); });
    }
    nameCanvas(container, data);
    network.on("click", function (params) {
      if (params.nodes.length) activate(graph, params.nodes[0], "graph");
      else if (graph.onClear) graph.onClear();
    });
    network.on("hoverNode", function () { container.style.cursor = "pointer"; });
    network.on("blurNode", function () { container.style.cursor = "default"; });
    document.addEventListener("pg-lang", function (ev) {
      nodes.update(data.nodes.map(function (n) {
        return { id: n.id, label: n.label[ev.detail] || n.label.nl, title: tooltip(n.tip[ev.detail] || n.tip.nl) };
      }));
      edges.update(data.edges.filter(function (e) { return e.kind === "cooccurs"; }).map(function (e) {
        return { id: data.edges.indexOf(e), title: tooltip(coTip(e, data)) };
      }));
    });
    var list = container.getAttribute("data-list");
    if (list) bindList(graph, document.getElementById(list));
    var controls = container.getAttribute("data-controls");
    network.once("afterDrawing", function () {
      if (controls) initControls(graph, document.getElementById(controls));
      fitView(graph);
      graph.ready = true;  // drawn and fitted: positions on screen are final
    });
    window.pgGraphs.push(graph);
    return graph;
  }

  /* The default view: the whole layout (frames and labels included, as laid out in Python) in
   * the box with a small margin, never enlarged — the view the label measurements are for. */
  function fitView(graph) {
    var b = graph.data.bounds, c = graph.container, m = graph.data.fit_margin;
    var w = Math.max(b[2] - b[0], 1), h = Math.max(b[3] - b[1], 1);
    var scale = Math.min(1, c.clientWidth / (m * w), c.clientHeight / (m * h));
    graph.network.moveTo({ position: { x: (b[0] + b[2]) / 2, y: (b[1] + b[3]) / 2 }, scale: scale,
                           animation: false });
  }

  /* The element vis-network makes focusable gets the graph's name and says how to use it. */
  function nameCanvas(container, data) {
    var inner = container.querySelector(".vis-network") || container;
    inner.setAttribute("role", "application");
    inner.setAttribute("data-attr", "aria-label");
    inner.setAttribute("data-nl", data.name.nl);
    inner.setAttribute("data-en", data.name.en);
    inner.setAttribute("aria-label", data.name[window.pgLang()] || data.name.nl);
    var hint = container.getAttribute("data-hint");
    if (hint) inner.setAttribute("aria-describedby", hint);
  }

  /* A node chosen in the graph or in its list: the page's panel shows it, or its page opens. */
  function activate(graph, id, from) {
    var node = graph.data.byId[id];
    if (!node) return;
    mark(graph, id);
    if (graph.onActivate) { graph.onActivate(id, from); return; }
    if (from === "graph" && node.url) {
      if (node.url.charAt(0) === "#") window.location.hash = node.url;
      else window.location.href = window.pgRoot() + node.url;
    }
  }

  function mark(graph, id) {
    graph.network.selectNodes(id ? [id] : []);
    if (!graph.list) return;
    graph.list.querySelectorAll("[data-node]").forEach(function (el) {
      var on = el.getAttribute("data-node") === id;
      if (el.tagName === "BUTTON") el.setAttribute("aria-pressed", on ? "true" : "false");
      el.classList.toggle("current", on);
      if (on && el.scrollIntoView && el.closest(".node-list-scroll")) el.scrollIntoView({ block: "nearest" });
    });
  }

  /* The list of nodes: focusing or pointing at an entry selects its node in the graph;
   * activating a button opens the node (links open their page by themselves). */
  function bindList(graph, list) {
    if (!list) return;
    graph.list = list;
    list.querySelectorAll("[data-node]").forEach(function (el) {
      var id = el.getAttribute("data-node");
      el.addEventListener("focus", function () { graph.network.selectNodes([id]); });
      el.addEventListener("mouseenter", function () { graph.network.selectNodes([id]); });
      if (el.tagName === "BUTTON") el.addEventListener("click", function () { activate(graph, id, "list"); });
    });
  }

  /* Dim everything but a node and its neighbours (null: nothing dimmed). */
  function focusOn(graph, id) {
    var data = graph.data, keep = null;
    if (id) {
      keep = {};
      keep[id] = true;
      data.edges.forEach(function (e) {
        if (e.from === id) keep[e.to] = true;
        if (e.to === id) keep[e.from] = true;
      });
    }
    graph.focus = id;
    var lang = window.pgLang();
    graph.nodes.update(data.nodes.map(function (n) {
      var v = visNode(n, graph.styles[n.kind], data, lang, keep && !keep[n.id]);
      return { id: n.id, image: v.image, font: v.font, color: v.color };
    }));
    graph.edges.update(data.edges.map(function (e, i) {
      var v = visEdge(e, i, data, keep && !(e.from === id || e.to === id));
      return { id: i, color: v.color };
    }));
  }

  /* Controls of a graph: the least number of shared cases an edge needs, and fit to view. */
  function initControls(graph, panel) {
    if (!panel) return;
    var min = panel.querySelector("select[data-min-cases]");
    function apply() {
      var least = min ? +min.value : 1;
      graph.edges.update(graph.data.edges.map(function (e, i) {
        return { id: i, hidden: e.kind === "cooccurs" && e.n < least };
      }));
    }
    if (min) { min.addEventListener("change", apply); apply(); }
    var fit = panel.querySelector("[data-fit]");
    if (fit) fit.addEventListener("click", function () { fitView(graph); });
  }

  /* Views: tabs that show one graph (and its list) at a time; a graph is drawn when first shown. */
  function initViews(tabs) {
    var buttons = tabs.querySelectorAll("[role=tab]");
    function show(button, focus) {
      buttons.forEach(function (b) {
        var on = b === button;
        b.setAttribute("aria-selected", on ? "true" : "false");
        b.tabIndex = on ? 0 : -1;
        (b.getAttribute("aria-controls") || "").split(" ").forEach(function (id) {
          var el = document.getElementById(id);
          if (el) el.hidden = !on;
        });
      });
      if (focus) button.focus();
      (button.getAttribute("aria-controls") || "").split(" ").forEach(function (id) {
        var el = document.getElementById(id);
        if (el) el.querySelectorAll(".graph[data-graph]").forEach(ensure);
      });
      document.dispatchEvent(new CustomEvent("pg-view", { detail: button.id }));
    }
    buttons.forEach(function (b, i) {
      b.addEventListener("click", function () { show(b, false); });
      b.addEventListener("keydown", function (ev) {
        var next = ev.key === "ArrowRight" ? 1 : ev.key === "ArrowLeft" ? -1 : 0;
        if (!next) return;
        ev.preventDefault();
        show(buttons[(i + next + buttons.length) % buttons.length], true);
      });
    });
  }

  function ensure(container) {
    if (container.pgGraph || container.closest("[hidden]")) return container.pgGraph || null;
    container.pgGraph = draw(container);
    if (container.pgGraph) document.dispatchEvent(new CustomEvent("pg-graph", { detail: container.pgGraph }));
    return container.pgGraph;
  }

  window.pgGraph = { activate: activate, mark: mark, focusOn: focusOn, ensure: ensure, fitView: fitView };

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[role=tablist].graph-views").forEach(initViews);
    document.querySelectorAll(".graph[data-graph]").forEach(ensure);
  });
})();
