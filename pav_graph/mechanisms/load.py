"""Load and check ``ontology/mechanisms.yaml``: every problem one located line with its fix.

Checked, besides the schema (unknown keys, a wrong sign or modality value, a missing quote):
unknown or renamed concepts with "did you mean", a link from a concept to itself, a level that
contradicts the cases named, every quote against its source (as for case files), and - as
warnings - unknown cases (a case may be renamed or removed while the vocabulary stays) and
claims about one pair of concepts that disagree on the sign.
Cycles of links are allowed: they are the feedback loops the analysis looks for.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from jsonschema import Draft202012Validator

from pav_graph import yamlio
from pav_graph.claims import DEFAULTS
from pav_graph.load import (
    Context,
    check_concept_ref,
    check_evidence,
    explain_schema_error,
    outside_corpus,
    read_yaml,
)
from pav_graph.mechanisms.model import GENERAL, MechanismLink, assign_link_keys
from pav_graph.model import Case
from pav_graph.problems import Problems, did_you_mean
from pav_graph.project import Project

FILE = "mechanisms.yaml"
DOC = "see docs/mechanisms.md"
_VALIDATOR = None


def mechanisms_path(project: Project) -> Path:
    return project.ontology_dir / FILE


def _validator() -> Draft202012Validator:
    global _VALIDATOR
    if _VALIDATOR is None:
        from pav_graph.mechanisms.schema import MECHANISM_SCHEMA

        _VALIDATOR = Draft202012Validator(MECHANISM_SCHEMA)
    return _VALIDATOR


def _check_schema(path: Path, data, problems: Problems) -> bool:
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    for err in errors:
        message, fix = explain_schema_error(err)
        problems.add(path, message, fix.replace("docs/case-format.md", "docs/mechanisms.md"),
                     path=err.absolute_path)
    return not errors


def load_mechanisms(project: Project, ctx: Context, problems: Problems,
                    cases: dict[str, Case] | None = None,
                    case_ids: Iterable[str] = ()) -> list[MechanismLink]:
    """The links of ``ontology/mechanisms.yaml`` (none when the file does not exist).

    ``cases`` are the loaded cases (their levels check a link's ``level``); ``case_ids`` are
    further known ids (case files that failed to load are still known, so a link that names
    them is not reported a second time)."""
    path = mechanisms_path(project)
    if not path.exists() or outside_corpus(project, path, problems, "mechanism file"):
        return []
    data = read_yaml(path, problems)
    if data is None or not _check_schema(path, data, problems):
        return []
    cases = cases or {}
    known_cases = set(cases) | set(case_ids)
    links: list[MechanismLink] = []
    for i, item in enumerate(data["mechanisms"]):
        at = ("mechanisms", i)
        n_before = len(problems.errors)
        for end in ("from", "to"):
            check_concept_ref(path, item[end], None, (*at, end), ctx, problems)
        if item["from"] == item["to"]:
            problems.add(path, f"a link from {item['from']!r} to itself (a self-loop)",
                         "a mechanism links two different concepts; a feedback loop is made of "
                         "links between different concepts", path=(*at, "to"))
        for j, case_id in enumerate(item.get("cases") or []):
            if case_id not in known_cases:  # a warning: cases come and go, the vocabulary stays
                problems.add(path, f"unknown case {case_id!r} (the link is kept without it)",
                             did_you_mean(case_id, sorted(known_cases), "case id"),
                             path=(*at, "cases", j), severity="warning")
        level = item.get("level", GENERAL)
        named = [cases[c] for c in item.get("cases") or [] if c in cases]
        if level != GENERAL and named:
            levels = sorted({lv for c in named for lv in c.levels})
            if level not in levels:
                problems.add(path, f"level {level!r} but the cases named are at {', '.join(levels)}",
                             "remove `level:` (it follows from the cases) or correct it", path=(*at, "level"))
        evidence = check_evidence(path, item["evidence"], (*at, "evidence"), ctx, problems)
        if len(problems.errors) > n_before:
            continue
        links.append(MechanismLink(
            item["from"], item["to"], item["sign"], item["modality"], evidence, level,
            list(item.get("cases") or []), item.get("note"),
            **{key: item.get(key, default) for key, default in DEFAULTS.items()},
            attributed_to=item.get("attributed_to"), path=path, index=i))
    assign_link_keys(links)
    _warn_sign_conflicts(path, links, problems)
    return links


def _warn_sign_conflicts(path: Path, links: list[MechanismLink], problems: Problems) -> None:
    by_pair: dict[tuple[str, str], list[MechanismLink]] = {}
    for link in links:
        if not link.denied:
            by_pair.setdefault(link.pair, []).append(link)
    for (a, b), claims in by_pair.items():
        if len({c.sign for c in claims}) > 1:
            last = claims[-1]
            problems.add(path, f"claims about {a} → {b} disagree on the sign "
                         f"({', '.join(sorted({c.sign for c in claims}))})",
                         "check the passages: loops through this link get type '?'",
                         path=("mechanisms", last.index, "sign"), severity="warning")


def case_ids_on_disk(project: Project) -> set[str]:
    """Ids of the case files in cases/ (by file name), loaded or not."""
    return {p.stem for p in project.cases_dir.glob("*.yaml")}


def read_data(project: Project):
    """The parsed file (for tools that only need the raw items, e.g. the agreement sample)."""
    return yamlio.load(mechanisms_path(project))
