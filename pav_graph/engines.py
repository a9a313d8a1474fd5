"""Which triple store answered, and what to tell the user about it.

``pav-graph push`` and ``pav-graph query --endpoint`` talk to stores they do not control. When a
store refuses or fails, the message names the engine — from the HTTP ``Server`` header
(``Virtuoso/07.20…``, ``Oxigraph/0.5…``), else guessed from the endpoint's path — and gives the
fix that applies to that engine, on one line.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

# (engine, Server header starts with, endpoint paths that suggest it, Graph Store path, query path)
_ENGINES = (
    ("Virtuoso", "virtuoso", ("/sparql-graph-crud",), "/sparql-graph-crud-auth", "/sparql"),
    ("Oxigraph", "oxigraph", ("/store",), "/store", "/query"),
    ("Fuseki", "apache jena fuseki", ("/data",), "/DATASET/data", "/DATASET/sparql"),
    ("GraphDB", "graphdb", ("/rdf-graphs/service", "/repositories/"),
     "/repositories/REPO/rdf-graphs/service", "/repositories/REPO"),
    ("pav-graph serve", "pav-graph", (), "(none: read-only)", "/sparql"),
)


def engine(server: str | None, url: str) -> str:
    """The engine's name: from the ``Server`` header, else from the endpoint's path, else
    "the store"."""
    text = (server or "").strip().lower()
    for name, header, _, _, _ in _ENGINES:
        if header and text.startswith(header):
            return name
    if text:
        return (server or "").split("/")[0].split("(")[0].strip() or "the store"
    path = urlsplit(url).path
    for name, _, paths, _, _ in _ENGINES:
        if any(p in path for p in paths):
            return name
    return "the store"


def graph_store_paths() -> str:
    """Where each engine's Graph Store Protocol endpoint is, for a "wrong --endpoint" hint."""
    return ", ".join(f"{name}: {gsp}" for name, _, _, gsp, _ in _ENGINES if name != "pav-graph serve")


def query_paths() -> str:
    return ", ".join(f"{name}: {path}" for name, _, _, _, path in _ENGINES)


def detail(body: bytes | str | None, limit: int = 200) -> str:
    """The store's own words, on one line: the text of an HTML error page without its markup
    (Virtuoso puts the message after the title), else the first non-empty lines of the body."""
    if not body:
        return ""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    if re.search(r"<(html|body|h\d|xmp|title)\b", text, re.IGNORECASE):
        text = re.sub(r"<title>.*?</title>|<h1>.*?</h1>", " ", text, flags=re.IGNORECASE | re.DOTALL)
        text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # Virtuoso repeats the query after its message ("SPARQL query: ..."): keep the message only
    cut = next((i for i, line in enumerate(lines) if line.startswith("SPARQL query:")), len(lines))
    words = " ".join(" ".join(lines[:cut]).split())
    return words if len(words) <= limit else words[: limit - 1].rstrip() + "…"
