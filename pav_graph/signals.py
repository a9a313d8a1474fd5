"""SIGTERM (and SIGHUP) handled like Ctrl-C, and child processes stopped with pav-graph.

Python's default for SIGTERM is to die on the spot: no ``finally``, no ``except BaseException``.
A ``case add`` stopped that way left its file in cases/ without the graph rebuilt, exited -15
without a word, and left the reasoner's Java process running. With :func:`install`, the first
SIGTERM or SIGHUP raises :class:`Terminated` where the program is, like Ctrl-C raises
KeyboardInterrupt: every ``finally`` and restore runs (``case add`` puts cases/ back, a build
removes its temporary directory), then :func:`pav_graph.cli.main.main` kills what is left of the
child processes (HermiT's JVM, SHACL and parsing workers, the endpoint's query workers), says
"terminated" or "interrupted" and exits 128 + the signal number (143, 129, 130).

Python swallows an exception raised inside a finalizer (``__del__``, a weakref callback, a
generator closed by the garbage collector): it prints "Exception ignored in ..." and goes on. A
signal whose handler ran just then would be lost, so :func:`_unraisable` sends it again from a
short-lived thread, and it stops the command where it is a moment later.

A second signal that arrives while pav-graph unwinds is ignored, so that restoring is not cut
off halfway; SIGKILL still stops it at once. Then no handler runs, so the helpers are tied to
their parent instead (:func:`die_with_parent`, Linux's ``PR_SET_PDEATHSIG``): the kernel kills
HermiT's JVM and the SHACL and parsing workers when the command that started them is gone.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import signal
import sys
import threading

NAMES = {signal.SIGINT: "interrupted", signal.SIGTERM: "terminated", signal.SIGHUP: "hung up"}


class Terminated(BaseException):
    """Raised by the SIGTERM/SIGHUP handler; a BaseException so that ``except Exception``
    blocks do not swallow it."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


_received: list[int] = []


def _handler(signum, frame) -> None:
    if _received:  # already unwinding: let the restore finish
        return
    _received.append(signum)
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise Terminated(signum)


def _unraisable(unraisable, previous=sys.unraisablehook) -> None:
    """The stop a finalizer swallowed: deliver the signal again (the handler takes it anew)."""
    if isinstance(unraisable.exc_value, (Terminated, KeyboardInterrupt)) and _received:
        signum = _received.pop()
        again = threading.Timer(0.01, os.kill, (os.getpid(), signum))
        again.daemon = True
        again.start()
        return
    previous(unraisable)


def install() -> None:
    """Handle SIGTERM, SIGHUP and SIGINT as described in the module docstring (main thread)."""
    _received.clear()
    sys.unraisablehook = _unraisable
    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        if signal.getsignal(signum) is signal.SIG_IGN:  # e.g. started with nohup: keep it so
            continue
        signal.signal(signum, _handler)


def received() -> int | None:
    """The signal that started the unwinding, if one did.

    The handler's exception does not always arrive as itself: raised inside code that wraps
    what it catches (Python wraps an exception from ``__set_name__`` during class creation in a
    RuntimeError; libraries re-raise as their own errors), it reaches the CLI as an ordinary
    exception. Once a signal was received, any exception is that stop, never a bug."""
    return _received[0] if _received else None


def exit_code(signum: int) -> int:
    return 128 + int(signum)


def descendants(pid: int | None = None) -> list[int]:
    """Process ids of every child, grandchild, ... of ``pid`` (this process), from /proc.
    Empty where there is no /proc."""
    root = os.getpid() if pid is None else pid
    parents: dict[int, list[int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        # the command name (2nd field) is in parentheses and may hold spaces
        fields = stat[stat.rfind(b")") + 2:].split()
        parents.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], [root]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def stop_children() -> list[int]:
    """SIGKILL every descendant and reap our own children; returns the ids signalled.

    SIGKILL, not SIGTERM: the children are our helpers (a JVM, forked workers that inherited
    :func:`_handler` and would print a traceback), and they hold nothing to save."""
    pids = descendants()
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    return pids


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent(parent: int) -> None:
    """In a child process (a pool worker's initializer, a subprocess's ``preexec_fn``): have the
    kernel SIGKILL it when ``parent`` dies, whatever kills the parent, SIGKILL included.

    Linux only; elsewhere (no ``prctl``) it does nothing and the child outlives a killed parent
    as before. The request is tied to the thread that forked the child, which in pav-graph is
    the main thread (it starts every pool and waits for its subprocesses). If the parent died
    before the request, the child stops itself."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != parent:
        os.kill(os.getpid(), signal.SIGKILL)


def tied_to_this_process():
    """``die_with_parent`` bound to this process: for ``preexec_fn`` / a pool's initializer."""
    return functools.partial(die_with_parent, os.getpid())
