"""Concept illustrations (`examples:` in ontology/concepts/*.yaml): they load and are checked
like case evidence, a wrong one is reported at its place with the fix, they reach the graph as
pg:illustratedBy annotations and the site's concept pages show them.

Expected quotes come from the source text: sources/texts/000_bf2cec64630ac367.txt
(nyenrode-2023), lines 3562-3564: "In de interacties met de respondenten werd een patroon
zichtbaar bij de behandeling van relatief eenvoudige taken, zoals de uitgifte van paspoorten."
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests import sitekit

PASSPORTS = "zoals de uitgifte van paspoorten."  # 000_*.txt line 3564
CONCEPTS_FILE = Path("ontology") / "concepts" / "nyenrode-2023.yaml"


def _yaml_examples(root: Path) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for path in sorted((root / "ontology" / "concepts").glob("*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["concepts"]:
            if item.get("examples"):
                out[item["id"]] = item["examples"]
    return out


def _span(lines) -> tuple[int, int]:
    first, _, last = str(lines).partition("-")
    return int(first), int(last or first)


def test_examples_load_into_the_model(corpus, project_root):
    written = _yaml_examples(project_root)
    assert sum(len(v) for v in written.values()) >= 30
    for cid, items in written.items():
        model = corpus.concepts[cid].examples
        assert [(e.first_line, e.last_line, e.quote) for e in model] == [
            (*_span(i["lines"]), i["quote"]) for i in items], cid
    dicho = corpus.concepts["dichotomie"].examples
    ex = next(e for e in dicho if PASSPORTS in e.quote)
    assert (ex.source, ex.first_line, ex.last_line) == ("nyenrode-2023", 3562, 3564)
    assert ex.note and ex.note["nl"] and ex.note["en"]


def test_quote_checker_walks_the_examples(project_root):
    # tests/test_quotes.py checks every dict with quote+source+lines; the examples must be
    # among its items, so an independent checker covers them too
    import test_quotes

    walked = {(name, where) for name, where, _ in (p.values for p in test_quotes.ITEMS)}
    expected = set()
    for path in sorted((project_root / "ontology" / "concepts").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for i, item in enumerate(data["concepts"]):
            for j, _ in enumerate(item.get("examples") or []):
                expected.add((path.name, f".concepts[{i}].examples[{j}]"))
    assert expected and expected <= walked


def _example_line(path: Path, needle: str) -> int:
    for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if needle in line:
            return n
    raise AssertionError(f"{needle!r} not in {path}")


def test_wrong_example_quote_is_reported_with_place_and_fix(corpus_copy, runner, cli):
    path = corpus_copy / CONCEPTS_FILE
    text = path.read_text(encoding="utf-8")
    assert text.count(PASSPORTS) == 1
    path.write_text(text.replace(PASSPORTS, "zoals de uitgifte van rijbewijzen."), encoding="utf-8")
    line = _example_line(path, "zoals de uitgifte van rijbewijzen.")
    result = runner.invoke(cli, ["--corpus", str(corpus_copy), "validate"])
    assert result.exit_code == 1, result.output
    hits = [ln for ln in result.output.splitlines() if "quote not found" in ln]
    assert len(hits) == 1, result.output
    assert re.search(rf"nyenrode-2023\.yaml:{line}:\d+: quote not found in source 'nyenrode-2023'",
                     hits[0]), hits[0]
    assert "copy the passage verbatim" in hits[0]
    # the concept itself still loads, so no cascade of "unknown concept" errors
    assert "unknown" not in result.output


def test_wrong_example_lines_are_reported_and_fixed(corpus_copy, runner, cli):
    path = corpus_copy / CONCEPTS_FILE
    text = path.read_text(encoding="utf-8")
    old = "        lines: 3562-3564\n        quote: \"In de interacties"
    assert text.count(old) == 1
    path.write_text(text.replace(old, old.replace("3562-3564", "3558-3564")), encoding="utf-8")
    line = _example_line(path, "lines: 3558-3564")
    result = runner.invoke(cli, ["--corpus", str(corpus_copy), "validate"])
    assert result.exit_code == 1
    assert re.search(rf"nyenrode-2023\.yaml:{line}:\d+: locator lines 3558-3564 is wider than the quote"
                     r".*set `lines: 3562-3564`", result.output), result.output
    fixed = runner.invoke(cli, ["--corpus", str(corpus_copy), "validate", "--fix-locators"])
    assert fixed.exit_code == 0, fixed.output
    assert "lines: 3562-3564" in path.read_text(encoding="utf-8")


def test_examples_are_illustratedBy_annotations_with_exact_quotes(store, corpus):
    from pav_graph.sparql import prefix_header, select_local

    rows = select_local(store, prefix_header() + """
SELECT ?ex ?exact ?value ?src WHERE {
  <https://w3id.org/pav-graph/id/concept/dichotomie> pg:illustratedBy ?ex .
  ?ex a pg:Evidence , oa:Annotation ;
      oa:hasTarget ?t . ?t oa:hasSource ?src ; oa:hasSelector ?q , ?l .
  ?q a oa:TextQuoteSelector ; oa:exact ?exact .
  ?l a oa:FragmentSelector ; rdf:value ?value .
}""").rows
    quotes = {str(r["exact"]): (str(r["ex"]), str(r["value"]), str(r["src"])) for r in rows}
    hit = [k for k in quotes if PASSPORTS in k]
    assert len(hit) == 1
    iri, value, src = quotes[hit[0]]
    assert re.fullmatch(r"https://w3id.org/pav-graph/id/concept/dichotomie/example/\d+", iri)
    assert value == "line=3561,3564"  # RFC 5147: lines 3562..3564
    assert src == "https://w3id.org/pav-graph/id/source/nyenrode-2023"
    # every example of the corpus is in the graph, and pg:hasEvidence stays the definition quote
    n = select_local(store, prefix_header() + """
SELECT (COUNT(?ex) AS ?n) WHERE { ?c a skos:Concept ; pg:illustratedBy ?ex . ?ex oa:hasTarget/oa:hasSelector/oa:exact ?q }""")
    assert int(str(n.rows[0]["n"])) == sum(len(c.examples) for c in corpus.concepts.values())
    defs = select_local(store, prefix_header() + """
SELECT ?ev WHERE { <https://w3id.org/pav-graph/id/concept/dichotomie> pg:hasEvidence ?ev }""")
    assert len(defs.rows) == 1 and "/example/" not in str(defs.rows[0]["ev"])


def test_illustratedBy_is_declared_in_the_ontology(project_root):
    import pyoxigraph as ox

    from pav_graph import rdf

    triples = rdf.ontology_triples(project_root / "ontology" / "pav-graph.ttl")
    prop = rdf.P("illustratedBy")
    about = {(t.predicate.value, getattr(t.object, "value", None), getattr(t.object, "language", None))
             for t in triples if t.subject == prop}
    assert (rdf.RDFS + "domain", rdf.ONTO + "Concept", None) in about
    assert (rdf.RDFS + "range", rdf.ONTO + "Evidence", None) in about
    assert {lang for p, _, lang in about if p == rdf.RDFS + "label"} == {"nl", "en"}
    assert {lang for p, _, lang in about if p == rdf.SKOS + "definition"} == {"nl", "en"}
    assert not any(p == rdf.RDFS + "subPropertyOf" for p, _, _ in about)
    assert isinstance(prop, ox.NamedNode)


@pytest.fixture(scope="module")
def site(tmp_path_factory, store, project) -> Path:
    return sitekit.write_site(tmp_path_factory, store, project, "site-examples")


def test_concept_page_shows_example_quote_lines_and_note(site, corpus):
    html = (site / "concepts" / "dichotomie.html").read_text(encoding="utf-8")
    assert "Voorbeelden uit de bronnen" in html and "Examples from the sources" in html
    assert PASSPORTS in html
    assert "regels 3562–3564" in html and "lines 3562–3564" in html
    assert 'href="../sources/nyenrode-2023.html#L3562"' in html
    note = next(e for e in corpus.concepts["dichotomie"].examples if PASSPORTS in e.quote).note
    assert note["nl"] in html and note["en"] in html
    # the source page lists the example and has the anchor the link points to
    src = (site / "sources" / "nyenrode-2023.html").read_text(encoding="utf-8")
    assert 'id="L3562"' in src and ">voorbeeld<" in src


def test_concept_without_examples_has_no_examples_section(site, corpus):
    cid = next(c for c, x in corpus.concepts.items() if not x.examples)
    html = (site / "concepts" / f"{cid}.html").read_text(encoding="utf-8")
    assert "Voorbeelden uit de bronnen" not in html


def test_markup_in_an_example_note_is_escaped(corpus_copy, tmp_path, monkeypatch):
    import pyoxigraph as ox

    from pav_graph.build import build
    from pav_graph.project import Project
    from pav_graph.site import build_site

    path = corpus_copy / CONCEPTS_FILE
    text = path.read_text(encoding="utf-8")
    at = text.index(PASSPORTS)
    note_nl = text.index("          nl: \"", at)
    payload = '<script>window.__pwned = 1</script><b>vet</b> '
    path.write_text(text[:note_nl] + "          nl: \"" + payload.replace('"', '\\"')
                    + text[note_nl + len("          nl: \""):], encoding="utf-8")
    monkeypatch.setenv("PAV_GRAPH_BUILD", str(tmp_path / "build"))
    project = Project(corpus_copy)
    result = build(project)
    out = tmp_path / "site"
    build_site(ox.Store.read_only(str(result.directory / "store")), project, out)
    html = (out / "concepts" / "dichotomie.html").read_text(encoding="utf-8")
    assert "<script>window.__pwned" not in html and "<b>vet</b>" not in html
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;&lt;b&gt;vet&lt;/b&gt;" in html
