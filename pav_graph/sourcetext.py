"""Source texts and verbatim quote lookup.

The source texts are PDF extractions with hard line wraps, blank lines and tabs between words.
A quote is compared with the text after collapsing every run of whitespace to one space — and
nothing else is loosened (no case folding, no quote-mark or hyphen normalisation), so a quote
that passes is verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

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
        chars: list[str] = []
        line_of: list[int] = []
        pending_space = False
        for lineno, line in enumerate(self.lines, start=1):
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

    def fits(self, locator: tuple[int, int], place: tuple[int, int]) -> bool:
        """A locator fits a place when it spans it with nothing but blank lines around it."""
        (a, b), (first, last) = locator, place
        if not (a <= first and last <= b):
            return False
        spare = list(range(a, first)) + list(range(last + 1, b + 1))
        return all(not self.lines[n - 1].strip() for n in spare if 0 < n <= len(self.lines))

    def excerpt(self, first: int, last: int) -> str:
        """The normalised text of lines ``first``..``last`` (for showing a quote in context)."""
        return normalise(" ".join(self.lines[first - 1 : last]))


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
