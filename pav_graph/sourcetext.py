"""Source texts and verbatim quote lookup.

The source texts are PDF extractions with hard line wraps, blank lines and tabs between words.
A quote is compared with the text after collapsing every run of whitespace to one space — and
nothing else is loosened (no case folding, no quote-mark or hyphen normalisation), so a quote
that passes is verbatim. Sources registered with ``quotes: normalised`` may in addition be
matched under the documented rules of :mod:`pav_graph.ingest.match` (ligatures, soft hyphens,
hyphenation at line ends, footnote markers); :meth:`SourceText.match` says which were needed.

A stored text may have pages: a line that starts with a form feed (``\f``) starts a new page
(the format is described in :mod:`pav_graph.ingest`). Line numbers are always counted from the
top of the file; :meth:`SourceText.page_of` and :meth:`SourceText.global_line` convert to and
from lines within a page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pav_graph.ingest.match import NormalisedIndex, QuoteMatch

_WS = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Collapse runs of whitespace to one space and strip the ends."""
    return _WS.sub(" ", text).strip()


@dataclass
class SourceText:
    """The text of one source, with a normalised copy that maps back to line numbers."""

    path: Path

    @cached_property
    def raw(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @cached_property
    def lines(self) -> list[str]:
        return self.raw.split("\n")

    @cached_property
    def _index(self) -> tuple[str, list[int]]:
        """The normalised text and, for each of its characters, the 1-based source line."""
        return collapsed(self.lines)

    def find(self, quote: str) -> list[tuple[int, int]]:
        """All places of ``quote`` as (first line, last line), 1-based and inclusive."""
        text, line_of = self._index
        needle = normalise(quote)
        if not needle:
            return []
        found = []
        start = text.find(needle)
        while start != -1:
            found.append((line_of[start], line_of[start + len(needle) - 1]))
            start = text.find(needle, start + 1)
        return found

    def match(self, quote: str, normalised: bool = False) -> QuoteMatch:
        """Where ``quote`` stands: exactly (whitespace only) or, when ``normalised`` and there
        is no exact match, under the rules of :mod:`pav_graph.ingest.match`."""
        places = self.find(quote)
        if places or not normalised:
            return QuoteMatch(places, True, ())
        return self._normalised.search(quote)

    @cached_property
    def _normalised(self) -> NormalisedIndex:
        return NormalisedIndex.build(self.lines)

    @cached_property
    def page_starts(self) -> list[int]:
        """The first line of each page, 1-based; ``[1]`` for a text without page breaks.
        An empty page (two form feeds in a row) starts where the next one does."""
        starts = [1]
        for lineno, line in enumerate(self.lines, start=1):
            k = len(line) - len(line.lstrip("\f"))
            starts += [lineno] * k
        return starts

    @property
    def page_count(self) -> int:
        return len(self.page_starts)

    def page_of(self, line: int) -> tuple[int, int]:
        """(page, line within that page) of a line of the file."""
        import bisect

        page = bisect.bisect_right(self.page_starts, line)
        return page, line - self.page_starts[page - 1] + 1

    def global_line(self, page: int, line: int) -> int | None:
        """The file line of ``line`` of ``page`` (may run on into the next pages, so a quote
        that starts on a page can end on the next); None when the page does not exist or the
        line lies beyond the end of the text."""
        if not 1 <= page <= self.page_count or line < 1:
            return None
        n = self.page_starts[page - 1] + line - 1
        return n if n <= len(self.lines) else None

    def fits(self, locator: tuple[int, int], place: tuple[int, int]) -> bool:
        """A locator fits a place when it spans it with nothing but blank lines around it."""
        (a, b), (first, last) = locator, place
        if not (a <= first and last <= b):
            return False
        # lines past the end of the text count as blank; only lines of the text are read, so a
        # locator like 1-999999999999 costs no more than the text is long
        end = len(self.lines)
        spare = [*range(max(a, 1), min(first, end + 1)), *range(last + 1, min(b, end) + 1)]
        return all(not self.lines[n - 1].strip() for n in spare)

    def excerpt(self, first: int, last: int) -> str:
        """The normalised text of lines ``first``..``last`` (for showing a quote in context)."""
        return normalise(" ".join(self.lines[first - 1 : last]))


def collapsed(lines: list[str]) -> tuple[str, list[int]]:
    """The text of ``lines`` with every whitespace run (line ends included) collapsed to one
    space and no leading space, and, for each of its characters, the 1-based line it comes from.

    Quotes are matched in this text (a quote may run over line ends) and mapped back to lines
    with the second list; suggestions cut their passages from it the same way."""
    chars: list[str] = []
    line_of: list[int] = []
    pending_space = False
    for lineno, line in enumerate(lines, start=1):
        for ch in line + "\n":
            if ch.isspace():
                pending_space = bool(chars)
                continue
            if pending_space:
                chars.append(" ")
                line_of.append(lineno)
                pending_space = False
            chars.append(ch)
            line_of.append(lineno)
    return "".join(chars), line_of


def parse_lines(value: object) -> tuple[int, int] | None:
    """Parse a locator like ``12``, ``"12"`` or ``"12-15"`` into (first, last); None if invalid."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return (value, value) if value > 0 else None
    if isinstance(value, str):
        m = re.fullmatch(r"\s*(\d+)\s*(?:[-–]\s*(\d+)\s*)?", value)
        if m:
            first = int(m.group(1))
            last = int(m.group(2) or first)
            if 0 < first <= last:
                return first, last
    return None
