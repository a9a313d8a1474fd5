"""The graph as FollowTheMoney (FtM) entities, for Aleph and other investigative tools.

One JSON object per line: ``{"id", "schema", "properties": {name: [values]}}`` — the FtM entity
format (https://followthemoney.tech/explorer/). The mapping:

* each organisation → ``PublicBody`` (government levels gemeente, provincie, rijk, waterschap)
  (and semipubliek, overheid-onbekend) or ``Organization`` (niet-overheid, onbekend); ``PublicBody`` is a
  kind of ``Organization`` in FtM;
* each actor → ``Person`` **named by its role label** ("de gemeentesecretaris van Maastricht"),
  as the case files do; a private name never appears. Only where the graph itself holds a
  ``foaf:name`` (a public office holder named in that office by the source) is it added, as
  ``alias``. Some actors are groups ("het college van Maastricht"); FtM has no schema for a
  body identified by role, so they are ``Person`` entities too, named by their label;
* actor → organisation → ``Membership`` with the role as ``role``;
* relation between actors → ``UnknownLink`` (subject, object, role = the relation type);
* each case → ``Event`` (name, summary, period, organisations and actors ``involved``);
* each source → ``Document``; each quote → ``Documentation`` linking the document to the actor
  (evidence about the actor) or to the case (evidence of a finding, relation, event or
  intervention), with the verbatim quote as ``summary``, the statement as ``role`` and the
  locator (source id and lines) as ``description``.

Ids are readable and stable: ``pav-graph.`` + the path of the graph IRI with ``/`` as ``.``
(``pav-graph.case.maastricht-2025.actor.gemeentesecretaris``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator

import pyoxigraph as ox

from pav_graph.rdf import ID
from pav_graph.sparql import prefix_header, select_local

PUBLIC_LEVELS = {"gemeente", "provincie", "rijk", "waterschap", "semipubliek", "overheid-onbekend"}
LANGUAGES = {"nl": "nld", "en": "eng", "de": "deu", "fr": "fra"}  # ISO 639-3, as FtM wants
STATEMENT = {"finding": "bevinding", "relation": "relatie", "intervention": "interventie",
             "event": "gebeurtenis", "actor": "actor"}


def ftm_id(iri: str) -> str:
    """``https://w3id.org/pav-graph/id/case/x/actor/y`` → ``pav-graph.case.x.actor.y``."""
    if not iri.startswith(ID):
        raise ValueError(f"{iri} is not a pav-graph individual")
    return "pav-graph." + iri[len(ID):].replace("/", ".")


def _rows(store: ox.Store, query: str) -> list[dict[str, str]]:
    return [{k: v for k, v in r.items() if v is not None}
            for r in select_local(store, prefix_header() + query).records()]


def _entity(iri_or_id: str, schema: str, **properties: list[str] | str | None) -> dict:
    props: dict[str, list[str]] = {}
    for name, value in properties.items():
        values = [value] if isinstance(value, str) else list(value or [])
        values = list(dict.fromkeys(v for v in values if v))
        if values:
            props[name] = values
    ident = iri_or_id if iri_or_id.startswith("pav-graph.") else ftm_id(iri_or_id)
    return {"id": ident, "schema": schema, "properties": props}


def documents(store: ox.Store) -> Iterator[dict]:
    authors: dict[str, list[str]] = defaultdict(list)
    for r in _rows(store, "SELECT ?s ?a WHERE { ?s a pg:Source ; dcterms:creator ?a } ORDER BY ?a"):
        authors[r["s"]].append(r["a"])
    for r in _rows(store, """
        SELECT ?s ?label ?title ?date ?publisher ?language ?file ?description WHERE {
          ?s a pg:Source ; rdfs:label ?label .
          OPTIONAL { ?s dcterms:title ?title }
          OPTIONAL { ?s dcterms:date ?date }
          OPTIONAL { ?s dcterms:publisher ?publisher }
          OPTIONAL { ?s dcterms:language ?language }
          OPTIONAL { ?s pg:textFile ?file }
          OPTIONAL { ?s dcterms:description ?description FILTER(lang(?description) = "nl") }
        } ORDER BY ?s"""):
        yield _entity(r["s"], "Document", title=r.get("title") or r["label"],
                      fileName=r.get("file"), author=authors.get(r["s"]), date=r.get("date"),
                      publisher=r.get("publisher"), summary=r.get("description"),
                      language=LANGUAGES.get(r.get("language", "")))


def organisations(store: ox.Store) -> Iterator[dict]:
    for r in _rows(store, """
        SELECT ?o ?name ?level WHERE {
          ?o a pg:Organisation ; rdfs:label ?name ; pg:level ?l .
          BIND(STRAFTER(STR(?l), "/id/level/") AS ?level)
        } ORDER BY ?o"""):
        schema = "PublicBody" if r["level"] in PUBLIC_LEVELS else "Organization"
        yield _entity(r["o"], schema, name=r["name"], classification=r["level"], country="nl")


def actors(store: ox.Store) -> Iterator[dict]:
    """Persons by role, their memberships, and the relations between them."""
    names: dict[str, list[str]] = defaultdict(list)
    for r in _rows(store, """SELECT ?a ?label WHERE { ?a a pg:Actor ; rdfs:label ?label }
                             ORDER BY ?a DESC(lang(?label))"""):
        names[r["a"]].append(r["label"])  # Dutch label first
    for r in _rows(store, """
        SELECT ?a ?role ?org ?name WHERE {
          ?a a pg:Actor ; pg:role/skos:prefLabel ?role FILTER(lang(?role) = "nl")
          OPTIONAL { ?a pg:memberOf ?org }
          OPTIONAL { ?a foaf:name ?name }
        } ORDER BY ?a"""):
        yield _entity(r["a"], "Person", name=names[r["a"]], position=r["role"],
                      alias=r.get("name"), country="nl")
        if "org" in r:
            yield _entity(ftm_id(r["a"]) + ".membership", "Membership", member=ftm_id(r["a"]),
                          organization=ftm_id(r["org"]), role=r["role"])
    for r in _rows(store, """
        SELECT ?r ?from ?to ?type WHERE {
          ?r a pg:Relation ; pg:fromActor ?from ; pg:toActor ?to ;
             pg:relationType/skos:prefLabel ?type FILTER(lang(?type) = "nl")
        } ORDER BY ?r"""):
        yield _entity(r["r"], "UnknownLink", subject=ftm_id(r["from"]), object=ftm_id(r["to"]),
                      role=r["type"])


def cases(store: ox.Store) -> Iterator[dict]:
    involved: dict[str, list[str]] = defaultdict(list)
    for r in _rows(store, """SELECT ?c ?x WHERE { { ?c pg:hasOrganisation|pg:involvesOrganisation ?x }
                                                  UNION { ?c pg:hasActor ?x } } ORDER BY ?x"""):
        involved[r["c"]].append(ftm_id(r["x"]))
    for r in _rows(store, """
        SELECT ?c ?label_nl ?label_en ?summary ?start ?end WHERE {
          ?c a pg:Case ; rdfs:label ?label_nl FILTER(lang(?label_nl) = "nl")
          OPTIONAL { ?c rdfs:label ?label_en FILTER(lang(?label_en) = "en") }
          OPTIONAL { ?c pg:summary ?summary FILTER(lang(?summary) = "nl") }
          OPTIONAL { ?c pg:startDate ?start }
          OPTIONAL { ?c pg:endDate ?end }
        } ORDER BY ?c"""):
        yield _entity(r["c"], "Event", name=[r["label_nl"], r.get("label_en", "")],
                      summary=r.get("summary"), startDate=r.get("start"), endDate=r.get("end"),
                      involved=involved.get(r["c"]), country="nl")


def documentation(store: ox.Store) -> Iterator[dict]:
    """One Documentation per quote about an actor or a statement of a case."""
    for r in _rows(store, """
        SELECT ?e ?subject ?case ?quote ?source ?locator ?what ?what_label WHERE {
          ?case a pg:Case .
          { ?case pg:hasActor ?subject . BIND("actor" AS ?what)
            ?subject rdfs:label ?what_label FILTER(lang(?what_label) = "nl") }
          UNION { ?case pg:hasFinding ?subject . BIND("finding" AS ?what)
                  ?subject pg:concept/skos:prefLabel ?what_label FILTER(lang(?what_label) = "nl") }
          UNION { ?case pg:hasRelation ?subject . BIND("relation" AS ?what)
                  ?subject pg:relationType/skos:prefLabel ?what_label
                  FILTER(lang(?what_label) = "nl") }
          UNION { ?case pg:hasIntervention ?subject . BIND("intervention" AS ?what)
                  ?subject pg:concept/skos:prefLabel ?what_label FILTER(lang(?what_label) = "nl") }
          UNION { ?case pg:hasEvent ?subject . BIND("event" AS ?what)
                  ?subject rdfs:label ?what_label FILTER(lang(?what_label) = "nl") }
          ?subject pg:hasEvidence ?e .
          ?e pg:quote ?quote ; pg:locator ?locator ; pg:source ?source .
        } ORDER BY ?e"""):
        entity = r["subject"] if r["what"] == "actor" else r["case"]
        yield _entity(r["e"], "Documentation", document=ftm_id(r["source"]),
                      entity=ftm_id(entity), summary=r["quote"], description=r["locator"],
                      role=f"{STATEMENT[r['what']]}: {r['what_label']}")


def entities(store: ox.Store) -> Iterator[dict]:
    """Every entity, referenced entities before the entities that point at them."""
    yield from documents(store)
    yield from organisations(store)
    yield from actors(store)
    yield from cases(store)
    yield from documentation(store)


def to_json_lines(items: list[dict]) -> bytes:
    return "".join(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n"
                   for e in items).encode("utf-8")
