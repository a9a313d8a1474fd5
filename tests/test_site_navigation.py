"""Long pages you can navigate (issue 17 item 5), in a real Chromium from file://: no page of
the site scrolls sideways at phone width (390 px), case pages have a table of contents that
stays in view on wide screens, sections collapse and reopen for a link into them, and "back to
top" goes back to the top."""

from __future__ import annotations

import pytest

from tests import sitekit
from tests.sitekit import url

chromium, page = sitekit.chromium, sitekit.page  # fixtures
browser = pytest.mark.browser
LONG_CASE = "amsterdam-2004"  # the longest case page (about 12,000 px at 1280 px)


site = sitekit.site  # fixture


@browser
def test_no_page_scrolls_sideways_at_390_px(site, chromium):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    p = context.new_page()
    watch = sitekit.Watch(p)
    pages = sorted(site.rglob("*.html"))
    kinds = set()
    wide = []
    for lang in ("nl", "en"):  # English: every page type, each case and top page
        p.goto(url(site / "index.html"))
        p.evaluate(f"localStorage.setItem('pav-graph-lang', '{lang}')")
        for path in pages:
            if lang == "en" and path.parent.name in ("concepts", "sources") and \
                    path.stem not in ("frame-lock", "essay-2025"):
                continue
            p.goto(url(path))
            assert p.evaluate("document.documentElement.lang") == lang
            width = p.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if width[0] > width[1]:
                wide.append((str(path.relative_to(site)), lang, width))
            kinds.add(path.parent.name if path.parent != site else path.name)
    assert wide == []
    assert {"cases", "concepts", "sources", "index.html", "graph.html", "search.html",
            "concepts.html", "sources.html"} <= kinds
    # the home table keeps every column in view: the year of the first case is on screen
    p.goto(url(site / "index.html"))
    box = p.locator("#case-table tbody tr").first.locator("td").nth(2).bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert watch.problems == []
    context.close()


@browser
def test_case_page_has_a_table_of_contents_that_stays_in_view(site, page):
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(url(site / "cases" / f"{LONG_CASE}.html"))
    links = page.eval_on_selector_all(".toc a", "els => els.map(a => a.getAttribute('href'))")
    assert len(links) >= 6
    for href in links:
        assert page.locator(f"[id='{href[1:]}']").count() == 1, href
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height > 5000
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight * 0.7)")
    page.wait_for_timeout(200)
    box = page.locator(".toc").bounding_box()
    assert 0 <= box["y"] < 900, box  # sticky: still on screen far down the page
    current = page.eval_on_selector_all(".toc a[aria-current]", "els => els.map(a => a.getAttribute('href'))")
    assert len(current) == 1
    # at phone width the contents are part of the page flow, after the title
    page.set_viewport_size({"width": 390, "height": 844})
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight * 0.7)")
    assert page.locator(".toc").bounding_box()["y"] < 0
    assert page.watch.problems == []


@browser
def test_sections_collapse_reopen_for_a_link_and_back_to_top_works(site, page):
    page.goto(url(site / "cases" / f"{LONG_CASE}.html"))
    section = page.locator("section:has(> h2#findings-h)")
    button = section.locator("h2 button.fold")
    assert button.get_attribute("aria-expanded") == "true"
    first = section.locator(".finding").first
    target = first.get_attribute("id")
    assert first.is_visible()
    button.focus()
    page.keyboard.press("Enter")  # by keyboard
    assert button.get_attribute("aria-expanded") == "false" and not first.is_visible()
    assert section.locator("h2").is_visible()
    # a link to a finding inside the folded section opens it (the TOC link to a finding kind)
    page.locator(".toc a[href^='#kind-']").first.click()
    assert button.get_attribute("aria-expanded") == "true" and first.is_visible()
    page.locator("[data-sections=collapse]").click()
    assert page.locator("section.folded").count() >= 4
    page.goto(url(site / "cases" / f"{LONG_CASE}.html") + "#" + target)
    page.evaluate("location.hash = ''")
    page.evaluate(f"location.hash = '{target}'")
    assert page.locator(f"[id='{target}']").is_visible()
    # back to top
    page.locator("[data-sections=expand]").click()
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.locator("#similar-h ~ .to-top a").click()
    page.wait_for_function("window.scrollY < 5")
    assert page.watch.problems == []
