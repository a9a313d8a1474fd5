"""Editing and removing items of case files keeps every other byte: `case edit-finding`,
`case remove-item` and the text edits under them (pav_graph.caseedit), on every real case file.

The real files are only read; everything that writes works on ``corpus_copy``.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from contribkit import digest

from pav_graph import caseedit, casefile

pytestmark = pytest.mark.usefixtures("own_build_dir")

ROOT = Path(__file__).resolve().parent.parent
CASE_FILES = sorted((ROOT / "cases").glob("*.yaml"))
FRAME_LOCK = "Dit heeft geleid tot ‘frame-lock’"
WANTROUWEN = "Daarmee samenhangend groeit in veel casussen het onderlinge wantrouwen."


def diff(before: str, after: str) -> list[tuple[str, list[str], list[str]]]:
    a, b = before.split("\n"), after.split("\n")
    return [(tag, a[i1:i2], b[j1:j2]) for tag, i1, i2, j1, j2
            in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes() if tag != "equal"]


def test_there_are_real_case_files():
    assert len(CASE_FILES) >= 30


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.stem)
def test_every_edit_of_a_real_case_changes_only_its_own_lines(path):
    text = path.read_text(encoding="utf-8")
    doc = casefile.parse(text)
    ev = casefile.evidence_item("essay-2025", 53, 53, FRAME_LOCK)
    edits = 0
    for kind in caseedit.LISTS:
        items = doc.get(kind) or []
        for i in sorted({0, len(items) - 1}) if items else []:
            after = caseedit.remove_item(text, (kind,), i)
            (change,) = diff(text, after)
            assert change[0] == "delete", change  # one block of lines goes, nothing else moves
            edits += 1
        if not items or kind == "actors":
            continue
        # a qualifier added, changed and removed again: one line each time (a claim the
        # review already qualified: changed and set back)
        if "stance" in items[0]:
            was = str(items[0]["stance"])
            other = caseedit.set_value(text, (kind, 0), "stance", "denies" if was != "denies" else "hedges")
            assert [c[0] for c in diff(text, other)] == ["replace"]
            assert caseedit.set_value(other, (kind, 0), "stance", was) == text
            continue
        added = caseedit.set_value(text, (kind, 0), "stance", "hedges")
        assert diff(text, added) == [("insert", [], [diff(text, added)[0][2][0]])]
        assert diff(text, added)[0][2][0].strip() == "stance: hedges"
        changed = caseedit.set_value(added, (kind, 0), "stance", "denies")
        ((tag, old, new),) = diff(added, changed)
        assert tag == "replace" and old[0].replace("hedges", "denies") == new[0]
        assert caseedit.set_value(changed, (kind, 0), "stance", None) == text
        # the first evidence item replaced: only its own lines change
        evidence = items[0].get("evidence") or []
        if evidence and not evidence.fa.flow_style():
            replaced = caseedit.replace_item(text, (kind, 0, "evidence"), 0, ev)
            ((tag, old, new),) = diff(text, replaced)
            assert tag == "replace" and any(FRAME_LOCK in line for line in new)
            assert casefile.parse(replaced)[kind][0]["evidence"][0]["quote"] == FRAME_LOCK
            if len(evidence) > 1:
                after = caseedit.remove_item(text, (kind, 0, "evidence"), len(evidence) - 1)
                assert [c[0] for c in diff(text, after)] == ["delete"]
        edits += 1
    assert edits >= 2


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.stem)
def test_edit_finding_and_remove_item_on_every_real_case(run, corpus_copy, path):
    target = corpus_copy / "cases" / path.name
    before = target.read_text(encoding="utf-8")
    findings = casefile.parse(before).get("findings") or []
    if not findings:
        pytest.skip(f"{path.stem} has no findings")
    concept = findings[-1]["concept"]
    r = run("case", "edit-finding", path.stem, "--concept", concept, "--note",
            "Een oefennotitie: ‘in eigen woorden’.")
    assert r.exit_code == 0, r.output
    noted = target.read_text(encoding="utf-8")
    changes = diff(before, noted)
    assert len(changes) == 1 and changes[0][0] in ("insert", "replace"), changes
    assert all("Een oefennotitie" in line for line in changes[0][2])
    assert run("case", "validate", target).exit_code == 0
    r = run("case", "edit-finding", path.stem, "--concept", concept, "--evidence", "1",
            "--source", "essay-2025", "--quote", WANTROUWEN)
    assert r.exit_code == 0, r.output
    assert len(diff(noted, target.read_text(encoding="utf-8"))) == 1
    total = sum(len(casefile.parse(before).get(k) or []) for k in caseedit.LISTS if k != "actors")
    r = run("case", "remove-item", path.stem, "--finding", str(len(findings)))
    if total > 1:
        assert r.exit_code == 0, r.output
        after = target.read_text(encoding="utf-8")
        assert [c[0] for c in diff(before, after)] == ["delete"]
        assert run("case", "validate", target).exit_code == 0
    else:  # the only claim of the case: refused, nothing written
        assert r.exit_code == 1 and "the file was not changed" in r.output


def test_an_edit_that_would_break_the_file_is_refused(run, corpus_copy):
    cases = corpus_copy / "cases"
    before = digest(cases)
    maastricht = casefile.parse((cases / "maastricht-2025.yaml").read_text(encoding="utf-8"))
    single = next(f["concept"] for f in maastricht["findings"] if len(f["evidence"]) == 1)
    refusals = [
        (("--finding", single, "--evidence", "1"), "missing required field 'evidence'"),
        (("--actor", "college"), "relation to unknown actor 'college'"),
        (("--finding", "frame-lok"), "did you mean 'frame-lock'"),
        (("--event", "99"), "there is no event 99"),
    ]
    for args, message in refusals:
        r = run("case", "remove-item", "maastricht-2025", *args)
        assert r.exit_code == 1, (args, r.output)
        assert message in r.output, (args, r.output)
        assert "Traceback" not in r.output
    r = run("case", "edit-finding", "maastricht-2025", "--concept", "frame-lock", "--to", "wantrouwen")
    assert r.exit_code == 1 and "already has a finding 'wantrouwen'" in r.output
    r = run("case", "edit-finding", "maastricht-2025", "--concept", "frame-lock", "--to", "frame-lok")
    assert r.exit_code == 2 and "did you mean 'frame-lock'" in r.output
    r = run("case", "edit-finding", "maastricht-2025", "--concept", "frame-lock", "--evidence", "1",
            "--source", "essay-2025", "--quote", "Dit staat niet in het essay")
    assert r.exit_code == 1 and "not in source 'essay-2025'" in r.output
    for args in ((), ("--quote", FRAME_LOCK), ("--evidence", "1")):
        r = run("case", "edit-finding", "maastricht-2025", "--concept", "frame-lock", *args)
        assert r.exit_code == 2, (args, r.output)
    assert run("case", "remove-item", "maastricht-2025").exit_code == 2
    assert run("case", "remove-item", "maastricht-2025", "--finding", "a", "--event", "1").exit_code == 2
    assert digest(cases) == before


def test_items_in_one_line_lists_are_refused_with_the_place():
    text = ("id: x\nfindings:\n  - concept: a\n    evidence: [{source: s, lines: 1, quote: \"q\"}, "
            "{source: s, lines: 2, quote: \"r\"}]\n")
    with pytest.raises(casefile.EditError, match=r"findings\.0\.evidence.*one-line.*by hand"):
        caseedit.remove_item(text, ("findings", 0, "evidence"), 1)
    flow = "id: x\nfindings:\n  - {concept: a, evidence: [{source: s, lines: 1, quote: q}]}\n"
    with pytest.raises(casefile.EditError, match="one-line"):
        caseedit.set_value(flow, ("findings", 0), "stance", "hedges")


def test_a_comment_between_items_stays_with_the_item_it_introduces():
    text = ("id: x\nfindings:\n  - concept: a\n    evidence:\n      - {source: s, lines: 1, quote: q}\n"
            "  # b: from the second report\n  - concept: b\n    evidence:\n"
            "      - {source: s, lines: 2, quote: r}\n# the end\n")
    after = caseedit.remove_item(text, ("findings",), 0)
    assert after == ("id: x\nfindings:\n  # b: from the second report\n  - concept: b\n"
                     "    evidence:\n      - {source: s, lines: 2, quote: r}\n# the end\n")
    only = caseedit.remove_item(after, ("findings",), 0)
    assert only == "id: x\n# the end\n"


def _first_claim(data: dict) -> tuple[str, str] | None:
    for kind, flag in (("findings", "--finding"), ("relations", "--relation"),
                       ("interventions", "--intervention"), ("events", "--event")):
        if data.get(kind):
            return kind, flag
    return None


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.stem)
def test_qualify_changes_one_line_and_back_on_every_real_case(run, corpus_copy, path):
    target = corpus_copy / "cases" / path.name
    before = target.read_text(encoding="utf-8")
    data = casefile.parse(before)
    kind, flag = _first_claim(data)
    item = data[kind][0]
    if any(k in item for k in ("stance", "voice")):
        pytest.skip(f"{path.stem}: its first claim is already qualified")
    r = run("case", "qualify", path.stem, flag, "1", "--stance", "hedges")
    assert r.exit_code == 0, r.output
    hedged = target.read_text(encoding="utf-8")
    assert [(tag, new) for tag, _, new in diff(before, hedged)] == [
        ("insert", [next(line for line in hedged.split("\n") if line.strip() == "stance: hedges")])]
    assert run("case", "validate", target).exit_code == 0
    r = run("case", "qualify", path.stem, flag, "1", "--voice", "cited-report",
            "--attributed-to-nl", "het rapport", "--attributed-to-en", "the report")
    assert r.exit_code == 0, r.output
    assert [c[0] for c in diff(hedged, target.read_text(encoding="utf-8"))] == ["insert"]
    assert run("case", "validate", target).exit_code == 0
    r = run("case", "qualify", path.stem, flag, "1", "--stance", "states", "--voice", "author",
            "--no-attributed-to")
    assert r.exit_code == 0, r.output
    assert target.read_text(encoding="utf-8") == before  # defaults remove the keys again


def test_qualify_refuses_unknown_values_and_changes_nothing(run, corpus_copy):
    cases = corpus_copy / "cases"
    before = digest(cases)
    for args, message in ((("--finding", "frame-lock", "--stance", "hedge"), "did you mean 'hedges'"),
                          (("--finding", "frame-lock", "--voice", "respondent"),
                           "did you mean 'respondents'"),
                          (("--finding", "frame-lock"), "say what to change"),
                          (("--stance", "hedges"), "name one claim"),
                          (("--finding", "frame-lock", "--attributed-to-nl", "x"), "give both")):
        r = run("case", "qualify", "maastricht-2025", *args)
        assert r.exit_code == 2 and message in r.output, (args, r.output)
    r = run("case", "qualify", "maastricht-2025", "--finding", "frame-lok", "--stance", "hedges")
    assert r.exit_code == 1 and "did you mean 'frame-lock'" in r.output
    assert digest(cases) == before
