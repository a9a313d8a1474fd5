"""Running SPARQL on the embedded store or on a remote endpoint, with one result shape.

Results are returned as :class:`Result` (variable names + rows of plain Python values), so the
CLI, tests and pages do not care which engine answered. Parameters are bound in the query text,
which every endpoint understands (pyoxigraph's own substitutions would not travel to a remote
store, and they only bind projected variables): a parameter used only inside FILTER expressions
is written there as a constant, any other with a ``VALUES`` block.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from pav_graph import engines
from pav_graph.rdf import PREFIXES


@dataclass
class Term:
    """An RDF term as a plain value: ``value`` plus what it is (iri, literal, bnode)."""

    value: str
    kind: str = "literal"
    lang: str | None = None
    datatype: str | None = None

    def __str__(self) -> str:
        return self.value

    def to_json(self) -> dict:
        d: dict[str, Any] = {"type": "uri" if self.kind == "iri" else self.kind, "value": self.value}
        if self.lang:
            d["xml:lang"] = self.lang
        if self.datatype:
            d["datatype"] = self.datatype
        return d


@dataclass
class Result:
    variables: list[str]
    rows: list[dict[str, Term | None]]

    def values(self, var: str) -> list[str]:
        return [str(r[var]) for r in self.rows if r.get(var) is not None]

    def records(self) -> list[dict[str, str | None]]:
        return [{v: (str(r[v]) if r.get(v) is not None else None) for v in self.variables} for r in self.rows]

    def to_sparql_json(self) -> dict:
        return {
            "head": {"vars": self.variables},
            "results": {"bindings": [
                {v: t.to_json() for v, t in row.items() if t is not None} for row in self.rows
            ]},
        }


def prefix_header() -> str:
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def values_clause(bindings: dict[str, str]) -> str:
    """``VALUES (?a ?b) { (<iri> "text") }`` from already-serialised SPARQL terms."""
    if not bindings:
        return ""
    names = " ".join(f"?{k}" for k in bindings)
    terms = " ".join(bindings.values())
    return f"\nVALUES ({names}) {{ ({terms}) }}\n"


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def bind_values(text: str, bindings: dict[str, str], *, inline: bool = True) -> str:
    """Bind parameters: constants in FILTER expressions, else a ``VALUES`` block.

    A parameter that occurs only inside FILTER expressions is replaced there by its value
    (:func:`inline_filter_parameters`). Others get an inline ``VALUES`` block opening the
    outermost WHERE group, or the WHERE group of the innermost sub-select that holds every use
    of the parameter (so that the sub-select starts from the given value). A trailing
    ``VALUES`` clause would be simpler, but SPARQL 1.1 (§18.2.4.3) joins it only after FILTER,
    GROUP BY and HAVING, so a parameter used in a FILTER would match nothing. Comments are
    skipped when looking for WHERE; without one, the clause goes at the end.
    """
    if inline:
        text, bindings = inline_filter_parameters(text, bindings)
    if not bindings:
        return text
    masked = _masked(text)
    outer = _WHERE.search(masked)
    if outer is None:
        return text + values_clause(bindings)
    # Each parameter goes to the innermost sub-select whose WHERE group holds all its uses in
    # graph patterns, else to the outer WHERE. Uses in a projection, GROUP BY or ORDER BY do
    # not count: a value bound inside flows out through the sub-select's projection.
    levels = [(0, len(masked), outer.end() - 1)] + _subselect_groups(masked)
    clauses = []
    for start, end, group in levels:
        close = _closing(masked, group)
        clauses += [(start, group), (close, end)]
    places: dict[int, dict[str, str]] = {}
    for name, term in bindings.items():
        uses = [m.start() for m in re.finditer(rf"[?$]{re.escape(name)}(?![\w])", masked)
                if not any(a <= m.start() < b for a, b in clauses)]
        inner = [(a, b, g) for a, b, g in levels[1:] if uses and all(a <= u < b for u in uses)]
        at = min(inner, key=lambda s: s[1] - s[0])[2] + 1 if inner else outer.end()
        places.setdefault(at, {})[name] = term
    for at in sorted(places, reverse=True):
        text = text[:at] + values_clause(places[at]) + text[at:]
    return text


_SUBSELECT = re.compile(r"\{\s*SELECT\b", re.IGNORECASE)


def _closing(masked: str, opening: int) -> int:
    """The position of the brace that closes the one at ``opening``."""
    depth = 0
    for at in range(opening, len(masked)):
        depth += {"{": 1, "}": -1}.get(masked[at], 0)
        if depth == 0:
            return at
    return len(masked)


def _subselect_groups(masked: str) -> list[tuple[int, int, int]]:
    """(start, end, group) of every sub-select ``{ SELECT … WHERE { … } … }``, ``group`` being
    where its WHERE group opens. A parameter used only inside one is bound there: a ``VALUES``
    block outside would be joined only after the sub-select had been evaluated for every value
    (and, in some engines, would lose the order of an ordered sub-select)."""
    spans = []
    for m in _SUBSELECT.finditer(masked):
        end = _closing(masked, m.start())
        group = masked.find("{", m.end(), end)
        if group > 0:
            spans.append((m.start() + 1, end, group))
    return spans


def _masked(text: str) -> str:
    """The text with strings, IRIs and comments blanked out (same length), so that scanning
    for keywords, parentheses and variables sees only SPARQL syntax."""
    from pav_graph.sparql_lexer import LEXEME

    return LEXEME.sub(lambda m: "_" * len(m.group()), text)


_FILTER = re.compile(r"(?<![\w?$:\-])FILTER\s*", re.IGNORECASE)
_CALL = re.compile(r"[A-Za-z_][\w:]*\s*\(")


def _filter_spans(masked: str) -> list[tuple[int, int]]:
    """Start and end of every FILTER expression: ``FILTER ( … )`` or ``FILTER fn( … )``.
    ``FILTER [NOT] EXISTS { … }`` holds graph patterns, not an expression, and is skipped."""
    spans = []
    for m in _FILTER.finditer(masked):
        at = m.end()
        call = _CALL.match(masked, at)
        if call and call.group().split("(")[0].strip().upper() in ("NOT", "EXISTS"):
            continue
        if call:
            at = call.end() - 1
        if at >= len(masked) or masked[at] != "(":
            continue
        depth = 0
        for end in range(at, len(masked)):
            depth += {"(": 1, ")": -1}.get(masked[end], 0)
            if depth == 0:
                spans.append((m.start(), end + 1))
                break
    return spans


def inline_filter_parameters(text: str, bindings: dict[str, str]) -> tuple[str, dict[str, str]]:
    """Write each parameter that is used only inside FILTER expressions as a constant there.

    Bound by a ``VALUES`` join, such a variable keeps a filter from being applied early: the
    engine (Oxigraph 0.5) filters only after joining everything else, e.g. `search-quotes` on
    10,000 cases ran 5 s instead of 0.2 s. A constant means the same inside an expression.
    Returns the text and the bindings still to be given by ``VALUES``.
    """
    if not bindings:
        return text, bindings
    masked = _masked(text)
    spans = _filter_spans(masked)
    rest, edits = {}, []
    for name, term in bindings.items():
        places = [m.start() for m in re.finditer(rf"[?$]{re.escape(name)}(?![\w])", masked)]
        if places and all(any(a <= p < b for a, b in spans) for p in places):
            edits += [(p, p + 1 + len(name), term) for p in places]
        else:
            rest[name] = term
    for start, end, term in sorted(edits, reverse=True):
        text = text[:start] + term + text[end:]
    return text, rest


def _term(t) -> Term | None:
    if t is None:
        return None
    if isinstance(t, ox.NamedNode):
        return Term(t.value, "iri")
    if isinstance(t, ox.BlankNode):
        return Term(t.value, "bnode")
    dt = t.datatype.value if t.datatype else None
    if t.language or dt == "http://www.w3.org/2001/XMLSchema#string":
        dt = None
    return Term(t.value, "literal", t.language, dt)


def select_local(store: ox.Store, query: str, bindings: dict[str, str] | None = None) -> Result:
    solutions = store.query(bind_values(query, bindings or {}))
    if not isinstance(solutions, ox.QuerySolutions):
        raise TypeError("not a SELECT query")
    variables = [v.value for v in solutions.variables]
    rows = [{v: _term(sol[v]) for v in variables} for sol in solutions]
    return Result(variables, rows)


class EndpointError(Exception):
    """A remote endpoint refused or could not be reached; the message says which and why."""


def select_remote(endpoint: str, query: str, bindings: dict[str, str] | None = None,
                  timeout: float = 60, headers: dict[str, str] | None = None) -> Result:
    text = bind_values(query, bindings or {})
    body = urllib.parse.urlencode({"query": text}).encode()
    request = urllib.request.Request(
        endpoint, data=body, method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded",
                 "Accept": "application/sparql-results+json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = json.load(response)
    except urllib.error.HTTPError as exc:
        raise EndpointError(_refusal(exc, endpoint)) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise EndpointError(f"cannot reach {engines.engine(None, endpoint)} at {endpoint}: "
                            f"{reason}; is it running, and is the URL right?") from None
    except ValueError:
        raise EndpointError(f"{endpoint} did not answer SPARQL JSON results; is it a SPARQL query "
                            f"endpoint? ({engines.query_paths()})") from None
    variables = data["head"]["vars"]
    rows = []
    for b in data["results"]["bindings"]:
        row: dict[str, Term | None] = {}
        for v in variables:
            x = b.get(v)
            if x is None:
                row[v] = None
            else:
                kind = {"uri": "iri", "bnode": "bnode"}.get(x["type"], "literal")
                row[v] = Term(x["value"], kind, x.get("xml:lang"), x.get("datatype"))
        rows.append(row)
    return Result(variables, rows)


def _refusal(exc: urllib.error.HTTPError, endpoint: str) -> str:
    """One line for an endpoint's error answer: which engine, what it said, what to do."""
    who = engines.engine(exc.headers.get("Server") if exc.headers else None, endpoint)
    try:
        said = engines.detail(exc.read(2000))
    except OSError:
        said = ""
    said = f": {said}" if said else ""
    if exc.code == 400:
        return (f"{who} at {endpoint} rejected the query (HTTP 400{said}); this engine does not "
                "accept it as written: see 'What each engine does differently' in "
                "docs/triple-stores.md")
    if exc.code in (401, 403):
        return (f"{who} at {endpoint} refused the query (HTTP {exc.code}{said}); use its public "
                f"query endpoint ({engines.query_paths()})")
    if exc.code in (404, 405, 406):
        return (f"no SPARQL query endpoint at {endpoint} (HTTP {exc.code}{said}); check --endpoint "
                f"({engines.query_paths()})")
    return (f"{who} at {endpoint} failed on the query (HTTP {exc.code}{said}); see the store's "
            "log, or ask for fewer rows (LIMIT)")


def sparql_iri(iri: str) -> str:
    return f"<{iri}>"


def sparql_literal(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def read_query(path: Path) -> str:
    return path.read_text(encoding="utf-8")
