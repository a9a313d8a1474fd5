"""A blind sample of mechanism links for an independent second coder, and the agreement figure.

The sample file holds only what the second coder needs to code a link afresh: where the
passage stands (source, text file, lines), its text, and the two concepts (ids, labels,
definitions) in the direction of the claim. It leaves out every decision of the first coder
(sign, modality, stance, basis, voice, level, cases, note). The draw is seeded, so the sample
can be made again. :func:`agreement` compares the second coder's file with the links: Cohen's
kappa and Krippendorff's alpha (nominal, as review/agreement.py for the claims) per decision.

    python -m pav_graph.mechanisms.sample sample SAMPLE.csv KEY.csv [--n 45] [--seed 18] [--exclude OLD-KEY.csv ...]
    python -m pav_graph.mechanisms.sample report CODED.csv KEY.csv
"""

from __future__ import annotations

import argparse
import csv
import io
import random
from collections import Counter
from pathlib import Path

from pav_graph.atomic import write_text
from pav_graph.mechanisms.model import MechanismLink
from pav_graph.model import Corpus
from pav_graph.privacy import mask_codes

CODED = ["sign", "modality", "stance", "basis", "voice", "level"]
COLUMNS = ["item", "source", "text_file", "lines", "passage", "from", "from_label", "from_definition",
           "to", "to_label", "to_definition", *CODED, "cases", "comment"]


def draw(links: list[MechanismLink], n: int, seed: int) -> list[MechanismLink]:
    rng = random.Random(seed)
    ordered = sorted(links, key=lambda link: link.key)
    return sorted(rng.sample(ordered, min(n, len(ordered))), key=lambda link: link.key)


def sample_rows(corpus: Corpus, links: list[MechanismLink]) -> tuple[list[dict], dict[str, str]]:
    """The blind rows, and the key behind each item (kept by the first coder, not shared)."""
    rows, keys = [], {}
    for i, link in enumerate(links, start=1):
        ev = link.evidence[0]
        source = corpus.sources[ev.source]
        # each quoted place with two lines around it (places of one claim joined by " […] "), with
        # any anonymisation code of a respondent masked
        places = sorted({(e.first_line, e.last_line) for e in link.evidence})
        lines = "; ".join(f"{a}-{b}" if a != b else str(a) for a, b in places)
        passage = " […] ".join(mask_codes(source.text.excerpt(max(1, a - 2), min(len(source.text.lines), b + 2)))
                               for a, b in places)
        a, b = corpus.concepts[link.source_concept], corpus.concepts[link.target_concept]
        item = f"M{i:02d}"
        keys[item] = link.key
        rows.append({"item": item, "source": ev.source, "text_file": f"sources/{source.text_path.relative_to(source.text_path.parent.parent)}",
                     "lines": lines, "passage": passage,
                     "from": a.id, "from_label": a.label["nl"], "from_definition": a.definition["nl"],
                     "to": b.id, "to_label": b.label["nl"], "to_definition": b.definition["nl"],
                     **{k: "" for k in CODED}, "cases": "", "comment": ""})
    return rows, keys


def to_csv(rows: list[dict], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def read_key(path: Path) -> dict[str, str]:
    """A sample's key: item -> link id."""
    with path.open(encoding="utf-8") as fh:
        return {row["item"]: row["link"] for row in csv.DictReader(fh)}


def write_sample(corpus: Corpus, sample: Path, key: Path, n: int = 45, seed: int = 18,
                 exclude: frozenset[str] = frozenset()) -> None:
    """The blind sample (for the second coder) and its key (item -> link id, kept apart: with
    the key and ontology/mechanisms.yaml one can read the first coder's decisions).

    ``exclude`` (link ids, e.g. of an earlier sample's key) draws a fresh sample: a rule
    sharpened on one sample's disagreements is tested on links it was not tuned on."""
    pool = [link for link in corpus.mechanisms if link.key not in exclude]
    rows, keys = sample_rows(corpus, draw(pool, n, seed))
    for path in (sample, key):
        path.parent.mkdir(parents=True, exist_ok=True)
    write_text(sample, to_csv(rows, COLUMNS))
    write_text(key, to_csv([{"item": k, "link": v} for k, v in keys.items()], ["item", "link"]))


def cohen_kappa(a: list[str], b: list[str]) -> float | None:
    """Cohen's kappa of two codings of the same items (None when undefined: no variation)."""
    n = len(a)
    if n == 0:
        return None
    observed = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[k] * cb[k] for k in set(ca) | set(cb)) / (n * n)
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


def krippendorff_alpha(a: list[str], b: list[str]) -> float | None:
    """Krippendorff's alpha (nominal) for two coders who coded every item (None: no variation)."""
    values = a + b
    n = len(values)
    if n < 2:
        return None
    counts = Counter(values)
    expected_disagreement = 1 - sum(c * (c - 1) for c in counts.values()) / (n * (n - 1))
    if expected_disagreement == 0:
        return None
    observed_disagreement = sum(x != y for x, y in zip(a, b)) / len(a)
    return 1 - observed_disagreement / expected_disagreement


def agreement(corpus: Corpus, coded: list[dict], key: dict[str, str]) -> dict[str, dict]:
    """Per decision: items compared, observed agreement and kappa, against the first coder."""
    links = {link.key: link for link in corpus.mechanisms}
    result = {}
    for field in CODED:
        pairs = [(getattr(links[key[r["item"]]], field), r[field].strip()) for r in coded
                 if r.get(field, "").strip() and key.get(r["item"]) in links]
        first, second = [p[0] for p in pairs], [p[1] for p in pairs]
        result[field] = {"n": len(pairs),
                         "observed": sum(x == y for x, y in pairs) / len(pairs) if pairs else None,
                         "kappa": cohen_kappa(first, second), "alpha": krippendorff_alpha(first, second)}
    # `level` compares literally, but the files write a link said of named cases as
    # `level: general` + `cases:`, while the instructions ask the coder for those cases' level:
    # `scope` compares what both mean -- general, a level of government, or named cases
    pairs = [("cases" if links[key[r["item"]]].cases else links[key[r["item"]]].level,
              "cases" if r.get("cases", "").strip() else r["level"].strip()) for r in coded
             if r.get("level", "").strip() and key.get(r["item"]) in links]
    first, second = [p[0] for p in pairs], [p[1] for p in pairs]
    result["scope"] = {"n": len(pairs),
                       "observed": sum(x == y for x, y in pairs) / len(pairs) if pairs else None,
                       "kappa": cohen_kappa(first, second), "alpha": krippendorff_alpha(first, second)}
    return result


def main() -> None:
    from pav_graph.load import load_corpus
    from pav_graph.project import Project

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sample", help="write the blind sample and its key")
    s.add_argument("sample", type=Path, help="the blind sample (CSV) for the second coder")
    s.add_argument("key", type=Path, help="item -> link id (CSV), kept by the first coder")
    s.add_argument("--n", type=int, default=45)
    s.add_argument("--seed", type=int, default=18)
    s.add_argument("--exclude", type=Path, action="append", default=[], metavar="KEY.csv",
                   help="leave out the links of an earlier sample's key (may repeat)")
    r = sub.add_parser("report", help="agreement of the second coder's file with the links")
    r.add_argument("coded", type=Path, help="the sample with the second coder's columns filled in")
    r.add_argument("key", type=Path)
    args = parser.parse_args()
    corpus, problems = load_corpus(Project.find())
    if problems:
        raise SystemExit("the corpus has problems: run `pav-graph validate`")
    if args.command == "sample":
        exclude = frozenset(link for path in args.exclude for link in read_key(path).values())
        write_sample(corpus, args.sample, args.key, args.n, args.seed, exclude)
        print(f"wrote {args.sample} and {args.key}")
        return
    key = read_key(args.key)
    coded = list(csv.DictReader(args.coded.open(encoding="utf-8")))
    for field, figures in agreement(corpus, coded, key).items():
        fmt = lambda x: "-" if x is None else f"{x:.2f}"
        print(f"{field}: n={figures['n']} observed={fmt(figures['observed'])} "
              f"kappa={fmt(figures['kappa'])} alpha={fmt(figures['alpha'])}")


if __name__ == "__main__":
    main()
