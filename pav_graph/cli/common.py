"""Shared pieces of the CLI: finding the project, opening the store, printing results."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path

import click

from pav_graph.project import Project, ProjectNotFound

FORMATS = ["table", "json", "csv"]


def project_from(ctx: click.Context) -> Project:
    corpus = (ctx.find_root().obj or {}).get("corpus")
    try:
        return Project.find(corpus)
    except ProjectNotFound as exc:
        raise click.UsageError(str(exc)) from None


CORPUS_DIRS = ("cases", "ontology", "sources", "queries")


def refuse_corpus_target(ctx: click.Context, out: Path) -> None:
    """An output path (export, site) may not replace the corpus or anything in it: ``export
    --format csv --force cases`` once swapped cases/ for six CSV tables."""
    corpus = (ctx.find_root().obj or {}).get("corpus")
    try:
        root = Project.find(corpus).root.resolve()
    except ProjectNotFound:
        return
    target = out.resolve()
    inputs = [root / name for name in CORPUS_DIRS]
    if root.is_relative_to(target) or any(target.is_relative_to(d) for d in inputs):
        raise click.UsageError(
            f"{out}: would overwrite the corpus at {root} — write outside "
            f"{', '.join(n + '/' for n in CORPUS_DIRS)} (e.g. {root.name}/site or /tmp/out)")


def os_error(exc: OSError, path: Path | str | None = None, doing: str = "write") -> click.ClickException:
    """A failed read or write as one line: the path, what the system said, and what to do."""
    import errno

    where = exc.filename or path or "a file"
    fixes = {
        errno.ENOSPC: "free disk space, or set PAV_GRAPH_BUILD to a directory on another disk",
        errno.EDQUOT: "free disk space, or set PAV_GRAPH_BUILD to a directory on another disk",
        errno.EROFS: "the file system is read-only: use a writable directory "
                     "(for the build: set PAV_GRAPH_BUILD)",
        errno.EACCES: "the place is read-only for you: fix its permissions or use a writable "
                      "directory (for the build: set PAV_GRAPH_BUILD)",
        errno.EPERM: "the place is read-only for you (immutable?): fix its permissions or use "
                     "a writable directory",
        errno.ENOTDIR: "a file stands where a directory is needed: move it away or choose "
                       "another directory",
        errno.EEXIST: "a file stands where a directory is needed: move it away or choose "
                      "another directory",
    }
    fix = fixes.get(exc.errno, "check the path and try again")
    return click.ClickException(f"cannot {doing} {where}: {exc.strerror or exc} — {fix}")


def echo_err(message: str) -> None:
    click.echo(message, err=True)


def built_directory(ctx: click.Context) -> Path:
    """The directory of an up-to-date build, building first if the corpus changed."""
    from pav_graph.build import BuildFailed, ensure_built

    project = project_from(ctx)
    try:
        return ensure_built(project, log=lambda m: None)
    except BuildFailed as exc:
        report_build_failure(project, exc)
        raise click.exceptions.Exit(1) from None
    except OSError as exc:
        raise os_error(exc, project.build_dir) from None


def built_store(ctx: click.Context):
    """Open the store of an up-to-date build, building first if the corpus changed."""
    import pyoxigraph as ox

    return ox.Store.read_only(str(built_directory(ctx) / "store"))


def report_build_failure(project: Project, exc) -> None:
    for p in exc.problems:
        echo_err(p.format(project.root))
    for line in exc.lines:
        echo_err(line)
    echo_err(f"error: {exc} — fix the problems above, then run `pav-graph build` again")


def emit(rows: list[dict], columns: list[str], fmt: str, title: str | None = None) -> None:
    """Print records as a rich table, JSON (a list of objects) or CSV for spreadsheets (UTF-8
    with BOM, formula-like cells neutralised: :mod:`pav_graph.spreadsheet`)."""
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "csv":  # for spreadsheets: a BOM, and no cell that runs as a formula
        from pav_graph.spreadsheet import csv_bytes

        sys.stdout.buffer.write(csv_bytes(columns, ({k: _cell(row.get(k)) for k in columns}
                                                    for row in rows)))
        sys.stdout.flush()
    elif len(rows) > RICH_MAX_ROWS:
        _plain_table(rows, columns, title)
    else:
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        # cells are Text, never markup strings: data such as "[/x]", "[link=...]" or "[sic]"
        # is shown as written (a markup string would raise, turn into a link, or vanish)
        table = Table(title=Text(title) if title else None, show_lines=False)
        for col in columns:
            table.add_column(Text(col), overflow="fold")
        for row in rows:
            table.add_row(*[Text(_cell(row.get(c))) for c in columns])
        Console(emoji=False, highlight=False).print(table)


# rich lays out every cell of a table before printing it: 1.3 s for 1,000 cases, ~10 s for
# 10,000. Longer listings are printed as aligned plain text, which starts at once.
RICH_MAX_ROWS = 500
PLAIN_MAX_WIDTH = 40


def _plain_table(rows: list[dict], columns: list[str], title: str | None) -> None:
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    widths = [min(PLAIN_MAX_WIDTH, max([len(c)] + [len(r[i]) for r in cells])) for i, c in enumerate(columns)]
    out = [title] if title else []
    out.append("  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip())
    out.append("  ".join("-" * w for w in widths))
    out += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in cells]
    click.echo("\n".join(out))


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return str(value)


def paths_arg(values: Iterable[str]) -> list[Path]:
    return [Path(v) for v in values]
