"""Precomputed layouts for causal loop diagrams, so that a loop reads as a loop.

Two layouts, both computed here (no layout engine in the browser, nothing moves):

* :func:`loop_layout` — one loop on a circle, its concepts spaced so that no two label boxes
  overlap, the R/B mark in the middle (the static SVG per loop and the loop cards on the site);
* :func:`map_layout` — the whole graph: every strongly connected component (a knot of loops) is
  laid out on its own circle, and the components are placed in columns from root causes (left)
  to final effects (right) by the longest path in the condensed graph; within a column the
  order follows the neighbours' mean position (two sweeps of the barycentre heuristic), a
  column taller than ``max_height`` is split into sub-columns side by side, and every box is
  placed below the previous one, so labels never overlap. A root cause stands in the column
  just left of its first effect.

Label boxes are estimated from the text: :func:`text_box` wraps a label at :data:`WRAP`
characters and takes :data:`CHAR_WIDTH` of the font size per character, a safe upper bound for
the sans-serif fonts the site uses (tests/test_mechanisms_site.py measures the drawn boxes in
Chromium and checks that none overlap).
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass

import networkx as nx

FONT = 13  # px
LINE = 16  # px per text line
CHAR_WIDTH = 0.62  # of the font size: an upper bound for the average glyph of sans-serif fonts
WRAP = 22  # characters per line
PAD = 8  # px around the text inside a box
GAP = 18  # px between boxes


def wrap(label: str) -> list[str]:
    return textwrap.wrap(label, WRAP, break_long_words=False, break_on_hyphens=False) or [label]


Label = str | tuple[str, str]  # one text, or (Dutch, English): the box fits the larger


def text_box(label: Label) -> tuple[float, float]:
    texts = label if isinstance(label, tuple) else (label,)
    sizes = []
    for text in texts:
        lines = wrap(text)
        sizes.append((max(len(line) for line in lines) * FONT * CHAR_WIDTH + 2 * PAD,
                      len(lines) * LINE + 2 * PAD))
    return max(w for w, _ in sizes), max(h for _, h in sizes)


def label_lines(label: Label) -> tuple[list[str], list[str]]:
    """The wrapped lines of the label in Dutch and in English (the same text twice for one text)."""
    nl, en = label if isinstance(label, tuple) else (label, label)
    return wrap(nl), wrap(en)


@dataclass
class Box:
    id: str
    x: float  # centre
    y: float
    w: float
    h: float
    lines: list[str]
    lines_en: list[str] | None = None

    @property
    def left(self) -> float:
        return self.x - self.w / 2

    @property
    def top(self) -> float:
        return self.y - self.h / 2

    def overlaps(self, other: Box, margin: float = 0.0) -> bool:
        return (abs(self.x - other.x) * 2 < self.w + other.w + 2 * margin
                and abs(self.y - other.y) * 2 < self.h + other.h + 2 * margin)

    def border_point(self, tx: float, ty: float) -> tuple[float, float]:
        """Where the line from the centre towards (tx, ty) leaves the box."""
        dx, dy = tx - self.x, ty - self.y
        if dx == 0 and dy == 0:
            return self.x, self.y
        scale = min((self.w / 2) / abs(dx) if dx else math.inf, (self.h / 2) / abs(dy) if dy else math.inf)
        return self.x + dx * scale, self.y + dy * scale


def _box(i: str, labels: dict[str, Label], x: float, y: float, size: tuple[float, float]) -> Box:
    nl, en = label_lines(labels.get(i, i))
    return Box(i, x, y, size[0], size[1], nl, en)


def _circle(ids: list[str], labels: dict[str, Label], cx: float, cy: float,
            min_radius: float = 60.0) -> tuple[dict[str, Box], float]:
    """Boxes for ``ids`` on a circle around (cx, cy), far enough apart that no two overlap."""
    sizes = {i: text_box(labels.get(i, i)) for i in ids}
    n = len(ids)
    if n == 1:
        return {ids[0]: _box(ids[0], labels, cx, cy, sizes[ids[0]])}, 0.0
    radius = min_radius
    while True:
        boxes = {}
        for k, i in enumerate(ids):
            angle = -math.pi / 2 + 2 * math.pi * k / n  # first concept at the top, clockwise
            boxes[i] = _box(i, labels, cx + radius * math.cos(angle), cy + radius * math.sin(angle), sizes[i])
        values = list(boxes.values())
        if not any(a.overlaps(b, GAP / 2) for j, a in enumerate(values) for b in values[j + 1:]):
            return boxes, radius
        radius += 10.0


@dataclass
class LoopLayout:
    boxes: dict[str, Box]
    radius: float
    cx: float
    cy: float
    width: float
    height: float


def loop_layout(nodes: list[str], labels: dict[str, Label], margin: float = 40.0) -> LoopLayout:
    # a loop on its own reads best on a roomy circle: room for the arcs and the R/B in the middle
    boxes, radius = _circle(nodes, labels, 0.0, 0.0, min_radius=max(110.0, 45.0 * len(nodes)))
    left = min(b.left for b in boxes.values()) - margin
    top = min(b.top for b in boxes.values()) - margin
    right = max(b.left + b.w for b in boxes.values()) + margin
    bottom = max(b.top + b.h for b in boxes.values()) + margin
    for b in boxes.values():
        b.x -= left
        b.y -= top
    return LoopLayout(boxes, radius, -left, -top, right - left, bottom - top)


@dataclass
class MapLayout:
    boxes: dict[str, Box]
    circles: list[tuple[float, float, float, list[str]]]  # cx, cy, radius, members (loops' knots)
    columns: int
    width: float
    height: float


def map_layout(pairs: list[tuple[str, str]], labels: dict[str, Label], margin: float = 30.0,
               column_gap: float = 90.0, max_height: float = 1100.0) -> MapLayout:
    g = nx.DiGraph()
    g.add_edges_from(pairs)
    comps = [sorted(c) for c in nx.strongly_connected_components(g)]
    comps.sort()
    dag = nx.condensation(g, scc=[set(c) for c in comps])
    # networkx numbers the condensation's nodes in the order of the scc list given
    layer: dict[int, int] = {}
    for k in nx.topological_sort(dag):
        preds = list(dag.predecessors(k))
        layer[k] = max((layer[p] + 1 for p in preds), default=0)
    # root causes (no predecessor) move right, next to their first effect, so that the first
    # column is not a long list of every root of the graph
    for k in sorted(dag, key=lambda k: -layer[k]):
        if dag.in_degree(k) == 0 and dag.out_degree(k) > 0:
            layer[k] = min(layer[s] for s in dag.successors(k)) - 1
    # each component's own shape: a circle for a knot of loops, a single box otherwise
    shapes: dict[int, tuple[dict[str, Box], float]] = {}
    for k, comp in enumerate(comps):
        order = _cycle_order(g.subgraph(comp)) if len(comp) > 1 else comp
        shapes[k] = _circle(order, labels, 0.0, 0.0)
    columns: dict[int, list[int]] = {}
    for k, lv in sorted(layer.items(), key=lambda kv: (kv[1], comps[kv[0]])):
        columns.setdefault(lv, []).append(k)
    # two barycentre sweeps (left to right, right to left) to keep neighbours close
    position = {k: i for col in columns.values() for i, k in enumerate(col)}
    for forward in (True, False):
        for lv in sorted(columns, reverse=not forward):
            col = columns[lv]
            col.sort(key=lambda k, fw=forward: (_barycentre(dag, k, position, fw), comps[k]))
            for i, k in enumerate(col):
                position[k] = i
    boxes: dict[str, Box] = {}
    circles = []
    x = margin
    height = 0.0
    for lv in sorted(columns):
        extents = {}
        for k in columns[lv]:
            bxs = shapes[k][0].values()
            extents[k] = (min(b.left for b in bxs), max(b.left + b.w for b in bxs),
                          min(b.top for b in bxs), max(b.top + b.h for b in bxs))
        for sub in _split(columns[lv], {k: e[3] - e[2] for k, e in extents.items()}, max_height):
            col_width = max(extents[k][1] - extents[k][0] for k in sub)
            y = margin
            for k in sub:
                lft, r, top, bottom = extents[k]
                dx = x + (col_width - (r - lft)) / 2 - lft
                dy = y - top
                for b in shapes[k][0].values():
                    boxes[b.id] = Box(b.id, b.x + dx, b.y + dy, b.w, b.h, b.lines, b.lines_en)
                if len(comps[k]) > 1:
                    circles.append((dx, dy, shapes[k][1], comps[k]))
                y += (bottom - top) + GAP
            height = max(height, y)
            x += col_width + (column_gap if sub is not None else 0)
    return MapLayout(boxes, circles, len(columns), x - column_gap + margin, height + margin)


def _barycentre(dag: nx.DiGraph, k: int, position: dict[int, int], forward: bool) -> float:
    """The mean position of a component's neighbours in the column before (or after) it."""
    near = list(dag.predecessors(k)) if forward else list(dag.successors(k))
    return sum(position[n] for n in near) / len(near) if near else position[k]


def _split(col: list[int], heights: dict[int, float], max_height: float) -> list[list[int]]:
    """A column taller than ``max_height`` as several sub-columns of about equal height, in order."""
    total = sum(heights[k] + GAP for k in col)
    parts = max(1, math.ceil(total / max_height))
    target = total / parts
    out: list[list[int]] = [[]]
    acc = 0.0
    for k in col:
        if out[-1] and acc + heights[k] / 2 > target * len(out) and len(out) < parts:
            out.append([])
        out[-1].append(k)
        acc += heights[k] + GAP
    return out


def _cycle_order(sub: nx.DiGraph) -> list[str]:
    """The members of a knot in an order that follows its longest cycle, so the circle shows it."""
    best: list[str] = []
    for cycle in nx.simple_cycles(sub):
        if len(cycle) > len(best) or (len(cycle) == len(best) and min(cycle) < min(best)):
            best = list(cycle)
    i = best.index(min(best))
    order = best[i:] + best[:i]
    return order + sorted(set(sub) - set(order))
