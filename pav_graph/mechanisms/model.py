"""Mechanism links: what a source says about how one concept influences another.

A mechanism link is a claim like every other (``pav_graph.claims``): the same qualifiers
(stance, basis, voice, attributed_to) and the same counting rule, so a hedged or interpreted
link is *possible* and never enters the loops and chains that count. What it adds is the
causal-loop-diagram notation of system dynamics: a direction (``from`` → ``to``), a sign
(``increases``: more of the cause gives more of the effect, drawn "+"; ``decreases``: more gives
less, drawn "−"), a modality ("leidt tot" or "kan leiden tot") and the level of government the
source claims it for. See docs/mechanisms.md.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pav_graph.claims import Qualified
from pav_graph.model import Evidence

SIGNS = ("increases", "decreases")
MODALITIES = ("leads-to", "can-lead-to")
GENERAL = "general"

# how each value reads: (symbol or short form, Dutch, English)
SIGN_LABELS = {
    "increases": ("+", "versterkt", "increases"),
    "decreases": ("−", "verzwakt", "decreases"),
}
MODALITY_LABELS = {
    "leads-to": ("leidt tot", "leads to"),
    "can-lead-to": ("kan leiden tot", "can lead to"),
}
LOOP_TYPES = {
    "R": ("versterkende lus", "reinforcing loop"),
    "B": ("balancerende lus", "balancing loop"),
}


@dataclass
class MechanismLink(Qualified):
    """One causal claim of one passage: ``source_concept`` → ``target_concept``."""

    source_concept: str
    target_concept: str
    sign: str
    modality: str
    evidence: list[Evidence]
    level: str = GENERAL  # general, or the level of government the source claims it for
    cases: list[str] = field(default_factory=list)  # the cases the source claims it for
    note: dict | None = None
    path: Path | None = None
    index: int = 0  # position in the file, for locating problems

    @property
    def polarity(self) -> int:
        return 1 if self.sign == "increases" else -1

    @property
    def pair(self) -> tuple[str, str]:
        return (self.source_concept, self.target_concept)

    @property
    def symbol(self) -> str:
        return SIGN_LABELS[self.sign][0]


def base_link_key(link: MechanismLink) -> str:
    return f"mechanism-{link.source_concept}-{link.target_concept}"


def assign_link_keys(links: list[MechanismLink]) -> None:
    """Stable ids derived from content, as for every claim (docs/annotation-guide.md): the base
    ``mechanism-<from>-<to>``; when several claims share it, each gets ``-<source>-<first line>``
    of its first quote (and a counter only if that too is the same)."""
    bases = [base_link_key(link) for link in links]
    seen = Counter(bases)
    used: Counter[str] = Counter()
    for base, link in zip(bases, links):
        key = base
        if seen[base] > 1:
            first = link.evidence[0]
            key = f"{base}-{first.source}-{first.first_line}"
        used[key] += 1
        link.key = key if used[key] == 1 else f"{key}-{used[key]}"
