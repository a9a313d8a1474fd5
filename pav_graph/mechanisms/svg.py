"""SVG drawings of causal loop diagrams: one standalone file per loop, and the shapes of the map.

Every text goes through :func:`xml.sax.saxutils.escape`, so a label or quote can never become
markup. The drawing conventions are those of causal loop diagrams: an arrow per link with its
sign (+ or −) near the head, the loop's type in the middle (R reinforcing, B balancing) with a
circular arrow showing the direction of travel; a link that does not count (hedged or
interpreted) is dashed and the loop marked 'mogelijk'.
"""

from __future__ import annotations

import math
import textwrap
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from pav_graph.atomic import write_text
from pav_graph.mechanisms.graph import Path as LoopPath
from pav_graph.mechanisms.layout import FONT, LINE, Box, loop_layout
from pav_graph.mechanisms.model import LOOP_TYPES, SIGN_LABELS
from pav_graph.model import Corpus

STYLE = """
.box{fill:#fff;stroke:#334;stroke-width:1.2}
.box.faded{fill:#f4f4f4;stroke:#bbb}
.lbl{font:13px system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;fill:#111;text-anchor:middle}
.edge path{fill:none;stroke:#334;stroke-width:1.6}
.edge.possible path{stroke-dasharray:6 4;stroke:#778}
.sign{font:bold 15px system-ui,Arial,sans-serif;text-anchor:middle}
.sign.plus{fill:#0b6e2f}.sign.minus{fill:#b00020}
.rb{font:bold 28px system-ui,Arial,sans-serif;text-anchor:middle;fill:#223}
.note{font:12px system-ui,Arial,sans-serif;fill:#444}
"""


def box_svg(box: Box, cls: str = "box", extra: str = "") -> str:
    text_top = box.y - (len(box.lines) * LINE) / 2 + FONT
    spans = "".join(f'<tspan x="{box.x:.1f}" y="{text_top + i * LINE:.1f}">{escape(line)}</tspan>'
                    for i, line in enumerate(box.lines))
    return (f'<g class="node" data-concept={quoteattr(box.id)}{extra}>'
            f'<rect class="{cls}" x="{box.left:.1f}" y="{box.top:.1f}" width="{box.w:.1f}" height="{box.h:.1f}" rx="6"/>'
            f'<text class="lbl">{spans}</text></g>')


def arc_path(a: Box, b: Box, cx: float, cy: float, bend: float = 0.25) -> tuple[str, tuple[float, float]]:
    """A curved arrow from box ``a`` to box ``b`` bulging away from (cx, cy); returns the path
    and the point where the sign is drawn (near the head)."""
    mx, my = (a.x + b.x) / 2, (a.y + b.y) / 2
    ox, oy = mx - cx, my - cy
    dist = math.hypot(b.x - a.x, b.y - a.y)
    if math.hypot(ox, oy) < 1e-6 * max(dist, 1.0):
        # the centre lies on the chord (a loop of two): bulge to the left of the direction of
        # travel, so the arrows a -> b and b -> a curve apart instead of covering each other
        ox, oy = (b.y - a.y), -(b.x - a.x)
    norm = math.hypot(ox, oy) or 1.0
    qx, qy = mx + ox / norm * dist * bend, my + oy / norm * dist * bend
    sx, sy = a.border_point(qx, qy)
    ex, ey = b.border_point(qx, qy)
    # the sign sits on the curve at t = 0.8, just before the arrowhead
    t = 0.8
    px = (1 - t) ** 2 * sx + 2 * (1 - t) * t * qx + t ** 2 * ex
    py = (1 - t) ** 2 * sy + 2 * (1 - t) * t * qy + t ** 2 * ey
    nx_, ny_ = -(ey - sy), ex - sx
    nn = math.hypot(nx_, ny_) or 1.0
    return f"M{sx:.1f},{sy:.1f} Q{qx:.1f},{qy:.1f} {ex:.1f},{ey:.1f}", (px + nx_ / nn * 11, py + ny_ / nn * 11)


def marker_defs(prefix: str = "m") -> str:
    return (f'<defs><marker id="{prefix}-head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
            f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#334"/></marker></defs>')


def sign_svg(sign: str, x: float, y: float) -> str:
    symbol = SIGN_LABELS.get(sign, ("?",))[0]
    cls = "plus" if sign == "increases" else "minus" if sign == "decreases" else ""
    return f'<text class="sign {cls}" x="{x:.1f}" y="{y + 5:.1f}">{escape(symbol)}</text>'


def loop_svg(loop: LoopPath, corpus: Corpus, lang: str = "nl") -> str:
    """A standalone SVG of one loop (for articles): circle, signs, R/B, sources and status."""
    labels = {c: corpus.concept_label(c, lang) for c in loop.nodes}
    lay = loop_layout(loop.nodes, labels, margin=50.0)
    type_nl, type_en = LOOP_TYPES.get(loop.type, ("lus", "loop"))
    kind = type_nl if lang == "nl" else type_en
    title = f"{kind}: " + " → ".join([*(labels[c] for c in loop.nodes), labels[loop.nodes[0]]])
    parts = [marker_defs("l")]
    for edge in loop.edges:
        a, b = lay.boxes[edge.source], lay.boxes[edge.target]
        if len(loop) == 1:
            continue
        bend = 0.45 if len(loop) == 2 else 0.18
        d, (sx, sy) = arc_path(a, b, lay.cx, lay.cy, bend)
        cls = "edge" if edge.standing == "counts" else "edge possible"
        parts.append(f'<g class="{cls}"><path d="{d}" marker-end="url(#l-head)"/></g>')
        parts.append(sign_svg(edge.sign, sx, sy))
    for box in lay.boxes.values():
        parts.append(box_svg(box))
    parts.append(f'<text class="rb" x="{lay.cx:.1f}" y="{lay.cy + 10:.1f}">{escape(loop.type)}</text>')
    parts.append(_rotation_arrow(lay.cx, lay.cy))
    possible = loop.standing != "counts"
    note = (("Mogelijke lus: een schakel rust op een voorzichtige of geïnterpreteerde bewering. " if possible else "")
            + "Bronnen: " + ", ".join(loop.sources)) if lang == "nl" else (
            ("Possible loop: a link rests on a hedged or interpreted claim. " if possible else "")
            + "Sources: " + ", ".join(loop.sources))
    width = max(lay.width, 420.0)
    lines = textwrap.wrap(note, int((width - 24) / 6.8)) or [""]
    height = lay.height + 16 * len(lines) + 14
    spans = "".join(f'<tspan x="12" y="{lay.height + 16 * (i + 1):.1f}">{escape(line)}</tspan>'
                    for i, line in enumerate(lines))
    parts.append(f'<text class="note">{spans}</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
            f'width="{width:.0f}" height="{height:.0f}" role="img" aria-labelledby="t">'
            f'<title id="t">{escape(title)}</title><style>{STYLE}</style>{"".join(parts)}</svg>\n')


def _rotation_arrow(cx: float, cy: float, r: float = 26.0) -> str:
    """A clockwise circular arrow around the R/B mark: the direction the loop is read in."""
    start, end = math.radians(-60), math.radians(210)
    x1, y1 = cx + r * math.cos(start), cy + r * math.sin(start)
    x2, y2 = cx + r * math.cos(end), cy + r * math.sin(end)
    return (f'<g class="edge"><path d="M{x1:.1f},{y1:.1f} A{r},{r} 0 1 1 {x2:.1f},{y2:.1f}" '
            f'marker-end="url(#l-head)"/></g>')


def write_loop_svgs(corpus: Corpus, loops: list[LoopPath], directory: Path) -> list[Path]:
    """``<loop id>.svg`` (Dutch labels) and ``<loop id>.en.svg`` for every loop."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for loop in loops:
        for lang, suffix in (("nl", ".svg"), ("en", ".en.svg")):
            path = directory / f"{loop.id}{suffix}"
            write_text(path, loop_svg(loop, corpus, lang))
            written.append(path)
    return written
