"""The mechanism layer read back from a built store, for the pages that read only the graph.

The site shows what the graph holds (like every other page), so it rebuilds the links and the
cases' concepts from SPARQL instead of reading YAML; the analysis (loops, chains, ranking) is
then the same code as for the CLI.
"""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from pav_graph.mechanisms.cases import CaseConcepts
from pav_graph.mechanisms.model import GENERAL, MechanismLink
from pav_graph.model import Evidence
from pav_graph.sparql import prefix_header, select_local

LINKS_Q = prefix_header() + """
SELECT ?key ?from ?to ?sign ?modality ?stance ?basis ?voice ?level ?attr_nl ?attr_en
       ?note_nl ?note_en ?ev ?source ?first ?last ?quote ?page WHERE {
  ?l a pg:MechanismLink ; dcterms:identifier ?key ; pg:cause/skos:notation ?from ;
     pg:effect/skos:notation ?to ; pg:polarity ?p ; pg:modality ?m ;
     pg:stance ?st ; pg:basis ?ba ; pg:voice ?vo ; pg:hasEvidence ?ev .
  ?ev pg:source/dcterms:identifier ?source ; pg:firstLine ?first ; pg:lastLine ?last ; pg:quote ?quote .
  OPTIONAL { ?ev pg:page ?page }
  OPTIONAL { ?l pg:claimedForLevel ?lv }
  OPTIONAL { ?l pg:attributedTo ?attr_nl FILTER(lang(?attr_nl) = "nl") }
  OPTIONAL { ?l pg:attributedTo ?attr_en FILTER(lang(?attr_en) = "en") }
  OPTIONAL { ?l pg:note ?note_nl FILTER(lang(?note_nl) = "nl") }
  OPTIONAL { ?l pg:note ?note_en FILTER(lang(?note_en) = "en") }
  BIND(REPLACE(STR(?p), "^.*/", "") AS ?sign)
  BIND(REPLACE(STR(?m), "^.*/", "") AS ?modality)
  BIND(REPLACE(STR(?st), "^.*/", "") AS ?stance)
  BIND(REPLACE(STR(?ba), "^.*/", "") AS ?basis)
  BIND(REPLACE(STR(?vo), "^.*/", "") AS ?voice)
  BIND(REPLACE(STR(?lv), "^.*/", "") AS ?level)
}"""

CLAIMED_Q = prefix_header() + """
SELECT ?case ?key WHERE {
  ?c a pg:Case ; dcterms:identifier ?case ; pg:hasMechanismClaim/dcterms:identifier ?key .
}"""

# The case queries name the case node ?case (and its id ?id), so that catalog.select_cases can
# read one case (an update of the site) with its IRI in place.
CASES_Q = prefix_header() + """
SELECT ?id ?nl ?en ?level WHERE {
  ?case a pg:Case ; dcterms:identifier ?id .
  OPTIONAL { ?case rdfs:label ?nl FILTER(lang(?nl) = "nl") }
  OPTIONAL { ?case rdfs:label ?en FILTER(lang(?en) = "en") }
  OPTIONAL { ?case pg:hasOrganisation/pg:level ?l BIND(REPLACE(STR(?l), "^.*/", "") AS ?level) }
}"""

STANDING_Q = prefix_header() + """
SELECT ?id ?concept ?standing WHERE {
  { ?case pg:linkedTo ?k BIND("counts" AS ?standing) }
  UNION { ?case pg:possiblyLinkedTo ?k BIND("possible" AS ?standing) }
  ?case a pg:Case ; dcterms:identifier ?id . ?k skos:notation ?concept .
}"""

# a case's own quotes per concept: the claim (or actor) each quote supports, and whether it counts
CASE_QUOTES_Q = prefix_header() + """
SELECT ?id ?concept ?quote ?source ?first ?last ?counts WHERE {
  ?ev pg:evidenceIn ?case ; oa:hasBody ?claim ; pg:quote ?quote ; pg:firstLine ?first ; pg:lastLine ?last ;
      pg:source/dcterms:identifier ?source .
  ?case dcterms:identifier ?id .
  ?claim pg:concept|pg:relationType|pg:role ?k . ?k skos:notation ?concept .
  OPTIONAL { ?claim pg:counts ?counts }
}"""


def links_from_store(store: ox.Store) -> list[MechanismLink]:
    rows = select_local(store, LINKS_Q).records()
    claimed = defaultdict(list)
    for r in select_local(store, CLAIMED_Q).records():
        claimed[r["key"]].append(r["case"])
    by_key: dict[str, MechanismLink] = {}
    evidence: dict[str, dict[str, Evidence]] = defaultdict(dict)
    for r in rows:
        key = r["key"]
        if key not in by_key:
            note = {"nl": r["note_nl"], "en": r["note_en"]} if r.get("note_nl") else None
            attributed = {"nl": r["attr_nl"], "en": r["attr_en"]} if r.get("attr_nl") else None
            by_key[key] = MechanismLink(r["from"], r["to"], r["sign"], r["modality"], [],
                                        r.get("level") or GENERAL, sorted(claimed.get(key, [])), note,
                                        stance=r["stance"], basis=r["basis"], voice=r["voice"],
                                        attributed_to=attributed, key=key)
        evidence[key][r["ev"]] = Evidence(r["source"], int(r["first"]), int(r["last"]), r["quote"],
                                          page=r.get("page"))
    for key, link in by_key.items():
        link.evidence = sorted(evidence[key].values(), key=lambda e: (e.source, e.first_line))
    return sorted(by_key.values(), key=lambda link: link.key)


def _records(store: ox.Store, query: str, case_ids: list[str] | None) -> list[dict[str, str | None]]:
    """The rows of a case query over every case or over the cases named, as strings."""
    from pav_graph.catalog import select_cases

    return [{k: (str(v) if v is not None else None) for k, v in r.items()}
            for r in select_cases(store, query, case_ids)]


def cases_from_store(store: ox.Store, case_ids: list[str] | None = None) -> list[CaseConcepts]:
    """Every case (or the cases named) with its levels and its concepts' standing, by id."""
    info: dict[str, dict] = {}
    for r in _records(store, CASES_Q, case_ids):
        entry = info.setdefault(r["id"], {"label": {"nl": r.get("nl") or r["id"], "en": r.get("en") or r.get("nl") or r["id"]},
                                          "levels": set(), "standing": {}})
        if r.get("level"):
            entry["levels"].add(r["level"])
    for r in _records(store, STANDING_Q, case_ids):
        entry = info.get(r["id"])
        if entry is None:
            continue
        if r["standing"] == "counts" or entry["standing"].get(r["concept"]) != "counts":
            entry["standing"][r["concept"]] = r["standing"]
    return [CaseConcepts(cid, e["label"], sorted(e["levels"]), dict(sorted(e["standing"].items())))
            for cid, e in sorted(info.items())]


def case_quotes(store: ox.Store, case_ids: list[str] | None = None) -> dict[str, dict[str, list[dict]]]:
    """{case: {concept: [{quote, source, first, last, counts}]}} for the per-case pages (of every
    case, or of the cases named)."""
    out: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for r in _records(store, CASE_QUOTES_Q, case_ids):
        counts = r.get("counts")
        out[r["id"]][r["concept"]].append({
            "quote": r["quote"], "source": r["source"], "first": int(r["first"]), "last": int(r["last"]),
            "counts": counts is None or str(counts).lower() == "true"})
    for per_case in out.values():
        for quotes in per_case.values():
            quotes.sort(key=lambda q: (not q["counts"], q["source"], q["first"], q["last"], q["quote"]))
    return {cid: dict(sorted(per_case.items())) for cid, per_case in out.items()}
