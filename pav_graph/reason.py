"""OWL reasoning with owlready2 + HermiT: consistency, and classification into composite patterns.

Composite systemic patterns are OWL defined classes (``Case ⊓ ∃linkedTo.{c1} ⊓ ...``, see
:func:`pav_graph.rdf.composite_triples`). HermiT checks that the ontology and the data are
consistent and classifies every case; the build then materialises the inferred types and writes
an explanation (which finding, event, role ... supplied each required concept).
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass

from pav_graph.model import Corpus
from pav_graph.rdf import ID, ONTO

log = logging.getLogger(__name__)


class InconsistentOntology(Exception):
    """HermiT found the ontology + data inconsistent; the message says what to look at."""


@dataclass
class Classification:
    """Which cases the reasoner placed in which composite pattern (ids)."""

    matches: dict[str, list[str]]  # pattern id -> case ids
    seconds: float


def reasoning_view(triples) -> bytes:
    """The part of the graph that can change what HermiT concludes, as N-Triples.

    Labels, quotes, summaries and other text literals carry no axioms; leaving them out makes
    HermiT several times faster. Kept: every IRI/blank-node triple (types, object properties,
    the TBox and its class expressions) and typed numbers, whose ranges the TBox declares.
    """
    import pyoxigraph as ox

    keep = []
    for t in triples:
        o = t.object
        if isinstance(o, ox.Literal):
            if o.language or o.datatype.value.endswith("#string"):
                if not (isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(ONTO)):
                    continue  # text about individuals; the TBox keeps its labels
        keep.append(t)
    return ox.serialize(keep, format=ox.RdfFormat.N_TRIPLES)


def classify(corpus: Corpus, triples) -> Classification:
    """Run HermiT on the reasoning view of the graph; raise InconsistentOntology."""
    import time

    import owlready2

    start = time.perf_counter()
    world = owlready2.World()
    onto = world.get_ontology("https://w3id.org/pav-graph/build")
    onto.load(fileobj=io.BytesIO(reasoning_view(triples)), format="ntriples")
    try:
        with onto:
            owlready2.sync_reasoner_hermit(
                world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True
            )
    except owlready2.OwlReadyInconsistentOntologyError as exc:
        raise InconsistentOntology(_explain(world, str(exc))) from None
    except owlready2.OwlReadyJavaError as exc:
        raise InconsistentOntology(f"the reasoner failed: {_first_line(str(exc))}") from None

    matches: dict[str, list[str]] = {}
    for pattern_id in corpus.composites:
        cls = world[f"{ONTO}Pattern-{pattern_id}"]
        found = []
        if cls is not None:
            for individual in cls.instances(world=world):
                iri = individual.iri
                if iri.startswith(f"{ID}case/"):
                    found.append(iri.rsplit("/", 1)[1])
        matches[pattern_id] = sorted(found)
    return Classification(matches, time.perf_counter() - start)


def _first_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[0][:300] if lines else "unknown error"


def _explain(world, message: str) -> str:
    """A readable message: which individuals ended up in owl:Nothing, if HermiT says."""
    try:
        import owlready2

        bad = [str(x.iri) for x in world.inconsistent_classes() if x is not owlready2.Nothing]
    except Exception:  # explanation is best effort; the inconsistency itself is certain
        bad = []
    hint = "check ontology/*.ttl for contradicting axioms (e.g. an individual in two disjoint classes)"
    detail = f"; unsatisfiable classes: {', '.join(bad[:5])}" if bad else ""
    short = re.sub(r"\s+", " ", _first_line(message))
    return f"the ontology and data are inconsistent ({short}){detail} — {hint}"
