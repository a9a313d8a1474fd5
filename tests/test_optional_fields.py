"""Every optional field of the case schema is optional everywhere downstream.

A case without ``period:``, or with a period but no ``note``, once passed `validate`, `case add`
and `build` and then crashed `pav-graph site` (jinja2's StrictUndefined: "'dict object' has no
attribute 'note'"). StrictUndefined stays on, so such a gap fails here and not in production.

One corpus holds the real cases plus, for each optional field of the schema
(:func:`casegen.optional_paths`), a copy of a case that uses every field with just that field
left out (and a case with all of them). It goes through the real command line: `build` (SHACL
and the reasoner), `site`, `export` in every format, `show`, the listings, and every query of the
library with each variant bound where the query takes a case.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
import yaml
from casegen import full_case, optional_paths, present, slug, variant_id, without
from test_bad_input import pav

from pav_graph.schema import CASE_SCHEMA

ROOT = Path(__file__).resolve().parent.parent
PATHS = optional_paths(CASE_SCHEMA)
MINIMAL = "zonder-alles"


def minimal_case() -> dict:
    """The full case with every optional field removed that can go at once (one claim list
    must stay: the schema wants at least one of findings, relations, interventions, events)."""
    data = full_case(MINIMAL)
    for path in PATHS:
        if path != ("findings",) and present(data, path):
            data = without(data, path)
    return data


def variants() -> dict[str, dict]:
    out = {"volledige-casus": full_case(), MINIMAL: minimal_case()}
    for path in PATHS:
        data = without(full_case(), path)
        data["id"] = variant_id(path)
        out[data["id"]] = data
    return out


def test_full_case_covers_the_schema() -> None:
    """The full case holds every optional field (a new one must be added to tests/casegen.py),
    and each variant lacks exactly its field."""
    full = full_case()
    missing = [slug(p) for p in PATHS if not present(full, p)]
    assert not missing, f"add these optional fields to tests/casegen.full_case: {missing}"
    assert len(PATHS) >= 30
    for path in PATHS:
        assert not present(without(full, path), path), slug(path)
    assert not any(present(minimal_case(), p) for p in PATHS if p[0] != "findings")


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> dict:
    """The corpus with every variant, built once (SHACL + reasoner)."""
    root = tmp_path_factory.mktemp("optional")
    corpus = root / "corpus"
    for name in ("cases", "ontology", "sources", "queries"):
        shutil.copytree(ROOT / name, corpus / name)
    cases = variants()
    for cid, data in cases.items():
        (corpus / "cases" / f"{cid}.yaml").write_text(
            yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    build = root / "build"
    run = pav(corpus, "build", "-q", build_dir=build, timeout=600)
    assert run.code == 0, run.out
    return {"root": root, "corpus": corpus, "build": build, "cases": cases}


def _ok(run) -> None:
    assert run.code == 0, run.out[-3000:]
    assert "Traceback" not in run.out and "internal error" not in run.out, run.out[-3000:]


def test_site(world) -> None:
    out = world["root"] / "site"
    _ok(pav(world["corpus"], "site", str(out), build_dir=world["build"]))
    for cid, data in world["cases"].items():
        page = (out / "cases" / f"{cid}.html").read_text(encoding="utf-8")
        assert data["label"]["nl"].split(":")[0] in page


def _formats() -> list[str]:
    from pav_graph.export import FORMATS

    return list(FORMATS)


@pytest.mark.parametrize("fmt", _formats())
def test_export(world, fmt: str) -> None:
    import networkx as nx
    import pyoxigraph as ox

    out = world["root"] / ("tables" if fmt == "csv" else f"graph.{fmt}")
    _ok(pav(world["corpus"], "export", "--force", "--format", fmt, str(out),
            build_dir=world["build"]))
    if fmt in ("ttl", "nt", "trig", "jsonld"):
        formats = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
                   "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD}
        text = out.read_bytes()
        assert sum(1 for _ in ox.parse(text, format=formats[fmt])) > 1000
        assert all(cid.encode() in text for cid in world["cases"])
    elif fmt in ("graphml", "gexf"):
        graph = (nx.read_graphml if fmt == "graphml" else nx.read_gexf)(out)
        ids = {d.get("identifier") for _, d in graph.nodes(data=True)}
        assert set(world["cases"]) <= ids
    elif fmt == "csv":
        with open(out / "cases.csv", encoding="utf-8-sig", newline="") as fh:
            assert set(world["cases"]) <= {r["id"] for r in csv.DictReader(fh)}
    elif fmt == "skos":  # the vocabulary alone: no case in it
        assert sum(1 for _ in ox.parse(out.read_bytes(), format=ox.RdfFormat.TURTLE)) > 1000
    else:
        lines = out.read_text(encoding="utf-8").splitlines()
        assert all(json.loads(line) for line in lines)
        assert all(any(cid in line for line in lines) for cid in world["cases"])


def test_show_and_listings(world) -> None:
    from click.testing import CliRunner

    from pav_graph.cli.main import cli

    runner = CliRunner()
    env = {"PAV_GRAPH_BUILD": str(world["build"])}
    for cid in world["cases"]:  # in-process: 3 x 36 subprocesses would take two minutes
        for args in (("show", cid), ("show", cid, "--lang", "en"),
                     ("show", cid, "--format", "json")):
            result = runner.invoke(cli, ["--corpus", str(world["corpus"]), *args], env=env)
            assert result.exit_code == 0 and cid in result.output, (args, result.output)
    for args in (("cases",), ("cases", "--format", "csv"), ("case", "list"), ("concepts",),
                 ("patterns",), ("stats",), ("similar", MINIMAL), ("similar", "volledige-casus"),
                 ("analyse",)):
        _ok(pav(world["corpus"], *args, build_dir=world["build"]))


def test_every_query(world) -> None:
    """Every query of the library, with each variant for a `case` (or `other`) parameter."""
    import pyoxigraph as ox

    from pav_graph import querylib, sparql
    from pav_graph.cookbook import example_params
    from pav_graph.store import store_dir

    store = ox.Store.read_only(str(store_dir(world["build"])))
    lib = querylib.library(world["corpus"] / "queries")
    assert len(lib) >= 30
    runs = 0
    for query in lib.values():
        names = {p.name for p in query.params}
        example = example_params(query)
        for cid in world["cases"] if names & {"case", "other"} else [None]:
            given = {k: v for k, v in example.items() if k in names}
            if cid is not None:
                given.update({k: cid for k in ("case", "other") if k in names})
            text = querylib.render(query.sparql, querylib.bind(query, given))
            result = sparql.select_local(store, text)
            assert result.variables, query.name
            result.records()
            runs += 1
    assert runs > len(lib) + len(world["cases"])
