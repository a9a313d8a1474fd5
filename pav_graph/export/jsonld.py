"""The graph as compacted JSON-LD: one node object per subject, under a real ``@context``.

pyoxigraph writes JSON-LD in expanded form (every key a full IRI, every value an object),
which is correct but unreadable and awkward in a JSON tool. This writer compacts it the way a
JSON-LD processor would with the context it builds from the graph:

* the project prefixes (``pg:``, ``pgid:``, ``skos:``, ``dcterms:`` ...) for compact IRIs;
* a term per property whose local name is unique in the graph (``label`` for ``rdfs:label``,
  ``hasFinding`` for ``pg:hasFinding``); a local name used by two vocabularies (``source`` of
  ``dcterms:`` and of ``pg:``) stays a compact IRI key (``dcterms:source``), so nothing is
  ambiguous;
* type coercion where every value of a property agrees: ``"@type": "@id"`` when all values are
  IRIs (so ``"hasFinding": "pgid:case/x/finding/y"``), a datatype when all are literals of one
  datatype (``"startDate": "2025-01-01"`` under ``"@type": "xsd:date"``). A property with blank
  nodes among its values (OWL restrictions, RDF lists) is not coerced: its values stay
  ``{"@id": "_:b1"}``, which every processor reads alike (rdflib's own compaction loses
  blank-node values of ``@id``-coerced terms).

The context is built from the data, not written by hand, so a new property gets a term on the
next export; ``tests/test_export.py`` checks that rdflib reads the document back as exactly the
built graph and that rdflib's own compaction with this context gives the same graph.
Compacting by hand instead of with a JSON-LD library keeps the export fast on large builds
(pyld and rdflib's compaction are pure Python over the whole graph).
"""

from __future__ import annotations

import json
from collections import defaultdict

import pyoxigraph as ox

from pav_graph.rdf import PREFIXES

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
EXTRA_PREFIXES = {"cito": "http://purl.org/spar/cito/"}
# local names that would read like JSON-LD keywords or JSON conventions: kept as compact IRIs
RESERVED = {"id", "type", "value", "language", "graph", "context", "list", "set"}


class Compactor:
    """IRIs to compact IRIs with the longest matching prefix."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        self.prefixes = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))

    def __call__(self, iri: str) -> str:
        for name, ns in self.prefixes:
            if iri.startswith(ns) and len(iri) > len(ns) and not iri[len(ns):].startswith("//"):
                return f"{name}:{iri[len(ns):]}"
        return iri


def _local(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri:
            iri = iri.rsplit(sep, 1)[1]
    return iri


def _kind(term) -> str:
    if isinstance(term, ox.BlankNode):
        return "_:"
    if isinstance(term, ox.NamedNode):
        return "@id"
    if term.language:
        return LANG_STRING
    return term.datatype.value


def build_context(triples: list[ox.Triple]) -> tuple[dict, dict[str, tuple[str, str | None]]]:
    """The ``@context`` and, per property IRI, (its key, its coerced type or None)."""
    prefixes = {**PREFIXES, **EXTRA_PREFIXES}
    compact = Compactor(prefixes)
    kinds: dict[str, set[str]] = defaultdict(set)
    for t in triples:
        if t.predicate.value != RDF_TYPE:
            kinds[t.predicate.value].add(_kind(t.object))
    by_local: dict[str, list[str]] = defaultdict(list)
    for iri in kinds:
        by_local[_local(iri)].append(iri)
    context: dict = dict(sorted(prefixes.items()))
    keys: dict[str, tuple[str, str | None]] = {}
    for iri in sorted(kinds):
        found = kinds[iri]
        coerce = None
        if found == {"@id"}:
            coerce = "@id"
        elif len(found) == 1 and next(iter(found)) not in (XSD_STRING, LANG_STRING, "_:"):
            coerce = next(iter(found))
        local = _local(iri)
        if len(by_local[local]) == 1 and local and local not in prefixes and local not in RESERVED \
                and ":" not in local and not local.startswith("@"):
            definition = {"@id": compact(iri)}
            if coerce:
                definition["@type"] = "@id" if coerce == "@id" else compact(coerce)
            context[local] = definition
            keys[iri] = (local, coerce)
        else:
            keys[iri] = (compact(iri), None)
    keys[RDF_TYPE] = ("rdf:type", None)  # for an rdf:type whose value is not an IRI
    return context, keys


def _node_ref(term, compact: Compactor) -> str:
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else compact(term.value)


def _value(term, coerce: str | None, compact: Compactor):
    if coerce == "@id":
        return _node_ref(term, compact)
    if coerce is not None:
        return term.value
    if isinstance(term, (ox.NamedNode, ox.BlankNode)):
        return {"@id": _node_ref(term, compact)}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype.value == XSD_STRING:
        return term.value
    return {"@value": term.value, "@type": compact(term.datatype.value)}


def _sort_key(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def document(triples: list[ox.Triple]) -> dict:
    """``{"@context": ..., "@graph": [node objects sorted by @id]}``."""
    context, keys = build_context(triples)
    compact = Compactor({k: v for k, v in context.items() if isinstance(v, str)})
    nodes: dict[tuple[int, str], dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for t in triples:
        subject = (isinstance(t.subject, ox.BlankNode), _node_ref(t.subject, compact))
        if t.predicate.value == RDF_TYPE and isinstance(t.object, ox.NamedNode):
            nodes[subject]["@type"].append(compact(t.object.value))
            continue
        key, coerce = keys[t.predicate.value]
        nodes[subject][key].append(_value(t.object, coerce, compact))
    graph = []
    for (_, ref), properties in sorted(nodes.items()):
        node: dict = {"@id": ref}
        for key in sorted(properties, key=lambda k: (k != "@type", k)):
            values = sorted(properties[key], key=_sort_key)
            node[key] = values[0] if len(values) == 1 else values
        graph.append(node)
    return {"@context": context, "@graph": graph}


def jsonld_bytes(triples: list[ox.Triple]) -> bytes:
    return (json.dumps(document(triples), ensure_ascii=False, indent=1) + "\n").encode("utf-8")
