"""Where ``export`` and ``site`` write: the rule for existing paths, symbolic links and devices.

The rule (docs/reliability.md, "Output paths"):

* OUT is resolved first: symbolic links are followed, a chain of them too, and a dangling link
  names the file to create. What is replaced is the real file or directory; the link stays a
  link and shows the new content. Replacing is atomic: the new content is written next to the
  real target and renamed over it (``export --force`` on a link once replaced the link with a
  regular file; ``site`` on a linked directory once left the old site where the link pointed,
  a real directory in the link's place and a ``.DIR.old-PID`` link behind).
* The real target, when it exists, must be what the command writes: a regular file for a
  single-file export, a directory for ``--format csv`` and ``site``. A device, a named pipe or a
  socket (``/dev/null``, ``/dev/full``) is refused, for root too, who could otherwise replace a
  device node with a regular file.
* Every existing directory on the way must be a directory: ``export afile/x.ttl`` says that
  ``afile`` is a file (it said "File exists"). Missing directories are created.
* Whether an existing target may be replaced (``--force``, or for a site: empty or written by
  ``pav-graph site``) is the command's own rule, checked on the real target.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class OutputError(Exception):
    """OUT cannot be written as asked; ``str`` says why and what to do."""


def kind_of(mode: int) -> str:
    """What a file of this ``st_mode`` is, in words."""
    if stat.S_ISREG(mode):
        return "a file"
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def resolve_output(out: Path, want: str) -> tuple[Path, os.stat_result | None]:
    """The real path behind ``out`` (``want``: "file" or "directory") and its stat, or None
    when it does not exist yet. Raises :class:`OutputError` when it cannot be written as asked."""
    try:
        real = Path(os.path.abspath(out)).resolve()
    except (OSError, RuntimeError):  # a loop of symbolic links
        raise OutputError(f"{out}: cannot follow its symbolic links (a loop?) — point OUT at a "
                          "real path") from None
    via = f" (a symbolic link to {real})" if Path(os.path.abspath(out)) != real else ""
    for parent in reversed(real.parents):
        try:
            mode = parent.stat().st_mode
        except FileNotFoundError:
            break  # created when writing
        except OSError as exc:
            raise OutputError(f"{out}: cannot reach {parent}: {exc.strerror} — choose a place "
                              "you can write to") from None
        if not stat.S_ISDIR(mode):
            raise OutputError(f"{out}: {parent} is {kind_of(mode)}, not a directory — choose "
                              "another OUT, or move it away")
    try:
        info = real.stat()
    except FileNotFoundError:
        return real, None
    except OSError as exc:
        raise OutputError(f"{out}{via}: {exc.strerror} — choose another OUT") from None
    if (want == "file" and not stat.S_ISREG(info.st_mode)) or \
            (want == "directory" and not stat.S_ISDIR(info.st_mode)):
        writes = "one regular file" if want == "file" else "a directory"
        raise OutputError(f"{out}{via} is {kind_of(info.st_mode)}; this writes {writes} — "
                          "choose another OUT")
    return real, info


def describe(out: Path, real: Path, info: os.stat_result | None) -> str:
    """``out`` and, for a link, what it points to: for messages."""
    what = kind_of(info.st_mode) if info else "nothing yet"
    link = f", a symbolic link to {real}" if Path(os.path.abspath(out)) != real else ""
    return f"{out} ({what}{link})"
