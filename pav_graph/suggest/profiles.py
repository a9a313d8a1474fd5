"""What each concept looks like in text: its labels, its definition and the verified quotes the
corpus already holds for it.

A concept's profile is a list of *units*, each a short text with a field:

``label``
    the Dutch label and alternative labels — a passage that uses them names the concept
    (the annotation guide's *manifest* basis);
``definition``
    the Dutch definition (a paraphrase of the source that introduced the concept);
``quote``
    every verified quote that backs the concept: the concept's own quote and examples, the
    evidence of findings and interventions with that concept, of relations of that type, of
    events of that type, and of mechanism links with the concept as cause or effect. These are
    the strongest evidence of how the concept is worded in real reports.

``exclude`` leaves every quote from the given sources out (the leave-one-source-out
measurement: the profile then knows nothing the held-out source says). Labels and definitions
stay: they are the vocabulary a contributor starts from — but definitions of concepts that a
source introduced paraphrase that source, which flatters that source's figures (said in
docs/adding-a-case.md). English texts are not used: the sources are Dutch.

Roles are not suggested (an actor is not a claim; ``case new --role`` and ``case add-actor``
add them), nor deprecated concepts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SUGGESTED_KINDS = ("pattern", "risk-factor", "dilemma", "framework", "criterion",
                   "influence-means", "intervention", "relation-type", "event-type")
# what a suggestion of each kind becomes in a case file
CLAIM_OF_KIND = {"intervention": "interventions", "relation-type": "relations",
                 "event-type": "events"}


@dataclass
class Unit:
    field: str  # label | definition | quote
    text: str
    source: str | None = None  # the source a quote comes from


@dataclass
class Profile:
    concept: str
    kind: str
    label: str
    units: list[Unit] = field(default_factory=list)

    @property
    def label_texts(self) -> list[str]:
        return [u.text for u in self.units if u.field == "label"]


def claim_kind(kind: str) -> str:
    return CLAIM_OF_KIND.get(kind, "findings")


def profiles(concepts: dict, cases: dict | None = None, mechanisms: list | None = None,
             exclude: frozenset[str] | set[str] = frozenset()) -> dict[str, Profile]:
    """Profiles of every suggestible concept, from the vocabulary (``concepts``: id → Concept)
    and the claims of ``cases`` and ``mechanisms`` (quotes of ``exclude`` sources left out)."""
    out: dict[str, Profile] = {}
    for c in concepts.values():
        if c.kind not in SUGGESTED_KINDS or c.replaced_by:
            continue
        p = Profile(c.id, c.kind, c.label.get("nl") or c.id)
        p.units.append(Unit("label", c.label.get("nl") or c.id.replace("-", " ")))
        p.units += [Unit("label", alt) for alt in (c.alt_labels.get("nl") or [])]
        if c.definition.get("nl"):
            p.units.append(Unit("definition", c.definition["nl"]))
        if c.quote and c.source not in exclude:
            p.units.append(Unit("quote", c.quote, c.source))
        p.units += [Unit("quote", e.quote, e.source) for e in c.examples
                    if e.source not in exclude]
        out[c.id] = p

    def add(concept: str | None, evidence) -> None:
        if concept in out:
            out[concept].units += [Unit("quote", e.quote, e.source) for e in evidence
                                   if e.source not in exclude]

    for case in (cases or {}).values():
        for f in case.findings:
            add(f.concept, f.evidence)
        for x in case.interventions:
            add(x.concept, x.evidence)
        for r in case.relations:
            add(r.type, r.evidence)
        for e in case.events:
            add(e.type, e.evidence)
    for link in mechanisms or []:
        add(link.source_concept, link.evidence)
        add(link.target_concept, link.evidence)
    for p in out.values():  # one unit per distinct quote (a quote can back several claims)
        seen: set[tuple[str, str]] = set()
        p.units = [u for u in p.units if not ((u.field, u.text) in seen or seen.add((u.field, u.text)))]
    return out
