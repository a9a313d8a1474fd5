"""``pav-graph export``: the thin click layer over :mod:`pav_graph.export`."""

from __future__ import annotations

from pathlib import Path

import click

from pav_graph.export import FORMATS, SUFFIXES


@click.command()
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="What to write (default: guessed from OUT's ending: .ttl .nt .trig .jsonld "
                   ".graphml .gexf .jsonl; csv writes a directory).")
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
@click.option("--site-url", default="", metavar="URL",
              help="csv: the address of the published site, put before the page paths of the "
                   "url columns (default: paths relative to the site, e.g. cases/ID.html).")
@click.option("--build-dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="Export this build (a directory holding store/ or current.json) instead of "
                   "the project's current build.")
@click.pass_context
def export(ctx: click.Context, out: Path, fmt: str | None, force: bool, site_url: str,
           build_dir: Path | None) -> None:
    """Export the built graph for other tools: RDF, a network for Gephi, CSV tables or
    FollowTheMoney entities.

    \b
    ttl, nt, trig, jsonld   the whole graph (TriG: in graph <https://w3id.org/pav-graph/graph>)
    graphml, gexf           cases linked to concepts, organisations and sources (Gephi, igraph)
    csv                     directory OUT/ with cases, concepts, findings, relations, events,
                            interventions .csv (UTF-8 with BOM; labels, source titles and
                            site pages next to the ids)
    ftm                     FollowTheMoney entities, one JSON object per line (Aleph)
    skos                    the vocabulary alone: concept schemes as SKOS Turtle with
                            licence, version and each definition's source

    \b
    Examples:
      pav-graph export graph.ttl
      pav-graph export --format gexf network.gexf
      pav-graph export --format csv tables/
      pav-graph export --format csv --site-url https://example.org/pav-graph/ tables/
      pav-graph export --format ftm entities.jsonl
      pav-graph export --format skos pav-graph-vocabulary.ttl
    """
    if fmt is None:
        fmt = SUFFIXES.get(out.suffix.lower())
        if fmt is None:
            raise click.UsageError(f"cannot tell the format from {out.name!r}: pass --format "
                                   f"({'|'.join(FORMATS)})")
    from pav_graph.cli.common import os_error, refuse_corpus_target
    from pav_graph.outputs import OutputError, describe, resolve_output

    try:  # symbolic links are written through; devices and wrong kinds refused (outputs.py)
        real, info = resolve_output(out, "directory" if fmt == "csv" else "file")
    except OutputError as exc:
        raise click.UsageError(str(exc)) from None
    refuse_corpus_target(ctx, out)
    if info is not None and not force:
        raise click.UsageError(f"{describe(out, real, info)} exists; pass --force to replace "
                               "it, or choose another OUT")
    store = _open_store(ctx, build_dir)
    from pav_graph.export import export as do_export

    if site_url and not site_url.startswith(("http://", "https://")):
        raise click.UsageError(f"--site-url {site_url}: give the full address, e.g. "
                               "https://example.org/pav-graph/")
    if site_url and not site_url.endswith("/"):
        site_url += "/"
    try:
        written = do_export(store, fmt, real, replace=force, site_url=site_url)
    except OSError as exc:
        raise os_error(exc, real) from None
    click.echo(f"wrote {written.summary} to {out}" + (f" ({real})" if real != out.absolute()
                                                       else ""))


def _open_store(ctx: click.Context, build_dir: Path | None):
    if build_dir is None:
        from pav_graph.cli.common import built_store

        return built_store(ctx)
    import pyoxigraph as ox

    from pav_graph.store import store_dir

    path = store_dir(build_dir)
    if not path.is_dir():
        raise click.UsageError(f"--build-dir {build_dir}: no store at {path}; "
                               "run `pav-graph build` or pass the build's directory")
    try:
        return ox.Store.read_only(str(path))
    except OSError as exc:
        raise click.ClickException(f"cannot open the store at {path}: {exc}") from None
