"""A source text cut into passages a claim can quote: sentences, with their file lines.

The stored text (:mod:`pav_graph.ingest`) has hard line breaks, page breaks and — in the PDF
extractions — blank lines and tabs between words. A passage is read from the text with every
run of whitespace collapsed to one space, which is exactly the comparison the quote checker
makes, so a passage's ``quote`` always verifies. Sentences end at ``.``, ``!`` or ``?`` (with
any closing quote marks, brackets and footnote markers) before a capital, a digit or an opening
quote mark; a "sentence" longer than :data:`MAX_WORDS` words (a table, a list without full
stops) is cut at ``;`` or ``:`` and otherwise into windows of :data:`WINDOW` words, so no
suggestion asks the contributor to quote half a page. Lines a source's metadata blanks for
privacy (acknowledgements, respondent tables) never become passages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pav_graph.sourcetext import collapsed

MAX_WORDS = 70
WINDOW = 45
MIN_LETTERS = 12  # shorter passages (page numbers, headings of one word) are not suggested

_END = re.compile(r"[.!?]+[\"”’'»)\]]*(?: ?[⁰¹²³⁴⁵⁶⁷⁸⁹]+|[0-9]+)*\s+(?=[A-ZÀ-Ý\"“‘'«(0-9•–-])")
_CLAUSE = re.compile(r"[;:]\s+")


@dataclass(frozen=True)
class Passage:
    index: int
    first: int  # file line where it starts (1-based)
    last: int  # file line where it ends
    quote: str  # the passage, whitespace collapsed: verbatim for the quote checker

    @property
    def lines(self) -> str:
        return f"{self.first}-{self.last}" if self.first != self.last else str(self.first)


def _spans(text: str) -> list[tuple[int, int]]:
    """Sentence spans of the collapsed text, long ones cut into clauses or windows."""
    spans, start = [], 0
    for m in _END.finditer(text):
        spans.append((start, m.end() - 1))  # without the trailing space
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    out: list[tuple[int, int]] = []
    for a, b in spans:
        out += _cut(text, a, b)
    return out


def _cut(text: str, a: int, b: int) -> list[tuple[int, int]]:
    if len(text[a:b].split()) <= MAX_WORDS:
        return [(a, b)]
    parts, start = [], a
    for m in _CLAUSE.finditer(text, a, b):
        parts.append((start, m.end() - 1))
        start = m.end()
    parts.append((start, b))
    if len(parts) > 1:
        return [p for part in parts for p in _cut(text, *part)] if any(
            len(text[x:y].split()) > MAX_WORDS for x, y in parts) else parts
    out, pos = [], a  # no clause breaks: windows of WINDOW words
    spaces = [m.start() for m in re.finditer(" ", text[a:b])]
    for k in range(WINDOW, len(spaces) + 1, WINDOW):
        cut = a + spaces[k - 1]
        if b - cut < 40:
            break
        out.append((pos, cut))
        pos = cut + 1
    out.append((pos, b))
    return out


def passages(source) -> list[Passage]:
    """The passages of a :class:`pav_graph.model.Source` (its text and redactions)."""
    lines = source.text.lines
    text, line_of = collapsed(lines)
    blanked = [r for r in getattr(source, "redactions", []) or [] if r.blanks_lines]
    out: list[Passage] = []
    for a, b in _spans(text):
        quote = text[a:b].strip()
        if not quote:
            continue
        a = text.index(quote, a)
        first, last = line_of[a], line_of[a + len(quote) - 1]
        if sum(ch.isalpha() for ch in quote) < MIN_LETTERS:
            continue
        if any(r.overlaps(first, last) for r in blanked):
            continue
        out.append(Passage(len(out), first, last, quote))
    return out
