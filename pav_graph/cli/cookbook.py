"""The ``cookbook`` command: regenerate docs/query-cookbook.md from queries/ and the graph."""

from __future__ import annotations

from pathlib import Path

import click

from pav_graph.cli.common import built_store, project_from


@click.command()
@click.argument("out", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def cookbook(ctx: click.Context, out: Path | None) -> None:
    """Write the query cookbook (every query, its question, SPARQL and result on the corpus).

    OUT defaults to docs/query-cookbook.md in the project.

    \b
    Example:
      pav-graph cookbook
    """
    from pav_graph.cookbook import write_cookbook

    project = project_from(ctx)
    target = out or project.root / "docs" / "query-cookbook.md"
    try:
        write_cookbook(project.queries_dir, built_store(ctx), target)
    except OSError as exc:
        raise click.ClickException(f"{target}: cannot write the cookbook: {exc.strerror or exc}") from None
    except (SyntaxError, ValueError) as exc:
        raise click.ClickException(f"a query of {project.queries_dir} failed: {exc}") from None
    click.echo(f"wrote {target}")
