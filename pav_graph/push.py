"""Upload the built graph to a triple store through the SPARQL 1.1 Graph Store Protocol.

One HTTP ``PUT`` of ``graph.nt`` to ``ENDPOINT?graph=IRI`` (or ``?default``) replaces that graph
on the server, so pushing twice leaves the same triples, not twice as many. The file is streamed
in chunks so a large graph is not held in memory and the caller can show progress.

Before the upload a ``HEAD`` request without credentials asks the store who it is (the
``Server`` header) and how it wants to be logged in to (``WWW-Authenticate``). With ``--user``
the login is HTTP Digest (RFC 7616, MD5 or SHA-256: what Virtuoso's ``/sparql-graph-crud-auth``
asks for) or Basic; ``--token`` sends a bearer token. The ``PUT`` says ``Expect:
100-continue``, so a store that refuses the login does so before the graph is sent, and the
refusal is reported as such (Virtuoso answers 401 and hangs up: without it, that looked like an
upload broken off halfway).

Every failure becomes a :class:`PushError` whose one-line message names the engine, says what
happened to the graph on the server (Oxigraph rolls a failed ``PUT`` back; Virtuoso keeps what
it had loaded before the error) and what to do.
"""

from __future__ import annotations

import base64
import errno
import hashlib
import http.client
import os
import re
import socket
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from pav_graph import engines

CHUNK = 1 << 16


class PushError(Exception):
    """A push that did not complete; the message is meant for the user."""


@dataclass
class PushResult:
    url: str
    status: int
    bytes_sent: int
    triples: int
    engine: str = "the store"


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


# --- authentication ------------------------------------------------------------------------------


def challenges(headers: list[str]) -> dict[str, dict[str, str]]:
    """``WWW-Authenticate`` header values as {scheme (lower case): {parameter: value}}."""
    token = r"([!#$%&'*+.^_`|~0-9A-Za-z-]+)"
    out: dict[str, dict[str, str]] = {}
    for header in headers:
        scheme, params = None, {}
        for m in re.finditer(token + r'(?:\s*=\s*("(?:[^"\\]|\\.)*"|[^\s,]+))?\s*,?\s*', header):
            name, value = m.group(1), m.group(2)
            if value is None:  # a bare token starts a new challenge
                if scheme:
                    out[scheme] = params
                scheme, params = name.lower(), {}
            elif value.startswith('"'):
                params[name.lower()] = re.sub(r"\\(.)", r"\1", value[1:-1])
            else:
                params[name.lower()] = value
        if scheme:
            out[scheme] = params
    return out


_HASHES = {"md5": hashlib.md5, "sha-256": hashlib.sha256}


def digest_authorization(challenge: dict[str, str], user: str, password: str, method: str,
                         uri: str, cnonce: str | None = None, nc: int = 1) -> str:
    """The ``Authorization`` value answering an HTTP Digest challenge (RFC 7616, qop=auth)."""
    algorithm = challenge.get("algorithm", "MD5")
    base = algorithm.lower().removesuffix("-sess")
    if base not in _HASHES:
        raise PushError(f"the store asks for HTTP Digest with {algorithm}, which push does not "
                        "speak (MD5, SHA-256); use --token, or the store's bulk loader")

    def h(text: str) -> str:
        return _HASHES[base](text.encode("utf-8")).hexdigest()

    realm, nonce = challenge.get("realm", ""), challenge.get("nonce", "")
    cnonce = cnonce or os.urandom(16).hex()
    ha1 = h(f"{user}:{realm}:{password}")
    if algorithm.lower().endswith("-sess"):
        ha1 = h(f"{ha1}:{nonce}:{cnonce}")
    ha2 = h(f"{method}:{uri}")
    qops = [q.strip() for q in challenge.get("qop", "").split(",") if q.strip()]
    fields = [("username", user), ("realm", realm), ("nonce", nonce), ("uri", uri)]
    if qops and "auth" not in qops:
        raise PushError(f"the store asks for HTTP Digest with qop={','.join(qops)}; push "
                        "speaks qop=auth only; use --token, or the store's bulk loader")
    if qops:
        response = h(f"{ha1}:{nonce}:{nc:08x}:{cnonce}:auth:{ha2}")
    else:
        response = h(f"{ha1}:{nonce}:{ha2}")
    fields.append(("response", response))
    if "opaque" in challenge:
        fields.append(("opaque", challenge["opaque"]))
    header = ", ".join(f'{k}="{v}"' for k, v in fields) + f", algorithm={algorithm}"
    if qops:
        header += f', qop=auth, nc={nc:08x}, cnonce="{cnonce}"'
    return "Digest " + header


def basic_authorization(user: str, password: str | None) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password or ''}".encode()).decode("ascii")


def auth_header(user: str | None, password: str | None, token: str | None) -> str | None:
    """Credentials sent without a challenge: a bearer token, or Basic for ``user``."""
    if token:
        return f"Bearer {token}"
    if user is not None:
        return basic_authorization(user, password)
    return None


@dataclass
class Probe:
    """What a ``HEAD`` before the upload learnt about the store."""

    engine: str
    challenges: dict[str, dict[str, str]]


def probe(url: str, timeout: float) -> Probe:
    """``HEAD url`` without credentials: the engine and its login challenges (none if it did
    not ask). A store that does not answer ``HEAD`` is no error here; one that cannot be
    reached is."""
    request = urllib.request.Request(url, method="HEAD")
    try:
        with urllib.request.urlopen(request, timeout=min(timeout, 30)) as response:
            return Probe(engines.engine(response.headers.get("Server"), url), {})
    except urllib.error.HTTPError as exc:
        headers = exc.headers
        engine = engines.engine(headers.get("Server") if headers else None, url)
        said = (headers.get_all("WWW-Authenticate") or []) if headers else []
        return Probe(engine, challenges(said) if exc.code == 401 else {})
    except (urllib.error.URLError, OSError) as exc:
        raise PushError(_network_message(getattr(exc, "reason", exc), url, 0, 1)) from None


def authorization(found: Probe, url: str, user: str | None, password: str | None,
                  token: str | None, method: str = "PUT", nc: int = 1) -> str | None:
    """The ``Authorization`` header for ``method`` on ``url``: bearer, Digest (when the store
    asked for it) or Basic."""
    if token:
        return f"Bearer {token}"
    if user is None:
        return None
    if "digest" in found.challenges:
        target = urlsplit(url)
        uri = target.path + (f"?{target.query}" if target.query else "")
        return digest_authorization(found.challenges["digest"], user, password or "", method, uri,
                                    nc=nc)
    return basic_authorization(user, password)


# --- the upload ----------------------------------------------------------------------------------


def count_triples(path: Path) -> int:
    """Lines holding a triple in an N-Triples file (blank lines and comments skipped)."""
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.strip() and not line.lstrip().startswith(b"#"))


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
    found = probe(url, timeout)
    size = graph_file.stat().st_size
    for attempt in (1, 2):
        auth = authorization(found, url, user, password, token, nc=attempt + 1)
        status, headers, body, sent = _put(url, graph_file, size, auth, progress, timeout, found.engine)
        fresh = challenges(headers.get_all("WWW-Authenticate") or [])
        if (status == 401 and attempt == 1 and user is not None
                and fresh.get("digest", {}).get("stale", "").lower() == "true"):
            found = Probe(found.engine, fresh)  # the nonce ran out while we sent: once more
            continue
        break
    engine = engines.engine(headers.get("Server"), url)
    if engine == "the store":
        engine = found.engine
    if status >= 300:
        raise PushError(_http_message(status, body, engine, url, graph, user, token, sent, size))
    return PushResult(url=url, status=status, bytes_sent=sent, triples=count_triples(graph_file),
                      engine=engine)


CONTINUE_WAIT = 3.0  # seconds to wait for "100 Continue" before sending the body anyway


def _put(url: str, graph_file: Path, size: int, auth: str | None,
         progress: Callable[[int], None] | None, timeout: float, who: str):
    """Stream the file in one PUT; (status, headers, first bytes of the body, bytes sent).

    The request says ``Expect: 100-continue``: a store that refuses the login or the request
    answers before the graph is sent (Virtuoso does), so the refusal is read and reported as
    such and nothing is sent. A store that does not answer within :data:`CONTINUE_WAIT`
    seconds gets the body anyway (RFC 9110). When the store hangs up while the file is sent,
    its answer is read if it gave one, else the upload is reported as broken off."""
    import select

    parts = urlsplit(url)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = kind(parts.hostname, parts.port, timeout=timeout)
    sent = 0
    try:
        try:
            conn.putrequest("PUT", parts.path + (f"?{parts.query}" if parts.query else ""))
            conn.putheader("Content-Type", "application/n-triples")
            conn.putheader("Content-Length", str(size))
            conn.putheader("Expect", "100-continue")
            if auth is not None:
                conn.putheader("Authorization", auth)
            conn.endheaders()
            ready, _, _ = select.select([conn.sock], [], [], CONTINUE_WAIT)
            if ready and not _interim_continue(conn.sock):
                response = conn.getresponse()  # a final answer before the body: a refusal
                return response.status, response.headers, response.read(4000), sent
            with graph_file.open("rb") as handle:
                while chunk := handle.read(CHUNK):
                    conn.send(chunk)
                    sent += len(chunk)
                    if progress:
                        progress(len(chunk))
        except OSError as exc:
            try:  # did the store answer before it closed the connection?
                response = conn.getresponse()
                return response.status, response.headers, response.read(4000), sent
            except (OSError, http.client.HTTPException):
                raise PushError(_network_message(exc, url, sent, size, who)) from None
        try:
            response = conn.getresponse()
            return response.status, response.headers, response.read(4000), sent
        except (OSError, http.client.HTTPException) as exc:
            raise PushError(_network_message(exc, url, sent, size, who)) from None
    finally:
        conn.close()


def _interim_continue(sock) -> bool:
    """Whether the store's first answer is ``100 Continue``; if so it is read off the socket
    (up to its blank line), else left there for :meth:`http.client.HTTPConnection.getresponse`."""
    head = sock.recv(12, socket.MSG_PEEK)
    if not re.match(rb"HTTP/1\.[01] 100", head):
        return False
    data = b""
    while not data.endswith(b"\r\n\r\n"):
        byte = sock.recv(1)
        if not byte:
            break
        data += byte
    return True


# --- what went wrong -----------------------------------------------------------------------------

# What a failed PUT leaves of the graph, per engine (tried here: Oxigraph 0.5 answers a broken
# file with 400 and keeps the old graph; Virtuoso 7.2 answers 500 and keeps what it had loaded).
_LEFT = {
    "Oxigraph": "Oxigraph kept the graph as it was (a failed PUT is rolled back)",
    "Virtuoso": "the graph on the server now holds part of the upload (Virtuoso does not roll "
                "back a failed PUT)",
}
_WRITE_RIGHTS = {
    "Virtuoso": 'the account needs the SPARQL_UPDATE role (isql: GRANT SPARQL_UPDATE TO "USER";)',
    "Oxigraph": "`oxigraph serve-read-only` refuses writes: push to `oxigraph serve`",
}


def _http_message(code: int, body: bytes, who: str, url: str, graph: str | None,
                  user: str | None, token: str | None, sent: int, size: int) -> str:
    said = engines.detail(body)
    said = f": {said}" if said else ""
    where = f"{who} at {urlsplit(url).netloc}"
    if code == 401:
        if user is None and token is None:
            return (f"{where} asks for a login (HTTP 401{said}): pass --user and --password "
                    "(or --token)")
        what = "the token" if token else f"user {user!r} with that password"
        return (f"{where} refused the login (HTTP 401{said}): it does not accept {what}; check "
                "--user and --password (or --token); nothing was sent")
    if code == 403:
        rights = _WRITE_RIGHTS.get(who, "the account may not write to this graph")
        return f"{where} refused the upload (HTTP 403{said}): {rights}; nothing was written"
    if code in (404, 405):
        return (f"no Graph Store Protocol endpoint accepting PUT at {url} (HTTP {code}{said}); "
                f"check --endpoint ({engines.graph_store_paths()})")
    if code == 413:
        return (f"{where} refused a graph of {size} bytes (HTTP 413{said}): too large for one "
                "upload; use the store's bulk loader (docs/triple-stores.md)")
    left = _LEFT.get(who, "the graph on the server may be unchanged, empty or partial")
    stage = f"after {sent} of {size} bytes" if 0 < sent < size else "on the upload"
    target = f"graph <{graph}>" if graph else "the default graph"
    return (f"{where} failed {stage} of {target} (HTTP {code}{said}); {left}; see the store's "
            "log, then push again (a PUT replaces the graph)")


def _network_message(reason: object, url: str, sent: int, size: int, who: str = "the store") -> str:
    host = urlsplit(url).netloc
    if isinstance(reason, socket.gaierror):
        return f"cannot find host {urlsplit(url).hostname}: {reason.strerror}; check the --endpoint URL"
    if isinstance(reason, ConnectionRefusedError) or (
        isinstance(reason, OSError) and reason.errno == errno.ECONNREFUSED
    ):
        return (f"cannot connect to {engines.engine(None, url)} at {host}: connection refused; "
                "is the triple store running, and on this port?")
    if isinstance(reason, (TimeoutError, socket.timeout)):
        what = "timed out"
    else:
        what = str(getattr(reason, "strerror", None) or reason)
    if 0 < sent < size:
        return (f"upload to {who} at {host} broke off after {sent} of {size} bytes ({what}); "
                "the graph on the server may be partial — push again")
    if 0 < sent == size:
        return (f"{who} at {host} did not answer after the upload ({what}); "
                "the graph may not have been replaced — push again (or raise --timeout)")
    return f"cannot reach {host}: {what}; check the --endpoint URL and the network"
