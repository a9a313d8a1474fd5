"""The contribution library: edits that keep every existing line, locking, atomic placement,
and what is left behind by failed, killed and concurrent `case add`s.

All tests work on a copy of the corpus (``corpus_copy``); the real cases/ is never touched.
Facts about the source used below (essay-2025 = sources/texts/004_533bc91a8930cfed.txt):
line 53 holds "Dit heeft geleid tot ‘frame-lock’", line 57 "Daarmee samenhangend groeit in veel
casussen het onderlinge wantrouwen.", lines 16-17 "In Houten spreekt het Capra-onderzoek over
een ‘veelkoppig monster’".
"""

from __future__ import annotations

import difflib
import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from contribkit import digest

from pav_graph import casefile, contrib
from pav_graph.project import Project

FRAME_LOCK = "Dit heeft geleid tot ‘frame-lock’"
WANTROUWEN = "Daarmee samenhangend groeit in veel casussen het onderlinge wantrouwen."


@pytest.fixture(autouse=True)
def own_build_dir(tmp_path, monkeypatch):
    """Builds of the corpus copy go to their own directory (never the session's build)."""
    monkeypatch.setenv("PAV_GRAPH_BUILD", str(tmp_path / "build"))


def yaml_digest(directory: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(directory.rglob("*.yaml")):
        h.update(str(path.relative_to(directory)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def valid_case(case_id: str, org: str = "Gemeente Oefenstad") -> str:
    return textwrap.dedent(f"""\
        # yaml-language-server: $schema=../ontology/case.schema.json
        id: {case_id}
        label: {{nl: "Oefening {case_id}", en: "Exercise {case_id}"}}
        summary: {{nl: "Volgens het essay ...", en: "According to the essay ..."}}
        organisations:
          - {{id: {casefile.slug(org)}, name: "{org}", level: gemeente}}
        findings:
          - concept: frame-lock
            evidence:
              - {{source: essay-2025, lines: 53, quote: "{FRAME_LOCK}"}}
        """)


# --------------------------------------------------------------------------- editing


def only_insertions(before: str, after: str) -> list[str]:
    """The lines ``after`` adds; fails if any line of ``before`` was changed or removed."""
    a, b = before.split("\n"), after.split("\n")
    added = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        assert tag in ("equal", "insert"), f"{tag}: {a[i1:i2]!r} → {b[j1:j2]!r}"
        if tag == "insert":
            added += b[j1:j2]
    return added


def test_appending_keeps_every_line_of_every_real_case_file(corpus_copy):
    """Each real case file (with its comments, flow maps, folded text) gets a finding, a
    relation and an event; no existing line changes, and the new items parse back."""
    ev = casefile.evidence_item("essay-2025", 53, 53, FRAME_LOCK)
    files = sorted((corpus_copy / "cases").glob("*.yaml"))
    assert len(files) >= 30
    for path in files:
        before = path.read_text(encoding="utf-8")
        for after in (casefile.add_finding(before, "nieuw-begrip", ev),
                      casefile.add_relation(before, "rel-wantrouwen", "a", "b", ev),
                      casefile.add_event(before, ("gebeurtenis", "event"), ev, date="2025")):
            added = only_insertions(before, after)
            assert any(FRAME_LOCK in line for line in added), path.name
            assert casefile.parse(after)  # still YAML


def test_evidence_for_an_existing_finding_goes_into_that_finding(corpus_copy):
    path = corpus_copy / "cases" / "maastricht-2025.yaml"
    before = path.read_text(encoding="utf-8")
    n_findings = len(casefile.parse(before)["findings"])
    ev = casefile.evidence_item("essay-2025", 57, 57, WANTROUWEN)
    after = casefile.add_finding(before, "frame-lock", ev)
    only_insertions(before, after)
    doc = casefile.parse(after)
    assert len(doc["findings"]) == n_findings
    frame = next(f for f in doc["findings"] if f["concept"] == "frame-lock")
    assert frame["evidence"][-1]["quote"] == WANTROUWEN


def test_a_section_comment_stays_above_its_section(corpus_copy):
    text = textwrap.dedent("""\
        id: x
        findings:
          - concept: a
            evidence:
              - {source: s, lines: 1, quote: "q"}  # first
        # ---- relations: who distrusts whom
        relations: []
        # the end
        """)
    after = casefile.add_finding(text, "b", casefile.evidence_item("s", 2, 2, "r"))
    lines = after.split("\n")
    assert lines.index("  - concept: b") < lines.index("# ---- relations: who distrusts whom")
    assert sorted(only_insertions(text, after)) == sorted(
        ["  - concept: b", "    evidence:", '      - {source: s, lines: 2, quote: "r"}'])


def test_filling_the_placeholder_of_a_draft_replaces_only_that_line():
    text = "id: x\nfindings:\n  - concept: a\n    evidence: []   # needs evidence: ...\n# end\n"
    after = casefile.add_finding(text, "a", casefile.evidence_item("s", 3, 4, "q"))
    assert after == ("id: x\nfindings:\n  - concept: a\n    evidence:\n      - source: s\n"
                     "        lines: 3-4\n        quote: \"q\"\n# end\n")


# --------------------------------------------------------------------------- placing


def test_place_refuses_an_existing_id_and_replace_keeps_a_backup(corpus_copy, tmp_path):
    project = Project(corpus_copy)
    draft = tmp_path / "d.yaml"
    draft.write_text(valid_case("maastricht-2025"), encoding="utf-8")
    old = (corpus_copy / "cases" / "maastricht-2025.yaml").read_bytes()
    before = digest(corpus_copy / "cases")
    with pytest.raises(contrib.ContribError, match="already exists.*--replace"):
        contrib.place_case(project, draft, build=False)
    assert digest(corpus_copy / "cases") == before
    placed = contrib.place_case(project, draft, replace=True, build=False)
    assert placed.replaced and placed.backup.read_bytes() == old
    assert placed.backup.parent == corpus_copy / "cases" / ".backup"
    assert (corpus_copy / "cases" / "maastricht-2025.yaml").read_text(encoding="utf-8") == \
        valid_case("maastricht-2025")


def test_failure_just_before_the_rename_leaves_cases_unchanged(corpus_copy, tmp_path, monkeypatch):
    project = Project(corpus_copy)
    for case_id, replace in (("oefen-nieuw", False), ("houten", True)):
        draft = tmp_path / f"{case_id}.yaml"
        draft.write_text(valid_case(case_id), encoding="utf-8")
        before = digest(corpus_copy / "cases")

        def broken_replace(src, dst):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, "replace", broken_replace)
        with pytest.raises(OSError):
            contrib.place_case(project, draft, replace=replace, build=False)
        monkeypatch.undo()
        assert digest(corpus_copy / "cases") == before, case_id
        assert not list((corpus_copy / "cases").glob(".*.tmp"))


def test_a_failing_build_restores_cases(corpus_copy, tmp_path, monkeypatch):
    from pav_graph import build

    project = Project(corpus_copy)
    draft = tmp_path / "houten.yaml"
    draft.write_text(valid_case("houten"), encoding="utf-8")
    before = digest(corpus_copy / "cases")

    def failing_build(*args, **kwargs):
        raise build.BuildFailed("SHACL: 1 violation(s)", lines=["a violation"])

    monkeypatch.setattr(build, "build", failing_build)
    with pytest.raises(contrib.ContribError, match="build failed.*restored"):
        contrib.place_case(project, draft, replace=True, build=True)
    assert digest(corpus_copy / "cases") == before


KILL_CHILD = textwrap.dedent("""\
    import os, sys, time, pathlib
    from pav_graph import contrib
    from pav_graph.project import Project
    corpus, draft, marker = sys.argv[1:4]
    real = os.replace
    def stalled(src, dst):
        if str(dst).endswith(".yaml") and "/cases/" in str(dst):
            pathlib.Path(marker).write_text("holding the lock")
            time.sleep(120)
        return real(src, dst)
    os.replace = stalled
    contrib.place_case(Project(pathlib.Path(corpus)), pathlib.Path(draft), build=False)
    """)


def test_an_add_killed_while_holding_the_lock_changes_no_case_file(corpus_copy, tmp_path):
    """SIGKILL after the new file is written to a temporary file, before the rename: the case
    files are as before, the lock is free, and the leftover temporary file is ignored by the
    loader and removed by a later add once it is stale."""
    cases = corpus_copy / "cases"
    draft = tmp_path / "oefen-kill.yaml"
    draft.write_text(valid_case("oefen-kill"), encoding="utf-8")
    marker = tmp_path / "marker"
    before = yaml_digest(cases)
    child = subprocess.Popen([sys.executable, "-c", KILL_CHILD, str(corpus_copy), str(draft),
                              str(marker)])
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None, "the child ended before reaching the rename"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait()
    assert child.returncode == -signal.SIGKILL
    assert yaml_digest(cases) == before
    leftovers = list(cases.glob(".*.tmp"))
    assert leftovers, "expected the killed writer's temporary file"
    from pav_graph.load import load_corpus

    corpus, problems = load_corpus(Project(corpus_copy))
    assert not problems and "oefen-kill" not in corpus.cases
    for path in leftovers:  # make it look abandoned long ago
        os.utime(path, (time.time() - 3600, time.time() - 3600))
    other = tmp_path / "oefen-na.yaml"
    other.write_text(valid_case("oefen-na"), encoding="utf-8")
    t = time.monotonic()
    contrib.place_case(Project(corpus_copy), other, build=False)
    assert time.monotonic() - t < 30  # the lock was released by the kernel, not timed out
    assert not list(cases.glob(".*.tmp"))
    assert (cases / "oefen-na.yaml").is_file()


def _add_cmd(corpus: Path, draft: Path) -> list[str]:
    return [sys.executable, "-m", "pav_graph", "--corpus", str(corpus), "case", "add",
            "--no-build", str(draft)]


def test_two_concurrent_adds_of_different_ids_both_land(corpus_copy, tmp_path):
    drafts = []
    for i in (1, 2):
        d = tmp_path / f"oefen-{i}.yaml"
        d.write_text(valid_case(f"oefen-{i}"), encoding="utf-8")
        drafts.append(d)
    procs = [subprocess.Popen(_add_cmd(corpus_copy, d), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for d in drafts]
    results = [(p.wait(timeout=300), p.stdout.read(), p.stderr.read()) for p in procs]
    assert [r[0] for r in results] == [0, 0], results
    for d in drafts:
        assert (corpus_copy / "cases" / d.name).read_text(encoding="utf-8") == d.read_text(encoding="utf-8")


def test_two_concurrent_adds_of_the_same_id_give_one_winner_and_one_refusal(corpus_copy, tmp_path):
    drafts = []
    for who in ("a", "b"):
        d = tmp_path / who / "oefen-zelfde.yaml"
        d.parent.mkdir()
        d.write_text(valid_case("oefen-zelfde", org=f"Gemeente Oefen {who.upper()}"), encoding="utf-8")
        drafts.append(d)
    procs = [subprocess.Popen(_add_cmd(corpus_copy, d), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for d in drafts]
    results = [(p.wait(timeout=300), p.stdout.read(), p.stderr.read()) for p in procs]
    codes = sorted(r[0] for r in results)
    assert codes == [0, 1], results
    winner = drafts[[r[0] for r in results].index(0)]
    loser = results[[r[0] for r in results].index(1)]
    assert "already exists" in loser[2] and "--replace" in loser[2]
    assert "Traceback" not in loser[2]
    assert (corpus_copy / "cases" / "oefen-zelfde.yaml").read_bytes() == winner.read_bytes()
    assert not (corpus_copy / "cases" / ".backup").exists()


def test_the_lock_makes_a_second_writer_wait(corpus_copy, tmp_path):
    project = Project(corpus_copy)
    draft = tmp_path / "oefen-wacht.yaml"
    draft.write_text(valid_case("oefen-wacht"), encoding="utf-8")
    with contrib.corpus_lock(project):
        proc = subprocess.Popen(_add_cmd(corpus_copy, draft), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        time.sleep(3)
        assert proc.poll() is None, proc.communicate()  # still waiting for the lock
        assert not (corpus_copy / "cases" / "oefen-wacht.yaml").exists()
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "waiting for another pav-graph write" in err
    assert (corpus_copy / "cases" / "oefen-wacht.yaml").is_file()


# --------------------------------------------------------------------------- vocabulary


def test_near_duplicate_concepts_are_found(corpus_copy):
    vocab = contrib.Vocabulary.load(Project(corpus_copy))
    frame = vocab.concepts["frame-lock"]
    for cid, labels in (("framelock", ["iets anders", "something else"]),
                        ("nieuw-id", [frame.label["nl"].upper().replace("-", " "), "x"]),
                        ("frame-locks", ["iets anders", "something else"])):
        found = [c.id for c, why in contrib.similar_concepts(vocab, cid, labels)]
        assert "frame-lock" in found, (cid, labels)
    assert contrib.similar_concepts(vocab, "bestuurlijke-drukte-oefening",
                                    ["zeer specifieke oefenterm", "very specific exercise term"]) == []


def test_locate_quote_suggests_the_right_lines(corpus_copy):
    vocab = contrib.Vocabulary.load(Project(corpus_copy))
    essay = vocab.sources["essay-2025"]
    assert contrib.locate_quote(essay, FRAME_LOCK, None) == (53, 53)
    assert contrib.locate_quote(essay, FRAME_LOCK, "50-55") == (53, 53)
    with pytest.raises(contrib.ContribError, match="use --lines 53"):
        contrib.locate_quote(essay, FRAME_LOCK, "10-12")
    with pytest.raises(contrib.ContribError, match="stand at line 53, then it differs"):
        contrib.locate_quote(essay, "Dit heeft geleid tot 'frame-lock'", None)
