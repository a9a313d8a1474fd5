"""Registering a source: its text copied read-only into sources/texts/, its metadata beside it."""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

from pav_graph import atomic, casefile
from pav_graph.contrib.errors import ID_RE, ContribError
from pav_graph.contrib.lock import corpus_lock
from pav_graph.contrib.vocabulary import Vocabulary
from pav_graph.problems import Problems
from pav_graph.project import Project


def read_source_text(path: Path) -> str:
    """A source text as UTF-8 with LF line ends; refuses other encodings with the place."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ContribError(f"--text {path}: cannot read ({exc.strerror})", "check the path",
                           usage=True) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ContribError(f"{path}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x})",
                           "save it as UTF-8 (e.g. `iconv -f windows-1252 -t utf-8 IN > OUT`)") from None
    if not text.strip():
        raise ContribError(f"{path}: the text is empty", "give the plain text of the document")
    return _normal_line_ends(text)


def _normal_line_ends(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text if text.endswith("\n") else text + "\n"


def register_source(project: Project, sid: str, text_file: Path, *, type_: str,
                    title: str | None = None, authors: tuple[str, ...] = (),
                    year: str | None = None, publisher: str | None = None,
                    language: str = "nl", description: tuple[str, str] | None = None) -> Path:
    """Copy the text into sources/texts/<id>.txt and write sources/<id>.yaml."""
    from pav_graph.load import check_schema

    if not ID_RE.match(sid):
        raise ContribError(f"--id {sid!r} is not a valid id",
                           f"use lower-case letters, digits and '-', e.g. '{casefile.slug(sid)}'",
                           usage=True)
    text = read_source_text(text_file)
    meta_path = project.sources_dir / f"{sid}.yaml"
    text_path = project.sources_dir / "texts" / f"{sid}.txt"
    digest = hashlib.sha256(text.encode()).hexdigest()
    item = {"id": sid, "text": f"texts/{sid}.txt", "type": type_, "title": title,
            "authors": list(authors), "year": year, "publisher": publisher, "language": language}
    if description:
        item["description"] = {"nl": description[0], "en": description[1]}
    problems = Problems()
    if not check_schema(meta_path, item, "source", problems):
        raise ContribError(f"{problems.items[0].message}", problems.items[0].fix, usage=True)
    with corpus_lock(project):
        vocab = Vocabulary.load(project)
        if sid in vocab.sources or meta_path.exists() or text_path.exists():
            raise ContribError(f"source {sid!r} already exists (sources/{sid}.yaml)",
                               "choose another --id")
        for other in vocab.sources.values():
            if hashlib.sha256(_normal_line_ends(other.text.raw).encode()).hexdigest() == digest:
                raise ContribError(f"{text_file} has the same text as source {other.id!r}",
                                   f"cite {other.id!r} instead of registering it again")
        atomic.write_text(text_path, text)
        try:
            os.chmod(text_path, 0o444)  # line numbers of quotes depend on it: never edit in place
            atomic.write_text(meta_path, _source_yaml(item, text))
        except BaseException:
            with contextlib.suppress(OSError):
                text_path.unlink()
            raise
    return meta_path


def _source_yaml(item: dict, text: str) -> str:
    q = casefile._q
    lines = [
        "# Source metadata, written by `pav-graph source add`. Cases cite this source by its id",
        "# and quote the text file verbatim with line numbers; never edit the text file (the line",
        "# numbers of every quote depend on it).",
        f"id: {item['id']}",
        f"text: {item['text']}        # {len(text.splitlines())} lines",
        f"type: {item['type']}",
        f"title: {q(item['title']) if item['title'] else 'null'}",
        "authors: [" + ", ".join(q(a) for a in item["authors"]) + "]",
        f"year: {q(str(item['year'])) if item['year'] else 'null'}",
        f"publisher: {q(item['publisher']) if item['publisher'] else 'null'}",
        f"language: {item['language']}",
    ]
    if item.get("description"):
        lines += ["description:", f"  nl: {q(item['description']['nl'])}",
                  f"  en: {q(item['description']['en'])}"]
    return "\n".join(lines) + "\n"

