"""The client-side search index, written next to the pages as ``search-index.js``.

Why a script file: a page opened from disk (``file://``) may not ``fetch()`` a JSON file next to
it, but it may load a ``<script src>``. The file assigns the index to ``window.pgSearchIndex``;
only ``search.html`` loads it, so no other page carries its weight (it used to be inlined in the
home page). Every page has a search box that submits to ``search.html?q=...``.

The index holds the text once, unfolded and unstemmed, because the snippets show it: the page
(``static/search.js``) splits it into words, folds case and accents and stems the words with its
Dutch stemmer (Snowball's Dutch/Porter algorithm plus a short table of strong verbs, so
"vertrek" finds "vertrokken"). Unquoted words match whole words by stem; quoted words and
phrases match whole words exactly (accents and case folded), in order.

Layout, with short keys to keep it small:

- ``cases``: one row per case: ``id``, ``l`` label {nl, en}, ``lv`` level ids, ``y`` years,
  ``s`` source ids — the facets of every hit that belongs to the case;
- ``levels`` {id: {nl, en}} and ``sources`` {id: short citation}: facet labels;
- ``e``: the entries. ``t`` kind (case, concept, actor, quote), ``u`` link relative to the site
  root, ``l`` label {nl, en}, ``p`` passages to match and take the snippet from, ``k`` the row in
  ``cases`` of the case an actor or quote belongs to, ``pl`` the language of each passage
  (``n`` Dutch, ``e`` English, ``-`` a verbatim quote or a name: the snippet is taken from the
  view's language or those), (a case entry is also found by the words
  of its own quotes and actors), ``s`` the source of a quote, ``g`` the group of a claim.
"""

from __future__ import annotations

import json

from pav_graph.site.data import SiteData

GLOBAL = "pgSearchIndex"
FILE = "search-index.js"


def _entry(kind: str, url: str, label: dict, passages: list[tuple[str, str]], **extra) -> dict:
    """``passages``: (text, language) with language "nl", "en", or "" for verbatim quotes and
    names, which read the same in both views."""
    kept = [(t, lang) for t, lang in passages if t]
    entry = {"t": kind, "u": url, "l": label, "p": [t for t, _ in kept],
             "pl": "".join({"nl": "n", "en": "e"}.get(lang, "-") for _, lang in kept)}
    entry.update({k: v for k, v in extra.items() if v is not None})
    return entry


def _label(nl: str | None, en: str | None) -> dict:
    return {"nl": nl or en or "", "en": en or nl or ""}


def search_index(data: SiteData, cite=lambda source: source["id"]) -> dict:
    """The index as a dict (see the module docstring); ``cite`` names a source for the facet."""
    entries: list[dict] = []
    rows: list[dict] = []
    for cid, case in sorted(data.cases.items()):
        detail = case["detail"]
        url = f"cases/{cid}.html"
        me = len(rows)
        rows.append({"id": cid, "l": case["label"], "lv": [lv[0] for lv in case["levels"]],
                     "y": case["years"], "s": case["sources"]})
        orgs = [o["name"] for o in case["organisations"]]
        entries.append(_entry("case", url, case["label"],
                              [(case["summary"].get("nl", ""), "nl"), (case["summary"].get("en", ""), "en"),
                               *((o, "") for o in orgs)], k=me))
        for actor in detail["actors"]:
            label = _label(actor["label"] or actor["anchor"], actor.get("label_en"))
            quotes = [(ev["quote"], "") for ev in actor["evidence"]]
            entries.append(_entry("actor", f"{url}#{actor['anchor']}", label,
                                  [(actor.get("rolelabel") or "", "nl"), *quotes], k=me))
        for group in ("findings", "relations", "interventions", "events"):
            for item in detail[group]:
                label = _label(item.get("clabel") or item.get("label"),
                               item.get("clabel_en") or item.get("label_en"))
                for ev in item["evidence"]:
                    anchor = ev.get("id") or item["anchor"]
                    entries.append(_entry("quote", f"{url}#{anchor}", label, [(ev["quote"], "")],
                                          k=me, s=ev["source"], g=group[:-1]))
    for cid, c in sorted(data.concepts.items()):
        alt = c["alt_labels"]
        entries.append(_entry("concept", f"concepts/{cid}.html", c["label"],
                              [(c["definition"].get("nl", ""), "nl"), (c["definition"].get("en", ""), "en"),
                               *((a, "nl") for a in alt["nl"]), *((a, "en") for a in alt["en"])]))
    levels = {lv[0]: {"nl": lv[1], "en": lv[2]} for case in data.cases.values()
              for lv in case["levels"]}
    sources = {sid: cite(s) for sid, s in sorted(data.sources.items())}
    return {"v": 1, "cases": rows, "levels": dict(sorted(levels.items())), "sources": sources,
            "e": entries}


def index_script(index: dict) -> str:
    """The JavaScript file that holds the index. JSON is JavaScript; ``<`` is escaped anyway, so
    the text could also be inlined in a page without ever closing its script element."""
    text = json.dumps(index, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    # U+2028/2029 are valid in JSON strings and, since ES2019, in JavaScript strings too; escaped
    # for older engines
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"window.{GLOBAL} = {text};\n"
