"""The SPARQL endpoint under load: 32 clients, latency percentiles, errors, memory, connections.

``pav-graph serve`` runs as it would for users (its defaults: 2 workers, 10 s time-out, 1 GiB
per worker, 128 connection slots) on a build. A mix of requests -- every query of the library
with its example parameters, ``ASK {}``, and a small SELECT -- is answered once in order to
know the right answers; then ``clients`` threads send ``requests`` requests in all, as fast as
they are answered, each on a new connection (the server speaks HTTP/1.0). Every answer is
compared with the right one: a different body counts as an error, like a non-200 status or a
failed connection.

The run is repeated while 1,000 idle connections are held open (the attack that once stopped
the server: each held a thread, and the file descriptors ran out). Reported per run: requests
per second, p50/p95/p99/max latency, errors by kind, requests that took a second or more (a
SYN retry after a full listen backlog takes one), the server's memory (the resident memory of
the server and its workers, summed) before and after, and the most connections and threads it
held at once.

``python -m benchmarks.load --build-dir build`` runs it alone and prints JSON;
``--docs docs`` also rewrites the load section of docs/benchmarks.md. ``python -m benchmarks``
runs it on its largest corpus.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECTION = "## Endpoint under load"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tree(pid: int) -> list[int]:
    from pav_graph.signals import descendants

    return [pid, *descendants(pid)]


def rss_mb(pid: int) -> float:
    """Resident memory of the server and its workers, MiB."""
    total = 0
    for p in _tree(pid):
        try:
            total += int(Path(f"/proc/{p}/statm").read_text().split()[1])
        except (OSError, IndexError):
            pass
    return total * os.sysconf("SC_PAGE_SIZE") / 2**20


def held(pid: int) -> tuple[int, int]:
    """(open TCP connections, threads) of the server process itself."""
    sockets = 0
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:"):
                    sockets += 1
            except OSError:
                pass
        threads = len(os.listdir(f"/proc/{pid}/task"))
    except OSError:
        return 0, 0
    return max(0, sockets - 1), threads  # less the listening socket


def requests_mix(queries_dir: Path) -> list[tuple[str, str]]:
    """(name, query text) of every library query with its example parameters, and two small
    ones; the same text a client would send."""
    from pav_graph import querylib
    from pav_graph.cookbook import example_params

    mix = [("ask", "ASK {}"), ("cases", ("PREFIX pg: <https://w3id.org/pav-graph/ontology#> "
                                        "SELECT ?c WHERE { ?c a pg:Case } ORDER BY ?c LIMIT 20"))]
    for name, q in sorted(querylib.library(queries_dir).items()):
        try:
            mix.append((name, querylib.render(q.sparql, querylib.bind(q, example_params(q)))))
        except querylib.ParamError:
            continue
    return mix


def fetch(port: int, query: str, timeout: float = 60.0) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", "/sparql?query=" + urllib.parse.quote(query),
                     headers={"Accept": "application/sparql-results+json"})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def _normal(body: bytes) -> object:
    """An answer compared up to row order (some library queries leave it open)."""
    try:
        doc = json.loads(body)
    except ValueError:
        return body
    if "results" in doc:
        return sorted(json.dumps(b, sort_keys=True) for b in doc["results"]["bindings"])
    return doc


def run_clients(port: int, mix: list, expected: dict, clients: int, requests: int,
                pid: int) -> dict:
    latencies: list[float] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()
    per_client = requests // clients
    stop = threading.Event()
    peaks = {"connections": 0, "threads": 0, "rss_mb": 0.0}

    def client(k: int) -> None:
        for i in range(per_client):
            name, query = mix[(k * 7 + i) % len(mix)]
            started = time.perf_counter()
            try:
                status, body = fetch(port, query)
                kind = None if status == 200 else f"HTTP {status}"
                if kind is None and _normal(body) != expected[name]:
                    kind = "wrong answer"
            except OSError as exc:
                kind = type(exc).__name__
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if kind:
                    errors[kind] = errors.get(kind, 0) + 1

    def watch() -> None:
        while not stop.is_set():
            connections, threads = held(pid)
            peaks["connections"] = max(peaks["connections"], connections)
            peaks["threads"] = max(peaks["threads"], threads)
            peaks["rss_mb"] = max(peaks["rss_mb"], rss_mb(pid))
            time.sleep(0.1)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    stop.set()
    watcher.join()
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000

    return {"clients": clients, "requests": len(latencies), "seconds": round(seconds, 1),
            "per_second": round(len(latencies) / seconds), "p50_ms": round(pct(50), 1),
            "p95_ms": round(pct(95), 1), "p99_ms": round(pct(99), 1),
            "max_ms": round(latencies[-1] * 1000, 1), "errors": errors,
            "over_1s": sum(1 for x in latencies if x >= 1.0),
            "peak_connections": peaks["connections"], "peak_threads": peaks["threads"],
            "peak_rss_mb": round(peaks["rss_mb"], 1),
            "mean_ms": round(statistics.mean(latencies) * 1000, 1)}


LIGHT = ("ask", "cases")  # the server's own cost: answers of a few milliseconds
# queries that grow a worker without bound (as in tests/test_endpoint_limits.py), sent once
# each during the run with idle connections: they must end in 503 at the memory cap
_CHAIN = 'BIND("xxxxxxxxxxxxxxxx" AS ?s0) ' + " ".join(
    f"BIND(CONCAT(?s{i}, ?s{i}) AS ?s{i + 1})" for i in range(28))
HUNGRY = {
    "concat-doubling": f"SELECT (STRLEN(?s28) AS ?n) WHERE {{ {_CHAIN} }}",
    "cross-product-ordered": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1",
}


def measure(build_dir: Path, queries_dir: Path, *, clients: int = 32, requests: int = 16000,
            library_requests: int = 3200, idle: int = 1000) -> dict:
    port = free_port()
    log = open(build_dir.parent / "serve-load.log", "wb")  # noqa: SIM115 - closed below
    server = subprocess.Popen([sys.executable, "-m", "pav_graph", "serve", "--build-dir",
                               str(build_dir), "--port", str(port)],
                              stdout=log, stderr=subprocess.STDOUT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if fetch(port, "ASK {}")[0] == 200:
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((build_dir.parent / "serve-load.log").read_text()) from None
                time.sleep(0.3)
        mix = requests_mix(queries_dir)
        expected = {}
        for name, query in mix:
            status, body = fetch(port, query)
            if status == 200:
                expected[name] = _normal(body)
        mix = [(n, q) for n, q in mix if n in expected]
        light = [(n, q) for n, q in mix if n in LIGHT]
        out = {"queries": len(mix), "rss_before_mb": round(rss_mb(server.pid), 1)}
        out["light"] = run_clients(port, light, expected, clients, requests, server.pid)
        out["library"] = run_clients(port, mix, expected, clients, library_requests, server.pid)
        out["rss_after_mb"] = round(rss_mb(server.pid), 1)
        socks = []
        for _ in range(idle):
            socks.append(socket.create_connection(("127.0.0.1", port), timeout=10))
        hungry: dict[str, dict] = {}

        def send_hungry() -> None:
            time.sleep(1)
            for name, query in HUNGRY.items():
                started = time.perf_counter()
                try:
                    status, body = fetch(port, query, timeout=120)
                except OSError as exc:
                    status, body = 0, str(exc).encode()
                hungry[name] = {"status": status, "seconds": round(time.perf_counter() - started, 1),
                                "answer": body.decode("utf-8", "replace").split(";")[0][:90]}

        try:
            time.sleep(0.5)
            side = threading.Thread(target=send_hungry)
            side.start()
            out["idle"] = {"held_open": idle,
                           **run_clients(port, light, expected, clients, requests, server.pid)}
            side.join()
            out["hungry"] = hungry
        finally:
            for s in socks:
                s.close()
        time.sleep(1)
        out["rss_end_mb"] = round(rss_mb(server.pid), 1)
        out["threads_end"] = held(server.pid)[1]
        return out
    finally:
        server.terminate()
        server.wait(30)
        log.close()


def section(load: dict) -> list[str]:
    """The markdown of the load section (used by report.markdown and by --docs)."""
    L = [SECTION, ""]
    if not isinstance(load, dict):
        return [*L, f"Not measured: {load}", ""]
    L += [(f"`pav-graph serve` with its defaults (2 query workers) on "
          f"{load.get('corpus', 'a build')}; {load['light']['clients']} client threads send "
          "requests as fast as they are answered, a new connection each. *light*: `ASK {}` "
          "and a 20-row SELECT, which shows the server's own cost; *library*: "
          f"{load['queries']} queries (the query library with its example parameters and the "
          "two light ones), which shows the query engine's. Every answer is compared with "
          "the one given before the load (`benchmarks/load.py`):"), "",
          ("| run | req/s | p50 ms | p95 ms | p99 ms | max ms | errors | ≥ 1 s | "
          "connections held (peak) | threads (peak) | memory peak MiB |"),
          "|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|"]
    for key, label in (("light", "light"), ("library", "library"),
                       ("idle", (f"light, with {load.get('idle', {}).get('held_open', 0):,} idle "
                                "connections held open"))):
        r = load.get(key)
        if not r:
            continue
        errs = ", ".join(f"{k}: {v}" for k, v in r["errors"].items()) or "none"
        L.append(f"| {label}, {r['requests']:,} requests | {r['per_second']} | {r['p50_ms']} | {r['p95_ms']} | "
                 f"{r['p99_ms']} | {r['max_ms']} | {errs} | {r['over_1s']} | "
                 f"{r['peak_connections']:,} | {r['peak_threads']} | {r['peak_rss_mb']} |")
    L += ["", (f"Server memory (server and workers, resident): {load['rss_before_mb']} MiB before "
          f"the light and library runs, {load['rss_after_mb']} MiB after them, "
          f"{load['rss_end_mb']} MiB after the run with idle connections; "
          f"{load.get('threads_end', '?')} threads at the end. Idle connections wait "
          "in epoll without a thread (`pav_graph/endpoint/connections.py`), so holding 1,000 "
          "of them shows in the connections column, not in threads or latency."), ""]
    if load.get("hungry"):
        L += [("Sent once each during the run with idle connections, queries that grow a worker "
              "without bound were stopped at the worker's memory cap (1 GiB):"), ""]
        L += [f"- {name}: HTTP {h['status']} after {h['seconds']} s — \"{h['answer']}\""
              for name, h in load["hungry"].items()]
        L += [""]
    if load.get("date"):
        L += [(f"Measured {load['date']}{', ' + load['machine'] if load.get('machine') else ''}"
               " (a load average above the number of cores means other processes shared the "
               "machine: the times are upper bounds)."), ""]
    return L


def update_docs(load: dict, docs: Path) -> None:
    """Replace (or add, before the corpus shape) the load section of docs/benchmarks.md."""
    path = docs / "benchmarks.md"
    text = path.read_text(encoding="utf-8")
    block = "\n".join(section(load))
    if SECTION in text:
        start = text.index(SECTION)
        end = text.find("\n## ", start + len(SECTION))
        text = text[:start] + block + (text[end + 1:] if end != -1 else "")
    else:
        anchor = "## Shape of the synthetic corpora"
        at = text.index(anchor) if anchor in text else len(text)
        text = text[:at] + block + "\n" + text[at:]
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build")
    parser.add_argument("--queries", type=Path, default=ROOT / "queries")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--requests", type=int, default=16000)
    parser.add_argument("--library-requests", type=int, default=3200)
    parser.add_argument("--idle", type=int, default=1000)
    parser.add_argument("--corpus-label", default="the real corpus")
    parser.add_argument("--docs", default="")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    from benchmarks.report import machine

    result = measure(args.build_dir, args.queries, clients=args.clients, requests=args.requests,
                     library_requests=args.library_requests, idle=args.idle)
    m = machine()
    result.update(corpus=args.corpus_label, date=time.strftime("%Y-%m-%d %H:%M"),
                  machine=f"{m['nproc']} cores, load average before {m['load_before']}")
    print(json.dumps(result, indent=2))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    if args.docs:
        update_docs(result, Path(args.docs))
    return result


if __name__ == "__main__":
    main()
