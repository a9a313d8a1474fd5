"""Read-side views of the built graph: cases, concepts and one case in detail.

These are the SPARQL queries behind ``pav-graph cases``, ``concepts`` and ``show`` (and the
site); they read the store, so they stay fast at 10,000 cases without parsing YAML. The case
and concept listings are also run once per build and kept in the build directory
(:func:`write_index`): listing 10,000 cases from the store takes 1.6 s, reading the index 0.05 s.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from pav_graph.claims import marks_of, standing_of
from pav_graph.rdf import ID
from pav_graph.sparql import prefix_header, select_local

CONCEPTS_Q = prefix_header() + """
SELECT ?id ?kind ?label_nl ?label_en ?definition_nl ?definition_en ?source
       (GROUP_CONCAT(DISTINCT ?alt; separator="|") AS ?alts) (COUNT(DISTINCT ?case) AS ?cases)
WHERE {
  ?c a skos:Concept ; skos:notation ?id ; pg:kind ?kind ;
     skos:prefLabel ?label_nl , ?label_en .
  FILTER(lang(?label_nl) = "nl" && lang(?label_en) = "en")
  OPTIONAL { ?c skos:definition ?definition_nl FILTER(lang(?definition_nl) = "nl") }
  OPTIONAL { ?c skos:definition ?definition_en FILTER(lang(?definition_en) = "en") }
  OPTIONAL { ?c pg:definitionSource/dcterms:identifier ?source }
  OPTIONAL { ?c skos:altLabel ?alt }
  OPTIONAL { ?case pg:linkedTo ?c }
}
GROUP BY ?id ?kind ?label_nl ?label_en ?definition_nl ?definition_en ?source
ORDER BY ?kind ?id
"""

CASES_Q = prefix_header() + """
SELECT ?id ?label ?label_en ?start ?end ?kind
       (GROUP_CONCAT(DISTINCT ?level; separator=", ") AS ?levels)
       (GROUP_CONCAT(DISTINCT ?org; separator="|") AS ?organisations)
       (GROUP_CONCAT(DISTINCT ?src; separator=", ") AS ?sources)
WHERE {
  ?case a pg:Case ; dcterms:identifier ?id ; rdfs:label ?label , ?label_en .
  FILTER(lang(?label) = "nl" && lang(?label_en) = "en")
  OPTIONAL { ?case pg:startDate ?start }
  OPTIONAL { ?case pg:endDate ?end }
  OPTIONAL { ?case pg:caseKind ?k BIND(STRAFTER(STR(?k), "/case-kind/") AS ?kind) }
  OPTIONAL { ?case pg:hasOrganisation ?o . ?o rdfs:label ?org ; pg:level/skos:prefLabel ?level
             FILTER(lang(?level) = "nl") }
  OPTIONAL { ?case dcterms:source/dcterms:identifier ?src }
}
GROUP BY ?id ?label ?label_en ?start ?end ?kind
ORDER BY ?id
"""


@dataclass
class ConceptRow:
    id: str
    kind: str
    label_nl: str
    label_en: str
    definition_nl: str
    definition_en: str
    source: str
    alt_labels: list[str]
    cases: int

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def concepts(store: ox.Store) -> list[ConceptRow]:
    return [
        ConceptRow(
            str(r["id"]), str(r["kind"]), str(r["label_nl"]), str(r["label_en"]),
            str(r["definition_nl"] or ""), str(r["definition_en"] or ""), str(r["source"] or ""),
            [a for a in str(r["alts"] or "").split("|") if a], int(str(r["cases"])),
        )
        for r in select_local(store, CONCEPTS_Q).rows
    ]


class UnknownConcept(Exception):
    def __init__(self, text: str, suggestions: list[str]):
        super().__init__(text)
        self.text, self.suggestions = text, suggestions


def resolve_concept(text: str, rows: list[ConceptRow]) -> ConceptRow:
    """Find a concept by id, Dutch or English label, or alternative label (case-insensitive)."""
    wanted = text.strip().casefold()
    for row in rows:
        if wanted in {row.id.casefold(), row.label_nl.casefold(), row.label_en.casefold()}:
            return row
    for row in rows:
        if wanted in {a.casefold() for a in row.alt_labels}:
            return row
    import difflib

    names = {}
    for row in rows:
        for name in (row.id, row.label_nl, row.label_en):
            names[name.casefold()] = name
    close = difflib.get_close_matches(wanted, list(names), n=3, cutoff=0.6)
    raise UnknownConcept(text, [names[c] for c in close])


INDEX = "catalog.json"

LINKS_Q = prefix_header() + """
SELECT ?id ?concept ?how WHERE {
  VALUES (?link ?how) { (pg:linkedTo "concepts") (pg:possiblyLinkedTo "possible") (pg:examinedAbsent "absent") }
  ?case a pg:Case ; dcterms:identifier ?id ; ?link ?c . ?c skos:notation ?concept
}
"""


def write_index(store: ox.Store, directory: Path) -> None:
    """Keep the case and concept listings of a finished store in ``directory/catalog.json``,
    each case with the ids of the concepts it is linked to (for ``cases --with``): by counting
    claims (``concepts``), only by hedged or interpreted ones (``possible``), or examined and
    found absent (``absent``)."""
    from pav_graph.atomic import write_text

    data = {"cases": _case_rows(store), "concepts": [c.as_dict() for c in concepts(store)]}
    write_text(directory / INDEX, json.dumps(data, ensure_ascii=False))


def _case_rows(store: ox.Store, case_ids: list[str] | None = None) -> list[dict]:
    """The catalogue rows of every case, or of the cases named (read from the store)."""
    links: dict[tuple[str, str], list[str]] = {}
    for r in select_cases(store, LINKS_Q, case_ids):
        links.setdefault((str(r["id"]), str(r["how"])), []).append(str(r["concept"]))
    return [{**row, **{how: sorted(links.get((row["id"], how), []))
                       for how in ("concepts", "possible", "absent")}}
            for row in cases(store, case_ids)]


def select_cases(store: ox.Store, query: str, case_ids: list[str] | None) -> list:
    """The rows of ``query`` over every case, or over the cases named: one query per case,
    with ``?case`` replaced by its IRI in the text (Oxigraph evaluated a ``VALUES ?case`` block
    after matching every case: 0.4 s at 10,000 cases for one case, 1 ms with the IRI in place).
    A query that projects ``?case`` still gets it in each row (as the IRI's text)."""
    if case_ids is None:
        return select_local(store, query).rows
    from pav_graph.sparql import sparql_iri

    head, where, body = query.partition("WHERE")
    head = _CASE_VAR.sub("", head)  # the projection
    rows = []
    for cid in case_ids:
        iri = f"{ID}case/{cid}"
        term = sparql_iri(iri)
        text = head + where + _CASE_VAR.sub(lambda _, term=term: term, body)
        rows += [{**r, "case": iri} for r in select_local(store, text).rows]
    return rows


_CASE_VAR = re.compile(r"\?case\b")


def patch_index(store: ox.Store, previous: dict, case_ids: list[str], removed: list[str],
                directory: Path) -> None:
    """The catalogue of an incremental build: the previous one with the rows of the cases that
    changed read again from the store, those of removed cases left out, and each concept's
    number of cases counted again (what :func:`write_index` would write, without reading the
    whole store)."""
    from pav_graph.atomic import write_text

    gone = set(removed) | set(case_ids)
    rows = [row for row in previous["cases"] if row["id"] not in gone]
    rows = sorted([*rows, *_case_rows(store, sorted(case_ids))], key=lambda row: row["id"])
    counts: dict[str, int] = {}
    for row in rows:
        for concept in set(row["concepts"]):
            counts[concept] = counts.get(concept, 0) + 1
    concept_rows = [{**c, "cases": counts.get(c["id"], 0)} for c in previous["concepts"]]
    data = {"cases": rows, "concepts": concept_rows}
    write_text(directory / INDEX, json.dumps(data, ensure_ascii=False))


def read_index(directory: Path) -> dict:
    return json.loads((directory / INDEX).read_text(encoding="utf-8"))


def indexed_cases(index: dict, with_concepts: list[str] = (), include_interpreted: bool = False,
                  absent: list[str] = ()) -> list[dict]:
    """The listing of :func:`cases`, read from the index: cases linked to ALL the concepts.

    By default only counting claims link (the rule of :mod:`pav_graph.claims`);
    ``include_interpreted`` also accepts hedged and interpreted ones, and each returned case then
    says per concept how it is linked (``links``: ``counts`` or ``possible``). ``absent`` keeps the
    cases where a source examined those concepts and found them absent.
    """
    wanted, gone = set(with_concepts), set(absent)
    out = []
    for row in index["cases"]:
        counted, possible = set(row["concepts"]), set(row.get("possible", ()))
        have = counted | possible if include_interpreted else counted
        if not (wanted <= have and gone <= set(row.get("absent", ()))):
            continue
        item = {k: v for k, v in row.items() if k not in ("concepts", "possible", "absent")}
        if wanted:
            item["links"] = {c: "counts" if c in counted else "possible" for c in sorted(wanted)}
        if gone:
            item["absent"] = sorted(gone)
        out.append(item)
    return out


def indexed_concepts(index: dict, kind: str | None = None) -> list[ConceptRow]:
    return [ConceptRow(**row) for row in index["concepts"] if kind is None or row["kind"] == kind]


def cases(store: ox.Store, case_ids: list[str] | None = None) -> list[dict]:
    """Every case (or the cases named) with its labels, period, levels, organisations and
    sources (the listing kept in the catalogue index; ``pav-graph cases --with`` filters that
    index)."""
    return [
        {
            "id": str(r["id"]), "label": str(r["label"]), "label_en": str(r["label_en"]),
            "start": str(r["start"]) if r["start"] else None, "end": str(r["end"]) if r["end"] else None,
            "kind": str(r["kind"]) if r["kind"] else "case",
            # sorted: GROUP_CONCAT's order is the query plan's, which differs between the
            # listing of every case and that of one case (an incremental build's catalogue)
            "levels": sorted(x for x in str(r["levels"] or "").split(", ") if x),
            "organisations": sorted(x for x in str(r["organisations"] or "").split("|") if x),
            "sources": sorted(x for x in str(r["sources"] or "").split(", ") if x),
        }
        for r in select_cases(store, CASES_Q, case_ids)
    ]


EVIDENCE_Q = prefix_header() + """
SELECT ?case ?item ?id ?quote ?source ?locator ?first ?last ?page WHERE {
  ?ev pg:evidenceIn ?case .
  ?item pg:hasEvidence ?ev .
  ?ev pg:quote ?quote ; pg:locator ?locator ; pg:firstLine ?first ; pg:source/dcterms:identifier ?source .
  OPTIONAL { ?ev pg:lastLine ?last } OPTIONAL { ?ev pg:page ?page }
  OPTIONAL { ?ev dcterms:identifier ?id }
}
ORDER BY ?item ?source ?first ?last
"""

DETAIL_Q = prefix_header() + """
SELECT ?case ?p ?o ?olabel ?olabel_en ?kind WHERE {
  ?case a pg:Case ; ?p ?o .
  OPTIONAL { ?o skos:prefLabel ?olabel FILTER(lang(?olabel) = "nl") }
  OPTIONAL { ?o skos:prefLabel ?olabel_en FILTER(lang(?olabel_en) = "en") }
  OPTIONAL { ?o pg:kind ?kind }
}
"""

ITEMS_Q = prefix_header() + """
SELECT ?case ?item ?type ?concept ?cid ?clabel ?clabel_en ?ckind ?label ?label_en ?status ?outcome ?outcome_en
       ?date ?reason ?reason_en ?from ?to ?measure ?unit ?note ?note_en ?role ?rolelabel
       ?key ?stance ?basis ?voice ?attributed ?attributed_en
WHERE {
  VALUES ?link { pg:hasFinding pg:hasRelation pg:hasIntervention pg:hasEvent pg:hasActor }
  ?case ?link ?item . ?item a ?type .
  OPTIONAL { ?item pg:concept|pg:relationType ?concept .
             ?concept skos:notation ?cid ; pg:kind ?ckind ; skos:prefLabel ?clabel , ?clabel_en
             FILTER(lang(?clabel) = "nl" && lang(?clabel_en) = "en") }
  OPTIONAL { ?item rdfs:label ?label FILTER(lang(?label) = "nl") }
  OPTIONAL { ?item rdfs:label ?label_en FILTER(lang(?label_en) = "en") }
  OPTIONAL { ?item pg:status/skos:prefLabel ?status FILTER(lang(?status) = "en") }
  OPTIONAL { ?item pg:outcome ?outcome FILTER(lang(?outcome) = "nl") }
  OPTIONAL { ?item pg:outcome ?outcome_en FILTER(lang(?outcome_en) = "en") }
  OPTIONAL { ?item pg:date ?date }
  OPTIONAL { ?item pg:reason ?reason FILTER(lang(?reason) = "nl") }
  OPTIONAL { ?item pg:reason ?reason_en FILTER(lang(?reason_en) = "en") }
  OPTIONAL { ?item pg:fromActor/rdfs:label ?from FILTER(lang(?from) = "nl") }
  OPTIONAL { ?item pg:toActor/rdfs:label ?to FILTER(lang(?to) = "nl") }
  OPTIONAL { ?item pg:measureValue ?measure ; pg:measureUnit ?unit }
  OPTIONAL { ?item pg:note ?note FILTER(lang(?note) = "nl") }
  OPTIONAL { ?item pg:note ?note_en FILTER(lang(?note_en) = "en") }
  OPTIONAL { ?item dcterms:identifier ?key }
  # three OPTIONALs of one triple each, the BINDs outside (a claim has all three qualifiers,
  # SHACL checks it): one OPTIONAL of the three, or BINDs inside it, made Oxigraph join the
  # qualifiers of every item in the graph (1.5 s for one case at 10,000 cases instead of 0.08 s)
  OPTIONAL { ?item pg:stance ?st } OPTIONAL { ?item pg:basis ?ba } OPTIONAL { ?item pg:voice ?vo }
  BIND(STRAFTER(STR(?st), "/stance/") AS ?stance) BIND(STRAFTER(STR(?ba), "/basis/") AS ?basis)
  BIND(STRAFTER(STR(?vo), "/voice/") AS ?voice)
  OPTIONAL { ?item pg:attributedTo ?attributed FILTER(lang(?attributed) = "nl") }
  OPTIONAL { ?item pg:attributedTo ?attributed_en FILTER(lang(?attributed_en) = "en") }
  OPTIONAL { ?item pg:role ?r . ?r skos:notation ?role ; skos:prefLabel ?rolelabel FILTER(lang(?rolelabel) = "nl") }
  FILTER(?type IN (pg:Finding, pg:Relation, pg:Intervention, pg:Event, pg:Actor))
}
"""


ORGS_Q = prefix_header() + """
SELECT ?case ?id ?name ?level ?involvement WHERE {
  ?case ?link ?o . VALUES (?link ?involvement) { (pg:hasOrganisation "setting")
                                                 (pg:involvesOrganisation "party") }
  ?o rdfs:label ?name ; pg:level ?l . ?l skos:prefLabel ?level FILTER(lang(?level) = "nl")
  BIND(REPLACE(STR(?o), "^.*/", "") AS ?id)
} ORDER BY DESC(?involvement) ?id
"""


def case_detail(store: ox.Store, case_id: str) -> dict | None:
    """Everything the graph holds about one case, grouped for display (CLI and site)."""
    return case_details(store, case_id).get(case_id)


def case_details(store: ox.Store, case_id: str | None = None,
                 case_ids: list[str] | None = None) -> dict[str, dict]:
    """:func:`case_detail` of one case, of the cases named in ``case_ids``, or (neither given)
    of every case at once.

    The site needs them all: four queries over the whole graph instead of four per case. One
    by one took 24 s for 1,000 cases, and each case's turn grows with the graph (0.03 s at
    1,000 cases, 0.09 s at 10,000), so the total grew with the square of the corpus. A few
    cases (an update of the site) are read with their IRI in the query text (:func:`select_cases`),
    a few milliseconds each at any size."""
    if case_id is not None:
        case_ids = [case_id]

    def rows(query: str) -> dict[str, list[dict]]:
        grouped: dict[str, list[dict]] = {}
        for r in select_cases(store, query, case_ids):
            grouped.setdefault(str(r["case"]), []).append(r)
        return grouped

    base, orgs, evidence_rows, item_rows = rows(DETAIL_Q), rows(ORGS_Q), rows(EVIDENCE_Q), rows(ITEMS_Q)
    out = {}
    for iri, case_rows in base.items():
        cid = iri.rsplit("/", 1)[1]
        out[cid] = _assemble(cid, iri, case_rows, orgs.get(iri, []), evidence_rows.get(iri, []),
                             item_rows.get(iri, []))
    return out


def _assemble(case_id: str, iri: str, base: list[dict], orgs: list[dict], evidence_rows: list[dict],
              item_rows: list[dict]) -> dict:
    detail: dict = {"id": case_id, "iri": iri, "label": {}, "summary": {}, "organisations": [],
                    "patterns": [], "possible_patterns": [], "sources": [],
                    "period": {"start": None, "end": None, "note": None}}
    onto = "https://w3id.org/pav-graph/ontology#"
    for r in base:
        p, o = str(r["p"]), r["o"]
        if p.endswith("rdf-schema#label"):
            detail["label"][o.lang] = o.value
        elif p == onto + "summary":
            detail["summary"][o.lang] = o.value
        elif p == onto + "startDate":
            detail["period"]["start"] = o.value
        elif p == onto + "endDate":
            detail["period"]["end"] = o.value
        elif p == onto + "periodNote":
            detail["period"]["note_en" if o.lang == "en" else "note"] = o.value
        elif p in (onto + "matchesPattern", onto + "possiblyMatchesPattern"):
            group = "patterns" if p.endswith("#matchesPattern") else "possible_patterns"
            detail.setdefault(group, []).append({"id": o.value.rsplit("/", 1)[1], "label": str(r["olabel"]),
                                                 "label_en": str(r["olabel_en"])})
        elif p == "http://purl.org/dc/terms/source":
            detail["sources"].append(o.value.rsplit("/", 1)[1])
    detail["organisations"] = [{k: (str(v) if v is not None else None) for k, v in r.items() if k != "case"}
                               for r in orgs]
    # in id order, not the query plan's (which differs between one case and every case)
    for group in ("patterns", "possible_patterns"):
        detail[group].sort(key=lambda p: p["id"])
    detail["sources"].sort()

    evidence: dict[str, list[dict]] = {}
    for r in evidence_rows:
        evidence.setdefault(str(r["item"]), []).append(
            {"quote": str(r["quote"]), "source": str(r["source"]), "locator": str(r["locator"]),
             "first_line": int(str(r["first"])),
             "last_line": int(str(r["last"] or r["first"])),
             "page": str(r["page"]) if r["page"] else None,
             "id": str(r["id"]) if r["id"] else None})
    groups: dict[str, list] = {"actors": [], "findings": [], "relations": [], "interventions": [],
                               "events": []}
    kinds = {"Finding": "findings", "Relation": "relations", "Intervention": "interventions",
             "Event": "events", "Actor": "actors"}
    for r in item_rows:
        group = kinds[str(r["type"]).rsplit("#", 1)[1]]
        item = {k: (str(v) if v is not None else None) for k, v in r.items() if k not in ("type", "case")}
        item["evidence"] = evidence.get(str(r["item"]), [])
        # a note written before notes were bilingual has only its old @en literal
        item["note"] = item["note"] or item["note_en"]
        if item["stance"]:
            item["standing"] = standing_of(item["stance"], item["basis"])
            item["marks"] = marks_of(item, "nl")
            item["marks_en"] = marks_of(item, "en")
        groups[group].append(item)
    for items in groups.values():
        items.sort(key=lambda x: (x.get("date") or "", x.get("ckind") or "", x.get("cid") or "",
                                  x["item"]))
    detail.update(groups)
    if "note_en" in detail["period"] and "note" not in detail["period"]:
        detail["period"]["note"] = detail["period"]["note_en"]
    return detail

