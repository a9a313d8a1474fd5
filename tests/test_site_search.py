"""Search on the site (issue 17 item 3), in a real Chromium from file://: the stemmer against the
reference Snowball implementation, whole words, phrases, folded accents, snippets, facets, the
search box of every page, and an index that no page but the search page loads."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from urllib.parse import quote

import pytest

from tests import sitekit
from tests.sitekit import url

chromium, page = sitekit.chromium, sitekit.page  # fixtures

browser = pytest.mark.browser


site = sitekit.site  # fixture


@pytest.fixture(scope="module")
def index(site) -> dict:
    text = (site / "search-index.js").read_text(encoding="utf-8")
    assert text.startswith("window.pgSearchIndex = ")
    return json.loads(text[len("window.pgSearchIndex = "):].rstrip().rstrip(";"))


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text.lower())
                   if not unicodedata.combining(c))


def texts(entry: dict) -> list[str]:
    return [entry["l"]["nl"], entry["l"]["en"], *entry["p"]]


def search(page, site: Path, q: str) -> list[dict]:
    page.goto(url(site / "search.html", "?q=" + quote(q)))
    page.wait_for_selector("#search-status[data-ready]", state="attached")
    return page.eval_on_selector_all("#search-results li", """els => els.map(li => ({
        kind: li.querySelector('.badge').className.replace('badge t-', ''),
        href: li.querySelector('a').getAttribute('href'),
        snippet: li.querySelector('.snippet') ? li.querySelector('.snippet').textContent : '',
        marks: Array.from(li.querySelectorAll('.snippet mark')).map(m => m.textContent)}))""")


def test_index_is_a_script_next_to_the_pages_and_no_page_inlines_it(site, index):
    assert {e["t"] for e in index["e"]} == {"case", "concept", "actor", "quote"}
    for path in site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert "pgSearchIndex" not in html and 'id="search-index"' not in html, path
        loads = "search-index.js" in html
        assert loads == (path.name == "search.html" and path.parent == site), path


@browser
def test_stemmer_equals_snowball_dutch_porter_on_every_word_of_the_index(site, index, page):
    snowballstemmer = pytest.importorskip("snowballstemmer")
    page.goto(url(site / "search.html"))
    page.wait_for_selector("#search-status[data-ready]", state="attached")
    words = page.evaluate("""(texts) => { const seen = new Set();
        texts.forEach(t => window.pgSearch.words(t).forEach(w => seen.add(w.w)));
        return Array.from(seen); }""", [t for e in index["e"] for t in texts(e)])
    assert len(words) > 5000
    ours = page.evaluate("(ws) => ws.map(w => window.pgSearch.snowball(w))", words)
    reference = snowballstemmer.stemmer("dutch_porter").stemWords(words)
    differ = [(w, a, b) for w, a, b in zip(words, ours, reference) if a != b]
    assert differ == [], differ[:20]
    assert page.watch.problems == []


@browser
def test_a_phrase_search_finds_the_phrase_and_only_it(site, index, page):
    phrase = "verschil van inzicht"
    pattern = re.compile(r"(?<!\w)" + phrase + r"(?!\w)")
    expected = sorted(e["u"] for e in index["e"] if e["t"] == "quote"
                      and any(pattern.search(fold(t)) for t in texts(e)))
    assert len(expected) >= 3  # essay-2025 quotes Den Helder, Lelystad, Heeze-Leende ...
    hits = search(page, site, f'"{phrase}"')
    assert sorted(h["href"] for h in hits if h["kind"] == "quote") == expected
    for h in hits:  # every hit shows the phrase itself, marked, in its snippet
        assert [fold(m) for m in h["marks"]][:1] == [phrase], h
    # a phrase is in order: reversed it is found nowhere, while the loose words still are
    assert search(page, site, '"inzicht van verschil"') == []
    assert len(search(page, site, "inzicht van verschil")) >= len(hits)
    assert page.watch.problems == []


@browser
def test_a_word_does_not_match_inside_another_word(site, index, page):
    # "verschil" is in "verschillende" and "meningsverschillen": neither may match
    has = {e["u"] + "|" + e["t"] for e in index["e"]
           if any(re.search(r"(?<!\w)verschil(?!\w)", fold(t)) for t in texts(e))}
    only_inside = [e for e in index["e"] if any("verschil" in fold(t) for t in texts(e))
                   and e["u"] + "|" + e["t"] not in has and e["t"] in ("quote", "concept")]
    assert only_inside, "the corpus no longer has a word containing 'verschil': pick another"
    hits = search(page, site, "verschil")
    found = {h["href"] + "|" + h["kind"] for h in hits}
    for e in only_inside:
        assert e["u"] + "|" + e["t"] not in found, e
    for h in hits:
        assert h["marks"] and all(fold(m) == "verschil" for m in h["marks"]), h
    assert {u for u in has if not u.endswith("|case")} <= found
    # "verschillende" itself finds those, and not the plain "verschil"
    wide = {h["href"] + "|" + h["kind"] for h in search(page, site, "verschillende")}
    assert wide & {e["u"] + "|" + e["t"] for e in only_inside}
    assert page.watch.problems == []


@browser
def test_stems_strong_verbs_and_folded_accents(site, index, page):
    # "vertrok"/"vertrokken" are past forms of "vertrekken": the query "vertrek" finds them
    past = [e for e in index["e"] if e["t"] == "quote"
            and any(re.search(r"(?<!\w)vertrok(ken)?(?!\w)", fold(t)) for t in texts(e))
            and not any(re.search(r"(?<!\w)vertrek", fold(t)) for t in texts(e))]
    assert past, "no quote says 'vertrok' without 'vertrek'"
    hits = search(page, site, "vertrek")
    assert {e["u"] for e in past} <= {h["href"] for h in hits if h["kind"] == "quote"}
    marks = {fold(m) for h in hits for m in h["marks"]}
    assert "vertrek" in marks and marks & {"vertrok", "vertrokken"}
    assert page.evaluate("window.pgSearch.stem('vertrokken') === window.pgSearch.stem('vertrek')")
    assert page.evaluate("window.pgSearch.stem('teruggetrokken') === window.pgSearch.stem('terugtrekken')")
    # an exact (quoted) word is not stemmed
    exact = search(page, site, '"vertrek"')
    assert exact and all(fold(m) == "vertrek" for h in exact for m in h["marks"])
    # accents folded both ways: beeindigd finds beëindigd
    hits = search(page, site, "beeindigd")
    assert hits and all(fold(m) == "beeindigd" for h in hits for m in h["marks"])
    assert any("beëindigd" in h["snippet"] for h in hits)
    assert page.watch.problems == []


@browser
def test_every_hit_has_a_snippet_and_facets_narrow_the_hits(site, index, page):
    hits = search(page, site, "gemeentesecretaris")
    assert len(hits) >= 20
    assert all(h["snippet"].strip() for h in hits)
    # a case found by its label alone still shows the beginning of its summary
    hits = search(page, site, "Maastricht")
    assert all(h["snippet"].strip() for h in hits)
    # facet: a level keeps only the hits of cases at that level
    search(page, site, "ambtenaren")
    total = page.locator("#search-results li").count()
    levels = page.eval_on_selector_all('#search-facets input[data-facet="level"]',
                                       "els => els.map(e => e.value)")
    assert "rijk" in levels and "gemeente" in levels
    rijk = {f"cases/{r['id']}.html" for r in index["cases"] if "rijk" in r["lv"]}
    page.locator('#search-facets input[data-facet="level"][value="rijk"]').check()
    page.wait_for_function(f"document.querySelectorAll('#search-results li').length < {total}")
    shown = page.eval_on_selector_all("#search-results li a", "els => els.map(a => a.getAttribute('href'))")
    assert shown and all(h.split("#")[0] in rijk for h in shown)
    # and kind 'quote' within it
    page.locator('#search-facets input[data-facet="kind"][value="quote"]').check()
    kinds = page.eval_on_selector_all("#search-results .badge", "els => els.map(b => b.className)")
    assert kinds and set(kinds) == {"badge t-quote"}
    assert page.watch.problems == []


@browser
def test_every_page_has_a_search_box_that_opens_the_search(site, page):
    for rel in ("index.html", "cases/maastricht-2025.html", "concepts/frame-lock.html",
                "sources/essay-2025.html", "graph.html"):
        page.goto(url(site / rel))
        assert page.locator("header form.site-search input[name=q]").count() == 1, rel
    page.fill("#site-q", "bagatelliseren")
    page.press("#site-q", "Enter")
    page.wait_for_url(re.compile(r"search\.html\?q=bagatelliseren$"))
    page.wait_for_selector("#search-results li")
    cases = page.eval_on_selector_all("#search-results li:has(.t-case) a",
                                      "els => els.map(a => a.getAttribute('href'))")
    assert cases == ["cases/maastricht-2025.html"]
    page.click("#search-results li:has(.t-case) a")
    page.wait_for_url(re.compile(r"cases/maastricht-2025\.html$"))
    assert page.watch.problems == []
