"""Which links, loops and chains a case shows, with its own claims, and what is missing.

A case *shows* a link when both concepts are present in the case through its own claims
(finding, relation type, intervention, event type or role) — under the counting rule: present
means a counting claim supplies it; a concept supplied only by hedged or interpreted claims is
*possibly* present, and a link with such an end is shown only possibly ("mogelijk"). A loop or
chain is shown *whole* when the case shows every link of it. The *missing link* of a loop or
chain in a case is a link that is not shown, with the concept(s) the case lacks.

A loop shown whole in cases at different levels of government is the strongest sign of a
systemic pattern; :func:`rank` orders loops and chains by that (then by the number of cases).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pav_graph.mechanisms.graph import Edge, Path


@dataclass
class CaseConcepts:
    """What the analysis needs to know of a case: its levels and its concepts' standing."""

    id: str
    label: dict
    levels: list[str]
    standing: dict[str, str]  # concept -> counts | possible (denied concepts are left out)

    def presence(self, concept: str, include_possible: bool = True) -> str | None:
        s = self.standing.get(concept)
        if s == "counts" or (s == "possible" and include_possible):
            return s
        return None


def from_case(case) -> CaseConcepts:
    """From the validated model (``pav_graph.model.Case``)."""
    standing = {c: "possible" for c in case.linked_concepts("possible")}
    standing.update({c: "counts" for c in case.linked_concepts("counts")})
    return CaseConcepts(case.id, case.label, case.levels, standing)


@dataclass
class Step:
    edge: Edge
    status: str  # shown | possible | missing | denied
    missing: list[str] = field(default_factory=list)  # concepts the case lacks for this link


def step_in(edge: Edge, case: CaseConcepts, include_possible: bool = True) -> Step:
    """How the case shows one link: shown, possible, missing (with the concepts it lacks), or
    denied - a source examined this link in this very case and rejects it (it is then not shown
    even when both concepts are present)."""
    if any(c.denied and case.id in c.cases for c in edge.claims):
        return Step(edge, "denied")
    ends = [case.presence(c, include_possible) for c in (edge.source, edge.target)]
    missing = [c for c, s in zip((edge.source, edge.target), ends) if s is None]
    if missing:
        return Step(edge, "missing", missing)
    whole = edge.standing == "counts" and all(s == "counts" for s in ends)
    return Step(edge, "shown" if whole else "possible")


@dataclass
class PathInCase:
    path: Path
    case: CaseConcepts
    steps: list[Step]

    @property
    def shown(self) -> int:
        return sum(s.status == "shown" for s in self.steps)

    @property
    def present(self) -> int:
        """Links shown or possibly shown."""
        return sum(s.status in ("shown", "possible") for s in self.steps)

    @property
    def whole(self) -> bool:
        return all(s.status == "shown" for s in self.steps)

    @property
    def possibly_whole(self) -> bool:
        return not self.whole and all(s.status in ("shown", "possible") for s in self.steps)

    @property
    def missing(self) -> list[Step]:
        return [s for s in self.steps if s.status in ("missing", "denied")]


def in_case(path: Path, case: CaseConcepts, include_possible: bool = True) -> PathInCase:
    return PathInCase(path, case, [step_in(e, case, include_possible) for e in path.edges])


@dataclass
class Ranked:
    """A loop or chain with the cases that show it whole, their levels, and the partial cases."""

    path: Path
    whole: list[CaseConcepts]
    possibly_whole: list[CaseConcepts]
    partial: list[PathInCase]  # at least one link shown or possibly shown, not whole

    @property
    def levels(self) -> list[str]:
        return sorted({lv for c in self.whole for lv in c.levels})

    @property
    def possible_levels(self) -> list[str]:
        return sorted({lv for c in self.whole + self.possibly_whole for lv in c.levels})

    @property
    def score(self) -> tuple:
        """Higher is stronger: levels of whole cases, whole cases, then possibly whole ones."""
        return (len(self.levels), len(self.whole), len(self.possible_levels), len(self.possibly_whole),
                len(self.path))


def present_in(cases: list[CaseConcepts], pairs) -> dict[tuple[str, str], list[int]]:
    """For each (source, target) pair: the indices of the cases that have both concepts (counting
    or possible), in order. Only these cases can show the link: the others need no step at all
    (at 10,000 cases and a hundred links, computing every step took half a minute)."""
    having: dict[str, set[int]] = {}
    for i, case in enumerate(cases):
        for concept in case.standing:
            having.setdefault(concept, set()).add(i)
    return {(a, b): sorted(having.get(a, set()) & having.get(b, set())) for a, b in pairs}


def rank(paths: Iterable[Path], cases: Iterable[CaseConcepts]) -> list[Ranked]:
    """Each path with the cases that show it, strongest first (see :attr:`Ranked.score`)."""
    cases = list(cases)
    paths = list(paths)
    edges = {(e.source, e.target): e for p in paths for e in p.edges}
    present = present_in(cases, edges)
    steps: dict[tuple[int, tuple[str, str]], Step] = {}  # each (case, link) once: paths share links

    def step(i: int, pair: tuple[str, str]) -> Step:
        if (i, pair) not in steps:
            steps[(i, pair)] = step_in(edges[pair], cases[i])
        return steps[(i, pair)]

    ranked = []
    for path in paths:
        whole, possible, partial = [], [], []
        pairs = [(e.source, e.target) for e in path.edges]
        # a case that has no link of the path shows none of it: it is in no list
        for i in sorted({i for pair in pairs for i in present[pair]}):
            view = PathInCase(path, cases[i], [step(i, pair) for pair in pairs])
            if view.whole:
                whole.append(cases[i])
            elif view.possibly_whole:
                possible.append(cases[i])
            elif view.present:
                partial.append(view)
        partial.sort(key=lambda v: (-v.shown, -v.present, v.case.id))
        ranked.append(Ranked(path, whole, possible, partial))
    ranked.sort(key=lambda r: (tuple(-x for x in r.score), r.path.nodes))
    return ranked


@dataclass
class CaseMechanisms:
    """Everything ``pav-graph explain CASE`` shows about mechanisms."""

    case: CaseConcepts
    links: list[Step]  # links the case shows (or possibly shows)
    denied: list[Step]  # links a source examined in this case and rejects
    loops: list[PathInCase]  # loops with at least one link shown
    chains: list[list[Step]]  # maximal chains within the links the case shows
    next_links: list[Step]  # links from a present concept to one the case lacks
    prior_links: list[Step]  # links into a present concept from one the case lacks


def explain_case(case: CaseConcepts, edges: dict[tuple[str, str], Edge], loops: list[Path],
                 include_possible: bool = True) -> CaseMechanisms:
    steps = {pair: step_in(e, case, include_possible) for pair, e in edges.items()}
    shown = [s for s in steps.values() if s.status in ("shown", "possible")]
    denied = [s for s in steps.values() if s.status == "denied"]
    loop_views = [v for v in (in_case(p, case, include_possible) for p in loops) if v.present]
    loop_views.sort(key=lambda v: (not v.whole, not v.possibly_whole, -v.shown, v.path.nodes))
    next_links = [s for s in steps.values() if s.status == "missing" and s.missing == [s.edge.target]]
    prior_links = [s for s in steps.values() if s.status == "missing" and s.missing == [s.edge.source]]
    return CaseMechanisms(case, shown, denied, loop_views, _chains(shown), next_links, prior_links)


def _chains(steps: list[Step]) -> list[list[Step]]:
    """Maximal simple paths of two or more links among the shown links, longest first."""
    out: dict[str, list[Step]] = {}
    by_source: dict[str, list[Step]] = {}
    for s in steps:
        by_source.setdefault(s.edge.source, []).append(s)
    targets = {s.edge.target for s in steps}
    starts = sorted({s.edge.source for s in steps} - targets) or sorted({s.edge.source for s in steps})
    found: list[list[Step]] = []
    for start in starts:
        stack: list[tuple[str, list[Step]]] = [(start, [])]
        while stack:
            node, path = stack.pop()
            seen = {start} | {s.edge.target for s in path}
            nxt = [s for s in by_source.get(node, []) if s.edge.target not in seen]
            if not nxt:
                if len(path) >= 2:
                    found.append(path)
                continue
            for s in sorted(nxt, key=lambda s: s.edge.target, reverse=True):
                stack.append((s.edge.target, path + [s]))
            if len(found) > 10_000:
                break
    for path in found:
        key = "|".join(s.edge.source for s in path) + "|" + path[-1].edge.target
        out.setdefault(key, path)
    return sorted(out.values(), key=lambda p: (-len(p), [s.edge.source for s in p]))
