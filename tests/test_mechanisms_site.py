"""The mechanism map on the site: it draws, an arrow opens its quote, labels do not overlap, the
per-case view lights the case's concepts, it works from disk and by keyboard, and no text from
the data becomes markup.

The expected links and quotes come from the sources (essay-2025 = texts/004, nyenrode-2023 =
texts/000) and cases/maastricht-2025.yaml.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from pav_graph.mechanisms.graph import find_loops, merge_edges
from tests import sitekit
from tests.sitekit import url

SVG = "{http://www.w3.org/2000/svg}"
chromium, page = sitekit.chromium, sitekit.page  # fixtures


@pytest.fixture(scope="module")
def site(tmp_path_factory, store, project) -> Path:
    return sitekit.write_site(tmp_path_factory, store, project, "mech-site")


def edge_data(html: str) -> list[dict]:
    m = re.search(r'<script type="application/json" id="mech-data">(.*?)</script>', html, re.DOTALL)
    return json.loads(m.group(1))["edges"]


def test_the_page_has_one_arrow_per_linked_pair_and_a_file_per_loop_and_case(site, corpus):
    html = (site / "mechanisms.html").read_text(encoding="utf-8")
    edges = merge_edges(corpus.mechanisms, include_possible=True)
    data = edge_data(html)
    assert len(data) == len(edges) == len(re.findall(r'<g class="edge (?:counts|possible)" data-edge=', html))
    assert {(e["from"], e["to"]) for e in data} == set(edges)
    for loop in find_loops(edges):
        for suffix in (".svg", ".en.svg"):
            root = ET.parse(site / "mechanisms" / f"{loop.id}{suffix}").getroot()
            assert loop.type in ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
        assert f'id="{loop.id}"' in html
    for cid in corpus.cases:
        script = (site / "mechanisms" / "cases" / f"{cid}.js").read_text(encoding="utf-8")
        assert script.startswith("window.pgMechCase && window.pgMechCase({") and script.isascii()
    case_page = (site / "cases" / "maastricht-2025.html").read_text(encoding="utf-8")
    assert 'href="../mechanisms.html?case=maastricht-2025#map"' in case_page


def test_an_arrow_carries_its_quotes_and_qualifiers(site):
    data = edge_data((site / "mechanisms.html").read_text(encoding="utf-8"))
    # nyenrode-2023 443-447: interference "kan ... leiden tot een verminderd vertrouwen in ambtenaren"
    edge = next(e for e in data if (e["from"], e["to"]) == ("bestuurlijke-detailbemoeienis", "wantrouwen"))
    quotes = [ev["quote"] for c in edge["claims"] for ev in c["evidence"]]
    assert any(q.startswith("Bovendien kan een overmatige bemoeienis van politieke leiders") for q in quotes)
    assert edge["sign"] == "increases" and edge["symbol"] == "+"
    # essay-2025 145-147 is our reading: the arrow is possible and says why
    back = next(e for e in data if (e["from"], e["to"]) == ("institutionalisering-van-wantrouwen", "wantrouwen"))
    assert back["standing"] == "possible" and back["claims"][0]["note"]["en"]


def test_case_data_lights_what_the_case_shows(site, corpus):
    script = (site / "mechanisms" / "cases" / "maastricht-2025.js").read_text(encoding="utf-8")
    data = json.loads(script[script.index("(") + 1: script.rindex(")")])
    edges = edge_data((site / "mechanisms.html").read_text(encoding="utf-8"))
    shown = {(edges[int(i)]["from"], edges[int(i)]["to"]) for i, s in data["shown"].items() if s == "shown"}
    # essay-2025 63-64 and nyenrode-2023 433-437 with Maastricht's findings mediadruk,
    # bestuurlijke-detailbemoeienis and rolonduidelijkheid (cases/maastricht-2025.yaml)
    assert {("mediadruk", "bestuurlijke-detailbemoeienis"),
            ("bestuurlijke-detailbemoeienis", "rolonduidelijkheid")} <= shown
    assert data["standing"]["mediadruk"] == "counts"
    assert data["quotes"]["mediadruk"][0]["source"] == "essay-2025"


def test_svg_labels_and_aria_text_are_escaped():
    from pav_graph.mechanisms.graph import merge_edges as edges_of
    from pav_graph.mechanisms.layout import map_layout
    from pav_graph.mechanisms.model import MechanismLink
    from pav_graph.model import Evidence
    from pav_graph.site.mechanisms import _Labels, map_svg

    evil = '<img src=x onerror="alert(1)">&'
    concepts = {c: {"label": {"nl": evil + c, "en": evil + c}} for c in ("a", "b")}
    link = MechanismLink("a", "b", "increases", "leads-to", [Evidence("s", 1, 1, "q")])
    edges = edges_of([link])
    lay = map_layout(list(edges), {c: (concepts[c]["label"]["nl"], concepts[c]["label"]["en"]) for c in "ab"})
    svg = str(map_svg(list(edges.values()), lay, _Labels(concepts)))
    assert "<img" not in svg and "&lt;img" in svg
    ET.fromstring(svg)


# --------------------------------------------------------------------------- in Chromium

browser = pytest.mark.browser


def _clickable_edge(tab) -> list:
    """An arrow whose middle is not covered by another arrow: (index, x, y) on the screen."""
    return tab.evaluate("""() => {
      for (const g of document.querySelectorAll('.mech-map-svg .edge')) {
        const path = g.querySelector('.line');
        g.scrollIntoView({block: 'center', inline: 'center'});
        const pt = path.getPointAtLength(path.getTotalLength() * 0.5);
        const m = path.getScreenCTM();
        const x = pt.x * m.a + pt.y * m.c + m.e, y = pt.x * m.b + pt.y * m.d + m.f;
        const hit = document.elementFromPoint(x, y);
        if (hit && hit.closest('.edge') === g) return [+g.getAttribute('data-edge'), x, y];
      }
      return null;
    }""")


@browser
def test_the_map_draws_and_no_label_overlaps_another(site, page):
    page.goto(url(site / "mechanisms.html"))
    page.wait_for_load_state("load")
    n = page.eval_on_selector_all(".mech-map-svg .edge", "e => e.length")
    data = edge_data((site / "mechanisms.html").read_text(encoding="utf-8"))
    assert n == len(data)
    # the drawn boxes (getBBox in the browser's own font) never overlap, and each label fits
    # inside its box
    boxes = page.eval_on_selector_all(".mech-map-svg .node", """ns => ns.map(n => {
        const r = n.querySelector('rect').getBBox();
        const t = [...n.querySelectorAll('text')].filter(t => getComputedStyle(t).display !== 'none')[0].getBBox();
        return [r.x, r.y, r.width, r.height, t.x, t.y, t.width, t.height]; })""")
    assert len(boxes) > 50
    for x, y, w, h, tx, ty, tw, th in boxes:
        assert x - 0.5 <= tx and tx + tw <= x + w + 0.5 and y - 0.5 <= ty and ty + th <= y + h + 0.5
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not (a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3])
    assert page.watch.problems == []


@browser
def test_clicking_an_arrow_opens_its_quote(site, page):
    page.goto(url(site / "mechanisms.html"))
    page.wait_for_load_state("load")
    index, x, y = _clickable_edge(page)
    page.mouse.click(x, y)
    data = edge_data((site / "mechanisms.html").read_text(encoding="utf-8"))
    panel = page.locator("#mech-panel")
    text = panel.inner_text()
    first = data[index]["claims"][0]["evidence"][0]
    assert first["quote"][:60] in " ".join(text.split()), text[:300]
    link = panel.locator("figcaption a").first
    assert link.get_attribute("href").endswith(f"sources/{first['source']}.html#L{first['first']}")
    assert page.locator(f'.mech-map-svg .edge[data-edge="{index}"]').get_attribute("class").endswith("active")
    assert page.watch.problems == []


@browser
def test_an_arrow_opens_by_keyboard_and_escape_returns(site, page):
    page.goto(url(site / "mechanisms.html"))
    page.wait_for_load_state("load")
    arrow = page.locator('.mech-map-svg .edge[data-edge="0"]')
    arrow.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.closest('#mech-panel') !== null")
    assert page.locator("#mech-panel blockquote").count() >= 1
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.getAttribute('data-edge')") == "0"
    assert page.locator("#mech-panel blockquote").count() == 0
    assert page.watch.problems == []


@browser
def test_the_case_view_lights_the_case_and_adds_its_quotes(site, page):
    page.goto(url(site / "mechanisms.html", "?case=maastricht-2025"))
    page.wait_for_selector("#case-view:not([hidden])")
    lit = set(page.eval_on_selector_all(".mech-map-svg .node.lit-counts", "ns => ns.map(n => n.dataset.concept)"))
    # cases/maastricht-2025.yaml: findings from essay-2025, e.g. mediadruk (lines 63-64) and
    # bestuurlijke-detailbemoeienis (63-64); no finding of institutionalisering-van-wantrouwen
    assert {"mediadruk", "bestuurlijke-detailbemoeienis", "rolonduidelijkheid", "wantrouwen", "herhaling"} <= lit
    assert "institutionalisering-van-wantrouwen" not in lit
    assert page.locator('.mech-map-svg .node.faded[data-concept="institutionalisering-van-wantrouwen"]').count() == 1
    assert "Casus: Maastricht" in page.locator("#case-view-h").inner_text()
    page.locator("#case-view-lists .edge-link").first.click()
    text = page.locator("#mech-panel").inner_text()
    assert "In deze casus" in text and "Deze casus laat beide kanten zien." in text
    assert page.watch.problems == []


@browser
def test_a_case_id_cannot_load_another_script(site, page):
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(url(site / "mechanisms.html", "?case=..%2F..%2Fassets%2Fsite"))
    page.wait_for_load_state("load")
    assert not any("assets/site.js" in r and "cases" in r for r in requested)
    assert not any("/mechanisms/cases/" in r for r in requested)
    assert page.locator("#case-view").get_attribute("hidden") is not None
