"""The review log covers every claim, and says what the case files say.

``review/claims-review.csv`` (docs/annotation-guide.md § 10) has one row per claim reviewed:
its id before the review, the id after it where that changed (``claim_after``), the decision and
the qualifiers after review. Every claim now in cases/ must have its row, with the same stance,
basis and voice as the file; a kept claim whose qualifiers are changed without the log following
fails here.
"""

from __future__ import annotations

import csv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOG = ROOT / "review" / "claims-review.csv"
DECISIONS = {"keep", "requalify", "fix", "move", "drop"}
COLUMNS = ["case", "claim", "claim_after", "kind", "decision", "stance", "basis", "voice", "reason"]


def rows() -> list[dict]:
    with LOG.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == COLUMNS
        return list(reader)


def test_every_row_is_well_formed():
    for row in rows():
        where = f"{row['case']}/{row['claim']}"
        assert row["decision"] in DECISIONS, where
        assert row["kind"] in {"finding", "relation", "intervention", "event"}, where
        assert row["reason"].strip(), f"{where}: every decision has its reason"
        if row["decision"] in ("drop", "move"):
            assert not row["claim_after"], where


def test_every_claim_has_its_row_with_the_files_qualifiers(corpus):
    live = {(r["case"], r["claim_after"] or r["claim"]): r for r in rows()
            if r["decision"] in ("keep", "requalify", "fix")}
    missing, differ = [], []
    for case in corpus.cases.values():
        for kind, item in case.claims():
            row = live.get((case.id, item.key))
            if row is None:
                missing.append(f"{case.id}/{item.key}")
                continue
            assert row["kind"] == kind, f"{case.id}/{item.key}"
            if (row["stance"], row["basis"], row["voice"]) != (item.stance, item.basis, item.voice):
                differ.append(f"{case.id}/{item.key}")
    assert not missing, f"claims without a row in {LOG.name}: {missing}"
    assert not differ, f"qualifiers in the log differ from the case file: {differ}"


def test_no_live_row_points_to_a_claim_that_is_gone(corpus):
    present = {(c.id, item.key) for c in corpus.cases.values() for _, item in c.claims()}
    gone = [f"{r['case']}/{r['claim_after'] or r['claim']}" for r in rows()
            if r["decision"] in ("keep", "requalify", "fix")
            and (r["case"], r["claim_after"] or r["claim"]) not in present]
    assert not gone, f"rows say kept, but the claim is not in cases/: {gone}"
