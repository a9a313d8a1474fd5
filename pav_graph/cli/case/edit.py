"""Changing what is in a case file: `case edit-finding` and `case remove-item`.

Like the add-* commands, each checks everything first, changes only the lines of the item it
edits (:mod:`pav_graph.caseedit`) and writes nothing when the result would have a problem the
file did not have before (:func:`pav_graph.contrib.edit_case`).
"""

from __future__ import annotations

import click

from pav_graph.cli.case.group import case
from pav_graph.cli.case.shared import (
    complete_case,
    complete_concept,
    complete_source,
    evidence_for,
    load_vocab,
    reported,
)
from pav_graph.cli.common import project_from


def _change(ctx: click.Context, case_ref: str, change, done: str) -> None:
    from pav_graph.contrib import edit_case, resolve_case

    project = project_from(ctx)
    vocab = ctx.meta.get("pav_graph.vocab")
    with reported(project):
        path = resolve_case(project, case_ref)
        edit_case(project, path, change, vocab)
    click.echo(f"{done} {path}")


def claim_options(command):
    """The options that name one claim of a case (the same in every command that takes one)."""
    for option in reversed([
        click.option("--finding", shell_complete=complete_concept(), help="The finding with this concept."),
        click.option("--relation", help="A relation: its number (1 = the first) or its type."),
        click.option("--intervention", help="An intervention: its number or its concept."),
        click.option("--event", help="An event: its number or its type."),
    ]):
        command = option(command)
    return command


@case.command("edit-finding")
@click.argument("case_ref", metavar="CASE", shell_complete=complete_case)
@click.option("--concept", required=True, shell_complete=complete_concept(),
              help="The concept of the finding to change.")
@click.option("--to", "to_concept", shell_complete=complete_concept(),
              help="Give the finding this concept instead.")
@click.option("--note", help="Set the finding's note (own words); --note '' removes it.")
@click.option("--evidence", "evidence_no", type=click.IntRange(1),
              help="Replace evidence item N (1 = the first) with --source/--quote/--lines.")
@click.option("--source", shell_complete=complete_source, help="Source of the new evidence.")
@click.option("--page", type=click.IntRange(1), help="Page (sources with pages) --lines counts in.")
@click.option("--lines", help="Lines of the new quote (found automatically when unique).")
@click.option("--quote", help="The new verbatim quote.")
@click.pass_context
def edit_finding(ctx, case_ref, concept, to_concept, note, evidence_no, source, page, lines,
                 quote) -> None:
    """Change one finding of CASE: its concept, its note, or one of its evidence items.

    Every other line of the file stays as it is.

    \b
    Examples:
      pav-graph case edit-finding maastricht-2025 --concept frame-lock --note "Volgens het essay"
      pav-graph case edit-finding my-case.yaml --concept herhaling --evidence 1 \\
          --source essay-2025 --quote "Steeds weer zijn er conflicten"
    """
    from pav_graph import caseedit

    if not (to_concept or note is not None or evidence_no):
        raise click.UsageError("say what to change: --to, --note or --evidence N with --quote")
    if evidence_no and not (source and quote):
        raise click.UsageError("--evidence N needs --source and --quote (the new evidence)")
    if (source or quote or lines or page) and not evidence_no:
        raise click.UsageError("--source/--quote/--lines/--page replace an evidence item: "
                               "say which with --evidence N")
    project, vocab = load_vocab(ctx)
    with reported(project):
        vocab.concept(concept)
        if to_concept:
            vocab.concept(to_concept, flag="--to")
    ev = evidence_for(project, vocab, source, lines, quote, page) if evidence_no else None

    def change(text: str) -> str:
        i = caseedit.find_item(text, "findings", concept)
        if ev is not None:
            evidence = caseedit.parse(text)["findings"][i].get("evidence") or []
            if evidence_no > len(evidence):
                raise caseedit.EditError(f"finding '{concept}' has {len(evidence)} evidence "
                                         f"item(s), not {evidence_no}")
            text = caseedit.replace_item(text, ("findings", i, "evidence"), evidence_no - 1, ev)
        if note is not None:
            text = caseedit.set_value(text, ("findings", i), "note", note or None)
        if to_concept and to_concept != concept:
            others = [f.get("concept") for f in caseedit.parse(text)["findings"]]
            if to_concept in others:
                raise caseedit.EditError(f"the case already has a finding '{to_concept}': add "
                                         "this evidence to it and remove this finding instead")
            text = caseedit.set_value(text, ("findings", i), "concept", to_concept)
        return text

    _change(ctx, case_ref, change, f"finding '{concept}' changed in")


@case.command("remove-item")
@click.argument("case_ref", metavar="CASE", shell_complete=complete_case)
@claim_options
@click.option("--actor", help="An actor, by its id (refused while relations or events name it).")
@click.option("--evidence", "evidence_no", type=click.IntRange(1),
              help="Remove only evidence item N of that item (not its last one).")
@click.pass_context
def remove_item(ctx, case_ref, finding, relation, intervention, event, actor, evidence_no) -> None:
    """Remove one item (or one evidence item of it) from CASE; every other line stays.

    An item whose removal would break the file — the last evidence of a finding, an actor that
    a relation names, the only claim of a case — is refused before anything is written.

    \b
    Examples:
      pav-graph case remove-item my-case.yaml --finding herhaling
      pav-graph case remove-item my-case.yaml --event 2 --evidence 1
    """
    from pav_graph import caseedit

    chosen = [(kind, value) for kind, value in (("findings", finding), ("relations", relation),
                                                ("interventions", intervention), ("events", event),
                                                ("actors", actor)) if value]
    if len(chosen) != 1:
        raise click.UsageError("name one item: --finding, --relation, --intervention, --event "
                               "or --actor")
    kind, selector = chosen[0]
    if evidence_no and kind == "actors":
        raise click.UsageError("--evidence is for findings, relations, interventions and events")
    what = f"{kind[:-1]} '{selector}'" + (f" evidence {evidence_no}" if evidence_no else "")

    def change(text: str) -> str:
        i = caseedit.find_item(text, kind, selector)
        if not evidence_no:
            return caseedit.remove_item(text, (kind,), i)
        evidence = caseedit.parse(text)[kind][i].get("evidence") or []
        if evidence_no > len(evidence):
            raise caseedit.EditError(f"{kind[:-1]} '{selector}' has {len(evidence)} evidence "
                                     f"item(s), not {evidence_no}")
        return caseedit.remove_item(text, (kind, i, "evidence"), evidence_no - 1)

    _change(ctx, case_ref, change, f"{what} removed from")


@case.command("qualify")
@click.argument("case_ref", metavar="CASE", shell_complete=complete_case)
@claim_options
@click.option("--stance", help="states | hedges | denies (states, the default, removes the key).")
@click.option("--basis", help="manifest | latent (manifest, the default, removes the key).")
@click.option("--voice", help="author | respondents | cited-report | media | office-holder "
              "(author, the default, removes the key).")
@click.option("--attributed-to-nl", help="Who exactly says it, in Dutch (never a respondent code "
              "or a private person's name).")
@click.option("--attributed-to-en", help="The same in English.")
@click.option("--no-attributed-to", is_flag=True, help="Remove attributed_to.")
@click.pass_context
def qualify(ctx, case_ref, finding, relation, intervention, event, stance, basis, voice,
            attributed_to_nl, attributed_to_en, no_attributed_to) -> None:
    """Change how the source says a claim of CASE: its stance, basis, voice or attributed_to.

    Only the qualifier's own line changes (or is added, or removed when set back to its
    default); the rest of the file stays as it is. The coding rules are in
    docs/annotation-guide.md.

    \b
    Examples:
      pav-graph case qualify maastricht-2025 --finding frame-lock --stance hedges
      pav-graph case qualify my-case.yaml --event 2 --voice cited-report \\
          --attributed-to-nl "het NSOB-rapport" --attributed-to-en "the NSOB report"
    """
    from pav_graph import caseedit
    from pav_graph.claims import DEFAULTS, QUALIFIERS
    from pav_graph.problems import did_you_mean

    chosen = [(kind, value) for kind, value in (("findings", finding), ("relations", relation),
                                                ("interventions", intervention), ("events", event))
              if value]
    if len(chosen) != 1:
        raise click.UsageError("name one claim: --finding, --relation, --intervention or --event")
    if bool(attributed_to_nl) != bool(attributed_to_en):
        raise click.UsageError("give both --attributed-to-nl and --attributed-to-en")
    if attributed_to_nl and no_attributed_to:
        raise click.UsageError("--attributed-to-nl/-en and --no-attributed-to exclude each other")
    given = {"stance": stance, "basis": basis, "voice": voice}
    for key, value in given.items():
        if value is not None and value not in QUALIFIERS[key]:
            raise click.UsageError(f"--{key} {value!r} is not one of {', '.join(QUALIFIERS[key])}"
                                   f" — {did_you_mean(value, QUALIFIERS[key], key)}")
    if not any(v is not None for v in given.values()) and not (attributed_to_nl or no_attributed_to):
        raise click.UsageError("say what to change: --stance, --basis, --voice or --attributed-to-nl/-en")
    kind, selector = chosen[0]

    def change(text: str) -> str:
        i = caseedit.find_item(text, kind, selector)
        for key, value in given.items():
            if value is not None:
                text = caseedit.set_value(text, (kind, i), key,
                                          None if value == DEFAULTS[key] else value)
        if attributed_to_nl:
            text = caseedit.set_value(text, (kind, i), "attributed_to",
                                      {"nl": attributed_to_nl, "en": attributed_to_en})
        elif no_attributed_to:
            text = caseedit.set_value(text, (kind, i), "attributed_to", None)
        return text

    load_vocab(ctx)
    _change(ctx, case_ref, change, f"{kind[:-1]} '{selector}' qualified in")
