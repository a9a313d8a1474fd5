"""`pav-graph case new`: a fresh, commented case file, asked for or given as flags."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import click

from pav_graph.cli.case.group import case
from pav_graph.cli.case.shared import (
    check_date,
    columns,
    complete_concept,
    complete_source,
    prompt_choice,
    reported,
)
from pav_graph.cli.common import echo_err, project_from
from pav_graph.project import Project
from pav_graph.schema import LEVELS, SOURCE_TYPES

# --------------------------------------------------------------------------- case new


@case.command("new")
@click.option("--id", "case_id", help="Case id: lower-case letters, digits and '-' (e.g. houten-2024).")
@click.option("--label-nl", help="Short Dutch title.")
@click.option("--label-en", help="Short English title.")
@click.option("--organisation", help="Name of the organisation, e.g. 'Gemeente Houten'.")
@click.option("--level", type=click.Choice(LEVELS), help="Level of government.")
@click.option("--start", help="Start of the period: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--end", help="End of the period.")
@click.option("--summary-nl", help="Summary in Dutch, in your own words (may be filled in later).")
@click.option("--summary-en", help="Summary in English (may be filled in later).")
@click.option("--source", shell_complete=complete_source, help="Id of the (registered) source.")
@click.option("--role", "roles", multiple=True, shell_complete=complete_concept("role"),
              help="A role taking part (becomes an actor); repeatable.")
@click.option("--concept", "concepts", multiple=True, shell_complete=complete_concept(),
              help="A concept the case exhibits (risk factor, pattern, ...); repeatable.")
@click.option("--evidence", "evidence_pairs", nargs=2, multiple=True,
              metavar="CONCEPT QUOTE",
              help="A verbatim quote from --source as evidence for CONCEPT (added to the concepts "
              "when not given with --concept); repeatable, also for the same concept.")
@click.option("--quote", help="Verbatim quote from --source supporting the FIRST --concept.")
@click.option("--lines", help="Lines of --quote in the source text (found automatically if unique).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: ./<id>.yaml).")
@click.option("--no-input", is_flag=True, help="Never prompt; missing required values are an error.")
@click.option("--force", is_flag=True, help="With --no-input: overwrite an existing output file.")
@click.pass_context
def new(ctx: click.Context, case_id, label_nl, label_en, organisation, level, start, end,
        summary_nl, summary_en, source, roles, concepts, evidence_pairs, quote, lines, output,
        no_input, force) -> None:
    """Write a new, commented case file, asking for what the flags do not give.

    Interactive by default: every value not given as a flag is asked for, with numbered choices
    from the vocabulary. With --no-input nothing is asked (for scripts).

    Every concept can get its evidence here: asked for one by one, or with --evidence CONCEPT
    QUOTE (repeatable); the lines (and the page of a PDF) are found in the source. The new
    file is a draft: it is valid only once it has evidence. Concepts chosen without a quote are
    written as findings with `evidence: []`, which `case validate` reports as "needs evidence"
    together with the `case add-finding` command that adds it.

    \b
    Examples:
      pav-graph case new
      pav-graph case new --no-input --id houten-2024 --label-nl "Houten: ..." \\
          --label-en "Houten: ..." --organisation "Gemeente Houten" --level gemeente \\
          --source essay-2025 --role gemeentesecretaris --concept kwetsende-bejegening \\
          --evidence frame-lock "Dit heeft geleid tot ‘frame-lock’"
    """
    from pav_graph import casefile
    from pav_graph.contrib import (
        ID_RE,
        ContribError,
        Vocabulary,
        case_ids,
        known_organisations,
    )
    from pav_graph.contrib.evidence import evidence_item, locate

    project = project_from(ctx)
    ask = not no_input
    with reported(project):
        vocab = Vocabulary.load(project)
    existing = set(case_ids(project))
    orgs = known_organisations(project)

    def check_id(value: str) -> str:
        value = str(value).strip()
        if not ID_RE.match(value):
            raise click.BadParameter(f"{value!r} is not a valid id — use lower-case letters, digits "
                                     f"and '-', e.g. '{casefile.slug(value) or 'gemeente-2025'}'",
                                     param_hint="--id")
        if value in existing:
            raise click.BadParameter(f"case {value!r} already exists (cases/{value}.yaml) — choose "
                                     f"another id, or add to it with `pav-graph case add-finding {value} ...`",
                                     param_hint="--id")
        return value

    if no_input:
        missing = [flag for flag, v in (("--id", case_id), ("--label-nl", label_nl),
                                        ("--label-en", label_en), ("--organisation", organisation),
                                        ("--level", level)) if not v]
        if missing:
            raise click.UsageError(f"missing {', '.join(missing)} (required with --no-input)")
    if quote and not concepts:
        raise click.UsageError("--quote needs a --concept (the quote is evidence for the first one)")
    if (quote or lines or evidence_pairs) and not source:
        raise click.UsageError("--quote/--lines/--evidence need --source")

    if case_id:
        case_id = check_id(case_id)
    else:
        click.echo("A new case. Values in [brackets] are defaults; Ctrl-C stops without writing.")
        case_id = click.prompt("Case id (e.g. houten-2024)", value_proc=check_id)
    label_nl = label_nl or click.prompt("Title in Dutch (label.nl)")
    label_en = label_en or click.prompt("Title in English (label.en)")

    if not organisation:
        names = sorted({name for name, _ in orgs.values()})
        click.echo(f"\nKnown organisations ({len(names)}); give a number or a new name:")
        columns(names)
        answer = click.prompt("Organisation (name)")
        organisation = names[int(answer) - 1] if answer.isdigit() and 0 < int(answer) <= len(names) else answer
    org_id = casefile.slug(organisation)
    if not org_id:
        raise click.BadParameter(f"{organisation!r} gives no id", param_hint="--organisation")
    known = orgs.get(org_id)
    if not level:
        level = click.prompt("Level of government", type=click.Choice(LEVELS),
                             default=known[1] if known else None)
    if known and (known[0], known[1]) != (organisation, level):
        raise click.BadParameter(f"other cases write {org_id!r} as {known[0]!r} ({known[1]}) — use "
                                 "the same name and level", param_hint="--organisation/--level")

    start = check_date(start, "--start") if start else (
        click.prompt("Start of the period (YYYY[-MM[-DD]], empty if unknown)", default="",
                     show_default=False, value_proc=lambda v: check_date(v, "start") or "")
        if ask else None)
    end = check_date(end, "--end") if end else (
        click.prompt("End of the period (empty if unknown)", default="", show_default=False,
                     value_proc=lambda v: check_date(v, "end") or "") if ask else None)
    if start and end and end < start[: len(end)]:
        raise click.BadParameter(f"the period ends ({end}) before it starts ({start})",
                                 param_hint="--start/--end")

    sources = sorted(vocab.sources)
    if source:
        with reported(project):
            vocab.source(source)
    elif ask:
        labels = {s: (vocab.sources[s].title or vocab.sources[s].type) for s in sources}
        source = prompt_choice("Source (the document the case is built from)", sources, labels,
                                many=False, what="source id", default="") or None

    def pick(kind_title: str, kinds: tuple[str, ...]) -> list[str]:
        options = [c.id for c in vocab.of_kind(*kinds)]
        labels = {c.id: c.label.get("nl", "") for c in vocab.of_kind(*kinds)}
        return prompt_choice(kind_title, options, labels, many=True, what="concept id")

    with reported(project):
        for r in roles:
            vocab.concept(r, ("role",), flag="--role")
        for c in concepts:
            vocab.concept(c)
    if not roles and ask:
        roles = pick("Roles taking part (each becomes an actor)", ("role",))
    if not concepts and ask:
        concepts = pick("Risk factors (risicofactoren)", ("risk-factor",))
        concepts += pick("Patterns (patronen)", ("pattern",))
    if ask:
        summary_nl = summary_nl or click.prompt("Summary in Dutch, own words (empty: later)",
                                                default="", show_default=False)
        summary_en = summary_en or click.prompt("Summary in English (empty: later)", default="",
                                                show_default=False)

    src = vocab.sources.get(source) if source else None
    found: list[tuple[str, object, str]] = []  # (concept, Located, quote) in the order given
    if quote:
        with reported(project):
            found.append((concepts[0], locate(src, quote, lines), quote))
    for cid, text in evidence_pairs:
        with reported(project):
            vocab.concept(cid, flag="--evidence")
            try:
                found.append((cid, locate(src, text), text))
            except ContribError as exc:
                exc.message = f"--evidence {cid}: {exc.message}"
                if "times" in exc.message:
                    exc.fix = (f"leave it out here and add it with `pav-graph case add-finding "
                               f"--concept {cid} --source {source} --lines L --quote ...`")
                raise
        if cid not in concepts:
            concepts = (*concepts, cid)
        where = found[-1][1]
        how = "" if where.match.exact else f": {where.match.how}"
        click.echo(f"evidence for '{cid}' found at {where.where}{how}")
    if not quote and not evidence_pairs and ask and src is not None:
        for cid in concepts:
            label = vocab.concepts[cid].label.get("nl", cid)
            while True:
                text = click.prompt(f"Quote from {source} showing '{label}' (empty: add later)",
                                    default="", show_default=False)
                if not text.strip():
                    break
                try:
                    where = locate(src, text)
                except ContribError as exc:
                    if "times" not in exc.message:
                        echo_err(f"Error: {exc}")
                        continue
                    places = [f"{a}-{b}" for a, b in
                              src.text.match(text, src.quotes == "normalised").places]
                    chosen = click.prompt("It stands more than once; which lines",
                                          type=click.Choice(places))
                    where = locate(src, text, chosen)
                how = "" if where.match.exact else f": {where.match.how}"
                click.echo(f"  found at {where.where}{how}")
                found.append((cid, where, text))
                break

    role_labels = {c.id: c.label for c in vocab.of_kind("role")}
    actors = [casefile.NewActor(r, r, f"{role_labels[r]['nl']} ({organisation})",
                                f"{role_labels[r]['en']} ({organisation})") for r in roles]
    draft = casefile.Draft(
        id=case_id, label_nl=label_nl, label_en=label_en, organisation_id=org_id,
        organisation_name=organisation, level=level, summary_nl=summary_nl or "",
        summary_en=summary_en or "", start=start or None, end=end or None, source=source,
        source_type=vocab.sources[source].type if source and vocab.sources[source].type in SOURCE_TYPES else None,
        actors=actors, concepts=list(concepts), evidence={})

    output = output or Path(f"{case_id}.yaml")
    if output.exists():
        if no_input and not force:
            raise click.ClickException(f"{output} exists — choose another -o, or pass --force to "
                                       "overwrite it")
        if ask and not click.confirm(f"{output} exists. Overwrite it?", default=False):
            raise click.ClickException("nothing was written")
    schema = os.path.relpath(project.ontology_dir / "case.schema.json", output.resolve().parent)
    from pav_graph.atomic import write_text

    text = casefile.render_new_case(draft, schema)
    for cid, where, quote_text in found:  # fills each placeholder, then adds to the finding
        text = casefile.add_finding(text, cid, evidence_item(source, where, quote_text))
    write_text(output, text)
    click.echo(f"wrote {output}")
    _todo(project, vocab, output, text)


def _todo(project: Project, vocab, path: Path, text: str) -> None:
    """Say what the file still needs, as commands."""
    from pav_graph.contrib import validate_case_text

    problems = validate_case_text(project, vocab, text, path)
    if not problems:
        click.echo(f"valid — add it to the corpus with: pav-graph case add {path}")
        return
    click.echo("still to do (`pav-graph case validate` reports the same):")
    for p in explain(problems, path, text):
        click.echo(f"  {p.format()}")


def explain(problems, path: Path, text: str):
    """Give drafts' typical gaps a concrete fix: the command that fills them in."""
    from pav_graph import yamlio

    try:  # the strict loader: a draft may hold what the problems above are about (2023-02-30)
        data = yamlio.loads(text)
    except yamlio.YamlError:
        data = {}
    import re

    lines = text.split("\n")
    for p in problems:
        if (len(p.path) == 3 and p.path[0] == "findings" and p.path[2] == "evidence"
                and p.message.endswith("must not be empty")):
            with contextlib.suppress(Exception):
                concept = data["findings"][p.path[1]]["concept"]
                # `case new` notes the chosen source on the placeholder line
                m = re.search(r"--source ([a-z0-9-]+)", lines[p.line - 1]) if p.line else None
                p.message = f"finding '{concept}' needs evidence"
                p.fix = (f"pav-graph case add-finding {path} --concept {concept} --source "
                         f"{m.group(1) if m else 'SOURCE'} --lines L --quote \"verbatim passage\"")
        elif p.path in (("summary", "nl"), ("summary", "en")) and p.message.endswith("must not be empty"):
            p.fix = "write a summary in your own words (Dutch in nl:, English in en:)"
    return sorted(problems, key=lambda p: (str(p.file), p.line or 0, p.column or 0))

