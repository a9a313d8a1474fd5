"""Dutch text as the retrieval sees it: word tokens, Snowball stems, and the hedging and
negation cues of the annotation guide (docs/annotation-guide.md § 3).

Tokens are runs of letters (digits, footnote markers and punctuation are dropped), lower-cased;
the Dutch stop words of bm25s (101 function words: ``de``, ``het``, ``niet``, ``zou`` …) are left
out of retrieval, and every other word is reduced to its Snowball stem (``wantrouwen`` and
``wantrouw`` meet). The cue words are read from the raw passage, stop word or not, because
``niet`` and ``zou`` are exactly the words that make a claim a denial or a hedge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_DUTCH

    return frozenset(STOPWORDS_DUTCH) | {"wel", "ook", "nog", "zeer", "waarin", "waarbij", "daarbij",
                                         "hierbij", "daarom", "echter", "ten", "ter", "aldus"}


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("dutch")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return _stemmer().stemWord(word)


def words(text: str) -> list[str]:
    """The lower-cased words of ``text``; a hyphenated or apostrophed compound is split in its
    parts too (``Noord-Holland`` → ``noord``, ``holland``)."""
    out: list[str] = []
    for m in _WORD.finditer(text.lower()):
        out += re.split(r"['’-]", m.group())
    return [w for w in out if w]


def tokens(text: str) -> list[str]:
    """The retrieval tokens of ``text``: stems of its words that are not stop words."""
    stop = _stopwords()
    return [stem(w) for w in words(text) if len(w) > 1 and w not in stop]


# --------------------------------------------------------------------------- cues (guide § 3)

HEDGES = (
    # phrases first: "niet uit te sluiten" is a hedge, not a negation
    "niet uit te sluiten", "tot op zekere hoogte", "het is de vraag of", "lijkt erop dat",
    "in zekere mate", "doet vermoeden", "wijst op", "wijzen op", "duidt op", "duiden op",
    "naar verluidt", "als het ware", "min of meer", "het beeld ontstaat", "de indruk bestaat",
    "lijkt", "lijken", "leek", "leken", "schijnt", "schijnen", "mogelijk", "mogelijkerwijs",
    "wellicht", "misschien", "waarschijnlijk", "vermoedelijk", "zou", "zouden", "kan", "kunnen",
    "kon", "konden", "suggereert", "suggereren", "enigszins", "ogenschijnlijk",
)
NEGATIONS = (
    "niet noemenswaardig", "geen sprake van", "niet", "geen", "nooit", "nauwelijks", "amper",
    "ontbreekt", "ontbrak", "ontbreken", "zonder", "noch", "evenmin", "allerminst",
)
# words that make a concept itself negative: "er was geen tegenwicht" states such a concept
PRIVATIVE = ("onvoldoende", "gebrek", "gebrekkig", "tekort", "ontbrek", "gemis", "zonder", "geen",
             "niet", "weinig", "afwezig")


def _cue_pattern(cues: tuple[str, ...]) -> re.Pattern:
    return re.compile(r"(?<![^\W\d_])(" + "|".join(re.escape(c) for c in cues) + r")(?![^\W\d_])",
                      re.IGNORECASE)


_HEDGE_RE = _cue_pattern(HEDGES)
_NEG_RE = _cue_pattern(NEGATIONS)


@dataclass(frozen=True)
class Cue:
    word: str  # as it stands in the passage
    kind: str  # "hedge" | "negation"
    start: int  # character offset in the passage
    word_index: int  # index of its first word among words(passage)


def cues(text: str) -> list[Cue]:
    """Hedging and negation words in ``text`` (a negation inside a hedge phrase such as "niet
    uit te sluiten" counts as the hedge only)."""
    found: list[Cue] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in (("hedge", _HEDGE_RE), ("negation", _NEG_RE)):
        for m in pattern.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            taken.append(m.span())
            found.append(Cue(m.group(), kind, m.start(), len(words(text[:m.start()]))))
    return sorted(found, key=lambda c: c.start)


def is_privative(*texts: str) -> bool:
    """Whether a concept's label says an absence or shortage itself (``onvoldoende ambtelijk
    tegenwicht``): then a negation in a passage is likely part of the concept, not a denial."""
    joined = " ".join(texts).lower()
    return any(re.search(rf"(?<![^\W\d_]){p}", joined) for p in PRIVATIVE)
