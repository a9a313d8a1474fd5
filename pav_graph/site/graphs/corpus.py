"""The corpus views of the graph page: the pattern map and the map of roles and relations.

**Pattern map.** The patterns and risk factors the cases show, each sized by the number of
cases whose counting claims link to it (``linked`` in the site data: stated in the source's own
words; composite patterns the reasoner matched count their matches), linked to the others by
how many cases show both. Both counts come from one pass over the cases (each case's pairs:
linear in the cases, the pairs bounded by the vocabulary).

**Roles and relations.** The typed relations of all cases between roles (``wethouder —
wantrouwen → gemeentesecretaris``), each a labelled box with the number of cases; one that no
case states in its own words is dashed and says so.

Everything a reader can open — cases, quotes with their lines, co-occurring concepts — is in
the page's own JSON (:func:`panel_data`), so the side panel needs no request; beyond
:data:`PANEL_CASES` cases a concept's panel points to its concept page, which lists all.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from itertools import combinations

from pav_graph.site.data import SiteData
from pav_graph.site.graphs.ego import possible_mark
from pav_graph.site.graphs.nodes import Builder, concept_tip

MAP_KINDS = ("pattern", "risk-factor")
MAX_CONCEPTS = 150  # the vocabulary today has fewer patterns and risk factors than this
MAX_RELATIONS = 80
PANEL_CASES = 30
EDGES_PER_NODE = 2.5  # the default least number of shared cases keeps about this many edges
# labels by importance: font sizes (canvas px) by rank, as long as their boxes fit in the
# area budget of a reference view; the rest get a size that is drawn only when zoomed in
TIERS = ((6, 16.0), (20, 13.5), (10_000, 12.0))
VIEW = (840.0, 640.0)  # the graph on the graph page in a 1280 × 900 window


def concept_cases(data: SiteData) -> tuple[dict[str, list[str]], dict[str, set[str]]]:
    """Concept -> the cases that count for it (counting claims, or a reasoner's match), and
    concept -> the cases among those that are inferred matches."""
    cases: dict[str, list[str]] = defaultdict(list)
    inferred: dict[str, set[str]] = defaultdict(set)
    for cid, case in data.cases.items():
        found = {c for c in case["linked"]
                 if data.concepts.get(c, {}).get("kind") in MAP_KINDS}
        for p in case["patterns"]:
            if p["id"] in data.concepts and p["id"] not in found:
                found.add(p["id"])
                inferred[p["id"]].add(cid)
        for c in found:
            cases[c].append(cid)
    return cases, inferred


def pattern_map(data: SiteData, max_concepts: int = MAX_CONCEPTS) -> dict:
    cases, inferred = concept_cases(data)
    ranked = sorted(cases, key=lambda c: (-len(cases[c]), data.concepts[c]["label"]["nl"].casefold(), c))
    ranked = ranked[:max_concepts]
    shown = set(ranked)
    pairs: Counter[tuple[str, str]] = Counter()
    for case in data.cases.values():
        found = sorted({c for c in case["linked"] if c in shown}
                       | {p["id"] for p in case["patterns"] if p["id"] in shown})
        pairs.update(combinations(found, 2))
    top = max((len(cases[c]) for c in ranked), default=1)

    def size_of(c: str) -> float:
        return round(7 + 13 * math.sqrt(len(cases[c]) / top), 1)

    b = Builder(VIEW)
    for rank, c in enumerate(ranked):
        n, k = len(cases[c]), len(inferred.get(c, ()))
        mentions = sum(data.cases[x]["kind"] != "case" for x in cases[c])
        extra = {"nl": f"{n} {'casus' if n == 1 else 'casussen'}" +
                       (f", waarvan {mentions} alleen vermeld of als illustratie" if mentions else "") +
                       (f"; {k} afgeleid door de redeneerder" if k else ""),
                 "en": f"{n} {'case' if n == 1 else 'cases'}" +
                       (f", {mentions} of them only mentioned or illustrations" if mentions else "") +
                       (f"; {k} inferred by the reasoner" if k else "")}
        b.node(f"concept:{c}", data.concepts[c]["kind"], data.concepts[c]["label"],
               concept_tip(data, c, extra), f"concepts/{c}.html", size=size_of(c),
               font=next(f for limit, f in TIERS if rank < limit), priority=rank, n=n)
    edges = sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))[: int(6 * len(ranked)) + 10]
    for (a, c), count in edges:
        b.edge(f"concept:{a}", f"concept:{c}", "cooccurs", n=count)
    least = 1
    while sum(count >= least for _, count in edges) > EDGES_PER_NODE * max(len(ranked), 4):
        least += 1
    b.layout(edge_links=False, weight={
        (f"concept:{a}", f"concept:{c}"): n / math.sqrt(len(cases[a]) * len(cases[c]))
        for (a, c), n in edges})
    thresholds = sorted({count for _, count in edges})
    return b.package({"nl": "Patronen en risicofactoren: grootte naar het aantal casussen, "
                            "lijnen naar hoe vaak ze samen voorkomen",
                      "en": "Patterns and risk factors: size by the number of cases, lines by "
                            "how often they occur together"},
                     least=least, thresholds=thresholds or [1], total=len(cases),
                     shown=len(ranked))


def role_map(data: SiteData, relations: dict[str, dict] | None = None,
             max_relations: int = MAX_RELATIONS) -> dict:
    """Roles linked through the typed relations of every case (see the module doc);
    ``relations`` is :func:`relation_index` when the caller has it already."""
    rel = relation_index(data) if relations is None else relations
    chosen = sorted(rel, key=lambda k: (-len(rel[k]["cases"]), -len(rel[k]["possible"]), k))
    chosen = chosen[:max_relations]
    b = Builder(VIEW)
    role_cases: dict[str, set[str]] = defaultdict(set)
    for key in chosen:
        r = rel[key]
        for role in (r["from"], r["to"]):
            role_cases[role] |= set(r["cases"]) | set(r["possible"])
    top = max((len(v) for v in role_cases.values()), default=1)
    for role in sorted(role_cases):
        n = len(role_cases[role])
        extra = {"nl": f"in relaties van {n} {'casus' if n == 1 else 'casussen'}",
                 "en": f"in relations of {n} {'case' if n == 1 else 'cases'}"}
        b.node(f"role:{role}", "role", data.concepts[role]["label"],
               concept_tip(data, role, extra), f"concepts/{role}.html",
               size=round(8 + 8 * math.sqrt(n / top), 1), font=13, priority=-n, n=n)
    for key in chosen:
        r = rel[key]
        n, p = len(r["cases"]), len(r["possible"])
        t = data.concepts[r["type"]]["label"]
        if n:
            label = {lang: f"{t[lang]} · {n}" for lang in ("nl", "en")}
        else:
            mark = possible_mark(r["items"])
            label = {lang: f"{t[lang]} ({mark[lang]}) · {p}" for lang in ("nl", "en")}
        frm, to = data.concepts[r["from"]]["label"], data.concepts[r["to"]]["label"]
        tip = {"nl": f"{frm['nl']} → {t['nl']} → {to['nl']}\n{n} {'casus' if n == 1 else 'casussen'}"
                     + (f"; mogelijk (telt niet mee) in nog {p}" if p else ""),
               "en": f"{frm['en']} → {t['en']} → {to['en']}\n{n} {'case' if n == 1 else 'cases'}"
                     + (f"; possible (does not count) in {p} more" if p else "")}
        node_id = f"rel:{key}"
        name = {lang: f"{frm[lang]} → {label[lang]} → {to[lang]}" for lang in ("nl", "en")}
        b.node(node_id, "relation", label, tip, f"concepts/{r['type']}.html", size=0, font=11,
               name=name, possible=not n, priority=0, n=n)
        kind = "relation" if n else "relation-possible"
        b.edge(f"role:{r['from']}", node_id, kind, arrow=False)
        b.edge(node_id, f"role:{r['to']}", kind, arrow=True)
    b.layout()
    return b.package({"nl": "Rollen en de soorten relaties tussen hen, over alle casussen",
                      "en": "Roles and the types of relation between them, across all cases"},
                     shown=len(chosen), total=len(rel))


def relation_index(data: SiteData) -> dict[str, dict]:
    """(from role, relation type, to role) -> the cases that state it and the cases where it is
    only possible, with the relation claims themselves. Denied relations are left out."""
    out: dict[str, dict] = {}
    for cid, case in sorted(data.cases.items()):
        for r in case["detail"]["relations"]:
            fa, ta = r.get("from_actor"), r.get("to_actor")
            if not (fa and ta and fa.get("role") and ta.get("role") and r.get("cid")):
                continue
            if not all(x in data.concepts for x in (fa["role"], ta["role"], r["cid"])):
                continue
            standing = r.get("standing", "counts")
            if standing == "denied":
                continue
            key = f"{fa['role']}|{r['cid']}|{ta['role']}"
            entry = out.setdefault(key, {"from": fa["role"], "type": r["cid"], "to": ta["role"],
                                         "cases": [], "possible": [], "items": [], "claims": []})
            group = "cases" if standing == "counts" else "possible"
            if cid not in entry[group]:
                entry[group].append(cid)
            entry["items"].append(r)
            entry["claims"].append({"case": cid, "item": r, "counts": standing == "counts"})
    for entry in out.values():  # a case that states it is not also 'possible'
        entry["possible"] = [c for c in entry["possible"] if c not in entry["cases"]]
        entry["items"] = [i for i in entry["items"] if i.get("standing") == "possible"]
    return out
