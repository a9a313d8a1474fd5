"""Scoring passages against concepts with BM25 (bm25s), and the case focus.

The concept side is indexed: every unit of every profile (:mod:`.profiles`: a label, a
definition, a quote) is a BM25 document, so the inverse document frequency says how telling a
word is *for telling concepts apart* — ``ambtenaar`` is in hundreds of units and weighs little,
``wantrouw`` in a few and weighs much. Each passage of the new source is a query (its set of
stems); its score for a concept is the best score of any unit of that concept (a label, the
definition or one quote: the nearest neighbour, not an average that a concept with many quotes
would win by size). Scores are divided by the
square root of the passage's number of distinct stems, so a long sentence does not outrank a
short one just by having more words.

The case focus (``--case``) weighs passages by their distance to a mention of the case: a
sentence that names the case (a place or organisation of the case file) counts fully, the next
ones a little less, and passages far from any mention count :data:`FLOOR` — the annotation
guide's rule that a quote names the case or stands in a passage the source devotes to it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from pav_graph.suggest.analysis import tokens
from pav_graph.suggest.profiles import Profile

FLOOR = 0.25  # weight of a passage far from any mention of the case
DECAY = (1.0, 0.9, 0.8, 0.7, 0.6, 0.5)  # the sentence with a mention, then the ones after it
BEFORE = 0.6  # the sentence just before a mention


@dataclass
class ConceptIndex:
    """BM25 over the units of the profiles; ``scores(passage tokens)`` → passages × concepts."""

    concepts: list[str]
    unit_concept: np.ndarray  # unit → concept position
    vocab: dict[str, int]
    matrix: sparse.csr_matrix  # token × unit BM25 weights
    unit_fields: list[str]  # label | definition | quote, per unit

    @classmethod
    def build(cls, profiles: dict[str, Profile]) -> ConceptIndex:
        import bm25s

        concepts = sorted(profiles)
        unit_tokens, unit_concept, fields = [], [], []
        for i, cid in enumerate(concepts):
            for u in profiles[cid].units:
                toks = tokens(u.text)
                if toks:
                    unit_tokens.append(toks)
                    unit_concept.append(i)
                    fields.append(u.field)
        bm = bm25s.BM25()
        bm.index(unit_tokens, show_progress=False)
        s = bm.scores
        rows = len(s["indptr"]) - 1
        matrix = sparse.csr_matrix((s["data"], s["indices"], s["indptr"]),
                                   shape=(rows, s["num_docs"]))
        vocab = {t: i for t, i in bm.vocab_dict.items() if i < rows}
        return cls(concepts, np.array(unit_concept), vocab, matrix.tocsc(), fields)

    def scores(self, passage_tokens: list[list[str]]) -> np.ndarray:
        """(passages × concepts) scores: the best unit of each concept, length-normalised."""
        n = len(passage_tokens)
        rows, cols = [], []
        norms = np.ones(n)
        for i, toks in enumerate(passage_tokens):
            distinct = set(toks)
            norms[i] = math.sqrt(max(len(distinct), 1))
            ids = [self.vocab[t] for t in distinct if t in self.vocab]
            rows += [i] * len(ids)
            cols += ids
        q = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)),
                              shape=(n, self.matrix.shape[0]))
        per_unit = (q @ self.matrix).toarray()  # passages × units
        out = np.zeros((n, len(self.concepts)), dtype=np.float32)
        order = np.argsort(self.unit_concept, kind="stable")
        uc = self.unit_concept[order]
        starts = np.flatnonzero(np.r_[True, uc[1:] != uc[:-1]])
        best = np.maximum.reduceat(per_unit[:, order], starts, axis=1)
        out[:, uc[starts]] = best
        return out / norms[:, None]


    def explain(self, passage_tokens: list[str], concept: str) -> tuple[str | None, dict[str, float]]:
        """Which unit of ``concept`` a passage is closest to (its field), and the weight of
        each of the passage's stems in it: the words that made the score."""
        j = self.concepts.index(concept)
        units = np.flatnonzero(self.unit_concept == j)
        ids = {t: self.vocab[t] for t in set(passage_tokens) if t in self.vocab}
        if not len(units) or not ids:
            return None, {}
        sub = self.matrix[list(ids.values())][:, units].toarray()  # stems × units
        best = int(np.argmax(sub.sum(axis=0)))
        weights = {t: float(sub[k, best]) for k, t in enumerate(ids) if sub[k, best] > 0}
        return self.unit_fields[units[best]], weights


# --------------------------------------------------------------------------- case focus

GENERIC = {"gemeente", "provincie", "ministerie", "van", "en", "de", "het", "der", "voor",
           "waterschap", "rijksoverheid", "overheid", "praktijkvoorbeeld", "nederland",
           "nederlandse"}


def mention_terms(case: dict) -> list[str]:
    """How a source probably names a case: the names of its organisations (without
    'Gemeente', 'Ministerie van' …) and the title's part before a colon, as written in the
    case file (``case new`` asks for both first)."""
    names = []
    for org in case.get("organisations") or []:
        if isinstance(org, dict) and org.get("involvement", "setting") == "setting":
            names.append(str(org.get("name") or ""))
    label = ((case.get("label") or {}).get("nl") or "") if isinstance(case.get("label"), dict) else ""
    if ":" in label:
        names.append(label.split(":", 1)[0])
    terms: list[str] = []
    for name in names:
        name = re.sub(r"\(.*?\)", "", name).strip()
        if not name or name[0].islower():
            continue  # "een overheidsorganisatie (geanonimiseerd)": no name to look for
        words = name.replace(",", " ").split()
        while words and words[0].lower() in GENERIC:
            words = words[1:]
        if not words:
            continue
        terms.append(" ".join(words))
    return list(dict.fromkeys(t for t in terms if len(t) >= 3))


def mentions(quotes: list[str], terms: list[str]) -> list[bool]:
    if not terms:
        return [False] * len(quotes)
    pattern = re.compile(r"(?<![^\W\d_])(" + "|".join(re.escape(t) for t in terms) + r")(?![^\W\d_])",
                         re.IGNORECASE)
    return [bool(pattern.search(q)) for q in quotes]


def focus_weights(named: list[bool]) -> np.ndarray:
    """Each passage's weight from its distance to the nearest mention before it (or just after)."""
    n = len(named)
    w = np.full(n, FLOOR)
    for i, hit in enumerate(named):
        if not hit:
            continue
        for k, d in enumerate(DECAY):
            if i + k < n:
                w[i + k] = max(w[i + k], d)
        if i > 0:
            w[i - 1] = max(w[i - 1], BEFORE)
    return w
