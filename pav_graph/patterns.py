"""Why a case matches a composite pattern: which items supply each required concept.

The reasoner decides *whether* a case is in a pattern class; this module says *why*, from the
model, so the explanation can name the findings, events, roles, relations or interventions
(and their quotes) behind each part — or the part that is missing.
"""

from __future__ import annotations

from dataclasses import dataclass

from pav_graph.model import Case, CompositePattern, Evidence


@dataclass
class Support:
    """One item of a case that links it to a concept."""

    kind: str  # finding | role | relation | intervention | event
    iri_suffix: str  # path under the case IRI, e.g. "finding/frame-lock"
    evidence: list[Evidence]
    text: str


def supports(case: Case, concept_id: str) -> list[Support]:
    items: list[Support] = []
    for f in case.findings:
        if f.concept == concept_id:
            items.append(Support("finding", f"finding/{f.concept}", f.evidence, f.note or ""))
    for a in case.actors:
        if a.role == concept_id:
            items.append(Support("role", f"actor/{a.id}", a.evidence, a.label.get("nl", a.id)))
    for n, r in enumerate(case.relations, start=1):
        if r.type == concept_id:
            items.append(Support("relation", f"relation/{n}", r.evidence, f"{r.source_actor} → {r.target_actor}"))
    for n, i in enumerate(case.interventions, start=1):
        if i.concept == concept_id:
            items.append(Support("intervention", f"intervention/{n}", i.evidence, i.status))
    for n, e in enumerate(case.events, start=1):
        if e.type == concept_id:
            items.append(Support("event", f"event/{n}", e.evidence, e.label.get("nl", "")))
    return items


@dataclass
class Explanation:
    case: str
    pattern: str
    parts: dict[str, list[Support]]  # required concept -> supporting items (empty = missing)

    @property
    def matches(self) -> bool:
        return all(self.parts.values())

    @property
    def missing(self) -> list[str]:
        return [concept for concept, items in self.parts.items() if not items]


def explain(case: Case, pattern: CompositePattern) -> Explanation:
    return Explanation(case.id, pattern.id, {c: supports(case, c) for c in pattern.all_of})
