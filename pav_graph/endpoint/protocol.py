"""What a SPARQL request asks for, decided before any query runs.

The endpoint is read-only and must not reach out to other servers, but pyoxigraph happily
executes ``SERVICE`` clauses over HTTP and has no switch to turn that off. So the query text is
lexed here (strings, IRIs and comments blanked out, so a keyword inside a literal does not count)
and a request is refused when it is an update or uses ``SERVICE``. The same lexing tells the query
form (SELECT/ASK/CONSTRUCT/DESCRIBE), which decides the media types offered to the client.
Nothing here imports pyoxigraph: the HTTP process stays small and the work happens in workers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pav_graph.sparql_lexer import LEXEME  # shared with sparql.bind_values

_KEYWORD = re.compile(
    r"(?<![\w?$:\-])(SELECT|ASK|CONSTRUCT|DESCRIBE|INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY"
    r"|MOVE|ADD|WITH)(?![\w:\-])",
    re.IGNORECASE,
)
_SERVICE = re.compile(r"(?<![\w?$:\-])SERVICE(?![\w:\-])", re.IGNORECASE)

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_WORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")

# Media types offered per query form, in the server's order of preference (first = default),
# each mapped to the canonical format name the worker serialises.
_RESULTS = [
    ("application/sparql-results+json", "json"),
    ("application/sparql-results+xml", "xml"),
    ("text/csv", "csv"),
    ("text/tab-separated-values", "tsv"),
    ("application/json", "json"),
    ("application/xml", "xml"),
    ("text/xml", "xml"),
]
_GRAPH = [
    ("text/turtle", "turtle"),
    ("application/n-triples", "ntriples"),
    ("application/ld+json", "jsonld"),
    ("application/rdf+xml", "rdfxml"),
    ("text/plain", "ntriples"),
    ("application/x-turtle", "turtle"),
]
OFFERS = {"SELECT": _RESULTS, "ASK": _RESULTS, "CONSTRUCT": _GRAPH, "DESCRIBE": _GRAPH}
# Parameters on the response media types: the charset is always UTF-8; CSV results have a
# header row (RFC 4180's ``header`` parameter), which the SPARQL 1.1 CSV format requires.
MEDIA_PARAMS = {"text/csv": "; charset=utf-8; header=present"}

# ``format=`` / ``output=`` names (as Fuseki, Virtuoso and others accept them) → the Accept
# header they stand for. Each name covers both result kinds where that makes sense, so that
# ``format=json`` gives SPARQL JSON for SELECT and JSON-LD for CONSTRUCT.
FORMAT_NAMES = {
    "json": "application/sparql-results+json, application/ld+json",
    "srj": "application/sparql-results+json",
    "xml": "application/sparql-results+xml, application/rdf+xml",
    "srx": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "ntriples": "application/n-triples",
    "n-triples": "application/n-triples",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "json-ld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
    "rdf": "application/rdf+xml",
}


class Refused(Exception):
    """A request the endpoint will not run; carries the HTTP status and a one-line reason."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _code_only(text: str) -> str:
    """The query text with strings, IRIs and comments replaced by spaces."""
    return LEXEME.sub(" ", text)


def query_form(text: str) -> str | None:
    """SELECT, ASK, CONSTRUCT, DESCRIBE, the first update keyword, or None if none is found."""
    match = _KEYWORD.search(_code_only(text))
    return match.group(1).upper() if match else None


def check_query(text: str) -> str | None:
    """Refuse updates and federated queries; return the query form (None: let the parser judge)."""
    code = _code_only(text)
    match = _KEYWORD.search(code)
    form = match.group(1).upper() if match else None
    if form in UPDATE_WORDS:
        raise Refused(
            403,
            f"this endpoint is read-only: SPARQL Update ({form}) is not accepted; "
            "load data with `pav-graph build` or push it to a writable store",
        )
    if _SERVICE.search(code):
        raise Refused(
            403,
            "federated queries (SERVICE) are not allowed on this endpoint; "
            "query the remote endpoint directly",
        )
    return form


@dataclass(frozen=True)
class Choice:
    media_type: str
    fmt: str


def _parse_accept(header: str) -> list[tuple[str, float]]:
    ranges = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranges.append((fields[0].lower(), q))
    return ranges


def _quality(media_type: str, ranges: list[tuple[str, float]]) -> float:
    """q of the most specific range matching ``media_type`` (exact > type/* > */*)."""
    best, best_rank = 0.0, -1
    major = media_type.split("/")[0]
    for rng, q in ranges:
        rank = 2 if rng == media_type else 1 if rng == f"{major}/*" else 0 if rng == "*/*" else -1
        if rank > best_rank:
            best, best_rank = q, rank
    return best if best_rank >= 0 else 0.0


def format_accept(values: list[str]) -> str:
    """The Accept header that ``format=``/``output=`` parameters stand for (a value with a slash
    is taken as a media type). Several values must agree (SPARQLWrapper sends both names);
    raises Refused(400) for an unknown value or values that disagree."""
    accepts = []
    for raw in values:
        value = raw.strip()
        if "/" in value and value.isascii() and value.isprintable():
            accepts.append(value)
        elif value.lower() in FORMAT_NAMES:
            accepts.append(FORMAT_NAMES[value.lower()])
        else:
            names = ", ".join(FORMAT_NAMES)
            raise Refused(400, f"unknown format={value!r}; use one of {names}, or a media type")
    if len(set(accepts)) > 1:
        raise Refused(400, f"format=/output= ask for different formats: {', '.join(values)}")
    return accepts[0]


def content_type(media_type: str) -> str:
    """The Content-Type header for a negotiated media type."""
    if media_type in MEDIA_PARAMS:
        return media_type + MEDIA_PARAMS[media_type]
    return media_type + ("; charset=utf-8" if media_type.startswith("text/") else "")


def negotiate(form: str, accept: str | None) -> Choice:
    """Pick the representation for a query form, or raise Refused(406)."""
    offers = OFFERS[form]
    if not accept or not accept.strip():
        return Choice(*offers[0])
    ranges = _parse_accept(accept)
    best: Choice | None = None
    best_q = 0.0
    for media_type, fmt in offers:
        q = _quality(media_type, ranges)
        if q > best_q:
            best, best_q = Choice(media_type, fmt), q
    if best is None:
        offered = ", ".join(dict.fromkeys(m for m, _ in offers))
        raise Refused(406, f"cannot answer this {form} query as {accept!r}; acceptable: {offered}")
    return best
