"""The case network for Gephi, Cytoscape and igraph (GraphML and GEXF).

Cases, the concepts they are linked to, their organisations and their sources, as a networkx
graph with the attributes a network tool needs to draw it without further work:

* a colour and a size per kind (the site's palette, :data:`pav_graph.site.graphs.KIND_STYLE`):
  in GEXF as ``viz:color`` / ``viz:size``, which Gephi reads as the node's colour and size; in
  GraphML as the ``r``, ``g``, ``b`` and ``size`` attributes Gephi's GraphML importer reads;
* an edge ``weight``: for a case–concept edge the number of the case's claims that carry the
  concept (findings, actors in the role, relations of the type, interventions, events), for a
  case–source edge the number of the case's quotes from that source, 1 for an organisation;
* ``level``, one value per node for a partition in Gephi: the level of government of an
  organisation or of a case's organisations (``gemeente``, ``provincie``, ``rijk``,
  ``waterschap`` ...), ``meerdere`` when a case has organisations at several levels (those are
  in ``levels``, joined with ``; ``), ``geen`` for concepts, sources and cases without one.
"""

from __future__ import annotations

import io

import networkx as nx
import pyoxigraph as ox

from pav_graph.sparql import prefix_header, select_local

EXTRA_Q = prefix_header() + """
SELECT ?case_id ?rel ?node_id ?label ?level WHERE {
  ?case a pg:Case ; dcterms:identifier ?case_id .
  {
    ?case ?link ?node . VALUES ?link { pg:hasOrganisation pg:involvesOrganisation }
    BIND(STRAFTER(STR(?link), "#") AS ?rel)
    ?node rdfs:label ?label ; pg:level ?level_iri .
    BIND(STRAFTER(STR(?node), "/id/org/") AS ?node_id)
    BIND(STRAFTER(STR(?level_iri), "/id/level/") AS ?level)
  } UNION {
    ?case dcterms:source ?node . BIND("source" AS ?rel)
    ?node dcterms:identifier ?node_id ; rdfs:label ?label .
  }
}
"""
# claims of a case that carry a concept and count (stated, manifest: the claims behind the
# pg:linkedTo edges), counted per (case, concept); actors carry no qualifiers and always count
CLAIMS_Q = prefix_header() + """
SELECT ?case_id ?concept (COUNT(DISTINCT ?item) AS ?n) WHERE {
  ?case a pg:Case ; dcterms:identifier ?case_id .
  {
    ?case pg:hasFinding|pg:hasIntervention|pg:hasEvent ?item . ?item pg:concept ?k .
  } UNION {
    ?case pg:hasRelation ?item . ?item pg:relationType ?k .
  } UNION {
    ?case pg:hasActor ?item . ?item pg:role ?k .
  }
  FILTER NOT EXISTS { ?item pg:counts false }
  ?k skos:notation ?concept .
}
GROUP BY ?case_id ?concept
"""
# quotes of a case per source
QUOTES_Q = prefix_header() + """
SELECT ?case_id ?source (COUNT(DISTINCT ?ev) AS ?n) WHERE {
  ?case a pg:Case ; dcterms:identifier ?case_id .
  ?ev pg:evidenceIn ?case ; pg:source ?src . ?src dcterms:identifier ?source .
}
GROUP BY ?case_id ?source
"""
# relation → (node type, node id prefix)
_EXTRA = {"hasOrganisation": ("organisation", "org"),
          "involvesOrganisation": ("organisation", "org"), "source": ("source", "source")}
SIZES = {"case": 20.0, "organisation": 12.0, "source": 10.0}
CONCEPT_SIZE = 14.0
ORGANISATION_COLOUR = "#56b4e9"  # Okabe–Ito sky blue: not used by any concept kind
FALLBACK_COLOUR = "#999999"
MULTIPLE, NONE = "meerdere", "geen"


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def colour(kind: str) -> str:
    from pav_graph.site.graphs import KIND_STYLE

    if kind == "organisation":
        return ORGANISATION_COLOUR
    return KIND_STYLE.get(kind, {}).get("color", FALLBACK_COLOUR)


def case_network(store: ox.Store) -> nx.Graph:
    """The bipartite case–concept graph of :func:`pav_graph.analytics.bipartite_graph`, with
    each case's organisations and sources added and the drawing attributes of the module doc.

    Node ids: ``case/<id>``, ``concept/<id>``, ``org/<id>``, ``source/<id>``. Attributes:
    ``type`` (case, concept, organisation, source), ``kind`` ("case", the concept's kind,
    "organisation" or "source"), ``identifier`` (the id in the case files; not ``id``, which
    GEXF writers would take as the node id), ``label``, ``label_en``, ``level``, ``levels``,
    ``bipartite``, ``r``/``g``/``b``/``size`` and ``viz``. Edges carry ``relation`` (linkedTo,
    hasOrganisation, involvesOrganisation or source) and ``weight``."""
    from pav_graph.analytics import bipartite_graph, case_node, concept_node

    graph = bipartite_graph(store)
    graph.graph["name"] = "pav-graph case network"
    nx.set_edge_attributes(graph, "linkedTo", "relation")
    claims = {(case_node(str(r["case_id"])), concept_node(str(r["concept"]))): int(r["n"].value)
              for r in select_local(store, CLAIMS_Q).rows}
    for a, b, data in graph.edges(data=True):
        data["weight"] = float(claims.get((a, b), claims.get((b, a), 1)))
    quotes = {(str(r["case_id"]), str(r["source"])): int(r["n"].value)
              for r in select_local(store, QUOTES_Q).rows}
    for row in select_local(store, EXTRA_Q).rows:
        rel = str(row["rel"])
        kind, prefix = _EXTRA[rel]
        node = f"{prefix}/{row['node_id']}"
        level = str(row["level"] or "")
        graph.add_node(node, type=kind, bipartite=1, identifier=str(row["node_id"]), kind=kind,
                       label=str(row["label"]), label_en="", level=level or NONE, levels=level)
        weight = quotes.get((str(row["case_id"]), str(row["node_id"])), 1) if kind == "source" else 1
        graph.add_edge(case_node(str(row["case_id"])), node, relation=rel, weight=float(weight))
    for _node, data in graph.nodes(data=True):
        if data["type"] == "case":
            levels = sorted(x for x in data.get("level", "").split(",") if x)
            data["levels"] = "; ".join(levels)
            data["level"] = levels[0] if len(levels) == 1 else MULTIPLE if levels else NONE
        elif data["type"] == "concept":
            data["level"], data["levels"] = NONE, ""
        size = SIZES.get(data["type"], CONCEPT_SIZE)
        r, g, b = _rgb(colour(data["kind"]))
        data.update(r=r, g=g, b=b, size=size)
        data["viz"] = {"color": {"r": r, "g": g, "b": b, "a": 1.0}, "size": size}
    return graph


def network_bytes(graph: nx.Graph, fmt: str) -> bytes:
    """GraphML (without the ``viz`` dict, which GraphML cannot hold; r/g/b/size carry it) or
    GEXF 1.2 (``viz`` written as the viz namespace; r/g/b/size kept as plain attributes)."""
    buffer = io.BytesIO()
    if fmt == "graphml":
        plain = graph.copy()
        for _node, data in plain.nodes(data=True):
            data.pop("viz", None)
        nx.write_graphml(plain, buffer, encoding="utf-8")
    else:
        nx.write_gexf(graph, buffer, encoding="utf-8")
    return buffer.getvalue()
