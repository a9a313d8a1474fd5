"""``pav-graph push``: the thin click layer over :mod:`pav_graph.push`."""

from __future__ import annotations

from pathlib import Path

import click

from pav_graph.cli.serve import resolve_build_dir


@click.command()
@click.option("--endpoint", required=True, metavar="URL",
              help="Graph Store Protocol URL, e.g. http://127.0.0.1:7878/store (Oxigraph), "
                   "http://127.0.0.1:8890/sparql-graph-crud-auth (Virtuoso).")
@click.option("--graph", metavar="IRI", help="Named graph to replace (default: the default graph).")
@click.option("--user", help="User name: HTTP Digest or Basic, as the store asks (Virtuoso: Digest).")
@click.option("--password", help="Password for --user (or set PAV_GRAPH_PASSWORD).",
              envvar="PAV_GRAPH_PASSWORD")
@click.option("--token", help="Bearer token (or set PAV_GRAPH_TOKEN).", envvar="PAV_GRAPH_TOKEN")
@click.option("--timeout", default=300.0, show_default=True, type=click.FloatRange(min=1),
              help="Seconds to wait for the store.")
@click.option("--build-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Build directory holding graph.nt (default: the project's build/).")
@click.pass_context
def push(ctx: click.Context, endpoint: str, graph: str | None, user: str | None,
         password: str | None, token: str | None, timeout: float, build_dir: Path | None) -> None:
    """Upload the built graph (graph.nt) to a triple store, replacing the graph there.

    Uses the SPARQL 1.1 Graph Store Protocol (HTTP PUT), so pushing again is safe. With --user
    the login is HTTP Digest or Basic, whichever the store asks for; --token sends a bearer
    token. For graphs too large for one upload, see the bulk loaders in docs/triple-stores.md.

    \b
    Examples:
      pav-graph push --endpoint http://127.0.0.1:7878/store
      pav-graph push --endpoint http://127.0.0.1:7878/store --graph https://w3id.org/pav-graph/graph
      pav-graph push --endpoint http://127.0.0.1:8890/sparql-graph-crud-auth \\
          --graph https://w3id.org/pav-graph/graph --user dba --password secret
      pav-graph push --endpoint https://host/ds/data --token "$TOKEN"
    """
    from pav_graph.push import PushError, target_url
    from pav_graph.push import push as do_push

    if token and user:
        raise click.UsageError("give either --user/--password or --token, not both")
    if password and not user:
        raise click.UsageError("--password needs --user")
    try:
        target_url(endpoint, graph)  # check the arguments before showing any progress
    except PushError as exc:
        raise click.UsageError(str(exc)) from None
    from pav_graph.store import store_dir

    # The graph file sits next to the store of the build in use (build/ or build/builds/<id>/).
    graph_file = store_dir(resolve_build_dir(ctx, build_dir)).parent / "graph.nt"
    if not graph_file.is_file():
        raise click.ClickException(f"no graph at {graph_file}: run `pav-graph build` first")
    size = graph_file.stat().st_size
    with click.progressbar(length=size, label=f"Pushing {graph_file}", file=click.get_text_stream(
            "stderr"), show_pos=True) as bar:
        try:
            result = do_push(graph_file, endpoint, graph, user=user, password=password,
                             token=token, progress=bar.update, timeout=timeout)
        except PushError as exc:
            raise click.ClickException(str(exc)) from None
    where = f"graph <{graph}>" if graph else "the default graph"
    click.echo(f"pushed {result.triples} triples ({result.bytes_sent} bytes) to {where} at "
               f"{endpoint} ({result.engine}, HTTP {result.status})")
