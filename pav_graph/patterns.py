"""Why a case matches a composite pattern: which items supply each required concept.

The reasoner decides *whether* a case is in a pattern class; this module says *why*, from the
model, so the explanation can name the findings, events, roles, relations or interventions
(and their quotes) behind each part — or the part that is missing.
"""

from __future__ import annotations

from dataclasses import dataclass

from pav_graph.model import Case, CompositePattern, Evidence, claim_concept, text_in


@dataclass
class Support:
    """One item of a case that links it to a concept."""

    kind: str  # finding | role | relation | intervention | event
    iri_suffix: str  # path under the case IRI: the claim's stable id, or "actor/<id>" for a role
    evidence: list[Evidence]
    text: str
    standing: str = "counts"  # counts | possible | denied (pav_graph.claims)
    marks: tuple[str, ...] = ()  # e.g. ("interpretatie",) for a claim that does not count


def supports(case: Case, concept_id: str) -> list[Support]:
    """Every item of the case that links it to the concept, counting or not (see ``standing``)."""
    items: list[Support] = []
    for a in case.actors:
        if a.role == concept_id:
            items.append(Support("role", f"actor/{a.id}", a.evidence, a.label.get("nl", a.id)))
    for kind, item in case.claims():
        if claim_concept(kind, item) != concept_id:
            continue
        items.append(Support(kind, item.key, item.evidence, _text(kind, item), item.standing,
                             tuple(item.marks())))
    order = {"finding": 0, "role": 1, "relation": 2, "intervention": 3, "event": 4}
    return sorted(items, key=lambda s: order[s.kind])


def _text(kind: str, item) -> str:
    """A one-line description of a claim for the explanation."""
    if kind == "finding":
        return text_in(item.note) or ""
    if kind == "relation":
        return f"{item.source_actor} → {item.target_actor}"
    if kind == "intervention":
        return item.status
    return item.label.get("nl", "")


@dataclass
class Explanation:
    """Why a case matches a composite pattern, or why it only possibly does, or what it lacks.

    Each required concept maps to the items that supply it. A part is *found* when a counting
    item supplies it; *possible* when only hedged or interpreted items do. The case matches when
    every part is found; it is a possible match ("mogelijk") when every part is found or possible
    and at least one is only possible. Denied items never supply a part.
    """

    case: str
    pattern: str
    parts: dict[str, list[Support]]  # required concept -> supporting items (all standings)

    def found(self, concept: str) -> list[Support]:
        return [s for s in self.parts[concept] if s.standing == "counts"]

    def possible_only(self, concept: str) -> bool:
        return not self.found(concept) and any(s.standing == "possible" for s in self.parts[concept])

    @property
    def matches(self) -> bool:
        return all(self.found(c) for c in self.parts)

    @property
    def possibly_matches(self) -> bool:
        """Not a match, but every missing part is supplied by a hedged or interpreted claim."""
        return not self.matches and all(self.found(c) or self.possible_only(c) for c in self.parts)

    @property
    def missing(self) -> list[str]:
        return [c for c in self.parts if not self.found(c)]

    @property
    def tentative(self) -> list[str]:
        """Parts supplied only by claims that do not count."""
        return [c for c in self.parts if self.possible_only(c)]


def explain(case: Case, pattern: CompositePattern) -> Explanation:
    return Explanation(case.id, pattern.id, {c: supports(case, c) for c in pattern.all_of})
