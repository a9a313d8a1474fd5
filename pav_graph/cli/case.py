"""`pav-graph case ...`: the contributor's commands (new, validate, add, add-finding, ...).

The commands are thin: the file logic is in :mod:`pav_graph.casefile` (writing and editing YAML
without disturbing what is there) and :mod:`pav_graph.contrib` (validation, locking, atomic
placement). A refused change prints one line with the fix and exits 1 (2 for a wrong argument).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import click
from click.shell_completion import CompletionItem

from pav_graph.cli.common import FORMATS, echo_err, emit, project_from
from pav_graph.project import Project, ProjectNotFound
from pav_graph.schema import LEVELS, SOURCE_TYPES

# --------------------------------------------------------------------------- shared pieces


@contextlib.contextmanager
def reported(project: Project | None = None) -> Iterator[None]:
    """Turn a refused change into a click error: problems first, then one line with the fix."""
    from pav_graph.contrib import ContribError

    try:
        yield
    except ContribError as exc:
        root = project.root if project else None
        for p in exc.problems:
            echo_err(p.format(root))
        for line in exc.lines:
            echo_err(line)
        if exc.usage:
            raise click.UsageError(str(exc)) from None
        raise click.ClickException(str(exc)) from None
    except OSError as exc:  # a read-only corpus, a full disk: one line, nothing half-written
        from pav_graph.cli.common import os_error

        raise os_error(exc, project.cases_dir if project else None) from None


def _completion_project(ctx: click.Context) -> Project | None:
    try:
        return Project.find(ctx.find_root().params.get("corpus"))
    except ProjectNotFound:
        return None


def _vocab_rows(project: Project) -> list[tuple[str, str, str]]:
    """(id, kind, Dutch label) of every concept, read straight from the files (for completion)."""
    from pav_graph import yamlio

    rows = []
    for path in sorted(project.concepts_dir.glob("*.yaml")):
        with contextlib.suppress(Exception):
            for item in yamlio.load(path).get("concepts") or []:
                rows.append((item["id"], item.get("kind", ""), (item.get("label") or {}).get("nl", "")))
    return rows


def complete_concept(*kinds: str):
    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        project = _completion_project(ctx)
        if project is None:
            return []
        return [CompletionItem(cid, help=label) for cid, kind, label in _vocab_rows(project)
                if cid.startswith(incomplete) and (not kinds or kind in kinds)]
    return complete


def complete_source(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    project = _completion_project(ctx)
    if project is None:
        return []
    return [CompletionItem(p.stem) for p in sorted(project.sources_dir.glob("*.yaml"))
            if p.stem.startswith(incomplete)]


def complete_case(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    project = _completion_project(ctx)
    ids = [p.stem for p in sorted(project.cases_dir.glob("*.yaml"))] if project else []
    return [CompletionItem(i) for i in ids if i.startswith(incomplete)] + [
        CompletionItem(incomplete, type="file")]


def _check_date(value: str | None, flag: str) -> str | None:
    from pav_graph.load import parse_date

    if value in (None, ""):
        return None
    date = parse_date(value)
    if date is None:
        raise click.BadParameter(f"{value!r} is not a date — write YYYY, YYYY-MM or YYYY-MM-DD, "
                                 "e.g. 2024-05", param_hint=flag)
    return date


def _columns(items: list[str]) -> None:
    """Print numbered choices in as many columns as the terminal allows."""
    width = shutil.get_terminal_size((100, 20)).columns
    cells = [f"{i:>3}. {text}" for i, text in enumerate(items, 1)]
    cell = min(max(len(c) for c in cells) + 2, width) if cells else width
    per_row = max(1, width // cell)
    rows = (len(cells) + per_row - 1) // per_row
    for r in range(rows):
        click.echo("".join(cells[r + k * rows].ljust(cell) for k in range(per_row)
                           if r + k * rows < len(cells)).rstrip())


def _choice_proc(options: list[str], labels: dict[str, str], many: bool, what: str):
    """Parse an answer: numbers from the list, ids, or labels; comma-separated when ``many``."""
    from pav_graph.problems import did_you_mean

    by_label = {v.casefold(): k for k, v in labels.items() if v}

    def proc(text: str):
        picked = []
        for token in [t.strip() for t in str(text).split(",")] if many else [str(text).strip()]:
            if not token:
                continue
            if token.isdigit() and 1 <= int(token) <= len(options):
                picked.append(options[int(token) - 1])
            elif token in options:
                picked.append(token)
            elif token.casefold() in by_label:
                picked.append(by_label[token.casefold()])
            else:
                raise click.BadParameter(f"{token!r} is not a {what} — "
                                         + did_you_mean(token, options, what)
                                         + f" (a number 1–{len(options)} or an id)")
        return list(dict.fromkeys(picked)) if many else (picked[0] if picked else "")
    return proc


def _prompt_choice(title: str, options: list[str], labels: dict[str, str], many: bool,
                   what: str, default: str = ""):
    click.echo(f"\n{title}")
    _columns([f"{o} — {labels[o]}" if labels.get(o) and labels[o] != o else o for o in options])
    hint = "numbers or ids, comma-separated; empty for none" if many else "number or id"
    return click.prompt(f"{title.split(' (')[0]} ({hint})", default=default,
                        show_default=bool(default), value_proc=_choice_proc(options, labels, many, what))


# --------------------------------------------------------------------------- the group


@click.group()
def case() -> None:
    """Create, check and add case files (casussen); edit them without losing anything.

    \b
    The corpus is taken from --corpus DIR, else $PAV_GRAPH_CORPUS, else the pav-graph project
    around the current directory. Walk-through: docs/adding-a-case.md.

    \b
    Examples:
      pav-graph case new
      pav-graph case add-finding my-case.yaml --concept frame-lock --source essay-2025 \\
          --lines 47-50 --quote "Dit heeft geleid tot ‘frame-lock’"
      pav-graph case validate my-case.yaml
      pav-graph case add my-case.yaml
    """


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
@click.option("--quote", help="Verbatim quote from --source supporting the FIRST --concept.")
@click.option("--lines", help="Lines of --quote in the source text (found automatically if unique).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: ./<id>.yaml).")
@click.option("--no-input", is_flag=True, help="Never prompt; missing required values are an error.")
@click.option("--force", is_flag=True, help="With --no-input: overwrite an existing output file.")
@click.pass_context
def new(ctx: click.Context, case_id, label_nl, label_en, organisation, level, start, end,
        summary_nl, summary_en, source, roles, concepts, quote, lines, output, no_input, force) -> None:
    """Write a new, commented case file, asking for what the flags do not give.

    Interactive by default: every value not given as a flag is asked for, with numbered choices
    from the vocabulary. With --no-input nothing is asked (for scripts).

    The new file is a draft: it is valid only once it has evidence. Concepts chosen without a
    quote are written as findings with `evidence: []`, which `case validate` reports as
    "needs evidence" together with the `case add-finding` command that adds it.

    \b
    Examples:
      pav-graph case new
      pav-graph case new --no-input --id houten-2024 --label-nl "Houten: ..." \\
          --label-en "Houten: ..." --organisation "Gemeente Houten" --level gemeente \\
          --source essay-2025 --role gemeentesecretaris --concept kwetsende-bejegening
    """
    from pav_graph import casefile
    from pav_graph.contrib import (
        ID_RE,
        ContribError,
        Vocabulary,
        case_ids,
        known_organisations,
        locate_quote,
    )

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
    if (quote or lines) and not source:
        raise click.UsageError("--quote/--lines need --source")

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
        _columns(names)
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

    start = _check_date(start, "--start") if start else (
        click.prompt("Start of the period (YYYY[-MM[-DD]], empty if unknown)", default="",
                     show_default=False, value_proc=lambda v: _check_date(v, "start") or "")
        if ask else None)
    end = _check_date(end, "--end") if end else (
        click.prompt("End of the period (empty if unknown)", default="", show_default=False,
                     value_proc=lambda v: _check_date(v, "end") or "") if ask else None)
    if start and end and end < start[: len(end)]:
        raise click.BadParameter(f"the period ends ({end}) before it starts ({start})",
                                 param_hint="--start/--end")

    sources = sorted(vocab.sources)
    if source:
        with reported(project):
            vocab.source(source)
    elif ask:
        labels = {s: (vocab.sources[s].title or vocab.sources[s].type) for s in sources}
        source = _prompt_choice("Source (the document the case is built from)", sources, labels,
                                many=False, what="source id", default="") or None

    def pick(kind_title: str, kinds: tuple[str, ...]) -> list[str]:
        options = [c.id for c in vocab.of_kind(*kinds)]
        labels = {c.id: c.label.get("nl", "") for c in vocab.of_kind(*kinds)}
        return _prompt_choice(kind_title, options, labels, many=True, what="concept id")

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

    evidence: dict[str, casefile.NewEvidence] = {}
    src = vocab.sources.get(source) if source else None
    if quote:
        with reported(project):
            first, last = locate_quote(src, quote, lines)
        evidence[concepts[0]] = casefile.NewEvidence(source, first, last, quote)
    elif ask and src is not None:
        for cid in concepts:
            label = vocab.concepts[cid].label.get("nl", cid)
            while True:
                text = click.prompt(f"Quote from {source} showing '{label}' (empty: add later)",
                                    default="", show_default=False)
                if not text.strip():
                    break
                try:
                    first, last = locate_quote(src, text, None)
                except ContribError as exc:
                    if "times" not in exc.message:
                        echo_err(f"Error: {exc}")
                        continue
                    places = [f"{a}-{b}" for a, b in src.text.find(text)]
                    chosen = click.prompt("It stands more than once; which lines",
                                          type=click.Choice(places))
                    first, last = (int(x) for x in chosen.split("-"))
                click.echo(f"  found at line{'s' if last > first else ''} "
                           f"{casefile.lines_value(first, last)}")
                evidence[cid] = casefile.NewEvidence(source, first, last, text)
                break

    role_labels = {c.id: c.label for c in vocab.of_kind("role")}
    actors = [casefile.NewActor(r, r, f"{role_labels[r]['nl']} ({organisation})",
                                f"{role_labels[r]['en']} ({organisation})") for r in roles]
    draft = casefile.Draft(
        id=case_id, label_nl=label_nl, label_en=label_en, organisation_id=org_id,
        organisation_name=organisation, level=level, summary_nl=summary_nl or "",
        summary_en=summary_en or "", start=start or None, end=end or None, source=source,
        source_type=vocab.sources[source].type if source and vocab.sources[source].type in SOURCE_TYPES else None,
        actors=actors, concepts=list(concepts), evidence=evidence)

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
    for p in _explain(problems, path, text):
        click.echo(f"  {p.format()}")


def _explain(problems, path: Path, text: str):
    """Give drafts' typical gaps a concrete fix: the command that fills them in."""
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
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
            ps = _explain(ps, f, f.read_text(encoding="utf-8"))
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


# --------------------------------------------------------------------------- edits


def _evidence(project, vocab, source: str, lines: str | None, quote: str):
    from pav_graph import casefile
    from pav_graph.contrib import locate_quote
    from pav_graph.sourcetext import parse_lines

    with reported(project):
        src = vocab.source(source)
        first, last = locate_quote(src, quote, lines)
    if lines and parse_lines(lines) != (first, last):
        echo_err(f"note: the quote stands at lines {casefile.lines_value(first, last)}; "
                 "that locator is written")
    return casefile.evidence_item(source, first, last, quote)


def _edit(ctx: click.Context, case_ref: str, change, what: str) -> None:
    from pav_graph.contrib import edit_case, resolve_case

    project = project_from(ctx)
    vocab = ctx.meta.get("pav_graph.vocab")
    with reported(project):
        path = resolve_case(project, case_ref)
        edit_case(project, path, change, vocab)
    click.echo(f"{what} added to {path}")


def _case_data(project, case_ref: str) -> tuple[Path, dict]:
    from pav_graph import yamlio
    from pav_graph.contrib import resolve_case

    with reported(project):
        path = resolve_case(project, case_ref)
    try:
        data = yamlio.load(path)
    except yamlio.YamlError as exc:
        raise click.ClickException(f"{path}:{exc.line}: {exc.message} — {exc.fix}") from None
    return path, data if isinstance(data, dict) else {}


def _vocab(ctx: click.Context):
    from pav_graph.contrib import Vocabulary

    project = project_from(ctx)
    with reported(project):
        ctx.meta["pav_graph.vocab"] = Vocabulary.load(project)
    return project, ctx.meta["pav_graph.vocab"]


def evidence_options(f):
    f = click.option("--quote", required=True, help="Verbatim passage from the source.")(f)
    f = click.option("--lines", help="Line or range of the quote in the source text "
                     "(found automatically when the quote stands only once).")(f)
    f = click.option("--source", required=True, shell_complete=complete_source,
                     help="Id of the source.")(f)
    return f


@case.command("add-finding")
@click.argument("case_ref", metavar="CASE", shell_complete=complete_case)
@click.option("--concept", required=True, shell_complete=complete_concept(), help="Concept id.")
@evidence_options
@click.option("--note", help="A remark in your own words (new findings only).")
@click.pass_context
def add_finding(ctx, case_ref, concept, source, lines, quote, note) -> None:
    """Add a finding (or more evidence to an existing one) to CASE (an id or a file).

    \b
    Example:
      pav-graph case add-finding maastricht-2025 --concept frame-lock --source essay-2025 \\
          --lines 47 --quote "Dit heeft geleid tot ‘frame-lock’"
    """
    from pav_graph import casefile

    project, vocab = _vocab(ctx)
    with reported(project):
        vocab.concept(concept)
    ev = _evidence(project, vocab, source, lines, quote)
    _edit(ctx, case_ref, lambda t: casefile.add_finding(t, concept, ev, note), f"finding '{concept}'")


def _actor_check(project, data: dict, flag: str, actor: str) -> None:
    from pav_graph.problems import did_you_mean

    ids = [a.get("id") for a in data.get("actors") or [] if isinstance(a, dict)]
    if actor not in ids:
        hint = did_you_mean(actor, ids, "actor id of this case") if ids else "the case has no actors yet"
        raise click.UsageError(f"{flag} {actor!r}: not an actor of this case — {hint}"
                               " (add one with `pav-graph case add-actor`)")


@case.command("add-relation")
@click.argument("case_ref", metavar="CASE", shell_complete=complete_case)
@click.option("--type", "type_", required=True, shell_complete=complete_concept("relation-type"),
              help="Relation type (a concept of kind relation-type).")
@click.option("--from", "from_", required=True, help="Actor id (in this case) the relation starts at.")
@click.option("--to", required=True, help="Actor id the relation points to.")
@evidence_options
@click.option("--note", help="A remark in your own words.")
@click.pass_context
def add_relation(ctx, case_ref, type_, from_, to, source, lines, quote, note) -> None:
    """Add a typed relation between two actors of CASE, with its evidence."""
    from pav_graph import casefile

    project, vocab = _vocab(ctx)
    with reported(project):
        vocab.concept(type_, ("relation-type",), flag="--type")
    _, data = _case_data(project, case_ref)
    _actor_check(project, data, "--from", from_)
    _actor_check(project, data, "--to", to)
    ev = _evidence(project, vocab, source, lines, quote)
    _edit(ctx, case_ref, lambda t: casefile.add_relation(t, type_, from_, to, ev, note),
          f"relation '{type_}'")


def _pair(a: str | None, b: str | None, name: str) -> tuple[str, str] | None:
    if bool(a) != bool(b):
        raise click.UsageError(f"give both --{name}-nl and --{name}-en (Dutch and English)")
    return (a, b) if a else None


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
def add_intervention(ctx, case_ref, concept, status, outcome_nl, outcome_en, source, lines,
                     quote, note) -> None:
    """Add an intervention (applied or recommended) to CASE, with its evidence."""
    from pav_graph import casefile

    outcome = _pair(outcome_nl, outcome_en, "outcome")
    project, vocab = _vocab(ctx)
    with reported(project):
        vocab.concept(concept, ("intervention",))
    ev = _evidence(project, vocab, source, lines, quote)
    _edit(ctx, case_ref, lambda t: casefile.add_intervention(t, concept, status, ev, outcome, note),
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
              source, lines, quote) -> None:
    """Add a dated event to CASE, with its evidence."""
    from pav_graph import casefile

    date = _check_date(date, "--date")
    reason = _pair(reason_nl, reason_en, "reason")
    project, vocab = _vocab(ctx)
    if type_:
        with reported(project):
            vocab.concept(type_, ("event-type",), flag="--type")
    _, data = _case_data(project, case_ref)
    for a in actors:
        _actor_check(project, data, "--actor", a)
    ev = _evidence(project, vocab, source, lines, quote)
    _edit(ctx, case_ref, lambda t: casefile.add_event(t, (label_nl, label_en), ev, date, type_,
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

    project, vocab = _vocab(ctx)
    with reported(project):
        vocab.concept(role, ("role",), flag="--role")
    _, data = _case_data(project, case_ref)
    if any(isinstance(a, dict) and a.get("id") == actor_id for a in data.get("actors") or []):
        raise click.UsageError(f"--id {actor_id!r}: the case already has this actor")
    orgs = [o.get("id") for o in data.get("organisations") or [] if isinstance(o, dict)]
    if organisation is None and len(orgs) == 1:
        organisation = orgs[0]
    if organisation and organisation not in orgs:
        raise click.UsageError(f"--organisation {organisation!r}: not in this case — "
                               + did_you_mean(organisation, orgs, "organisation id"))
    _edit(ctx, case_ref, lambda t: casefile.add_actor(t, actor_id, role, (label_nl, label_en),
                                                      organisation), f"actor '{actor_id}'")


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
