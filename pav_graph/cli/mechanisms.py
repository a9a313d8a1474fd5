"""``pav-graph mechanisms``: the causal links of the sources, their loops and chains, and the cases
that show them. The analysis lives in :mod:`pav_graph.mechanisms`; this is the thin CLI layer."""

from __future__ import annotations

import json

import click

from pav_graph.cli.common import project_from


def load_valid_corpus(ctx: click.Context):
    from pav_graph.load import load_corpus

    corpus, problems = load_corpus(project_from(ctx))
    if problems:
        raise click.ClickException(
            f"{len(problems.errors)} problem(s) in the corpus — run `pav-graph validate` and fix them")
    return corpus


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--include-interpreted", is_flag=True,
              help="Let hedged and interpreted links and case claims count too (shown as 'mogelijk').")
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True,
              help="How many chains to list in each ranking.")
@click.option("--svg", "svg_dir", type=click.Path(file_okay=False, path_type=str),
              help="Also write one SVG per loop (for articles) into this directory.")
@click.pass_context
def mechanisms(ctx: click.Context, fmt: str, include_interpreted: bool, limit: int, svg_dir: str | None) -> None:
    """List the feedback loops and chains of the mechanism links, with the cases that show them.

    A link is a causal claim of a source between two concepts (ontology/mechanisms.yaml). Loops
    are reinforcing (R) or balancing (B) by the product of their signs; they are ranked by the
    number of levels of government of the cases that show the whole loop, the strongest sign
    of a systemic pattern. Chains run from a root cause to a final effect. Only links and case
    claims that count (stated, in the source's words) make a loop or chain 'found'; the others
    are shown as 'mogelijk'.

    \b
    Examples:
      pav-graph mechanisms
      pav-graph mechanisms --format json --limit 20
      pav-graph mechanisms --svg loops/
      pav-graph explain maastricht-2025          (the mechanisms one case shows)
    """
    from pav_graph.mechanisms.report import Analysis, render_text

    corpus = load_valid_corpus(ctx)
    analysis = Analysis(corpus, include_possible=include_interpreted)
    if svg_dir:
        from pathlib import Path

        from pav_graph.mechanisms.svg import write_loop_svgs

        written = write_loop_svgs(corpus, analysis.loops, Path(svg_dir))
        click.echo(f"wrote {len(written)} loop SVG(s) to {svg_dir}", err=True)
    if fmt == "json":
        click.echo(json.dumps(analysis.to_json(limit), ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(analysis, limit))


def explain_mechanisms(ctx: click.Context, case_id: str, fmt: str) -> None:
    """``pav-graph explain CASE``: the links, loops and chains the case's own claims show."""
    from pav_graph.mechanisms.report import Analysis, case_json, render_case_text
    from pav_graph.problems import did_you_mean

    corpus = load_valid_corpus(ctx)
    if case_id not in corpus.cases:
        raise click.UsageError(f"unknown case {case_id!r} — " + did_you_mean(case_id, corpus.cases, "case id"))
    analysis = Analysis(corpus, include_possible=True)
    if fmt == "json":
        click.echo(json.dumps(case_json(analysis, case_id), ensure_ascii=False, indent=2))
    else:
        click.echo(render_case_text(analysis, case_id))
