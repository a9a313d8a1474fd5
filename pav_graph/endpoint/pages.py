"""The non-SPARQL part of the server: the static site and the offline query page.

Static paths are checked twice: the decoded request path may not contain ``..`` segments, and
the resolved file (after following symlinks) must still lie inside the site directory, so neither
``/../`` nor ``%2e%2e`` nor a symlink can reach a file outside it.

The query page is YASGUI (the SPARQL editor and result viewer many public endpoints use),
vendored from npm ``@zazuko/yasgui`` 4.6.2 into ``static/yasgui/`` with its licences and served
from ``/query/static/``, so it works on a machine without internet. ``static/query.js`` sets it
up for this endpoint: the query library (``queries/*.rq``) as examples, autocompletion from this
server only, and pav-graph IRIs in results linked to the pages of the served site.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote


class PathRefused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def resolve_static(site: Path, url_path: str) -> Path:
    """Map a URL path to a file inside ``site``; raise PathRefused (400/403/404) otherwise."""
    try:
        decoded = unquote(url_path, errors="strict")
    except UnicodeDecodeError:
        raise PathRefused(400, "the path is not valid UTF-8") from None
    if "\x00" in decoded or "\\" in decoded:
        raise PathRefused(400, "the path contains a NUL byte or a backslash")
    parts = [p for p in decoded.split("/") if p]
    if any(p in ("..", ".") for p in parts):
        raise PathRefused(400, "the path may not contain '.' or '..' segments")
    if any(p.startswith(".") for p in parts):
        raise PathRefused(404, f"not found: {url_path}")
    root = site.resolve()
    target = root.joinpath(*parts).resolve()
    if target.is_dir():
        target = (target / "index.html").resolve()
    if not target.is_relative_to(root):
        raise PathRefused(403, "the path leads outside the site directory")
    if not target.is_file():
        raise PathRefused(404, f"not found: {url_path}")
    return target


@dataclass
class Example:
    name: str
    title: str
    question: str
    text: str


def load_examples(queries_dir: Path | None) -> list[Example]:
    """The query library as runnable examples (prefixes and example parameters filled in)."""
    if queries_dir is None or not queries_dir.is_dir():
        return []
    try:
        return _library_examples(queries_dir)
    except (ImportError, OSError, UnicodeDecodeError, ValueError):
        return _raw_examples(queries_dir)


def _library_examples(queries_dir: Path) -> list[Example]:
    """Via :mod:`pav_graph.querylib`: the text a user can run as is, like `pav-graph query` does
    (standard prefixes prepended; parameters bound from the ``# example:`` line or defaults)."""
    from pav_graph import querylib

    examples = []
    for name, query in querylib.library(queries_dir).items():
        given = dict(re.findall(r"--param\s+([\w-]+)=(\S+)", query.example or ""))
        try:
            text = querylib.render(query.sparql, querylib.bind(query, given))
        except querylib.ParamError:
            needed = "; ".join(f"?{p.name}: {p.description}" for p in query.params)
            text = query.sparql + f"\n# parameters (bind them with VALUES): {needed}\n"
        examples.append(Example(name, query.title or name, query.question_nl, text))
    return examples


def _raw_examples(queries_dir: Path) -> list[Example]:
    """Fallback: the files as they are, with their ``# title:``/``# question-nl:`` lines."""
    examples = []
    for path in sorted(queries_dir.glob("*.rq")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        header: dict[str, str] = {}
        for line in text.splitlines():
            if not line.startswith("#"):
                if line.strip():
                    break
                continue
            key, sep, value = line.lstrip("# ").partition(":")
            if sep and key.strip().lower() in ("title", "question-nl"):
                header[key.strip().lower()] = value.strip()
        examples.append(
            Example(path.stem, header.get("title", path.stem), header.get("question-nl", ""), text)
        )
    return examples


_DEFAULT_QUERY = """PREFIX pg: <https://w3id.org/pav-graph/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

# Alle casussen met hun label / every case with its label
SELECT ?case ?id ?label WHERE {
  ?case a pg:Case ; dcterms:identifier ?id ; rdfs:label ?label .
  FILTER(lang(?label) = "nl")
}
ORDER BY ?id
"""

STATIC = Path(__file__).resolve().parent / "static"
# URL name under /query/static/ → (file, media type). A fixed list: nothing else is served.
ASSETS = {
    "yasgui.min.js": ("yasgui/yasgui.min.js", "text/javascript; charset=utf-8"),
    "yasgui.min.css": ("yasgui/yasgui.min.css", "text/css; charset=utf-8"),
    "LICENSE": ("yasgui/LICENSE", "text/plain; charset=utf-8"),
    "THIRD-PARTY-LICENSES.txt": ("yasgui/THIRD-PARTY-LICENSES.txt", "text/plain; charset=utf-8"),
    "query.js": ("query.js", "text/javascript; charset=utf-8"),
    "query.css": ("query.css", "text/css; charset=utf-8"),
}
# The page's own policy: scripts, styles and requests from this server only. It keeps the
# page offline by construction (a vendored script that wanted a CDN would be blocked, and the
# browser test sees the console error); inline styles are allowed because YASGUI sets them.
PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
               "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
               "object-src 'none'; base-uri 'none'; frame-ancestors 'self'")

_PAGE = """<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>pav-graph — SPARQL</title>
<link rel="stylesheet" href="/query/static/yasgui.min.css">
<link rel="stylesheet" href="/query/static/query.css">
</head>
<body>
<header>
<h1>pav-graph SPARQL</h1>
<p>Stel een vraag aan de graaf (SPARQL 1.1, alleen lezen; endpoint <code>/sparql</code>).
Kies een voorbeeld uit de querybibliotheek, pas het aan en voer het uit met
<kbd>Ctrl</kbd>+<kbd>Enter</kbd>. <small>Ask the graph a question: pick an example from the
query library, edit it, run it (Ctrl+Enter). Prefixes complete after <code>PREFIX</code>;
properties and classes of the graph complete with Ctrl+Space.</small></p>
<p><label for="examples">Voorbeeldvragen <small>(examples)</small>:</label>
<select id="examples"><option value="">— kies een vraag / choose a question —</option></select></p>
<p id="question"></p>
</header>
<main id="yasgui"></main>
<footer><small>Query editor: <a href="/query/static/LICENSE">YASGUI</a> (@zazuko/yasgui 4.6.2,
MIT; <a href="/query/static/THIRD-PARTY-LICENSES.txt">bundled software</a>), served from this
server, works offline.</small></footer>
<script type="application/json" id="pg-config">__CONFIG__</script>
<script src="/query/static/yasgui.min.js"></script>
<script src="/query/static/query.js"></script>
</body>
</html>
"""


def _safe_json(data) -> str:
    """JSON that cannot end the ``<script>`` element it is embedded in."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def query_page(examples: list[Example], *, site: bool = False) -> bytes:
    """The HTML of ``/query``: YASGUI with the query library as examples. ``site``: a static
    site is served at ``/``, so pav-graph IRIs in results link to its pages."""
    from pav_graph.rdf import PREFIXES

    config = {"examples": [ex.__dict__ for ex in examples], "site": site,
              "prefixes": dict(PREFIXES), "default": _DEFAULT_QUERY}
    return _PAGE.replace("__CONFIG__", _safe_json(config)).encode()


def prefixes_json() -> bytes:
    """The project's prefixes in prefix.cc's format, for YASQE's prefix autocompletion."""
    from pav_graph.rdf import PREFIXES

    extra = {"cito": "http://purl.org/spar/cito/", "sd": "http://www.w3.org/ns/sparql-service-description#",
             "void": "http://rdfs.org/ns/void#"}
    return json.dumps({**PREFIXES, **extra}, sort_keys=True).encode()


def asset(name: str) -> tuple[bytes, str] | None:
    """A file of the query page by its name under ``/query/static/``, or None."""
    if name == "prefixes.json":
        return prefixes_json(), "application/json"
    if name not in ASSETS:
        return None
    path, media_type = ASSETS[name]
    return (STATIC / path).read_bytes(), media_type
