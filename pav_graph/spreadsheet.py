"""CSV meant for spreadsheets: no cell may run as a formula.

A spreadsheet program runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or
carriage return before one) as a formula: ``=HYPERLINK("http://…","klik")`` in a quote becomes
a link, ``-2+3+cmd|' /C calc'!A0`` once started programs through DDE. Case files are written by
contributors, so the CSV files pav-graph writes for people (``export --format csv``,
``query --format csv``) follow OWASP's guidance on CSV injection:

* a cell that starts with one of those characters (or their full-width forms, which some
  spreadsheets also read as formulas) gets a ``'`` in front, so the spreadsheet shows text;
* so does each piece of a cell after a ``;``, ``,`` or line break: a Dutch spreadsheet that
  opens a comma-separated file splits it on ``;`` (and the quoting then no longer lines up),
  so a piece of a cell can become a cell of its own;
* every cell is quoted (what a spreadsheet reading the right delimiter needs);
* a plain number (``-2``, ``+3.5``) is left as it is: it is not a formula.

:func:`original` gives the exact text back (it drops the one ``'`` that was added). The SPARQL endpoint's ``text/csv`` is not changed: the
W3C SPARQL 1.1 CSV results format is exact by definition, and the clients reading it are
programs, not spreadsheets.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

FORMULA_START = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")
# where a spreadsheet may start a new cell inside ours: a Dutch spreadsheet opening a
# comma-separated file splits on ";" (and quoting then no longer lines up), and a line break
SEPARATORS = re.compile(r"([;,\n])")


def _needs_mark(piece: str) -> bool:
    if not piece:
        return False
    if piece[0] == "'":  # "'=x" gets a second mark, so that :func:`original` is exact
        return _needs_mark(piece[1:])
    bare = piece.lstrip('"')  # a field that starts with quotes is read from after them
    return bool(bare) and bare[0] in FORMULA_START and not _NUMBER.fullmatch(piece)


def cell(value: str) -> str:
    """``value`` as a spreadsheet shows it as text: a ``'`` before every piece that could
    start a cell (the value, and what follows a ``;``, ``,`` or line break in it) and would run
    as a formula there."""
    return "".join("'" + piece if i % 2 == 0 and _needs_mark(piece) else piece
                   for i, piece in enumerate(SEPARATORS.split(value)))


def original(value: str) -> str:
    """The text :func:`cell` was given: ``original(cell(v)) == v`` for every ``v``."""
    return "".join(piece[1:] if i % 2 == 0 and piece[:1] == "'" and _needs_mark(piece[1:])
                   else piece for i, piece in enumerate(SEPARATORS.split(value)))


def csv_bytes(columns: list[str], rows: Iterable[dict[str, str]]) -> bytes:
    """A CSV file for spreadsheets: UTF-8 with a byte-order mark (so Excel reads ``ë`` right),
    CRLF line ends, every cell quoted and neutralised by :func:`cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([cell(c) for c in columns])
    for row in rows:
        writer.writerow([cell(row.get(c) or "") for c in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
