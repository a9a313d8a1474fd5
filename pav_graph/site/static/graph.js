/* pav-graph site: draws the graphs embedded in the page with vis-network.
 * Positions come precomputed (networkx), so physics stays off and the picture is stable.
 * Labels are drawn on the canvas (text only); tooltips are DOM elements filled with textContent,
 * so text from case files can never become HTML. */
(function () {
  "use strict";
  window.pgGraphs = [];

  var EDGE_STYLE = {
    linked: { color: { color: "#a7b1bc", highlight: "#1f4e79", hover: "#1f4e79" }, width: 1 },
    inferred: { color: { color: "#c0392b", highlight: "#c0392b", hover: "#c0392b" }, width: 2, dashes: [6, 4] },
    source: { color: { color: "#6b6b6b", highlight: "#333", hover: "#333" }, width: 1, dashes: [2, 4] },
    broader: { color: { color: "#117a65", highlight: "#117a65", hover: "#117a65" }, width: 1.5, dashes: [8, 3] },
    related: { color: { color: "#b7950b", highlight: "#b7950b", hover: "#b7950b" }, width: 1.5, dashes: [3, 3] }
  };

  function tooltip(text) {
    var div = document.createElement("div");
    div.className = "pg-tip";
    div.textContent = text;
    return div;
  }

  function visNode(n, style, lang) {
    return {
      id: n.id, x: n.x, y: n.y, shape: style.shape, size: n.center ? n.size + 8 : n.size,
      label: n.label[lang] || n.label.nl, title: tooltip(n.tip[lang] || n.tip.nl),
      color: { background: style.color, border: n.center ? "#000" : style.color,
               highlight: { background: style.color, border: "#000" },
               hover: { background: style.color, border: "#000" } },
      borderWidth: n.center ? 3 : 1,
      font: { size: n.center ? 16 : 12, color: "#1b1b1b", strokeWidth: 4, strokeColor: "#ffffff",
              bold: n.center ? { size: 16 } : undefined },
      hidden: false
    };
  }

  function draw(container) {
    var data = window.pgReadJSON(container.getAttribute("data-graph"));
    if (!data || typeof vis === "undefined") return;
    var styles = {};
    data.styles.forEach(function (s) { styles[s.kind] = s; });
    var byId = {};
    data.nodes.forEach(function (n) { byId[n.id] = n; });
    var lang = window.pgLang();
    var nodes = new vis.DataSet(data.nodes.map(function (n) { return visNode(n, styles[n.kind], lang); }));
    var edges = new vis.DataSet(data.edges.map(function (e, i) {
      var s = EDGE_STYLE[e.kind] || EDGE_STYLE.linked;
      return { id: i, from: e.from, to: e.to, color: s.color, width: s.width, dashes: s.dashes || false };
    }));
    var network = new vis.Network(container, { nodes: nodes, edges: edges }, {
      physics: { enabled: false },
      layout: { improvedLayout: false, randomSeed: 7 },
      edges: { smooth: false, selectionWidth: 2 },
      nodes: { scaling: { label: { drawThreshold: 6 } } },
      interaction: { hover: true, tooltipDelay: 120, hideEdgesOnDrag: data.nodes.length > 300,
                     navigationButtons: true, keyboard: { enabled: true, bindToWindow: false, autoFocus: false },
                     multiselect: false }
    });
    network.on("click", function (params) {
      if (!params.nodes.length) return;
      var node = byId[params.nodes[0]];
      if (node && node.url) window.location.href = window.pgRoot() + node.url;
    });
    network.on("hoverNode", function () { container.style.cursor = "pointer"; });
    network.on("blurNode", function () { container.style.cursor = "default"; });
    document.addEventListener("pg-lang", function (ev) {
      nodes.update(data.nodes.map(function (n) {
        return { id: n.id, label: n.label[ev.detail] || n.label.nl, title: tooltip(n.tip[ev.detail] || n.tip.nl) };
      }));
    });
    var graph = { container: container, network: network, nodes: nodes, edges: edges, data: data,
                  ready: false };
    var controls = container.getAttribute("data-controls");
    network.once("afterDrawing", function () {
      if (controls) initControls(graph, document.getElementById(controls));  // fits the view
      else network.fit({ animation: false });
      graph.ready = true;  // drawn and fitted: positions on screen are final
    });
    window.pgGraphs.push(graph);
  }

  /* Kind check boxes and the pattern filter of the corpus graph. */
  function initControls(graph, panel) {
    var data = graph.data;
    var neighbours = {};
    data.nodes.forEach(function (n) { neighbours[n.id] = []; });
    data.edges.forEach(function (e) {
      neighbours[e.from].push(e.to);
      neighbours[e.to].push(e.from);
    });
    var boxes = panel.querySelectorAll("input[data-kind]");
    var select = panel.querySelector("#pattern-filter");
    var status = panel.querySelector("#graph-status");

    function apply() {
      var kinds = {};
      boxes.forEach(function (b) { kinds[b.getAttribute("data-kind")] = b.checked; });
      var keep = null;
      if (select && select.value && neighbours[select.value]) {
        // the pattern, the cases linked to it, and everything those cases link to
        keep = {};
        keep[select.value] = true;
        neighbours[select.value].forEach(function (c) {
          if (c.indexOf("case:") !== 0) return;
          keep[c] = true;
          neighbours[c].forEach(function (o) { keep[o] = true; });
        });
      }
      var visibleIds = [];
      graph.nodes.update(data.nodes.map(function (n) {
        var visible = kinds[n.kind] !== false && (!keep || keep[n.id]);
        if (visible) visibleIds.push(n.id);
        return { id: n.id, hidden: !visible };
      }));
      var shown = visibleIds.length;
      if (status) {
        status.setAttribute("data-nl", shown + " van " + data.nodes.length + " knopen zichtbaar");
        status.setAttribute("data-en", shown + " of " + data.nodes.length + " nodes visible");
        status.textContent = status.getAttribute("data-" + window.pgLang());
      }
      graph.network.fit(shown ? { nodes: visibleIds, animation: false } : { animation: false });
    }
    boxes.forEach(function (b) { b.addEventListener("change", apply); });
    if (select) select.addEventListener("change", apply);
    var fit = panel.querySelector("#graph-fit");
    if (fit) fit.addEventListener("click", function () { graph.network.fit({ animation: false }); });
    apply();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".graph[data-graph]").forEach(draw);
  });
})();
