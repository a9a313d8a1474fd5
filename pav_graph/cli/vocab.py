"""`pav-graph source add` and `pav-graph concept add`: growing the sources and the vocabulary.

The logic (checks, locking, atomic writes, near-duplicate detection) is in
:mod:`pav_graph.contrib`; these commands only read the flags and report.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pav_graph.cli.case.shared import complete_concept, complete_source, reported
from pav_graph.cli.common import echo_err, project_from
from pav_graph.ingest import FORMATS, MAX_BYTES, METADATA
from pav_graph.schema import KINDS, SOURCE_TYPES


@click.group()
def source() -> None:
    """Register source documents that cases can quote.

    \b
    Example:
      pav-graph source add --id nsob-twenterand-2024 --file rapport.pdf --type report
    """


@source.command("add")
@click.option("--id", "source_id", required=True, help="Source id, e.g. nsob-twenterand-2024.")
@click.option("--file", "--text", "doc_file", required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="The document: a PDF, an HTML page or a plain-text file (--text is the old name).")
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="Read the file as this format (default: from its first bytes).")
@click.option("--encoding", help="Encoding of a text or HTML file that is not UTF-8 and does "
              "not declare one, e.g. windows-1252.")
@click.option("--max-mb", type=click.IntRange(1, 2000), default=MAX_BYTES // 2**20, show_default=True,
              help="Refuse files larger than this many megabytes.")
@click.option("--type", "type_", required=True, type=click.Choice(SOURCE_TYPES), help="Kind of document.")
@click.option("--title", help="Title (default: the document's own, where it states one).")
@click.option("--author", "authors", multiple=True, help="An author; repeatable.")
@click.option("--date", help="Date of publication: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--year", help="Year of publication (when the date is not known).")
@click.option("--url", help="Where the document is published.")
@click.option("--publisher", help="Publisher or commissioning body.")
@click.option("--language", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
@click.option("--description-nl", help="One sentence on what the document is, in Dutch.")
@click.option("--description-en", help="The same in English.")
@click.option("--ask/--no-input", default=None,
              help="Ask for metadata the document does not state (default: when run in a "
              "terminal); --no-input marks it unknown instead.")
@click.pass_context
def source_add(ctx, source_id, doc_file, fmt, encoding, max_mb, type_, title, authors, date, year,
               url, publisher, language, description_nl, description_en, ask) -> None:
    """Read a document (PDF, HTML or text) into sources/texts/<id>.txt and write its metadata
    sources/<id>.yaml.

    \b
    PDF: the text of every page, pages kept (evidence may cite `page:` and the lines on it);
         a scanned PDF without a text layer is refused (no OCR).
    HTML: the article's main text (without menus, footers ...), wrapped at 100 characters.
    Text: kept as it is (UTF-8; --encoding for others); form feeds are page breaks.

    Title, authors, date, URL and publisher are taken from the document where it states them,
    asked for where it does not (in a terminal), and otherwise recorded as unknown. Never edit
    the stored text afterwards: the locators of every quote depend on it.

    \b
    Examples:
      pav-graph source add --id nsob-twenterand-2024 --file rapport.pdf --type report
      pav-graph source add --id nos-oefenstad-2025 --file artikel.html --type news --no-input
    """
    from pav_graph.contrib import SourceMeta, register_source
    from pav_graph.ingest import IngestError, ingest

    if bool(description_nl) != bool(description_en):
        raise click.UsageError("give both --description-nl and --description-en")
    if not doc_file.is_file():
        raise click.UsageError(f"--file {doc_file}: no such file")
    date = _check_date(date, "--date") or _check_date(year, "--year")
    project = project_from(ctx)
    try:
        doc = ingest(doc_file, fmt, encoding, max_mb * 2**20)
    except IngestError as exc:
        raise click.ClickException(str(exc)) from None
    for warning in doc.warnings:
        echo_err(f"warning: {doc_file}: {warning}")
    found = dict(doc.metadata)
    meta = SourceMeta(type=type_, language=language,
                      description=(description_nl, description_en) if description_nl else None)
    given = {"title": title, "authors": list(authors), "date": date, "url": url,
             "publisher": publisher}
    for key in METADATA:
        value = given[key] or found.get(key)
        if given[key]:
            meta.found_in[key] = ""
        elif value:
            meta.found_in[key] = doc.found_in.get(key, "the document")
        setattr(meta, key, value or ([] if key == "authors" else None))
    if ask is None:
        ask = sys.stdin.isatty()
    if ask:
        _ask_missing(meta)
    with reported(project):
        path = register_source(project, source_id, doc, meta)
    kind = {"pdf": "PDF", "html": "web page", "text": "text"}[doc.format]
    pages = f"{len(doc.pages)} pages, " if doc.paged else ""
    click.echo(f"registered source {source_id!r} from {doc_file.name} ({kind}, {pages}"
               f"{doc.line_count} lines): {path.relative_to(project.root)} and "
               f"sources/texts/{source_id}.txt")
    for key in METADATA:
        value = meta.get(key)
        shown = (", ".join(value) if isinstance(value, list) else value) or "unknown"
        origin = meta.found_in.get(key)
        click.echo(f"  {key}: {shown}" + (f"  (from {origin})" if origin else ""))


def _check_date(value: str | None, flag: str) -> str | None:
    from pav_graph.load import parse_date

    if not value:
        return None
    date = parse_date(value)
    if date is None:
        raise click.BadParameter(f"{value!r} is not a date — write YYYY, YYYY-MM or YYYY-MM-DD",
                                 param_hint=flag)
    return date


def _ask_missing(meta) -> None:
    """Ask for each metadata field the document did not state; empty means unknown."""
    questions = {"title": "Title", "authors": "Authors (separated by ';')",
                 "date": "Date of publication (YYYY[-MM[-DD]])", "url": "URL",
                 "publisher": "Publisher or commissioning body"}
    for key in meta.unknown:
        answer = click.prompt(f"{questions[key]} — the document does not say (empty: unknown)",
                              default="", show_default=False).strip()
        if not answer:
            continue
        if key == "authors":
            answer = [a.strip() for a in answer.split(";") if a.strip()]
        elif key == "date":
            answer = _check_date(answer, "date")
        setattr(meta, key, answer)
        meta.found_in[key] = ""


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
