"""A small pool of query worker processes that can be killed on time-out.

pyoxigraph has no query time-out and a running query cannot be interrupted from another
thread, so every query runs in a separate process that has opened the store read-only. When a
query exceeds its time the worker is killed and replaced; the HTTP thread answers 503 with an
explicit message. Workers are started with the "spawn" method because forking a process that
already runs HTTP threads is unsafe.

Each worker's memory is capped (``RLIMIT_DATA``, ``--max-memory``): a query such as a cross
product ordered by two variables once grew a worker to 11 GB on a 23 GB machine within its time.
At the cap an allocation fails: in pyoxigraph (Rust) the worker aborts, in Python code it raises
MemoryError; both are answered 503 with that reason, and the worker is replaced. The cap counts
the heap and anonymous memory, not the store's files mapped into memory.

A rebuild is picked up without a restart: before each job a worker looks at which store the
build directory names now (``build/current.json``, see :func:`pav_graph.store.store_dir`) and
reopens when that is another directory than the one it holds (a new build, or a forced rebuild
of the same inputs, which replaces the directory). The check costs one small file read and a
``stat`` per query. If the new store cannot be opened the worker keeps answering from the old.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import queue
import signal
import threading
from pathlib import Path

from pav_graph.endpoint.results import Answer, Job, error

_START_TIMEOUT = 60.0


def store_key(build_dir: Path) -> tuple[str, int, int] | None:
    """Which store the build directory names now: its path and inode (a rebuilt directory of
    the same name is a new inode), or None if there is none."""
    from pav_graph.store import store_dir

    try:
        path = store_dir(build_dir)
        st = path.stat()
    except (OSError, ValueError, KeyError):
        return None
    return str(path), st.st_dev, st.st_ino


def memory_message(max_memory: int) -> str:
    return (f"the query needed more than {max_memory} MiB of memory and was stopped; add a "
            "LIMIT, avoid a cross product or ORDER BY over many rows, or start the server with "
            "a larger --max-memory")


def _cap_memory(max_memory: int) -> None:
    if max_memory > 0:
        import resource

        cap = max_memory << 20
        _, hard = resource.getrlimit(resource.RLIMIT_DATA)
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        resource.setrlimit(resource.RLIMIT_DATA, (cap, cap))


def _worker_main(build_dir: str, conn, max_memory: int = 0) -> None:
    """Worker loop: open the store, cap the memory, then answer jobs until the pipe closes."""
    import os
    import sys

    # at the memory cap pyoxigraph aborts: one line in the log, not forty of backtrace
    os.environ["RUST_BACKTRACE"] = "0"

    import pyoxigraph as ox

    from pav_graph.endpoint.description import describe
    from pav_graph.endpoint.results import run

    build = Path(build_dir)
    key = store_key(build)
    try:
        if key is None:
            raise FileNotFoundError(f"no built store in {build}: run `pav-graph build` first")
        store = ox.Store.read_only(key[0])
    except Exception as exc:  # noqa: BLE001 - reported to the parent, shown as a click error
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    _cap_memory(max_memory)
    conn.send(("ready", ""))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        now = store_key(build)
        if now is not None and now != key:
            try:
                store, key = ox.Store.read_only(now[0]), now
            except OSError as exc:  # keep the store we have; the next query tries again
                print(f"pav-graph serve: cannot open the new build {now[0]}: {exc}; "
                      "still answering from the previous one", file=sys.stderr)
        try:
            try:
                answer = (describe(store, key, job) if job.kind == "description"
                          else run(store, job))
            except MemoryError:
                answer = None
            except Exception as exc:  # noqa: BLE001 - one bad query must not kill the worker
                answer = error(500, f"query failed: {type(exc).__name__}: {exc}")
            if answer is None:  # outside the handler: the failed query's memory is freed
                answer = error(503, memory_message(max_memory))
            conn.send(answer)
        except MemoryError:  # even pickling the answer: say so, if there is room for that
            with contextlib.suppress(Exception):
                conn.send(error(503, memory_message(max_memory)))
        except (BrokenPipeError, OSError):
            return


class WorkerStartError(RuntimeError):
    """A worker could not open the store (message says why)."""


class _Worker:
    def __init__(self, ctx, build_dir: Path, max_memory: int = 0) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(
            target=_worker_main, args=(str(build_dir), child, max_memory), daemon=True,
            name="pav-query"
        )
        self.process.start()
        child.close()
        if not self.conn.poll(_START_TIMEOUT):
            self.kill()
            raise WorkerStartError("query worker did not start within a minute")
        try:
            state, message = self.conn.recv()
        except EOFError:
            state, message = "failed", "query worker exited while opening the store"
        if state != "ready":
            self.kill()
            raise WorkerStartError(message)

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.process.join(2)
        self.kill()


class WorkerPool:
    """``size`` worker processes sharing the read-only store at ``build_dir/store``."""

    def __init__(self, build_dir: Path, size: int, timeout: float, max_memory: int = 0) -> None:
        self.build_dir = build_dir
        self.timeout = timeout
        self.max_memory = max_memory
        self._ctx = mp.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(size):
            self._add(_Worker(self._ctx, build_dir, max_memory))

    def _add(self, worker: _Worker) -> None:
        with self._lock:
            if self._closed:
                worker.stop()
                return
            self._all.add(worker)
        self._idle.put(worker)

    def _replace(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.kill()
        try:
            self._add(_Worker(self._ctx, self.build_dir, self.max_memory))
        except WorkerStartError:
            pass  # the pool shrinks; the next request still gets an answer (busy) instead of a hang

    def run(self, job: Job) -> Answer:
        """Run ``job`` in a worker; 503 if no worker frees up or the query runs out of time."""
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            return error(503, f"all query workers are busy; try again in {self.timeout:g} s")
        try:
            worker.conn.send(job)
            if worker.conn.poll(self.timeout):
                answer = worker.conn.recv()
                self._idle.put(worker)
                return answer
        except (EOFError, OSError):
            worker.process.join(2)
            code = worker.process.exitcode
            threading.Thread(target=self._replace, args=(worker,), daemon=True).start()
            if self.max_memory and code == -signal.SIGABRT:  # an allocation failed at the cap
                return error(503, memory_message(self.max_memory))
            return error(500, "the query worker stopped unexpectedly; the query was not answered")
        # Out of time: kill the worker (the only way to stop pyoxigraph) and start a new one.
        worker.kill()
        threading.Thread(target=self._replace, args=(worker,), daemon=True).start()
        return error(
            503,
            f"query timed out after {self.timeout:g} s and was stopped; simplify it, add a LIMIT, "
            "or start the server with a longer --timeout",
        )

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.stop()
