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

import copy
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
        written = (result.directory / "graph.nt").read_bytes().splitlines()
        assert len(written) == len(got) == result.manifest["triples"], "a triple twice in graph.nt"
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


def test_case_add_validates_only_the_new_file_against_the_build_in_use(tmp_path, monkeypatch):
    """``case add`` on a built corpus checks the new file alone (the vocabulary and the other
    files' organisations come from the build in use) and reports what the whole-corpus check
    reports; then the build is incremental."""
    import yaml

    from benchmarks import synth
    from pav_graph import contrib, load

    root = synth.make_corpus(60, tmp_path / "corpus")
    builds = Builds(root, monkeypatch, tmp_path)
    assert builds.incremental().manifest["build"] == "full"
    monkeypatch.setenv("PAV_GRAPH_BUILD", str(builds.inc_dir))
    data = next(d for d in (yaml.safe_load(p.read_text(encoding="utf-8"))
                            for p in sorted(builds.project.cases_dir.glob("*.yaml")))
                if d.get("organisations") and d.get("findings"))
    data["id"] = "synth-new"
    bad = tmp_path / "synth-new.yaml"

    def problems(variant: dict, **kw) -> list[tuple]:
        bad.write_text(synth.dump(variant), encoding="utf-8")
        with pytest.raises(contrib.ContribError) as exc:
            contrib.place_case(builds.project, bad, **kw)
        assert "nothing was changed" in str(exc.value)
        return sorted((p.message, p.fix, p.line, p.column) for p in exc.value.problems)

    other_name = copy.deepcopy(data)  # an organisation of another file under another name
    other_name["organisations"][0]["name"] += " (anders)"
    misspelt = copy.deepcopy(data)  # an unknown concept: did you mean?
    concept = misspelt["findings"][0]["concept"]
    misspelt["findings"][0]["concept"] = concept[:-1] + "x"
    # without a build, the whole corpus is loaded with the file
    whole = [problems(other_name, build=False), problems(misspelt, build=False)]
    assert "differs from" in whole[0][0][0] and concept in str(whole[1])

    def no_whole_corpus(*args, **kw):
        raise AssertionError("case add loaded the whole corpus")

    monkeypatch.setattr(load, "load_corpus", no_whole_corpus)
    assert [problems(other_name), problems(misspelt)] == whole
    assert not (builds.project.cases_dir / "synth-new.yaml").exists()

    bad.write_text(synth.dump(data), encoding="utf-8")
    placed = contrib.place_case(builds.project, bad)
    assert placed.build.manifest["build"] == "incremental"
    assert placed.build.manifest["changes"]["added"] == ["synth-new"]


def test_an_ontology_that_types_a_case_node_is_built_alike(tmp_path, monkeypatch):
    """A hand-written ontology triple may type a case's node: the types that entails are in the
    graph once (not once from the ontology and again from the case), and an incremental build of
    a change to that case equals the full build."""
    from benchmarks import synth

    root = synth.make_corpus(60, tmp_path / "corpus")
    typed = sorted((root / "cases").glob("*.yaml"))[10]
    (root / "ontology" / "extra.ttl").write_text(
        f"<https://w3id.org/pav-graph/id/case/{typed.stem}> a "
        "<https://w3id.org/pav-graph/ontology#Case> .\n", encoding="utf-8")
    builds = Builds(root, monkeypatch, tmp_path)
    first = builds.incremental()
    nt = (first.directory / "graph.nt").read_bytes().splitlines()
    assert len(nt) == len(set(nt)) == first.manifest["triples"]
    change_summary(typed)
    changed = builds.incremental()
    assert changed.manifest["build"] == "incremental", builds.log
    builds.assert_same_as_full(changed)


def test_a_shacl_violation_of_a_new_case_fails_the_incremental_build_as_it_fails_a_full_one(
        tmp_path, monkeypatch):
    """SHACL checks the changed case in an incremental build: a violation that only shows with
    the new case in place (an ontology triple gives a case that does not exist yet a second kind,
    harmless until the case file arrives) fails ``case add`` with the violation a full build
    reports, nothing is placed and the build in use stays the previous one."""
    from benchmarks import synth
    from pav_graph import contrib
    from pav_graph.build import BuildFailed, current_build

    root = synth.make_corpus(60, tmp_path / "corpus")
    new = sorted((root / "cases").glob("*.yaml"))[5]
    moved = shutil.move(new, tmp_path / new.name)
    (root / "ontology" / "extra.ttl").write_text(
        f"<https://w3id.org/pav-graph/id/case/{new.stem}> <https://w3id.org/pav-graph/ontology#caseKind> "
        "<https://w3id.org/pav-graph/id/case-kind/mention> .\n", encoding="utf-8")
    builds = Builds(root, monkeypatch, tmp_path)
    before = builds.incremental().directory  # the node has no type yet: no shape targets it

    monkeypatch.setenv("PAV_GRAPH_BUILD", str(builds.inc_dir))
    log: list[str] = []
    with pytest.raises(contrib.ContribError) as exc:
        contrib.place_case(builds.project, Path(moved), log=log.append)
    assert "SHACL: 1 violation" in str(exc.value), exc.value
    assert not any(m.startswith("full build") for m in log), log  # it was the incremental build
    assert not new.exists() and current_build(builds.project) == before

    shutil.copy(moved, new)  # the same inputs, built whole
    with pytest.raises(BuildFailed) as full:
        builds.full()
    with pytest.raises(BuildFailed) as incremental:
        builds.incremental()
    assert not any(m.startswith("full build") for m in builds.log), builds.log
    assert incremental.value.lines == full.value.lines
    assert len(full.value.lines) == 1 and "pav-graph.ttl" not in full.value.lines[0]
    assert f"case/{new.stem}" in full.value.lines[0] and "caseKind" in full.value.lines[0]
    assert current_build(builds.project) == before
