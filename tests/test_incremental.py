"""An incremental build (issue 19, part 4) makes what a full build of the same inputs makes.

After a full build, a case file is added, changed or removed and ``build`` is run again: only
that file is validated, converted, SHACL-checked and classified (the manifest says
``"build": "incremental"`` and names the case in ``changes``), and the resulting ``graph.nt`` (as a set of
triples), its store and ``catalog.json`` equal those of ``build --full`` of the same files in
another build directory. A change to anything but case files (a concept file, the ontology,
mechanisms.yaml, the shapes) falls back to a full build, and so does ``--full``.

On the real corpus (HermiT classifies the whole graph in the reference builds) and on a
synthetic corpus of 60 cases (above ``WHOLE_GRAPH_MAX_CASES``: the full build uses the rule).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from pav_graph.build import build
from pav_graph.project import Project


def lines(directory: Path) -> set[bytes]:
    return set((directory / "graph.nt").read_bytes().splitlines())


def store_lines(directory: Path) -> set[bytes]:
    store = ox.Store.read_only(str(directory / "store"))
    out = {ox.serialize([q.triple for q in store], format=ox.RdfFormat.N_TRIPLES)}
    del store
    return set(b"".join(out).splitlines())


def without_blank_nodes(triples: set[bytes]) -> set[bytes]:
    return {t for t in triples if b"_:" not in t}


class Builds:
    """One corpus, built incrementally in ``build/`` and fully, for reference, in ``full/``."""

    def __init__(self, root: Path, monkeypatch, tmp_path: Path) -> None:
        self.project = Project(root)
        self.monkeypatch = monkeypatch
        self.inc_dir, self.full_dir = tmp_path / "build", tmp_path / "full"
        self.log: list[str] = []

    def incremental(self, **kw):
        self.monkeypatch.setenv("PAV_GRAPH_BUILD", str(self.inc_dir))
        self.log.clear()
        return build(self.project, log=self.log.append, **kw)

    def full(self):
        self.monkeypatch.setenv("PAV_GRAPH_BUILD", str(self.full_dir))
        return build(self.project, full=True)

    def assert_same_as_full(self, result, reference=None) -> None:
        reference = reference or self.full()
        assert reference.manifest["build"] == "full"
        got, want = lines(result.directory), lines(reference.directory)
        assert len(got) == len(want) and got == want, (
            f"incremental - full: {sorted(got - want)[:5]}; full - incremental: {sorted(want - got)[:5]}")
        # the store holds the same triples (blank nodes are named by the store: compared apart)
        in_store = store_lines(result.directory)
        assert without_blank_nodes(in_store) == without_blank_nodes(want)
        assert len(in_store) == len(want)
        assert (json.loads((result.directory / "catalog.json").read_text(encoding="utf-8"))
                == json.loads((reference.directory / "catalog.json").read_text(encoding="utf-8")))
        for key in ("cases", "triples", "inferred_triples", "entailed_types", "pattern_matches"):
            assert result.manifest[key] == reference.manifest[key], key


def change_summary(path: Path) -> None:
    """Put a sentence at the start of the Dutch summary (a folded block or a plain scalar)."""
    text = path.read_text(encoding="utf-8")
    for marker, insert in (("summary:\n  nl: >-\n", "    Gewijzigd voor de test.\n"),
                           ("summary:\n  nl: ", "Gewijzigd voor de test. ")):
        if marker in text:
            path.write_text(text.replace(marker, marker + insert, 1), encoding="utf-8")
            return
    raise AssertionError(f"{path}: no Dutch summary where the test expects it")


@pytest.mark.slow
def test_incremental_build_equals_a_full_build_on_the_real_corpus(corpus_copy, monkeypatch, tmp_path):
    builds = Builds(corpus_copy, monkeypatch, tmp_path)
    cases_dir = builds.project.cases_dir
    first = builds.incremental()
    assert first.manifest["build"] == "full"

    # remove a case that no mechanism link names
    moved = tmp_path / "gelderland.yaml"
    shutil.move(cases_dir / "gelderland.yaml", moved)
    removed = builds.incremental()
    assert removed.manifest["build"] == "incremental", builds.log
    assert removed.manifest["changes"]["removed"] == ["gelderland"]
    assert removed.manifest["changes"]["changed"] == []
    builds.assert_same_as_full(removed)

    # add it again: the inputs of the first build, so the first build is the reference
    shutil.move(moved, cases_dir / "gelderland.yaml")
    added = builds.incremental()
    assert added.manifest["build"] == "incremental", builds.log
    assert added.manifest["changes"]["added"] == ["gelderland"]
    builds.assert_same_as_full(added, first)

    # change a case that mechanism links name (its levels are checked against them again)
    change_summary(cases_dir / "houten.yaml")
    changed = builds.incremental()
    assert changed.manifest["build"] == "incremental", builds.log
    assert changed.manifest["changes"]["changed"] == ["houten"]
    assert any("Gewijzigd voor de test" in line.decode() for line in lines(changed.directory))
    builds.assert_same_as_full(changed)

    # --full builds everything, HermiT on the whole graph
    forced = builds.incremental(full=True)
    assert forced.manifest["build"] == "full"
    assert lines(forced.directory) == lines(changed.directory)


def test_incremental_build_equals_a_full_build_on_a_synthetic_corpus(tmp_path, monkeypatch):
    from benchmarks import synth

    root = synth.make_corpus(60, tmp_path / "corpus")
    builds = Builds(root, monkeypatch, tmp_path)
    cases_dir = builds.project.cases_dir
    assert builds.incremental().manifest["build"] == "full"
    files = sorted(cases_dir.glob("*.yaml"))

    # a new case: a copy of one under another id (its organisations are the same)
    text = files[3].read_text(encoding="utf-8")
    new = cases_dir / "synth-extra.yaml"
    new.write_text(text.replace(f"id: {files[3].stem}\n", "id: synth-extra\n", 1), encoding="utf-8")
    added = builds.incremental()
    assert added.manifest["build"] == "incremental", builds.log
    assert added.manifest["changes"]["added"] == ["synth-extra"]
    builds.assert_same_as_full(added)

    change_summary(files[7])
    files[11].unlink()  # a change and a removal in one build
    both = builds.incremental()
    assert both.manifest["build"] == "incremental", builds.log
    assert both.manifest["changes"]["changed"] == [files[7].stem]
    assert both.manifest["changes"]["removed"] == [files[11].stem]
    builds.assert_same_as_full(both)


@pytest.mark.parametrize("what", ["concept", "ontology", "mechanisms", "shapes"])
def test_a_change_to_anything_but_case_files_builds_everything(corpus_copy, monkeypatch, tmp_path, what):
    builds = Builds(corpus_copy, monkeypatch, tmp_path)
    onto = corpus_copy / "ontology"
    assert builds.incremental(reason=False).manifest["build"] == "full"
    change_summary(corpus_copy / "cases" / "houten.yaml")
    path = {"concept": onto / "concepts" / "roles.yaml", "ontology": onto / "pav-graph.ttl",
            "mechanisms": onto / "mechanisms.yaml", "shapes": onto / "shapes.ttl"}[what]
    assert path.is_file()
    with path.open("a", encoding="utf-8") as fh:
        fh.write("\n# a comment is a change too\n")
    result = builds.incremental(reason=False)
    assert result.manifest["build"] == "full"
    assert any(line.startswith("full build: the ontology, the vocabulary") for line in builds.log), builds.log
