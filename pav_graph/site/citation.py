"""Ready citations of claims and quotes, in Dutch and English, and the source as CSL-JSON and
BibTeX.

A journalist who copies a quote must be able to publish it with what a reader needs to check it:
the verbatim quote, who says it where ("volgens <source>, regels x–y"), the case, how the
source says it when that is not a plain statement in its own words (the claim's qualifiers:
"interpretatie", "volgens respondenten" ...), and the permalink. Sources in this corpus often
lack a title, an author or a year; the citation then says so ("auteur onbekend") instead of
leaving a gap a reader would fill in wrongly.

The texts here end before the permalink: the page adds it (``static/site.js``), because only the
page knows whether it is read from disk, served (absolute address of the server), or published
under ``--base-url``.
"""

from __future__ import annotations

import re

TYPES = {  # source type -> (Dutch noun, English noun, CSL type, BibTeX entry type)
    "essay": ("essay", "essay", "article", "misc"),
    "article": ("artikel", "article", "article", "article"),
    "thesis": ("scriptie", "thesis", "thesis", "mastersthesis"),
    "report": ("rapport", "report", "report", "techreport"),
    "working-paper": ("werkdocument", "working paper", "report", "techreport"),
    "news": ("nieuwsbericht", "news item", "article-newspaper", "article"),
    "interview": ("interview", "interview", "interview", "misc"),
}
KIND_WORDS = {"finding": ("Bevinding", "Finding"), "relation": ("Relatie", "Relation"),
              "intervention": ("Interventie", "Intervention"), "event": ("Gebeurtenis", "Event")}
STATUS_WORDS = {"applied": ("toegepast", "applied"), "recommended": ("aanbevolen", "recommended")}


def _names(authors: list[str], lang: str) -> str:
    if len(authors) <= 1:
        return "".join(authors)
    word = " en " if lang == "nl" else " and "
    return ", ".join(authors[:-1]) + word + authors[-1]


def source_reference(source: dict, lang: str) -> str:
    """The source as a reader can look it up, with what is unknown said so:
    'essay zonder bekende titel (auteur onbekend, jaar onbekend)'."""
    nl = lang == "nl"
    noun = TYPES.get(source.get("type") or "", (source.get("type") or "bron",) * 2)[0 if nl else 1]
    if source.get("title"):
        head = f"{'de' if nl else 'the'} {noun} ‘{source['title']}’"
    else:
        head = f"{noun} {'zonder bekende titel' if nl else 'with no known title'}"
        head = head if nl else ("an " if noun[0] in "aeiou" else "a ") + head
    bits = [_names(source.get("authors") or [], lang) or ("auteur onbekend" if nl else "author unknown"),
            source.get("year") or ("jaar onbekend" if nl else "year unknown")]
    if source.get("publisher"):
        bits.append(source["publisher"])
    return f"{head} ({', '.join(bits)})"


def lines_text(ev: dict, lang: str) -> str:
    first, last = ev["first_line"], ev["last_line"]
    one = first == last
    word = ("regel" if one else "regels") if lang == "nl" else ("line" if one else "lines")
    page = f"p. {ev['page']}, " if ev.get("page") else ""
    return f"{page}{word} {first}" + ("" if one else f"–{last}")


def quote_text(ev: dict, source: dict | None, lang: str) -> str:
    """“quote” — volgens <source>, regels x–y (the English view marks the Dutch original)."""
    quote = f"“{ev['quote']}”"
    if lang == "en" and (ev.get("lang") or "nl") == "nl":
        quote += " (Dutch original)"
    ref = source_reference(source, lang) if source else ev["source"]
    return f"{quote} — {'volgens' if lang == 'nl' else 'according to'} {ref}, {lines_text(ev, lang)}"


def claim_title(kind: str, item: dict, lang: str) -> str:
    """'Bevinding: onveilige meldcultuur', 'Relation: conflict (the municipal secretary → the board)'."""
    nl = lang == "nl"
    what = (item.get("clabel") if nl else item.get("clabel_en") or item.get("clabel")) or \
        (item.get("label") if nl else item.get("label_en") or item.get("label")) or ""
    if kind == "relation":
        ends = [(a or {}).get("label" if nl else "label_en") or (a or {}).get("label") or "?"
                for a in (item.get("from_actor"), item.get("to_actor"))]
        what += f" ({ends[0]} → {ends[1]})"
    if kind == "intervention" and item.get("status") in STATUS_WORDS:
        what += f", {STATUS_WORDS[item['status']][0 if nl else 1]}"
    if kind == "event":
        label = item.get("label") if nl else item.get("label_en") or item.get("label")
        if label and label != what:
            what = f"{label} ({what})" if what else label
        if item.get("date"):
            what = f"{item['date']}: {what}"
    return f"{KIND_WORDS[kind][0 if nl else 1]}: {what}"


def qualifiers(item: dict, lang: str) -> str:
    """How the source says the claim when it is not plain: 'interpretatie; volgens respondenten
    (het NSOB-rapport)'; '' for a plain statement by the author."""
    marks = list(item.get("marks" if lang == "nl" else "marks_en") or [])
    who = item.get("attributed") if lang == "nl" else item.get("attributed_en") or item.get("attributed")
    if who:
        marks.append(who)
    return "; ".join(marks)


def claim_citations(case: dict, sources: dict) -> dict[str, dict]:
    """For each claim and each quote of a case page (by anchor): the citation text in nl and en
    (without the permalink) and the ids of the sources it cites."""
    out: dict[str, dict] = {}
    d = case["detail"]
    label = case["label"]
    for group, kind in (("findings", "finding"), ("relations", "relation"),
                        ("interventions", "intervention"), ("events", "event")):
        for item in d[group]:
            anchor = item.get("key") or item["anchor"]
            texts: dict[str, dict[str, str]] = {"claim": {}}
            for lang in ("nl", "en"):
                title = claim_title(kind, item, lang)
                qual = qualifiers(item, lang)
                case_word = "Casus" if lang == "nl" else "Case"
                tail = f"{case_word}: {label[lang] or label['nl']}."
                head = f"{title}{f' ({qual})' if qual else ''}."
                quotes = [quote_text(ev, sources.get(ev["source"]), lang) for ev in item["evidence"]]
                texts["claim"][lang] = " ".join([head, *[q + "." for q in quotes], tail])
                for ev, q in zip(item["evidence"], quotes):
                    qa = ev.get("id") or anchor
                    texts.setdefault(qa, {})[lang] = " ".join([q + ".", head, tail])
            srcs = sorted({ev["source"] for ev in item["evidence"]})
            out[anchor] = {"nl": texts["claim"]["nl"], "en": texts["claim"]["en"], "sources": srcs}
            for ev in item["evidence"]:
                qa = ev.get("id")
                if qa and qa not in out:
                    out[qa] = {**texts[qa], "sources": [ev["source"]]}
    return out


# ------------------------------------------------------------------ the source, for a reference manager


def csl_json(source: dict) -> dict:
    """The source as a CSL-JSON item (Zotero, Pandoc, citeproc): only what is known."""
    item: dict = {"id": source["id"], "type": TYPES.get(source.get("type") or "", ("",) * 3 + ("misc",))[2]
                  or "document", "language": source.get("language") or "nl"}
    if source.get("title"):
        item["title"] = source["title"]
    if source.get("authors"):
        item["author"] = [{"literal": a} for a in source["authors"]]
    if source.get("year") and str(source["year"]).isdigit():
        item["issued"] = {"date-parts": [[int(source["year"])]]}
    if source.get("publisher"):
        item["publisher"] = source["publisher"]
    for key, field in (("url", "URL"), ("doi", "DOI"), ("isbn", "ISBN")):
        if source.get(key):
            item[field] = source[key]
    unknown = [w for w, k in (("title", "title"), ("author", "authors"), ("year", "year"))
               if not source.get(k)]
    if unknown:
        item["note"] = "unknown: " + ", ".join(unknown)
    return item


_BIB_SPECIAL = re.compile(r"([\\{}%&$#_^~])")


def _bib(text: str) -> str:
    def esc(m: re.Match) -> str:
        c = m.group(1)
        return {"\\": r"\textbackslash{}", "^": r"\^{}", "~": r"\~{}"}.get(c, "\\" + c)
    return _BIB_SPECIAL.sub(esc, str(text))


def bibtex(source: dict) -> str:
    """The source as a BibTeX entry; names in braces so that BibTeX does not reorder them."""
    entry = TYPES.get(source.get("type") or "", ("",) * 3 + ("misc",))[3]
    key = re.sub(r"[^A-Za-z0-9:-]", "-", source["id"])
    fields: list[tuple[str, str]] = []
    if source.get("title"):
        fields.append(("title", "{" + _bib(source["title"]) + "}"))
    if source.get("authors"):
        fields.append(("author", " and ".join("{" + _bib(a) + "}" for a in source["authors"])))
    if source.get("year"):
        fields.append(("year", _bib(source["year"])))
    if source.get("publisher"):
        name = {"mastersthesis": "school", "techreport": "institution"}.get(entry, "publisher")
        fields.append((name, _bib(source["publisher"])))
    for key_, name in (("url", "url"), ("doi", "doi"), ("isbn", "isbn")):
        if source.get(key_):
            fields.append((name, _bib(source[key_]) if name != "url" else source[key_].replace("}", "%7D")))
    unknown = [w for w, k in (("title", "title"), ("author", "authors"), ("year", "year"))
               if not source.get(k)]
    if unknown:
        fields.append(("note", "unknown: " + ", ".join(unknown)))
    fields.append(("langid", "dutch" if (source.get("language") or "nl") == "nl" else "english"))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{entry}{{{key},\n{body}\n}}\n"


def page_data(case: dict, sources: dict) -> dict:
    """What a case page's cite buttons need: every citation text, and each cited source as
    CSL-JSON and BibTeX."""
    items = claim_citations(case, sources)
    used = sorted({sid for x in items.values() for sid in x["sources"]})
    return {"items": items,
            "sources": {sid: {"csl": csl_json(sources[sid]), "bibtex": bibtex(sources[sid])}
                        for sid in used if sid in sources}}
