"""The query library gives the same answers on a real Oxigraph server as on the embedded store.

A real ``oxigraph serve`` runs on loopback with its own data directory; ``pav-graph push`` loads
the session build into its **default graph** (push's default; no ``--graph``), so the library's
queries, which do not name a graph, see the same triples there as in the embedded store and no
``--union-default-graph`` is needed. Then every ``queries/*.rq`` runs with the parameters of its
``# example:`` header line, once through ``pav-graph query --endpoint`` and once on the embedded
store, and the answers must be equal as sorted rows (blank-node labels aside, which are local to
each store). Pushing again must replace the graph, not add to it.
"""

from __future__ import annotations

import json
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
from pav_graph.sparql import select_local

PAV_GRAPH = Path(sys.executable).with_name("pav-graph")
QUERIES = sorted((ROOT / "queries").glob("*.rq"))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A writable Oxigraph server on 127.0.0.1:<free port>; always stopped afterwards."""
    location = tmp_path_factory.mktemp("oxigraph")
    with open(location.parent / f"oxigraph-{location.name}.log", "wb") as log, \
            oxigraph_server(location / "data", log) as base:
        yield base


def push(built, base: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(PAV_GRAPH), "--corpus", str(ROOT), "push", "--endpoint", f"{base}/store",
         "--build-dir", str(built.directory), "--timeout", "60"],
        check=False, capture_output=True, text=True, timeout=120)


def remote_count(base: str) -> int:
    query = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    request = urllib.request.Request(f"{base}/query?query={query}",
                                     headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return int(json.load(response)["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(scope="module")
def pushed(built, server) -> str:
    result = push(built, server)
    assert result.returncode == 0, result.stderr
    assert "to the default graph" in result.stdout
    return server


def example_params(query: querylib.NamedQuery) -> dict[str, str]:
    """The ``--param k=v`` values of the query's ``# example:`` line."""
    words = shlex.split(query.example)
    params = {}
    for flag, value in pairwise(words):
        if flag == "--param":
            key, _, val = value.partition("=")
            params[key] = val
    return params


def normalised(sparql_json: dict) -> tuple[list[str], list[tuple]]:
    """Variables and sorted rows; each cell (type, value, language, datatype), blank nodes
    reduced to their type because their labels differ from store to store."""
    rows = []
    for binding in sparql_json["results"]["bindings"]:
        cells = []
        for var in sparql_json["head"]["vars"]:
            term = binding.get(var)
            if term is None:
                cells.append(None)
            else:
                value = "_:" if term["type"] == "bnode" else term["value"]
                cells.append((term["type"], value, term.get("xml:lang"), term.get("datatype")))
        rows.append(tuple(cells))
    return sparql_json["head"]["vars"], sorted(rows, key=repr)


def test_the_query_library_is_there():
    assert QUERIES, f"no queries in {ROOT / 'queries'}"


@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
def test_query_gives_the_same_answer_remotely(path, pushed, store, cli):
    query = querylib.parse(path)
    params = example_params(query)
    assert query.example, f"{path.name} has no '# example:' line"
    local = select_local(store, querylib.render(query.sparql, querylib.bind(query, params)))
    args = ["--corpus", str(ROOT), "query", query.name, "--endpoint", f"{pushed}/query",
            "--format", "sparql-json"]
    for key, value in params.items():
        args += ["--param", f"{key}={value}"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    remote = json.loads(result.output)
    assert normalised(remote) == normalised(local.to_sparql_json())
    # an empty answer on both sides would prove nothing: the examples are meant to show rows
    assert local.rows, f"{path.name}: its example returns no rows"


def test_pushing_again_replaces_the_graph(built, pushed, store):
    lines = (built.directory / "graph.nt").read_text(encoding="utf-8").splitlines()
    distinct = len({line for line in lines if line.strip() and not line.startswith("#")})
    local = int(str(next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))[0].value))
    assert remote_count(pushed) == distinct == local
    result = push(built, pushed)
    assert result.returncode == 0, result.stderr
    assert remote_count(pushed) == distinct
