"""Graphs that answer a question (issue 17 item 2): the pattern map and the role map of the graph
page, case graphs with concepts by kind and actors by organisation, labels that never overlap,
every node reachable by keyboard, and a side panel that shows cases and quotes in place.

Without a browser: the numbers on the maps against the corpus model (counting rule), the
layouts' own label boxes disjoint in every graph of the real corpus, distinct shapes, complete
legends. In Chromium (from file://): the labels as really drawn — recorded from the canvas with
their measured boxes (``benchmarks/label_overlap.py``) — do not overlap at the default view of
the graph page and of every case page, in every view; the widths estimated in Python are never
smaller than the browser's; the panel, the node lists, the accessible names; markup in the data
stays text; nothing is requested from elsewhere.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from itertools import combinations
from pathlib import Path

import pytest

from tests import sitekit
from tests.sitekit import url

chromium, page = sitekit.chromium, sitekit.page  # fixtures
browser = pytest.mark.browser
PAYLOAD = ('<script>window.__pwned = 1</script><img src="x" onerror="window.__pwned = 2">'
           '<b>vet</b>')


site = sitekit.site  # fixture


@pytest.fixture(scope="module")
def site_data(store, project):
    from pav_graph.load import load_sources
    from pav_graph.problems import Problems
    from pav_graph.site.data import load_site_data

    return load_site_data(store, load_sources(project, Problems()))


@pytest.fixture(scope="module")
def all_graphs(site_data):
    """Every graph the site draws for the real corpus, by name."""
    from pav_graph.site import graphs

    out = {"patterns": graphs.pattern_map(site_data), "roles": graphs.role_map(site_data)}
    for cid in site_data.cases:
        out[f"case {cid}"] = graphs.case_ego(site_data, cid)
        actors = graphs.case_actors(site_data, cid)
        if actors:
            out[f"actors {cid}"] = actors
    for cid in site_data.concepts:
        out[f"concept {cid}"] = graphs.concept_ego(site_data, cid)
    return out


# --------------------------------------------------------------------------- without a browser


def test_pattern_map_counts_cases_by_the_counting_rule(site_data, corpus, built):
    """Size = cases whose counting claims link the concept (or the reasoner's matches of a
    composite pattern); an edge = cases that show both, computed here from the case files."""
    from pav_graph.site import graphs

    kinds = {cid: c.kind for cid, c in corpus.concepts.items()}
    found = {cid: {c for c in case.linked_concepts() if kinds.get(c) in ("pattern", "risk-factor")}
             for cid, case in corpus.cases.items()}
    for pattern, cases in built.manifest["pattern_matches"].items():
        for cid in cases:
            found[cid].add(pattern)
    expected = Counter(c for cs in found.values() for c in cs)
    pmap = graphs.pattern_map(site_data)
    shown = {n["id"].split(":", 1)[1]: n["n"] for n in pmap["nodes"]}
    assert shown == dict(expected)
    # a claim that is only hedged or interpreted does not count: in rotterdam-havenbedrijf,
    # 'relatie topambtenaar-dagelijks bestuur' (2 other cases count for it)
    havenbedrijf = corpus.cases["rotterdam-havenbedrijf"]
    assert "relatie-topambtenaar-dagelijks-bestuur" in havenbedrijf.linked_concepts("possible")
    assert "relatie-topambtenaar-dagelijks-bestuur" not in found["rotterdam-havenbedrijf"]
    assert shown["relatie-topambtenaar-dagelijks-bestuur"] == 2
    pairs = Counter(p for cs in found.values() for p in combinations(sorted(cs), 2))
    edges = {(e["from"].split(":", 1)[1], e["to"].split(":", 1)[1]): e["n"] for e in pmap["edges"]}
    assert edges == {p: n for p, n in pairs.items() if p in edges}
    assert len(edges) == min(len(pairs), 6 * len(shown) + 10)
    assert all(e["kind"] == "cooccurs" for e in pmap["edges"])


def test_role_map_marks_relations_that_do_not_count(site_data, corpus):
    """Each relation box: the number of cases that state it; one only hedged or interpreted
    anywhere is dashed ('possible') and says why in its label."""
    from pav_graph.site import graphs

    rmap = graphs.role_map(site_data)
    expected: dict[str, set[str]] = {}
    possible: dict[str, set[str]] = {}
    for cid, case in corpus.cases.items():
        roles = {a.id: a.role for a in case.actors}
        for r in case.relations:
            if r.source_actor not in roles or r.target_actor not in roles or r.standing == "denied":
                continue
            key = f"rel:{roles[r.source_actor]}|{r.type}|{roles[r.target_actor]}"
            (expected if r.counts else possible).setdefault(key, set()).add(cid)
    boxes = {n["id"]: n for n in rmap["nodes"] if n["kind"] == "relation"}
    assert set(boxes) == set(expected) | set(possible)
    for key, node in boxes.items():
        assert node["n"] == len(expected.get(key, ())), key
        assert node["possible"] == (key not in expected)
        if node["possible"]:
            assert re.search(r"\((voorzichtig geformuleerd|interpretatie)", node["label"]["nl"].replace("\n", " "))
    assert any(n["possible"] for n in boxes.values()) and any(not n["possible"] for n in boxes.values())


def _boxes(graph: dict) -> dict[str, tuple[float, float, float, float]]:
    """Each node's box (icon and label, both languages) where the graph places it."""
    from pav_graph.site.graphs import layout
    from pav_graph.site.graphs.nodes import union

    out = {}
    for n in graph["nodes"]:
        lines = {lang: n["label"][lang].split("\n") for lang in ("nl", "en")}
        if n["kind"] == "relation":
            b = union([layout.text_box(lines[lang], n["font"]) for lang in lines])
        else:
            b = union([layout.image_box(n["size"], lines[lang], n["font"]) for lang in lines])
        out[n["id"]] = (n["x"] + b.x0, n["y"] + b.y0, n["x"] + b.x1, n["y"] + b.y1)
    return out


def _overlap(a, b) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def test_every_layout_keeps_every_label_box_free(all_graphs):
    """In every graph of the real corpus: no two node boxes (icon + label in either language)
    overlap, each frame holds its members and its title, and frames overlap nothing else."""
    from pav_graph.site.graphs import layout

    checked = 0
    for name, graph in all_graphs.items():
        boxes = _boxes(graph)
        for (a, ba), (b, bb) in combinations(boxes.items(), 2):
            assert not _overlap(ba, bb), (name, a, b)
        members = set()
        frames = [(g["x0"], g["y0"], g["x1"], g["y1"]) for g in graph["groups"]]
        for g, frame in zip(graph["groups"], frames, strict=True):
            title = max(layout.text_width(t, layout.TITLE_FONT) for t in g["title"].values())
            assert frame[0] + layout.GROUP_PAD + title <= frame[2], (name, g["key"])
            for m in g["members"]:
                box = boxes[m]
                members.add(m)
                assert frame[0] <= box[0] and box[2] <= frame[2] and box[3] <= frame[3], (name, m)
                assert box[1] >= frame[1] + layout.GROUP_PAD + layout.TITLE_FONT * 1.4, (name, m)
        for fa, fb in combinations(frames, 2):
            assert not _overlap(fa, fb), name
        for key, box in boxes.items():
            if key not in members:
                assert not any(_overlap(box, f) for f in frames), (name, key)
        b = [graph["bounds"][0] - 0.2, graph["bounds"][1] - 0.2, graph["bounds"][2] + 0.2,
             graph["bounds"][3] + 0.2]  # positions are rounded to 0.1
        assert all(b[0] <= x0 and x1 <= b[2] and b[1] <= y0 and y1 <= b[3]
                   for x0, y0, x1, y1 in list(boxes.values()) + frames), name
        checked += len(boxes)
    assert checked > 1000


def test_case_graphs_group_concepts_by_kind_and_actors_by_organisation(site_data, all_graphs):
    for cid, case in site_data.cases.items():
        graph = all_graphs[f"case {cid}"]
        kinds = {n["id"]: n["kind"] for n in graph["nodes"]}
        for g in graph["groups"]:
            if g["key"].startswith("kind-"):
                assert {kinds[m] for m in g["members"]} == {g["key"][5:]}, cid
        concepts = [k for k, kind in kinds.items() if k.startswith("concept:")]
        assert {m for g in graph["groups"] for m in g["members"]} >= set(concepts)
        actors = all_graphs.get(f"actors {cid}")
        assert (actors is None) == (not case["detail"]["actors"])
        if actors:
            org_of = {f"actor:{a['anchor']}": a["organisation"] for a in case["detail"]["actors"]}
            for g in actors["groups"]:
                orgs = {org_of[m] for m in g["members"]}
                assert len(orgs) == 1 and (orgs.pop() or "geen organisatie vastgelegd") == g["title"]["nl"]
            rels = [n for n in actors["nodes"] if n["kind"] == "relation"]
            counted = [r for r in case["detail"]["relations"] if r.get("standing") != "denied"
                       and (r["from_actor"] or r["to_actor"])]
            assert len(rels) == len(counted), cid
            for r in rels:
                kinds_in = {e["kind"] for e in actors["edges"] if r["id"] in (e["from"], e["to"])}
                assert kinds_in == {"relation-possible" if r["possible"] else "relation"}, cid
    # amsterdam-2004: the latent distrust between aldermen and top civil servants is dashed
    am = all_graphs["actors amsterdam-2004"]
    distrust = [n for n in am["nodes"] if n["id"].startswith("relation:relation-rel-wantrouwen")]
    assert distrust and all(n["possible"] and "(interpretatie)" in n["label"]["nl"].replace("\n", " ")
                            for n in distrust)


def test_shapes_are_distinct_and_legends_complete(site, all_graphs):
    from pav_graph.site.graphs.shapes import EDGE_STYLE, KIND_STYLE, SHAPES

    shapes = [s["shape"] for s in KIND_STYLE.values()]
    assert len(set(shapes)) == len(shapes) and set(shapes) <= set(SHAPES)
    for name, graph in all_graphs.items():
        assert set(graph["edge_styles"]) == {e["kind"] for e in graph["edges"]}, name
        assert {s["kind"] for s in graph["styles"]} == {n["kind"] for n in graph["nodes"]}, name
    # the pages list every kind of node and of line they draw, 'verwant' and sources included
    checked = 0
    for rel in ("graph.html", "cases/maastricht-2025.html", "concepts/herhaling.html",
                "concepts/rolonduidelijkheid.html"):
        html = (site / rel).read_text(encoding="utf-8")
        for m in re.finditer(r'<script type="application/json" id="([\w-]+)-data">(.*?)</script>',
                             html, re.DOTALL):
            graph = json.loads(m.group(2))
            if m.group(1) in ("cite", "panel"):  # not graphs
                continue
            legend = html[m.end():].split("</figcaption>", 1)[0]
            for kind in graph["edge_styles"]:
                assert EDGE_STYLE[kind]["label"]["nl"] in legend, (rel, kind)
            checked += 1
    assert checked >= 5
    related = [g for name, g in all_graphs.items() if any(e["kind"] == "related" for e in g["edges"])]
    assert related and all("verwant begrip" == g["edge_styles"]["related"]["label"]["nl"] for g in related)
    assert any("source" in g["edge_styles"] for g in all_graphs.values())


# --------------------------------------------------------------------------- in Chromium


@pytest.fixture()
def measuring(chromium):
    from benchmarks.label_overlap import INIT_JS

    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(INIT_JS)
    p = context.new_page()
    p.watch = sitekit.Watch(p)
    yield p
    context.close()


@browser
def test_no_two_labels_overlap_at_the_default_view(site, measuring, site_data):
    """The graph page (both views) and every case page (both views), as drawn: zero pairs of
    overlapping label boxes; the most important labels of the pattern map are drawn."""
    from benchmarks.label_overlap import measure_page, site_pages

    results = []
    for path in site_pages(site):
        results += measure_page(measuring, url(path))
    overlaps = [(g["page"], g["graph"], g["overlaps"][:3]) for g in results if g["overlaps"]]
    assert overlaps == []
    names = {(tuple(g["page"]), g["graph"]) for g in results}
    assert (("site", "graph.html"), "patterns") in names and (("site", "graph.html"), "roles") in names
    assert sum(g["graph"] == "actors" for g in results) >= 20
    assert sum(g["labels"] for g in results) > 600
    # labels by importance: the six most frequent patterns and risk factors are drawn
    patterns = next(g for g in results if g["graph"] == "patterns")
    drawn = " ".join(line["text"] for line in patterns["lines"])
    top = sorted(site_data.concepts.values(), key=lambda c: -len([
        u for u in c["cases"] if c["kind"] in ("pattern", "risk-factor")]))[:6]
    for c in top:
        assert c["label"]["nl"].split()[0] in drawn, c["id"]
    assert measuring.watch.problems == []


@browser
def test_estimated_label_widths_are_never_narrower_than_drawn(site, measuring, site_data):
    from benchmarks.label_overlap import MEASURE_JS, wait_ready
    from pav_graph.site.graphs import layout

    lines = []
    for rel in ("graph.html", "cases/tilburg-2018.html", "cases/amsterdam-2004.html"):
        measuring.goto(url(site / rel))
        wait_ready(measuring)
        for tab in range(measuring.locator("[role=tab]").count()):
            measuring.locator("[role=tab]").nth(tab).click()
            wait_ready(measuring)
            for i in range(measuring.evaluate("window.pgGraphs.length")):
                lines += measuring.evaluate(MEASURE_JS, i)["lines"]
    assert len(lines) > 150
    for line in lines:
        size = float(re.search(r"([\d.]+)px", line["font"]).group(1))
        estimate = layout.text_width(line["text"], size)
        assert estimate >= line["width"] * 0.999, (line, estimate)


@browser
def test_panel_shows_cases_and_quotes_in_place(site, page, site_data):
    """Open a pattern from the search box: the panel lists its cases with every quote (from
    the page's own JSON, links to the quote on the case page), the page stays, and a
    co-occurring concept opens in turn; the graph dims the rest."""
    page.goto(url(site / "graph.html"))
    sitekit_wait(page)
    page.fill("#find-patterns", "herhal")
    visible = page.locator("#patterns-list li:not([hidden]) button")
    assert visible.count() == 1
    page.keyboard.press("Enter")
    details = page.locator("#details")
    assert details.get_attribute("data-node") == "concept:herhaling"
    uses = site_data.concepts["herhaling"]["cases"]
    assert details.locator("ol.panel-cases > li").count() == len(uses) == 7
    quotes = [ev for u in uses for x in u["items"] for ev in x["item"]["evidence"]]
    shown = details.locator("blockquote p").all_inner_texts()
    assert shown == [q["quote"] for q in quotes]
    first = details.locator("figure.evidence figcaption a").first.get_attribute("href")
    case_file, anchor = first.split("#")
    target = (site / case_file).read_text(encoding="utf-8")
    assert f'id="{anchor}"' in target
    assert page.url.endswith("graph.html")
    assert page.evaluate("window.pgGraphs[0].network.getSelectedNodes()") == ["concept:herhaling"]
    colours = page.evaluate("""() => { const g = window.pgGraphs[0], me = 'concept:herhaling';
        const near = new Set([me]);
        g.data.edges.forEach(e => { if (e.from === me) near.add(e.to); if (e.to === me) near.add(e.from); });
        return g.data.nodes.map(n => [near.has(n.id), g.nodes.get(n.id).font.color]); }""")
    assert {c for near, c in colours if near} == {"#1b1b1b"}
    assert {c for near, c in colours if not near} == {"#c4c9cf"}  # the rest is dimmed
    details.locator("button[data-open]").first.click()
    assert details.get_attribute("data-node") != "concept:herhaling"
    # click a node on the canvas: the panel shows it
    node = _click_node(page, "concept:rolonduidelijkheid")
    assert details.get_attribute("data-node") == node
    page.locator(".panel-close").click()
    assert details.get_attribute("data-node") is None
    assert page.watch.problems == []


def sitekit_wait(page) -> None:
    page.wait_for_function("window.pgGraphs && window.pgGraphs.length >= 1 && "
                           "window.pgGraphs.every(g => g.ready)")


def _click_node(page, node_id: str) -> str:
    box = page.locator(".graph:visible canvas").first.bounding_box()
    p = page.evaluate("""(id) => { const g = window.pgGraphs.find(g => !g.container.closest('[hidden]'));
        return g.network.canvasToDOM(g.network.getPositions([id])[id]); }""", node_id)
    page.mouse.click(box["x"] + p["x"], box["y"] + p["y"])
    return node_id


@browser
def test_every_node_is_reachable_and_opens_by_keyboard(site, page):
    """Graph page: Tab to the search box, arrows through the list, Enter opens each node in the
    panel and selects it in the graph — in both views. Case page: the list under each graph
    has a link for every node; focusing one selects its node."""
    page.goto(url(site / "graph.html"))
    sitekit_wait(page)
    for view in ("patterns", "roles"):
        if view == "roles":
            page.locator("#tab-patterns").focus()
            page.keyboard.press("ArrowRight")
            assert page.evaluate("document.activeElement.id") == "tab-roles"
            sitekit_wait(page)
        graph = page.evaluate(f"window.pgGraphs.findIndex(g => g.container.id === '{view}')")
        ids = page.evaluate(f"window.pgGraphs[{graph}].data.nodes.map(n => n.id)")
        page.locator(f"#find-{view}").focus()
        page.keyboard.press("ArrowDown")
        opened = []
        for _ in ids:
            page.keyboard.press("Enter")
            opened.append(page.locator("#details").get_attribute("data-node"))
            assert page.evaluate(f"window.pgGraphs[{graph}].network.getSelectedNodes()") == [opened[-1]]
            page.keyboard.press("ArrowDown")
        assert sorted(opened) == sorted(ids), view
    assert page.get_by_role("application", name=re.compile("^Rollen en de soorten relaties")).count() == 1
    assert page.locator("[role=application]").count() == 2  # the hidden view's graph too
    assert "Patronen en risicofactoren" in page.locator("#patterns [role=application]").get_attribute("aria-label")
    page.goto(url(site / "cases" / "tilburg-2018.html"))
    sitekit_wait(page)
    for gid in ("ego", "actors"):
        if gid == "actors":
            page.click("#tab-actors")
            sitekit_wait(page)
        graph = page.evaluate(f"window.pgGraphs.findIndex(g => g.container.id === '{gid}')")
        ids = page.evaluate(f"window.pgGraphs[{graph}].data.nodes.map(n => n.id)")
        links = page.locator(f"#{gid}-list a[data-node]")
        assert sorted(links.evaluate_all("els => els.map(a => a.dataset.node)")) == sorted(ids)
        page.locator(f"#view-{gid} .node-list summary").click()
        links.nth(3).focus()
        node = links.nth(3).get_attribute("data-node")
        assert page.evaluate(f"window.pgGraphs[{graph}].network.getSelectedNodes()") == [node]
        assert page.locator(f"#{gid} [role=application]").get_attribute("aria-label")
    hrefs = page.locator("#actors-list a").evaluate_all("els => els.map(a => a.getAttribute('href'))")
    html = (site / "cases" / "tilburg-2018.html").read_text(encoding="utf-8")
    assert all(h.startswith("#") and f'id="{h[1:]}"' in html for h in hrefs)
    assert page.watch.problems == []


def _inject(corpus_copy: Path) -> None:
    """Markup in a pattern's label and in a quote's case (frame-lock, maastricht-2025)."""
    case = corpus_copy / "cases" / "maastricht-2025.yaml"
    q = PAYLOAD.replace('"', '\\"')
    text = case.read_text(encoding="utf-8")
    text = text.replace('  nl: "Maastricht: mail', f'  nl: "{q} Maastricht: mail', 1)
    case.write_text(text, encoding="utf-8")
    concepts = corpus_copy / "ontology" / "concepts" / "essay-2025.yaml"
    ctext = concepts.read_text(encoding="utf-8")
    m = re.search(r"- id: frame-lock\n(?:.*\n)*?    label: \{nl: ([^,]+), en: ([^}]+)\}", ctext)
    assert m, "frame-lock concept label not found"
    ctext = ctext[:m.start(1)] + f'"{q} {m.group(1)}"' + ctext[m.end(1):]
    concepts.write_text(ctext, encoding="utf-8")


@browser
def test_markup_in_the_data_stays_text_in_the_panel(corpus_copy, tmp_path, monkeypatch, chromium):
    import pyoxigraph as ox

    from pav_graph.build import build
    from pav_graph.project import Project
    from pav_graph.site import build_site

    _inject(corpus_copy)
    monkeypatch.setenv("PAV_GRAPH_BUILD", str(tmp_path / "build"))
    result = build(Project(corpus_copy))
    out = tmp_path / "site"
    build_site(ox.Store.read_only(str(result.directory / "store")), Project(corpus_copy), out)
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    p = context.new_page()
    watch = sitekit.Watch(p)
    p.goto(url(out / "graph.html"))
    sitekit_wait(p)
    p.fill("#find-patterns", "frame")
    p.keyboard.press("Enter")
    details = p.locator("#details")
    assert details.get_attribute("data-node") == "concept:frame-lock"
    assert "<script>window.__pwned" in details.locator("h3").first.inner_text()
    assert "<script>window.__pwned" in details.inner_text()  # the case's label, as text
    assert details.locator("img, b, script").count() == 0
    assert p.locator("#patterns-list img, #patterns-list b").count() == 0
    assert p.evaluate("window.__pwned") is None
    label = p.evaluate("window.pgGraphs[0].nodes.get('concept:frame-lock').label")
    assert label.replace("\n", " ").startswith("<script>")
    assert watch.problems == []
    context.close()


@browser
def test_graph_texts_are_in_the_language_of_the_view(site, page):
    """One language per view also where the page-wide language test does not look: the side
    panel of every node of both corpus views, the node lists under the case graphs (closed
    until opened), the labels and tooltips drawn on the canvas."""
    from pav_graph.langcheck import guess
    from tests.test_site_language import TEXTS_JS, problems_of

    failures: list[str] = []
    opened = 0
    for view in ("nl", "en"):
        other = "en" if view == "nl" else "nl"
        page.goto(url(site / "index.html"))
        page.evaluate(f"localStorage.setItem('pav-graph-lang', '{view}')")
        page.goto(url(site / "graph.html"))
        sitekit_wait(page)
        for gview in ("patterns", "roles"):
            page.click(f"#tab-{gview}")
            sitekit_wait(page)
            buttons = page.locator(f"#{gview}-list button[data-node]")
            for i in range(buttons.count()):
                buttons.nth(i).click()
                opened += 1
                failures += [f"graph.html {gview} panel ({view}): {p}"
                             for p in problems_of(page.evaluate(TEXTS_JS), view)]
        drawn = page.evaluate("""() => window.pgGraphs.flatMap(g => g.nodes.get().map(
            n => [n.label || '', n.title ? n.title.textContent : '']))""")
        failures += [f"graph.html canvas ({view}): {text[:100]}" for pair in drawn
                     for text in pair if guess(text) == other]
        for case in ("maastricht-2025", "tilburg-2018"):
            page.goto(url(site / "cases" / f"{case}.html"))
            sitekit_wait(page)
            for tab in ("ego", "actors"):
                if page.locator(f"#tab-{tab}").count():
                    page.click(f"#tab-{tab}")
                page.locator(f"#view-{tab} .node-list summary").click()
            failures += [f"{case} node lists ({view}): {p}"
                         for p in problems_of(page.evaluate(TEXTS_JS), view)]
    assert opened > 150
    assert failures == [], failures[:15]
    assert page.watch.problems == []
