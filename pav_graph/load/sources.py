"""Source metadata files and their texts (readable, redactions declared and kept)."""

from __future__ import annotations

import re
from pathlib import Path

from pav_graph import yamlio
from pav_graph.load.files import read_corpus_file
from pav_graph.model import (
    Source,
)
from pav_graph.privacy import check_redactions
from pav_graph.problems import Problems
from pav_graph.project import Project

NOTE_KEYS = ("title_note", "year_note", "date_note", "authors_note", "publisher_note", "url_note",
             "text_note")


def isbn_ok(isbn: str) -> bool:
    """Is the check digit of an ISBN-10 or ISBN-13 right (hyphens and spaces ignored)?"""
    digits = isbn.replace("-", "").replace(" ", "").upper()
    if len(digits) == 10 and digits[:9].isdigit() and (digits[9].isdigit() or digits[9] == "X"):
        total = sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(digits))
        return total % 11 == 0
    if len(digits) == 13 and digits.isdigit():
        return sum((3 if i % 2 else 1) * int(c) for i, c in enumerate(digits)) % 10 == 0
    return False


def _check_public_ids(path: Path, data: dict, source: Source, problems: Problems) -> None:
    """A source's public address, DOI and ISBN, when its metadata gives them: the site shows
    them as links, so a wrong one would send readers elsewhere. Never filled in by guessing."""
    url = data.get("url")
    if url and not str(url).startswith(("http://", "https://")):
        problems.add(path, f"url {url!r} is not a web address",
                     "give the full address starting with https:// (or leave `url:` out)",
                     path=("url",))
    elif url:
        source.url = str(url)
    doi = data.get("doi")
    if doi:
        doi = str(doi).strip()
        for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:"):
            if doi.lower().startswith(prefix):
                problems.add(path, f"doi {doi!r} includes {prefix!r}",
                             f"write only the DOI itself: doi: {doi[len(prefix):]}", path=("doi",))
                break
        else:
            if re.fullmatch(r"10\.\d{4,9}/\S+", doi):
                source.doi = doi
            else:
                problems.add(path, f"doi {doi!r} is not a DOI",
                             "a DOI starts with 10. and a slash follows the registrant, "
                             "e.g. 10.1000/xyz123", path=("doi",))
    isbn = data.get("isbn")
    if isbn:
        if isbn_ok(str(isbn)):
            source.isbn = str(isbn)
        else:
            problems.add(path, f"isbn {isbn!r} has a wrong check digit or length",
                         "copy the ISBN exactly as printed in the book (10 or 13 digits)",
                         path=("isbn",))


def load_sources(project: Project, problems: Problems) -> dict[str, Source]:
    sources: dict[str, Source] = {}
    for path in sorted(project.sources_dir.glob("*.yaml")):
        data = read_corpus_file(project, path, "source", problems)
        if data is None:
            continue
        text_path = (path.parent / data["text"]).resolve()
        if not text_path.is_relative_to(project.root.resolve()):
            problems.add(path, f"text file {data['text']!r} lies outside the corpus",
                         "copy the source text into sources/texts/ and name it there",
                         path=("text",))
            continue
        if not text_path.is_file():
            problems.add(path, f"text file {data['text']!r} not found",
                         "put the source text next to the metadata or fix `text:`", path=("text",))
            continue
        if data["id"] in sources:
            problems.add(path, f"duplicate source id {data['id']!r}", "give each source its own id",
                         path=("id",))
            continue
        if not _readable_text(text_path, problems):
            continue
        year = data.get("year")
        sources[data["id"]] = Source(
            id=data["id"], text_path=text_path, type=data["type"], title=data.get("title"),
            authors=list(data.get("authors") or []), year=str(year) if year else None,
            publisher=data.get("publisher"), language=data.get("language", "nl"),
            description=data.get("description") or {},
            notes=[data[k] if isinstance(data[k], dict) else str(data[k])
                   for k in NOTE_KEYS if data.get(k)],
            path=path, url=data.get("url"), date=str(data["date"]) if data.get("date") else None,
            quotes=data.get("quotes") or "exact", pages=data.get("pages"),
        )
        source = sources[data["id"]]
        _check_public_ids(path, data, source, problems)
        if source.pages is not None and source.pages != source.text.page_count:
            problems.add(path, f"`pages: {source.pages}` but {data['text']} has "
                         f"{source.text.page_count} page(s)", "set `pages:` to the number of "
                         "pages of the text (form feeds start pages)", path=("pages",))
            source.pages = None
        sources[data["id"]].redactions = check_redactions(path, sources[data["id"]],
                                                          data.get("redactions") or [], problems)
    return sources


def _readable_text(path: Path, problems: Problems) -> bool:
    """A source text must be UTF-8 without control characters (form feeds, which start pages,
    are allowed): it is shown on the site and its lines are quoted. A problem with line and
    column when it is not."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        at, what = exc.start, f"not UTF-8 text (byte 0x{data[exc.start]:02x})"
        fix = f"save it as UTF-8 ({yamlio.encoding_hint(data)})"
        text = data[:at].decode("utf-8", "replace")
        at = len(text)
    else:
        text = text.replace("\r\n", "\n").replace("\r", "\n")  # as Path.read_text reads it
        at = yamlio.bad_character(text.replace("\f", "\n"))  # a form feed starts a page
        if at is None:
            return True
        what = f"control character U+{ord(text[at]):04X} in the source text"
        fix = "delete it (it is invisible in most editors)"
    problems.add(path, what, fix)
    problems.items[-1].line = text.count("\n", 0, at) + 1
    problems.items[-1].column = at - (text.rfind("\n", 0, at) + 1) + 1
    return False
