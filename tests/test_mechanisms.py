"""Mechanism links (issue 18): the model, the checks on ontology/mechanisms.yaml, the graph
analysis (loops and chains), the RDF and the CLI.

Expected answers come from the source texts, cited by source id and line: essay-2025 =
sources/texts/004_533bc91a8930cfed.txt, betrekkingen-2004 = 002_549f8ca2a218f7f9.txt,
erasmus-tilburg-2018 = 001_895f548d8e74ee5e.txt, nyenrode-2023 = 000_bf2cec64630ac367.txt,
participatie-2023 = 003_6a3f9dcb68b38fc5.txt.
"""

from __future__ import annotations

import csv
import json
import random
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from pav_graph.mechanisms.cases import CaseConcepts, from_case, in_case, rank, step_in
from pav_graph.mechanisms.graph import find_chains, find_loops, merge_edges
from pav_graph.mechanisms.model import MechanismLink, assign_link_keys
from pav_graph.model import Evidence
from pav_graph.sparql import select_local

ROOT = Path(__file__).resolve().parent.parent


def links_of(corpus, a: str, b: str) -> list[MechanismLink]:
    return [link for link in corpus.mechanisms if (link.source_concept, link.target_concept) == (a, b)]


def one(corpus, a: str, b: str, source: str, first_line: int) -> MechanismLink:
    found = [link for link in links_of(corpus, a, b)
             if any(e.source == source and e.first_line == first_line for e in link.evidence)]
    assert len(found) == 1, (a, b, source, first_line, found)
    return found[0]


# --------------------------------------------------------------------------- the encoded links


def test_the_examples_of_the_issue_are_encoded_as_the_sources_say(corpus):
    # nyenrode-2023 443-447: "kan een overmatige bemoeienis van politieke leiders in operationele
    # aangelegenheden leiden tot een verminderd vertrouwen in ambtenaren" (Pierre & Peters)
    link = one(corpus, "bestuurlijke-detailbemoeienis", "wantrouwen", "nyenrode-2023", 443)
    assert (link.sign, link.modality, link.stance, link.basis, link.voice) == (
        "increases", "can-lead-to", "states", "manifest", "cited-report")
    # nyenrode-2023 433-437: interference "kan zorgen voor onduidelijkheid over wie verantwoordelijk is"
    link = one(corpus, "bestuurlijke-detailbemoeienis", "rolonduidelijkheid", "nyenrode-2023", 433)
    assert (link.sign, link.modality) == ("increases", "can-lead-to")
    # essay-2025 244-245: "onheldere governance leidt tot bestuurlijke ingrepen en cultuurtrajecten"
    for effect in ("bestuurlijke-ingreep", "cultuurtraject"):
        link = one(corpus, "onheldere-governance", effect, "essay-2025", 243)
        assert (link.sign, link.modality, link.counts) == ("increases", "leads-to", True)
    # essay-2025 143-145: without trust "Dat kan leiden tot institutionalisering van wantrouwen"
    link = one(corpus, "wantrouwen", "institutionalisering-van-wantrouwen", "essay-2025", 143)
    assert (link.modality, link.counts) == ("can-lead-to", True)


def test_a_denial_a_hedge_and_an_interpretation_keep_their_qualifiers(corpus):
    # betrekkingen-2004 549-551: focus-group respondents "niet het idee hebben dat het ondernemen
    # van commerciële activiteiten of het werken in projecten extra risico's met zich meebrengt"
    for cause in ("ambtelijk-ondernemerschap", "werken-in-projectorganisaties"):
        link = one(corpus, cause, "integriteitsrisico-topambtenaar", "betrekkingen-2004", 549)
        assert (link.stance, link.voice, link.cases, link.denied) == ("denies", "respondents", ["amsterdam-2004"], True)
    # betrekkingen-2004 606-608: "... waardoor de druk op de wethouder om te presteren waarschijnlijk ook groter wordt"
    link = one(corpus, "dualisering", "korte-termijndenken", "betrekkingen-2004", 606)
    assert (link.stance, link.possible, link.counts) == ("hedges", True, False)
    # essay-2025 145-147: rules "ervaren als extra bewijs dat men elkaar niet vertrouwt" - our reading
    link = one(corpus, "institutionalisering-van-wantrouwen", "wantrouwen", "essay-2025", 145)
    assert (link.basis, link.counts) == ("latent", False) and link.note["en"]


def test_every_link_has_a_row_in_the_review_log_and_every_row_a_link(corpus):
    rows = list(csv.DictReader((ROOT / "review" / "mechanisms-review.csv").open(encoding="utf-8")))
    encoded = {r["link"] for r in rows if r["decision"] == "encoded"}
    assert encoded == {link.key for link in corpus.mechanisms}
    left_out = [r for r in rows if r["decision"] == "left-out"]
    assert left_out and all(r["reason"] and not r["link"] for r in left_out)
    assert {r["source"] for r in left_out} == set(corpus.sources)  # every source was read
    for r in rows:
        if r["decision"] == "encoded":
            link = next(link for link in corpus.mechanisms if link.key == r["link"])
            assert (r["from"], r["to"], r["sign"], r["stance"], r["basis"], r["voice"]) == (
                link.source_concept, link.target_concept, link.sign, link.stance, link.basis, link.voice)


def test_keys_are_derived_from_content_not_position(corpus):
    keys = [link.key for link in corpus.mechanisms]
    assert len(set(keys)) == len(keys)
    assert one(corpus, "kernelement-veiligheid", "kernelement-openheid", "betrekkingen-2004", 375).key == \
        "mechanism-kernelement-veiligheid-kernelement-openheid"
    # three passages of nyenrode-2023 link rolonduidelijkheid to efficientie: each gets its place
    assert {link.key for link in links_of(corpus, "rolonduidelijkheid", "efficientie")} == {
        "mechanism-rolonduidelijkheid-efficientie-nyenrode-2023-486",
        "mechanism-rolonduidelijkheid-efficientie-nyenrode-2023-3873",
        "mechanism-rolonduidelijkheid-efficientie-nyenrode-2023-4370"}
    copies = [MechanismLink(link.source_concept, link.target_concept, link.sign, link.modality,
                            link.evidence) for link in corpus.mechanisms]
    shuffled = copies[:]
    random.Random(3).shuffle(shuffled)
    assign_link_keys(shuffled)
    assert sorted(c.key for c in shuffled) == sorted(keys)


def test_the_schema_file_is_current():
    from pav_graph.mechanisms.schema import MECHANISM_SCHEMA, SCHEMA_FILE

    on_disk = json.loads((ROOT / "ontology" / SCHEMA_FILE).read_text(encoding="utf-8"))
    assert on_disk == MECHANISM_SCHEMA, "regenerate with pav_graph.mechanisms.schema.write_schema_file"


# --------------------------------------------------------------------------- bad input


def _mechanisms_file(corpus_copy: Path) -> Path:
    return corpus_copy / "ontology" / "mechanisms.yaml"


def _first_item(text: str, key: str) -> int:
    return text.index(f"  - from: {key}\n")


BAD = [
    # (what to change in the first essay link "wantrouwen -> frame-lock", expected message, fix)
    (("    to: frame-lock\n", "    to: frame-lok\n"), "unknown concept 'frame-lok'", "did you mean 'frame-lock'"),
    (("    sign: increases\n", "    sign: increase\n"), "'increase' is not allowed", "did you mean 'increases'"),
    (("    modality: leads-to\n", "    modality: leidt-tot\n"), "'leidt-tot' is not allowed", "leads-to"),
    (("    to: frame-lock\n", "    to: wantrouwen\n"), "a link from 'wantrouwen' to itself (a self-loop)", "two different concepts"),
    (("        quote: \"Nieuwe ervaringen", "        quote: \"Nieuwste ervaringen"), "quote not found in source 'essay-2025'", "verbatim"),
    (("    cases: [maastricht-2025]\n", "    cases: [maastricht-2025]\n    level: rijk\n"),
     "level 'rijk' but the cases named are at gemeente", "remove `level:`"),
]


@pytest.mark.parametrize("change,message,fix", BAD, ids=[b[1][:30] for b in BAD])
def test_bad_input_gets_one_located_line_with_the_fix(corpus_copy, runner, cli, change, message, fix):
    path = _mechanisms_file(corpus_copy)
    text = path.read_text(encoding="utf-8")
    start = _first_item(text, "wantrouwen")
    old, new = change
    at = text.index(old, start)
    path.write_text(text[:at] + new + text[at + len(old):], encoding="utf-8")
    result = runner.invoke(cli, ["--corpus", str(corpus_copy), "validate"])
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if message in line]
    assert len(lines) == 1, result.output
    assert re.match(r"ontology/mechanisms\.yaml:\d+:\d+: ", lines[0]), lines[0]
    assert fix in lines[0] and "Traceback" not in result.output


def test_a_missing_quote_is_a_located_error(corpus_copy, runner, cli):
    path = _mechanisms_file(corpus_copy)
    text = path.read_text(encoding="utf-8")
    start = _first_item(text, "wantrouwen")
    at = text.index("        quote: ", start)
    end = text.index("\n", at) + 1
    path.write_text(text[:at] + text[end:], encoding="utf-8")
    result = runner.invoke(cli, ["--corpus", str(corpus_copy), "validate"])
    assert result.exit_code == 1
    line = next(x for x in result.output.splitlines() if "missing required field 'quote'" in x)
    assert re.match(r"ontology/mechanisms\.yaml:\d+:\d+: mechanisms\.0\.evidence\.0: ", line), line


def test_an_unknown_case_is_a_warning_with_did_you_mean(corpus_copy, runner, cli):
    path = _mechanisms_file(corpus_copy)
    text = path.read_text(encoding="utf-8").replace("cases: [maastricht-2025]", "cases: [maastrict-2025]", 1)
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["--corpus", str(corpus_copy), "validate"])
    assert result.exit_code == 0, result.output
    assert "unknown case 'maastrict-2025'" in result.output and "did you mean 'maastricht-2025'" in result.output


def test_a_cycle_of_links_is_allowed(corpus):
    # essay-2025 143-147: wantrouwen -> institutionalisering -> wantrouwen; the corpus validates
    assert links_of(corpus, "wantrouwen", "institutionalisering-van-wantrouwen")
    assert links_of(corpus, "institutionalisering-van-wantrouwen", "wantrouwen")


# --------------------------------------------------------------------------- loops and chains


def _link(a, b, sign="increases", basis="manifest", stance="states", cases=()):
    return MechanismLink(a, b, sign, "leads-to", [Evidence("s", 1, 1, "q")], basis=basis, stance=stance,
                         cases=list(cases))


def test_loop_type_is_the_sign_product():
    links = [_link("a", "b"), _link("b", "a", "decreases"),           # one minus: balancing
             _link("c", "d", "decreases"), _link("d", "c", "decreases"),  # two minus: reinforcing
             _link("e", "f"), _link("f", "e"), _link("f", "e", "decreases")]  # both signs: '?'
    loops = {tuple(lp.nodes): lp.type for lp in find_loops(merge_edges(links))}
    assert loops == {("a", "b"): "B", ("c", "d"): "R", ("e", "f"): "?"}


def test_only_counting_links_make_found_loops():
    links = [_link("a", "b"), _link("b", "a", basis="latent"), _link("c", "d"),
             _link("d", "c", stance="denies")]
    assert find_loops(merge_edges(links)) == []
    possible = find_loops(merge_edges(links, include_possible=True))
    assert [(lp.nodes, lp.standing) for lp in possible] == [(["a", "b"], "possible")]


def test_the_loops_of_the_sources(corpus):
    loops = {frozenset(lp.nodes): lp for lp in find_loops(merge_edges(corpus.mechanisms, True))}
    # essay-2025 143-147: distrust can lead to institutionalised distrust, whose rules are
    # experienced as extra proof of distrust (the return link is our reading: latent)
    assert loops[frozenset({"wantrouwen", "institutionalisering-van-wantrouwen"})].type == "R"
    # betrekkingen-2004 10-11 (Rotterdam 2002): after the crisis a dialogue started, after which
    # the air was cleared - conflict calls for dialogue, dialogue reduces conflict
    assert loops[frozenset({"rel-conflict", "politiek-ambtelijke-dialoog"})].type == "B"
    # participatie-2023 946-952, 1304-1306, 1326-1334: layered perspectives give dilemmas,
    # compartmentalising copes with them and maintains the layering
    assert loops[frozenset({"gelaagdheid-overheidsperspectieven", "participatiedilemma",
                            "verkokeren-als-copingstrategie"})].type == "R"
    # every loop rests on at least one link that is our reading, so none counts
    assert all(lp.standing == "possible" for lp in loops.values())
    assert find_loops(merge_edges(corpus.mechanisms)) == []


def test_chains_run_from_a_root_cause_to_a_final_effect(corpus):
    edges = merge_edges(corpus.mechanisms)
    chains = find_chains(edges)
    assert chains.complete and chains.paths
    targets = {b for _, b in edges}
    sources = {a for a, _ in edges}
    for path in chains.paths:
        assert path.nodes[0] not in targets and path.nodes[-1] not in sources
        assert [(e.source, e.target) for e in path.edges] == list(zip(path.nodes, path.nodes[1:]))
        assert all(e.standing == "counts" for e in path.edges)
    assert [len(p) for p in chains.paths] == sorted((len(p) for p in chains.paths), reverse=True)


def test_maastricht_shows_the_chain_from_media_pressure_to_repetition(corpus):
    # essay-2025 63-64 (media pressure -> the college dives into dossiers), nyenrode-2023 433-437
    # (interference -> unclear responsibility), essay-2025 260-263 (unclear roles -> distrust),
    # essay-2025 97-99 (undiscussed distrust -> the same conflicts return); Maastricht's own
    # findings: cases/maastricht-2025.yaml (mediadruk, bestuurlijke-detailbemoeienis,
    # rolonduidelijkheid, wantrouwen, herhaling, all from essay-2025)
    edges = merge_edges(corpus.mechanisms)
    chain = [p for p in find_chains(edges).paths if p.nodes[:3] == ["mediadruk", "bestuurlijke-detailbemoeienis",
                                                                     "rolonduidelijkheid"]
             and p.nodes[3:] == ["wantrouwen", "herhaling"]]
    assert len(chain) == 1
    maastricht = from_case(corpus.cases["maastricht-2025"])
    assert in_case(chain[0], maastricht).whole
    ranked = rank(chain, [from_case(c) for c in corpus.cases.values()])[0]
    assert "maastricht-2025" in [c.id for c in ranked.whole] and ranked.levels == ["gemeente"]


def test_a_link_a_source_rejects_for_a_case_is_not_shown_there(corpus):
    edges = merge_edges(corpus.mechanisms)
    edge = edges[("ambtelijk-ondernemerschap", "integriteitsrisico-topambtenaar")]
    amsterdam = from_case(corpus.cases["amsterdam-2004"])
    assert step_in(edge, amsterdam).status == "denied"
    other = CaseConcepts("x", {}, ["gemeente"], {"ambtelijk-ondernemerschap": "counts",
                                                  "integriteitsrisico-topambtenaar": "counts"})
    assert step_in(edge, other).status == "shown"


def test_a_possible_end_makes_a_link_only_possibly_shown():
    edges = merge_edges([_link("a", "b")])
    case = CaseConcepts("x", {}, ["rijk"], {"a": "counts", "b": "possible"})
    assert step_in(edges[("a", "b")], case).status == "possible"
    assert step_in(edges[("a", "b")], case, include_possible=False).status == "missing"


# --------------------------------------------------------------------------- RDF


def test_the_graph_holds_every_link_with_its_qualifiers_and_the_shortcuts(corpus, store):
    rows = select_local(store, "PREFIX pg: <https://w3id.org/pav-graph/ontology#> "
                               "SELECT ?l ?counts WHERE { ?l a pg:MechanismLink ; pg:counts ?counts }").records()
    assert len(rows) == len(corpus.mechanisms)
    assert sum(str(r["counts"]).lower() == "true" for r in rows) == sum(link.counts for link in corpus.mechanisms)
    def ask(q: str):
        return store.query("PREFIX pg: <https://w3id.org/pav-graph/ontology#> "
                           "PREFIX c: <https://w3id.org/pav-graph/id/concept/> " + q)

    # essay-2025 143-145 counts: increases; 145-147 is latent: only possibly
    assert ask("ASK { c:wantrouwen pg:increases c:institutionalisering-van-wantrouwen ; "
               "pg:causallyInfluences c:institutionalisering-van-wantrouwen }")
    assert ask("ASK { c:institutionalisering-van-wantrouwen pg:possiblyInfluences c:wantrouwen }")
    assert not ask("ASK { c:institutionalisering-van-wantrouwen pg:causallyInfluences c:wantrouwen }")
    # nyenrode-2023 4026-4032: a clear division of roles prevents interference: decreases
    assert ask("ASK { c:rolverdeling pg:decreases c:ambtelijke-inmenging-in-politiek }")
    # the denial (betrekkingen-2004 549-551) is claimed for the case, and its quote disputes it
    assert ask("ASK { <https://w3id.org/pav-graph/id/case/amsterdam-2004> pg:hasMechanismClaim ?l . "
               "?l pg:stance <https://w3id.org/pav-graph/id/stance/denies> . "
               "?q <http://purl.org/spar/cito/disputes> ?l }")
    loops = select_local(store, "PREFIX pg: <https://w3id.org/pav-graph/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
                                "SELECT ?l ?t WHERE { ?l a pg:FeedbackLoop ; pg:loopType/skos:notation ?t }").records()
    assert sorted(r["t"] for r in loops) == sorted(lp.type for lp in find_loops(merge_edges(corpus.mechanisms, True)))


# --------------------------------------------------------------------------- CLI


def test_mechanisms_command_lists_loops_and_chains(runner, cli, corpus):
    result = runner.invoke(cli, ["--corpus", str(ROOT), "mechanisms", "--format", "json", "--limit", "5"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["summary"]["claims"] == len(corpus.mechanisms)
    assert data["summary"]["by_source"]["essay-2025"] == sum(
        link.evidence[0].source == "essay-2025" for link in corpus.mechanisms)
    assert {frozenset(lp["concepts"]) for lp in data["loops"]} >= {
        frozenset({"wantrouwen", "institutionalisering-van-wantrouwen"})}
    assert len(data["chains_by_levels"]) == 5 and all(c["length"] >= 2 for c in data["chains_by_levels"])
    text = runner.invoke(cli, ["--corpus", str(ROOT), "mechanisms"]).output
    assert "R loop-" in text and "B loop-" in text and "[mogelijk / possible]" in text


def test_explain_without_pattern_shows_the_mechanisms_of_a_case(runner, cli):
    result = runner.invoke(cli, ["--corpus", str(ROOT), "explain", "amsterdam-2004"])
    assert result.exit_code == 0, result.output
    # betrekkingen-2004 387-389 (respondents): the unsafe organisation "leidt volgens hen tot een
    # parafencultuur en vorming van schaduwdossiers"; the case has both (cases/amsterdam-2004.yaml)
    assert "onveilige-organisatie —+→ parafencultuur-en-schaduwdossiers" in result.output
    assert "Dat leidt volgens hen tot een parafencultuur en vorming van schaduwdossiers" in result.output
    # betrekkingen-2004 549-551: the respondents reject the entrepreneurship risk for Amsterdam
    assert "ambtelijk-ondernemerschap —+→ integriteitsrisico-topambtenaar  [onderzocht, niet aangetroffen" in result.output
    data = json.loads(runner.invoke(cli, ["--corpus", str(ROOT), "explain", "amsterdam-2004", "--format", "json"]).output)
    link = next(x for x in data["links"] if (x["from"], x["to"]) == ("onveilige-organisatie", "parafencultuur-en-schaduwdossiers"))
    assert link["shown"] == "shown" and link["case_quotes"]["onveilige-organisatie"]


def test_explain_with_a_pattern_still_explains_the_pattern(runner, cli):
    result = runner.invoke(cli, ["--corpus", str(ROOT), "explain", "maastricht-2025", "poppetjescarrousel"])
    assert result.exit_code == 0 and "maastricht-2025 matches poppetjescarrousel" in result.output
    # since the review (issue 15) the escalation spiral rests on claims that do not count
    # (essay-2025 54-56 is general), so Maastricht only possibly matches it
    result = runner.invoke(cli, ["--corpus", str(ROOT), "explain", "maastricht-2025", "escalatiespiraal"])
    assert result.exit_code == 0 and "maastricht-2025 possibly matches" in result.output


def test_explain_an_unknown_case(runner, cli):
    result = runner.invoke(cli, ["--corpus", str(ROOT), "explain", "maastrict-2025"])
    assert result.exit_code == 2 and "did you mean 'maastricht-2025'" in result.output


def test_one_svg_per_loop(runner, cli, tmp_path, corpus):
    out = tmp_path / "loops"
    result = runner.invoke(cli, ["--corpus", str(ROOT), "mechanisms", "--svg", str(out)])
    assert result.exit_code == 0
    loops = find_loops(merge_edges(corpus.mechanisms, True))
    files = sorted(out.glob("*.svg"))
    assert len(files) == 2 * len(loops)
    for loop in loops:
        root = ET.parse(out / f"{loop.id}.svg").getroot()
        texts = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
        assert loop.type in texts
        assert corpus.concept_label(loop.nodes[0]).split()[0] in " ".join(texts)


def test_svg_text_is_escaped(corpus):
    from pav_graph.mechanisms.graph import Path as LoopPath
    from pav_graph.mechanisms.svg import loop_svg

    class Evil:
        def concept_label(self, cid, lang="nl"):
            return f'<script>alert(1)</script>{cid} & "x"'

    edges = merge_edges([_link("a", "b"), _link("b", "a")])
    loop = LoopPath(["a", "b"], [edges[("a", "b")], edges[("b", "a")]], True)
    svg = loop_svg(loop, Evil())
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    ET.fromstring(svg)  # well-formed


def test_shacl_refuses_a_self_loop_and_a_link_without_a_quote():
    import pyshacl
    import rdflib

    shapes = rdflib.Graph().parse(ROOT / "ontology" / "shapes.ttl")
    base = """@prefix pg: <https://w3id.org/pav-graph/ontology#> . @prefix id: <https://w3id.org/pav-graph/id/> .
    @prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    id:concept\\/a a skos:Concept . id:concept\\/b a skos:Concept . id:ev a pg:Evidence .
    id:l a pg:MechanismLink ; pg:cause id:concept\\/a ; pg:effect id:concept\\/{effect} ;
      pg:polarity id:polarity\\/increases ; pg:modality id:modality\\/leads-to ; pg:stance id:stance\\/states ;
      pg:basis id:basis\\/manifest ; pg:voice id:voice\\/author ; pg:counts true {evidence} .
    """

    def focus_on_link(effect: str, evidence: str) -> str:
        """The violations on the link itself (the minimal concepts and evidence here break other
        shapes, which are not what this test is about)."""
        data = rdflib.Graph().parse(data=base.format(effect=effect, evidence=evidence), format="turtle")
        _, results, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none")
        sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
        link = rdflib.URIRef("https://w3id.org/pav-graph/id/l")
        return " | ".join(str(results.value(r, sh.resultMessage)) for r in results.subjects(sh.focusNode, link))

    assert focus_on_link("b", "; pg:hasEvidence id:ev") == ""
    assert "two different concepts" in focus_on_link("a", "; pg:hasEvidence id:ev")
    assert "every mechanism link has a quote" in focus_on_link("b", "")


def test_the_second_coder_sample_is_blind_and_reproducible(corpus, tmp_path):
    from pav_graph.mechanisms.sample import CODED, write_sample

    sample, key = tmp_path / "sample.csv", tmp_path / "key.csv"
    write_sample(corpus, sample, key, n=45, seed=18)
    rows = list(csv.DictReader(sample.open(encoding="utf-8")))
    assert len(rows) == 45 and len({r["item"] for r in rows}) == 45
    assert all(r[f] == "" for r in rows for f in CODED)  # no decision of the first coder
    keys = {r["item"]: r["link"] for r in csv.DictReader(key.open(encoding="utf-8"))}
    links = {link.key: link for link in corpus.mechanisms}
    for r in rows:
        link = links[keys[r["item"]]]
        assert (r["from"], r["to"]) == (link.source_concept, link.target_concept)
        assert " ".join(link.evidence[0].quote.split())[:40] in r["passage"]
        assert r["from_definition"] == corpus.concepts[link.source_concept].definition["nl"]
    again = tmp_path / "again.csv"
    write_sample(corpus, again, tmp_path / "key2.csv", n=45, seed=18)
    assert again.read_text(encoding="utf-8") == sample.read_text(encoding="utf-8")
    committed = (ROOT / "review" / "mechanisms-sample-key.csv").read_text(encoding="utf-8")
    assert key.read_text(encoding="utf-8") == committed  # the key the second coder's file belongs to


def test_a_fresh_sample_leaves_out_the_links_of_earlier_samples(corpus, tmp_path):
    """Round 3 tests the sharpened rules on links they were not tuned on: its sample is drawn
    with the round-1/2 key excluded, and that draw is the committed round-3 key."""
    from pav_graph.mechanisms.sample import read_key, write_sample

    earlier = set(read_key(ROOT / "review" / "mechanisms-sample-key.csv").values())
    sample, key = tmp_path / "sample.csv", tmp_path / "key.csv"
    write_sample(corpus, sample, key, n=40, seed=2026, exclude=frozenset(earlier))
    drawn = set(read_key(key).values())
    assert len(drawn) == 40 and not drawn & earlier
    committed = ROOT / "review" / "mechanisms-round3-key.csv"
    assert key.read_text(encoding="utf-8") == committed.read_text(encoding="utf-8")
    round3 = ROOT / "review" / "second-coder" / "mechanisms-round3" / "sample.csv"
    assert sample.read_text(encoding="utf-8") == round3.read_text(encoding="utf-8")
    # round 4: every link neither sample held, so that every link has a blind coding
    rest, rest_key = tmp_path / "rest.csv", tmp_path / "rest-key.csv"
    write_sample(corpus, rest, rest_key, n=1000, seed=2027, exclude=frozenset(earlier | drawn))
    assert set(read_key(rest_key).values()) == {link.key for link in corpus.mechanisms} - earlier - drawn
    assert rest_key.read_text(encoding="utf-8") == (ROOT / "review" / "mechanisms-round4-key.csv").read_text(encoding="utf-8")
    round4 = ROOT / "review" / "second-coder" / "mechanisms-round4" / "sample.csv"
    assert rest.read_text(encoding="utf-8") == round4.read_text(encoding="utf-8")


def test_kappa_and_alpha_on_a_worked_example():
    from pav_graph.mechanisms.sample import cohen_kappa, krippendorff_alpha

    a, b = ["y", "y", "n", "n"], ["y", "n", "n", "n"]
    assert cohen_kappa(a, b) == pytest.approx(0.5)  # po .75, pe .5*.25 + .5*.75 = .5
    assert krippendorff_alpha(a, b) == pytest.approx(1 - 0.25 / (30 / 56))  # De = 1 - (3*2 + 5*4)/(8*7)
    assert cohen_kappa(["x"] * 3, ["x"] * 3) is None
