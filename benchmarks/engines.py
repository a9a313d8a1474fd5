"""The query library on three engines, side by side: rdflib, pyoxigraph, Oxigraph server.

All three answer the same text (standard prefixes + the query + its parameters as a VALUES
clause) over the same ``graph.nt`` of one build. rdflib runs in a child process with a time
limit per query (a pure-Python engine can take minutes on a large graph); the Oxigraph server
is started with ``oxigraph serve-read-only`` on a copy of the build's store on a free loopback
port and queried over the SPARQL 1.1 Protocol.
"""

from __future__ import annotations

import json
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

RDFLIB_LIMIT = 20.0  # seconds per query on rdflib before it is stopped
OXIGRAPH_LIMIT = 30.0  # seconds per query on pyoxigraph before it is stopped


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oxigraph_binary() -> str | None:
    candidate = Path(sys.executable).parent / "oxigraph"
    return str(candidate) if candidate.exists() else shutil.which("oxigraph")


def run_pyoxigraph(store_dir: Path, queries: dict[str, str], limit: float = OXIGRAPH_LIMIT,
                   repeat: int = 3) -> dict[str, dict]:
    """{query: {"seconds": median or None (over ``limit``), "rows": n}}.

    The queries run in a child process that reports each one as it finishes; a query that
    takes longer than ``limit`` is stopped by ending the child, and a new child (opening the
    read-only store again is cheap) goes on with the next query. Fast queries are repeated.
    """
    import select

    out: dict[str, dict] = {}
    todo = list(queries)
    while todo:
        spec = json.dumps({"store": str(store_dir), "repeat": repeat,
                           "queries": {n: queries[n] for n in todo}})
        proc = subprocess.Popen([sys.executable, "-m", "benchmarks.engines", "--oxigraph-child"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        proc.stdin.write(spec)
        proc.stdin.close()
        current = todo[0]
        deadline = time.monotonic() + limit * repeat + 5
        while todo:
            ready, _, _ = select.select([proc.stdout], [], [], max(0.0, deadline - time.monotonic()))
            line = proc.stdout.readline() if ready else ""
            if not line:  # over the limit (or the child died): stop it, note it, go on
                proc.kill()
                proc.wait()
                out[current] = {"seconds": None, "rows": None}
                todo.pop(0)
                break
            record = json.loads(line)
            out[record["name"]] = {"seconds": record["seconds"], "rows": record["rows"]}
            todo.remove(record["name"])
            current = todo[0] if todo else None
            deadline = time.monotonic() + limit * repeat + 5
        else:
            proc.wait()
    return out


def _oxigraph_child() -> None:
    import pyoxigraph as ox

    spec = json.loads(sys.stdin.read())
    store = ox.Store.read_only(spec["store"])
    for name, text in spec["queries"].items():
        times, rows = [], 0
        for i in range(spec["repeat"]):
            start = time.perf_counter()
            rows = sum(1 for _ in store.query(text))
            times.append(time.perf_counter() - start)
            if i == 0 and times[0] > 2.0:
                break  # slow: one run says enough
        print(json.dumps({"name": name, "seconds": statistics.median(times), "rows": rows}),
              flush=True)


def run_server(store_dir: Path, queries: dict[str, str], workdir: Path, repeat: int = 3) -> dict:
    """Oxigraph server over HTTP; returns {query: seconds} (empty when no binary)."""
    binary = oxigraph_binary()
    if binary is None:
        return {}
    location = workdir / "server-store"
    shutil.rmtree(location, ignore_errors=True)
    shutil.copytree(store_dir, location)
    port = free_port()
    proc = subprocess.Popen([binary, "serve-read-only", "--location", str(location),
                             "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/query"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                _post(url, "ASK { }")
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("the Oxigraph server did not start") from None
                time.sleep(0.1)
        out = {}
        for name, text in queries.items():
            times = []
            try:
                for _ in range(repeat):
                    start = time.perf_counter()
                    _post(url, text)
                    times.append(time.perf_counter() - start)
                    if times[0] > 2.0:
                        break  # slow: one run says enough
                out[name] = statistics.median(times)
            except OSError:  # over the time-out (or the server gave up): noted, not fatal
                out[name] = None
        return out
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _post(url: str, query: str) -> bytes:
    body = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(url, data=body, headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=OXIGRAPH_LIMIT * 2) as response:
        return response.read()


def run_rdflib(graph_nt: Path, queries: dict[str, str], limit: float = RDFLIB_LIMIT) -> dict:
    """rdflib in a child process: {"parse": s, "queries": {name: s or None (over the limit)}}."""
    spec = json.dumps({"graph": str(graph_nt), "queries": queries, "limit": limit})
    proc = subprocess.run([sys.executable, "-m", "benchmarks.engines", "--rdflib-child"],
                          input=spec, capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)


def _rdflib_child() -> None:
    import signal

    import rdflib

    spec = json.loads(sys.stdin.read())

    class Timeout(Exception):
        pass

    def alarm(signum, frame):
        raise Timeout

    signal.signal(signal.SIGALRM, alarm)
    start = time.perf_counter()
    graph = rdflib.Graph()
    graph.parse(spec["graph"], format="nt")
    out: dict = {"parse": time.perf_counter() - start, "queries": {}}
    for name, text in spec["queries"].items():
        signal.setitimer(signal.ITIMER_REAL, spec["limit"])
        start = time.perf_counter()
        try:
            sum(1 for _ in graph.query(text))
            out["queries"][name] = time.perf_counter() - start
        except Timeout:
            out["queries"][name] = None
        except Exception as exc:  # noqa: BLE001 - an engine's failure is a result to report
            out["queries"][name] = f"error: {type(exc).__name__}"
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    json.dump(out, sys.stdout)


def compare(build_dir: Path, queries: dict[str, str], workdir: Path) -> dict:
    """All three engines on one build directory (graph.nt + store/)."""
    rd = run_rdflib(build_dir / "graph.nt", queries)
    ox_times = {n: r["seconds"] for n, r in run_pyoxigraph(build_dir / "store", queries).items()}
    # the server runs what pyoxigraph finished (a stopped query would only be stopped again)
    server = run_server(build_dir / "store", {n: t for n, t in queries.items()
                                               if ox_times.get(n) is not None}, workdir)
    rows = {}
    for name in queries:
        r, o, s = rd["queries"].get(name), ox_times.get(name), server.get(name)
        rows[name] = {"rdflib": r, "pyoxigraph": o, "server": s,
                      "ratio": (r / o) if (isinstance(r, float) and o) else None}
        if o is None:  # pyoxigraph over its limit: no server run would be meaningful either
            rows[name]["server"] = None
    return {"rdflib_parse": rd["parse"], "limit": RDFLIB_LIMIT, "queries": rows}


if __name__ == "__main__" and "--rdflib-child" in sys.argv:
    _rdflib_child()
elif __name__ == "__main__" and "--oxigraph-child" in sys.argv:
    _oxigraph_child()
