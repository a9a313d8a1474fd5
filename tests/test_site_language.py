"""One language per view (issue 17 item 4), in a real Chromium on every page of the real corpus:
in the Dutch view no visible text is English, in the English view none is Dutch, and no text
mixes the two ("Dutch / English"); only verbatim quotes (marked "(Dutch original)" in the English
view), source texts, titles and names keep their own language. The check rule that keeps the
files so is tested here too."""

from __future__ import annotations

import pytest

from tests import sitekit
from tests.sitekit import url

chromium, page = sitekit.chromium, sitekit.page  # fixtures
browser = pytest.mark.browser

# visible text of a page, grouped by the block it stands in; text in its own language by nature
# (a quote, a source's own lines, a title, a name, code) is kept apart
TEXTS_JS = """() => {
  const VERBATIM = 'blockquote, ol.lines, code, pre, cite, .name, script, style';
  const BLOCK = 'p, li, dd, dt, td, th, h1, h2, h3, h4, figcaption, legend, label, summary, button, option, caption';
  const blocks = new Map();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    const text = node.textContent.replace(/\\s+/g, ' ').trim();
    if (!text || !/\\p{L}/u.test(text) || !el.checkVisibility({visibilityProperty: true})) continue;
    const verbatim = el.closest(VERBATIM);
    const lang = (el.closest('[lang]') || document.documentElement).getAttribute('lang');
    const block = el.closest(BLOCK) || el;
    if (!blocks.has(block)) blocks.set(block, {text: [], langs: new Set(), verbatim: []});
    const b = blocks.get(block);
    if (verbatim) { b.verbatim.push(text); continue; }
    b.text.push(text); b.langs.add(lang);
  }
  const quotes = Array.from(document.querySelectorAll('figure.evidence')).filter(
    f => f.checkVisibility()).map(f => ({lang: f.querySelector('blockquote').getAttribute('lang'),
      marked: f.querySelector('figcaption').innerText.includes('(Dutch original)')}));
  return {blocks: Array.from(blocks.values()).map(b => ({text: b.text.join(' '),
    langs: Array.from(b.langs)})), quotes};
}"""


site = sitekit.site  # fixture


def problems_of(found: dict, view: str) -> list[str]:
    from pav_graph.langcheck import guess, mixed

    other = "en" if view == "nl" else "nl"
    out = []
    for b in found["blocks"]:
        text = b["text"]
        if other in b["langs"]:
            out.append(f"tagged {other}: {text[:120]}")
        elif mixed(text):
            out.append(f"mixed: {text[:120]}")
        elif guess(text) == other:
            out.append(f"reads as {other}: {text[:120]}")
    for q in found["quotes"]:
        if view == "en" and q["lang"] == "nl" and not q["marked"]:
            out.append("a Dutch quote without '(Dutch original)' in the English view")
        if view == "nl" and q["marked"]:
            out.append("'(Dutch original)' shown in the Dutch view")
    return out


@browser
def test_no_page_mixes_languages_in_either_view(site, page):
    pages = sorted(p for p in site.rglob("*.html") if "embed" not in p.parts)
    failures: dict[str, list[str]] = {}
    checked = 0
    for view in ("nl", "en"):
        page.goto(url(site / "index.html"))
        page.evaluate(f"localStorage.setItem('pav-graph-lang', '{view}')")
        for path in pages:
            page.goto(url(path))
            assert page.evaluate("document.documentElement.lang") == view
            found = page.evaluate(TEXTS_JS)
            checked += len(found["blocks"])
            bad = problems_of(found, view)
            if bad:
                failures[f"{path.relative_to(site)} ({view})"] = bad[:3]
    assert failures == {}, list(failures.items())[:15]
    assert checked > 20000
    assert page.watch.problems == []


def test_language_guess_and_mixed_strings():
    from pav_graph.langcheck import guess, mixed

    assert guess("Het essay noemt interne reflecties van de organisatie op de situatie") == "nl"
    assert guess("The essay mentions the organisation's internal reflections on the situation") == "en"
    assert guess("gevraagd of ongevraagd adviseren (faciliteren of lef tonen)") is None
    assert guess("frame-lock") is None
    assert mixed("Casus A (anoniem) bij het eerste dilemma. / Case A (anonymous), illustrating "
                 "the first dilemma.")
    assert not mixed("wethouder / burgemeester") and not mixed("Het college en de raad / de griffie")


def test_a_name_the_same_in_both_languages_is_not_a_wrong_language(tmp_path):
    from pav_graph.langcheck import LangIssue, _bilingual

    found: list[LangIssue] = []
    _bilingual({"nl": "&Van de Laar", "en": "&Van de Laar"}, ("attributed_to",), tmp_path, found)
    assert found == []
    _bilingual({"nl": "het rapport", "en": "het rapport van de gemeente"}, ("x",), tmp_path, found)
    assert [i.message for i in found] == ["x.en is written in Dutch"]


def test_check_fails_on_a_mixed_string_and_a_missing_translation(corpus_copy, runner, cli,
                                                                  own_build_dir):
    # own_build_dir: `check` builds the copy; in the session's build directory that build
    # replaced (and pruned) the session's build of the real corpus, which later tests use
    import yaml

    case = corpus_copy / "cases" / "maastricht-2025.yaml"
    text = case.read_text(encoding="utf-8")
    free = [f["concept"] for f in yaml.safe_load(text)["findings"] if "note" not in f]
    assert len(free) >= 2, "maastricht-2025 has fewer than two findings without a note"
    mixed_note = ("    note: Het essay noemt dit een systeemmoment. / The essay calls this a "
                  "system moment.\n")
    text = text.replace(f"  - concept: {free[0]}\n", f"  - concept: {free[0]}\n" + mixed_note, 1)
    text = text.replace(f"  - concept: {free[1]}\n", f"  - concept: {free[1]}\n"
                        "    note: Dit staat alleen in het Nederlands in de noot.\n", 1)
    case.write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["--corpus", str(corpus_copy), "check"])
    assert result.exit_code == 1, result.output
    lines = [ln for ln in result.output.splitlines() if "maastricht-2025.yaml" in ln]
    assert any("note mixes Dutch and English in one string — split it into {nl:" in ln
               for ln in lines), result.output
    assert any("note is in one language only (Dutch) — write it in both languages" in ln
               for ln in lines), result.output
    assert all(ln.strip().startswith("cases/maastricht-2025.yaml:") for ln in lines)
    assert "Traceback" not in result.output
