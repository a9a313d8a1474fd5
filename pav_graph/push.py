"""Upload the built graph to a triple store through the SPARQL 1.1 Graph Store Protocol.

One HTTP ``PUT`` of ``build/graph.nt`` to ``ENDPOINT?graph=IRI`` (or ``?default``) replaces
that graph on the server, so pushing twice leaves the same triples, not twice as many. The file
is streamed in chunks (standard library ``urllib``) so a large graph is not held in memory and
the caller can show progress. Every failure becomes a :class:`PushError` whose message says what
went wrong and what to do; the CLI shows it as one line.
"""

from __future__ import annotations

import base64
import errno
import socket
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

CHUNK = 1 << 16


class PushError(Exception):
    """A push that did not complete; the message is meant for the user."""


@dataclass
class PushResult:
    url: str
    status: int
    bytes_sent: int
    triples: int


def target_url(endpoint: str, graph: str | None) -> str:
    """``endpoint?graph=<IRI>`` (IRI percent-encoded) or ``endpoint?default``."""
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PushError(f"--endpoint {endpoint!r} is not an http(s) URL; "
                        "e.g. http://127.0.0.1:7878/store for Oxigraph server")
    if graph is not None:
        scheme = urlsplit(graph).scheme
        if not scheme or any(c in graph for c in ' <>"{}|^`\\'):
            raise PushError(f"--graph {graph!r} is not an absolute IRI; "
                            "e.g. https://w3id.org/pav-graph/graph")
    sep = "&" if parts.query else "?"
    return endpoint + sep + (f"graph={quote(graph, safe='')}" if graph else "default")


def auth_header(user: str | None, password: str | None, token: str | None) -> str | None:
    if token:
        return f"Bearer {token}"
    if user is not None:
        raw = f"{user}:{password or ''}".encode()
        return "Basic " + base64.b64encode(raw).decode("ascii")
    return None


def count_triples(path: Path) -> int:
    """Lines holding a triple in an N-Triples file (blank lines and comments skipped)."""
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.strip() and not line.lstrip().startswith(b"#"))


def _chunks(path: Path, sent: list[int], progress: Callable[[int], None] | None) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk
            sent[0] += len(chunk)
            if progress:
                progress(len(chunk))


def push(
    graph_file: Path,
    endpoint: str,
    graph: str | None = None,
    *,
    user: str | None = None,
    password: str | None = None,
    token: str | None = None,
    progress: Callable[[int], None] | None = None,
    timeout: float = 300.0,
) -> PushResult:
    """PUT ``graph_file`` to the Graph Store endpoint; raise PushError on any failure."""
    if not graph_file.is_file():
        raise PushError(f"no graph at {graph_file}: run `pav-graph build` first")
    url = target_url(endpoint, graph)
    size = graph_file.stat().st_size
    headers = {"Content-Type": "application/n-triples", "Content-Length": str(size)}
    if (auth := auth_header(user, password, token)) is not None:
        headers["Authorization"] = auth
    sent = [0]
    request = urllib.request.Request(
        url, data=_chunks(graph_file, sent, progress), headers=headers, method="PUT"
    )
    host = urlsplit(url).netloc
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status = response.status
            response.read()
    except urllib.error.HTTPError as exc:
        raise PushError(_http_message(exc, url)) from None
    except urllib.error.URLError as exc:
        raise PushError(_network_message(exc.reason, host, sent[0], size)) from None
    except (OSError, TimeoutError) as exc:
        raise PushError(_network_message(exc, host, sent[0], size)) from None
    if sent[0] != size:
        raise PushError(f"upload to {url} incomplete: sent {sent[0]} of {size} bytes; "
                        "the graph on the server may be partial — push again")
    return PushResult(url=url, status=status, bytes_sent=sent[0], triples=count_triples(graph_file))


def _http_message(exc: urllib.error.HTTPError, url: str) -> str:
    detail = ""
    try:
        detail = exc.read(500).decode("utf-8", "replace").strip().splitlines()[0]
    except (OSError, IndexError):
        pass
    detail = f" ({detail})" if detail else ""
    if exc.code in (401, 403):
        return (f"the store refused the upload to {url}: HTTP {exc.code}{detail}; "
                "check --user/--password or --token and the account's write rights")
    if exc.code in (404, 405):
        return (f"no Graph Store Protocol endpoint accepting PUT at {url}: HTTP {exc.code}"
                f"{detail}; check --endpoint (Oxigraph: /store, Fuseki: /DATASET/data)")
    return f"upload to {url} failed: HTTP {exc.code}{detail}; the graph was not (fully) replaced"


def _network_message(reason: object, host: str, sent: int, size: int) -> str:
    if isinstance(reason, socket.gaierror):
        return f"cannot find host {host}: {reason.strerror}; check the --endpoint URL"
    if isinstance(reason, ConnectionRefusedError) or (
        isinstance(reason, OSError) and reason.errno == errno.ECONNREFUSED
    ):
        return f"cannot connect to {host}: connection refused; is the triple store running?"
    if isinstance(reason, (TimeoutError, socket.timeout)):
        what = "timed out"
    else:
        what = str(getattr(reason, "strerror", None) or reason)
    if 0 < sent < size:
        return (f"upload to {host} broke off after {sent} of {size} bytes ({what}); "
                "the graph on the server may be partial — push again")
    if 0 < sent == size:
        return (f"the store at {host} did not answer after the upload ({what}); "
                "the graph may not have been replaced — push again")
    return f"cannot reach {host}: {what}; check the --endpoint URL and the network"
