"""The corpus write lock and the bookkeeping around it (stale temporary files, directory fsync).

Every change to ``cases/``, ``sources/`` or ``ontology/concepts/`` happens while holding an
exclusive lock on ``cases/.lock`` (``fcntl.flock``; the kernel releases it when the process
dies, even by SIGKILL), so two contributors' commands never interleave their check-and-write.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from pav_graph.contrib.errors import ContribError
from pav_graph.project import Project

LOCK_NAME = ".lock"
BACKUP_DIR = ".backup"
STALE_TEMP_SECONDS = 300


@contextlib.contextmanager
def corpus_lock(project: Project, timeout: float = 120.0,
                on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the corpus write lock (``cases/.lock``) for the duration of the block."""
    project.cases_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(project.cases_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        waited = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not waited and on_wait:
                    on_wait()
                waited = True
                if time.monotonic() > deadline:
                    raise ContribError(
                        f"another pav-graph command has held {project.cases_dir / LOCK_NAME} "
                        f"for {timeout:.0f} s", "wait for it to finish and try again") from None
                time.sleep(0.05)
        _remove_stale_temp_files(project)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _remove_stale_temp_files(project: Project) -> None:
    """Temporary files left by a command that was killed mid-write (``.name.XXXX.tmp``).

    They are never read (the loader takes ``*.yaml``), and only old ones are removed so a
    writer that does not take the lock is not disturbed."""
    now = time.time()
    for directory in (project.cases_dir, project.cases_dir / BACKUP_DIR, project.sources_dir,
                      project.sources_dir / "texts", project.concepts_dir):
        for path in directory.glob(".*.tmp") if directory.is_dir() else ():
            with contextlib.suppress(OSError):
                if now - path.stat().st_mtime > STALE_TEMP_SECONDS:
                    path.unlink()


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

