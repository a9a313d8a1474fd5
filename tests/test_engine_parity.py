"""One query library, four engines, the same answers.

Every ``queries/*.rq``, with the parameters of its ``# example:`` line, must give *equal rows in
the same order* on

* pyoxigraph, the embedded store of the session build (what ``pav-graph query`` uses);
* a real Oxigraph server (``oxigraph serve`` on loopback), loaded with ``pav-graph push`` into its
  default graph and asked through ``pav-graph query NAME --endpoint http://…/query``;
* a real Virtuoso 7 (Debian's package, tests/virtuoso_server.py), loaded with ``pav-graph push``
  (HTTP Digest) into the graph ``https://w3id.org/pav-graph/graph`` and asked through
  ``pav-graph query NAME --endpoint 'http://…/sparql?default-graph-uri=…'``;
* rdflib (pure Python, another SPARQL implementation) on the build's ``graph.nt``.

"Equal" compares each cell as (kind, value, language, datatype), with ``xsd:string`` the same
as a plain literal (RDF 1.1) and blank-node labels left out (they are local to each store).
Order counts: the library defines it (complete ORDER BY, sorted GROUP_CONCAT lists), and
:func:`test_order_by_is_complete` checks on the corpus that no two different rows tie. A new
query must pass here; docs/triple-stores.md lists what each engine does differently and how the
library's queries avoid it.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import urllib.parse
import urllib.request
from itertools import pairwise
from pathlib import Path

import pytest
from click.testing import CliRunner
from oxigraph_server import oxigraph_server
from w3c_protocol import ROOT

from pav_graph import querylib
from pav_graph.sparql import _WHERE, _closing, _masked, select_local

PAV_GRAPH = Path(sys.executable).with_name("pav-graph")
QUERIES = sorted((ROOT / "queries").glob("*.rq"))
GRAPH = "https://w3id.org/pav-graph/graph"
ENGINES = ("oxigraph-server", "virtuoso", "rdflib")


# --- the engines ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def oxigraph(built, tmp_path_factory) -> str:
    """A writable Oxigraph server on 127.0.0.1:<free port>, loaded with ``pav-graph push`` into
    its default graph (push's default; the library's queries name no graph, so no
    ``--union-default-graph`` is needed); yields its base URL and is always stopped."""
    location = tmp_path_factory.mktemp("oxigraph")
    with open(location.parent / f"oxigraph-{location.name}.log", "wb") as log, \
            oxigraph_server(location / "data", log) as base:
        result = push(built, base)
        assert result.returncode == 0, result.stderr
        assert "to the default graph" in result.stdout
        yield base


def push(built, base: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(PAV_GRAPH), "--corpus", str(ROOT), "push", "--endpoint", f"{base}/store",
         "--build-dir", str(built.directory.parent.parent), "--timeout", "60"],
        check=False, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def virtuoso_endpoint(built, virtuoso) -> str:
    """The session's Virtuoso, loaded with ``pav-graph push`` over its Graph Store Protocol
    endpoint (HTTP Digest, as Virtuoso asks) into the graph ``https://w3id.org/pav-graph/graph``;
    the query endpoint URL with that graph as the default graph of every query. (The bulk
    loader of docs/triple-stores.md is run by tests/test_store_commands.py.)"""
    result = subprocess.run(
        [str(PAV_GRAPH), "--corpus", str(ROOT), "push", "--endpoint", virtuoso.graph_store,
         "--graph", GRAPH, "--user", "dba", "--password", "dba",
         "--build-dir", str(built.directory.parent.parent)],
        check=False, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "(Virtuoso, HTTP 20" in result.stdout
    return f"{virtuoso.sparql}?default-graph-uri={urllib.parse.quote(GRAPH, safe='')}"


@pytest.fixture(scope="module")
def rdflib_graph(built):
    import rdflib

    return rdflib.Graph().parse(str(built.directory / "graph.nt"), format="nt")


def example_params(query: querylib.NamedQuery) -> dict[str, str]:
    """The ``--param k=v`` values of the query's ``# example:`` line."""
    words = shlex.split(query.example)
    return dict(value.split("=", 1) for flag, value in pairwise(words) if flag == "--param")


def rows_of(sparql_json: dict) -> tuple[list[str], list[tuple]]:
    """Variables and rows (in their order); each cell (kind, value, language, datatype)."""
    rows = []
    for binding in sparql_json["results"]["bindings"]:
        cells = []
        for var in sparql_json["head"]["vars"]:
            term = binding.get(var)
            if term is None:
                cells.append(None)
                continue
            kind = {"uri": "iri", "bnode": "bnode"}.get(term["type"], "literal")  # + typed-literal
            datatype = term.get("datatype")
            if datatype == "http://www.w3.org/2001/XMLSchema#string":
                datatype = None
            cells.append((kind, "_:" if kind == "bnode" else term["value"], term.get("xml:lang"),
                          datatype))
        rows.append(tuple(cells))
    return sparql_json["head"]["vars"], rows


def rdflib_rows(graph, text: str) -> tuple[list[str], list[tuple]]:
    import rdflib

    result = graph.query(text)
    variables = [str(v) for v in result.vars]
    rows = []
    for row in result:
        cells = []
        for term in row:
            if term is None:
                cells.append(None)
            elif isinstance(term, rdflib.BNode):
                cells.append(("bnode", "_:", None, None))
            elif isinstance(term, rdflib.URIRef):
                cells.append(("iri", str(term), None, None))
            else:
                datatype = str(term.datatype) if term.datatype else None
                if datatype == "http://www.w3.org/2001/XMLSchema#string":
                    datatype = None
                cells.append(("literal", str(term), term.language, datatype))
        rows.append(tuple(cells))
    return variables, rows


def remote_rows(cli, query: querylib.NamedQuery, endpoint: str) -> tuple[list[str], list[tuple]]:
    """The answer of ``pav-graph query NAME --endpoint URL --format sparql-json``."""
    args = ["--corpus", str(ROOT), "query", query.name, "--endpoint", endpoint, "--format", "sparql-json"]
    for key, value in example_params(query).items():
        args += ["--param", f"{key}={value}"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return rows_of(json.loads(result.output))


# --- parity --------------------------------------------------------------------------------------


def test_the_query_library_is_there():
    assert QUERIES, f"no queries in {ROOT / 'queries'}"


@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
def test_four_engines_give_the_same_rows(path, store, oxigraph, virtuoso_endpoint, rdflib_graph, cli):
    query = querylib.parse(path)
    assert query.example, f"{path.name} has no '# example:' line"
    text = querylib.render(query.sparql, querylib.bind(query, example_params(query)))
    expected = rows_of(select_local(store, text).to_sparql_json())
    # an empty answer on every engine would prove nothing: the examples are meant to show rows
    assert expected[1], f"{path.name}: its example returns no rows"
    answers = {
        "oxigraph-server": remote_rows(cli, query, f"{oxigraph}/query"),
        "virtuoso": remote_rows(cli, query, virtuoso_endpoint),
        "rdflib": rdflib_rows(rdflib_graph, text),
    }
    differ = [engine for engine in ENGINES if answers[engine] != expected]
    for engine in differ:  # say how: other rows, or the same rows in another order
        same_set = sorted(answers[engine][1], key=repr) == sorted(expected[1], key=repr)
        print(f"{engine}: {'same rows, other order' if same_set else 'other rows'}; "
              f"{len(answers[engine][1])} rows against {len(expected[1])} on pyoxigraph")
    assert not differ, f"{path.name}: {', '.join(differ)} answer otherwise than pyoxigraph"


def test_pushing_again_replaces_the_graph(built, oxigraph, store):
    lines = (built.directory / "graph.nt").read_text(encoding="utf-8").splitlines()
    distinct = len({line for line in lines if line.strip() and not line.startswith("#")})
    local = int(str(next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))[0].value))
    assert count(f"{oxigraph}/query") == distinct == local
    result = push(built, oxigraph)
    assert result.returncode == 0, result.stderr
    assert count(f"{oxigraph}/query") == distinct


def test_virtuoso_holds_every_triple(virtuoso_endpoint, store):
    local = int(str(next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))[0].value))
    assert count(virtuoso_endpoint) == local


def count(endpoint: str) -> int:
    sep = "&" if "?" in endpoint else "?"
    query = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    request = urllib.request.Request(f"{endpoint}{sep}query={query}",
                                     headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return int(json.load(response)["results"]["bindings"][0]["n"]["value"])


# --- a defined order -----------------------------------------------------------------------------


def with_tie_break(text: str, variables: list[str], descending: bool) -> str:
    """The query with every projected variable appended to its outer ORDER BY."""
    masked = _masked(text)
    close = _closing(masked, _WHERE.search(masked).end() - 1)
    order = re.compile(r"ORDER\s+BY", re.IGNORECASE).search(masked, close)
    assert order, "the query has no ORDER BY"
    limit = re.compile(r"\b(LIMIT|OFFSET)\b", re.IGNORECASE).search(masked, order.end())
    at = limit.start() if limit else len(text.rstrip())
    keys = " ".join(f"DESC(?{v})" if descending else f"?{v}" for v in variables)
    return f"{text[:at].rstrip()} {keys}\n{text[at:]}"


@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
def test_order_by_is_complete(path, store):
    """No two different rows tie on the query's ORDER BY (on the corpus): breaking ties by every
    column, ascending or descending, leaves the order as it is. Otherwise engines may order the
    tied rows differently, and so answer the same query with different tables."""
    query = querylib.parse(path)
    text = querylib.render(query.sparql, querylib.bind(query, example_params(query)))
    result = select_local(store, text)
    for descending in (False, True):
        broken = select_local(store, with_tie_break(text, result.variables, descending))
        assert broken.records() == result.records(), (
            f"{path.name}: rows tie on its ORDER BY; add keys until the order is complete")


# --- what a user sees when an engine says no ----------------------------------------------------

# The library's own interventions-applied-vs-recommended before it was made portable: ORDER BY
# on an expression of two aggregates of the same query, which Virtuoso 7 refuses (SP031).
REJECTED = """SELECT ?intervention (SUM(IF(STRENDS(STR(?status), "/applied"), 1, 0)) AS ?applied)
       (SUM(IF(STRENDS(STR(?status), "/recommended"), 1, 0)) AS ?recommended) WHERE {
  ?item pg:concept/skos:notation ?intervention ; pg:status ?status .
}
GROUP BY ?intervention
ORDER BY DESC(?applied + ?recommended) ?intervention
"""


def test_a_query_an_engine_rejects_is_one_line_naming_it(virtuoso_endpoint, tmp_path):
    path = tmp_path / "rejected.rq"
    path.write_text(REJECTED, encoding="utf-8")
    result = subprocess.run([str(PAV_GRAPH), "--corpus", str(ROOT), "query", str(path), "--endpoint",
                             virtuoso_endpoint], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith(f"Error: Virtuoso at {virtuoso_endpoint} rejected the query (HTTP 400")
    assert "SP031" in lines[0] and "docs/triple-stores.md" in lines[0]


def test_an_unreachable_endpoint_is_one_line(tmp_path):
    from w3c_protocol import free_port

    endpoint = f"http://127.0.0.1:{free_port()}/sparql"  # nothing listens there
    result = subprocess.run([str(PAV_GRAPH), "--corpus", str(ROOT), "query", "cases-by-level",
                             "--endpoint", endpoint], capture_output=True, text=True, timeout=60,
                            check=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip() == (f"Error: cannot reach the store at {endpoint}: [Errno 111] "
                                      "Connection refused; is it running, and is the URL right?")
