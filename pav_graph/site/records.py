"""The site's case records kept between runs, so that an update reads only the changed cases.

A case's record (:func:`pav_graph.site.data.case_records`) is what the store holds of that case
alone, and that is a function of four things the build keeps per case in ``parts.json``
(:mod:`pav_graph.buildstate`): the digest of its case file, the build's *shared key* (the digest
of everything that is not a case file: ontology, vocabulary, sources, package code), the lines
about shared nodes (organisations) it contributed, and the composite patterns it matches. Their
digest is the record's *key*. ``pav-graph site`` keeps each record with its key in
``build/site-cases.sqlite``; the next run takes every record whose key is unchanged from there
and reads only the others from the store. After a ``case add`` at 10,000 cases that is one case
instead of 10,000 (the whole read took about 100 s).

What depends on other cases (similar cases, the uses listed on concept and source pages) is not
in a record: :mod:`pav_graph.site.data` computes it again from all records every run.

The cache also keeps a digest of the package code (a change to the queries or to the record's
shape reads everything again) and, per record, the digest of each field, which the incremental
site compares with its manifest (:class:`pav_graph.site.incremental.Digests`) without turning
10,000 unchanged records into JSON again.

Why SQLite: one row per case, so an update writes only the rows of the cases that changed, in
one transaction (a stop leaves the previous rows, which are still right for their keys). Why
pickle in the rows: a record is nested dicts and lists in which an actor is shared by the
relations and events that name it; pickle keeps that as it was. The file is the project's own,
in its build directory next to the stores, and holds nothing that is not in the store. A cache
that cannot be read (damaged, another format) is ignored and written anew.
"""

from __future__ import annotations

import hashlib
import pickle
import sqlite3
from pathlib import Path

CACHE = "site-cases.sqlite"
FORMAT = "1"
DERIVED = ("similar",)  # fields computed from the other cases each run: not kept, no kept digest


def case_keys(build_dir: Path) -> dict[str, str] | None:
    """``case id -> key`` of the build in ``build_dir`` (None: it has no parts.json)."""
    from pav_graph.buildstate import read_state

    state = read_state(build_dir)
    if state is None:
        return None
    keys = {}
    for part in state.cases:
        h = hashlib.blake2b(digest_size=16)
        for text in (state.shared_key, part.sha, *(state.foreign[i] for i in part.foreign),
                     "\t".join(sorted(part.matches))):
            h.update(text.encode("utf-8"))
            h.update(b"\0")
        keys[part.id] = h.hexdigest()
    return keys


def field_digests(record: dict) -> dict[str, str]:
    from pav_graph.site.incremental import digest_of

    return {name: digest_of(value) for name, value in record.items() if name not in DERIVED}


class Kept:
    """The kept records that still hold for a build, and what is missing from them."""

    def __init__(self, path: Path, code: str, keys: dict[str, str], use_kept: bool = True):
        self.path, self.code, self.keys = path, code, keys
        self.records: dict[str, dict] = {}
        self.read = 0  # records read from the store this run (see complete)
        self.digests: dict[str, dict[str, str]] = {}
        if use_kept:
            self._read()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=60)
        db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT)")
        db.execute("CREATE TABLE IF NOT EXISTS records (id TEXT PRIMARY KEY, key TEXT, data BLOB)")
        return db

    def _read(self) -> None:
        if not self.path.exists():
            return
        try:
            db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=60)
            try:
                meta = dict(db.execute("SELECT name, value FROM meta"))
                if meta.get("format") != FORMAT or meta.get("code") != self.code:
                    return
                for cid, key, data in db.execute("SELECT id, key, data FROM records"):
                    if self.keys.get(cid) == key:
                        self.records[cid], self.digests[cid] = pickle.loads(data)
            finally:
                db.close()
        except (sqlite3.Error, pickle.UnpicklingError, ValueError, EOFError, TypeError):
            self.records, self.digests = {}, {}  # read everything from the store

    @property
    def missing(self) -> list[str] | None:
        """The cases to read from the store, or None: so many that reading all is quicker
        (one query per kind of row over the whole graph instead of about ten per case)."""
        missing = sorted(set(self.keys) - set(self.records))
        if len(missing) > max(20, len(self.keys) // 10):
            return None
        return missing

    def complete(self, fresh: dict[str, dict]) -> dict[str, dict]:
        """The records of every case of the build, in id order: the kept ones and ``fresh``
        (read from the store; kept from now on, as are the digests of their fields)."""
        fresh = {cid: r for cid, r in fresh.items() if cid not in self.records}
        rows = []
        for cid, record in fresh.items():
            self.digests[cid] = field_digests(record)
            rows.append((cid, self.keys.get(cid, ""),
                         pickle.dumps((record, self.digests[cid]), protocol=pickle.HIGHEST_PROTOCOL)))
        self.read = len(fresh)
        merged = {**self.records, **fresh}
        self._write(rows, set(merged))
        return {cid: merged[cid] for cid in sorted(merged)}

    def _write(self, rows: list[tuple], live: set[str]) -> None:
        try:
            db = self._connect()
            try:
                with db:
                    meta = dict(db.execute("SELECT name, value FROM meta"))
                    if meta.get("format") != FORMAT or meta.get("code") != self.code:
                        db.execute("DELETE FROM records")
                        db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                                       [("format", FORMAT), ("code", self.code)])
                    gone = [(cid,) for (cid,) in db.execute("SELECT id FROM records") if cid not in live]
                    db.executemany("DELETE FROM records WHERE id = ?", gone)
                    db.executemany("INSERT OR REPLACE INTO records VALUES (?, ?, ?)", rows)
            finally:
                db.close()
        except sqlite3.Error:
            pass  # a cache: the site is right without it, the next run reads the store again


def open_kept(build_dir: Path | None, cache_dir: Path, code: str, use_kept: bool = True) -> Kept | None:
    """The kept records for the build in ``build_dir`` (None: the build keeps no parts, so
    records cannot be keyed: everything is read from the store)."""
    keys = case_keys(build_dir) if build_dir is not None else None
    if keys is None:
        return None
    return Kept(cache_dir / CACHE, code, keys, use_kept)
