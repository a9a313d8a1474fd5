"""Claims and their qualifiers: how a source says what it says, and which claims count.

A claim is a finding, relation, intervention or event of a case. Besides its evidence it
carries three qualifiers (see docs/annotation-guide.md):

- **stance** — the source *states* it, *hedges* it, or *denies* it (examined, not found);
- **basis** — the source's own words name it for this case (*manifest*), or it is the encoder's
  reading of what the source says (*latent*);
- **voice** — who in the source says it (the author, respondents, a cited report, media, an
  office holder).

Only claims that the source states of the case in its own words *count*: they alone enter the
shortcut triples (``pg:linkedTo`` and its sub-properties), and with them ``cases --with``,
similarity, co-occurrence, the reasoner and ``patterns``. Everything else is *possible* (hedged
or latent) or *denied*, kept in the graph with its qualifiers and shown as such. Keeping the
rule in one place means every consumer follows it by reading the same properties.

Claims also get stable ids derived from their content (never from list position), so that
IRIs, page anchors and citations survive edits of the case file.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import KW_ONLY, dataclass

STANCES = ("states", "hedges", "denies")
BASES = ("manifest", "latent")
VOICES = ("author", "respondents", "cited-report", "media", "office-holder")
DEFAULTS = {"stance": "states", "basis": "manifest", "voice": "author"}
QUALIFIERS = {"stance": STANCES, "basis": BASES, "voice": VOICES}

# How each value reads on a page or in a listing; the default values are not shown.
LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "stance": {
        "states": ("stelt", "states"),
        "hedges": ("voorzichtig geformuleerd", "hedged"),
        "denies": ("onderzocht, niet aangetroffen", "examined, not found"),
    },
    "basis": {
        "manifest": ("in de woorden van de bron", "in the source's words"),
        "latent": ("interpretatie", "interpretation"),
    },
    "voice": {
        "author": ("volgens de auteur", "according to the author"),
        "respondents": ("volgens respondenten", "according to respondents"),
        "cited-report": ("volgens een aangehaald rapport", "according to a cited report"),
        "media": ("volgens media", "according to the media"),
        "office-holder": ("volgens een ambtsdrager", "according to an office holder"),
    },
}


def standing_of(stance: str, basis: str) -> str:
    """``counts`` (stated, manifest), ``denied``, or ``possible`` (hedged or latent)."""
    if stance == "denies":
        return "denied"
    return "counts" if (stance, basis) == ("states", "manifest") else "possible"


def marks_of(values: dict, lang: str = "nl") -> list[str]:
    """The visible marks of a claim's non-default qualifiers, e.g. ["interpretatie",
    "volgens respondenten"]; ``values`` maps stance/basis/voice to their values."""
    i = 0 if lang == "nl" else 1
    return [LABELS[key][values[key]][i] for key in ("stance", "basis", "voice")
            if values[key] != DEFAULTS[key]]


@dataclass
class Qualified:
    """Base of the claim dataclasses: the qualifiers with their defaults, the attribution and
    the stable key. Keyword-only (after the claim's own fields in every constructor), so each
    kind of claim declares only what it says and is built with ``**qualifiers(item)``."""

    _: KW_ONLY
    stance: str = DEFAULTS["stance"]
    basis: str = DEFAULTS["basis"]
    voice: str = DEFAULTS["voice"]
    attributed_to: dict | None = None  # {nl, en}: who exactly says it
    key: str = ""  # stable, content-derived id (set by assign_keys / assign_link_keys)

    @property
    def standing(self) -> str:
        """``counts``, ``possible`` or ``denied``: the three ways a claim enters the graph."""
        return standing_of(self.stance, self.basis)

    @property
    def counts(self) -> bool:
        """Stated of this case in the source's own words: the default rule for counting."""
        return self.standing == "counts"

    @property
    def denied(self) -> bool:
        return self.standing == "denied"

    @property
    def possible(self) -> bool:
        """Hedged or interpreted, and not denied: shown as "mogelijk", never counted."""
        return self.standing == "possible"

    def marks(self, lang: str = "nl") -> list[str]:
        return marks_of({"stance": self.stance, "basis": self.basis, "voice": self.voice}, lang)


_UNSAFE = re.compile(r"[^a-z0-9-]+")


def slug(text: str) -> str:
    return _UNSAFE.sub("-", str(text).lower()).strip("-") or "x"


def base_key(kind: str, item) -> str:
    """The content-derived id of a claim before collisions are resolved."""
    if kind == "finding":
        return f"finding-{item.concept}"
    if kind == "relation":
        return f"relation-{item.type}-{item.source_actor}-{item.target_actor}"
    if kind == "intervention":
        return f"intervention-{item.concept}-{item.status}"
    if kind == "event":
        parts = [slug(p) for p in (item.date, item.type) if p]
        if parts:
            return "event-" + "-".join(parts)
        first = item.evidence[0]
        return f"event-{first.source}-{first.first_line}"
    raise ValueError(kind)


def assign_keys(kind: str, items: Iterable) -> list[str]:
    """Stable ids for a group of claims of one case; colliding ids get their first quote's place."""
    items = list(items)
    bases = [base_key(kind, it) for it in items]
    seen = Counter(bases)
    keys: list[str] = []
    used: Counter[str] = Counter()
    for base, it in zip(bases, items):
        key = base
        if seen[base] > 1:
            first = it.evidence[0]
            key = f"{base}-{first.source}-{first.first_line}"
        used[key] += 1
        if used[key] > 1:  # same content and same first quote: only then fall back to a counter
            key = f"{key}-{used[key]}"
        keys.append(key)
    return keys


def evidence_keys(claim_key: str, evidence: Iterable) -> list[str]:
    """Ids of a claim's quotes: ``<claim>-q-<source>-<first>-<last>``."""
    keys: list[str] = []
    used: Counter[str] = Counter()
    for ev in evidence:
        key = f"{claim_key}-q-{ev.source}-{ev.first_line}-{ev.last_line}"
        used[key] += 1
        keys.append(key if used[key] == 1 else f"{key}-{used[key]}")
    return keys
