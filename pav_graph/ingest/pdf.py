"""PDF → stored text with pages, with pypdfium2 (PDFium, the PDF engine of Chromium).

Why PDFium and not pdfplumber: Chrome's PDF viewer is PDFium, so the text stored here is the
text a reader gets when copying from the most common viewer; it reads the characters in the
document's content order, which for the usual one- and two-column reports is the reading order
(pdfplumber/pdfminer group characters by height on the page and run two columns together line
by line unless each column is cropped by hand); it is a C++ library heavily fuzzed against
malformed files, with wheels for every platform and no Python dependencies, and it is an order
of magnitude faster.

What is taken from PDFium and what is done here:

- characters in content order, with PDFium's generated spaces; lines are found here from the
  characters' baselines (PDFium joins a line that ends in a hyphen with the next one, and
  breaks a line at a raised footnote marker: neither is what the reader sees);
- digits set smaller and raised above the line's baseline are footnote markers and are written
  as superscript digits (¹²³), so the matcher can let a quote leave them out;
- everything else — hyphens at line ends, ligature characters, page headers and footers,
  footnote texts at the bottom of a page — is kept as it stands.

No OCR: a page without a text layer contributes nothing, and a document without any text is
refused with a message saying so.
"""

from __future__ import annotations

import ctypes
import re
import statistics
from dataclasses import dataclass
from pathlib import Path

from pav_graph.ingest.errors import IngestError
from pav_graph.ingest.match import TO_SUPERSCRIPT

SUPERSCRIPT_SIZE = 0.85  # a footnote marker is at most this share of the line's font size …
SUPERSCRIPT_RISE = 0.15  # … and its baseline at least this share above the line's
UNREADABLE_SHARE = 0.2  # more than this share of replacement / private-use characters: garbled


@dataclass
class _Char:
    ch: str
    size: float = 0.0
    x: float = 0.0  # left edge
    right: float = 0.0
    y: float = 0.0  # baseline (origin)
    generated: bool = False


@dataclass
class PdfText:
    pages: list[list[str]]  # the lines of each page
    metadata: dict[str, object]
    empty_pages: list[int]  # 1-based pages without a text layer


def read_pdf(path: Path) -> PdfText:
    """The text of every page and the document's own metadata; IngestError for a PDF that is
    encrypted, damaged or has no text layer."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise _open_error(path, str(exc)) from None
    try:
        pages, empty = [], []
        for number in range(len(doc)):
            try:
                lines = _page_lines(doc[number])
            except pdfium.PdfiumError as exc:
                raise IngestError(f"{path}: page {number + 1} cannot be read ({exc})",
                                  "the PDF is damaged; save it again from its source or "
                                  "another viewer") from None
            if not any(line.strip() for line in lines):
                empty.append(number + 1)
            pages.append(lines)
        metadata = _metadata(doc.get_metadata_dict(skip_empty=True))
    finally:
        doc.close()
    if not pages or len(empty) == len(pages):
        raise IngestError(f"{path}: no text layer on any of its {len(pages)} page(s) "
                          "(a scanned PDF?)", "pav-graph does no OCR: run OCR first (e.g. "
                          "`ocrmypdf in.pdf out.pdf`) and add the result, or give the text "
                          "as a .txt file")
    chars = "".join("".join(lines) for lines in pages)
    visible = [c for c in chars if not c.isspace()]
    bad = sum(c == "\ufffd" or "\ue000" <= c <= "\uf8ff" for c in visible)
    if visible and bad / len(visible) > UNREADABLE_SHARE:
        raise IngestError(f"{path}: the text layer is unreadable ({bad} of {len(visible)} "
                          "characters have no Unicode meaning: fonts without a text mapping)",
                          "run OCR on the PDF (e.g. `ocrmypdf --force-ocr`) or give the text as "
                          "a .txt file")
    return PdfText(pages, metadata, empty)


def _open_error(path: Path, message: str) -> IngestError:
    if "password" in message.lower() or "security" in message.lower():
        return IngestError(f"{path}: the PDF is encrypted and needs a password",
                           "save an unprotected copy (e.g. `qpdf --decrypt --password=... in.pdf "
                           "out.pdf`) and add that")
    return IngestError(f"{path}: not a readable PDF ({message.split('(')[-1].rstrip(')')})",
                       "the file is damaged or not a PDF; download or export it again")


def _page_lines(page) -> list[str]:
    from pypdfium2 import raw

    textpage = page.get_textpage()
    chars: list[_Char] = []
    try:
        handle = textpage.raw
        x, y = ctypes.c_double(), ctypes.c_double()
        px, py = ctypes.byref(x), ctypes.byref(y)
        unicode, size_of, origin = (raw.FPDFText_GetUnicode, raw.FPDFText_GetFontSize,
                                    raw.FPDFText_GetCharOrigin)
        for i in range(textpage.count_chars()):
            code = unicode(handle, i)
            if code in (13, 10):  # PDFium's line breaks: a weak break, lines come from geometry
                chars.append(_Char("\n", generated=True))
                continue
            if code == 32 or code == 0:  # spaces, PDFium's generated ones included
                chars.append(_Char(" ", generated=True))
                continue
            ch = "-" if code == 2 else chr(code)  # 2: PDFium's mark for a hyphen at a line end
            if code < 32 and ch != "-":
                continue
            size = size_of(handle, i)
            origin(handle, i, px, py)
            # the right edge is estimated from the font size (a glyph box per character
            # would cost a call each); it only decides whether a space is missing after a
            # line break PDFium saw inside what is one line here
            chars.append(_Char(ch, size, x.value, x.value + 0.5 * size, y.value))
    finally:
        textpage.close()
        page.close()
    return [_render(line) for line in _lines(chars)]


def _lines(chars: list[_Char]) -> list[list[_Char]]:
    """Group characters (in content order) into lines by their baselines.

    A character continues the current line when it stands on the line's baseline, or is a
    small raised character (a footnote marker) right after it, or the line so far holds only
    such small characters and this one is the text they are raised above; anything else starts
    a new line. PDFium's own line breaks are not used: it joins a line ending in a hyphen with
    the next one, and breaks a line at a raised footnote marker."""
    lines: list[list[_Char]] = []
    current: list[_Char] = []
    base = size = last_right = 0.0
    broke = False  # PDFium saw a line break since the last character
    for c in chars:
        if c.ch == "\n":
            broke = True
            continue
        if c.generated or c.ch.isspace():
            if current and not current[-1].ch.isspace():
                current.append(_Char(" ", generated=True))
            continue
        if current:
            dy = c.y - base
            prev = current[-1] if not current[-1].generated else current[-2]
            # onward: not back past the previous character (a ligature PDFium splits into
            # its letters repeats the glyph's box for each)
            onward = c.x >= prev.x - 0.1 * max(size, c.size)
            if onward and abs(dy) <= 0.35 * max(size, c.size):
                pass  # same baseline
            elif onward and c.size <= SUPERSCRIPT_SIZE * size and 0 < dy < size:
                pass  # a footnote marker raised above the line
            elif onward and size <= SUPERSCRIPT_SIZE * c.size and -c.size < dy < 0:
                base, size = c.y, c.size  # the line began with a raised marker
            else:
                lines.append(current)
                current = []
            if (current and broke and not current[-1].ch.isspace()
                    and c.x - last_right > 0.25 * max(size, c.size)):
                current.append(_Char(" ", generated=True))
        if not current:
            base, size = c.y, c.size
        elif c.size > size and abs(c.y - base) <= 0.35 * c.size:
            size = c.size
        current.append(c)
        last_right = c.right
        broke = False
    if current:
        lines.append(current)
    return lines


def _body(line: list[_Char]) -> tuple[float, float]:
    """(font size, baseline) of most of the line's characters."""
    sizes = [round(c.size, 1) for c in line if not c.generated and not c.ch.isspace()]
    if not sizes:
        return 0.0, 0.0
    size = max(set(sizes), key=sizes.count)
    base = statistics.median(c.y for c in line if not c.generated and round(c.size, 1) >= size * 0.95)
    return size, base


def _render(line: list[_Char]) -> str:
    size, base = _body(line)
    out = []
    for c in line:
        if (not c.generated and c.ch.isdigit() and size and c.size <= SUPERSCRIPT_SIZE * size
                and c.y >= base + SUPERSCRIPT_RISE * size):
            out.append(c.ch.translate(TO_SUPERSCRIPT))
        else:
            out.append(c.ch)
    return "".join(out).strip()


_JUNK_TITLE = re.compile(r"(\.(docx?|indd|pdf|odt|pptx?)\s*\Z)|^(microsoft (word|powerpoint) - )|"
                         r"^untitled\Z|^naamloos", re.IGNORECASE)


_JUNK_AUTHOR = re.compile(r"(anonymous|unknown|onbekend|user|admin|administrator|author|"
                          r"gebruiker|auteur)\Z", re.IGNORECASE)


def _metadata(info: dict[str, str]) -> dict[str, object]:
    """Title, authors and date from the PDF's document information, where they are usable."""
    meta: dict[str, object] = {}
    title = (info.get("Title") or "").strip()
    if title and not _JUNK_TITLE.search(title):
        meta["title"] = title
    author = (info.get("Author") or "").strip()
    if author and not _JUNK_AUTHOR.match(author):
        meta["authors"] = [a.strip() for a in re.split(r"\s*;\s*", author) if a.strip()]
    m = re.match(r"D:(\d{4})(\d{2})?(\d{2})?", info.get("CreationDate") or "")
    if m and m.group(1) > "1990":
        meta["date"] = "-".join(g for g in m.groups() if g)
        meta["date_from"] = "the PDF's creation date"
    return meta
