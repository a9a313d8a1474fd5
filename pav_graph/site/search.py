"""The client-side search index embedded in the home page.

One entry per case, concept, actor and quote. ``l`` is the label (nl/en), ``u`` the
link, ``c`` the case an actor or quote belongs to, ``k`` the index of that case's own entry, and
``p`` the passages (summary, quote, definition) to match and to take the snippet from. The page
folds the text itself (lower case, accents removed — ``fold`` in static/site.js), so "beeindigd" finds
"beëindigd", and it matches a case entry also on the quotes and actors that point to it with
``k``: a word from a quote finds the case without the quote being stored twice.
"""

from __future__ import annotations

from pav_graph.site.data import SiteData


def _entry(kind: str, url: str, label: dict, passages: list[str], case: int | None = None,
           context: dict | None = None) -> dict:
    entry = {"t": kind, "u": url, "l": label, "p": [p for p in passages if p]}
    if case is not None:
        entry["k"], entry["c"] = case, context
    return entry


def search_index(data: SiteData) -> list[dict]:
    entries: list[dict] = []
    for cid, case in sorted(data.cases.items()):
        detail = case["detail"]
        url = f"cases/{cid}.html"
        orgs = [o["name"] for o in case["organisations"]]
        me = len(entries)
        entries.append(_entry("case", url, case["label"],
                              [case["summary"].get("nl", ""), case["summary"].get("en", ""), *orgs]))
        for actor in detail["actors"]:
            label = {"nl": actor["label"] or actor["anchor"],
                     "en": actor["label_en"] or actor["label"] or actor["anchor"]}
            quotes = [ev["quote"] for ev in actor["evidence"]]
            entries.append(_entry("actor", f"{url}#{actor['anchor']}", label,
                                  [actor["rolelabel"] or "", *quotes], me, case["label"]))
        for g in ("findings", "relations", "interventions", "events"):
            for item in detail[g]:
                for ev in item["evidence"]:
                    label = {"nl": item["clabel"] or item["label"] or "",
                             "en": item["clabel_en"] or item["label_en"] or ""}
                    entries.append(_entry("quote", f"{url}#{item['anchor']}", label,
                                          [ev["quote"]], me, case["label"]))
    for cid, c in sorted(data.concepts.items()):
        entries.append(_entry("concept", f"concepts/{cid}.html", c["label"],
                              [c["definition"].get("nl", ""), c["definition"].get("en", ""),
                               *c["alt_labels"]]))
    return entries
