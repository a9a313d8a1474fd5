"""OWL reasoning with owlready2 + HermiT: consistency, and classification into composite patterns.

Composite systemic patterns are OWL defined classes (``Case ⊓ ∃linkedTo.{c1} ⊓ ...``, see
:func:`pav_graph.rdf.composite_triples`). HermiT checks that the ontology, the vocabulary and
the definitions are consistent; each case is classified by the rule those definitions state
(see :func:`classify` for why that is exact, and :func:`classify_with_hermit` for the
whole-graph run it replaces at scale). The build then materialises the inferred types and
writes an explanation (which finding, event, role ... supplied each required concept).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

from pav_graph import __version__ as _VERSION
from pav_graph.atomic import write_text
from pav_graph.model import Corpus
from pav_graph.rdf import ID, ONTO, OWL, RDF, RDFS, canonical, case_id_of
from pav_graph.signals import tied_to_this_process

log = logging.getLogger(__name__)

_CASE = f"{ID}case/"
# Up to this many cases HermiT classifies the whole graph itself (≈3 s for the 34 real cases);
# beyond it the split below keeps the build linear (100 synthetic cases: HermiT on the whole
# graph 10.7 s, the split about 1 s). tests/test_reason_equivalence.py proves both agree.
WHOLE_GRAPH_MAX_CASES = 50
_LINKED = f"{ONTO}linkedTo"
RDF_TYPE, RDF_FIRST, RDF_REST, RDF_NIL = (RDF + n for n in ("type", "first", "rest", "nil"))
RDFS_DOMAIN, RDFS_SUBPROPERTY = RDFS + "domain", RDFS + "subPropertyOf"
OWL_SAME_AS, OWL_EQUIVALENT, OWL_INTERSECTION = (OWL + n for n in ("sameAs", "equivalentClass",
                                                                  "intersectionOf"))
OWL_HAS_VALUE, OWL_ON_PROPERTY, OWL_RESTRICTION = OWL + "hasValue", OWL + "onProperty", OWL + "Restriction"
OWL_INVERSE, OWL_CHAIN, OWL_EQUIVALENT_PROPERTY = (OWL + n for n in ("inverseOf", "propertyChainAxiom",
                                                                    "equivalentProperty"))
OWL_TRANSITIVE, OWL_SYMMETRIC = OWL + "TransitiveProperty", OWL + "SymmetricProperty"


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
        is_text = isinstance(o, ox.Literal) and (o.language or o.datatype.value.endswith("#string"))
        in_tbox = isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(ONTO)
        if is_text and not in_tbox:
            continue  # text about individuals; the TBox keeps its labels
        keep.append(t)
    return ox.serialize(keep, format=ox.RdfFormat.N_TRIPLES)


def classify(corpus: Corpus, triples, *, shared=None, cache_dir: Path | None = None,
             whole_graph_max: int = WHOLE_GRAPH_MAX_CASES) -> Classification:
    """Consistency with HermiT, classification per case; raise InconsistentOntology.

    Up to ``whole_graph_max`` cases HermiT classifies the whole graph (:func:`classify_with_hermit`).
    HermiT on the whole graph grows with the corpus (≈3 s for 34 cases, ≈11 s for 100), so beyond
    that the work is split where the ontology allows it:

    1. HermiT checks the *shared* part — TBox, vocabulary, composite definitions, and any case
       that a hand-written (TBox) triple mentions — once; a consistent verdict is cached under
       ``cache_dir`` keyed by the content of what HermiT saw. The triples generated from case
       files are not given to HermiT: what could make them inconsistent with the TBox (a role
       that is not a Role, two levels for one organisation, two types for one relation) is
       refused per file by the validator and SHACL before the reasoner runs.
    2. Each case is classified by the rule the defined classes state: a composite pattern is
       ``Case ⊓ ∃linkedTo.{c1} ⊓ … ⊓ ∃linkedTo.{cn}`` and nothing else in the ontology can derive
       ``linkedTo`` (no inverse, chain or sameAs; only its sub-properties, which the build also
       materialises), so a case is an instance iff it is linked to every ci. This is checked on
       the triples themselves, not on the model.

    When the definitions or the property axioms take any other shape, the rule would not be
    equivalent and the whole graph goes to HermiT as before (:func:`classify_with_hermit`).
    ``tests/test_reason_equivalence.py`` compares both on the real corpus. ``shared`` (the
    triples of TBox + vocabulary) may be given by the caller; otherwise it is derived.
    """
    start = time.perf_counter()
    triples = list(triples)
    if len(corpus.cases) <= whole_graph_max:  # small corpus: HermiT classifies every case itself
        return classify_with_hermit(corpus, triples)
    if shared is None:
        shared = shared_triples(corpus, triples)
    shared = list(shared)
    rule = composite_rule(corpus, shared)
    family = _linked_family(shared)
    if rule is None or family is None:
        matches = classify_with_hermit(corpus, triples).matches
        return Classification(matches, time.perf_counter() - start)
    named = _cases_named_in(shared, corpus)
    checked = shared + ([t for t in triples if case_id_of(t.subject) in named] if named else [])
    check_consistency(checked, cache_dir)
    return Classification(rule_matches(triples, rule, family), time.perf_counter() - start)


def classify_with_hermit(corpus: Corpus, triples) -> Classification:
    """HermiT on the reasoning view of the whole graph (the reference; slow at scale)."""
    start = time.perf_counter()
    world = _hermit(reasoning_view(triples))
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


def _hermit(ntriples: bytes):
    """Load N-Triples into a fresh owlready2 world and run HermiT; returns the world."""
    import owlready2

    world = owlready2.World()
    onto = world.get_ontology("https://w3id.org/pav-graph/build")
    onto.load(fileobj=io.BytesIO(ntriples), format="ntriples")
    try:
        with onto, _java_dies_with_us():
            owlready2.sync_reasoner_hermit(
                world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True
            )
    except owlready2.OwlReadyInconsistentOntologyError as exc:
        raise InconsistentOntology(_explain(world, str(exc))) from None
    except owlready2.OwlReadyJavaError as exc:
        raise InconsistentOntology(java_failure(str(exc))) from None
    return world


@contextlib.contextmanager
def _java_dies_with_us():
    """HermiT's JVM, started by owlready2, dies with this process even when it is SIGKILLed
    (:func:`pav_graph.signals.die_with_parent`): owlready2 passes the keyword arguments in
    ``reasoning._subprocess_kargs`` to every Java process it starts."""
    from owlready2 import reasoning

    kargs = getattr(reasoning, "_subprocess_kargs", None)
    if os.name != "posix" or not isinstance(kargs, dict):
        yield
        return
    kargs["preexec_fn"] = tied_to_this_process()
    try:
        yield
    finally:
        kargs.pop("preexec_fn", None)


def check_consistency(triples, cache_dir: Path | None = None) -> bool:
    """HermiT consistency of ``triples`` (their reasoning view); True when the cache answered."""
    import owlready2

    view = reasoning_view(triples)
    key = hashlib.sha256(canonical(view) + owlready2.VERSION.encode() + _VERSION.encode()).hexdigest()[:24]
    marker = cache_dir / f"consistent-{key}" if cache_dir else None
    if marker is not None and marker.is_file():
        return True
    if not _hermit_consistent(view):
        _hermit(view)  # the owlready2 run raises InconsistentOntology with its explanation
    if marker is not None:
        marker.parent.mkdir(parents=True, exist_ok=True)
        write_text(marker, "HermiT found these triples consistent\n")
    return False


def _hermit_consistent(ntriples: bytes) -> bool:
    """HermiT's consistency check alone (``-k``): no classification or realisation, and no
    owlready2 world, so about half the time of :func:`_hermit`. False also when it fails."""
    import subprocess
    import tempfile

    import owlready2
    from owlready2 import reasoning

    with tempfile.NamedTemporaryFile(suffix=".nt") as tmp:
        tmp.write(ntriples)
        tmp.flush()
        command = [owlready2.JAVA_EXE, f"-Xmx{reasoning.JAVA_MEMORY}M", "-cp",
                   reasoning._HERMIT_CLASSPATH, "org.semanticweb.HermiT.cli.CommandLine", "-k",
                   "--ignoreUnsupportedDatatypes", Path(tmp.name).as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, text=True, check=False,
                                  preexec_fn=tied_to_this_process() if os.name == "posix" else None)
        except OSError:
            return False
    return done.returncode == 0 and "owl#Thing is satisfiable" in done.stdout


def shared_triples(corpus: Corpus, triples) -> list:
    """The triples that are not generated from a case file (TBox, vocabulary, hand-written)."""
    from pav_graph.rdf import case_triples

    generated = {t for case in corpus.cases.values() for t in case_triples(case)}
    seen: set = set()
    out = []
    for t in triples:
        if t not in generated and t not in seen:
            seen.add(t)
            out.append(t)
    return out


def _cases_named_in(shared, corpus: Corpus) -> set[str]:
    named = set()
    for t in shared:
        for term in (t.subject, t.object):
            cid = case_id_of(term)
            if cid in corpus.cases:
                named.add(cid)
    return named


def composite_rule(corpus: Corpus, shared) -> dict[str, set[str]] | None:
    """pattern id -> IRIs of the required concepts, when the OWL definitions allow the rule.

    None when any definition or axiom could make HermiT conclude something the rule does not:
    a definition of another shape, extra axioms on a pattern class, sameAs, or an inverse,
    chain, equivalent or transitive property in the linkedTo family.
    """
    import pyoxigraph as ox

    by_subject: dict = {}
    for t in shared:
        by_subject.setdefault(t.subject, []).append(t)
    family = _linked_family(shared)
    if family is None or not any(
        t.subject.value == _LINKED and t.predicate.value == RDFS_DOMAIN
        and t.object.value == f"{ONTO}Case" for t in by_subject.get(ox.NamedNode(_LINKED), [])
    ):
        return None
    pattern_classes = {f"{ONTO}Pattern-{pid}": pid for pid in corpus.composites}
    for t in shared:
        if t.predicate.value == OWL_SAME_AS:
            return None
        obj = getattr(t.object, "value", None)
        if obj in pattern_classes and t.predicate.value != f"{ONTO}patternClass":
            return None  # something else is declared a subclass or an instance of a pattern
    allowed = {(RDF_TYPE, OWL + "Class"), (RDFS + "subClassOf", f"{ONTO}Case")}
    rule: dict[str, set[str]] = {}
    for cls_iri, pid in pattern_classes.items():
        for t in by_subject.get(ox.NamedNode(cls_iri), []):
            pair = (t.predicate.value, getattr(t.object, "value", None))
            if pair not in allowed and t.predicate.value not in (OWL_EQUIVALENT, RDFS + "label"):
                return None  # e.g. a disjointness that HermiT would turn into an inconsistency
        required = _definition(by_subject, ox.NamedNode(cls_iri))
        expected = {f"{ID}concept/{c}" for c in corpus.composites[pid].all_of}
        if required is None or required != expected:
            return None
        rule[pid] = required
    return rule


def _definition(by_subject, cls) -> set[str] | None:
    """The concepts of ``cls ≡ Case ⊓ ∃linkedTo.{c1} ⊓ …``; None for any other shape."""
    equivalents = [t.object for t in by_subject.get(cls, []) if t.predicate.value == OWL_EQUIVALENT]
    if len(equivalents) != 1:
        return None
    lists = [t.object for t in by_subject.get(equivalents[0], [])
             if t.predicate.value == OWL_INTERSECTION]
    if len(lists) != 1 or len(by_subject.get(equivalents[0], [])) != 2:
        return None  # exactly: a owl:Class ; owl:intersectionOf (...)
    members, node = [], lists[0]
    while getattr(node, "value", None) != RDF_NIL:
        props = {t.predicate.value: t.object for t in by_subject.get(node, [])}
        if set(props) != {RDF_FIRST, RDF_REST}:
            return None
        members.append(props[RDF_FIRST])
        node = props[RDF_REST]
    required: set[str] = set()
    has_case = False
    for m in members:
        if getattr(m, "value", None) == f"{ONTO}Case":
            has_case = True
            continue
        props = {(t.predicate.value, getattr(t.object, "value", None)) for t in by_subject.get(m, [])}
        values = [o for p, o in props if p == OWL_HAS_VALUE]
        if (len(props) != 3 or (RDF_TYPE, OWL_RESTRICTION) not in props
                or (OWL_ON_PROPERTY, _LINKED) not in props or len(values) != 1):
            return None
        required.add(values[0])
    return required if has_case else None


def _linked_family(shared) -> set[str] | None:
    """linkedTo and its sub-properties; None when a property axiom could derive more links."""
    sub: dict[str, set[str]] = {}
    for t in shared:
        if t.predicate.value == RDFS_SUBPROPERTY and hasattr(t.object, "value"):
            sub.setdefault(t.object.value, set()).add(t.subject.value)
    family, todo = set(), [_LINKED]
    while todo:
        p = todo.pop()
        if p not in family:
            family.add(p)
            todo.extend(sub.get(p, ()))
    risky = {OWL_INVERSE, OWL_CHAIN, OWL_EQUIVALENT_PROPERTY}
    for t in shared:
        s, o = getattr(t.subject, "value", None), getattr(t.object, "value", None)
        if t.predicate.value in risky and (s in family or o in family):
            return None
        if t.predicate.value == RDF_TYPE and s in family and o in (OWL_TRANSITIVE, OWL_SYMMETRIC):
            return None
    return family


def rule_matches(triples, rule: dict[str, set[str]], family: set[str]) -> dict[str, list[str]]:
    """Which cases are linked (through linkedTo or a sub-property) to all required concepts."""
    linked: dict[str, set[str]] = {}
    for t in triples:
        if t.predicate.value in family and t.subject.value.startswith(_CASE):
            linked.setdefault(t.subject.value, set()).add(t.object.value)
    return {pid: sorted(iri.rsplit("/", 1)[1] for iri, concepts in linked.items() if required <= concepts)
            for pid, required in rule.items()}


def java_failure(text: str) -> str:
    """One line for a failed HermiT run. owlready2's message starts with "Java error message
    is:" and the Java output follows on the next lines (or nothing at all): take the first line
    that says something, and never give an empty message."""
    lines = [line.strip() for line in text.splitlines()
             if line.strip() and not line.strip().startswith("Java error message is")]
    cause = next((line for line in lines if "Exception" in line or "Error" in line),
                 lines[0] if lines else None)
    what = (f"the reasoner (HermiT, Java) failed: {cause[:300]}" if cause else
            "the reasoner (HermiT, Java) stopped without a message")
    return (f"{what} — check that `java -version` works; `pav-graph build --no-reason` builds "
            "without the reasoner (no composite patterns)")


def _first_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[0][:300] if lines else "unknown error"


def _explain(world, message: str) -> str:
    """A readable message: which individuals ended up in owl:Nothing, if HermiT says."""
    try:
        import owlready2

        bad = [str(x.iri) for x in world.inconsistent_classes() if x is not owlready2.Nothing]
    except Exception:  # noqa: BLE001 - explanation is best effort; the inconsistency is certain
        bad = []
    hint = "check ontology/*.ttl for contradicting axioms (e.g. an individual in two disjoint classes)"
    detail = f"; unsatisfiable classes: {', '.join(bad[:5])}" if bad else ""
    short = re.sub(r"\s+", " ", _first_line(message))
    return f"the ontology and data are inconsistent ({short}){detail} — {hint}"
