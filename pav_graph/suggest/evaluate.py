"""Leave one source out: how well would ``case suggest`` have found what the corpus holds?

For a held-out source S, the retrieval index is built without any quote from S (concept
quotes and examples, case evidence, mechanism links: :func:`.profiles.profiles` with
``exclude={S}``). Then, for each case with claims from S, suggestions are made as for a new
case: from S's text and the case file's organisation names and title only (what ``case new``
asks first) — never from its claims. They are compared with the claims the corpus holds for
the case with evidence from S (the *gold* claims: findings and interventions by concept,
relations by type, events by type where they have one).

A suggestion *hits* a gold claim when it has the same concept and one of its passages (the
best one or the two others shown with it) shares a line with the claim's evidence from S.

- **recall@k per concept kind**: of the gold claims of a kind, the share hit by the top k
  suggestions *of that kind* (the list a contributor scans per kind);
- **precision@n**: of the top n suggestions over all kinds, the share that hit a gold claim of
  the case (averaged over cases); also with the concept alone (any passage);
- **stance agreement**: of the hits, the share whose suggested stance is the gold stance.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from pav_graph.suggest.candidates import suggest
from pav_graph.suggest.profiles import SUGGESTED_KINDS, profiles
from pav_graph.suggest.retrieve import ConceptIndex, mention_terms

CASE_SOURCES = ("essay-2025", "betrekkingen-2004", "nyenrode-2023", "erasmus-tilburg-2018")


@dataclass
class Gold:
    concept: str
    kind: str
    stance: str
    spans: list[tuple[int, int]]


@dataclass
class CaseResult:
    case: str
    gold: list[Gold]
    hits_at_k: dict[str, int]  # kind → gold claims hit by the top k of that kind
    precision: float  # strict, top n
    precision_concept: float  # concept alone, top n
    stance_agree: int
    hits_strict: int
    named: int  # passages naming the case
    terms: list[str]


@dataclass
class SourceResult:
    source: str
    k: int
    n: int
    cases: list[CaseResult] = field(default_factory=list)
    passages: int = 0

    def recall(self, kind: str | None = None) -> tuple[int, int]:
        """(hits, gold claims) of ``kind`` (all kinds when None)."""
        hits = sum(c.hits_at_k.get(kind, 0) if kind else sum(c.hits_at_k.values()) for c in self.cases)
        gold = sum(1 for c in self.cases for g in c.gold if kind is None or g.kind == kind)
        return hits, gold

    @property
    def precision(self) -> float:
        return sum(c.precision for c in self.cases) / len(self.cases) if self.cases else 0.0

    @property
    def precision_concept(self) -> float:
        return sum(c.precision_concept for c in self.cases) / len(self.cases) if self.cases else 0.0

    @property
    def stance(self) -> tuple[int, int]:
        return sum(c.stance_agree for c in self.cases), sum(c.hits_strict for c in self.cases)


def gold_claims(case, source_id: str, concepts: dict) -> list[Gold]:
    """The claims of ``case`` with evidence from ``source_id``, one per concept."""
    by: dict[str, Gold] = {}
    items = ([(f.concept, f) for f in case.findings] + [(x.concept, x) for x in case.interventions]
             + [(r.type, r) for r in case.relations] + [(e.type, e) for e in case.events if e.type])
    for cid, item in items:
        spans = [(e.first_line, e.last_line) for e in item.evidence if e.source == source_id]
        if not spans or cid not in concepts or concepts[cid].kind not in SUGGESTED_KINDS:
            continue
        g = by.setdefault(cid, Gold(cid, concepts[cid].kind, item.stance, []))
        g.spans += spans
        if item.stance == "states":
            g.stance = "states"
    return list(by.values())


def case_stub(case) -> dict:
    """What a contributor has written before any claim: the organisations and the title."""
    return {"label": dict(case.label),
            "organisations": [{"name": o.name, "involvement": o.involvement}
                              for o in case.organisations]}


def _hit(s, g: Gold) -> bool:
    if s.concept != g.concept:
        return False
    places = [(s.passage.first, s.passage.last)] + [(p.first, p.last) for p, _ in s.others]
    return any(a <= y and x <= b for a, b in places for x, y in g.spans)


def evaluate_source(corpus, source_id: str, k: int = 10, n: int = 20, *, quotes: bool = True,
                    cases: list[str] | None = None) -> SourceResult:
    """Leave ``source_id`` out and score the suggestions for its cases (see the module doc).
    ``quotes=False`` builds the profiles from labels and definitions only (the comparison that
    shows what the corpus's quotes add)."""
    exclude = {source_id}
    profs = profiles(corpus.concepts, corpus.cases if quotes else None,
                     corpus.mechanisms if quotes else None, exclude)
    if not quotes:
        for p in profs.values():
            p.units = [u for u in p.units if u.field != "quote"]
    index = ConceptIndex.build(profs)
    source = corpus.sources[source_id]
    result = SourceResult(source_id, k, n)
    for cid in sorted(corpus.cases):
        if cases is not None and cid not in cases:
            continue
        case = corpus.cases[cid]
        gold = gold_claims(case, source_id, corpus.concepts)
        if not gold:
            continue
        terms = mention_terms(case_stub(case))
        res = suggest(source, profs, index=index, terms=terms)
        result.passages = res.passages
        by_kind: dict[str, list] = defaultdict(list)
        for s in res.items:
            by_kind[s.kind].append(s)
        hits_at_k: dict[str, int] = defaultdict(int)
        agree = strict = 0
        for g in gold:
            hit = next((s for s in by_kind[g.kind][:k] if _hit(s, g)), None)
            if hit is not None:
                hits_at_k[g.kind] += 1
                strict += 1
                agree += hit.stance == g.stance
        top = res.items[:n]
        gold_ids = {g.concept: g for g in gold}
        p_strict = sum(1 for s in top if s.concept in gold_ids and _hit(s, gold_ids[s.concept]))
        p_concept = sum(1 for s in top if s.concept in gold_ids)
        denom = max(len(top), 1)
        result.cases.append(CaseResult(cid, gold, dict(hits_at_k), p_strict / denom,
                                       p_concept / denom, agree, strict, res.named, terms))
    return result
