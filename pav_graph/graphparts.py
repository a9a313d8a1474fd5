"""The built graph in parts, so that a build can replace one case without redoing the others.

``graph.nt`` is written as ``B_1 … B_n S R``:

* ``S``, the *shared part*: the TBox (``ontology/*.ttl``) and :func:`pav_graph.rdf.vocabulary_triples`
  (schemes, sources, concepts, composite patterns, the mechanism layer), blank nodes renamed in
  order of appearance (:func:`pav_graph.rdf.canonical`) so that the same inputs give the same
  bytes;
* ``B_i``, one *block* per case file, in file-name order: the triples of
  :func:`pav_graph.rdf.case_triples` whose subject lies under the case's IRI (and are not in
  ``S``), then what is derived from them: the reasoner's matches with their explanation, the
  possible matches, and the rdf:type triples the class hierarchy entails for its subjects;
* ``R``, the *rest*: triples of cases about nodes outside every case (organisations, which
  several cases share), each once, and the types entailed for the subjects of ``S`` and ``R``.

Every triple is in exactly one part, so a store can be brought from one build to the next by
removing the lines of the parts that changed and adding the new ones. That holds because of three
properties of the generated triples, which :class:`Layout` checks on every build (a change to
:mod:`pav_graph.rdf` that breaks one stops the build with a message saying which): no case
triple has a subject under another case's IRI; no case triple states ``rdfs:subClassOf``; and
the derived triples of a case have subjects under its IRI. Where ``S`` types a case's node (a
hand-written ontology triple may), the types that alone entails are in ``R`` and the block
holds only those its own triples add. The per-case derivations then depend only on the case
and ``S``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from pav_graph import rdf
from pav_graph.entail import entailed_types, superclasses
from pav_graph.model import Case, CompositePattern
from pav_graph.patterns import explain

_TYPE = rdf.RDF + "type"
_SUBCLASS = rdf.RDFS + "subClassOf"


class LayoutError(RuntimeError):
    """The generated triples lost a property the parts rely on (see the module docstring)."""


def case_inferred(case: Case, composites: dict[str, CompositePattern],
                  patterns: Iterable[str]) -> list[ox.Triple]:
    """The reasoner's classification of one case into ``patterns``, with an explanation node per
    match (which finding, event, role ... supplied each required concept)."""
    out = []
    c = rdf.case_iri(case.id)
    for pattern_id in patterns:
        pattern = composites[pattern_id]
        match = rdf.N(f"{rdf.ID}case/{case.id}/match/{pattern_id}")
        out += [
            ox.Triple(c, rdf.A, rdf.pattern_class_iri(pattern_id)),
            ox.Triple(c, rdf.P("matchesPattern"), rdf.concept_iri(pattern_id)),
            ox.Triple(match, rdf.A, rdf.P("PatternMatch")),
            ox.Triple(match, rdf.P("matchCase"), c),
            ox.Triple(match, rdf.P("matchPattern"), rdf.concept_iri(pattern_id)),
        ]
        explanation = explain(case, pattern)
        for concept in explanation.parts:
            for s in explanation.found(concept):
                out.append(ox.Triple(match, rdf.P("basedOn"), rdf.N(f"{rdf.ID}case/{case.id}/{s.iri_suffix}")))
    return out


def case_possible(case: Case, composites: dict[str, CompositePattern]) -> list[ox.Triple]:
    """Composite patterns the case would match if its hedged or interpreted claims counted.

    They are written as ``pg:possiblyMatchesPattern`` with a ``pg:PossiblePatternMatch`` node that
    names the parts resting on claims that do not count (``pg:tentativePart``), never as a match:
    the reasoner classifies on counting links only. Computed from the model with the same
    explanation the matches use.
    """
    out = []
    c = rdf.case_iri(case.id)
    for pattern in composites.values():
        explanation = explain(case, pattern)
        if not explanation.possibly_matches:
            continue
        node = rdf.N(f"{rdf.ID}case/{case.id}/possible-match/{pattern.id}")
        out += [
            ox.Triple(c, rdf.P("possiblyMatchesPattern"), rdf.concept_iri(pattern.id)),
            ox.Triple(node, rdf.A, rdf.P("PossiblePatternMatch")),
            ox.Triple(node, rdf.P("matchCase"), c),
            ox.Triple(node, rdf.P("matchPattern"), rdf.concept_iri(pattern.id)),
        ]
        for concept in explanation.tentative:
            out.append(ox.Triple(node, rdf.P("tentativePart"), rdf.concept_iri(concept)))
        for concept, supports in explanation.parts.items():
            for s in supports:
                if s.standing != "denied":
                    out.append(ox.Triple(node, rdf.P("basedOn"),
                                         rdf.N(f"{rdf.ID}case/{case.id}/{s.iri_suffix}")))
    return out


@dataclass
class Block:
    """One case's part of the graph (see the module docstring)."""

    case_id: str
    asserted: list[ox.Triple]  # under the case IRI, not in S (what SHACL and HermiT see)
    foreign: list[bytes]  # N-Triples lines about nodes outside every case, each once
    linked: dict[str, set[str]]  # subject IRI -> objects through pg:linkedTo and sub-properties
    derived: bytes = b""  # matches, possible matches, entailed types
    matches: list[str] = field(default_factory=list)
    inferred: int = 0
    entailed: int = 0
    asserted_nt: bytes = b""

    @property
    def data(self) -> bytes:
        return self.asserted_nt + self.derived

    @property
    def triples(self) -> int:
        return len(self.asserted) + self.inferred + self.entailed


class Layout:
    """What every case block is made with: the shared part, its hierarchy, and the rule."""

    def __init__(self, shared: list[ox.Triple], composites: dict[str, CompositePattern],
                 rule: dict[str, set[str]] | None, family: set[str] | None,
                 shared_nt: bytes | None = None) -> None:
        self.shared = shared  # its blank nodes may be named otherwise in shared_nt: same graph
        self.shared_nt = shared_nt if shared_nt is not None else rdf.canonical(rdf.to_ntriples(shared))
        self.composites, self.rule, self.family = composites, rule, family or set()
        self.supers = superclasses(self.shared_nt.split(b"\n"))
        self.local: dict[str, list[ox.Triple]] = {}  # case id -> S triples under its IRI
        for t in self.shared:
            cid = rdf.case_id_of(t.subject)
            if cid is not None:
                self.local.setdefault(cid, []).append(t)
        self._local_sets = {cid: set(ts) for cid, ts in self.local.items()}
        # S may type a case's node (a hand-written ontology triple): the types that entails
        # follow from S alone and are in R; a block adds only what its own triples entail more
        self._local_types = {cid: rdf.to_ntriples([t for t in ts if t.predicate.value == _TYPE])
                             for cid, ts in self.local.items()
                             if any(t.predicate.value == _TYPE for t in ts)}
        self._shared_entailed: set[bytes] = set()
        if self._local_types:
            self._shared_entailed = set(entailed_types(self.shared_nt.split(b"\n"), self.supers)
                                        .splitlines(keepends=True))

    @classmethod
    def of_shared(cls, shared_nt: bytes, composites, rule, family) -> Layout:
        """The layout of a previous build, from its shared part as written in graph.nt."""
        shared = [q.triple for q in ox.parse(shared_nt, format=ox.RdfFormat.N_TRIPLES)]
        return cls(shared, composites, rule, family, shared_nt)

    @property
    def shared_lines(self) -> list[bytes]:
        return self.shared_nt.splitlines()

    def block(self, case: Case, triples: Iterable[ox.Triple] | None = None) -> Block:
        """The asserted part of a case's block (the derived part follows in :meth:`finish`)."""
        cid = case.id
        in_shared = self._local_sets.get(cid, set())
        asserted, foreign = [], []
        seen: set = set()
        for t in rdf.case_triples(case) if triples is None else triples:
            if t in seen:
                continue
            seen.add(t)
            owner = rdf.case_id_of(t.subject)
            if t.predicate.value == _SUBCLASS:
                raise LayoutError(f"case {cid!r} states a subclass axiom ({t}); pav_graph/"
                                  "graphparts.py takes the class hierarchy from the shared part")
            if owner is None:
                foreign.append(t)
            elif owner != cid:
                raise LayoutError(f"case {cid!r} writes a triple about case {owner!r} ({t})")
            elif t not in in_shared:
                asserted.append(t)
        linked: dict[str, set[str]] = {}
        for t in [*asserted, *self.local.get(cid, ())]:
            if t.predicate.value in self.family:
                linked.setdefault(t.subject.value, set()).add(t.object.value)
        lines = rdf.to_ntriples(foreign).splitlines(keepends=True) if foreign else []
        return Block(cid, asserted, lines, linked, asserted_nt=rdf.to_ntriples(asserted))

    def rule_matches(self, block: Block) -> list[str]:
        """The composite patterns the rule of the defined classes places the case in."""
        linked = block.linked.get(rdf.case_iri(block.case_id).value, set())
        return sorted(pid for pid, required in (self.rule or {}).items() if required <= linked)

    def finish(self, block: Block, case: Case, matches: Iterable[str]) -> Block:
        """Add the derived part: the matches (with their explanation), the possible matches and
        the types the hierarchy entails for the block's subjects."""
        block.matches = sorted(matches)
        inferred = case_inferred(case, self.composites, block.matches)
        inferred += case_possible(case, self.composites)
        present = set(block.asserted) | self._local_sets.get(case.id, set())
        inferred = list(dict.fromkeys(t for t in inferred if t not in present))
        for t in inferred:
            if rdf.case_id_of(t.subject) != case.id:
                raise LayoutError(f"a derived triple of case {case.id!r} is about another node ({t})")
        inferred_nt = rdf.to_ntriples(inferred)
        typed = self._local_types.get(case.id, b"")
        entailed = entailed_types((block.asserted_nt + inferred_nt + typed).split(b"\n"), self.supers)
        if typed:
            entailed = b"".join(line for line in entailed.splitlines(keepends=True)
                                if line not in self._shared_entailed)
        block.derived = inferred_nt + entailed
        block.inferred = len(inferred)
        block.entailed = entailed.count(b"\n")
        return block

    def rest(self, foreign: Iterable[bytes]) -> tuple[bytes, int]:
        """``R``: the case triples about shared nodes (each once, in the order given) and the
        types entailed for the subjects of ``S`` and ``R``; with the number of entailed types."""
        shared = set(self.shared_lines)
        lines = b"".join(line for line in dict.fromkeys(foreign) if line.rstrip(b"\n") not in shared)
        entailed = entailed_types((self.shared_nt + lines).split(b"\n"), self.supers)
        return lines + entailed, entailed.count(b"\n")


def shared_layout(corpus, tbox: list[ox.Triple]) -> Layout:
    """The layout of a corpus: ``S`` is the TBox and the vocabulary, each triple once; the rule
    and the linkedTo family are read from it (:mod:`pav_graph.reason`; None when HermiT alone
    can classify)."""
    from pav_graph.reason import _linked_family, composite_rule

    shared = list(dict.fromkeys([*tbox, *rdf.vocabulary_triples(corpus)]))
    return Layout(shared, corpus.composites, composite_rule(corpus, shared), _linked_family(shared))


def tbox_named(tbox: list[ox.Triple]) -> set[str]:
    """Cases a hand-written ontology triple names: HermiT checks their triples with the TBox."""
    return {cid for t in tbox for term in (t.subject, t.object)
            if (cid := rdf.case_id_of(term)) is not None}


def shared_key(shared_nt: bytes, foreign: list[bytes]) -> str:
    """The content of everything outside the cases (S and the case lines about shared nodes)."""
    import hashlib

    h = hashlib.sha256(shared_nt)
    for line in sorted(foreign):  # the same lines in any order
        h.update(line)
    return h.hexdigest()
