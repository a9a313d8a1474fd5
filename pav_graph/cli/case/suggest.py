"""`pav-graph case suggest`: candidate claims from a source, as a list or reviewed one by one.

The list (text or JSON) never writes. ``--review`` walks through the suggestions and writes
only what the contributor accepts (:mod:`.review`), each through the validated, atomic edit
every ``case add-*`` command uses. The retrieval itself is :mod:`pav_graph.suggest`.
"""

from __future__ import annotations

import json
import textwrap

import click

from pav_graph.cli.case.group import case
from pav_graph.cli.case.shared import complete_case, complete_source, load_vocab
from pav_graph.cli.common import echo_err


@case.command("suggest")
@click.argument("source_id", metavar="SOURCE", shell_complete=complete_source)
@click.option("--case", "case_ref", shell_complete=complete_case,
              help="The case (an id in cases/ or a draft file): focus on the passages that name "
              "it, skip what it already quotes, and write accepted suggestions into it.")
@click.option("--about", "about", multiple=True,
              help="How the source names the case (repeatable), instead of the organisation "
              "names and title of the case file.")
@click.option("--whole-source", is_flag=True,
              help="The whole source is about the case: no focus on passages that name it.")
@click.option("--kind", "kinds", multiple=True,
              help="Only concepts of this kind (repeatable): pattern, risk-factor, dilemma, "
              "framework, criterion, influence-means, intervention, relation-type, event-type.")
@click.option("--top", default=20, show_default=True, type=click.IntRange(0),
              help="How many concepts to show (0: all).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--review", is_flag=True,
              help="Go through the suggestions one by one (needs --case): accept, skip, take "
              "another passage, change the concept or the stance, basis or voice.")
@click.option("--no-input", is_flag=True, help="Never ask (with --review: refused).")
@click.pass_context
def suggest_cmd(ctx, source_id, case_ref, about, whole_source, kinds, top, fmt, review,
                no_input) -> None:
    """Suggest claims for a case from SOURCE: for each concept of the vocabulary, the passages
    that best match it, with a ready quote, its lines (and page) and a score.

    Suggestions are lexical (BM25 over Dutch stems of the concepts' labels, definitions and the
    corpus's verified quotes): read each one — a score says how alike the words are, not that
    the source says it of the case. Hedging and negation words are flagged and set the
    suggested stance. Nothing is written unless you accept it with --review.

    \b
    Examples:
      pav-graph case suggest essay-2025 --case houten
      pav-graph case suggest oefen-rapport-2025 --case oefenstad-2025.yaml --review
      pav-graph case suggest nyenrode-2023 --kind pattern --top 0 --format json
    """
    from pav_graph.suggest import SUGGESTED_KINDS

    if review and no_input:
        raise click.UsageError("--review asks for every suggestion; it cannot run with --no-input")
    if review and not case_ref:
        raise click.UsageError("--review writes into a case: give it with --case ID (or a draft file)")
    if review and fmt == "json":
        raise click.UsageError("--review is interactive; leave out --format json")
    if about and whole_source:
        raise click.UsageError("--about and --whole-source exclude each other")
    from pav_graph.problems import did_you_mean

    for k in kinds:
        if k not in SUGGESTED_KINDS:
            raise click.UsageError(f"--kind {k!r} is not a kind that is suggested — "
                                   + did_you_mean(k, SUGGESTED_KINDS, "kind"))
    project, vocab = load_vocab(ctx)
    source = _source(project, vocab, source_id)
    path, data = _case(project, case_ref) if case_ref else (None, None)
    result, profs = run(project, vocab, source, data, about, whole_source, tuple(kinds))
    if not result.passages:
        raise click.ClickException(f"source {source_id!r} has no text to suggest from "
                                   f"({source.text_path.name}: no sentence of 12 letters or more)")
    if result.note:
        echo_err(f"note: {result.note}")
    if not result.items:
        what = f" of kind {', '.join(kinds)}" if kinds else ""
        echo_err(f"no suggestions: no passage of {source_id!r} shares a word with a concept{what}"
                 + (" that the case does not already quote there" if data else ""))
        if fmt == "json":
            click.echo(json.dumps(_json(result, data, []), ensure_ascii=False, indent=2))
        return
    shown = result.items if top == 0 else result.items[:top]
    if fmt == "json":
        click.echo(json.dumps(_json(result, data, shown), ensure_ascii=False, indent=2))
        return
    if review:
        from pav_graph.cli.case.review import review_all

        review_all(ctx, project, vocab, source, path, shown, profs)
        return
    _print_list(result, data, shown, case_ref)


def _source(project, vocab, source_id: str):
    from pav_graph.problems import did_you_mean

    source = vocab.sources.get(source_id)
    if source is not None:
        return source
    meta = project.sources_dir / f"{source_id}.yaml"
    if meta.is_file():  # registered, but the loader refused it (its text is missing or unreadable)
        why = next((p for p in vocab.problems.errors if p.file.resolve() == meta.resolve()), None)
        raise click.ClickException(f"source {source_id!r} has no readable text"
                                   + (f": {why.message} — {why.fix}" if why else ""))
    raise click.UsageError(f"unknown source {source_id!r} — "
                           + did_you_mean(source_id, vocab.sources, "source id")
                           + " (register a new one with `pav-graph source add`)")


def _case(project, case_ref: str):
    from pav_graph.cli.case.shared import case_data

    path, data = case_data(project, case_ref)
    return path, data


def existing_places(data: dict | None) -> set[tuple[str, int, int]]:
    """(concept, first, last) of every quote the case already has, in file lines as written
    (page-relative lines are compared after conversion by the caller's source)."""
    out: set[tuple[str, int, int]] = set()
    if not data:
        return out
    for kind, key in (("findings", "concept"), ("interventions", "concept"),
                      ("relations", "type"), ("events", "type")):
        for item in data.get(kind) or []:
            if not isinstance(item, dict) or not item.get(key):
                continue
            for ev in item.get("evidence") or []:
                if isinstance(ev, dict):
                    out.add((item[key], ev.get("source"), ev.get("page"), str(ev.get("lines"))))
    return out


def _skip(source, data) -> set[tuple[str, int, int]]:
    from pav_graph.ingest.locate import file_lines
    from pav_graph.sourcetext import parse_lines

    skip = set()
    for concept, sid, page, lines in existing_places(data):
        span = parse_lines(lines)
        if sid != source.id or span is None:
            continue
        span, _ = file_lines(source, span, page)
        if span:
            skip.add((concept, *span))
    return skip


def run(project, vocab, source, data, about=(), whole_source=False, kinds=()):
    """The suggestions for ``source`` (and the case ``data``), and the profiles behind them."""
    from pav_graph.load import load_corpus
    from pav_graph.suggest import mention_terms, profiles, suggest

    corpus, _ = load_corpus(project, check_quotes=False)
    # the source's own quotes are left out: the suggestions are then what the leave-one-source-
    # out measurement measured, and a passage is not suggested only because some case quotes it
    profs = profiles(vocab.concepts, corpus.cases, corpus.mechanisms, exclude={source.id})
    terms = None
    if data is not None and not whole_source:
        terms = list(about) or mention_terms(data)
    elif about:
        terms = list(about)
    result = suggest(source, profs, terms=terms, kinds=kinds or None,
                     skip=_skip(source, data) if data else None)
    if data is not None and not whole_source and not terms:
        result.note = ("the case file names no organisation or place to look for: the suggestions "
                       "are not focused on the case (say how the source names it with --about)")
    return result, profs


def _json(result, data, shown) -> dict:
    return {"source": result.source, "case": (data or {}).get("id"), "passages": result.passages,
            "focus": result.terms, "passages_naming_case": result.named if result.terms else None,
            "note": result.note, "concepts_with_suggestions": len(result.items),
            "suggestions": [s.as_json() for s in shown]}


def _print_list(result, data, shown, case_ref) -> None:
    head = f"Suggestions from {result.source}"
    if data is not None:
        head += f" for case {data.get('id', case_ref)}"
    if result.terms and result.named:
        head += (f" (named as {' / '.join(result.terms)} in {result.named} of "
                 f"{result.passages} passages)")
    click.echo(head + ":")
    for n, s in enumerate(shown, 1):
        click.echo(f"{n:>3}. {s.score:5.2f}  {s.kind:<15} {s.concept} — {s.label}")
        quote = textwrap.shorten(s.passage.quote, 300, placeholder=" …")
        click.echo(textwrap.fill(f"{s.locator}: “{quote}”", 100, initial_indent=" " * 11,
                                 subsequent_indent=" " * 12))
        click.echo(" " * 11 + describe(s))
    more = len(result.items) - len(shown)
    tail = (f"{len(shown)} of {len(result.items)} concepts shown"
            + (" (--top 0 for all, --format json for the quotes in full)" if more else "") + ". ")
    click.echo(tail + "Nothing was written" + ("; accept suggestions with --review."
                                               if data is not None else
                                               "; give a case with --case to review them."))


def describe(s) -> str:
    """One line: matched words, cues, and the suggested qualifiers with their reasons."""
    parts = [f"matched: {', '.join(s.matched[:6]) or '—'}"
             + (f" (like its {s.closest})" if s.closest else "")]
    if s.names_case:
        parts.append("names the case")
    parts.append(f"stance {s.stance}" + (f" ({s.stance_reason})" if s.stance_reason else ""))
    parts.append(f"basis {s.basis}")
    parts.append(f"voice {s.voice}" + (f" ({s.voice_reason})" if s.voice_reason else ""))
    if s.others:
        parts.append(f"+{len(s.others)} other passage(s)")
    return " · ".join(parts)
