"""The embedded store: a pyoxigraph database on disk, built from the graph.

The build writes ``graph.nt`` (every asserted and inferred triple, each once, in the default
graph) and loads it into ``store/``, both in ``build/builds/<digest>/``, which ``build/current``
(and ``build/current.json``) point at. Readers open the store read-only so several processes (the
CLI, the endpoint's query workers) can share it while nothing writes.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox


def store_dir(build_dir: Path) -> Path:
    """The store of the build in use: ``build/current.json`` names it (see pav_graph.build)."""
    pointer = build_dir / "current.json"
    if pointer.is_file():
        import json

        return build_dir / json.loads(pointer.read_text(encoding="utf-8"))["directory"] / "store"
    return build_dir / "store"


def open_store(build_dir: Path, *, read_only: bool = True) -> ox.Store:
    """Open the built store; raises FileNotFoundError when there is no build yet."""
    path = store_dir(build_dir)
    if not path.exists():
        raise FileNotFoundError(f"no built store at {path}: run `pav-graph build` first")
    return ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))


def load_ntriples(path: Path, target: Path) -> ox.Store:
    """Create a fresh on-disk store at ``target`` holding the N-Triples file ``path``."""
    store = ox.Store(str(target))
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    store.flush()
    return store
