"""Nodes, edges and frames in the shape graph.js draws, with their boxes for the layout.

A node carries its label as drawn (lines joined by a line break) and a hover text in both
languages; its box is the union of the two languages' boxes, so switching the language never
makes two labels overlap. Everything is plain text: graph.js puts labels on the canvas and hover
texts into elements with ``textContent``.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np

from pav_graph.site.graphs import layout
from pav_graph.site.graphs.layout import Box, Group
from pav_graph.site.graphs.shapes import KIND_STYLE, edge_styles, svg_inner

SEED = 7
LANGS = ("nl", "en")
SPRING_FROM = 16  # blocks; fewer start on an ellipse
LABEL_SHARE = 0.45  # share of the reference view the boxes of full-size labels may take


def union(boxes: list[Box]) -> Box:
    return Box(min(b.x0 for b in boxes), min(b.y0 for b in boxes),
               max(b.x1 for b in boxes), max(b.y1 for b in boxes))


class Builder:
    """Collects the nodes, edges and frames of one graph, then lays them out.

    Labels are shown by importance: each node has a ``priority`` (lower is more important) and
    a nominal font size. :meth:`layout` gives the full size to as many labels, in order of
    priority, as fit the reference ``view``; the rest get :data:`SMALL_FONT`, which
    vis-network draws only when the reader zooms in. If the finished layout would still open so
    small that the smallest full-size label is hard to read, the least important third of them
    is made small too and the layout is made again (at most a few times)."""

    def __init__(self, view: tuple[float, float] = (960.0, 560.0)) -> None:
        self.view = view
        self.nodes: dict[str, dict] = {}
        self.boxes: dict[str, Box] = {}
        self.lines: dict[str, dict[str, list[str]]] = {}
        self.priority: dict[str, float] = {}
        self.edges: list[dict] = []
        self.groups: list[Group] = []
        self.extent = layout.Box(0, 0, 0, 0)

    def node(self, key: str, kind: str, label: dict[str, str], tip: dict[str, str],
             url: str | None = None, size: float = 9, font: float = 12,
             name: dict[str, str] | None = None, priority: float = 0, **extra) -> dict:
        """Add (or return) node ``key``; labels are shortened and wrapped here, ``name`` (the
        whole label by default) is what the list of nodes shows."""
        if key in self.nodes:
            return self.nodes[key]
        name = name or {lang: label.get(lang) or label["nl"] for lang in LANGS}
        self.lines[key] = {lang: layout.label_lines(label.get(lang) or label["nl"]) for lang in LANGS}
        node = {"id": key, "kind": kind,
                "label": {lang: "\n".join(self.lines[key][lang]) for lang in LANGS},
                "name": name, "tip": tip, "size": size, "font": font, **extra}
        if url:
            node["url"] = url
        self.nodes[key] = node
        self.priority[key] = priority
        self._measure(key)
        return node

    def _measure(self, key: str) -> None:
        node, lines = self.nodes[key], self.lines[key]
        if node["kind"] == "relation":
            self.boxes[key] = union([layout.text_box(lines[lang], node["font"]) for lang in LANGS])
        else:
            self.boxes[key] = union([layout.image_box(node["size"], lines[lang], node["font"])
                                     for lang in LANGS])

    def edge(self, a: str, b: str, kind: str, **extra) -> None:
        self.edges.append({"from": a, "to": b, "kind": kind, **extra})

    def group(self, key: str, title: dict[str, str], members: list[str]) -> None:
        if members:
            self.groups.append(Group(key, title, members, [self.boxes[m] for m in members]))

    # ------------------------------------------------------------------ layout

    def layout(self, centre: str | None = None, density: float = 0.5,
               weight: dict[tuple[str, str], float] | None = None, edge_links: bool = True,
               min_screen: float = 8.5) -> None:
        """Fonts by importance (see the class doc), then :meth:`arrange`."""
        ranked = sorted(self.nodes, key=lambda k: (self.priority[k], k))
        budget = LABEL_SHARE * self.view[0] * self.view[1]
        used = 0.0
        for key in ranked:
            b = self.boxes[key]
            if used + b.width * b.height > budget and key != centre and self.nodes[key]["kind"] != "relation":
                self._small(key)
            else:
                used += b.width * b.height
        aspect = self.view[0] / self.view[1]
        for _ in range(4):
            self.arrange(centre, aspect, density, weight, edge_links)
            scale = layout.fit_scale(self.extent, self.view)
            full = [k for k in ranked if self.nodes[k]["font"] > layout.SMALL_FONT
                    and k != centre and self.nodes[k]["kind"] != "relation"]
            if not full or min(self.nodes[k]["font"] for k in full) * scale >= min_screen:
                return
            for key in full[len(full) - max(1, len(full) // 3):]:
                self._small(key)

    def _small(self, key: str) -> None:
        self.nodes[key]["font"] = layout.SMALL_FONT
        self._measure(key)

    def arrange(self, centre: str | None = None, aspect: float = 2.0, density: float = 0.5,
                weight: dict[tuple[str, str], float] | None = None,
                edge_links: bool = True) -> None:
        """Place frames (packed groups) and the nodes outside any frame as rigid blocks.

        The blocks get a seeded spring layout of their own (linked blocks attract: one for
        each edge between them when ``edge_links``, plus ``weight``), which
        :func:`layout.force_pack` packs to the page's ``aspect`` without overlaps; the centre
        stays at 0, 0.
        """
        for g in self.groups:
            g.boxes = [self.boxes[m] for m in g.members]
            layout.pack(g)
        block_of: dict[str, int] = {}
        blocks: list[Box] = []
        for k, g in enumerate(self.groups):
            for m in g.members:
                block_of[m] = k
            blocks.append(g.frame)
        singles = [key for key in self.nodes if key not in block_of]
        for key in singles:
            block_of[key] = len(blocks)
            blocks.append(self.boxes[key])
        links: dict[tuple[int, int], float] = {}
        pairs = [(e["from"], e["to"], 1.0) for e in self.edges] if edge_links else []
        for ka, kb, w in pairs + [(a, b, w) for (a, b), w in (weight or {}).items()]:
            a, b = block_of[ka], block_of[kb]
            if a != b:
                pair = (min(a, b), max(a, b))
                links[pair] = links.get(pair, 0.0) + w
        fixed = block_of.get(centre) if centre else None
        pos = place_blocks(blocks, links, fixed, aspect, density)
        self.extent = layout.bounds(pos, blocks)
        for k, g in enumerate(self.groups):
            x, y = pos[k]
            for m, (dx, dy) in zip(g.members, g.offsets, strict=True):
                self.nodes[m]["x"], self.nodes[m]["y"] = round(x + dx, 1), round(y + dy, 1)
            g.placed = Box(x + g.frame.x0, y + g.frame.y0, x + g.frame.x1, y + g.frame.y1)
        for key in singles:
            x, y = pos[block_of[key]]
            self.nodes[key]["x"], self.nodes[key]["y"] = round(float(x), 1), round(float(y), 1)

    def package(self, name: dict[str, str], **extra) -> dict:
        """The graph as embedded in a page (laid out before)."""
        kinds = {n["kind"] for n in self.nodes.values()}
        styles = [{"kind": k, "color": s["color"], "shape": s["shape"], "svg": svg_inner(k),
                   "svg_selected": svg_inner(k, True)}
                  for k, s in KIND_STYLE.items() if k in kinds]
        edges = sorted(self.edges, key=lambda e: (e["from"], e["to"], e["kind"]))
        return {
            "name": name, "nodes": sorted(self.nodes.values(), key=lambda n: n["id"]),
            "edges": edges,
            "groups": [{"key": g.key, "title": g.title, "members": g.members,
                        "x0": round(g.placed.x0, 1), "y0": round(g.placed.y0, 1),
                        "x1": round(g.placed.x1, 1), "y1": round(g.placed.y1, 1)}
                       for g in self.groups],
            "styles": styles, "edge_styles": edge_styles(edges),
            "font_face": layout.FONT_FACE, "draw_threshold": layout.DRAW_THRESHOLD,
            "title_font": layout.TITLE_FONT, "group_pad": layout.GROUP_PAD,
            "bounds": [round(v, 1) for v in (self.extent.x0, self.extent.y0, self.extent.x1,
                                              self.extent.y1)],
            "fit_margin": layout.FIT_MARGIN,
            "has_possible": any(n.get("possible") for n in self.nodes.values()),
            "sized": any("n" in n for n in self.nodes.values()), **extra,
        }


def place_blocks(blocks: list[Box], links: dict[tuple[int, int], float], fixed: int | None,
                 aspect: float, density: float) -> np.ndarray:
    """Positions of rigid blocks: a start, then :func:`layout.force_pack`.

    A few blocks (a case's frames around it) start on an ellipse in their given order, which
    keeps the kinds in the same places from case to case; many (the pattern map) start from a
    seeded spring layout, which puts related nodes near each other."""
    n = len(blocks)
    if n <= 1:
        return np.zeros((n, 2))
    others = [k for k in range(n) if k != fixed]
    pos = np.zeros((n, 2))
    for i, k in enumerate(others):
        angle = 2 * math.pi * i / len(others) - math.pi / 2
        pos[k] = (aspect * math.cos(angle), math.sin(angle))
    if n > SPRING_FROM:
        g = nx.Graph()
        g.add_nodes_from(range(n))
        for (a, b), w in sorted(links.items()):
            g.add_edge(a, b, weight=w)
        spring = nx.spring_layout(g, pos={k: tuple(pos[k]) for k in range(n)}, seed=SEED,
                                  weight="weight", iterations=50, k=1.5 / math.sqrt(n),
                                  fixed=[fixed] if fixed is not None else None)
        pos = np.array([spring[k] for k in range(n)], dtype=float)
    return layout.force_pack(pos, blocks, [(a, b, w) for (a, b), w in links.items()], aspect,
                             fixed=fixed, density=density)


def concept_tip(data, cid: str, extra: dict[str, str] | None = None,
                count: bool = True) -> dict[str, str]:
    """A concept's tooltip; ``count=False`` leaves out its number of cases, which changes with
    every case that links it (a case page shows its own case, so it stays as it is when
    another case is added: ``pav-graph site`` then rewrites only the pages a change touches)."""
    c = data.concepts[cid]
    n = len(c["cases"]) if count else 0
    kind = data.kinds.get(c["kind"], {"nl": c["kind"], "en": c["kind"]})
    tip = {}
    for lang, word in (("nl", "casussen"), ("en", "cases")):
        definition = c["definition"].get(lang) or ""
        if len(definition) > 220:
            definition = definition[:219].rstrip() + "…"
        tip[lang] = f"{c['label'][lang]}\n{kind[lang]}" + (f" · {n} {word}" if count else "") + (
            f"\n{extra[lang]}" if extra else "") + (f"\n{definition}" if definition else "")
    return tip


def case_tip(data, cid: str) -> dict[str, str]:
    case = data.cases[cid]
    period = "–".join(dict.fromkeys(x for x in (case["start"], case["end"]) if x)) or "?"
    levels_nl = ", ".join(lv[1] for lv in case["levels"])
    levels_en = ", ".join(lv[2] for lv in case["levels"])
    n = len(case["detail"]["findings"])
    return {"nl": f"{case['label']['nl']}\ncasus · {levels_nl} · {period}\n{n} bevindingen",
            "en": f"{case['label']['en']}\ncase · {levels_en} · {period}\n{n} findings"}


def source_tip(data, sid: str, count: bool = True) -> dict[str, str]:
    """A source's tooltip; ``count=False`` leaves out its number of citations (see
    :func:`concept_tip`)."""
    s = data.sources[sid]
    title = s["title"] or sid
    if not count:
        return {"nl": f"{sid}\nbron · {title}", "en": f"{sid}\nsource · {title}"}
    return {"nl": f"{sid}\nbron · {title}\n{len(s['citations'])} citaten",
            "en": f"{sid}\nsource · {title}\n{len(s['citations'])} citations"}
