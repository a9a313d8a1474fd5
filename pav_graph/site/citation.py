"""Ready citations of claims and quotes, in Dutch and English, and the source as CSL-JSON and
BibTeX.

A journalist who copies a quote must be able to publish it with what a reader needs to check it:
the verbatim quote, who says it where ("volgens <source>, regels x–y"), the case, how the
source says it when that is not a plain statement in its own words (the claim's qualifiers:
"interpretatie", "volgens respondenten" ...), and the permalink. Sources in this corpus often
lack a title, an author or a year; the citation then says so ("auteur onbekend") instead of
leaving a gap a reader would fill in wrongly.

The page puts the citation together (``static/site.js``) from the pieces made here and the quote
as it stands on the page, and adds the permalink, because only the page knows whether it is
read from disk, served (absolute address of the server), or published under ``--base-url``.
:func:`citation_text` is the same assembly in Python, for the tests and for other uses.
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


def claim_head(kind: str, item: dict, lang: str) -> str:
    """'Bevinding: onveilige meldcultuur (interpretatie; volgens respondenten)'."""
    qual = qualifiers(item, lang)
    return claim_title(kind, item, lang) + (f" ({qual})" if qual else "")


def claim_parts(case: dict) -> tuple[dict, dict]:
    """The pieces the page puts together (``static/site.js``): per claim its heading and quote
    ids, per quote its source, lines, language and claim. The quotes themselves are read from
    the page, so their text is not carried twice."""
    claims: dict[str, dict] = {}
    quotes: dict[str, dict] = {}
    d = case["detail"]
    for group, kind in (("findings", "finding"), ("relations", "relation"),
                        ("interventions", "intervention"), ("events", "event")):
        for item in d[group]:
            anchor = item.get("key") or item["anchor"]
            ids = []
            for ev in item["evidence"]:
                qid = ev.get("id") or f"{anchor}-q-{ev['source']}-{ev['first_line']}-{ev['last_line']}"
                ids.append(qid)
                quotes[qid] = {"c": anchor, "s": ev["source"], "lang": ev.get("lang") or "nl",
                               "l": {"nl": lines_text(ev, "nl"), "en": lines_text(ev, "en")}}
            claims[anchor] = {"h": {"nl": claim_head(kind, item, "nl"),
                                    "en": claim_head(kind, item, "en")}, "q": ids}
    return claims, quotes


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
    """What a case page's cite buttons need: the case, the pieces of every citation, and each
    cited source as a reference (known and unknown), CSL-JSON and BibTeX."""
    claims, quotes = claim_parts(case)
    used = sorted({q["s"] for q in quotes.values()})
    return {"case": case["label"], "claims": claims, "quotes": quotes,
            "sources": {sid: {"ref": {"nl": source_reference(sources[sid], "nl"),
                                      "en": source_reference(sources[sid], "en")},
                              "csl": csl_json(sources[sid]), "bibtex": bibtex(sources[sid])}
                        for sid in used if sid in sources}}


def citation_text(data: dict, anchor: str, lang: str, quote_of) -> str:
    """The citation of claim or quote ``anchor`` without permalink, as the page builds it;
    ``quote_of(qid)`` gives a quote's text."""
    nl = lang == "nl"

    def quote(qid: str) -> str:
        q = data["quotes"][qid]
        src = data["sources"].get(q["s"], {}).get("ref", {}).get(lang, q["s"])
        mark = " (Dutch original)" if lang == "en" and q["lang"] == "nl" else ""
        return f"“{quote_of(qid)}”{mark} — {'volgens' if nl else 'according to'} {src}, {q['l'][lang]}"

    case = f"{'Casus' if nl else 'Case'}: {data['case'][lang] or data['case']['nl']}."
    if anchor in data["claims"]:
        claim = data["claims"][anchor]
        return " ".join([claim["h"][lang] + ".", *[quote(q) + "." for q in claim["q"]], case])
    claim = data["claims"][data["quotes"][anchor]["c"]]
    return " ".join([quote(anchor) + ".", claim["h"][lang] + ".", case])
