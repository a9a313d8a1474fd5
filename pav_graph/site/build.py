"""Write the static site: one page per case, concept and source, the home page and the graph.

The site works from disk (``file://``) and over HTTP alike: all links are relative, all data is
embedded in the pages as JSON or, for the search index, in a script file next to them (no
``fetch``, which ``file://`` pages may not use), and every script and style sheet — vis-network
included, copied from the pyvis package with its licence — lives under ``assets/``. Nothing is
requested from another host.

Templates are autoescaped, and JSON embedded in ``<script type="application/json">`` has every
``<`` written as ``\\u003c``, so text from a case file can never close the script element or
become markup: it always shows as text.

The output directory is replaced as a whole (written next to it, then renamed), and only if it
is empty or was written by this command before: nothing else a user keeps there is overwritten.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import jinja2
import pyoxigraph as ox
from markupsafe import Markup

from pav_graph.privacy import REDACTION_LABEL
from pav_graph.project import Project
from pav_graph.site import citation, downloads, embed, graphs, records, search
from pav_graph.site import incremental as inc
from pav_graph.site.data import DIGEST_PROXIES, STATUS, SiteData, load_site_data
from pav_graph.site.mechanisms import case_mechanism_script, render_mechanisms
from pav_graph.site.passages import private_blocks

MARKER = ".pav-graph-site"
SAFE_ID = re.compile(r"[a-z0-9][a-z0-9._-]*")
CONTEXT_LINES = 3

# order of the finding groups on a case page (interventions have their own section)
FINDING_KINDS = ["risk-factor", "dilemma", "pattern", "relation-type", "influence-means",
                 "framework", "criterion", "event-type", "role", "intervention", "other"]
KIND_SINGULAR = {
    "role": ("rol", "role"), "relation-type": ("relatietype", "relation type"),
    "influence-means": ("invloedsmiddel", "means of influence"),
    "risk-factor": ("risicofactor", "risk factor"), "dilemma": ("dilemma", "dilemma"),
    "intervention": ("interventie", "intervention"), "pattern": ("systeempatroon", "systemic pattern"),
    "framework": ("theorie of model", "framework or theory"), "criterion": ("criterium", "criterion"),
    "event-type": ("gebeurtenissoort", "event type"),
}
GROUPS = {"finding": ("bevinding", "finding"), "event": ("gebeurtenis", "event"),
          "intervention": ("interventie", "intervention"), "relation": ("relatie", "relation"),
          "actor": ("actor", "actor")}


class SiteError(Exception):
    """The site cannot be written where asked; the message says why and what to do."""


@dataclass
class SiteResult:
    outdir: Path
    pages: int
    seconds: float
    graph_nodes: int | None  # None: the corpus graph was not made again
    aggregated: bool
    full: bool = True  # the whole directory was written (else only the pages that changed)
    load_seconds: float = 0.0  # of ``seconds``: loading the site data from the store
    cases: int = 0
    cases_read: int | None = None  # read from the store (the others were kept); None: all


def jsonblock(value: object) -> Markup:
    """JSON for a ``<script type="application/json">`` element: no ``<`` can end the element."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c"))


def _load_template(name: str) -> str | None:
    path = resources.files("pav_graph.site").joinpath("templates", name)
    return path.read_text(encoding="utf-8") if path.is_file() else None


def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FunctionLoader(_load_template), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=False)
    env.filters["jsonblock"] = jsonblock
    return env


def cite(source: dict) -> str:
    """A short citation: "Jabaaij, Kamphuis (2023)", or the source id when no author is known."""
    if source["authors"]:
        who = ", ".join(source["authors"])
        return f"{who} ({source['year']})" if source["year"] else who
    return source["id"]


def period_text(start: str | None, end: str | None) -> str:
    if start and end and start != end:
        return f"{start} – {end}"
    return start or end or ""


def context_blocks(source: dict) -> list[dict]:
    """The cited line ranges widened by a few lines and merged, ready to show with anchors."""
    lines = source["lines"]
    hits: set[int] = set()
    spans = []
    for cit in source["citations"]:
        ev = cit["evidence"]
        first, last = max(1, ev["first_line"]), min(len(lines), ev["last_line"])
        if first > last:
            continue
        hits.update(range(first, last + 1))
        spans.append((max(1, first - CONTEXT_LINES), min(len(lines), last + CONTEXT_LINES)))
    blocks: list[list[int]] = []
    for first, last in sorted(spans):
        if blocks and first <= blocks[-1][1] + 1:
            blocks[-1][1] = max(blocks[-1][1], last)
        else:
            blocks.append([first, last])
    return [{"first": a, "last": b,
             "lines": [{"n": n, "text": lines[n - 1], "hit": n in hits} for n in range(a, b + 1)]}
            for a, b in blocks]


def _check_ids(data: SiteData) -> None:
    for kind, ids in (("case", data.cases), ("concept", data.concepts), ("source", data.sources),
                      ("concept", data.renamed)):
        for ident in ids:
            if not SAFE_ID.fullmatch(ident):
                raise SiteError(f"{kind} id {ident!r} cannot be a file name: use a-z, 0-9 and '-'")


def prepare_outdir(outdir: Path) -> None:
    if outdir.exists():
        if not outdir.is_dir():
            raise SiteError(f"{outdir} is a file: choose a directory for the site")
        if any(outdir.iterdir()) and not (outdir / MARKER).exists():
            raise SiteError(f"{outdir} is not empty and was not written by `pav-graph site`: "
                            "choose a new or empty directory")


def copy_assets(target: Path) -> None:
    """Own static files plus vis-network's script, style sheet and licence."""
    assets = target / "assets"
    (assets / "vis-network").mkdir(parents=True)
    static = resources.files("pav_graph.site").joinpath("static")
    for entry in static.iterdir():
        if entry.is_file():
            (assets / entry.name).write_bytes(entry.read_bytes())
    vis = vis_network_dir()
    for name in ("vis-network.min.js", "vis-network.css"):
        shutil.copyfile(vis / name, assets / "vis-network" / name)
    (assets / "vis-network" / "LICENSE.txt").write_text(vis_licence(vis), encoding="utf-8")


def vis_network_dir() -> Path:
    import pyvis

    base = Path(pyvis.__file__).parent
    for candidate in sorted(base.glob("lib/vis-*/vis-network.min.js"), reverse=True) + sorted(
            base.glob("templates/lib/vis-*/vis-network.min.js"), reverse=True):
        return candidate.parent
    raise SiteError(f"vis-network not found in the pyvis package at {base}: reinstall pyvis")


MIT = """MIT License

Copyright (c) 2011-2017 Almende B.V, http://almende.com
Copyright (c) 2017-2019 visjs contributors, https://github.com/visjs

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction,
including without limitation the rights to use, copy, modify, merge, publish, distribute,
sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT
OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""


def vis_licence(vis: Path) -> str:
    """The licence header of vis-network.min.js as shipped, and the MIT text it points to."""
    js = (vis / "vis-network.min.js").read_text(encoding="utf-8", errors="replace")
    header = js[: js.find("*/") + 2] if js.startswith("/**") else ""
    return ("vis-network, copied unchanged from the pyvis package "
            f"({vis.name}). It is dual licensed under Apache-2.0 and MIT; this site uses it "
            "under the MIT License.\n\n" + header + "\n\n" + MIT)


def check_base_url(base_url: str) -> str:
    """The published address of the site, ending in ``/``, or "" (links stay relative)."""
    if not base_url:
        return ""
    if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", base_url):
        raise SiteError(f"--base-url {base_url}: give the full address of the published site, "
                        "e.g. https://example.org/pav-graph/")
    return base_url if base_url.endswith("/") else base_url + "/"


def build_site(store: ox.Store, project: Project, outdir: Path, log=lambda msg: None,
               base_url: str = "", build_id: str = "", full: bool = False,
               build_dir: Path | None = None) -> SiteResult:
    """Write the site for the built ``store`` of ``project`` (source texts come from its
    ``sources/``) to ``outdir``. With ``base_url`` (where the site will be published) the
    permalinks in citations, downloads and embed snippets are absolute.

    When ``outdir`` holds a complete site this command wrote (its manifest), only the pages
    whose inputs changed are made again and rewritten (:mod:`pav_graph.site.incremental`);
    ``full`` (or a site from other code, another base URL, or a run that stopped) writes the
    whole directory anew.

    With ``build_dir`` (the directory of the build ``store`` belongs to), the case records of
    earlier runs that still hold for this build are taken from the project's cache
    (:mod:`pav_graph.site.records`) and only the other cases are read from the store; ``full``
    reads every case from the store (and keeps what it read for the next run)."""
    t0 = time.perf_counter()
    outdir = Path(outdir)
    base_url = check_base_url(base_url)
    prepare_outdir(outdir)
    code = inc.code_digest((vis_network_dir(),))
    kept = records.open_kept(build_dir, project.build_dir, code, use_kept=not full)
    data = load_site_data(store, _source_models(project), kept)
    _check_ids(data)
    for s in data.sources.values():
        s["cite"] = cite(s)
    loaded = time.perf_counter() - t0
    log(f"loaded the site data in {loaded:.1f} s")
    data, digests = inc.tracked(data, base_url, {"case": kept.digests} if kept else None,
                                DIGEST_PROXIES)
    info: dict = {}  # what the corpus job made, for the result
    jobs = _jobs(store, data, base_url, info)
    previous = None if full else inc.read_manifest(outdir)
    if previous is not None and (previous["code"] != code or previous["base_url"] != base_url
                                 or not (outdir / MARKER).exists()):
        previous = None
    if previous is None:
        rewritten = _write_whole(outdir, lambda sink: inc.make_all(
            jobs, lambda: _ttl(store, data, list(dict.keys(data.cases))), sink),
            lambda made: inc.manifest_text(build_id, code, base_url, made.jobs, digests))
    else:
        rewritten = inc.update(outdir, previous, jobs, digests,
                               lambda ids: _ttl(store, data, ids),
                               lambda made: inc.manifest_text(build_id, code, base_url, made, digests),
                               log)
    corpus = info.get("corpus")
    return SiteResult(outdir, rewritten, time.perf_counter() - t0,
                      len(corpus["nodes"]) if corpus else None,
                      bool(corpus) and corpus["shown"] < corpus["total"], full=previous is None,
                      load_seconds=loaded, cases=len(dict.keys(data.cases)),
                      cases_read=kept.read if kept else None)


def _ttl(store: ox.Store, data, ids: list[str]) -> dict[str, bytes]:
    return downloads.case_subgraphs(store, ids)


def _jobs(store: ox.Store, data: SiteData, base_url: str, info: dict) -> dict:
    """``job id -> make``: each ``make(pages, ttl)`` renders its pages into ``pages`` (path ->
    text or bytes); ``ttl`` gives the Turtle download of a case (read from the store)."""
    env = environment()
    styles_by_kind = {s["kind"]: s for s in graphs.styles(data)}
    common = {
        "cases": data.cases, "concepts": data.concepts, "sources": data.sources,
        "kinds": data.kinds, "styles_by_kind": styles_by_kind, "level_en": data.level_en,
        "kind_singular": {k: {"nl": nl, "en": en} for k, (nl, en) in KIND_SINGULAR.items()},
        "groups": {k: {"nl": nl, "en": en} for k, (nl, en) in GROUPS.items()},
        "statuses": {k: {"nl": nl, "en": en} for k, (nl, en) in STATUS.items()},
        "stats": data.stats, "base_url": base_url,
    }

    def renderer(pages: dict):
        def render(path: str, template: str, title: dict, graphs_on_page: bool = False, **ctx) -> None:
            root = "../" * path.count("/")
            if ctx.get("inline") and base_url:  # a file to copy anywhere: its links go to the site
                root = base_url
            pages[path] = env.get_template(template).render(
                **common, **ctx, root=root, title=title, graphs=graphs_on_page, path=path)
        return render

    corpus_caption = {"nl": "Patronen en risicofactoren: grootte naar het aantal casussen, lijnen "
                            "naar hoe vaak ze samen voorkomen.",
                      "en": "Patterns and risk factors: size by the number of cases, lines by how "
                            "often they occur together."}
    embed_caption = {"nl": "De casus met zijn begrippen, bronnen en vergelijkbare casussen.",
                     "en": "The case with its concepts, sources and similar cases."}

    def corpus_pages(pages, ttl) -> None:
        render = renderer(pages)
        corpus = info["corpus"] = graphs.corpus_graph(data)
        relations = graphs.relation_index(data)
        roles = graphs.role_map(data, relations)
        render("index.html", "index.html", {"nl": "Casussen", "en": "Cases"}, **_home(data))
        render("graph.html", "graph.html", {"nl": "Patronen over de casussen heen",
                                            "en": "Patterns across the cases"}, True,
               graph=corpus, roles_graph=roles,
               panel=graphs.panel_data(data, corpus, roles, relations))
        inline = embed.inline_assets(vis_network_dir())
        for name, inlined in (("graph.html", None), ("graph-standalone.html", inline)):
            render(f"embed/{name}", "embed.html", {"nl": "Patronen over de casussen heen",
                                                   "en": "Patterns across the cases"},
                   True, graph=corpus, gid="corpus", caption=corpus_caption, inline=inlined,
                   page_url=f"{base_url or '../'}graph.html")

    def concept_list(pages, ttl) -> None:
        grouped = {}
        for c in sorted(data.concepts.values(), key=lambda c: c["label"]["nl"].casefold()):
            grouped.setdefault(c["kind"], []).append(c)
        order = list(graphs.KIND_STYLE) + sorted(grouped)
        renderer(pages)("concepts.html", "concepts.html", {"nl": "Begrippen", "en": "Concepts"},
                        kind_groups=[(k, grouped[k]) for k in dict.fromkeys(order) if k in grouped])

    def other_pages(pages, ttl) -> None:
        render = renderer(pages)
        render("sources.html", "sources.html", {"nl": "Bronnen", "en": "Sources"},
               source_list=list(data.sources.values()))
        render("search.html", "search.html", {"nl": "Zoeken", "en": "Search"})

    def search_index(pages, ttl) -> None:
        pages[search.FILE] = search.index_script(search.search_index(data, cite))

    def case_pages(cid: str):
        def make(pages, ttl) -> None:
            render = renderer(pages)
            case = data.cases[cid]
            ego = graphs.case_ego(data, cid)
            views = graphs.case_views(data, cid, ego)
            snippet = embed.iframe_snippet(f"{base_url or '../'}embed/cases/{cid}.html",
                                           case["label"]["nl"])
            render(f"cases/{cid}.html", "case.html", case["label"], True, case=case,
                   graph=ego, views=views, finding_kinds=FINDING_KINDS,
                   period=period_text(case["start"], case["end"]), embed_snippet=snippet,
                   citations=citation.page_data(case, data.sources))
            record = downloads.case_record(case, data.concepts, base_url)
            pages[f"cases/{cid}.json"] = downloads.record_json(record)
            pages[f"cases/{cid}.csv"] = downloads.record_csv(record)
            inc.reads_all(case)  # the Turtle comes from the store: made again with any change of the case
            pages[f"cases/{cid}.ttl"] = ttl(cid)
            render(f"embed/cases/{cid}.html", "embed.html", case["label"], True, graph=ego,
                   gid="ego", caption=embed_caption, inline=None,
                   page_url=f"{base_url or '../../'}cases/{cid}.html")
            script = case_mechanism_script(data, cid)  # its view of the mechanism page
            if script is not None:
                pages[f"mechanisms/cases/{cid}.js"] = script
        return make

    def concept_page(cid: str):
        def make(pages, ttl) -> None:
            c = data.concepts[cid]
            cgraph = graphs.concept_ego(data, cid)
            renderer(pages)(f"concepts/{cid}.html", "concept.html", c["label"], True, c=c,
                            graph=cgraph, views=graphs.concept_views(cgraph))
        return make

    def source_page(sid: str):
        def make(pages, ttl) -> None:
            s = data.sources[sid]
            renderer(pages)(f"sources/{sid}.html", "source.html",
                            {"nl": s["title"] or sid, "en": s["title"] or sid},
                            s=s, blocks=private_blocks(context_blocks(s), s["redactions"]),
                            redaction_labels=REDACTION_LABEL)
        return make

    def renamed_pages(pages, ttl) -> None:
        for old, r in data.renamed.items():
            renderer(pages)(f"concepts/{old}.html", "renamed.html", r["label"], r=r,
                            canonical=f"concepts/{r['to']}.html")

    def mechanism_pages(pages, ttl) -> None:
        render_mechanisms(data, renderer(pages), pages)  # causal loop diagrams (issue 18)

    jobs = {"corpus": corpus_pages, "concepts": concept_list, "other": other_pages,
            "search": search_index, "mechanisms": mechanism_pages, "renamed": renamed_pages}
    ids = list(dict.keys(data.cases))
    jobs.update({f"case:{cid}": case_pages(cid) for cid in ids})
    jobs.update({f"concept:{cid}": concept_page(cid) for cid in dict.keys(data.concepts)})
    jobs.update({f"source:{sid}": source_page(sid) for sid in dict.keys(data.sources)})
    return jobs


def _write_whole(outdir: Path, make_all, manifest_for) -> int:
    """The whole site, written next to ``outdir`` and swapped in; the number of HTML pages."""
    tmp = outdir.parent / f".{outdir.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    html_pages = 0

    def sink(path: str, content: str | bytes) -> None:
        nonlocal html_pages
        target = tmp / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
        html_pages += path.endswith(".html")

    try:
        tmp.mkdir(parents=True)
        made = make_all(sink)
        copy_assets(tmp)
        (tmp / MARKER).write_text("written by `pav-graph site`, which replaces or rewrites what is "
                                  "here when the site is generated again\n", encoding="utf-8")
        (tmp / inc.MANIFEST).write_text(manifest_for(made), encoding="utf-8")
        _swap(tmp, outdir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return html_pages


def _source_models(project: Project) -> dict:
    from pav_graph.load import load_sources
    from pav_graph.problems import Problems

    problems = Problems()
    sources = load_sources(project, problems)
    if problems:
        first = problems.errors[0].format(project.root)
        raise SiteError(f"{first} (run `pav-graph validate` to see every problem)")
    return sources


def _swap(new: Path, outdir: Path) -> None:
    """Put ``new`` in place of ``outdir``: two renames, so a reader never sees half a site."""
    old = outdir.parent / f".{outdir.name}.old-{os.getpid()}"
    if outdir.exists():
        os.replace(outdir, old)
    os.replace(new, outdir)
    shutil.rmtree(old, ignore_errors=True)


def _home(data: SiteData) -> dict:
    concepts = data.concepts
    table = []
    for cid, case in sorted(data.cases.items(), key=lambda kv: kv[1]["label"]["nl"].casefold()):
        inferred = [p["id"] for p in case["patterns"]]
        patterns = sorted({c for c in case["linked"] if concepts.get(c, {}).get("kind") == "pattern"}
                          | set(inferred), key=lambda c: concepts[c]["label"]["nl"].casefold()
                          if c in concepts else c)
        table.append({
            "id": cid, "label": case["label"], "years": case["years"],
            "period": period_text(case["start"], case["end"]),
            "level_ids": [lv[0] for lv in case["levels"]],
            "levels_nl": ", ".join(lv[1] for lv in case["levels"]),
            "levels_en": ", ".join(lv[2] for lv in case["levels"]),
            "patterns": patterns, "pattern_ids": patterns, "inferred": inferred,
            "risk_ids": [c for c in case["linked"] if concepts.get(c, {}).get("kind") == "risk-factor"],
        })
    levels = {lv[0]: {"id": lv[0], "nl": lv[1], "en": lv[2]}
              for case in data.cases.values() for lv in case["levels"]}
    counts = {cid: len(c["cases"]) for cid, c in concepts.items()}

    def options(kind: str) -> list[dict]:
        return [{"id": c["id"], "label": c["label"], "n": counts[c["id"]]}
                for c in sorted(concepts.values(), key=lambda c: c["label"]["nl"].casefold())
                if c["kind"] == kind and counts[c["id"]]]

    recurring = sorted((c for c in concepts.values() if c["kind"] not in ("role", "event-type")
                        and counts[c["id"]] >= 2), key=lambda c: (-counts[c["id"]], c["id"]))[:15]
    return {
        "table": table, "levels": sorted(levels.values(), key=lambda lv: lv["id"]),
        "years": sorted({y for case in data.cases.values() for y in case["years"]}, reverse=True),
        "pattern_options": options("pattern"), "risk_options": options("risk-factor"),
        "recurring": [{"id": c["id"], "kind": c["kind"], "n": counts[c["id"]]} for c in recurring],
        "max_recurring": max([counts[c["id"]] for c in recurring] or [1]),
    }
