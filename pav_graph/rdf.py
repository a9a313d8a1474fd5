"""The model as RDF: one function per kind of thing, all emitting pyoxigraph triples.

IRIs are stable and readable (``/id/case/maastricht-2025``, ``/id/concept/frame-lock``), so a
researcher can write them by hand in SPARQL. Every n-ary statement (finding, relation,
intervention, event) is a node with its evidence, and the build also writes the direct shortcut
triples (``case pg:exhibits concept``) so that simple questions stay simple queries.
Evidence follows the W3C Web Annotation model: the annotation's body is the statement, its
target the source with a TextQuoteSelector (the exact quote) and a FragmentSelector
(RFC 5147 line range).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from pav_graph.claims import evidence_keys
from pav_graph.model import Case, CompositePattern, Concept, Corpus, Evidence, Source, claim_concept

BASE = "https://w3id.org/pav-graph/"
ONTO = BASE + "ontology#"
ID = BASE + "id/"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
OA = "http://www.w3.org/ns/oa#"
FOAF = "http://xmlns.com/foaf/0.1/"
CITO = "http://purl.org/spar/cito/"

PREFIXES = {
    "pg": ONTO, "pgid": ID, "rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD, "skos": SKOS,
    "dcterms": DCT, "oa": OA, "prov": "http://www.w3.org/ns/prov#", "org": "http://www.w3.org/ns/org#",
    "foaf": FOAF, "cito": CITO,
}
# One prefix per kind of individual: a prefixed name cannot hold an unescaped "/", so
# `pgid:level/provincie` is no SPARQL or Turtle; `pglevel:provincie` is (docs/ontology.md).
ID_PREFIXES = {
    "pgcase": "case", "pgconcept": "concept", "pgsource": "source", "pgorg": "org",
    "pglevel": "level", "pgstatus": "status", "pgscheme": "scheme", "pgstance": "stance",
    "pgbasis": "basis", "pgvoice": "voice", "pgcasekind": "case-kind",
}
PREFIXES.update({prefix: f"{ID}{kind}/" for prefix, kind in ID_PREFIXES.items()})

KIND_CLASS = {
    "role": "Role", "relation-type": "RelationType", "influence-means": "InfluenceMeans",
    "risk-factor": "RiskFactor", "dilemma": "Dilemma", "intervention": "InterventionType",
    "pattern": "SystemicPattern", "framework": "Framework", "criterion": "Criterion",
    "event-type": "EventType",
}
KIND_LABEL = {
    "role": ("rollen", "roles"), "relation-type": ("relatietypen", "relation types"),
    "influence-means": ("invloedsmiddelen", "means of influence"),
    "risk-factor": ("risicofactoren", "risk factors"), "dilemma": ("dilemma's", "dilemmas"),
    "intervention": ("interventies", "interventions"), "pattern": ("systeempatronen", "systemic patterns"),
    "framework": ("theorieën en modellen", "frameworks and theories"),
    "criterion": ("criteria", "criteria"), "event-type": ("gebeurtenissoorten", "event types"),
}


def N(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def P(name: str) -> ox.NamedNode:
    """A term of the pav-graph ontology."""
    return ox.NamedNode(ONTO + name)


A = N(RDF + "type")
LABEL = N(RDFS + "label")


def case_iri(case_id: str) -> ox.NamedNode:
    return N(f"{ID}case/{case_id}")


def concept_iri(concept_id: str) -> ox.NamedNode:
    return N(f"{ID}concept/{concept_id}")


def source_iri(source_id: str) -> ox.NamedNode:
    return N(f"{ID}source/{source_id}")


def org_iri(org_id: str) -> ox.NamedNode:
    return N(f"{ID}org/{org_id}")


def pattern_class_iri(pattern_id: str) -> ox.NamedNode:
    return N(f"{ONTO}Pattern-{pattern_id}")


def lit(text: str, lang: str | None = None) -> ox.Literal:
    return ox.Literal(text, language=lang) if lang else ox.Literal(text)


def typed(value: object, datatype: str) -> ox.Literal:
    return ox.Literal(str(value), datatype=N(XSD + datatype))


def date_literal(value: str) -> ox.Literal:
    kind = {4: "gYear", 7: "gYearMonth", 10: "date"}[len(value)]
    return typed(value, kind)


def lang_texts(subject, predicate, texts: dict[str, str] | None) -> Iterator[ox.Triple]:
    for lang, text in (texts or {}).items():
        yield ox.Triple(subject, predicate, lit(text, lang))


def evidence_triples(subject: ox.NamedNode, evidence: Iterable[Evidence], base: str,
                     predicate: ox.NamedNode | None = None, segment: str = "evidence",
                     case: ox.NamedNode | None = None, keys: list[str] | None = None,
                     stance: str | None = None) -> Iterator[ox.Triple]:
    """Web Annotation evidence for ``subject``; the annotation's body is the statement.

    ``predicate`` links the subject to each annotation (default ``pg:hasEvidence``; a concept's
    illustrations use ``pg:illustratedBy``); the n-th annotation is ``<base>/<segment>/<n>``, or
    ``<base>/<key>`` when ``keys`` are given.
    Evidence in a case also points to that ``case`` (``pg:evidenceIn``): queries over all the
    quotes of all cases then need one join instead of five alternative paths.

    A claim's quotes get content-derived ``keys`` (``<claim>-q-<source>-<first>-<last>``, under the
    case IRI) and, following CiTO, each quote ``cito:supports`` the claim — or ``cito:disputes``
    it when the claim's ``stance`` is that the source denies it.
    """
    link = predicate if predicate is not None else P("hasEvidence")
    for n, ev in enumerate(evidence, start=1):
        if keys is not None:
            at = f"{base}/{keys[n - 1]}"
            node = N(at)
            yield ox.Triple(node, N(DCT + "identifier"), lit(keys[n - 1]))
            yield ox.Triple(node, N(CITO + ("disputes" if stance == "denies" else "supports")), subject)
        else:
            at = f"{base}/{segment}/{n}"
            node = N(at)
        target = N(f"{at}/target")
        quote_sel = N(f"{at}/quote")
        line_sel = N(f"{at}/lines")
        src = source_iri(ev.source)
        yield from (
            ox.Triple(subject, link, node),
            ox.Triple(node, A, P("Evidence")),
            ox.Triple(node, A, N(OA + "Annotation")),
            ox.Triple(node, N(OA + "motivatedBy"), N(OA + "describing")),
            ox.Triple(node, N(OA + "hasBody"), subject),
            ox.Triple(node, N(OA + "hasTarget"), target),
            ox.Triple(target, A, N(OA + "SpecificResource")),
            ox.Triple(target, N(OA + "hasSource"), src),
            ox.Triple(target, N(OA + "hasSelector"), quote_sel),
            ox.Triple(quote_sel, A, N(OA + "TextQuoteSelector")),
            ox.Triple(quote_sel, N(OA + "exact"), lit(ev.quote, ev.lang)),
            ox.Triple(target, N(OA + "hasSelector"), line_sel),
            ox.Triple(line_sel, A, N(OA + "FragmentSelector")),
            ox.Triple(line_sel, N(DCT + "conformsTo"), N("http://tools.ietf.org/rfc/rfc5147")),
            # RFC 5147 counts positions between lines: lines 3..5 are line=2,5
            ox.Triple(line_sel, N(RDF + "value"), lit(f"line={ev.first_line - 1},{ev.last_line}")),
            ox.Triple(node, P("source"), src),
            ox.Triple(node, P("quote"), lit(ev.quote, ev.lang)),
            ox.Triple(node, P("locator"), lit(ev.locator)),
            ox.Triple(node, P("firstLine"), typed(ev.first_line, "integer")),
            ox.Triple(node, P("lastLine"), typed(ev.last_line, "integer")),
        )
        if case is not None:
            yield ox.Triple(node, P("evidenceIn"), case)
        if ev.page:
            yield ox.Triple(node, P("page"), lit(ev.page))


def source_triples(source: Source) -> Iterator[ox.Triple]:
    s = source_iri(source.id)
    yield ox.Triple(s, A, P("Source"))
    yield ox.Triple(s, N(DCT + "identifier"), lit(source.id))
    yield ox.Triple(s, LABEL, lit(source.display))
    if source.title:
        yield ox.Triple(s, N(DCT + "title"), lit(source.title, "nl"))
    for author in source.authors:
        yield ox.Triple(s, N(DCT + "creator"), lit(author))
    if source.year:
        yield ox.Triple(s, N(DCT + "date"), lit(source.year))
    if source.publisher:
        yield ox.Triple(s, N(DCT + "publisher"), lit(source.publisher))
    yield ox.Triple(s, N(DCT + "type"), lit(source.type))
    yield ox.Triple(s, N(DCT + "language"), lit(source.language))
    yield from lang_texts(s, N(DCT + "description"), source.description)
    for note in source.notes:  # {nl, en}, or a legacy English string
        yield from note_triples(s, note)
    yield ox.Triple(s, P("textFile"), lit(source.text_path.name))


def concept_triples(concept: Concept, ordinal: int | None = None) -> Iterator[ox.Triple]:
    """A concept as a SKOS concept of its kind's scheme, with labels, definition and evidence.

    ``ordinal`` is the concept's place among all notations in code-point order (``pg:ordinal``):
    queries that pair concepts (``a < b``) compare two numbers instead of fetching and comparing
    two strings, which made that filter the costliest step of the co-occurrence queries.
    """
    c = concept_iri(concept.id)
    scheme = N(f"{ID}scheme/{concept.kind}")
    yield ox.Triple(c, A, N(SKOS + "Concept"))
    yield ox.Triple(c, A, P(KIND_CLASS[concept.kind]))
    yield ox.Triple(c, N(SKOS + "inScheme"), scheme)
    yield ox.Triple(c, N(SKOS + "notation"), lit(concept.id))
    if concept.deprecated:
        # merged or renamed: the IRI stays resolvable; no pg:kind, so the vocabulary's queries
        # (which select concepts by kind) and the case-facing views leave it out
        yield ox.Triple(c, N(OWL + "deprecated"), typed("true", "boolean"))
        yield ox.Triple(c, N(DCT + "isReplacedBy"), concept_iri(concept.replaced_by))
        yield ox.Triple(concept_iri(concept.replaced_by), N(DCT + "replaces"), c)
        yield from lang_texts(c, N(SKOS + "historyNote"), concept.history_note)
    else:
        yield ox.Triple(c, P("kind"), lit(concept.kind))
    if ordinal is not None:
        yield ox.Triple(c, P("ordinal"), typed(ordinal, "integer"))
    yield from lang_texts(c, N(SKOS + "prefLabel"), concept.label)
    for lang, labels in concept.alt_labels.items():
        for label in labels:
            yield ox.Triple(c, N(SKOS + "altLabel"), lit(label, lang))
    yield from lang_texts(c, N(SKOS + "definition"), concept.definition)
    yield ox.Triple(c, P("definitionSource"), source_iri(concept.source))
    ev = Evidence(concept.source, concept.first_line, concept.last_line, concept.quote or "")
    yield ox.Triple(c, P("definitionLocator"), lit(ev.locator))
    if concept.quote:
        yield from evidence_triples(c, [ev], f"{ID}concept/{concept.id}")
    yield from example_triples(concept)
    for target in concept.broader:
        yield ox.Triple(c, N(SKOS + "broader"), concept_iri(target))
        yield ox.Triple(concept_iri(target), N(SKOS + "narrower"), c)
    for target in concept.related:
        yield ox.Triple(c, N(SKOS + "related"), concept_iri(target))
        yield ox.Triple(concept_iri(target), N(SKOS + "related"), c)


def example_triples(concept: Concept) -> Iterator[ox.Triple]:
    """A concept's illustrations: ``concept pg:illustratedBy <concept>/example/<n>``, each a
    pg:Evidence annotation with its quote, plus our note (nl/en) on what it shows. They use their
    own property so that pg:hasEvidence of a concept stays its definition's quote."""
    c = concept_iri(concept.id)
    base = f"{ID}concept/{concept.id}"
    yield from evidence_triples(c, concept.examples, base, P("illustratedBy"), "example")
    for n, example in enumerate(concept.examples, start=1):
        yield from lang_texts(N(f"{base}/example/{n}"), P("note"), example.note)


def scheme_triples() -> Iterator[ox.Triple]:
    for kind, (nl, en) in KIND_LABEL.items():
        scheme = N(f"{ID}scheme/{kind}")
        yield ox.Triple(scheme, A, N(SKOS + "ConceptScheme"))
        yield ox.Triple(scheme, N(SKOS + "prefLabel"), lit(nl, "nl"))
        yield ox.Triple(scheme, N(SKOS + "prefLabel"), lit(en, "en"))


def composite_triples(pattern: CompositePattern) -> Iterator[ox.Triple]:
    """An OWL defined class: Case ⊓ ∃linkedTo.{c1} ⊓ ∃linkedTo.{c2} ⊓ ..."""
    cls = pattern_class_iri(pattern.id)
    concept = concept_iri(pattern.id)
    yield ox.Triple(cls, A, N(OWL + "Class"))
    yield ox.Triple(cls, N(RDFS + "subClassOf"), P("Case"))
    yield from lang_texts(cls, LABEL, pattern.label)
    yield ox.Triple(concept, P("patternClass"), cls)
    intersection = ox.BlankNode()
    yield ox.Triple(cls, N(OWL + "equivalentClass"), intersection)
    yield ox.Triple(intersection, A, N(OWL + "Class"))
    members: list[ox.NamedNode | ox.BlankNode] = [P("Case")]
    for part in pattern.all_of:
        yield ox.Triple(concept, P("requires"), concept_iri(part))
        restriction = ox.BlankNode()
        yield ox.Triple(restriction, A, N(OWL + "Restriction"))
        yield ox.Triple(restriction, N(OWL + "onProperty"), P("linkedTo"))
        yield ox.Triple(restriction, N(OWL + "hasValue"), concept_iri(part))
        members.append(restriction)
    yield from rdf_list(intersection, N(OWL + "intersectionOf"), members)


def rdf_list(subject, predicate, items: list) -> Iterator[ox.Triple]:
    head = ox.BlankNode()
    yield ox.Triple(subject, predicate, head)
    for i, item in enumerate(items):
        yield ox.Triple(head, N(RDF + "first"), item)
        nxt = ox.BlankNode() if i < len(items) - 1 else N(RDF + "nil")
        yield ox.Triple(head, N(RDF + "rest"), nxt)
        head = nxt


def case_triples(case: Case) -> Iterator[ox.Triple]:
    c = case_iri(case.id)
    base = f"{ID}case/{case.id}"
    yield ox.Triple(c, A, P("Case"))
    yield ox.Triple(c, N(DCT + "identifier"), lit(case.id))
    yield ox.Triple(c, P("caseKind"), N(f"{ID}case-kind/{case.kind}"))
    yield from lang_texts(c, LABEL, case.label)
    yield from lang_texts(c, P("summary"), case.summary)
    if case.period.start:
        yield ox.Triple(c, P("startDate"), date_literal(case.period.start))
    if case.period.end:
        yield ox.Triple(c, P("endDate"), date_literal(case.period.end))
    yield from note_triples(c, case.period.note, P("periodNote"))
    for kind in case.source_types:
        yield ox.Triple(c, P("sourceType"), lit(kind))
    for source in case.sources:
        yield ox.Triple(c, N(DCT + "source"), source_iri(source))

    for org in case.organisations:
        o = org_iri(org.id)
        link = "hasOrganisation" if org.involvement == "setting" else "involvesOrganisation"
        yield ox.Triple(c, P(link), o)
        yield ox.Triple(o, A, P("Organisation"))
        yield ox.Triple(o, LABEL, lit(org.name, "nl"))
        yield ox.Triple(o, P("level"), N(f"{ID}level/{org.level}"))

    def actor_iri(actor_id: str) -> ox.NamedNode:
        return N(f"{base}/actor/{actor_id}")

    for actor in case.actors:
        a = actor_iri(actor.id)
        yield ox.Triple(c, P("hasActor"), a)
        yield ox.Triple(a, A, P("Actor"))
        yield from lang_texts(a, LABEL, actor.label)
        yield ox.Triple(a, P("role"), concept_iri(actor.role))
        yield ox.Triple(c, P("involvesRole"), concept_iri(actor.role))
        if actor.organisation:
            yield ox.Triple(a, P("memberOf"), org_iri(actor.organisation))
        if actor.name:
            yield ox.Triple(a, N(FOAF + "name"), lit(actor.name))
        if actor.anonymous:
            yield ox.Triple(a, P("anonymous"), typed("true", "boolean"))
        yield from evidence_triples(a, actor.evidence, f"{base}/actor/{actor.id}", case=c)

    for kind, item in case.claims():
        node = N(f"{base}/{item.key}")
        yield from claim_triples(c, node, kind, item, actor_iri)
        yield from evidence_triples(node, item.evidence, base, case=c,
                                    keys=evidence_keys(item.key, item.evidence),
                                    stance=item.stance)

    for concept in sorted(case.linked_concepts()):
        yield ox.Triple(c, P("linkedTo"), concept_iri(concept))
    for concept in sorted(case.linked_concepts("possible")):
        yield ox.Triple(c, P("possiblyLinkedTo"), concept_iri(concept))
    for concept in sorted(case.linked_concepts("denied")):
        yield ox.Triple(c, P("examinedAbsent"), concept_iri(concept))


# The class of each kind of claim, its link from the case, and the shortcut sub-property of
# pg:linkedTo that a counting claim of that kind writes.
CLAIM_KINDS = {
    "finding": ("Finding", "hasFinding", "exhibits"),
    "relation": ("Relation", "hasRelation", "hasRelationOfType"),
    "intervention": ("Intervention", "hasIntervention", "hasInterventionOfType"),
    "event": ("Event", "hasEvent", "hasEventOfType"),
}


def qualifier_triples(node: ox.NamedNode, item) -> Iterator[ox.Triple]:
    """stance, basis, voice (always written, defaults included), attribution and standing."""
    yield ox.Triple(node, P("stance"), N(f"{ID}stance/{item.stance}"))
    yield ox.Triple(node, P("basis"), N(f"{ID}basis/{item.basis}"))
    yield ox.Triple(node, P("voice"), N(f"{ID}voice/{item.voice}"))
    yield from lang_texts(node, P("attributedTo"), item.attributed_to)
    yield ox.Triple(node, P("counts"), typed("true" if item.counts else "false", "boolean"))


def note_triples(node: ox.NamedNode, note, predicate: ox.NamedNode | None = None) -> Iterator[ox.Triple]:
    """A bilingual note as two language-tagged literals (a legacy single string keeps its old @en)."""
    predicate = predicate or P("note")
    if isinstance(note, dict):
        yield from lang_texts(node, predicate, note)
    elif note:
        yield ox.Triple(node, predicate, lit(note, "en"))  # as before notes were bilingual


def claim_triples(c: ox.NamedNode, node: ox.NamedNode, kind: str, item, actor_iri) -> Iterator[ox.Triple]:
    cls, link, shortcut = CLAIM_KINDS[kind]
    yield ox.Triple(c, P(link), node)
    yield ox.Triple(node, A, P(cls))
    yield ox.Triple(node, N(DCT + "identifier"), lit(item.key))
    yield from qualifier_triples(node, item)
    yield from note_triples(node, item.note)
    concept = claim_concept(kind, item)
    if concept and item.counts:
        yield ox.Triple(c, P(shortcut), concept_iri(concept))
    if kind == "finding":
        yield ox.Triple(node, P("findingOf"), c)
        yield ox.Triple(node, P("concept"), concept_iri(item.concept))
        if item.measure_value is not None:
            yield ox.Triple(node, P("measureValue"), typed(item.measure_value, "decimal"))
            yield ox.Triple(node, P("measureUnit"), lit(item.measure_unit or ""))
    elif kind == "relation":
        yield ox.Triple(node, P("relationType"), concept_iri(item.type))
        yield ox.Triple(node, P("fromActor"), actor_iri(item.source_actor))
        yield ox.Triple(node, P("toActor"), actor_iri(item.target_actor))
    elif kind == "intervention":
        yield ox.Triple(node, P("concept"), concept_iri(item.concept))
        yield ox.Triple(node, P("status"), N(f"{ID}status/{item.status}"))
        yield from lang_texts(node, P("outcome"), item.outcome)
    else:
        yield from lang_texts(node, LABEL, item.label)
        if item.date:
            yield ox.Triple(node, P("date"), date_literal(item.date))
        if item.type:
            yield ox.Triple(node, P("concept"), concept_iri(item.type))
        for actor in dict.fromkeys([*item.actors, *item.departing]):  # departing implies involved
            yield ox.Triple(node, P("involves"), actor_iri(actor))
        for actor in item.departing:
            yield ox.Triple(node, P("departingActor"), actor_iri(actor))
        yield from lang_texts(node, P("reason"), item.reason)


def corpus_triples(corpus: Corpus) -> Iterator[ox.Triple]:
    """All asserted triples of the corpus (without the TBox and without inferences)."""
    yield from vocabulary_triples(corpus)
    for case in corpus.cases.values():
        yield from case_triples(case)


def vocabulary_triples(corpus: Corpus) -> Iterator[ox.Triple]:
    """The part every case shares: schemes, sources, concepts and composite patterns."""
    yield from scheme_triples()
    for source in corpus.sources.values():
        yield from source_triples(source)
    ordinals = {cid: n for n, cid in enumerate(sorted(corpus.concepts), start=1)}
    for concept in corpus.concepts.values():
        yield from concept_triples(concept, ordinals[concept.id])
    for concept in corpus.deprecated.values():
        yield from concept_triples(concept)
    for pattern in corpus.composites.values():
        yield from composite_triples(pattern)
    from pav_graph.mechanisms.rdf import mechanism_triples  # the causal layer (docs/mechanisms.md)

    yield from mechanism_triples(corpus)


def case_id_of(term) -> str | None:
    """The case id of a case IRI or of a node under it (``…/case/<id>/finding/x``), else None."""
    value = term.value if isinstance(term, ox.NamedNode) else ""
    if not value.startswith(_CASE_PREFIX):
        return None
    return value[len(_CASE_PREFIX):].split("/", 1)[0]


_CASE_PREFIX = f"{ID}case/"


def canonical(ntriples: bytes) -> bytes:
    """N-Triples with blank nodes renamed in order of first appearance, so that the same
    triples in the same order hash the same in every run (cache keys)."""
    import re

    names: dict[bytes, bytes] = {}
    return re.sub(rb"_:[A-Za-z0-9]+", lambda m: names.setdefault(m.group(0), b"_:b%d" % len(names)),
                  ntriples)


def ontology_triples(path) -> list[ox.Triple]:
    """The hand-written TBox (ontology/pav-graph.ttl) as triples."""
    return [q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]


def to_ntriples(triples: Iterable[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
