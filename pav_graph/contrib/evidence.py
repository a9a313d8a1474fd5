"""Finding a contributor's quote in a source: the lines (and page) it stands at, whether the
match was exact or needed normalisation rules, or why it is not there."""

from __future__ import annotations

from dataclasses import dataclass

from pav_graph.contrib.errors import ContribError
from pav_graph.ingest.locate import file_lines, is_paged, page_locator
from pav_graph.ingest.match import QuoteMatch
from pav_graph.model import Source
from pav_graph.sourcetext import normalise, parse_lines


@dataclass
class Located:
    """Where a quote stands: file lines ``first``-``last``; for a source with pages also the
    ``page`` it starts on and the lines counted within it (what evidence writes); ``match``
    says exact or normalised, and with which rules."""

    first: int
    last: int
    page: int | None
    page_first: int
    page_last: int
    match: QuoteMatch

    @property
    def where(self) -> str:
        """'page 2, lines 5-6' or 'lines 53-54' or 'line 53'."""
        a, b = self.page_first, self.page_last
        lines = f"line {a}" if a == b else f"lines {a}-{b}"
        return f"page {self.page}, {lines}" if self.page is not None else lines


def _spans(source: Source, places: list[tuple[int, int]]) -> str:
    def one(a: int, b: int) -> str:
        p, x, y = page_locator(source, a, b)
        span = f"{x}-{y}" if x != y else str(x)
        return f"p. {p} l. {span}" if p is not None else span
    return ", ".join(one(a, b) for a, b in places[:5])


def locate(source: Source, quote: str, lines: str | None = None,
           page: int | None = None) -> Located:
    """Where ``quote`` stands in ``source``; checks ``lines`` (file lines, or lines within
    ``page`` on a source with pages) when given. Raises with where the quote does stand, or
    with how far it matched."""
    if not normalise(quote):
        raise ContribError("--quote is empty", "copy a passage from the source text", usage=True)
    if page is not None and not is_paged(source):
        raise ContribError(f"--page: source {source.id!r} has no pages",
                           "leave out --page; --lines counts from the top of its text", usage=True)
    found = source.text.match(quote, source.quotes == "normalised")
    places = found.places
    if not places:
        raise ContribError(f"--quote is not in source {source.id!r} ({source.text_path.name})",
                           _near_miss(source, quote))
    if lines is None:
        if page is not None:
            places = [p for p in places if page_locator(source, *p)[0] == page] or places
        if len(places) > 1:
            raise ContribError(f"the quote stands {len(places)} times in {source.id!r} "
                               f"(lines {_spans(source, places)})", "say which with --lines",
                               usage=True)
        return _located(source, places[0], found)
    parsed = parse_lines(lines)
    if parsed is None:
        raise ContribError(f"--lines {lines!r} is not a line number or range",
                           "write e.g. 12 or 12-15 (first ≤ last)", usage=True)
    span, problem = file_lines(source, parsed, page)
    if span is None:
        raise ContribError(f"--page {page} --lines {lines}: {problem}", usage=True)
    inside = [p for p in places if span[0] <= p[0] and p[1] <= span[1]]
    if not inside:
        best = _located(source, places[0], found)
        flag = f"--page {best.page} --lines " if best.page is not None else "--lines "
        where = f"lines {lines}" + (f" of page {page}" if page is not None else "")
        raise ContribError(f"the quote is not within {where} of {source.id!r}",
                           f"it stands at line(s) {_spans(source, places)}: use {flag}"
                           f"{best.page_first if best.page_first == best.page_last else f'{best.page_first}-{best.page_last}'}")
    return _located(source, inside[0], found)


def _located(source: Source, place: tuple[int, int], found: QuoteMatch) -> Located:
    page, a, b = page_locator(source, *place)
    return Located(place[0], place[1], page, a, b, found)


def locate_quote(source: Source, quote: str, lines: str | None) -> tuple[int, int]:
    """The file lines of ``quote`` in ``source`` (see :func:`locate`)."""
    found = locate(source, quote, lines)
    return found.first, found.last


def _near_miss(source: Source, quote: str) -> str:
    """Say how much of the quote does stand in the source, to find the typo."""
    needle = normalise(quote)
    normalised = source.quotes == "normalised"
    lo, hi = 0, len(needle)
    while lo < hi:  # the longest prefix that is found
        mid = (lo + hi + 1) // 2
        if source.text.match(needle[:mid], normalised):
            lo = mid
        else:
            hi = mid - 1
    rules = ("; ligatures, soft hyphens, hyphens at line ends and footnote markers are forgiven"
             if normalised else "")
    if lo >= 15:
        at = source.text.match(needle[:lo], normalised).places[0]
        return (f"its first {lo} characters stand at line {at[0]}, then it differs: "
                f"…{needle[max(0, lo - 25):lo]}⟨here⟩{needle[lo:lo + 15]}… — copy it verbatim "
                f"(only whitespace may differ{rules})")
    return (f"copy the passage verbatim from sources/texts/{source.text_path.name} "
            f"(only whitespace may differ{rules})")


def evidence_item(source_id: str, found: Located, quote: str):
    """The evidence mapping to write: source, (page,) lines, quote — the quote as given."""
    from pav_graph import casefile

    item = casefile.evidence_item(source_id, found.page_first, found.page_last, quote)
    if found.page is not None:
        item.insert(1, "page", found.page)
    return item
