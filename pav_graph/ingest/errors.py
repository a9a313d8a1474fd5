"""The error every reader raises for a document it cannot turn into a stored text."""

from __future__ import annotations


class IngestError(Exception):
    """A document that cannot be read; ``message`` names the file and what is wrong, ``fix``
    what to do. Nothing has been written when it is raised."""

    def __init__(self, message: str, fix: str | None = None):
        super().__init__(message)
        self.message, self.fix = message, fix

    def __str__(self) -> str:
        return f"{self.message} — {self.fix}" if self.fix else self.message
