"""The quality gate (`pav-graph check`) and `pav-graph stats`.

On the real corpus the gate must pass at --fail-on error, and what it reports as info/warn must
agree with an independent count from the model. On copies of the corpus, planted faults must be
caught by the rule meant for them: an individual in two disjoint classes makes the reasoner fail
with a message naming it; a concept without an English label is reported by the label rule; and
so on, one planted fault per rule.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from pav_graph.check import SEVERITIES, RuleError, load_rules

ID = "https://w3id.org/pav-graph/id/"
ONTO = "https://w3id.org/pav-graph/ontology#"
HEADER = """@prefix pg: <https://w3id.org/pav-graph/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix pgid: <https://w3id.org/pav-graph/id/> .
"""


# a case resting on one quote: essay-2025 l. 92
THIN_CASE = """id: test-dun
label: {nl: Teststad (dun), en: Test town (thin)}
summary: {nl: Een casus met één citaat., en: A case with one quote.}
organisations:
  - {id: gemeente-teststad, name: Gemeente Teststad, level: gemeente}
findings:
  - concept: personen-vervangen-niet-systeem
    evidence:
      - source: essay-2025
        lines: 92
        quote: "Tenslotte is er een opvallend patroon van verschuivende poppetjes in plaats van systeemwerk."
"""

def copy_corpus(root: Path, dest: Path) -> Path:
    for name in ("cases", "ontology", "sources", "queries"):
        if (root / name).exists():
            shutil.copytree(root / name, dest / name)
    return dest


def run(root: Path, build_dir: Path, *args: str):
    """Run the CLI on a corpus with its own build directory (never the session's)."""
    from pav_graph.cli.main import cli

    return CliRunner().invoke(cli, ["--corpus", str(root), *args],
                              env={"PAV_GRAPH_BUILD": str(build_dir)})


def issues_of(data: dict, rule: str) -> list[dict]:
    return [i for i in data["issues"] if i["rule"] == rule]


# ----------------------------------------------------------------------------- rule files


def test_every_rule_file_is_documented(project):
    rules = load_rules(project.ontology_dir / "checks")
    ids = {r.id for r in rules}
    assert {"missing-label", "duplicate-label", "missing-definition", "missing-definition-source",
            "unused-concept", "unconnected-concept", "property-domain-range", "term-documentation",
            "undeclared-term", "ontology-metadata", "thin-evidence", "concept-without-quote"} <= ids
    for r in rules:
        assert r.severity in SEVERITIES and len(r.description) > 30 and r.fix, r.path
        assert r.path.stem == r.id  # the file is named after its rule
    assert {r.id: r.severity for r in rules}["unused-concept"] == "info"
    assert {r.id: r.severity for r in rules}["thin-evidence"] == "warn"


def test_a_malformed_rule_is_refused(tmp_path, project_root):
    root = copy_corpus(project_root, tmp_path / "corpus")
    (root / "ontology" / "checks" / "zz-bad.rq").write_text(
        "# rule: zz-bad\n# severity: fatal\n# description: x\nSELECT ?entity WHERE {}\n", encoding="utf-8")
    result = run(root, tmp_path / "build", "check")
    assert result.exit_code == 1
    assert "zz-bad.rq: severity 'fatal' is not one of error, warn, info" in result.output
    with pytest.raises(RuleError):
        load_rules(root / "ontology" / "checks")


# ----------------------------------------------------------------------------- real corpus


@pytest.fixture(scope="module")
def real_report(built, project_root):
    from pav_graph.cli.main import cli

    result = CliRunner().invoke(cli, ["--corpus", str(project_root), "check", "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_real_corpus_passes_the_gate(real_report):
    assert real_report["passed"] is True
    assert real_report["counts"]["error"] == 0, [i for i in real_report["issues"] if i["severity"] == "error"]
    assert real_report["stages"] == {"load": "ok", "language": "ok", "shacl": "ok", "reasoner": "ok",
                                     "rules": "ok", "privacy": "ok"}


def test_unused_concepts_are_those_no_case_links(real_report, corpus, built):
    used = set().union(*(c.linked_concepts() for c in corpus.cases.values()))
    used |= {p for p, cases in built.manifest["pattern_matches"].items() if cases}
    expected = {f"{ID}concept/{cid}" for cid in corpus.concepts if cid not in used}
    found = issues_of(real_report, "unused-concept")
    assert {i["entity"] for i in found} == expected
    assert all(i["severity"] == "info" for i in found)
    # each points at the concept's own entry in its YAML file
    for issue in found[:20]:
        cid = issue["entity"].rsplit("/", 1)[1]
        file, line = issue["location"].rsplit(":", 1)
        text = (corpus.concepts[cid].path.parent / Path(file).name).read_text(encoding="utf-8")
        assert f"id: {cid}" in text.splitlines()[int(line) - 1]


def test_fail_on_warn_fails_exactly_when_there_are_warnings(real_report, runner, cli, project_root):
    result = runner.invoke(cli, ["--corpus", str(project_root), "check", "--fail-on", "warn"])
    assert result.exit_code == (1 if real_report["counts"]["warn"] else 0), result.output
    assert "Traceback" not in result.output


def test_text_output_summarises(runner, cli, project_root, built):
    result = runner.invoke(cli, ["--corpus", str(project_root), "check"])
    assert result.exit_code == 0, result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("check passed (--fail-on error): 0 error")
    assert "reasoner: ok" in last and "shacl: ok" in last


def test_stats_agree_with_the_model(runner, cli, project_root, built, corpus):
    result = runner.invoke(cli, ["--corpus", str(project_root), "stats", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["totals"]["cases"] == len(corpus.cases)
    assert data["concepts_per_kind"] == dict(Counter(c.kind for c in corpus.concepts.values()))
    levels = Counter(level for c in corpus.cases.values() for level in c.levels)
    assert data["cases_per_level"] == dict(levels)
    quotes = Counter(e.source for c in corpus.cases.values() for e in c.all_evidence())
    quotes.update(c.source for c in corpus.concepts.values() if c.quote)
    quotes.update(e.source for c in corpus.concepts.values() for e in c.examples)  # illustrations
    quotes.update(c.source for c in corpus.deprecated.values() if c.quote)  # kept, deprecated
    quotes.update(e.source for m in corpus.mechanisms for e in m.evidence)  # mechanism links
    assert data["quotes_per_source"] == dict(quotes)
    used = set().union(*(c.linked_concepts() for c in corpus.cases.values()))
    used |= {p for p, cases in built.manifest["pattern_matches"].items() if cases}
    assert data["totals"]["unused_concepts"] == len(set(corpus.concepts) - used)
    thin = sorted(c.id for c in corpus.cases.values() if len(c.all_evidence()) < 2)
    assert [c["id"] for c in data["thin_cases"]] == thin
    text = runner.invoke(cli, ["--corpus", str(project_root), "stats"])
    assert text.exit_code == 0 and f"{len(corpus.cases)} cases" in text.output


# ----------------------------------------------------------------------------- planted faults


def test_two_disjoint_classes_make_the_reasoner_fail(tmp_path, project_root):
    root = copy_corpus(project_root, tmp_path / "corpus")
    # frame-lock is a pattern (pg:SystemicPattern); roles and patterns are declared disjoint
    (root / "ontology" / "zz-conflict.ttl").write_text(
        HEADER + "pgid:concept\\/frame-lock a pg:Role .\n", encoding="utf-8")
    result = run(root, tmp_path / "build", "check")
    assert result.exit_code == 1
    out = result.output
    assert "ERROR reasoner" in out
    assert ("concept/frame-lock is both a pg:Role and a pg:SystemicPattern, which the ontology "
            "declares disjoint") in out
    assert "ontology/zz-conflict.ttl" in out
    assert "reasoner: failed" in out.strip().splitlines()[-1]
    assert "Traceback" not in out


@pytest.fixture(scope="module")
def faulty(tmp_path_factory, project_root, corpus):
    """A corpus copy with one planted fault per rule, checked once (JSON report)."""
    base = tmp_path_factory.mktemp("faulty")
    root = copy_corpus(project_root, base / "corpus")
    taken = corpus.concepts["mediadruk"].label  # an existing risk factor's labels
    (root / "ontology" / "zz-faults.ttl").write_text(HEADER + f"""
pgid:concept\\/alleen-nederlands a skos:Concept , pg:RiskFactor ;
    skos:notation "alleen-nederlands" ; pg:kind "risk-factor" ;
    skos:prefLabel "alleen Nederlands"@nl ;
    skos:definition "Een begrip zonder Engels label en zonder Engelse definitie."@nl ;
    pg:definitionSource pgid:source\\/essay-2025 .

pgid:concept\\/dubbel-label a skos:Concept , pg:RiskFactor ;
    skos:notation "dubbel-label" ; pg:kind "risk-factor" ;
    skos:prefLabel "{taken['nl'].upper()}"@nl , "something else"@en ;
    skos:definition "Dubbel."@nl , "Double."@en .

pg:testEigenschap a owl:ObjectProperty ;
    rdfs:label "testeigenschap"@nl ; skos:definition "Alleen voor de test."@nl .

pg:TestKlasse a owl:Class .

pgid:case\\/maastricht-2025 pg:nietGedeclareerd pgid:concept\\/frame-lock .

pgid:test\\/evidence\\/1 a pg:Evidence .
""", encoding="utf-8")
    tbox = root / "ontology" / "pav-graph.ttl"
    text = tbox.read_text(encoding="utf-8")
    licence = "    dcterms:license <https://creativecommons.org/licenses/by/4.0/> ;\n"
    assert licence in text
    tbox.write_text(text.replace(licence, ""), encoding="utf-8")
    # a case resting on one quote: essay-2025 l. 92
    (root / "cases" / "test-dun.yaml").write_text(THIN_CASE, encoding="utf-8")
    result = run(root, base / "build", "check", "--format", "json")
    assert result.exit_code == 1, result.output
    return json.loads(result.output)


@pytest.mark.parametrize("rule, entity, detail", [
    ("missing-label", f"{ID}concept/alleen-nederlands", "no skos:prefLabel in 'en'"),
    ("missing-definition", f"{ID}concept/alleen-nederlands", "no skos:definition in 'en'"),
    ("missing-definition-source", f"{ID}concept/dubbel-label", "no pg:definitionSource"),
    ("duplicate-label", f"{ID}concept/dubbel-label", "is also the label of mediadruk"),
    ("unconnected-concept", f"{ID}concept/alleen-nederlands", "isolated risk-factor"),
    ("concept-without-quote", f"{ID}concept/alleen-nederlands", "no quote"),
    ("property-domain-range", f"{ONTO}testEigenschap", "no rdfs:domain and no rdfs:range"),
    ("term-documentation", f"{ONTO}TestKlasse", "no rdfs:label and no skos:definition"),
    ("undeclared-term", f"{ONTO}nietGedeclareerd", "used as a predicate"),
    ("ontology-metadata", "https://w3id.org/pav-graph/ontology", "no dcterms:license"),
    ("thin-evidence", f"{ID}case/test-dun", "1 evidence item(s)"),
    ("incomplete-evidence", f"{ID}test/evidence/1", "no quote"),
])
def test_each_planted_fault_is_reported_by_its_rule(faulty, rule, entity, detail):
    found = [i for i in issues_of(faulty, rule) if i["entity"] == entity]
    assert found, f"{rule} did not report {entity}: {issues_of(faulty, rule)}"
    assert any(detail in i["message"] for i in found), found


def test_planted_faults_fail_shacl_but_keep_the_reasoner_consistent(faulty):
    assert faulty["stages"]["shacl"] == "failed" and faulty["stages"]["reasoner"] == "ok"
    shacl = [i["entity"] for i in issues_of(faulty, "shacl")]
    assert f"{ID}concept/alleen-nederlands" in shacl
    assert faulty["passed"] is False


def test_the_fault_file_is_named_in_the_location(faulty):
    label = [i for i in issues_of(faulty, "missing-label")
             if i["entity"] == f"{ID}concept/alleen-nederlands"]
    assert label[0]["location"].startswith("ontology/zz-faults.ttl:")
    meta = issues_of(faulty, "ontology-metadata")
    assert meta[0]["location"].startswith("ontology/pav-graph.ttl")


def test_fail_on_decides_the_exit_code(tmp_path, project_root):
    """A thin case is a warning: it passes --fail-on error and fails --fail-on warn."""
    root = copy_corpus(project_root, tmp_path / "corpus")
    (root / "cases" / "test-dun.yaml").write_text(THIN_CASE, encoding="utf-8")
    as_error = run(root, tmp_path / "build", "check", "--fail-on", "error")
    assert as_error.exit_code == 0, as_error.output
    # the planted case is reported; the corpus's one-quote mentions are exempt (e.g.
    # amsterdam-bijlmermeer-stopera, betrekkingen-2004 22-23), but its one-quote textbook
    # illustrations warn too (buurtbudget-amsterdam, nyenrode-2023 1280-1286), so look by name
    assert "WARN thin-evidence:" in as_error.output and "case/test-dun" in as_error.output
    as_warn = run(root, tmp_path / "build", "check", "--fail-on", "warn")
    assert as_warn.exit_code == 1
    assert "check FAILED (--fail-on warn)" in as_warn.output


def test_an_invalid_corpus_stops_at_load(tmp_path, project_root):
    root = copy_corpus(project_root, tmp_path / "corpus")
    (root / "cases" / "broken.yaml").write_text("id: broken\nlabel: [\n", encoding="utf-8")
    result = run(root, tmp_path / "build", "check", "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["stages"]["load"] == "failed" and data["stages"]["rules"] == "skipped"
    assert any(i["location"].startswith("cases/broken.yaml") for i in issues_of(data, "load"))


# ----------------------------------------------------------------------------- privacy (issue 15)


@pytest.fixture(scope="module")
def private(tmp_path_factory, project_root):
    """A corpus copy with a planted respondent code (in a comment and in a label) and a private
    person's name on an actor, checked once as text and once as JSON."""
    base = tmp_path_factory.mktemp("private")
    root = copy_corpus(project_root, base / "corpus")
    path = root / "cases" / "twenterand.yaml"
    text = path.read_text(encoding="utf-8")
    mayor = "    label: {nl: de burgemeester van Twenterand, en: the mayor of Twenterand}\n"
    secretary = ("    label: {nl: de gemeentesecretaris van Twenterand, "
                 "en: the municipal secretary of Twenterand}\n")
    assert mayor in text and secretary in text
    text = text.replace(mayor, "    name: Jan Pietersen\n" + mayor)
    text = text.replace(secretary, "    # volgens respondent P12 de spil van het conflict\n"
                        "    label: {nl: de gemeentesecretaris (respondent 7), "
                        "en: the municipal secretary (respondent 7)}\n")
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    at = {key: lines.index(next(x for x in lines if key in x)) + 1
          for key in ("Jan Pietersen", "respondent P12", "(respondent 7)")}
    as_text = run(root, base / "build", "check")
    as_json = run(root, base / "build", "check", "--format", "json")
    return at, as_text, json.loads(as_json.output), as_json.exit_code


def test_a_planted_respondent_code_fails_the_check(private):
    at, as_text, data, code = private
    assert code == 1 and as_text.exit_code == 1 and data["stages"]["privacy"] == "failed"
    found = {(i["location"], i["message"].split(" — ")[0]) for i in issues_of(data, "privacy-code")}
    assert found == {
        (f"cases/twenterand.yaml:{at['respondent P12']}",
         "anonymisation code 'P12' of a source in a published file"),
        (f"cases/twenterand.yaml:{at['(respondent 7)']}",
         "anonymisation code 'respondent 7' of a source in a published file"),
    }
    # one line each: file:line: what — fix
    line = next(x for x in as_text.output.splitlines() if "'P12'" in x)
    assert line.strip().startswith(f"cases/twenterand.yaml:{at['respondent P12']}: anonymisation code")
    assert " — fix: remove it: cite interviewees as \"een respondent\"" in line
    assert "Traceback" not in as_text.output


def test_a_planted_private_name_fails_the_check(private):
    at, as_text, data, _ = private
    names = issues_of(data, "privacy-name")
    assert [(i["location"], i["severity"]) for i in names] == [
        (f"cases/twenterand.yaml:{at['Jan Pietersen']}", "error")]
    assert "actor 'burgemeester' is named 'Jan Pietersen'" in names[0]["message"]
    line = next(x for x in as_text.output.splitlines() if "Jan Pietersen" in x)
    assert line.strip().startswith(f"cases/twenterand.yaml:{at['Jan Pietersen']}: actor")
    assert " — fix: remove `name:` and describe the actor by role" in line


def test_private_names_in_labels_and_offices(corpus, project_root):
    """The name rule on the real corpus is silent; it flags a label word that no source of the
    case contains, and a name the source gives for another office (betrekkingen-2004 47-48:
    "secretaris-generaal Sweder van Wijnbergen die in botsing kwam met minister Annemarie
    Jorritsma" names him secretary-general, not minister)."""
    import copy

    from pav_graph.privacy import name_findings

    assert name_findings(corpus, project_root) == []
    planted = copy.deepcopy(corpus)
    ez = planted.cases["ez-minister-secretaris-generaal"]
    minister = next(a for a in ez.actors if a.id == "minister")
    assert minister.name == "Annemarie Jorritsma"
    minister.name = "Sweder van Wijnbergen"
    secretary = next(a for a in planted.cases["twenterand"].actors if a.id == "gemeentesecretaris")
    secretary.label = {"nl": "de gemeentesecretaris Kees Verhoeven",
                       "en": "the municipal secretary Kees Verhoeven"}
    found = {(f.location.split(":")[0], f.message) for f in name_findings(planted, project_root)}
    assert found == {
        ("cases/ez-minister-secretaris-generaal.yaml",
         ("actor 'minister' is named 'Sweder van Wijnbergen', but no source of case "
         "'ez-minister-secretaris-generaal' gives that name near the case's evidence and near the "
         "office (de minister van Economische Zaken)")),
        ("cases/twenterand.yaml",
         ("actor 'gemeentesecretaris': the label words 'Kees Verhoeven' occur in no source of case "
         "'twenterand' — a private person's name?")),
    }


def test_check_on_a_built_site(tmp_path, project_root, built, runner, cli):
    """`pav-graph check --site DIR` fails on a page that shows a respondent code, with the page and
    line; a missing directory is a one-line error."""
    site = tmp_path / "site"
    (site / "sources").mkdir(parents=True)
    (site / "index.html").write_text("<p>Casussen</p>\n", encoding="utf-8")
    (site / "sources" / "x.html").write_text(
        "<ol>\n<li id=\"L2253\"><span>in het veld.&rdquo; (Participant&#9;16)</span></li>\n</ol>\n",
        encoding="utf-8")
    result = runner.invoke(cli, ["--corpus", str(project_root), "check", "--site", str(site)])
    assert result.exit_code == 1
    line = next(x for x in result.output.splitlines() if "x.html" in x)
    assert line.strip().startswith(f"{site / 'sources' / 'x.html'}:2: anonymisation code")
    missing = runner.invoke(cli, ["--corpus", str(project_root), "check", "--site",
                                  str(tmp_path / "nope")])
    assert missing.exit_code == 1 and "no such directory" in missing.output
    assert "Traceback" not in missing.output
