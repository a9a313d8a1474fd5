"""Synthetic corpora shaped like the real one, for benchmarks at 10 … 10,000 cases.

The shape is *measured* from the real ``cases/``: each synthetic case copies the item counts
(organisations, actors, findings, relations, interventions, events) of a randomly chosen real
case, so the joint distribution of those counts is the real one; the items themselves are drawn
from the pool of real items of that kind, with their real evidence (source, ``lines`` locator,
verbatim quote). Every quote therefore verifies against the real source texts, every concept id
is a real vocabulary id, and the synthetic corpus passes the same validator, SHACL shapes and
reasoner as the real one. Organisations are synthetic but consistent: ``synth-org-<k>`` always
has the same name and level, as the validator requires across cases.

Run as ``python -m benchmarks.synth 1000 /tmp/corpus-1000``.
"""

from __future__ import annotations

import argparse
import copy
import random
import shutil
import statistics
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from pav_graph import yamlio

try:
    from yaml import CSafeDumper as _Dumper
except ImportError:  # pragma: no cover
    from yaml import SafeDumper as _Dumper  # type: ignore[assignment]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
KINDS = ("organisations", "actors", "findings", "relations", "interventions", "events")
ITEM_KINDS = KINDS[1:]
LEVELS_FALLBACK = ["gemeente"]


@dataclass
class Shape:
    """What the real corpus looks like: per-case counts and the pools items are drawn from."""

    counts: list[dict[str, int]]  # one per real case
    templates: list[dict]  # the real case files (period, source_types)
    pools: dict[str, list[dict]] = field(default_factory=dict)  # kind -> real items
    levels: list[str] = field(default_factory=list)  # organisation levels, with repetition

    def summary(self) -> dict[str, dict[str, float]]:
        """Mean / median / max per kind, plus evidence items per case (for the docs)."""
        out = {}
        for kind in (*KINDS, "evidence"):
            values = [c[kind] for c in self.counts]
            out[kind] = {"mean": round(statistics.fmean(values), 2),
                         "median": statistics.median(values), "max": max(values)}
        return out


def evidence_count(case: dict) -> int:
    return sum(len(item.get("evidence") or []) for kind in ITEM_KINDS for item in case.get(kind) or [])


def measure(cases_dir: Path = PROJECT_ROOT / "cases") -> Shape:
    """Read the real case files and record their shape."""
    shape = Shape([], [], {k: [] for k in ITEM_KINDS})
    for path in sorted(cases_dir.glob("*.yaml")):
        case = yamlio.load(path)
        counts = {k: len(case.get(k) or []) for k in KINDS}
        counts["evidence"] = evidence_count(case)
        shape.counts.append(counts)
        shape.templates.append(case)
        for kind in ITEM_KINDS:
            shape.pools[kind].extend(case.get(kind) or [])
        shape.levels.extend(o["level"] for o in case["organisations"])
    return shape


def _org(k: int, levels: list[str]) -> dict:
    level = levels[k % len(levels)] if levels else LEVELS_FALLBACK[0]
    return {"id": f"synth-org-{k}", "name": f"Synthetische organisatie {k}", "level": level}


def synth_case(n: int, shape: Shape, rng: random.Random, n_orgs_pool: int) -> dict:
    """One synthetic case: counts of a real case, items drawn from the real pools."""
    template_index = rng.randrange(len(shape.counts))
    counts = shape.counts[template_index]
    template = shape.templates[template_index]
    cid = f"synth-{n:05d}"
    case: dict = {
        "id": cid,
        "label": {"nl": f"Synthetische casus {n}", "en": f"Synthetic case {n}"},
        "summary": {"nl": f"Synthetische casus {n} voor benchmarks, met echte citaten uit de bronnen.",
                    "en": f"Synthetic case {n} for benchmarks, with real quotes from the sources."},
    }
    if template.get("period"):
        case["period"] = copy.deepcopy(template["period"])
    if template.get("source_types"):
        case["source_types"] = list(template["source_types"])
    org_ids = rng.sample(range(n_orgs_pool), min(max(1, counts["organisations"]), n_orgs_pool))
    case["organisations"] = [_org(k, shape.levels) for k in org_ids]

    actors = []
    for i, real in enumerate(rng.sample(shape.pools["actors"], counts["actors"])):
        actor = {k: copy.deepcopy(v) for k, v in real.items() if k not in ("id", "organisation", "name")}
        actor["id"] = f"actor-{i + 1}"
        actor["organisation"] = rng.choice(case["organisations"])["id"]
        actors.append(actor)
    if actors:
        case["actors"] = actors
    actor_ids = [a["id"] for a in actors]

    # findings: one per concept, so draw distinct concepts (weighted by how often they occur)
    findings, used = [], set()
    pool = shape.pools["findings"]
    while len(findings) < counts["findings"] and len(used) < len({f["concept"] for f in pool}):
        real = rng.choice(pool)
        if real["concept"] not in used:
            used.add(real["concept"])
            findings.append(copy.deepcopy(real))
    if findings:
        case["findings"] = findings

    if len(actor_ids) >= 1 and counts["relations"]:
        relations = []
        for real in rng.sample(shape.pools["relations"], counts["relations"]):
            rel = copy.deepcopy(real)
            rel["from"], rel["to"] = rng.choice(actor_ids), rng.choice(actor_ids)
            relations.append(rel)
        case["relations"] = relations
    if counts["interventions"]:
        case["interventions"] = copy.deepcopy(rng.sample(shape.pools["interventions"],
                                                         counts["interventions"]))
    events = []
    for real in rng.sample(shape.pools["events"], counts["events"]):
        event = copy.deepcopy(real)
        if event.get("actors"):
            event["actors"] = (rng.sample(actor_ids, min(len(event["actors"]), len(actor_ids)))
                               if actor_ids else None)
            if not event["actors"]:
                del event["actors"]
        if event.get("departing"):  # the first remapped actor leaves (no draw: same corpus as before)
            if event.get("actors"):
                event["departing"] = event["actors"][:1]
            else:
                del event["departing"]
        events.append(event)
    if events:
        case["events"] = events
    if not any(case.get(k) for k in ("findings", "relations", "interventions", "events")):
        case["findings"] = [copy.deepcopy(rng.choice(pool))]  # the schema needs one statement
    return case


def dump(case: dict) -> str:
    header = "# Synthetic benchmark case (benchmarks/synth.py); quotes are real, the case is not.\n"
    return header + yaml.dump(case, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def make_corpus(n_cases: int, target: Path, *, seed: int = 9, shape: Shape | None = None,
                source_root: Path = PROJECT_ROOT) -> Path:
    """Write a corpus directory with ``n_cases`` synthetic case files; returns ``target``."""
    shape = shape or measure(source_root / "cases")
    rng = random.Random(seed)
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name in ("ontology", "sources", "queries"):
        if (source_root / name).is_dir():
            shutil.copytree(source_root / name, target / name)
        else:
            (target / name).mkdir()
    cases_dir = target / "cases"
    cases_dir.mkdir()
    n_orgs_pool = max(5, n_cases // 3)
    for n in range(1, n_cases + 1):
        case = synth_case(n, shape, rng, n_orgs_pool)
        (cases_dir / f"{case['id']}.yaml").write_text(dump(case), encoding="utf-8")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", type=int)
    parser.add_argument("target", type=Path)
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()
    make_corpus(args.cases, args.target, seed=args.seed)
    print(f"wrote {args.cases} cases to {args.target}")


if __name__ == "__main__":
    main()
