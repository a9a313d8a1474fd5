"""The query library: named SPARQL queries in ``queries/*.rq`` with a readable header.

Header lines at the top of each file::

    # title: Risicofactoren van een casus | Risk factors of a case
    # question-nl: Welke risicofactoren ... ?
    # question-en: Which risk factors ... ?
    # param: case = case id (required)
    # example: pav-graph query case-risk-factors --param case=maastricht-2025
    # use: what a researcher does with the answer

A parameter named ``case``, ``concept``, ``source``, ``pattern``, ``other`` or ``concept2`` takes an
id and is bound to the IRI; any other parameter is bound as a plain literal (or a number).

:func:`render` puts the parameters in a ``VALUES`` block at the start of the query's outermost
``WHERE`` group, not in a trailing ``VALUES`` clause: SPARQL 1.1 (section 18.2.4.3) joins a
trailing ``VALUES`` only after ``FILTER``, ``GROUP BY`` and ``HAVING``, so a ``text`` searched with
``FILTER(CONTAINS(...))`` or a ``min`` used in ``HAVING`` would be unbound there and every row
dropped. Inside the group both work, and for IRI parameters the answer is the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pav_graph.rdf import ID
from pav_graph.sparql import bind_values, prefix_header, sparql_iri, sparql_literal

_HEADER = re.compile(r"#\s*([a-z-]+):\s*(.*)\Z")
IRI_PARAMS = {"case": "case", "concept": "concept", "source": "source", "pattern": "concept",
              "other": "case", "concept2": "concept"}


@dataclass
class Param:
    name: str
    description: str
    required: bool
    default: str | None = None


@dataclass
class NamedQuery:
    name: str
    path: Path
    text: str
    title: str = ""
    question_nl: str = ""
    question_en: str = ""
    params: list[Param] = field(default_factory=list)
    example: str = ""
    use: str = ""

    @property
    def sparql(self) -> str:
        """The query with the standard prefixes, so files may use pg:, skos:, ... freely."""
        return prefix_header() + self.text


def parse(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    q = NamedQuery(path.stem, path, text)
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        m = _HEADER.match(line)
        if not m:
            continue
        key, value = m.group(1), m.group(2).strip()
        if key == "title":
            q.title = value
        elif key == "question-nl":
            q.question_nl = value
        elif key == "question-en":
            q.question_en = value
        elif key == "example":
            q.example = value
        elif key == "use":
            q.use = value
        elif key == "param":
            name, _, rest = value.partition("=")
            required = "(required)" in rest
            default = None
            dm = re.search(r"\(default:\s*([^)]+)\)", rest)
            if dm:
                default = dm.group(1).strip()
            q.params.append(Param(name.strip(), rest.strip(), required, default))
    return q


def library(queries_dir: Path) -> dict[str, NamedQuery]:
    return {p.stem: parse(p) for p in sorted(queries_dir.glob("*.rq"))}


class ParamError(Exception):
    """A parameter is missing, unknown or malformed; the message says which and how to fix it."""


def bind(query: NamedQuery, given: dict[str, str]) -> dict[str, str]:
    """Turn ``--param k=v`` values into SPARQL terms for the query's declared parameters."""
    declared = {p.name: p for p in query.params}
    for name in given:
        if name not in declared:
            known = ", ".join(declared) or "none"
            raise ParamError(f"query {query.name!r} has no parameter {name!r} (its parameters: {known})")
    bindings = {}
    for p in query.params:
        value = given.get(p.name, p.default)
        if value is None:
            if p.required:
                raise ParamError(f"query {query.name!r} needs --param {p.name}=... ({p.description})")
            continue
        kind = IRI_PARAMS.get(p.name)
        if kind:
            if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", value):
                raise ParamError(f"--param {p.name}={value!r} is not an id (lower-case letters, digits, '-')")
            bindings[p.name] = sparql_iri(f"{ID}{kind}/{value}")
        elif re.fullmatch(r"-?\d+(\.\d+)?", value):
            bindings[p.name] = value
        else:
            bindings[p.name] = sparql_literal(value)
    return bindings


def render(text: str, bindings: dict[str, str]) -> str:
    """The query text with its parameters bound (see :func:`pav_graph.sparql.bind_values`)."""
    return bind_values(text, bindings)
