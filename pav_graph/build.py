"""The build: validated corpus → RDF (+ SHACL, + reasoner inferences) → files and store.

Each build goes into its own directory ``build/builds/<digest>/`` (graph.nt, store/,
manifest.json); ``build/current.json`` is replaced atomically at the end to point at it. A build
that is killed halfway therefore leaves the previous one in use, and a second build of the same
inputs (same digest) is skipped: the cache key covers every input file and the package code.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

import pav_graph
from pav_graph import rdf
from pav_graph.atomic import write_text
from pav_graph.load import load_corpus
from pav_graph.model import Corpus
from pav_graph.patterns import explain
from pav_graph.problems import Problems
from pav_graph.project import Project

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
    corpus: Corpus | None = field(default=None, repr=False)


DIGEST_CACHE = "digest.json"


def input_files(project: Project) -> list[Path]:
    files = [*project.cases_dir.glob("*.yaml"), *project.ontology_dir.rglob("*.ttl"),
             *project.ontology_dir.rglob("*.yaml"), *project.sources_dir.rglob("*")]
    package = Path(pav_graph.__file__).parent
    files += [p for p in package.glob("*.py")]
    files += list(package.glob("mechanisms/*.py"))  # they write the mechanism layer of the graph
    return sorted(p for p in files if p.is_file())


def digest_inputs(project: Project) -> str:
    """The hash of every input's name and content (and the package code): the build's name.

    Reading 10,000 case files to hash them takes 0.7 s, which every read command would pay.
    So the digest is kept with the files' names, sizes and modification times, and reused
    while those are unchanged (as git's index does). Files changed in the last two seconds
    are not trusted to that: a second change within one clock tick would keep the same time.
    """
    files = input_files(project)
    stamps = hashlib.sha256(f"{pav_graph.__version__}\0{project.root}".encode())
    newest = 0
    for path in files:
        st = path.stat()
        stamps.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        newest = max(newest, st.st_mtime_ns)
    key = stamps.hexdigest()
    remembered = project.build_dir / "cache" / DIGEST_CACHE
    try:
        known = json.loads(remembered.read_text(encoding="utf-8"))
        if known.get("key") == key:
            return known["digest"]
    except (OSError, ValueError, AttributeError):
        pass
    h = hashlib.sha256(pav_graph.__version__.encode())
    for path in files:
        h.update(str(path.relative_to(project.root) if path.is_relative_to(project.root) else path.name).encode())
        h.update(b"\0")
        h.update(path.read_bytes())
    digest = h.hexdigest()[:16]
    if time.time_ns() - newest > 2_000_000_000:
        try:
            remembered.parent.mkdir(parents=True, exist_ok=True)
            write_text(remembered, json.dumps({"key": key, "digest": digest}))
        except OSError:
            pass  # a read-only build directory: hash again next time
    return digest


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


def inferred_triples(corpus: Corpus, matches: dict[str, list[str]]) -> list[ox.Triple]:
    """Materialise the reasoner's classification, with an explanation node per match."""
    out = []
    for pattern_id, case_ids in matches.items():
        pattern = corpus.composites[pattern_id]
        for case_id in case_ids:
            case = corpus.cases[case_id]
            c = rdf.case_iri(case_id)
            match = rdf.N(f"{rdf.ID}case/{case_id}/match/{pattern_id}")
            out += [
                ox.Triple(c, rdf.A, rdf.pattern_class_iri(pattern_id)),
                ox.Triple(c, rdf.P("matchesPattern"), rdf.concept_iri(pattern_id)),
                ox.Triple(match, rdf.A, rdf.P("PatternMatch")),
                ox.Triple(match, rdf.P("matchCase"), c),
                ox.Triple(match, rdf.P("matchPattern"), rdf.concept_iri(pattern_id)),
            ]
            explanation = explain(case, pattern)
            for concept in explanation.parts:
                for s in explanation.found(concept):
                    out.append(ox.Triple(match, rdf.P("basedOn"), rdf.N(f"{rdf.ID}case/{case_id}/{s.iri_suffix}")))
    out += possible_match_triples(corpus)
    return out


def possible_match_triples(corpus: Corpus) -> list[ox.Triple]:
    """Composite patterns a case would match if its hedged or interpreted claims counted.

    They are written as ``pg:possiblyMatchesPattern`` with a ``pg:PossiblePatternMatch`` node that
    names the parts resting on claims that do not count (``pg:tentativePart``), never as a match:
    the reasoner classifies on counting links only. Computed from the model with the same
    explanation the matches use.
    """
    out = []
    for pattern in corpus.composites.values():
        for case in corpus.cases.values():
            explanation = explain(case, pattern)
            if not explanation.possibly_matches:
                continue
            c = rdf.case_iri(case.id)
            node = rdf.N(f"{rdf.ID}case/{case.id}/possible-match/{pattern.id}")
            out += [
                ox.Triple(c, rdf.P("possiblyMatchesPattern"), rdf.concept_iri(pattern.id)),
                ox.Triple(node, rdf.A, rdf.P("PossiblePatternMatch")),
                ox.Triple(node, rdf.P("matchCase"), c),
                ox.Triple(node, rdf.P("matchPattern"), rdf.concept_iri(pattern.id)),
            ]
            for concept in explanation.tentative:
                out.append(ox.Triple(node, rdf.P("tentativePart"), rdf.concept_iri(concept)))
            for concept, supports in explanation.parts.items():
                for s in supports:
                    if s.standing != "denied":
                        out.append(ox.Triple(node, rdf.P("basedOn"),
                                             rdf.N(f"{rdf.ID}case/{case.id}/{s.iri_suffix}")))
    return out


def ontology_files(project: Project) -> list[Path]:
    """The TBox: ontology/pav-graph.ttl, then any other ontology/*.ttl (alignments, extensions)
    in name order; shapes.ttl holds SHACL shapes, not ontology, and is left out."""
    main = project.ontology_dir / "pav-graph.ttl"
    skip = {main, project.ontology_dir / "shapes.ttl"}
    extra = sorted(p for p in project.ontology_dir.glob("*.ttl") if p not in skip)
    return [main, *extra]


SHACL_BATCH = 500  # cases per pyshacl run at most; batches run in parallel worker processes
SHACL_CACHE = "shacl-conforming.json"


def run_shacl(project: Project, graph: bytes | list[ox.Triple], cache_dir: Path | None = None) -> list[str]:
    """SHACL validation of TBox + data; returns one line per violation (empty = conforms).

    pyshacl works on an rdflib graph, whose parsing and traversal dominate at scale (≈55 s for
    1,000 cases in one graph). The result stays the same while less is handed to it:

    * the *SHACL view* (:func:`shacl_view`): only triples a shape can look at — those whose
      predicate is on a shape path or target, the class hierarchy, and the rdf:type triples of
      classes that are targets or ``sh:class`` values (or their subclasses);
    * *batches* (:func:`split_by_case`): a triple whose subject lies under a case IRI belongs to
      that case, the rest (TBox, vocabulary, organisations) is shared. The shared part is
      validated once on its own; batches of at most :data:`SHACL_BATCH` cases are validated
      with the class hierarchy and the types of the shared nodes they point to (all that
      ``sh:class`` needs), in parallel worker processes. No triple leads from one case into
      another or from the shared part into a case (checked; otherwise the graph is validated
      whole);
    * with ``cache_dir``, a case whose view (and the shared part and the shapes) has conformed
      before is not validated again, so an incremental build validates only what changed.
    """
    return start_shacl(project, graph, cache_dir).result()


class ShaclJob:
    """SHACL validation running in worker processes; :meth:`result` waits for it.

    The build starts it, then reasons and writes the store while the workers validate (on
    1,000 cases that overlap saves about a second), and asks for the result before the new
    build is put in place."""

    def __init__(self, lines: list[str] | None = None) -> None:
        self._lines = lines
        self._futures: list = []
        self._pool = None
        self._finish = lambda results: []
        # Worth overlapping with other work only while a worker would otherwise sit idle: with
        # many batches (10,000 cases: 21) both cores are busy to the end, and the store's bulk
        # load only competed with them (measured 5 s slower in all).
        self.background = True

    def result(self) -> list[str]:
        if self._lines is None:
            import gc

            try:
                results = [f.result() for f in self._futures]
            finally:
                if self._pool is not None:
                    self._pool.shutdown()
                    self._pool = None
                    gc.unfreeze()
            self._lines = self._finish(results)
        return self._lines

    def cancel(self) -> None:
        """Stop the workers (the build failed for another reason)."""
        if self._pool is not None and self._lines is None:
            import gc

            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
            gc.unfreeze()
            self._lines = []

    def submit(self, shapes_text: str, payloads: list[bytes], finish) -> None:
        """Validate each payload; ``finish`` turns the list of their results into the lines."""
        self._finish = finish
        import multiprocessing
        from concurrent.futures import Future, ProcessPoolExecutor

        try:  # fork: the workers need nothing but this function; no re-import of __main__
            context = multiprocessing.get_context("fork")
        except ValueError:  # no fork on this platform: one batch after the other, now
            context = None
        if context is None or len(payloads) == 1:
            for p in payloads:
                f = Future()
                f.set_result(_shacl_lines(shapes_text, p))
                self._futures.append(f)
            return
        import gc

        import pyshacl  # noqa: F401  (imported once here, not in every worker)

        # The forked workers share the parent's millions of objects copy-on-write; a garbage
        # collection in a worker would touch (and so copy) all of them. Frozen objects are
        # skipped. (Unfrozen in result().)
        gc.freeze()
        workers = min(len(payloads), os.cpu_count() or 1)
        self.background = len(payloads) <= 2 * workers + 1
        self._pool = ProcessPoolExecutor(workers, mp_context=context)
        self._futures = [self._pool.submit(_shacl_lines, shapes_text, p) for p in payloads]


def start_shacl(project: Project, graph: bytes | list[ox.Triple], cache_dir: Path | None = None) -> ShaclJob:
    """Prepare the SHACL batches (see :func:`run_shacl`) and start validating them."""
    shapes_text = (project.ontology_dir / "shapes.ttl").read_text(encoding="utf-8")
    if isinstance(graph, bytes):  # N-Triples; the build hands over its triples as they are
        graph = [q.triple for q in ox.parse(graph, format=ox.RdfFormat.N_TRIPLES)]
    triples = shacl_view(shapes_text, graph)
    shared, local = split_by_case(triples)
    job = ShaclJob()
    if local is None or len(local) <= SHACL_BATCH and cache_dir is None:
        job.submit(shapes_text, [rdf.to_ntriples(triples)], lambda results: results[0])
        return job
    head = rdf.to_ntriples(shared)
    base = hashlib.sha256(shapes_text.encode() + rdf.canonical(head)).hexdigest()
    keys = {cid: hashlib.sha256(base.encode() + rdf.to_ntriples(ts)).hexdigest()[:32]
            for cid, ts in local.items()}
    cache_file = cache_dir / SHACL_CACHE if cache_dir else None
    known = _read_cache(cache_file)
    todo = sorted(cid for cid in local if keys[cid] not in known)
    if not todo and base in known:
        return ShaclJob([])
    # One run for the shared part (its own nodes), then batches of cases. A batch carries only
    # the class hierarchy and the types of the shared nodes its cases point to (for sh:class);
    # those shared nodes are targets there too, but only the case nodes' results count.
    case_prefix = rdf.ID + "case/"
    hierarchy = [t for t in shared if t.predicate.value == rdf.RDFS + "subClassOf"]
    types: dict = {}
    for t in shared:
        if t.predicate.value == rdf.RDF + "type":
            types.setdefault(t.subject, []).append(t)
    # as many batches of at most SHACL_BATCH cases as keep every worker equally busy
    workers = os.cpu_count() or 1
    count = -(-len(todo) // SHACL_BATCH)
    count = -(-count // workers) * workers if count > 1 else count
    size = -(-len(todo) // max(count, 1))
    batches = [todo[i:i + size] for i in range(0, len(todo), size)]
    payloads = [head] if base not in known else []
    for batch in batches:
        pointed = {t.object for cid in batch for t in local[cid]
                   if isinstance(t.object, ox.NamedNode) and rdf.case_id_of(t.object) is None}
        context = hierarchy + [t for node in pointed for t in types.get(node, ())]
        payloads.append(rdf.to_ntriples(context) + rdf.to_ntriples(t for cid in batch for t in local[cid]))

    def finish(results: list[list[str]]) -> list[str]:
        if base not in known:
            shared_lines, results = results[0], results[1:]
        else:
            shared_lines = []
        lines = sorted({*shared_lines, *(line for r in results for line in r if line.startswith(case_prefix))})
        if cache_file is not None:
            failed = {rdf.case_id_of(ox.NamedNode(line.split(": ", 1)[0])) for line in lines
                      if line.startswith(case_prefix)}
            known.update(keys[cid] for cid in todo if cid not in failed)
            if not shared_lines:
                known.add(base)
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            write_text(cache_file, json.dumps(sorted(known)))
        return lines

    job.submit(shapes_text, payloads, finish)
    return job


def _read_cache(path: Path | None) -> set[str]:
    try:
        return set(json.loads(path.read_text(encoding="utf-8"))) if path else set()
    except (OSError, ValueError):
        return set()


def _shacl_lines(shapes_text: str, ntriples: bytes) -> list[str]:
    """pyshacl on one N-Triples document; one line per violation."""
    import pyshacl
    import rdflib

    data = rdflib.Graph()
    data.addN((*t, data) for t in _rdflib_triples(ntriples))
    shapes = rdflib.Graph().parse(data=shapes_text, format="turtle")
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none",
                                           allow_warnings=True, meta_shacl=False, inplace=True)
    if conforms:
        return []
    SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    lines = []
    for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        lines.append(f"{focus}: {path}: {message}")
    return sorted(lines)


def _rdflib_triples(ntriples: bytes):
    """N-Triples as rdflib terms, parsed by pyoxigraph in about 60 % of the time of rdflib's own
    N-Triples parser, which was half of every SHACL batch's time. A simple literal has no
    datatype, as rdflib's parser gives it (RDF 1.1: the same as xsd:string)."""
    import rdflib

    string = rdf.XSD + "string"
    iris: dict[str, rdflib.URIRef] = {}  # predicates and classes repeat: build each term once

    def term(t):
        if isinstance(t, ox.NamedNode):
            return iris.get(t.value) or iris.setdefault(t.value, rdflib.URIRef(t.value))
        if isinstance(t, ox.BlankNode):
            return rdflib.BNode(t.value)
        if t.language:
            return rdflib.Literal(t.value, lang=t.language)
        datatype = t.datatype.value
        return rdflib.Literal(t.value, datatype=None if datatype == string else term(t.datatype))

    for q in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES):
        yield term(q.subject), term(q.predicate), term(q.object)


def shacl_view(shapes_text: str, triples: list[ox.Triple]) -> list[ox.Triple]:
    """The triples the shapes can look at (see :func:`run_shacl`); all of them when a shape
    could look at anything (closed shapes, SPARQL or JavaScript constraints)."""
    import rdflib

    g = rdflib.Graph().parse(data=shapes_text, format="turtle")
    SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    if any(g.triples((None, SH.closed, None))) or any(
            p in (SH.sparql, SH.js, SH.select, SH.ask, SH.targetNode) for p in g.predicates()):
        return triples
    keep = {rdf.RDF + "type", rdf.RDFS + "subClassOf"}

    def walk(node) -> None:  # an IRI, a sequence list, or an inverse/alternative/... path node
        if isinstance(node, rdflib.URIRef):
            keep.add(str(node))
            return
        for _, p, o in g.triples((node, None, None)):
            if p != rdflib.RDF.rest or o != rdflib.RDF.nil:
                walk(o)

    for prop in (SH.path, SH.targetSubjectsOf, SH.targetObjectsOf, SH.equals, SH.disjoint,
                 SH.lessThan, SH.lessThanOrEquals):
        for obj in g.objects(None, prop):
            walk(obj)
    # rdf:type matters only for classes a shape targets or requires (sh:class), and their subclasses
    classes = {str(o) for p in (SH.targetClass, SH["class"]) for o in g.objects(None, p)}
    classes |= {str(s) for s in g.subjects(rdflib.RDF.type, SH.NodeShape)
                if (s, rdflib.RDF.type, rdflib.RDFS.Class) in g}  # implicit class targets
    subclass = rdf.RDFS + "subClassOf"
    children: dict[str, set[str]] = {}
    for t in triples:
        if t.predicate.value == subclass and isinstance(t.object, ox.NamedNode):
            children.setdefault(t.object.value, set()).add(t.subject.value)
    todo = list(classes)
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in classes:
                classes.add(child)
                todo.append(child)
    rdf_type = rdf.RDF + "type"
    return [t for t in triples if t.predicate.value in keep
            and (t.predicate.value != rdf_type or getattr(t.object, "value", None) in classes)]


def split_by_case(triples: list[ox.Triple]) -> tuple[list[ox.Triple], dict | None]:
    """(shared triples, {case id: its triples}); None for the cases when a triple links two
    cases or a shared node to a case, so that cases cannot be validated apart."""
    shared, local = [], {}
    for t in triples:
        cid = rdf.case_id_of(t.subject)
        if cid is None:
            if rdf.case_id_of(t.object) is not None:
                return triples, None
            shared.append(t)
        else:
            if rdf.case_id_of(t.object) not in (None, cid):
                return triples, None
            local.setdefault(cid, []).append(t)
    return shared, local


def build(project: Project, *, force: bool = False, shacl: bool = True, reason: bool = True,
          log=lambda msg: None) -> BuildResult:
    """Build the graph; skip when the inputs did not change (unless ``force``)."""
    digest = digest_inputs(project)
    target = project.build_dir / "builds" / digest
    if not force and current_build(project) == target:
        manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
        if os.path.realpath(project.build_dir / CURRENT_LINK) != os.path.realpath(target):
            link_current(project.build_dir, target)  # a build from before the link existed
        return BuildResult(target, digest, manifest, skipped=True)

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    corpus, problems = load_corpus(project)
    timings["load_validate"] = time.perf_counter() - t0
    if problems:
        raise BuildFailed(f"{len(problems.errors)} problem(s) in the corpus", problems)
    log(f"loaded {len(corpus.cases)} cases, {len(corpus.concepts)} concepts, {len(corpus.sources)} sources")

    t = time.perf_counter()
    triples = [tr for path in ontology_files(project) for tr in rdf.ontology_triples(path)]
    triples += list(rdf.vocabulary_triples(corpus))
    # Each triple once (an organisation of several cases, a role of several actors, a pair of
    # related concepts from both sides are written more than once): graph.nt then holds
    # distinct triples, and its line count is what a store holds (1,000 cases: 0.2 s).
    triples = list(dict.fromkeys(triples))
    shared = len(triples)  # TBox + vocabulary: what the reasoner checks once
    triples += [tr for case in corpus.cases.values() for tr in rdf.case_triples(case)]
    triples = list(dict.fromkeys(triples))  # keeps the order: the first `shared` stay in front
    asserted = rdf.to_ntriples(triples)
    timings["rdf"] = time.perf_counter() - t

    # SHACL runs in worker processes while the reasoner and the store do their work; its verdict
    # is awaited before the new build is put in place (and reported first, as if it ran first).
    # timings["shacl"] is what it adds: preparing the batches plus the final wait.
    job = None
    if shacl:
        t = time.perf_counter()
        job = start_shacl(project, triples, cache_dir=project.build_dir / "cache")
        timings["shacl"] = time.perf_counter() - t

    def await_shacl() -> None:
        nonlocal job
        if job is None:
            return
        t = time.perf_counter()
        violations = job.result()
        timings["shacl"] += time.perf_counter() - t
        if violations:
            raise BuildFailed(f"SHACL: {len(violations)} violation(s)", lines=violations)
        log("SHACL: the graph conforms to ontology/shapes.ttl")
        job = None  # checked

    tmp = project.build_dir / "builds" / f".{digest}.tmp-{os.getpid()}"
    try:  # a full disk, a read-only place or Ctrl-C must not leave half a build behind
        if job is not None and not job.background:
            await_shacl()
        matches: dict[str, list[str]] = {}
        if reason:  # consistency is checked even when there are no composite patterns
            from pav_graph.reason import InconsistentOntology, classify

            t = time.perf_counter()
            try:
                matches = classify(corpus, triples, shared=triples[:shared],
                                   cache_dir=project.build_dir / "cache").matches
            except InconsistentOntology as exc:
                await_shacl()  # SHACL violations are the first thing to report
                raise BuildFailed(str(exc)) from None
            timings["reasoner"] = time.perf_counter() - t
            log("reasoner (HermiT): consistent; "
                + ", ".join(f"{p}: {len(c)} case(s)" for p, c in matches.items()))
        inferred = inferred_triples(corpus, matches)
        t = time.perf_counter()
        from pav_graph.entail import type_closure

        graph = asserted + rdf.to_ntriples(inferred)
        entailed = type_closure(graph)  # ?c a pg:Concept, ?s a prov:Entity ... (docs/ontology.md)
        graph += entailed
        timings["entail"] = time.perf_counter() - t

        t = time.perf_counter()
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        _write_store(tmp, graph)
        timings["store"] = time.perf_counter() - t
        t = time.perf_counter()
        from pav_graph.catalog import write_index

        write_index(ox.Store.read_only(str(tmp / "store")), tmp)
        timings["catalog"] = time.perf_counter() - t
        await_shacl()
        manifest = {
            "digest": digest,
            "built": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "version": pav_graph.__version__,
            "cases": len(corpus.cases),
            "concepts": len(corpus.concepts),
            "sources": len(corpus.sources),
            "triples": len(triples) + len(inferred) + entailed.count(b"\n"),
            "inferred_triples": len(inferred),
            "entailed_types": entailed.count(b"\n"),
            "pattern_matches": matches,
            "seconds": {k: round(v, 3) for k, v in timings.items()},
        }
        write_text(tmp / "manifest.json", json.dumps(manifest, indent=2))
        _move_into_place(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        if job is not None:
            job.cancel()  # the workers stop if the build failed before asking for the verdict
    write_text(project.build_dir / CURRENT, json.dumps({"directory": f"builds/{digest}"}))
    link_current(project.build_dir, target)
    _prune(project, keep=target)
    return BuildResult(target, digest, manifest, corpus=corpus)


def _write_store(directory: Path, graph: bytes) -> None:
    (directory / "graph.nt").write_bytes(graph)
    store = ox.Store(str(directory / "store"))
    store.bulk_load(graph, format=ox.RdfFormat.N_TRIPLES)
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
