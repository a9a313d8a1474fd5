"""The /query page (vendored YASGUI) in real Chromium against a real `pav-graph serve`.

The corpus is built here (a copy, without SHACL and reasoner: the page is under test, not the
build) and served with the project's query library as examples and a small stand-in site
(one page per case, at the paths `pav-graph site` writes) so that IRI links can be followed.
Every request the browser makes is checked: none may leave the loopback host.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
from w3c_protocol import ROOT, ServerProcess, request

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-default-apps", "--disable-sync",
        "--no-first-run", "--disable-domain-reliability"]
LOCAL = ("127.0.0.1", "localhost")
EXAMPLE = "departures"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("querypage")
    corpus = root / "corpus"
    for name in ("cases", "ontology", "sources", "queries"):
        shutil.copytree(ROOT / name, corpus / name)
    build = root / "build"
    env = dict(os.environ, PYTHONPATH=str(ROOT), PAV_GRAPH_BUILD=str(build))
    done = subprocess.run([sys.executable, "-m", "pav_graph", "build", "--no-shacl",
                           "--no-reason", "-q"], cwd=corpus, env=env, capture_output=True,
                          text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    site = root / "site"
    (site / "cases").mkdir(parents=True)
    (site / "index.html").write_text("<!DOCTYPE html><title>site</title><p>home</p>",
                                     encoding="utf-8")
    for case in (corpus / "cases").glob("*.yaml"):
        (site / "cases" / f"{case.stem}.html").write_text(
            f"<!DOCTYPE html><title>{case.stem}</title><h1 id=case>{case.stem}</h1>",
            encoding="utf-8")
    with ServerProcess(build, "--site", str(site), cwd=corpus) as srv:
        yield srv


@pytest.fixture(scope="module")
def chromium():
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        pytest.skip("Debian chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


class Watch:
    """Console errors, page errors, and every request that is not to the loopback host (those
    are aborted, so a test cannot pass by reaching the internet)."""

    def __init__(self, context) -> None:
        self.problems: list[str] = []
        self.requests: list[str] = []

        def route(r):
            self.requests.append(r.request.url)
            host = urllib.parse.urlsplit(r.request.url).hostname
            if host in LOCAL or r.request.url.startswith(("data:", "blob:")):
                r.continue_()
            else:
                self.problems.append(f"request leaving localhost: {r.request.url}")
                r.abort()

        context.route("**/*", route)

    def page(self, context):
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and self.problems.append(
            f"console error: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        return page


@pytest.fixture()
def browse(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    watch = Watch(context)
    yield context, watch
    context.close()


def rows_over_http(served, query: str) -> int:
    status, _, body = request(served.base, "POST", "/sparql", query.encode(),
                              {"Content-Type": "application/sparql-query"})
    assert status == 200, body
    return len(json.loads(body)["results"]["bindings"])


def open_page(context, watch, url: str):
    page = watch.page(context)
    page.goto(url)
    page.wait_for_selector(".yasqe .CodeMirror")
    return page


def run_and_wait(page) -> None:
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr .dataTable tbody tr, .yasr .errorResult", timeout=30000)


def shown_rows(page) -> int:
    """The number of results YASR reports for the current tab."""
    return page.evaluate("window.pavGraphYasgui.getTab().getYasr().results.getBindings().length")


@pytest.mark.browser
def test_example_runs_with_highlighting_and_no_outside_request(served, browse):
    context, watch = browse
    page = open_page(context, watch, served.base + "/query")
    assert page.locator(".yasqe .cm-keyword").count() > 0  # SPARQL syntax highlighting
    options = page.locator("#examples option").all_text_contents()
    assert len(options) > 30  # the query library (33 queries) plus the placeholder
    page.select_option("#examples", index=[o.startswith("Vertrek van topambtenaren")
                                            for o in options].index(True))
    query = page.evaluate("window.pavGraphYasgui.getTab().getQuery()")
    assert "vertrek-" in query and query.lstrip().startswith("PREFIX")
    assert page.locator("#question").inner_text().startswith("Waar vertrokken")
    run_and_wait(page)
    assert page.locator(".yasr .errorResult").count() == 0
    assert shown_rows(page) == rows_over_http(served, query) > 0
    views = page.locator(".yasr .yasr_btnGroup button").all_text_contents()
    assert any("Table" in v for v in views) and any("Response" in v for v in views)
    assert not watch.problems, watch.problems
    assert all(urllib.parse.urlsplit(u).hostname in LOCAL for u in watch.requests)


@pytest.mark.browser
def test_prefix_and_term_autocompletion_are_local(served, browse):
    context, watch = browse
    page = open_page(context, watch, served.base + "/query")
    page.evaluate("window.pavGraphYasgui.getTab().getYasqe().setValue('')")
    page.click(".yasqe .CodeMirror")
    page.keyboard.type("PREFIX pg")
    page.wait_for_selector(".CodeMirror-hints li")
    hints = page.locator(".CodeMirror-hints li").all_text_contents()
    assert "pg: <https://w3id.org/pav-graph/ontology#>" in hints
    page.keyboard.press("Enter")
    page.keyboard.type("\nSELECT * WHERE { ?c pg:hasFin")
    page.keyboard.press("Control+Space")
    page.wait_for_selector(".CodeMirror-hints li")
    hints = page.locator(".CodeMirror-hints li").all_text_contents()
    assert "pg:hasFinding" in hints  # a property of the graph, asked from this endpoint
    assert not watch.problems, watch.problems


@pytest.mark.browser
def test_permalink_download_and_site_links(served, browse, tmp_path):
    context, watch = browse
    page = open_page(context, watch, served.base + "/query")
    query = ("PREFIX pg: <https://w3id.org/pav-graph/ontology#>\n"
             "SELECT ?case WHERE { ?case a pg:Case } ORDER BY ?case LIMIT 5")
    page.evaluate("q => { window.pavGraphYasgui.getTab().setQuery(q); }", query)
    link = page.evaluate("window.pavGraphYasgui.getTab().getShareableLink()")
    assert link.startswith(served.base + "/query") and "query=" in link
    # the permalink, opened in a fresh page, holds the query and runs it
    other = open_page(context, watch, link)
    assert other.evaluate("window.pavGraphYasgui.getTab().getQuery()") == query
    run_and_wait(other)
    assert shown_rows(other) == 5
    # result download (the table plugin writes CSV)
    with other.expect_download() as info:
        other.click(".yasr .yasr_downloadIcon")
    target = tmp_path / "results.csv"
    info.value.save_as(target)
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert rows[0] == ["case"] and len(rows) == 6
    # a case IRI links to the case's page on the served site
    anchor = other.locator(".yasr .dataTable tbody a[href^='/cases/']").first
    href = anchor.get_attribute("href")
    assert href.endswith(".html") and anchor.get_attribute("title").startswith(
        "https://w3id.org/pav-graph/id/case/")
    anchor.click()
    other.wait_for_url(served.base + href)
    assert other.locator("h1#case").inner_text() == href.split("/")[-1].removesuffix(".html")
    assert not watch.problems, watch.problems


@pytest.mark.browser
def test_a_page_on_another_origin_can_read_results(served, browse):
    """CORS in a real browser: a page at http://localhost:PORT (another origin than
    127.0.0.1:PORT) POSTs a query, which needs the preflight, and reads the rows."""
    context, watch = browse
    port = urllib.parse.urlsplit(served.base).port
    page = watch.page(context)
    page.goto(f"http://localhost:{port}/")
    rows = page.evaluate("""async (url) => {
        const r = await fetch(url, {method: "POST", body: "SELECT ?c WHERE { ?c a <https://w3id.org/pav-graph/ontology#Case> }",
                                     headers: {"Content-Type": "application/sparql-query",
                                               "Accept": "application/sparql-results+json"}});
        return (await r.json()).results.bindings.length;
    }""", f"http://127.0.0.1:{port}/sparql")
    assert rows == len(list((ROOT / "cases").glob("*.yaml")))
    assert not watch.problems, watch.problems
