"""Turn ``results.json`` into ``docs/benchmarks.md`` and a PNG plot."""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
from pathlib import Path

STAGES = ["load_validate", "rdf", "shacl", "reasoner", "store", "catalog"]
TARGETS = {1000: 10.0, 10000: 120.0}


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        kb = int(next(x for x in Path("/proc/meminfo").read_text().splitlines()
                      if x.startswith("MemTotal")).split()[1])
        memory = f"{kb / 2**20:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        memory = "unknown"
    try:
        load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        load = "unknown"
    try:
        java = subprocess.run(["java", "-version"], capture_output=True, text=True,
                              check=False).stderr.splitlines()
    except OSError:
        java = []
    return {"nproc": os.cpu_count(), "memory": memory, "cpu": cpu,
            "python": platform.python_version(), "platform": platform.platform(),
            "java": java[0] if java else "none", "load_before": load}


def fmt(value, digits: int = 2) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return f"{value:.{digits}f}"


def plot(results: dict, target: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted(int(n) for n in results["sizes"])
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for stage in [*STAGES, "total"]:
        ys = [results["sizes"][str(n)]["cold"].get(stage) for n in sizes]
        if any(y is not None for y in ys):
            left.plot(sizes, ys, marker="o", label=f"{stage} (now)")
    for stage in ("shacl", "reasoner"):
        pts = [(n, results["sizes"][str(n)].get("before", {}).get(stage)) for n in sizes]
        pts = [(n, y) for n, y in pts if y is not None]
        if pts:
            left.plot(*zip(*pts), marker="x", linestyle="--", label=f"{stage} (before)")
    left.set(xscale="log", yscale="log", xlabel="cases", ylabel="seconds (cold build)",
             title="Build stages")
    left.legend(fontsize=7)
    mem = [results["sizes"][str(n)]["peak_rss_mb"] for n in sizes]
    right.plot(sizes, mem, marker="o", label="peak RSS, build process")
    right.plot(sizes, [mem[0] * n / sizes[0] for n in sizes], linestyle=":", color="grey",
               label="linear from the smallest")
    right.set(xscale="log", yscale="log", xlabel="cases", ylabel="MiB", title="Peak memory")
    right.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(target, dpi=110)
    plt.close(fig)


def markdown(results: dict, plot_name: str) -> str:
    m = results["machine"]
    sizes = sorted(int(n) for n in results["sizes"])
    L = ["# Benchmarks", "",
         "Performance of the whole path — case files → validated model → RDF → SHACL → reasoner →",
         "store → queries → site → browser — on synthetic corpora shaped like the real one",
         "(`benchmarks/synth.py`: counts of organisations, actors, findings, relations,",
         "interventions and events per case copied from real cases; items, concept ids and",
         "verbatim quotes with their real locators drawn from the real case files, so every",
         "synthetic corpus passes the same validation). Speed is measured here, never asserted",
         "in tests.", "",
         "Reproduce (about 20 minutes on the machine below):", "",
         "```sh", f"make bench          # = .venv/bin/python -m benchmarks {results['argv']}".rstrip(),
         ".venv/bin/python -m benchmarks --sizes 10,100,1000   # smaller", 
         ".venv/bin/python -m benchmarks --quick               # a couple of minutes",
         "# show an earlier run as 'before', reuse its slow parts:",
         ".venv/bin/python -m benchmarks --no-before --no-browser --previous old-results.json",
         "```", "",
         f"Machine: {m['nproc']} cores ({m['cpu']}), {m['memory']} memory, Python {m['python']},",
         f"{m['java']}; {m['platform']}. Load average before the run: {m['load_before']}",
         f"(other processes shared the machine: numbers are upper bounds). Run: {results['date']}.",
         "", f"![build stages and memory]({plot_name})", "",
         "## Build, per stage (seconds, cold: empty build directory)", ""]
    prev = results.get("previous") or {}
    if results.get("carried"):
        L += [f"Carried over from the run of {prev.get('date')} (not measured again here): "
              + ", ".join(results["carried"]) + ".", ""]
    L += ["| cases | triples | load+validate | RDF | SHACL | reasoner | store | catalogue | **total** | target | total before | peak RSS MiB (workers) |",
          "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|"]
    for n in sizes:
        r = results["sizes"][str(n)]
        c = r["cold"]
        target = TARGETS.get(n)
        verdict = (f"< {target:g} s: {'met' if c['total'] < target else 'missed'}" if target else "")
        before = (prev.get("cold") or {}).get(str(n), {}).get("total")
        L.append(f"| {n:,} | {r['triples']:,} | " + " | ".join(fmt(c.get(s)) for s in STAGES)
                 + f" | **{fmt(c['total'])}** | {verdict} | {fmt(before)} | "
                 f"{r['peak_rss_mb']:.0f} ({r['peak_rss_children_mb']:.0f}) |")
    L += ["", "The total is the wall time of `pav_graph.build.build()` (it also writes graph.nt,",
          "the manifest and the explanation triples). SHACL runs in worker processes *while* the",
          "reasoner, the store and the catalogue are built, so its column is what it adds: preparing",
          "the batches plus the wait for the verdict at the end; the stages overlap and their",
          "columns are measured under each other's load. *Total before*: the same size in the",
          f"run of {prev.get('date') or '—'} (first session of issue 9). Peak RSS is the build",
          "process itself; the number in brackets is the largest child (a SHACL worker or",
          "HermiT's JVM).", "",
          "Up to `reason.WHOLE_GRAPH_MAX_CASES` cases (50; 200 in the second session's run, when",
          "100 cases took longer than 1,000) HermiT classifies the whole graph itself, the real",
          "corpus included; beyond it the shared part is checked once and cases are classified by",
          "the defined classes' rule (tested equal to HermiT's answer on the real corpus).",
          "",
          "## Before and after (seconds)", "",
          "| cases | SHACL before: one pyshacl run on the whole graph | SHACL now, cold | SHACL now, incremental | reasoner before: HermiT on the whole graph | reasoner now, cold | reasoner now, incremental | build incremental (one case changed) |",
          "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for n in sizes:
        r = results["sizes"][str(n)]
        b, c, i = r.get("before", {}), r["cold"], r["incremental"]
        L.append(f"| {n:,} | {fmt(b.get('shacl'))} | {fmt(c.get('shacl'))} | {fmt(i.get('shacl'))} | "
                 f"{fmt(b.get('reasoner'))} | {fmt(c.get('reasoner'))} | {fmt(i.get('reasoner'))} | "
                 f"{fmt(i['total'])} |")
    L += ["", "— = not run at that size (the old design would take minutes to hours).", "",
          "What changed (issue 9):", "",
          "* **Reasoner** (`pav_graph/reason.py`). HermiT on the whole graph grew with every case",
          "  (see *before*). It now checks only the *shared* part — TBox, vocabulary, composite-pattern",
          "  definitions, and any case that a hand-written TBox triple mentions — with HermiT's",
          "  consistency check alone (`-k`, no classification or realisation; the owlready2 run is",
          "  used only to explain an inconsistency), and caches a consistent verdict by content in",
          "  `build/cache/`. Cases are classified by the rule the defined classes state",
          "  (`Case ⊓ ∃linkedTo.{c1} ⊓ … ⊓ ∃linkedTo.{cn}`), read from the triples; the rule is used",
          "  only when the definitions and property axioms have exactly that shape (otherwise the",
          "  whole graph goes to HermiT as before). `tests/test_reason_equivalence.py` compares the",
          "  two on the real corpus.",
          "* **SHACL** (`pav_graph/build.py`). pyshacl gets only the triples a shape can look at",
          "  (predicates on shape paths, the class hierarchy, types of target and `sh:class`",
          "  classes). The shared part is validated once; cases go in batches of 250 with only the",
          "  types of the shared nodes they point to, in parallel worker processes (forked with",
          "  `gc.freeze()`, which halved the time at 10,000 cases: the workers no longer copy the",
          "  parent's objects). A case whose triples conformed before is not validated again",
          "  (`build/cache/`). `tests/test_reason_equivalence.py` checks that the violations are",
          "  those of one pyshacl run on the whole, unfiltered graph.",
          "* **Error positions** (`pav_graph/yamlio.py`). Locating a problem re-parsed its file with",
          "  ruamel each time: a vocabulary change that breaks 1,000 cases (7,000 problems) took",
          "  6 minutes to report. The round-trip parse is now kept per unchanged file.",
          "* **Second round**: SHACL batches are as many as keep both workers equally",
          "  busy, get the build's triples without a second parse, and validate *while* the",
          "  reasoner and the store work (the verdict is awaited before the build is put in",
          "  place, and SHACL problems are still reported first); valid case files pass a",
          "  schema check compiled by fastjsonschema (jsonschema runs only to explain an invalid",
          "  file; a hypothesis test checks that both agree); the store is compacted after the",
          "  bulk load; a catalogue of cases and concepts is written with each build, so",
          "  `pav-graph cases` reads a JSON file instead of querying, and the digest of the",
          "  inputs is reused while their names, sizes and times are unchanged.",
          "* **Third round** (this run): each SHACL worker reads its batch with pyoxigraph's",
          "  N-Triples parser and hands rdflib ready terms (a batch of 500 cases: 2.2 → 1.3 s to",
          "  load, validation 2.2 s unchanged; 10,000 cases: SHACL 73 → 55 s, build 120 → 100 s);",
          "  HermiT classifies the whole graph only up to 50 cases (100 cases: 11.6 → 2.4 s).", ""]
    q = results.get("queries")
    if q:
        L += [f"## Query library on {q['cases']:,} cases: rdflib, pyoxigraph, Oxigraph server", "",
              "Each query of `queries/*.rq` with its example parameters; pyoxigraph and the server",
              f"are the median of 3 runs, rdflib one run, stopped after {q['limit']:g} s (shown as",
              f"> {q['limit']:g}). rdflib first parses graph.nt: {q['rdflib_parse']:.1f} s.", "",
              f"The *before* column is pyoxigraph in the run of {prev.get('date') or '—'}, before",
              "the query library was reworked (see below).", "",
              "| query | rdflib s | pyoxigraph s | Oxigraph server s | rdflib / pyoxigraph | pyoxigraph before s |",
              "|---|---:|---:|---:|---:|---:|"]
        before_q = prev.get("queries") or {}

        def was(name: str) -> str:
            if name not in before_q:
                return "—"
            return fmt(before_q[name], 3) if before_q[name] is not None else "> 30"
        total_r, total_o, total_ox_compared, over = 0.0, 0.0, 0.0, 0
        for name, row in sorted(q["queries"].items()):
            r, o = row["rdflib"], row["pyoxigraph"]
            if o is None:  # stopped after the limit on pyoxigraph too
                over += 1
                L.append(f"| {name} | {fmt(r, 3) if isinstance(r, float) else r or '—'} | "
                         f"> {q.get('ox_limit', 30):g} | — | — | {was(name)} |")
                continue
            over += o > 1.0
            total_o += o
            if isinstance(r, str):  # rdflib failed on this query
                L.append(f"| {name} | {r} | {fmt(o, 3)} | {fmt(row['server'], 3)} | — | {was(name)} |")
                continue
            rd = fmt(r, 3) if r is not None else f"> {q['limit']:g}"
            ratio = (r if r is not None else q["limit"]) / o
            total_r += r if r is not None else q["limit"]
            total_ox_compared += o
            L.append(f"| {name} | {rd} | {fmt(o, 3)} | {fmt(row['server'], 3)} | "
                     f"{'>' if r is None else ''}{ratio:.0f}× | {was(name)} |")
        slow = sorted((n for n, row in q["queries"].items()
                       if row["pyoxigraph"] is None or row["pyoxigraph"] > 1.0))
        L += ["", "What changed in the query library (results compared row by row with the old texts",
              "on the real corpus and on 1,000 synthetic cases; `tests/test_queries.py` also runs",
              "every query on rdflib and checks it gives pyoxigraph's rows):", "",
              "* **Evidence is joined, not OPTIONAL.** Every claim has evidence (case schema, SHACL),",
              "  so `OPTIONAL { ?item pg:hasEvidence ?ev . ?ev pg:quote … }` became a plain join.",
              "  Oxigraph 0.5 evaluates an OPTIONAL group of more than a few patterns (or after a large",
              "  left side) on its own, over all evidence of the graph, and joins afterwards: the",
              "  per-case queries took 4–6 s at 10,000 cases for 10 rows. Actors, whose evidence is",
              "  optional, get a `UNION` with `FILTER NOT EXISTS` instead.",
              "* **No `VALUES` join over item types, no sequence paths in big joins** (they are",
              "  evaluated on their own, not reordered with the rest).",
              "* **Parameters used only in FILTERs are written as constants** (`sparql.bind_values`):",
              "  a `VALUES`-bound variable kept Oxigraph from applying the filter early",
              "  (`search-quotes`).",
              "* **Sub-selects where they cut the work:** `similar-cases` now starts from the given",
              "  case instead of comparing every pair of cases; co-occurrence counts each case's",
              "  concepts once; `timeline` takes each event's first quote from a grouped sub-select",
              "  instead of a `FILTER NOT EXISTS` per row; optional parts are aggregated apart so",
              "  that no group aggregates an unbound value (rdflib raised NotBoundError there).",
              "* **`pg:evidenceIn`** links each piece of evidence to its case: counting all quotes",
              "  per source or per case needs one join instead of five alternative paths.",
              "* **The store is compacted** (`Store.optimize()`) after the bulk load: the freshly",
              "  loaded files made every read-only lookup about twice as slow.",
              "* **Concepts are paired by number** (third round): `pg:ordinal` gives each concept",
              "  its place in notation order, so the co-occurrence queries compare and group",
              "  integers and look the notations up only for the groups that remain (a notation",
              "  longer than 16 bytes is read from the store's dictionary at every comparison):",
              "  triples 2.1 → 0.9 s, pairs 0.5 → 0.15 s. `thin-evidence` filters each case's",
              "  evidence count in the group that makes it, before reading any source (1.0 → 0.15 s).",
              ""]
        if slow:
            L += ["Still over 1 s on pyoxigraph: " + ", ".join(f"`{n}`" for n in slow) + ". These",
                  "read a large part of the graph by design: co-occurring *triples* enumerate every",
                  "three concepts of every case (364,000 combinations at 10,000 cases, against 26,000",
                  "case–concept links); the others aggregate or scan all evidence of all cases",
                  "(112,000 quotes). Oxigraph joins these at roughly 100,000 rows per second on the",
                  "on-disk store here (an in-memory store of the same graph answered 3–4× faster,",
                  "but loading it costs 10 s per process).", ""]
        L += ["rdflib answers every query with the same rows (tested on the real corpus), but the",
              "texts are tuned for Oxigraph and the two engines plan oppositely: rdflib evaluates an",
              "OPTIONAL once per row and a separate group as a whole, and orders triple patterns",
              "without seeing VALUES bindings. So some per-case queries that rdflib answered in",
              "0.02 s through an OPTIONAL now take it 6–9 s at 10,000 cases (still well under a",
              "second on the 34 real cases); rdflib needs over a minute to parse a graph that size",
              "anyway.", ""]
        speedup = total_r / max(total_ox_compared, 1e-9)
        L += ["", (f"Whole library on pyoxigraph: {total_o:.2f} s, {over} query(ies) over 1 s. "
                   f"The queries rdflib answered: rdflib ≥ {total_r:.1f} s, pyoxigraph "
                   f"{total_ox_compared:.2f} s (≥ {speedup:.0f}× faster)."), ""]
    cli = results.get("cli")
    if cli:
        L += ["## Command line (fresh process each time, median of 5)", "",
              "| cases | `pav-graph --help` s | `pav-graph cases` s | `cases --format json` s | `pav-graph site` s | site peak RSS MiB | `cases` before s | `site` before s |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for n in sizes:
            c = cli.get(str(n))
            b = (prev.get("cli") or {}).get(str(n), {})
            if c:
                L.append(f"| {n:,} | {fmt(c['help'], 3)} | {fmt(c['cases'], 3)} | "
                         f"{fmt(c['cases_json'], 3)} | {fmt(c.get('site'), 1)}"
                         f"{' (' + c['site_error'] + ')' if c.get('site_error') else ''} | "
                         f"{fmt(c.get('site_rss_mb'), 0)} | "
                         f"{fmt(b.get('cases'), 3)} | {fmt(b.get('site'), 1)} |")
        L += ["", "Targets: `--help` < 0.3 s cold; `cases` on a built corpus < 1 s.", ""]
        L += [f"{n:,} cases, `pav-graph site`: {cli[str(n)]['site_note']}" for n in sizes
              if cli.get(str(n), {}).get("site_note")]
        L += [""] if any(cli.get(str(n), {}).get("site_note") for n in sizes) else []
    b = results.get("browser")
    L += ["## Graph page in headless Chromium", ""]
    if isinstance(b, dict) and b:
        L += ["Time from navigation until vis-network has drawn and fitted the graph",
              "(`window.pgGraphs[0].ready`), with the site's own graph.js, median of 3:", "",
              "| nodes | seconds |", "|---:|---:|"]
        L += [f"| {int(n):,} | {fmt(s)} |" for n, s in b.items()]
        L += ["", "The site's graphs draw at most a few hundred nodes (the pattern map: the",
              "patterns and risk factors, at most 150; a case or a concept with its",
              "neighbours); 1,000 and 5,000 show the headroom of the drawing engine.", ""]
    else:
        L += [f"Not measured: {b}", ""]
    from benchmarks.load import section

    if results.get("load"):
        L += section(results["load"])
    L += ["## Shape of the synthetic corpora", "",
          "Per real case (measured from `cases/`, reproduced by the generator):", "",
          "| per case | mean | median | max |", "|---|---:|---:|---:|"]
    for kind, s in results["shape"].items():
        L.append(f"| {kind} | {s['mean']} | {s['median']} | {s['max']} |")
    L += ["", "Raw numbers: `build/benchmarks/results.json` after a run.", ""]
    return "\n".join(L)


def replace_section(docs: Path, start: str, end: str, section: str) -> None:
    """Put ``section`` (which begins with ``start`` and ends with ``end``) into
    docs/benchmarks.md in place of the one between those markers, or at the end. Each benchmark
    keeps its own ``<!-- kept: NAME -->`` section this way; :func:`write` keeps them all."""
    path = docs / "benchmarks.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + section + rest.split(end, 1)[1].lstrip("\n")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")


def write(results: dict, docs: Path) -> None:
    png = docs / "benchmarks.png"
    plot(results, png)
    path = docs / "benchmarks.md"
    kept = ""  # sections other scripts maintain (e.g. benchmarks/page_weights.py) survive
    if path.exists():
        kept = "".join(re.findall(r"<!-- kept: [\w-]+ -->.*?<!-- /kept: [\w-]+ -->\n",
                                  path.read_text(encoding="utf-8"), flags=re.DOTALL))
    path.write_text(markdown(results, png.name) + ("\n" + kept if kept else ""), encoding="utf-8")


if __name__ == "__main__":
    import sys

    write(json.loads(Path(sys.argv[1]).read_text()), Path(sys.argv[2]))
