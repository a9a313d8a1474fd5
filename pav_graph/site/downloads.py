"""What each case page offers for download: its data as JSON and CSV, its subgraph as Turtle.

A journalist or researcher who wants the quotes of one case in a spreadsheet should not need
SPARQL. The files sit next to the page (``cases/<id>.json``, ``.csv``, ``.ttl``) and come from
the same store as the page, so they say exactly what the page shows: every claim with its id,
qualifiers and page anchor, every quote with its id, source and lines.

URLs in the files are the claim's permalink: relative to the site root (``cases/<id>.html#...``),
or absolute when the site is written with ``--base-url``.
"""

from __future__ import annotations

import json
from collections import defaultdict

import pyoxigraph as ox

from pav_graph.rdf import ID, PREFIXES

GROUPS = (("findings", "finding"), ("relations", "relation"), ("interventions", "intervention"),
          ("events", "event"))
CSV_COLUMNS = ["case", "claim", "kind", "concept", "concept_label_nl", "concept_label_en",
               "label_nl", "label_en", "stance", "basis", "voice", "counts", "attributed_to_nl",
               "attributed_to_en", "quote_id", "quote", "source", "first_line", "last_line",
               "page", "url"]


def _both(nl, en) -> dict | None:
    if not nl and not en:
        return None
    return {"nl": nl or en, "en": en or nl}


def claim_anchor(item: dict) -> str:
    return item.get("key") or item["anchor"]


def quote_anchor(item: dict, ev: dict) -> str:
    """A quote's own id (``<claim>-q-<source>-<first>-<last>``), or its claim's when the store
    predates quote ids."""
    return ev.get("id") or claim_anchor(item)


def case_record(case: dict, concepts: dict, base: str = "") -> dict:
    """The case as plain data: metadata, actors, and every claim with its quotes."""
    d = case["detail"]
    page = f"{base}cases/{case['id']}.html"
    actors = [{"id": a["anchor"], "label": _both(a.get("label"), a.get("label_en")),
               "role": a.get("role"), "organisation": a.get("organisation")} for a in d["actors"]]
    claims = []
    for group, kind in GROUPS:
        for item in d[group]:
            cid = item.get("cid")
            concept = concepts.get(cid) if cid else None
            claim = {
                "id": claim_anchor(item), "kind": kind, "concept": cid,
                "concept_label": concept["label"] if concept else None,
                "label": _both(item.get("label"), item.get("label_en")),
                "stance": item.get("stance") or "states", "basis": item.get("basis") or "manifest",
                "voice": item.get("voice") or "author",
                "counts": item.get("standing", "counts") == "counts",
                "attributed_to": _both(item.get("attributed"), item.get("attributed_en")),
                "note": _both(item.get("note"), item.get("note_en")),
                "url": f"{page}#{claim_anchor(item)}",
                "evidence": [{"id": ev.get("id"), "quote": ev["quote"], "lang": ev.get("lang") or "nl",
                              "source": ev["source"], "first_line": ev["first_line"],
                              "last_line": ev["last_line"], "page": ev.get("page"),
                              "url": f"{page}#{quote_anchor(item, ev)}"}
                             for ev in item["evidence"]],
            }
            if kind == "intervention":
                claim["status"] = item.get("status")
            if kind == "event":
                claim["date"] = item.get("date")
            if kind == "relation":
                claim["from"] = (item.get("from_actor") or {}).get("anchor")
                claim["to"] = (item.get("to_actor") or {}).get("anchor")
            claims.append(claim)
    return {
        "id": case["id"], "label": case["label"], "summary": case["summary"],
        "period": {"start": case["start"], "end": case["end"]},
        "levels": [lv[0] for lv in case["levels"]],
        "organisations": [o["name"] for o in d["organisations"]],
        "sources": case["sources"], "url": page, "iri": d["iri"],
        "actors": actors, "claims": claims,
        "patterns": [p["id"] for p in case["patterns"]],
    }


def record_json(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, indent=1) + "\n"


def record_csv(record: dict) -> bytes:
    """One row per quote (a claim with two quotes has two rows), for spreadsheets: every cell
    neutralised against formulas, UTF-8 with a byte-order mark (:mod:`pav_graph.spreadsheet`;
    the quotes come from contributors' case files)."""
    from pav_graph.spreadsheet import csv_bytes

    rows = []
    for c in record["claims"]:
        label, clabel, att = c["label"] or {}, c["concept_label"] or {}, c["attributed_to"] or {}
        for ev in c["evidence"]:
            row = {
                "case": record["id"], "claim": c["id"], "kind": c["kind"], "concept": c["concept"],
                "concept_label_nl": clabel.get("nl"), "concept_label_en": clabel.get("en"),
                "label_nl": label.get("nl"), "label_en": label.get("en"), "stance": c["stance"],
                "basis": c["basis"], "voice": c["voice"], "counts": str(c["counts"]).lower(),
                "attributed_to_nl": att.get("nl"), "attributed_to_en": att.get("en"),
                "quote_id": ev["id"], "quote": ev["quote"], "source": ev["source"],
                "first_line": ev["first_line"], "last_line": ev["last_line"], "page": ev["page"],
                "url": ev["url"]}
            rows.append({k: "" if v is None else str(v) for k, v in row.items()})
    return csv_bytes(CSV_COLUMNS, rows)


HAS_ORG = "https://w3id.org/pav-graph/ontology#hasOrganisation"


def case_subgraphs(store: ox.Store, case_ids) -> dict[str, bytes]:
    """Each case's own triples in Turtle: the case node, every node under its IRI (claims,
    quotes, actors, pattern matches) and its organisations. One pass over the store; for a few
    cases (a site updated after a change) a walk from each case node instead."""
    wanted = set(case_ids)
    if len(wanted) <= FEW:
        return {cid: _turtle(_walk(store, cid)) for cid in wanted}
    prefix, org_prefix = f"{ID}case/", f"{ID}org/"
    has_org = HAS_ORG
    found: dict[str, list[ox.Triple]] = defaultdict(list)
    orgs: dict[str, list[ox.Triple]] = defaultdict(list)
    uses: dict[str, set[str]] = defaultdict(set)
    for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        s = q.subject
        if not isinstance(s, ox.NamedNode):
            continue
        if s.value.startswith(prefix):
            cid = s.value[len(prefix):].split("/", 1)[0]
            if cid in wanted:
                found[cid].append(q.triple)
                if q.predicate.value == has_org:
                    uses[cid].add(q.object.value)
        elif s.value.startswith(org_prefix):
            orgs[s.value].append(q.triple)
    for cid, iris in uses.items():  # the organisations of the case, described
        for iri in iris:
            found[cid].extend(orgs.get(iri, []))
    return {cid: _turtle(found.get(cid, [])) for cid in wanted}


FEW = 50  # up to this many cases, walking from each case node beats a pass over the store


def _turtle(triples: list[ox.Triple]) -> bytes:
    triples = sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=dict(PREFIXES))


def _walk(store: ox.Store, cid: str) -> list[ox.Triple]:
    """The triples :func:`case_subgraphs` takes for one case, found from the case node: every
    node under its IRI linked (either way) to one already found, then its organisations.
    ``tests/test_site_incremental.py`` checks that this finds what the pass over the store
    finds, for every real case."""
    root = f"{ID}case/{cid}"
    under = root + "/"
    seen, todo, triples, orgs = {root}, [ox.NamedNode(root)], [], set()
    graph = ox.DefaultGraph()
    while todo:
        node = todo.pop()
        for q in store.quads_for_pattern(node, None, None, graph):
            triples.append(q.triple)
            o = q.object
            if isinstance(o, ox.NamedNode):
                if q.predicate.value == HAS_ORG:
                    orgs.add(o)
                elif o.value.startswith(under) and o.value not in seen:
                    seen.add(o.value)
                    todo.append(o)
        for q in store.quads_for_pattern(None, None, node, graph):
            s = q.subject
            if isinstance(s, ox.NamedNode) and s.value.startswith(under) and s.value not in seen:
                seen.add(s.value)
                todo.append(s)
    for org in orgs:
        triples.extend(q.triple for q in store.quads_for_pattern(org, None, None, graph))
    return triples
