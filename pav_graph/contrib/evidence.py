"""Finding a contributor's quote in a source: the lines it stands at, or why it is not there."""

from __future__ import annotations

from pav_graph import casefile
from pav_graph.contrib.errors import ContribError
from pav_graph.model import Source
from pav_graph.sourcetext import normalise, parse_lines


def locate_quote(source: Source, quote: str, lines: str | None) -> tuple[int, int]:
    """The exact lines of ``quote`` in ``source``; checks ``lines`` when given.

    Raises with the lines where the quote does stand, or with how far it matched."""
    if not normalise(quote):
        raise ContribError("--quote is empty", "copy a passage from the source text", usage=True)
    places = source.text.find(quote)
    if not places:
        raise ContribError(f"--quote is not in source {source.id!r} ({source.text_path.name})",
                           _near_miss(source, quote))
    spans = ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in places[:5])
    if lines is None:
        if len(places) > 1:
            raise ContribError(f"the quote stands {len(places)} times in {source.id!r} "
                               f"(lines {spans})", "say which with --lines", usage=True)
        return places[0]
    parsed = parse_lines(lines)
    if parsed is None:
        raise ContribError(f"--lines {lines!r} is not a line number or range",
                           "write e.g. 12 or 12-15 (first ≤ last)", usage=True)
    inside = [p for p in places if parsed[0] <= p[0] and p[1] <= parsed[1]]
    if not inside:
        first = places[0]
        raise ContribError(f"the quote is not within lines {lines} of {source.id!r}",
                           f"it stands at line(s) {spans}: use --lines "
                           f"{casefile.lines_value(*first)}")
    return inside[0]


def _near_miss(source: Source, quote: str) -> str:
    """Say how much of the quote does stand in the source, to find the typo."""
    needle = normalise(quote)
    lo, hi = 0, len(needle)
    while lo < hi:  # the longest prefix that is found
        mid = (lo + hi + 1) // 2
        if source.text.find(needle[:mid]):
            lo = mid
        else:
            hi = mid - 1
    if lo >= 15:
        at = source.text.find(needle[:lo])[0]
        return (f"its first {lo} characters stand at line {at[0]}, then it differs: "
                f"…{needle[max(0, lo - 25):lo]}⟨here⟩{needle[lo:lo + 15]}… — copy it verbatim "
                "(only whitespace may differ)")
    return (f"copy the passage verbatim from sources/texts/{source.text_path.name} "
            "(only whitespace may differ)")

