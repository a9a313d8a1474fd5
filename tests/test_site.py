"""The journalists' static site (`pav-graph site`): pages, links, escaping, and — in a real
Chromium — loading from file://, the graphs, search, the language switch and injected markup."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests import sitekit

PAYLOAD = ('<script>window.__pwned = 1</script><img src="x" onerror="window.__pwned = 2">'
           '<b>vet</b>')


site = sitekit.site  # fixture


class Links(HTMLParser):
    """Collects href/src attributes and element ids of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.script_srcs: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append(value)
            if name == "id" and value:
                self.ids.add(value)


def parse(path: Path) -> Links:
    p = Links()
    p.feed(path.read_text(encoding="utf-8"))
    return p


# --------------------------------------------------------------------------- without a browser


def test_every_case_concept_and_source_has_a_page(site, corpus):
    for cid in corpus.cases:
        assert (site / "cases" / f"{cid}.html").is_file(), cid
    for cid in corpus.concepts:
        assert (site / "concepts" / f"{cid}.html").is_file(), cid
    for sid in corpus.sources:
        assert (site / "sources" / f"{sid}.html").is_file(), sid
    for page in ("index.html", "graph.html", "concepts.html", "sources.html"):
        assert (site / page).is_file()
    assert (site / "assets" / "vis-network" / "vis-network.min.js").is_file()
    licence = (site / "assets" / "vis-network" / "LICENSE.txt").read_text(encoding="utf-8")
    assert "MIT License" in licence and "Almende" in licence


def test_a_merged_concept_keeps_its_page_and_says_where_it_went(site, corpus):
    """A link or bookmark to a concept made before it was merged (owl:deprecated) still leads
    to a page: it names the concept it went into, with the recorded history note, and that
    concept's page names it back."""
    assert corpus.deprecated
    for old, concept in corpus.deprecated.items():
        new = corpus.successor(old)
        text = (site / "concepts" / f"{old}.html").read_text(encoding="utf-8")
        main = text[text.index("<main"):]
        assert f'href="../concepts/{new}.html"' in main, old
        assert f'<link rel="canonical" href="../concepts/{new}.html">' in text, old
        assert concept.history_note["nl"] in main and concept.history_note["en"] in main, old
        assert concept.label["nl"] in main, old
        successor = (site / "concepts" / f"{new}.html").read_text(encoding="utf-8")
        assert re.search(rf'class="alt-labels replaces">.*?<a href="{re.escape(old)}\.html">', successor), new
    live = (site / "concepts" / f"{next(iter(corpus.concepts))}.html").read_text(encoding="utf-8")
    assert 'rel="canonical"' not in live


def test_all_internal_links_resolve_and_nothing_points_elsewhere(site):
    pages = sorted(site.rglob("*.html"))
    parsed = {p: parse(p) for p in pages}
    checked = 0
    for page, links in parsed.items():
        for link in links.links:
            if link == "data:,":  # the empty favicon: no request at all
                continue
            parts = urlsplit(link)
            assert not parts.scheme and not parts.netloc, f"{page}: external reference {link}"
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            assert target.is_file(), f"{page.relative_to(site)}: broken link {link}"
            if parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else parse(target).ids
                assert parts.fragment in ids, f"{page.relative_to(site)}: no anchor {link}"
            checked += 1
    assert checked > 1000


def test_case_page_shows_quotes_with_source_lines(site):
    # cases/maastricht-2025.yaml: finding onveilige-meldcultuur, essay-2025 lines 73-75:
    # "Zodra iemand zegt dat iets ‘onveilig’ voelt, stokt het gesprek, ..."
    html = (site / "cases" / "maastricht-2025.html").read_text(encoding="utf-8")
    assert "Zodra iemand zegt dat iets ‘onveilig’ voelt, stokt het gesprek" in html
    assert 'href="../sources/essay-2025.html#L73"' in html
    assert "regels 73–75" in html and "lines 73–75" in html
    # the source page shows that passage in context with line anchors 70..78
    src = (site / "sources" / "essay-2025.html").read_text(encoding="utf-8")
    for n in (70, 73, 75, 78):
        assert f'id="L{n}"' in src
    assert "te bagatelliseren.14" in src  # sources/texts/004_533bc91a8930cfed.txt line 75


_SHOWN = re.compile(r'<li id="L(\d+)"( class="hit")?><span>(.*?)</span></li>', re.DOTALL)


def _shown_lines(page: Path) -> dict[int, tuple[bool, str]]:
    """Line number -> (cited?, text) of every line a source page shows."""
    import html

    return {int(n): (bool(hit), html.unescape(text))
            for n, hit, text in _SHOWN.findall(page.read_text(encoding="utf-8"))}


def test_source_pages_show_every_quote_in_context_and_nothing_private(site, corpus):
    """Every quote (case evidence, concept definitions and examples) stands on its source page,
    its lines marked as cited; no page shows a line the source's metadata redacts, and no page
    anywhere carries an anonymisation code (annotation guide § 9)."""
    from pav_graph.privacy import page_findings

    quotes = [e for c in corpus.cases.values() for e in c.all_evidence()]
    quotes += [c.evidence for c in corpus.concepts.values() if c.quote]
    quotes += [e for c in corpus.concepts.values() for e in c.examples]
    shown = {sid: _shown_lines(site / "sources" / f"{sid}.html") for sid in corpus.sources}
    for ev in quotes:
        lines = shown[ev.source]
        span = range(ev.first_line, ev.last_line + 1)
        assert all(n in lines and lines[n][0] for n in span), (ev.source, ev.first_line, ev.quote)
        text = " ".join(" ".join(lines[n][1] for n in span).split())
        assert " ".join(ev.quote.split()) in text, (ev.source, ev.first_line, ev.quote)
    for sid, source in corpus.sources.items():
        for r in source.redactions:
            if r.blanks_lines:
                assert not [n for n in shown[sid] if r.first <= n <= r.last], (sid, r)
    assert len(quotes) > 300
    assert page_findings(site, site) == []


def test_tilburg_source_page_masks_respondent_codes(site):
    """erasmus-tilburg-2018 2254-2256 is cited (topambtenaren on sensitivity); the line before ends
    the mayor's quote with its respondent code, which the thesis's annex 2 links to the mayor
    (lines 2245-2253 and 4054 of the original). The page shows the line, code masked."""
    lines = _shown_lines(site / "sources" / "erasmus-tilburg-2018.html")
    assert lines[2254][0] and not lines[2253][0]
    assert "spelers staan dan wel in het veld.” ([respondent])" in " ".join(lines[2253][1].split())
    from pav_graph.privacy import find_codes

    assert not [n for n, (_, text) in lines.items() if find_codes(text)]
    assert not [n for n in lines if 4035 <= n <= 4054 or 19 <= n <= 29]  # respondent table, thanks
    page = (site / "sources" / "erasmus-tilburg-2018.html").read_text(encoding="utf-8")
    assert "tabel van respondenten" in page and "respondent table" in page


def test_private_blocks_split_at_redactions_and_mask_codes():
    from pav_graph.privacy import Redaction
    from pav_graph.site.passages import private_blocks

    lines = [{"n": n, "text": f"regel {n}", "hit": n in (3, 9)} for n in range(1, 12)]
    lines[3]["text"] = "het einde.” (Participant 16)"  # line 4
    lines[8]["text"] = "zei P12 en R 3"  # line 9, cited
    blocks = private_blocks([{"first": 1, "last": 11, "lines": lines}],
                            [Redaction(5, 7, "respondent-table"), Redaction(1, 11, "respondent-codes")])
    assert [(b["first"], b["last"]) for b in blocks] == [(1, 4), (8, 11)]
    assert blocks[0]["lines"][3]["text"] == "het einde.” ([respondent])"
    assert blocks[1]["lines"][1] == {"n": 9, "text": "zei [respondent] en [respondent]", "hit": True}


def test_source_page_says_unknown_for_missing_metadata(site):
    # sources/essay-2025.yaml: title, authors, year and publisher are all null
    html = (site / "sources" / "essay-2025.html").read_text(encoding="utf-8")
    assert html.count(">onbekend<") >= 4 and html.count(">unknown<") >= 4


def test_inferred_pattern_explained_on_case_page(site, built):
    # the reasoner's matches (manifest) each appear on the case page with their reasons
    for pattern, case_ids in built.manifest["pattern_matches"].items():
        for cid in case_ids:
            html = (site / "cases" / f"{cid}.html").read_text(encoding="utf-8")
            block = html.split(f'id="pattern-{pattern}"', 1)
            assert len(block) == 2, (cid, pattern)
            assert 'href="#finding-' in block[1].split("</div>", 1)[0] or \
                'href="#event-' in block[1].split("</div>", 1)[0]


@pytest.fixture(scope="module")
def site_data(store, project):
    """The site's data read from the real corpus's store (read-only in the tests that use it)."""
    from pav_graph.load import load_sources
    from pav_graph.problems import Problems
    from pav_graph.site.data import load_site_data

    return load_site_data(store, load_sources(project, Problems()))


def test_similar_cases_rank_as_a_full_sort_would(site_data):
    """The site's similar cases (heap of the top five) equal sorting every candidate by
    (shared concepts, Jaccard overlap, id), the definition."""
    from collections import Counter

    from pav_graph.site.data import NOT_FOR_SIMILARITY

    data = site_data
    sets = {cid: {c for c in case["linked"]
                  if data.concepts.get(c, {}).get("kind") not in NOT_FOR_SIMILARITY}
            for cid, case in data.cases.items()}
    for cid, cs in sets.items():
        shared = Counter({o: len(cs & so) for o, so in sets.items() if o != cid and cs & so})
        ranked = sorted(shared, key=lambda o: (-shared[o], -shared[o] / len(cs | sets[o]), o))[:5]
        assert [s["id"] for s in data.cases[cid]["similar"]] == ranked, cid


def test_refuses_to_overwrite_a_foreign_directory(tmp_path, store, project, runner, cli):
    from pav_graph.site import SiteError, build_site

    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    with pytest.raises(SiteError, match="not empty"):
        build_site(store, project, foreign)
    assert (foreign / "notes.txt").read_text() == "keep me"
    result = runner.invoke(cli, ["--corpus", str(project.root), "site", str(foreign)])
    assert result.exit_code == 2 and "not written by `pav-graph site`" in result.output


def _inject(corpus_copy: Path) -> None:
    """Put markup into every free-text field of maastricht-2025 and one concept's labels."""
    case = corpus_copy / "cases" / "maastricht-2025.yaml"
    text = case.read_text(encoding="utf-8")
    q = PAYLOAD.replace('"', '\\"')
    text = text.replace('  nl: "Maastricht: mail', f'  nl: "{q} Maastricht: mail', 1)
    text = text.replace('  en: "Maastricht: the', f'  en: "{q} Maastricht: the', 1)
    text = text.replace("label: {nl: het college van Maastricht,",
                        f'label: {{nl: "{q} het college",', 1)
    text = text.replace("      The essay says only that the e-mail",
                        f"      {PAYLOAD} The essay says only that the e-mail", 1)
    case.write_text(text, encoding="utf-8")
    concepts = corpus_copy / "ontology" / "concepts" / "essay-2025.yaml"
    ctext = concepts.read_text(encoding="utf-8")
    m = re.search(r"- id: frame-lock\n(?:.*\n)*?    label: \{nl: ([^,]+), en: ([^}]+)\}", ctext)
    assert m, "frame-lock concept label not found"
    start, end = m.span(1)
    ctext = ctext[:start] + f'"{q} {m.group(1)}"' + ctext[end:]
    concepts.write_text(ctext, encoding="utf-8")


@pytest.fixture()
def injected_site(corpus_copy, tmp_path, monkeypatch) -> Path:
    from pav_graph.build import build
    from pav_graph.project import Project

    _inject(corpus_copy)
    monkeypatch.setenv("PAV_GRAPH_BUILD", str(tmp_path / "build-injected"))
    project = Project(corpus_copy)
    result = build(project)
    import pyoxigraph as ox

    from pav_graph.site import build_site

    store = ox.Store.read_only(str(result.directory / "store"))
    out = tmp_path / "site-injected"
    build_site(store, project, out)
    return out


def test_injected_markup_is_escaped_in_the_html(injected_site):
    pages = [injected_site / "cases" / "maastricht-2025.html", injected_site / "index.html",
             injected_site / "graph.html", injected_site / "concepts" / "frame-lock.html"]
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "<script>window.__pwned" not in html, page
        assert "<img src=\"x\"" not in html and "<b>vet</b>" not in html, page
    case = pages[0].read_text(encoding="utf-8")
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in case
    assert "\\u003cscript>window.__pwned" in pages[2].read_text(encoding="utf-8")


# --------------------------------------------------------------------------- in Chromium

browser = pytest.mark.browser


chromium, page, url = sitekit.chromium, sitekit.page, sitekit.url  # fixtures and a helper


def wait_graph(page, n: int = 1) -> None:
    page.wait_for_function(
        f"window.pgGraphs && window.pgGraphs.length >= {n} && window.pgGraphs.every(g => g.ready)")


@browser
def test_every_page_loads_from_disk_without_errors(site, page, corpus):
    pages = sorted(site.rglob("*.html"))
    for path in pages:
        page.goto(url(path))
        page.wait_for_load_state("load")
        merged = path.parent.name == "concepts" and path.stem in corpus.deprecated  # no graph
        if path.name == "graph.html" or path.parent.name in ("cases", "concepts") and not merged:
            wait_graph(page)
    assert page.watch.problems == [], page.watch.problems[:10]
    assert len(pages) > 300


def _click_node(page, prefix: str) -> str:
    """Click the first node with id ``prefix...`` that is on top at its own position."""
    page.locator(".graph").first.scroll_into_view_if_needed()
    box = page.locator(".graph canvas").first.bounding_box()
    target = page.evaluate("""(prefix) => {
        const g = window.pgGraphs[0];
        const ids = g.nodes.getIds().filter(id => id.startsWith(prefix));
        for (const id of ids) {
            const p = g.network.canvasToDOM(g.network.getPositions([id])[id]);
            if (g.network.getNodeAt(p) === id) return {id, x: p.x, y: p.y};
        }
        return null;
    }""", prefix)
    assert target, f"no clickable {prefix} node"
    page.mouse.click(box["x"] + target["x"], box["y"] + target["y"])
    return target["id"]


@browser
def test_clicking_a_node_opens_its_page(site, page):
    # case and concept graphs open a node's page (the graph page opens it in its panel:
    # tests/test_site_graphs.py)
    page.goto(url(site / "concepts" / "rolonduidelijkheid.html"))
    wait_graph(page)
    node = _click_node(page, "case:")
    page.wait_for_url(re.compile(r"/cases/.*\.html$"))
    assert page.url.endswith(f"/cases/{node.split(':', 1)[1]}.html")
    wait_graph(page)  # the case page's own graph: click one of its concepts
    node = _click_node(page, "concept:")
    page.wait_for_url(re.compile(r"/concepts/.*\.html$"))
    assert page.url.endswith(f"/concepts/{node.split(':', 1)[1]}.html")
    assert page.watch.problems == []


@browser
def test_search_finds_a_case_by_a_word_of_its_quote(site, page):
    # cases/maastricht-2025.yaml, finding onveilige-meldcultuur (essay-2025 lines 73-75):
    # "... uit angst de ervaring te bagatelliseren." — the word occurs in no other case file.
    page.goto(url(site / "search.html"))
    page.fill("#q", "bagatelliseren")
    page.wait_for_selector("#search-results li")
    cases = page.eval_on_selector_all(
        "#search-results li:has(.t-case) a", "els => els.map(a => a.getAttribute('href'))")
    assert cases == ["cases/maastricht-2025.html"]
    assert "bagatelliseren" in page.locator("#search-results li").first.inner_text()
    # folding accents: "beeindigd" finds the case whose quote says "beëindigd" (lines 12-14)
    page.fill("#q", "samenwerking beeindigd systeemmoment")
    page.wait_for_function("document.querySelector('#search-results a[href=\"cases/maastricht-2025.html\"]')")
    page.click('#search-results a[href="cases/maastricht-2025.html"]')
    page.wait_for_url(re.compile(r"maastricht-2025\.html$"))
    assert page.watch.problems == []


@browser
def test_case_table_sorts_and_filters_by_keyboard(site, page):
    page.goto(url(site / "index.html"))
    rows = page.locator("#case-table tbody tr")
    total = rows.count()
    page.locator('#case-table th button[data-col="0"]').focus()
    page.keyboard.press("Enter")  # ascending → descending
    first_desc = rows.first.locator("td").first.get_attribute("data-sort")
    page.keyboard.press("Enter")
    first_asc = rows.first.locator("td").first.get_attribute("data-sort")
    assert first_desc != first_asc
    assert page.locator('#case-table th[aria-sort="ascending"]').count() == 1
    # filter on the level 'provincie': cases/gelderland.yaml has a provincie organisation
    page.select_option('select[data-filter="levels"]', "provincie")
    visible = page.eval_on_selector_all("#case-table tbody tr:not([hidden]) a",
                                        "els => els.map(a => a.getAttribute('href'))")
    assert "cases/gelderland.html" in visible and len(visible) < total


@browser
def test_language_switch_is_remembered(site, page):
    page.goto(url(site / "index.html"))
    h1 = page.locator("h1 .l:visible")
    assert h1.inner_text().startswith("Politiek-ambtelijke")
    assert page.evaluate("document.documentElement.lang") == "nl"
    page.click("#lang-toggle")
    assert page.locator("h1 .l:visible").inner_text().startswith("Political–administrative")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.get_attribute("#q", "placeholder").startswith("e.g.")
    page.goto(url(site / "cases" / "maastricht-2025.html"))  # another page: still English
    assert page.locator("h1 .l:visible").inner_text().startswith("Maastricht: the municipal")
    wait_graph(page)
    label = page.evaluate("window.pgGraphs[0].nodes.get('concept:wantrouwen').label")
    assert label == "mutual distrust"  # ontology/concepts/essay-2025.yaml, id wantrouwen
    page.click("#lang-toggle")
    assert page.locator("h1 .l:visible").inner_text().startswith("Maastricht: mail")
    assert page.evaluate("window.pgGraphs[0].nodes.get('concept:wantrouwen').label") == "onderling wantrouwen"
    assert page.watch.problems == []


@browser
def test_injected_payload_does_not_run_and_shows_as_text(injected_site, page):
    for rel in ("cases/maastricht-2025.html", "index.html", "graph.html",
                "concepts/frame-lock.html"):
        page.goto(url(injected_site / rel))
        page.wait_for_load_state("load")
        if rel != "index.html":
            wait_graph(page)
        assert page.evaluate("window.__pwned") is None, rel
        assert page.locator("main img, main b").count() == 0, rel
    page.goto(url(injected_site / "cases" / "maastricht-2025.html"))
    assert PAYLOAD.split("<b>")[0] in page.locator("h1 .l:visible").inner_text()
    wait_graph(page)
    # graph label and tooltip are text: the tooltip element has no child elements
    node = page.evaluate("""() => { const n = window.pgGraphs[0].nodes.get('case:maastricht-2025');
        return {label: n.label, tip: n.title.textContent, children: n.title.children.length}; }""")
    assert node["label"].startswith("<script>") and "<script>window.__pwned" in node["tip"]
    assert node["children"] == 0
    _hover(page, "concept:frame-lock")
    page.wait_for_selector("div.vis-tooltip", state="visible")
    tip = page.locator("div.vis-tooltip")
    assert "<img src=\"x\"" in tip.inner_text() and tip.locator("img, script, b").count() == 0
    # search results show the payload as text too
    page.goto(url(injected_site / "search.html"))
    page.fill("#q", "pwned")
    page.wait_for_selector("#search-results li")
    assert page.locator("#search-results img, #search-results b").count() == 0
    assert "<script>" in page.locator("#search-results").inner_text()
    assert page.evaluate("window.__pwned") is None
    failures = [p for p in page.watch.problems if "failed: " in p and p.endswith("/x")]
    assert failures == []  # the <img src="x"> was never even requested


def _hover(page, node_id: str) -> None:
    page.locator(".graph").first.scroll_into_view_if_needed()
    box = page.locator(".graph canvas").first.bounding_box()
    p = page.evaluate("""(id) => { const g = window.pgGraphs[0];
        return g.network.canvasToDOM(g.network.getPositions([id])[id]); }""", node_id)
    page.mouse.move(box["x"] + 5, box["y"] + 5)
    page.mouse.move(box["x"] + p["x"], box["y"] + p["y"], steps=8)
