"""What a build keeps for the next one: per-file digests and where each case's part of graph.nt is.

``parts.json`` in a build directory describes the layout of its ``graph.nt`` (see
:mod:`pav_graph.graphparts`): the byte ranges of the shared part, of each case file's block and of
the rest, with per case file its content digest, the organisations it declares (for the check
across files), the shared-node lines it contributed to the rest, its matches and its counts. The
*shared key* is the digest of every input that is not a case file (ontology, vocabulary, sources,
package code): when it changes, everything may change and the next build is a full one.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pav_graph
from pav_graph.atomic import write_bytes, write_text
from pav_graph.project import Project

STATE = "parts.json"
SHACL_CACHE = "shacl-conforming.json"
FORMAT = 1
STAMP_SLACK_NS = 2_000_000_000  # a file changed this close to the stamp is hashed again


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
        write_text(directory / STATE, json.dumps(asdict(self), ensure_ascii=False,
                                                 separators=(",", ":")))


def read_state(directory: Path) -> State | None:
    """The parts of a build, or None (an older build, or one without them)."""
    try:
        data = json.loads((directory / STATE).read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or data.get("version") != pav_graph.__version__:
            return None
        data["cases"] = [CasePart(**c) for c in data["cases"]]
        return State(**data)
    except (OSError, ValueError, TypeError, KeyError):
        return None


def shared_files(project: Project) -> list[Path]:
    """Every input of a build but the case files (cf. :func:`pav_graph.build.input_files`)."""
    from pav_graph.build import input_files

    cases = project.cases_dir.resolve()
    return [p for p in input_files(project) if p.parent.resolve() != cases]


def shared_key(project: Project) -> str:
    """The digest of :func:`shared_files` (names and content) and the package version; kept
    with the files' stamps in ``build/cache`` and reused while they are unchanged."""
    files = shared_files(project)
    stamps = hashlib.sha256(f"{pav_graph.__version__}\0{project.root}\0shared".encode())
    newest = 0
    for path in files:
        st = path.stat()
        stamps.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        newest = max(newest, st.st_mtime_ns)
    remembered = project.build_dir / "cache" / "shared-key.json"
    try:
        known = json.loads(remembered.read_text(encoding="utf-8"))
        if known.get("stamps") == stamps.hexdigest():
            return known["key"]
    except (OSError, ValueError, AttributeError):
        pass
    h = hashlib.sha256(pav_graph.__version__.encode())
    for path in files:
        h.update(str(path.relative_to(project.root) if path.is_relative_to(project.root) else path.name).encode())
        h.update(b"\0")
        h.update(path.read_bytes())
    key = h.hexdigest()[:24]
    if time.time_ns() - newest > STAMP_SLACK_NS:
        try:
            remembered.parent.mkdir(parents=True, exist_ok=True)
            write_text(remembered, json.dumps({"stamps": stamps.hexdigest(), "key": key}))
        except OSError:
            pass
    return key


def file_sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


@dataclass
class Scan:
    """The case files now, against a state: which are unchanged, changed, new or gone."""

    unchanged: dict[str, CasePart]  # file name -> its part
    changed: list[Path]  # new or modified files, in name order
    removed: list[CasePart]
    stamps: dict[str, tuple[str, int, int]]  # file name -> (sha, size, mtime_ns) of every file
    stamped: int


def scan(project: Project, state: State) -> Scan:
    """Compare the case files with the stamps of ``state`` (size and modification time, as git
    does; a file changed within two seconds of the stamp, or with a new size or time, is hashed)."""
    stamped = time.time_ns()
    parts = {p.file: p for p in state.cases}
    unchanged, changed, stamps = {}, [], {}
    for path in sorted(project.cases_dir.glob("*.yaml")):
        part = parts.get(path.name)
        st = path.stat()
        trusted = (part is not None and part.size == st.st_size and part.mtime_ns == st.st_mtime_ns
                   and st.st_mtime_ns < state.stamped - STAMP_SLACK_NS)
        sha = part.sha if trusted else file_sha(path.read_bytes())
        stamps[path.name] = (sha, st.st_size, st.st_mtime_ns)
        if part is not None and sha == part.sha:
            unchanged[path.name] = part
        else:
            changed.append(path)
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


def load_context(project: Project, key: str):
    """The vocabulary the full build with this shared key loaded, or None."""
    try:
        with open(project.build_dir / "cache" / f"context-{key}.pickle", "rb") as fh:
            return pickle.load(fh)  # written by this package into its own build directory
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None


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
