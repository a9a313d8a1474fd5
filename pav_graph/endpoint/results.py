"""Run one query against the store and serialise the whole answer to bytes.

Runs inside a query worker process. The answer is complete before it leaves the worker, so the
HTTP side never sends a 200 status line for a result that might still fail or be cut off.
SELECT results are written here (not with pyoxigraph's serializer) because the rows must be
counted against the result limit first, and pyoxigraph's result iterator can only be read once.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
_BOOLEAN_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}


@dataclass
class Job:
    """One query as the HTTP side hands it to a worker."""

    query: str
    accept: str | None
    limit: int
    base_iri: str | None = None
    default_graphs: list[str] | None = None  # protocol dataset; None = the store's own
    named_graphs: list[str] | None = None
    kind: str = "query"  # or "description": the Service Description (base_iri = endpoint)
    max_bytes: int = 0  # the largest answer; 0: no cap
    timeout: float = 0.0  # the server's time-out, said in the Service Description


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes


def error(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode())


def run(store: ox.Store, job: Job) -> Answer:
    """Execute ``job`` on ``store``; every failure becomes an Answer with a 4xx/5xx status."""
    from pav_graph.endpoint.protocol import Refused, content_type, negotiate

    kwargs: dict = {}
    if job.base_iri:
        kwargs["base_iri"] = job.base_iri
    if job.default_graphs is not None or job.named_graphs is not None:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs or []]
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs or []]
    try:
        result = store.query(job.query, **kwargs)
    except SyntaxError as exc:
        return error(400, f"malformed query: {_first_line(exc)}")
    except (OSError, ValueError, RuntimeError) as exc:
        return error(500, f"query failed: {exc}")
    form = (
        "ASK" if isinstance(result, ox.QueryBoolean)
        else "SELECT" if isinstance(result, ox.QuerySolutions)
        else "CONSTRUCT"
    )
    try:
        choice = negotiate(form, job.accept)
    except Refused as exc:
        return error(exc.status, exc.message)
    try:
        if form == "ASK":
            body = result.serialize(format=_BOOLEAN_FORMATS[choice.fmt])
        elif form == "SELECT":
            variables = [v.value for v in result.variables]
            rows = _take(result, job.limit, "solutions", job.max_bytes)
            body = _SOLUTION_WRITERS[choice.fmt](variables, rows)
        else:
            triples = _take(result, job.limit, "triples", job.max_bytes)
            body = ox.serialize(triples, format=RDF_FORMATS[choice.fmt])
        if job.max_bytes and len(body) > job.max_bytes:
            raise _TooBig(len(body))
    except _TooBig as exc:
        return error(422, too_big(exc.size, job.max_bytes))
    except _TooMany as exc:
        return error(
            422,
            f"result limit exceeded: the query gives more than {job.limit} {exc} (the server's "
            f"--limit); add LIMIT {job.limit} and page on with OFFSET, or start "
            "`pav-graph serve` with a higher --limit",
        )
    except (OSError, ValueError, RuntimeError) as exc:
        return error(500, f"query failed while reading results: {exc}")
    return Answer(200, content_type(choice.media_type), body)


def _first_line(exc: Exception) -> str:
    """pyoxigraph's syntax errors list every expected token; the first line is what helps."""
    line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return line if len(line) <= 200 else line[:200] + "…"


class _TooMany(Exception):
    pass


class _TooBig(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


def too_big(size: int, max_bytes: int) -> str:
    at_least = "at least " if size <= max_bytes else ""
    return (f"answer too large: {at_least}{size / 2**20:.1f} MiB, more than the server's "
            f"--max-answer ({max_bytes / 2**20:g} MiB); ask for fewer or shorter values "
            "(LIMIT, SUBSTR), or start `pav-graph serve` with a higher --max-answer")


def _take(iterator, limit: int, what: str, max_bytes: int = 0) -> list:
    """At most ``limit`` items (more: _TooMany) whose text is at most ``max_bytes`` long
    (more: _TooBig), counted while reading, before any answer is written: the row limit
    alone does not bound bytes (one row can hold a 268 MB string)."""
    items = []
    size = 0
    for item in iterator:
        if len(items) >= limit:
            raise _TooMany(what)
        items.append(item)
        if max_bytes:
            size += sum(len(str(term)) for term in item if term is not None)
            if size > max_bytes:
                raise _TooBig(size)
    return items


def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {  # RDF-star quoted triple
        "type": "triple",
        "value": {
            "subject": _json_term(term.subject),
            "predicate": _json_term(term.predicate),
            "object": _json_term(term.object),
        },
    }


def _json(variables: list[str], rows: list) -> bytes:
    bindings = []
    for row in rows:
        bindings.append({v: _json_term(t) for v, t in zip(variables, row) if t is not None})
    doc = {"head": {"vars": variables}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False).encode()


def _xml_term(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            attr = f" xml:lang={quoteattr(term.language)}"
        elif term.datatype.value != XSD_STRING:
            attr = f" datatype={quoteattr(term.datatype.value)}"
        else:
            attr = ""
        return f"<literal{attr}>{escape(term.value)}</literal>"
    return (
        f"<triple><subject>{_xml_term(term.subject)}</subject>"
        f"<predicate>{_xml_term(term.predicate)}</predicate>"
        f"<object>{_xml_term(term.object)}</object></triple>"
    )


def _xml(variables: list[str], rows: list) -> bytes:
    out = [
        '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
        "<head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in variables) + "</head>",
        "<results>",
    ]
    for row in rows:
        cells = "".join(
            f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
            for v, t in zip(variables, row)
            if t is not None
        )
        out.append(f"<result>{cells}</result>")
    out.append("</results>\n</sparql>\n")
    return "\n".join(out).encode()


def _csv_value(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


def _csv(variables: list[str], rows: list) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(variables)
    for row in rows:
        writer.writerow([_csv_value(t) for t in row])
    return buffer.getvalue().encode()


def _tsv(variables: list[str], rows: list) -> bytes:
    # pyoxigraph's str() of a term is its N-Triples/Turtle form, which is what TSV results use.
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


_SOLUTION_WRITERS = {"json": _json, "xml": _xml, "csv": _csv, "tsv": _tsv}
