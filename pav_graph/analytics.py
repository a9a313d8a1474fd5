"""Network analytics over the built graph (networkx).

The starting point is the **bipartite case–concept graph**: one node per case, one per concept,
an edge where the store says ``case pg:linkedTo concept`` (through a finding, an actor's role, a
relation type, an intervention or an event type). Everything else is derived from it:

* projections — cases linked by the concepts they share (weight = number shared), and concepts
  linked by the cases in which they co-occur (weight = number of cases);
* the co-occurrence network of risk factors and patterns (the concept projection restricted to
  those kinds), which is what "these problems come together" means in the sources;
* case similarity: Jaccard overlap of linked concepts, optionally weighted per concept kind (e.g.
  count a shared risk factor more than a shared role, which nearly every case has);
* centrality of concepts and roles in the bipartite graph (bipartite-normalised degree and
  betweenness: a concept with high betweenness bridges otherwise separate groups of cases);
* communities of cases (Louvain with a fixed seed, or greedy modularity), so runs repeat.

Node ids are ``case/<id>`` and ``concept/<id>`` (the tails of their IRIs): case and concept ids
live in separate namespaces and may coincide.
"""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
from networkx.algorithms import bipartite

from pav_graph.sparql import prefix_header, select_local

SEED = 42
CASE, CONCEPT = "case", "concept"

NODES_Q = prefix_header() + """
SELECT ?case ?label ?label_en (GROUP_CONCAT(DISTINCT ?lvl; separator=",") AS ?levels) WHERE {
  ?c a pg:Case ; dcterms:identifier ?case .
  OPTIONAL { ?c rdfs:label ?label FILTER(lang(?label) = "nl") }
  OPTIONAL { ?c rdfs:label ?label_en FILTER(lang(?label_en) = "en") }
  OPTIONAL { ?c pg:hasOrganisation/pg:level ?l BIND(REPLACE(STR(?l), "^.*/", "") AS ?lvl) }
}
GROUP BY ?case ?label ?label_en
"""

CONCEPTS_Q = prefix_header() + """
SELECT ?concept ?kind ?label ?label_en WHERE {
  ?c a skos:Concept ; skos:notation ?concept ; pg:kind ?kind .
  OPTIONAL { ?c skos:prefLabel ?label FILTER(lang(?label) = "nl") }
  OPTIONAL { ?c skos:prefLabel ?label_en FILTER(lang(?label_en) = "en") }
}
"""

LINKS_Q = prefix_header() + """
SELECT ?case ?concept WHERE {
  ?c a pg:Case ; dcterms:identifier ?case ; pg:linkedTo ?k . ?k skos:notation ?concept .
}
"""


def case_node(case_id: str) -> str:
    return f"{CASE}/{case_id}"


def concept_node(concept_id: str) -> str:
    return f"{CONCEPT}/{concept_id}"


def node_id(node: str) -> str:
    """The case or concept id of a node."""
    return node.split("/", 1)[1]


def bipartite_graph(store: ox.Store, include_unused: bool = False) -> nx.Graph:
    """Cases and concepts joined by ``pg:linkedTo``.

    Node attributes (GraphML and GEXF can hold them all): ``type`` (case|concept), ``bipartite``
    (0 for cases, 1 for concepts: networkx's convention), ``identifier`` (the case or concept id;
    not ``id``, which GEXF would take as the node id), ``kind`` ("case" or the concept's kind),
    ``label`` and ``label_en``, and ``level`` (a case's levels of government, comma-separated;
    empty for concepts). Concepts no case uses are left out unless
    ``include_unused``.
    """
    g = nx.Graph()
    for r in select_local(store, NODES_Q).rows:
        cid = str(r["case"])
        g.add_node(case_node(cid), type=CASE, bipartite=0, identifier=cid, kind=CASE,
                   label=str(r["label"] or cid), label_en=str(r["label_en"] or ""),
                   level=",".join(sorted(x for x in str(r["levels"] or "").split(",") if x)))
    concepts = {str(r["concept"]): r for r in select_local(store, CONCEPTS_Q).rows}
    links = [(str(r["case"]), str(r["concept"])) for r in select_local(store, LINKS_Q).rows]
    used = {c for _, c in links}
    for cid, r in concepts.items():
        if include_unused or cid in used:
            g.add_node(concept_node(cid), type=CONCEPT, bipartite=1, identifier=cid, kind=str(r["kind"]),
                       label=str(r["label"] or cid), label_en=str(r["label_en"] or ""), level="")
    for case, concept in links:
        if concept in concepts:
            g.add_edge(case_node(case), concept_node(concept))
    return g


def from_corpus(corpus) -> nx.Graph:
    """The same bipartite graph built from a validated model (no store needed; for tests
    and for tools that already hold a :class:`pav_graph.model.Corpus`)."""
    g = nx.Graph()
    for case in corpus.cases.values():
        g.add_node(case_node(case.id), type=CASE, bipartite=0, identifier=case.id, kind=CASE,
                   label=case.label.get("nl", case.id), label_en=case.label.get("en", ""),
                   level=",".join(case.levels))
    for case in corpus.cases.values():
        for cid in case.linked_concepts():
            c = corpus.concepts[cid]
            g.add_node(concept_node(cid), type=CONCEPT, bipartite=1, identifier=cid, kind=c.kind,
                       label=c.label.get("nl", cid), label_en=c.label.get("en", ""), level="")
            g.add_edge(case_node(case.id), concept_node(cid))
    return g


def case_nodes(g: nx.Graph) -> list[str]:
    return sorted(n for n, d in g.nodes(data=True) if d["type"] == CASE)


def concept_nodes(g: nx.Graph, kinds: tuple[str, ...] | None = None) -> list[str]:
    return sorted(n for n, d in g.nodes(data=True)
                  if d["type"] == CONCEPT and (kinds is None or d["kind"] in kinds))


def case_projection(g: nx.Graph) -> nx.Graph:
    """Case–case graph; edge weight = number of concepts the two cases share."""
    return bipartite.weighted_projected_graph(g, case_nodes(g))


def concept_projection(g: nx.Graph, kinds: tuple[str, ...] | None = None) -> nx.Graph:
    """Concept–concept co-occurrence graph; edge weight = number of cases linked to both.

    ``kinds`` restricts the concepts (e.g. risk factors and patterns); cases still connect them.
    """
    keep = set(concept_nodes(g, kinds)) | set(case_nodes(g))
    return bipartite.weighted_projected_graph(g.subgraph(keep), concept_nodes(g, kinds))


def risk_network(g: nx.Graph, kinds: tuple[str, ...] = ("risk-factor", "pattern")) -> nx.Graph:
    """The weighted co-occurrence network of risk factors and patterns."""
    return concept_projection(g, kinds)


def top_pairs(projection: nx.Graph, top: int = 10) -> list[dict]:
    """The heaviest edges of a projection: the pairs that occur together most often."""
    edges = sorted(projection.edges(data="weight"), key=lambda e: (-e[2], *sorted(e[:2])))
    return [{"a": node_id(min(a, b)), "b": node_id(max(a, b)), "weight": w}
            for a, b, w in edges[:top]]


def _weight(g: nx.Graph, node: str, kind_weights: dict[str, float] | None) -> float:
    if not kind_weights:
        return 1.0
    return float(kind_weights.get(g.nodes[node]["kind"], 1.0))


def jaccard(g: nx.Graph, a: str, b: str, kind_weights: dict[str, float] | None = None) -> float:
    """(Weighted) Jaccard overlap of the concepts linked to cases ``a`` and ``b`` (node ids).

    With ``kind_weights`` each concept counts with the weight of its kind (default 1):
    Σ w(shared) / Σ w(either). 0 when neither case has a concept.
    """
    na, nb = set(g[a]), set(g[b])
    union = sum(_weight(g, n, kind_weights) for n in na | nb)
    if union == 0:
        return 0.0
    return sum(_weight(g, n, kind_weights) for n in na & nb) / union


def similar(g: nx.Graph, case_id: str, top: int = 5,
            kind_weights: dict[str, float] | None = None) -> list[dict]:
    """The ``top`` cases most similar to ``case_id``, with the concepts they share."""
    me = case_node(case_id)
    if me not in g:
        raise KeyError(case_id)
    rows = []
    for other in case_nodes(g):
        if other == me:
            continue
        shared = sorted(node_id(n) for n in set(g[me]) & set(g[other]))
        rows.append({"case": node_id(other), "label": g.nodes[other]["label"],
                     "score": round(jaccard(g, me, other, kind_weights), 4), "shared": shared})
    rows.sort(key=lambda r: (-r["score"], r["case"]))
    return [r for r in rows if r["score"] > 0][:top]


def similar_pairs(g: nx.Graph, top: int = 10,
                  kind_weights: dict[str, float] | None = None) -> list[dict]:
    """The ``top`` most similar pairs of cases over the whole corpus."""
    rows = []
    for a, b in combinations(case_nodes(g), 2):
        score = jaccard(g, a, b, kind_weights)
        if score > 0:
            rows.append({"a": node_id(a), "b": node_id(b), "score": round(score, 4),
                         "shared": len(set(g[a]) & set(g[b]))})
    rows.sort(key=lambda r: (-r["score"], r["a"], r["b"]))
    return rows[:top]


def centrality(g: nx.Graph) -> list[dict]:
    """Degree and betweenness centrality of every concept in the bipartite graph.

    Both are normalised for bipartite graphs (networkx.algorithms.bipartite): degree is the
    share of cases a concept is linked to; betweenness is the share of shortest case–case and
    concept–concept paths through the concept.
    """
    cases = case_nodes(g)
    if not cases:
        return []
    degree = bipartite.degree_centrality(g, cases)
    between = bipartite.betweenness_centrality(g, cases)
    rows = [{"concept": node_id(n), "kind": g.nodes[n]["kind"], "label": g.nodes[n]["label"],
             "cases": g.degree(n), "degree": round(degree[n], 4), "betweenness": round(between[n], 4)}
            for n in concept_nodes(g)]
    rows.sort(key=lambda r: (-r["betweenness"], -r["degree"], r["concept"]))
    return rows


def communities(graph: nx.Graph, method: str = "louvain", seed: int = SEED,
                weight: str = "weight") -> list[list[str]]:
    """Communities of a (projected) graph, largest first; each a sorted list of node ids.

    Louvain is randomised: the fixed ``seed`` makes a run repeatable. Greedy modularity is
    deterministic. Isolated nodes form their own communities.
    """
    if graph.number_of_nodes() == 0:
        return []
    if method == "louvain":
        parts = nx.community.louvain_communities(graph, weight=weight, seed=seed)
    elif method == "greedy":
        parts = nx.community.greedy_modularity_communities(graph, weight=weight)
    else:
        raise ValueError(f"unknown community method {method!r} (louvain or greedy)")
    groups = [sorted(node_id(n) for n in part) for part in parts]
    return sorted(groups, key=lambda p: (-len(p), p))


def report(g: nx.Graph, top: int = 10, method: str = "louvain", seed: int = SEED,
           kind_weights: dict[str, float] | None = None) -> dict:
    """Everything ``pav-graph analyse`` prints, as one JSON-ready dict."""
    risk = risk_network(g)
    cent = centrality(g)
    cases = case_projection(g)
    return {
        "graph": {"cases": len(case_nodes(g)), "concepts": len(concept_nodes(g)),
                  "links": g.number_of_edges()},
        "co_occurring_pairs": top_pairs(risk, top),
        "risk_network": {"nodes": risk.number_of_nodes(), "edges": risk.number_of_edges()},
        "central_concepts": [r for r in cent if r["kind"] != "role"][:top],
        "central_roles": [r for r in cent if r["kind"] == "role"][:top],
        "communities": {"method": method, "seed": seed if method == "louvain" else None,
                        "groups": communities(cases, method, seed)},
        "similar_pairs": similar_pairs(g, top, kind_weights),
        "kind_weights": kind_weights or {},
    }


def export(g: nx.Graph, fmt: str) -> bytes:
    """The graph as GraphML or GEXF (for Gephi, Cytoscape, R igraph), UTF-8 encoded."""
    if fmt == "graphml":
        text = "\n".join(nx.generate_graphml(g, encoding="utf-8", prettyprint=True))
    elif fmt == "gexf":
        text = "\n".join(nx.generate_gexf(g, encoding="utf-8", prettyprint=True))
    else:
        raise ValueError(f"unknown network format {fmt!r} (graphml or gexf)")
    return (text + "\n").encode("utf-8")


def write(g: nx.Graph, fmt: str, path: Path) -> None:
    from pav_graph.atomic import write_bytes

    write_bytes(path, export(g, fmt))
