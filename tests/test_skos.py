"""The vocabulary as a SKOS thesaurus: the W3C SKOS integrity conditions.

Each integrity condition of the SKOS Reference (S9, S13, S14, S27, S37, S46) and skosify's two
hierarchy conditions (cycles, redundant broader links) has a rule in ontology/checks/skos-*.rq.
The real corpus must pass them and the independent validator skosify (tests/skos_validator.py);
on a copy with one planted violation of each kind, each rule must report its violation (with the
concept file and line where the fix goes) and skosify must report each kind it checks.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pav_graph.check import Locator, _asserted_store, load_rules, run_rules
from tests.skos_validator import load, skosify_checks

ID = "https://w3id.org/pav-graph/id/"
SKOS_RULES = {"skos-s9-scheme-and-concept", "skos-s13-label-overlap", "skos-s14-one-preflabel",
              "skos-s27-related-broader", "skos-s37-collection", "skos-s46-exact-match",
              "skos-hierarchy-cycle", "skos-redundant-broader"}

PLANTED_TTL = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix pgid: <https://w3id.org/pav-graph/id/> .
# S14: a second Dutch preferred label
pgid:concept\\/mediadruk skos:prefLabel "persdruk"@nl .
# S9: a concept scheme used as a concept (the subject of skos:related)
pgid:test\\/schema a skos:ConceptScheme ; skos:related pgid:concept\\/frame-lock .
# S37: a collection that is also a concept
pgid:test\\/groep a skos:Collection , skos:Concept ; skos:member pgid:concept\\/frame-lock .
# S46: an exact match that is also a broad match (through a symmetric exactMatch)
<http://example.org/frame> skos:exactMatch pgid:concept\\/frame-lock .
pgid:concept\\/frame-lock skos:broadMatch <http://example.org/frame> .
"""


def edit_concept(path: Path, concept_id: str, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` inside one concept's block of a concept file."""
    text = path.read_text(encoding="utf-8")
    start = re.search(rf"^\s*- id: {re.escape(concept_id)}\s*$", text, re.MULTILINE).end()
    nxt = re.search(r"^\s*- id: ", text[start:], re.MULTILINE)
    end = start + nxt.start() if nxt else len(text)
    block = text[start:end]
    assert old in block, (concept_id, old)
    path.write_text(text[:start] + block.replace(old, new, 1) + text[end:], encoding="utf-8")


@pytest.fixture(scope="module")
def planted(tmp_path_factory, project_root):
    """A corpus copy with one planted violation of each kind (YAML where the YAML can express
    it, a Turtle file in ontology/ for what it cannot)."""
    root = tmp_path_factory.mktemp("skos") / "corpus"
    for name in ("cases", "ontology", "sources", "queries"):
        shutil.copytree(project_root / name, root / name)
    concepts = root / "ontology" / "concepts"
    # S27: minister is narrower than bewindspersoon and now also related to it
    edit_concept(concepts / "roles.yaml", "minister", "related: [secretaris-generaal",
                 "related: [bewindspersoon, secretaris-generaal")
    # S13: the preferred label repeated as an alternative label
    edit_concept(concepts / "essay-2025.yaml", "mediadruk", "alt_labels: {nl: [hoge zichtbaarheid",
                 "alt_labels: {nl: [mediadruk, hoge zichtbaarheid")
    # a hierarchy cycle: volksvertegenwoordiger under raadslid, which is under it
    edit_concept(concepts / "roles.yaml", "volksvertegenwoordiger", "related: [bestuurder, griffier]",
                 "broader: [raadslid]\n    related: [bestuurder, griffier]")
    # a redundant broader link: directeur -> topambtenaar -> ambtenaar, and directeur -> ambtenaar
    edit_concept(concepts / "roles.yaml", "directeur", "broader: [topambtenaar]",
                 "broader: [topambtenaar, ambtenaar]")
    (root / "ontology" / "zz-skos-faults.ttl").write_text(PLANTED_TTL, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def planted_graph(planted):
    """The planted corpus's asserted graph (TBox + vocabulary + cases) and our rules' issues."""
    import pyoxigraph as ox

    from pav_graph.load import load_corpus
    from pav_graph.project import Project

    project = Project(planted)
    corpus, problems = load_corpus(project, check_quotes=False)
    assert not problems, [p.format() for p in problems]
    store = _asserted_store(project, corpus)
    rules = [r for r in load_rules(project.ontology_dir / "checks") if r.id in SKOS_RULES]
    issues = run_rules(store, rules, Locator(project, corpus))
    nt = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    return issues, load(nt)


def test_every_skos_rule_exists_and_is_documented(project):
    rules = {r.id: r for r in load_rules(project.ontology_dir / "checks")}
    assert SKOS_RULES <= set(rules)
    for rid in SKOS_RULES - {"skos-hierarchy-cycle", "skos-redundant-broader"}:
        condition = rid.split("-")[1].upper()  # s27 -> S27
        assert f"integrity condition {condition}" in rules[rid].description, rid
        assert rules[rid].severity == "error" and rules[rid].fix
    readme = (project.ontology_dir / "checks" / "README.md").read_text(encoding="utf-8")
    for rid in SKOS_RULES:
        assert f"`{rid}`" in readme, rid


@pytest.mark.parametrize("rule, entity, detail, where", [
    ("skos-s27-related-broader", "concept/minister", "related to bewindspersoon, which is also broader",
     "ontology/concepts/roles.yaml"),
    ("skos-s13-label-overlap", "concept/mediadruk", "'mediadruk'@nl is both its skos:prefLabel and its skos:altLabel",
     "ontology/concepts/essay-2025.yaml"),
    ("skos-s14-one-preflabel", "concept/mediadruk", "two skos:prefLabel in 'nl'", "ontology/concepts/essay-2025.yaml"),
    ("skos-s9-scheme-and-concept", "test/schema",
     "both a concept (the subject of skos:related) and a concept scheme (typed skos:ConceptScheme)",
     "ontology/zz-skos-faults.ttl"),
    ("skos-s37-collection", "test/groep", "a skos:Collection that is also a concept", "ontology/zz-skos-faults.ttl"),
    ("skos-s46-exact-match", "concept/frame-lock", "skos:exactMatch and skos:broadMatch of http://example.org/frame",
     "ontology/concepts/essay-2025.yaml"),
    ("skos-hierarchy-cycle", "concept/raadslid", "broader than itself", "ontology/concepts/roles.yaml"),
    ("skos-redundant-broader", "concept/directeur", "broader ambtenaar is redundant", "ontology/concepts/roles.yaml"),
])
def test_each_planted_violation_is_reported_by_its_rule(planted_graph, rule, entity, detail, where):
    issues, _ = planted_graph
    found = [i for i in issues if i.rule == rule and i.entity == ID + entity]
    assert found, f"{rule} missed {entity}: {[(i.entity, i.message) for i in issues if i.rule == rule]}"
    assert any(detail in i.message for i in found), [i.message for i in found]
    assert found[0].location.startswith(where), found[0].location


def test_planted_violations_report_nothing_else(planted_graph):
    """Each rule finds its planted violation and only that (both ends of a pair or cycle)."""
    issues, _ = planted_graph
    found = {(i.rule, i.entity.removeprefix(ID)) for i in issues}
    assert found == {
        ("skos-s27-related-broader", "concept/minister"),
        ("skos-s13-label-overlap", "concept/mediadruk"),
        ("skos-s14-one-preflabel", "concept/mediadruk"),
        ("skos-s9-scheme-and-concept", "test/schema"),
        ("skos-s37-collection", "test/groep"),
        ("skos-s46-exact-match", "concept/frame-lock"),
        ("skos-hierarchy-cycle", "concept/raadslid"),
        ("skos-hierarchy-cycle", "concept/volksvertegenwoordiger"),
        ("skos-redundant-broader", "concept/directeur"),
    }, found


def test_skosify_reports_each_planted_kind_it_checks(planted_graph):
    _, graph = planted_graph
    messages = skosify_checks(graph)
    text = "\n".join(messages)
    # S27
    assert re.search(r"concept/minister and \S+concept/bewindspersoon connected by both "
                     r"skos:broaderTransitive and skos:related", text), text
    # S13
    assert re.search(r"concept/mediadruk has 'mediadruk'@nl as both prefLabel and altLabel", text), text
    # S14
    assert re.search(r"concept/mediadruk has more than one prefLabel@nl", text), text
    # hierarchy cycle and redundancy
    assert "Hierarchy cycle detected" in text and ("raadslid" in text or "volksvertegenwoordiger" in text)
    assert re.search(r"Redundant hierarchical relationship \S+concept/directeur skos:broader "
                     r"\S+concept/ambtenaar", text), text
    assert len(messages) == 5, messages


def test_the_built_graph_passes_skosify(built):
    """The validator on the real built graph (graph.nt of the session build): no warning."""
    graph = load(built.directory / "graph.nt")
    assert len(graph) > 10_000
    assert skosify_checks(graph) == []


def test_the_built_graph_passes_the_skos_rules(built, project, corpus):
    import pyoxigraph as ox

    store = ox.Store.read_only(str(built.directory / "store"))
    rules = [r for r in load_rules(project.ontology_dir / "checks") if r.id in SKOS_RULES]
    assert run_rules(store, rules, Locator(project, corpus)) == []


def test_check_fails_on_a_planted_violation_with_file_line_and_fix(tmp_path, project_root):
    """`pav-graph check` on a corpus whose only fault is an S27 pair: exit 1, one located line."""
    from pav_graph.cli.main import cli

    root = tmp_path / "corpus"
    for name in ("cases", "ontology", "sources", "queries"):
        shutil.copytree(project_root / name, root / name)
    roles = root / "ontology" / "concepts" / "roles.yaml"
    edit_concept(roles, "minister", "related: [secretaris-generaal", "related: [bewindspersoon, secretaris-generaal")
    result = CliRunner().invoke(cli, ["--corpus", str(root), "check"],
                                env={"PAV_GRAPH_BUILD": str(tmp_path / "build")})
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    head = lines.index(next(x for x in lines if x.startswith("ERROR skos-s27-related-broader: 1")))
    line_no = roles.read_text(encoding="utf-8").splitlines().index("  - id: minister") + 1
    assert lines[head + 1] == (f"  ontology/concepts/roles.yaml:{line_no}: concept/minister: related to "
                               "bewindspersoon, which is also broader (skos:broaderTransitive)")
    assert lines[head + 2].startswith("  fix: Decide from the source whether one is a kind of the other")
    assert "Traceback" not in result.output
    data = json.loads(CliRunner().invoke(cli, ["--corpus", str(root), "check", "--format", "json"],
                                         env={"PAV_GRAPH_BUILD": str(tmp_path / "build")}).output)
    assert [i["entity"] for i in data["issues"] if i["severity"] == "error"] == [ID + "concept/minister"]


# ----------------------------------------------------------------------------- the SKOS release


@pytest.fixture(scope="module")
def release(built, tmp_path_factory, project_root):
    """`pav-graph export --format skos` of the session build, and the file loaded in rdflib."""
    from pav_graph.cli.main import cli

    out = tmp_path_factory.mktemp("release") / "pav-graph-vocabulary.ttl"
    result = CliRunner().invoke(cli, ["--corpus", str(project_root), "export", "--format", "skos",
                                      str(out)])
    assert result.exit_code == 0, result.output
    return out, result.output, load(out)


def test_the_release_holds_every_concept_with_its_definition_source(release, corpus, project):
    import rdflib
    from rdflib.namespace import DCTERMS, OWL, RDF, SKOS

    _, summary, graph = release
    concepts = set(graph.subjects(RDF.type, SKOS.Concept))
    every = {**corpus.concepts, **corpus.deprecated}
    assert {str(c).removeprefix(ID + "concept/") for c in concepts} == set(every)
    assert f"{len(every)} concepts ({len(corpus.deprecated)} deprecated)" in summary
    assert "10 concept schemes" in summary
    pg = rdflib.Namespace("https://w3id.org/pav-graph/ontology#")
    for cid, concept in every.items():
        c = rdflib.URIRef(ID + "concept/" + cid)
        assert set(graph.objects(c, DCTERMS.source)) == {rdflib.URIRef(ID + "source/" + concept.source)}
        assert graph.value(c, pg.definitionLocator) is not None
        assert {(str(x), x.language) for x in graph.objects(c, SKOS.prefLabel)} == \
            {(text, lang) for lang, text in concept.label.items()}
        assert {x.language for x in graph.objects(c, SKOS.definition)} == {"nl", "en"}
        assert graph.value(c, SKOS.inScheme) == rdflib.URIRef(ID + "scheme/" + concept.kind)
    # each source is described (a reader can tell what "nyenrode-2023" is)
    for src in set(graph.objects(None, DCTERMS.source)):
        assert (src, RDF.type, DCTERMS.BibliographicResource) in graph
        assert graph.value(src, DCTERMS.identifier) is not None
    # release metadata: licence, version (the ontology's), a version IRI, on the release and schemes
    tbox = rdflib.Graph().parse(str(project.ontology_dir / "pav-graph.ttl"), format="turtle")
    version = str(next(tbox.objects(None, OWL.versionInfo)))
    vocab = rdflib.URIRef("https://w3id.org/pav-graph/vocabulary")
    cc_by = rdflib.URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert graph.value(vocab, OWL.versionIRI) == rdflib.URIRef(f"{vocab}/{version}")
    schemes = set(graph.subjects(RDF.type, SKOS.ConceptScheme))
    assert len(schemes) == 10 and set(graph.objects(vocab, DCTERMS.hasPart)) == schemes
    for node in (vocab, *schemes):
        assert graph.value(node, DCTERMS.license) == cc_by, node
        assert str(graph.value(node, OWL.versionInfo)) == version, node
        assert {x.language for x in graph.objects(node, DCTERMS.title)} == {"nl", "en"}
    # top concepts: exactly the live concepts with no broader concept in their own scheme
    tops = set(graph.subject_objects(SKOS.topConceptOf))
    expected = {(rdflib.URIRef(ID + "concept/" + cid), rdflib.URIRef(ID + "scheme/" + c.kind))
                for cid, c in corpus.concepts.items()
                if not any(corpus.concepts[b].kind == c.kind for b in c.broader)}
    assert tops == expected
    assert {(s, c) for c, s in tops} == set(graph.subject_objects(SKOS.hasTopConcept))


def test_the_release_is_the_vocabulary_alone(release):
    out, _, graph = release
    text = out.read_text(encoding="utf-8")
    assert "/id/case/" not in text and "oa:" not in text and "pg:Case" not in text
    predicates = {str(p) for p in graph.predicates()}
    assert all(p.startswith(("http://www.w3.org/2004/02/skos/core#", "http://purl.org/dc/terms/",
                             "http://www.w3.org/2002/07/owl#", "https://w3id.org/pav-graph/ontology#definition",
                             "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
                             "http://www.w3.org/2000/01/rdf-schema#label")) for p in predicates), predicates


def test_the_release_passes_skosify_unchanged(release, corpus):
    """skosify's whole pipeline (as `skosify FILE` runs it) has nothing to remove or fix, and
    warns only that it found more than one concept scheme (it picks one as its default). The one
    thing it adds: it makes every concept without broader a top concept of its scheme, deprecated
    ones included; we do not (a browser would list old ids at the root of the hierarchy)."""
    import rdflib
    from rdflib.namespace import SKOS

    from tests.skos_validator import skosify_full

    out, _, graph = release
    result, messages = skosify_full(out)
    assert set(graph) - set(result) == set()
    added = set(result) - set(graph)
    expected = set()
    for cid, c in corpus.deprecated.items():
        concept, scheme = rdflib.URIRef(ID + "concept/" + cid), rdflib.URIRef(ID + "scheme/" + c.kind)
        expected |= {(concept, SKOS.topConceptOf, scheme), (scheme, SKOS.hasTopConcept, concept)}
    assert added == expected
    assert [m for m in messages if not m.startswith("Multiple concept schemes found")] == []
    assert skosify_checks(graph) == []


def test_the_release_passes_our_skos_rules_and_is_reproducible(release, project, built):
    import pyoxigraph as ox

    from pav_graph.export.skos import render

    out, _, _ = release
    store = ox.Store()
    store.load(path=str(out), format=ox.RdfFormat.TURTLE)
    rules = [r for r in load_rules(project.ontology_dir / "checks") if r.id in SKOS_RULES]
    assert run_rules(store, rules) == []
    again, _ = render(ox.Store.read_only(str(built.directory / "store")))
    assert again == out.read_bytes()
