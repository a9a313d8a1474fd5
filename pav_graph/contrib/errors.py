"""The one exception every contributor command raises when it refuses a change."""

from __future__ import annotations

import re

from pav_graph.problems import Problem

ID_RE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*\Z")  # use with .match: \Z, not $ (see schema.END)


class ContribError(Exception):
    """A change that was refused; nothing was written. ``usage`` marks a wrong argument."""

    def __init__(self, message: str, fix: str | None = None, *, usage: bool = False,
                 problems: list[Problem] | None = None, lines: list[str] | None = None):
        super().__init__(message)
        self.message, self.fix, self.usage = message, fix, usage
        self.problems = problems or []
        self.lines = lines or []

    def __str__(self) -> str:
        return f"{self.message} — {self.fix}" if self.fix else self.message

