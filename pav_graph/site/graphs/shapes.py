"""One shape and colour per kind of node, and one line style per kind of edge.

Every kind has its own silhouette (two cues, so the legend works in grey-scale and for
colour-blind readers; colours from the Okabe–Ito palette and darker tones). The shapes are SVG:
the legends show them inline and the graphs draw the same SVG as vis-network image nodes, so a
legend can never show another shape than the graph. Edge styles, with their legend texts, go
into each graph's data for the same reason: graph.js draws them and the legend lists exactly
the kinds a graph has.
"""

from __future__ import annotations

from urllib.parse import quote

# kind -> (colour, shape); the shape names are keys of SHAPES
KIND_STYLE: dict[str, dict[str, str]] = {
    "case": {"color": "#1f4e79", "shape": "square"},
    "source": {"color": "#4d4d4d", "shape": "triangleDown"},
    "pattern": {"color": "#c0392b", "shape": "star"},
    "risk-factor": {"color": "#d55e00", "shape": "triangle"},
    "dilemma": {"color": "#8e44ad", "shape": "diamond"},
    "intervention": {"color": "#1e8449", "shape": "hexagon"},
    "role": {"color": "#5d6d7e", "shape": "dot"},
    "relation-type": {"color": "#b7950b", "shape": "bowtie"},
    "framework": {"color": "#117a65", "shape": "ring"},
    "criterion": {"color": "#0072b2", "shape": "plus"},
    "event-type": {"color": "#6e2c00", "shape": "chevron"},
    "influence-means": {"color": "#cc79a7", "shape": "semicircle"},
    "actor": {"color": "#34495e", "shape": "person"},
    "relation": {"color": "#1b1b1b", "shape": "box"},
}

EXTRA_KIND_LABEL = {
    "case": {"nl": "casussen", "en": "cases"},
    "source": {"nl": "bronnen", "en": "sources"},
    "actor": {"nl": "actoren (naar hun rol)", "en": "actors (by their role)"},
    "relation": {"nl": "relatie (soort)", "en": "relation (type)"},
}

# the inside of a 20 × 20 SVG; {c} is the colour
SHAPES: dict[str, str] = {
    "dot": '<circle cx="10" cy="10" r="8.5" fill="{c}"{s}/>',
    "square": '<rect x="2" y="2" width="16" height="16" fill="{c}"{s}/>',
    "triangle": '<polygon points="10,1 19.5,18.5 0.5,18.5" fill="{c}"{s}/>',
    "triangleDown": '<polygon points="0.5,1.5 19.5,1.5 10,19" fill="{c}"{s}/>',
    "diamond": '<polygon points="10,0.5 19.5,10 10,19.5 0.5,10" fill="{c}"{s}/>',
    "hexagon": '<polygon points="5,1.5 15,1.5 19.5,10 15,18.5 5,18.5 0.5,10" fill="{c}"{s}/>',
    "star": '<polygon points="10,0.5 12.9,6.9 19.8,7.3 14.5,12 16.2,19.5 10,15.5 3.8,19.5 '
            '5.5,12 0.2,7.3 7.1,6.9" fill="{c}"{s}/>',
    "ring": '<circle cx="10" cy="10" r="7" fill="#fff" stroke="{c}" stroke-width="4"/>{ring}',
    "plus": '<polygon points="6.5,1 13.5,1 13.5,6.5 19,6.5 19,13.5 13.5,13.5 13.5,19 6.5,19 '
            '6.5,13.5 1,13.5 1,6.5 6.5,6.5" fill="{c}"{s}/>',
    "bowtie": '<polygon points="1,2 10,8 19,2 19,18 10,12 1,18" fill="{c}"{s}/>',
    "chevron": '<polygon points="1,2 11,2 19,10 11,18 1,18 9,10" fill="{c}"{s}/>',
    "semicircle": '<path d="M0.5,15 A9.5,9.5 0 0 1 19.5,15 Z" fill="{c}"{s}/>',
    "person": '<circle cx="10" cy="5.5" r="4.5" fill="{c}"{s}/>'
              '<path d="M1,19.5 C1,10.5 19,10.5 19,19.5 Z" fill="{c}"{s}/>',
    "box": '<rect x="1" y="5" width="18" height="10" rx="2" fill="#fff" stroke="{c}" '
           'stroke-width="1.5"/>',
}
SELECTED_STROKE = ' stroke="#000" stroke-width="2.5" stroke-linejoin="round"'


def svg_inner(kind: str, selected: bool = False) -> str:
    style = KIND_STYLE[kind]
    ring = '<circle cx="10" cy="10" r="9.2" fill="none" stroke="#000" stroke-width="1.6"/>'
    return SHAPES[style["shape"]].format(c=style["color"], s=SELECTED_STROKE if selected else "",
                                         ring=ring if selected else "")


def svg(kind: str, size: int = 40, selected: bool = False) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
            f'viewBox="-1 -1 22 22">{svg_inner(kind, selected)}</svg>')


def data_uri(kind: str, selected: bool = False) -> str:
    """The shape as an image for vis-network (a data: URI: nothing is requested)."""
    return "data:image/svg+xml;charset=utf-8," + quote(svg(kind, selected=selected), safe="")


def styles(kinds: dict[str, dict[str, str]]) -> list[dict]:
    """Legend and drawing rows: kind, colour, shape, plural label, inline SVG and images.

    ``kinds`` are the plural labels of the concept kinds (``SiteData.kinds``)."""
    labels = {**EXTRA_KIND_LABEL, **kinds}
    return [{"kind": k, **v, "label": labels.get(k, {"nl": k, "en": k}),
             "svg_inner": svg_inner(k), "icon": data_uri(k), "icon_selected": data_uri(k, True)}
            for k, v in KIND_STYLE.items()]


# edge kind -> how it is drawn and what the legend says; ``dashes`` as in canvas setLineDash
EDGE_STYLE: dict[str, dict] = {
    "linked": {"color": "#8a96a3", "width": 1.2, "dashes": None,
               "label": {"nl": "gekoppeld (telt mee)", "en": "linked (counts)"}},
    "possible": {"color": "#a04000", "width": 1.5, "dashes": [6, 4],
                 "label": {"nl": "mogelijk: voorzichtig geformuleerd of interpretatie (telt niet mee)",
                           "en": "possible: hedged or interpreted (does not count)"}},
    "inferred": {"color": "#c0392b", "width": 2, "dashes": [10, 4],
                 "label": {"nl": "afgeleid patroon (redeneerder)",
                           "en": "inferred pattern (reasoner)"}},
    "source": {"color": "#6b6b6b", "width": 1.2, "dashes": [2, 4],
               "label": {"nl": "bron van de casus", "en": "source of the case"}},
    "shared": {"color": "#9fb6cc", "width": 1, "dashes": [12, 3, 2, 3],
               "label": {"nl": "vergelijkbare casus: gedeeld begrip",
                         "en": "similar case: shared concept"}},
    "broader": {"color": "#117a65", "width": 1.5, "dashes": [8, 3],
                "label": {"nl": "breder of smaller begrip", "en": "broader or narrower concept"}},
    "related": {"color": "#b7950b", "width": 1.5, "dashes": [3, 3, 8, 3],
                "label": {"nl": "verwant begrip", "en": "related concept"}},
    "requires": {"color": "#6c3483", "width": 1.5, "dashes": [1, 3],
                 "label": {"nl": "vereist begrip (samengesteld patroon)",
                           "en": "required concept (composite pattern)"}},
    "cooccurs": {"color": "#5b7a99", "width": 1, "dashes": None,
                 "label": {"nl": "komen samen voor (dikte: aantal casussen)",
                           "en": "occur together (width: number of cases)"}},
    "relation": {"color": "#34495e", "width": 1.5, "dashes": None, "arrow": True,
                 "label": {"nl": "relatie, van → naar (telt mee)",
                           "en": "relation, from → to (counts)"}},
    "relation-possible": {"color": "#a04000", "width": 1.5, "dashes": [6, 4], "arrow": True,
                          "label": {"nl": "relatie, voorzichtig geformuleerd of interpretatie "
                                          "(telt niet mee)",
                                    "en": "relation, hedged or interpreted (does not count)"}},
}


def edge_styles(edges: list[dict]) -> dict[str, dict]:
    """The styles of the edge kinds a graph has, in legend order."""
    present = {e["kind"] for e in edges}
    return {k: v for k, v in EDGE_STYLE.items() if k in present}
