"""What the graph page's side panel shows when a node is opened, embedded in the page as JSON.

For a pattern or risk factor: its definition, the cases that count for it (with the claims
that link them and every quote with its source lines and a link to the quote on the case
page), the cases where it is only possible and where it was examined and not found (marked),
and the concepts it occurs with, with counts. For a relation between roles: the claims of each
case with their quotes. Case labels and source references are stored once, not per quote.
Beyond :data:`~pav_graph.site.graphs.corpus.PANEL_CASES` cases per concept the panel says how
many more there are and links to the concept page, so the page stays small for a large corpus.
"""

from __future__ import annotations

from pav_graph.site.data import SiteData
from pav_graph.site.graphs.corpus import PANEL_CASES

MINOR_CASES = 10  # possible and absent cases listed per concept
GROUP_WORD = {"findings": ("bevinding", "finding"), "relations": ("relatie", "relation"),
              "interventions": ("interventie", "intervention"), "events": ("gebeurtenis", "event"),
              "actors": ("actor", "actor")}


def locator(ev: dict) -> dict[str, str]:
    """'regels 73–75' / 'lines 73–75' (and the page), as the case pages write it."""
    if ev.get("page") and ev.get("locator"):
        loc = ev["locator"]
        return {"nl": loc, "en": loc.replace("regels", "lines").replace("regel", "line")}
    one = ev["first_line"] == ev["last_line"]
    span = f"{ev['first_line']}" + ("" if one else f"–{ev['last_line']}")
    page = f"p. {ev['page']}, " if ev.get("page") else ""
    return {"nl": f"{page}{'regel' if one else 'regels'} {span}",
            "en": f"{page}{'line' if one else 'lines'} {span}"}


def _item(group: str, item: dict) -> dict:
    word = GROUP_WORD.get(group, (group, group))
    out = {"anchor": item["anchor"], "what": {"nl": word[0], "en": word[1]},
           "quotes": [{"id": ev.get("id"), "quote": ev["quote"], "source": ev["source"],
                       "at": locator(ev)} for ev in item.get("evidence", [])]}
    if item.get("marks"):
        out["marks"] = {"nl": item["marks"], "en": item.get("marks_en") or item["marks"]}
    if item.get("attributed"):
        out["by"] = {"nl": item["attributed"], "en": item.get("attributed_en") or item["attributed"]}
    if group == "relations":
        frm = (item.get("from_actor") or {}).get("label") or item.get("from")
        to = (item.get("to_actor") or {}).get("label") or item.get("to")
        out["detail"] = {"nl": f"{frm} → {to}",
                         "en": f"{(item.get('from_actor') or {}).get('label_en') or frm} → "
                               f"{(item.get('to_actor') or {}).get('label_en') or to}"}
    elif group == "events" and item.get("label"):
        out["detail"] = {"nl": item["label"], "en": item.get("label_en") or item["label"]}
    return out


def _uses(uses: list[dict], limit: int, cases: set[str]) -> list[dict]:
    out = []
    for use in uses[:limit]:
        cases.add(use["case"])
        out.append({"case": use["case"], "inferred": bool(use.get("inferred")),
                    "items": [_item(u["group"], u["item"]) for u in use["items"]]})
    return out


def panel_data(data: SiteData, pmap: dict, rmap: dict, relations: dict[str, dict]) -> dict:
    """The panel's data for the nodes of the pattern map ``pmap`` and the role map ``rmap``."""
    used_cases: set[str] = set()
    concepts = {}
    co: dict[str, list[list]] = {}
    for e in pmap["edges"]:
        co.setdefault(e["from"], []).append([e["to"], e["n"]])
        co.setdefault(e["to"], []).append([e["from"], e["n"]])
    for node in pmap["nodes"]:
        cid = node["id"].split(":", 1)[1]
        c = data.concepts[cid]
        concepts[node["id"]] = {
            "label": c["label"], "kind": c["kind"], "definition": c["definition"],
            "url": f"concepts/{cid}.html", "n": node["n"],
            "cases": _uses(c["cases"], PANEL_CASES, used_cases),
            "more": max(0, len(c["cases"]) - PANEL_CASES),
            "possible": _uses(c.get("possible", []), MINOR_CASES, used_cases),
            "possible_more": max(0, len(c.get("possible", [])) - MINOR_CASES),
            "absent": [{"case": u["case"]} for u in c.get("absent", [])[:MINOR_CASES]],
            "absent_more": max(0, len(c.get("absent", [])) - MINOR_CASES),
            "co": sorted(co.get(node["id"], []), key=lambda x: (-x[1], x[0])),
        }
        used_cases |= {u["case"] for u in c.get("absent", [])[:MINOR_CASES]}
    rels = {}
    roles: dict[str, list[str]] = {}
    for node in rmap["nodes"]:
        if node["kind"] == "role":
            cid = node["id"].split(":", 1)[1]
            roles[node["id"]] = []
            concepts[node["id"]] = {"label": data.concepts[cid]["label"], "kind": "role",
                                    "definition": data.concepts[cid]["definition"],
                                    "url": f"concepts/{cid}.html", "n": node["n"]}
    for node in rmap["nodes"]:
        if node["kind"] != "relation":
            continue
        key = node["id"].split(":", 1)[1]
        r = relations[key]
        claims = []
        for claim in sorted(r["claims"], key=lambda x: (not x["counts"], x["case"])):
            if len(claims) >= PANEL_CASES:
                break
            used_cases.add(claim["case"])
            claims.append({"case": claim["case"], "counts": claim["counts"],
                           "items": [_item("relations", claim["item"])]})
        rels[node["id"]] = {"from": f"role:{r['from']}", "to": f"role:{r['to']}",
                            "type": data.concepts[r["type"]]["label"],
                            "url": f"concepts/{r['type']}.html",
                            "n": len(r["cases"]), "possible": len(r["possible"]),
                            "claims": claims, "more": max(0, len(r["claims"]) - PANEL_CASES)}
        for end in (f"role:{r['from']}", f"role:{r['to']}"):
            if node["id"] not in roles.setdefault(end, []):
                roles[end].append(node["id"])
    cases = {cid: {"label": data.cases[cid]["label"], "kind": data.cases[cid]["kind"]}
             for cid in sorted(used_cases)}
    sources = {sid: s.get("cite") or sid for sid, s in data.sources.items()}
    return {"concepts": concepts, "relations": rels, "roles": roles, "cases": cases,
            "sources": sources}
