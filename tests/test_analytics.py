"""Network analytics: the bipartite graph, projections, similarity, centrality, communities,
exports, and the `similar` / `analyse` / `export-network` commands.

Real-corpus expectations come from the sources: the 2025 essay names the same five towns twice —
secretaries leave in "Lelystad, Den Helder, Middelburg, Heeze-Leende en Maastricht" (essay
l. 92-94) and conflicts around the secretary recur there (l. 239-241) — so those cases should be
each other's nearest neighbours. Exact numbers (Jaccard, co-occurrence) are checked against an
independent count straight from the case YAML files, not against the code's own output.
"""

from __future__ import annotations

import json
from itertools import combinations

import networkx as nx
import pytest
import yaml

from pav_graph import analytics

FIVE_TOWNS = ["lelystad", "den-helder", "middelburg", "heeze-leende", "maastricht-2025"]


@pytest.fixture(scope="module")
def graph(store):
    return analytics.bipartite_graph(store)


@pytest.fixture(scope="module")
def yaml_links(project_root) -> dict[str, set[str]]:
    """case id -> linked concept ids, read straight from cases/*.yaml (the oracle). Only claims
    that count link a case: stance 'states' and basis 'manifest', the defaults when the keys are
    absent (docs/annotation-guide.md); actors carry no qualifiers."""
    def counting(items):
        return [x for x in items or [] if x.get("stance", "states") == "states"
                and x.get("basis", "manifest") == "manifest"]

    links = {}
    for path in sorted((project_root / "cases").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        ids = {f["concept"] for f in counting(data.get("findings"))}
        ids |= {a["role"] for a in data.get("actors") or []}
        ids |= {r["type"] for r in counting(data.get("relations"))}
        ids |= {i["concept"] for i in counting(data.get("interventions"))}
        ids |= {e["type"] for e in counting(data.get("events")) if e.get("type")}
        links[data["id"]] = ids
    return links


# ----------------------------------------------------------------------------- small fixtures


def toy_graph() -> nx.Graph:
    """Two groups of cases that share nothing, and one concept (c-bridge) joining c3 to c4."""
    g = nx.Graph()
    kinds = {"risk-a": "risk-factor", "risk-b": "risk-factor", "role-x": "role",
             "risk-c": "risk-factor", "risk-d": "pattern", "c-bridge": "risk-factor"}
    links = {"c1": ["risk-a", "risk-b", "role-x"], "c2": ["risk-a", "risk-b"], "c3": ["risk-a", "c-bridge"],
             "c4": ["risk-c", "risk-d", "c-bridge"], "c5": ["risk-c", "risk-d"], "c6": ["risk-c", "risk-d"]}
    for case, concepts in links.items():
        g.add_node(analytics.case_node(case), type="case", bipartite=0, identifier=case, kind="case",
                   label=case, label_en="", level="gemeente")
        for c in concepts:
            g.add_node(analytics.concept_node(c), type="concept", bipartite=1, identifier=c,
                       kind=kinds[c], label=c, label_en="", level="")
            g.add_edge(analytics.case_node(case), analytics.concept_node(c))
    return g


def test_jaccard_and_kind_weights_on_a_toy_graph():
    g = toy_graph()
    c1, c2 = analytics.case_node("c1"), analytics.case_node("c2")
    assert analytics.jaccard(g, c1, c2) == pytest.approx(2 / 3)  # {a,b} of {a,b,role-x}
    # a role counting half: 2 / (1 + 1 + 0.5)
    assert analytics.jaccard(g, c1, c2, {"role": 0.5}) == pytest.approx(2 / 2.5)
    assert analytics.jaccard(g, c1, c2, {"role": 0}) == pytest.approx(1.0)
    top = analytics.similar(g, "c1", top=2)
    assert [r["case"] for r in top] == ["c2", "c3"]
    assert top[0]["shared"] == ["risk-a", "risk-b"]
    with pytest.raises(KeyError):
        analytics.similar(g, "nope")


def test_projections_on_a_toy_graph():
    g = toy_graph()
    cases = analytics.case_projection(g)
    assert cases["case/c1"]["case/c2"]["weight"] == 2
    assert not cases.has_edge("case/c1", "case/c5")
    risks = analytics.risk_network(g)
    assert "concept/role-x" not in risks  # roles are not risk factors
    assert risks["concept/risk-c"]["concept/risk-d"]["weight"] == 3  # c4, c5, c6
    assert analytics.top_pairs(risks, 1) == [{"a": "risk-c", "b": "risk-d", "weight": 3}]


def test_centrality_finds_the_bridge():
    rows = analytics.centrality(toy_graph())
    # every path between the two groups runs through c-bridge; risk-a carries only the c1/c2 side
    assert rows[0]["concept"] == "c-bridge"
    bridge = next(r for r in rows if r["concept"] == "c-bridge")
    role = next(r for r in rows if r["concept"] == "role-x")
    assert bridge["betweenness"] > role["betweenness"] == 0
    assert bridge["cases"] == 2 and bridge["degree"] == pytest.approx(2 / 6, abs=1e-4)


@pytest.mark.parametrize("method", ["louvain", "greedy"])
def test_communities_separate_the_two_groups(method):
    g = toy_graph()
    g.remove_node("concept/c-bridge")
    groups = analytics.communities(analytics.case_projection(g), method)
    assert sorted(map(sorted, groups)) == [["c1", "c2", "c3"], ["c4", "c5", "c6"]]


def test_unknown_community_method():
    with pytest.raises(ValueError):
        analytics.communities(analytics.case_projection(toy_graph()), "magic")


# ----------------------------------------------------------------------------- real corpus


def test_bipartite_graph_matches_the_case_files(graph, yaml_links):
    cases = {analytics.node_id(n) for n in analytics.case_nodes(graph)}
    assert cases == set(yaml_links)
    for case, concepts in yaml_links.items():
        assert {analytics.node_id(n) for n in graph[analytics.case_node(case)]} == concepts, case
    for n in analytics.concept_nodes(graph):
        assert graph.degree(n) >= 1  # unused concepts are left out by default


def test_store_graph_equals_model_graph(graph, corpus):
    model = analytics.from_corpus(corpus)
    assert set(model.nodes) == set(graph.nodes)
    assert {frozenset(e) for e in model.edges} == {frozenset(e) for e in graph.edges}


def test_jaccard_equals_an_independent_count(graph, yaml_links):
    for a, b in combinations(FIVE_TOWNS, 2):
        A, B = yaml_links[a], yaml_links[b]
        expected = len(A & B) / len(A | B)
        got = analytics.jaccard(graph, analytics.case_node(a), analytics.case_node(b))
        assert got == pytest.approx(expected), (a, b)


def test_co_occurrence_weight_equals_an_independent_count(graph, yaml_links):
    network = analytics.risk_network(graph)
    pair = ("concept/herhaling", "concept/personen-vervangen-niet-systeem")
    both = [c for c, ids in yaml_links.items()
            if {"herhaling", "personen-vervangen-niet-systeem"} <= ids]
    assert set(FIVE_TOWNS) <= set(both)  # essay l. 92-94 and 239-241
    assert network[pair[0]][pair[1]]["weight"] == len(both)


def test_the_five_towns_are_each_others_neighbours(graph):
    """Lelystad's nearest cases are the other towns the essay names with it (l. 92-94, 239-241)."""
    top = [r["case"] for r in analytics.similar(graph, "lelystad", top=5)]
    assert set(FIVE_TOWNS) - {"lelystad"} <= set(top)


def test_communities_are_a_repeatable_partition(graph):
    projection = analytics.case_projection(graph)
    first = analytics.communities(projection, "louvain", seed=7)
    assert first == analytics.communities(projection, "louvain", seed=7)
    members = [c for group in first for c in group]
    assert sorted(members) == sorted(analytics.node_id(n) for n in analytics.case_nodes(graph))


def test_report_shape(graph):
    data = analytics.report(graph, top=5)
    assert data["graph"]["cases"] == len(analytics.case_nodes(graph))
    assert len(data["co_occurring_pairs"]) == 5
    weights = [p["weight"] for p in data["co_occurring_pairs"]]
    assert weights == sorted(weights, reverse=True)
    assert all(r["kind"] == "role" for r in data["central_roles"])
    assert all(r["kind"] != "role" for r in data["central_concepts"])
    json.dumps(data)  # JSON-ready


# ----------------------------------------------------------------------------- exports and CLI


@pytest.mark.parametrize("fmt, reader", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_export_loads_back_in_networkx(runner, cli, project_root, built, tmp_path, graph, fmt, reader):
    out = tmp_path / f"network.{fmt}"
    result = runner.invoke(cli, ["--corpus", str(project_root), "export-network", "--format", fmt, str(out)])
    assert result.exit_code == 0, result.output
    back = reader(out)
    assert back.number_of_nodes() == graph.number_of_nodes()
    assert back.number_of_edges() == graph.number_of_edges()
    node = back.nodes["case/maastricht-2025"]
    assert node["kind"] == "case" and node["level"] == "gemeente"
    assert node["label"].startswith("Maastricht")
    assert back.nodes["concept/frame-lock"]["kind"] == "pattern"
    # nothing is overwritten without being asked
    again = runner.invoke(cli, ["--corpus", str(project_root), "export-network", "--format", fmt, str(out)])
    assert again.exit_code == 2 and "--force" in again.output


def test_export_needs_a_known_format(runner, cli, project_root, tmp_path):
    result = runner.invoke(cli, ["--corpus", str(project_root), "export-network", str(tmp_path / "x.txt")])
    assert result.exit_code == 2 and "--format graphml" in result.output


def test_similar_cli(runner, cli, project_root, built):
    result = runner.invoke(cli, ["--corpus", str(project_root), "similar", "lelystad", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert len(rows) == 5 and all(0 < r["score"] <= 1 for r in rows)
    weighted = runner.invoke(cli, ["--corpus", str(project_root), "similar", "lelystad",
                                   "--weight", "role=0", "--format", "json"])
    assert weighted.exit_code == 0, weighted.output
    unknown = runner.invoke(cli, ["--corpus", str(project_root), "similar", "lelystd"])
    assert unknown.exit_code == 2 and "did you mean 'lelystad'?" in unknown.output
    bad = runner.invoke(cli, ["--corpus", str(project_root), "similar", "lelystad", "--weight", "rol=2"])
    assert bad.exit_code == 2 and "did you mean 'role'?" in bad.output


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_analyse_cli(runner, cli, project_root, built, fmt):
    result = runner.invoke(cli, ["--corpus", str(project_root), "analyse", "--format", fmt])
    assert result.exit_code == 0, result.output
    if fmt == "json":
        assert json.loads(result.output)["communities"]["seed"] == 42
    else:
        assert "herhaling" in result.output and "personen-vervangen-niet-systeem" in result.output
        assert "Communities" in result.output
    if fmt == "markdown":
        assert "| a | b | cases |" in result.output
