"""The query cookbook: ``docs/query-cookbook.md`` generated from the query library and the graph.

The cookbook is generated, not written, so that every query it shows is the one in ``queries/``
and every result table is what that query answers on the corpus as built. Result tables (and the
corpus counts) sit between ``<!-- result -->`` markers: :func:`strip_results` removes them, so a
test can tell whether the committed file documents the current library even while the cases
change, and a regeneration brings the tables up to date.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from pav_graph import querylib
from pav_graph.sparql import prefix_header, select_local

ROWS = 10
CELL = 90
RESULT_START = "<!-- result -->"
RESULT_END = "<!-- /result -->"
_EXAMPLE_PARAM = re.compile(r"--param\s+([\w-]+)=(\S+)")


def example_params(query: querylib.NamedQuery) -> dict[str, str]:
    """The ``--param k=v`` values of the query's ``# example:`` line."""
    return dict(_EXAMPLE_PARAM.findall(query.example or ""))


def _cell(value: str | None) -> str:
    text = " ".join((value or "").split()).replace("|", "\\|")
    return text if len(text) <= CELL else text[: CELL - 1].rstrip() + "…"


def markdown_table(variables: list[str], records: list[dict], limit: int = ROWS) -> str:
    lines = ["| " + " | ".join(variables) + " |", "|" + "---|" * len(variables)]
    for rec in records[:limit]:
        lines.append("| " + " | ".join(_cell(rec.get(v)) for v in variables) + " |")
    shown = min(limit, len(records))
    lines.append("")
    lines.append(f"{len(records)} rows" + (f" (first {shown} shown)." if len(records) > shown else "."))
    return "\n".join(lines)


def _body(query: querylib.NamedQuery) -> str:
    """The SPARQL of the file without its header comment lines."""
    lines = query.text.splitlines()
    while lines and (lines[0].startswith("#") or not lines[0].strip()):
        lines.pop(0)
    return "\n".join(lines).rstrip()


def _anchor(name: str) -> str:
    return name.lower()


def query_section(query: querylib.NamedQuery, store: ox.Store | None) -> str:
    title_nl, _, title_en = query.title.partition(" | ")
    out = [f"## {query.name}", "", f"**{title_nl}** — *{title_en or title_nl}*", "",
           f"- nl: {query.question_nl}", f"- en: {query.question_en}"]
    if query.use:
        out.append(f"- use: {query.use}")
    out.append("")
    if query.params:
        out += ["| parameter | meaning |", "|---|---|"]
        for p in query.params:
            out.append(f"| `{p.name}` | {_cell(p.description)} |")
        out.append("")
    out += ["```sh", query.example or f"pav-graph query {query.name}", "```", "",
            "```sparql", _body(query), "```", ""]
    if store is not None:
        bindings = querylib.bind(query, example_params(query))
        result = select_local(store, querylib.render(query.sparql, bindings))
        given = ", ".join(f"{k}={v}" for k, v in example_params(query).items())
        out += [RESULT_START, f"Result on the corpus{f' ({given})' if given else ''}:", "",
                markdown_table(result.variables, result.records()), RESULT_END, ""]
    return "\n".join(out)


USAGE = """\
## Running the queries elsewhere

The `.rq` files leave out the standard prefixes; `pav-graph query` adds them. Outside pav-graph,
put this block in front of a query:

```sparql
{prefixes}```

Parameters (`?case`, `?concept`, `?text`, ...) are bound with a `VALUES` block at the start of the
query's outermost `WHERE` group, e.g. `VALUES (?case) {{ (<https://w3id.org/pav-graph/id/case/maastricht-2025>) }}`.
(Not a trailing `VALUES`: SPARQL 1.1 joins that only after `FILTER` and `HAVING`, so a `text`
search or a `min` threshold would find nothing.) Ids become IRIs: case `x` is
`https://w3id.org/pav-graph/id/case/x`, concept `y` is `https://w3id.org/pav-graph/id/concept/y`,
source `z` is `https://w3id.org/pav-graph/id/source/z`. Each kind has its prefix in the block
above, so write `pgcase:x`, `pgconcept:y`, `pgsource:z`, `pglevel:gemeente`,
`pgstatus:recommended` (not `pgid:level/gemeente`: a `/` cannot stand in a prefixed name). The
build writes every type the class hierarchy entails, so `?c a pg:Concept` and
`?s a prov:Entity` need no reasoner (docs/ontology.md, *Which entailments are in the graph*).

### Python: pyoxigraph on the build's store

```python
import json
from pathlib import Path
import pyoxigraph as ox
from pav_graph import querylib
from pav_graph.sparql import select_local

build = Path("build")  # or $PAV_GRAPH_BUILD
current = build / json.loads((build / "current.json").read_text())["directory"]
store = ox.Store.read_only(str(current / "store"))

query = querylib.library(Path("queries"))["case-risk-factors"]
text = querylib.render(query.sparql, querylib.bind(query, {{"case": "maastricht-2025"}}))
for row in select_local(store, text).records():
    print(row["risk_factor"], row["locator"], row["quote"])
```

### Python: rdflib on `graph.nt`

```python
import rdflib
graph = rdflib.Graph().parse(current / "graph.nt", format="nt")  # every asserted and inferred triple
for row in graph.query(text):
    print(row.risk_factor, row.quote)
```

### Python: SPARQLWrapper against `pav-graph serve`

```python
# first, in a shell: pav-graph serve   (read-only endpoint at http://127.0.0.1:8000/sparql)
from SPARQLWrapper import SPARQLWrapper, JSON
endpoint = SPARQLWrapper("http://127.0.0.1:8000/sparql")
endpoint.setQuery(text)  # prefixes and VALUES included, as built above
endpoint.setReturnFormat(JSON)
for b in endpoint.query().convert()["results"]["bindings"]:
    print(b["risk_factor"]["value"], b["quote"]["value"])
```

The same runs against any SPARQL 1.1 store the graph was pushed to:
`pav-graph query case-risk-factors --param case=maastricht-2025 --endpoint http://localhost:7878/query`.

### pandas

```python
import io, subprocess
import pandas as pd
out = subprocess.run(["pav-graph", "query", "cases-by-level", "--format", "csv"],
                     capture_output=True, check=True).stdout
df = pd.read_csv(io.BytesIO(out), encoding="utf-8-sig")
```

### R

```r
# CSV from the command line (UTF-8 with BOM, so Dutch characters survive)
df <- read.csv(pipe("pav-graph query cases-by-level --format csv"), fileEncoding = "UTF-8-BOM")

# or the endpoint of `pav-graph serve`
library(httr); library(jsonlite)
q <- paste(readLines("my-query.rq", encoding = "UTF-8"), collapse = "\\n")  # with the prefixes
r <- POST("http://127.0.0.1:8000/sparql", body = list(query = q), encode = "form",
          accept("application/sparql-results+json"))
rows <- fromJSON(content(r, "text", encoding = "UTF-8"))$results$bindings
```

### curl

```sh
pav-graph serve &
curl -s http://127.0.0.1:8000/sparql \\
  -H 'Accept: text/csv' \\
  --data-urlencode query@my-query.rq     # a query file with the prefix block in front
```

### Writing your own queries so they stay fast

Measured on 10,000 synthetic cases (docs/benchmarks.md); on the 34 real cases anything is fast.

- Join what the graph always has instead of wrapping it in `OPTIONAL`: every finding, relation,
  intervention and event has evidence with a quote, a locator, a first line and a source, and
  every case and actor a Dutch and an English label (the case schema and SHACL guarantee it).
  Oxigraph evaluates a larger `OPTIONAL` group over the whole graph before joining it.
- Go from a quote to its case with `?ev pg:evidenceIn ?case`, and from a case to what it is
  linked to with `?case pg:linkedTo ?concept`, rather than through five alternative paths.
- Put a parameter that is only compared in a `FILTER` as a constant in the query (`pav-graph
  query` does this for you); bound by `VALUES`, it keeps Oxigraph from filtering early.
- Count per case in a sub-select before pairing things up (see `cooccurring-pairs`), and start
  from the one case you ask about (see `similar-cases`).
- Pair or order concepts by `pg:ordinal` (`FILTER(?i < ?j)` on two numbers), group on it, and
  look up `skos:notation` and labels only for the rows that remain: every string compared or
  grouped is read from the store (`cooccurring-triples`: 2.1 → 0.9 s).
- Filter a count where it is made, in the same group (`{{ {{ SELECT … COUNT … }} FILTER(?n <= ?max) }}`,
  see `thin-evidence`), so that the engine looks up the rest for the rows that pass only. A
  parameter there is below the outer group, out of reach of a `VALUES` block: keep it inside
  `FILTER` so that `pav-graph query` writes it as a constant.

### Writing your own queries so every engine gives the same answer

The library runs unchanged, with equal rows in the same order, on pyoxigraph, Oxigraph server,
Virtuoso 7 and rdflib (`tests/test_engine_parity.py`; what each engine does differently is in
[triple-stores.md](triple-stores.md)). The rules it follows:

- End with a complete `ORDER BY`: keys until no two different rows tie (add `?locator`,
  `STR(?quote)` after `?line`). Engines order tied rows differently.
- Sort every `GROUP_CONCAT` list: concatenate from an ordered sub-select that has one row per
  item, `{{ SELECT DISTINCT ?group ?item WHERE {{ … }} ORDER BY ?item }}`, and group over that
  sub-select alone (a pattern joined next to it may reorder the rows). Two lists in one row
  need one such sub-select each (see `patterns-across-levels`). `pav-graph query` binds a
  parameter used only inside a sub-select there.
- Divide as decimals: `xsd:decimal(?count) / ?total`. Virtuoso divides two integers as integers.
- `ORDER BY` a plain variable, not an expression of aggregates of the same query (Virtuoso:
  SP031): aggregate in a sub-select and order outside it.
- `STR()` a language-tagged literal before `GROUP_CONCAT` (Virtuoso drops the tag, Oxigraph
  keeps it) and before ordering by it.
- No `SELECT DISTINCT` sub-selects nested inside a sub-select of a grouped query: Virtuoso 7 lost
  groups with them; make the inner sub-selects plain and put one `DISTINCT` around them.
"""


def render_cookbook(library: dict[str, querylib.NamedQuery], store: ox.Store | None,
                    counts: dict[str, int] | None = None) -> str:
    """The whole cookbook as Markdown; without a store the result tables are left out."""
    out = ["# pav-graph query cookbook", "",
           ("Generated by `pav-graph cookbook` from `queries/*.rq` and the built graph — do not edit "
            "by hand; change a query and run `pav-graph cookbook` again."), "",
           ("Every query answers a competency question of the project. Run one with "
           "`pav-graph query NAME --param key=value`, list them with `pav-graph queries`, and choose "
           "the output with `--format table|json|csv|sparql-json` (CSV is UTF-8 with a BOM for "
           "spreadsheets). Results say what the *sources* say; each row with a quote carries its "
           "source and locator (`regels` = lines of the source text)."), ""]
    if counts:
        out += [RESULT_START, "The results below were computed on "
                + ", ".join(f"{n} {what}" for what, n in counts.items()) + ".", RESULT_END, ""]
    out += ["## Queries", "", "| query | question |", "|---|---|"]
    for name, q in library.items():
        out.append(f"| [{name}](#{_anchor(name)}) | {_cell(q.question_nl)} |")
    out.append("")
    out.append(USAGE.format(prefixes=prefix_header()))
    for q in library.values():
        out.append(query_section(q, store))
    return "\n".join(out).rstrip() + "\n"


def strip_results(markdown: str) -> str:
    """The cookbook without its result blocks: what must match the library exactly."""
    text = re.sub(re.escape(RESULT_START) + r".*?" + re.escape(RESULT_END), "", markdown, flags=re.DOTALL)
    return re.sub(r"\n{3,}", "\n\n", text).rstrip() + "\n"


def corpus_counts(store: ox.Store) -> dict[str, int]:
    text = prefix_header() + """
SELECT (COUNT(DISTINCT ?case) AS ?cases) (COUNT(DISTINCT ?concept) AS ?concepts)
       (COUNT(DISTINCT ?source) AS ?sources) WHERE {
  { ?case a pg:Case } UNION { ?concept a skos:Concept ; pg:kind ?k } UNION { ?source a pg:Source }
}"""
    row = select_local(store, text).records()[0]
    return {name: int(row[name] or 0) for name in ("cases", "concepts", "sources")}


def write_cookbook(queries_dir: Path, store: ox.Store, out: Path) -> Path:
    from pav_graph.atomic import write_text

    library = querylib.library(queries_dir)
    write_text(out, render_cookbook(library, store, corpus_counts(store)))
    return out
