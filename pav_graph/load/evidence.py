"""What a case or concept refers to: evidence quotes checked against the source texts,
concept ids checked for kind, with "did you mean ...?" and renamed (deprecated) ids."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pav_graph.ingest.locate import file_lines, is_paged, locator_fix
from pav_graph.model import (
    CompositePattern,
    Concept,
    Evidence,
    Example,
    Source,
    successor,
)
from pav_graph.privacy import MARKER as MASK
from pav_graph.problems import Problems, did_you_mean
from pav_graph.sourcetext import parse_lines


@dataclass
class Context:
    """What a case file's references are checked against."""

    sources: dict[str, Source]
    concepts: dict[str, Concept]
    check_quotes: bool = True
    deprecated: dict[str, Concept] = field(default_factory=dict)
    composites: dict[str, CompositePattern] = field(default_factory=dict)


def check_evidence(path: Path, items: list[dict], where: tuple, ctx: Context,
                   problems: Problems) -> list[Evidence]:
    result = []
    for i, item in enumerate(items):
        at = (*where, i)
        source = ctx.sources.get(item["source"])
        lines = parse_lines(item["lines"])
        if source is None:
            problems.add(path, f"unknown source {item['source']!r}",
                         did_you_mean(item["source"], ctx.sources, "source id")
                         + " — or register it with `pav-graph source add`", path=(*at, "source"))
            continue
        if lines is None:
            problems.add(path, f"invalid line locator {item['lines']!r}",
                         "write a line number or a range like '12-15' (first ≤ last)",
                         path=(*at, "lines"))
            continue
        page = item.get("page")
        cited = lines
        lines, page_problem = file_lines(source, lines, page)
        if lines is None:
            problems.add(path, page_problem, "give the page as the stored text numbers it "
                         "(a PDF's pages from 1) and the lines counted from the top of that page",
                         path=(*at, "page"))
            continue
        hidden = [r for r in source.redactions if r.blanks_lines and r.overlaps(*lines)]
        if hidden or MASK in str(item["quote"]):
            what = (f"lines {item['lines']} lie in the {hidden[0].what} that the repository copy "
                    f"leaves out (lines {hidden[0].first}-{hidden[0].last})" if hidden
                    else f"the quote contains {MASK}, a masked anonymisation code")
            problems.add(path, what, "quote the body of the text, never a respondent table, "
                         "acknowledgements or a respondent code (docs/annotation-guide.md § 9)",
                         path=(*at, "lines" if hidden else "quote"))
            continue
        if ctx.check_quotes:
            places = source.text.match(str(item["quote"]), source.quotes == "normalised").places
            if not places:
                problems.add(path, f"quote not found in source {source.id!r}",
                             "copy the passage verbatim from the source text (only whitespace may differ"
                             + ("; ligatures, soft hyphens, hyphens at line ends and footnote markers "
                                "are forgiven)" if source.quotes == "normalised" else ")"),
                             path=(*at, "quote"))
                continue
            if not any(source.text.fits(lines, place) for place in places):
                inside = any(lines[0] <= a and b <= lines[1] for a, b in places)
                what = "is wider than the quote" if inside else "does not contain the quote"
                problems.add(path, f"locator lines {item['lines']} {what} in {source.id!r}",
                             locator_fix(source, places, page)
                             + " (or run `pav-graph validate --fix-locators`)",
                             path=(*at, "lines"),
                             replacement=None if page is not None and is_paged(source)
                             else _locator_text(places, lines))
                continue
        result.append(Evidence(source.id, lines[0], lines[1], str(item["quote"]),
                               item.get("lang", "nl"), str(page) if page is not None else None,
                               cited if page is not None and is_paged(source) else None))
    return result


def check_own_evidence(path: Path, item: dict, where: tuple, ctx: Context,
                       problems: Problems) -> Evidence | None:
    """Check the source/lines/quote fields that sit directly on ``where`` (a concept, a pattern
    or one example); the checked evidence, or None (and problems) when it does not hold."""
    n = len(problems.items)
    found = check_evidence(path, [item], where, ctx, problems)
    for p in problems.items[n:]:  # point at the item's own keys, not at a nested list entry
        p.path = (*where, *p.path[len(where) + 1:])
    return found[0] if found else None


def check_examples(path: Path, items: list[dict], where: tuple, ctx: Context,
                   problems: Problems) -> list[Example]:
    """A concept's illustrations, each checked like case evidence (verbatim quote, tight lines);
    a wrong example is reported at ``(*where, j, key)`` and left out."""
    examples = []
    for j, item in enumerate(items):
        ev = check_own_evidence(path, item, (*where, j), ctx, problems)
        if ev is not None:
            examples.append(Example(ev.source, ev.first_line, ev.last_line, ev.quote, ev.lang,
                                    ev.page, ev.page_lines, item.get("note")))
    return examples


def _locator_text(places: list[tuple[int, int]], lines: tuple[int, int]) -> str | None:
    """The corrected locator when exactly one place of the quote overlaps the given lines
    (or, failing that, when the quote occurs once in the source)."""
    near = [p for p in places if p[0] <= lines[1] + 3 and p[1] >= lines[0] - 3]
    pick = near if len(near) == 1 else places if len(places) == 1 else []
    if not pick:
        return None
    first, last = pick[0]
    return str(first) if first == last else f"{first}-{last}"


DEPARTURE = "vertrek-topambtenaar"  # the event type every kind of departure is narrower than


def is_departure(type_id: str | None, ctx: Context) -> bool:
    """Whether an event type is a departure: ``vertrek-topambtenaar`` or narrower (broader*)."""
    seen: set[str] = set()
    todo = [type_id] if type_id else []
    while todo:
        cid = todo.pop()
        if cid == DEPARTURE:
            return True
        if cid not in seen and cid in ctx.concepts:
            seen.add(cid)
            todo += ctx.concepts[cid].broader
    return False


def check_concept_ref(path: Path, concept_id: str, kinds: Iterable[str] | None, where: tuple,
                      ctx: Context, problems: Problems, what: str = "concept") -> bool:
    concept = ctx.concepts.get(concept_id)
    kinds = list(kinds) if kinds else None
    if concept is None and concept_id in ctx.deprecated:
        renamed(path, concept_id, ctx.deprecated, where, problems, what)
        return False
    if concept is None:
        pool = [c.id for c in ctx.concepts.values() if not kinds or c.kind in kinds]
        problems.add(path, f"unknown {what} {concept_id!r}",
                     did_you_mean(concept_id, pool, what) + " — or propose it with `pav-graph concept add`",
                     path=where)
        return False
    if kinds and concept.kind not in kinds:
        problems.add(path, f"{concept_id!r} is a {concept.kind}, not a {' or '.join(kinds)}",
                     did_you_mean(concept_id, [c.id for c in ctx.concepts.values() if c.kind in kinds], what),
                     path=where)
        return False
    return True


def renamed(path: Path, old: str, deprecated: dict[str, Concept], where: tuple, problems: Problems,
            what: str = "concept") -> None:
    """A reference to a deprecated (merged or renamed) concept: the located "renamed to" problem,
    with the successor as the replacement that `pav-graph validate --fix` writes."""
    new = successor(deprecated, old)
    if new is None:  # a deprecated concept whose successor is unknown: reported at the concept
        problems.add(path, f"{what} {old!r} is deprecated and has no known successor",
                     "choose another concept (list them with `pav-graph concepts`)", path=where)
        return
    problems.add(path, f"{what} {old!r} was renamed to {new!r} (the old id is deprecated, "
                 "see docs/vocabulary-decisions.md)",
                 f"run `pav-graph validate --fix` to write {new!r}, or write it yourself",
                 path=where, replacement=new, fix_kind="rename")
