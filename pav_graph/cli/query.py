"""Query commands: the query library (``queries``) and running one query (``query``)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from pav_graph.cli.common import built_store, emit, project_from


@click.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def queries(ctx: click.Context, fmt: str) -> None:
    """List the named queries of the query library (queries/*.rq).

    \b
    Example:
      pav-graph queries
    """
    from pav_graph.querylib import library

    lib = library(project_from(ctx).queries_dir)
    rows = [{"name": q.name, "title": q.title, "question": q.question_nl, "question_en": q.question_en,
             "params": ", ".join(p.name + ("" if p.required else "?") for p in q.params),
             "example": q.example} for q in lib.values()]
    emit(rows, ["name", "title", "params"] if fmt == "table" else list(rows[0]) if rows else [], fmt,
         title=f"{len(rows)} queries")


@click.command()
@click.argument("name_or_file")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE",
              help="Bind a parameter of the query (repeatable), e.g. case=maastricht-2025.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "sparql-json"]),
              default="table", show_default=True,
              help="json: a list of plain records; sparql-json: W3C SPARQL 1.1 results JSON.")
@click.option("--endpoint", metavar="URL", help="Run against a remote SPARQL endpoint instead.")
@click.pass_context
def query(ctx: click.Context, name_or_file: str, params: tuple[str, ...], fmt: str,
          endpoint: str | None) -> None:
    """Run a named query of the library, or a .rq file, on the graph.

    \b
    Examples:
      pav-graph query case-risk-factors --param case=maastricht-2025
      pav-graph query cases-with-concept --param concept=onveilige-meldcultuur --format csv
      pav-graph query my-question.rq --format json
      pav-graph query cases-by-level --endpoint http://localhost:7878/query
    """
    from pav_graph import querylib, sparql
    from pav_graph.problems import did_you_mean

    project = project_from(ctx)
    path = Path(name_or_file)
    if path.suffix == ".rq" and path.is_file():
        q = querylib.parse(path)
    else:
        lib = querylib.library(project.queries_dir)
        if name_or_file not in lib:
            raise click.UsageError(f"unknown query {name_or_file!r} — "
                                   f"{did_you_mean(name_or_file, lib, 'query name')} "
                                   "(list them with `pav-graph queries`)")
        q = lib[name_or_file]
    given = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.UsageError(f"--param {item!r}: write KEY=VALUE, e.g. case=maastricht-2025")
        given[key.strip()] = value.strip()
    try:
        bindings = querylib.bind(q, given)
    except querylib.ParamError as exc:
        raise click.UsageError(str(exc)) from None
    try:
        text = querylib.render(q.sparql, bindings)
        if endpoint:
            result = sparql.select_remote(endpoint, text)
        else:
            result = sparql.select_local(built_store(ctx), text)
    except sparql.EndpointError as exc:
        raise click.ClickException(str(exc)) from None
    except (SyntaxError, ValueError, TypeError, OSError) as exc:
        raise click.ClickException(f"{q.path}: the query failed: {exc}") from None
    if fmt == "sparql-json":
        click.echo(json.dumps(result.to_sparql_json(), ensure_ascii=False, indent=2))
    else:
        emit(result.records(), result.variables, fmt, title=q.title or q.name)
