"""The ontology quality gate behind ``pav-graph check``.

Six layers, each reported as :class:`Issue` objects with a severity (error, warn, info):

1. **load** — the corpus must load and validate (schema, ids, quotes); if not, nothing else runs;
2. **SHACL** — ``ontology/shapes.ttl`` on TBox + data (:func:`pav_graph.shacl.run_shacl`);
3. **reasoner** — HermiT must find TBox + data consistent; the result of the build is reused
   (a current build has passed both SHACL and the reasoner, so nothing is recomputed);
4. **language** — every text we write ourselves in Dutch and in English, each in its own
   language (:mod:`pav_graph.langcheck`);
5. **rules** — the SPARQL files in ``ontology/checks/*.rq`` (one documented rule per file, in
   the spirit of ROBOT ``report`` and the OOPS! pitfall catalogue) run on the built graph;
6. **privacy** — the rules of :mod:`pav_graph.privacy` on the files themselves (comments
   included): no anonymisation code of a source, no personal name the source does not give for
   that office; with ``site_dir``, no anonymisation code on any page of a built site.

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
_HEADER = re.compile(r"#\s*([a-z-]+):\s*(.*)\Z")


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
        found: dict[tuple[str, str], Issue] = {}  # one issue per (entity, detail): paths repeat rows
        for row in result.rows:
            entity = str(row["entity"]) if row.get("entity") is not None else ""
            detail = str(row["detail"]) if row.get("detail") is not None else rule.description
            if (entity, detail) not in found:
                found[(entity, detail)] = Issue(rule.id, rule.severity, entity, detail,
                                                locate(entity), rule.fix)
        issues += sorted(found.values(), key=lambda i: (i.entity, i.message))
    return issues


class Locator:
    """Where in the user's files an entity is defined: ``file:line`` for concepts, the case file
    for cases, the TBox file and line for ontology terms. Files are read once and scanned for
    the defining line (``id: <concept>``, ``pg:<Term>``), which is fast for hundreds of issues."""

    def __init__(self, project: Project, corpus=None):
        self.project, self.corpus = project, corpus
        self._lines: dict[Path, list[str]] = {}
        self._subjects: dict[Path, set[str]] = {}

    def _rel(self, path: Path) -> str:
        try:
            return str(path.resolve().relative_to(self.project.root.resolve()))
        except ValueError:
            return str(path)

    def _find(self, path: Path, pattern: str) -> str:
        if path not in self._lines:
            try:
                self._lines[path] = path.read_text(encoding="utf-8").splitlines()
            except OSError:
                self._lines[path] = []
        regex = re.compile(pattern)
        for n, line in enumerate(self._lines[path], 1):
            if regex.match(line):
                return f"{self._rel(path)}:{n}"
        return ""

    def __call__(self, entity: str) -> str:
        from pav_graph.build import ontology_files
        from pav_graph.rdf import ID, ONTO

        if self.corpus is not None and entity.startswith(f"{ID}concept/"):
            c = self.corpus.concepts.get(entity[len(f"{ID}concept/"):])
            if c is not None and c.path is not None:
                return (self._find(c.path, rf"^\s*-?\s*id:\s*[\"']?{re.escape(c.id)}[\"']?\s*(#.*)?$")
                        or self._rel(c.path))
        if self.corpus is not None and entity.startswith(f"{ID}case/"):
            case = self.corpus.cases.get(entity[len(f"{ID}case/"):].split("/", 1)[0])
            if case is not None and case.path is not None:
                return self._rel(case.path)
        if entity.startswith(ONTO):
            name = re.escape(entity[len(ONTO):])
            for path in ontology_files(self.project):
                if path.is_file():
                    found = self._find(path, rf"^(pg:{name}|<{re.escape(entity)}>)\s")
                    if found:
                        return found
        return self.in_tbox(entity)

    def in_tbox(self, entity: str) -> str:
        """The TBox file (and line) that makes statements about ``entity`` (an IRI), or ""."""
        from pav_graph.build import ontology_files

        if not entity.startswith(("http://", "https://")):
            return ""
        # the IRI as written in full, or as a prefixed name (pgid:concept\/x, pg:X) whose local
        # part may escape '/'
        from pav_graph.rdf import ID

        if entity.startswith(ID):
            tail = entity[len(ID):]
        else:
            tail = re.split(r"[#/]", entity)[-1]
        local = re.escape(tail).replace("/", r"\\?/")
        written = "(<" + re.escape(entity) + r">|[\w-]*:" + local + r"(\s|;|,|\.|\Z))"
        for path in ontology_files(self.project):
            if path not in self._subjects:
                try:
                    self._subjects[path] = {q.subject.value for q in ox.parse(
                        path=str(path), format=ox.RdfFormat.TURTLE) if isinstance(q.subject, ox.NamedNode)}
                except (OSError, SyntaxError, ValueError):
                    self._subjects[path] = set()
            if entity in self._subjects[path]:
                return self._find(path, rf"^\s*{written}") or self._rel(path)
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


def check(project: Project, log=lambda msg: None, site_dir: Path | None = None) -> Report:
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
        report.stages.update(load="failed", language="skipped", shacl="skipped", reasoner="skipped", rules="skipped")
        _privacy(project, None, report, site_dir)
        return report
    report.stages["load"] = "ok"
    locate = Locator(project, corpus)
    report.stages["language"] = _language(project, report)

    try:
        result = builder.build(project, log=log)
        seconds = result.manifest.get("seconds", {})
        if "shacl" not in seconds or ("reasoner" not in seconds and corpus.composites):
            # the current build was made with --no-shacl or --no-reason: redo it in full
            result = builder.build(project, force=True, log=log)
            seconds = result.manifest.get("seconds", {})
        report.stages["shacl"] = "ok"
        store = ox.Store.read_only(str(result.directory / "store"))
        # the build runs HermiT only when there are composite patterns; consistency always matters
        report.stages["reasoner"] = ("ok" if "reasoner" in seconds
                                     else _reason(project, corpus, report, locate))
    except builder.BuildFailed as exc:
        for p in exc.problems:  # cannot happen after a clean load, but never hide a problem
            report.issues.append(Issue("load", "error", p.location(project.root), p.message,
                                       p.location(project.root), p.fix or ""))
        store = _asserted_store(project, corpus)
        if exc.lines:  # SHACL failed and the build stopped before the reasoner: run it here
            report.stages["shacl"] = "failed"
            for line in exc.lines:
                focus = line.split(": ", 1)[0]
                report.issues.append(Issue("shacl", "error", focus, line, locate(focus),
                                           "see ontology/shapes.ttl for the constraint"))
            report.stages["reasoner"] = _reason(project, corpus, report, locate, store)
        else:
            report.stages.update(shacl="ok", reasoner="failed")
            report.issues += diagnose_inconsistency(project, store, str(exc), locate)
    report.issues += run_rules(store, report.rules, locate)
    report.stages["rules"] = "ok"
    _privacy(project, corpus, report, site_dir)
    return report


def _privacy(project: Project, corpus, report: Report, site_dir: Path | None) -> None:
    """The privacy rules (annotation guide § 9); the name rule needs a corpus that loaded."""
    from pav_graph import privacy

    found = privacy.code_findings(privacy.published_files(project), project.root)
    if corpus is not None:
        found += privacy.name_findings(corpus, project.root)
    if site_dir is not None:
        found += privacy.page_findings(site_dir, project.root)
    for f in found:
        report.issues.append(Issue(f.rule, "error", f.location, f"{f.message} — fix: {f.fix}",
                                   f.location, f.fix))
    report.stages["privacy"] = "failed" if found else "ok"


def _language(project: Project, report: Report) -> str:
    """One language per view (:mod:`pav_graph.langcheck`): mixed or untranslated texts fail."""
    from pav_graph.langcheck import language_issues, located

    found = language_issues(project)
    for i in found:
        where = located(i, project.root)
        report.issues.append(Issue("language", "error", where, i.message, where, i.fix))
    return "failed" if found else "ok"


def _reason(project: Project, corpus, report: Report, locate, store: ox.Store | None = None) -> str:
    """Run HermiT on TBox + asserted data (when the build did not); record an inconsistency."""
    from pav_graph import rdf
    from pav_graph.build import ontology_files
    from pav_graph.reason import InconsistentOntology, classify

    triples = [t for p in ontology_files(project) for t in rdf.ontology_triples(p)]
    triples += list(rdf.corpus_triples(corpus))
    try:
        classify(corpus, triples)
    except InconsistentOntology as exc:
        store = store if store is not None else _asserted_store(project, corpus)
        report.issues += diagnose_inconsistency(project, store, str(exc), locate)
        return "failed"
    return "ok"


DISJOINT_Q = prefix_header() + """
SELECT DISTINCT ?x ?c1 ?c2 WHERE {
  {
    ?d a owl:AllDisjointClasses ; owl:members ?list .
    ?list rdf:rest*/rdf:first ?c1 . ?list rdf:rest*/rdf:first ?c2 .
  } UNION { ?c1 owl:disjointWith ?c2 } UNION { ?c2 owl:disjointWith ?c1 }
  FILTER(isIRI(?c1) && isIRI(?c2) && STR(?c1) < STR(?c2))
  ?x a/rdfs:subClassOf* ?c1 .
  ?x a/rdfs:subClassOf* ?c2 .
}
ORDER BY ?x ?c1 ?c2
"""


def diagnose_inconsistency(project: Project, store: ox.Store, reasoner_message: str,
                           locate) -> list[Issue]:
    """Turn HermiT's verdict into issues that name the culprit where SPARQL can find it.

    HermiT says *that* the graph is inconsistent, rarely *why*. The commonest cause is an
    individual typed (directly or through subclasses) with two disjoint classes; those are found
    here and reported one by one, with the file that makes the assertion when it is a TBox file.
    Otherwise the reasoner's own message is reported.
    """
    from pav_graph.rdf import ID, ONTO

    def short(iri: str) -> str:
        return "pg:" + iri[len(ONTO):] if iri.startswith(ONTO) else iri.removeprefix(ID)

    fix = "remove one of the two types (or the disjointness axiom) and run `pav-graph check` again"
    issues = []
    for r in select_local(store, DISJOINT_Q).rows:
        x, c1, c2 = str(r["x"]), str(r["c1"]), str(r["c2"])
        where = locate.in_tbox(x) if isinstance(locate, Locator) else ""
        issues.append(Issue(
            "reasoner", "error", x,
            f"the reasoner (HermiT) finds the graph inconsistent: {short(x)} is both a {short(c1)} "
            f"and a {short(c2)}, which the ontology declares disjoint",
            where or locate(x), fix))
    if not issues:
        issues.append(Issue("reasoner", "error", "", reasoner_message, "ontology/",
                            "look for contradicting axioms or assertions in ontology/*.ttl"))
    return issues
