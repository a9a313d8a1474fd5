"""What the site shows, gathered once from the built store (SPARQL) and the source texts.

The pages never read case YAML: cases come from :func:`pav_graph.catalog.case_details` and a few
corpus-wide SPARQL queries, so the site shows exactly what the graph (with its inferences)
holds. Source metadata and texts come from ``sources/`` because the store keeps only the text
file's name, and the pages quote the lines around each citation.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from pav_graph.catalog import case_details, select_cases
from pav_graph.catalog import cases as catalog_cases
from pav_graph.catalog import concepts as catalog_concepts
from pav_graph.mechanisms.store import case_quotes, cases_from_store, links_from_store
from pav_graph.model import Source
from pav_graph.rdf import KIND_LABEL
from pav_graph.sparql import prefix_header, select_local

# The per-case queries name the case node ?case, so that catalog.select_cases can read one case
# (an update of the site) with its IRI in place.
LINKS_Q = prefix_header() + """
SELECT ?id ?concept WHERE {
  ?case a pg:Case ; dcterms:identifier ?id ; pg:linkedTo/skos:notation ?concept .
}"""

LEVELS_Q = prefix_header() + """
SELECT DISTINCT ?id ?level ?nl ?en WHERE {
  ?case a pg:Case ; dcterms:identifier ?id ; pg:hasOrganisation/pg:level ?l .
  ?l skos:prefLabel ?nl , ?en FILTER(lang(?nl) = "nl" && lang(?en) = "en")
  BIND(REPLACE(STR(?l), "^.*/", "") AS ?level)
}"""

CONCEPT_LINKS_Q = prefix_header() + """
SELECT ?id ?p ?other WHERE {
  VALUES ?p { skos:broader skos:narrower skos:related pg:requires }
  ?c skos:notation ?id ; ?p ?o . ?o skos:notation ?other .
}"""

CONCEPT_DEF_Q = prefix_header() + """
SELECT ?id ?locator ?quote ?first ?last ?composite WHERE {
  ?c a skos:Concept ; skos:notation ?id .
  OPTIONAL { ?c pg:definitionLocator ?locator }
  OPTIONAL { ?c pg:hasEvidence ?ev . ?ev pg:quote ?quote ; pg:firstLine ?first ; pg:lastLine ?last }
  OPTIONAL { ?c pg:patternClass ?composite }
}"""

EXAMPLES_Q = prefix_header() + """
SELECT ?id ?ex ?source ?quote ?lang ?first ?last ?page ?note_nl ?note_en WHERE {
  ?c a skos:Concept ; skos:notation ?id ; pg:illustratedBy ?ex .
  ?ex pg:source/dcterms:identifier ?source ; pg:quote ?quote ; pg:firstLine ?first ; pg:lastLine ?last .
  BIND(lang(?quote) AS ?lang)
  OPTIONAL { ?ex pg:page ?page }
  OPTIONAL { ?ex pg:note ?note_nl FILTER(lang(?note_nl) = "nl") }
  OPTIONAL { ?ex pg:note ?note_en FILTER(lang(?note_en) = "en") }
}"""

LEVEL_LABELS_Q = prefix_header() + """
SELECT DISTINCT ?nl ?en WHERE {
  ?x pg:level ?l . ?l skos:prefLabel ?nl , ?en FILTER(lang(?nl) = "nl" && lang(?en) = "en")
}"""

ALT_Q = prefix_header() + """
SELECT ?id ?alt (lang(?alt) AS ?lang) WHERE { ?c a skos:Concept ; skos:notation ?id ; skos:altLabel ?alt }
ORDER BY ?id ?alt"""

RENAMED_Q = prefix_header() + """
SELECT ?id ?next ?nl ?en ?note_nl ?note_en WHERE {
  ?c owl:deprecated true ; skos:notation ?id ; dcterms:isReplacedBy/skos:notation ?next ;
     skos:prefLabel ?nl , ?en FILTER(lang(?nl) = "nl" && lang(?en) = "en")
  OPTIONAL { ?c skos:historyNote ?note_nl FILTER(lang(?note_nl) = "nl") }
  OPTIONAL { ?c skos:historyNote ?note_en FILTER(lang(?note_en) = "en") }
}"""

MATCHES_Q = prefix_header() + """
SELECT ?id ?pattern ?item WHERE {
  ?m a pg:PatternMatch ; pg:matchCase ?case ; pg:matchPattern/skos:notation ?pattern .
  ?case dcterms:identifier ?id .
  OPTIONAL { ?m pg:basedOn ?item }
}"""

RELATION_ENDS_Q = prefix_header() + """
SELECT ?rel ?from ?to WHERE {
  ?case pg:hasRelation ?rel . ?rel a pg:Relation ; pg:fromActor ?from ; pg:toActor ?to
}"""

EVENT_ACTORS_Q = prefix_header() + """
SELECT ?event ?actor WHERE { ?case pg:hasEvent ?event . ?event a pg:Event ; pg:involves ?actor }"""

ACTOR_ORG_Q = prefix_header() + """
SELECT ?actor ?org ?name WHERE {
  ?case pg:hasActor ?actor . ?actor a pg:Actor ; pg:memberOf ?org . ?org rdfs:label ?name
}"""

LOCATOR = re.compile(r"(\d+)(?:\s*[–-]\s*(\d+))?\s*\Z")

# Concepts of these kinds say little about how alike two cases are: nearly every case has a
# municipal secretary or an executive board.
NOT_FOR_SIMILARITY = {"role"}

STATUS = {"applied": ("toegepast", "applied"), "recommended": ("aanbevolen", "recommended")}


def parse_locator(locator: str | None) -> tuple[int, int] | None:
    """Lines of a locator written by :attr:`pav_graph.model.Evidence.locator` ("regels 3–5")."""
    m = LOCATOR.search(locator or "")
    if not m:
        return None
    first = int(m.group(1))
    return first, int(m.group(2) or first)


def anchor(case_iri: str, item_iri: str) -> str:
    """The HTML id of an item on its case page, e.g. ``finding-frame-lock`` or ``event-2``."""
    return item_iri[len(case_iri) + 1:].replace("/", "-")


def years(start: str | None, end: str | None) -> list[int]:
    """The calendar years a case spans (from the first four digits of its dates)."""
    first = int(start[:4]) if start else (int(end[:4]) if end else None)
    last = int(end[:4]) if end else first
    if first is None or last is None:
        return []
    if last < first or last - first > 60:  # a malformed or open-ended period: keep the ends
        return sorted({first, last})
    return list(range(first, last + 1))


@dataclass
class SiteData:
    cases: dict[str, dict]
    concepts: dict[str, dict]
    sources: dict[str, dict]
    kinds: dict[str, dict[str, str]] = field(default_factory=dict)
    level_en: dict[str, str] = field(default_factory=dict)  # Dutch level label -> English
    stats: dict = field(default_factory=dict)  # the counts of the home page's footer
    mechanisms: dict = field(default_factory=dict)  # {"links": the mechanism links of the sources}
    renamed: dict = field(default_factory=dict)  # merged or renamed concept id -> its record


def load_site_data(store: ox.Store, source_models: dict[str, Source], kept=None) -> SiteData:
    """Everything the pages show. ``kept`` (:class:`pav_graph.site.records.Kept`) holds the
    case records of earlier runs that still hold for this build: only the other cases are read
    from the store (an update after a ``case add`` reads one case instead of 10,000)."""
    concepts = _concepts(store)
    renamed = _renamed(store, concepts)
    cases = _cases(store, concepts, kept)
    sources = _sources(source_models, cases, concepts)
    kinds = {k: {"nl": nl, "en": en} for k, (nl, en) in KIND_LABEL.items()}
    level_en = {str(r["nl"]): str(r["en"]) for r in select_local(store, LEVEL_LABELS_Q).rows}
    return SiteData(cases, concepts, sources, kinds, level_en,
                    mechanisms={"links": links_from_store(store)}, renamed=renamed)


def _concepts(store: ox.Store) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for row in catalog_concepts(store):
        out[row.id] = {
            "id": row.id, "kind": row.kind, "label": {"nl": row.label_nl, "en": row.label_en},
            "definition": {"nl": row.definition_nl, "en": row.definition_en},
            "source": row.source or None, "alt_labels": {"nl": [], "en": []},
            "broader": [], "narrower": [], "related": [], "requires": [],
            "definition_lines": None, "definition_quote": None, "composite": False,
            "examples": [],  # illustrations from the sources (pg:illustratedBy), in file order
            "cases": [],  # filled by _cases: [{"case": id, "items": [...]}] (counting claims)
            "possible": [],  # cases where only hedged or interpreted claims link the concept
            "absent": [],  # cases where a source examined the concept and found it absent
        }
    names = {"broader": "broader", "narrower": "narrower", "related": "related",
             "requires": "requires"}
    for r in select_local(store, CONCEPT_LINKS_Q).rows:
        cid, other = str(r["id"]), str(r["other"])
        key = names[str(r["p"]).rsplit("#", 1)[-1].rsplit("/", 1)[-1]]
        if cid in out and other in out and other not in out[cid][key]:
            out[cid][key].append(other)
    for r in select_local(store, CONCEPT_DEF_Q).rows:
        c = out.get(str(r["id"]))
        if c is None:
            continue
        if r["first"] is not None:
            c["definition_lines"] = (int(str(r["first"])), int(str(r["last"])))
            c["definition_quote"] = str(r["quote"])
        elif c["definition_lines"] is None:
            c["definition_lines"] = parse_locator(str(r["locator"]) if r["locator"] else None)
        if r["composite"] is not None:
            c["composite"] = True
    for r in select_local(store, ALT_Q).rows:  # alternative labels per language
        c = out.get(str(r["id"]))
        if c is not None and str(r["lang"]) in ("nl", "en"):
            c["alt_labels"][str(r["lang"])].append(str(r["alt"]))
    _examples(store, out)
    for c in out.values():
        for key in ("broader", "narrower", "related", "requires"):
            c[key].sort()
    return out


def _renamed(store: ox.Store, concepts: dict[str, dict]) -> dict[str, dict]:
    """The merged or renamed concepts (``owl:deprecated``), each with the live concept it went
    into (``to``, following a chain of renames), and on each live concept the ids that went into
    it (``replaces``). Their pages stay (:func:`pav_graph.site.build`): a link or bookmark made
    before the merge still leads somewhere that says what happened."""
    found = {str(r["id"]): {"id": str(r["id"]), "next": str(r["next"]),
                            "label": {"nl": str(r["nl"]), "en": str(r["en"])},
                            "history": {"nl": str(r["note_nl"]) if r["note_nl"] else None,
                                        "en": str(r["note_en"]) if r["note_en"] else None}}
             for r in select_local(store, RENAMED_Q).rows}
    out = {}
    for cid in sorted(found):
        to, seen = cid, set()
        while to in found and to not in seen:
            seen.add(to)
            to = found[to]["next"]
        if to not in concepts:  # the build refuses such a chain; a hand-made store may hold one
            continue
        out[cid] = {**found[cid], "to": to}
        concepts[to].setdefault("replaces", []).append(
            {"id": cid, "label": found[cid]["label"]})
    for c in concepts.values():
        c.setdefault("replaces", [])
    return out


def _examples(store: ox.Store, concepts: dict[str, dict]) -> None:
    """Each concept's illustrations, in the order of its file (``.../example/<n>``)."""
    found: dict[str, list[tuple[int, dict]]] = defaultdict(list)
    for r in select_local(store, EXAMPLES_Q).rows:
        cid = str(r["id"])
        if cid not in concepts:
            continue
        note = {"nl": str(r["note_nl"]) if r["note_nl"] is not None else None,
                "en": str(r["note_en"]) if r["note_en"] is not None else None}
        found[cid].append((int(str(r["ex"]).rsplit("/", 1)[-1]), {
            "quote": str(r["quote"]), "lang": str(r["lang"]) or "nl", "source": str(r["source"]),
            "first_line": int(str(r["first"])), "last_line": int(str(r["last"])),
            "page": str(r["page"]) if r["page"] is not None else None,
            "note": note if note["nl"] or note["en"] else None,
        }))
    for cid, items in found.items():
        concepts[cid]["examples"] = [ex for _, ex in sorted(items, key=lambda x: x[0])]


def _cases(store: ox.Store, concepts: dict[str, dict], kept=None) -> dict[str, dict]:
    if kept is None:
        cases = case_records(store)
    else:
        cases = kept.complete(case_records(store, kept.missing))
    for record in cases.values():
        _register_uses(concepts, record)
    _similar(cases, concepts)
    return cases


def case_records(store: ox.Store, case_ids: list[str] | None = None) -> dict[str, dict]:
    """The record of every case (or of the cases named), by id in id order: what the store holds
    of each case alone. What depends on the other cases (``similar``, the concepts' and sources'
    lists of uses) is added afterwards, so that a record can be kept for the next run."""
    def rows(query: str) -> list[dict]:
        return select_cases(store, query, case_ids)

    linked: dict[str, set[str]] = defaultdict(set)
    for r in rows(LINKS_Q):
        linked[str(r["id"])].add(str(r["concept"]))
    levels: dict[str, list[dict]] = defaultdict(list)
    for r in rows(LEVELS_Q):
        levels[str(r["id"])].append({"id": str(r["level"]), "nl": str(r["nl"]), "en": str(r["en"])})
    matches: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for r in rows(MATCHES_Q):
        items = matches[str(r["id"])][str(r["pattern"])]
        if r["item"] is not None:
            items.append(str(r["item"]))
    rel_ends = {str(r["rel"]): (str(r["from"]), str(r["to"])) for r in rows(RELATION_ENDS_Q)}
    event_actors: dict[str, set[str]] = defaultdict(set)
    for r in rows(EVENT_ACTORS_Q):
        event_actors[str(r["event"])].add(str(r["actor"]))
    actor_org: dict[str, str] = {}
    for r in rows(ACTOR_ORG_Q):  # the first name, whatever order the query plan gives
        actor, name = str(r["actor"]), str(r["name"])
        actor_org[actor] = min(actor_org.get(actor, name), name)

    mechanism = {c.id: c for c in cases_from_store(store, case_ids)}
    quotes = case_quotes(store, case_ids)

    out: dict[str, dict] = {}
    details = case_details(store, case_ids=case_ids)  # one query per kind of row, not per case
    for row in sorted(catalog_cases(store, case_ids), key=lambda row: row["id"]):
        cid = row["id"]
        detail = details.get(cid)
        if detail is None:
            continue
        iri = detail["iri"]
        actors = {a["item"]: a for a in detail["actors"]}
        for a in detail["actors"]:
            a["anchor"] = anchor(iri, a["item"])
            a["organisation"] = actor_org.get(a["item"])
        for group in ("findings", "relations", "interventions", "events"):
            for item in detail[group]:
                item["anchor"] = anchor(iri, item["item"])
        for rel in detail["relations"]:
            ends = rel_ends.get(rel["item"], ("", ""))
            rel["from_actor"], rel["to_actor"] = actors.get(ends[0]), actors.get(ends[1])
        detail["events"].sort(key=lambda e: e["date"] is None)  # undated after dated, stable
        for ev in detail["events"]:
            ev["actors"] = [actors[a] for a in sorted(event_actors.get(ev["item"], ())) if a in actors]
        for iv in detail["interventions"]:
            key = next((k for k, v in STATUS.items() if v[1] == (iv["status"] or "")), None)
            iv["status_id"] = key
        items_by_iri = {x["item"]: x for g in ("actors", "findings", "relations", "interventions",
                                               "events") for x in detail[g]}
        patterns = []
        for p in detail["patterns"]:
            based = [items_by_iri[i] for i in sorted(set(matches[cid].get(p["id"], [])))
                     if i in items_by_iri]
            patterns.append({"id": p["id"], "label": {"nl": p["label"], "en": p["label_en"]},
                             "based_on": based})
        by_kind: dict[str, list[dict]] = defaultdict(list)
        for f in detail["findings"]:
            by_kind[f["ckind"] or "other"].append(f)
        out[cid] = {
            "id": cid, "kind": row["kind"], "label": {"nl": row["label"], "en": row["label_en"]},
            "summary": detail["summary"], "period": detail["period"],
            "start": row["start"], "end": row["end"], "years": years(row["start"], row["end"]),
            "levels": sorted({(lv["id"], lv["nl"], lv["en"]) for lv in levels.get(cid, [])}),
            "organisations": detail["organisations"], "sources": sorted(detail["sources"]),
            "linked": sorted(linked.get(cid, set())), "patterns": patterns,
            "findings_by_kind": dict(by_kind), "detail": detail, "similar": [],
            # what the mechanism pages need (pav_graph.site.mechanisms)
            "mechanism": {"label": mechanism[cid].label, "levels": mechanism[cid].levels,
                          "standing": mechanism[cid].standing, "quotes": quotes.get(cid, {})},
        }
    return out


def _case_parts(cid: str, digests) -> list:
    """The digests of the fields of a case record that its items come from."""
    return [digests(f"case\t{cid}\tdetail"), digests(f"case\t{cid}\tpatterns")]


def _uses_proxy(uses: list[dict], digests) -> list:
    """What a concept's list of uses (cases, possible, absent) shows, small: each case's id, the
    digests of the record parts its items come from, and the items by IRI. Turning the lists
    themselves into JSON (every item of thousands of cases, quotes included) took seconds of
    every update at 10,000 cases."""
    return [[u["case"], _case_parts(u["case"], digests), u.get("inferred"),
             [[x["group"], x["item"]["item"]] for x in u["items"]]] for u in uses]


def _citations_proxy(citations: list[dict], digests) -> list:
    """A source's citations, small (see :func:`_uses_proxy`): a case's quote by its case, item
    and place among the item's evidence; a concept's (example, definition) as it is."""
    out = []
    for c in citations:
        if c["case"] is None:
            out.append([c["group"], c["concept"], c["evidence"]])
        else:
            item = c["item"]
            place = next(i for i, ev in enumerate(item["evidence"]) if ev is c["evidence"])
            out.append([c["case"], _case_parts(c["case"], digests), c["group"], item["item"], place])
    return out


# for pav_graph.site.incremental.Digests: fields that hold the items of other records
DIGEST_PROXIES = {("concept", "cases"): _uses_proxy, ("concept", "possible"): _uses_proxy,
                  ("concept", "absent"): _uses_proxy, ("source", "citations"): _citations_proxy}


def _register_uses(concepts: dict[str, dict], case: dict) -> None:
    """Record on each concept the items of ``case`` that link to it (with their quotes).

    A case *uses* a concept when a counting claim (or an actor's role, or an inferred pattern)
    links them; hedged or interpreted claims are recorded under ``possible`` and denied ones
    under ``absent``, so the concept page can show them, marked, without counting them.
    """
    detail = case["detail"]
    uses: dict[str, list[dict]] = defaultdict(list)
    for group in ("findings", "relations", "interventions", "events"):
        for item in detail[group]:
            if item["cid"]:
                uses[item["cid"]].append({"group": group, "item": item})
    for actor in detail["actors"]:
        if actor["role"]:
            uses[actor["role"]].append({"group": "actors", "item": actor})
    inferred = set()
    for p in case["patterns"]:  # a composite pattern the reasoner found: its reasons
        if p["id"] not in uses:
            inferred.add(p["id"])
            uses[p["id"]] = [{"group": x["anchor"].split("-", 1)[0] + "s", "item": x}
                             for x in p["based_on"]]
    linked = set(case["linked"])
    for cid in sorted(linked | set(uses)):
        if cid not in concepts:
            continue
        items = uses.get(cid, [])
        if cid in linked or cid in inferred:
            group, items = "cases", [u for u in items if u["item"].get("standing", "counts") == "counts"]
        elif any(u["item"].get("standing") == "possible" for u in items):
            group = "possible"
        else:
            group = "absent"
        concepts[cid].setdefault(group, []).append(
            {"case": case["id"], "items": items, "inferred": cid in inferred})


def _similar(cases: dict[str, dict], concepts: dict[str, dict], top: int = 5) -> None:
    """Similar cases: most shared concepts (roles left out), ties broken by Jaccard overlap, then
    by id; only cases that share at least one concept.

    With the same number shared, a higher Jaccard overlap |a ∩ b| / |a ∪ b| is a smaller union,
    so the order is the integer key (-shared, union, id). The shared counts of every pair are one
    matrix product (numpy, in blocks of rows): at 10,000 cases counting them in Python took
    about 15 s, and every update of the site does it again (whose similar cases changed depends
    on all cases).
    """
    import numpy as np

    ids = list(cases)  # in id order
    sets = [{c for c in cases[cid]["linked"] if concepts.get(c, {}).get("kind") not in NOT_FOR_SIMILARITY}
            for cid in ids]
    vocab = {c: j for j, c in enumerate(sorted({c for cs in sets for c in cs}))}
    n = len(ids)
    if n == 0:
        return
    member = np.zeros((n, max(len(vocab), 1)), dtype=np.float32)  # exact: counts stay small
    for i, cs in enumerate(sets):
        member[i, [vocab[c] for c in cs]] = 1.0
    sizes = member.sum(axis=1).astype(np.int64)
    order = np.arange(n, dtype=np.int64)
    worst = np.iinfo(np.int64).max
    width = len(vocab) + 1  # shared and union are at most 2 * len(vocab)
    for start in range(0, n, 512):
        stop = min(start + 512, n)
        shared = (member[start:stop] @ member.T).round().astype(np.int64)
        union = sizes[start:stop, None] + sizes[None, :] - shared
        key = ((width - shared) * (2 * width) + union) * n + order[None, :]
        key[shared == 0] = worst  # shares nothing (and the case itself, below)
        key[np.arange(stop - start), np.arange(start, stop)] = worst
        k = min(top, n - 1)
        best = np.argpartition(key, k - 1, axis=1)[:, :k] if k > 0 else np.zeros((stop - start, 0), int)
        for row, i in enumerate(range(start, stop)):
            chosen = sorted((int(key[row, j]), int(j)) for j in best[row] if key[row, j] != worst)
            cs = sets[i]
            cases[ids[i]]["similar"] = [
                {"id": ids[j], "shared": sorted(cs & sets[j], key=lambda c: (concepts[c]["kind"], c))}
                for _, j in chosen]


def _sources(models: dict[str, Source], cases: dict[str, dict], concepts: dict[str, dict]) -> dict:
    """Source metadata plus every citation of it: case evidence and concept definitions."""
    out: dict[str, dict] = {}
    for sid, s in sorted(models.items()):
        out[sid] = {"id": sid, "title": s.title, "authors": s.authors, "year": s.year,
                    "publisher": s.publisher, "type": s.type, "language": s.language,
                    "description": s.description, "notes": s.notes,
                    "url": s.url, "doi": s.doi, "isbn": s.isbn, "date": s.date,
                    "text_file": s.text_path.name, "lines": s.text.lines, "citations": [],
                    "redactions": s.redactions, "only_source_of": []}
    for case in cases.values():
        detail = case["detail"]
        if len(case["sources"]) == 1 and case["sources"][0] in out:  # no other source to check it by
            out[case["sources"][0]]["only_source_of"].append(case["id"])
        for group in ("actors", "findings", "relations", "interventions", "events"):
            for item in detail[group]:
                for ev in item["evidence"]:
                    if ev["source"] in out:
                        out[ev["source"]]["citations"].append(
                            {"case": case["id"], "group": group, "item": item, "evidence": ev})
    for c in concepts.values():
        for ex in c["examples"]:
            if ex["source"] in out:
                out[ex["source"]]["citations"].append(
                    {"case": None, "group": "example", "concept": c["id"], "evidence": ex})
        if c["source"] in out and c["definition_lines"]:
            first, last = c["definition_lines"]
            out[c["source"]]["citations"].append(
                {"case": None, "group": "definition", "concept": c["id"],
                 "evidence": {"quote": c["definition_quote"], "first_line": first,
                              "last_line": last, "source": c["source"]}})
    return out
