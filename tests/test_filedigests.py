"""Per-file digests kept by stat (issue 19, part 4): a file is read again only when its stat
changes, every kind of change is seen, and the store is loaded in pieces without splitting a
blank node.

:mod:`pav_graph.filedigests` lets ``case add`` at 10,000 cases name the build and find the
changed case files without reading 74 MB of YAML; a stale digest would silently keep an old
build in use, so each way a file can change is tried here.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pyoxigraph as ox

from pav_graph import build as build_mod
from pav_graph import filedigests
from pav_graph.build import digest_inputs
from pav_graph.filedigests import CACHE, FileDigests, file_sha
from pav_graph.project import Project

OLD = time.time_ns() - 60_000_000_000  # a minute ago: old enough to be remembered


def write_old(path: Path, text: str) -> os.stat_result:
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(OLD, OLD))
    return path.stat()


def test_a_file_is_read_again_only_when_its_stat_changes(tmp_path, monkeypatch):
    # os.utime sets the modification time back, but the change time is now, and a file is
    # remembered two seconds after both: no waiting here
    monkeypatch.setattr(filedigests, "SLACK_NS", 0)
    cache = tmp_path / "cache" / CACHE
    path = tmp_path / "a.yaml"
    st = write_old(path, "id: a\n")
    digests = FileDigests(cache)
    assert digests.sha(str(path), st) == file_sha(b"id: a\n")
    digests.save()

    # the remembered digest is used while the stat is the same: the file is not read (a digest
    # planted in the cache shows it)
    data = json.loads(cache.read_text(encoding="utf-8"))
    data["files"][str(path)][-1] = "planted"
    cache.write_text(json.dumps(data), encoding="utf-8")
    assert FileDigests(cache).sha(str(path), path.stat()) == "planted"

    # same size, modification time put back: the change time differs, the file is read
    path.write_text("id: b\n", encoding="utf-8")
    os.utime(path, ns=(OLD, OLD))
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    assert FileDigests(cache).sha(str(path), path.stat()) == file_sha(b"id: b\n")

    # replaced by another file of the same size and modification time (an atomic write)
    other = tmp_path / "other.yaml"
    write_old(other, "id: c\n")
    os.replace(other, path)
    assert FileDigests(cache).sha(str(path), path.stat()) == file_sha(b"id: c\n")


def test_a_file_changed_just_now_is_not_remembered(tmp_path):
    """Within two seconds a second change could keep the same times: hashed again next time."""
    cache = tmp_path / CACHE
    path = tmp_path / "new.yaml"
    path.write_text("id: new\n", encoding="utf-8")
    digests = FileDigests(cache)
    assert digests.sha(str(path), path.stat()) == file_sha(b"id: new\n")
    digests.save()
    assert str(path) not in FileDigests(cache).known


def test_the_build_digest_follows_every_change_of_a_case_file(corpus_copy, monkeypatch, tmp_path):
    monkeypatch.setattr(filedigests, "SLACK_NS", 0)  # as above
    monkeypatch.setenv("PAV_GRAPH_BUILD", str(tmp_path / "build"))
    project = Project(corpus_copy)
    for path in project.cases_dir.glob("*.yaml"):
        os.utime(path, ns=(OLD, OLD))
    first = digest_inputs(project)
    assert (tmp_path / "build" / "cache" / CACHE).is_file()
    assert digest_inputs(project) == first

    case = project.cases_dir / "gelderland.yaml"
    text = case.read_text(encoding="utf-8")
    changed = text.replace("id: gelderland", "id: gelderlanD", 1)
    assert changed != text and len(changed) == len(text)
    write_old(case, changed)  # same size, same modification time
    second = digest_inputs(project)
    assert second != first

    write_old(case, text)
    assert digest_inputs(project) == first  # the name of a build is its content
    case.unlink()
    assert digest_inputs(project) not in (first, second)


def test_the_store_is_loaded_in_pieces_and_keeps_blank_nodes_whole(tmp_path, monkeypatch):
    """Pieces of a few hundred bytes, with a list of blank nodes spread over many of them: the
    store holds one node per blank node of graph.nt and the list is still one chain."""
    lines = [f"<http://example.org/s{i}> <http://example.org/p> \"{i}\" .\n" for i in range(300)]
    chain = [f"_:b{i} <http://example.org/next> _:b{i + 1} .\n" for i in range(20)]
    for i, line in enumerate(chain):
        lines.insert(i * 15, line)
    (tmp_path / "graph.nt").write_text("".join(lines), encoding="utf-8")
    monkeypatch.setattr(build_mod, "STORE_CHUNK", 300)
    build_mod._write_store(tmp_path)
    store = ox.Store.read_only(str(tmp_path / "store"))
    assert len(store) == 320
    blank = {t for q in store for t in (q.subject, q.object) if isinstance(t, ox.BlankNode)}
    assert len(blank) == 21
    chain_q = ("ASK { " + " ".join(f"?n{i} <http://example.org/next> ?n{i + 1} ." for i in range(20)) + " }")
    assert store.query(chain_q)
