"""CLI cold start and site generation, each in a fresh process (what a user waits for).

``pav-graph --help`` and ``pav-graph cases`` (on an already built corpus) are started with
:mod:`subprocess` five times and the median is reported; ``pav-graph site`` once per size, with
its peak memory (``os.wait4`` gives the resource usage of that one child, not of all earlier ones).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

PAV_GRAPH = str(Path(sys.executable).parent / "pav-graph")


def run(args: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run([PAV_GRAPH, *args], env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def run_measured(args: list[str], env: dict) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one ``pav-graph`` run; CalledProcessError on failure."""
    start = time.perf_counter()
    proc = subprocess.Popen([PAV_GRAPH, *args], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, args)
    return seconds, usage.ru_maxrss / 1024


def median_of(args: list[str], env: dict, repeat: int = 5) -> float:
    return statistics.median(run(args, env) for _ in range(repeat))


def measure(corpus: Path, build: Path, workdir: Path, *, site: bool = True) -> dict:
    env = {**os.environ, "PAV_GRAPH_BUILD": str(build), "PAV_GRAPH_CORPUS": str(corpus)}
    run(["build"], env)  # current for this code: `cases` must not include a rebuild
    out: dict = {"help": median_of(["--help"], env)}
    out["cases"] = median_of(["cases"], env)
    out["cases_json"] = median_of(["cases", "--format", "json"], env)
    if site:
        target = workdir / "site"
        shutil.rmtree(target, ignore_errors=True)
        try:
            out["site"], out["site_rss_mb"] = run_measured(["site", str(target)], env)
        except subprocess.CalledProcessError as exc:
            out["site"] = None
            out["site_error"] = f"exit {exc.returncode}"
        shutil.rmtree(target, ignore_errors=True)
    return out
