"""`pav-graph source add` and `pav-graph concept add`: growing the sources and the vocabulary.

The logic (checks, locking, atomic writes, near-duplicate detection) is in
:mod:`pav_graph.contrib`; these commands only read the flags and report.
"""

from __future__ import annotations

from pathlib import Path

import click

from pav_graph.cli.case.shared import complete_concept, complete_source, reported
from pav_graph.cli.common import project_from
from pav_graph.schema import KINDS, SOURCE_TYPES


@click.group()
def source() -> None:
    """Register source documents that cases can quote.

    \b
    Example:
      pav-graph source add --id nsob-twenterand-2024 --text rapport.txt --title "..." --type report
    """


@source.command("add")
@click.option("--id", "source_id", required=True, help="Source id, e.g. nsob-twenterand-2024.")
@click.option("--text", "text_file", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Plain-text file of the document (UTF-8).")
@click.option("--title", help="Title of the document.")
@click.option("--author", "authors", multiple=True, help="An author; repeatable.")
@click.option("--year", help="Year of publication.")
@click.option("--type", "type_", required=True, type=click.Choice(SOURCE_TYPES), help="Kind of document.")
@click.option("--publisher", help="Publisher or commissioning body.")
@click.option("--language", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
@click.option("--description-nl", help="One sentence on what the document is, in Dutch.")
@click.option("--description-en", help="The same in English.")
@click.pass_context
def source_add(ctx, source_id, text_file, title, authors, year, type_, publisher, language,
               description_nl, description_en) -> None:
    """Copy a document's text into sources/texts/ and write its metadata sources/<id>.yaml.

    The text must be UTF-8; Windows line ends are normalised. Never edit the copied text
    afterwards: the line numbers of every quote depend on it.

    \b
    Example:
      pav-graph source add --id nsob-twenterand-2024 --text rapport.txt --type report \\
          --title "..." --author NSOB --year 2024
    """
    from pav_graph.contrib import register_source

    if bool(description_nl) != bool(description_en):
        raise click.UsageError("give both --description-nl and --description-en")
    if not text_file.is_file():
        raise click.UsageError(f"--text {text_file}: no such file")
    project = project_from(ctx)
    with reported(project):
        path = register_source(project, source_id, text_file, type_=type_, title=title,
                               authors=authors, year=year, publisher=publisher, language=language,
                               description=(description_nl, description_en) if description_nl else None)
    click.echo(f"registered source {source_id!r}: {path.relative_to(project.root)} and "
               f"sources/texts/{source_id}.txt")


@click.group()
def concept() -> None:
    """Propose new concepts for the vocabulary.

    \b
    Example:
      pav-graph concept add --id bestuurlijke-drukte --kind risk-factor --label-nl "bestuurlijke drukte" ...
    """


@concept.command("add")
@click.option("--id", "concept_id", required=True, help="Concept id, e.g. bestuurlijke-drukte.")
@click.option("--kind", required=True, type=click.Choice(KINDS))
@click.option("--label-nl", required=True)
@click.option("--label-en", required=True)
@click.option("--definition-nl", required=True, help="Definition in your own words (Dutch).")
@click.option("--definition-en", required=True, help="The definition in English.")
@click.option("--source", required=True, shell_complete=complete_source,
              help="Source the definition rests on.")
@click.option("--lines", required=True, help="Line or range in that source.")
@click.option("--quote", help="Verbatim supporting passage (checked like case quotes).")
@click.option("--broader", multiple=True, shell_complete=complete_concept(),
              help="A broader concept id; repeatable.")
@click.option("--related", multiple=True, shell_complete=complete_concept(),
              help="A related concept id; repeatable.")
@click.option("--force", is_flag=True, help="Add it even when it looks like an existing concept.")
@click.pass_context
def concept_add(ctx, concept_id, kind, label_nl, label_en, definition_nl, definition_en, source,
                lines, quote, broader, related, force) -> None:
    """Append a concept to ontology/concepts/contributed.yaml.

    Refuses a concept that looks like an existing one (same label apart from case, spaces or
    hyphens, or a very similar id or label) unless --force.

    \b
    Example:
      pav-graph concept add --id bestuurlijke-drukte --kind risk-factor \\
          --label-nl "bestuurlijke drukte" --label-en "administrative congestion" \\
          --definition-nl "..." --definition-en "..." --source essay-2025 --lines 120-121
    """
    from pav_graph.contrib import NewConcept, add_concept

    project = project_from(ctx)
    new = NewConcept(concept_id, kind, label_nl, label_en, definition_nl, definition_en, source,
                     lines, quote, tuple(broader), tuple(related))
    with reported(project):
        path, locator = add_concept(project, new, force=force)
    click.echo(f"added concept {concept_id!r} ({kind}, {source} l. {locator}) to "
               f"{path.relative_to(project.root)}")
