"""A blind sample of mechanism links for an independent second coder, and the agreement figure.

The sample file holds only what the second coder needs to code a link afresh: where the
passage stands (source, text file, lines), its text, and the two concepts (ids, labels,
definitions) in the direction of the claim. It leaves out every decision of the first coder
(sign, modality, stance, basis, voice, level, cases, note). The draw is seeded, so the sample
can be made again. :func:`agreement` compares the second coder's file with the links: Cohen's
kappa per decision.

    python -m pav_graph.mechanisms.sample OUTDIR [--n 45] [--seed 18]
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
        first, last = min(e.first_line for e in link.evidence), max(e.last_line for e in link.evidence)
        passage = source.text.excerpt(max(1, first - 2), min(len(source.text.lines), last + 2))
        a, b = corpus.concepts[link.source_concept], corpus.concepts[link.target_concept]
        item = f"M{i:02d}"
        keys[item] = link.key
        rows.append({"item": item, "source": ev.source, "text_file": f"sources/{source.text_path.relative_to(source.text_path.parent.parent)}",
                     "lines": f"{first}-{last}", "passage": passage,
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


def write_sample(corpus: Corpus, outdir: Path, n: int = 45, seed: int = 18) -> tuple[Path, Path]:
    """``mechanisms-sample.csv`` (blind) and ``mechanisms-sample-key.csv`` (item -> link id)."""
    rows, keys = sample_rows(corpus, draw(corpus.mechanisms, n, seed))
    outdir.mkdir(parents=True, exist_ok=True)
    sample = outdir / "mechanisms-sample.csv"
    write_text(sample, to_csv(rows, COLUMNS))
    key = outdir / "mechanisms-sample-key.csv"
    write_text(key, to_csv([{"item": k, "link": v} for k, v in keys.items()], ["item", "link"]))
    return sample, key


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
                         "kappa": cohen_kappa(first, second)}
    return result


def main() -> None:
    from pav_graph.load import load_corpus
    from pav_graph.project import Project

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--n", type=int, default=45)
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    corpus, problems = load_corpus(Project.find())
    if problems:
        raise SystemExit("the corpus has problems: run `pav-graph validate`")
    sample, key = write_sample(corpus, args.outdir, args.n, args.seed)
    print(f"wrote {sample} and {key}")


if __name__ == "__main__":
    main()
