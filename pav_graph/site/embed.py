"""Graphs to put in an article: embed pages for an iframe, and one self-contained offline file.

``embed/cases/<id>.html`` (each case graph) and ``embed/graph.html`` (the corpus graph) are
pages with only the graph, its legend and a credit line linking back; they load the site's
assets, so they work wherever the site is (from disk too) and a newsroom embeds them with the
``<iframe>`` snippet each page offers. ``embed/graph-standalone.html`` is the corpus graph as a
single file with vis-network, the styles and the scripts inside: it keeps working copied on its
own, offline.

The data goes in exactly as in the pages: escaped JSON in ``<script type="application/json">``,
drawn by the same ``graph.js`` with text only (labels on the canvas, tooltips by
``textContent``). Inlined scripts and styles cannot close their element: ``</`` is written
``<\\/`` inside them (the files contain none today; the check keeps it so).
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from markupsafe import Markup

CLOSE = re.compile(r"</(?=script|style)", re.IGNORECASE)


def _inline(text: str) -> Markup:
    return Markup(CLOSE.sub("<\\\\/", text))


def inline_assets(vis_dir: Path) -> dict[str, Markup]:
    """Styles and scripts of an embed page, for writing them inside the file."""
    static = resources.files("pav_graph.site").joinpath("static")
    css = (vis_dir / "vis-network.css").read_text(encoding="utf-8") + "\n" + \
        static.joinpath("site.css").read_text(encoding="utf-8")
    return {
        "css": _inline(css),
        "site_js": _inline(static.joinpath("site.js").read_text(encoding="utf-8")),
        "vis_js": _inline((vis_dir / "vis-network.min.js").read_text(encoding="utf-8")),
        "graph_js": _inline(static.joinpath("graph.js").read_text(encoding="utf-8")),
    }


def iframe_snippet(src: str, title: str, height: int = 560) -> str:
    """The HTML a newsroom pastes into its article (shown on the page as text)."""
    safe_title = title.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return (f'<iframe src="{src}" title="{safe_title}" width="100%" height="{height}" '
            f'style="border:0" loading="lazy"></iframe>')
