"""Rewrite only the pages of a site whose content a change of the build touches.

Design: **record what each page reads, and compare digests of exactly that.** While a page is
made (its context computed, its graph laid out, its template rendered), every read of the site
data goes through :class:`Entity` and :class:`Collection` (dict subclasses that note the key in
the page's dependency set): ``cases[id]`` notes that the page needs the case to exist,
``case["label"]`` that it needs that field, iterating ``cases`` that it needs the set of case
ids, iterating a record's own keys that it needs the whole record. The site manifest
(``.pav-graph-site.json``) keeps, for every *job* (a group of pages made together: a case's
page, downloads and embed; a concept page; the home page ...), the paths it wrote and the keys
it read, and a short digest of the value of each key read. The next ``pav-graph site`` loads
the data of the new build, recomputes the digest of each recorded key and makes again only the
jobs that read a key whose digest changed, plus the jobs that are new; the pages of jobs that
are gone are deleted. A page made again is written only when its bytes differ, so a page whose
inputs changed in a way that does not show keeps its bytes and its mtime.

Why this and not a hand-written dependency map (page -> cases/concepts): the map would have to
mirror every template and every graph function and silently go stale when one of them starts
to show something new (a count in a tooltip, a label of a similar case). Recording the reads
cannot forget one as long as the pages read the data through these dicts, and a test compares
the incremental site with a full one after a case add, change and removal. The price is
that the manifest holds one key per (record, field) a page read. The data are loaded whole
every run, but the case records come from the cache of :mod:`pav_graph.site.records` (only the
cases whose build parts changed are read from the store), and the digests of their fields come
with them (:class:`Digests` ``known``).

What is not recorded (the store read directly: the Turtle download of a case) is handled by
hand: a case's ``.ttl`` is made again with the case's page (its record changes whenever its
triples do).

Safety: a run that would rewrite pages first deletes the manifest; it writes each page
atomically (:mod:`pav_graph.atomic`) and writes the manifest last. A stop in between leaves a
site with its marker but no manifest, which the next run rebuilds whole (written next to it and
swapped in, as a first run). The manifest records the build it was written from, ``--base-url``
and a digest of the code (pav_graph's sources and vis-network): a different code or base URL
also rebuilds the whole site. A page deleted by hand is made again; a page edited by hand is
not noticed (its bytes are read only when its job is made again): ``--full`` rewrites it.
"""

from __future__ import annotations

import hashlib
import json
import os
from contextlib import contextmanager
from pathlib import Path

MANIFEST = ".pav-graph-site.json"
FORMAT = 1
_current: list[set[str]] = []  # the dependency sets of the jobs being made (innermost last)


def _note(key: str) -> None:
    if _current:
        _current[-1].add(key)


@contextmanager
def recording():
    """Collect the keys read inside the ``with`` block."""
    deps: set[str] = set()
    _current.append(deps)
    try:
        yield deps
    finally:
        _current.pop()


class Entity(dict):
    """A record (case, concept, source, or a table of globals) that notes which fields are read."""

    __slots__ = ("_key",)

    def __init__(self, key: str, data: dict):
        super().__init__(data)
        self._key = key  # "case\tID"

    def __getitem__(self, name):
        _note(f"{self._key}\t{name}")
        return dict.__getitem__(self, name)

    def get(self, name, default=None):
        _note(f"{self._key}\t{name}")
        return dict.get(self, name, default)

    def __contains__(self, name):
        _note(f"{self._key}\t{name}")
        return dict.__contains__(self, name)

    def _all(self) -> None:
        _note(f"{self._key}\t*")

    def __bool__(self) -> bool:  # ``if record``: a record has its fields whatever their values
        return dict.__len__(self) > 0

    def __iter__(self):
        self._all()
        return dict.__iter__(self)

    def __len__(self):
        self._all()
        return dict.__len__(self)

    def keys(self):
        self._all()
        return dict.keys(self)

    def values(self):
        self._all()
        return dict.values(self)

    def items(self):
        self._all()
        return dict.items(self)

    def __reduce__(self):  # a copy is a plain dict (and reads everything)
        self._all()
        return (dict, (dict(dict.items(self)),))


class Collection(dict):
    """``id -> Entity`` of one kind; notes existence checks and iteration over the ids."""

    __slots__ = ("_kind",)

    def __init__(self, kind: str, records: dict[str, dict]):
        super().__init__((k, Entity(f"{kind}\t{k}", v)) for k, v in records.items())
        self._kind = kind

    def __getitem__(self, ident):
        _note(f"{self._kind}\t{ident}\t")
        return dict.__getitem__(self, ident)

    def get(self, ident, default=None):
        _note(f"{self._kind}\t{ident}\t")
        return dict.get(self, ident, default)

    def __contains__(self, ident):
        _note(f"{self._kind}\t{ident}\t")
        return dict.__contains__(self, ident)

    def _ids(self) -> None:
        _note(f"{self._kind}\t*\t")

    def __iter__(self):
        self._ids()
        return dict.__iter__(self)

    def __len__(self):
        self._ids()
        return dict.__len__(self)

    def keys(self):
        self._ids()
        return dict.keys(self)

    def values(self):
        self._ids()
        return dict.values(self)

    def items(self):
        self._ids()
        return dict.items(self)


def _default(value):
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    return str(value)


def digest_of(value) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=_default)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


class Digests:
    """The digest of the value behind a recorded key, computed on demand and kept.

    ``known`` gives digests of fields computed before (``kind -> id -> field -> digest``: the
    kept case records of :mod:`pav_graph.site.records`), so that an update does not turn every
    unchanged record into JSON again. A whole record's digest (``*``) is the digest of its
    fields' digests."""

    def __init__(self, tables: dict[str, dict], known: dict[str, dict[str, dict[str, str]]] | None = None,
                 proxies: dict | None = None):
        self.tables = tables  # kind -> {id: record}; records may be Entity or dict
        self.known = known or {}
        # (kind, field) -> f(value, digests): a small stand-in with the same digest changes, for
        # fields that hold other records' parts (see pav_graph.site.data.DIGEST_PROXIES)
        self.proxies = proxies or {}
        self.cache: dict[str, str | None] = {}

    def __call__(self, key: str) -> str | None:
        if key not in self.cache:
            self.cache[key] = self._compute(key)
        return self.cache[key]

    def _compute(self, key: str) -> str | None:
        kind, ident, name = key.split("\t")
        table = self.tables.get(kind)
        if table is None:
            return None
        if ident == "*":
            return digest_of(sorted(dict.keys(table)))
        if not dict.__contains__(table, ident):
            return None
        record = dict.__getitem__(table, ident)
        if name == "":
            return "exists"
        if name == "*":
            return digest_of({k: self(f"{kind}\t{ident}\t{k}") for k in dict.keys(record)})
        if not dict.__contains__(record, name):
            return None
        known = self.known.get(kind, {}).get(ident)
        if known is not None and name in known:
            return known[name]
        proxy = self.proxies.get((kind, name))
        if proxy is not None:
            return digest_of(proxy(dict.__getitem__(record, name), self))
        return digest_of(dict.__getitem__(record, name))


def code_digest(extra_dirs: tuple[Path, ...] = ()) -> str:
    """A digest of pav_graph's own files (and vis-network's): what makes the pages."""
    h = hashlib.blake2b(digest_size=8)
    base = Path(__file__).resolve().parent.parent
    files = [p for p in base.rglob("*") if p.is_file() and p.suffix in (".py", ".html", ".js", ".css",
                                                                         ".json", ".yaml", ".txt")
             and "__pycache__" not in p.parts]
    for d in extra_dirs:
        files += [p for p in d.iterdir() if p.is_file()]
    for p in sorted(files):
        h.update(str(p.relative_to(base) if p.is_relative_to(base) else p.name).encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def read_manifest(outdir: Path) -> dict | None:
    try:
        data = json.loads((outdir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("format") == FORMAT else None


def manifest_text(build: str, code: str, base_url: str, jobs: dict[str, dict],
                  digests: Digests) -> str:
    """The manifest: keys read by any job once, each job's paths and keys by number."""
    keys = sorted({k for job in jobs.values() for k in job["deps"]})
    number = {k: i for i, k in enumerate(keys)}
    out = {"format": FORMAT, "build": build, "code": code, "base_url": base_url,
           "keys": [[k, digests(k)] for k in keys],
           "jobs": {jid: {"paths": sorted(job["paths"]), "deps": sorted(number[k] for k in job["deps"])}
                    for jid, job in sorted(jobs.items())}}
    return json.dumps(out, ensure_ascii=False, separators=(",", ":")) + "\n"


def previous_jobs(manifest: dict) -> dict[str, dict]:
    keys = [k for k, _ in manifest["keys"]]
    return {jid: {"paths": job["paths"], "deps": {keys[i] for i in job["deps"]}}
            for jid, job in manifest["jobs"].items()}


def changed_keys(manifest: dict, digests: Digests) -> set[str]:
    return {k for k, old in manifest["keys"] if digests(k) != old}


def stale_jobs(manifest: dict, job_ids, digests: Digests) -> tuple[set[str], set[str]]:
    """The jobs to make again (a key they read changed, or they are new) and the changed keys."""
    changed = changed_keys(manifest, digests)
    old = previous_jobs(manifest)
    stale = {jid for jid in job_ids if jid not in old or old[jid]["deps"] & changed}
    return stale, changed


def write_if_changed(path: Path, content: str | bytes) -> bool:
    """Write ``content`` atomically unless the file already holds exactly these bytes."""
    from pav_graph.atomic import write_bytes

    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass
    write_bytes(path, data)
    return True


def remove_page(outdir: Path, rel: str) -> None:
    path = outdir / rel
    try:
        path.unlink()
    except FileNotFoundError:
        return
    parent = path.parent
    while parent != outdir and parent.is_dir() and not any(parent.iterdir()):
        os.rmdir(parent)
        parent = parent.parent


def reads_all(record: dict) -> None:
    """Note that the job being made depends on every field of ``record`` (an :class:`Entity`)."""
    if isinstance(record, Entity):
        record._all()


def tracked(data, base_url: str, known: dict | None = None, proxies: dict | None = None):
    """``data`` with its tables wrapped so that reads are recorded, and their :class:`Digests`
    (``known``, ``proxies``: see :class:`Digests`)."""
    from collections import Counter
    from dataclasses import replace

    stats = {"cases": len(data.cases), "concepts": len(data.concepts), "sources": len(data.sources),
             # full cases apart from mentions in passing and textbook illustrations
             "kinds": Counter(case["kind"] for case in data.cases.values())}
    glob = {"kinds": dict(data.kinds), "level_en": dict(data.level_en), "stats": stats,
            "mechanisms": dict(data.mechanisms), "renamed": dict(data.renamed)}
    out = replace(data, cases=Collection("case", data.cases),
                  concepts=Collection("concept", data.concepts),
                  sources=Collection("source", data.sources),
                  kinds=Entity("g\tkinds", glob["kinds"]),
                  level_en=Entity("g\tlevel_en", glob["level_en"]),
                  stats=Entity("g\tstats", stats),
                  mechanisms=Entity("g\tmechanisms", glob["mechanisms"]),
                  renamed=Entity("g\trenamed", glob["renamed"]))
    tables = {"case": out.cases, "concept": out.concepts, "source": out.sources, "g": glob}
    return out, Digests(tables, known, proxies)


class Made:
    """What jobs made: pages (path -> content; or handed to ``sink`` as they are made, so a
    whole site is not held in memory) and, per job, its paths and the keys it read."""

    def __init__(self, sink=None):
        self.pages: dict[str, str | bytes] = {}
        self.jobs: dict[str, dict] = {}
        self.sink = sink

    def run(self, jid: str, make, ttl) -> None:
        pages: dict[str, str | bytes] = {}
        with recording() as deps:
            make(pages, ttl)
        if self.sink is None:
            self.pages.update(pages)
        else:
            for path, content in pages.items():
                self.sink(path, content)
        self.jobs[jid] = {"paths": list(pages), "deps": deps}


def _lazy_ttl(compute):
    cache: dict[str, bytes] = {}

    def ttl(cid: str) -> bytes:
        if not cache:
            with recording():  # made once for every case: not a read of the job that asks first
                cache.update(compute())
        return cache[cid]
    return ttl


def make_all(jobs: dict, ttl_all, sink) -> Made:
    made = Made(sink)
    ttl = _lazy_ttl(ttl_all)
    for jid, make in jobs.items():
        made.run(jid, make, ttl)
    return made


def update(outdir: Path, manifest: dict, jobs: dict, digests: Digests, ttl_for, manifest_for,
           log=lambda msg: None) -> int:
    """Make again the jobs whose recorded inputs changed, write the pages that differ, delete
    the pages of jobs that are gone, write the manifest last. Returns the pages written."""
    stale, changed = stale_jobs(manifest, jobs, digests)
    old = previous_jobs(manifest)
    # a page deleted by hand since is made again (one stat per page; its bytes are not checked)
    stale |= {jid for jid in jobs if jid in old and jid not in stale
              and not all(os.path.exists(outdir / p) for p in old[jid]["paths"])}
    log(f"{len(changed)} changed input(s); making {len(stale)} of {len(jobs)} job(s) again")
    cases = [jid.split(":", 1)[1] for jid in stale if jid.startswith("case:")]
    ttl = _lazy_ttl(lambda: ttl_for(cases))
    made = Made()
    for jid, make in jobs.items():
        if jid in stale:
            made.run(jid, make, ttl)
    (outdir / MANIFEST).unlink(missing_ok=True)  # from here on the site is not complete
    written = 0
    for path, content in made.pages.items():
        written += write_if_changed(outdir / path, content)
    kept = {jid: old[jid] for jid in jobs if jid not in stale}
    now = {**kept, **made.jobs}
    live = {p for job in now.values() for p in job["paths"]}
    for jid, job in old.items():
        for path in job["paths"]:
            if path not in live:
                remove_page(outdir, path)
    from pav_graph.atomic import write_text

    write_text(outdir / MANIFEST, manifest_for(now))
    log(f"wrote {written} changed file(s)")
    return written
