"""``pav-graph serve``: the thin click layer over :mod:`pav_graph.endpoint`."""

from __future__ import annotations

import ipaddress
import signal
from pathlib import Path

import click


def find_project(ctx: click.Context):
    """The project around the current directory (or --corpus), or None if there is none."""
    from pav_graph.project import Project, ProjectNotFound

    corpus = (ctx.find_root().obj or {}).get("corpus")
    try:
        return Project.find(corpus)
    except ProjectNotFound as exc:
        if corpus:  # the user named a corpus that is not one: say so
            raise click.ClickException(str(exc)) from None
        return None


def resolve_build_dir(ctx: click.Context, build_dir: Path | None) -> Path:
    """``--build-dir`` if given, else the project's build directory, else ``./build``."""
    if build_dir is not None:
        return build_dir
    project = find_project(ctx)
    return Path(project.build_dir) if project else Path("build")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; only loopback is private.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--timeout", default=10.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds a query may run before it is stopped (answer: 503).")
@click.option("--limit", default=10000, show_default=True, type=click.IntRange(min=1),
              help="Most rows (or triples) a query may return (more: 422, never truncated).")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Query worker processes (queries that run at the same time).")
@click.option("--max-memory", default=1024, show_default=True, type=click.IntRange(min=0),
              metavar="MIB", help="Memory a query worker may use, in MiB (more: 503); 0: no cap.")
@click.option("--max-answer", default=32.0, show_default=True, type=click.FloatRange(min=0.001),
              metavar="MIB", help="Largest answer sent, in MiB (more: 422, never truncated).")
@click.option("--idle-timeout", default=10.0, show_default=True,
              type=click.FloatRange(min=0.1), metavar="SECONDS",
              help="A connection whose request is not complete within this is closed.")
@click.option("--max-connections", default=128, show_default=True,
              type=click.IntRange(1, 4096),
              help="Connections served at once; more wait (without a thread), then get 503.")
@click.option("--site", type=click.Path(file_okay=False, path_type=Path),
              help="Static site directory served at / (default: site/ if present).")
@click.option("--build-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Build directory holding store/ (default: the project's build/).")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, timeout: float, limit: int, workers: int,
          max_memory: int, max_answer: float, idle_timeout: float, max_connections: int,
          site: Path | None, build_dir: Path | None) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint (/sparql), a query page (/query)
    and the static site (/).

    \b
    Examples:
      pav-graph serve
      pav-graph serve --port 8080 --timeout 30 --site site/
      curl -H 'Accept: text/csv' 'http://127.0.0.1:8000/sparql' \\
           --data-urlencode 'query=SELECT * WHERE { ?s ?p ?o } LIMIT 5'
    """
    from pav_graph.endpoint.pages import load_examples
    from pav_graph.endpoint.server import Settings, close, make_server
    from pav_graph.endpoint.workers import WorkerStartError
    from pav_graph.store import store_dir

    project = find_project(ctx)
    build = build_dir or (Path(project.build_dir) if project else Path("build"))
    store = store_dir(build)
    if not store.is_dir():
        raise click.ClickException(
            f"no built store at {store}: run `pav-graph build` first "
            "(or point --build-dir at a build directory)")
    default_site = project.root / "site" if project else Path("site")
    if site is None and default_site.is_dir():
        site = default_site
    if site is not None and not site.is_dir():
        raise click.UsageError(f"--site {site}: no such directory; build it with `pav-graph site`")
    queries = project.queries_dir if project else build.resolve().parent / "queries"
    settings = Settings(build_dir=build, host=host, port=port, timeout=timeout, limit=limit,
                        workers=workers, site=site, examples=load_examples(queries),
                        max_memory=max_memory, max_bytes=int(max_answer * 2**20),
                        idle_timeout=idle_timeout, max_connections=max_connections)
    try:
        server = make_server(settings)
    except WorkerStartError as exc:
        raise click.ClickException(f"cannot open the store in {store}: {exc}") from None
    except OSError as exc:
        raise click.ClickException(
            f"cannot listen on {host}:{port} ({exc.strerror or exc}): choose another --port "
            "or stop the program using it") from None

    def stop(signum, frame):  # SIGTERM: leave through the same clean-up as Ctrl-C
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    bound_host, bound_port = server.server_address[:2]
    base = f"http://{bound_host}:{bound_port}"
    click.echo(f"SPARQL endpoint: {base}/sparql   query page: {base}/query"
               + (f"   site: {site} at {base}/" if site else ""), err=True)
    click.echo(f"time-out {timeout:g} s, result limit {limit}, answers up to {max_answer:g} "
               f"MiB, {workers} worker(s) of up to "
               + (f"{max_memory} MiB" if max_memory else "unlimited memory")
               + f", {max_connections} connections, idle time-out {idle_timeout:g} s; "
               "Ctrl-C stops the server", err=True)
    if not _is_loopback(host):
        click.echo(f"warning: listening on {host}, reachable from other machines; "
                   "the endpoint has no authentication", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        close(server)
