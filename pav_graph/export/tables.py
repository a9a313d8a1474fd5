"""The graph as plain tables (CSV), for pandas, R and spreadsheets.

One file per kind of statement: ``cases``, ``concepts``, ``findings``, ``relations``, ``events``
and ``interventions``. Each claim row carries its stable id (``claim``) and qualifiers
(``stance``, ``basis``, ``voice``, and ``counts``: whether it counts by the default rule of
docs/annotation-guide.md), and its notes per language. Statements carry their evidence in long form: one row per quote (columns
``quote``, ``source``, ``locator``), so a researcher can filter and count without unpacking
lists; a statement without evidence still has one row with those cells empty. Several values in
one cell (e.g. a case's organisations) are joined with ``"; "``. Ids are the short ids of the
case files (``maastricht-2025``, ``frame-lock``), not IRIs; next to them stand what a reader
needs without a join: the case's label (``case_label``), the source's title (``source_title``)
and the page of the site that shows the row (``url``: ``cases/<id>.html``, a claim's anchor on
its case page ``cases/<id>.html#finding-<concept>``, ``concepts/<id>.html``), relative to the
site unless ``site_url`` gives its address.

Files are UTF-8 with a byte-order mark, so spreadsheet programs show ``ë`` and ``’`` correctly,
and a cell that a spreadsheet would run as a formula (``=HYPERLINK(...)`` in a quote) starts
with ``'`` (:mod:`pav_graph.spreadsheet`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from pav_graph.sparql import prefix_header, select_local

Table = tuple[list[str], list[dict[str, str]]]
EVIDENCE = ["quote", "source", "source_title", "locator"]


def _rows(store: ox.Store, query: str) -> list[dict[str, str]]:
    return [{k: (v or "") for k, v in r.items()}
            for r in select_local(store, prefix_header() + query).records()]


def _multi(store: ox.Store, query: str) -> dict[str, list[str]]:
    """``?key ?value`` rows as key → sorted distinct values."""
    out: dict[str, set[str]] = defaultdict(set)
    for r in _rows(store, query):
        out[r["key"]].add(r["value"])
    return {k: sorted(v) for k, v in out.items()}


def _tail(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def _evidence(store: ox.Store) -> dict[str, list[dict[str, str]]]:
    """Statement IRI → its evidence (quote, source id, locator), in source and line order."""
    out: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in _rows(store, """
        SELECT ?key ?quote ?source ?source_title ?locator ?first WHERE {
          ?key pg:hasEvidence ?e . ?e pg:quote ?quote ; pg:locator ?locator ; pg:source ?s .
          ?s dcterms:identifier ?source .
          OPTIONAL { ?s dcterms:title ?title }
          OPTIONAL { ?s rdfs:label ?name }
          BIND(COALESCE(?title, ?name, "") AS ?source_title)
          OPTIONAL { ?e pg:firstLine ?first }
        } ORDER BY ?key ?source ?first ?quote"""):
        out[r["key"]].append({k: r[k] for k in EVIDENCE})
    return out


QUALIFIERS = ["claim", "stance", "basis", "voice", "counts", "note_nl", "note_en"]
CLAIM = ["case", "case_label", "url", "claim"]  # the first columns of every claim table
QUALIFIED = ["stance", "basis", "voice", "counts"]


def _qualifiers(store: ox.Store) -> dict[str, dict[str, str]]:
    """Claim IRI → its stable id, stance, basis, voice, whether it counts, and its notes."""
    return {r["node"]: {k: r[k] for k in QUALIFIERS} for r in _rows(store, """
        SELECT ?node ?claim ?stance ?basis ?voice ?counts ?note_nl ?note_en WHERE {
          ?node pg:stance ?st ; pg:basis ?ba ; pg:voice ?vo ; pg:counts ?counts ;
                dcterms:identifier ?claim .
          BIND(STRAFTER(STR(?st), "/stance/") AS ?stance)
          BIND(STRAFTER(STR(?ba), "/basis/") AS ?basis)
          BIND(STRAFTER(STR(?vo), "/voice/") AS ?voice)
          OPTIONAL { ?node pg:note ?note_nl FILTER(lang(?note_nl) = "nl") }
          OPTIONAL { ?node pg:note ?note_en FILTER(lang(?note_en) = "en") }
        }""")}


@dataclass
class Claims:
    """What every claim table adds to its rows: evidence, qualifiers, case label and page URL."""

    evidence: dict[str, list[dict[str, str]]]
    qualifiers: dict[str, dict[str, str]]
    case_labels: dict[str, str]
    site_url: str = ""

    def rows(self, rows: list[dict[str, str]]) -> list[dict[str, str]]:
        """One row per evidence item of each claim (``row["node"]`` is the claim IRI), with the
        claim's id and qualifiers, its case's label and ``url`` (the claim's anchor on its case
        page, which is its id), ordered by case and claim id."""
        out = []
        for row in rows:
            row.update(self.qualifiers.get(row["node"], {}))
            row["case_label"] = self.case_labels.get(row["case"], "")
            row["url"] = f"{self.site_url}cases/{row['case']}.html#{row.get('claim', '')}"
        for row in sorted(rows, key=lambda r: (r["case"], r.get("claim", ""))):
            base = {k: v for k, v in row.items() if k != "node"}
            for ev in self.evidence.get(row["node"]) or [dict.fromkeys(EVIDENCE, "")]:
                out.append({**base, **ev})
        return out


def cases_table(store: ox.Store, site_url: str = "") -> Table:
    columns = ["id", "url", "kind", "label_nl", "label_en", "start", "end", "levels", "organisations",
               "sources", "source_types", "patterns", "summary_nl", "summary_en"]
    rows = _rows(store, """
        SELECT ?case ?id ?kind ?label_nl ?label_en ?start ?end ?summary_nl ?summary_en WHERE {
          ?case a pg:Case ; dcterms:identifier ?id .
          OPTIONAL { ?case pg:caseKind ?k BIND(STRAFTER(STR(?k), "/case-kind/") AS ?kind) }
          OPTIONAL { ?case rdfs:label ?label_nl FILTER(lang(?label_nl) = "nl") }
          OPTIONAL { ?case rdfs:label ?label_en FILTER(lang(?label_en) = "en") }
          OPTIONAL { ?case pg:startDate ?start }
          OPTIONAL { ?case pg:endDate ?end }
          OPTIONAL { ?case pg:summary ?summary_nl FILTER(lang(?summary_nl) = "nl") }
          OPTIONAL { ?case pg:summary ?summary_en FILTER(lang(?summary_en) = "en") }
        } ORDER BY ?id""")
    facets = {
        "organisations": "SELECT ?key ?value WHERE { ?key pg:hasOrganisation/rdfs:label ?value }",
        "levels": """SELECT ?key ?value WHERE { ?key pg:hasOrganisation/pg:level ?l
                     BIND(STRAFTER(STR(?l), "/id/level/") AS ?value) }""",
        "sources": "SELECT ?key ?value WHERE { ?key dcterms:source/dcterms:identifier ?value }",
        "source_types": "SELECT ?key ?value WHERE { ?key a pg:Case ; pg:sourceType ?value }",
        "patterns": "SELECT ?key ?value WHERE { ?key pg:matchesPattern/skos:notation ?value }",
    }
    values = {name: _multi(store, q) for name, q in facets.items()}
    for row in rows:
        row["url"] = f"{site_url}cases/{row['id']}.html"
        for name, by_case in values.items():
            row[name] = "; ".join(by_case.get(row["case"], []))
    return columns, rows


def concepts_table(store: ox.Store, site_url: str = "") -> Table:
    columns = ["id", "url", "kind", "label_nl", "label_en", "definition_nl", "definition_en",
               "broader", "source", "locator", "cases"]
    rows = _rows(store, """
        SELECT ?concept ?id ?kind ?label_nl ?label_en ?definition_nl ?definition_en ?source
               ?locator WHERE {
          ?concept a skos:Concept ; skos:notation ?id ; pg:kind ?kind .
          OPTIONAL { ?concept skos:prefLabel ?label_nl FILTER(lang(?label_nl) = "nl") }
          OPTIONAL { ?concept skos:prefLabel ?label_en FILTER(lang(?label_en) = "en") }
          OPTIONAL { ?concept skos:definition ?definition_nl FILTER(lang(?definition_nl) = "nl") }
          OPTIONAL { ?concept skos:definition ?definition_en FILTER(lang(?definition_en) = "en") }
          OPTIONAL { ?concept pg:definitionSource/dcterms:identifier ?source }
          OPTIONAL { ?concept pg:definitionLocator ?locator }
        } ORDER BY ?kind ?id""")
    broader = _multi(store, "SELECT ?key ?value WHERE { ?key skos:broader/skos:notation ?value }")
    cases = _multi(store, """SELECT ?key ?value WHERE {
        ?c pg:linkedTo ?key ; dcterms:identifier ?value }""")
    for row in rows:
        row["url"] = f"{site_url}concepts/{row['id']}.html"
        row["broader"] = "; ".join(broader.get(row["concept"], []))
        row["cases"] = str(len(cases.get(row["concept"], [])))
    return columns, rows


def findings_table(store: ox.Store, claims: Claims) -> Table:
    columns = [*CLAIM, "concept", "kind", *QUALIFIED, *EVIDENCE, "note_nl", "note_en",
               "measure_value", "measure_unit"]
    rows = _rows(store, """
        SELECT ?node ?case ?concept ?kind ?measure_value ?measure_unit WHERE {
          ?c pg:hasFinding ?node ; dcterms:identifier ?case .
          ?node pg:concept ?k . ?k skos:notation ?concept ; pg:kind ?kind .
          OPTIONAL { ?node pg:measureValue ?measure_value }
          OPTIONAL { ?node pg:measureUnit ?measure_unit }
        }""")
    return columns, claims.rows(rows)


def _actor_labels(store: ox.Store) -> dict[str, str]:
    return {r["actor"]: r["label"] for r in _rows(store, """
        SELECT ?actor ?label WHERE { ?actor a pg:Actor ; rdfs:label ?label
                                     FILTER(lang(?label) = "nl") }""")}


def relations_table(store: ox.Store, claims: Claims) -> Table:
    columns = [*CLAIM, "type", "from_actor", "from_label", "to_actor", "to_label", *QUALIFIED,
               *EVIDENCE, "note_nl", "note_en"]
    labels = _actor_labels(store)
    rows = _rows(store, """
        SELECT ?node ?case ?type ?from ?to WHERE {
          ?c pg:hasRelation ?node ; dcterms:identifier ?case .
          ?node pg:relationType/skos:notation ?type ; pg:fromActor ?from ; pg:toActor ?to .
        }""")
    for row in rows:
        row["from_actor"], row["from_label"] = _tail(row["from"]), labels.get(row.pop("from"), "")
        row["to_actor"], row["to_label"] = _tail(row["to"]), labels.get(row.pop("to"), "")
    return columns, claims.rows(rows)


def events_table(store: ox.Store, claims: Claims) -> Table:
    columns = [*CLAIM, "date", "type", "label_nl", "label_en", "actors", "reason_nl", *QUALIFIED,
               *EVIDENCE, "note_nl", "note_en"]
    rows = _rows(store, """
        SELECT ?node ?case ?date ?type ?label_nl ?label_en ?reason_nl WHERE {
          ?c pg:hasEvent ?node ; dcterms:identifier ?case .
          OPTIONAL { ?node pg:date ?date }
          OPTIONAL { ?node pg:concept/skos:notation ?type }
          OPTIONAL { ?node rdfs:label ?label_nl FILTER(lang(?label_nl) = "nl") }
          OPTIONAL { ?node rdfs:label ?label_en FILTER(lang(?label_en) = "en") }
          OPTIONAL { ?node pg:reason ?reason_nl FILTER(lang(?reason_nl) = "nl") }
        }""")
    actors = _multi(store, "SELECT ?key ?value WHERE { ?key a pg:Event ; pg:involves ?value }")
    for row in rows:
        row["actors"] = "; ".join(_tail(a) for a in actors.get(row["node"], []))
    return columns, claims.rows(rows)


def interventions_table(store: ox.Store, claims: Claims) -> Table:
    columns = [*CLAIM, "concept", "status", "outcome_nl", "outcome_en", *QUALIFIED, *EVIDENCE,
               "note_nl", "note_en"]
    rows = _rows(store, """
        SELECT ?node ?case ?concept ?status ?outcome_nl ?outcome_en WHERE {
          ?c pg:hasIntervention ?node ; dcterms:identifier ?case .
          ?node pg:concept/skos:notation ?concept ; pg:status ?s .
          BIND(STRAFTER(STR(?s), "/id/status/") AS ?status)
          OPTIONAL { ?node pg:outcome ?outcome_nl FILTER(lang(?outcome_nl) = "nl") }
          OPTIONAL { ?node pg:outcome ?outcome_en FILTER(lang(?outcome_en) = "en") }
        }""")
    return columns, claims.rows(rows)


def tables(store: ox.Store, site_url: str = "") -> dict[str, Table]:
    """All tables by file stem, in the order they are written. ``site_url``: the address of
    the published site (ending in ``/``), put before the pages' paths; "" keeps them relative."""
    cases = cases_table(store, site_url)
    claims = Claims(_evidence(store), _qualifiers(store),
                    {row["id"]: row["label_nl"] for row in cases[1]}, site_url)
    return {
        "cases": cases,
        "concepts": concepts_table(store, site_url),
        "findings": findings_table(store, claims),
        "relations": relations_table(store, claims),
        "events": events_table(store, claims),
        "interventions": interventions_table(store, claims),
    }


def csv_bytes(columns: list[str], rows: list[dict[str, str]]) -> bytes:
    """The table as a CSV file for spreadsheets (cells that would run as a formula get a
    ``'`` in front; see :mod:`pav_graph.spreadsheet`)."""
    from pav_graph.spreadsheet import csv_bytes as spreadsheet_csv

    return spreadsheet_csv(columns, rows)


def write_tables(data: dict[str, Table], directory: Path) -> None:
    """Write each table as ``<name>.csv`` into ``directory`` (a fresh, private directory)."""
    for name, (columns, rows) in data.items():
        (directory / f"{name}.csv").write_bytes(csv_bytes(columns, rows))
