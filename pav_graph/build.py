"""The build: validated corpus → RDF (+ SHACL, + reasoner inferences) → files and store.

Each build goes into its own directory ``build/builds/<digest>/`` (graph.nt, store/,
manifest.json); ``build/current.json`` is replaced atomically at the end to point at it. A build
that is killed halfway therefore leaves the previous one in use, and a second build of the same
inputs (same digest) is skipped: the cache key covers every input file and the package code.

A full build streams the case files (:func:`_build_full`); ``graph.nt`` is laid out in parts
(:mod:`pav_graph.graphparts`) and ``parts.json`` says where each case's part lies, so that the
next build can replace only the cases that changed (:mod:`pav_graph.incremental`).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

import pav_graph
from pav_graph import rdf
from pav_graph.atomic import write_text
from pav_graph.problems import Problems
from pav_graph.project import Project
from pav_graph.shacl import SHACL_CACHE, ShaclJob, run_shacl, shacl_view, split_by_case, start_shacl  # noqa: F401
from pav_graph.shacl import shacl_lines as _shacl_lines  # noqa: F401  (moved; kept for callers)

CURRENT = "current.json"


class BuildFailed(Exception):
    """The corpus is invalid, fails SHACL or is inconsistent; ``problems`` holds the details."""

    def __init__(self, summary: str, problems: Problems | None = None, lines: list[str] | None = None):
        super().__init__(summary)
        self.problems = problems or Problems()
        self.lines = lines or []


@dataclass
class BuildResult:
    directory: Path
    digest: str
    manifest: dict
    skipped: bool = False


def input_files(project: Project) -> list[Path]:
    """Every input of a build: the case files, then :func:`pav_graph.filedigests.shared_inputs`."""
    from pav_graph.filedigests import case_files, shared_inputs

    return [project.cases_dir / name for name, _ in case_files(project.cases_dir)] + shared_inputs(project)


def digest_inputs(project: Project) -> str:
    """The hash of every input's name and content (and the package code): the build's name.

    Each file's digest is kept with its stat and read again only when that changes
    (:mod:`pav_graph.filedigests`): with 10,000 case files this takes 0.05 s, not the 0.7 s
    of reading them all, which every read command and every ``case add`` would pay.
    """
    from pav_graph.filedigests import digest

    return digest(project)[:16]


def current_build(project: Project) -> Path | None:
    """The directory of the build in use, or None."""
    pointer = project.build_dir / CURRENT
    try:
        data = json.loads(pointer.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    path = project.build_dir / data["directory"]
    return path if (path / "manifest.json").is_file() else None


def is_current(project: Project) -> bool:
    path = current_build(project)
    return path is not None and path.name == digest_inputs(project)


def ontology_files(project: Project) -> list[Path]:
    """The TBox: ontology/pav-graph.ttl, then any other ontology/*.ttl (alignments, extensions)
    in name order; shapes.ttl holds SHACL shapes, not ontology, and is left out."""
    main = project.ontology_dir / "pav-graph.ttl"
    skip = {main, project.ontology_dir / "shapes.ttl"}
    extra = sorted(p for p in project.ontology_dir.glob("*.ttl") if p not in skip)
    return [main, *extra]


def build(project: Project, *, force: bool = False, full: bool = False, shacl: bool = True,
          reason: bool = True, log=lambda msg: None) -> BuildResult:
    """Build the graph; skip when the inputs did not change (unless ``force`` or ``full``).

    When only case files changed since the build in use, and it was made with the same options,
    the build is *incremental* (:mod:`pav_graph.incremental`): only the changed cases are
    validated, converted, checked and classified, and the store of the previous build is
    updated. ``full`` (and ``force``) build everything, with HermiT classifying the whole graph
    of a small corpus; so does any change to the ontology, the vocabulary, the sources or the code.
    """
    digest = digest_inputs(project)
    target = project.build_dir / "builds" / digest
    if not (force or full) and current_build(project) == target:
        manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
        if os.path.realpath(project.build_dir / CURRENT_LINK) != os.path.realpath(target):
            link_current(project.build_dir, target)  # a build from before the link existed
        return BuildResult(target, digest, manifest, skipped=True)
    if not (force or full):
        from pav_graph.incremental import build_incremental

        result = build_incremental(project, digest, shacl=shacl, reason=reason, log=log)
        if result is not None:
            return result
    return _build_full(project, digest, shacl=shacl, reason=reason, log=log)


class _Clock:
    """Seconds per stage; the stages of a streaming build interleave, so each adds up."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._stage, self._since = None, 0.0

    def __call__(self, stage: str | None) -> None:
        now = time.perf_counter()
        if self._stage is not None:
            self.seconds[self._stage] = self.seconds.get(self._stage, 0.0) + now - self._since
        self._stage, self._since = stage, now


def _build_full(project: Project, digest: str, *, shacl: bool, reason: bool, log) -> BuildResult:
    """Every case file, streamed: each is validated, turned into its block of graph.nt and
    handed to SHACL, then forgotten, so that memory does not grow with the corpus
    (:mod:`pav_graph.graphparts`)."""
    from pav_graph import buildstate, graphparts, yamlio
    from pav_graph.load import (
        CaseFiles,
        Organisations,
        load_case,
        load_shared,
        locate_problems,
        outside_corpus,
    )
    from pav_graph.mechanisms.load import case_ids_on_disk, load_mechanisms
    from pav_graph.model import Corpus
    from pav_graph.reason import WHOLE_GRAPH_MAX_CASES, InconsistentOntology, check_consistency
    from pav_graph.shacl import SHACL_BATCH, Plan, Shapes

    clock = _Clock()
    clock("load_validate")
    stamped = time.time_ns()
    key = buildstate.shared_key(project)
    problems = Problems()
    ctx = load_shared(project, problems)
    files = sorted(project.cases_dir.glob("*.yaml"))
    ids = case_ids_on_disk(project)
    layout = plan = None
    cache = project.build_dir / "cache"
    if not problems:
        clock("rdf")
        links = load_mechanisms(project, ctx, Problems(), CaseFiles(project, ctx, ids), ids)
        corpus = Corpus(ctx.sources, ctx.concepts, ctx.composites, CaseFiles(project, ctx, ids),
                        ctx.deprecated, links)
        tbox = [t for path in ontology_files(project) for t in rdf.ontology_triples(path)]
        layout = graphparts.shared_layout(corpus, tbox)
        named = graphparts.tbox_named(tbox) & ids
        whole = reason and (len(files) <= WHOLE_GRAPH_MAX_CASES or layout.rule is None)
    tmp = project.build_dir / "builds" / f".{digest}.tmp-{os.getpid()}"
    job = None
    try:  # a full disk, a read-only place or Ctrl-C must not leave half a build behind
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if layout is not None and shacl:
            shapes_text = (project.ontology_dir / "shapes.ttl").read_text(encoding="utf-8")
            shapes = Shapes(shapes_text, [(a.decode()[1:-1], b.decode()[1:-1])
                                          for a, bs in layout.supers.items() for b in bs], cache)
            plan = Plan(shapes, cache / buildstate.SHACL_CACHE,
                        spool=tmp if len(files) > SHACL_BATCH else None)
        out = open(tmp / "graph.nt", "wb")  # noqa: SIM115 - closed below, also on failure
        parts: list[buildstate.CasePart] = []
        foreign: dict[bytes, int] = {}
        pending, named_triples, seen = [], [], set()
        orgs = Organisations()

        def write(case, block, path, raw, st) -> None:
            offset = out.tell()
            out.write(block.data)
            parts.append(buildstate.CasePart(
                path.name, buildstate.file_sha(raw), st.st_size, st.st_mtime_ns, case.id, offset,
                len(block.data), [foreign[line] for line in block.foreign],
                [[o.id, o.name, o.level, o.involvement] for o in case.organisations], block.matches,
                [len(block.asserted), block.inferred, block.entailed]))

        cases_dir = project.cases_dir.resolve()
        for path, data in yamlio.iter_load(files):
            clock("load_validate")
            if path.absolute().parent.resolve() == cases_dir and outside_corpus(
                    project, path, problems, "case file"):
                continue
            raw, st = path.read_bytes(), path.stat()
            case = load_case(path, ctx, problems, {path: data} if data is not None else None)
            if case is None:
                continue
            if case.id in seen:
                problems.add(path, f"duplicate case id {case.id!r}", "give the case another id", path=("id",))
                continue
            seen.add(case.id)
            orgs.check(path, [(o.id, o.name, o.level) for o in case.organisations], problems)
            if layout is None or problems:
                continue  # the build fails: only the problems are still wanted
            clock("rdf")
            block = layout.block(case)
            for line in block.foreign:
                foreign.setdefault(line, len(foreign))
            if plan is not None:
                plan.add_case(case.id, block.asserted + layout.local.get(case.id, []))
            if case.id in named:
                named_triples += block.asserted
            if whole:
                pending.append((case, block, path, raw, st))
            else:
                clock("reasoner")
                layout.finish(block, case, layout.rule_matches(block) if reason else [])
                write(case, block, path, raw, st)
        clock("load_validate")
        load_mechanisms(project, ctx, problems, CaseFiles(project, ctx, ids), ids)  # its problems
        locate_problems(problems)
        if problems:
            raise BuildFailed(f"{len(problems.errors)} problem(s) in the corpus", problems)
        log(f"loaded {len(seen)} cases, {len(ctx.concepts)} concepts, {len(ctx.sources)} sources")

        clock("shacl")  # started now, awaited before the build is put in place (reported first)
        foreign_lines = list(foreign)
        foreign_triples = [q.triple for q in ox.parse(b"".join(foreign_lines), format=ox.RdfFormat.N_TRIPLES)]
        if plan is not None:
            plan.set_shared([t for t in layout.shared if rdf.case_id_of(t.subject) is None] + foreign_triples)
            job = plan.start(graphparts.shared_key(layout.shared_nt, foreign_lines))

        def await_shacl() -> None:
            nonlocal job
            if job is not None:
                clock("shacl")
                violations = job.result()
                job = None
                if violations:
                    raise BuildFailed(f"SHACL: {len(violations)} violation(s)", lines=violations)
                log("SHACL: the graph conforms to ontology/shapes.ttl")

        if job is not None and not job.background:
            await_shacl()
        matches: dict[str, list[str]] = {}
        if reason:
            clock("reasoner")
            try:
                if whole:
                    from pav_graph.reason import classify_with_hermit

                    everything = layout.shared + [t for p in pending for t in p[1].asserted] + foreign_triples
                    matches = classify_with_hermit(corpus, everything).matches
                else:
                    check_consistency(layout.shared + named_triples, cache)
            except InconsistentOntology as exc:
                await_shacl()  # SHACL violations are the first thing to report
                raise BuildFailed(str(exc)) from None
            for case, block, path, raw, st in pending:
                layout.finish(block, case, [p for p, found in matches.items() if case.id in found])
                write(case, block, path, raw, st)
            pending.clear()
            matches = {pid: sorted(p.id for p in parts if pid in p.matches) for pid in ctx.composites}
            log("reasoner (HermiT): consistent; "
                + ", ".join(f"{p}: {len(c)} case(s)" for p, c in matches.items()))
        for case, block, path, raw, st in pending:  # no reasoner: nothing classified
            layout.finish(block, case, [])
            write(case, block, path, raw, st)
        clock("entail")
        shared_at = out.tell()
        out.write(layout.shared_nt)
        rest, rest_entailed = layout.rest(foreign_lines)
        rest_at = out.tell()
        out.write(rest)
        out.close()
        state = buildstate.State(
            key, shacl, reason, stamped, [shared_at, len(layout.shared_nt), layout.shared_nt.count(b"\n")],
            [rest_at, len(rest), rest.count(b"\n")],
            rest_entailed, [line.decode() for line in foreign_lines],
            {p: sorted(c) for p, c in layout.rule.items()} if layout.rule is not None else None,
            sorted(layout.family), sorted(named), sorted({c for link in links for c in link.cases}), parts)
        if plan is not None:
            holders = {line.split(b" ", 1)[0][1:-1].decode() for line in foreign_lines}
            for part in parts:
                part.refs = sorted(n.value for n in plan.pointed(part.id) if n.value in holders)
        clock("store")
        _write_store(tmp)
        clock("catalog")
        from pav_graph.catalog import write_index

        write_index(ox.Store.read_only(str(tmp / "store")), tmp)
        await_shacl()
        clock(None)
        manifest = _manifest(digest, len(parts), ctx, state, matches, clock.seconds, "full")
        state.save(tmp)
        buildstate.save_context(project, key, ctx)
        return _finish(project, tmp, target_of(project, digest), manifest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        if job is not None:
            job.cancel()  # the workers stop if the build failed before asking for the verdict
        if plan is not None:
            plan.close()


def target_of(project: Project, digest: str) -> Path:
    return project.build_dir / "builds" / digest


def _manifest(digest: str, cases: int, ctx, state, matches: dict, seconds: dict, mode: str,
              **extra) -> dict:
    inferred = sum(p.counts[1] for p in state.cases)
    entailed = sum(p.counts[2] for p in state.cases) + state.rest_entailed
    return {
        "digest": digest,
        "built": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "version": pav_graph.__version__,
        "cases": cases,
        "concepts": len(ctx.concepts),
        "sources": len(ctx.sources),
        "triples": sum(sum(p.counts) for p in state.cases) + state.shared[2] + state.rest[2],
        "inferred_triples": inferred,
        "entailed_types": entailed,
        "pattern_matches": matches,
        "seconds": {k: round(v, 3) for k, v in seconds.items()},
        "build": mode,
        **extra,
    }


def _finish(project: Project, tmp: Path, target: Path, manifest: dict) -> BuildResult:
    """Write the manifest, put the build in place and point current.json (and build/current)
    at it."""
    write_text(tmp / "manifest.json", json.dumps(manifest, indent=2))
    _move_into_place(tmp, target)
    write_text(project.build_dir / CURRENT, json.dumps({"directory": f"builds/{target.name}"}))
    link_current(project.build_dir, target)
    _prune(project, keep=target)
    return BuildResult(target, target.name, manifest)


STORE_CHUNK = 64 << 20  # bytes of graph.nt per bulk load


def _write_store(directory: Path) -> None:
    """The store of ``graph.nt``, bulk-loaded in pieces of :data:`STORE_CHUNK` bytes.

    One bulk load of the whole file held 1.7 GB at 10,000 cases (3.6 million triples), in
    pieces 0.4 GB, in the same time (``docs/benchmarks.md``). The store names the blank nodes
    of each piece anew, so every line with a blank node (``_:``; those of the ontology's
    class expressions, all in the shared part) is kept aside and loaded in one last piece.
    """
    store = ox.Store(str(directory / "store"))
    aside: list[bytes] = []
    with open(directory / "graph.nt", "rb") as fh:
        while data := fh.read(STORE_CHUNK):
            data += fh.readline()
            if b"_:" in data:
                lines = data.splitlines(keepends=True)
                aside += [line for line in lines if b"_:" in line]
                data = b"".join(line for line in lines if b"_:" not in line)
            store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
            del data
    if aside:
        store.bulk_load(b"".join(aside), format=ox.RdfFormat.N_TRIPLES)
    store.flush()
    # Compacting the freshly bulk-loaded files halves query time on the store opened read-only
    # later (measured on 10,000 cases: 1.9 -> 0.8 s for `departures`); it costs ~0.2 s per
    # 300,000 triples, once per build.
    store.optimize()
    del store


CURRENT_LINK = "current"


def link_current(build_dir: Path, target: Path) -> None:
    """Point ``build/current`` (a relative symbolic link, replaced atomically) at the build in
    use, so that ``build/current/graph.nt`` and ``build/current/store`` are stable paths for bulk
    loaders and store servers. ``current.json`` stays the pointer pav-graph itself reads; where
    no symbolic link can be made (some Windows set-ups) there is none."""
    link = build_dir / CURRENT_LINK
    tmp = build_dir / f".{CURRENT_LINK}.tmp-{os.getpid()}"
    try:
        tmp.unlink(missing_ok=True)
        os.symlink(os.path.relpath(target, build_dir), tmp, target_is_directory=True)
        os.replace(tmp, link)
    except OSError:
        tmp.unlink(missing_ok=True)


def _move_into_place(tmp: Path, target: Path) -> None:
    """Rename the finished build to its digest. A forced rebuild of the same inputs swaps the
    old directory aside first, so current.json never names a half-deleted directory."""
    if not target.exists():
        os.replace(tmp, target)
        return
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    os.replace(target, old)
    os.replace(tmp, target)
    shutil.rmtree(old, ignore_errors=True)


def _prune(project: Project, keep: Path) -> None:
    """Remove older builds (best effort: a reader may still hold one open), and the temporary
    directories of builds that were killed (``.<digest>.tmp-<pid>`` whose process is gone)."""
    for path in (project.build_dir / "builds").iterdir():
        if path == keep:
            continue
        if not path.name.startswith(".") or not _alive(path.name.rpartition("-")[2]):
            shutil.rmtree(path, ignore_errors=True)


def _alive(pid: str) -> bool:
    """Is the process that owns a temporary build directory still running?"""
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return int(pid) != os.getpid()


def ensure_built(project: Project, log=lambda msg: None) -> Path:
    """The current build directory, building first when the inputs changed."""
    return build(project, log=log).directory
