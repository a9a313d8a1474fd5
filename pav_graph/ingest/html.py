"""HTML → stored text, with trafilatura for the main text and the page's metadata.

Why trafilatura: it is the best-kept open extractor of an article's main text (it drops
navigation, cookie banners, footers and related-article lists) and reads title, author,
publication date, canonical URL and site name from the page's own metadata (``<meta>``,
OpenGraph, JSON-LD) in the same pass; its date extraction is htmldate.

Before extraction, ``<sup>`` elements holding digits (footnote and reference markers) are
written as superscript digits, so the matcher can let a quote leave them out. The main text
comes out one paragraph per line; each paragraph is wrapped at :data:`WIDTH` characters (only at
spaces: no word is broken) and paragraphs are separated by a blank line, so locators stay short.
A web page has no pages.
"""

from __future__ import annotations

import codecs
import re
import textwrap
from pathlib import Path

from pav_graph.ingest.errors import IngestError
from pav_graph.ingest.match import TO_SUPERSCRIPT

WIDTH = 100
MIN_MAIN_TEXT = 200  # characters; less than this is not an article's text
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)


def decode_html(data: bytes, path: Path, encoding: str | None) -> str:
    """The page as text: the given encoding, else its BOM, else its ``<meta charset>``, else
    UTF-8; a page that is none of these is refused with a guess of its encoding."""
    from pav_graph.ingest.text import decode_or_refuse

    if encoding:
        return decode_or_refuse(data, path, encoding)
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_or_refuse(data, path, None)
    m = _META_CHARSET.search(data[:4096])
    if m:
        declared = m.group(1).decode("ascii")
        try:
            codecs.lookup(declared)
        except LookupError:
            raise IngestError(f"{path}: the page declares an unknown charset {declared!r}",
                              "pass --encoding with the real one (e.g. windows-1252)") from None
        return decode_or_refuse(data, path, declared, declared=True)
    return decode_or_refuse(data, path, None)


def read_html(data: bytes, path: Path, encoding: str | None = None) -> tuple[list[str], dict]:
    """(lines of the main text, metadata the page states)."""
    import lxml.html
    import trafilatura

    text = decode_html(data, path, encoding)
    try:
        tree = lxml.html.fromstring(text.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (ValueError, lxml.etree.ParserError) as exc:
        raise IngestError(f"{path}: not readable as HTML ({exc})",
                          "save the page again as HTML, or give its text as a .txt file") from None
    for sup in tree.iter("sup"):
        marker = (sup.text_content() or "").strip()
        if re.fullmatch(r"[\d,–-]+", marker) and len(sup) <= 1:
            for child in list(sup):
                sup.remove(child)
            sup.text = marker.translate(TO_SUPERSCRIPT)
    doc = trafilatura.bare_extraction(tree, with_metadata=True, include_comments=False,
                                      include_tables=True, favor_precision=True)
    body = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if len(body) < MIN_MAIN_TEXT:
        raise IngestError(f"{path}: no main text found ({len(body)} characters of article text; "
                          "a page of links or navigation, or one that loads its text with "
                          "JavaScript?)", "save the article's own page after it has loaded "
                          "(browser: Save as → Web page, HTML only), or give the text as a .txt file")
    lines: list[str] = []
    for paragraph in body.split("\n"):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        if lines:
            lines.append("")
        lines += textwrap.wrap(paragraph, WIDTH, break_long_words=False, break_on_hyphens=False)
    meta: dict[str, object] = {}
    for key, field in (("title", "title"), ("date", "date"), ("url", "url"),
                       ("publisher", "sitename")):
        value = getattr(doc, field, None)
        if value:
            meta[key] = str(value).strip()
    author = getattr(doc, "author", None)
    if author:
        meta["authors"] = [a.strip() for a in re.split(r"\s*;\s*", author) if a.strip()]
    return lines, meta
