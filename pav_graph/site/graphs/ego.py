"""The graphs of a case page (its concepts by kind; its actors by organisation with their
relations) and of a concept page (related concepts and the cases that show it).

Claims that do not count (hedged or interpreted: ``possible``) are drawn, marked: a dashed
line and a label that says so; denied claims ("examined, not found") are not drawn — the page
lists them. Each frame (a kind of concept, an organisation) is packed in advance and placed as
one block, so the labels of its members stay in their rows.
"""

from __future__ import annotations

from pav_graph.claims import LABELS
from pav_graph.site.data import SiteData
from pav_graph.site.graphs.nodes import Builder, case_tip, concept_tip, source_tip

# order of the concept frames on a case page, as in its list of findings
KIND_ORDER = ["pattern", "risk-factor", "dilemma", "relation-type", "influence-means",
              "framework", "criterion", "event-type", "role", "intervention"]
VIEW = (940.0, 560.0)  # the graph of a case page in a 1280 × 900 window
CONCEPT_VIEW = (1080.0, 560.0)
CORE_KINDS = ("pattern", "risk-factor", "dilemma")  # shown first: what a journalist asks about
CENTRE = {"size": 15, "font": 15}
MEMBER = {"size": 9, "font": 12}
MINOR = {"size": 8, "font": 11}


def possible_mark(items: list[dict]) -> dict[str, str]:
    """'voorzichtig geformuleerd' and/or 'interpretatie' for claims that do not count."""
    marks = {"nl": [], "en": []}
    for key, value in (("stance", "hedges"), ("basis", "latent")):
        if any(item.get(key) == value for item in items):
            nl, en = LABELS[key][value]
            marks["nl"].append(nl)
            marks["en"].append(en)
    return {lang: ", ".join(m) or ("mogelijk" if lang == "nl" else "possible")
            for lang, m in marks.items()}


def _kind_title(data: SiteData, kind: str) -> dict[str, str]:
    return data.kinds.get(kind, {"nl": kind, "en": kind})


def case_ego(data: SiteData, case_id: str) -> dict:
    """The case in the centre; its concepts in one frame per kind (counting claims solid,
    possible ones dashed and marked), the patterns the reasoner inferred, its sources, and its
    most similar cases linked to the concepts they share."""
    case = data.cases[case_id]
    b = Builder(VIEW)
    me = f"case:{case_id}"
    b.node(me, "case", case["label"], case_tip(data, case_id), f"cases/{case_id}.html",
           center=True, priority=-1, **CENTRE)
    by_kind: dict[str, list[str]] = {}

    def concept(cid: str, edge: str, mark: dict[str, str] | None = None) -> None:
        c = data.concepts[cid]
        key = f"concept:{cid}"
        if key in b.nodes:
            return
        label = c["label"]
        if mark:
            label = {lang: f"{label[lang]} ({mark[lang]})" for lang in ("nl", "en")}
        tip = concept_tip(data, cid, {lang: ("telt niet mee: " if lang == "nl" else
                                             "does not count: ") + mark[lang]
                                      for lang in ("nl", "en")} if mark else None, count=False)
        rank = (1 if c["kind"] in CORE_KINDS else 2) + (0.5 if mark else 0)
        b.node(key, c["kind"], label, tip, f"concepts/{cid}.html", possible=bool(mark),
               priority=rank, **MEMBER)
        b.edge(me, key, edge)
        by_kind.setdefault(c["kind"], []).append(key)

    for cid in case["linked"]:
        if cid in data.concepts:
            concept(cid, "linked")
    for p in case["patterns"]:
        if p["id"] in data.concepts:
            concept(p["id"], "inferred")
    possible: dict[str, list[dict]] = {}
    detail = case["detail"]
    for group in ("findings", "relations", "interventions", "events"):
        for item in detail[group]:
            if item.get("standing") == "possible" and item.get("cid") in data.concepts:
                possible.setdefault(item["cid"], []).append(item)
    for cid, items in sorted(possible.items()):
        concept(cid, "possible", possible_mark(items))
    for sid in case["sources"]:
        if sid in data.sources:
            b.node(f"source:{sid}", "source", {"nl": sid, "en": sid}, source_tip(data, sid, count=False),
                   f"sources/{sid}.html", priority=3, **MINOR)
            b.edge(me, f"source:{sid}", "source")
    similar = []
    for sim in case["similar"]:
        key = f"case:{sim['id']}"
        b.node(key, "case", data.cases[sim["id"]]["label"], case_tip(data, sim["id"]),
               f"cases/{sim['id']}.html", priority=4, **MINOR)
        similar.append(key)
        for c in sim["shared"]:
            if f"concept:{c}" in b.nodes:
                b.edge(key, f"concept:{c}", "shared")
    for kind in KIND_ORDER + sorted(set(by_kind) - set(KIND_ORDER)):
        members = sorted(by_kind.get(kind, []), key=lambda k: (b.nodes[k].get("possible", False),
                                                                b.nodes[k]["label"]["nl"].casefold()))
        b.group(f"kind-{kind}", _kind_title(data, kind), members)
    b.group("sources", {"nl": "bronnen", "en": "sources"},
            [k for k in b.nodes if k.startswith("source:")])
    b.group("similar", {"nl": "vergelijkbare casussen", "en": "similar cases"}, similar)
    b.layout(centre=me)
    return b.package({"nl": f"Graaf van de casus {case['label']['nl']}: begrippen per soort, "
                            "bronnen en vergelijkbare casussen",
                      "en": f"Graph of the case {case['label']['en']}: concepts by kind, "
                            "sources and similar cases"})


def case_actors(data: SiteData, case_id: str) -> dict | None:
    """The case's actors, named by their role, in one frame per organisation, and the typed
    relations between them as labelled boxes (from → type → to); a relation that does not
    count is dashed and says why. None when the case records no actors."""
    case = data.cases[case_id]
    detail = case["detail"]
    if not detail["actors"]:
        return None
    b = Builder(VIEW)
    role_labels = {}
    for a in detail["actors"]:
        role = data.concepts.get(a["role"]) if a["role"] else None
        role_labels[a["anchor"]] = role["label"] if role else {"nl": a["label"],
                                                               "en": a["label_en"] or a["label"]}
    seen: dict[tuple[str | None, str], int] = {}
    for a in detail["actors"]:
        key = (a["organisation"], role_labels[a["anchor"]]["nl"])
        seen[key] = seen.get(key, 0) + 1
    orgs: dict[str | None, list[str]] = {}
    for a in detail["actors"]:
        label = role_labels[a["anchor"]]
        if seen[(a["organisation"], label["nl"])] > 1:  # two of one role: their own words
            label = {"nl": a["label"], "en": a["label_en"] or a["label"]}
        org = a["organisation"]
        role = data.concepts.get(a["role"]) if a["role"] else None
        tip = {lang: "\n".join(x for x in (
            a["label"] if lang == "nl" else (a["label_en"] or a["label"]),
            (("rol: " if lang == "nl" else "role: ") + role["label"][lang]) if role else "",
            org or "") if x) for lang in ("nl", "en")}
        b.node(f"actor:{a['anchor']}", "actor", label, tip, f"#{a['anchor']}", priority=1,
               **MEMBER)
        orgs.setdefault(org, []).append(f"actor:{a['anchor']}")
    for r in detail["relations"]:
        ends = [x for x in (r["from_actor"], r["to_actor"]) if x]
        if not ends:
            continue
        counts = r.get("standing", "counts") == "counts"
        if r.get("standing") == "denied":
            continue
        label = {"nl": r["clabel"] or r["cid"], "en": r["clabel_en"] or r["clabel"] or r["cid"]}
        mark = None if counts else possible_mark([r])
        if mark:
            label = {lang: f"{label[lang]} ({mark[lang]})" for lang in ("nl", "en")}
        frm = r["from_actor"]["label"] if r["from_actor"] else r["from"]
        to = r["to_actor"]["label"] if r["to_actor"] else r["to"]
        frm_en = (r["from_actor"]["label_en"] if r["from_actor"] else None) or frm
        to_en = (r["to_actor"]["label_en"] if r["to_actor"] else None) or to
        tip = {"nl": f"{frm} → {label['nl']} → {to}" + ("" if counts else "\ntelt niet mee"),
               "en": f"{frm_en} → {label['en']} → {to_en}" + ("" if counts else
                                                             "\ndoes not count")}
        key = f"relation:{r['anchor']}"
        b.node(key, "relation", label, tip, f"#{r['anchor']}", size=0, font=11,
               possible=not counts, priority=0)
        kind = "relation" if counts else "relation-possible"
        if r["from_actor"]:
            b.edge(f"actor:{r['from_actor']['anchor']}", key, kind, arrow=False)
        if r["to_actor"]:
            b.edge(key, f"actor:{r['to_actor']['anchor']}", kind, arrow=True)
    for org in sorted(orgs, key=lambda o: (o is None, o or "")):
        title = {"nl": org, "en": org} if org else {"nl": "geen organisatie vastgelegd",
                                                    "en": "no organisation recorded"}
        b.group(f"org-{len(b.groups)}", title, orgs[org])
    b.layout()
    return b.package({"nl": f"Actoren van de casus {case['label']['nl']} per organisatie, met "
                            "hun relaties",
                      "en": f"Actors of the case {case['label']['en']} by organisation, with "
                            "their relations"})


CONCEPT_GROUPS = (("broader", "broader", {"nl": "breder begrip", "en": "broader concept"}),
                  ("narrower", "broader", {"nl": "smallere begrippen", "en": "narrower concepts"}),
                  ("related", "related", {"nl": "verwante begrippen", "en": "related concepts"}),
                  ("requires", "requires", {"nl": "vereist", "en": "requires"}))


def concept_ego(data: SiteData, concept_id: str, max_cases: int = 60) -> dict:
    """One concept, its broader/narrower/related/required concepts, and (up to ``max_cases``)
    the cases that show it: counting claims solid, inferred patterns red, possible dashed."""
    c = data.concepts[concept_id]
    b = Builder(CONCEPT_VIEW)
    me = f"concept:{concept_id}"
    b.node(me, c["kind"], c["label"], concept_tip(data, concept_id),
           f"concepts/{concept_id}.html", center=True, priority=-1, **CENTRE)
    for key, edge, title in CONCEPT_GROUPS:
        members = []
        for other in c[key]:
            k = f"concept:{other}"
            if k in b.nodes:
                continue
            b.node(k, data.concepts[other]["kind"], data.concepts[other]["label"],
                   concept_tip(data, other), f"concepts/{other}.html", priority=1, **MEMBER)
            b.edge(me, k, edge)
            members.append(k)
        b.group(key, title, sorted(members, key=lambda k: b.nodes[k]["label"]["nl"].casefold()))
    uses = c["cases"]
    shown = 0
    for group, title in (("cases", {"nl": "casussen", "en": "cases"}),
                         ("possible", {"nl": "mogelijk (telt niet mee)",
                                       "en": "possible (does not count)"})):
        members = []
        for use in c.get(group, []):
            if shown >= max_cases:
                break
            k = f"case:{use['case']}"
            if k in b.nodes:
                continue
            b.node(k, "case", data.cases[use["case"]]["label"], case_tip(data, use["case"]),
                   f"cases/{use['case']}.html", priority=2 if group == "cases" else 3, **MINOR)
            edge = "possible" if group == "possible" else (
                "inferred" if use["inferred"] else "linked")
            b.edge(me, k, edge)
            members.append(k)
            shown += 1
        b.group(group, title, sorted(members, key=lambda k: b.nodes[k]["label"]["nl"].casefold()))
    b.layout(centre=me)
    return b.package({"nl": f"Graaf van het begrip {c['label']['nl']}: verwante begrippen en "
                            "de casussen waarin het voorkomt",
                      "en": f"Graph of the concept {c['label']['en']}: related concepts and the "
                            "cases in which it occurs"},
                     shown_cases=min(len(uses), max_cases), total_cases=len(uses))
