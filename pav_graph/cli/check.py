"""``pav-graph check`` (the ontology quality gate) and ``pav-graph stats`` (corpus counts)."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import click

from pav_graph.cli.common import built_store, project_from
from pav_graph.privacy import RULES as PRIVACY_RULES

INFO_SHOWN = 10  # info findings listed per rule in text output (all with --verbose or JSON)


@click.command()
@click.option("--fail-on", type=click.Choice(["error", "warn"]), default="error", show_default=True,
              help="Exit 1 when there is an issue of this severity or worse.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("-v", "--verbose", is_flag=True, help="List every info finding, not only the first.")
@click.option("--site", "site_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also check the pages of a site built by `pav-graph site` (privacy: no "
                   "anonymisation code of a source on any page).")
@click.pass_context
def check(ctx: click.Context, fail_on: str, fmt: str, verbose: bool, site_dir: Path | None) -> None:
    """Quality gate for the ontology and the corpus: validation, SHACL, reasoner consistency,
    the rules in ontology/checks/*.rq (labels, definitions, orphans, documentation,
    domains and ranges, undeclared terms, ontology metadata, thin evidence ...) and the privacy
    rules (no respondent code in a case, concept or source file or on a site page; no personal
    name on an actor that the source does not give for that office).

    Exit code 0 when nothing of severity --fail-on (or worse) is found, 1 otherwise.

    \b
    Examples:
      pav-graph check
      pav-graph check --fail-on warn --format json
      pav-graph check --site site/
    """
    from pav_graph.check import RuleError
    from pav_graph.check import check as run_check

    project = project_from(ctx)
    if site_dir is not None and not site_dir.is_dir():
        raise click.ClickException(f"{site_dir}: no such directory — build the site first "
                                   "(`pav-graph site`) or give its directory")
    try:
        report = run_check(project, site_dir=site_dir)
    except RuleError as exc:
        raise click.ClickException(str(exc)) from None
    failed = report.fails(fail_on)
    if fmt == "json":
        data = report.as_dict()
        data["fail_on"], data["passed"] = fail_on, not failed
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        _print_text(report, verbose)
        counts = ", ".join(f"{report.count(s)} {s}" for s in ("error", "warn", "info"))
        stages = ", ".join(f"{k}: {v}" for k, v in report.stages.items())
        verdict = "FAILED" if failed else "passed"
        click.echo(f"check {verdict} (--fail-on {fail_on}): {counts}; {stages}; "
                   f"{len(report.rules)} rules from ontology/checks/")
    if failed:
        raise click.exceptions.Exit(1)


def _print_text(report, verbose: bool) -> None:
    descriptions = {r.id: r.description for r in report.rules}
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for issue in report.issues:
        groups[(issue.severity, issue.rule)].append(issue)
    order = {"error": 0, "warn": 1, "info": 2}
    for (severity, rule), issues in sorted(groups.items(), key=lambda kv: (order[kv[0][0]], kv[0][1])):
        click.echo(f"{severity.upper()} {rule}: {len(issues)} — "
                   f"{descriptions.get(rule, _STAGE_TEXT.get(rule, ''))}")
        if rule in PRIVACY_RULES:  # one line per finding: file:line: what — fix: how
            for i in issues:
                click.echo(f"  {i.location}: {i.message}")
            continue
        if rule == "language":  # one line per text: file:line: what — how to fix it
            for i in issues:
                click.echo(f"  {i.location}: {i.message} — {i.fix}")
            continue
        shown = issues if verbose or severity != "info" else issues[:INFO_SHOWN]
        for i in shown:
            where = f"{i.location}: " if i.location else ""
            entity = f"{_short(i.entity)}: " if i.entity and i.entity != i.location else ""
            click.echo(f"  {where}{entity}{i.message}")
        if len(shown) < len(issues):
            click.echo(f"  ... and {len(issues) - len(shown)} more (use --verbose or --format json)")
        if issues and issues[0].fix:
            click.echo(f"  fix: {issues[0].fix}")


_STAGE_TEXT = {**PRIVACY_RULES,
              "load": "the corpus does not validate (`pav-graph validate`)",
               "shacl": "SHACL shapes (ontology/shapes.ttl) are violated",
               "reasoner": "the reasoner (HermiT) finds the ontology and data inconsistent",
               "language": "a text mixes Dutch and English, or lacks its translation "
                           "(one language per view: {nl: ..., en: ...})"}


def _short(entity: str) -> str:
    from pav_graph.rdf import ID, ONTO

    if entity.startswith(ID):
        return entity[len(ID):]
    if entity.startswith(ONTO):
        return "pg:" + entity[len(ONTO):]
    return entity


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.pass_context
def stats(ctx: click.Context, fmt: str) -> None:
    """Counts: cases per level of government and per source, concepts per kind, quotes per
    source, unused concepts and thinly supported cases.

    \b
    Example:
      pav-graph stats --format json
    """
    from pav_graph.stats import THIN
    from pav_graph.stats import stats as compute

    data = compute(built_store(ctx))
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    t = data["totals"]
    click.echo(f"{t['cases']} cases, {t['concepts']} concepts, {t['quotes']} quotes "
               f"({t['case_quotes']} in cases)")
    for key, title in (("cases_per_level", "cases per level of government"),
                       ("cases_per_source", "cases per source"),
                       ("concepts_per_kind", "concepts per kind"),
                       ("quotes_per_source", "quotes per source (cases and concept definitions)")):
        click.echo(f"\n{title}:")
        width = max((len(k) for k in data[key]), default=0)
        for k, n in data[key].items():
            click.echo(f"  {k.ljust(width)}  {n:>5}")
    click.echo(f"\nunused concepts (no case links): {t['unused_concepts']}")
    click.echo(f"thin cases (< {THIN} evidence items): {t['thin_cases']}"
               + (": " + ", ".join(c["id"] for c in data["thin_cases"]) if data["thin_cases"] else ""))
