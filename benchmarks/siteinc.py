"""``pav-graph site`` written whole vs updated after a ``case add``, same run.

``python -m benchmarks.siteinc [--cases 1000,10000] [--repeat 5] [--full-repeat 3]
[--before-repeat 3] [--before REV] [--work DIR] [--write]``; ``--report [--write]`` only prints
(and writes) the table of the results kept in ``build/benchmarks/siteinc.json``.

For each synthetic corpus (:mod:`benchmarks.synth`; kept in ``--work DIR`` as ``corpus-N`` with
its build in ``build-N``, and reused when it is there, because a 10,000-case build takes minutes),
built once:

* *before*: ``pav-graph site OUT`` with the package at git revision REV (default ``main``,
  exported with ``git archive`` and run with ``PYTHONPATH``), which writes the whole site every
  time; ``--before-repeat`` runs, last (at 10,000 cases each takes minutes);
* *full*: ``pav-graph site --full OUT`` with this checkout, ``--full-repeat`` runs;
* *incremental*: ``--repeat`` times: ``case add FILE`` of a new case (a copy of a case of the
  corpus under a new id; not timed), then ``site OUT`` (timed): the site updated after the add.
  The corpus grows by one case each time. The files the run rewrote are counted by their mtime.

Results are kept in ``build/benchmarks/siteinc.json`` per corpus size and phase, so one size can
be measured in several invocations (e.g. ``--repeat 0`` for the whole runs, then
``--full-repeat 0 --before-repeat 0`` for the updates).

Each timed run is a fresh process: wall seconds (Python start-up and opening the store
included) and peak RSS (VmHWM, as :func:`benchmarks.cli.run_measured`), median reported. The
seconds the run spent loading the site data from the store are taken from its own message.

``--write`` puts the table into ``docs/benchmarks.md`` (between the markers of this section).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.caseadd import export
from benchmarks.cli import run_measured

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- kept: siteinc -->", "<!-- /kept: siteinc -->"  # kept by benchmarks/report.py


def log(message: str) -> None:
    print(f"[siteinc {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def measured(command: list[str], env: dict) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MiB) and stderr of one run (:func:`benchmarks.cli.run_measured`)."""
    with tempfile.TemporaryFile() as err:
        try:
            seconds, peak = run_measured([], env, command, stderr=err)
            failed = None
        except subprocess.CalledProcessError as exc:
            failed = exc.returncode
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    if failed:
        raise SystemExit(f"{' '.join(command)}: exit {failed}: {text}")
    return seconds, peak, text


def corpus(n: int, work: Path) -> tuple[Path, Path, str]:
    from benchmarks import synth

    root, build = (work / f"corpus-{n}").resolve(), (work / f"build-{n}").resolve()
    if not (root / "cases").is_dir():
        log(f"{n} cases: writing the synthetic corpus")
        synth.make_corpus(n, root)
    files = sorted((root / "cases").glob("*.yaml"))
    return root, build, files[len(files) // 2].stem


def summary(runs: list[tuple[float, float, str]], extra: dict | None = None) -> dict:
    loads = [float(m.group(1)) for *_, text in runs
             if (m := re.search(r"([0-9.]+) s of it loading", text))]
    return {"median": statistics.median(r[0] for r in runs), "runs": [round(r[0], 2) for r in runs],
            "peak_mib": max(r[1] for r in runs),
            "load_median": statistics.median(loads) if loads else None, **(extra or {})}


def measure(n: int, work: Path, before_src: Path, repeat: int, full_repeat: int,
            before_repeat: int, save) -> dict:
    root, build, case_id = corpus(n, work)
    spare = work / f"spare-{n}-{case_id}.yaml"
    if (root / "cases" / f"{case_id}.yaml").exists():
        shutil.copy(root / "cases" / f"{case_id}.yaml", spare)
    elif spare.exists():  # a previous run stopped between remove and add
        shutil.copy(spare, root / "cases" / f"{case_id}.yaml")
    env = {**os.environ, "PAV_GRAPH_CORPUS": str(root), "PAV_GRAPH_BUILD": str(build)}
    after = [sys.executable, "-P", "-m", "pav_graph"]

    def run(*args: str) -> str:
        done = subprocess.run([*after, *args], env=env, capture_output=True, text=True, check=False)
        if done.returncode:
            raise SystemExit(f"pav-graph {' '.join(args)}: exit {done.returncode}: {done.stderr}")
        return done.stderr

    log(f"{n} cases: build (adds {case_id})")
    run("build")
    out = {"case": case_id}
    site = work / f"site-{n}"
    runs = []
    for i in range(full_repeat):
        runs.append(measured([*after, "site", "--full", str(site)], env))
        log(f"{n} cases: full {i + 1}: {runs[-1][0]:.1f} s, {runs[-1][1]:.0f} MiB")
    if runs:
        out["full"] = summary(runs)
        save(out)
    runs, rewritten = [], []
    if repeat and not (site / ".pav-graph-site.json").exists():
        run("site", str(site))  # the site of the build before the first add (not timed)
    total = sum(1 for p in site.rglob("*") if p.is_file())
    added = []
    for i in range(repeat):
        # a new case each time (a copy of the spare case under a new id): the corpus grows by one
        new_id = f"{case_id}-extra-{time.strftime('%H%M%S')}-{i}"
        new = work / f"{new_id}.yaml"
        new.write_text(spare.read_text(encoding="utf-8").replace(f"id: {case_id}\n", f"id: {new_id}\n", 1),
                       encoding="utf-8")
        run("case", "add", str(new))  # not timed
        added.append(new_id)
        started = time.time()
        runs.append(measured([*after, "site", str(site)], env))
        if "updated" not in runs[-1][2]:
            raise SystemExit(f"the site was not updated but written whole: {runs[-1][2]}")
        rewritten.append(sum(1 for p in site.rglob("*") if p.is_file() and p.stat().st_mtime >= started))
        log(f"{n} cases: incremental {i + 1}: {runs[-1][0]:.1f} s, {runs[-1][1]:.0f} MiB, "
            f"{rewritten[-1]} of {total} files rewritten")
        out["incremental"] = summary(runs, {"rewritten": statistics.median(rewritten), "files": total,
                                            "added": added})
        save(out)
    # the before code has its own build (a build records the code that made it)
    before_env = {**env, "PYTHONPATH": str(before_src), "PAV_GRAPH_BUILD": f"{build}-before"}
    runs = []
    if before_repeat:
        log(f"{n} cases: build with the before code (not timed)")
        done = subprocess.run([*after, "build"], env=before_env, capture_output=True, text=True,
                              check=False)
        if done.returncode:
            raise SystemExit(f"before: pav-graph build: exit {done.returncode}: {done.stderr}")
    for i in range(before_repeat):
        runs.append(measured([*after, "site", str(work / f"site-{n}-before")], before_env))
        log(f"{n} cases: before {i + 1}: {runs[-1][0]:.1f} s, {runs[-1][1]:.0f} MiB")
        out["before"] = summary(runs)
        save(out)
    return out


def markdown(results: dict) -> str:
    rows = []
    for n, r in sorted(results["corpora"].items(), key=lambda kv: int(kv[0])):
        f, i = r.get("full"), r.get("incremental")
        b = r.get("before") or {"median": None, "runs": [], "peak_mib": None}
        if i is None or f is None:
            continue

        def s(x, fmt="{:.1f}"):
            return "—" if x is None else fmt.format(x)
        rows.append(f"| {int(n):,} | {s(b['median'])} ({len(b['runs'])}) | {f['median']:.1f} ({len(f['runs'])}) "
                    f"| {i['median']:.1f} ({len(i['runs'])}) | {s(i['load_median'])} "
                    f"| {f['median'] / i['median']:.1f}× "
                    f"| {i['rewritten']:.0f} of {i['files']:,} "
                    f"| {s(b['peak_mib'], '{:.0f}')} / {f['peak_mib']:.0f} / {i['peak_mib']:.0f} |")
    return "\n".join([
        START,
        "## `pav-graph site` after a `case add`: whole site vs only the pages it touches",
        "",
        (f"Measured on {results['machine']}, each corpus in one run "
         f"({'; '.join(f'{int(n):,} cases ' + r['date'] for n, r in sorted(results['corpora'].items(), key=lambda kv: int(kv[0])))}): *before* is "
         f"`pav-graph site OUT` of the package at `{results['before']}` "
         f"({results['before_commit'][:7]}), which writes the whole site every time; *full* is "
         "`pav-graph site --full OUT` of this checkout (commit "
         + ", ".join(sorted({r.get("commit", results["after_commit"])[:7] for r in results["corpora"].values()}))
         + "); "
         "*incremental* is `pav-graph site OUT` on the site of the build before a `case add` "
         "of one new case (not timed; a copy of a case of the corpus under a new id, so the "
         "corpus grows by one case per run). Wall seconds of a fresh process each (Python start-up and opening the store "
         "included), median of the number of runs in brackets; peak RSS is the largest of the "
         "runs. Reproduce with "
         + "; ".join(sorted({f"`{r['command']}`" for r in results["corpora"].values()})) + "."),
        "",
        "| cases | before s (runs) | full s (runs) | incremental s (runs) | of it: loading the site data s | full / incremental | files rewritten | peak RSS MiB before / full / incremental |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
        *rows,
        "",
        ("An incremental run reads from the store only the cases whose part of the build changed "
         "(the other case records are kept from the run before in `build/site-cases.sqlite`, "
         "`pav_graph/site/records.py`; a full run reads every case and keeps them), computes "
         "again what depends on all cases (similar cases, each concept's and source's list of "
         "cases), then makes again only the pages whose recorded inputs changed "
         "(`pav_graph/site/incremental.py`) and writes the files whose bytes differ. What it "
         "makes again after a `case add`: the case's page, downloads, embed and mechanism view; "
         "the pages of cases whose similar cases changed; the concept and source pages that list "
         "the case; the home page, the graph page, the lists of concepts and sources, the search "
         "index and the mechanism page. These last pages, and the corpus-wide computations, list "
         "or count every case: they are what still grows with the corpus."),
        "",
        *[line for note in results.get("notes", []) for line in (note, "")],
        END,
        "",
    ])


def update_docs(section: str, docs: Path) -> None:
    from benchmarks.report import replace_section

    replace_section(docs, START, END, section)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.siteinc")
    parser.add_argument("--cases", default="1000,10000", help="sizes of synthetic corpora")
    parser.add_argument("--repeat", type=int, default=5, help="incremental runs")
    parser.add_argument("--full-repeat", type=int, default=3, help="runs of full")
    parser.add_argument("--before-repeat", type=int, default=3, help="runs of before")
    parser.add_argument("--before", default="main", help="git revision of the 'before' code")
    parser.add_argument("--work", type=Path, help="keep corpora, builds and sites here (reused)")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--report", action="store_true",
                        help="measure nothing: the table of build/benchmarks/siteinc.json")
    args = parser.parse_args(argv)
    raw = ROOT / "build" / "benchmarks" / "siteinc.json"
    if args.report:
        section = markdown(json.loads(raw.read_text(encoding="utf-8")))
        print(section)
        if args.write:
            update_docs(section, ROOT / "docs")
        return {}

    def commit(rev: str) -> str:
        return subprocess.run(["git", "-C", str(ROOT), "rev-parse", rev], check=True,
                              capture_output=True, text=True).stdout.strip()

    import platform

    raw.parent.mkdir(parents=True, exist_ok=True)
    command = "python -m benchmarks.siteinc " + " ".join(argv if argv is not None else sys.argv[1:])
    # sizes measured by earlier invocations stay (with their own command line and date)
    old = json.loads(raw.read_text(encoding="utf-8")) if raw.exists() else {}
    results = {"before": args.before, "before_commit": commit(args.before),
               "after_commit": commit("HEAD"),
               "machine": f"{platform.machine()}, {os.cpu_count()} cores (shared)",
               "corpora": old.get("corpora", {})}

    def save(size: str):
        def put(out: dict) -> None:
            results["corpora"][size] = {**results["corpora"].get(size, {}), **out,
                                        "command": command, "commit": results["after_commit"],
                                        "date": time.strftime("%Y-%m-%d %H:%M")}
            raw.write_text(json.dumps(results, indent=2), encoding="utf-8")
        return put
    with tempfile.TemporaryDirectory(prefix="pav-siteinc-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        before_src = export(args.before, Path(tmp) / "before-src")
        for size in args.cases.split(","):
            out = measure(int(size), work, before_src, args.repeat, args.full_repeat,
                          args.before_repeat, save(size))
            log(json.dumps(out))
    section = markdown(results)
    print(section)
    if args.write:
        update_docs(section, ROOT / "docs")
    return results


if __name__ == "__main__":
    main()
