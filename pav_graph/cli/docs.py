"""``pav-graph docs``: regenerate the documentation that is derived from the data."""

from __future__ import annotations

import click

from pav_graph.cli.common import echo_err, project_from


@click.command()
@click.option("--check", is_flag=True, help="Only report whether the files are current (exit 1 if not).")
@click.pass_context
def docs(ctx: click.Context, check: bool) -> None:
    """Write docs/cases.md and docs/ontology-reference.md from the corpus and ontology.

    \b
    Example:
      pav-graph docs
    """
    from pav_graph import docgen
    from pav_graph.atomic import write_text
    from pav_graph.load import load_corpus

    project = project_from(ctx)
    corpus, problems = load_corpus(project)
    if problems:
        for p in problems:
            echo_err(p.format(project.root))
        raise click.ClickException("the corpus has problems; fix them first (pav-graph validate)")
    stale = []
    for path, text in docgen.generate(project, corpus).items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != text:
            stale.append(path)
            if not check:
                write_text(path, text)
    for path in stale:
        echo_err(f"{'stale' if check else 'wrote'} {path.relative_to(project.root)}")
    if check and stale:
        raise click.exceptions.Exit(1)
