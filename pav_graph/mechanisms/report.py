"""``pav-graph mechanisms`` and ``pav-graph explain CASE``: the analysis as JSON-ready data and text.

Both read the validated model. Every link is shown with its quotes (source, lines) and its
qualifiers; a case's part is shown with the case's own quotes for both ends.
"""

from __future__ import annotations

from collections import Counter

from pav_graph.claims import marks_of
from pav_graph.mechanisms.cases import (
    CaseConcepts,
    CaseMechanisms,
    PathInCase,
    Ranked,
    Step,
    explain_case,
    from_case,
    rank,
)
from pav_graph.mechanisms.graph import Edge, Path, find_chains, find_loops, merge_edges
from pav_graph.mechanisms.model import LOOP_TYPES, MODALITY_LABELS, SIGN_LABELS, MechanismLink
from pav_graph.model import Corpus

DEFAULT_CHAINS = 10


def _ev(link: MechanismLink) -> list[dict]:
    return [{"source": e.source, "locator": e.locator, "lines": [e.first_line, e.last_line],
             "quote": e.quote} for e in link.evidence]


def link_json(link: MechanismLink) -> dict:
    return {"id": link.key, "from": link.source_concept, "to": link.target_concept, "sign": link.sign,
            "modality": link.modality, "level": link.level, "cases": link.cases,
            "stance": link.stance, "basis": link.basis, "voice": link.voice,
            "attributed_to": link.attributed_to, "standing": link.standing,
            "marks": link.marks("en"), "evidence": _ev(link)}


def edge_json(edge: Edge) -> dict:
    return {"from": edge.source, "to": edge.target, "sign": edge.sign, "standing": edge.standing,
            "sources": edge.sources, "claims": [c.key for c in edge.active]}


def path_json(path: Path, corpus: Corpus) -> dict:
    return {"id": path.id, "type": path.type if path.closed else None, "length": len(path),
            "standing": path.standing, "concepts": path.nodes,
            "labels": [corpus.concept_label(c) for c in path.nodes],
            "signs": [e.sign for e in path.edges], "sources": path.sources}


def _case_ref(c: CaseConcepts) -> dict:
    return {"id": c.id, "levels": c.levels}


def ranked_json(r: Ranked, corpus: Corpus) -> dict:
    return {**path_json(r.path, corpus), "levels": r.levels, "whole_in": [_case_ref(c) for c in r.whole],
            "possibly_whole_in": [_case_ref(c) for c in r.possibly_whole],
            "partly_in": [{"id": v.case.id, "shown": v.shown, "links": len(v.path),
                           "missing": [_missing_json(s) for s in v.missing]} for v in r.partial]}


def _missing_json(step: Step) -> dict:
    return {"from": step.edge.source, "to": step.edge.target, "lacks": step.missing}


class Analysis:
    """The mechanism graph of a corpus: edges, loops, chains and the cases that show them."""

    def __init__(self, corpus: Corpus, include_possible: bool = False):
        self.corpus = corpus
        self.include_possible = include_possible
        self.edges = merge_edges(corpus.mechanisms, include_possible)
        # loops are always sought among all links that are not denied; whether a loop counts
        # is its `standing` (a possible loop is shown as "mogelijk", never as found)
        self.all_edges = merge_edges(corpus.mechanisms, include_possible=True)
        self.loops = find_loops(self.all_edges)
        self.chains = find_chains(self.edges)
        self.cases = [from_case(c) for c in corpus.cases.values()]

    def ranked_loops(self) -> list[Ranked]:
        return rank(self.loops, self.cases)

    def ranked_chains(self) -> list[Ranked]:
        """Chains of two links or more (a one-link chain is a link), strongest first."""
        return rank([p for p in self.chains.paths if len(p) >= 2], self.cases)

    def ranked_links(self) -> list[Ranked]:
        """Single links shown whole by at least one case, strongest first: a link shown in cases
        at several levels of government is the simplest sign of a systemic mechanism."""
        paths = [Path([e.source, e.target], [e], False) for e in self.edges.values()]
        return [r for r in rank(paths, self.cases) if r.whole or r.possibly_whole]

    def summary(self) -> dict:
        links = self.corpus.mechanisms
        return {
            "claims": len(links),
            "standing": dict(Counter(link.standing for link in links)),
            "by_source": dict(sorted(Counter(link.evidence[0].source for link in links).items())),
            "edges": {"counts": sum(e.standing == "counts" for e in self.all_edges.values()),
                      "possible": sum(e.standing == "possible" for e in self.all_edges.values())},
            "concepts": len({c for pair in self.edges for c in pair}),
            "loops": {t: sum(1 for lp in self.loops if lp.type == t) for t in ("R", "B", "?")},
            "loops_counting": sum(1 for lp in self.loops if lp.standing == "counts"),
            "chains": len(self.chains.paths), "chains_complete": self.chains.complete,
            "longest_chain": len(self.chains.paths[0]) if self.chains.paths else 0,
            "include_interpreted": self.include_possible,
        }

    def to_json(self, limit: int = DEFAULT_CHAINS) -> dict:
        chains = self.ranked_chains()
        longest = sorted(self.chains.paths, key=lambda p: (-len(p), p.nodes))[:limit]
        return {"summary": self.summary(),
                "loops": [ranked_json(r, self.corpus) for r in self.ranked_loops()],
                "links_by_levels": [ranked_json(r, self.corpus) for r in self.ranked_links()[:limit]],
                "chains_by_levels": [ranked_json(r, self.corpus) for r in chains[:limit]],
                "longest_chains": [path_json(p, self.corpus) for p in longest],
                "links": [link_json(link) for link in self.corpus.mechanisms]}


# --------------------------------------------------------------------------- text


def _arrow(edge: Edge) -> str:
    return f"—{SIGN_LABELS[edge.sign][0] if edge.sign in SIGN_LABELS else '?'}→"


def path_text(path: Path, corpus: Corpus) -> str:
    """``a —+→ b —−→ c``; a loop ends where it began."""
    parts = [path.nodes[0]]
    for edge in path.edges:
        parts.append(f"{_arrow(edge)} {edge.target}")
    return " ".join(parts)


def _cases_text(cases: list[CaseConcepts]) -> str:
    return ", ".join(f"{c.id} ({'/'.join(c.levels) or '-'})" for c in cases) or "none"


def _standing_mark(standing: str) -> str:
    return "" if standing == "counts" else " [mogelijk / possible]"


def _claim_lines(link: MechanismLink, indent: str) -> list[str]:
    marks = marks_of({"stance": link.stance, "basis": link.basis, "voice": link.voice})
    head = (f"{indent}{link.source_concept} {MODALITY_LABELS[link.modality][0]} ({SIGN_LABELS[link.sign][0]}) "
            f"{link.target_concept}")
    if marks:
        head += f" [{'; '.join(marks)}]"
    lines = [head]
    for e in link.evidence:
        lines.append(f"{indent}  “{e.quote}” ({e.source}, {e.locator})")
    return lines


def render_text(analysis: Analysis, limit: int = DEFAULT_CHAINS) -> str:
    s = analysis.summary()
    corpus = analysis.corpus
    out = [(f"Mechanismen / mechanisms: {s['claims']} claims "
           f"({', '.join(f'{n} {k}' for k, n in sorted(s['standing'].items()))}) from "
           f"{', '.join(f'{src} {n}' for src, n in s['by_source'].items())}"),
           f"  {s['edges']['counts']} links count, {s['edges']['possible']} are only possible; "
           f"{s['concepts']} concepts in the analysed graph"
           + (" (interpreted and hedged links included)" if analysis.include_possible else ""),
           ""]
    out.append(f"Terugkoppelingslussen / feedback loops: {len(analysis.loops)} "
               f"({s['loops']['R']} R, {s['loops']['B']} B"
               + (f", {s['loops']['?']} ?" if s['loops']['?'] else "") + f"); {s['loops_counting']} count")
    for r in analysis.ranked_loops():
        loop = r.path
        nl, en = LOOP_TYPES.get(loop.type, ("?", "?"))
        out.append(f"  {loop.type} {loop.id} ({nl} / {en}, {len(loop)} links){_standing_mark(loop.standing)}: "
                   f"{path_text(loop, corpus)}")
        out.append(f"    whole in: {_cases_text(r.whole)}; levels: {', '.join(r.levels) or 'none'}")
        if r.possibly_whole:
            out.append(f"    possibly whole in: {_cases_text(r.possibly_whole)}")
        for v in r.partial[:5]:
            missing = "; ".join(f"{m.edge.source} → {m.edge.target} (lacks {', '.join(m.missing)})"
                                for m in v.missing)
            out.append(f"    partly in {v.case.id}: {v.shown}/{len(loop)} links shown; missing: {missing}")
        for edge in loop.edges:
            for claim in edge.active:
                out.extend(_claim_lines(claim, "    "))
    out.append("")
    links = analysis.ranked_links()
    out.append(f"Schakels in casussen / links shown by cases: {len(links)}, ranked by the levels of "
               f"government of the cases that show them (top {limit}):")
    for r in links[:limit]:
        out.append(f"  {path_text(r.path, corpus)}: {_cases_text(r.whole)}; levels: {', '.join(r.levels) or 'none'}"
                   + (f"; possibly in: {_cases_text(r.possibly_whole)}" if r.possibly_whole else ""))
    out.append("")
    chains = analysis.ranked_chains()
    out.append(f"Ketens / chains: {s['chains']} maximal chains (root cause → final effect), longest "
               f"{s['longest_chain']} links" + ("" if s["chains_complete"] else " (enumeration stopped early)"))
    out.append(f"  chains of two or more links, ranked by the levels of government of the cases that show "
               f"the whole chain (top {limit}):")
    for r in chains[:limit]:
        out.append(f"  {r.path.id} ({len(r.path)} links): {path_text(r.path, corpus)}")
        out.append(f"    whole in: {_cases_text(r.whole)}; levels: {', '.join(r.levels) or 'none'}"
                   + (f"; possibly whole in: {_cases_text(r.possibly_whole)}" if r.possibly_whole else ""))
    out.append(f"  longest chains (top {limit}):")
    for path in sorted(analysis.chains.paths, key=lambda p: (-len(p), p.nodes))[:limit]:
        out.append(f"  {path.id} ({len(path)} links, sources {', '.join(path.sources)}): {path_text(path, corpus)}")
    return "\n".join(out)


def case_json(analysis: Analysis, case_id: str) -> dict:
    result = _explain(analysis, case_id)
    case = analysis.corpus.cases[case_id]
    return {
        "case": case_id, "levels": result.case.levels,
        "links": [{**edge_json(s.edge), "shown": s.status, "claims": [link_json(c) for c in s.edge.active],
                   "case_quotes": {c: _case_quotes(case, c) for c in (s.edge.source, s.edge.target)}}
                  for s in result.links],
        "denied": [{**edge_json(s.edge), "claims": [link_json(c) for c in s.edge.claims
                                                     if c.denied and case_id in c.cases]} for s in result.denied],
        "loops": [{**path_json(v.path, analysis.corpus), "whole": v.whole, "possibly_whole": v.possibly_whole,
                   "shown": v.shown, "missing": [_missing_json(s) for s in v.missing]} for v in result.loops],
        "chains": [{"concepts": [s.edge.source for s in ch] + [ch[-1].edge.target],
                    "shown": [s.status for s in ch]} for ch in result.chains],
        "missing_next": [_missing_json(s) for s in result.next_links],
        "missing_prior": [_missing_json(s) for s in result.prior_links],
    }


def _explain(analysis: Analysis, case_id: str) -> CaseMechanisms:
    case = next(c for c in analysis.cases if c.id == case_id)
    return explain_case(case, analysis.all_edges, analysis.loops, include_possible=True)


def _case_quotes(case, concept: str) -> list[dict]:
    from pav_graph.patterns import supports

    return [{"via": f"{s.kind} {s.iri_suffix}", "standing": s.standing,
             "evidence": [{"source": e.source, "locator": e.locator, "quote": e.quote} for e in s.evidence]}
            for s in supports(case, concept) if s.standing != "denied"]


def render_case_text(analysis: Analysis, case_id: str, limit: int = DEFAULT_CHAINS) -> str:
    from pav_graph.patterns import supports

    corpus = analysis.corpus
    case = corpus.cases[case_id]
    result = _explain(analysis, case_id)
    label = case.label.get("nl", case_id)
    out = [(f"{case_id} ({label}; {', '.join(result.case.levels) or 'no level'}): mechanisms from the "
           f"sources that this case's own claims show")]
    shown = [s for s in result.links if s.status == "shown"]
    possible = [s for s in result.links if s.status == "possible"]
    out.append(f"  {len(shown)} link(s) shown, {len(possible)} possibly shown (hedged or interpreted claim "
               f"or link), {len(result.denied)} examined and rejected for this case, {len(result.loops)} "
               f"loop(s) touched, {len(result.chains)} chain(s)")
    if not result.links:
        out.append("  no link: the case has no pair of concepts that a source links")
    for s in result.links:
        edge = s.edge
        out.append("")
        out.append(f"  {edge.source} {_arrow(edge)} {edge.target}"
                   + ("" if s.status == "shown" else "  [mogelijk / possible]"))
        for claim in edge.active:
            out.extend(_claim_lines(claim, "    source: "))
        for concept in (edge.source, edge.target):
            for sup in supports(case, concept):
                if sup.standing == "denied":
                    continue
                mark = "" if sup.standing == "counts" else f" [{'; '.join(sup.marks) or sup.standing}]"
                for e in sup.evidence[:1]:
                    out.append(f"    case: {concept} via {sup.kind} {sup.iri_suffix}{mark}: “{e.quote}” "
                               f"({e.source}, {e.locator})")
    for s in result.denied:
        out.append("")
        out.append(f"  {s.edge.source} {_arrow(s.edge)} {s.edge.target}  [onderzocht, niet aangetroffen / examined, not found]")
        for claim in s.edge.claims:
            if claim.denied and case_id in claim.cases:
                out.extend(_claim_lines(claim, "    source: "))
    if result.loops:
        out.append("")
        out.append("  Loops:")
    for v in result.loops:
        state = "whole" if v.whole else "possibly whole" if v.possibly_whole else f"{v.shown}/{len(v.path)} links"
        out.append(f"    {v.path.type} {v.path.id}: {path_text(v.path, corpus)} — {state}")
        for m in v.missing:
            out.append(f"      missing link: {m.edge.source} → {m.edge.target} (the case lacks {', '.join(m.missing)})")
    if result.chains:
        out.append("")
        out.append("  Chains within this case (two or more links in a row):")
    for ch in result.chains[:limit]:
        names = [ch[0].edge.source] + [s.edge.target for s in ch]
        flag = "" if all(s.status == "shown" for s in ch) else "  [mogelijk / possible]"
        out.append(f"    {' → '.join(names)}{flag}")
    if result.next_links:
        out.append("")
        out.append("  Missing links: what the sources say follows from this case's concepts, absent in the case:")
    for s in result.next_links[:limit]:
        out.append(f"    {s.edge.source} {_arrow(s.edge)} {s.edge.target} (the case has no {s.edge.target})")
    if result.prior_links:
        out.append("  Missing causes: what the sources say leads to this case's concepts, absent in the case:")
    for s in result.prior_links[:limit]:
        out.append(f"    {s.edge.source} {_arrow(s.edge)} {s.edge.target} (the case has no {s.edge.source})")
    return "\n".join(out)


def loop_of(analysis: Analysis, loop_id: str) -> Path | None:
    return next((lp for lp in analysis.loops if lp.id == loop_id), None)


__all__ = ["Analysis", "PathInCase", "case_json", "render_case_text", "render_text"]
