"""Counts over the built graph for ``pav-graph stats``: how big is the corpus, and where is it thin?

All numbers come from SPARQL on the store, so they describe exactly what queries and pages see.
"""

from __future__ import annotations

import pyoxigraph as ox

from pav_graph.sparql import prefix_header, select_local

THIN = 2  # a case with fewer evidence items than this is "thin" (same as the check rule)

_Q = {
    "cases_per_level": """
SELECT ?key (COUNT(DISTINCT ?c) AS ?n) WHERE {
  ?c a pg:Case ; pg:hasOrganisation/pg:level ?l . BIND(REPLACE(STR(?l), "^.*/", "") AS ?key)
} GROUP BY ?key ORDER BY DESC(?n) ?key""",
    "cases_per_source": """
SELECT ?key (COUNT(DISTINCT ?c) AS ?n) WHERE {
  ?c a pg:Case ; dcterms:source/dcterms:identifier ?key .
} GROUP BY ?key ORDER BY DESC(?n) ?key""",
    "concepts_per_kind": """
SELECT ?key (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a skos:Concept ; pg:kind ?key . }
GROUP BY ?key ORDER BY DESC(?n) ?key""",
    "quotes_per_source": """
SELECT ?key (COUNT(DISTINCT ?ev) AS ?n) WHERE {
  ?ev a pg:Evidence ; pg:source/dcterms:identifier ?key .
} GROUP BY ?key ORDER BY DESC(?n) ?key""",
}

UNUSED_Q = prefix_header() + """
SELECT ?id ?kind WHERE {
  ?c a skos:Concept ; pg:kind ?kind ; skos:notation ?id .
  FILTER NOT EXISTS { ?case pg:linkedTo|pg:matchesPattern ?c }
} ORDER BY ?kind ?id
"""

EVIDENCE_PER_CASE_Q = prefix_header() + """
SELECT ?id (COUNT(DISTINCT ?ev) AS ?n) WHERE {
  ?case a pg:Case ; dcterms:identifier ?id .
  OPTIONAL { ?case pg:hasFinding|pg:hasRelation|pg:hasIntervention|pg:hasEvent|pg:hasActor ?item .
             ?item pg:hasEvidence ?ev }
} GROUP BY ?id ORDER BY ?n ?id
"""


def _counts(store: ox.Store, query: str) -> dict[str, int]:
    return {str(r["key"]): int(str(r["n"])) for r in select_local(store, prefix_header() + query).rows}


def stats(store: ox.Store, thin: int = THIN) -> dict:
    """Counts: cases per level and per source, concepts per kind, quotes per source, unused
    concepts (no case links and no reasoner match) and cases with fewer than ``thin`` evidence
    items."""
    out: dict = {name: _counts(store, q) for name, q in _Q.items()}
    per_case = {str(r["id"]): int(str(r["n"])) for r in select_local(store, EVIDENCE_PER_CASE_Q).rows}
    unused = [{"id": str(r["id"]), "kind": str(r["kind"])} for r in select_local(store, UNUSED_Q).rows]
    out["totals"] = {
        "cases": len(per_case),
        "concepts": sum(out["concepts_per_kind"].values()),
        "quotes": sum(out["quotes_per_source"].values()),
        "case_quotes": sum(per_case.values()),
        "unused_concepts": len(unused),
        "thin_cases": sum(1 for n in per_case.values() if n < thin),
    }
    out["unused_concepts"] = unused
    out["thin_cases"] = [{"id": k, "evidence": n} for k, n in per_case.items() if n < thin]
    return out
