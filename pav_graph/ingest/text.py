"""Plain text → stored text: decoding, line ends and page breaks.

A text file is stored as it is, decoded to UTF-8 with LF line ends. Form feeds (as
``pdftotext`` writes them between pages) are page breaks: each starts the first line of a page.
A file that is not UTF-8 (and has no BOM) is refused with the place of the first bad byte and
a guess of its encoding; ``--encoding`` reads it as that encoding instead.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from pav_graph.ingest.errors import IngestError


def guess_encoding(data: bytes) -> str | None:
    """The most likely encoding of ``data`` (charset-normalizer), or None."""
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    return best.encoding.replace("_", "-") if best else None


def decode_or_refuse(data: bytes, path: Path, encoding: str | None, declared: bool = False) -> str:
    """``data`` decoded as ``encoding`` (or its BOM, or UTF-8); IngestError with the line of the
    first byte that does not fit and the likely encoding."""
    if encoding is None:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            encoding = "utf-16"
        else:
            encoding = "utf-8-sig"
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise IngestError(f"--encoding {encoding!r} is not an encoding Python knows",
                          "use e.g. utf-8, windows-1252, iso-8859-1, utf-16") from None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        name = "UTF-8" if encoding in ("utf-8", "utf-8-sig") else encoding
        guess = guess_encoding(data)
        from pav_graph.yamlio import encoding_hint

        how = (f"it looks like {guess}: pass --encoding {guess}" if guess and guess not in
               ("utf-8", "ascii") else f"save it as UTF-8 ({encoding_hint(data)})")
        said = " although the page declares it" if declared else ""
        raise IngestError(f"{path}:{line}: not {name} text{said} (byte 0x{data[exc.start]:02x})",
                          how) from None


def normal_text(text: str) -> str:
    """LF line ends, a final newline, every form feed at the start of a line, none at the end."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.rstrip("\f\n") + "\n" if text.strip() else text
    out = []
    for line in text.split("\n"):
        head = len(line) - len(line.lstrip("\f"))
        rest = line[head:]
        if "\f" in rest:  # a page break inside a line: the rest goes on the next page
            parts = rest.split("\f")
            out.append(line[:head] + parts[0])
            out += ["\f" + p for p in parts[1:]]
        else:
            out.append(line)
    return "\n".join(out)


def read_text(data: bytes, path: Path, encoding: str | None = None) -> list[list[str]]:
    """The pages of a text file, each a list of lines (one page when it has no form feeds)."""
    head = data[:8192]
    if encoding is None and b"\x00" in head and not head.startswith(
            (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        odd, even = head[1::2].count(0), head[0::2].count(0)
        if max(odd, even) > 0.3 * len(head) / 2 and min(odd, even) < 0.05 * len(head) / 2:
            order = "le" if odd > even else "be"  # "E\0e\0n\0" is little-endian
            raise IngestError(f"{path}: UTF-16 text without a byte-order mark",
                              f"pass --encoding utf-16-{order}")
    if b"\x00" in head and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) \
            and (encoding or "").lower().replace("_", "-")[:6] not in ("utf-16", "utf-32"):
        raise IngestError(f"{path}: a binary file, not text",
                          "give a PDF, an HTML page or a plain-text (.txt) file")
    text = normal_text(decode_or_refuse(data, path, encoding))
    if not text.strip():
        raise IngestError(f"{path}: the text is empty", "give the plain text of the document")
    pages: list[list[str]] = [[]]
    for line in text.rstrip("\n").split("\n"):
        if line.startswith("\f"):
            k = len(line) - len(line.lstrip("\f"))
            pages += [[] for _ in range(k)]
            line = line[k:]
        pages[-1].append(line)
    return pages
