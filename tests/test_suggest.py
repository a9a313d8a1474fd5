"""`pav-graph case suggest`: suggested claims from a source, measured and reviewed.

- leave one source out on the real corpus: the retrieval, built without any quote of the
  essay, finds claims the corpus holds for three of its cases — and the same run with the
  concepts' texts handed to the wrong concepts finds almost none (so the hits come from the
  texts, not from anything fixed);
- a PDF and an HTML page the tests make, registered with `source add`: suggestions carry a
  quote that verifies, the page and lines, and the hedging/negation cues with the stance they
  set;
- `--review` writes only what is accepted (driven through stdin); the list, JSON, the end of
  input, skipping everything and --no-input write nothing;
- bad input: one line each.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pdfmaker
import pytest

from pav_graph.contrib import Vocabulary
from pav_graph.contrib.evidence import locate
from pav_graph.project import Project
from pav_graph.suggest import evaluate, profiles
from pav_graph.suggest.analysis import cues

pytestmark = pytest.mark.usefixtures("own_build_dir")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------- leave one out

ESSAY_CASES = ["houten", "twenterand", "maastricht-2025"]


def test_the_held_out_source_leaves_no_quote_in_the_index(corpus):
    held = profiles(corpus.concepts, corpus.cases, corpus.mechanisms, {"essay-2025"})
    full = profiles(corpus.concepts, corpus.cases, corpus.mechanisms)
    assert not [u for p in held.values() for u in p.units if u.source == "essay-2025"]
    assert sum(u.source == "essay-2025" for p in full.values() for u in p.units) > 100


def test_leave_one_source_out_finds_claims_the_corpus_holds(corpus, monkeypatch):
    real = evaluate.evaluate_source(corpus, "essay-2025", cases=ESSAY_CASES)
    hits, gold = real.recall()
    assert gold >= 20, gold
    assert hits >= 0.4 * gold, (hits, gold)  # measured: 16 of 25 at the time of writing
    assert real.precision > 0.15

    def shuffled(*args, **kw):  # every concept gets the texts of the concept after it
        profs = profiles(*args, **kw)
        ids = sorted(profs)
        units = [profs[c].units for c in ids]
        for c, u in zip(ids, units[1:] + units[:1], strict=True):
            profs[c].units = u
        return profs

    monkeypatch.setattr(evaluate, "profiles", shuffled)
    control = evaluate.evaluate_source(corpus, "essay-2025", cases=ESSAY_CASES)
    # measured: 22 real hits, 6 for the control (neighbouring ids in sorted order are often
    # related concepts -- kernelement-openheid / kernelement-veiligheid -- so the control is
    # above pure chance); the real texts must find at least three times as many
    assert control.recall()[0] <= hits / 3, (control.recall(), hits)


def test_a_hit_is_a_passage_of_the_claims_own_evidence(corpus):
    from pav_graph.suggest import ConceptIndex, mention_terms, suggest
    from pav_graph.suggest.evaluate import case_stub, gold_claims

    profs = profiles(corpus.concepts, corpus.cases, corpus.mechanisms, {"essay-2025"})
    houten = corpus.cases["houten"]
    result = suggest(corpus.sources["essay-2025"], profs, index=ConceptIndex.build(profs),
                     terms=mention_terms(case_stub(houten)))
    assert result.terms == ["Houten"] and result.named == 4
    gold = {g.concept: g for g in gold_claims(houten, "essay-2025", corpus.concepts)}
    top = {s.concept: s for s in result.items[:10]}
    found = [c for c in gold if c in top and any(
        a <= top[c].passage.last and top[c].passage.first <= b for a, b in gold[c].spans)]
    assert found, (list(top), list(gold))
    for c in found:  # the suggested quote is verbatim: the checker finds it where it says
        s = top[c]
        where = locate(corpus.sources["essay-2025"], s.passage.quote, s.passage.lines)
        assert (where.first, where.last) == (s.passage.first, s.passage.last)


# --------------------------------------------------------------------------- PDF and HTML


def new_case(run, tmp_path: Path, source: str, name: str = "Oefenstad") -> Path:
    cid = name.lower()
    out = tmp_path / f"{cid}.yaml"
    r = run("case", "new", "--no-input", "--id", cid, "--label-nl", f"{name}: vertrek",
            "--label-en", f"{name}: departure", "--organisation", f"Gemeente {name}", "--level",
            "gemeente", "--source", source, "--summary-nl", "Volgens de bron ...",
            "--summary-en", "According to the source ...", "-o", out)
    assert r.exit_code == 0, r.output
    return out


def test_suggestions_from_a_pdf_have_a_verifying_quote_page_and_lines(run, tmp_path, corpus_copy):
    pdf = pdfmaker.report(tmp_path / "rapport.pdf")
    r = run("source", "add", "--id", "oefen-rapport", "--file", pdf, "--type", "report",
            "--date", "2025-06", "--publisher", "Bureau Oefen", "--no-input")
    assert r.exit_code == 0, r.output
    case = new_case(run, tmp_path, "oefen-rapport")
    before = sha(case)
    r = run("case", "suggest", "oefen-rapport", "--case", case, "--top", "0", "--format", "json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["focus"] == ["Oefenstad"] and out["passages_naming_case"] >= 1
    by = {s["concept"]: s for s in out["suggestions"]}
    distrust = by["wantrouwen"]
    assert "wantrouwen tussen wethouders" in distrust["quote"] and distrust["page"] == 1
    assert "wantrouwen" in distrust["matched"]
    # the recommendation on page 2 stands far from the name: with the focus it ranks below a
    # passage of page 1; a report wholly about the case is read without the focus
    r = run("case", "suggest", "oefen-rapport", "--case", case, "--whole-source", "--top", "0",
            "--format", "json")
    research = next(s for s in json.loads(r.stdout)["suggestions"] if s["concept"] == "extern-onderzoek")
    assert research["page"] == 2 and research["claim"] == "interventions"
    assert "bevelen een extern onderzoek" in research["quote"]
    source = Vocabulary.load(Project(corpus_copy)).sources["oefen-rapport"]
    for s in (distrust, research):  # the locator written is the one the checker finds
        where = locate(source, s["quote"], s["lines"], s["page"])
        assert [where.first, where.last] == s["file_lines"]
    unsafe = next(s for s in out["suggestions"] if "respondenten" in s["quote"])
    assert unsafe["voice"] == "respondents"
    assert sha(case) == before  # the list writes nothing


ARTICLE = """\
<!doctype html><html lang="nl"><head><meta charset="utf-8">
<title>Onrust in Oefendorp | Dagblad Oefen</title>
<meta name="author" content="Anna Verslaggever">
</head><body><nav><a href="/">Home</a> <a href="/regio">Regio</a></nav>
<article><h1>Onrust in het gemeentehuis van Oefendorp</h1>
<p>Het wantrouwen tussen het college van Oefendorp en de ambtelijke organisatie lijkt de
afgelopen maanden verder gegroeid, schrijven de onderzoekers.</p>
<p>Er is in Oefendorp volgens het rapport geen sprake van politieke druk op ambtelijk advies.
De gemeentesecretaris vertrok in maart na een conflict met de burgemeester.</p>
</article><footer>Cookies · Privacy</footer></body></html>
"""


def test_html_suggestions_flag_hedges_and_negations_and_set_the_stance(run, tmp_path):
    page = tmp_path / "artikel.html"
    page.write_text(ARTICLE, encoding="utf-8")
    r = run("source", "add", "--id", "oefen-krant", "--file", page, "--type", "news", "--no-input")
    assert r.exit_code == 0, r.output
    case = new_case(run, tmp_path, "oefen-krant", "Oefendorp")
    r = run("case", "suggest", "oefen-krant", "--case", case, "--top", "0", "--format", "json")
    assert r.exit_code == 0, r.output
    by = {s["concept"]: s for s in json.loads(r.stdout)["suggestions"]}
    hedged = by["wantrouwen"]
    assert hedged["stance"] == "hedges" and "'lijkt'" in hedged["stance_reason"]
    assert {"word": "lijkt", "kind": "hedge"} in hedged["cues"]
    denied = by["politieke-druk-op-advies"]
    assert "geen sprake van politieke druk" in denied["quote"]
    assert denied["stance"] == "denies" and "geen sprake van" in denied["stance_reason"]
    assert denied["basis"] == "manifest"  # the passage uses the concept's own label
    r = run("case", "suggest", "oefen-krant", "--case", case)
    assert r.exit_code == 0
    assert "stance hedges (hedge 'lijkt')" in r.output and "Nothing was written" in r.output


def test_the_cue_words_follow_the_annotation_guide():
    assert [(c.word, c.kind) for c in cues("Het is niet uit te sluiten dat er geen overleg was.")] \
        == [("niet uit te sluiten", "hedge"), ("geen", "negation")]
    assert [c.kind for c in cues("Er lijkt nauwelijks sprake van wantrouwen")] == ["hedge", "negation"]
    assert cues("Het college besloot tot een extern onderzoek.") == []


# --------------------------------------------------------------------------- review


def test_review_writes_only_what_is_accepted(run, corpus_copy):
    target = corpus_copy / "cases" / "houten.yaml"
    before = target.read_text(encoding="utf-8")
    args = ("case", "suggest", "essay-2025", "--case", "houten", "--review", "--top", "3")
    for answers in ("", "s\ns\ns\n", "q\n"):  # end of input, all skipped, quit at once
        r = run(*args, input=answers)
        assert r.exit_code == 0, r.output
        assert "nothing was written" in r.output
        assert target.read_text(encoding="utf-8") == before
    r = run("case", "suggest", "essay-2025", "--case", "houten", "--review", "--no-input")
    assert r.exit_code == 2 and "--no-input" in r.output
    assert target.read_text(encoding="utf-8") == before

    r = run(*args, input="s\nt\nhedges\na\n")  # skip one, accept the second as hedged
    assert r.exit_code == 0, r.output
    assert "1 claim(s) written" in r.output
    after = target.read_text(encoding="utf-8")
    assert after.startswith(before.rstrip("\n").rsplit("\nrelations:", 1)[0])
    added = [line for line in after.splitlines() if line not in before.splitlines()]
    assert any(line.strip() == "stance: hedges" for line in added), added
    assert any(line.strip().startswith("quote: ") for line in added), added
    assert run("case", "validate", target).exit_code == 0
    r = run("case", "suggest", "essay-2025", "--case", "houten", "--format", "json", "--top", "0")
    accepted = next(line.split(": ", 1)[1] for line in added if line.strip().startswith("- concept:"))
    again = [s for s in json.loads(r.stdout)["suggestions"] if s["concept"] == accepted]
    quoted = next(line for line in added if line.strip().startswith("lines:")).split(": ")[1]
    assert all(s["lines"] != quoted for s in again)  # what the case quotes is not suggested again


# --------------------------------------------------------------------------- bad input


def test_bad_input_gets_one_line(run, corpus_copy, tmp_path):
    r = run("case", "suggest", "essay-2052")
    assert r.exit_code == 2 and "did you mean 'essay-2025'" in r.output
    assert "Traceback" not in r.output
    r = run("case", "suggest", "essay-2025", "--case", "houtn")
    assert r.exit_code == 2 and "did you mean 'houten'" in r.output
    r = run("case", "suggest", "essay-2025", "--kind", "patern")
    assert r.exit_code == 2 and "did you mean 'pattern'" in r.output
    text = corpus_copy / "sources" / "texts" / "003_6a3f9dcb68b38fc5.txt"
    text.chmod(0o644)
    text.unlink()
    r = run("case", "suggest", "participatie-2023")
    assert r.exit_code == 1 and "has no readable text" in r.output
    assert len(r.output.strip().splitlines()) == 1, r.output
    lorem = tmp_path / "lorem.txt"
    lorem.write_text("Lorem ipsum dolor sit amet, consectetur adipiscing elit.\n", encoding="utf-8")
    r = run("source", "add", "--id", "lorem", "--file", lorem, "--type", "essay", "--no-input")
    assert r.exit_code == 0, r.output
    r = run("case", "suggest", "lorem")
    assert r.exit_code == 0 and r.output.strip().startswith("no suggestions:"), r.output
    assert len(r.output.strip().splitlines()) == 1
