"""Problems found in user files, reported as ``file:line:column: what — how to fix``.

Validation collects every problem instead of stopping at the first, so a contributor sees all
mistakes of a file in one run. A problem carries the YAML *path* of the offending value; the
line and column are looked up only when the problem is reported (see :mod:`pav_graph.yamlio`).
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

PathItem = str | int


@dataclass
class Problem:
    file: Path
    message: str
    fix: str | None = None
    path: tuple[PathItem, ...] = ()
    line: int | None = None
    column: int | None = None
    severity: str = "error"
    replacement: str | None = None  # a safe automatic fix: the new text of the value at `path`
    fix_kind: str = "locator"  # what the replacement repairs: "locator" or "rename" (old concept id)

    def location(self, root: Path | None = None) -> str:
        name = str(self.file)
        if root is not None:
            try:
                name = str(self.file.resolve().relative_to(root.resolve()))
            except (ValueError, OSError, RuntimeError):  # outside root; a symlink loop
                pass
        if self.line is None:
            return name
        return f"{name}:{self.line}:{self.column or 1}"

    def format(self, root: Path | None = None) -> str:
        text = f"{self.location(root)}: {self.message}"
        if self.fix:
            text += f" — {self.fix}"
        return one_line(text)


@dataclass
class Problems:
    """An ordered collection of problems with helpers for the usual checks."""

    items: list[Problem] = field(default_factory=list)

    def add(self, file: Path, message: str, fix: str | None = None,
            path: Iterable[PathItem] = (), severity: str = "error",
            replacement: str | None = None, fix_kind: str = "locator") -> None:
        self.items.append(Problem(file, message, fix, tuple(path), severity=severity,
                                  replacement=replacement, fix_kind=fix_kind))

    def extend(self, other: Problems) -> None:
        self.items.extend(other.items)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    def __bool__(self) -> bool:
        return bool(self.errors)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):
        return iter(self.items)


def one_line(text: str) -> str:
    """Escape line breaks and other control characters (a YAML key may hold them), so every
    problem stays one line in a terminal and in a log."""
    return "".join(
        ch.encode("unicode_escape").decode("ascii")
        if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text)


def did_you_mean(word: str, known: Iterable[str], what: str = "id") -> str:
    """A fix hint: the closest known ids, or how to list them."""
    known = list(known)
    close = difflib.get_close_matches(word, known, n=3, cutoff=0.6)
    if not close:
        lowered = {k.lower(): k for k in known}
        close = [lowered[k] for k in difflib.get_close_matches(word.lower(), lowered, n=3, cutoff=0.5)]
    if close:
        return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    if what in ("concept", "concept id", "role", "relation type", "intervention", "event type"):
        return f"use a known {what} (list them with `pav-graph concepts`)"
    return f"use a known {what}"
