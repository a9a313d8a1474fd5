"""Safe automatic fixes of case and concept files (``pav-graph validate --fix-locators``).

Only values a problem marks with a ``replacement`` are touched, each by rewriting that one
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


def apply(problems: list[Problem]) -> dict[Path, int]:
    """Apply every fix that has a replacement; returns the number of fixes per file."""
    by_file: dict[Path, list[Problem]] = defaultdict(list)
    for p in problems:
        if p.replacement is not None and p.path:
            by_file[p.file].append(p)
    done: dict[Path, int] = {}
    for path, items in by_file.items():
        lines = read_text(path).split("\n")
        count = 0
        for p in items:
            pos = locate(path, p.path)
            if pos is None:
                continue
            row, col = pos[0] - 1, pos[1] - 1
            line = lines[row]
            m = _SCALAR.match(line, col)
            if not m:
                continue
            old = m.group(1)
            new = f'"{p.replacement}"' if old.startswith('"') else p.replacement
            lines[row] = line[: m.start()] + new + line[m.end():]
            count += 1
        if count:
            write_text(path, "\n".join(lines))
            done[path] = count
    return done
