"""Locators on a stored text: ``lines`` alone (counted from the top of the file) or, for a
source with pages (``pages: N`` in its metadata), ``page`` + ``lines`` counted from the top of
that page. The validator and the contributor commands convert with these two functions, so the
model and the graph always carry file lines (and the page for display).

``source`` is a :class:`pav_graph.model.Source` (its ``pages`` and ``text``).
"""

from __future__ import annotations


def is_paged(source) -> bool:
    return getattr(source, "pages", None) is not None


def file_lines(source, lines: tuple[int, int], page) -> tuple[tuple[int, int] | None, str | None]:
    """The file lines of a locator, or (None, what is wrong with the page).

    Without ``page``, or for a source without pages (where ``page`` is only the printed page
    number of the original, for the reader), ``lines`` are file lines already."""
    if page is None or not is_paged(source):
        return lines, None
    try:
        number = int(str(page).strip())
    except ValueError:
        return None, f"page {page!r} is not a page number of {source.id!r} (it has pages 1-{source.text.page_count})"
    first = source.text.global_line(number, lines[0])
    last = source.text.global_line(number, lines[1])
    if first is None or last is None:
        count = source.text.page_count
        if not 1 <= number <= count:
            return None, f"page {number} does not exist in {source.id!r} (pages 1-{count})"
        return None, f"lines {lines[0]}-{lines[1]} run past the end of {source.id!r}"
    start, end = source.text.page_starts[number - 1], None
    if number < source.text.page_count:
        end = source.text.page_starts[number] - 1
    if end is not None and first > max(end, start):
        return None, (f"page {number} of {source.id!r} has {end - start + 1} line(s); line "
                      f"{lines[0]} is not on it")
    return (first, last), None


def page_locator(source, first: int, last: int) -> tuple[int | None, int, int]:
    """(page, first, last) to write for file lines ``first``-``last``: page-relative on a
    source with pages (the page where the quote starts), else (None, first, last)."""
    if not is_paged(source):
        return None, first, last
    page, rel = source.text.page_of(first)
    return page, rel, rel + (last - first)


def locator_fix(source, places: list[tuple[int, int]], page) -> str:
    """'the quote stands at …: set …' for a locator that does not fit (file lines, or page and
    lines within it when the evidence cites a page of a source with pages)."""
    def span(a: int, b: int) -> str:
        return f"{a}-{b}" if a != b else str(a)

    if page is None or not is_paged(source):
        found = ", ".join(span(a, b) for a, b in places[:3])
        return f"the quote stands at line(s) {found}: set `lines: {found.split(',')[0]}`"
    cited = [page_locator(source, a, b) for a, b in places[:3]]
    found = "; ".join(f"page {p}, line(s) {span(a, b)}" for p, a, b in cited)
    p, a, b = cited[0]
    return f"the quote stands at {found}: set `page: {p}` and `lines: {span(a, b)}`"
