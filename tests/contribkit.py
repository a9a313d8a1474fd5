"""What the contributor-command tests share besides their fixtures (``own_build_dir`` and
``run`` are in conftest.py): a digest of a directory tree, to prove a refused command changed
nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pav_graph import contrib


def digest(directory: Path) -> str:
    """One hash of every file below ``directory`` (names and bytes; the lock file left out)."""
    h = hashlib.sha256()
    for path in sorted(directory.rglob("*")):
        if path.is_file() and path.name != contrib.LOCK_NAME:
            h.update(str(path.relative_to(directory)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()
