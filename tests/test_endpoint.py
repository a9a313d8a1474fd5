"""`pav-graph serve` as a real subprocess on loopback: protocol, formats, read-only, limits, site.

The store is a small fixture built here from a few N-Triples (no dependency on the project's
build), plus generated triples that make a cross-product query slow enough to hit the time-out.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import rdflib
from SPARQLWrapper import CSV, JSON, POST, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed
from w3c_protocol import ROOT, ServerProcess, build_store, free_port, request

from pav_graph.endpoint.protocol import Refused, check_query, negotiate

EX = "http://example.org/"
TRIPLES = f"""\
<{EX}case1> <{EX}label> "Maastricht"@nl .
<{EX}case1> <{EX}label> "Maastricht"@en .
<{EX}case1> <{EX}exhibits> <{EX}distrust> .
<{EX}case2> <{EX}exhibits> <{EX}distrust> .
<{EX}case2> <{EX}year> "2025"^^<http://www.w3.org/2001/XMLSchema#integer> .
"""
GENERATED = 60  # 60^6 rows in the slow query: far beyond any time-out
SECRET = "TOP-SECRET-OUTSIDE-SITE"
TIMEOUT = 2.0
LIMIT = 40


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("endpoint")
    data = root / "data.nt"
    filler = "".join(f"<{EX}n{i}> <{EX}filler> \"{i}\" .\n" for i in range(GENERATED))
    data.write_text(TRIPLES + filler, encoding="utf-8")
    build_store(root / "build", [(data, None)])
    site = root / "site"
    (site / "sub").mkdir(parents=True)
    (site / "index.html").write_text("<h1>pav-graph site</h1>", encoding="utf-8")
    (site / "sub" / "page.html").write_text("<p>sub page</p>", encoding="utf-8")
    (root / "secret.txt").write_text(SECRET, encoding="utf-8")
    (root / "outside").mkdir()
    (root / "outside" / "secret.txt").write_text(SECRET, encoding="utf-8")
    os.symlink(root / "secret.txt", site / "link.txt")
    os.symlink(root / "outside", site / "linkdir")
    (root / "queries").mkdir()
    (root / "queries" / "distrust.rq").write_text(
        "# title: Cases with distrust\n# question-nl: Welke casussen tonen wantrouwen?\n"
        f"SELECT ?case WHERE {{ ?case <{EX}exhibits> <{EX}distrust> }}\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def server(project):
    with ServerProcess(project / "build", "--timeout", str(TIMEOUT), "--limit", str(LIMIT),
                       "--site", str(project / "site"), cwd=project) as srv:
        yield srv


def sparql(server, query: str, fmt: str = JSON) -> SPARQLWrapper:
    client = SPARQLWrapper(server.base + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setTimeout(30)
    return client


def post_query(server, query: str, accept: str | None = None, **extra_headers):
    headers = {"Content-Type": "application/sparql-query", **extra_headers}
    if accept:
        headers["Accept"] = accept
    return request(server.base, "POST", "/sparql", query.encode(), headers)


# --- SPARQLWrapper -----------------------------------------------------------------------------

SELECT_CASES = f"SELECT ?case WHERE {{ ?case <{EX}exhibits> <{EX}distrust> }} ORDER BY ?case"


def test_sparqlwrapper_select_json(server):
    result = sparql(server, SELECT_CASES).queryAndConvert()
    assert [b["case"]["value"] for b in result["results"]["bindings"]] == [
        EX + "case1", EX + "case2"]


def test_sparqlwrapper_post_and_formats(server):
    client = sparql(server, SELECT_CASES, XML)
    client.setMethod(POST)
    doc = client.queryAndConvert()
    assert len(doc.getElementsByTagName("result")) == 2
    text = sparql(server, SELECT_CASES, CSV).queryAndConvert().decode()
    assert text.splitlines()[1:] == [EX + "case1", EX + "case2"]
    text = sparql(server, SELECT_CASES, TSV).queryAndConvert().decode()
    assert text.splitlines()[1] == f"<{EX}case1>"


def test_sparqlwrapper_ask_and_construct(server):
    assert sparql(server, f"ASK {{ <{EX}case1> ?p ?o }}").queryAndConvert()["boolean"] is True
    graph = sparql(server, f"CONSTRUCT WHERE {{ ?c <{EX}exhibits> ?x }}", TURTLE).queryAndConvert()
    parsed = rdflib.Graph().parse(data=graph, format="turtle")
    assert len(parsed) == 2


def test_sparqlwrapper_sees_malformed_query(server):
    with pytest.raises(QueryBadFormed):
        sparql(server, "SELECT ?x WHERE {").queryAndConvert()


# --- content negotiation over plain HTTP -------------------------------------------------------


def _rows_json(body):
    return len(json.loads(body)["results"]["bindings"])


def _rows_xml(body):
    return len(ET.fromstring(body).findall(".//{http://www.w3.org/2005/sparql-results#}result"))


def _rows_csv(body):
    return len(list(csv.reader(io.StringIO(body.decode())))) - 1


def _rows_tsv(body):
    return len(body.decode().strip().splitlines()) - 1


@pytest.mark.parametrize("accept,ctype,count", [
    ("application/sparql-results+json", "application/sparql-results+json", _rows_json),
    ("application/sparql-results+xml", "application/sparql-results+xml", _rows_xml),
    ("text/csv", "text/csv", _rows_csv),
    ("text/tab-separated-values", "text/tab-separated-values", _rows_tsv),
    ("application/json", "application/json", _rows_json),
    ("text/html,application/xhtml+xml;q=0.9,*/*;q=0.8", "application/sparql-results+json",
     _rows_json),
    ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml", _rows_xml),
    (None, "application/sparql-results+json", _rows_json),
])
def test_select_content_types(server, accept, ctype, count):
    status, headers, body = post_query(server, SELECT_CASES, accept)
    assert status == 200
    assert headers["content-type"].split(";")[0] == ctype
    assert count(body) == 2


@pytest.mark.parametrize("accept,rdflib_format", [
    ("text/turtle", "turtle"),
    ("application/n-triples", "nt"),
    ("application/ld+json", "json-ld"),
    ("application/rdf+xml", "xml"),
])
def test_construct_content_types(server, accept, rdflib_format):
    status, headers, body = post_query(server, f"CONSTRUCT WHERE {{ <{EX}case1> ?p ?o }}", accept)
    assert status == 200 and headers["content-type"].split(";")[0] == accept
    graph = rdflib.Graph().parse(data=body, format=rdflib_format)
    assert len(graph) == 3
    assert rdflib.Literal("Maastricht", lang="nl") in set(graph.objects())


def test_describe_and_get(server):
    query = urllib.parse.quote(f"DESCRIBE <{EX}case2>")
    status, _, body = request(server.base, "GET", f"/sparql?query={query}",
                                    headers={"Accept": "application/n-triples"})
    assert status == 200 and len(rdflib.Graph().parse(data=body, format="nt")) == 2


def test_nothing_acceptable_is_406(server):
    status, _, body = post_query(server, "ASK {}", "image/png")
    assert status == 406 and b"acceptable" in body
    status, _, _ = post_query(server, "CONSTRUCT WHERE { ?s ?p ?o }", "text/csv")
    assert status == 406


def test_protocol_errors(server):
    assert post_query(server, "SELECT ?x WHERE {")[0] == 400
    status, _, _ = request(server.base, "POST", "/sparql", b"ASK {}", {"Content-Type": "text/plain"})
    assert status == 415
    status, headers, _ = request(server.base, "DELETE", "/sparql")
    assert status == 405 and "GET" in headers["allow"]
    q = urllib.parse.quote("ASK {}")
    assert request(server.base, "GET", f"/sparql?query={q}&query={q}")[0] == 400
    assert request(server.base, "POST", "/sparql", b"",
                   {"Content-Type": "application/sparql-query"})[0] == 400  # no query
    bad = urllib.parse.quote("not an iri")
    assert request(server.base, "GET", f"/sparql?query={q}&default-graph-uri={bad}")[0] == 400


def test_protocol_dataset_parameters(server):
    # The fixture's triples are in the default graph; naming another default graph hides them.
    query = urllib.parse.quote(f"ASK {{ <{EX}case1> ?p ?o }}")
    other = urllib.parse.quote(EX + "nothing", safe="")
    _, _, body = request(server.base, "GET", f"/sparql?query={query}&default-graph-uri={other}")
    assert json.loads(body)["boolean"] is False


# --- read-only ---------------------------------------------------------------------------------

UPDATES = [
    ("POST", "/sparql", b"INSERT DATA { <urn:a> <urn:b> <urn:c> }",
     {"Content-Type": "application/sparql-update"}),
    ("POST", "/sparql", b"update=" + urllib.parse.quote_plus("CLEAR ALL").encode(),
     {"Content-Type": "application/x-www-form-urlencoded"}),
    ("GET", "/sparql?update=" + urllib.parse.quote("DROP ALL"), None, {}),
    ("POST", "/sparql", b"DELETE WHERE { ?s ?p ?o }", {"Content-Type": "application/sparql-query"}),
    ("POST", "/sparql", b"PREFIX select: <urn:x> INSERT DATA { <urn:a> <urn:b> 'SELECT' }",
     {"Content-Type": "application/sparql-query"}),
]


@pytest.mark.parametrize("method,path,body,headers", UPDATES)
def test_updates_are_refused(server, method, path, body, headers):
    status, _, text = request(server.base, method, path, body, headers)
    assert status == 403 and b"read-only" in text
    count = sparql(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").queryAndConvert()
    assert int(count["results"]["bindings"][0]["n"]["value"]) == 5 + GENERATED


@pytest.mark.parametrize("load", [
    ("update", "LOAD <http://127.0.0.1:9/data.ttl>"),
    ("update", "load silent <http://127.0.0.1:9/data.ttl> INTO GRAPH <urn:g>"),
    ("query", "LOAD <http://127.0.0.1:9/data.ttl>"),
])
def test_load_is_refused(server, load):
    param, text = load
    body = urllib.parse.urlencode({param: text}).encode()
    status, _, message = request(server.base, "POST", "/sparql", body,
                                 {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 403 and b"read-only" in message


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "select * where { ?a ?b ?c . service silent <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { BIND(<http://127.0.0.1:9/sparql> AS ?e) SERVICE ?e { ?s ?p ?o } }",
    "PREFIX s: <urn:s#>\nSELECT * WHERE { OPTIONAL { SERVICE<http://127.0.0.1:9/>{?s ?p ?o} } }",
])
def test_service_is_refused(server, query):
    status, _, message = post_query(server, query)
    assert status == 403 and b"SERVICE" in message


def test_service_word_in_literal_iri_or_comment_is_fine(server):
    query = (f"PREFIX service: <{EX}>\n# SERVICE <http://elsewhere/> in a comment\n"
             "SELECT ?service WHERE { BIND(\"SERVICE <x> {}\" AS ?service) "
             "FILTER(?service != <http://x/SERVICE>) }")
    status, _, body = post_query(server, query)
    assert status == 200, body
    assert json.loads(body)["results"]["bindings"][0]["service"]["value"] == "SERVICE <x> {}"


# --- time-out and result limit -----------------------------------------------------------------

SLOW = ("SELECT (COUNT(*) AS ?n) WHERE { ?a <%sfiller> ?b . ?c <%sfiller> ?d . "
        "?e <%sfiller> ?f . ?g <%sfiller> ?h . ?i <%sfiller> ?j . ?k <%sfiller> ?l }"
        % ((EX,) * 6))


def test_slow_query_is_cut_off_with_an_explicit_error(server):
    started = time.monotonic()
    status, headers, body = post_query(server, SLOW)
    elapsed = time.monotonic() - started
    assert status == 503
    assert headers["content-type"].startswith("text/plain")
    assert b"timed out" in body
    assert elapsed < TIMEOUT + 15
    # The killed worker is replaced: the endpoint keeps answering.
    for _ in range(4):
        assert post_query(server, "ASK {}")[0] == 200


def test_slow_query_via_sparqlwrapper_raises(server):
    with pytest.raises(Exception) as info:
        sparql(server, SLOW).queryAndConvert()
    assert "timed out" in str(info.value) or "503" in str(info.value)


def test_result_limit_gives_an_error_not_a_truncated_answer(server):
    status, _, body = post_query(server, "SELECT * WHERE { ?s ?p ?o }")
    assert status == 422 and f"more than {LIMIT}".encode() in body
    status, _, body = post_query(server, "CONSTRUCT WHERE { ?s ?p ?o }", "text/turtle")
    assert status == 422
    status, _, body = post_query(server, f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {LIMIT}")
    assert status == 200 and _rows_json(body) == LIMIT


# --- site and query page -----------------------------------------------------------------------


def test_site_is_served(server):
    status, headers, body = request(server.base, "GET", "/")
    assert status == 200 and b"pav-graph site" in body and headers["content-type"].startswith(
        "text/html")
    assert request(server.base, "GET", "/sub/page.html")[2] == b"<p>sub page</p>"
    assert request(server.base, "GET", "/sub/")[0] == 404  # no index.html there
    assert request(server.base, "GET", "/missing.html")[0] == 404


@pytest.mark.parametrize("path", [
    "/../secret.txt",
    "/sub/../../secret.txt",
    "/%2e%2e/secret.txt",
    "/%2E%2E/secret.txt",
    "/sub/%2e%2e%2f%2e%2e%2fsecret.txt",
    "/%252e%252e/secret.txt",
    "/..%5csecret.txt",
    "/link.txt",
    "/linkdir/secret.txt",
    "//etc/passwd",
    "/%00",
])
def test_path_traversal_fails(server, path):
    status, _, body = request(server.base, "GET", path)
    assert 400 <= status < 500
    assert SECRET.encode() not in body and b"root:" not in body


def test_query_page_lists_the_library_offline(server):
    status, headers, body = request(server.base, "GET", "/query")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in headers["content-security-policy"]
    page = body.decode()
    assert "Cases with distrust" in page and "Welke casussen tonen wantrouwen?" in page
    links = re.findall(r"<(?:script|link|img)[^>]+(?:src|href)=\"([^\"]+)\"", page)
    assert links and all(link.startswith("/query/static/") for link in links)  # no CDN
    for link in links:  # every asset is served by the endpoint itself
        status, headers, asset = request(server.base, "GET", link)
        assert status == 200 and len(asset) > 100, link
    assert "PREFIX" in page  # examples are runnable as they stand (standard prefixes included)
    assert request(server.base, "GET", "/query/static/../server.py")[0] == 404
    assert b"MIT" in request(server.base, "GET", "/query/static/LICENSE")[2]


def test_server_stops_with_its_workers(project):
    with ServerProcess(project / "build", "--workers", "2", cwd=project) as srv:
        children = _children(srv.process.pid)
        assert children  # the worker processes
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{p}").exists() for p in children):
        time.sleep(0.1)
    assert not [p for p in children if _alive(p)]


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


# --- command line errors -----------------------------------------------------------------------


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "pav_graph", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60, check=False)


def test_serve_without_store_is_a_one_line_error(tmp_path):
    result = _cli("serve", "--build-dir", str(tmp_path / "build"), "--port", str(free_port()),
                  cwd=tmp_path)
    assert result.returncode != 0
    assert "run `pav-graph build` first" in result.stderr and "Traceback" not in result.stderr


def test_serve_on_a_busy_port_is_a_one_line_error(server, project):
    port = urllib.parse.urlsplit(server.base).port
    result = _cli("serve", "--build-dir", str(project / "build"), "--port", str(port),
                  cwd=project)
    assert result.returncode != 0
    assert "--port" in result.stderr and "Traceback" not in result.stderr


# --- the request checks without a server -------------------------------------------------------


def test_check_query_forms():
    assert check_query("PREFIX ask: <urn:x#> SELECT * WHERE { ?s ask:y ?o }") == "SELECT"
    assert check_query("# INSERT in a comment\nASK { ?s ?p 'DELETE' }") == "ASK"
    assert check_query("construct where { ?s ?p ?o }") == "CONSTRUCT"
    for update in ("CLEAR ALL", "drop graph <urn:g>", "WITH <urn:g> DELETE { ?s ?p ?o } WHERE {}",
                   "PREFIX x: <urn:x> LOAD <urn:y>", "COPY DEFAULT TO <urn:g>"):
        with pytest.raises(Refused) as info:
            check_query(update)
        assert info.value.status == 403


def test_negotiate_prefers_quality_then_server_order():
    assert negotiate("SELECT", None).media_type == "application/sparql-results+json"
    assert negotiate("SELECT", "text/*").media_type == "text/csv"
    assert negotiate("CONSTRUCT", "*/*").media_type == "text/turtle"
    assert negotiate("CONSTRUCT", "text/turtle;q=0.1, application/ld+json").fmt == "jsonld"
    with pytest.raises(Refused):
        negotiate("SELECT", "text/turtle")
    with pytest.raises(Refused):
        negotiate("SELECT", "application/sparql-results+json;q=0")
