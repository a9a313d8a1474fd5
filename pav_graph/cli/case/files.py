"""Whole case files: `case validate`, `case add`, `case list`, `case show`, `case remove`."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from pav_graph.cli.case.group import case
from pav_graph.cli.case.new import explain
from pav_graph.cli.case.shared import complete_case, reported
from pav_graph.cli.common import FORMATS, echo_err, emit, project_from

# --------------------------------------------------------------------------- case validate


@case.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path),
                shell_complete=complete_case)
@click.pass_context
def validate_cmd(ctx: click.Context, files: tuple[Path, ...]) -> None:
    """Check case files before adding them; report ALL their problems.

    Each problem is one line: file:line:column: what is wrong — how to fix it. Exit 0 when the
    files are valid, 1 when they have problems, 2 for a wrong argument (e.g. a missing file).

    \b
    Example:
      pav-graph case validate my-case.yaml
    """
    from pav_graph.load import load_corpus

    project = project_from(ctx)
    for f in files:
        if not f.is_file():
            raise click.UsageError(f"{f}: no such file")
    _, problems = load_corpus(project, list(files))
    given = {f.resolve() for f in files}
    mine = [p for p in problems.errors if p.file.resolve() in given]
    for f in files:
        ps = [p for p in mine if p.file.resolve() == f.resolve()]
        with contextlib.suppress(OSError, UnicodeDecodeError):
            ps = explain(ps, f, f.read_text(encoding="utf-8"))
        for p in ps:
            click.echo(p.format(project.root))
    others = len(problems.errors) - len(mine)
    if others:
        echo_err(f"note: the corpus itself has {others} other problem(s) — `pav-graph validate` lists them")
    if mine:
        echo_err(f"{len(mine)} problem(s) in {len({p.file for p in mine})} file(s)")
        raise click.exceptions.Exit(1)
    echo_err(f"ok: {len(files)} file(s) valid")


# --------------------------------------------------------------------------- case add


@case.command("add")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False), shell_complete=complete_case)
@click.option("--replace", is_flag=True,
              help="Replace the case with the same id (the old file is kept in cases/.backup/).")
@click.option("--no-build", is_flag=True, help="Only place the file; do not rebuild the graph.")
@click.pass_context
def add(ctx: click.Context, file: Path, replace: bool, no_build: bool) -> None:
    """Validate FILE and add it to the corpus as cases/<id>.yaml, then rebuild.

    Refuses an existing case id unless --replace. The file is placed atomically under a lock
    (cases/.lock); if validation or the build fails, cases/ is left exactly as it was.

    \b
    Example:
      pav-graph case add houten-2024.yaml
    """
    from pav_graph.contrib import place_case

    project = project_from(ctx)
    if not file.is_file():
        raise click.UsageError(f"{file}: no such file")
    with reported(project):
        placed = place_case(project, file, replace=replace, build=not no_build,
                            log=lambda m: echo_err(m))
    rel = placed.target.relative_to(project.root)
    if placed.replaced:
        click.echo(f"replaced {rel} (the old version is in "
                   f"{placed.backup.relative_to(project.root)})")
    else:
        click.echo(f"added {rel}")
    if placed.build is not None:
        m = placed.build.manifest
        click.echo(f"graph rebuilt: {m['cases']} cases, {m['triples']} triples — see it with "
                   f"`pav-graph show {placed.case_id}`")
    elif placed.other_problems:
        echo_err(f"note: the corpus has {placed.other_problems} other problem(s); "
                 "`pav-graph validate` lists them")



# --------------------------------------------------------------------------- list/show/remove


@case.command("list")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.pass_context
def list_cmd(ctx: click.Context, fmt: str) -> None:
    """List the case files in cases/ (read from the files; no build needed)."""
    from pav_graph import yamlio

    project = project_from(ctx)
    rows = []
    for path in sorted(project.cases_dir.glob("*.yaml")):
        try:
            data = yamlio.load(path)
        except yamlio.YamlError as exc:
            rows.append({"id": path.stem, "label": f"(unreadable: {exc.message})"})
            continue
        data = data if isinstance(data, dict) else {}
        period = data.get("period") or {}
        rows.append({
            "id": data.get("id", path.stem),
            "label": (data.get("label") or {}).get("nl", ""),
            "organisations": [o.get("name") for o in data.get("organisations") or []],
            "period": "–".join(str(period[k]) for k in ("start", "end") if period.get(k)),
            "findings": len(data.get("findings") or []),
            "file": str(path.relative_to(project.root)),
        })
    emit(rows, ["id", "label", "organisations", "period", "findings"] if fmt == "table"
         else ["id", "label", "organisations", "period", "findings", "file"], fmt,
         title=f"{len(rows)} casus(sen) in {project.cases_dir}")


@case.command("show")
@click.argument("case_ref", metavar="CASE", shell_complete=complete_case)
@click.pass_context
def show_cmd(ctx: click.Context, case_ref: str) -> None:
    """Print the file of CASE (for the rendered view with sources: `pav-graph show ID`)."""
    from pav_graph import yamlio
    from pav_graph.contrib import resolve_case

    project = project_from(ctx)
    with reported(project):
        path = resolve_case(project, case_ref)
    text = yamlio.read_text(path)
    echo_err(f"# {path}")
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.syntax import Syntax

        Console().print(Syntax(text, "yaml", line_numbers=True, word_wrap=True))
    else:
        click.echo(text, nl=False)


@case.command("remove")
@click.argument("case_id", metavar="CASE", shell_complete=complete_case)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (for scripts).")
@click.option("--no-build", is_flag=True, help="Do not rebuild the graph.")
@click.pass_context
def remove(ctx: click.Context, case_id: str, yes: bool, no_build: bool) -> None:
    """Take CASE out of the corpus; the file is moved to cases/.backup/, not deleted."""
    from pav_graph.contrib import remove_case, resolve_case

    project = project_from(ctx)
    with reported(project):
        resolve_case(project, case_id)
    if not yes and not click.confirm(f"Remove case {case_id!r} from the corpus "
                                     "(the file is kept in cases/.backup/)?", default=False):
        raise click.ClickException("nothing was removed")
    with reported(project):
        backup = remove_case(project, case_id, build=not no_build, log=lambda m: None)
    click.echo(f"removed {case_id!r}; the file is now {backup.relative_to(project.root)}")
