"""Case files parsed in worker processes (yamlio.load_many) load exactly as parsed one by one."""

from __future__ import annotations

import shutil

from pav_graph import load, yamlio
from pav_graph.project import Project


def _load(project: Project, parallel: bool, monkeypatch):
    monkeypatch.setattr(yamlio, "PARALLEL_MIN_FILES", 1 if parallel else 10**9)
    corpus, problems = load.load_corpus(project)
    return corpus, [p.format(project.root) for p in problems]


def test_parallel_parse_gives_the_same_corpus(project, monkeypatch):
    assert yamlio.load_many(sorted(project.cases_dir.glob("*.yaml"))) == {}  # few files: no workers
    monkeypatch.setattr(yamlio, "PARALLEL_MIN_FILES", 1)
    parsed = yamlio.load_many(sorted(project.cases_dir.glob("*.yaml")))
    assert len(parsed) == len(list(project.cases_dir.glob("*.yaml")))
    one_by_one, p1 = _load(project, False, monkeypatch)
    in_workers, p2 = _load(project, True, monkeypatch)
    assert not p1 and not p2
    assert one_by_one.cases == in_workers.cases


def test_a_broken_file_is_reported_the_same_way(tmp_path, project_root, monkeypatch):
    root = tmp_path / "corpus"
    for name in ("cases", "ontology", "sources", "queries"):
        shutil.copytree(project_root / name, root / name)
    broken = root / "cases" / "houten.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("id: houten", "id: [houten", 1),
                      encoding="utf-8")
    project = Project(root)
    _, sequential = _load(project, False, monkeypatch)
    _, parallel = _load(project, True, monkeypatch)
    assert sequential == parallel and any("houten.yaml" in p for p in parallel)
