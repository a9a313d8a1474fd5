"""The site and the outside world (issue 17 item 6): a source's public address, DOI and ISBN;
each case's data as JSON, CSV and Turtle next to its page; embeddable graphs (iframe pages and a
self-contained offline file); absolute permalinks with --base-url."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from pav_graph.spreadsheet import original
from tests import sitekit
from tests.sitekit import url

chromium, page = sitekit.chromium, sitekit.page  # fixtures
browser = pytest.mark.browser
BASE = "https://example.org/pav-graph/"


site = sitekit.site  # fixture


@pytest.fixture(scope="module")
def hosted(tmp_path_factory, store, project) -> Path:
    return sitekit.write_site(tmp_path_factory, store, project, "hosted", base_url=BASE.rstrip("/"))


def model_claims(case) -> list[tuple[str, list[tuple[str, str, int, int]]]]:
    """(kind, [(quote, source, first, last)]) of every claim of a case, from the case file."""
    out = []
    for kind, items in (("finding", case.findings), ("relation", case.relations),
                        ("intervention", case.interventions), ("event", case.events)):
        for item in items:
            out.append((kind, sorted((e.quote, e.source, e.first_line, e.last_line)
                                     for e in item.evidence)))
    return sorted(out)


def test_case_downloads_hold_every_claim_and_quote_of_the_case_file(site, corpus, store):
    import pyoxigraph as ox

    from pav_graph.rdf import ID

    for cid, case in corpus.cases.items():
        record = json.loads((site / "cases" / f"{cid}.json").read_text(encoding="utf-8"))
        assert record["id"] == cid and record["url"] == f"cases/{cid}.html"
        got = sorted((c["kind"], sorted((e["quote"], e["source"], e["first_line"], e["last_line"])
                                        for e in c["evidence"])) for c in record["claims"])
        assert got == model_claims(case), cid
        page_ids = sitekit_ids(site / "cases" / f"{cid}.html")
        for c in record["claims"]:
            assert c["url"].split("#")[1] in page_ids, (cid, c["url"])
        rows = list(csv.DictReader(io.StringIO(
            (site / "cases" / f"{cid}.csv").read_text(encoding="utf-8-sig"))))
        assert len(rows) == sum(len(c["evidence"]) for c in record["claims"]), cid
        assert {original(r["quote"]) for r in rows} == {
            e["quote"] for c in record["claims"] for e in c["evidence"]}
        assert all(r["case"] == cid for r in rows)
        assert all(r["url"].startswith(f"cases/{cid}.html#") for r in rows)
        # the Turtle subgraph: exactly the store's triples about the case's own nodes
        ttl = (site / "cases" / f"{cid}.ttl").read_bytes()
        triples = [q.triple for q in ox.parse(ttl, format=ox.RdfFormat.TURTLE)]
        prefix = f"{ID}case/{cid}"
        own = {t for t in triples if t.subject.value == prefix or t.subject.value.startswith(prefix + "/")}
        expected = {q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())
                    if isinstance(q.subject, ox.NamedNode) and (
                        q.subject.value == prefix or q.subject.value.startswith(prefix + "/"))}
        assert own == expected, cid
        orgs = {t.subject.value for t in triples} - {t.subject.value for t in own}
        assert orgs and all(o.startswith(f"{ID}org/") for o in orgs), cid


def sitekit_ids(path: Path) -> set[str]:
    import re

    return set(re.findall(r'\sid="([^"]+)"', path.read_text(encoding="utf-8")))


def test_base_url_makes_permalinks_absolute(hosted):
    html = (hosted / "cases" / "maastricht-2025.html").read_text(encoding="utf-8")
    assert f'data-base-url="{BASE}"' in html
    assert f"{BASE}embed/cases/maastricht-2025.html" in html.replace("&#34;", '"')
    rows = list(csv.DictReader(io.StringIO(
        (hosted / "cases" / "maastricht-2025.csv").read_text(encoding="utf-8-sig"))))
    assert rows and all(r["url"].startswith(f"{BASE}cases/maastricht-2025.html#") for r in rows)
    standalone = (hosted / "embed" / "graph-standalone.html").read_text(encoding="utf-8")
    assert f'data-root="{BASE}"' in standalone


def test_bad_base_url_is_refused_in_one_line(runner, cli, project, tmp_path):
    result = runner.invoke(cli, ["--corpus", str(project.root), "site", "--base-url",
                                 "example.org/x", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "--base-url example.org/x: give the full address" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "out").exists()


def _source_copy(corpus_copy: Path, extra: str) -> Path:
    path = corpus_copy / "sources" / "nyenrode-2023.yaml"
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return path


def test_source_doi_isbn_and_url_are_checked_and_shown(corpus_copy, tmp_path, monkeypatch,
                                                      runner, cli):
    from pav_graph.load import load_sources
    from pav_graph.problems import Problems
    from pav_graph.project import Project

    # invented identifiers for a copy of the corpus only: the real sources have none
    _source_copy(corpus_copy, "url: https://example.org/thesis.pdf\ndoi: 10.1234/pav.5678\n"
                 "isbn: 978-90-12345-67-5\n")
    problems = Problems()
    sources = load_sources(Project(corpus_copy), problems)
    assert not problems, [p.message for p in problems]
    s = sources["nyenrode-2023"]
    assert (s.url, s.doi, s.isbn) == ("https://example.org/thesis.pdf", "10.1234/pav.5678",
                                      "978-90-12345-67-5")
    monkeypatch.setenv("PAV_GRAPH_BUILD", str(tmp_path / "build"))
    out = tmp_path / "site"
    result = runner.invoke(cli, ["--corpus", str(corpus_copy), "site", str(out)])
    assert result.exit_code == 0, result.output
    html = (out / "sources" / "nyenrode-2023.html").read_text(encoding="utf-8")
    assert 'href="https://doi.org/10.1234/pav.5678"' in html
    assert 'href="https://example.org/thesis.pdf"' in html and "ISBN 978-90-12345-67-5" in html
    other = (out / "sources" / "essay-2025.html").read_text(encoding="utf-8")
    assert "geen openbaar adres, DOI of ISBN bekend" in other


@pytest.mark.parametrize("extra, message", [
    ("isbn: 978-90-12345-67-4\n", "isbn '978-90-12345-67-4' has a wrong check digit"),
    ("doi: https://doi.org/10.1234/x\n", "write only the DOI itself: doi: 10.1234/x"),
    ("doi: 11.1234/x\n", "is not a DOI"),
    ("url: www.example.org\n", "is not a web address"),
    ("url: \"javascript:alert(1)\"\n", "is not a web address"),  # would run when clicked
])
def test_bad_public_identifiers_get_one_line_naming_file_and_fix(corpus_copy, runner, cli,
                                                                 extra, message):
    _source_copy(corpus_copy, extra)
    result = runner.invoke(cli, ["--corpus", str(corpus_copy), "validate"])
    assert result.exit_code != 0
    lines = [ln for ln in result.output.splitlines() if "nyenrode-2023.yaml" in ln]
    assert len(lines) == 1 and message in lines[0], result.output
    assert "Traceback" not in result.output


@browser
def test_embed_pages_draw_offline_and_the_standalone_file_works_on_its_own(site, page, tmp_path):
    page.goto(url(site / "embed" / "cases" / "maastricht-2025.html"))
    page.wait_for_function("window.pgGraphs && window.pgGraphs.length && window.pgGraphs[0].ready")
    n = page.evaluate("window.pgGraphs[0].nodes.length")
    assert n > 5 and page.locator("header, footer").count() == 0
    credit = page.locator(".embed-credit a").get_attribute("href")
    assert credit == "../../cases/maastricht-2025.html"
    # the standalone corpus graph, copied alone into an empty directory: still draws
    lone = tmp_path / "lone" / "map.html"
    lone.parent.mkdir()
    shutil.copyfile(site / "embed" / "graph-standalone.html", lone)
    page.goto(url(lone))
    page.wait_for_function("window.pgGraphs && window.pgGraphs.length && window.pgGraphs[0].ready")
    assert page.evaluate("window.pgGraphs[0].nodes.length") == page.evaluate(
        "JSON.parse(document.getElementById('corpus-data').textContent).nodes.length")
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.reload()
    page.wait_for_function("window.pgGraphs && window.pgGraphs.length && window.pgGraphs[0].ready")
    assert requested == [url(lone)]  # nothing but the file itself
    assert page.watch.problems == []


@browser
def test_case_page_embed_snippet_copies_an_iframe(site, chromium):
    context = chromium.new_context(permissions=["clipboard-read", "clipboard-write"])
    p = context.new_page()
    watch = sitekit.Watch(p)
    p.goto(url(site / "cases" / "maastricht-2025.html"))
    p.click("button[data-copy=embed-code]")
    p.wait_for_function("document.querySelector('.copied').textContent.length > 0")
    text = p.evaluate("navigator.clipboard.readText()")
    assert text.startswith('<iframe src="../embed/cases/maastricht-2025.html"') and "</iframe>" in text
    for ext in ("json", "csv", "ttl"):
        assert p.locator(f'a[download][href="maastricht-2025.{ext}"]').count() == 1
    assert watch.problems == []
    context.close()


def test_a_case_download_csv_runs_no_formula():
    """The per-case CSV is for spreadsheets: a quote or label a contributor wrote as a formula
    shows as text (a ' in front), and the exact text comes back with spreadsheet.original."""
    from pav_graph.site.downloads import CSV_COLUMNS, record_csv
    from pav_graph.spreadsheet import original

    evil = '=HYPERLINK("http://example.org/x","klik")'
    claim = {"id": "finding-x", "kind": "finding", "concept": "x", "label": {"nl": "@SUM(1)"},
             "concept_label": {"nl": "-2+3+cmd|' /C calc'!A0"}, "stance": "states",
             "basis": "manifest", "voice": "author", "counts": True, "attributed_to": None,
             "evidence": [{"id": "q", "quote": evil, "source": "s", "first_line": 1,
                           "last_line": 2, "page": None, "url": "cases/c.html#q"}]}
    data = record_csv({"id": "c", "claims": [claim]})
    assert data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(rows[0]) == CSV_COLUMNS
    for key, text in (("quote", evil), ("label_nl", "@SUM(1)"),
                      ("concept_label_nl", "-2+3+cmd|' /C calc'!A0")):
        assert rows[0][key].startswith("'") and original(rows[0][key]) == text
