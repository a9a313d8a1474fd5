"""Every claim citable and linkable (issue 17 item 1), on the real corpus in a real Chromium:
content-derived ids on every claim and quote, a visible permalink, and a "citeer" button whose
clipboard text is a full citation (quote, source as known and unknown, lines, case, qualifiers,
permalink) whose permalink opens on the highlighted quote; from disk, with --base-url and served
by `pav-graph serve`. The cite panel's CSL-JSON and BibTeX, and markup in the data, shown as text
in the citation and the embeddable files."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tests import sitekit
from tests.sitekit import url
from tests.test_site import PAYLOAD, _inject

chromium, page = sitekit.chromium, sitekit.page  # fixtures
browser = pytest.mark.browser
BASE = "https://example.org/pav-graph/"
CASE = "maastricht-2025"
# cases/maastricht-2025.yaml, finding onveilige-meldcultuur: essay-2025 lines 73-75
QUOTE_ID = "finding-onveilige-meldcultuur-q-essay-2025-73-75"
QUOTE = "Zodra iemand zegt dat iets ‘onveilig’ voelt, stokt het gesprek"


site = sitekit.site  # fixture


@pytest.fixture(scope="module")
def hosted(tmp_path_factory, store, project) -> Path:
    return sitekit.write_site(tmp_path_factory, store, project, "hosted", base_url=BASE)


def ids_of(path: Path) -> list[str]:
    return re.findall(r'\sid="([^"]+)"', path.read_text(encoding="utf-8"))


def test_every_claim_and_quote_has_its_content_derived_id(site, corpus):
    from pav_graph.claims import evidence_keys

    for cid, case in corpus.cases.items():
        ids = ids_of(site / "cases" / f"{cid}.html")
        assert len(ids) == len(set(ids)), cid  # unique on the page
        html = (site / "cases" / f"{cid}.html").read_text(encoding="utf-8")
        for _, item in case.claims():
            assert item.key in ids, (cid, item.key)
            assert f'href="#{item.key}"' in html and f'data-cite="{item.key}"' in html
            for key in evidence_keys(item.key, item.evidence):
                assert key in ids and f'data-cite="{key}"' in html, (cid, key)
        data = json.loads(re.search(r'<script type="application/json" id="cite-data">(.*?)</script>',
                                    html, re.DOTALL).group(1))
        assert set(data["claims"]) == {item.key for _, item in case.claims()}
        assert set(data["quotes"]) == {k for _, item in case.claims()
                                       for k in evidence_keys(item.key, item.evidence)}


def test_citation_texts_say_what_is_known_and_unknown():
    from pav_graph.site.citation import bibtex, csl_json, quote_text, source_reference

    essay = {"id": "essay-2025", "type": "essay", "title": None, "authors": [], "year": None,
             "publisher": None, "language": "nl"}
    assert source_reference(essay, "nl") == "essay zonder bekende titel (auteur onbekend, jaar onbekend)"
    assert source_reference(essay, "en") == "an essay with no known title (author unknown, year unknown)"
    thesis = {"id": "t", "type": "thesis", "title": "Ambtelijke invloed", "authors": ["A B", "C D"],
              "year": "2018", "publisher": "EUR & co", "language": "nl", "doi": "10.1/x_y"}
    assert source_reference(thesis, "nl") == "de scriptie ‘Ambtelijke invloed’ (A B en C D, 2018, EUR & co)"
    ev = {"quote": "q", "source": "t", "first_line": 3, "last_line": 5, "lang": "nl"}
    assert quote_text(ev, thesis, "en").startswith("“q” (Dutch original) — according to the thesis")
    assert quote_text(ev, thesis, "en").endswith("lines 3–5")
    bib = bibtex(thesis)
    assert "author = {{A B} and {C D}}" in bib and "school = {EUR \\& co}" in bib
    assert "doi = {10.1/x\\_y}" in bib and bib.count("{") == bib.count("}")
    csl = csl_json(thesis)
    assert csl["issued"] == {"date-parts": [[2018]]} and csl["DOI"] == "10.1/x_y"
    assert csl_json(essay)["note"] == "unknown: title, author, year" and "title" not in csl_json(essay)


def clipboard_context(chromium):
    return chromium.new_context(permissions=["clipboard-read", "clipboard-write"],
                                viewport={"width": 1280, "height": 900})


def cite(p, anchor: str) -> str:
    p.evaluate("navigator.clipboard.writeText('')")
    p.locator(f'button.cite[data-cite="{anchor}"]').click()
    p.wait_for_function("navigator.clipboard.readText().then(t => t.length > 0)")
    return p.evaluate("navigator.clipboard.readText()")


@browser
def test_cite_copies_a_full_citation_whose_permalink_opens_on_the_quote(site, chromium):
    context = clipboard_context(chromium)
    p = context.new_page()
    watch = sitekit.Watch(p)
    p.goto(url(site / "cases" / f"{CASE}.html"))
    text = cite(p, QUOTE_ID)
    assert text.startswith(f"“{QUOTE}")
    assert "— volgens essay zonder bekende titel (auteur onbekend, jaar onbekend), regels 73–75." in text
    assert "Bevinding: onveilige meldcultuur (volgens respondenten)." in text  # its voice
    assert "Casus: Maastricht: mail van de gemeentesecretaris" in text
    link = re.search(r"pav-graph, (\S+) \(geraadpleegd ", text).group(1)
    assert link == f"cases/{CASE}.html#{QUOTE_ID}"  # from disk: the path from the site root
    # the panel shows the same text, and the source as CSL-JSON and BibTeX
    panel = p.locator(f"#cite-panel-{QUOTE_ID}")
    assert panel.locator(".cite-text pre").text_content() == text
    csl = json.loads(panel.locator(".cite-csl pre").text_content())
    assert csl["id"] == "essay-2025" and csl["note"] == "unknown: title, author, year"
    assert panel.locator(".cite-bibtex pre").text_content().startswith("@misc{essay-2025,")
    # the permalink opens on the highlighted quote
    p.goto(url(site) + "/" + link)
    target = p.evaluate("document.querySelector(':target') && document.querySelector(':target').id")
    assert target == QUOTE_ID
    quote = p.locator(f"[id='{QUOTE_ID}']")
    assert QUOTE in quote.inner_text() and quote.is_visible()
    style = p.evaluate(f"getComputedStyle(document.getElementById('{QUOTE_ID}')).outlineStyle")
    assert style == "solid"
    box = quote.bounding_box()
    assert 0 <= box["y"] < 900
    # a claim's own citation holds all its quotes; English view: English words, Dutch quote marked
    p.click("#lang-toggle")
    text = cite(p, "finding-onveilige-meldcultuur")
    assert text.startswith("Finding: unsafe reporting culture (according to respondents).")
    assert f"“{QUOTE}" in text and text.count("(Dutch original) — according to an essay with no "
                                                 "known title (author unknown, year unknown)") == 2
    assert "Case: Maastricht: the municipal secretary" in text and "(accessed " in text
    assert watch.problems == []
    context.close()


@browser
def test_permalinks_are_absolute_with_base_url_and_when_served(hosted, chromium, built,
                                                               session_build_dir):
    from w3c_protocol import ServerProcess

    context = clipboard_context(chromium)
    p = context.new_page()
    p.goto(url(hosted / "cases" / f"{CASE}.html"))
    text = cite(p, QUOTE_ID)
    assert f" {BASE}cases/{CASE}.html#{QUOTE_ID} " in text
    context.close()
    site = hosted.parent / "served"
    shutil.copytree(hosted, site)
    with ServerProcess(session_build_dir, "--site", str(site)) as server:
        context = clipboard_context(chromium)
        p = context.new_page()
        watch = sitekit.Watch(p, allowed=(server.base, "data:", "blob:"))
        # the served page ignores nothing: with --base-url the published address wins
        p.goto(f"{server.base}/cases/{CASE}.html")
        assert f" {BASE}cases/" in cite(p, QUOTE_ID)
        p.evaluate("document.body.setAttribute('data-base-url', '')")  # a site without --base-url
        p.locator(f'button.cite[data-cite="{QUOTE_ID}"]').click()  # close the panel
        text = cite(p, QUOTE_ID)
        assert f" {server.base}/cases/{CASE}.html#{QUOTE_ID} " in text
        p.goto(f"{server.base}/cases/{CASE}.html#{QUOTE_ID}")
        assert p.evaluate("document.querySelector(':target').id") == QUOTE_ID
        assert watch.problems == []
        context.close()


@pytest.fixture(scope="module")
def injected_site(tmp_path_factory, project_root) -> Path:
    """A corpus copy with markup in every free-text field of maastricht-2025 (tests/test_site.py)
    and qualifiers on one finding, built and written as a site."""
    import os

    import pyoxigraph as ox

    from pav_graph.build import build
    from pav_graph.project import Project
    from pav_graph.site import build_site

    root = tmp_path_factory.mktemp("injected")
    corpus = root / "corpus"
    for name in ("cases", "ontology", "sources", "queries"):
        shutil.copytree(project_root / name, corpus / name)
    _inject(corpus)
    path = corpus / "cases" / f"{CASE}.yaml"
    text = path.read_text(encoding="utf-8")
    text, n = re.subn(r"(\n  - concept: onveilige-meldcultuur\n)(    voice: \S+\n)?",
                      r"\1    basis: latent\n    voice: respondents\n"
                      "    attributed_to: {nl: '<b>vet</b> de medewerkers', en: '<b>vet</b> the staff'}\n",
                      text, count=1)
    assert n == 1
    path.write_text(text, encoding="utf-8")
    old = os.environ.get("PAV_GRAPH_BUILD")
    os.environ["PAV_GRAPH_BUILD"] = str(root / "build")
    try:
        result = build(Project(corpus))
    finally:
        os.environ["PAV_GRAPH_BUILD"] = old or ""
    out = root / "site"
    build_site(ox.Store.read_only(str(result.directory / "store")), Project(corpus), out)
    return out


@browser
def test_markup_in_the_data_stays_text_in_citations_and_embeds(injected_site, chromium):
    context = clipboard_context(chromium)
    p = context.new_page()
    watch = sitekit.Watch(p)
    p.goto(url(injected_site / "cases" / f"{CASE}.html"))
    text = cite(p, "finding-onveilige-meldcultuur")
    # the qualifiers, where not plain, and who exactly: markup as text
    assert "Bevinding: onveilige meldcultuur (interpretatie; volgens respondenten; <b>vet</b> de medewerkers)." in text
    assert f"Casus: {PAYLOAD} Maastricht: mail" in text
    assert p.evaluate("window.__pwned") is None
    assert p.locator(".cite-panel b, .cite-panel img, .cite-panel script").count() == 0
    for rel in (f"embed/cases/{CASE}.html", "embed/graph.html", "embed/graph-standalone.html"):
        p.goto(url(injected_site / rel))
        p.wait_for_function("window.pgGraphs && window.pgGraphs.length && window.pgGraphs[0].ready")
        assert p.evaluate("window.__pwned") is None, rel
        assert p.locator("main img, main b, main script:not([type])").count() == 0, rel
    standalone = (injected_site / "embed" / "graph-standalone.html").read_text(encoding="utf-8")
    assert "<script>window.__pwned" not in standalone
    assert watch.problems == []  # the <img src="x"> was never even requested
    context.close()
