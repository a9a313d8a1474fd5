"""The ontology quality gate behind ``pav-graph check``.

Four layers, each reported as :class:`Issue` objects with a severity (error, warn, info):

1. **load** — the corpus must load and validate (schema, ids, quotes); if not, nothing else runs;
2. **SHACL** — ``ontology/shapes.ttl`` on TBox + data (:func:`pav_graph.build.run_shacl`);
3. **reasoner** — HermiT must find TBox + data consistent; the result of the build is reused
   (a current build has passed both SHACL and the reasoner, so nothing is recomputed);
4. **rules** — the SPARQL files in ``ontology/checks/*.rq`` (one documented rule per file, in
   the spirit of ROBOT ``report`` and the OOPS! pitfall catalogue) run on the built graph.

When the build fails (SHACL or reasoner), the rules still run on the asserted graph held in
memory, so one run shows every problem.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox

from pav_graph.project import Project
from pav_graph.sparql import prefix_header, select_local

SEVERITIES = ("error", "warn", "info")
_HEADER = re.compile(r"^#\s*([a-z-]+):\s*(.*)$")


class RuleError(Exception):
    """A rule file is malformed (missing header, unknown severity, SPARQL syntax)."""


@dataclass
class Rule:
    id: str
    severity: str
    description: str
    query: str
    path: Path
    fix: str = ""


@dataclass
class Issue:
    rule: str  # a rule id, or "load", "shacl", "reasoner"
    severity: str
    entity: str
    message: str
    location: str = ""  # file[:line] where the fix goes, when known
    fix: str = ""


@dataclass
class Report:
    issues: list[Issue] = field(default_factory=list)
    stages: dict[str, str] = field(default_factory=dict)  # stage -> "ok" | "failed" | "skipped"
    rules: list[Rule] = field(default_factory=list)

    def count(self, severity: str) -> int:
        return sum(1 for i in self.issues if i.severity == severity)

    def fails(self, fail_on: str) -> bool:
        """Does the report fail the gate? ``fail_on`` is "error" or "warn"."""
        levels = {"error": ("error",), "warn": ("error", "warn")}[fail_on]
        return any(i.severity in levels for i in self.issues)

    def as_dict(self) -> dict:
        return {
            "counts": {s: self.count(s) for s in SEVERITIES},
            "stages": self.stages,
            "rules": [{"id": r.id, "severity": r.severity, "description": r.description,
                       "file": r.path.name} for r in self.rules],
            "issues": [asdict(i) for i in self.issues],
        }


def checks_dir(project: Project) -> Path:
    return project.ontology_dir / "checks"


def load_rules(directory: Path) -> list[Rule]:
    """Read every ``*.rq`` rule of ``directory`` (sorted by file name)."""
    rules = []
    seen: dict[str, Path] = {}
    for path in sorted(directory.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        header: dict[str, str] = {}
        for line in text.splitlines():
            if not line.startswith("#"):
                break
            m = _HEADER.match(line)
            if m:
                header[m.group(1)] = m.group(2).strip()
        for key in ("rule", "severity", "description"):
            if not header.get(key):
                raise RuleError(f"{path}: missing header line '# {key}: ...' — "
                                "see ontology/checks/README.md")
        if header["severity"] not in SEVERITIES:
            raise RuleError(f"{path}: severity {header['severity']!r} is not one of "
                            f"{', '.join(SEVERITIES)}")
        if header["rule"] in seen:
            raise RuleError(f"{path}: rule id {header['rule']!r} is also used by {seen[header['rule']].name}")
        seen[header["rule"]] = path
        rules.append(Rule(header["rule"], header["severity"], header["description"], text, path,
                          header.get("fix", "")))
    return rules


def run_rules(store: ox.Store, rules: list[Rule], locate=lambda entity: "") -> list[Issue]:
    """Run each rule; one issue per result row, sorted by entity."""
    issues = []
    for rule in rules:
        try:
            result = select_local(store, prefix_header() + rule.query)
        except (SyntaxError, ValueError, OSError) as exc:
            raise RuleError(f"{rule.path}: the query does not run: {exc}") from None
        if "entity" not in result.variables:
            raise RuleError(f"{rule.path}: the query must SELECT ?entity (and optionally ?detail)")
        found = []
        for row in result.rows:
            entity = str(row["entity"]) if row.get("entity") is not None else ""
            detail = str(row["detail"]) if row.get("detail") is not None else rule.description
            found.append(Issue(rule.id, rule.severity, entity, detail, locate(entity), rule.fix))
        issues += sorted(found, key=lambda i: (i.entity, i.message))
    return issues


class Locator:
    """Where in the user's files an entity is defined: ``file:line`` for concepts and cases,
    the TBox file (and line) for ontology terms."""

    def __init__(self, project: Project, corpus=None):
        self.project, self.corpus = project, corpus
        self._tbox: list[str] | None = None

    def _rel(self, path: Path) -> str:
        try:
            return str(path.resolve().relative_to(self.project.root.resolve()))
        except ValueError:
            return str(path)

    def __call__(self, entity: str) -> str:
        from pav_graph import yamlio
        from pav_graph.rdf import ID, ONTO

        if self.corpus is not None and entity.startswith(f"{ID}concept/"):
            c = self.corpus.concepts.get(entity.rsplit("/", 1)[1])
            if c is not None and c.path is not None:
                data = yamlio.load(c.path)
                for i, item in enumerate(data["concepts"]):
                    if item.get("id") == c.id:
                        pos = yamlio.locate(c.path, ("concepts", i))
                        return f"{self._rel(c.path)}:{pos[0]}" if pos else self._rel(c.path)
        if self.corpus is not None and entity.startswith(f"{ID}case/"):
            case = self.corpus.cases.get(entity[len(f"{ID}case/"):].split("/", 1)[0])
            if case is not None and case.path is not None:
                return self._rel(case.path)
        if entity.startswith(ONTO):
            from pav_graph.build import ontology_files

            name = entity[len(ONTO):]
            for path in ontology_files(self.project):
                if not path.is_file():
                    continue
                for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                    if re.match(rf"^(pg:{re.escape(name)}|<{re.escape(entity)}>)\s", line):
                        return f"{self._rel(path)}:{n}"
        return ""


def _asserted_store(project: Project, corpus) -> ox.Store:
    """TBox + asserted data in memory (used when the build failed, so the rules still run)."""
    from pav_graph import rdf
    from pav_graph.build import ontology_files

    store = ox.Store()
    triples = [t for p in ontology_files(project) for t in rdf.ontology_triples(p)]
    triples += list(rdf.corpus_triples(corpus))
    store.bulk_load(rdf.to_ntriples(triples), format=ox.RdfFormat.N_TRIPLES)
    return store


def check(project: Project, log=lambda msg: None) -> Report:
    """Run the whole gate on the project and return the report (never raises for bad data)."""
    from pav_graph import build as builder
    from pav_graph.load import load_corpus

    report = Report()
    report.rules = load_rules(checks_dir(project))
    corpus, problems = load_corpus(project)
    for p in problems:
        report.issues.append(Issue("load", p.severity if p.severity in SEVERITIES else "error",
                                   p.location(project.root), p.message, p.location(project.root),
                                   p.fix or ""))
    if problems:
        report.stages.update(load="failed", shacl="skipped", reasoner="skipped", rules="skipped")
        return report
    report.stages["load"] = "ok"
    locate = Locator(project, corpus)

    store = None
    try:
        result = builder.build(project, log=log)
        seconds = result.manifest.get("seconds", {})
        if "shacl" not in seconds or ("reasoner" not in seconds and corpus.composites):
            # the current build was made with --no-shacl or --no-reason: redo it in full
            result = builder.build(project, force=True, log=log)
        report.stages["shacl"] = "ok"
        seconds = result.manifest.get("seconds", {})
        # the build runs HermiT only when there are composite patterns; consistency always matters
        report.stages["reasoner"] = "ok" if "reasoner" in seconds else _reason(project, corpus, report)
        store = ox.Store.read_only(str(result.directory / "store"))
    except builder.BuildFailed as exc:
        if exc.problems:  # cannot happen after a clean load, but never hide a problem
            for p in exc.problems:
                report.issues.append(Issue("load", "error", p.location(project.root), p.message,
                                           p.location(project.root), p.fix or ""))
        if exc.lines:  # SHACL failed; the build stopped before the reasoner: run it here
            report.stages["shacl"] = "failed"
            for line in exc.lines:
                focus = line.split(": ", 1)[0]
                report.issues.append(Issue("shacl", "error", focus, line, locate(focus),
                                           "see ontology/shapes.ttl for the constraint"))
            report.stages["reasoner"] = _reason(project, corpus, report)
        else:
            report.stages.update(shacl="ok", reasoner="failed")
            report.issues.append(Issue("reasoner", "error", "", str(exc), "ontology/",
                                       "remove the contradicting axiom or assertion"))
        store = _asserted_store(project, corpus)
    report.issues += run_rules(store, report.rules, locate)
    report.stages["rules"] = "ok"
    return report


def _reason(project: Project, corpus, report: Report) -> str:
    """Run HermiT on TBox + asserted data (when the build could not); record an inconsistency."""
    from pav_graph import rdf
    from pav_graph.build import ontology_files
    from pav_graph.reason import InconsistentOntology, classify

    triples = [t for p in ontology_files(project) for t in rdf.ontology_triples(p)]
    triples += list(rdf.corpus_triples(corpus))
    try:
        classify(corpus, triples)
    except InconsistentOntology as exc:
        report.issues.append(Issue("reasoner", "error", "", str(exc), "ontology/",
                                   "remove the contradicting axiom or assertion"))
        return "failed"
    return "ok"
