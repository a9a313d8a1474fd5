"""``pav-graph similar``, ``analyse`` and ``export-network``: network analytics on the graph."""

from __future__ import annotations

import json
from pathlib import Path

import click

from pav_graph.cli.common import FORMATS, built_store, emit

KINDS = ["role", "relation-type", "influence-means", "risk-factor", "dilemma", "intervention",
         "pattern", "framework", "criterion", "event-type"]


def parse_weights(values: tuple[str, ...]) -> dict[str, float]:
    """``--weight risk-factor=2 --weight role=0.5`` → {"risk-factor": 2.0, "role": 0.5}."""
    from pav_graph.problems import did_you_mean

    weights: dict[str, float] = {}
    for text in values:
        kind, sep, number = text.partition("=")
        if not sep:
            raise click.UsageError(f"--weight {text!r}: write KIND=NUMBER, e.g. --weight role=0.5")
        if kind not in KINDS:
            raise click.UsageError(f"--weight {text!r}: unknown kind {kind!r} — "
                                   + did_you_mean(kind, KINDS, "kind") + f" (kinds: {', '.join(KINDS)})")
        try:
            weights[kind] = float(number)
        except ValueError:
            raise click.UsageError(f"--weight {text!r}: {number!r} is not a number") from None
        if weights[kind] < 0:
            raise click.UsageError(f"--weight {text!r}: a weight cannot be negative")
    return weights


weight_option = click.option(
    "--weight", "weights", multiple=True, metavar="KIND=W",
    help="Weight of a concept kind in the similarity (default 1 for every kind); repeatable, "
         "e.g. --weight role=0.5 --weight risk-factor=2.")


@click.command()
@click.argument("case_id", metavar="CASE")
@click.option("--top", type=click.IntRange(min=1), default=5, show_default=True)
@weight_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.pass_context
def similar(ctx: click.Context, case_id: str, top: int, weights: tuple[str, ...], fmt: str) -> None:
    """The cases most similar to CASE: Jaccard overlap of the concepts linked to each case
    (findings, roles, relation types, interventions, event types).

    \b
    Examples:
      pav-graph similar maastricht-2025
      pav-graph similar lelystad --top 10 --weight role=0.5 --format json
    """
    from pav_graph import analytics
    from pav_graph.problems import did_you_mean

    kind_weights = parse_weights(weights)
    g = analytics.bipartite_graph(built_store(ctx))
    try:
        rows = analytics.similar(g, case_id, top, kind_weights)
    except KeyError:
        known = [analytics.node_id(n) for n in analytics.case_nodes(g)]
        raise click.UsageError(f"unknown case {case_id!r} — {did_you_mean(case_id, known, 'case id')}") from None
    if fmt == "table":
        for r in rows:
            r["n_shared"] = len(r["shared"])
        emit(rows, ["case", "score", "n_shared", "shared"], fmt,
             title=f"Casussen die lijken op {case_id} (Jaccard)")
    else:
        emit(rows, ["case", "label", "score", "shared"], fmt)


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True)
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True,
              help="How many pairs, concepts and roles to list.")
@click.option("--method", type=click.Choice(["louvain", "greedy"]), default="louvain",
              show_default=True, help="Community detection on the case–case graph.")
@click.option("--seed", type=int, default=42, show_default=True, help="Seed for Louvain.")
@weight_option
@click.pass_context
def analyse(ctx: click.Context, fmt: str, top: int, method: str, seed: int,
            weights: tuple[str, ...]) -> None:
    """A network report: risk factors and patterns that occur together, central concepts and
    roles, communities of cases, and the most similar pairs of cases.

    \b
    Examples:
      pav-graph analyse
      pav-graph analyse --format markdown > docs/analysis.md
    """
    from pav_graph import analytics

    kind_weights = parse_weights(weights)
    g = analytics.bipartite_graph(built_store(ctx))
    data = analytics.report(g, top, method, seed, kind_weights)
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        click.echo(render_report(data, markdown=fmt == "markdown"))


def render_report(data: dict, markdown: bool = False) -> str:
    """The report as plain text or Markdown (tables and headings)."""
    out: list[str] = []

    def heading(text: str) -> None:
        out.extend(["", f"## {text}" if markdown else text, "" if markdown else "-" * len(text)])

    def table(columns: list[str], rows: list[list]) -> None:
        if markdown:
            out.append("| " + " | ".join(columns) + " |")
            out.append("|" + "---|" * len(columns))
            out.extend("| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |" for r in rows)
        else:
            cells = [columns] + [[str(c) for c in r] for r in rows]
            widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]
            out.extend("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells)
        if not rows:
            out.append("(none)")

    g = data["graph"]
    title = "Netwerkanalyse / network analysis"
    out.append(f"# {title}" if markdown else title)
    out.append(f"{g['cases']} cases, {g['concepts']} linked concepts, {g['links']} case–concept links;"
               f" risk-factor/pattern network: {data['risk_network']['nodes']} nodes, "
               f"{data['risk_network']['edges']} edges.")
    heading("Co-occurring risk factors and patterns (number of cases with both)")
    table(["a", "b", "cases"], [[p["a"], p["b"], p["weight"]] for p in data["co_occurring_pairs"]])
    heading("Central concepts (bipartite betweenness, degree = share of cases)")
    table(["concept", "kind", "cases", "degree", "betweenness"],
          [[r["concept"], r["kind"], r["cases"], r["degree"], r["betweenness"]]
           for r in data["central_concepts"]])
    heading("Central roles")
    table(["role", "cases", "degree", "betweenness"],
          [[r["concept"], r["cases"], r["degree"], r["betweenness"]] for r in data["central_roles"]])
    c = data["communities"]
    how = f"{c['method']}, seed {c['seed']}" if c["seed"] is not None else c["method"]
    heading(f"Communities of cases ({how}, weighted by shared concepts)")
    table(["#", "size", "cases"], [[i, len(grp), ", ".join(grp)] for i, grp in enumerate(c["groups"], 1)])
    weights = ", ".join(f"{k}={v:g}" for k, v in sorted(data["kind_weights"].items())) or "all kinds 1"
    heading(f"Most similar pairs of cases (Jaccard; weights: {weights})")
    table(["a", "b", "score", "shared"],
          [[p["a"], p["b"], p["score"], p["shared"]] for p in data["similar_pairs"]])
    return "\n".join(out).lstrip("\n")


@click.command("export-network")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["graphml", "gexf"]), default=None,
              help="File format (default: from the file name's extension).")
@click.option("--all-concepts", is_flag=True, help="Also include concepts no case is linked to.")
@click.option("--force", is_flag=True, help="Overwrite OUT if it exists.")
@click.pass_context
def export_network(ctx: click.Context, out: Path, fmt: str | None, all_concepts: bool,
                   force: bool) -> None:
    """Write the case–concept network to OUT as GraphML or GEXF (Gephi, Cytoscape, igraph).

    Nodes carry id, type (case/concept), kind, label, label_en and level.

    \b
    Examples:
      pav-graph export-network --format gexf cases.gexf
      pav-graph export-network network.graphml
    """
    from pav_graph import analytics

    if fmt is None:
        fmt = {".graphml": "graphml", ".gexf": "gexf"}.get(out.suffix.lower())
        if fmt is None:
            raise click.UsageError(f"{out}: cannot tell the format from the extension — "
                                   "pass --format graphml or --format gexf")
    if out.exists() and not force:
        raise click.UsageError(f"{out} exists — pass --force to overwrite it, or choose another name")
    g = analytics.bipartite_graph(built_store(ctx), include_unused=all_concepts)
    try:
        analytics.write(g, fmt, out)
    except OSError as exc:
        raise click.ClickException(f"{out}: cannot write: {exc.strerror}") from None
    click.echo(f"wrote {out} ({fmt}): {len(analytics.case_nodes(g))} cases, "
               f"{len(analytics.concept_nodes(g))} concepts, {g.number_of_edges()} links", err=True)
