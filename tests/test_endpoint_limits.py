"""`pav-graph serve` under load it must survive, on loopback with bounded counts.

* memory: queries that grow a worker without bound (a CONCAT doubling chain, a cross product
  sorted on two variables, GROUP_CONCAT over one) are stopped at the worker's cap
  (``--max-memory``) with an explicit 503, within the time-out, and the server answers after;
* bytes: an answer over ``--max-answer`` is refused with 422 in every format, whether it is one
  huge row or many small ones (the row limit alone let a 268 MB single row through);
* connections: 1,000 idle connections cost no thread; queries sent meanwhile are answered 200,
  also when the server may open only 256 files; the idle ones are closed after the idle
  time-out; the accept loop does not spin; a client sending a byte at a time and a silent
  keep-alive connection are cut off; with every connection slot held, a new request gets an
  explicit 503 instead of a hang;
* Content-Length: two of them, a negative one, or anything but digits is a 400 (RFC 9112 6.3),
  and the connection is closed;
* the listen backlog is 1,024, not Python's 5.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
from w3c_protocol import ServerProcess, build_store, request

EX = "http://example.org/"
FILLER = 2500  # 2,500^2 = 6.25 million rows for the cross product
MEMORY = 256  # MiB per worker
TIMEOUT = 60.0  # long: what stops these queries must be the memory cap, not the clock
IDLE = 2.0


def concat_chain(doublings: int, seed: str = "x" * 16) -> str:
    binds = " ".join(f"BIND(CONCAT(?s{i}, ?s{i}) AS ?s{i + 1})" for i in range(doublings))
    return f'BIND("{seed}" AS ?s0) {binds}'


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("limits")
    data = root / "data.nt"
    data.write_text("".join(f'<{EX}n{i}> <{EX}p> "waarde {i}" .\n' for i in range(FILLER)),
                    encoding="utf-8")
    build_store(root / "build", [(data, None)])
    return root / "build"


def post(base: str, query: str, accept: str = "application/sparql-results+json",
         timeout: float = 120.0):
    return request(base, "POST", "/sparql", query.encode(),
                   {"Content-Type": "application/sparql-query", "Accept": accept},
                   timeout=timeout)


def _rss_mb(pid: int) -> float:
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------- memory


HUNGRY = [
    ("concat-doubling", f"SELECT (STRLEN(?s26) AS ?n) WHERE {{ {concat_chain(26)} }}"),
    ("cross-product-ordered", "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"),
    ("group-concat-of-cross-product",
     "SELECT (STRLEN(GROUP_CONCAT(CONCAT(?c, ?f))) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"),
]


@pytest.fixture(scope="module")
def capped(store_dir):
    with ServerProcess(store_dir, "--max-memory", str(MEMORY), "--timeout", str(TIMEOUT),
                       "--workers", "2") as srv:
        yield srv


@pytest.mark.parametrize("name,query", HUNGRY, ids=[h[0] for h in HUNGRY])
def test_a_memory_hungry_query_is_stopped_with_503(capped, name, query):
    started = time.monotonic()
    status, _headers, body = post(capped.base, query)
    assert status == 503, (status, body[:300])
    assert f"more than {MEMORY} MiB of memory" in body.decode(), body
    assert time.monotonic() - started < TIMEOUT  # the cap stopped it, not the clock
    for _ in range(3):  # the worker was replaced; the server answers at once
        assert post(capped.base, "ASK { ?s ?p ?o }")[0] == 200


def test_two_hungry_queries_at_once_and_a_normal_one(capped):
    results: list[int] = []
    threads = [threading.Thread(target=lambda q=q: results.append(post(capped.base, q)[0]))
               for _, q in HUNGRY[:2]]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT + 30)
    assert sorted(results) == [503, 503]
    status, _, body = post(capped.base, f"SELECT * WHERE {{ ?s <{EX}p> ?o }} LIMIT 5")
    assert status == 200 and json.loads(body)["results"]["bindings"][4]["s"]["type"] == "uri"
    workers = _workers(capped.process.pid)
    assert len(workers) == 2, workers
    assert all(_rss_mb(p) < MEMORY + 64 for p in workers)


def _workers(pid: int) -> list[int]:
    """The query workers of the server (spawned; not multiprocessing's resource tracker)."""
    from pav_graph.signals import descendants

    return [p for p in descendants(pid)
            if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()]


# --------------------------------------------------------------------------- answer size


@pytest.fixture(scope="module")
def small_answers(store_dir):
    with ServerProcess(store_dir, "--max-answer", "1", "--limit", "100000") as srv:
        yield srv


BIG = [
    ("one-huge-row", f"SELECT ?s17 WHERE {{ {concat_chain(17)} }}"),  # one 2 MiB literal
    ("many-rows", "SELECT ?s ?o WHERE { ?s ?p ?o }"),  # 2,500 short rows, then the cross below
    ("many-rows-cross", "SELECT ?a ?c WHERE { ?a ?b ?c . ?d ?e ?f } LIMIT 30000"),
]
FORMATS = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
           "text/tab-separated-values"]


@pytest.mark.parametrize("accept", FORMATS)
@pytest.mark.parametrize("name,query", BIG[::2], ids=[b[0] for b in BIG[::2]])
def test_an_answer_over_the_byte_cap_is_refused(small_answers, name, query, accept):
    status, _, body = post(small_answers.base, query, accept)
    assert status == 422, (status, len(body))
    assert b"answer too large" in body and b"--max-answer" in body


def test_byte_cap_covers_graphs_and_spares_smaller_answers(small_answers):
    # 2,500 triples of about 660 characters each: 1.6 MiB
    construct = (f"CONSTRUCT {{ ?s <{EX}big> ?big }} WHERE {{ ?s <{EX}p> ?o "
                 f"BIND(CONCAT({', '.join(['?o'] * 60)}) AS ?big) }}")
    for accept in ("text/turtle", "application/n-triples", "application/ld+json"):
        status, _, body = post(small_answers.base, construct, accept)
        assert status == 422 and b"answer too large" in body, (accept, status)
    status, _, body = post(small_answers.base, BIG[1][1])  # 2,500 rows: about 0.3 MiB
    assert status == 200 and 100_000 < len(body) < 1 << 20
    status, _, body = post(small_answers.base, f"SELECT ?s14 WHERE {{ {concat_chain(14)} }}")
    assert status == 200 and len(body) > 250_000  # one 256 KiB literal is fine


# --------------------------------------------------------------------------- connections


def _open_idle(port: int, n: int) -> list[socket.socket]:
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        socks.append(s)
    return socks


def _closed_by_server(socks: list[socket.socket], within: float) -> int:
    """How many of ``socks`` the server closed (EOF or reset) within ``within`` seconds."""
    deadline = time.monotonic() + within
    closed: set[int] = set()
    while time.monotonic() < deadline and len(closed) < len(socks):
        for i, s in enumerate(socks):
            if i in closed:
                continue
            s.setblocking(False)
            try:
                if s.recv(1) == b"":
                    closed.add(i)
            except BlockingIOError:
                pass
            except OSError:
                closed.add(i)
        time.sleep(0.1)
    return len(closed)


@pytest.mark.parametrize("nofile", [None, 256], ids=["default-limit", "256-files"])
def test_a_thousand_idle_connections(store_dir, nofile):
    srv = ServerProcess(store_dir, "--idle-timeout", str(IDLE), "--max-connections", "16")
    if nofile:
        if not shutil.which("prlimit"):
            pytest.skip("prlimit (util-linux) is needed to lower the file limit")
        srv.command = ["prlimit", f"--nofile={nofile}:{nofile}", *srv.command]
    with srv:
        pid = _server_pid(srv)
        socks = _open_idle(srv.port, 1000)
        try:
            time.sleep(0.5)
            threads = len(os.listdir(f"/proc/{pid}/task"))
            cpu_before = _cpu_seconds(pid)
            answers = []
            for _ in range(20):
                started = time.monotonic()
                status, _, _body = request(srv.base, "GET", "/sparql?query=ASK%7B%7D", timeout=30)
                answers.append((status, time.monotonic() - started))
            idle_window = 1.0
            time.sleep(idle_window)
            cpu = _cpu_seconds(pid) - cpu_before
            assert [s for s, _ in answers] == [200] * 20, answers
            assert threads < 100, f"{threads} threads for 1,000 idle connections"
            assert cpu < 1.0, f"the server used {cpu:.2f} s of CPU while idle connections waited"
            assert _closed_by_server(socks, IDLE + 10) == 1000
        finally:
            for s in socks:
                s.close()
        assert request(srv.base, "GET", "/sparql?query=ASK%7B%7D")[0] == 200


def _server_pid(srv) -> int:
    """The pav-graph process (prlimit execs it, so it has the same pid)."""
    return srv.process.pid


@pytest.fixture(scope="module")
def strict(store_dir):
    with ServerProcess(store_dir, "--idle-timeout", str(IDLE), "--max-connections", "4") as srv:
        yield srv


def test_a_slow_client_is_cut_off(strict):
    """One byte every 0.3 s would keep a request open for ever (each receive is quick, so a
    socket time-out never fires); the request must be whole within the idle time-out."""
    slow = socket.create_connection(("127.0.0.1", strict.port))
    started = time.monotonic()
    cut = None
    for byte in b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100:
        try:
            slow.sendall(bytes([byte]))
        except OSError:
            cut = time.monotonic() - started
            break
        time.sleep(0.3)
        if time.monotonic() - started > IDLE + 8:
            break
    if cut is None:
        assert _closed_by_server([slow], 3) == 1
        cut = time.monotonic() - started
    slow.close()
    assert cut < IDLE + 8, cut
    silent = socket.create_connection(("127.0.0.1", strict.port))
    assert _closed_by_server([silent], IDLE + 8) == 1  # connected, never sent a byte
    silent.close()


def test_with_every_slot_held_a_request_gets_an_explicit_answer(strict):
    """Four clients that started a request and stalled hold the four slots; a fifth request
    waits without a thread and gets 503 or, once a stalled one is cut off, 200: never
    silence."""
    held = []
    for _ in range(4):
        s = socket.create_connection(("127.0.0.1", strict.port))
        s.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n")
        held.append(s)
    time.sleep(0.3)
    started = time.monotonic()
    status, _, body = request(strict.base, "GET", "/sparql?query=ASK%7B%7D", timeout=30)
    waited = time.monotonic() - started
    assert status in (200, 503), status
    if status == 503:
        assert b"server busy" in body
    assert waited < 2 * IDLE + 5
    assert _closed_by_server(held, IDLE + 8) == 4
    for s in held:
        s.close()
    assert request(strict.base, "GET", "/sparql?query=ASK%7B%7D")[0] == 200


# --------------------------------------------------------------------------- Content-Length


def _raw(port: int, data: bytes) -> tuple[bytes, bool]:
    """Send raw bytes; the response's status line and whether the server closed after it."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        s.sendall(data)
        response = b""
        while b"\r\n\r\n" not in response:
            chunk = s.recv(4096)
            if not chunk:
                break
            response += chunk
        s.settimeout(3)
        try:
            closed = s.recv(65536) == b"" or s.recv(65536) == b""
        except (TimeoutError, OSError):
            closed = False
        return response.split(b"\r\n", 1)[0], closed
    finally:
        s.close()


BODY = b"ASK {}"
LENGTHS = [
    ("two-equal", [b"6", b"6"]),
    ("two-different", [b"6", b"0"]),
    ("negative", [b"-1"]),
    ("plus-sign", [b"+6"]),
    ("hex", [b"0x6"]),
    ("list", [b"6, 6"]),
    ("empty", [b""]),
    ("twenty-digits", [b"99999999999999999999"]),
]


@pytest.mark.parametrize("name,values", LENGTHS, ids=[x[0] for x in LENGTHS])
def test_a_bad_content_length_is_400_and_closes(strict, name, values):
    head = b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
    head += b"".join(b"Content-Length: " + v + b"\r\n" for v in values)
    status, closed = _raw(strict.port, head + b"\r\n" + BODY)
    assert status.startswith((b"HTTP/1.1 400", b"HTTP/1.0 400")), status
    assert closed


def test_one_good_content_length_is_served(strict):
    head = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 6\r\nConnection: close\r\n\r\n")
    status, _ = _raw(strict.port, head + BODY)
    assert status == b"HTTP/1.0 200 OK", status


# --------------------------------------------------------------------------- backlog


def test_the_listen_backlog_is_larger_than_five(strict):
    """`ss` shows a listening socket's backlog in Send-Q."""
    if not shutil.which("ss"):
        pytest.skip("ss (iproute2) is needed to read the backlog")
    out = subprocess.run(["ss", "-ltnH", f"sport = :{strict.port}"], capture_output=True,
                         text=True, check=False).stdout.split()
    assert out and int(out[2]) >= min(1024, _somaxconn()), out


def _somaxconn() -> int:
    try:
        return int(Path("/proc/sys/net/core/somaxconn").read_text())
    except OSError:
        return 1024
