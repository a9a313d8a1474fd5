"""The idle-connection attack of issue 20, against any checkout of pav-graph: before and after.

``pav-graph serve`` from the pav_graph package in ``--tree`` (this checkout by default, or an
older one, e.g. ``git archive e331c5a pav_graph | tar -x -C /tmp/old``) runs under a file limit
(``prlimit --nofile``); ``--idle`` connections are opened and left silent; then 32 clients send
``--requests`` light requests (``ASK {}`` and a small SELECT), each answer checked. Printed as
JSON: requests per second, latency percentiles, errors, the server's threads and connections at
their peak, and the CPU time the HTTP process used meanwhile (a spinning accept loop shows here).

    python -m benchmarks.idle_flood --build-dir build --nofile 1024 --idle 1015 --requests 64
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.load import LIGHT, ROOT, _normal, fetch, free_port, requests_mix, run_clients


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(build_dir: Path, tree: Path, nofile: int, idle: int, requests: int) -> dict:
    if not shutil.which("prlimit"):
        raise SystemExit("prlimit (util-linux) is needed")
    port = free_port()
    server = subprocess.Popen(
        ["prlimit", f"--nofile={nofile}:{nofile}", sys.executable, "-m", "pav_graph", "serve",
         "--build-dir", str(build_dir.resolve()), "--port", str(port)],
        env={**os.environ, "PYTHONPATH": str(tree.resolve())}, cwd="/", stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                if fetch(port, "ASK {}")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        mix = [m for m in requests_mix(ROOT / "queries") if m[0] in LIGHT]
        expected = {name: _normal(fetch(port, query)[1]) for name, query in mix}
        socks, refused = [], 0
        for _ in range(idle):
            try:
                socks.append(socket.create_connection(("127.0.0.1", port), timeout=5))
            except OSError:
                refused += 1
        time.sleep(1)
        cpu = cpu_seconds(server.pid)
        result = run_clients(port, mix, expected, 32, requests, server.pid)
        result["http_process_cpu_s"] = round(cpu_seconds(server.pid) - cpu, 2)
        for s in socks:
            s.close()
        return {"tree": str(tree), "nofile": nofile, "idle": idle, "idle_refused": refused,
                **result}
    finally:
        server.terminate()
        server.wait(30)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.idle_flood",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build")
    parser.add_argument("--tree", type=Path, default=ROOT)
    parser.add_argument("--nofile", type=int, default=1024)
    parser.add_argument("--idle", type=int, default=1015)
    parser.add_argument("--requests", type=int, default=64)
    args = parser.parse_args(argv)
    result = measure(args.build_dir, args.tree, args.nofile, args.idle, args.requests)
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
