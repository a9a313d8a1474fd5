"""Every command of docs/triple-stores.md for Oxigraph and Virtuoso runs, as written.

The ``sh`` blocks of the sections "Oxigraph server" and "Virtuoso (OpenLink)" are read from
the document and run one line (with its ``\\`` continuations) at a time with bash, in a
directory whose ``build`` is the session build. Only what must differ on a test machine is
replaced: the ports (7878, 8890 and isql's 1111 become free loopback ports of the servers the
tests started), ``/srv/...`` becomes a temporary directory (for Virtuoso's bulk loader, the
session build directory, which its ``DirsAllowed`` lists), and ``$DBA_PASSWORD`` /
``$PASSWORD`` are set. ``pip install`` lines are skipped (the test environment has the
package). ``oxigraph serve…`` runs in the background until the end of its block. Every
command must exit with 0; after each block the store must hold the build's triples.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from w3c_protocol import ROOT, free_port

DOC = ROOT / "docs" / "triple-stores.md"
BIN = Path(sys.executable).parent
GRAPH = "https://w3id.org/pav-graph/graph"


def blocks(section: str) -> list[list[str]]:
    """The commands of each ``sh`` block of a ``## section`` (continuations joined, comments
    and installation lines left out)."""
    text = DOC.read_text(encoding="utf-8")
    start = text.index(f"\n## {section}\n")
    end = text.find("\n## ", start + 1)
    out = []
    for block in re.findall(r"```sh\n(.*?)```", text[start:end if end > 0 else None], re.DOTALL):
        commands = []
        for line in block.replace("\\\n", " ").splitlines():
            line = re.sub(r"\s+#[^'\"]*$", "", line).strip()
            if line and not line.startswith("#") and not line.startswith("pip install"):
                commands.append(" ".join(line.split()))
        out.append(commands)
    return out


def distinct_triples(built) -> int:
    lines = (built.directory / "graph.nt").read_bytes().splitlines()
    assert len(set(lines)) == len(lines), "graph.nt holds a triple twice"
    return len(lines)


class Shell:
    """Runs documented commands in ``cwd`` (``build`` -> the session build), with the package's
    commands first on PATH; ``oxigraph serve`` in the background."""

    def __init__(self, cwd: Path, replace: dict[str, str], env: dict[str, str]):
        self.cwd, self.replace, self.servers = cwd, replace, []
        self.env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}",
                        PAV_GRAPH_CORPUS=str(ROOT), **env)

    def run(self, command: str) -> str:
        for old, new in self.replace.items():
            command = command.replace(old, new)
        if command.startswith("oxigraph serve"):
            self.servers.append(subprocess.Popen(["bash", "-c", f"exec {command}"], cwd=self.cwd,
                                                 env=self.env, stdout=subprocess.DEVNULL,
                                                 stderr=subprocess.STDOUT))
            port = re.search(r"--bind 127\.0\.0\.1:(\d+)", command).group(1)
            wait_for(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", self.servers[-1])
            return ""
        run = subprocess.run(["bash", "-c", command], cwd=self.cwd, env=self.env,
                             capture_output=True, text=True, timeout=300, check=False)
        assert run.returncode == 0, f"{command}\n{run.stdout}\n{run.stderr}"
        return run.stdout

    def stop(self) -> None:
        for server in self.servers:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(5)
        self.servers = []


def wait_for(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the server did not start (exit {process.poll()}): {url}")
            time.sleep(0.2)


def count(endpoint: str, pattern: str = "?s ?p ?o", **params: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}"
    url = f"{endpoint}?{urllib.parse.urlencode({'query': query, **params})}"
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return int(json.load(response)["results"]["bindings"][0]["n"]["value"])


@pytest.fixture()
def workdir(tmp_path, session_build_dir, built) -> Path:
    (tmp_path / "build").symlink_to(session_build_dir, target_is_directory=True)
    return tmp_path


def test_the_documented_oxigraph_commands_run(workdir, built, tmp_path):
    from oxigraph_server import OXIGRAPH

    if not OXIGRAPH.exists():
        pytest.skip(f"the oxigraph server binary is not installed at {OXIGRAPH}")
    served, writable, offline = blocks("Oxigraph server")
    n = distinct_triples(built)
    data = tmp_path / "srv"
    data.mkdir()
    for block, check in ((served, "read-only"), (writable, "pushed")):
        port = free_port()
        shell = Shell(workdir, {"127.0.0.1:7878": f"127.0.0.1:{port}",
                                "/srv/pav-graph-oxigraph": str(data / "oxigraph"),
                                "/srv/pav-graph.nt": str(data / "pav-graph.nt")},
                      {"PAV_GRAPH_BUILD": str(workdir / "build")})
        try:
            outputs = [shell.run(command) for command in block]
            endpoint = f"http://127.0.0.1:{port}/query"
            assert "gemeente" in outputs[-1]  # pav-graph query cases-by-level --endpoint …
            if check == "read-only":  # pav-graph build: up to date, and where graph.nt is
                assert f"{n} distinct triples" in outputs[0]
                assert f"N-Triples for bulk loaders: {workdir}/build/current/graph.nt" in outputs[0]
            assert count(endpoint) == n
            if check == "pushed":
                assert count(endpoint, f"GRAPH <{GRAPH}> {{ ?s ?p ?o }}") == n
        finally:
            shell.stop()
    # the bulk loader instead of the server: a store of its own (loading into the pushed one
    # would add the blank-node triples (OWL restrictions, lists) a second time, as new nodes)
    shell = Shell(workdir, {"/srv/pav-graph-oxigraph": str(data / "offline"),
                            "/srv/pav-graph.nt": str(data / "pav-graph.nt")},
                  {"PAV_GRAPH_BUILD": str(workdir / "build")})
    for command in offline:
        shell.run(command)
    import pyoxigraph as ox

    store = ox.Store.read_only(str(data / "offline"))
    assert sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph())) == n
    assert sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(GRAPH))) == n


def test_the_documented_virtuoso_commands_run(workdir, built, virtuoso, session_build_dir):
    pushed, bulk = blocks("Virtuoso (OpenLink)")
    n = distinct_triples(built)
    port = virtuoso.base.rsplit(":", 1)[1]
    shell = Shell(workdir, {"127.0.0.1:8890": f"127.0.0.1:{port}",
                            "isql-vt 1111": f"isql-vt {virtuoso.sql_port}",
                            "/srv/pav-graph/build": str(session_build_dir)},
                  {"PAV_GRAPH_BUILD": str(workdir / "build"), "DBA_PASSWORD": "dba",
                   "PASSWORD": "pav-secret"})
    outputs = [shell.run(command) for command in pushed]
    assert f"pushed {n} triples" in outputs[1] and "(Virtuoso, HTTP 20" in outputs[1]
    assert "gemeente" in outputs[2]
    assert count(virtuoso.sparql, **{"default-graph-uri": GRAPH}) == n
    outputs = [shell.run(command) for command in bulk]
    assert outputs[-1].splitlines()[1:] == [str(n)]  # the documented curl: CSV, one count
    assert count(virtuoso.sparql, **{"default-graph-uri": GRAPH}) == n


def test_the_build_has_a_stable_path_and_counts_distinct_triples(built, session_build_dir, store):
    """build/current is the build in use; its graph.nt holds each triple once, and the count
    `pav-graph build` reports (the manifest) is what a store holds."""
    current = session_build_dir / "current"
    assert current.is_symlink() and current.resolve() == built.directory.resolve()
    n = distinct_triples(built)
    assert (current / "graph.nt").read_bytes().count(b"\n") == n
    assert built.manifest["triples"] == n == len(store)
