"""Sources as people have them — a PDF, a web page, a text file — turned into a stored text
and the metadata the document states. ``pav-graph source add`` is the command; this package
does the reading and never writes anything.

Entry point
-----------
``ingest(path, fmt=None, encoding=None, max_bytes=MAX_BYTES) -> Ingested``: the format is
taken from the file's first bytes (``%PDF-``, an HTML tag, else text) unless ``fmt`` says
``pdf``/``html``/``text``. Readers: :mod:`.pdf` (pypdfium2), :mod:`.html` (trafilatura),
:mod:`.text`. Anything that cannot be read raises :class:`IngestError` with a one-line message
and its fix: an encrypted, damaged or text-less (scanned) PDF, an HTML page without a main text,
a file over the size limit, a text in an undeclared encoding.

The stored text (``sources/texts/<id>.txt``)
--------------------------------------------
What quotes are checked against, and what later tools (suggestions, search) read:

- UTF-8, LF line ends, ending in one newline; never edited after registration (read-only),
  because every quote's locator depends on it.
- **Lines** are numbered from 1 at the top of the file; a PDF keeps its lines as laid out
  (hyphens at line ends, ligature characters and headers/footers as they stand), an HTML page
  has one paragraph per block of lines wrapped at 100 characters with a blank line between
  paragraphs, a text file is kept as given.
- **Pages**: a line that starts with a form feed (``\\f``) starts the next page; page 1 starts
  at line 1. An empty page is a line holding only ``\\f``. The metadata file records the page
  count (``pages: N``) and, only for such sources, evidence may say ``page: P`` with ``lines``
  counted from the top of page P (``lines`` may run on past its end, for a quote that continues
  on the next page).
- **Footnote markers** are superscript digits (¹²³…), as the PDF sets them (small, raised) or
  the HTML marks them (``<sup>``).

Python access (:class:`pav_graph.sourcetext.SourceText`, ``source.text`` of a loaded source):
``lines`` (list of str; ``lines[n - 1]`` is line n), ``page_starts`` / ``page_count``,
``page_of(line) -> (page, line in page)``, ``global_line(page, line)``, ``find(quote)`` (exact
places) and ``match(quote, normalised) -> QuoteMatch`` (``places``, ``exact``, ``rules``: see
:mod:`.match` for the normalisation rules and when they apply).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pav_graph.ingest.errors import IngestError

MAX_BYTES = 50 * 1024 * 1024
FORMATS = ("pdf", "html", "text")
METADATA = ("title", "authors", "date", "url", "publisher")

__all__ = ["FORMATS", "MAX_BYTES", "METADATA", "IngestError", "Ingested", "ingest", "render_pages"]


@dataclass
class Ingested:
    """A document read into a stored text: ``text`` (the format above), its ``pages`` as line
    lists, the ``metadata`` the document itself states (keys of :data:`METADATA`, only those
    found), where each came from (``found_in``) and ``warnings`` (e.g. pages without text)."""

    path: Path
    format: str
    pages: list[list[str]]
    metadata: dict[str, object] = field(default_factory=dict)
    found_in: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return render_pages(self.pages)

    @property
    def paged(self) -> bool:
        """Whether evidence may cite pages (a PDF, or a text with page breaks)."""
        return self.format == "pdf" or len(self.pages) > 1

    @property
    def line_count(self) -> int:
        return sum(max(1, len(p)) for p in self.pages)


def render_pages(pages: list[list[str]]) -> str:
    """The stored text of ``pages``: each page's lines, a form feed before every page but the
    first, one newline at the end."""
    return "".join(("\f" if i else "") + "\n".join(lines) + "\n" for i, lines in enumerate(pages))


def detect_format(data: bytes, path: Path) -> str:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"%pdf-" in data[:1024]:
        return "pdf"
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in head or (
            path.suffix.lower() in (".html", ".htm", ".xhtml") and b"<" in head[:1]):
        return "html"
    if path.suffix.lower() == ".pdf":
        return "pdf"  # refused by the reader as "not a readable PDF"
    if data.startswith(b"PK\x03\x04"):
        raise IngestError(f"{path}: a ZIP container (Word, OpenDocument, EPUB?), not a PDF, "
                          "HTML or text file", "export it as PDF, or save its text as .txt")
    return "text"


def ingest(path: Path, fmt: str | None = None, encoding: str | None = None,
           max_bytes: int = MAX_BYTES) -> Ingested:
    """Read ``path`` into a stored text and its metadata (see the module docstring)."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise IngestError(f"{path}: {size / 2**20:.0f} MB is over the limit of "
                              f"{max_bytes / 2**20:.0f} MB",
                              "give the text of the report (e.g. `pdftotext in.pdf out.txt`), "
                              "or raise the limit with --max-mb if the file really is one document")
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"{path}: cannot read ({exc.strerror})", "check the path") from None
    if not data.strip():
        raise IngestError(f"{path}: the file is empty", "give the document itself")
    fmt = fmt or detect_format(data, path)
    if fmt == "pdf":
        from pav_graph.ingest.pdf import read_pdf

        pdf = read_pdf(path)
        meta = dict(pdf.metadata)
        date_from = meta.pop("date_from", None)
        found = {k: "the PDF's document information" for k in meta}
        if date_from:
            found["date"] = str(date_from)
        warnings = []
        if pdf.empty_pages:
            shown = ", ".join(map(str, pdf.empty_pages[:10])) + (" …" if len(pdf.empty_pages) > 10 else "")
            warnings.append(f"{len(pdf.empty_pages)} page(s) have no text layer (images only: "
                            f"{shown}); quotes from them cannot be checked — no OCR is done")
        return Ingested(path, "pdf", pdf.pages, meta, found, warnings)
    if fmt == "html":
        from pav_graph.ingest.html import read_html

        lines, meta = read_html(data, path, encoding)
        return Ingested(path, "html", [lines], meta, {k: "the page's metadata" for k in meta})
    from pav_graph.ingest.text import read_text

    return Ingested(path, "text", read_text(data, path, encoding))
