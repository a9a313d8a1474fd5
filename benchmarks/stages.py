"""One corpus size, every stage of the build path, in a process of its own.

Run as ``python -m benchmarks.stages --corpus DIR --build DIR --out FILE.json``; the parent
(:mod:`benchmarks.__main__`) starts one such process per size, so that the peak memory
(``ru_maxrss``) belongs to that size alone.

Measured, with :func:`time.perf_counter`:

* ``build`` cold: :func:`pav_graph.build.build` into an empty build directory; its manifest
  gives the stages load+validate, RDF, SHACL, reasoner, store;
* ``build`` incremental: one case file changed, then built again (the caches of the SHACL
  results and of HermiT's verdict on the vocabulary are reused);
* *before*: the designs replaced in issue 9 — pyshacl on the whole graph in one run and
  HermiT on the whole graph — up to the sizes where they finish in reasonable time;
* the query library on the built store (pyoxigraph), each query the median of 3 runs (one
  run when it takes over 2 s; stopped after 30 s).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import time
from pathlib import Path

from pav_graph.project import Project


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def example_params(query, corpus) -> dict[str, str]:
    """Values for a query's parameters that exist in this corpus (synthetic ids differ)."""
    import re

    given = dict(re.findall(r"--param\s+([a-z0-9_]+)=(\S+)", query.example or ""))
    case_ids = sorted(corpus.cases)
    out = {}
    for p in query.params:
        value = given.get(p.name, p.default)
        if p.name in ("case", "other"):
            value = case_ids[0] if p.name == "case" else case_ids[min(1, len(case_ids) - 1)]
        elif p.name in ("concept", "concept2") and value not in corpus.concepts:
            value = "wantrouwen" if p.name == "concept" else "verharding-van-taal"
        elif p.name == "pattern" and value not in corpus.composites:
            value = next(iter(corpus.composites))
        elif p.name == "source" and value not in corpus.sources:
            value = next(iter(corpus.sources))
        if value is not None:
            out[p.name] = str(value).strip("'\"")
    return out


def library_queries(project: Project, corpus) -> dict[str, str]:
    """Every queries/*.rq as runnable SPARQL (prefixes + parameters bound by VALUES)."""
    from pav_graph import querylib

    out = {}
    for name, q in querylib.library(project.queries_dir).items():
        out[name] = querylib.render(q.sparql, querylib.bind(q, example_params(q, corpus)))
    return out


def measure(corpus_dir: Path, build_dir: Path, *, before: bool, before_max: int) -> dict:
    from pav_graph import build as builder
    from pav_graph import rdf
    from pav_graph.load import load_corpus
    from pav_graph.reason import classify_with_hermit
    from pav_graph.shacl import shacl_lines

    os.environ["PAV_GRAPH_BUILD"] = str(build_dir)
    shutil.rmtree(build_dir, ignore_errors=True)
    project = Project(corpus_dir)
    out: dict = {"cases": len(list(project.cases_dir.glob("*.yaml")))}

    seconds, result = timed(builder.build, project, force=True)
    out["cold"] = {**result.manifest["seconds"], "total": seconds}
    out["triples"] = result.manifest["triples"]
    out["pattern_matches"] = sum(len(v) for v in result.manifest["pattern_matches"].values())
    out["graph_nt_bytes"] = (result.directory / "graph.nt").stat().st_size

    # incremental: one case changes (its Dutch label), everything is built again
    first = min(project.cases_dir.glob("*.yaml"))
    original = first.read_text(encoding="utf-8")
    first.write_text(original.replace("  nl: ", "  nl: (gewijzigd) ", 1), encoding="utf-8")
    try:
        seconds, result = timed(builder.build, project)
        out["incremental"] = {**result.manifest["seconds"], "total": seconds}
    finally:
        first.write_text(original, encoding="utf-8")
    seconds, result = timed(builder.build, project)  # back to the original: cached verdicts
    out["unchanged_check"] = timed(builder.is_current, project)[0]

    corpus, _ = load_corpus(project)
    if before and out["cases"] <= before_max:
        triples = [t for p in builder.ontology_files(project) for t in rdf.ontology_triples(p)]
        triples += list(rdf.corpus_triples(corpus))
        shapes = (project.ontology_dir / "shapes.ttl").read_text(encoding="utf-8")
        seconds, _ = timed(shacl_lines, shapes, rdf.to_ntriples(triples))
        out.setdefault("before", {})["shacl"] = seconds
        if out["cases"] <= before_max // 10:
            out["before"]["reasoner"] = timed(classify_with_hermit, corpus, triples)[0]

    from benchmarks.engines import run_pyoxigraph

    out["queries"] = run_pyoxigraph(result.directory / "store", library_queries(project, corpus))
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    out["peak_rss_children_mb"] = children  # SHACL workers and HermiT's JVM
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark the build path on one corpus.")
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--build", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--before", action="store_true", help="also time the replaced designs")
    parser.add_argument("--before-max", type=int, default=1000,
                        help="largest size for whole-graph SHACL (HermiT: a tenth of it)")
    args = parser.parse_args()
    data = measure(args.corpus, args.build, before=args.before, before_max=args.before_max)
    args.out.write_text(json.dumps(data, indent=2), encoding="utf-8")
    print(json.dumps({k: v for k, v in data.items() if k != "queries"}), file=sys.stderr)


if __name__ == "__main__":
    main()
