"""`pav-graph patterns` and `pav-graph explain` on the real corpus.

Expected answers come from the sources (essay-2025 = sources/texts/004_533bc91a8930cfed.txt):

* Maastricht (essay l. 50-56): experiences "selectief gelezen ter bevestiging van bestaande
  beelden", "de een ‘wist al’ dat de ander onbetrouwbaar was" (distrust, l. 51-53) and "Dit heeft
  geleid tot ‘frame-lock’" (l. 53) are said of Maastricht; "Verharding van toon en escalatie zijn
  in die zin geen plotselinge uitbarstingen" (l. 54-56) is a general sentence that the essay does
  not say of Maastricht (the review of issue 15 coded it as an interpretation). So Maastricht is
  only a *possible* escalation spiral, resting on verharding-van-taal. It is the only place in any
  source that names frame-lock. Maastricht does match the carousel (poppetjescarrousel): the
  secretary's departure (l. 12-13), distrust (l. 52-53), "onveilig" stopping the conversation
  (l. 73-75) and political and professional responsibility entangled (l. 62-63).
* Houten (essay l. 45-48): advice rewritten "tot ze politiek bruikbaar (lees: welgevallig) zijn,
  terwijl tegelijk de toon in de top verhardt en de ruimte om daar iets van te zeggen kleiner
  wordt" — advice under pressure, but only possibly: "ruimte om daar iets van te zeggen" is read as
  a lack of psychological safety by us, not by the essay (which names the two apart, l. 261-262).
  Twenterand is possible too, resting on the NSOB's harsh words (l. 42-44) read as hardening.
* The ministries (essay l. 70-72): FNV surveys on "pesten, intimidatie en weinig vertrouwen in
  klachtenafhandeling"; "zwijgen een rationele keuze" (the composite zwijgspiraal).
* Repetition (essay l. 239-241): conflicts around the gemeentesecretaris recur "in Lelystad, Den
  Helder, Middelburg, Heeze-Leende en Maastricht"; the same five towns lose their secretary in
  l. 92-94 ("verschuivende poppetjes in plaats van systeemwerk").
"""

from __future__ import annotations

import json

import pytest

FIVE_TOWNS = {"lelystad", "den-helder", "middelburg", "heeze-leende", "maastricht-2025"}


@pytest.fixture(scope="module")
def patterns_json(built, project_root):
    from click.testing import CliRunner

    from pav_graph.cli.main import cli

    result = CliRunner().invoke(cli, ["--corpus", str(project_root), "patterns", "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _composite(data, pattern_id):
    return next(p for p in data["composite"] if p["pattern"] == pattern_id)


def _in_source(corpus, source_id, quote) -> bool:
    return bool(corpus.sources[source_id].text.find(quote))


def test_escalation_spiral_is_only_possible_for_maastricht_with_quotes_behind_each_part(
        patterns_json, corpus, runner, cli, project_root):
    spiral = _composite(patterns_json, "escalatiespiraal")
    assert spiral["cases"] == []  # essay l. 54-56 is general: no case counts
    possible = {c["case"]: c for c in spiral["possible"]}
    assert possible["maastricht-2025"]["tentative"] == ["verharding-van-taal"]
    result = runner.invoke(cli, ["--corpus", str(project_root), "explain", "maastricht-2025",
                                 "escalatiespiraal", "--format", "json"])
    data = json.loads(result.output)
    assert data["matches"] is False and data["possibly_matches"] is True
    parts = {p["concept"]: p["items"] for p in data["parts"]}
    assert set(parts) == set(corpus.composites["escalatiespiraal"].all_of)
    for concept, items in parts.items():
        assert items, f"no item supplies {concept}"
        for item in items:
            for ev in item["evidence"]:
                assert _in_source(corpus, ev["source"], ev["quote"]), ev
    quotes = [ev["quote"] for i in parts["frame-lock"] for ev in i["evidence"]]
    assert "Dit heeft geleid tot ‘frame-lock’" in quotes  # essay l. 53
    hardening = [i for i in parts["verharding-van-taal"]]
    assert [i["standing"] for i in hardening] == ["possible"] and "interpretatie" in hardening[0]["marks"]
    assert any(ev["quote"].startswith("Verharding van toon en escalatie") and ev["source"] == "essay-2025"
               for i in hardening for ev in i["evidence"])  # essay l. 54-56


def test_houten_and_twenterand_possible_ministries_and_maastricht_match(patterns_json):
    advice = _composite(patterns_json, "advies-onder-druk")
    assert advice["cases"] == []
    # essay l. 47-48 (Houten): "de ruimte om daar iets van te zeggen" read as psychological safety;
    # essay l. 42-44 (Twenterand): the NSOB's words read as hardening of language
    assert {c["case"]: c["tentative"] for c in advice["possible"]} == {
        "houten": ["tekort-psychologische-veiligheid"], "twenterand": ["verharding-van-taal"]}
    silence = {c["case"] for c in _composite(patterns_json, "zwijgspiraal")["cases"]}
    assert "ministeries-fnv-rapporten" in silence  # essay l. 70-72
    carousel = {c["case"] for c in _composite(patterns_json, "poppetjescarrousel")["cases"]}
    assert "maastricht-2025" in carousel  # essay l. 12-13, 52-53, 62-63, 73-75


def test_composite_section_equals_the_reasoners_classification(patterns_json, built, corpus):
    shown = {p["pattern"]: sorted(c["case"] for c in p["cases"]) for p in patterns_json["composite"]}
    assert shown == {p: sorted(cases) for p, cases in built.manifest["pattern_matches"].items()}
    assert set(shown) == set(corpus.composites)  # patterns without matches are listed too


def test_recurring_concepts_include_repetition_in_the_five_towns(patterns_json, corpus):
    recurring = {c["concept"]: c for c in patterns_json["recurring"]}
    for concept in ("herhaling", "personen-vervangen-niet-systeem"):
        cases = {e["case"] for e in recurring[concept]["cases"]}
        assert FIVE_TOWNS <= cases, concept
    for c in patterns_json["recurring"]:
        assert c["kind"] in ("pattern", "risk-factor")
        assert c["n_cases"] == len(c["cases"]) >= 2
        for entry in c["cases"]:  # one verbatim quote per case
            assert entry["quote"] and _in_source(corpus, entry["source"], entry["quote"]), entry


def test_recurring_concepts_are_exactly_those_in_enough_cases(patterns_json, corpus):
    counts: dict[str, set[str]] = {}
    for case in corpus.cases.values():
        for cid in case.linked_concepts():
            counts.setdefault(cid, set()).add(case.id)
    expected = {cid for cid, cases in counts.items()
                if len(cases) >= 2 and corpus.concepts[cid].kind in ("pattern", "risk-factor")}
    assert {c["concept"] for c in patterns_json["recurring"]} == expected


def test_min_cases_filters(runner, cli, project_root, built):
    result = runner.invoke(cli, ["--corpus", str(project_root), "patterns", "--format", "json",
                                 "--min-cases", "3"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["recurring"] and all(c["n_cases"] >= 3 for c in data["recurring"])
    bad = runner.invoke(cli, ["--corpus", str(project_root), "patterns", "--min-cases", "0"])
    assert bad.exit_code == 2


def test_table_output_names_patterns_cases_and_sources(runner, cli, project_root, built):
    result = runner.invoke(cli, ["--corpus", str(project_root), "patterns"])
    assert result.exit_code == 0, result.output
    assert "escalatiespiraal" in result.output and "mogelijk / possible: maastricht-2025" in result.output
    assert "poppetjescarrousel" in result.output and "Kort daarna wordt de samenwerking beëindigd" in result.output
    assert "essay-2025" in result.output
    assert "Traceback" not in result.output


def test_explain_says_why_maastricht_is_only_possibly_an_escalation_spiral(runner, cli, project_root):
    result = runner.invoke(cli, ["--corpus", str(project_root), "explain", "maastricht-2025",
                                 "escalatiespiraal"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "maastricht-2025 possibly matches" in out
    for concept in ("frame-lock", "wantrouwen"):
        assert f"✓ {concept}" in out
    assert "? verharding-van-taal" in out  # essay l. 54-56: a general sentence
    assert "“Dit heeft geleid tot ‘frame-lock’” (essay-2025, regel 53)" in out


def test_explain_names_the_missing_part(runner, cli, project_root):
    # only Maastricht is described with frame-lock (essay l. 53; no other source uses the word)
    result = runner.invoke(cli, ["--corpus", str(project_root), "explain", "houten", "escalatiespiraal",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["matches"] is False
    assert "frame-lock" in data["missing"]
    text = runner.invoke(cli, ["--corpus", str(project_root), "explain", "houten", "escalatiespiraal"])
    assert "houten does not match escalatiespiraal" in text.output
    assert "✗ frame-lock" in text.output


@pytest.mark.parametrize("args, hint", [
    (["maastricht", "escalatiespiraal"], "did you mean 'maastricht-2025'?"),
    (["maastricht-2025", "escalatiespiraaal"], "did you mean 'escalatiespiraal'?"),
    (["maastricht-2025", "wantrouwen"], "is a concept but not a composite pattern"),
])
def test_explain_unknown_ids(runner, cli, project_root, args, hint):
    result = runner.invoke(cli, ["--corpus", str(project_root), "explain", *args])
    assert result.exit_code == 2
    assert hint in result.output
    assert "Traceback" not in result.output


def test_explain_agrees_with_the_reasoner_for_every_case_and_pattern(corpus, built):
    """HermiT classifies; pav_graph.patterns explains. They must never disagree."""
    from pav_graph.patterns import explain

    for pattern_id, pattern in corpus.composites.items():
        inferred = set(built.manifest["pattern_matches"][pattern_id])
        for case in corpus.cases.values():
            assert explain(case, pattern).matches == (case.id in inferred), (case.id, pattern_id)
