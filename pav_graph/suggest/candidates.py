"""Candidate claims for a case: for each concept, the passages of a source that best match it,
each with a ready quote, its locator, a score, the cue words found in it and suggested
qualifiers (stance, basis, voice) with the reason for each — never set silently.

Suggested qualifiers (docs/annotation-guide.md §§ 3–5); the contributor confirms or changes
them before anything is written:

- **stance** ``denies`` when a negation word stands within :data:`NEAR` words of a word that
  matched the concept (and the concept's label does not itself say an absence, like
  *onvoldoende ambtelijk tegenwicht*); ``hedges`` when a hedging word stands in the passage;
  else ``states``. A negation further away is flagged, not acted on.
- **basis** ``manifest`` when every word of one of the concept's labels stands in the passage
  (the source's own words name it), else ``latent`` (the guide: when in doubt, latent).
- **voice** ``respondents`` / ``cited-report`` / ``media`` when the passage says who speaks
  (``respondenten``, ``het rapport``, ``de krant`` …), else ``author``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from pav_graph.suggest.analysis import Cue, cues, is_privative, stem, tokens, words
from pav_graph.suggest.passages import Passage, passages
from pav_graph.suggest.profiles import Profile, claim_kind
from pav_graph.suggest.retrieve import ConceptIndex, focus_weights, mentions

NEAR = 4
PER_CONCEPT = 3
VOICE_CUES = (
    ("respondents", r"respondent|geïnterviewde|geinterviewde|interviewee|focusgroep|deelnemers"),
    ("cited-report", r"\brapport|\bonderzoekers?\b|\bonderzoek van|\bstudie\b|\brekenkamer"),
    ("media", r"\bkrant|\bmedia\b|\bnrc\b|volkskrant|telegraaf|\btrouw\b|\bnos\b|\bnova\b"),
    ("office-holder", r"\bkamerbrief|\bbrief aan de (?:tweede )?kamer|\bverklaarde de (?:minister|burgemeester)"),
)


@dataclass
class Suggestion:
    """One candidate claim: ``concept`` (of ``kind``, written as a ``claim``: findings,
    interventions, relations or events) with its best passage and up to two others."""

    concept: str
    kind: str
    label: str
    claim: str
    score: float
    passage: Passage
    page: int | None
    page_lines: tuple[int, int]
    matched: list[str]
    cues: list[Cue]
    stance: str
    stance_reason: str | None
    basis: str
    basis_reason: str
    voice: str
    voice_reason: str | None
    names_case: bool | None = None
    others: list[tuple[Passage, float]] = field(default_factory=list)
    closest: str | None = None  # the kind of unit it is most like: label, definition or quote

    @property
    def locator(self) -> str:
        a, b = self.page_lines
        lines = f"{a}-{b}" if a != b else str(a)
        return f"page {self.page}, lines {lines}" if self.page is not None else f"lines {lines}"

    def as_json(self) -> dict:
        a, b = self.page_lines
        out = {"concept": self.concept, "kind": self.kind, "label": self.label,
               "claim": self.claim, "score": round(self.score, 3), "quote": self.passage.quote,
               "lines": f"{a}-{b}" if a != b else str(a),
               "file_lines": [self.passage.first, self.passage.last],
               "matched": self.matched,
               "cues": [{"word": c.word, "kind": c.kind} for c in self.cues],
               "stance": self.stance, "stance_reason": self.stance_reason,
               "basis": self.basis, "basis_reason": self.basis_reason,
               "voice": self.voice, "voice_reason": self.voice_reason,
               "names_case": self.names_case, "closest": self.closest,
               "other_passages": [{"file_lines": [p.first, p.last], "score": round(s, 3),
                                   "quote": p.quote} for p, s in self.others]}
        if self.page is not None:
            out["page"] = self.page
        return out


@dataclass
class Suggestions:
    source: str
    passages: int
    items: list[Suggestion]
    terms: list[str] = field(default_factory=list)  # how the case is named (the focus)
    named: int = 0  # passages that name the case
    note: str | None = None


def suggest(source, profiles: dict[str, Profile], *, index: ConceptIndex | None = None,
            terms: list[str] | None = None, kinds: tuple[str, ...] | None = None,
            per_concept: int = PER_CONCEPT, skip: set[tuple[str, int, int]] | None = None
            ) -> Suggestions:
    """Every suggestible concept with its best passages of ``source``, best first.

    ``terms`` (see :func:`pav_graph.suggest.retrieve.mention_terms`) focus on one case;
    ``skip`` holds (concept, first, last) file-line places already quoted for that concept."""
    index = index or ConceptIndex.build(profiles)
    found = passages(source)
    result = Suggestions(source.id, len(found), [], list(terms or []))
    if not found:
        return result
    ptoks = [tokens(p.quote) for p in found]
    scores = index.scores(ptoks)
    if terms:
        named = mentions([p.quote for p in found], terms)
        result.named = sum(named)
        if result.named:
            scores = scores * focus_weights(named)[:, None]
        else:
            result.note = (f"the source never names {' / '.join(terms)}: the suggestions are not "
                           "focused on the case (name it as the source does with --about)")
    else:
        named = None
    skip = skip or set()
    for j, cid in enumerate(index.concepts):
        prof = profiles[cid]
        if kinds and prof.kind not in kinds:
            continue
        col = scores[:, j]
        order = np.argsort(-col, kind="stable")
        chosen: list[tuple[Passage, float]] = []
        for i in order:
            if col[i] <= 0 or len(chosen) >= per_concept:
                break
            p = found[i]
            if any(c == cid and a <= p.last and p.first <= b for c, a, b in skip):
                continue
            chosen.append((p, float(col[i])))
        if not chosen:
            continue
        best, score = chosen[0]
        result.items.append(_suggestion(source, prof, best, score, chosen[1:],
                                        named[best.index] if named is not None else None,
                                        index, ptoks[best.index]))
    result.items.sort(key=lambda s: (-s.score, s.concept))
    return result


def _suggestion(source, prof: Profile, p: Passage, score: float, others, names_case,
                index: ConceptIndex | None = None, ptoks: list[str] | None = None) -> Suggestion:
    from pav_graph.ingest.locate import page_locator

    page, a, b = page_locator(source, p.first, p.last)
    closest, weights = (index.explain(ptoks if ptoks is not None else tokens(p.quote), prof.concept)
                        if index is not None and prof.concept in index.concepts else (None, {}))
    if not weights:  # a concept the index does not hold (changed by hand): its own words
        weights = {t: 1.0 for u in prof.units if u.field != "quote" for t in tokens(u.text)}
    pw = words(p.quote)
    matched_idx = [i for i, w in enumerate(pw) if len(w) > 1 and stem(w) in weights]
    matched = sorted(dict.fromkeys(pw[i] for i in matched_idx), key=lambda w: -weights[stem(w)])
    found_cues = cues(p.quote)
    stance, why = _stance(prof, found_cues, matched_idx, pw)
    basis, basis_why = _basis(prof, p.quote)
    voice, voice_why = _voice(p.quote)
    return Suggestion(prof.concept, prof.kind, prof.label, claim_kind(prof.kind), score, p, page,
                      (a, b), matched, found_cues, stance, why, basis, basis_why, voice, voice_why,
                      names_case, list(others), closest)


def _stance(prof: Profile, found: list[Cue], matched_idx: list[int],
            pw: list[str]) -> tuple[str, str | None]:
    negations = [c for c in found if c.kind == "negation"]
    hedges = [c for c in found if c.kind == "hedge"]
    near = [c for c in negations if any(abs(c.word_index - i) <= NEAR for i in matched_idx)]
    if near and is_privative(*prof.label_texts):
        return ("states" if not hedges else "hedges",
                f"negation '{near[0].word}' is probably part of the concept ('{prof.label}')"
                + (f"; hedge '{hedges[0].word}'" if hedges else ""))
    if near:
        return "denies", f"negation '{near[0].word}' next to '{pw[_nearest(near[0], matched_idx)]}'"
    if hedges:
        far = f"; negation '{negations[0].word}' elsewhere in the passage" if negations else ""
        return "hedges", f"hedge '{hedges[0].word}'{far}"
    if negations:
        return "states", f"negation '{negations[0].word}' in the passage, not next to the concept's words"
    return "states", None


def _nearest(cue: Cue, matched_idx: list[int]) -> int:
    return min(matched_idx, key=lambda i: abs(i - cue.word_index))


def _basis(prof: Profile, quote: str) -> tuple[str, str]:
    have = set(tokens(quote))
    for label in prof.label_texts:
        need = set(tokens(label))
        if need and need <= have:
            return "manifest", f"the passage uses the label '{label}'"
    return "latent", "the passage does not use the concept's label: it is an interpretation"


def _voice(quote: str) -> tuple[str, str | None]:
    low = quote.lower()
    for voice, pattern in VOICE_CUES:
        m = re.search(pattern, low)
        if m:
            return voice, f"'{m.group().strip()}'"
    return "author", None
