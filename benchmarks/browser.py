"""Graph page load in headless Chromium at 100, 1,000 and 5,000 nodes.

The page is made of the site's own pieces — ``pav_graph/site/static/site.js`` and ``graph.js``
with the vis-network that pyvis ships — and one graph in the JSON shape the site embeds
(nodes with precomputed positions, kinds, labels and tooltips; edges with kinds). The site's
own graphs draw at most a few hundred nodes, so larger graphs are synthetic here; they measure
the headroom of the drawing engine. Timed: from navigation until
``window.pgGraphs[0].ready`` (vis-network has drawn and fitted the graph; physics is off, so the
picture is then stable), the median of 3 loads.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
KINDS = ["case", "pattern", "risk-factor", "source"]


def graph_data(n_nodes: int, seed: int = 9) -> dict:
    """A graph in the shape the site embeds: cases linked to concepts and sources."""
    from pav_graph.site.graphs import layout
    from pav_graph.site.graphs.shapes import EDGE_STYLE, KIND_STYLE, svg_inner

    rng = random.Random(seed)
    nodes, edges = [], []
    n_cases = max(1, n_nodes * 2 // 3)
    for i in range(n_nodes):
        kind = "case" if i < n_cases else rng.choice(KINDS[1:])
        label = f"{kind} {i}"
        nodes.append({"id": f"{kind}:{i}", "kind": kind, "size": 10, "font": 12,
                      "x": rng.uniform(-3000, 3000), "y": rng.uniform(-3000, 3000),
                      "label": {"nl": label, "en": label}, "name": {"nl": label, "en": label},
                      "tip": {"nl": label, "en": label}, "url": ""})
    others = nodes[n_cases:] or nodes
    for case in nodes[:n_cases]:
        for other in rng.sample(others, min(3, len(others))):
            edges.append({"from": case["id"], "to": other["id"], "kind": "linked"})
    styles = [{"kind": k, "color": KIND_STYLE[k]["color"], "shape": KIND_STYLE[k]["shape"],
               "svg": svg_inner(k), "svg_selected": svg_inner(k, True)} for k in KINDS]
    return {"name": {"nl": "benchmark", "en": "benchmark"}, "nodes": nodes, "edges": edges,
            "groups": [], "styles": styles, "edge_styles": {"linked": EDGE_STYLE["linked"]},
            "font_face": layout.FONT_FACE, "draw_threshold": layout.DRAW_THRESHOLD,
            "title_font": layout.TITLE_FONT, "group_pad": layout.GROUP_PAD,
            "bounds": [-3100, -3100, 3100, 3100], "fit_margin": layout.FIT_MARGIN}


def write_page(directory: Path, n_nodes: int) -> Path:
    import shutil

    from pav_graph.site.build import vis_network_dir

    static = Path(__file__).resolve().parent.parent / "pav_graph" / "site" / "static"
    directory.mkdir(parents=True, exist_ok=True)
    for name in ("site.js", "graph.js"):
        shutil.copyfile(static / name, directory / name)
    shutil.copyfile(vis_network_dir() / "vis-network.min.js", directory / "vis-network.min.js")
    data = json.dumps(graph_data(n_nodes)).replace("</", "<\\/")
    page = directory / f"graph-{n_nodes}.html"
    page.write_text(f"""<!doctype html><html lang="nl"><head><meta charset="utf-8">
<script src="vis-network.min.js"></script><script src="site.js"></script><script src="graph.js"></script>
</head><body data-root="">
<div class="graph" id="g" data-graph="g-data" style="width:1200px;height:800px"></div>
<script type="application/json" id="g-data">{data}</script>
</body></html>""", encoding="utf-8")
    return page


def measure(sizes: list[int], workdir: Path, repeat: int = 3) -> dict[str, float] | str:
    """{nodes: median seconds} or a one-line reason why nothing was measured."""
    if not Path(CHROMIUM).exists():
        return "chromium not installed (apt-get install -y chromium)"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return "playwright not installed"
    try:
        pages = {n: write_page(workdir, n) for n in sizes}
    except (ImportError, OSError) as exc:  # the site package is not there (yet)
        return f"the site's graph.js could not be used: {exc}"
    out = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            for n, page_path in pages.items():
                times = []
                for _ in range(repeat):
                    page = browser.new_page(viewport={"width": 1280, "height": 900})
                    start = time.perf_counter()
                    page.goto(page_path.as_uri())
                    page.wait_for_function("window.pgGraphs && window.pgGraphs.length"
                                           " && window.pgGraphs[0].ready", timeout=180_000)
                    times.append(time.perf_counter() - start)
                    page.close()
                out[str(n)] = statistics.median(times)
        finally:
            browser.close()
    return out
