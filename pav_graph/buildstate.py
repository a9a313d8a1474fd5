"""What a build keeps for the next one: per-file digests and where each case's part of graph.nt is.

``parts.json`` in a build directory describes the layout of its ``graph.nt`` (see
:mod:`pav_graph.graphparts`): the byte ranges of the shared part, of each case file's block and of
the rest, with per case file its content digest, the organisations it declares (for the check
across files), the shared-node lines it contributed to the rest, its matches and its counts. The
*shared key* is the digest of every input that is not a case file (ontology, vocabulary, sources,
package code): when it changes, everything may change and the next build is a full one.
"""

from __future__ import annotations

import json
import os
import pickle
import time
from dataclasses import dataclass, field, fields
from pathlib import Path

import pav_graph
from pav_graph import filedigests
from pav_graph.atomic import write_bytes, write_text
from pav_graph.project import Project

STATE = "parts.json"
SHACL_CACHE = "shacl-conforming.json"
FORMAT = 2  # 2: the case parts as rows (reading and writing dicts of 10,000 parts cost 0.6 s)


@dataclass
class CasePart:
    file: str  # name in cases/
    sha: str  # of the file's bytes
    size: int
    mtime_ns: int
    id: str
    offset: int  # of its block in graph.nt
    length: int
    foreign: list[int]  # indices into State.foreign (its lines about shared nodes)
    orgs: list[list[str]]  # [id, name, level, involvement] of its organisations, in order
    matches: list[str]  # composite patterns the case matches
    counts: list[int]  # asserted, inferred, entailed triples of its block
    refs: list[str] = field(default_factory=list)  # nodes of `foreign` its SHACL view points to


@dataclass
class State:
    shared_key: str
    shacl: bool
    reason: bool
    stamped: int  # time (ns) the file stamps were taken
    shared: list[int]  # [offset, length, lines] of S in graph.nt
    rest: list[int]  # [offset, length, lines] of R
    rest_entailed: int
    foreign: list[str]  # the case lines about shared nodes, each once (R without its entailment)
    rule: dict[str, list[str]] | None  # the composite rule read from S (None: HermiT only)
    family: list[str]
    tbox_named: list[str]  # cases a hand-written ontology triple names
    mech_named: list[str]  # cases a mechanism link names (the shared part depends on them)
    cases: list[CasePart]
    format: int = FORMAT
    version: str = pav_graph.__version__

    def save(self, directory: Path) -> None:
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "cases"}
        data["case_fields"] = _PART_FIELDS
        data["cases"] = [[getattr(p, name) for name in _PART_FIELDS] for p in self.cases]
        write_text(directory / STATE, json.dumps(data, ensure_ascii=False, separators=(",", ":")))


_PART_FIELDS = [f.name for f in fields(CasePart)]
# One entry each, the build last read: a long-running process (``serve`` across rebuilds, a test
# session) would otherwise keep the parts and the vocabulary of every build it ever read.
_READ: dict[Path, tuple[tuple, State]] = {}


def read_state(directory: Path) -> State | None:
    """The parts of a build, or None (an older build, or one without them). Read once per
    process while the file is unchanged (``case add`` checks the new file and then builds);
    the State is not to be changed by its readers."""
    path = directory / STATE
    try:
        st = path.stat()
        stamp = (st.st_ino, st.st_size, st.st_mtime_ns)
        if path in _READ and _READ[path][0] == stamp:
            return _READ[path][1]
        data = json.loads(path.read_text(encoding="utf-8"))
        if (data.get("format") != FORMAT or data.get("version") != pav_graph.__version__
                or data.pop("case_fields") != _PART_FIELDS):
            return None
        data["cases"] = [CasePart(*row) for row in data["cases"]]
        state = State(**data)
    except (OSError, ValueError, TypeError, KeyError):
        return None
    _READ.clear()
    _READ[path] = (stamp, state)
    return state


def shared_files(project: Project) -> list[Path]:
    """Every input of a build but the case files (:func:`pav_graph.filedigests.shared_inputs`)."""
    return filedigests.shared_inputs(project)


def shared_key(project: Project) -> str:
    """The digest of :func:`shared_files` (names and content) and the package version (each
    file read again only when its stat changed: :mod:`pav_graph.filedigests`)."""
    return filedigests.digest(project, cases=False)[:24]


file_sha = filedigests.file_sha


@dataclass
class Scan:
    """The case files now, against a state: which are unchanged, changed, new or gone."""

    unchanged: dict[str, CasePart]  # file name -> its part
    changed: list[Path]  # new or modified files, in name order
    removed: list[CasePart]
    stamps: dict[str, tuple[str, int, int]]  # file name -> (sha, size, mtime_ns) of every file
    stamped: int


def scan(project: Project, state: State) -> Scan:
    """Compare the case files' content digests with those of ``state`` (a file is read only
    when its stat changed since it was last hashed: :mod:`pav_graph.filedigests`)."""
    stamped = time.time_ns()
    parts = {p.file: p for p in state.cases}
    digests = filedigests.for_build_dir(project.build_dir)
    base = str(project.cases_dir)
    unchanged, changed, stamps = {}, [], {}
    for name, st in filedigests.case_files(project.cases_dir):
        sha = digests.sha(os.path.join(base, name), st)
        stamps[name] = (sha, st.st_size, st.st_mtime_ns)
        part = parts.get(name)
        if part is not None and sha == part.sha:
            unchanged[name] = part
        else:
            changed.append(project.cases_dir / name)
    digests.save()
    removed = [p for name, p in parts.items() if name not in stamps]
    return Scan(unchanged, changed, removed, stamps, stamped)


def save_context(project: Project, key: str, ctx) -> None:
    """Keep the loaded vocabulary (sources, concepts, composites) for the next builds."""
    path = project.build_dir / "cache" / f"context-{key}.pickle"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes(path, pickle.dumps(ctx, protocol=pickle.HIGHEST_PROTOCOL))
        for old in path.parent.glob("context-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only build directory: the next build loads the vocabulary again


_CONTEXTS: dict[Path, object] = {}  # one entry, as _READ


def load_context(project: Project, key: str):
    """The vocabulary the full build with this shared key loaded, or None (read once per
    process: ``case add`` checks the new file with it, then builds)."""
    path = project.build_dir / "cache" / f"context-{key}.pickle"
    if path in _CONTEXTS:
        return _CONTEXTS[path]
    try:
        with open(path, "rb") as fh:
            ctx = pickle.load(fh)  # written by this package into its own build directory
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    _CONTEXTS.clear()
    _CONTEXTS[path] = ctx
    return ctx


def copy_range(src, dst, offset: int, length: int) -> None:
    """Copy ``length`` bytes from ``offset`` of one open file to the end of another, in the
    kernel where it can (no Python buffers for the unchanged cases of a large graph.nt)."""
    dst.flush()
    out = dst.fileno()
    while length > 0:
        try:
            n = os.copy_file_range(src.fileno(), out, length, offset)
        except (AttributeError, OSError):
            n = 0
        if n <= 0:  # not supported here: read and write
            data = os.pread(src.fileno(), min(length, 1 << 24), offset)
            if not data:
                raise OSError(f"{src.name}: shorter than its parts say")
            os.write(out, data)
            n = len(data)
        offset += n
        length -= n
    dst.seek(0, os.SEEK_END)
