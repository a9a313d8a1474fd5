"""Run the W3C SPARQL 1.1 Protocol test suite against a running ``pav-graph serve``.

The manifests in ``tests/data/w3c-sparql11-protocol/`` describe HTTP requests and the
expected responses. pav-graph's endpoint is read-only, so the suite is judged like this:

* query tests (and the ``bad_query_*`` tests) must give exactly the expected response;
* update tests (SPARQL Update, and the write requests of the Graph Store Protocol manifest)
  must be refused with a 4xx status — the endpoint accepts no writes;
* requests that only make sense after a successful update, or that read through the Graph
  Store Protocol (which the endpoint does not offer), are listed as not applicable with a reason.

The dataset tests name remote files (``http://kasei.us/.../data1.rdf``) and give local copies
(``data1.nt``); the runner loads each copy into a store in the named graph the test names.

Usage::

    python tests/w3c_protocol.py [--report docs/sparql-protocol.md] [--endpoint URL]

Without ``--endpoint`` it builds that store in a temporary directory and starts
``pav-graph serve`` on a free loopback port itself. This module also holds the small helpers the
endpoint tests share (free port, store fixture, server subprocess).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

HERE = Path(__file__).resolve().parent
SUITE = HERE / "data" / "w3c-sparql11-protocol"
ROOT = HERE.parent

# ---------------------------------------------------------------------------------------------
# helpers shared with the endpoint tests


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build_store(build_dir: Path, files: Iterable[tuple[Path, str | None]]) -> Path:
    """Create ``build_dir/store`` holding each N-Triples file in the named graph given
    (None: the default graph); also writes ``build_dir/graph.nt`` with the default-graph files."""
    import pyoxigraph as ox

    build_dir.mkdir(parents=True, exist_ok=True)
    store = ox.Store(str(build_dir / "store"))
    default_parts = []
    for path, graph in files:
        target = ox.NamedNode(graph) if graph else ox.DefaultGraph()
        store.load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=target)
        if graph is None:
            default_parts.append(path.read_text(encoding="utf-8"))
    store.flush()
    del store  # release the lock: the server's workers open it read-only
    (build_dir / "graph.nt").write_text("".join(default_parts), encoding="utf-8")
    return build_dir


class ServerProcess:
    """``pav-graph serve`` as a real subprocess on a free loopback port (context manager)."""

    def __init__(self, build_dir: Path, *args: str, cwd: Path | None = None,
                 start_timeout: float = 60.0) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.command = [sys.executable, "-m", "pav_graph", "serve", "--build-dir", str(build_dir),
                        "--host", "127.0.0.1", "--port", str(self.port), *args]
        self.cwd = cwd
        self.start_timeout = start_timeout
        self.process: subprocess.Popen | None = None
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in __exit__

    def __enter__(self) -> Self:
        env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        self.process = subprocess.Popen(self.command, cwd=self.cwd, env=env,
                                        stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"pav-graph serve exited early:\n{self.output()}")
            try:
                url = self.base + "/sparql?query=" + urllib.parse.quote("ASK {}")
                with urllib.request.urlopen(url, timeout=5) as resp:
                    if resp.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"pav-graph serve did not answer within {self.start_timeout} s")

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)

    def __exit__(self, *exc) -> None:
        self.stop()
        self.log.close()


def request(base: str, method: str, path: str, body: bytes | None = None,
            headers: dict[str, str] | None = None, timeout: float = 30.0):
    """One raw HTTP request; returns (status, headers dict lower-cased, body bytes)."""
    parts = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
    finally:
        conn.close()


# ---------------------------------------------------------------------------------------------
# reading the manifests

MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
HT = "http://www.w3.org/2011/http#"
CNT = "http://www.w3.org/2011/content#"
UT = "http://www.w3.org/2009/sparql/tests/test-update#"
HTS = "http://www.w3.org/2011/http-statusCodes#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"

RESULT_TYPES = {"boolean": ("application/sparql-results+json", "application/sparql-results+xml"),
                "tabular": ("application/sparql-results+json", "application/sparql-results+xml",
                            "text/csv", "text/tab-separated-values"),
                "RDF": ("text/turtle", "application/n-triples", "application/rdf+xml",
                        "application/ld+json")}
_RDFLIB_FORMATS = {"text/turtle": "turtle", "application/n-triples": "nt",
                   "application/rdf+xml": "xml", "application/ld+json": "json-ld"}


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[str]  # e.g. {"2xx", "3xx"}
    boolean: bool | None = None
    format: str | None = None

    @property
    def is_update(self) -> bool:
        ctype = self.headers.get("content-type", "")
        text = (self.body or b"").decode("utf-8", "replace") if self.body else ""
        return ("sparql-update" in ctype or "update=" in self.path
                or (text.startswith("update=")) or "&update=" in text)


@dataclass
class Case:
    manifest: str
    name: str
    title: str
    requests: list[Request]
    graph_data: list[tuple[str, str]] = field(default_factory=list)  # (local file, graph IRI)
    reason: str | None = None  # set when the whole test is not applicable
    manifest_status: str | None = None  # Graph Store tests: the status the manifest expects


def _items(graph, node):
    from rdflib.collection import Collection

    return list(Collection(graph, node)) if node is not None else []


def load_protocol_cases(path: Path = SUITE / "manifest.ttl") -> list[Case]:
    import rdflib

    g = rdflib.Graph()
    g.parse(path, format="turtle", publicID="http://www.w3.org/2009/sparql/docs/tests/"
            "data-sparql11/protocol/manifest.ttl")
    U = rdflib.URIRef
    manifest = next(g.subjects(rdflib.RDF.type, U(MF + "Manifest")))
    cases = []
    for entry in _items(g, g.value(manifest, U(MF + "entries"))):
        action = g.value(entry, U(MF + "action"))
        requests = []
        for req in _items(g, g.value(action, U(HT + "requests"))):
            headers = {}
            for h in _items(g, g.value(req, U(HT + "headers"))):
                headers[str(g.value(h, U(HT + "fieldName"))).lower()] = str(
                    g.value(h, U(HT + "fieldValue")))
            body = None
            if (b := g.value(req, U(HT + "body"))) is not None:
                encoding = str(g.value(b, U(CNT + "characterEncoding")) or "UTF-8")
                body = str(g.value(b, U(CNT + "chars"))).encode(encoding)
            resp = g.value(req, U(HT + "resp"))
            statuses = {str(s).removeprefix(HTS + "StatusCode")
                        for s in g.objects(resp, U(MF + "expectedStatus"))}
            boolean = g.value(resp, U(MF + "expectedBoolean"))
            fmt = g.value(resp, U(MF + "expectedFormat"))
            requests.append(Request(
                method=str(g.value(req, U(HT + "methodName"))),
                path=str(g.value(req, U(HT + "absolutePath"))),
                headers=headers, body=body, statuses=statuses,
                boolean=None if boolean is None else bool(boolean.toPython()),
                format=None if fmt is None else str(fmt)))
        graph_data = []
        for gd in g.objects(entry, U(UT + "graphData")):
            local = Path(urllib.parse.urlsplit(str(g.value(gd, U(UT + "graph")))).path).name
            graph_data.append((local, str(g.value(gd, U(RDFS + "label")))))
        cases.append(Case("protocol", str(entry).split("#")[-1],
                          str(g.value(entry, U(MF + "name"))), requests, sorted(graph_data)))
    return cases


_REQUEST_BLOCK = re.compile(r"#### Request\s*\n(.*?)(?:\n#### Response|\Z)", re.DOTALL)
_RESPONSE_STATUS = re.compile(r"#### Response\s*\n\s*(\d{3})")


def load_gsp_cases(path: Path = SUITE / "http-rdf-update-manifest.ttl") -> list[Case]:
    """The (deprecated) Graph Store Protocol tests; their requests live in rdfs:comment text."""
    import rdflib

    g = rdflib.Graph()
    g.parse(path, format="turtle")
    U = rdflib.URIRef
    manifest = next(g.subjects(rdflib.RDF.type, U(MF + "Manifest")))
    cases = []
    for entry in _items(g, g.value(manifest, U(MF + "entries"))):
        text = next((str(c) for c in g.objects(entry, rdflib.RDFS.comment)
                     if "#### Request" in str(c)), "")
        block = _REQUEST_BLOCK.search(text)
        lines = [ln[4:] if ln.startswith("    ") else ln.strip()
                 for ln in (block.group(1) if block else "").splitlines()]
        while lines and not lines[0].strip():
            lines.pop(0)
        method, target, _ = (lines[0].split() + ["", "", ""])[:3] if lines else ("", "", "")
        headers, i = {}, 1
        while i < len(lines) and lines[i].strip():
            key, _, value = lines[i].partition(":")
            headers[key.strip().lower()] = value.strip()
            i += 1
        body = "\n".join(lines[i + 1:]).strip().encode() or None
        headers.pop("host", None)
        path_ = target.replace("$GRAPHSTORE$", "/sparql").replace("$HOST$", "127.0.0.1")
        # The manifest expects the write to succeed; a read-only endpoint must refuse it (4xx).
        req = Request(method, path_, headers, body, statuses={"4xx"})
        name = str(entry).split("#")[-1]
        title = str(g.value(entry, U(MF + "name")))
        case = Case("graph-store", name, title, [req])
        status = _RESPONSE_STATUS.search(text)
        case.manifest_status = status.group(1) if status else "?"
        if method in ("GET", "HEAD"):
            case.reason = ("reads a graph through the Graph Store HTTP Protocol, which the "
                           "endpoint does not offer (query it with SPARQL instead)")
        cases.append(case)
    return cases


def graph_files(cases: Iterable[Case]) -> list[tuple[Path, str]]:
    """Every (local copy, graph IRI) the dataset tests need, once."""
    pairs = {(SUITE / local, iri) for case in cases for local, iri in case.graph_data}
    return sorted(pairs)


# ---------------------------------------------------------------------------------------------
# running


@dataclass
class Outcome:
    case: Case
    kind: str  # query | update | graph-store
    expected: str
    got: str
    verdict: str  # pass | refused | n/a | FAIL
    note: str = ""


def _status_ok(status: int, statuses: set[str]) -> bool:
    return f"{status // 100}xx" in statuses


def _check_body(req: Request, headers: dict[str, str], body: bytes) -> str | None:
    """None if the body is what the request expects, else what is wrong."""
    if req.format is None:
        return None
    ctype = headers.get("content-type", "").split(";")[0].strip()
    if ctype not in RESULT_TYPES[req.format]:
        return f"content type {ctype!r} is not {req.format}"
    if req.format == "boolean":
        if ctype.endswith("json"):
            value = json.loads(body)["boolean"]
        else:
            match = re.search(rb"<boolean>\s*(true|false)\s*</boolean>", body)
            value = match is not None and match.group(1) == b"true"
        if req.boolean is not None and value != req.boolean:
            return f"boolean {value}, expected {req.boolean}"
    elif req.format == "tabular" and ctype.endswith("json"):
        json.loads(body)["results"]["bindings"]
    elif req.format == "RDF":
        import rdflib

        rdflib.Graph().parse(data=body, format=_RDFLIB_FORMATS[ctype])
    return None


def _send(base: str, req: Request):
    path = req.path.replace("/sparql/", "/sparql", 1) if req.path.startswith("/sparql/?") or \
        req.path == "/sparql/" else req.path
    return request(base, req.method, path, req.body, req.headers)


def run_case(base: str, case: Case) -> Outcome:
    first = case.requests[0]
    expected = case.manifest_status or (
        " or ".join(sorted(first.statuses)) + (f", {first.format}" if first.format else ""))
    if case.reason:
        return Outcome(case, case.manifest, expected, "not sent", "n/a", case.reason)
    is_update = (case.manifest == "graph-store" or case.name.startswith(("update_", "bad_update_"))
                 or any(r.is_update for r in case.requests))
    if is_update:
        status, _, body = _send(base, first)
        got = f"{status}: {body.decode('utf-8', 'replace').strip()[:80]}"
        if 400 <= status < 500:
            note = ("the follow-up query checks the update's effect: not applicable"
                    if len(case.requests) > 1 else "")
            return Outcome(case, "update", expected, got, "refused", note)
        return Outcome(case, "update", expected, got, "FAIL", "a write was not refused")
    for req in case.requests:
        status, headers, body = _send(base, req)
        got = f"{status} {headers.get('content-type', '')}".strip()
        if not _status_ok(status, req.statuses):
            return Outcome(case, "query", expected, got, "FAIL",
                           body.decode("utf-8", "replace").strip()[:120])
        try:
            problem = _check_body(req, headers, body) if status < 300 else None
        except (ValueError, KeyError) as exc:
            problem = f"unreadable body: {exc}"
        if problem:
            return Outcome(case, "query", expected, got, "FAIL", problem)
    return Outcome(case, "query", expected, got, "pass")


def run_suite(base: str) -> list[Outcome]:
    return [run_case(base, case) for case in load_protocol_cases() + load_gsp_cases()]


def summary(outcomes: list[Outcome]) -> dict[str, int]:
    counts = {"pass": 0, "refused": 0, "n/a": 0, "FAIL": 0}
    for outcome in outcomes:
        counts[outcome.verdict] += 1
    return counts


def report(outcomes: list[Outcome]) -> str:
    counts = summary(outcomes)
    queries = [o for o in outcomes if o.kind == "query"]
    updates = [o for o in outcomes if o.kind == "update"]
    lines = [
        "# SPARQL 1.1 Protocol conformance of `pav-graph serve`",
        "",
        ("Generated by `python tests/w3c_protocol.py --report docs/sparql-protocol.md` "
        "(also run by `tests/test_w3c_protocol.py`). The suite is the W3C SPARQL 1.1 Protocol "
        "test suite (`tests/data/w3c-sparql11-protocol/`, W3C test suite licence): "
        "`manifest.ttl` (protocol tests) and `http-rdf-update-manifest.ttl` (the deprecated "
        "Graph Store Protocol tests)."),
        "",
        ("`pav-graph serve` is a **read-only** query endpoint. Query tests must give the "
        "expected response; every update (SPARQL Update, or a Graph Store Protocol write) must be "
        "refused with a 4xx status; requests that only read back an update's effect, or that read "
        "through the Graph Store Protocol, are not applicable. The dataset tests' remote files "
        "(`http://kasei.us/2009/09/sparql/data/dataN.rdf`) are served from the local copies "
        "`dataN.nt`, each loaded in the named graph the test names."),
        "",
        (f"**Result: {counts['pass']} of {len(queries)} query tests pass; "
        f"{counts['refused']} of {len(updates)} update tests are refused with 4xx; "
        f"{counts['n/a']} not applicable; {counts['FAIL']} failures.**"),
        "",
        "| test | manifest | kind | expected (manifest) | got | verdict | note |",
        "|---|---|---|---|---|---|---|",
    ]
    for o in outcomes:
        cells = [f"`{o.case.name}`", o.case.manifest, o.kind, o.expected, o.got, o.verdict, o.note]
        lines.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells)
                     + " |")
    return "\n".join(lines) + "\n"


def run_with_server(timeout: float = 10.0) -> list[Outcome]:
    """Build the suite's store in a temporary directory, serve it, run every test."""
    with tempfile.TemporaryDirectory(prefix="w3c-protocol-") as tmp:
        build = build_store(Path(tmp) / "build", graph_files(load_protocol_cases()))
        with ServerProcess(build, "--timeout", str(timeout), cwd=Path(tmp)) as server:
            return run_suite(server.base)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--report", type=Path, help="write the results table (Markdown) here")
    parser.add_argument("--endpoint", help="base URL of a running server (default: start one)")
    args = parser.parse_args(argv)
    outcomes = run_suite(args.endpoint.rstrip("/")) if args.endpoint else run_with_server()
    for o in outcomes:
        print(f"{o.verdict:8} {o.case.manifest:12} {o.case.name:40} {o.got[:60]}")
    print(summary(outcomes))
    if args.report:
        tmp = args.report.with_suffix(args.report.suffix + ".tmp")
        tmp.write_text(report(outcomes), encoding="utf-8")
        tmp.replace(args.report)
    return 1 if summary(outcomes)["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main())
