"""Do any two labels of a site graph overlap at its default view? Measured in Chromium.

The page is opened as a reader opens it (graph laid out, fitted to its box); then every graph
on it is drawn once more with ``CanvasRenderingContext2D.fillText`` watched, so each text the
canvas really shows — node labels and frame titles; a label below vis-network's draw threshold
is not drawn and not counted — is recorded with its box: the advance width from the browser's
``measureText`` and the font's ascent and descent, taken through the canvas transform to CSS
pixels. The lines of one label (same centre, one line height apart) are joined into one box.
Two boxes overlap when they share an area; the count of such pairs is the figure reported.

Also recorded per drawn line: the browser's width in canvas units and the font size, so
``tests/test_site_graphs.py`` can check the Python estimate (``layout.text_width``) against it.

``python -m benchmarks.label_overlap --real`` measures the site of the real corpus;
``--cases 1000`` builds a synthetic corpus of that size first (``benchmarks/synth.py``).
Every graph page is measured: the graph page (both views), every case page (both views) and,
with ``--concepts``, every concept page.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1280, "height": 900}

# installed before any page script: records the texts drawn into graph canvases while
# window.__pgText is an array
INIT_JS = r"""
(() => {
  const fill = CanvasRenderingContext2D.prototype.fillText;
  CanvasRenderingContext2D.prototype.fillText = function (text, x, y, maxWidth) {
    const rec = window.__pgText;
    if (rec && text && String(text).trim() && this.canvas.closest && this.canvas.closest('.graph')) {
      const m = this.measureText(text);
      const align = this.textAlign;
      const left = x - (align === 'center' ? m.width / 2 : (align === 'right' || align === 'end') ? m.width : 0);
      const corners = [[left, y - m.fontBoundingBoxAscent], [left + m.width, y + m.fontBoundingBoxDescent]];
      const t = this.getTransform();
      const dpr = window.devicePixelRatio || 1;
      const pts = corners.map(([px, py]) => [(t.a * px + t.c * py + t.e) / dpr, (t.b * px + t.d * py + t.f) / dpr]);
      rec.push({text: String(text), font: this.font, width: m.width, scale: t.a / dpr,
                graph: this.canvas.closest('.graph').id,
                x0: Math.min(pts[0][0], pts[1][0]), x1: Math.max(pts[0][0], pts[1][0]),
                y0: Math.min(pts[0][1], pts[1][1]), y1: Math.max(pts[0][1], pts[1][1]),
                lineHeight: parseFloat(this.font.match(/([\d.]+)px/)[1]) * t.d / dpr});
    }
    return fill.apply(this, arguments);
  };
})();
"""

# for one drawn graph: redraw with the recorder on, join the lines of each label, count the
# pairs of boxes inside the canvas that share an area
MEASURE_JS = r"""
(index) => {
  const g = window.pgGraphs[index];
  window.__pgText = [];
  g.network.redraw();
  const rec = window.__pgText;
  window.__pgText = null;
  const canvas = g.container.querySelector('canvas');
  const W = canvas.clientWidth, H = canvas.clientHeight;
  const boxes = [];
  for (const r of rec) {
    const last = boxes[boxes.length - 1];
    const centre = (r.x0 + r.x1) / 2;
    if (last && Math.abs(last.centre - centre) < 0.75 && Math.abs(r.y0 - last.lastTop - r.lineHeight) < 0.75) {
      last.x0 = Math.min(last.x0, r.x0); last.x1 = Math.max(last.x1, r.x1);
      last.y1 = Math.max(last.y1, r.y1); last.lastTop = r.y0; last.text += '\n' + r.text;
      continue;
    }
    boxes.push({text: r.text, x0: r.x0, x1: r.x1, y0: r.y0, y1: r.y1, centre: centre, lastTop: r.y0});
  }
  const inside = boxes.filter(b => b.x1 > 0 && b.x0 < W && b.y1 > 0 && b.y0 < H);
  const pairs = [];
  for (let i = 0; i < inside.length; i++) {
    for (let j = i + 1; j < inside.length; j++) {
      const a = inside[i], b = inside[j];
      const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
      const h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
      if (w > 0 && h > 0) pairs.push([a.text, b.text, Math.round(w * 10) / 10, Math.round(h * 10) / 10]);
    }
  }
  const nodes = g.nodes.get({filter: n => !n.hidden}).length;
  return {graph: g.container.id, nodes: nodes, labels: inside.length, overlaps: pairs,
          scale: g.network.getScale(), lines: rec.map(r => ({text: r.text, font: r.font, width: r.width}))};
}
"""


def wait_ready(page) -> None:
    page.wait_for_function("window.pgGraphs && window.pgGraphs.length >= 1 && "
                           "window.pgGraphs.every(g => g.ready)", timeout=120_000)
    # images of the node shapes (data: URIs) load asynchronously; let them settle
    page.wait_for_timeout(50)


def measure_page(page, url: str) -> list[dict]:
    """Every view of the page at its default view: each graph as first shown."""
    page.goto(url)
    wait_ready(page)
    results = []
    measured = set()
    tabs = page.locator("[role=tab]")
    for k in range(max(1, tabs.count())):
        if k:
            tabs.nth(k).click()
            wait_ready(page)
        count = page.evaluate("window.pgGraphs.length")
        for index in range(count):
            gid = page.evaluate("(i) => window.pgGraphs[i].container.id", index)
            visible = page.evaluate("(i) => !window.pgGraphs[i].container.closest('[hidden]')", index)
            if gid in measured or not visible:
                continue
            measured.add(gid)
            result = page.evaluate(MEASURE_JS, index)
            result["page"] = url.rsplit("/", 2)[-2:]
            results.append(result)
    return results


def site_pages(site: Path, concepts: bool = False) -> list[Path]:
    pages = [site / "graph.html"] + sorted((site / "cases").glob("*.html"))
    if concepts:
        pages += sorted((site / "concepts").glob("*.html"))
    return pages


def measure_site(site: Path, concepts: bool = False, limit: int | None = None) -> dict:
    from playwright.sync_api import sync_playwright

    pages = site_pages(site, concepts)
    if limit:
        pages = pages[: limit + 1]
    out = {"graphs": [], "seconds": 0.0}
    t0 = time.perf_counter()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context(viewport=VIEWPORT)
            context.add_init_script(INIT_JS)
            page = context.new_page()
            for path in pages:
                for result in measure_page(page, path.resolve().as_uri()):
                    result.pop("lines")
                    out["graphs"].append(result)
        finally:
            browser.close()
    out["seconds"] = round(time.perf_counter() - t0, 1)
    return out


def summary(result: dict) -> dict:
    graphs = result["graphs"]
    corpus = [g for g in graphs if g["page"][-1] == "graph.html"]
    return {
        "graphs": len(graphs),
        "labels": sum(g["labels"] for g in graphs),
        "nodes": sum(g["nodes"] for g in graphs),
        "overlapping_pairs": sum(len(g["overlaps"]) for g in graphs),
        "graphs_with_overlap": sum(bool(g["overlaps"]) for g in graphs),
        "corpus_views": [{"graph": g["graph"], "nodes": g["nodes"], "labels": g["labels"],
                          "overlaps": len(g["overlaps"]), "scale": round(g["scale"], 3)}
                         for g in corpus],
        "seconds": result["seconds"],
    }


def build(corpus: Path, site: Path) -> None:
    import pyoxigraph as ox

    from pav_graph.build import build as build_graph
    from pav_graph.project import Project
    from pav_graph.site import build_site

    project = Project(corpus)
    built = build_graph(project)
    store = ox.Store.read_only(str(built.directory / "store"))
    build_site(store, project, site)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--real", action="store_true", help="the real corpus (this checkout)")
    ap.add_argument("--cases", type=int, default=0, help="a synthetic corpus of this many cases")
    ap.add_argument("--concepts", action="store_true", help="concept pages too")
    ap.add_argument("--limit", type=int, default=None, help="at most this many case pages")
    ap.add_argument("--work", type=Path, default=None, help="directory for corpus and site")
    ap.add_argument("--json", type=Path, default=None, help="write the full result here")
    args = ap.parse_args(argv)
    import os

    work = args.work or Path(tempfile.mkdtemp(prefix="pav-labels-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PAV_GRAPH_BUILD", str(work / "build"))
    root = Path(__file__).resolve().parent.parent
    if args.cases:
        from benchmarks import synth

        corpus = synth.make_corpus(args.cases, work / f"corpus-{args.cases}")
    else:
        corpus = root
    site = work / "site"
    build(corpus, site)
    result = measure_site(site, args.concepts, args.limit)
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(summary(result), indent=1))
    worst = [g for g in result["graphs"] if g["overlaps"]][:5]
    for g in worst:
        print(f"{'/'.join(g['page'])} #{g['graph']}: {g['overlaps'][:3]}", file=sys.stderr)


if __name__ == "__main__":
    main()
