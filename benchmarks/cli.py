"""CLI cold start and site generation, each in a fresh process (what a user waits for).

``pav-graph --help`` and ``pav-graph cases`` (on an already built corpus) are started with
:mod:`subprocess` five times and the median is reported; ``pav-graph site`` once per size, with
its peak memory (see :func:`run_measured`).
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


def run_measured(args: list[str], env: dict, command: list[str] | None = None,
                 stderr=subprocess.DEVNULL) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one ``pav-graph`` run (or of ``command`` + ``args``);
    CalledProcessError on failure. ``stderr``: a file for the run's messages (default: dropped).

    The peak is the child's ``VmHWM`` read from /proc while it runs (every 20 ms; the high-water
    mark only grows). ``wait4``'s ru_maxrss would not do: Linux carries the parent's peak over
    into a forked child, so every small run reported the benchmark process's own 430 MiB.
    """
    start = time.perf_counter()
    proc = subprocess.Popen([*(command or [PAV_GRAPH]), *args], env=env, stdout=subprocess.DEVNULL,
                            stderr=stderr)
    peak_kib = 0
    while proc.poll() is None:
        try:
            status = Path(f"/proc/{proc.pid}/status").read_text()
            peak_kib = max(peak_kib, int(status.split("VmHWM:", 1)[1].split()[0]))
        except (OSError, IndexError, ValueError):
            pass  # exiting
        time.sleep(0.02)
    seconds = time.perf_counter() - start
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, args)
    return seconds, peak_kib / 1024


def _children(pid: int) -> list[int]:
    """Every descendant of ``pid`` (worker processes, HermiT's java ...)."""
    out = []
    try:
        kids = [int(k) for k in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except (OSError, ValueError):
        return out
    for kid in kids:
        out += [kid, *_children(kid)]
    return out


def _kib(pid: int, name: str, file: str = "status") -> int:
    try:
        return int(Path(f"/proc/{pid}/{file}").read_text().split(f"{name}:", 1)[1].split()[0])
    except (OSError, IndexError, ValueError):
        return 0  # exiting


def run_measured_tree(args: list[str], env: dict, command: list[str] | None = None,
                      interval: float = 0.1) -> dict:
    """One run as :func:`run_measured`, with the memory of its child processes too.

    Returns wall ``seconds``, ``main_mib`` (the process's own VmHWM), ``child_mib`` (the
    largest VmHWM of any descendant: forked SHACL workers, HermiT's JVM) and ``total_mib``: the
    largest sum of the proportional set sizes (Pss of /proc/PID/smaps_rollup) of the process
    and its descendants at one sample, i.e. the memory they held together (summing VmRSS would
    count the pages a forked worker shares with its parent twice). Sampled every ``interval``
    seconds, so a peak shorter than that can be missed by ``total_mib`` (not by the VmHWMs;
    ``total_mib`` is never below ``main_mib``).
    """
    start = time.perf_counter()
    proc = subprocess.Popen([*(command or [PAV_GRAPH]), *args], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    main = child = total = 0
    hwm: dict[int, int] = {}
    while proc.poll() is None:
        kids = _children(proc.pid)
        main = max(main, _kib(proc.pid, "VmHWM"))
        for kid in kids:
            hwm[kid] = max(hwm.get(kid, 0), _kib(kid, "VmHWM"))
        total = max(total, sum(_kib(pid, "Pss", "smaps_rollup") for pid in [proc.pid, *kids]))
        time.sleep(interval)
    seconds = time.perf_counter() - start
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, args)
    child = max(hwm.values(), default=0)
    return {"seconds": seconds, "main_mib": main / 1024, "child_mib": child / 1024,
            "total_mib": max(total, main) / 1024}


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
