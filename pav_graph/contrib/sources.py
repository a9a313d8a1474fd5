"""Registering a source: its stored text written read-only into sources/texts/, its metadata
beside it in sources/<id>.yaml, saying for each field where it came from or that it is unknown.

The document is read by :mod:`pav_graph.ingest` (PDF, HTML or text) before anything is written;
the writes happen under the corpus lock and a failure removes what was half written.
"""

from __future__ import annotations

import contextlib
import datetime
import os
from dataclasses import dataclass, field
from pathlib import Path

from pav_graph import atomic, casefile, yamlio
from pav_graph.contrib.errors import ID_RE, ContribError
from pav_graph.contrib.lock import corpus_lock
from pav_graph.contrib.vocabulary import Vocabulary
from pav_graph.ingest import METADATA, Ingested
from pav_graph.ingest.match import collapse
from pav_graph.problems import Problems
from pav_graph.project import Project

UNKNOWN = "Unknown: the document does not state it and it was not given at registration."


@dataclass
class SourceMeta:
    """What is known about a document, and for each field where it came from."""

    type: str
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    date: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD
    url: str | None = None
    publisher: str | None = None
    language: str = "nl"
    description: tuple[str, str] | None = None
    found_in: dict[str, str] = field(default_factory=dict)

    def get(self, key: str):
        return getattr(self, key)

    @property
    def unknown(self) -> list[str]:
        return [k for k in METADATA if not self.get(k)]


def register_source(project: Project, sid: str, doc: Ingested, meta: SourceMeta) -> Path:
    """Write sources/texts/<id>.txt (read-only) and sources/<id>.yaml; returns the latter."""
    from pav_graph.load import check_schema

    if not ID_RE.match(sid):
        raise ContribError(f"--id {sid!r} is not a valid id",
                           f"use lower-case letters, digits and '-', e.g. '{casefile.slug(sid)}'",
                           usage=True)
    # control characters (a PDF's text layer has some) become spaces; form feeds start pages
    text = yamlio.without_controls(doc.text, keep="\f")
    for key in ("title", "publisher", "url", "date"):
        if getattr(meta, key):
            setattr(meta, key, yamlio.without_controls(getattr(meta, key)))
    meta.authors = [yamlio.without_controls(a) for a in meta.authors]
    if meta.description:
        meta.description = tuple(yamlio.without_controls(d) for d in meta.description)
    meta_path = project.sources_dir / f"{sid}.yaml"
    text_path = project.sources_dir / "texts" / f"{sid}.txt"
    body = source_yaml(sid, doc, meta)
    problems = Problems()
    try:  # the strict loader every later command reads it with
        data = yamlio.loads(body)
    except yamlio.YamlError as exc:
        raise ContribError(f"{meta_path.name}: {exc.message}", exc.fix, usage=True) from None
    if not check_schema(meta_path, data, "source", problems):
        raise ContribError(f"{problems.items[0].message}", problems.items[0].fix, usage=True)
    same = collapse(text)
    with corpus_lock(project):
        vocab = Vocabulary.load(project)
        if sid in vocab.sources or meta_path.exists() or text_path.exists():
            raise ContribError(f"source {sid!r} already exists (sources/{sid}.yaml)",
                               "choose another --id")
        for other in vocab.sources.values():
            if collapse(other.text.raw) == same:
                raise ContribError(f"{doc.path} has the same text as source {other.id!r}",
                                   f"cite {other.id!r} instead of registering it again")
        atomic.write_text(text_path, text)
        try:
            os.chmod(text_path, 0o444)  # line numbers of quotes depend on it: never edit in place
            atomic.write_text(meta_path, body)
        except BaseException:
            with contextlib.suppress(OSError):
                text_path.unlink()
            raise
    return meta_path


def source_yaml(sid: str, doc: Ingested, meta: SourceMeta) -> str:
    """The metadata file: every field, with a comment saying where its value came from."""
    q = casefile._q

    def where(key: str) -> str:
        return f"   # from {meta.found_in[key]}" if meta.found_in.get(key) else ""

    what = {"pdf": "PDF", "html": "web page", "text": "text file"}[doc.format]
    pages = f", {len(doc.pages)} pages" if doc.paged else ""
    lines = [
        f"# Source metadata, written by `pav-graph source add` on {datetime.date.today()} from",
        f"# {doc.path.name} ({what}{pages}). Cases cite this source by its id and quote the text",
        "# file verbatim with line numbers (and `page:` where the source has pages); never edit",
        "# the text file: the locator of every quote depends on it.",
        f"id: {sid}",
        f"text: texts/{sid}.txt        # {doc.line_count} lines",
        f"format: {doc.format}",
    ]
    if doc.paged:
        lines.append(f"pages: {len(doc.pages)}             # evidence may say `page: P` with lines "
                     "counted from the top of page P")
    lines += [
        "quotes: normalised       # quotes may differ by ligatures, soft hyphens, hyphens at line",
        "                         # ends and footnote markers (docs/case-format.md, \"Quotes\")",
        f"type: {meta.type}",
        f"title: {q(meta.title) if meta.title else 'null'}{where('title')}",
        "authors: [" + ", ".join(q(a) for a in meta.authors) + "]" + where("authors"),
        f"year: {q(meta.date[:4]) if meta.date else 'null'}",
        f"date: {q(meta.date) if meta.date else 'null'}{where('date')}",
        f"url: {q(meta.url) if meta.url else 'null'}{where('url')}",
        f"publisher: {q(meta.publisher) if meta.publisher else 'null'}{where('publisher')}",
        f"language: {meta.language}",
    ]
    for key in meta.unknown:
        lines.append(f"{'year' if key == 'date' else key}_note: {q(UNKNOWN)}")
    if meta.description:
        lines += ["description:", f"  nl: {q(meta.description[0])}",
                  f"  en: {q(meta.description[1])}"]
    return "\n".join(lines) + "\n"
