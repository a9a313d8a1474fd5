"""Inter-coder agreement on the claims' qualifiers (docs/annotation-guide.md, "Agreement").

Two steps, with a second coder in between who sees only the annotation guide, the sources and
the file this script writes:

    python review/agreement.py sample --n 80 --seed 2026 OUT.csv
        [--exclude EARLIER.csv] [--every-hedge-and-denial]
        a random sample of the corpus's claims (findings, relations, interventions, events),
        stratified by source, with what a coder needs to judge each one: the case, the kind of
        claim, the concept and its definition (or the relation's two actors), and the quotes
        with their source and lines — but NOT the qualifiers the claim carries;

    python review/agreement.py report CODED.csv [--json review/agreement.json]
        compares the second coder's stance, basis and voice (and whether the claim belongs to
        the case at all) with the corpus and prints Krippendorff's alpha (nominal) per
        qualifier, with the raw agreement and the confusion pairs.

A claim the second coder says is not a claim of the case (``of_case = no``) counts as
disagreement on ``of_case`` and is left out of the qualifier comparison.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pav_graph.claims import BASES, STANCES, VOICES
from pav_graph.load import load_corpus
from pav_graph.model import claim_concept
from pav_graph.project import Project

SAMPLE_COLUMNS = ["sample_id", "case", "kind", "claim", "concept", "concept_kind", "concept_label",
                  "concept_definition", "detail", "quotes"]
CODED_COLUMNS = ["sample_id", "of_case", "stance", "basis", "voice", "comment"]
QUALIFIERS = {"stance": STANCES, "basis": BASES, "voice": VOICES}


def claims(corpus) -> list[dict]:
    """Every claim of the corpus with what the coder sees and what the corpus says."""
    out = []
    for case in sorted(corpus.cases.values(), key=lambda c: c.id):
        actors = {a.id: a.label.get("nl", a.id) for a in case.actors}
        for kind, item in case.claims():
            cid = claim_concept(kind, item)
            concept = corpus.concepts.get(cid) if cid else None
            if kind == "relation":
                detail = f"van: {actors.get(item.source_actor)} → naar: {actors.get(item.target_actor)}"
            elif kind == "intervention":
                detail = f"status: {item.status}"
            elif kind == "event":
                detail = f"gebeurtenis: {item.label.get('nl', '')}" + (f" ({item.date})" if item.date else "")
            else:
                detail = ""
            quotes = " || ".join(f"[{e.source}, {e.locator}] {e.quote}" for e in item.evidence)
            out.append({
                "case": case.id, "kind": kind, "claim": item.key, "concept": cid or "",
                "concept_kind": concept.kind if concept else "",
                "concept_label": concept.label.get("nl", "") if concept else "",
                "concept_definition": concept.definition.get("nl", "") if concept else "",
                "detail": detail, "quotes": quotes,
                "source": item.evidence[0].source,
                "stance": item.stance, "basis": item.basis, "voice": item.voice,
            })
    return out


def sample(rows: list[dict], n: int, seed: int) -> list[dict]:
    """``n`` claims at random, stratified by the source of their first quote (proportional)."""
    rng = random.Random(seed)
    by_source: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_source[row["source"]].append(row)
    picked: list[dict] = []
    for source in sorted(by_source):
        group = by_source[source]
        k = max(1, round(n * len(group) / len(rows)))
        picked += rng.sample(group, min(k, len(group)))
    rng.shuffle(picked)
    return picked


def alpha(pairs: list[tuple[str, str]], values: tuple[str, ...]) -> float | None:
    """Krippendorff's alpha (nominal) for two coders; None when there is no variation at all."""
    import krippendorff
    import numpy as np

    index = {v: i for i, v in enumerate(values)}
    data = np.array([[index[a] for a, _ in pairs], [index[b] for _, b in pairs]], dtype=float)
    if len({v for pair in pairs for v in pair}) < 2:
        return None
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def report(coded_path: Path, sample_path: Path, corpus) -> dict:
    by_key = {(r["case"], r["claim"]): r for r in claims(corpus)}
    sampled = {r["sample_id"]: r for r in csv.DictReader(sample_path.open(encoding="utf-8"))}
    coded = list(csv.DictReader(coded_path.open(encoding="utf-8")))
    of_case: list[tuple[str, str]] = []
    pairs: dict[str, list[tuple[str, str]]] = {k: [] for k in QUALIFIERS}
    missing = []
    for row in coded:
        s = sampled[row["sample_id"]]
        ours = by_key.get((s["case"], s["claim"]))
        if ours is None:  # the claim was dropped or changed after the sample was drawn
            missing.append(s["claim"])
            continue
        theirs_of_case = row["of_case"].strip().lower()
        of_case.append(("yes", "yes" if theirs_of_case in ("yes", "ja", "y") else "no"))
        if of_case[-1][1] == "no":
            continue
        for key in QUALIFIERS:
            pairs[key].append((ours[key], row[key].strip()))
    result = {"n_coded": len(coded), "n_compared": len(pairs["stance"]),
              "not_in_corpus_any_more": missing,
              "of_case_agreement": sum(a == b for a, b in of_case) / len(of_case) if of_case else None}
    for key, values in QUALIFIERS.items():
        ps = pairs[key]
        result[key] = {
            "alpha": alpha(ps, values),
            "agreement": sum(a == b for a, b in ps) / len(ps) if ps else None,
            "first_coder": dict(Counter(a for a, _ in ps)),
            "second_coder": dict(Counter(b for _, b in ps)),
            "disagreements": dict(Counter(f"{a} → {b}" for a, b in ps if a != b)),
        }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("sample")
    p.add_argument("out", type=Path)
    p.add_argument("--n", type=int, default=80)
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--exclude", type=Path, action="append", default=[],
                   help="an earlier sample: its claims are not drawn again")
    p.add_argument("--every-hedge-and-denial", action="store_true",
                   help="take every hedged or denied claim, then fill up to --n at random (a "
                        "random sample of a corpus with few of them leaves stance without "
                        "variation, and its alpha undefined)")
    r = sub.add_parser("report")
    r.add_argument("coded", type=Path)
    r.add_argument("--sample", type=Path, required=True)
    r.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    corpus, problems = load_corpus(Project(ROOT))
    if problems.errors:
        print(f"the corpus has {len(problems.errors)} problem(s): run pav-graph validate", file=sys.stderr)
        return 1
    if args.cmd == "sample":
        pool = claims(corpus)
        done = {(r["case"], r["claim"]) for path in args.exclude
                for r in csv.DictReader(path.open(encoding="utf-8"))}
        pool = [r for r in pool if (r["case"], r["claim"]) not in done]
        fixed = [r for r in pool if r["stance"] != "states"] if args.every_hedge_and_denial else []
        rest = [r for r in pool if r not in fixed]
        rows = fixed + sample(rest, args.n - len(fixed), args.seed)
        random.Random(args.seed).shuffle(rows)
        with args.out.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=SAMPLE_COLUMNS, extrasaction="ignore")
            writer.writeheader()
            for i, row in enumerate(rows, start=1):
                writer.writerow({**row, "sample_id": f"s{i:03d}"})
        print(f"wrote {len(rows)} claims to {args.out}")
        return 0
    result = report(args.coded, args.sample, corpus)
    text = json.dumps(result, ensure_ascii=False, indent=2)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
