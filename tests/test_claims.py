"""Claims and their qualifiers: only claims a source states of the case in its own words count.

The decisive test plants one qualifier in a copy of the real corpus: a finding that alone
supplies a part of a composite pattern the reasoner found is marked ``stance: hedges``. After a
real build the case must leave the pattern (it becomes a possible match), leave the ``cases
--with`` answer for that concept (and come back with ``--include-interpreted``, marked possible),
and leave similarity and co-occurrence. A denied claim must be queryable as examined-absent.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from test_bad_input import pav

from pav_graph import rdf
from pav_graph.claims import DEFAULTS, assign_keys, standing_of
from pav_graph.model import Event, Evidence, Finding, Relation

ONTO = rdf.ONTO
ID = rdf.ID


def _ev(line: int = 1, source: str = "essay-2025") -> Evidence:
    return Evidence(source, line, line, "q")


# --------------------------------------------------------------------------- the rule


@pytest.mark.parametrize("stance,basis,standing", [
    ("states", "manifest", "counts"), ("states", "latent", "possible"),
    ("hedges", "manifest", "possible"), ("hedges", "latent", "possible"),
    ("denies", "manifest", "denied"), ("denies", "latent", "denied"),
])
def test_standing_follows_stance_and_basis(stance, basis, standing) -> None:
    assert standing_of(stance, basis) == standing
    finding = Finding("x", [_ev()], stance=stance, basis=basis)
    assert finding.standing == standing
    assert finding.counts is (standing == "counts")


def test_defaults_are_the_documented_ones() -> None:
    f = Finding("x", [_ev()])
    assert (f.stance, f.basis, f.voice) == (DEFAULTS["stance"], DEFAULTS["basis"], DEFAULTS["voice"])
    assert f.counts and f.marks() == []
    assert Finding("x", [_ev()], voice="respondents").marks("nl") == ["volgens respondenten"]


def test_claim_ids_come_from_content_not_position() -> None:
    a = Relation("rel-wantrouwen", "college", "secretaris", [_ev(5)])
    b = Relation("rel-conflict", "college", "secretaris", [_ev(9)])
    assert assign_keys("relation", [a, b]) == list(reversed(assign_keys("relation", [b, a])))
    assert assign_keys("relation", [a])[0] == "relation-rel-wantrouwen-college-secretaris"
    # the same content twice: each gets its first quote's place, whatever the order
    c = Relation("rel-wantrouwen", "college", "secretaris", [_ev(20)])
    keys = assign_keys("relation", [a, c])
    assert keys == ["relation-rel-wantrouwen-college-secretaris-essay-2025-5",
                    "relation-rel-wantrouwen-college-secretaris-essay-2025-20"]
    assert assign_keys("relation", [c, a]) == list(reversed(keys))
    e = Event({"nl": "x", "en": "x"}, [_ev(3)], date="2024-05", type="vertrek-gemeentesecretaris")
    assert assign_keys("event", [e]) == ["event-2024-05-vertrek-gemeentesecretaris"]
    undated = Event({"nl": "x", "en": "x"}, [_ev(7)])
    assert assign_keys("event", [undated]) == ["event-essay-2025-7"]


def test_rdf_of_a_hedged_and_a_denied_finding(corpus) -> None:
    """Triples: only the counting claim writes pg:linkedTo; the others their own shortcuts, and
    the denied claim's quote disputes it."""
    import copy

    case = copy.deepcopy(next(c for c in corpus.cases.values() if len(c.findings) >= 3))
    counted, hedged, denied = case.findings[:3]
    hedged.stance = "hedges"
    denied.stance, denied.voice = "denies", "respondents"
    triples = set(rdf.case_triples(case))
    c = rdf.case_iri(case.id)

    def has(s, p, o) -> bool:
        return ox.Triple(s, rdf.P(p) if ":" not in p else ox.NamedNode(p), o) in triples

    if counted.concept not in (hedged.concept, denied.concept):
        assert has(c, "linkedTo", rdf.concept_iri(counted.concept))
    others = {x.concept for x in case.findings[3:]} | {a.role for a in case.actors} | \
        {r.type for r in case.relations} | {i.concept for i in case.interventions} | \
        {e.type for e in case.events if e.type}
    if hedged.concept not in others | {counted.concept}:
        assert not has(c, "linkedTo", rdf.concept_iri(hedged.concept))
        assert not has(c, "exhibits", rdf.concept_iri(hedged.concept))
        assert has(c, "possiblyLinkedTo", rdf.concept_iri(hedged.concept))
    if denied.concept not in others | {counted.concept}:
        assert has(c, "examinedAbsent", rdf.concept_iri(denied.concept))
    node = ox.NamedNode(f"{ID}case/{case.id}/{denied.key}")
    assert has(node, "stance", ox.NamedNode(f"{ID}stance/denies"))
    assert has(node, "voice", ox.NamedNode(f"{ID}voice/respondents"))
    quotes = [t.object for t in triples if t.subject == node and t.predicate == rdf.P("hasEvidence")]
    assert quotes
    for q in quotes:
        assert has(q, rdf.CITO + "disputes", node)
        assert not has(q, rdf.CITO + "supports", node)


# --------------------------------------------------------------------------- through a real build


def _planted_case(corpus):
    """A (case, pattern, concept, finding) where the reasoner's match rests, for one required
    concept, on exactly one item of the case, and that item is a finding."""
    from pav_graph.patterns import explain

    for pattern in sorted(corpus.composites.values(), key=lambda p: p.id):
        for case in sorted(corpus.cases.values(), key=lambda c: c.id):
            result = explain(case, pattern)
            if not result.matches:
                continue
            for concept, items in result.parts.items():
                if len(items) == 1 and items[0].kind == "finding":
                    finding = next(f for f in case.findings if f.concept == concept)
                    return case, pattern, concept, finding
    pytest.skip("no composite match rests on a single finding in the current corpus")


def _set_stance(path: Path, concept: str, stance: str) -> None:
    """Give the finding of ``concept`` the ``stance``, keeping every other byte of the file."""
    lines = path.read_text(encoding="utf-8").split("\n")
    starts = [i for i, line in enumerate(lines) if re.fullmatch(rf"\s*- concept: {re.escape(concept)}\s*", line)]
    assert len(starts) == 1, f"finding {concept} not found once in {path.name}"
    start = starts[0]
    indent = lines[start][: lines[start].index("-")] + "  "
    end = start + 1
    while end < len(lines) and (lines[end].startswith(indent) or not lines[end].strip()):
        end += 1
    for i in range(start + 1, end):
        if lines[i].startswith(indent + "stance:"):
            lines[i] = f"{indent}stance: {stance}"
            break
    else:
        lines.insert(start + 1, f"{indent}stance: {stance}")
    path.write_text("\n".join(lines), encoding="utf-8")


@pytest.fixture(scope="module")
def planted(tmp_path_factory, project_root, corpus):
    """A built copy of the corpus in which one pattern-completing finding is hedged."""
    import shutil

    case, pattern, concept, finding = _planted_case(corpus)
    root = tmp_path_factory.mktemp("claims")
    copy = root / "corpus"
    for name in ("cases", "ontology", "sources", "queries"):
        shutil.copytree(project_root / name, copy / name)
    _set_stance(copy / "cases" / f"{case.id}.yaml", concept, "hedges")
    run = pav(copy, "build", "-q", build_dir=root / "build")
    assert run.code == 0, run.out
    return {"corpus": copy, "build": root / "build", "case": case.id, "pattern": pattern.id,
            "concept": concept, "key": finding.key}


def test_a_hedged_claim_does_not_complete_a_composite_pattern(planted) -> None:
    out = pav(planted["corpus"], "explain", planted["case"], planted["pattern"], "--format", "json",
              build_dir=planted["build"])
    assert out.code == 0, out.out
    data = json.loads(out.out)
    assert data["matches"] is False
    assert data["possibly_matches"] is True
    assert data["tentative"] == [planted["concept"]]
    report = json.loads(pav(planted["corpus"], "patterns", "--format", "json",
                            build_dir=planted["build"]).out)
    entry = next(p for p in report["composite"] if p["pattern"] == planted["pattern"])
    assert planted["case"] not in [c["case"] for c in entry["cases"]]
    assert planted["case"] in [c["case"] for c in entry["possible"]]


def test_a_hedged_claim_does_not_enter_cases_with(planted, corpus) -> None:
    def ids(*extra: str) -> dict[str, dict]:
        run = pav(planted["corpus"], "cases", "--with", planted["concept"], "--format", "json", *extra,
                  build_dir=planted["build"])
        assert run.code == 0, run.out
        return {r["id"]: r for r in json.loads(run.out)}

    assert planted["case"] not in ids()
    wide = ids("--include-interpreted")
    assert wide[planted["case"]]["links"] == {planted["concept"]: "possible"}
    # every other case keeps the standing its own claims give it (the reviewed corpus has
    # interpreted claims of its own, e.g. distrust in Gelderland, essay-2025 l. 59-61)
    for cid, r in wide.items():
        if cid != planted["case"]:
            case = corpus.cases[cid]
            want = "counts" if planted["concept"] in case.linked_concepts("counts") else "possible"
            assert r["links"][planted["concept"]] == want, cid


def test_a_hedged_claim_is_out_of_similarity_and_cooccurrence(planted) -> None:
    store = ox.Store.read_only(str(next((planted["build"] / "builds").iterdir()) / "store"))
    case_iri = f"<{ID}case/{planted['case']}>"
    concept_iri = f"<{ID}concept/{planted['concept']}>"
    prefix = f"PREFIX pg: <{ONTO}> "
    assert not store.query(prefix + f"ASK {{ {case_iri} pg:linkedTo {concept_iri} }}")
    assert store.query(prefix + f"ASK {{ {case_iri} pg:possiblyLinkedTo {concept_iri} }}")
    run = pav(planted["corpus"], "query", "cooccurring-pairs", "--param", "min=1", "--format", "json",
              build_dir=planted["build"])
    assert run.code == 0, run.out
    rows = json.loads(run.out)
    assert rows
    for row in rows:
        if planted["concept"] in (row["a"], row["b"]):
            assert planted["case"] not in row["case_ids"].split(", "), row


def test_unknown_qualifier_value_is_one_line_with_did_you_mean(corpus_copy: Path) -> None:
    path = corpus_copy / "cases" / "heeze-leende.yaml"
    text = path.read_text(encoding="utf-8")
    m = re.search(r"^(\s*)- concept: \S+\s*$", text, re.MULTILINE)
    path.write_text(text[:m.end()] + f"\n{m.group(1)}  stance: hedged" + text[m.end():], encoding="utf-8")
    run = pav(corpus_copy, "validate", str(path))
    assert run.code == 1, run.out
    line = next(x for x in run.out.splitlines() if "stance" in x)
    assert "heeze-leende.yaml:" in line and "did you mean 'hedges'" in line
    assert "Traceback" not in run.out
