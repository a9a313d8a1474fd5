"""The SPARQL 1.1 Service Description of the endpoint (``GET /sparql`` without a query).

Clients such as YASGUI, SPARQL editors and crawlers of linked-data catalogues read it to learn
what the endpoint speaks: the query language, the result formats, the features and the size of
the data. It runs in a query worker, because the triple counts come from the store the worker
holds open, and it is made as an RDF graph and written by pyoxigraph's serialisers, so every
graph format the endpoint offers can carry it.

Features: of the five the Service Description vocabulary defines, none holds here, and none is
claimed: ``SERVICE`` is refused (no ``sd:BasicFederatedQuery``), the default graph is the
build's own graph and not the union of the named graphs (no ``sd:UnionDefaultGraph``), IRIs
in FROM are not fetched (no ``sd:DereferencesURIs``), a query needs no dataset (no
``sd:RequiresDataset``) and a read-only store has no empty graphs to keep
(``sd:EmptyGraphs``). What the server does differently (read-only, time-out, result limit) is
said in an ``rdfs:comment``.
"""

from __future__ import annotations

import pyoxigraph as ox

from pav_graph.endpoint.results import RDF_FORMATS, Answer

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
VOID = "http://rdfs.org/ns/void#"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_COMMENT = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
XSD = "http://www.w3.org/2001/XMLSchema#"
PREFIXES = {"sd": SD, "formats": FORMATS, "void": VOID, "dcterms": DCT,
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "xsd": XSD}

# media type the endpoint offers → its identifier in the W3C formats registry
RESULT_FORMATS = {
    "application/sparql-results+json": "SPARQL_Results_JSON",
    "application/sparql-results+xml": "SPARQL_Results_XML",
    "text/csv": "SPARQL_Results_CSV",
    "text/tab-separated-values": "SPARQL_Results_TSV",
    "text/turtle": "Turtle",
    "application/n-triples": "N-Triples",
    "application/ld+json": "JSON-LD",
    "application/rdf+xml": "RDF_XML",
}


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def counts(store: ox.Store) -> tuple[int, dict[str, int]]:
    """Distinct triples in the default graph and in each named graph (a store holds a triple
    once per graph, so counting its rows counts distinct triples)."""
    default = next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"]
    named = {row["g"].value: int(row["n"].value) for row in store.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
    return int(default.value), named


_COUNTS: dict[object, tuple[int, dict[str, int]]] = {}


def describe(store: ox.Store, store_key: object, job) -> Answer:
    """The Service Description as the answer to ``job`` (a :class:`Job` of kind "description",
    whose ``base_iri`` is the endpoint's IRI): in the graph format the client accepts, Turtle
    when it accepts none of them. Counts are kept per opened store (``store_key``)."""
    from pav_graph.endpoint.protocol import Refused, content_type, negotiate

    if store_key not in _COUNTS:
        _COUNTS.clear()
        _COUNTS[store_key] = counts(store)
    default, named = _COUNTS[store_key]
    try:
        choice = negotiate("DESCRIBE", job.accept)
    except Refused:
        choice = negotiate("DESCRIBE", None)
    graph = description(job.base_iri, default, named, limit=job.limit, timeout=job.timeout)
    body = ox.serialize(graph, format=RDF_FORMATS[choice.fmt], prefixes=PREFIXES)
    return Answer(200, content_type(choice.media_type), body)


def description(endpoint: str, default_triples: int, named: dict[str, int], *, limit: int,
                timeout: float) -> list[ox.Triple]:
    """The Service Description graph of the endpoint at the IRI ``endpoint``."""
    service = _n(endpoint)
    dataset, default_graph = ox.BlankNode("dataset"), ox.BlankNode("defaultGraph")
    t = [
        ox.Triple(service, RDF_TYPE, _n(SD + "Service")),
        ox.Triple(service, _n(SD + "endpoint"), service),
        ox.Triple(service, _n(SD + "supportedLanguage"), _n(SD + "SPARQL11Query")),
        ox.Triple(service, _n(SD + "defaultEntailmentRegime"),
                  _n("http://www.w3.org/ns/entailment/Simple")),
        ox.Triple(service, _n(DCT + "title"), ox.Literal("pav-graph SPARQL endpoint")),
        ox.Triple(service, RDFS_COMMENT, ox.Literal(
            "Read-only SPARQL 1.1 endpoint over the pav-graph build (asserted and inferred "
            "triples, all in the default graph). SPARQL Update and SERVICE are refused (403); "
            f"a query runs at most {timeout:g} s (then 503) and may return at most {limit} "
            "rows or triples (more: 422, never a truncated answer). Result format by Accept "
            "header or by format= (json, xml, csv, tsv, turtle, ntriples, jsonld, rdfxml).",
            language="en")),
        ox.Triple(service, _n(SD + "defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, _n(SD + "Dataset")),
        ox.Triple(dataset, _n(SD + "defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, _n(SD + "Graph")),
        ox.Triple(default_graph, _n(VOID + "triples"),
                  ox.Literal(str(default_triples), datatype=_n(XSD + "integer"))),
    ]
    t += [ox.Triple(service, _n(SD + "resultFormat"), _n(FORMATS + name))
          for name in RESULT_FORMATS.values()]
    for n, (name, size) in enumerate(sorted(named.items())):
        node, graph = ox.BlankNode(f"named{n}"), ox.BlankNode(f"graph{n}")
        t += [
            ox.Triple(dataset, _n(SD + "namedGraph"), node),
            ox.Triple(node, RDF_TYPE, _n(SD + "NamedGraph")),
            ox.Triple(node, _n(SD + "name"), _n(name)),
            ox.Triple(node, _n(SD + "graph"), graph),
            ox.Triple(graph, RDF_TYPE, _n(SD + "Graph")),
            ox.Triple(graph, _n(VOID + "triples"),
                      ox.Literal(str(size), datatype=_n(XSD + "integer"))),
        ]
    return t
