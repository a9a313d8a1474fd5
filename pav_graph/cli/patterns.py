"""``pav-graph patterns`` and ``pav-graph explain``: the recurring patterns and why a case fits.

``patterns`` reads the built store (what the reasoner concluded, and concepts that recur across
cases); ``explain`` reads the validated model, so it can also say which part is *missing* for a
case the reasoner did not classify.
"""

from __future__ import annotations

import json

import click

from pav_graph.cli.common import built_store, project_from


def _cite(ev: dict | None) -> str:
    if not ev or not ev.get("quote"):
        return "(no quote)"
    return f"“{ev['quote']}” ({ev['source']}, {ev['locator']})"


@click.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.option("--min-cases", type=click.IntRange(min=1), default=2, show_default=True,
              help="List a pattern or risk factor when at least this many cases are linked to it.")
@click.pass_context
def patterns(ctx: click.Context, fmt: str, min_cases: int) -> None:
    """Show the recurring patterns of the corpus.

    First the composite patterns the reasoner inferred (which cases, and the quote behind each
    required part), then every pattern or risk factor that occurs in at least --min-cases cases,
    with one quote per case.

    \b
    Examples:
      pav-graph patterns
      pav-graph patterns --min-cases 3 --format json
    """
    from pav_graph.recurrence import composite_matches, recurring_concepts

    store = built_store(ctx)
    composites = composite_matches(store)
    recurring = recurring_concepts(store, min_cases)
    if fmt == "json":
        click.echo(json.dumps({"composite": composites, "recurring": recurring},
                              ensure_ascii=False, indent=2))
        return
    click.echo(render_text(composites, recurring, min_cases))


def render_text(composites: list[dict], recurring: list[dict], min_cases: int) -> str:
    """The readable layout of ``--format table``: grouped by pattern and case, one quote per
    line (quotes are too long for table cells)."""
    out = []
    n_matches = sum(len(p["cases"]) for p in composites)
    out.append(f"Samengestelde patronen, afgeleid door de redeneerder / composite patterns "
               f"inferred by the reasoner: {n_matches} match(es) in {len(composites)} pattern(s)")
    for p in composites:
        out.append("")
        out.append(f"{p['pattern']} ({p['label']} / {p['label_en']}) — requires "
                   f"{', '.join(p['requires'])}: "
                   + (", ".join(c["case"] for c in p["cases"]) or "no case matches"))
        for c in p["cases"]:
            out.append(f"  {c['case']}" + (f" — {c['label']}" if c["label"] else ""))
            for part in c["parts"]:
                if not part["items"]:
                    out.append(f"    {part['concept']}: (no supporting item recorded)")
                for item in part["items"]:
                    evidence = item["evidence"] or [None]
                    for ev in evidence:
                        out.append(f"    {part['concept']} ← {item['kind']}: {_cite(ev)}")
        for c in p.get("possible", []):
            out.append(f"  mogelijk / possible: {c['case']} — rests on claims that do not count "
                       f"(hedged or interpreted) for: {', '.join(c['tentative'])}")
    out.append("")
    out.append(f"Terugkerende patronen en risicofactoren / recurring patterns and risk factors "
               f"(in ≥ {min_cases} cases): {len(recurring)}")
    for c in recurring:
        out.append("")
        out.append(f"{c['concept']} ({c['kind']}; {c['label']} / {c['label_en']}): "
                   f"{c['n_cases']} cases")
        for e in c["cases"]:
            via = f" ← {e['via']}" if e["via"] else ""
            out.append(f"  {e['case']}{via}: {_cite(e)}")
    return "\n".join(out)


@click.command()
@click.argument("case_id", metavar="CASE")
@click.argument("pattern_id", metavar="[PATTERN]", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.pass_context
def explain(ctx: click.Context, case_id: str, pattern_id: str | None, fmt: str) -> None:
    """Say why CASE matches the composite PATTERN, or which required concept is missing;
    without PATTERN, show the mechanisms (causal links, loops, chains) the case shows.

    Each required concept is shown with the finding, event, role, relation or intervention
    that supplies it, and its quote, source and lines.

    \b
    Examples:
      pav-graph explain maastricht-2025 escalatiespiraal
      pav-graph explain houten poppetjescarrousel --format json
      pav-graph explain amsterdam-2004          (its mechanisms, with the missing links)
    """
    if pattern_id is None:
        from pav_graph.cli.mechanisms import explain_mechanisms

        explain_mechanisms(ctx, case_id, fmt)
        return
    from pav_graph.load import load_corpus
    from pav_graph.patterns import explain as explain_match
    from pav_graph.problems import did_you_mean

    project = project_from(ctx)
    corpus, problems = load_corpus(project)
    if problems:
        raise click.ClickException(
            f"{len(problems.errors)} problem(s) in the corpus — run `pav-graph validate` and fix them")
    if case_id not in corpus.cases:
        raise click.UsageError(f"unknown case {case_id!r} — "
                               + did_you_mean(case_id, corpus.cases, "case id"))
    if pattern_id not in corpus.composites:
        known = ", ".join(sorted(corpus.composites))
        if pattern_id in corpus.concepts:
            raise click.UsageError(
                f"{pattern_id!r} is a concept but not a composite pattern "
                f"(ontology/composite-patterns.yaml) — use one of: {known}")
        raise click.UsageError(f"unknown composite pattern {pattern_id!r} — "
                               + did_you_mean(pattern_id, corpus.composites, "pattern id")
                               + f" (composite patterns: {known})")
    case, pattern = corpus.cases[case_id], corpus.composites[pattern_id]
    result = explain_match(case, pattern)
    label = corpus.concept_label
    if fmt == "json":
        click.echo(json.dumps({
            "case": case_id, "pattern": pattern_id, "matches": result.matches,
            "possibly_matches": result.possibly_matches, "missing": result.missing,
            "tentative": result.tentative,
            "parts": [{"concept": concept, "label": label(concept), "label_en": label(concept, "en"),
                       "items": [{"kind": s.kind, "item": s.iri_suffix, "text": s.text,
                                  "standing": s.standing, "marks": list(s.marks),
                                  "evidence": [{"quote": e.quote, "source": e.source,
                                                "locator": e.locator} for e in s.evidence]}
                                 for s in items]}
                      for concept, items in result.parts.items()],
        }, ensure_ascii=False, indent=2))
        return
    verdict = ("matches" if result.matches else
               "possibly matches (mogelijk: resting on claims that do not count)" if result.possibly_matches
               else "does not match")
    click.echo(f"{case_id} {verdict} {pattern_id} ({label(pattern_id)} / {label(pattern_id, 'en')}),"
               f" which requires: {', '.join(pattern.all_of)}")
    for concept, items in result.parts.items():
        if not items:
            click.echo(f"  ✗ {concept} ({label(concept)}): missing — the case has no finding, "
                       "event, role, relation or intervention of this concept")
            continue
        sign = "✓" if result.found(concept) else "?" if result.possible_only(concept) else "✗"
        click.echo(f"  {sign} {concept} ({label(concept)})")
        for s in items:
            what = f"{s.kind} {s.iri_suffix}" + (f" — {s.text}" if s.text else "")
            marks = f" [{', '.join(s.marks)}]" if s.marks else ""
            click.echo(f"      via {what}{marks}")
            if not s.evidence:
                click.echo("        (no quote)")
            for e in s.evidence:
                click.echo(f"        “{e.quote}” ({e.source}, {e.locator})")
    if not result.matches:
        click.echo(f"missing: {', '.join(result.missing)}")
