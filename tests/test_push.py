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
from pav_graph.push import (
    PushError,
    auth_header,
    challenges,
    digest_authorization,
    push,
    target_url,
)

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
    """Answers PUT with the status in the path: /401, /403 (refused before the body is sent, as
    Virtuoso does with ``Expect: 100-continue``), /500half (reads half the body, then fails),
    /drop (closes mid-upload), any other code after reading the body."""

    protocol_version = "HTTP/1.1"  # so that Expect: 100-continue is answered
    server_version = "FakeStore/1.0"

    def handle_expect_100(self):
        code = self.path.strip("/").split("?")[0]
        self.server.auth = self.headers.get("Authorization")  # before answering: no race
        if code in ("401", "403"):
            self._answer(int(code), close=True)
            return False
        return super().handle_expect_100()

    def do_HEAD(self):
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_PUT(self):
        code = self.path.strip("/").split("?")[0]
        length = int(self.headers.get("Content-Length", 0))
        if code == "drop":
            self.rfile.read(1000)
            self.connection.shutdown(socket.SHUT_RDWR)
            self.connection.close()
            return
        if code == "500half":
            self.rfile.read(length // 2)
            self._answer(500, close=True)
            return
        self.rfile.read(length)
        self._answer(int(code))

    def _answer(self, code: int, close: bool = False) -> None:
        body = f"fake store says {code}".encode()
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
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
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("Pushing"), result.stderr  # progress, error
    host = base.removeprefix("http://")
    if code == "401":
        assert lines[1] == (f"Error: FakeStore at {host} refused the login (HTTP 401: fake store "
                            "says 401): it does not accept user 'u' with that password; check "
                            "--user and --password (or --token); nothing was sent")
    else:
        assert lines[1] == (f"Error: FakeStore at {host} refused the upload (HTTP 403: fake store "
                            "says 403): the account may not write to this graph; nothing was written")


def test_credentials_are_sent(fake_store, build):
    server, base = fake_store
    push(build / "graph.nt", f"{base}/204", token="t0k3n")
    assert server.auth == "Bearer t0k3n"
    push(build / "graph.nt", f"{base}/201", user="alice", password="s3cret")
    assert server.auth == auth_header("alice", "s3cret", None)  # no challenge: Basic


def test_failed_upload_is_one_line(fake_store, build):
    _, base = fake_store
    result = cli("--endpoint", f"{base}/500", "--build-dir", str(build), cwd=build.parent)
    assert result.returncode == 1
    assert "HTTP 500: fake store says 500" in result.stderr and "Traceback" not in result.stderr


def test_a_store_failing_halfway_is_reported_as_such(fake_store, build):
    _, base = fake_store
    (build / "graph.nt").write_text(GRAPH_NT * 4000, encoding="utf-8")  # ~150 KB
    with pytest.raises(PushError) as info:
        push(build / "graph.nt", f"{base}/500half", graph="urn:g")
    message = str(info.value)
    assert message.startswith(f"FakeStore at {base.removeprefix('http://')} failed ")
    assert "of graph <urn:g> (HTTP 500: fake store says 500)" in message
    assert "the graph on the server may be unchanged, empty or partial" in message
    assert "push again" in message and "\n" not in message


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


# --- HTTP Digest -------------------------------------------------------------------------------


@pytest.mark.parametrize(("algorithm", "response"), [
    ("MD5", "8ca523f5e9506fed4657c9700eebdbec"),
    ("SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"),
])
def test_digest_answers_the_rfc_7616_example(algorithm, response):
    """RFC 7616 section 3.9.1: Mufasa / "Circle of Life", GET /dir/index.html."""
    challenge = challenges([(f'Digest realm="http-auth@example.org", qop="auth, auth-int", '
                            f'algorithm={algorithm}, '
                            'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", '
                            'opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"')])["digest"]
    header = digest_authorization(challenge, "Mufasa", "Circle of Life", "GET", "/dir/index.html",
                                  cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ")
    assert f'response="{response}"' in header
    assert header.startswith('Digest username="Mufasa", realm="http-auth@example.org"')
    assert 'opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"' in header
    assert "qop=auth, nc=00000001" in header


def test_challenges_are_parsed():
    found = challenges(['Basic realm="a, b"', 'Digest realm="x\\"y", nonce=abc, stale=TRUE'])
    assert found == {"basic": {"realm": "a, b"}, "digest": {"realm": 'x"y', "nonce": "abc", "stale": "TRUE"}}
    assert challenges(['Bearer realm="api", Basic realm="site"']) == {
        "bearer": {"realm": "api"}, "basic": {"realm": "site"}}


# --- against Virtuoso (Digest) -----------------------------------------------------------------

TEST_GRAPH = "urn:pav-graph:test:push"


def virtuoso_count(virtuoso, graph: str) -> int:
    query = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                                    "default-graph-uri": graph})
    req = urllib.request.Request(f"{virtuoso.sparql}?{query}",
                                 headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return int(json.load(resp)["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(scope="module")
def virtuoso_users(virtuoso):
    """A user with the SPARQL_UPDATE role and one with SPARQL_SELECT only."""
    virtuoso.isql("DB.DBA.USER_CREATE('pushtest', 'right')", "GRANT SPARQL_UPDATE TO pushtest",
                  "DB.DBA.USER_CREATE('readtest', 'right')", "GRANT SPARQL_SELECT TO readtest")
    return virtuoso


def virtuoso_push(virtuoso, build, *args: str) -> subprocess.CompletedProcess:
    return cli("--endpoint", virtuoso.graph_store, "--graph", TEST_GRAPH, "--build-dir", str(build),
               *args, cwd=build.parent)


def test_push_to_virtuoso_with_digest(virtuoso_users, build):
    for _ in range(2):  # a PUT replaces the graph
        result = virtuoso_push(virtuoso_users, build, "--user", "pushtest", "--password", "right")
        assert result.returncode == 0, result.stderr
        assert "pushed 25 triples" in result.stdout and "(Virtuoso, HTTP 20" in result.stdout
        assert virtuoso_count(virtuoso_users, TEST_GRAPH) == 25


def one_error_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    return errors[0]


def test_a_wrong_password_is_a_one_line_401(virtuoso_users, build):
    before = virtuoso_count(virtuoso_users, TEST_GRAPH)
    line = one_error_line(virtuoso_push(virtuoso_users, build, "--user", "pushtest", "--password", "wrong"))
    host = virtuoso_users.base.removeprefix("http://")
    assert line == (f"Error: Virtuoso at {host} refused the login (HTTP 401): it does not accept "
                    "user 'pushtest' with that password; check --user and --password (or "
                    "--token); nothing was sent")
    assert virtuoso_count(virtuoso_users, TEST_GRAPH) == before
    line = one_error_line(virtuoso_push(virtuoso_users, build))
    assert line == (f"Error: Virtuoso at {host} asks for a login (HTTP 401): pass --user and "
                    "--password (or --token)")


def test_an_account_without_write_rights_is_a_one_line_403(virtuoso_users, build):
    line = one_error_line(virtuoso_push(virtuoso_users, build, "--user", "readtest", "--password", "right"))
    assert "Virtuoso at" in line and "refused the upload (HTTP 403: " in line and "Permission denied" in line
    assert 'GRANT SPARQL_UPDATE TO "USER";' in line and line.endswith("nothing was written")


def test_virtuoso_failing_halfway_says_the_graph_is_partial(virtuoso_users, build):
    """A file that breaks off into invalid N-Triples at line 12,001: Virtuoso answers 500 after
    loading (and keeping) part of it; push says so."""
    good = "".join(f'<{EX}s{i}> <{EX}p> "value {i}" .\n' for i in range(24000))
    (build / "graph.nt").write_text(good[: len(good) // 2] + '<urn:x> <urn:p> "broken .\n'
                                    + good[len(good) // 2:], encoding="utf-8")
    line = one_error_line(virtuoso_push(virtuoso_users, build, "--user", "pushtest", "--password", "right"))
    assert f"failed on the upload of graph <{TEST_GRAPH}> (HTTP 500: " in line and "TURTLE RDF loader" in line
    assert "the graph on the server now holds part of the upload (Virtuoso does not roll back" in line
    held = virtuoso_count(virtuoso_users, TEST_GRAPH)
    assert 0 < held < 24000  # as the message says: part of it
    (build / "graph.nt").write_text(GRAPH_NT, encoding="utf-8")
    assert virtuoso_push(virtuoso_users, build, "--user", "pushtest", "--password", "right").returncode == 0
    assert virtuoso_count(virtuoso_users, TEST_GRAPH) == 25  # pushing again repairs it


def test_oxigraph_rolls_back_a_failed_upload_and_push_says_so(oxigraph, build):
    assert cli("--endpoint", oxigraph + "/store", "--build-dir", str(build), cwd=build.parent).returncode == 0
    (build / "graph.nt").write_text(GRAPH_NT + '<urn:x> <urn:p> "broken .\n' + GRAPH_NT, encoding="utf-8")
    result = cli("--endpoint", oxigraph + "/store", "--build-dir", str(build), cwd=build.parent)
    line = one_error_line(result)
    assert line.startswith(f"Error: Oxigraph at {oxigraph.removeprefix('http://')} failed on the "
                           "upload of the default graph (HTTP 400: ")
    assert "Oxigraph kept the graph as it was (a failed PUT is rolled back)" in line
    assert count(oxigraph) == 25
