"""Items of a case file: `case add-finding`, `add-relation`, `add-intervention`, `add-event`,
`add-actor`. Each checks everything first and then only inserts lines (:mod:`pav_graph.casefile`).
"""

from __future__ import annotations

import click

from pav_graph.cli.case.group import case
from pav_graph.cli.case.shared import (
    actor_check,
    apply_edit,
    case_data,
    check_date,
    complete_case,
    complete_concept,
    evidence_for,
    evidence_options,
    load_vocab,
    pair,
    reported,
)


@case.command("add-finding")
@click.argument("case_ref", metavar="CASE", shell_complete=complete_case)
@click.option("--concept", required=True, shell_complete=complete_concept(), help="Concept id.")
@evidence_options
@click.option("--note", help="A remark in your own words (new findings only).")
@click.pass_context
def add_finding(ctx, case_ref, concept, source, page, lines, quote, note) -> None:
    """Add a finding (or more evidence to an existing one) to CASE (an id or a file).

    \b
    Example:
      pav-graph case add-finding maastricht-2025 --concept frame-lock --source essay-2025 \\
          --lines 47 --quote "Dit heeft geleid tot ‘frame-lock’"
    """
    from pav_graph import casefile

    project, vocab = load_vocab(ctx)
    with reported(project):
        vocab.concept(concept)
    ev = evidence_for(project, vocab, source, lines, quote, page)
    apply_edit(ctx, case_ref, lambda t: casefile.add_finding(t, concept, ev, note), f"finding '{concept}'")




@case.command("add-relation")
@click.argument("case_ref", metavar="CASE", shell_complete=complete_case)
@click.option("--type", "type_", required=True, shell_complete=complete_concept("relation-type"),
              help="Relation type (a concept of kind relation-type).")
@click.option("--from", "from_", required=True, help="Actor id (in this case) the relation starts at.")
@click.option("--to", required=True, help="Actor id the relation points to.")
@evidence_options
@click.option("--note", help="A remark in your own words.")
@click.pass_context
def add_relation(ctx, case_ref, type_, from_, to, source, page, lines, quote, note) -> None:
    """Add a typed relation between two actors of CASE, with its evidence."""
    from pav_graph import casefile

    project, vocab = load_vocab(ctx)
    with reported(project):
        vocab.concept(type_, ("relation-type",), flag="--type")
    _, data = case_data(project, case_ref)
    actor_check(project, data, "--from", from_)
    actor_check(project, data, "--to", to)
    ev = evidence_for(project, vocab, source, lines, quote, page)
    apply_edit(ctx, case_ref, lambda t: casefile.add_relation(t, type_, from_, to, ev, note),
          f"relation '{type_}'")




@case.command("add-intervention")
@click.argument("case_ref", metavar="CASE", shell_complete=complete_case)
@click.option("--concept", required=True, shell_complete=complete_concept("intervention"),
              help="An intervention concept.")
@click.option("--status", required=True, type=click.Choice(["applied", "recommended"]))
@click.option("--outcome-nl", help="Outcome in Dutch, only as the source states it.")
@click.option("--outcome-en", help="Outcome in English.")
@evidence_options
@click.option("--note", help="A remark in your own words.")
@click.pass_context
def add_intervention(ctx, case_ref, concept, status, outcome_nl, outcome_en, source, page, lines,
                     quote, note) -> None:
    """Add an intervention (applied or recommended) to CASE, with its evidence."""
    from pav_graph import casefile

    outcome = pair(outcome_nl, outcome_en, "outcome")
    project, vocab = load_vocab(ctx)
    with reported(project):
        vocab.concept(concept, ("intervention",))
    ev = evidence_for(project, vocab, source, lines, quote, page)
    apply_edit(ctx, case_ref, lambda t: casefile.add_intervention(t, concept, status, ev, outcome, note),
          f"intervention '{concept}'")


@case.command("add-event")
@click.argument("case_ref", metavar="CASE", shell_complete=complete_case)
@click.option("--label-nl", required=True, help="What happened, in Dutch.")
@click.option("--label-en", required=True, help="What happened, in English.")
@click.option("--date", help="YYYY, YYYY-MM or YYYY-MM-DD, as precise as the source.")
@click.option("--type", "type_", shell_complete=complete_concept("event-type"),
              help="Event type (a concept of kind event-type).")
@click.option("--actor", "actors", multiple=True, help="Actor id of this case; repeatable.")
@click.option("--reason-nl", help="The reason the source gives, in Dutch.")
@click.option("--reason-en", help="The reason, in English.")
@evidence_options
@click.pass_context
def add_event(ctx, case_ref, label_nl, label_en, date, type_, actors, reason_nl, reason_en,
              source, page, lines, quote) -> None:
    """Add a dated event to CASE, with its evidence."""
    from pav_graph import casefile

    date = check_date(date, "--date")
    reason = pair(reason_nl, reason_en, "reason")
    project, vocab = load_vocab(ctx)
    if type_:
        with reported(project):
            vocab.concept(type_, ("event-type",), flag="--type")
    _, data = case_data(project, case_ref)
    for a in actors:
        actor_check(project, data, "--actor", a)
    ev = evidence_for(project, vocab, source, lines, quote, page)
    apply_edit(ctx, case_ref, lambda t: casefile.add_event(t, (label_nl, label_en), ev, date, type_,
                                                      list(actors), reason), "event")


@case.command("add-actor")
@click.argument("case_ref", metavar="CASE", shell_complete=complete_case)
@click.option("--id", "actor_id", required=True, help="Actor id, local to the case (e.g. college).")
@click.option("--role", required=True, shell_complete=complete_concept("role"), help="Role id.")
@click.option("--organisation", help="Organisation id of this case.")
@click.option("--label-nl", required=True, help="e.g. 'de gemeentesecretaris van Houten'.")
@click.option("--label-en", required=True, help="e.g. 'the municipal secretary of Houten'.")
@click.pass_context
def add_actor(ctx, case_ref, actor_id, role, organisation, label_nl, label_en) -> None:
    """Add an actor (by role, never by private name) to CASE."""
    from pav_graph import casefile
    from pav_graph.problems import did_you_mean

    project, vocab = load_vocab(ctx)
    with reported(project):
        vocab.concept(role, ("role",), flag="--role")
    _, data = case_data(project, case_ref)
    if any(isinstance(a, dict) and a.get("id") == actor_id for a in data.get("actors") or []):
        raise click.UsageError(f"--id {actor_id!r}: the case already has this actor")
    orgs = [o.get("id") for o in data.get("organisations") or [] if isinstance(o, dict)]
    if organisation is None and len(orgs) == 1:
        organisation = orgs[0]
    if organisation and organisation not in orgs:
        raise click.UsageError(f"--organisation {organisation!r}: not in this case — "
                               + did_you_mean(organisation, orgs, "organisation id"))
    apply_edit(ctx, case_ref, lambda t: casefile.add_actor(t, actor_id, role, (label_nl, label_en),
                                                      organisation), f"actor '{actor_id}'")


