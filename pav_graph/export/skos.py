"""The vocabulary alone as a SKOS thesaurus in Turtle (``pav-graph export --format skos``).

Other projects reuse the concepts (roles, relation types, risk factors, dilemmas, ...) without
the cases, so this export holds only what a SKOS tool needs and can check:

* a release node ``<https://w3id.org/pav-graph/vocabulary>`` (``owl:Ontology``) with
  ``dcterms`` title, description, creator, publisher, licence (CC BY 4.0), ``owl:versionInfo``
  and an ``owl:versionIRI`` per release, and ``dcterms:hasPart`` each concept scheme;
* each concept scheme with the same metadata and ``skos:hasTopConcept`` (the concepts with no
  broader concept in their own scheme; each says ``skos:topConceptOf``);
* each concept with its SKOS labels, notation, definition, hierarchy and associative links,
  ``dcterms:source`` (the source its definition comes from) and ``pg:definitionLocator`` (where
  in that source), and each such source described with ``dcterms`` (title, creator, date,
  publisher);
* deprecated concepts (merged or renamed, see docs/ontology.md) with ``owl:deprecated true``,
  ``dcterms:isReplacedBy`` and their ``skos:historyNote``: an old IRI never disappears.

It reads the built store, like every export, and writes the same bytes for the same build (no
timestamps), so two releases can be diffed.
"""

from __future__ import annotations

import pyoxigraph as ox

from pav_graph.rdf import DCT, ID, ONTO, OWL, RDF, SKOS, N, lit
from pav_graph.sparql import prefix_header

VOCABULARY = "https://w3id.org/pav-graph/vocabulary"
LICENCE = "https://creativecommons.org/licenses/by/4.0/"
CREATOR = "pav-graph contributors"
PREFIXES = {"skos": SKOS, "dcterms": DCT, "owl": OWL, "rdf": RDF, "xsd": "http://www.w3.org/2001/XMLSchema#",
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "pg": ONTO, "concept": f"{ID}concept/", "scheme": f"{ID}scheme/", "source": f"{ID}source/"}
TITLE = {"nl": "Vocabulaire van politiek-ambtelijke verhoudingen (pav-graph)",
         "en": "Vocabulary of Dutch political–administrative relations (pav-graph)"}
DESCRIPTION = {
    "nl": "Begrippen waarmee bronnen politiek-ambtelijke verhoudingen in Nederland beschrijven: "
          "rollen, relatietypen, invloedsmiddelen, risicofactoren, dilemma's, interventies, "
          "systeempatronen, theorieën, criteria en soorten gebeurtenissen, elk met een definitie "
          "in eigen woorden en de vindplaats in de bron waarop die berust.",
    "en": "Concepts that sources use to describe Dutch political–administrative relations: "
          "roles, relation types, means of influence, risk factors, dilemmas, interventions, "
          "systemic patterns, frameworks, criteria and event types, each with a definition in our "
          "own words and the place in the source it rests on.",
}

# everything SKOS (and dcterms, owl:deprecated) says about the vocabulary's concepts (those with a
# pg:kind, and the deprecated ones; the fixed schemes of the TBox, levels of government, belong
# to the ontology)
CONCEPTS_Q = prefix_header() + """
CONSTRUCT { ?c a skos:Concept . ?c ?p ?o } WHERE {
  { ?c pg:kind ?kind } UNION { ?c owl:deprecated true ; skos:notation ?id }
  ?c skos:inScheme ?scheme .
  ?c ?p ?o .
  FILTER(STRSTARTS(STR(?p), STR(skos:)) || ?p IN (dcterms:isReplacedBy, dcterms:replaces,
         owl:deprecated, pg:definitionLocator))
}
"""
SCHEMES_Q = prefix_header() + """
SELECT ?scheme ?label WHERE {
  ?scheme a skos:ConceptScheme ; skos:prefLabel ?label .
  FILTER EXISTS { ?c skos:inScheme ?scheme ; pg:kind ?kind }
}
ORDER BY ?scheme ?label
"""
SOURCES_Q = prefix_header() + """
SELECT DISTINCT ?c ?src ?p ?o WHERE {
  { ?c pg:kind ?kind } UNION { ?c owl:deprecated true ; skos:notation ?id }
  ?c pg:definitionSource ?src .
  OPTIONAL { ?src ?p ?o . VALUES ?p { dcterms:title dcterms:creator dcterms:date dcterms:publisher
                                         dcterms:identifier rdfs:label } }
}
"""
TOP_Q = prefix_header() + """
SELECT ?c ?scheme WHERE {
  ?c pg:kind ?kind ; skos:inScheme ?scheme .
  FILTER NOT EXISTS { ?c owl:deprecated true }
  FILTER NOT EXISTS { ?c skos:broader ?b . ?b skos:inScheme ?scheme }
}
"""
VERSION_Q = prefix_header() + """
SELECT ?version WHERE { ?o a owl:Ontology ; owl:versionInfo ?version } LIMIT 1
"""


def _rows(store: ox.Store, query: str) -> list:
    """The solutions of a SELECT with pyoxigraph's own terms (ready to put into triples)."""
    return list(store.query(query))


def vocabulary_triples(store: ox.Store, version: str | None = None) -> list[ox.Triple]:
    """The SKOS release: schemes, concepts, their definition sources and release metadata.

    ``version`` defaults to the ontology's ``owl:versionInfo`` (ontology/pav-graph.ttl)."""
    if version is None:
        rows = _rows(store, VERSION_Q)
        version = rows[0]["version"].value if rows else "unversioned"
    a, vocab = N(RDF + "type"), N(VOCABULARY)
    out: list[ox.Triple] = list(store.query(CONCEPTS_Q))

    def release(subject: ox.NamedNode) -> list[ox.Triple]:
        return [ox.Triple(subject, N(DCT + "license"), N(LICENCE)),
                ox.Triple(subject, N(DCT + "creator"), lit(CREATOR)),
                ox.Triple(subject, N(DCT + "publisher"), lit(CREATOR)),
                ox.Triple(subject, N(OWL + "versionInfo"), lit(version))]

    out += [ox.Triple(vocab, a, N(OWL + "Ontology")),
            ox.Triple(vocab, N(OWL + "versionIRI"), N(f"{VOCABULARY}/{version}")),
            ox.Triple(vocab, N(DCT + "hasVersion"), lit(version)),
            ox.Triple(vocab, N(DCT + "conformsTo"), N("http://www.w3.org/TR/skos-reference/"))]
    out += release(vocab)
    for lang, text in TITLE.items():
        out.append(ox.Triple(vocab, N(DCT + "title"), lit(text, lang)))
    for lang, text in DESCRIPTION.items():
        out.append(ox.Triple(vocab, N(DCT + "description"), lit(text, lang)))

    for row in _rows(store, SCHEMES_Q):
        scheme, label = row["scheme"], row["label"]
        out += [ox.Triple(scheme, a, N(SKOS + "ConceptScheme")),
                ox.Triple(scheme, N(SKOS + "prefLabel"), label),
                ox.Triple(scheme, N(DCT + "title"), label),
                ox.Triple(vocab, N(DCT + "hasPart"), scheme),
                ox.Triple(scheme, N(DCT + "isPartOf"), vocab)]
        out += release(scheme)
    for row in _rows(store, TOP_Q):
        out += [ox.Triple(row["scheme"], N(SKOS + "hasTopConcept"), row["c"]),
                ox.Triple(row["c"], N(SKOS + "topConceptOf"), row["scheme"])]
    for row in _rows(store, SOURCES_Q):
        c, src = row["c"], row["src"]
        out += [ox.Triple(c, N(DCT + "source"), src), ox.Triple(c, N(ONTO + "definitionSource"), src),
                ox.Triple(src, a, N(DCT + "BibliographicResource"))]
        if row["p"] is not None:
            out.append(ox.Triple(src, row["p"], row["o"]))
    return sorted(set(out), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def render(store: ox.Store) -> tuple[bytes, str]:
    """The Turtle bytes of the release and a one-line summary."""
    triples = vocabulary_triples(store)
    concepts = {t.subject for t in triples
                if t.predicate == N(RDF + "type") and t.object == N(SKOS + "Concept")}
    schemes = {t.subject for t in triples
               if t.predicate == N(RDF + "type") and t.object == N(SKOS + "ConceptScheme")}
    deprecated = {t.subject for t in triples if t.predicate == N(OWL + "deprecated")}
    data = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    return data, (f"SKOS vocabulary: {len(concepts)} concepts ({len(deprecated)} deprecated) in "
                  f"{len(schemes)} concept schemes, {len(triples)} triples")
