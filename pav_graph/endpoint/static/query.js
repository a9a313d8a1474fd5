// The /query page of `pav-graph serve`: YASGUI set up for this endpoint.
//
// Why each piece is here:
// - the endpoint is this server's /sparql, and the endpoint list offers nothing else, so no
//   query goes to another host by accident;
// - autocompletion asks only this server: the project's prefixes (/query/static/prefixes.json)
//   and the properties and classes that occur in the graph (two SELECT DISTINCT queries, once
//   per page). YASQE's own property/class completers call a remote service (Linked Open
//   Vocabularies) and are switched off;
// - the query library is offered as examples; choosing one puts it in the current tab;
// - when a site is served at /, pav-graph IRIs in results link to its pages (cases, concepts,
//   sources; a claim of a case to its anchor on the case page). Links are rewritten by setting
//   attributes on the anchors YASR drew, never by writing HTML.
"use strict";
(function () {
  const config = JSON.parse(document.getElementById("pg-config").textContent);
  const endpoint = window.location.origin + "/sparql";
  const ID = "https://w3id.org/pav-graph/id/";
  const PAGES = { case: "cases", concept: "concepts", source: "sources" };
  const Yasqe = Yasgui.Yasqe;

  const cache = {};
  function distinct(query, variable) {
    if (!cache[query]) {
      cache[query] = fetch(endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/sparql-query",
                   "Accept": "application/sparql-results+json" },
        body: query,
      }).then((r) => (r.ok ? r.json() : { results: { bindings: [] } }))
        .then((d) => d.results.bindings.map((b) => b[variable].value))
        .catch(() => []);
    }
    return cache[query];
  }
  Yasqe.forkAutocompleter("property", {
    name: "graphProperty", bulk: true, persistenceId: undefined,
    get: () => distinct("SELECT DISTINCT ?p WHERE { ?s ?p ?o }", "p"),
  }, false);
  Yasqe.forkAutocompleter("class", {
    name: "graphClass", bulk: true, persistenceId: undefined,
    get: () => distinct("SELECT DISTINCT ?c WHERE { ?s a ?c }", "c"),
  }, false);

  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }], keys: [] },
    persistenceId: "pav-graph-query",
    yasqe: {
      value: config.default,
      prefixCcApi: "/query/static/prefixes.json",
      autocompleters: ["prefixes", "variables", "graphProperty", "graphClass"],
    },
    yasr: { prefixes: config.prefixes },
  });
  window.pavGraphYasgui = yasgui; // for the browser test and the curious

  // --- the query library as examples ---
  const pick = document.getElementById("examples");
  const question = document.getElementById("question");
  config.examples.forEach((ex, i) => {
    const option = document.createElement("option");
    option.value = String(i);
    option.textContent = ex.title;
    pick.appendChild(option);
  });
  pick.addEventListener("change", () => {
    const ex = config.examples[Number(pick.value)];
    question.textContent = ex ? ex.question : "";
    if (!ex) return;
    const tab = yasgui.getTab();
    tab.setEndpoint(endpoint);
    tab.setQuery(ex.text);
    tab.setName(ex.name);
  });

  // --- pav-graph IRIs → pages of the served site ---
  function sitePage(iri) {
    if (!config.site || !iri || !iri.startsWith(ID)) return null;
    const parts = iri.slice(ID.length).split("/");
    const folder = PAGES[parts[0]];
    if (!folder || !parts[1]) return null;
    let page = "/" + folder + "/" + parts[1] + ".html";
    if (folder === "cases" && parts.length > 2) page += "#" + parts.slice(2).join("-");
    return page;
  }
  function relink(root) {
    root.querySelectorAll("a[href]").forEach((a) => {
      const page = sitePage(a.getAttribute("href"));
      if (page) {
        a.setAttribute("title", a.getAttribute("href"));
        a.setAttribute("href", page);
        a.setAttribute("target", "_self");
        a.removeAttribute("rel");
      }
    });
  }
  const root = document.getElementById("yasgui");
  new MutationObserver(() => relink(root)).observe(root, { childList: true, subtree: true });
})();
