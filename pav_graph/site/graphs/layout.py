"""Layouts whose labels do not overlap: label boxes estimated here, overlaps removed here.

vis-network draws a label in canvas units, below its node's icon (or inside a box node), and
scales it with the zoom like everything else. So two labels that do not overlap in canvas
units overlap at no zoom level: the pages show precomputed positions, physics off, and the
layouts here make every node's box — icon plus label — disjoint from every other, with a gap.

Label widths are estimated from the advance widths of Helvetica, which Arial and Liberation
Sans (the faces the pages ask for) share, with a small safety factor;
``tests/test_site_graphs.py`` measures the real labels with the browser's ``measureText`` and
checks that the estimate is never smaller, and that no two drawn labels overlap.

Which labels are drawn at the default view is decided by importance: a node's font size in
canvas units comes from its rank, and vis-network leaves out a label whose size on screen is
below its ``drawThreshold`` (:data:`DRAW_THRESHOLD`), so the less important labels appear only
when the reader zooms in (their boxes were kept free all the same).
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field

import numpy as np

FONT_FACE = "arial, 'Liberation Sans', helvetica, sans-serif"
DRAW_THRESHOLD = 8  # vis-network draws a label when its size on screen is at least this - 1 px
SMALL_FONT = 5.0  # the size of a label drawn only when zoomed in (less important ones)
SAFETY = 1.04  # estimated widths are stretched by this much (kerning only ever narrows)
GAP = 6.0  # canvas units between two boxes, above each other
GAP_X = 16.0  # and side by side: two labels on one line must not read as one
LABEL_OFFSET = 4.0  # vis-network draws a label this far below an image node (Label.js)
BOX_MARGIN = 5.0  # vis-network's default margin inside a box node

# Helvetica advance widths (1/1000 em) of printable ASCII, from the Adobe font metrics; Arial and
# Liberation Sans were made metric-compatible with it
_ASCII = (
    " 278 !278 \"355 #556 $556 %889 &667 '191 (333 )333 *389 +584 ,278 -333 .278 /278 0556 1556 "
    "2556 3556 4556 5556 6556 7556 8556 9556 :278 ;278 <584 =584 >584 ?556 @1015 A667 B667 C722 "
    "D722 E667 F611 G778 H722 I278 J500 K667 L556 M833 N722 O778 P667 Q778 R722 S667 T611 U722 "
    "V667 W944 X667 Y667 Z611 [278 \\278 ]278 ^469 _556 `333 a556 b556 c500 d556 e556 f278 g556 "
    "h556 i222 j222 k500 l222 m833 n556 o556 p556 q556 r333 s500 t278 u556 v500 w722 x500 y500 "
    "z500 {334 |260 }334 ~584")
WIDTHS: dict[str, int] = {" ": 278}
for _token in _ASCII.split(" ")[2:]:
    WIDTHS[_token[0]] = int(_token[1:])
WIDTHS.update({"–": 556, "—": 1000, "…": 1000, "‘": 222, "’": 222, "“": 333, "”": 333,
               "·": 278, "×": 584, "→": 1000, "«": 556, "»": 556, "°": 400, "ß": 611,
               "æ": 889, "Æ": 1000, "ø": 611, "Ø": 778, "€": 556})
WIDE = 1000  # a character not in the table (a symbol or another script): one em, generously


def char_width(ch: str) -> int:
    if ch in WIDTHS:
        return WIDTHS[ch]
    base = unicodedata.normalize("NFD", ch)[:1]  # é → e: accents do not change the advance
    return WIDTHS.get(base, WIDE)


def text_width(text: str, size: float) -> float:
    """Estimated width in px of ``text`` set in Arial at ``size`` px (never less than real)."""
    return sum(char_width(ch) for ch in text) * size / 1000 * SAFETY


def wrap(text: str, limit: int = 26) -> list[str]:
    """At most two lines, broken at the space nearest the middle when ``text`` is long."""
    if len(text) <= limit or " " not in text:
        return [text]
    middle = len(text) / 2
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    cut = min(spaces, key=lambda i: abs(i - middle))
    return [text[:cut], text[cut + 1:]]


def label_lines(text: str, limit: int = 26, longest: int = 60) -> list[str]:
    """The label as drawn: shortened to ``longest`` characters, then wrapped."""
    if len(text) > longest:
        text = text[: longest - 1].rstrip() + "…"
    return wrap(text, limit)


@dataclass
class Box:
    """A node's extent relative to its position: icon (or box shape) plus label, in canvas px."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0


def image_box(size: float, lines: list[str], font: float) -> Box:
    """An icon of half-size ``size`` with its label below it (vis-network's image shape)."""
    half = max([size] + [text_width(line, font) / 2 for line in lines])
    bottom = size + LABEL_OFFSET + (len(lines) + 0.5) * font if lines else size
    return Box(-half, -size, half, bottom)


def text_box(lines: list[str], font: float, border: float = 2.0) -> Box:
    """A box node with its label inside (vis-network's box shape, default margin)."""
    half_w = max(text_width(line, font) for line in lines) / 2 + BOX_MARGIN + border
    half_h = len(lines) * font / 2 + BOX_MARGIN + border
    return Box(-half_w, -half_h, half_w, half_h)


def remove_overlaps(pos: np.ndarray, boxes: list[Box], gap: float = GAP, gap_x: float = GAP_X,
                    fixed: set[int] | None = None, rounds: int = 60) -> np.ndarray:
    """Move the nodes apart until no two boxes overlap (``gap`` apart vertically, ``gap_x``
    horizontally).

    Each round finds every overlapping pair and pushes the two apart along the axis where they
    overlap least, half each (all of it for the other when one is fixed). Pushes can create new
    overlaps; after ``rounds`` rounds without success the whole layout is spread by 5 % around
    its centre and the rounds start again, so the loop always ends. The pairwise test is
    quadratic in the nodes: callers give it at most a few hundred (concepts, never cases).
    """
    pos = np.array(pos, dtype=float).reshape(-1, 2)
    n = len(pos)
    if n < 2:
        return pos
    rel = np.array([[b.x0, b.y0, b.x1, b.y1] for b in boxes], dtype=float)
    still = np.zeros(n, dtype=bool)
    for i in fixed or ():
        still[i] = True
    # identical positions get a deterministic nudge so that there is a direction to push in
    order = np.arange(n, dtype=float)
    pos += np.stack([np.cos(order), np.sin(order)], axis=1) * 1e-3 * (~still)[:, None]
    apart = ~np.eye(n, dtype=bool) & ~(still[:, None] & still[None, :])
    share = np.where(still[:, None], 0.0, np.where(still[None, :], 1.0, 0.5))
    tie = np.where(order[None, :] > order[:, None], 1.0, -1.0)  # direction when centres agree
    while True:
        for _ in range(rounds):
            x0, y0 = pos[:, 0] + rel[:, 0], pos[:, 1] + rel[:, 1]
            x1, y1 = pos[:, 0] + rel[:, 2], pos[:, 1] + rel[:, 3]
            ox = np.minimum(x1[:, None], x1[None, :]) - np.maximum(x0[:, None], x0[None, :]) + gap_x
            oy = np.minimum(y1[:, None], y1[None, :]) - np.maximum(y0[:, None], y0[None, :]) + gap
            hit = (ox > 0) & (oy > 0) & apart
            if not hit.any():
                return pos
            cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
            sx = np.sign(cx[None, :] - cx[:, None])
            sy = np.sign(cy[None, :] - cy[:, None])
            sx = np.where(sx == 0, tie, sx)
            sy = np.where(sy == 0, tie, sy)
            along_x = ox <= oy
            push = np.where(hit, np.where(along_x, ox, oy) * 1.02, 0.0) * share
            pos[:, 0] -= np.where(along_x, push * sx, 0.0).sum(axis=1)
            pos[:, 1] -= np.where(along_x, 0.0, push * sy).sum(axis=1)
        centre = pos[still].mean(axis=0) if still.any() else pos.mean(axis=0)
        pos = centre + (pos - centre) * 1.05


def force_pack(pos: np.ndarray, boxes: list[Box], links: list[tuple[int, int, float]],
               aspect: float, fixed: int | None = None, density: float = 0.5,
               iterations: int | None = None) -> np.ndarray:
    """Pack the boxes tightly around the start layout's structure, then remove every overlap.

    The start (a spring layout) is scaled to the area the boxes would fill at ``density``;
    then, cooling over ``iterations``: linked boxes pull together (by weight), a gravity pulls
    everything to the centre — harder vertically, so the pile takes the page's ``aspect`` —
    and overlapping boxes are pushed apart. :func:`remove_overlaps` finishes the job exactly.
    Quadratic in the boxes per iteration: for the few hundred nodes of one graph.
    """
    pos = np.array(pos, dtype=float).reshape(-1, 2)
    n = len(pos)
    if n < 2:
        return pos * 0
    if iterations is None:  # a few blocks settle fast; each iteration costs the same overhead
        iterations = min(240, 40 + 4 * n)
    rel = np.array([[b.x0, b.y0, b.x1, b.y1] for b in boxes], dtype=float)
    mid = (rel[:, :2] + rel[:, 2:]) / 2  # box centre relative to the node position
    size = rel[:, 2:] - rel[:, :2]
    area = float((size[:, 0] * size[:, 1]).sum()) / density
    centre = pos[fixed] if fixed is not None else pos.mean(axis=0)
    spread = pos - centre
    extent = np.maximum(np.abs(spread).max(axis=0), 1e-9)
    half = np.array([math.sqrt(area * aspect), math.sqrt(area / aspect)]) / 2
    pos = spread / extent * half
    still = np.zeros(n, dtype=bool)
    if fixed is not None:
        still[fixed] = True
        pos -= pos[fixed]
    movable = (~still)[:, None]
    pos += np.stack([np.cos(np.arange(n)), np.sin(np.arange(n))], axis=1) * 1e-2 * movable
    weights = np.zeros((n, n))
    for i, j, w in links:
        if i != j:
            weights[i, j] += w
            weights[j, i] += w
    if weights.max() > 0:
        weights /= weights.max()
    degree = weights.sum(axis=1)[:, None]
    ax = (size[:, None, 0] + size[None, :, 0]) / 2 + GAP_X
    ay = (size[:, None, 1] + size[None, :, 1]) / 2 + GAP
    other = ~np.eye(n, dtype=bool)
    # of a push between two boxes, each takes half; against a fixed box the other takes all
    share = np.where(still[:, None], 0.0, np.where(still[None, :], 1.0, 0.5))
    pull = aspect
    total = iterations + iterations // 2
    t = 0
    while t < total:
        if t == iterations:  # the pile came out too wide or too tall: pull harder across it
            b = bounds(pos, boxes)
            pull *= aspect * max(b.height, 1.0) / max(b.width, 1.0)
        gravity = np.array([1.0, pull * pull]) / (1 + pull * pull)
        cool = 1.0 - t / iterations if t < iterations else 0.5 - (t - iterations) / iterations
        c = pos + mid
        origin = c[fixed] if fixed is not None else np.zeros(2)
        move = (weights @ c - degree * c) * 0.04 * cool - (c - origin) * gravity * 0.06 * cool
        pos += move * movable
        # push overlapping boxes apart along the line between their centres, just far enough
        # that they would touch (two boxes overlap while the larger of their distances along x
        # and y, each over the sum of the half sizes, is below 1): no preferred axis, so the
        # pile stays round
        c = pos + mid
        dx = c[None, :, 0] - c[:, None, 0]
        dy = c[None, :, 1] - c[:, None, 1]
        r = np.maximum(np.abs(dx) / ax, np.abs(dy) / ay)
        f = np.where((r < 1.0) & other, (1.0 / np.maximum(r, 1e-3) - 1.0), 0.0) * share
        step = -np.stack([(f * dx).sum(axis=1), (f * dy).sum(axis=1)], axis=1) * 0.5
        pos += step
        t += 1
        if t > 10 and np.abs(step + move * movable).max() < 0.3:  # settled: next phase or done
            t = iterations if t < iterations else total
    keep = {fixed} if fixed is not None else None
    pos = remove_overlaps(pos, boxes, fixed=keep)
    for _ in range(4):  # still too wide or too tall for the view: squeeze, and separate again
        b = bounds(pos, boxes)
        ratio = (b.width / max(b.height, 1.0)) / aspect
        if 0.87 < ratio < 1.15:
            break
        centre = pos[fixed] if fixed is not None else pos.mean(axis=0)
        pos = centre + (pos - centre) * np.array([ratio ** -0.5, ratio ** 0.5])
        pos = remove_overlaps(pos, boxes, fixed=keep)
    return pos


def bounds(pos: np.ndarray, boxes: list[Box]) -> Box:
    """The extent of all boxes at ``pos``."""
    if len(pos) == 0:
        return Box(0, 0, 0, 0)
    rel = np.array([[b.x0, b.y0, b.x1, b.y1] for b in boxes], dtype=float)
    return Box(float((pos[:, 0] + rel[:, 0]).min()), float((pos[:, 1] + rel[:, 1]).min()),
               float((pos[:, 0] + rel[:, 2]).max()), float((pos[:, 1] + rel[:, 3]).max()))


def fit_scale(extent: Box, view: tuple[float, float]) -> float:
    """The zoom graph.js opens at: the whole extent in the view with a margin, never above 1."""
    width, height = view
    return min(1.0, width / (FIT_MARGIN * max(extent.width, 1.0)),
               height / (FIT_MARGIN * max(extent.height, 1.0)))


FIT_MARGIN = 1.06


@dataclass
class Group:
    """Nodes drawn together in a frame with a title (an organisation, a kind of concept)."""

    key: str
    title: dict[str, str]
    members: list[str]
    boxes: list[Box]
    offsets: list[tuple[float, float]] = field(default_factory=list)
    frame: Box = field(default_factory=lambda: Box(0, 0, 0, 0))  # around the group's centre
    placed: Box = field(default_factory=lambda: Box(0, 0, 0, 0))  # where it ended up


GROUP_PAD = 10.0
TITLE_FONT = 13.0


def pack(group: Group) -> Group:
    """Shelf-pack a group's members in rows (widest row about as wide as the group is high),
    under a title line; sets ``offsets`` (member position relative to the frame's centre) and
    ``frame``. Both title languages must fit."""
    title_w = max(text_width(t, TITLE_FONT) for t in group.title.values())
    area = sum((b.width + GAP_X) * (b.height + GAP) for b in group.boxes)
    widest = max(b.width for b in group.boxes)
    row_limit = max(widest, title_w, math.sqrt(area) * 1.5)
    rows: list[list[int]] = [[]]
    width = 0.0
    for k, b in enumerate(group.boxes):
        if rows[-1] and width + GAP_X + b.width > row_limit:
            rows.append([])
            width = 0.0
        width += (GAP_X if rows[-1] else 0) + b.width
        rows[-1].append(k)
    placed: list[tuple[float, float]] = [(0.0, 0.0)] * len(group.boxes)
    y = GROUP_PAD + TITLE_FONT * 1.6
    frame_w = title_w
    for row in rows:
        row_w = sum(group.boxes[k].width for k in row) + GAP_X * (len(row) - 1)
        frame_w = max(frame_w, row_w)
    for row in rows:
        row_w = sum(group.boxes[k].width for k in row) + GAP_X * (len(row) - 1)
        x = (frame_w - row_w) / 2 + GROUP_PAD
        height = max(group.boxes[k].height for k in row)
        for k in row:
            b = group.boxes[k]
            placed[k] = (x - b.x0, y - b.y0)
            x += b.width + GAP_X
        y += height + GAP
    full_w = frame_w + 2 * GROUP_PAD
    full_h = y - GAP + GROUP_PAD
    group.offsets = [(px - full_w / 2, py - full_h / 2) for px, py in placed]
    group.frame = Box(-full_w / 2, -full_h / 2, full_w / 2, full_h / 2)
    return group
