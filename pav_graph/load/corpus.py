"""The whole corpus: shared files first, then every case file, streamed or all at once."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from pav_graph import yamlio
from pav_graph.load.cases import load_case
from pav_graph.load.concepts import load_composites, load_concepts
from pav_graph.load.evidence import Context
from pav_graph.load.files import outside_corpus
from pav_graph.load.sources import load_sources
from pav_graph.model import (
    Case,
    Concept,
    Corpus,
)
from pav_graph.problems import Problems
from pav_graph.project import Project


def load_shared(project: Project, problems: Problems, check_quotes: bool = True) -> Context:
    """Sources, concepts and composite patterns: what every case file is checked against."""
    sources = load_sources(project, problems)
    deprecated: dict[str, Concept] = {}
    concepts = load_concepts(project, sources, problems, check_quotes, deprecated)
    composites = load_composites(project, sources, concepts, problems, deprecated)
    return Context(sources, concepts, check_quotes, deprecated, composites)


class Organisations:
    """An organisation id names one organisation in every case file: the same name and level
    (the first file, in the order given, sets them)."""

    def __init__(self) -> None:
        self.seen: dict[str, tuple[str, str, Path]] = {}

    def check(self, path: Path, organisations: Iterable, problems: Problems) -> None:
        """``organisations``: (id, name, level) of one case file, in its order."""
        for i, (oid, name, level) in enumerate(organisations):
            known = self.seen.get(oid)
            if known and known[:2] != (name, level):
                problems.add(path, f"organisation {oid!r} differs from {known[2].name}"
                             f" ({known[0]}, {known[1]})",
                             "use the same name and level for an organisation in every case",
                             path=("organisations", i))
            self.seen.setdefault(oid, (name, level, path))


class CaseFiles(Mapping):
    """Case models by id, each loaded from ``cases/<id>.yaml`` when first asked for.

    A build streams the case files and keeps none of them; what needs a few models across files
    (the mechanism layer checks the levels of the cases a link names) gets them from here.
    ``models`` are already loaded. Iteration gives every id; an id whose file does not load is
    not ``in`` it (as in :func:`load_corpus`, which keeps only cases that load)."""

    def __init__(self, project: Project, ctx: Context, ids: Iterable[str],
                 models: dict[str, Case] | None = None) -> None:
        self._project, self._ctx = project, ctx
        self._ids = sorted(set(ids))
        self._known = set(self._ids)
        self._models: dict[str, Case | None] = dict(models or {})

    def _get(self, cid: str) -> Case | None:
        if cid not in self._models:
            if cid not in self._known:
                return None
            self._models[cid] = load_case(self._project.cases_dir / f"{cid}.yaml", self._ctx, Problems())
        return self._models[cid]

    def __getitem__(self, cid: str) -> Case:
        case = self._get(cid)
        if case is None:
            raise KeyError(cid)
        return case

    def __contains__(self, cid: object) -> bool:
        return isinstance(cid, str) and self._get(cid) is not None

    def __iter__(self):
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


def load_corpus(project: Project, case_files: Iterable[Path] | None = None,
                check_quotes: bool = True) -> tuple[Corpus, Problems]:
    """Load everything; ``case_files`` replaces the project's cases/ (for validating new files)."""
    problems = Problems()
    ctx = load_shared(project, problems, check_quotes)
    files = sorted(project.cases_dir.glob("*.yaml")) if case_files is None else list(case_files)
    cases: dict[str, Case] = {}
    orgs = Organisations()
    cases_dir = project.cases_dir.resolve()
    parsed = yamlio.load_many(files)
    for path in files:
        if path.absolute().parent.resolve() == cases_dir and outside_corpus(
                project, path, problems, "case file"):
            continue
        case = load_case(path, ctx, problems, parsed)
        if case is None:
            continue
        if case.id in cases:
            problems.add(path, f"duplicate case id {case.id!r} (also in {cases[case.id].path})",
                         "give the case another id", path=("id",))
            continue
        orgs.check(path, [(o.id, o.name, o.level) for o in case.organisations], problems)
        cases[case.id] = case
    from pav_graph.mechanisms.load import case_ids_on_disk, load_mechanisms

    mechanisms = load_mechanisms(project, ctx, problems, cases, case_ids_on_disk(project))
    locate_problems(problems)
    return Corpus(ctx.sources, ctx.concepts, ctx.composites, cases, ctx.deprecated, mechanisms), problems


def locate_problems(problems: Problems) -> None:
    """Fill in line and column for problems that know their YAML path."""
    for p in problems:
        if p.line is None and p.file.exists() and p.file.suffix in (".yaml", ".yml"):
            pos = yamlio.locate(p.file, p.path)
            if pos:
                p.line, p.column = pos
