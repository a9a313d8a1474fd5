"""Mechanism links, their shortcut triples and the feedback loops as RDF.

Each link is a ``pg:MechanismLink`` node (``/id/mechanism/<key>``) with its cause, effect,
polarity, modality, the level or cases it is claimed for, the qualifiers of every claim and its
quotes (Web Annotation, CiTO ``supports``/``disputes``), written by the same functions as a
case's claims. The counting rule decides the shortcut triples, as for cases: a pair with a
counting claim gets ``pg:causallyInfluences`` and ``pg:increases``/``pg:decreases``; a pair with
only hedged or interpreted claims gets ``pg:possiblyInfluences``. Loops (counting or possible)
are written as ``pg:FeedbackLoop`` nodes with their concepts, claims and type, so that SPARQL
can ask which cases show a loop without finding cycles itself.

A claim for a case is written from the case (``case pg:hasMechanismClaim link``): the shared part
of the graph then never points into a case, and SHACL can still validate cases apart.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox

from pav_graph import rdf
from pav_graph.claims import evidence_keys
from pav_graph.mechanisms.graph import Path, find_loops, merge_edges
from pav_graph.mechanisms.model import GENERAL, MechanismLink
from pav_graph.model import Corpus

A, N, P, ID = rdf.A, rdf.N, rdf.P, rdf.ID


def link_iri(key: str) -> ox.NamedNode:
    return N(f"{ID}mechanism/{key}")


def loop_iri(loop_id: str) -> ox.NamedNode:
    return N(f"{ID}{loop_id.replace('-', '/', 1)}")  # loop-1a2b3c4d -> /id/loop/1a2b3c4d


def link_triples(link: MechanismLink, known_cases: set[str]) -> Iterator[ox.Triple]:
    node = link_iri(link.key)
    yield ox.Triple(node, A, P("MechanismLink"))
    yield ox.Triple(node, N(rdf.DCT + "identifier"), rdf.lit(link.key))
    yield ox.Triple(node, P("cause"), rdf.concept_iri(link.source_concept))
    yield ox.Triple(node, P("effect"), rdf.concept_iri(link.target_concept))
    yield ox.Triple(node, P("polarity"), N(f"{ID}polarity/{link.sign}"))
    yield ox.Triple(node, P("modality"), N(f"{ID}modality/{link.modality}"))
    if link.level != GENERAL:
        yield ox.Triple(node, P("claimedForLevel"), N(f"{ID}level/{link.level}"))
    for case_id in link.cases:
        if case_id in known_cases:
            yield ox.Triple(rdf.case_iri(case_id), P("hasMechanismClaim"), node)
    yield from rdf.qualifier_triples(node, link)
    yield from rdf.note_triples(node, link.note)
    base = f"{ID}mechanism/{link.key}"
    yield from rdf.evidence_triples(node, link.evidence, base, keys=evidence_keys(link.key, link.evidence),
                                    stance=link.stance)


def shortcut_triples(corpus: Corpus) -> Iterator[ox.Triple]:
    """Concept-to-concept triples under the counting rule (see the module docstring)."""
    for (a, b), edge in merge_edges(corpus.mechanisms, include_possible=True).items():
        s, o = rdf.concept_iri(a), rdf.concept_iri(b)
        if edge.standing == "counts":
            yield ox.Triple(s, P("causallyInfluences"), o)
            if edge.sign in ("increases", "decreases"):
                yield ox.Triple(s, P(edge.sign), o)
        else:
            yield ox.Triple(s, P("possiblyInfluences"), o)


def loop_label(loop: Path, corpus: Corpus, lang: str) -> str:
    names = [corpus.concept_label(c, lang) for c in loop.nodes]
    return " → ".join([*names, names[0]])


def loop_triples(loop: Path, corpus: Corpus) -> Iterator[ox.Triple]:
    node = loop_iri(loop.id)
    yield ox.Triple(node, A, P("FeedbackLoop"))
    yield ox.Triple(node, N(rdf.DCT + "identifier"), rdf.lit(loop.id))
    for lang in ("nl", "en"):
        yield ox.Triple(node, rdf.LABEL, rdf.lit(loop_label(loop, corpus, lang), lang))
    yield ox.Triple(node, P("loopLength"), rdf.typed(len(loop), "integer"))
    yield ox.Triple(node, P("loopCounts"), rdf.typed("true" if loop.standing == "counts" else "false", "boolean"))
    if loop.type in ("R", "B"):
        kind = "reinforcing" if loop.type == "R" else "balancing"
        yield ox.Triple(node, P("loopType"), N(f"{ID}looptype/{kind}"))
    for concept in loop.nodes:
        yield ox.Triple(node, P("loopConcept"), rdf.concept_iri(concept))
    for edge in loop.edges:
        for claim in edge.active:
            yield ox.Triple(node, P("loopLink"), link_iri(claim.key))


def mechanism_triples(corpus: Corpus) -> Iterator[ox.Triple]:
    """All triples of the mechanism layer: links, shortcuts, loops."""
    known = set(corpus.cases)
    for link in corpus.mechanisms:
        yield from link_triples(link, known)
    yield from shortcut_triples(corpus)
    for loop in find_loops(merge_edges(corpus.mechanisms, include_possible=True)):
        yield from loop_triples(loop, corpus)
