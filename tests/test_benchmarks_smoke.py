"""The benchmarks run end to end on the smallest size (10 cases) and write their results.

Nothing is timed here (speed is measured in benchmarks/, reported in docs/benchmarks.md);
this only proves that ``python -m benchmarks`` works: corpus generation, every stage, the
three engines, the CLI runs and the report.
"""

from __future__ import annotations

import json

import pytest

from benchmarks import synth
from benchmarks.__main__ import main


def test_synthetic_corpus_validates_and_follows_the_real_shape(project, tmp_path):
    from pav_graph.load import load_corpus
    from pav_graph.project import Project

    target = synth.make_corpus(40, tmp_path / "c")
    corpus, problems = load_corpus(Project(target))
    assert not problems, [p.message for p in problems][:3]
    assert len(corpus.cases) == 40
    real = synth.measure(project.cases_dir)
    pools = {k: {repr(sorted(i.items())) for i in real.pools[k]} for k in ("interventions",)}
    for case in corpus.cases.values():  # interventions are copied whole from real cases
        for iv in synth.yamlio.load(case.path).get("interventions") or []:
            assert repr(sorted(iv.items())) in pools["interventions"]
    orgs = {}
    for case in corpus.cases.values():
        for o in case.organisations:
            assert orgs.setdefault(o.id, (o.name, o.level)) == (o.name, o.level)


@pytest.mark.slow
def test_benchmarks_run_end_to_end_on_ten_cases(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    results = main(["--sizes", "10", "--out", str(tmp_path / "out"), "--docs", str(docs),
                    "--no-browser", "--no-before", "--no-load"])
    stored = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    assert stored["sizes"]["10"]["cases"] == 10 == results["sizes"]["10"]["cases"]
    cold = stored["sizes"]["10"]["cold"]
    assert {"load_validate", "rdf", "shacl", "reasoner", "store", "total"} <= set(cold)
    assert stored["sizes"]["10"]["peak_rss_mb"] > 0
    if stored.get("queries"):
        for row in stored["queries"]["queries"].values():
            assert row["pyoxigraph"] is not None
    assert stored["cli"]["10"]["help"] > 0
    text = (docs / "benchmarks.md").read_text(encoding="utf-8")
    assert "| 10 |" in text and "benchmarks.png" in text
    assert (docs / "benchmarks.png").stat().st_size > 1000


@pytest.mark.slow
def test_load_benchmark_runs_and_checks_answers(built, session_build_dir, project_root):
    """The endpoint load test on the real build, with small counts: every answer right, the
    report section has its table."""
    from benchmarks import load

    result = load.measure(session_build_dir, project_root / "queries", clients=4, requests=40,
                          library_requests=40, idle=20)
    for run in ("light", "library", "idle"):
        assert result[run]["requests"] == 40 and result[run]["errors"] == {}, result[run]
        assert result[run]["p50_ms"] <= result[run]["p99_ms"] <= result[run]["max_ms"]
    assert result["idle"]["peak_connections"] >= 20
    assert {h["status"] for h in result["hungry"].values()} == {503}, result["hungry"]
    assert result["queries"] >= 30 and result["rss_before_mb"] > 0
    text = "\n".join(load.section(result))
    assert text.startswith(load.SECTION) and "| library, 40 requests |" in text


def test_run_measured_tree_sees_the_memory_of_child_processes():
    """A parent that starts a child holding 200 MB: the child's peak is found, and the total
    counts it (the parent's own peak does not)."""
    import os
    import sys

    from benchmarks.cli import run_measured_tree

    child = "import time; data = bytearray(200 << 20); data[::4096] = b'x' * len(data[::4096]); time.sleep(1)"
    parent = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {child!r}], check=True)"
    got = run_measured_tree(["-c", parent], dict(os.environ), [sys.executable], interval=0.05)
    assert got["child_mib"] >= 200 > got["main_mib"]
    assert got["total_mib"] >= 200
    assert got["seconds"] >= 1
