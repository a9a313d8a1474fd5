"""Safe automatic fixes of case and concept files (``pav-graph validate --fix``, ``--fix-locators``).

Only values a problem marks with a ``replacement`` are touched (a line locator that misses its
quote; a deprecated concept id, replaced by the id it was merged into or renamed to), each by rewriting that one
scalar on its line, so comments, order and formatting of the file stay exactly as they were.
Each file is rewritten atomically.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from pav_graph.atomic import write_text
from pav_graph.problems import Problem
from pav_graph.yamlio import locate, read_text

_SCALAR = re.compile(r"""("[^"\n]*"|'[^'\n]*'|[^\s,}\]#]+)""")


def apply(problems: list[Problem], kinds: tuple[str, ...] = ("locator", "rename")) -> dict[Path, int]:
    """Apply every fix of the given ``kinds`` that has a replacement ("locator": a line range
    that misses its quote; "rename": a deprecated concept id, replaced by its successor);
    returns the number of fixes per file."""
    by_file: dict[Path, list[Problem]] = defaultdict(list)
    for p in problems:
        if p.replacement is not None and p.path and p.fix_kind in kinds:
            by_file[p.file].append(p)
    done: dict[Path, int] = {}
    for path, items in by_file.items():
        lines = read_text(path).split("\n")
        places = {pos for pos in (locate(path, p.path) for p in items) if pos is not None}
        new_text = {locate(path, p.path): p.replacement for p in items}
        count = 0
        # right to left, bottom to top: an edit never moves the place of one still to come
        for row, col in sorted(places, reverse=True):
            line = lines[row - 1]
            m = _SCALAR.match(line, col - 1)
            if not m:
                continue
            old = m.group(1)
            replacement = new_text[(row, col)]
            new = f'"{replacement}"' if old.startswith('"') else replacement
            lines[row - 1] = line[: m.start()] + new + line[m.end():]
            count += 1
        if count:
            write_text(path, "\n".join(lines))
            done[path] = count
    return done
