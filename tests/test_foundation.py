"""The foundation (issue 3): ontology, vocabulary, case format, build, reasoner, core CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml

from pav_graph import rdf
from pav_graph.schema import SCHEMA_FILES

ROOT = Path(__file__).resolve().parent.parent
PG = rdf.ONTO


def q(store, text: str):
    from pav_graph.sparql import prefix_header

    return list(store.query(prefix_header() + text))


# --------------------------------------------------------------------------- ontology


def test_ontology_does_not_use_the_pav_prefix():
    for path in (ROOT / "ontology").glob("*.ttl"):
        assert "@prefix pav:" not in path.read_text(encoding="utf-8"), path


def test_every_class_and_property_has_nl_and_en_label_and_definition():
    triples = rdf.ontology_triples(ROOT / "ontology" / "pav-graph.ttl")
    store = ox.Store()
    store.extend([ox.Quad(t.subject, t.predicate, t.object) for t in triples])
    rows = q(store, """
        SELECT ?term (GROUP_CONCAT(DISTINCT lang(?l)) AS ?labels)
                     (GROUP_CONCAT(DISTINCT lang(?d)) AS ?defs) WHERE {
          VALUES ?type { owl:Class owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty }
          ?term a ?type . FILTER(isIRI(?term) && STRSTARTS(STR(?term), STR(pg:)))
          OPTIONAL { ?term rdfs:label ?l } OPTIONAL { ?term skos:definition ?d }
        } GROUP BY ?term""")
    assert len(rows) > 60
    for row in rows:
        assert set(row["labels"].value.split()) == {"nl", "en"}, row["term"]
        assert set(row["defs"].value.split()) == {"nl", "en"}, row["term"]


def test_ontology_is_consistent_and_classifies_cases(built):
    """HermiT classified the whole graph during the build (a build fails when inconsistent)."""
    matches = built.manifest["pattern_matches"]
    assert matches, "the reasoner classified nothing"
    # Maastricht: the essay describes the secretary's departure (l. 12-13), distrust between
    # bestuurders and the ambtelijke top (l. 52-53), "onveilig" stopping the conversation (l. 73-75)
    # and responsibilities running together (l. 62-63) — the carousel. (The escalation spiral is
    # only possible there: hardening of tone, l. 54-56, is a general sentence, not said of Maastricht.)
    assert "maastricht-2025" in matches["poppetjescarrousel"]
    assert "maastricht-2025" not in matches["escalatiespiraal"]


def test_inconsistent_fixture_is_reported_clearly(corpus_copy, monkeypatch, tmp_path):
    """An individual in two disjoint classes makes the build fail with the reasoner's verdict."""
    extra = corpus_copy / "ontology" / "pav-graph.ttl"
    extra.write_text(extra.read_text(encoding="utf-8") + """
<https://w3id.org/pav-graph/id/case/maastricht-2025> a pg:Source .
""", encoding="utf-8")
    monkeypatch.setenv("PAV_GRAPH_BUILD", str(tmp_path / "b"))
    from click.testing import CliRunner

    from pav_graph.cli.main import cli

    result = CliRunner().invoke(cli, ["--corpus", str(corpus_copy), "build", "--no-shacl"])
    assert result.exit_code == 1
    assert "inconsistent" in result.output
    assert "Traceback" not in result.output


# --------------------------------------------------------------------------- vocabulary


def test_every_concept_has_labels_definition_and_source(corpus):
    assert len(corpus.concepts) > 150
    for c in corpus.concepts.values():
        assert c.label.get("nl") and c.label.get("en"), c.id
        assert c.definition.get("nl") and c.definition.get("en"), c.id
        assert c.source in corpus.sources and c.first_line >= 1, c.id


@pytest.mark.parametrize("concept_id,kind", [
    # the theory models of the Nyenrode thesis
    ("dichotomie", "framework"), ("netwerksturing", "framework"), ("coproductie", "framework"),
    ("neutrale-ambtenaar", "framework"), ("responsieve-beleidsmaker", "framework"),
    ("psychologische-veiligheid", "framework"), ("polaris-ringen", "framework"),
    ("hart-loosheden", "framework"),
    # the patterns of the 2025 essay
    ("verharding-van-taal", "pattern"), ("wantrouwen", "pattern"), ("rolonduidelijkheid", "pattern"),
    ("onveilige-meldcultuur", "pattern"), ("verpolitisering", "pattern"), ("frame-lock", "pattern"),
    ("diffuus-leiderschap", "pattern"), ("coalities-en-driehoeken", "pattern"),
    ("loyaliteitsconflict", "pattern"), ("herhaling", "pattern"),
    ("personen-vervangen-niet-systeem", "pattern"),
    # roles and relation types
    ("gemeentesecretaris", "role"), ("wethouder", "role"), ("secretaris-generaal", "role"),
    ("rel-wantrouwen", "relation-type"), ("rel-coproductie", "relation-type"),
])
def test_vocabulary_covers_the_named_concepts(corpus, concept_id, kind):
    assert corpus.concepts[concept_id].kind == kind


def test_hart_loosheden_has_four_members(corpus):
    # essay-2025 l. 104-106 names 't Hart's four '-loosheden'
    members = [c for c in corpus.concepts.values() if "hart-loosheden" in c.broader]
    assert len(members) == 4


def test_amsterdam_study_has_three_dilemmas(corpus):
    dilemmas = [c for c in corpus.concepts.values()
                if c.kind == "dilemma" and c.source == "betrekkingen-2004" and "integriteitsdilemma" in c.broader]
    assert len(dilemmas) == 3


# --------------------------------------------------------------------------- format and build


def test_schema_files_are_current():
    for name, schema in SCHEMA_FILES.items():
        on_disk = json.loads((ROOT / "ontology" / name).read_text(encoding="utf-8"))
        assert on_disk == schema, f"regenerate ontology/{name} (pav_graph.schema.write_schema_files)"


def test_case_files_follow_the_json_schema():
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(SCHEMA_FILES["case.schema.json"])
    files = sorted((ROOT / "cases").glob("*.yaml"))
    assert len(files) >= 30
    for path in files:
        errors = list(validator.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8"))))
        assert not errors, f"{path.name}: {errors[0].message}"


def test_first_five_cases_exist(corpus):
    for case_id in ("maastricht-2025", "twenterand", "houten", "amsterdam-2004", "rotterdam-2002"):
        assert case_id in corpus.cases


def test_shacl_conforms(project, corpus):
    from pav_graph.shacl import run_shacl

    triples = rdf.ontology_triples(project.ontology_dir / "pav-graph.ttl") + list(rdf.corpus_triples(corpus))
    assert run_shacl(project, rdf.to_ntriples(triples)) == []


def test_shacl_catches_a_finding_without_evidence(project, corpus):
    from pav_graph.shacl import run_shacl

    triples = rdf.ontology_triples(project.ontology_dir / "pav-graph.ttl") + list(rdf.corpus_triples(corpus))
    has_evidence = rdf.P("hasEvidence")
    target = rdf.N(f"{rdf.ID}case/maastricht-2025/finding-frame-lock")
    stripped = [t for t in triples if not (t.subject == target and t.predicate == has_evidence)]
    violations = run_shacl(project, rdf.to_ntriples(stripped))
    assert any("frame-lock" in v and "hasEvidence" in v for v in violations)


def test_each_case_round_trips_yaml_to_rdf(corpus, store):
    """What a case file says comes back out of the store: findings, quotes, actors, events."""
    for case in corpus.cases.values():
        iri = f"<{rdf.ID}case/{case.id}>"
        concepts = {r["c"].value for r in q(store, f"SELECT ?c WHERE {{ {iri} pg:exhibits/skos:notation ?c }}")}
        # pg:exhibits is written only for counting findings (stated, in the source's own words);
        # a hedged or interpreted finding is pg:possiblyLinkedTo, a denied one pg:examinedAbsent
        assert concepts == {f.concept for f in case.findings if f.counts}, case.id
        possible = {r["c"].value for r in q(
            store, f"SELECT ?c WHERE {{ {iri} pg:possiblyLinkedTo/skos:notation ?c }}")}
        assert {f.concept for f in case.findings if f.possible} <= possible, case.id
        all_findings = {r["c"].value for r in q(store, f"SELECT ?c WHERE {{ {iri} pg:hasFinding/pg:concept/skos:notation ?c }}")}
        assert all_findings == {f.concept for f in case.findings}, case.id
        quotes = {r["qt"].value for r in q(store, f"""SELECT ?qt WHERE {{
            {iri} pg:hasFinding|pg:hasRelation|pg:hasIntervention|pg:hasEvent|pg:hasActor ?x .
            ?x pg:hasEvidence/oa:hasTarget/oa:hasSelector/oa:exact ?qt }}""")}
        assert quotes == {e.quote for e in case.all_evidence()}, case.id
        roles = {r["r"].value for r in q(store, f"SELECT ?r WHERE {{ {iri} pg:hasActor/pg:role/skos:notation ?r }}")}
        assert roles == {a.role for a in case.actors}, case.id
        n_events = q(store, f"SELECT (COUNT(?e) AS ?n) WHERE {{ {iri} pg:hasEvent ?e }}")[0]["n"].value
        assert int(n_events) == len(case.events), case.id


def test_evidence_is_web_annotation_with_rfc5147_lines(store):
    rows = q(store, """SELECT ?v ?first ?last WHERE {
        ?ev a oa:Annotation ; pg:firstLine ?first ; pg:lastLine ?last ;
            oa:hasTarget/oa:hasSelector ?s . ?s a oa:FragmentSelector ; rdf:value ?v } LIMIT 50""")
    assert rows
    for r in rows:
        assert r["v"].value == f"line={int(r['first'].value) - 1},{r['last'].value}"


def test_second_build_is_skipped(project, built):
    from pav_graph.build import build

    first = build(project)  # the session build, or a rebuild if a file changed since
    again = build(project)
    assert again.skipped and again.directory == first.directory
    assert again.manifest["digest"] == first.digest


# --------------------------------------------------------------------------- CLI


def _json(runner, cli, *args):
    result = runner.invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_cases_with_unsafe_reporting_culture(runner, cli, built):
    # essay-2025 l. 68-75: "de onveilige meldcultuur" in Twenterand (l. 68-70), at VWS and JenV
    # (FNV surveys, l. 70-72) and in Maastricht (l. 72-75). No other source uses the term.
    expected = {"twenterand", "ministeries-fnv-rapporten", "maastricht-2025"}
    for spelling in ("onveilige meldcultuur", "onveilige-meldcultuur", "Unsafe Reporting Culture"):
        rows = _json(runner, cli, "cases", "--with", spelling, "--format", "json")
        assert {r["id"] for r in rows} == expected, spelling
        assert all(r["label"] for r in rows)


def test_cases_with_two_concepts_is_an_intersection(runner, cli, built):
    both = {r["id"] for r in _json(runner, cli, "cases", "--with", "wantrouwen", "--with", "gemeentesecretaris",
                                   "--format", "json")}
    one = {r["id"] for r in _json(runner, cli, "cases", "--with", "wantrouwen", "--format", "json")}
    assert both and both <= one
    assert "maastricht-2025" in both  # essay l. 9-13: the gemeentesecretaris; l. 51-53: distrust


def test_cases_with_unknown_concept_suggests(runner, cli, built):
    result = runner.invoke(cli, ["cases", "--with", "onveilige meldcultur"])
    assert result.exit_code == 2
    assert "did you mean 'onveilige meldcultuur'" in result.output


def test_concepts_json(runner, cli, built):
    rows = _json(runner, cli, "concepts", "--format", "json")
    for key in ("id", "kind", "label_nl", "label_en"):
        assert all(r[key] for r in rows)
    kinds = {r["kind"] for r in rows}
    assert {"role", "relation-type", "risk-factor", "dilemma", "intervention", "pattern", "framework"} <= kinds
    patterns = _json(runner, cli, "concepts", "--kind", "pattern", "--format", "json")
    assert patterns and all(r["kind"] == "pattern" for r in patterns)


def test_show_case_has_quotes_and_sources(runner, cli, built):
    result = runner.invoke(cli, ["show", "maastricht-2025"])
    assert result.exit_code == 0, result.output
    assert "frame-lock" in result.output
    assert "volgens essay-2025" in result.output
    detail = _json(runner, cli, "show", "maastricht-2025", "--format", "json")
    assert any(ev["quote"] == "Dit heeft geleid tot ‘frame-lock’"
               for f in detail["findings"] for ev in f["evidence"])
    unknown = runner.invoke(cli, ["show", "maastricht"])
    assert unknown.exit_code == 2 and "did you mean 'maastricht-2025'" in unknown.output


@pytest.mark.parametrize("mutation,expected", [
    (lambda s: s.replace("concept: frame-lock", "concept: frame-lok"), "did you mean 'frame-lock'"),
    (lambda s: s.replace("Dit heeft geleid tot ‘frame-lock’", "Dit heeft geleid tot frame-lock"),
     "quote not found in source 'essay-2025'"),
    (lambda s: s.replace('start: "2025"', 'start: "2025-13"'), "is not a date"),
    (lambda s: s.replace("  - concept: wantrouwen", "  - concept: wantrouwen\n    evidence: [}"), "invalid YAML"),
    (lambda s: s.replace("source: essay-2025", "source: essay-2052", 1), "did you mean 'essay-2025'"),
])
def test_bad_input_gives_one_line_with_place_and_fix(runner, cli, corpus_copy, mutation, expected):
    path = corpus_copy / "cases" / "maastricht-2025.yaml"
    path.write_text(mutation(path.read_text(encoding="utf-8")), encoding="utf-8")
    for command in (["validate"], ["build"]):
        result = runner.invoke(cli, ["--corpus", str(corpus_copy), *command])
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
        lines = [line for line in result.output.splitlines() if expected in line]
        assert lines, result.output
        assert lines[0].startswith("cases/maastricht-2025.yaml:")
        location = lines[0].split(": ", 1)[0].split(":")
        assert len(location) == 3 and location[1].isdigit() and location[2].isdigit()
        assert " — " in lines[0] or "invalid YAML" in lines[0]


def test_validate_usage_error_exit_2(runner, cli):
    result = runner.invoke(cli, ["validate", "no/such/file.yaml"])
    assert result.exit_code == 2


def test_corpus_from_env_and_option(runner, cli, corpus_copy, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(cli, ["validate", "--no-quotes"]).exit_code == 2  # no project here
    monkeypatch.setenv("PAV_GRAPH_CORPUS", str(corpus_copy))
    assert runner.invoke(cli, ["validate", "--no-quotes"]).exit_code == 0
    bad = runner.invoke(cli, ["--corpus", str(tmp_path), "validate"])
    assert bad.exit_code == 2 and "not a pav-graph corpus" in bad.output


def test_python_dash_m_and_console_script():
    out = subprocess.run([sys.executable, "-m", "pav_graph", "--help"],
                         capture_output=True, text=True, check=False)
    assert out.returncode == 0 and "pav-graph" in out.stdout
    exe = shutil.which("pav-graph", path=str(Path(sys.executable).parent))
    assert exe, "console script pav-graph is installed"


def test_every_command_has_help_with_an_example(runner, cli):
    from pav_graph.cli.main import COMMANDS

    for name in COMMANDS:
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        assert "pav-graph " in result.output and "Example" in result.output, name


def test_generated_docs_are_current(runner, cli):
    result = runner.invoke(cli, ["docs", "--check"])
    assert result.exit_code == 0, f"run `pav-graph docs`: {result.output}"
