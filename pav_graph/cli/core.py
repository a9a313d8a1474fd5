"""Core commands: build, validate, cases, concepts, show."""

from __future__ import annotations

import json
from pathlib import Path

import click

from pav_graph.cli.common import (
    FORMATS,
    built_directory,
    built_store,
    echo_err,
    emit,
    os_error,
    project_from,
    report_build_failure,
)


@click.command()
@click.option("--force", is_flag=True, help="Rebuild everything even when nothing changed.")
@click.option("--full", is_flag=True,
              help="Build everything (HermiT classifies the whole graph of a small corpus), "
                   "not only the case files that changed since the last build.")
@click.option("--no-shacl", is_flag=True, help="Skip SHACL validation (faster, less safe).")
@click.option("--no-reason", is_flag=True, help="Skip the OWL reasoner (no composite patterns).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@click.pass_context
def build(ctx: click.Context, force: bool, full: bool, no_shacl: bool, no_reason: bool,
          quiet: bool) -> None:
    """Build the graph: validate cases/, SHACL, reasoner, write build/ and the store.

    A second build with unchanged inputs is skipped (the cache key covers every input file).
    When only case files changed, only those are validated, converted, checked and classified,
    on top of the previous build; --full builds everything.

    \b
    Example:
      pav-graph build
    """
    from pav_graph.build import BuildFailed
    from pav_graph.build import build as run_build

    project = project_from(ctx)
    say = (lambda m: None) if quiet else (lambda m: click.echo(m))
    try:
        result = run_build(project, force=force, full=full, shacl=not no_shacl, reason=not no_reason,
                           log=say)
    except BuildFailed as exc:
        report_build_failure(project, exc)
        raise click.exceptions.Exit(1) from None
    except OSError as exc:
        raise os_error(exc, project.build_dir) from None
    m = result.manifest
    if result.skipped:
        say(f"up to date: {m['cases']} cases, {m['triples']} distinct triples ({result.directory})")
    else:
        how = "updated" if m.get("build") == "incremental" else "built"
        say(f"{how} {m['cases']} cases, {m['concepts']} concepts, {m['triples']} distinct triples "
            f"({m['inferred_triples']} inferred by the reasoner, {m.get('entailed_types', 0)} types "
            f"from the class hierarchy) in {sum(m['seconds'].values()):.1f} s → {result.directory}")
    link = project.build_dir / "current" / "graph.nt"
    say(f"N-Triples for bulk loaders: {link if link.is_file() else result.directory / 'graph.nt'}")


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--no-quotes", is_flag=True, help="Do not check quotes against the source texts.")
@click.option("--fix-locators", is_flag=True,
              help="Rewrite line locators that miss or overshoot their quote (in place, atomically).")
@click.option("--fix", "fix_all", is_flag=True,
              help="Apply every safe fix in place, atomically: line locators, and concept ids "
                   "that were renamed or merged (replaced by their successor).")
@click.pass_context
def validate(ctx: click.Context, paths: tuple[Path, ...], no_quotes: bool, fix_locators: bool,
             fix_all: bool) -> None:
    """Check case files (default: all of cases/) and the vocabulary; report every problem.

    Each problem is one line: file:line:column: what is wrong — how to fix it.
    Exit code 0 when valid, 1 when there are problems, 2 for usage errors.

    \b
    Examples:
      pav-graph validate
      pav-graph validate cases/maastricht-2025.yaml my-new-case.yaml
      pav-graph validate --fix-locators
      pav-graph validate --fix
    """
    from pav_graph.load import load_corpus

    project = project_from(ctx)
    files = None
    if paths:
        files = []
        for p in paths:
            if p.is_dir():
                files += sorted(p.glob("*.yaml"))
            elif p.exists():
                files.append(p)
            else:
                raise click.UsageError(f"{p}: no such file or directory")
        if not files:
            raise click.UsageError(f"no .yaml files in {', '.join(map(str, paths))}")
    corpus, problems = load_corpus(project, files, check_quotes=not no_quotes)
    if (fix_locators or fix_all) and problems:
        from pav_graph import fixes

        kinds = ("locator", "rename") if fix_all else ("locator",)
        fixed = fixes.apply(problems.items, kinds)
        what = "value(s)" if fix_all else "locator(s)"
        for path, n in fixed.items():
            echo_err(f"{path}: fixed {n} {what}")
        corpus, problems = load_corpus(project, files, check_quotes=not no_quotes)
    for p in problems:
        click.echo(p.format(project.root))
    if problems:
        echo_err(f"{len(problems.errors)} problem(s) in {len({p.file for p in problems.errors})} file(s)")
        raise click.exceptions.Exit(1)
    n_quotes = sum(len(c.all_evidence()) for c in corpus.cases.values())
    n_examples = sum(len(c.examples) for c in corpus.concepts.values())
    echo_err(f"ok: {len(corpus.cases)} case(s), {len(corpus.concepts)} concepts, "
             f"{n_quotes} quotes verified" + (" (quotes not checked)" if no_quotes else "")
             + (f", {n_examples} concept examples" if n_examples else "")
             + (f", {len(corpus.mechanisms)} mechanism links ({sum(len(m.evidence) for m in corpus.mechanisms)} "
                "quotes)" if corpus.mechanisms else ""))


@click.command()
@click.option("--with", "with_", multiple=True, metavar="CONCEPT",
              help="Only cases linked to this concept (id, Dutch or English label); repeatable.")
@click.option("--include-interpreted", is_flag=True,
              help="Also count claims the source only hedges, or that are our interpretation "
                   "(marked 'mogelijk' in the output).")
@click.option("--absent", multiple=True, metavar="CONCEPT",
              help="Only cases where a source examined this concept and found it absent; repeatable.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.pass_context
def cases(ctx: click.Context, with_: tuple[str, ...], include_interpreted: bool,
          absent: tuple[str, ...], fmt: str) -> None:
    """List the cases, optionally only those linked to ALL the given concepts.

    A case is linked to a concept through a finding, an actor's role, a relation's type,
    an intervention or an event type — counting only claims the source states of the case in
    its own words (see docs/annotation-guide.md), unless --include-interpreted.

    \b
    Examples:
      pav-graph cases
      pav-graph cases --with "onveilige meldcultuur" --format json
      pav-graph cases --with wantrouwen --with gemeentesecretaris
      pav-graph cases --with verharding-van-taal --include-interpreted
      pav-graph cases --absent ambtelijk-ondernemerschap
    """
    from pav_graph import catalog

    index = catalog.read_index(built_directory(ctx))
    concept_rows = catalog.indexed_concepts(index)

    def resolve(option: str, texts: tuple[str, ...]) -> list[str]:
        ids = []
        for text in texts:
            try:
                ids.append(catalog.resolve_concept(text, concept_rows).id)
            except catalog.UnknownConcept as exc:
                hint = ("did you mean " + " or ".join(f"'{s}'" for s in exc.suggestions) + "?"
                        if exc.suggestions else "list them with `pav-graph concepts`")
                raise click.UsageError(f"{option} {text!r}: unknown concept — {hint}") from None
        return ids

    rows = catalog.indexed_cases(index, resolve("--with", with_), include_interpreted,
                                 resolve("--absent", absent))
    if fmt == "table":
        for r in rows:
            r["period"] = "–".join(x for x in (r["start"], r["end"]) if x)
            possible = [c for c, how in r.get("links", {}).items() if how == "possible"]
            r["label"] += f" (mogelijk: {', '.join(possible)})" if possible else ""
        emit(rows, ["id", "label", "levels", "period", "sources"], fmt,
             title=f"{len(rows)} casus(sen)")
    else:
        emit(rows, ["id", "label", "label_en", "kind", "levels", "start", "end", "organisations",
                    "sources"] + (["links"] if with_ else []) + (["absent"] if absent else []), fmt)


@click.command()
@click.option("--kind", type=click.Choice(
    ["role", "relation-type", "influence-means", "risk-factor", "dilemma", "intervention",
     "pattern", "framework", "criterion", "event-type"]), help="Only concepts of this kind.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.pass_context
def concepts(ctx: click.Context, kind: str | None, fmt: str) -> None:
    """List the concepts of the vocabulary (SKOS), with how many cases use each.

    \b
    Examples:
      pav-graph concepts --kind pattern
      pav-graph concepts --format json
    """
    from pav_graph import catalog

    rows = [r.as_dict() for r in catalog.indexed_concepts(catalog.read_index(built_directory(ctx)), kind)]
    if fmt == "table":
        emit(rows, ["id", "kind", "label_nl", "label_en", "cases"], fmt, title=f"{len(rows)} begrippen")
    else:
        emit(rows, ["id", "kind", "label_nl", "label_en", "definition_nl", "definition_en", "source",
                    "cases"], fmt)


@click.command()
@click.argument("case_id")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
@click.pass_context
def show(ctx: click.Context, case_id: str, fmt: str, lang: str) -> None:
    """Show one case: summary, actors, findings, relations, interventions, events, patterns,
    each claim with its verbatim quote and source.

    \b
    Example:
      pav-graph show maastricht-2025
    """
    from pav_graph import catalog
    from pav_graph.problems import did_you_mean

    store = built_store(ctx)
    detail = catalog.case_detail(store, case_id)
    if detail is None:
        known = [r["id"] for r in catalog.cases(store)]
        raise click.UsageError(f"unknown case {case_id!r} — {did_you_mean(case_id, known, 'case id')}")
    if fmt == "json":
        click.echo(json.dumps(detail, ensure_ascii=False, indent=2))
        return
    from pav_graph.cli.render_case import render

    render(detail, lang)
