"""The non-SPARQL part of the server: the static site and the offline query page.

Static paths are checked twice: the decoded request path may not contain ``..`` segments, and
the resolved file (after following symlinks) must still lie inside the site directory, so neither
``/../`` nor ``%2e%2e`` nor a symlink can reach a file outside it. The query page is one HTML
file with inline JavaScript (no CDN), so it works on a machine without internet; it lists the
query library (``queries/*.rq``) as ready examples.
"""

from __future__ import annotations

import html
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


_DEFAULT_QUERY = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 25"

_PAGE = """<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<title>pav-graph — SPARQL</title>
<style>
body{font-family:system-ui,sans-serif;margin:1.5rem;max-width:70rem}
textarea{width:100%;height:14rem;font-family:monospace;font-size:.9rem}
table{border-collapse:collapse;margin-top:1rem;font-size:.9rem}
td,th{border:1px solid #bbb;padding:.25rem .5rem;vertical-align:top;text-align:left}
#status{margin:.5rem 0;color:#444}.err{color:#a00}
pre{white-space:pre-wrap;background:#f6f6f6;padding:.5rem}
</style>
</head>
<body>
<h1>pav-graph SPARQL</h1>
<p>Stel een vraag aan de graaf (SPARQL 1.1, alleen lezen). Endpoint: <code>/sparql</code>.
<br><small>Ask the graph a question (read-only SPARQL 1.1 endpoint at <code>/sparql</code>).</small></p>
<label for="examples">Voorbeeldvragen <small>(examples)</small>:</label>
<select id="examples"><option value="">—</option></select>
<p id="question"></p>
<textarea id="query" spellcheck="false">__DEFAULT__</textarea>
<p><button id="run">Uitvoeren <small>(run)</small></button>
<label>Formaat: <select id="accept">
<option value="application/sparql-results+json, text/turtle;q=0.9">tabel / Turtle</option>
<option value="text/csv, text/turtle;q=0.9">CSV</option>
<option value="application/sparql-results+xml, application/rdf+xml;q=0.9">XML</option>
<option value="application/ld+json, application/sparql-results+json;q=0.9">JSON-LD</option>
</select></label></p>
<div id="status"></div>
<div id="out"></div>
<script type="application/json" id="library">__EXAMPLES__</script>
<script>
"use strict";
const library = JSON.parse(document.getElementById("library").textContent);
const pick = document.getElementById("examples");
const area = document.getElementById("query");
const status = document.getElementById("status");
const out = document.getElementById("out");
library.forEach((ex, i) => {
  const opt = document.createElement("option");
  opt.value = String(i); opt.textContent = ex.title;
  pick.appendChild(opt);
});
pick.addEventListener("change", () => {
  const ex = library[Number(pick.value)];
  document.getElementById("question").textContent = ex ? ex.question : "";
  if (ex) area.value = ex.text;
});
function cell(term) {
  if (!term) return "";
  if (term.type === "literal" && term["xml:lang"]) return term.value + " @" + term["xml:lang"];
  return term.value;
}
function table(data) {
  const t = document.createElement("table");
  const head = t.insertRow();
  data.head.vars.forEach(v => { const th = document.createElement("th"); th.textContent = v; head.appendChild(th); });
  data.results.bindings.forEach(b => {
    const row = t.insertRow();
    data.head.vars.forEach(v => { row.insertCell().textContent = cell(b[v]); });
  });
  return t;
}
document.getElementById("run").addEventListener("click", async () => {
  out.replaceChildren(); status.className = ""; status.textContent = "Bezig… (running)";
  const started = performance.now();
  try {
    const resp = await fetch("sparql", {method: "POST",
      headers: {"Content-Type": "application/sparql-query",
                "Accept": document.getElementById("accept").value},
      body: area.value});
    const type = resp.headers.get("Content-Type") || "";
    const body = await resp.text();
    const ms = Math.round(performance.now() - started);
    if (!resp.ok) { status.className = "err"; status.textContent = resp.status + ": " + body; return; }
    if (type.startsWith("application/sparql-results+json")) {
      const data = JSON.parse(body);
      if ("boolean" in data) { status.textContent = "Antwoord (answer): " + data.boolean; return; }
      status.textContent = data.results.bindings.length + " rijen (rows), " + ms + " ms";
      out.appendChild(table(data));
    } else {
      status.textContent = type + ", " + ms + " ms";
      const pre = document.createElement("pre"); pre.textContent = body; out.appendChild(pre);
    }
  } catch (e) { status.className = "err"; status.textContent = String(e); }
});
</script>
</body>
</html>
"""


def query_page(examples: list[Example]) -> bytes:
    """The HTML of ``/query``; the examples are embedded as JSON that cannot close the script."""
    data = json.dumps([ex.__dict__ for ex in examples], ensure_ascii=False)
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    page = _PAGE.replace("__DEFAULT__", html.escape(_DEFAULT_QUERY))
    return page.replace("__EXAMPLES__", data).encode()
