"""Pieces the `pav-graph case` commands share: error reporting, shell completion, prompts
with numbered choices, and the helpers of the item edits (evidence, actors, bilingual pairs).
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import click
from click.shell_completion import CompletionItem

from pav_graph.cli.common import echo_err, project_from
from pav_graph.project import Project, ProjectNotFound

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


def completion_project(ctx: click.Context) -> Project | None:
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
        project = completion_project(ctx)
        if project is None:
            return []
        return [CompletionItem(cid, help=label) for cid, kind, label in _vocab_rows(project)
                if cid.startswith(incomplete) and (not kinds or kind in kinds)]
    return complete


def complete_source(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    project = completion_project(ctx)
    if project is None:
        return []
    return [CompletionItem(p.stem) for p in sorted(project.sources_dir.glob("*.yaml"))
            if p.stem.startswith(incomplete)]


def complete_case(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    project = completion_project(ctx)
    ids = [p.stem for p in sorted(project.cases_dir.glob("*.yaml"))] if project else []
    return [CompletionItem(i) for i in ids if i.startswith(incomplete)] + [
        CompletionItem(incomplete, type="file")]


def check_date(value: str | None, flag: str) -> str | None:
    from pav_graph.load import parse_date

    if value in (None, ""):
        return None
    date = parse_date(value)
    if date is None:
        raise click.BadParameter(f"{value!r} is not a date — write YYYY, YYYY-MM or YYYY-MM-DD, "
                                 "e.g. 2024-05", param_hint=flag)
    return date


def columns(items: list[str]) -> None:
    """Print numbered choices in as many columns as the terminal allows."""
    width = shutil.get_terminal_size((100, 20)).columns
    cells = [f"{i:>3}. {text}" for i, text in enumerate(items, 1)]
    cell = min(max(len(c) for c in cells) + 2, width) if cells else width
    per_row = max(1, width // cell)
    rows = (len(cells) + per_row - 1) // per_row
    for r in range(rows):
        click.echo("".join(cells[r + k * rows].ljust(cell) for k in range(per_row)
                           if r + k * rows < len(cells)).rstrip())


def choice_proc(options: list[str], labels: dict[str, str], many: bool, what: str):
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


def prompt_choice(title: str, options: list[str], labels: dict[str, str], many: bool,
                   what: str, default: str = ""):
    click.echo(f"\n{title}")
    columns([f"{o} — {labels[o]}" if labels.get(o) and labels[o] != o else o for o in options])
    hint = "numbers or ids, comma-separated; empty for none" if many else "number or id"
    return click.prompt(f"{title.split(' (')[0]} ({hint})", default=default,
                        show_default=bool(default), value_proc=choice_proc(options, labels, many, what))


# --------------------------------------------------------------------------- edits


def evidence_for(project, vocab, source: str, lines: str | None, quote: str,
                 page: int | None = None):
    """The evidence item for a quote, after finding where it stands (notes a corrected locator
    and a normalised match on stderr)."""
    from pav_graph.contrib.evidence import evidence_item, locate
    from pav_graph.sourcetext import parse_lines

    with reported(project):
        src = vocab.source(source)
        found = locate(src, quote, lines, page)
    if lines and parse_lines(lines) != (found.page_first, found.page_last):
        echo_err(f"note: the quote stands at {found.where}; that locator is written")
    if not found.match.exact:
        echo_err(f"note: {found.match.how} at {found.where}")
    return evidence_item(source, found, quote)


def apply_edit(ctx: click.Context, case_ref: str, change, what: str) -> None:
    from pav_graph.contrib import edit_case, resolve_case

    project = project_from(ctx)
    vocab = ctx.meta.get("pav_graph.vocab")
    with reported(project):
        path = resolve_case(project, case_ref)
        edit_case(project, path, change, vocab)
    click.echo(f"{what} added to {path}")


def case_data(project, case_ref: str) -> tuple[Path, dict]:
    from pav_graph import yamlio
    from pav_graph.contrib import resolve_case

    with reported(project):
        path = resolve_case(project, case_ref)
    try:
        data = yamlio.load(path)
    except yamlio.YamlError as exc:
        raise click.ClickException(f"{path}:{exc.line}: {exc.message} — {exc.fix}") from None
    return path, data if isinstance(data, dict) else {}


def load_vocab(ctx: click.Context):
    from pav_graph.contrib import Vocabulary

    project = project_from(ctx)
    with reported(project):
        ctx.meta["pav_graph.vocab"] = Vocabulary.load(project)
    return project, ctx.meta["pav_graph.vocab"]


def evidence_options(f):
    f = click.option("--quote", required=True, help="Verbatim passage from the source.")(f)
    f = click.option("--lines", help="Line or range of the quote in the source text "
                     "(found automatically when the quote stands only once); with --page, "
                     "counted from the top of that page.")(f)
    f = click.option("--page", type=click.IntRange(1), help="Page of a source with pages (a PDF) "
                     "that --lines counts in; written automatically for such sources.")(f)
    f = click.option("--source", required=True, shell_complete=complete_source,
                     help="Id of the source.")(f)
    return f


def actor_check(project, data: dict, flag: str, actor: str) -> None:
    from pav_graph.problems import did_you_mean

    ids = [a.get("id") for a in data.get("actors") or [] if isinstance(a, dict)]
    if actor not in ids:
        hint = did_you_mean(actor, ids, "actor id of this case") if ids else "the case has no actors yet"
        raise click.UsageError(f"{flag} {actor!r}: not an actor of this case — {hint}"
                               " (add one with `pav-graph case add-actor`)")



def pair(a: str | None, b: str | None, name: str) -> tuple[str, str] | None:
    if bool(a) != bool(b):
        raise click.UsageError(f"give both --{name}-nl and --{name}-en (Dutch and English)")
    return (a, b) if a else None

