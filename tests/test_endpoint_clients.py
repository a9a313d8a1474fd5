"""`pav-graph serve` as the clients researchers use see it: pandas, rdflib, SPARQLWrapper,
a page on another origin (CORS), a Service Description reader, and a rebuild while it runs.

A real server process on loopback over a small store made here; the rebuild test builds the
real corpus (a copy) twice with `pav-graph build` and changes a case in between.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import urllib.error
import urllib.parse
from pathlib import Path

import pandas as pd
import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, SPARQLWrapper
from w3c_protocol import ROOT, ServerProcess, build_store, request

EX = "http://example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
FORMATS = rdflib.Namespace("http://www.w3.org/ns/formats/")
# Literals that CSV must quote and TSV must escape; a language tag; a number; a blank node.
TRIPLES = f"""\
<{EX}a> <{EX}label> "comma, and \\"quotes\\"" .
<{EX}b> <{EX}label> "tab\\there\\nnew line"@nl .
<{EX}c> <{EX}label> "42"^^<{XSD}integer> .
<{EX}d> <{EX}label> _:node .
"""
ROWS = 4
NAMED = f'<{EX}x> <{EX}y> "in a named graph" .\n'
LIMIT = 3
QUERY = f"SELECT ?s ?label WHERE {{ ?s <{EX}label> ?label }} ORDER BY ?s"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("clients")
    (root / "data.nt").write_text(TRIPLES, encoding="utf-8")
    (root / "named.nt").write_text(NAMED, encoding="utf-8")
    build_store(root / "build", [(root / "data.nt", None), (root / "named.nt", EX + "g")])
    with ServerProcess(root / "build", "--limit", str(LIMIT + 1), "--timeout", "20",
                       cwd=root) as srv:
        yield srv


def url(server, query: str, **params: str) -> str:
    return f"{server.base}/sparql?" + urllib.parse.urlencode({"query": query, **params})


# --- Service Description -----------------------------------------------------------------------

def test_get_without_query_is_a_service_description(server):
    status, headers, body = request(server.base, "GET", "/sparql")
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=body, format="turtle")
    service = rdflib.URIRef(server.base + "/sparql")
    assert (service, rdflib.RDF.type, SD.Service) in graph
    assert (service, SD.endpoint, service) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    formats = set(graph.objects(service, SD.resultFormat))
    assert {FORMATS.SPARQL_Results_JSON, FORMATS.SPARQL_Results_CSV, FORMATS.SPARQL_Results_TSV,
            FORMATS.SPARQL_Results_XML, FORMATS.Turtle, FORMATS["JSON-LD"]} <= formats
    dataset = graph.value(service, SD.defaultDataset)
    default = graph.value(dataset, SD.defaultGraph)
    assert graph.value(default, VOID.triples).toPython() == ROWS
    named = graph.value(dataset, SD.namedGraph)
    assert graph.value(named, SD.name) == rdflib.URIRef(EX + "g")
    assert graph.value(graph.value(named, SD.graph), VOID.triples).toPython() == 1
    # features: none of the vocabulary's five holds (SERVICE is refused), none is claimed
    assert not list(graph.objects(service, SD.feature))


def test_service_description_in_other_formats_and_for_browsers(server):
    status, headers, body = request(server.base, "GET", "/sparql",
                                    headers={"Accept": "application/ld+json"})
    assert status == 200 and headers["content-type"] == "application/ld+json"
    assert len(rdflib.Graph().parse(data=body, format="json-ld")) > 10
    status, headers, _ = request(server.base, "GET", "/sparql?format=ntriples")
    assert headers["content-type"] == "application/n-triples"
    # a browser address bar gets the query page; a client asking for results gets Turtle
    status, headers, _ = request(server.base, "GET", "/sparql",
                                 headers={"Accept": "text/html,*/*;q=0.8"})
    assert status == 303 and headers["location"] == "/query"
    status, headers, _ = request(server.base, "GET", "/sparql",
                                 headers={"Accept": "application/sparql-results+json"})
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    assert request(server.base, "POST", "/sparql", b"",
                   {"Content-Type": "application/sparql-query"})[0] == 400


# --- CORS ------------------------------------------------------------------------------------

def test_cors_headers_and_preflight(server):
    origin = {"Origin": "http://localhost:9999"}
    status, headers, _ = request(server.base, "GET", "/sparql?query=" +
                                 urllib.parse.quote("ASK {}"), headers=origin)
    assert status == 200 and headers["access-control-allow-origin"] == "*"
    status, headers, _ = request(server.base, "POST", "/sparql", b"SELECT ?x WHERE {",
                                 {"Content-Type": "application/sparql-query", **origin})
    assert status == 400 and headers["access-control-allow-origin"] == "*"  # errors readable too
    status, headers, body = request(server.base, "OPTIONS", "/sparql", headers={
        **origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, accept"})
    assert status == 204 and body == b""
    assert headers["access-control-allow-origin"] == "*"
    assert "POST" in headers["access-control-allow-methods"]
    allowed = {h.strip().lower() for h in headers["access-control-allow-headers"].split(",")}
    assert {"content-type", "accept"} <= allowed


# --- format= and the CSV/TSV formats ---------------------------------------------------------

def test_pandas_reads_csv_from_the_endpoint(server):
    frame = pd.read_csv(url(server, QUERY, format="csv"))
    assert list(frame.columns) == ["s", "label"]
    assert list(frame["s"]) == [EX + "a", EX + "b", EX + "c", EX + "d"]
    assert frame["label"][0] == 'comma, and "quotes"'
    assert frame["label"][1] == "tab\there\nnew line"
    assert int(frame["label"][2]) == 42
    assert frame["label"][3].startswith("_:")
    tsv = pd.read_csv(url(server, QUERY, output="tsv"), sep="\t")
    assert list(tsv.columns) == ["?s", "?label"] and len(tsv) == ROWS


@pytest.mark.parametrize("value,ctype", [
    ("csv", "text/csv"), ("tsv", "text/tab-separated-values"), ("xml", "application/sparql-results+xml"),
    ("json", "application/sparql-results+json"), ("application/sparql-results+xml",
                                                  "application/sparql-results+xml")])
def test_format_parameter_overrides_accept(server, value, ctype):
    status, headers, _ = request(server.base, "GET", "/sparql?" + urllib.parse.urlencode(
        {"query": QUERY, "format": value}), headers={"Accept": "application/sparql-results+json"})
    assert status == 200 and headers["content-type"].split(";")[0] == ctype


def test_format_parameter_errors(server):
    status, _, body = request(server.base, "GET", "/sparql?" + urllib.parse.urlencode(
        {"query": QUERY, "format": "excel"}))
    assert status == 400 and b"unknown format" in body and b"csv" in body
    status, _, body = request(server.base, "GET", "/sparql?" + urllib.parse.urlencode(
        {"query": QUERY, "format": "csv", "output": "json"}))
    assert status == 400 and b"different formats" in body
    status, _, _ = request(server.base, "GET", "/sparql?" + urllib.parse.urlencode(
        {"query": QUERY, "format": "csv", "output": "csv"}))  # SPARQLWrapper sends both
    assert status == 200
    construct = f"CONSTRUCT WHERE {{ ?s <{EX}label> ?o }}"
    status, headers, body = request(server.base, "POST", "/sparql?format=json",
                                    construct.encode(), {"Content-Type": "application/sparql-query"})
    assert status == 200 and headers["content-type"] == "application/ld+json"
    status, _, body = request(server.base, "POST", "/sparql?format=csv", construct.encode(),
                              {"Content-Type": "application/sparql-query"})
    assert status == 406 and b"text/turtle" in body


def test_csv_is_as_the_sparql_results_csv_format_says(server):
    status, headers, body = request(server.base, "GET", "/sparql?" + urllib.parse.urlencode(
        {"query": QUERY}), headers={"Accept": "text/csv"})
    assert status == 200
    assert headers["content-type"] == "text/csv; charset=utf-8; header=present"
    text = body.decode("utf-8")
    assert text.startswith("s,label\r\n")  # variable names without '?', CRLF line ends
    assert text.count("\r\n") == text.count("\n") - 1  # the one bare LF is inside a value
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1] == [EX + "a", 'comma, and "quotes"']
    assert '"comma, and ""quotes"""' in text  # RFC 4180 quoting
    assert rows[3] == [EX + "c", "42"]  # lexical form only


def test_tsv_is_as_the_sparql_results_tsv_format_says(server):
    status, headers, body = request(server.base, "GET", "/sparql?" + urllib.parse.urlencode(
        {"query": QUERY}), headers={"Accept": "text/tab-separated-values"})
    assert status == 200
    assert headers["content-type"] == "text/tab-separated-values; charset=utf-8"
    lines = body.decode("utf-8").split("\n")
    assert lines[0] == "?s\t?label"
    assert lines[1] == f'<{EX}a>\t"comma, and \\"quotes\\""'
    assert lines[2] == f'<{EX}b>\t"tab\\there\\nnew line"@nl'  # tab and newline escaped
    assert lines[3] in (f"<{EX}c>\t42", f'<{EX}c>\t"42"^^<{XSD}integer>')
    assert lines[4].split("\t")[1].startswith("_:") and lines[5] == ""
    assert all(len(line.split("\t")) == 2 for line in lines[:-1])


# --- the 422 of the result limit, as clients show it ---------------------------------------------

BIG = "SELECT * WHERE { ?s ?p ?o . ?a ?b ?c }"  # 16 rows


def test_result_limit_message_reaches_urllib_and_pandas(server):
    with pytest.raises(urllib.error.HTTPError) as info:
        pd.read_csv(url(server, BIG, format="csv"))
    assert info.value.code == 422
    assert "result limit exceeded" in str(info.value) and "LIMIT" in str(info.value)


def test_result_limit_message_reaches_sparqlwrapper(server):
    client = SPARQLWrapper(server.base + "/sparql")
    client.setQuery(BIG)
    client.setReturnFormat(JSON)
    with pytest.raises(urllib.error.HTTPError) as info:
        client.queryAndConvert()
    assert "HTTP Error 422: result limit exceeded" in str(info.value)


def test_result_limit_message_reaches_rdflib(server):
    store = SPARQLStore(server.base + "/sparql")
    with pytest.raises(ValueError) as info:  # rdflib's own words; the HTTP error is chained
        list(rdflib.Graph(store=store).query(BIG))
    assert "result limit exceeded" in str(info.value.__context__)
    store = SPARQLStore(server.base + "/sparql", method="POST")
    answer = rdflib.Graph(store=store).query(BIG)  # rdflib returns (status, message, None) here
    assert answer[0] == 422 and "result limit exceeded" in answer[1]


# --- a rebuild while serving -----------------------------------------------------------------

def _cli(args: list[str], cwd: Path, build: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), PAV_GRAPH_BUILD=str(build))
    return subprocess.run([sys.executable, "-m", "pav_graph", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600, check=False)


LABEL_Q = ("SELECT ?label WHERE { <https://w3id.org/pav-graph/id/case/maastricht-2025> "
           "<http://www.w3.org/2000/01/rdf-schema#label> ?label FILTER(lang(?label) = 'en') }")


@pytest.mark.slow
def test_serve_picks_up_a_rebuild(corpus_copy, tmp_path):
    build = tmp_path / "build"
    result = _cli(["build", "--no-shacl", "--no-reason", "-q"], corpus_copy, build)
    assert result.returncode == 0, result.stderr
    with ServerProcess(build, cwd=corpus_copy) as srv:
        def label() -> str:
            data = json.loads(request(srv.base, "GET", "/sparql?" + urllib.parse.urlencode(
                {"query": LABEL_Q}))[2])
            return data["results"]["bindings"][0]["label"]["value"]

        before = label()
        case = corpus_copy / "cases" / "maastricht-2025.yaml"
        text = case.read_text(encoding="utf-8")
        assert before in text
        case.write_text(text.replace(before, before + " (rebuilt)", 1), encoding="utf-8")
        result = _cli(["build", "--no-shacl", "--no-reason", "-q"], corpus_copy, build)
        assert result.returncode == 0, result.stderr
        assert label() == before + " (rebuilt)"
        # every worker answers from the new build, and the description counts the new store
        assert {label() for _ in range(6)} == {before + " (rebuilt)"}
        current = json.loads((build / "current.json").read_text(encoding="utf-8"))["directory"]
        lines = (build / current / "graph.nt").read_bytes().splitlines()
        description = rdflib.Graph().parse(data=request(srv.base, "GET", "/sparql")[2],
                                           format="turtle")
        assert {t.toPython() for t in description.objects(None, VOID.triples)} == {
            len(set(lines) - {b""})}
        assert "Traceback" not in srv.output()
