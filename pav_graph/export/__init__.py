"""Exports of the built graph for other tools: RDF files, a network for Gephi, tables, FtM.

Every export reads the built store (never the YAML), so it shows exactly what ``query`` and
``serve`` show, inferred pattern matches included:

* ``ttl``, ``nt``, ``trig``, ``jsonld`` — the whole graph, serialised by pyoxigraph with the
  project prefixes; TriG puts it in the named graph :data:`GRAPH_IRI`; JSON-LD is compacted
  under a ``@context`` made from the graph (:mod:`pav_graph.export.jsonld`).
* ``graphml``, ``gexf`` — the case–concept network (cases, the concepts they are linked to,
  their organisations and sources) with colours, sizes and weights, for Gephi, Cytoscape or
  igraph (:mod:`pav_graph.export.network`).
* ``csv`` — a directory of tables (:mod:`pav_graph.export.tables`), for pandas, R or a spreadsheet.
* ``ftm`` — FollowTheMoney entities as JSON lines (:mod:`pav_graph.export.ftm`), for Aleph.
* ``skos`` — the vocabulary alone as a SKOS thesaurus in Turtle (:mod:`pav_graph.export.skos`).

Writes are atomic: a file is written to a temporary name and renamed; a directory is written in
full next to its destination and then renamed into place.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from pav_graph.atomic import write_bytes
from pav_graph.export.network import case_network, network_bytes
from pav_graph.rdf import PREFIXES

GRAPH_IRI = "https://w3id.org/pav-graph/graph"
RDF_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
}
NETWORK_FORMATS = ("graphml", "gexf")
FORMATS = (*RDF_FORMATS, *NETWORK_FORMATS, "csv", "ftm", "skos")
# file name endings by which `pav-graph export` guesses --format
SUFFIXES = {".ttl": "ttl", ".nt": "nt", ".trig": "trig", ".jsonld": "jsonld", ".graphml": "graphml",
            ".gexf": "gexf", ".jsonl": "ftm", ".ftm": "ftm"}


@dataclass
class Written:
    """What an export wrote, for the one-line summary of the CLI."""

    path: Path
    summary: str


# --- RDF -------------------------------------------------------------------------------------

def triples(store: ox.Store) -> list[ox.Triple]:
    """The graph of the build: the store's default graph (where the build puts everything)."""
    return [q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())]


def rdf_bytes(store: ox.Store, fmt: str) -> tuple[bytes, int]:
    """The graph serialised as ``fmt`` (ttl, nt, trig, jsonld) and its number of triples."""
    graph = triples(store)
    if fmt == "jsonld":
        from pav_graph.export.jsonld import jsonld_bytes

        return jsonld_bytes(graph), len(graph)
    prefixes = None if fmt == "nt" else dict(PREFIXES)
    if fmt == "trig":
        name = ox.NamedNode(GRAPH_IRI)
        data = [ox.Quad(t.subject, t.predicate, t.object, name) for t in graph]
        return ox.serialize(data, format=RDF_FORMATS[fmt], prefixes=prefixes), len(graph)
    return ox.serialize(graph, format=RDF_FORMATS[fmt], prefixes=prefixes), len(graph)


# --- writing ---------------------------------------------------------------------------------

def write_directory(out: Path, fill: Callable[[Path], None], *, replace: bool) -> None:
    """Let ``fill`` write into a fresh temporary directory next to ``out``, then rename it to
    ``out``. An existing ``out`` is only replaced when ``replace`` is set; it is moved aside
    first and removed once the new directory is in place, so ``out`` is never half-written."""
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    old: Path | None = None
    try:
        fill(tmp)
        os.chmod(tmp, 0o755)
        if out.exists():
            if not replace:
                raise FileExistsError(out)
            old = out.with_name(f".{out.name}.{os.getpid()}.old")
            os.replace(out, old)
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and not out.exists():
            os.replace(old, out)  # put the previous export back
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def export(store: ox.Store, fmt: str, out: Path, *, replace: bool = False,
           site_url: str = "") -> Written:
    """Write the export ``fmt`` of the graph in ``store`` to ``out`` (a file; for csv a
    directory). Raises FileExistsError if ``out`` exists and ``replace`` is not set.
    ``site_url``: where the site is published, for the ``url`` columns of the csv tables."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    if out.exists() and not replace:
        raise FileExistsError(out)
    if fmt == "csv":
        from pav_graph.export.tables import tables, write_tables

        data = tables(store, site_url)
        write_directory(out, lambda tmp: write_tables(data, tmp), replace=replace)
        counts = ", ".join(f"{name} {len(rows)}" for name, (_, rows) in data.items())
        return Written(out, f"{len(data)} tables ({counts})")
    payload, summary = render(store, fmt)
    if out.is_dir():
        raise IsADirectoryError(out)
    write_bytes(out, payload)
    return Written(out, summary)


def render(store: ox.Store, fmt: str) -> tuple[bytes, str]:
    """The bytes of a single-file export and a short description of what they hold."""
    if fmt in RDF_FORMATS:
        data, n = rdf_bytes(store, fmt)
        where = f" in graph <{GRAPH_IRI}>" if fmt == "trig" else ""
        return data, f"{n} triples{where}"
    if fmt in NETWORK_FORMATS:
        graph = case_network(store)
        return network_bytes(graph, fmt), (f"{graph.number_of_nodes()} nodes, "
                                           f"{graph.number_of_edges()} edges")
    if fmt == "ftm":
        from pav_graph.export.ftm import entities, to_json_lines

        items = list(entities(store))
        return to_json_lines(items), f"{len(items)} FollowTheMoney entities"
    if fmt == "skos":
        from pav_graph.export import skos

        return skos.render(store)
    raise ValueError(f"{fmt!r} is not a single-file export")
