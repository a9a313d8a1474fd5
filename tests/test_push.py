"""`pav-graph push` against a real Oxigraph server on loopback, and its error messages.

Refusals (401/403), failures (500) and broken uploads are simulated by a tiny standard-library
HTTP server in a thread, since Oxigraph has no authentication.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from oxigraph_server import oxigraph_server
from w3c_protocol import ROOT, free_port

from pav_graph import push as push_module
from pav_graph.push import PushError, auth_header, push, target_url

EX = "http://example.org/"
GRAPH_NT = "".join(f'<{EX}s{i}> <{EX}p> "value {i}"@nl .\n' for i in range(25))


@pytest.fixture()
def build(tmp_path) -> Path:
    build_dir = tmp_path / "build"
    build_dir.mkdir()
    (build_dir / "graph.nt").write_text(GRAPH_NT, encoding="utf-8")
    return build_dir


@pytest.fixture()
def oxigraph(tmp_path):
    with oxigraph_server(tmp_path / "oxigraph") as base:
        yield base


def count(base: str, graph: str | None = None) -> int:
    pattern = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    query = urllib.parse.quote(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")
    req = urllib.request.Request(f"{base}/query?query={query}",
                                 headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return int(json.load(resp)["results"]["bindings"][0]["n"]["value"])


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "pav_graph", "push", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


# --- against Oxigraph server -------------------------------------------------------------------


def test_push_default_graph_is_idempotent(oxigraph, build):
    for _ in range(2):
        result = cli("--endpoint", oxigraph + "/store", "--build-dir", str(build), cwd=build.parent)
        assert result.returncode == 0, result.stderr
        assert "pushed 25 triples" in result.stdout
        assert count(oxigraph) == 25


def test_push_named_graph_replaces_it(oxigraph, build):
    graph = "https://w3id.org/pav-graph/graph?version=1&x=#y"
    for _ in range(2):
        result = cli("--endpoint", oxigraph + "/store", "--graph", graph, "--build-dir",
                     str(build), cwd=build.parent)
        assert result.returncode == 0, result.stderr
        assert count(oxigraph, graph) == 25
    (build / "graph.nt").write_text(GRAPH_NT.splitlines(keepends=True)[0], encoding="utf-8")
    assert cli("--endpoint", oxigraph + "/store", "--graph", graph, "--build-dir", str(build),
               cwd=build.parent).returncode == 0
    assert count(oxigraph, graph) == 1  # replaced, not merged


def test_push_to_a_wrong_path_says_where_the_endpoint_is(oxigraph, build):
    result = cli("--endpoint", oxigraph + "/nothing", "--build-dir", str(build), cwd=build.parent)
    assert result.returncode == 1
    assert "Oxigraph: /store" in result.stderr and "Traceback" not in result.stderr


# --- errors ------------------------------------------------------------------------------------


def test_unreachable_store_is_one_line(build):
    port = free_port()  # nothing listens there
    result = cli("--endpoint", f"http://127.0.0.1:{port}/store", "--build-dir", str(build),
                 cwd=build.parent)
    assert result.returncode == 1
    assert "connection refused" in result.stderr and "Traceback" not in result.stderr


def test_unknown_host_is_one_line(build, monkeypatch):
    def no_dns(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    with pytest.raises(PushError, match="cannot find host no-such-store.invalid"):
        push(build / "graph.nt", "http://no-such-store.invalid/store")


class _Fake(BaseHTTPRequestHandler):
    """Answers PUT with the status in the path: /401, /403, /500, /drop (close mid-upload)."""

    def do_PUT(self):
        code = self.path.strip("/").split("?")[0]
        if code == "drop":
            self.rfile.read(1000)
            self.connection.shutdown(socket.SHUT_RDWR)
            self.connection.close()
            return
        self.server.auth = self.headers.get("Authorization")  # before answering: no race
        length = int(self.headers.get("Content-Length", 0))
        self.rfile.read(length)
        self.send_response(int(code))
        body = f"fake store says {code}".encode()
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture()
def fake_store():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Fake)
    server.auth = None
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.mark.parametrize("code", ["401", "403"])
def test_refused_upload_is_one_line(fake_store, build, code):
    _, base = fake_store
    result = cli("--endpoint", f"{base}/{code}", "--user", "u", "--password", "p",
                 "--build-dir", str(build), cwd=build.parent)
    assert result.returncode == 1
    assert f"refused the upload to {base}/{code}?default: HTTP {code}" in result.stderr
    assert "--token" in result.stderr and "Traceback" not in result.stderr


def test_credentials_are_sent(fake_store, build):
    server, base = fake_store
    push(build / "graph.nt", f"{base}/204", token="t0k3n")
    assert server.auth == "Bearer t0k3n"
    push(build / "graph.nt", f"{base}/201", user="alice", password="s3cret")
    assert server.auth == auth_header("alice", "s3cret", None)


def test_failed_upload_is_one_line(fake_store, build):
    _, base = fake_store
    result = cli("--endpoint", f"{base}/500", "--build-dir", str(build), cwd=build.parent)
    assert result.returncode == 1
    assert "HTTP 500 (fake store says 500)" in result.stderr and "Traceback" not in result.stderr


def test_broken_upload_is_reported(fake_store, build, monkeypatch):
    _, base = fake_store
    big = build / "graph.nt"
    big.write_text(GRAPH_NT * 20000, encoding="utf-8")  # ~30 MB, far more than socket buffers hold
    monkeypatch.setattr(push_module, "CHUNK", 4096)
    with pytest.raises(PushError) as info:
        push(big, f"{base}/drop", timeout=20)
    assert "broke off after" in str(info.value) and "push again" in str(info.value)
    big.write_text(GRAPH_NT, encoding="utf-8")  # all sent, then the store hangs up
    with pytest.raises(PushError, match="did not answer after the upload"):
        push(big, f"{base}/drop", timeout=20)


def test_usage_errors(build):
    result = cli("--endpoint", "ftp://x/store", "--build-dir", str(build), cwd=build.parent)
    assert result.returncode == 2 and "not an http(s) URL" in result.stderr
    result = cli("--endpoint", "http://127.0.0.1:1/store", "--user", "u", "--token", "t",
                 "--build-dir", str(build), cwd=build.parent)
    assert result.returncode == 2 and "not both" in result.stderr
    result = cli("--endpoint", "http://127.0.0.1:1/store", "--build-dir",
                 str(build.parent / "nobuild"), cwd=build.parent)
    assert result.returncode == 1 and "run `pav-graph build` first" in result.stderr


def test_target_url():
    assert target_url("http://h/store", None) == "http://h/store?default"
    assert target_url("http://h/ds/data?x=1", "urn:g") == "http://h/ds/data?x=1&graph=urn%3Ag"
    assert target_url("http://h/store", "http://e.org/g?a=b#c") == (
        "http://h/store?graph=http%3A%2F%2Fe.org%2Fg%3Fa%3Db%23c")
    with pytest.raises(PushError):
        target_url("http://h/store", "relative/graph")
