"""The faster build (issue 9) answers exactly as the designs it replaced.

* classification: :func:`pav_graph.reason.classify` (HermiT on the shared part once, the defined
  classes' rule per case) against :func:`pav_graph.reason.classify_with_hermit` (HermiT on the
  whole graph), on the real corpus;
* the rule is refused (whole-graph HermiT instead) when a definition takes another shape;
* SHACL: :func:`pav_graph.shacl.run_shacl` (view, batches, workers, cache) against one pyshacl
  run on the whole, unfiltered graph, on a graph with violations spread over many cases.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from pav_graph import build as builder
from pav_graph import rdf
from pav_graph import shacl as shacl_mod
from pav_graph.reason import classify, classify_with_hermit, composite_rule, shared_triples


def graph(project, corpus) -> list[ox.Triple]:
    triples = [t for p in builder.ontology_files(project) for t in rdf.ontology_triples(p)]
    return triples + list(rdf.corpus_triples(corpus))


@pytest.mark.slow
def test_rule_classification_equals_hermit_on_the_real_corpus(project, corpus, tmp_path):
    triples = graph(project, corpus)
    reference = classify_with_hermit(corpus, triples).matches
    assert any(reference.values()), "HermiT classified nothing: the comparison would be empty"
    assert classify(corpus, triples, whole_graph_max=0).matches == reference
    # and with the shared part given by the caller, the cache cold and warm
    shared = [t for p in builder.ontology_files(project) for t in rdf.ontology_triples(p)]
    shared += list(rdf.vocabulary_triples(corpus))
    for _ in range(2):
        assert classify(corpus, triples, shared=shared, cache_dir=tmp_path,
                        whole_graph_max=0).matches == reference
    assert list(tmp_path.glob("consistent-*")), "the consistent verdict was not cached"


def test_the_shared_part_is_what_the_case_files_do_not_generate(project, corpus):
    triples = graph(project, corpus)
    shared = shared_triples(corpus, triples)
    # graph() is TBox + vocabulary + cases, in that order (blank nodes differ between runs)
    n = sum(len(rdf.ontology_triples(p)) for p in builder.ontology_files(project))
    n += sum(1 for _ in rdf.vocabulary_triples(corpus))
    assert set(shared) == set(triples[:n])
    assert not set(shared) & set(triples[n:])


def test_rule_is_refused_when_a_definition_has_another_shape(project, corpus):
    triples = graph(project, corpus)
    shared = shared_triples(corpus, triples)
    assert composite_rule(corpus, shared) is not None
    pattern = next(iter(corpus.composites))
    cls = rdf.pattern_class_iri(pattern)
    owl = rdf.OWL
    for extra in (
        ox.Triple(cls, rdf.N(owl + "disjointWith"), rdf.P("Source")),  # could be inconsistent
        ox.Triple(rdf.case_iri("houten"), rdf.A, cls),  # a case asserted into the pattern
        ox.Triple(rdf.concept_iri("wantrouwen"), rdf.N(owl + "sameAs"), rdf.concept_iri("frame-lock")),
    ):
        assert composite_rule(corpus, [*shared, extra]) is None, extra
    # an inverse on a linkedTo sub-property could derive links: the whole graph goes to HermiT
    from pav_graph.reason import _linked_family

    assert _linked_family(shared) is not None
    inverse = ox.Triple(rdf.P("exhibits"), rdf.N(owl + "inverseOf"), rdf.P("exhibitedBy"))
    assert _linked_family([*shared, inverse]) is None


def _break(triples: list[ox.Triple], corpus) -> list[ox.Triple]:
    """Remove evidence from findings and Dutch labels from actors in several cases."""
    has_evidence, label = rdf.P("hasEvidence"), rdf.LABEL
    broken_findings = set()
    for case in list(corpus.cases.values())[::5]:
        for f in case.findings[:1]:
            broken_findings.add(rdf.N(f"{rdf.ID}case/{case.id}/finding-{f.concept}"))
    broken_actors = {rdf.N(f"{rdf.ID}case/{c.id}/actor/{c.actors[0].id}")
                     for c in list(corpus.cases.values())[1::7] if c.actors}
    return [t for t in triples
            if not (t.subject in broken_findings and t.predicate == has_evidence)
            and not (t.subject in broken_actors and t.predicate == label
                     and isinstance(t.object, ox.Literal) and t.object.language == "nl")]


@pytest.mark.slow
def test_batched_shacl_reports_what_one_whole_run_reports(project, corpus, tmp_path, monkeypatch):
    broken = rdf.to_ntriples(_break(graph(project, corpus), corpus))
    shapes = (project.ontology_dir / "shapes.ttl").read_text(encoding="utf-8")
    whole = shacl_mod.shacl_lines(shapes, broken)
    assert len({line.split("/finding-")[0] for line in whole if "/finding-" in line}) >= 3
    assert any("/actor/" in line for line in whole)
    monkeypatch.setattr(shacl_mod, "SHACL_BATCH", 8)  # 34 cases: five batches, two workers
    assert shacl_mod.run_shacl(project, broken, cache_dir=tmp_path) == whole
    # the cache keeps only conforming cases: the broken ones are validated (and reported) again
    assert shacl_mod.run_shacl(project, broken, cache_dir=tmp_path) == whole
    assert shacl_mod.run_shacl(project, rdf.to_ntriples(graph(project, corpus)), cache_dir=tmp_path) == []
