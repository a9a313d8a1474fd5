"""Recurring patterns across cases, read from the built store.

Two views answer "what keeps coming back?":

* **composite matches** — the cases the reasoner (HermiT) placed in a composite pattern, as the
  build materialised them (``pg:PatternMatch`` nodes with ``pg:matchCase``, ``pg:matchPattern``
  and ``pg:basedOn`` the items that supplied each required concept), with their quotes;
* **recurring concepts** — every concept of kind pattern or risk factor that is linked to at
  least ``min_cases`` cases, with one quote per case so a reader can check each occurrence.

Both read only the store, so they work the same on the embedded store and stay cheap at scale.
"""

from __future__ import annotations

import pyoxigraph as ox

from pav_graph.sparql import prefix_header, select_local

RECURRING_KINDS = ("pattern", "risk-factor")

# The order in which items are preferred when one quote must stand for a (case, concept) link:
# a finding says it most directly; a role says least.
ITEM_ORDER = {"Finding": 0, "Event": 1, "Relation": 2, "Intervention": 3, "Actor": 4}
ITEM_KIND = {"Finding": "finding", "Event": "event", "Relation": "relation",
             "Intervention": "intervention", "Actor": "role"}

COMPOSITES_Q = prefix_header() + """
SELECT ?pattern ?label ?label_en ?part WHERE {
  ?p pg:patternClass ?cls ; skos:notation ?pattern ; pg:requires/skos:notation ?part .
  OPTIONAL { ?p skos:prefLabel ?label FILTER(lang(?label) = "nl") }
  OPTIONAL { ?p skos:prefLabel ?label_en FILTER(lang(?label_en) = "en") }
}
ORDER BY ?pattern
"""

MATCHES_Q = prefix_header() + """
SELECT ?pattern ?case ?case_label ?item ?type ?part ?text ?quote ?source ?locator ?n WHERE {
  ?match a pg:PatternMatch ; pg:matchCase ?c ; pg:matchPattern ?p .
  ?p skos:notation ?pattern . ?c dcterms:identifier ?case .
  OPTIONAL { ?c rdfs:label ?case_label FILTER(lang(?case_label) = "nl") }
  OPTIONAL {
    ?match pg:basedOn ?item . ?item a ?type .
    FILTER(?type IN (pg:Finding, pg:Relation, pg:Intervention, pg:Event, pg:Actor))
    ?item pg:concept|pg:relationType|pg:role ?pc . ?p pg:requires ?pc . ?pc skos:notation ?part .
    OPTIONAL { ?item rdfs:label ?text FILTER(lang(?text) = "nl") }
    OPTIONAL { ?item pg:hasEvidence ?ev .
               ?ev pg:quote ?quote ; pg:locator ?locator ; pg:source/dcterms:identifier ?source .
               ?ev pg:firstLine ?n }
  }
}
"""

POSSIBLE_Q = prefix_header() + """
SELECT ?pattern ?case ?case_label ?part WHERE {
  ?match a pg:PossiblePatternMatch ; pg:matchCase ?c ; pg:matchPattern ?p ; pg:tentativePart ?tp .
  ?p skos:notation ?pattern . ?c dcterms:identifier ?case . ?tp skos:notation ?part .
  OPTIONAL { ?c rdfs:label ?case_label FILTER(lang(?case_label) = "nl") }
}
ORDER BY ?pattern ?case ?part
"""

RECURRING_Q = prefix_header() + """
SELECT ?concept ?kind ?label ?label_en ?case ?case_label WHERE {
  ?c pg:kind ?kind ; skos:notation ?concept .
  FILTER(?kind IN (%KINDS%))
  ?k pg:linkedTo ?c ; dcterms:identifier ?case .
  OPTIONAL { ?k rdfs:label ?case_label FILTER(lang(?case_label) = "nl") }
  OPTIONAL { ?c skos:prefLabel ?label FILTER(lang(?label) = "nl") }
  OPTIONAL { ?c skos:prefLabel ?label_en FILTER(lang(?label_en) = "en") }
}
"""

QUOTES_Q = prefix_header() + """
SELECT ?case ?concept ?item ?type ?quote ?source ?locator ?n WHERE {
  VALUES ?link { pg:hasFinding pg:hasRelation pg:hasIntervention pg:hasEvent pg:hasActor }
  ?k ?link ?item ; dcterms:identifier ?case .
  ?item a ?type ; pg:concept|pg:relationType|pg:role ?c .
  FILTER(?type IN (pg:Finding, pg:Relation, pg:Intervention, pg:Event, pg:Actor))
  FILTER NOT EXISTS { ?item pg:counts false }
  ?c pg:kind ?kind ; skos:notation ?concept .
  FILTER(?kind IN (%KINDS%))
  ?item pg:hasEvidence ?ev .
  ?ev pg:quote ?quote ; pg:locator ?locator ; pg:source/dcterms:identifier ?source .
  ?ev pg:firstLine ?n
}
"""


def _s(value) -> str | None:
    return None if value is None else str(value)


def _local(iri) -> str:
    return str(iri).rsplit("#", 1)[-1]


def composite_matches(store: ox.Store) -> list[dict]:
    """Every composite pattern with the cases the reasoner matched and the quotes behind each part.

    Patterns without matches are listed too (``cases`` empty): that no case fits is an answer.
    ``possible`` lists the cases that would match if their hedged or interpreted claims counted,
    with the parts that rest on them (``tentative``): "mogelijk", never a match.
    """
    patterns: dict[str, dict] = {}
    for r in select_local(store, COMPOSITES_Q).rows:
        p = patterns.setdefault(str(r["pattern"]), {
            "pattern": str(r["pattern"]), "label": _s(r["label"]), "label_en": _s(r["label_en"]),
            "requires": [], "cases": [], "possible": []})
        if str(r["part"]) not in p["requires"]:
            p["requires"].append(str(r["part"]))
    cases: dict[tuple[str, str], dict] = {}
    items: dict[tuple[str, str, str], dict] = {}
    for r in select_local(store, MATCHES_Q).rows:
        pattern, case = str(r["pattern"]), str(r["case"])
        entry = cases.get((pattern, case))
        if entry is None:
            entry = {"case": case, "label": _s(r["case_label"]), "parts": {}}
            cases[(pattern, case)] = entry
            patterns.setdefault(pattern, {"pattern": pattern, "label": None, "label_en": None,
                                          "requires": [], "cases": [], "possible": []})["cases"].append(entry)
        if r["item"] is None:
            continue
        part = str(r["part"])
        key = (pattern, case, str(r["item"]))
        item = items.get(key)
        if item is None:
            item = {"kind": ITEM_KIND[_local(r["type"])], "item": str(r["item"]),
                    "text": _s(r["text"]), "evidence": []}
            items[key] = item
            entry["parts"].setdefault(part, []).append(item)
        if r["quote"] is not None:
            ev = {"quote": str(r["quote"]), "source": str(r["source"]), "locator": str(r["locator"]),
                  "n": int(str(r["n"]))}
            if ev not in item["evidence"]:
                item["evidence"].append(ev)
    possible: dict[tuple[str, str], dict] = {}
    for r in select_local(store, POSSIBLE_Q).rows:
        pattern, case = str(r["pattern"]), str(r["case"])
        if (pattern, case) not in possible and pattern in patterns:
            possible[(pattern, case)] = {"case": case, "label": _s(r["case_label"]), "tentative": []}
            patterns[pattern]["possible"].append(possible[(pattern, case)])
        if (pattern, case) in possible:
            possible[(pattern, case)]["tentative"].append(str(r["part"]))
    for p in patterns.values():
        p["requires"].sort()
        p["cases"].sort(key=lambda c: c["case"])
        for c in p["cases"]:
            # parts in the pattern's order; a required part without items would be a build bug
            c["parts"] = [{"concept": part, "items": c["parts"].get(part, [])}
                          for part in p["requires"]]
            for part in c["parts"]:
                part["items"].sort(key=lambda i: i["item"])
                for i in part["items"]:
                    i["evidence"].sort(key=lambda e: e["n"])
                    for e in i["evidence"]:
                        e.pop("n", None)
    return sorted(patterns.values(), key=lambda p: p["pattern"])


def recurring_concepts(store: ox.Store, min_cases: int = 2,
                       kinds: tuple[str, ...] = RECURRING_KINDS) -> list[dict]:
    """Concepts of the given kinds linked to at least ``min_cases`` cases, most frequent first,
    each case with one quote (from a finding where there is one)."""
    kind_list = ", ".join(f'"{k}"' for k in kinds)
    concepts: dict[str, dict] = {}
    for r in select_local(store, RECURRING_Q.replace("%KINDS%", kind_list)).rows:
        c = concepts.setdefault(str(r["concept"]), {
            "concept": str(r["concept"]), "kind": str(r["kind"]), "label": _s(r["label"]),
            "label_en": _s(r["label_en"]), "cases": {}})
        c["cases"][str(r["case"])] = {"case": str(r["case"]), "label": _s(r["case_label"]),
                                      "via": None, "quote": None, "source": None, "locator": None}
    keep = {cid: c for cid, c in concepts.items() if len(c["cases"]) >= min_cases}
    best: dict[tuple[str, str], tuple] = {}
    for r in select_local(store, QUOTES_Q.replace("%KINDS%", kind_list)).rows:
        cid, case = str(r["concept"]), str(r["case"])
        if cid not in keep:
            continue
        rank = (ITEM_ORDER[_local(r["type"])], str(r["item"]), int(str(r["n"])))
        if (case, cid) not in best or rank < best[(case, cid)][0]:
            best[(case, cid)] = (rank, ITEM_KIND[_local(r["type"])], str(r["quote"]),
                                 str(r["source"]), str(r["locator"]))
    out = []
    for cid, c in keep.items():
        for case, entry in c["cases"].items():
            if (case, cid) in best:
                _, via, quote, source, locator = best[(case, cid)]
                entry.update(via=via, quote=quote, source=source, locator=locator)
        c["cases"] = sorted(c["cases"].values(), key=lambda e: e["case"])
        c["n_cases"] = len(c["cases"])
        out.append(c)
    return sorted(out, key=lambda c: (-c["n_cases"], c["concept"]))
