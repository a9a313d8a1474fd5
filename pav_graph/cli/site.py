"""``pav-graph site OUTDIR``: the thin click layer over :mod:`pav_graph.site`."""

from __future__ import annotations

from pathlib import Path

import click

from pav_graph.cli.common import echo_err, project_from, refuse_corpus_target


@click.command()
@click.argument("outdir", type=click.Path(path_type=Path))
@click.option("--base-url", default="", metavar="URL",
              help="Where the site will be published (e.g. https://example.org/pav-graph/): "
                   "permalinks in citations, downloads and embed snippets become absolute. "
                   "Served by `pav-graph serve`, citations use the served address anyway.")
@click.option("--full", is_flag=True,
              help="Write every page anew, even when OUTDIR holds a site of an earlier build "
                   "(by default only the pages whose content changed are rewritten).")
@click.pass_context
def site(ctx: click.Context, outdir: Path, base_url: str, full: bool) -> None:
    """Write the browsable static site (Dutch first, English switch) to OUTDIR.

    The site works opened from disk and served over HTTP, with no request to any other host.
    It builds the graph first if the corpus changed. OUTDIR must be new, empty, or a site
    written by this command before. A new site is written whole (next to OUTDIR, then swapped
    in); when OUTDIR holds a complete site written earlier (e.g. before a `case add`), only the
    pages whose content changed are rewritten, each atomically. --full writes the whole site.

    \b
    Examples:
      pav-graph site site/
      pav-graph site --full site/
      pav-graph site --base-url https://example.org/pav-graph/ public/
      xdg-open site/index.html
    """
    from pav_graph.cli.common import os_error
    from pav_graph.outputs import OutputError, resolve_output
    from pav_graph.site import SiteError, build_site

    project = project_from(ctx)
    try:  # a symbolic link to a directory is written through (outputs.py)
        real, _ = resolve_output(outdir, "directory")
    except OutputError as exc:
        raise click.UsageError(str(exc)) from None
    refuse_corpus_target(ctx, outdir)
    from pav_graph.site.build import check_base_url

    try:
        base_url = check_base_url(base_url)
    except SiteError as exc:
        raise click.UsageError(str(exc)) from None
    import pyoxigraph as ox

    from pav_graph.cli.common import built_directory

    build = built_directory(ctx)
    store = ox.Store.read_only(str(build / "store"))
    try:
        result = build_site(store, project, real, base_url=base_url, build_id=build.resolve().name,
                            full=full, build_dir=build)
    except SiteError as exc:
        raise click.UsageError(str(exc)) from None
    except OSError as exc:  # a full disk fails in write(), whose error names no file
        raise os_error(OSError(exc.errno, exc.strerror, str(outdir)),
                       doing="write the site to") from None
    loading = f"{result.load_seconds:.1f} s of it loading the data"
    if result.cases_read is not None and result.cases_read < result.cases:
        loading += f", {result.cases_read:,} of {result.cases:,} cases read from the store"
    if not result.full:
        echo_err(f"updated {outdir}: {result.pages} file(s) rewritten, the rest unchanged, in "
                 f"{result.seconds:.1f} s ({loading}; --full writes every page). Open "
                 f"{outdir / 'index.html'} in a browser.")
        return
    graph = f"{result.graph_nodes} nodes" + (" (aggregated)" if result.aggregated else "")
    echo_err(f"wrote {result.pages} pages to {outdir} in {result.seconds:.1f} s ({loading}); "
             f"corpus graph: {graph}. Open {outdir / 'index.html'} in a browser.")
