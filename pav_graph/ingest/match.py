"""Finding a quote in a stored text: exactly, or under the documented normalisation rules.

**Exact** (every source): the quote and the text are compared after collapsing each run of
whitespace (spaces, tabs, line breaks, page breaks) to one space — nothing else. This is the
only mode for a source whose metadata does not say ``quotes: normalised`` (the five original
sources), so their check is exactly what it was.

**Normalised** (sources registered with ``pav-graph source add``, ``quotes: normalised``): when
the exact comparison finds nothing, the quote is looked for again with these rules, so that a
quote typed from the PDF as a reader sees it is found. Each rule says what it forgives:

``ligatures``
    ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ (U+FB00–FB06) count as the letters they join (ff, fi, fl, ffi, ffl, st), in
    the text and in the quote.
``soft hyphens``
    soft hyphens (U+00AD) and zero-width characters (U+200B–U+200D, U+2060, U+FEFF) are
    invisible: they are left out of text and quote.
``hyphenation at line ends``
    a hyphen (-, ‐ or a soft hyphen) at the end of a line, between a letter and a letter at the
    start of the next non-blank line of the same page, may be written as it stands
    ("bestuurs- verantwoordelijkheid"), left out ("bestuursverantwoordelijkheid") or kept without
    the space ("Noord-Holland"). Hyphens inside a line are not touched.
``footnote markers``
    superscript digits (⁰–⁹; ``source add`` writes a PDF's raised small digits and an HTML
    page's ``<sup>`` digits this way) may be left out of the quote where they stand before a
    space or punctuation, or typed as ordinary digits.

Nothing else is loosened: letters, case, punctuation, quote marks and digits in the running
text must be as they stand. The result says whether the match was exact and which rules it
needed (:class:`QuoteMatch`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
LINE_END_HYPHENS = "-\u2010\u00ad"
SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹"
TO_SUPERSCRIPT = str.maketrans("0123456789", SUPERSCRIPT)
HY = "\ue000"  # stands for "hyphen + line break" in the normalised index

RULES = ("ligatures", "soft hyphens", "hyphenation at line ends", "footnote markers")
_LIG, _SOFT = 1, 2
_WS = re.compile(r"\s+")
_SUP_CLASS = f"[{SUPERSCRIPT}]"
_MARKERS = f"(?: ?{_SUP_CLASS}+)*"  # footnote markers that the quote may leave out


def collapse(text: str) -> str:
    """Runs of whitespace to one space, ends stripped (the exact comparison)."""
    return _WS.sub(" ", text).strip()


@dataclass
class QuoteMatch:
    """Where a quote stands: ``places`` as (first line, last line), 1-based, inclusive and
    global in the stored text; ``exact`` when whitespace was the only difference; else
    ``rules`` names the normalisation rules the match needed."""

    places: list[tuple[int, int]] = field(default_factory=list)
    exact: bool = True
    rules: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.places)

    @property
    def how(self) -> str:
        """'exact match' or 'normalised match (ligatures, ...)', for messages."""
        return "exact match" if self.exact else f"normalised match ({', '.join(self.rules)})"


def quote_form(quote: str) -> tuple[str, int]:
    """The quote as the normalised matcher reads it, and flags of what that changed."""
    flags = 0
    if any(ch in LIGATURES for ch in quote):
        flags |= _LIG
        quote = "".join(LIGATURES.get(ch, ch) for ch in quote)
    if any(ch in INVISIBLE for ch in quote):
        flags |= _SOFT
        quote = "".join(ch for ch in quote if ch not in INVISIBLE)
    return collapse(quote), flags


@dataclass
class NormalisedIndex:
    """The text with the rules applied, and for each character its line and what changed."""

    text: str
    line_of: list[int]
    flags: list[int]

    @classmethod
    def build(cls, lines: list[str]) -> NormalisedIndex:
        chars: list[str] = []
        line_of: list[int] = []
        flags: list[int] = []
        pending_space = False
        carry = 0  # flags for the next character written (a dropped soft hyphen)
        for lineno, line in enumerate(lines, start=1):
            body = line.rstrip()
            hyphenated = _ends_hyphenated(lines, lineno - 1)
            if hyphenated:
                body = body[:-1]
            if chars and chars[-1] == HY:
                body = body.lstrip()  # the second half of a word broken at the line end
            for ch in body:
                if ch.isspace():
                    pending_space = bool(chars)
                    continue
                if ch in INVISIBLE:
                    carry |= _SOFT
                    continue
                if pending_space:
                    chars.append(" ")
                    line_of.append(lineno)
                    flags.append(0)
                    pending_space = False
                for out in LIGATURES.get(ch, ch):
                    chars.append(out)
                    line_of.append(lineno)
                    flags.append(carry | (_LIG if ch in LIGATURES else 0))
                    carry = 0
            if hyphenated:
                chars.append(HY)
                line_of.append(lineno)
                flags.append(0)
                pending_space = False
            elif chars and chars[-1] != HY:
                pending_space = True
        return cls("".join(chars), line_of, flags)

    def search(self, quote: str) -> QuoteMatch:
        needle, quote_flags = quote_form(quote)
        if not needle:
            return QuoteMatch()
        pattern = re.compile(_pattern(needle))
        places, rules = [], set()
        for m in pattern.finditer(self.text):
            start, end = m.span()
            places.append((self.line_of[start], self.line_of[end - 1]))
            span_flags = quote_flags
            for f in self.flags[start:end]:
                span_flags |= f
            if span_flags & _LIG:
                rules.add("ligatures")
            if span_flags & _SOFT:
                rules.add("soft hyphens")
            if HY in m.group():
                rules.add("hyphenation at line ends")
            if sum(ch in SUPERSCRIPT for ch in m.group()) > sum(ch in SUPERSCRIPT for ch in needle):
                rules.add("footnote markers")
        return QuoteMatch(places, not rules, tuple(r for r in RULES if r in rules))


def _ends_hyphenated(lines: list[str], i: int) -> bool:
    """Line ``i`` (0-based) ends in letter + hyphen and the next non-blank line of the same
    page starts with a letter."""
    body = lines[i].rstrip()
    if len(body) < 2 or body[-1] not in LINE_END_HYPHENS or not body[-2].isalpha():
        return False
    for nxt in lines[i + 1:]:
        if nxt.startswith("\f"):
            return False
        stripped = nxt.strip()
        if stripped:
            return stripped[0].isalpha()
    return False


def _pattern(needle: str) -> str:
    """A regular expression that finds ``needle`` in a :class:`NormalisedIndex` text."""
    parts: list[str] = []
    i, n = 0, len(needle)
    while i < n:
        c = needle[i]
        prev = needle[i - 1] if i else ""
        nxt = needle[i + 1] if i + 1 < n else ""
        if c in "-\u2010" and prev.isalpha() and nxt.isalpha():
            parts.append(f"(?:[-\u2010]|{HY})")  # "Noord-Holland" for "Noord-⏎Holland"
        elif (c in "-\u2010" and prev.isalpha() and nxt == " " and i + 2 < n
              and needle[i + 2].isalpha()):
            parts.append(f"(?:[-\u2010] |{HY})")  # typed as it stands: "bestuurs- lijke"
            i += 2
            continue
        elif c == " ":
            parts.append(_MARKERS + " ")
        elif c in "0123456789":
            parts.append(f"[{c}{c.translate(TO_SUPERSCRIPT)}]")
        else:
            parts.append(re.escape(c))
        if c.isalpha() and nxt.isalpha():
            parts.append(f"{HY}?")  # the word may be broken at a line end here
        elif nxt and nxt != " " and not nxt.isalnum() and not c.isspace():
            parts.append(_MARKERS)  # a marker may stand before punctuation
        i += 1
    return "".join(parts)
