"""The mechanism page of the site: the causal loop diagram, its per-case view, one SVG per loop.

``mechanisms.html`` draws every causal link of the sources as an arrow with its sign (+/−),
knots of loops on circles and loops marked R or B, laid out in advance
(:mod:`pav_graph.mechanisms.layout`): nothing moves and no label overlaps another. Each arrow is
a keyboard-reachable button; activating it opens its quotes in a side panel.

The per-case view is the same page with ``?case=<id>``: ``mechanisms.js`` loads the small data
file ``mechanisms/cases/<id>.js`` (a ``<script>``, which works from disk; no ``fetch``), lights
the case's own concepts and the links it shows, fades the rest, lists what the case shows and
what is missing, and adds the case's quotes to the side panel. The map is written once, not once
per case: at 10,000 cases a page per case with its own copy of the map would be gigabytes.
Every loop is also written as a standalone SVG (``mechanisms/<loop id>.svg``, ``.en.svg``).

The drawing is built here as SVG text with every label escaped; the data for the side panel is
JSON in a ``<script type="application/json">`` block (and the per-case files are JSON passed to
a function), which ``mechanisms.js`` puts into the page with ``textContent`` only.
"""

from __future__ import annotations

import json
from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

from pav_graph.claims import LABELS
from pav_graph.mechanisms.cases import CaseConcepts, in_case, present_in, rank, step_in
from pav_graph.mechanisms.graph import Edge, Path, find_chains, find_loops, merge_edges
from pav_graph.mechanisms.layout import FONT, LINE, Box, MapLayout, loop_layout, map_layout
from pav_graph.mechanisms.model import LOOP_TYPES, MODALITY_LABELS, SIGN_LABELS
from pav_graph.mechanisms.svg import arc_path, loop_svg, marker_defs, sign_svg

TOP_CHAINS = 15


class _Labels:
    """Concept labels from the site data, with the id as fallback."""

    def __init__(self, concepts: dict):
        self.concepts = concepts

    def __call__(self, cid: str, lang: str = "nl") -> str:
        c = self.concepts.get(cid)
        return c["label"].get(lang) or c["label"]["nl"] if c else cid

    def pair(self, cid: str) -> tuple[str, str]:
        return self(cid, "nl"), self(cid, "en")


class _CorpusLabels:
    """Just enough of a Corpus for :func:`pav_graph.mechanisms.svg.loop_svg`."""

    def __init__(self, labels: _Labels):
        self.concept_label = labels


def _box(box: Box, cls: str) -> str:
    """A concept box with its label in both languages (the site shows one, by its class)."""
    def spans(lines: list[str], lang: str) -> str:
        top = box.y - (len(lines) * LINE) / 2 + FONT
        inner = "".join(f'<tspan x="{box.x:.1f}" y="{top + i * LINE:.1f}">{escape(line)}</tspan>'
                        for i, line in enumerate(lines))
        return f'<text class="lbl l" lang="{lang}">{inner}</text>'

    return (f'<g class="node {cls}" data-concept={quoteattr(box.id)}>'
            f'<rect class="box" x="{box.left:.1f}" y="{box.top:.1f}" width="{box.w:.1f}" height="{box.h:.1f}" rx="6"/>'
            f'{spans(box.lines, "nl")}{spans(box.lines_en or box.lines, "en")}</g>')


def _edge_path(a: Box, b: Box, lay: MapLayout) -> tuple[str, tuple[float, float]]:
    for cx, cy, _r, members in lay.circles:
        if a.id in members and b.id in members:
            return arc_path(a, b, cx, cy, 0.2)
    # between columns: a gentle curve, bulging away from the straight line's left side
    mx, my = (a.x + b.x) / 2, (a.y + b.y) / 2
    return arc_path(a, b, mx - (b.y - a.y) * 0.15, my + (b.x - a.x) * 0.15, 0.08)


def _aria(edge: Edge, labels: _Labels, lang: str) -> str:
    verb = SIGN_LABELS.get(edge.sign, ("?", "beïnvloedt", "influences"))[1 if lang == "nl" else 2]
    text = f"{labels(edge.source, lang)} {verb} {labels(edge.target, lang)}"
    if edge.standing != "counts":
        text += " (mogelijk)" if lang == "nl" else " (possible)"
    return text


def map_svg(edges: list[Edge], lay: MapLayout, labels: _Labels) -> Markup:
    """The whole map as inline SVG: every arrow a focusable button (``data-edge`` = its index in
    the side panel's data), every concept a box (``data-concept``)."""
    parts = [(f'<svg class="mech-map-svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {lay.width:.0f} {lay.height:.0f}" '
              f'width="{lay.width:.0f}" height="{lay.height:.0f}" role="group" aria-labelledby="map-title">'),
             '<title id="map-title">causaal lusdiagram / causal loop diagram</title>', marker_defs("m")]
    for cx, cy, r, _members in lay.circles:
        parts.append(f'<circle class="knot" cx="{cx:.1f}" cy="{cy:.1f}" r="{max(r, 20):.1f}"/>')
    for i, edge in enumerate(edges):
        a, b = lay.boxes[edge.source], lay.boxes[edge.target]
        d, (sx, sy) = _edge_path(a, b, lay)
        cls = "edge counts" if edge.standing == "counts" else "edge possible"
        nl, en = _aria(edge, labels, "nl"), _aria(edge, labels, "en")
        parts.append(
            f'<g class="{cls}" data-edge="{i}" tabindex="0" role="button" aria-label={quoteattr(nl)} '
            f'data-nl={quoteattr(nl)} data-en={quoteattr(en)} data-attr="aria-label">'
            f'<path class="hit" d="{d}"/><path class="line" d="{d}" marker-end="url(#m-head)"/>'
            f'{sign_svg(edge.sign, sx, sy)}</g>')
    for box in lay.boxes.values():
        parts.append(_box(box, ""))
    parts.append("</svg>")
    return Markup("".join(parts))


def loop_card_svg(loop, labels: _Labels) -> Markup:
    """A loop on its circle, both languages, for the loop cards on the page."""
    lay = loop_layout(loop.nodes, {c: labels.pair(c) for c in loop.nodes}, margin=36.0)
    parts = [(f'<svg class="mech-loop-svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {lay.width:.0f} {lay.height:.0f}" '
             f'width="{lay.width:.0f}" height="{lay.height:.0f}" role="img" aria-hidden="true">'),
             marker_defs(f"c{loop.id[-8:]}")]
    for edge in loop.edges:
        a, b = lay.boxes[edge.source], lay.boxes[edge.target]
        d, (sx, sy) = arc_path(a, b, lay.cx, lay.cy, 0.45 if len(loop) == 2 else 0.18)
        cls = "edge counts" if edge.standing == "counts" else "edge possible"
        parts.append(f'<g class="{cls}"><path class="line" d="{d}" marker-end="url(#c{loop.id[-8:]}-head)"/>'
                     f'{sign_svg(edge.sign, sx, sy)}</g>')
    for box in lay.boxes.values():
        parts.append(_box(box, ""))
    parts.append(f'<text class="rb" x="{lay.cx:.1f}" y="{lay.cy + 10:.1f}">{escape(loop.type)}</text></svg>')
    return Markup("".join(parts))


def _claim_json(link, sources: dict) -> dict:
    def lab(key: str, value: str) -> dict:
        nl, en = LABELS[key][value]
        return {"nl": nl, "en": en}

    marks = [lab(k, getattr(link, k)) for k in ("stance", "basis", "voice")
             if getattr(link, k) != {"stance": "states", "basis": "manifest", "voice": "author"}[k]]
    return {"id": link.key, "modality": {"nl": MODALITY_LABELS[link.modality][0], "en": MODALITY_LABELS[link.modality][1]},
            "counts": link.counts, "marks": marks, "attributed": link.attributed_to, "note": link.note,
            "cases": link.cases, "level": link.level,
            "evidence": [{"quote": e.quote, "source": e.source,
                          "cite": sources[e.source]["cite"] if e.source in sources else e.source,
                          "first": e.first_line, "last": e.last_line} for e in link.evidence]}


def _edge_json(edge: Edge, labels: _Labels, sources: dict) -> dict:
    return {"from": edge.source, "to": edge.target, "sign": edge.sign,
            "symbol": SIGN_LABELS.get(edge.sign, ("?",))[0],
            "from_label": {"nl": labels(edge.source), "en": labels(edge.source, "en")},
            "to_label": {"nl": labels(edge.target), "en": labels(edge.target, "en")},
            "standing": edge.standing, "claims": [_claim_json(c, sources) for c in edge.active]}


_ANALYSED: list = []  # [(links, edges by pair, loops)] of the last links analysed


def _analysis(links: list) -> tuple[dict, list]:
    """The merged edges and the loops of ``links``, computed once per list (the mechanism page
    and every case's data file need them)."""
    if not _ANALYSED or _ANALYSED[0][0] is not links:
        edges_by_pair = merge_edges(links, include_possible=True)
        _ANALYSED[:] = [(links, edges_by_pair, find_loops(edges_by_pair))]
    return _ANALYSED[0][1], _ANALYSED[0][2]


def case_concepts(record: dict) -> CaseConcepts:
    """The mechanism view of a case from its site record (read from the store with it)."""
    m = record["mechanism"]
    return CaseConcepts(record["id"], m["label"], m["levels"], m["standing"])


def case_mechanism_script(data, cid: str) -> str | None:
    """``mechanisms/cases/<id>.js`` of a case (None: the sources state no mechanism link)."""
    links = data.mechanisms["links"]
    if not links:
        return None
    edges_by_pair, loops = _analysis(links)
    record = data.cases[cid]
    return case_script(case_concepts(record), list(edges_by_pair.values()), loops,
                       record["mechanism"]["quotes"])


def render_mechanisms(data, render, pages: dict[str, str]) -> None:
    """Add the mechanism page and the loop SVGs to ``pages`` (``render`` renders a template);
    each case's data file is made with the case's page (:func:`case_mechanism_script`)."""
    links = data.mechanisms["links"]
    if not links:
        return
    labels = _Labels(data.concepts)
    sources = data.sources
    edges_by_pair, loops = _analysis(links)
    edges = list(edges_by_pair.values())
    index = {(e.source, e.target): i for i, e in enumerate(edges)}
    lay = map_layout(list(edges_by_pair), {c: labels.pair(c) for pair in edges_by_pair for c in pair})
    cases = [case_concepts(record) for record in data.cases.values()]
    ranked_loops = rank(loops, cases)
    counting = merge_edges(links)
    chains = find_chains(counting)
    ranked_chains = rank([p for p in chains.paths if len(p) >= 2], cases)[:TOP_CHAINS]
    shim = _CorpusLabels(labels)
    for loop in loops:
        pages[f"mechanisms/{loop.id}.svg"] = loop_svg(loop, shim, "nl")
        pages[f"mechanisms/{loop.id}.en.svg"] = loop_svg(loop, shim, "en")
    edge_data = [_edge_json(e, labels, sources) for e in edges]
    statuses: dict[int, list[str]] = {}  # case index -> status of each link it has both ends of
    for pair, having in present_in(cases, edges_by_pair).items():
        for i in having:
            statuses.setdefault(i, []).append(step_in(edges_by_pair[pair], cases[i]).status)
    per_case = [{"id": case.id, "label": case.label, "levels": case.levels,
                 "shown": statuses.get(i, []).count("shown"),
                 "possible": statuses.get(i, []).count("possible")} for i, case in enumerate(cases)]
    summary = {
        "claims": len(links), "counting_claims": sum(link.counts for link in links),
        "denied_claims": sum(link.denied for link in links),
        "edges": len(edges), "counting_edges": sum(e.standing == "counts" for e in edges),
        "concepts": len(lay.boxes), "loops": len(loops),
        "loops_r": sum(lp.type == "R" for lp in loops), "loops_b": sum(lp.type == "B" for lp in loops),
        "loops_counting": sum(lp.standing == "counts" for lp in loops),
        "chains": len(chains.paths), "longest": len(chains.paths[0]) if chains.paths else 0,
        "sources": sorted({e.source for link in links for e in link.evidence}),
    }
    loop_cards = [{"id": r.path.id, "type": r.path.type, "type_label": LOOP_TYPES.get(r.path.type, ("?", "?")),
                   "counts": r.path.standing == "counts", "svg": loop_card_svg(r.path, labels),
                   "nodes": r.path.nodes, "edges": [index[(e.source, e.target)] for e in r.path.edges],
                   "whole": r.whole, "possibly_whole": r.possibly_whole, "partial": r.partial[:6],
                   "levels": r.levels, "sources": r.path.sources} for r in ranked_loops]
    single = [Path([e.source, e.target], [e], False) for e in counting.values()]
    link_rows = [{"nodes": r.path.nodes, "sign": r.path.edges[0].sign, "whole": r.whole, "levels": r.levels}
                 for r in rank(single, cases) if r.whole][:TOP_CHAINS]
    chain_rows = [{"nodes": r.path.nodes, "length": len(r.path), "whole": r.whole, "levels": r.levels,
                   "possibly_whole": r.possibly_whole, "signs": [e.sign for e in r.path.edges]}
                  for r in ranked_chains]
    render("mechanisms.html", "mechanisms.html", {"nl": "Mechanismen", "en": "Mechanisms"},
           map=map_svg(edges, lay, labels), edge_data=edge_data, loops=loop_cards, chains=chain_rows, link_rows=link_rows,
           summary=summary, per_case=sorted(per_case, key=lambda c: (-c["shown"], -c["possible"], c["id"])),
           sign_labels=SIGN_LABELS, map_width=lay.width)


def case_data(case: CaseConcepts, edges: list[Edge], loops, quotes: dict) -> dict:
    """What the per-case view needs: statuses by edge index, loops, missing links, quotes."""
    index = {(e.source, e.target): i for i, e in enumerate(edges)}
    steps = {i: step_in(e, case) for i, e in enumerate(edges)}
    shown = {i: s.status for i, s in steps.items() if s.status in ("shown", "possible")}
    ends = {c for i in shown for c in (edges[i].source, edges[i].target)}
    loop_views = []
    for loop in loops:
        view = in_case(loop, case)
        if view.present:
            loop_views.append({"id": loop.id, "type": loop.type, "whole": view.whole,
                               "possibly_whole": view.possibly_whole, "present": view.present,
                               "length": len(loop),
                               "missing": [index[(s.edge.source, s.edge.target)] for s in view.missing]})
    return {
        "id": case.id, "label": case.label, "levels": case.levels,
        "standing": {c: s for c, s in sorted(case.standing.items())},
        "shown": {str(i): s for i, s in sorted(shown.items())},
        "denied": [i for i, s in sorted(steps.items()) if s.status == "denied"],
        "next": [i for i, s in sorted(steps.items()) if s.status == "missing" and s.missing == [edges[i].target]],
        "loops": loop_views,
        "quotes": {c: [{"quote": q["quote"], "source": q["source"], "first": q["first"], "last": q["last"],
                        "counts": q["counts"]} for q in quotes.get(c, [])[:3]] for c in sorted(ends)},
    }


def case_script(case: CaseConcepts, edges: list[Edge], loops, quotes: dict) -> str:
    """A classic script (loadable from disk) handing the case's data to mechanisms.js; ASCII
    JSON, so nothing in it can end the script or the string."""
    payload = json.dumps(case_data(case, edges, loops, quotes), ensure_ascii=True, separators=(",", ":"))
    return f"window.pgMechCase && window.pgMechCase({payload});\n"
