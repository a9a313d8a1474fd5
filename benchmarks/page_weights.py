"""``python -m benchmarks.page_weights``: how heavy each kind of page of the site is.

Writes the real corpus's site to a temporary directory and measures, per page type, the HTML
itself and everything the page loads from the site on first view (its scripts and style sheets;
the search page also its index), raw and gzip-compressed (what a web server sends). The result
replaces the "Site page weights" section of docs/benchmarks.md (kept there when
``python -m benchmarks`` rewrites the rest of the file).
"""

from __future__ import annotations

import gzip
import re
import statistics
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- kept: page-weights -->", "<!-- /kept: page-weights -->"
LOADS = re.compile(r'<(?:script[^>]*\ssrc|link[^>]*\shref)="([^"#?]+\.(?:js|css))"')
KINDS = [("index.html", "home (case table)"), ("graph.html", "corpus graph"),
         ("search.html", "search (with its index)"), ("concepts.html", "concept list"),
         ("sources.html", "source list"), ("cases/", "case page"), ("concepts/", "concept page"),
         ("sources/", "source page"), ("embed/cases/", "embed: case graph (iframe)"),
         ("embed/graph-standalone.html", "embed: corpus graph, standalone file")]


def kind_of(rel: str) -> str | None:
    for prefix, name in KINDS:
        if rel == prefix or (prefix.endswith("/") and rel.startswith(prefix) and "/" not in rel[len(prefix):]):
            return name
    return None


def page_weight(site: Path, page: Path) -> tuple[int, int, int, int]:
    """(HTML bytes, HTML gzip, HTML + assets bytes, HTML + assets gzip) of one page."""
    html = page.read_bytes()
    total, total_gz = len(html), len(gzip.compress(html, 6))
    for ref in LOADS.findall(html.decode("utf-8")):
        asset = (page.parent / ref).resolve()
        if asset.is_file() and asset.is_relative_to(site.resolve()):
            data = asset.read_bytes()
            total += len(data)
            total_gz += len(gzip.compress(data, 6))
    return len(html), len(gzip.compress(html, 6)), total, total_gz


def measure(site: Path) -> dict[str, dict]:
    rows: dict[str, list[tuple[int, int, int, int]]] = defaultdict(list)
    for page in sorted(site.rglob("*.html")):
        kind = kind_of(page.relative_to(site).as_posix())
        if kind:
            rows[kind].append(page_weight(site, page))
    out = {}
    for _, name in KINDS:
        if name not in rows:
            continue
        ws = rows[name]
        out[name] = {"pages": len(ws),
                     "html_median": statistics.median(w[0] for w in ws),
                     "html_max": max(w[0] for w in ws),
                     "load_median": statistics.median(w[2] for w in ws),
                     "load_gz_median": statistics.median(w[3] for w in ws),
                     "load_max": max(w[2] for w in ws)}
    index = site / "search-index.js"
    out["_index"] = {"bytes": index.stat().st_size,
                     "gz": len(gzip.compress(index.read_bytes(), 6))}
    vis = site / "assets" / "vis-network" / "vis-network.min.js"
    out["_vis"] = {"bytes": vis.stat().st_size, "gz": len(gzip.compress(vis.read_bytes(), 6))}
    return out


def kb(n: float) -> str:
    return f"{n / 1024:,.0f} KB" if n >= 10240 else f"{n / 1024:,.1f} KB"


def markdown(results: dict, cases: int) -> str:
    lines = [START, "## Site page weights", "",
             (f"The real corpus ({cases} cases), measured by `python -m benchmarks.page_weights`: "
             "the HTML of each page type and what a first view loads from the site (the page, "
             "its scripts and style sheets; the search page also `search-index.js`), raw and "
             "gzip-compressed as a web server would send it. Nothing is loaded from elsewhere."),
             "", ("| page type | pages | HTML (median) | HTML (largest) | first view (median) | "
             "gzip | first view (largest) |"), "|---|---:|---:|---:|---:|---:|---:|"]
    for name, r in results.items():
        if name.startswith("_"):
            continue
        lines.append(f"| {name} | {r['pages']} | {kb(r['html_median'])} | {kb(r['html_max'])} | "
                     f"{kb(r['load_median'])} | {kb(r['load_gz_median'])} | {kb(r['load_max'])} |")
    idx, vis = results["_index"], results["_vis"]
    lines += ["", (f"The search index (`search-index.js`, {kb(idx['bytes'])}, {kb(idx['gz'])} "
              "gzip) is loaded by the search page only; it used to be inlined in the home page "
              f"(512 KB). Graph pages carry vis-network ({kb(vis['bytes'])}, {kb(vis['gz'])} gzip) "
              "and its style sheet; the standalone embed file has them inside."), "", END, ""]
    return "\n".join(lines)


def update_docs(section: str, docs: Path) -> None:
    from benchmarks.report import replace_section

    replace_section(docs, START, END, section)


def main(argv: list[str] | None = None) -> int:
    import os

    import pyoxigraph as ox

    from pav_graph.build import build
    from pav_graph.project import Project
    from pav_graph.site import build_site

    docs = Path((argv or sys.argv[1:] or [str(ROOT / "docs")])[0])
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("PAV_GRAPH_BUILD", str(Path(tmp) / "build"))
        project = Project(ROOT)
        result = build(project)
        store = ox.Store.read_only(str(result.directory / "store"))
        site = Path(tmp) / "site"
        build_site(store, project, site)
        results = measure(site)
        cases = len(list((site / "cases").glob("*.html")))
    section = markdown(results, cases)
    print(section)
    if docs.name:
        update_docs(section, docs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
