"""`pav-graph export`: every format, on the real corpus build.

RDF exports must hold exactly the build's graph (``graph.nt``), checked by parsing them back with
rdflib, a second implementation, and comparing up to blank-node renaming. The network, table and
FollowTheMoney exports are checked against the validated case files (the ``corpus`` model read
from YAML), not against the store they were made from.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import networkx as nx
import pytest
import rdflib
from rdflib.compare import isomorphic

from pav_graph import export as export_module
from pav_graph.export import GRAPH_IRI
from pav_graph.export import tables as export_csv
from pav_graph.schema import LEVELS as SCHEMA_LEVELS

PG = "https://w3id.org/pav-graph/ontology#"


@pytest.fixture(scope="module")
def model(corpus):
    """The validated case files the build was made from (a build streams its case files and
    keeps no model, so the corpus is loaded from the same checkout)."""
    return corpus


@pytest.fixture(scope="module")
def reference(built) -> rdflib.Graph:
    return rdflib.Graph().parse(built.directory / "graph.nt", format="nt")


def run_export(runner, cli, project_root: Path, built, out: Path, *args: str):
    result = runner.invoke(cli, ["--corpus", str(project_root), "export", "--build-dir",
                                 str(built.directory), *args, str(out)])
    return result


@pytest.fixture(scope="module")
def exported(built, project_root, tmp_path_factory):
    """Every format exported once through the CLI; returns {format: path}."""
    from click.testing import CliRunner

    from pav_graph.cli.main import cli

    runner = CliRunner()
    out_dir = tmp_path_factory.mktemp("export")
    paths = {}
    for fmt in export_module.FORMATS:
        out = out_dir / ("tables" if fmt == "csv" else f"graph.{fmt}")
        result = run_export(runner, cli, project_root, built, out, "--format", fmt)
        assert result.exit_code == 0, result.output
        assert result.output.startswith("wrote "), result.output
        paths[fmt] = out
    return paths


# --- RDF -------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt, parser", [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_rdf_export_is_the_built_graph(exported, reference, fmt, parser):
    graph = rdflib.Graph().parse(exported[fmt], format=parser)
    assert len(graph) == len(reference)
    assert isomorphic(graph, reference)


def test_jsonld_is_compacted_under_a_real_context(exported, reference):
    doc = json.loads(exported["jsonld"].read_text(encoding="utf-8"))
    context = doc["@context"]
    assert context["pg"] == PG and context["pgid"] == "https://w3id.org/pav-graph/id/"
    assert context["hasFinding"] == {"@id": "pg:hasFinding", "@type": "@id"}
    assert context["label"] == {"@id": "rdfs:label"}
    assert "type" not in context  # dcterms:type stays a compact IRI, not a look-alike of @type
    nodes = {node["@id"]: node for node in doc["@graph"]}
    assert len(nodes) == len(doc["@graph"])  # one node object per subject
    # cases/maastricht-2025.yaml: the case, its type, id and (linked) finding of frame-lock
    case = nodes["pgcase:maastricht-2025"]  # the prefix of its kind (rdf.ID_PREFIXES)
    assert "pg:Case" in ([case["@type"]] if isinstance(case["@type"], str) else case["@type"])
    assert case["identifier"] == "maastricht-2025"
    assert all(not key.startswith("http") for node in doc["@graph"] for key in node)
    # rdflib, a JSON-LD processor of its own, compacts the built graph with this context into a
    # document that reads back as the same graph
    again = reference.serialize(format="json-ld", context=context, auto_compact=True)
    assert isomorphic(rdflib.Graph().parse(data=again, format="json-ld"), reference)


def test_trig_holds_the_graph_in_the_named_graph(exported, reference):
    dataset = rdflib.Dataset().parse(exported["trig"], format="trig")
    named = dataset.graph(rdflib.URIRef(GRAPH_IRI))
    assert len(named) == len(reference)
    assert isomorphic(named, reference)
    assert len(dataset.default_graph) == 0  # nothing outside the named graph


def test_turtle_uses_the_project_prefixes(exported):
    head = exported["ttl"].read_text(encoding="utf-8")[:2000]
    assert f"@prefix pg: <{PG}> ." in head
    assert "@prefix pav:" not in head  # pav: is the PAV provenance vocabulary, not ours


# --- network ---------------------------------------------------------------------------------

def expected_network(corpus) -> tuple[set[str], int]:
    """Nodes and edge count of the case network, from the case files."""
    nodes, edges = set(), 0
    for case in corpus.cases.values():
        concepts = case.linked_concepts()
        orgs = {o.id for o in case.organisations}
        sources = set(case.sources)
        nodes |= {f"case/{case.id}"} | {f"concept/{c}" for c in concepts}
        nodes |= {f"org/{o}" for o in orgs} | {f"source/{s}" for s in sources}
        edges += len(concepts) + len(orgs) + len(sources)
    return nodes, edges


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_network_export_loads_in_networkx(exported, model, fmt):
    reader = nx.read_graphml if fmt == "graphml" else nx.read_gexf
    graph = reader(exported[fmt])
    nodes, edges = expected_network(model)
    assert set(graph.nodes) == nodes
    assert graph.number_of_edges() == edges
    # cases/maastricht-2025.yaml: organisation gemeente-maastricht, "level: gemeente"
    org = graph.nodes["org/gemeente-maastricht"]
    assert (org["type"], org["level"], org["label"]) == ("organisation", "gemeente",
                                                        "Gemeente Maastricht")
    assert org["identifier"] == "gemeente-maastricht"
    assert graph.nodes["case/maastricht-2025"]["kind"] == "case"
    relations = {d["relation"] for _, _, d in graph.edges(data=True)}
    assert relations == {"linkedTo", "hasOrganisation", "involvesOrganisation", "source"}
    # every edge joins a case to something else (the graph is bipartite)
    assert all(("case/" in a) != ("case/" in b) for a, b in graph.edges)


LEVELS = set(SCHEMA_LEVELS)  # gemeente, provincie, rijk, waterschap, semipubliek, ...


def test_network_carries_what_gephi_draws(exported, model):
    """Colour and size per kind, edge weights, and level as a one-value partition, read back by
    networkx: GEXF's viz namespace and GraphML's r/g/b/size (Gephi's GraphML attributes)."""
    gexf = nx.read_gexf(exported["gexf"])
    graphml = nx.read_graphml(exported["graphml"])
    colours: dict[str, set] = {}
    for node, data in gexf.nodes(data=True):
        viz = data["viz"]
        rgb = (viz["color"]["r"], viz["color"]["g"], viz["color"]["b"])
        colours.setdefault(data["kind"], set()).add(rgb)
        assert viz["size"] > 0
        other = graphml.nodes[node]
        assert (other["r"], other["g"], other["b"]) == rgb and other["size"] == viz["size"]
    assert all(len(c) == 1 for c in colours.values())  # one colour per kind
    assert len({next(iter(c)) for c in colours.values()}) == len(colours)  # kinds differ
    assert gexf.nodes["case/maastricht-2025"]["viz"]["color"] == {
        "r": 0x1f, "g": 0x4e, "b": 0x79, "a": 1.0}  # the site's colour for cases
    # level: one value per node, never a list
    for node, data in graphml.nodes(data=True):
        assert data["level"] in LEVELS | {"meerdere", "geen"}, (node, data["level"])
    for case in model.cases.values():
        levels = set(case.levels)
        data = graphml.nodes[f"case/{case.id}"]
        expected = next(iter(levels)) if len(levels) == 1 else "meerdere" if levels else "geen"
        assert data["level"] == expected and data["levels"] == "; ".join(sorted(levels))
    # weight of case-concept edges: the case's claims that carry the concept and count (a hedged,
    # interpreted or denied claim draws no edge, e.g. amsterdam-2004's denied side activities)
    for case in model.cases.values():
        carrying: dict[str, int] = {}
        for concept in ([f.concept for f in case.findings if f.counts] + [a.role for a in case.actors]
                        + [r.type for r in case.relations if r.counts]
                        + [i.concept for i in case.interventions if i.counts]
                        + [e.type for e in case.events if e.type and e.counts]):
            carrying[concept] = carrying.get(concept, 0) + 1
        for concept, n in carrying.items():
            edge = (f"case/{case.id}", f"concept/{concept}")
            assert gexf.edges[edge]["weight"] == graphml.edges[edge]["weight"] == n, edge
        for f in case.findings:
            if f.concept not in carrying:
                assert not gexf.has_edge(f"case/{case.id}", f"concept/{f.concept}"), (case.id, f.concept)
        # case-source edges: the case's quotes from that source
        for source in case.sources:
            n = sum(1 for ev in case.all_evidence() if ev.source == source)
            edge = (f"case/{case.id}", f"source/{source}")
            assert gexf.edges[edge]["weight"] == graphml.edges[edge]["weight"] == max(n, 1), edge


def read_table(directory: Path, name: str) -> tuple[list[str], list[dict[str, str]]]:
    raw = (directory / f"{name}.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{name}.csv has no UTF-8 byte-order mark"
    with open(directory / f"{name}.csv", encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def rows_per_evidence(items) -> int:
    return sum(max(1, len(item.evidence)) for item in items)


def test_csv_tables(exported, model):
    directory = exported["csv"]
    assert sorted(p.name for p in directory.iterdir()) == sorted(
        f"{n}.csv" for n in ("cases", "concepts", "findings", "relations", "events",
                             "interventions"))
    columns, cases = read_table(directory, "cases")
    assert sorted(r["id"] for r in cases) == sorted(model.cases)
    columns, findings = read_table(directory, "findings")
    assert columns[:13] == ["case", "case_label", "url", "claim", "concept", "kind", "stance", "basis",
                            "voice", "counts", "quote", "source", "source_title"]
    for row in findings:  # the claim's id is its anchor; qualifiers as the model has them
        finding = next(f for f in model.cases[row["case"]].findings if f.key == row["claim"])
        assert row["url"].endswith("#" + finding.key)
        assert (row["stance"], row["basis"], row["voice"]) == (finding.stance, finding.basis, finding.voice)
        assert row["counts"] == str(finding.counts).lower()
    all_cases = list(model.cases.values())
    assert len(findings) == rows_per_evidence(f for c in all_cases for f in c.findings)
    for name, attr in (("relations", "relations"), ("events", "events"),
                       ("interventions", "interventions")):
        _, rows = read_table(directory, name)
        assert len(rows) == rows_per_evidence(x for c in all_cases for x in getattr(c, attr)), name
    _, concepts = read_table(directory, "concepts")
    assert {r["id"] for r in concepts} >= set(model.concepts)


def test_csv_opens_in_pandas_with_labels_titles_and_pages(exported, model, runner, cli,
                                                          project_root, built, tmp_path):
    import pandas as pd

    directory = exported["csv"]
    cases = pd.read_csv(directory / "cases.csv", encoding="utf-8-sig", keep_default_na=False)
    assert list(cases.columns[:4]) == ["id", "url", "kind", "label_nl"]
    row = cases.set_index("id").loc["maastricht-2025"]
    assert row["url"] == "cases/maastricht-2025.html"
    assert row["label_nl"] == model.cases["maastricht-2025"].label["nl"]
    findings = pd.read_csv(directory / "findings.csv", encoding="utf-8-sig",
                           keep_default_na=False)
    assert len(findings) == sum(max(1, len(f.evidence)) for c in model.cases.values()
                                for f in c.findings)
    for _, f in findings.iterrows():
        assert f["case_label"] == model.cases[f["case"]].label["nl"]
        assert f["url"] == f"cases/{f['case']}.html#finding-{f['concept']}"
        if f["source"]:
            source = model.sources[f["source"]]
            assert f["source_title"] == (source.title or source.display)
    concepts = pd.read_csv(directory / "concepts.csv", encoding="utf-8-sig",
                           keep_default_na=False)
    assert (concepts["url"] == "concepts/" + concepts["id"] + ".html").all()
    for name in ("relations", "events", "interventions"):
        table = pd.read_csv(directory / f"{name}.csv", encoding="utf-8-sig",
                            keep_default_na=False)
        assert table["url"].str.match(r"^cases/[^/]+\.html#" + name[:-1] + r"-").all(), name
        assert (table["case_label"] != "").all()
    # with the address of the published site the pages are absolute
    out = tmp_path / "tables"
    result = run_export(runner, cli, project_root, built, out, "--format", "csv",
                        "--site-url", "https://example.org/pav-graph")
    assert result.exit_code == 0, result.output
    cases = pd.read_csv(out / "cases.csv", encoding="utf-8-sig")
    assert cases["url"].str.startswith("https://example.org/pav-graph/cases/").all()
    result = run_export(runner, cli, project_root, built, tmp_path / "t2", "--format", "csv",
                        "--site-url", "example.org")
    assert result.exit_code == 2 and "full address" in result.output


def test_csv_keeps_dutch_characters(exported):
    # cases/amsterdam-2004.yaml, the (denied) finding of ambtelijk-ondernemerschap quoting
    # betrekkingen-2004 lines 548-551
    quote = ("Over de kwetsbaarheden die het ondernemerschap mogelijk met zich meebrengt, lopen de "
             "meningen uiteen. De respondenten in de focusgroepen geven aan dat zij niet het idee "
             "hebben dat het ondernemen van commerciële activiteiten of het werken in projecten "
             "extra risico’s met zich meebrengt.")
    _, findings = read_table(exported["csv"], "findings")
    rows = [r for r in findings if r["quote"] == quote]
    assert len(rows) == 1
    assert (rows[0]["case"], rows[0]["concept"], rows[0]["source"]) == (
        "amsterdam-2004", "ambtelijk-ondernemerschap", "betrekkingen-2004")
    assert "ë" in rows[0]["quote"] and "’" in rows[0]["quote"]


# --- FollowTheMoney --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ftm_entities(exported) -> list[dict]:
    lines = exported["ftm"].read_text(encoding="utf-8").splitlines()
    assert lines
    return [json.loads(line) for line in lines]


def test_ftm_lines_are_valid_entities(ftm_entities):
    pytest.importorskip("followthemoney", reason="install the ftm extra (make test-deps)")
    from followthemoney import model
    from followthemoney.types import registry

    ids = [e["id"] for e in ftm_entities]
    assert len(ids) == len(set(ids)), "entity ids are not unique"
    known = set(ids)
    for entity in ftm_entities:
        assert set(entity) == {"id", "schema", "properties"}
        proxy = model.get_proxy(entity, cleaned=False)  # cleans every value by its type
        cleaned = proxy.to_dict()["properties"]
        for name, values in entity["properties"].items():
            assert sorted(cleaned.get(name, [])) == sorted(values), (entity["id"], name)
        for name in proxy.schema.required:
            assert proxy.get(name), f"{entity['id']} ({entity['schema']}) lacks {name}"
        for prop, value in proxy.itervalues():
            if prop.type == registry.entity:
                assert value in known, f"{entity['id']}.{prop.name} points at missing {value}"


def test_ftm_persons_are_named_by_role_only(ftm_entities, model):
    actors = [a for case in model.cases.values() for a in case.actors]
    labels = {text for a in actors for text in a.label.values()}
    public_names = {a.name for a in actors if a.name}
    persons = [e for e in ftm_entities if e["schema"] == "Person"]
    assert len(persons) == len(actors)
    for person in persons:
        assert set(person["properties"]["name"]) <= labels, person["properties"]["name"]
        assert set(person["properties"].get("alias", [])) <= public_names
    # cases/maastricht-2025.yaml: actor gemeentesecretaris, role gemeentesecretaris, organisation
    # gemeente-maastricht, label "de gemeentesecretaris van Maastricht"
    by_id = {e["id"]: e for e in ftm_entities}
    person = by_id["pav-graph.case.maastricht-2025.actor.gemeentesecretaris"]
    assert person["properties"]["name"][0] == "de gemeentesecretaris van Maastricht"
    assert "alias" not in person["properties"]
    membership = by_id[person["id"] + ".membership"]
    assert membership["schema"] == "Membership"
    assert membership["properties"]["organization"] == ["pav-graph.org.gemeente-maastricht"]
    assert membership["properties"]["role"] == ["gemeentesecretaris"]
    assert by_id["pav-graph.org.gemeente-maastricht"]["schema"] == "PublicBody"


def test_ftm_documentation_carries_every_quote(ftm_entities, model):
    items = []
    for case in model.cases.values():
        for group in (case.actors, case.findings, case.relations, case.interventions, case.events):
            items += [ev.quote for x in group for ev in x.evidence]
    docs = [e for e in ftm_entities if e["schema"] == "Documentation"]
    assert sorted(q for d in docs for q in d["properties"]["summary"]) == sorted(items)
    sources = {e["id"] for e in ftm_entities if e["schema"] == "Document"}
    assert sources == {f"pav-graph.source.{s}" for s in model.sources}
    assert all(d["properties"]["document"][0] in sources for d in docs)


# --- writing ---------------------------------------------------------------------------------

def test_existing_output_needs_force(runner, cli, project_root, built, tmp_path):
    out = tmp_path / "graph.ttl"
    out.write_text("mine", encoding="utf-8")
    result = run_export(runner, cli, project_root, built, out)
    assert result.exit_code == 2
    assert "--force" in result.output
    assert out.read_text(encoding="utf-8") == "mine"
    result = run_export(runner, cli, project_root, built, out, "--force")
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("@prefix")
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]  # no temporary files left


def test_unknown_ending_asks_for_format(runner, cli, project_root, built, tmp_path):
    result = run_export(runner, cli, project_root, built, tmp_path / "graph.xyz")
    assert result.exit_code == 2
    assert "--format" in result.output
    assert not (tmp_path / "graph.xyz").exists()


def test_csv_directory_is_replaced_whole_or_not_at_all(store, tmp_path, monkeypatch):
    out = tmp_path / "tables"
    export_module.export(store, "csv", out)
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    with pytest.raises(FileExistsError):
        export_module.export(store, "csv", out)

    def broken(data, directory):  # writes one table, then fails like a full disk would
        (directory / "cases.csv").write_bytes(b"partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export_csv, "write_tables", broken)
    with pytest.raises(OSError):
        export_module.export(store, "csv", out, replace=True)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == first  # the old export is intact
    assert os.listdir(tmp_path) == ["tables"]  # no temporary directory left behind
    monkeypatch.undo()
    (out / "stale.csv").write_text("old", encoding="utf-8")
    export_module.export(store, "csv", out, replace=True)
    assert sorted(p.name for p in out.iterdir()) == sorted(first)
