"""``python -m benchmarks.suggest [--write]``: `case suggest` measured by leaving each source out.

For each of the four sources that carry cases, the retrieval index is built without any quote
of that source, suggestions are made for each of its cases from the source text and the case's
organisation names and title only, and compared with the claims the corpus holds for the case
(:mod:`pav_graph.suggest.evaluate` says exactly how). Printed as Markdown tables: recall@10 per
concept kind and precision of the top 20 — once with the full profiles (labels, definitions and
the corpus's quotes), once with labels and definitions only, to show what the quotes add.
``--write`` puts the tables into docs/adding-a-case.md between the ``suggest-figures`` markers.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "adding-a-case.md"
START, END = "<!-- suggest-figures:start -->", "<!-- suggest-figures:end -->"
KINDS = ("pattern", "risk-factor", "dilemma", "framework", "criterion", "influence-means",
         "intervention", "relation-type", "event-type")
SHORT = {"pattern": "pattern", "risk-factor": "risk factor", "dilemma": "dilemma",
         "framework": "framework", "criterion": "criterion", "influence-means": "influence",
         "intervention": "intervention", "relation-type": "relation", "event-type": "event"}


def _cell(hits: int, gold: int) -> str:
    return f"{hits}/{gold}" if gold else "–"


def tables(corpus) -> tuple[str, dict]:
    from pav_graph.suggest.evaluate import CASE_SOURCES, evaluate_source

    out, totals = [], {}
    for quotes in (True, False):
        results = [evaluate_source(corpus, s, quotes=quotes) for s in CASE_SOURCES]
        title = ("labels, definitions and quotes (what `case suggest` uses)" if quotes
                 else "labels and definitions only (no quotes)")
        out.append(f"**{title}** — recall@10 as hits/claims per concept kind:\n")
        out.append("| held-out source | cases | passages | " + " | ".join(SHORT[k] for k in KINDS)
                   + " | recall@10 | precision@20 | precision@20, concept only | stance right |")
        out.append("|---|---:|---:|" + "---:|" * len(KINDS) + "---:|---:|---:|---:|")
        all_h = all_g = 0
        for r in results:
            h, g = r.recall()
            all_h, all_g = all_h + h, all_g + g
            agree, hits = r.stance
            out.append(f"| {r.source} | {len(r.cases)} | {r.passages} | "
                       + " | ".join(_cell(*r.recall(k)) for k in KINDS)
                       + f" | **{h / g:.2f}** ({h}/{g}) | **{r.precision:.2f}** | "
                       f"{r.precision_concept:.2f} | {agree}/{hits} |")
        out.append("")
        totals["quotes" if quotes else "no-quotes"] = (all_h, all_g)
    return "\n".join(out), totals


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.suggest",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help=f"update {DOC.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    from pav_graph.load import load_corpus
    from pav_graph.project import Project

    t0 = time.perf_counter()
    corpus, _ = load_corpus(Project(ROOT), check_quotes=False)
    body, totals = tables(corpus)
    seconds = time.perf_counter() - t0
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                            check=False, capture_output=True, text=True).stdout.strip() or "?"
    n_cases = len(corpus.cases)
    header = (f"Measured on the corpus at commit `{commit}` ({n_cases} cases; "
              f"`python -m benchmarks.suggest --write`, {seconds:.0f} s on this project's 2-core "
              "machine).\n\n")
    print(header + body)
    for key, (h, g) in totals.items():
        print(f"{key}: {h}/{g} = {h / g:.3f}")
    if args.write:
        text = DOC.read_text(encoding="utf-8")
        if START not in text:
            raise SystemExit(f"{DOC}: no {START} marker")
        new = re.sub(re.escape(START) + ".*?" + re.escape(END),
                     lambda _: f"{START}\n{header}{body}{END}", text, flags=re.DOTALL)
        DOC.write_text(new, encoding="utf-8")
        print(f"wrote {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
