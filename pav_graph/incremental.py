"""An incremental build: the build in use, with the case files that changed since then.

Only the new, changed and removed case files are validated, converted, SHACL-checked and
classified; the other cases keep their blocks of ``graph.nt`` (copied in the kernel, see
:mod:`pav_graph.graphparts`), their SHACL verdicts and their catalogue rows, and the store is a
hard-linked copy of the previous one (RocksDB's checkpoint, ``Store.backup``) from which the old
lines of the changed parts are removed and to which their new lines are added. The result is
the graph, store and catalogue a full build of the same inputs makes (``tests/test_incremental.py``
compares them), with one difference in how it is reached: cases are classified by the rule of
the composite patterns' definitions (tested equal to HermiT's answer), not by HermiT on the
whole graph, which ``pav-graph build --full`` still runs.

It falls back to a full build (and says why) whenever what it rests on does not hold: no parts
in the build in use, other options, a change to anything but case files (the ontology, the
vocabulary, the sources, the package code), a shared part whose types, hierarchy, rule or blank
nodes changed, or more than a quarter of the cases changed (then a full build is no slower).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import pyoxigraph as ox

from pav_graph import buildstate, graphparts, rdf
from pav_graph.problems import Problems
from pav_graph.project import Project

_TYPE = f"<{rdf.RDF}type>".encode()
_SUBCLASS = f"<{rdf.RDFS}subClassOf>".encode()


class _Levels:
    """What the mechanism links' check reads of an unchanged case: its levels of government
    (as :attr:`pav_graph.model.Case.levels` gives them), from the organisations in parts.json."""

    def __init__(self, orgs: list[list[str]]) -> None:
        self.levels = sorted({o[2] for o in orgs if o[3] == "setting"})


class _Fallback(Exception):
    """The incremental build cannot be exact here; the message says why."""


def build_incremental(project: Project, digest: str, *, shacl: bool, reason: bool, log):
    """The new build (a :class:`pav_graph.build.BuildResult`), or None when a full build is
    needed (the reason is logged)."""
    from pav_graph.build import current_build

    previous = current_build(project)
    state = buildstate.read_state(previous) if previous is not None else None
    try:
        if previous is None:
            return None
        if state is None:
            raise _Fallback("the build in use has no parts.json")
        if state.reason != reason or (shacl and not state.shacl):
            raise _Fallback("the build in use was made with other options")
        if reason and state.rule is None:
            raise _Fallback("the composite patterns have no rule (HermiT classifies the whole graph)")
        key = buildstate.shared_key(project)
        if key != state.shared_key:
            raise _Fallback("the ontology, the vocabulary, the sources or the code changed")
        ctx = buildstate.load_context(project, key)
        if ctx is None:
            raise _Fallback("the vocabulary of the build in use is not cached")
        found = buildstate.scan(project, state)
        touched = len(found.changed) + len(found.removed)
        if not touched:
            raise _Fallback("no case file changed")
        if touched > max(100, len(state.cases) // 4):
            raise _Fallback(f"{touched} case files changed")
        return _Incremental(project, digest, previous, state, ctx, found, shacl, reason, log).run()
    except _Fallback as why:
        log(f"full build: {why}")
        return None


class _Incremental:
    def __init__(self, project, digest, previous: Path, state, ctx, found, shacl, reason, log):
        from pav_graph.build import _Clock

        self.project, self.digest, self.previous, self.state = project, digest, previous, state
        self.ctx, self.found, self.shacl, self.reason, self.log = ctx, found, shacl, reason, log
        self.clock = _Clock()
        self.old = open(previous / "graph.nt", "rb")  # noqa: SIM115 - closed in run()

    def read(self, offset: int, length: int) -> bytes:
        return os.pread(self.old.fileno(), length, offset)

    def run(self):
        try:
            return self._run()
        finally:
            self.old.close()

    def _run(self):
        from pav_graph.build import BuildFailed, target_of
        from pav_graph.load import (
            CaseFiles,
            Organisations,
            load_case,
            locate_problems,
            outside_corpus,
        )
        from pav_graph.mechanisms.load import load_mechanisms
        from pav_graph.model import Corpus

        clock, found, state, ctx = self.clock, self.found, self.state, self.ctx
        clock("load_validate")
        problems = Problems()
        models = {}
        for path in found.changed:
            if outside_corpus(self.project, path, problems, "case file"):
                continue
            case = load_case(path, ctx, problems)
            if case is not None:
                models[path.name] = case
        orgs = Organisations()
        cases_dir = self.project.cases_dir
        for name in sorted(found.stamps):
            path = cases_dir / name
            if name in found.unchanged:
                orgs.check(path, [tuple(o[:3]) for o in found.unchanged[name].orgs], problems)
            elif name in models:
                orgs.check(path, [(o.id, o.name, o.level) for o in models[name].organisations], problems)
        ids = {name[:-len(".yaml")] for name in found.stamps}  # scan gives *.yaml names
        old_ids = {p.id for p in state.cases}
        touched = {m.id for m in models.values()} | {p.id for p in found.removed}
        mech_named = set(state.mech_named)
        links = None
        if touched & mech_named:  # a case a mechanism link names: check the links again
            from pav_graph.mechanisms.load import load_mechanisms

            levels = {p.id: _Levels(p.orgs) for p in found.unchanged.values()}
            levels.update({m.id: m for m in models.values()})
            # the quotes of ontology/mechanisms.yaml were verified by the full build (the shared
            # key covers that file and the sources): only what concerns cases is checked again
            links = load_mechanisms(self.project, dataclasses.replace(ctx, check_quotes=False),
                                    problems, levels, ids)
        locate_problems(problems)
        if problems:
            raise BuildFailed(f"{len(problems.errors)} problem(s) in the corpus", problems)

        clock("rdf")
        old_shared = self.read(*state.shared[:2])
        rule = {p: set(c) for p, c in state.rule.items()} if state.rule is not None else None
        if links is not None and (ids ^ old_ids) & mech_named:
            # the mechanism layer names a case that came or went: the shared part changes
            from pav_graph.build import ontology_files

            cases = CaseFiles(self.project, ctx, ids, {m.id: m for m in models.values()})
            corpus = Corpus(ctx.sources, ctx.concepts, ctx.composites, cases, ctx.deprecated, links)
            tbox = [t for path in ontology_files(self.project) for t in rdf.ontology_triples(path)]
            layout = graphparts.shared_layout(corpus, tbox)
        else:
            layout = graphparts.Layout.of_shared(old_shared, ctx.composites, rule, set(state.family))
        cases = CaseFiles(self.project, ctx, ids, {m.id: m for m in models.values()})
        old_shared = self.read(*state.shared[:2])
        rebuild = dict(models)  # file name -> model of the cases whose blocks are made anew
        if layout.shared_nt != old_shared:
            self._check_shared(layout, old_shared)
            for name in self._shared_moved(layout, old_shared):
                rebuild.setdefault(name, cases[Path(name).stem])
        self.rebuilt = rebuild
        blocks = {}
        for name, case in sorted(rebuild.items()):
            clock("rdf")
            block = layout.block(case)
            clock("reasoner")
            blocks[name] = layout.finish(block, case, layout.rule_matches(block) if self.reason else [])
        clock("reasoner")
        named = set(state.tbox_named) & ids
        if self.reason and (layout.shared_nt != old_shared or named & {b.case_id for b in blocks.values()}):
            from pav_graph.build import BuildFailed
            from pav_graph.reason import InconsistentOntology, check_consistency

            checked = layout.shared + [t for cid in sorted(named) for t in layout.block(cases[cid]).asserted]
            try:
                check_consistency(checked, self.project.build_dir / "cache")
            except InconsistentOntology as exc:
                raise BuildFailed(str(exc)) from None

        clock("entail")
        table: dict[bytes, int] = {}
        foreign_of: dict[str, list[int]] = {}
        for name in sorted(found.stamps):
            if name in blocks:
                lines = blocks[name].foreign
            elif name in found.unchanged:
                lines = [state.foreign[i].encode() for i in found.unchanged[name].foreign]
            else:
                continue
            foreign_of[name] = [table.setdefault(line, len(table)) for line in lines]
        foreign_lines = list(table)
        rest, rest_entailed = layout.rest(foreign_lines)
        old_rest = self.read(*state.rest[:2])
        old_lines, new_lines = set(), set()
        for part in [*found.removed, *(found.unchanged.get(n) or self._old_part(n) for n in blocks)]:
            if part is not None:
                old_lines.update(self.read(part.offset, part.length).splitlines(keepends=True))
        for block in blocks.values():
            new_lines.update(block.data.splitlines(keepends=True))
        for old, new in ((old_shared, layout.shared_nt), (old_rest, rest)):
            if old != new:
                old_lines.update(old.splitlines(keepends=True))
                new_lines.update(new.splitlines(keepends=True))
        removed, added = old_lines - new_lines, new_lines - old_lines
        if any(b"_:" in line for line in removed | added):
            raise _Fallback("blank nodes of the shared part changed")

        job = None
        if self.shacl:
            clock("shacl")
            job = self._start_shacl(layout, blocks, cases, foreign_lines, state.foreign)
        tmp = self.project.build_dir / "builds" / f".{self.digest}.tmp-{os.getpid()}"
        try:
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir(parents=True)
            clock("entail")
            parts = self._write_graph(tmp / "graph.nt", blocks, foreign_of, layout, rest)
            clock("store")
            self._update_store(tmp / "store", removed, added)
            clock("catalog")
            from pav_graph.catalog import patch_index, read_index

            store = ox.Store.read_only(str(tmp / "store"))
            patch_index(store, read_index(self.previous), sorted(b.case_id for b in blocks.values()),
                        [p.id for p in found.removed], tmp)
            del store
            if job is not None:
                clock("shacl")
                violations = job.result()
                job = None
                if violations:
                    raise BuildFailed(f"SHACL: {len(violations)} violation(s)", lines=violations)
                self.log("SHACL: the graph conforms to ontology/shapes.ttl")
            clock(None)
            return self._finish(tmp, target_of(self.project, self.digest), layout, parts, rest,
                                rest_entailed, foreign_lines, blocks)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        finally:
            if job is not None:
                job.cancel()

    def _old_part(self, name: str):
        return next((p for p in self.state.cases if p.file == name), None)

    def _check_shared(self, layout, old_shared: bytes) -> None:
        """A new shared part may differ only in triples that are not types, subclass axioms or
        blank nodes, and must give the same rule (else every case could be affected)."""
        def typing(data: bytes) -> set[bytes]:
            return {line for line in data.splitlines() if _TYPE in line or _SUBCLASS in line}

        if typing(old_shared) != typing(layout.shared_nt):
            raise _Fallback("the types or the class hierarchy of the shared part changed")
        rule = {p: sorted(c) for p, c in layout.rule.items()} if layout.rule is not None else None
        if self.reason and (rule != self.state.rule or sorted(layout.family) != self.state.family):
            raise _Fallback("the composite patterns' rule changed")

    def _shared_moved(self, layout, old_shared: bytes) -> list[str]:
        """Unchanged case files whose triples in the shared part changed (the mechanism layer
        names cases): their blocks are made anew, as those triples are not repeated in them."""
        prefix = f"<{rdf.ID}case/".encode()

        def by_case(data: bytes) -> dict[str, set[bytes]]:
            out: dict[str, set[bytes]] = {}
            for line in data.splitlines():
                if line.startswith(prefix):
                    out.setdefault(line[len(prefix):].split(b"/", 1)[0].split(b">", 1)[0].decode(),
                                   set()).add(line)
            return out

        old, new = by_case(old_shared), by_case(layout.shared_nt)
        moved = {cid for cid in old.keys() | new.keys() if old.get(cid) != new.get(cid)}
        return [name for name, part in self.found.unchanged.items() if part.id in moved]

    def _start_shacl(self, layout, blocks, cases, foreign_lines, old_foreign):
        """Validate the rebuilt cases, the shared part when it changed, and the unchanged cases
        whose shared nodes (organisations) gained or lost a type."""
        from pav_graph.shacl import Plan, Shapes

        text = (self.project.ontology_dir / "shapes.ttl").read_text(encoding="utf-8")
        cache = self.project.build_dir / "cache"
        shapes = Shapes(text, [(a.decode()[1:-1], b.decode()[1:-1])
                               for a, bs in layout.supers.items() for b in bs], cache)
        plan = Plan(shapes, cache / buildstate.SHACL_CACHE)
        for block in blocks.values():
            plan.add_case(block.case_id, block.asserted + layout.local.get(block.case_id, []))

        def types(lines) -> set[bytes]:
            return {line for line in lines if _TYPE in line}

        retyped = {line.split(b" ", 1)[0][1:-1].decode()
                   for line in types(foreign_lines) ^ types(s.encode() for s in old_foreign)}
        for name, part in self.found.unchanged.items() if retyped else ():
            if name not in blocks and retyped & set(part.refs):
                plan.add_case(part.id, layout.block(cases[part.id]).asserted + layout.local.get(part.id, []))
        foreign = [q.triple for q in ox.parse(b"".join(foreign_lines), format=ox.RdfFormat.N_TRIPLES)]
        plan.set_shared([t for t in layout.shared if rdf.case_id_of(t.subject) is None] + foreign)
        self._plan = plan
        return plan.start(graphparts.shared_key(layout.shared_nt, foreign_lines), fork=True)

    def _write_graph(self, path: Path, blocks, foreign_of, layout, rest: bytes) -> list:
        """graph.nt: unchanged blocks copied from the previous file (runs of neighbours at once),
        new blocks written, then S and R."""
        parts = []
        run: list[int] = []  # [old offset, length] of the blocks still to copy

        with open(path, "wb") as out:
            def flush_run() -> None:
                if run:
                    buildstate.copy_range(self.old, out, run[0], run[1])
                    run.clear()

            for name in sorted(self.found.stamps):
                sha, size, mtime = self.found.stamps[name]
                if name in blocks:
                    flush_run()
                    block, case = blocks[name], self.rebuilt[name]
                    offset = out.tell()
                    out.write(block.data)
                    parts.append(buildstate.CasePart(
                        name, sha, size, mtime, block.case_id, offset, len(block.data),
                        foreign_of[name], [[o.id, o.name, o.level, o.involvement]
                                           for o in case.organisations],
                        block.matches, [len(block.asserted), block.inferred, block.entailed]))
                elif name in self.found.unchanged:
                    old = self.found.unchanged[name]
                    if run and run[0] + run[1] == old.offset:
                        offset = out.tell() + run[1]
                        run[1] += old.length
                    else:
                        flush_run()
                        offset = out.tell()
                        run[:] = [old.offset, old.length]
                    parts.append(buildstate.CasePart(
                        name, sha, size, mtime, old.id, offset, old.length, foreign_of[name],
                        old.orgs, old.matches, old.counts, old.refs))
            flush_run()
            self._shared_at = out.tell()
            out.write(layout.shared_nt)
            self._rest_at = out.tell()
            out.write(rest)
        return parts

    def _update_store(self, path: Path, removed: set[bytes], added: set[bytes]) -> None:
        """A hard-linked copy of the previous store (RocksDB's checkpoint: its files are
        immutable), less the removed lines, plus the added ones."""
        ox.Store.read_only(str(self.previous / "store")).backup(str(path))
        store = ox.Store(str(path))
        for quad in ox.parse(b"".join(sorted(removed)), format=ox.RdfFormat.N_TRIPLES):
            store.remove(quad)
        if added:
            store.load(b"".join(sorted(added)), format=ox.RdfFormat.N_TRIPLES)
        store.flush()
        del store

    def _finish(self, tmp: Path, target: Path, layout, parts, rest: bytes, rest_entailed: int,
                foreign_lines: list[bytes], blocks) -> object:
        from pav_graph.build import _finish, _manifest

        state = self.state
        holders = {line.split(b" ", 1)[0][1:-1].decode() for line in foreign_lines}
        plan = getattr(self, "_plan", None)
        for part in parts:
            if part.file in blocks and plan is not None:
                part.refs = sorted(n.value for n in plan.pointed(part.id) if n.value in holders)
        new = buildstate.State(
            state.shared_key, self.shacl, self.reason, self.found.stamped,
            [self._shared_at, len(layout.shared_nt), layout.shared_nt.count(b"\n")],
            [self._rest_at, len(rest), rest.count(b"\n")], rest_entailed,
            [line.decode() for line in foreign_lines], state.rule, state.family, state.tbox_named,
            state.mech_named, parts)
        matches = ({pid: sorted(p.id for p in parts if pid in p.matches) for pid in self.ctx.composites}
                   if self.reason else {})
        changed = {"added": sorted(p.id for p in parts if p.file in blocks and self._old_part(p.file) is None),
                   "changed": sorted(p.id for p in parts if p.file in blocks and self._old_part(p.file)),
                   "removed": sorted(p.id for p in self.found.removed)}
        manifest = _manifest(self.digest, len(parts), self.ctx, new, matches, self.clock.seconds,
                             "incremental", changes=changed, previous=self.previous.name)
        new.save(tmp)
        if self.reason:
            self.log("reasoner (rule of the composite patterns): "
                     + ", ".join(f"{p}: {len(c)} case(s)" for p, c in matches.items()))
        return _finish(self.project, tmp, target, manifest)
