"""SHACL validation of the built graph: only what the shapes can see, case by case, in parallel.

pyshacl works on an rdflib graph, whose parsing and traversal dominate at scale (≈55 s for
1,000 cases in one graph). The result stays the same while less is handed to it:

* the *view* (:meth:`Shapes.view`): only triples a shape can look at — those whose predicate is
  on a shape path or target, the class hierarchy, and the rdf:type triples of classes that are
  targets or ``sh:class`` values (or their subclasses);
* *cases apart* (:class:`Plan`): a triple whose subject lies under a case IRI belongs to that
  case, the rest (TBox, vocabulary, organisations) is shared. The shared part is validated once
  on its own; cases go in batches of at most :data:`SHACL_BATCH` with the class hierarchy and the
  types of the shared nodes they point to (all that ``sh:class`` needs), in parallel worker
  processes. No triple may lead from one case into another or from the shared part into a case
  (checked; otherwise the graph is validated whole);
* a *cache* of verdicts: a case whose view, context (the hierarchy and the types of the shared
  nodes it points to) and shapes conformed before is not validated again, so an incremental
  build validates only what changed (and the shared part only when it changed).

``tests/test_reason_equivalence.py`` checks that the violations are those of one pyshacl run on
the whole, unfiltered graph.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import pyoxigraph as ox

from pav_graph import rdf
from pav_graph.atomic import write_text
from pav_graph.signals import tied_to_this_process

SHACL_BATCH = 500  # cases per pyshacl run at most; batches run in parallel worker processes
SHACL_CACHE = "shacl-conforming.json"
_SUBCLASS = rdf.RDFS + "subClassOf"
_TYPE = rdf.RDF + "type"
_CASE_PREFIX = rdf.ID + "case/"


class Shapes:
    """The shapes of ``ontology/shapes.ttl`` and which triples they can look at.

    ``hierarchy`` gives the (subclass, superclass) IRI pairs of the graph: a shape that targets
    or requires a class also sees the instances of its subclasses."""

    def __init__(self, text: str, hierarchy, cache_dir: Path | None = None) -> None:
        self.text = text
        self.sha = hashlib.sha256(text.encode()).hexdigest()
        known = cache_dir / f"shapes-{self.sha[:24]}.json" if cache_dir is not None else None
        try:  # what the shapes look at depends on their text alone: parsed once, kept
            self.everything, keep, classes = json.loads(known.read_text(encoding="utf-8"))
        except (OSError, ValueError, AttributeError, TypeError):
            self.everything, keep, classes = _read_shapes(text)
            if known is not None:
                try:
                    known.parent.mkdir(parents=True, exist_ok=True)
                    write_text(known, json.dumps([self.everything, sorted(keep), sorted(classes)]))
                except OSError:
                    pass
        self.keep = set(keep)
        # rdf:type matters for the classes a shape targets or requires, and their subclasses
        classes = set(classes)
        children: dict[str, set[str]] = {}
        for child, parent in hierarchy:
            children.setdefault(parent, set()).add(child)
        todo = list(classes)
        while todo:
            for child in children.get(todo.pop(), ()):
                if child not in classes:
                    classes.add(child)
                    todo.append(child)
        self.classes = classes

    @classmethod
    def of(cls, text: str, triples) -> Shapes:
        """The shapes with the hierarchy the ``triples`` state."""
        return cls(text, hierarchy_pairs(triples))

    def view(self, triples) -> list[ox.Triple]:
        """The triples the shapes can look at (all of them when they could look at anything)."""
        if self.everything:
            return list(triples)
        keep, classes = self.keep, self.classes
        return [t for t in triples if t.predicate.value in keep
                and (t.predicate.value != _TYPE or getattr(t.object, "value", None) in classes)]


def _read_shapes(text: str) -> tuple[bool, set[str], set[str]]:
    """(whether a shape could look at anything, the predicates on shape paths and targets, the
    classes shapes target or require)."""
    import rdflib

    g = rdflib.Graph().parse(data=text, format="turtle")
    SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    # closed shapes, SPARQL or JavaScript constraints could look at anything
    everything = any(g.triples((None, SH.closed, None))) or any(
        p in (SH.sparql, SH.js, SH.select, SH.ask, SH.targetNode) for p in g.predicates())
    keep = {_TYPE, _SUBCLASS}

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
    classes = {str(o) for p in (SH.targetClass, SH["class"]) for o in g.objects(None, p)}
    classes |= {str(s) for s in g.subjects(rdflib.RDF.type, SH.NodeShape)
                if (s, rdflib.RDF.type, rdflib.RDFS.Class) in g}  # implicit class targets
    return bool(everything), keep, classes


def hierarchy_pairs(triples) -> list[tuple[str, str]]:
    return [(t.subject.value, t.object.value) for t in triples
            if t.predicate.value == _SUBCLASS and isinstance(t.object, ox.NamedNode)
            and isinstance(t.subject, ox.NamedNode)]


def shacl_view(shapes_text: str, triples: list[ox.Triple]) -> list[ox.Triple]:
    """The triples the shapes can look at, with the class hierarchy the triples state."""
    return Shapes.of(shapes_text, triples).view(triples)


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


class Plan:
    """What one build hands to SHACL: the shared part and each case's own triples (their views,
    kept in memory or, for a large build, spooled to an unnamed file in the directory
    ``spool``), then :meth:`start`. A spooled batch is read by the worker that validates it,
    so the parent never holds the views of all batches (0.4 GB at 10,000 cases)."""

    def __init__(self, shapes: Shapes, cache_file: Path | None = None, spool: Path | None = None,
                 whole_max: int = 0) -> None:
        self.shapes = shapes
        self.cache_file = cache_file
        self._spool = tempfile.TemporaryFile(dir=spool, prefix=".shacl-views-") if spool is not None else None  # noqa: SIM115
        self._views: dict[str, bytes | tuple[int, int]] = {}
        self._pointed: dict[str, frozenset] = {}
        self.shared: list[ox.Triple] = []
        self.crossing = False  # a triple leads from one case into another: validate whole
        self.whole_max = whole_max  # up to this many cases (and no cache) one run on everything

    def add_case(self, case_id: str, triples) -> None:
        """A case's asserted triples whose subjects lie under its IRI."""
        self.add_case_view(case_id, self.shapes.view(triples))

    def add_case_view(self, case_id: str, view: list[ox.Triple]) -> None:
        pointed = set()
        for t in view:
            if isinstance(t.object, ox.NamedNode):
                other = rdf.case_id_of(t.object)
                if other is None:
                    pointed.add(t.object)
                elif other != case_id:
                    self.crossing = True
        data = rdf.to_ntriples(view)
        if self._spool is not None:
            self._views[case_id] = (self._spool.tell(), len(data))
            self._spool.write(data)
        else:
            self._views[case_id] = data
        self._pointed[case_id] = frozenset(pointed)

    def set_shared(self, triples) -> None:
        """Everything that lies under no case (TBox, vocabulary, organisations)."""
        self.shared = self.shapes.view(triples)
        if any(rdf.case_id_of(t.object) is not None for t in self.shared):
            self.crossing = True

    def pointed(self, case_id: str) -> frozenset:
        """The nodes outside every case that the case's view points to."""
        return self._pointed.get(case_id, frozenset())

    def _view(self, case_id: str) -> bytes:
        where = self._views[case_id]
        if isinstance(where, bytes):
            return where
        return os.pread(self._spool.fileno(), where[1], where[0])

    def close(self) -> None:
        if self._spool is not None:
            self._spool.close()
            self._spool = None

    def start(self, shared_key: str | None = None, fork: bool = False) -> ShaclJob:
        """Validate what the cache does not know yet, in worker processes (``fork``: even a
        single batch, so that the caller can go on meanwhile). ``shared_key`` names the content
        of the shared part when the caller knows it (else its view is hashed)."""
        text = self.shapes.text
        job = ShaclJob()
        if self.crossing or (self.cache_file is None and len(self._views) <= self.whole_max):
            payload = rdf.to_ntriples(self.shared) + b"".join(self._view(cid) for cid in sorted(self._views))
            self.close()
            job.submit(text, [payload], lambda results: results[0], fork)
            return job
        head = None
        if shared_key is not None:
            base = hashlib.sha256(f"{self.shapes.sha}\0{shared_key}".encode()).hexdigest()
        else:
            head = rdf.to_ntriples(self.shared)
            base = hashlib.sha256(text.encode() + rdf.canonical(head)).hexdigest()
        hierarchy = [t for t in self.shared if t.predicate.value == _SUBCLASS]
        context_base = hashlib.sha256(self.shapes.sha.encode() + rdf.to_ntriples(hierarchy)).digest()
        types: dict = {}
        for t in self.shared:
            if t.predicate.value == _TYPE:
                types.setdefault(t.subject, []).append(t)

        def context(nodes) -> bytes:
            return rdf.to_ntriples(t for node in sorted(nodes, key=lambda n: n.value)
                                   for t in types.get(node, ()))

        keys = {}
        for cid in self._views:
            h = hashlib.sha256(context_base)
            h.update(context(self._pointed[cid]))
            h.update(self._view(cid))
            keys[cid] = h.hexdigest()[:32]
        known = _read_cache(self.cache_file)
        todo = sorted(cid for cid in self._views if keys[cid] not in known)
        if not todo and base in known:
            self.close()
            return ShaclJob([])
        # as many batches of at most SHACL_BATCH cases as keep every worker equally busy
        workers = os.cpu_count() or 1
        count = -(-len(todo) // SHACL_BATCH)
        count = -(-count // workers) * workers if count > 1 else count
        size = max(1, -(-len(todo) // max(count, 1)))  # no case to check (a removal): no batch
        batches = [todo[i:i + size] for i in range(0, len(todo), size)]
        payloads: list = [rdf.to_ntriples(self.shared) if head is None else head] if base not in known else []
        for batch in batches:
            pointed = set().union(*(self._pointed[cid] for cid in batch))
            start = rdf.to_ntriples(hierarchy) + context(pointed)
            if self._spool is not None:  # read by the worker (a forked one shares the file)
                payloads.append(_Spooled(start, self._spool.fileno(), [self._views[cid] for cid in batch]))
            else:
                payloads.append(start + b"".join(self._view(cid) for cid in batch))
        job.on_done(self.close)
        cache_file = self.cache_file

        def finish(results: list[list[str]]) -> list[str]:
            if base not in known:
                shared_lines, results = results[0], results[1:]
            else:
                shared_lines = []
            lines = sorted({*shared_lines, *(line for r in results for line in r
                                             if line.startswith(_CASE_PREFIX))})
            if cache_file is not None:
                failed = {rdf.case_id_of(ox.NamedNode(line.split(": ", 1)[0])) for line in lines
                          if line.startswith(_CASE_PREFIX)}
                known.update(keys[cid] for cid in todo if cid not in failed)
                if not shared_lines:
                    known.add(base)
                cache_file.parent.mkdir(parents=True, exist_ok=True)
                write_text(cache_file, json.dumps(sorted(known)))
            return lines

        job.submit(text, payloads, finish, fork)
        return job


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
        self._done: list = []
        # Worth overlapping with other work only while a worker would otherwise sit idle: with
        # many batches (10,000 cases: 21) both cores are busy to the end, and the store's bulk
        # load only competed with them (measured 5 s slower in all).
        self.background = True

    def on_done(self, callback) -> None:
        """Call ``callback`` once the workers have finished or were stopped."""
        self._done.append(callback)

    def _close(self) -> None:
        while self._done:
            self._done.pop()()

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
                self._close()
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
        self._close()

    def submit(self, shapes_text: str, payloads: list[bytes], finish, fork: bool = False) -> None:
        """Validate each payload; ``finish`` turns the list of their results into the lines.
        One payload is validated at once, here, unless ``fork``."""
        self._finish = finish
        import multiprocessing
        from concurrent.futures import Future, ProcessPoolExecutor

        try:  # fork: the workers need nothing but this function; no re-import of __main__
            context = multiprocessing.get_context("fork")
        except ValueError:  # no fork on this platform: one batch after the other, now
            context = None
        if context is None or len(payloads) == 0 or (len(payloads) == 1 and not fork):
            for p in payloads:
                f = Future()
                f.set_result(shacl_lines(shapes_text, p))
                self._futures.append(f)
            return
        import gc

        if len(payloads) > 1:
            import pyshacl  # noqa: F401  (imported once here, not in every worker)

        # The forked workers share the parent's millions of objects copy-on-write; a garbage
        # collection in a worker would touch (and so copy) all of them. Frozen objects are
        # skipped. (Unfrozen in result().)
        gc.freeze()
        workers = min(len(payloads), os.cpu_count() or 1)
        self.background = len(payloads) <= 2 * workers + 1
        self._pool = ProcessPoolExecutor(workers, mp_context=context,
                             initializer=tied_to_this_process())
        self._futures = [self._pool.submit(shacl_lines, shapes_text, p) for p in payloads]


def plan_for(shapes_text: str, triples: list[ox.Triple], cache_file: Path | None) -> Plan:
    """A plan for a whole graph given as triples (split by the subjects' cases)."""
    shapes = Shapes.of(shapes_text, triples)
    view = shapes.view(triples)
    shared, local = split_by_case(view)
    plan = Plan(shapes, cache_file, whole_max=SHACL_BATCH)
    if local is None:
        plan.shared, plan.crossing = view, True
        return plan
    plan.shared = shared
    for cid, ts in local.items():
        plan.add_case_view(cid, ts)
    return plan


def start_shacl(project, graph: bytes | list[ox.Triple], cache_dir: Path | None = None) -> ShaclJob:
    """Start validating a whole graph (N-Triples or triples); see the module docstring."""
    shapes_text = (project.ontology_dir / "shapes.ttl").read_text(encoding="utf-8")
    if isinstance(graph, bytes):
        graph = [q.triple for q in ox.parse(graph, format=ox.RdfFormat.N_TRIPLES)]
    return plan_for(shapes_text, graph, cache_dir / SHACL_CACHE if cache_dir else None).start()


def run_shacl(project, graph: bytes | list[ox.Triple], cache_dir: Path | None = None) -> list[str]:
    """SHACL validation of TBox + data; one line per violation (empty = conforms). With
    ``cache_dir``, what conformed before is not validated again."""
    return start_shacl(project, graph, cache_dir).result()


def _read_cache(path: Path | None) -> set[str]:
    try:
        return set(json.loads(path.read_text(encoding="utf-8"))) if path else set()
    except (OSError, ValueError):
        return set()


class _Spooled:
    """A batch whose case views lie in the plan's spool file: read where it is validated."""

    def __init__(self, start: bytes, fd: int, ranges: list[tuple[int, int]]) -> None:
        self.start, self.fd, self.ranges = start, fd, ranges

    def read(self) -> bytes:
        return self.start + b"".join(os.pread(self.fd, length, offset) for offset, length in self.ranges)


def shacl_lines(shapes_text: str, ntriples: bytes | _Spooled) -> list[str]:
    """pyshacl on one N-Triples document; one line per violation."""
    import pyshacl
    import rdflib

    if isinstance(ntriples, _Spooled):
        ntriples = ntriples.read()

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
