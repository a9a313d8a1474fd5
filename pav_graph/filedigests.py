"""Content digests of the input files, read again only for the files that changed.

A build is named by the digest of every input (:func:`pav_graph.build.digest_inputs`) and an
incremental build finds the case files that changed by their content
(:func:`pav_graph.buildstate.scan`). Reading 10,000 case files (74 MB) for that on every
``case add`` cost a second, so each file's digest is kept in ``build/cache/file-digests.json``
with what ``stat`` says of the file (size, modification and change times in nanoseconds,
inode), as git's index does: while those are unchanged the file is not read again, and a
checkout, an editor's save or an atomic replace (a new inode) all change them. A file changed
within two seconds of being hashed is not remembered (a second change within the same clock
tick could keep its times): it is hashed again next time.

Only ``stat`` then grows with the corpus (about 10 ms for 10,000 files, read with
:func:`os.scandir`, not pathlib, whose objects cost more than the system calls).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

from pav_graph.atomic import write_text

CACHE = "file-digests.json"
SLACK_NS = 2_000_000_000  # a file changed this close to its hashing is hashed again next time
FORMAT = 1


def file_sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


def stamp(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


class FileDigests:
    """The digests of files by absolute path, trusted while their stat stamp is unchanged."""

    def __init__(self, cache: Path | None) -> None:
        self.cache = cache
        self.known: dict[str, list] = {}  # path -> [size, mtime_ns, ctime_ns, ino, sha]
        self.dirty = False
        if cache is not None:
            try:
                data = json.loads(cache.read_text(encoding="utf-8"))
                if data.get("format") == FORMAT and isinstance(data.get("files"), dict):
                    self.known = data["files"]
            except (OSError, ValueError, AttributeError):
                pass

    def sha(self, path: str, st: os.stat_result) -> str:
        """The digest of the file at ``path`` (whose ``stat`` is ``st``), read only when its
        stamp differs from the one remembered."""
        now = stamp(st)
        entry = self.known.get(path)
        if entry is not None and entry[:4] == now:
            return entry[4]
        with open(path, "rb") as fh:
            sha = file_sha(fh.read())
        if time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) > SLACK_NS:
            self.known[path] = [*now, sha]
            self.dirty = True
        elif entry is not None:
            del self.known[path]
            self.dirty = True
        return sha

    def save(self, keep: set[str] | None = None) -> None:
        """Write the cache if it changed (``keep``: forget the other paths, e.g. removed files)."""
        if keep is not None and len(keep) < len(self.known):
            self.known = {p: e for p, e in self.known.items() if p in keep}
            self.dirty = True
        if not self.dirty or self.cache is None:
            return
        try:
            write_text(self.cache, json.dumps({"format": FORMAT, "files": self.known},
                                              separators=(",", ":")))
            self.dirty = False
        except OSError:
            pass  # a read-only build directory: hash again next time


def case_files(cases_dir: Path) -> list[tuple[str, os.stat_result]]:
    """The names of ``cases_dir/*.yaml`` (the files ``Path.glob`` gives, dot files included),
    sorted, each with its ``stat`` (symbolic links followed, as ``Path.is_file`` does)."""
    out = []
    try:
        with os.scandir(cases_dir) as entries:
            for entry in entries:
                if entry.name.endswith(".yaml"):
                    try:
                        if entry.is_file():
                            out.append((entry.name, entry.stat()))
                    except OSError:
                        continue  # gone meanwhile
    except FileNotFoundError:
        return []
    out.sort()
    return out


# subpackages whose code writes or checks the graph (with the package's own modules)
GRAPH_SUBPACKAGES = ("mechanisms", "load")


def shared_inputs(project) -> list[Path]:
    """Every input of a build but the case files: the ontology and vocabulary (``*.ttl`` and
    ``*.yaml`` under ``ontology/``), the sources, and the package code that writes the graph;
    in a fixed order."""
    import pav_graph

    package = Path(pav_graph.__file__).parent
    files = [*project.ontology_dir.rglob("*.ttl"), *project.ontology_dir.rglob("*.yaml"),
             *project.sources_dir.rglob("*"), *package.glob("*.py")]
    for sub in GRAPH_SUBPACKAGES:
        files += package.glob(f"{sub}/*.py")
    return sorted({p for p in files if p.is_file()}, key=str)


def digest(project, *, cases: bool = True) -> str:
    """The hash of the package version and of every input's name and content (with ``cases``
    False, of every input but the case files): see the module docstring for what is read."""
    import pav_graph

    digests = for_build_dir(project.build_dir)
    package_root = Path(pav_graph.__file__).parent.parent
    h = hashlib.sha256(f"{pav_graph.__version__}\0{'all' if cases else 'shared'}\n".encode())
    seen = set()
    for path in shared_inputs(project):
        name = path.relative_to(project.root if path.is_relative_to(project.root) else package_root)
        key = str(path)
        seen.add(key)
        h.update(f"{name}\0{digests.sha(key, path.stat())}\n".encode())
    if cases:
        base = str(project.cases_dir)
        for name, st in case_files(project.cases_dir):
            key = os.path.join(base, name)
            seen.add(key)
            h.update(f"cases/{name}\0{digests.sha(key, st)}\n".encode())
    digests.save(keep=seen if cases else None)
    return h.hexdigest()


_OPEN: dict[Path, FileDigests] = {}


def for_build_dir(build_dir: Path) -> FileDigests:
    """The digests kept in ``build_dir`` (one object per process: the build, the scan of the
    incremental build and ``case add``'s check all ask; every answer is checked against stat)."""
    path = build_dir / "cache" / CACHE
    if path not in _OPEN:
        _OPEN[path] = FileDigests(path)
    return _OPEN[path]
