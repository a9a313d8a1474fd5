"""The interactive graphs of the site as data for vis-network, laid out in advance.

Layouts are computed here with networkx (``spring_layout`` with a fixed seed), so a page shows
a finished, stable picture at once and the browser runs no physics simulation. Every node
carries plain-text labels and hover texts in both languages; the page script puts them into the
canvas and into tooltips as text, never as HTML.

A large corpus is aggregated: beyond :data:`NODE_LIMIT` nodes the corpus graph keeps the cases,
the sources and the most frequent patterns and risk factors only, so a corpus ten times the
current one still opens and pans smoothly; it is laid out by :func:`hub_layout`, which grows
linearly with the cases.
"""

from __future__ import annotations

import math

import networkx as nx

from pav_graph.site.data import SiteData

NODE_LIMIT = 400
SEED = 7
HUB_SPREAD = 8  # a case lies within canvas_scale / HUB_SPREAD of the mean of its hubs

# colour and shape per kind: two cues, so the legend works in grey-scale and for colour-blind
# readers (colours from the Okabe–Ito palette and darker tones, all with a white label halo)
KIND_STYLE: dict[str, dict[str, str]] = {
    "case": {"color": "#1f4e79", "shape": "square"},
    "source": {"color": "#4d4d4d", "shape": "triangleDown"},
    "pattern": {"color": "#c0392b", "shape": "star"},
    "risk-factor": {"color": "#d55e00", "shape": "triangle"},
    "dilemma": {"color": "#8e44ad", "shape": "diamond"},
    "intervention": {"color": "#1e8449", "shape": "hexagon"},
    "role": {"color": "#7f8c8d", "shape": "dot"},
    "relation-type": {"color": "#b7950b", "shape": "square"},
    "framework": {"color": "#117a65", "shape": "diamond"},
    "criterion": {"color": "#0072b2", "shape": "dot"},
    "event-type": {"color": "#6e2c00", "shape": "triangleDown"},
    "influence-means": {"color": "#cc79a7", "shape": "hexagon"},
}
EXTRA_KIND_LABEL = {"case": {"nl": "casussen", "en": "cases"},
                    "source": {"nl": "bronnen", "en": "sources"}}


def styles(data: SiteData) -> list[dict]:
    """Legend rows: kind, colour, shape and plural label in both languages."""
    labels = {**EXTRA_KIND_LABEL, **data.kinds}
    return [{"kind": k, **v, "label": labels.get(k, {"nl": k, "en": k})}
            for k, v in KIND_STYLE.items()]


def short(text: str, limit: int = 32) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _case_node(data: SiteData, cid: str) -> dict:
    case = data.cases[cid]
    period = "–".join(dict.fromkeys(x for x in (case["start"], case["end"]) if x)) or "?"
    levels_nl = ", ".join(lv[1] for lv in case["levels"])
    levels_en = ", ".join(lv[2] for lv in case["levels"])
    n = len(case["detail"]["findings"])
    return {
        "id": f"case:{cid}", "kind": "case", "url": f"cases/{cid}.html", "size": 16,
        "label": {lang: short(case["label"][lang]) for lang in ("nl", "en")},
        "tip": {"nl": f"{case['label']['nl']}\ncasus · {levels_nl} · {period}\n{n} bevindingen",
                "en": f"{case['label']['en']}\ncase · {levels_en} · {period}\n{n} findings"},
    }


def _concept_node(data: SiteData, cid: str) -> dict:
    c = data.concepts[cid]
    n = len(c["cases"])
    kind = data.kinds.get(c["kind"], {"nl": c["kind"], "en": c["kind"]})
    tip = {}
    for lang, word in (("nl", "casussen"), ("en", "cases")):
        definition = short(c["definition"].get(lang) or "", 220)
        tip[lang] = f"{c['label'][lang]}\n{kind[lang]} · {n} {word}" + (
            f"\n{definition}" if definition else "")
    return {"id": f"concept:{cid}", "kind": c["kind"], "url": f"concepts/{cid}.html",
            "size": round(min(30, 8 + 2.5 * math.sqrt(n)), 1),
            "label": {lang: short(c["label"][lang]) for lang in ("nl", "en")}, "tip": tip}


def _source_node(data: SiteData, sid: str) -> dict:
    s = data.sources[sid]
    title = s["title"] or sid
    return {"id": f"source:{sid}", "kind": "source", "url": f"sources/{sid}.html", "size": 14,
            "label": {"nl": sid, "en": sid},
            "tip": {"nl": f"{sid}\nbron · {title}\n{len(s['citations'])} citaten",
                    "en": f"{sid}\nsource · {title}\n{len(s['citations'])} citations"}}


def _node(data: SiteData, key: str) -> dict:
    kind, ident = key.split(":", 1)
    if kind == "case":
        return _case_node(data, ident)
    if kind == "source":
        return _source_node(data, ident)
    return _concept_node(data, ident)


def canvas_scale(nodes: int) -> float:
    """Half the width, in canvas pixels, given to a graph of this many nodes."""
    return max(180.0, 70.0 * math.sqrt(nodes))


def layout(graph: nx.Graph, center: str | None = None) -> dict[str, tuple[float, float]]:
    """Seeded spring layout scaled to canvas pixels (larger graphs get more room)."""
    if graph.number_of_nodes() == 0:
        return {}
    n = graph.number_of_nodes()
    scale = canvas_scale(n)
    k = 2.0 / math.sqrt(n)  # twice networkx's default spacing: room for the labels
    if center is not None:
        pos = nx.spring_layout(graph, seed=SEED, pos={center: (0.0, 0.0)}, fixed=[center],
                               k=k, iterations=80)
        extent = max((max(abs(x), abs(y)) for x, y in pos.values()), default=1.0) or 1.0
        return {n: (x / extent * scale, y / extent * scale) for n, (x, y) in pos.items()}
    pos = nx.spring_layout(graph, seed=SEED, k=k, iterations=80, scale=scale)
    return {n: (float(x), float(y)) for n, (x, y) in pos.items()}


def hub_layout(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """A layout for the aggregated corpus graph that grows linearly with the cases.

    The hubs (concepts and sources) get a seeded spring layout of their own, pulled together by
    how many cases they share; each case then sits at the mean of its hubs, spread by a small
    seeded offset, so cases with the same concepts form one cloud. A spring layout of every
    node took 220 s for 10,000 cases (networkx's energy minimisation over all pairs).
    """
    import random

    scale = canvas_scale(graph.number_of_nodes())
    # nodes and edges in sorted order: the aggregated graph is a subgraph of a set of nodes, and
    # spring_layout's result depends on the order it is given them (the seed alone is not enough)
    hubs = nx.Graph()
    hubs.add_nodes_from(sorted(v for v in graph if not v.startswith("case:")))
    for a, b in sorted(tuple(sorted(e)) for e in graph.edges):
        if a in hubs and b in hubs:
            hubs.add_edge(a, b, weight=1)
    for v in sorted(graph):
        if v.startswith("case:"):
            linked = sorted(u for u in graph[v] if u in hubs)
            for i, a in enumerate(linked):
                for b in linked[i + 1:]:
                    w = hubs.get_edge_data(a, b, {}).get("weight", 0)
                    hubs.add_edge(a, b, weight=w + 1)
    pos: dict[str, tuple[float, float]] = {}
    if hubs.number_of_nodes():
        k = 2.0 / math.sqrt(hubs.number_of_nodes())
        spring = nx.spring_layout(hubs, seed=SEED, k=k, iterations=80, weight="weight", scale=scale)
        pos = {v: (float(x), float(y)) for v, (x, y) in spring.items()}
    rng = random.Random(SEED)
    spread = scale / HUB_SPREAD
    for v in sorted(graph):
        if v in pos:
            continue
        linked = [pos[u] for u in sorted(graph[v]) if u in pos]
        angle, r = rng.uniform(0, 2 * math.pi), spread * math.sqrt(rng.random())
        if linked:
            x = sum(p[0] for p in linked) / len(linked)
            y = sum(p[1] for p in linked) / len(linked)
        else:  # linked to nothing shown: on a ring outside the hubs
            x, y, r = 0.0, 0.0, scale * 1.15
        pos[v] = (x + r * math.cos(angle), y + r * math.sin(angle))
    return pos


def _package(data: SiteData, graph: nx.Graph, center: str | None = None,
             pos: dict[str, tuple[float, float]] | None = None, **extra) -> dict:
    pos = layout(graph, center) if pos is None else pos
    nodes = []
    for key in sorted(graph.nodes):
        node = _node(data, key)
        node["x"], node["y"] = round(pos[key][0], 1), round(pos[key][1], 1)
        if key == center:
            node["center"] = True
        nodes.append(node)
    edges = [{"from": a, "to": b, "kind": attrs.get("kind", "linked")}
             for a, b, attrs in sorted(graph.edges(data=True))]
    return {"nodes": nodes, "edges": edges, "styles": styles(data), **extra}


def corpus_graph(data: SiteData, limit: int = NODE_LIMIT) -> dict:
    """Cases, the concepts they link to and their sources; aggregated above ``limit`` nodes."""
    graph = nx.Graph()
    for cid, case in data.cases.items():
        graph.add_node(f"case:{cid}")
        for c in case["linked"]:
            if c in data.concepts:
                graph.add_edge(f"case:{cid}", f"concept:{c}", kind="linked")
        for p in case["patterns"]:
            graph.add_edge(f"case:{cid}", f"concept:{p['id']}", kind="inferred")
        for s in case["sources"]:
            if s in data.sources:
                graph.add_edge(f"case:{cid}", f"source:{s}", kind="source")
    total = graph.number_of_nodes()
    aggregated = total > limit
    if aggregated:
        keep = {n for n in graph if not n.startswith("concept:")}
        ranked = sorted(
            (c for c in data.concepts.values()
             if c["kind"] in ("pattern", "risk-factor") and graph.has_node(f"concept:{c['id']}")),
            key=lambda c: (-len(c["cases"]), c["id"]))
        budget = max(40, limit - len(keep))
        keep |= {f"concept:{c['id']}" for c in ranked[:budget]}
        graph = graph.subgraph(keep).copy()
    for c in data.concepts.values():  # broader links between concepts that are shown
        for b in c["broader"]:
            if graph.has_node(f"concept:{c['id']}") and graph.has_node(f"concept:{b}"):
                graph.add_edge(f"concept:{c['id']}", f"concept:{b}", kind="broader")
    patterns = sorted(
        ({"id": c["id"], "label": c["label"]} for c in data.concepts.values()
         if c["kind"] == "pattern" and graph.has_node(f"concept:{c['id']}")),
        key=lambda p: p["label"]["nl"].casefold())
    return _package(data, graph, pos=hub_layout(graph) if aggregated else None,
                    aggregated=aggregated, total=total, patterns=patterns)


def case_ego(data: SiteData, case_id: str) -> dict:
    """One case, its concepts and sources, and its most similar cases through shared concepts."""
    case = data.cases[case_id]
    me = f"case:{case_id}"
    graph = nx.Graph()
    graph.add_node(me)
    for c in case["linked"]:
        if c in data.concepts:
            graph.add_edge(me, f"concept:{c}", kind="linked")
    for p in case["patterns"]:
        graph.add_edge(me, f"concept:{p['id']}", kind="inferred")
    for s in case["sources"]:
        if s in data.sources:
            graph.add_edge(me, f"source:{s}", kind="source")
    for sim in case["similar"]:
        for c in sim["shared"]:
            graph.add_edge(f"case:{sim['id']}", f"concept:{c}", kind="linked")
    return _package(data, graph, center=me)


def concept_ego(data: SiteData, concept_id: str, max_cases: int = 60) -> dict:
    """One concept, its broader/narrower/related concepts and the cases that exhibit it."""
    c = data.concepts[concept_id]
    me = f"concept:{concept_id}"
    graph = nx.Graph()
    graph.add_node(me)
    for key in ("broader", "narrower", "related", "requires"):
        for other in c[key]:
            graph.add_edge(me, f"concept:{other}", kind="broader" if key != "related" else "related")
    uses = c["cases"]
    for use in uses[:max_cases]:
        graph.add_edge(me, f"case:{use['case']}", kind="inferred" if use["inferred"] else "linked")
    return _package(data, graph, center=me, shown_cases=min(len(uses), max_cases),
                    total_cases=len(uses))
