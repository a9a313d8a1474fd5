"""Connections: an idle one costs no thread, busy ones are capped, slow ones are cut off.

``ThreadingHTTPServer`` gives every connection a thread from ``accept`` to close, with no
time-out and a listen backlog of 5. 1,015 silent connections once held 1,015 threads and every
file descriptor under a limit of 1,024; ``accept`` then failed at once on every turn of the
loop (100 % of a core) and no query got in; and under 32 clients about 1 % of requests waited
a second for a SYN retry. Here:

* a new connection waits in a selector (epoll) until its first bytes arrive, without a thread;
  one that sends nothing for ``idle_timeout`` seconds is closed;
* at most ``max_connections`` connections are served at once, each by a thread of a fixed
  pool; a connection that is ready while all are busy waits in a queue, and is answered
  ``503`` and closed if it waits longer than ``idle_timeout``;
* a request -- line, headers and body -- must be complete within ``idle_timeout`` of the
  connection turning to it (a client sending one byte at a time is cut off), and a keep-alive
  connection that sends no next request within it is closed (see ``Deadline``);
* when ``accept`` fails for lack of file descriptors, the oldest waiting connection is closed
  to make room and the loop pauses a moment instead of spinning; waiting connections never
  take more than the descriptors the process may open, less a reserve;
* the listen backlog is 1,024 (the kernel may cap it at ``net.core.somaxconn``).
"""

from __future__ import annotations

import contextlib
import errno
import queue
import resource
import selectors
import socket
import threading
import time
from collections import OrderedDict

BACKLOG = 1024
RESERVE_FDS = 64  # for the store, the workers' pipes, log files and the handlers' own sockets
_OUT_OF_FDS = (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM)


def raise_fd_limit() -> int:
    """Raise the soft limit of open files to the hard limit; returns the limit in effect."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, 1 << 16)
    if soft < target:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
    return soft


def busy_response(message: str) -> bytes:
    body = (message + "\n").encode()
    return (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n"
            b"Retry-After: 1\r\nAccess-Control-Allow-Origin: *\r\n\r\n" + body)


class Deadline:
    """A request's input stream that must deliver before a deadline.

    A socket time-out bounds one ``recv``; a client sending a byte every second never hits it,
    and ``BufferedReader.readline`` keeps receiving until the line ends. So lines and bodies are
    read here one receive at a time, each with the time that is left as its time-out, and none
    is left after the deadline (TimeoutError, which ``BaseHTTPRequestHandler`` turns into
    closing the connection)."""

    def __init__(self, stream, connection: socket.socket, seconds: float) -> None:
        self._stream, self._connection = stream, connection
        self._deadline = time.monotonic() + seconds

    def _arm(self) -> None:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request did not arrive in time")
        self._connection.settimeout(left)

    def readline(self, limit: int = -1) -> bytes:
        out = bytearray()
        while limit < 0 or len(out) < limit:
            self._arm()
            ahead = self._stream.peek(1)  # what is buffered, or one receive
            if not ahead:
                break
            end = ahead.find(b"\n")
            take = len(ahead) if end < 0 else end + 1
            if limit >= 0:
                take = min(take, limit - len(out))
            out += self._stream.read(take)  # from the buffer: no receive
            if out.endswith(b"\n"):
                break
        return bytes(out)

    def read(self, size: int = -1) -> bytes:
        out = bytearray()
        while size < 0 or len(out) < size:
            self._arm()
            chunk = self._stream.read1(65536 if size < 0 else size - len(out))
            if not chunk:
                break
            out += chunk
        return bytes(out)

    def __getattr__(self, name):
        return getattr(self._stream, name)


class Dispatcher:
    """Holds waiting connections and the pool of threads that serve ready ones."""

    def __init__(self, server, max_connections: int, idle_timeout: float) -> None:
        self.server = server
        self.idle_timeout = idle_timeout
        self.max_waiting = max(16, raise_fd_limit() - RESERVE_FDS - max_connections)
        self._selector = selectors.DefaultSelector()
        self._waiting: OrderedDict[socket.socket, tuple] = OrderedDict()
        self._lock = threading.Lock()
        self._ready: queue.Queue = queue.Queue()
        self._closed = False
        self.served = self.shed = self.expired = self.refused = 0  # counters, for the log/tests
        self.active = 0
        self._threads = [threading.Thread(target=self._watch, name="pav-idle", daemon=True)]
        self._threads += [threading.Thread(target=self._serve, name=f"pav-http-{i}", daemon=True)
                          for i in range(max_connections)]
        for t in self._threads:
            t.start()

    # --- the accepting thread ------------------------------------------------------------------

    def add(self, sock: socket.socket, address) -> None:
        """A new connection: wait (without a thread) for its first bytes."""
        with self._lock:
            if self._closed:
                _close(sock)
                return
            while len(self._waiting) >= self.max_waiting:
                self._drop_oldest()
            sock.setblocking(False)
            self._waiting[sock] = (address, time.monotonic())
            self._selector.register(sock, selectors.EVENT_READ, address)

    def make_room(self) -> None:
        """``accept`` ran out of descriptors: close the connection that waited longest."""
        with self._lock:
            if self._waiting:
                self._drop_oldest()

    def _drop_oldest(self) -> None:
        sock, _ = self._waiting.popitem(last=False)
        with contextlib.suppress(KeyError, ValueError):
            self._selector.unregister(sock)
        _close(sock)
        self.shed += 1

    # --- the watching thread -------------------------------------------------------------------

    def _watch(self) -> None:
        while not self._closed:
            try:
                events = self._selector.select(timeout=0.2)
            except (OSError, ValueError):  # closed underneath us
                if self._closed:
                    return
                time.sleep(0.05)
                continue
            now = time.monotonic()
            with self._lock:
                for key, _ in events:
                    sock = key.fileobj
                    if self._waiting.pop(sock, None) is None:
                        continue
                    with contextlib.suppress(KeyError, ValueError):
                        self._selector.unregister(sock)
                    self._ready.put((sock, key.data, now))
                while self._waiting:  # oldest first: stop at the first one still in time
                    sock, (_, since) = next(iter(self._waiting.items()))
                    if now - since < self.idle_timeout:
                        break
                    del self._waiting[sock]
                    with contextlib.suppress(KeyError, ValueError):
                        self._selector.unregister(sock)
                    _close(sock)
                    self.expired += 1

    # --- the serving threads -------------------------------------------------------------------

    def _serve(self) -> None:
        while True:
            item = self._ready.get()
            if item is None:
                return
            sock, address, ready_at = item
            if time.monotonic() - ready_at > self.idle_timeout:
                self.refused += 1
                with contextlib.suppress(OSError):
                    sock.setblocking(True)
                    sock.settimeout(1.0)
                    sock.sendall(busy_response(
                        "server busy: every connection slot was taken for "
                        f"{self.idle_timeout:g} s; try again"))
                _close(sock)
                continue
            with self._lock:
                self.active += 1
            try:
                sock.setblocking(True)
                self.server.finish_request(sock, address)
                self.served += 1
            except Exception:  # noqa: BLE001 - one connection's failure must not end the thread
                self.server.handle_error(sock, address)
            finally:
                with self._lock:
                    self.active -= 1
                self.server.shutdown_request(sock)

    # --- shutting down ------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            self._closed = True
            waiting = list(self._waiting)
            self._waiting.clear()
        for sock in waiting:
            _close(sock)
        for _ in self._threads[1:]:
            self._ready.put(None)
        with contextlib.suppress(OSError):
            self._selector.close()


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.close()


def accept_or_make_room(server):
    """``server.socket.accept()``; out of descriptors, close the oldest waiting connection
    and pause, so that the accept loop does not spin (the error goes on to socketserver, which
    drops this turn)."""
    try:
        return server.socket.accept()
    except OSError as exc:
        if exc.errno in _OUT_OF_FDS:
            server.dispatcher.make_room()
            time.sleep(0.01)
        raise
