"""``python -m benchmarks``: generate corpora, measure every stage, write docs/benchmarks.md.

Options: ``--sizes 10,100,1000`` (default 10,100,1000,10000), ``--quick`` (10 and 100 cases,
no engines at scale, fewer browser sizes), ``--out DIR`` for corpora and raw results (default
build/benchmarks), ``--docs DIR`` for the report (default docs; ``--docs ''`` skips it).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import browser, cli, engines, load, report, stages, synth

ROOT = Path(__file__).resolve().parent.parent


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def check_corpus(corpus: Path) -> None:
    """Fail early (and briefly) when a generated corpus does not validate."""
    from pav_graph.load import corpus as loader
    from pav_graph.project import Project

    located = loader.locate_problems
    loader.locate_problems = lambda problems: None  # positions are not needed to fail fast
    try:
        _, problems = loader.load_corpus(Project(corpus))
    finally:
        loader.locate_problems = located
    if problems:
        first = next(iter(problems))
        raise SystemExit(f"synthetic corpus {corpus} has {len(problems.errors)} problem(s), "
                         f"first: {first.file.name}: {first.message} — is the real corpus valid?")


def carry_over(results: dict, previous: dict) -> None:
    """Keep an earlier run's numbers as 'before', and fill what this run skipped from it."""
    queries = previous.get("queries") or {}
    results["previous"] = {
        "date": previous.get("date"),
        "queries": {n: r.get("pyoxigraph") for n, r in queries.get("queries", {}).items()},
        "query_cases": queries.get("cases"),
        "cli": previous.get("cli", {}),
        "cold": {n: s["cold"] for n, s in previous.get("sizes", {}).items()},
    }
    carried = []
    for n, size in results["sizes"].items():
        before = previous.get("sizes", {}).get(n, {}).get("before")
        if "before" not in size and before:
            size["before"] = before
            carried.append(f"the replaced designs at {int(n):,} cases")
    if not isinstance(results.get("browser"), dict) and isinstance(previous.get("browser"), dict):
        results["browser"] = previous["browser"]
        carried.append("the browser timings")
    if not isinstance(results.get("load"), dict) and isinstance(previous.get("load"), dict):
        results["load"] = previous["load"]
        carried.append("the endpoint load test")
    results["carried"] = carried


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10,100,1000,10000")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "benchmarks")
    parser.add_argument("--docs", default=str(ROOT / "docs"))
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--no-before", action="store_true", help="skip the replaced designs")
    parser.add_argument("--no-load", action="store_true", help="skip the endpoint load test")
    parser.add_argument("--previous", type=Path, help="an earlier results.json: its query and CLI "
                        "times are shown as 'before', and the parts this run skips (--no-before, "
                        "--no-browser) are carried over from it, marked with its date")
    args = parser.parse_args(argv)
    sizes = [10, 100] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]
    args.out.mkdir(parents=True, exist_ok=True)
    results: dict = {"machine": report.machine(), "date": time.strftime("%Y-%m-%d %H:%M"),
                     "argv": " ".join(argv if argv is not None else sys.argv[1:]), "sizes": {}}
    shape = synth.measure(ROOT / "cases")
    results["shape"] = shape.summary()

    built: dict[int, tuple[Path, Path]] = {}
    for n in sizes:
        corpus, build = args.out / f"corpus-{n}", args.out / f"build-{n}"
        log(f"{n} cases: generating")
        synth.make_corpus(n, corpus, shape=shape)
        check_corpus(corpus)
        log(f"{n} cases: build stages (own process)")
        out = args.out / f"stages-{n}.json"
        cmd = [sys.executable, "-m", "benchmarks.stages", "--corpus", str(corpus), "--build",
               str(build), "--out", str(out)]
        if not args.no_before:
            cmd += ["--before", "--before-max", "100" if args.quick else "1000"]
        subprocess.run(cmd, check=True, cwd=ROOT)
        results["sizes"][str(n)] = json.loads(out.read_text(encoding="utf-8"))
        built[n] = (corpus, build)
        log(f"{n} cases: cold build {results['sizes'][str(n)]['cold']['total']:.1f} s")

    largest = max(built)
    corpus, build = built[largest]
    import os

    from pav_graph.build import current_build
    from pav_graph.load import load_corpus
    from pav_graph.project import Project

    os.environ["PAV_GRAPH_BUILD"] = str(build)
    project = Project(corpus)
    directory = current_build(project)
    log(f"engines on {largest} cases: rdflib, pyoxigraph, Oxigraph server")
    queries = stages.library_queries(project, load_corpus(project)[0])
    if queries:
        results["queries"] = {"cases": largest, **engines.compare(directory, queries, args.out)}

    results["cli"] = {}
    for n, (corpus, build) in built.items():
        log(f"CLI cold start on {n} cases")
        results["cli"][str(n)] = cli.measure(corpus, build, args.out)

    if not args.no_browser:
        log("graph page in headless Chromium")
        results["browser"] = browser.measure([100, 1000] if args.quick else [100, 1000, 5000],
                                             args.out / "browser")
    else:
        results["browser"] = "skipped (--no-browser)"

    if not args.no_load:
        log("endpoint load test on the real corpus (32 clients)")
        real_build = args.out / "build-real"
        subprocess.run([sys.executable, "-m", "pav_graph", "--corpus", str(ROOT), "build", "-q"],
                       check=True, cwd=ROOT, env={**os.environ, "PAV_GRAPH_BUILD": str(real_build)})
        quick = {"requests": 1600, "library_requests": 320, "idle": 200} if args.quick else {}
        results["load"] = {**load.measure(real_build, ROOT / "queries", **quick),
                           "corpus": "the real corpus", "date": results["date"]}
    else:
        results["load"] = "skipped (--no-load)"

    if args.previous:
        carry_over(results, json.loads(args.previous.read_text(encoding="utf-8")))
    (args.out / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    if args.docs:
        report.write(results, Path(args.docs))
        log(f"wrote {Path(args.docs) / 'benchmarks.md'}")
    return results


if __name__ == "__main__":
    main()
