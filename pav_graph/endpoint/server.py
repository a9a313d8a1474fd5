"""A read-only SPARQL 1.1 Protocol endpoint over the built store, plus the static site.

Standard library only (``http.server``): the endpoint is a thin HTTP layer that checks the
request (method, media type, parameters, read-only), hands the query to a worker process
(:mod:`pav_graph.endpoint.workers`) and sends back the complete answer. Paths:

``/sparql``  the protocol endpoint (GET ``?query=``, POST form or ``application/sparql-query``);
             without a query, its Service Description (a browser is sent to ``/query``)
``/query``   YASGUI, offline (``/query/static/``), with the query library as examples
``/...``     files of the static site directory, if one is served

Every response allows cross-origin reads (``Access-Control-Allow-Origin: *``) and ``OPTIONS``
answers CORS preflights, so a query page or a notebook served from another origin can use the
endpoint: it is read-only and serves public data, so there is nothing a foreign page could do
with it that it could not do by itself. Error responses carry their one-line message both in the
body and as the HTTP reason phrase, because several clients (Python's urllib and so pandas and
rdflib, SPARQLWrapper for most statuses) show only ``HTTP Error 422: <reason>``.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from pav_graph.endpoint.connections import BACKLOG, Deadline, Dispatcher, accept_or_make_room
from pav_graph.endpoint.pages import (
    PAGE_POLICY,
    Example,
    PathRefused,
    asset,
    query_page,
    resolve_static,
)
from pav_graph.endpoint.protocol import Refused, check_query, format_accept, negotiate
from pav_graph.endpoint.results import Job
from pav_graph.endpoint.workers import WorkerPool

MAX_BODY = 1 << 20  # a query is text; anything larger than 1 MiB is a mistake or an attack
SPARQL_PATHS = ("/sparql", "/sparql/")
CORS = {"Access-Control-Allow-Origin": "*"}
PREFLIGHT = {"Access-Control-Allow-Methods": "GET, HEAD, POST, OPTIONS",
             "Access-Control-Allow-Headers": "Accept, Content-Type",
             "Access-Control-Max-Age": "86400"}
_HOST = re.compile(r"[A-Za-z0-9.\-]+(:\d{1,5})?|\[[0-9A-Fa-f:.]+\](:\d{1,5})?")  # used with fullmatch
_GUESS = {".html": "text/html", ".js": "text/javascript", ".css": "text/css",
          ".json": "application/json", ".svg": "image/svg+xml", ".ttl": "text/turtle",
          ".nt": "application/n-triples", ".rq": "application/sparql-query"}


@dataclass
class Settings:
    build_dir: Path
    host: str = "127.0.0.1"
    port: int = 8000
    timeout: float = 10.0
    limit: int = 10000
    workers: int = 2
    site: Path | None = None
    examples: list[Example] = field(default_factory=list)
    max_memory: int = 1024  # MiB a query worker may use (RLIMIT_DATA); 0: no cap
    max_bytes: int = 32 << 20  # the largest answer sent; more: 422
    idle_timeout: float = 10.0  # seconds a connection may wait before its request is complete
    max_connections: int = 128  # connections served at once (threads)


class SparqlServer(HTTPServer):
    """The HTTP server; connections are handed to a :class:`Dispatcher` (connections.py)
    instead of getting a thread each from accept to close."""

    allow_reuse_address = True
    request_queue_size = BACKLOG

    def __init__(self, settings: Settings, pool: WorkerPool) -> None:
        self.settings = settings
        self.pool = pool
        self.page = query_page(settings.examples, site=settings.site is not None)
        super().__init__((settings.host, settings.port), Handler)
        self.dispatcher = Dispatcher(self, settings.max_connections, settings.idle_timeout)

    def get_request(self):
        return accept_or_make_room(self)

    def process_request(self, request, client_address) -> None:
        self.dispatcher.add(request, client_address)

    def server_close(self) -> None:
        if hasattr(self, "dispatcher"):  # not there when binding the port failed
            self.dispatcher.close()
        super().server_close()

    @property
    def base_iri(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/sparql"


class Handler(BaseHTTPRequestHandler):
    server: SparqlServer
    server_version = "pav-graph"

    # --- plumbing ---------------------------------------------------------------------------

    def setup(self) -> None:
        self.timeout = self.server.settings.idle_timeout  # each read; see also handle_one_request
        super().setup()
        self._stream = self.rfile

    def handle_one_request(self) -> None:
        """One request, which must be complete (line, headers, body) within the idle time-out
        from when the connection turns to it: a keep-alive connection that sends nothing, or a
        client sending a byte at a time, is closed."""
        self.rfile = Deadline(self._stream, self.connection, self.server.settings.idle_timeout)
        super().handle_one_request()

    def _send(self, status: int, content_type: str, body: bytes, extra: dict | None = None) -> None:
        if status >= 400 and content_type.startswith("text/plain"):
            self.send_response(status, _reason(body.decode("utf-8", "replace")))
        else:
            self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for key, value in {**CORS, **(extra or {})}.items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _fail(self, status: int, message: str, extra: dict | None = None) -> None:
        self._send(status, "text/plain; charset=utf-8", (message + "\n").encode(), extra)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding"):
            raise Refused(411, "chunked request bodies are not supported; send Content-Length")
        lengths = self.headers.get_all("Content-Length") or []
        if len(lengths) > 1:  # RFC 9112 6.3: which one a proxy used is unknown (smuggling)
            self.close_connection = True
            raise Refused(400, "more than one Content-Length header; send exactly one")
        if lengths and not re.fullmatch(r"[0-9]{1,18}", lengths[0].strip()):
            self.close_connection = True  # where this body ends is unknown
            raise Refused(400, f"Content-Length {lengths[0].strip()[:40]!r} is not a "
                               "non-negative whole number")
        length = int(lengths[0]) if lengths else 0
        if length > MAX_BODY:
            # Read (and drop) a moderately oversized body first, so the client is past sending
            # and reads the 413 instead of a broken pipe; a huge one is cut off unread.
            remaining = length if length <= 16 * MAX_BODY else 0
            while remaining > 0:
                chunk = self.rfile.read(min(remaining, 1 << 16))
                if not chunk:
                    break
                remaining -= len(chunk)
            self.close_connection = True
            raise Refused(413, f"request body larger than {MAX_BODY} bytes")
        return self.rfile.read(length) if length > 0 else b""

    def log_message(self, format: str, *args) -> None:
        sys.stderr.write(f"{self.address_string()} {format % args}\n")

    # --- methods ----------------------------------------------------------------------------

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path in SPARQL_PATHS:
            self._guarded(lambda: self._sparql(parse_qs(url.query, keep_blank_values=True)))
        elif url.path in ("/query", "/query/"):
            self._send(200, "text/html; charset=utf-8", self.server.page,
                       {"Content-Security-Policy": PAGE_POLICY})
        elif url.path.startswith("/query/static/"):
            found = asset(url.path.removeprefix("/query/static/"))
            if found is None:
                self._fail(404, f"not found: {url.path}")
            else:
                self._send(200, found[1], found[0], {"Cache-Control": "max-age=3600"})
        else:
            self._static(url.path)

    do_HEAD = do_GET

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        if url.path not in SPARQL_PATHS:
            self._fail(405, f"{url.path} is read-only; SPARQL queries go to /sparql",
                       {"Allow": "GET, HEAD"})
            return
        self._guarded(lambda: self._post(url.query))

    def _refuse_method(self) -> None:
        url = urlsplit(self.path)
        allow = "GET, POST" if url.path in SPARQL_PATHS else "GET, HEAD"
        self._fail(405, f"{self.command} is not allowed on {url.path}: this server is read-only",
                   {"Allow": allow})

    do_PUT = do_DELETE = do_PATCH = _refuse_method

    def do_OPTIONS(self) -> None:
        """CORS preflight (and plain OPTIONS): which methods and headers a client may use."""
        url = urlsplit(self.path)
        allow = "GET, HEAD, POST, OPTIONS" if url.path in SPARQL_PATHS else "GET, HEAD, OPTIONS"
        self._send(204, "text/plain; charset=utf-8", b"",
                   {"Allow": allow, **PREFLIGHT, "Access-Control-Allow-Methods": allow})

    # --- SPARQL -----------------------------------------------------------------------------

    def _guarded(self, action) -> None:
        try:
            action()
        except Refused as exc:
            extra = {"Allow": "GET, POST"} if exc.status == 405 else None
            self._fail(exc.status, exc.message, extra)

    def _post(self, url_query: str) -> None:
        params = parse_qs(url_query, keep_blank_values=True)
        raw_type = self.headers.get("Content-Type")
        body = self._read_body()
        if not raw_type:
            raise Refused(415, "POST needs a Content-Type: application/sparql-query or "
                               "application/x-www-form-urlencoded")
        media, *type_params = [p.strip() for p in raw_type.split(";")]
        media = media.lower()
        for param in type_params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "charset" and value.strip().strip('"').lower() not in (
                "utf-8", "utf8"
            ):
                raise Refused(415, f"charset {value.strip()} is not supported; send UTF-8")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise Refused(400, "the request body is not valid UTF-8") from None
        if media == "application/sparql-update":
            raise Refused(403, "this endpoint is read-only: SPARQL Update is not accepted")
        if media == "application/x-www-form-urlencoded":
            for key, values in parse_qs(text, keep_blank_values=True).items():
                params.setdefault(key, []).extend(values)
        elif media == "application/sparql-query":
            if "query" in params:
                raise Refused(400, "send the query either in the body or as ?query=, not both")
            params["query"] = [text]
        else:
            raise Refused(415, f"unsupported Content-Type {media}: use application/sparql-query "
                               "or application/x-www-form-urlencoded")
        self._sparql(params)

    def _sparql(self, params: dict[str, list[str]]) -> None:
        if "update" in params or any(k.startswith("using-") for k in params):
            raise Refused(403, "this endpoint is read-only: SPARQL Update is not accepted")
        queries = params.get("query", [])
        accept = self.headers.get("Accept")
        chosen = params.get("format", []) + params.get("output", [])
        if chosen:
            accept = format_accept(chosen)
        if not queries:
            if self.command in ("GET", "HEAD"):
                if not chosen and "text/html" in self.headers.get("Accept", ""):
                    self._send(303, "text/plain; charset=utf-8", b"see /query\n",
                               {"Location": "/query"})
                else:
                    self._describe(accept)
                return
            raise Refused(400, "missing query: pass it as ?query= or in a POST body")
        if len(queries) > 1:
            raise Refused(400, "exactly one query parameter is allowed")
        query = queries[0]
        form = check_query(query)
        if form is not None:
            negotiate(form, accept)  # 406 before a worker is spent on it
        default = params.get("default-graph-uri")
        named = params.get("named-graph-uri")
        for iri in (default or []) + (named or []):
            if not _is_absolute_iri(iri):
                raise Refused(400, f"graph IRI {iri!r} is not an absolute IRI")
        job = Job(query=query, accept=accept, limit=self.server.settings.limit,
                  base_iri=self.server.base_iri, default_graphs=default, named_graphs=named,
                  max_bytes=self.server.settings.max_bytes)
        answer = self.server.pool.run(job)
        extra = {"Vary": "Accept"} if answer.status == 200 else None
        self._send(answer.status, answer.content_type, answer.body, extra)

    def _describe(self, accept: str | None) -> None:
        """The Service Description, for the endpoint IRI the client used (its Host header)."""
        host = self.headers.get("Host", "")
        endpoint = f"http://{host}/sparql" if _HOST.fullmatch(host) else self.server.base_iri
        settings = self.server.settings
        job = Job(query="", accept=accept, limit=settings.limit, base_iri=endpoint,
                  kind="description", timeout=settings.timeout)
        answer = self.server.pool.run(job)
        self._send(answer.status, answer.content_type, answer.body,
                   {"Vary": "Accept"} if answer.status == 200 else None)

    # --- static site ------------------------------------------------------------------------

    def _static(self, path: str) -> None:
        site = self.server.settings.site
        if site is None:
            if path == "/":
                self._send(302, "text/plain; charset=utf-8", b"see /query\n",
                           {"Location": "/query"})
            else:
                self._fail(404, f"not found: {path} (no site directory is served)")
            return
        try:
            target = resolve_static(site, path)
        except PathRefused as exc:
            self._fail(exc.status, exc.message)
            return
        content_type = _GUESS.get(target.suffix.lower(), "application/octet-stream")
        if content_type.startswith("text/") or content_type.endswith(("json", "+xml")):
            content_type += "; charset=utf-8"
        self._send(200, content_type, target.read_bytes())


def _reason(message: str) -> str:
    """A one-line, ASCII reason phrase made from an error message (never a header break)."""
    text = unicodedata.normalize("NFKD", message.replace("…", "...")).strip()
    text = "".join(c if " " <= c <= "~" else " " for c in text.encode("ascii", "ignore").decode())
    text = " ".join(text.split())
    return text[:300] if text else "error"


def _is_absolute_iri(text: str) -> bool:
    scheme, sep, rest = text.partition(":")
    return bool(sep and rest and scheme[:1].isalpha()
                and all(c.isalnum() or c in "+-." for c in scheme)
                and not any(c in text for c in ' <>"{}|^`\\'))


def make_server(settings: Settings) -> SparqlServer:
    """Start the workers and bind the socket; the caller runs ``serve_forever`` and ``close``."""
    pool = WorkerPool(settings.build_dir, settings.workers, settings.timeout,
                      max_memory=settings.max_memory)
    try:
        return SparqlServer(settings, pool)
    except BaseException:
        pool.close()
        raise


def close(server: SparqlServer) -> None:
    server.server_close()
    server.pool.close()
