"""Privacy rules (annotation guide § 9): anonymised respondents stay anonymous, private persons
are never named, office holders only where the source names them in that office.

Used by ``pav-graph check`` (the rules below), by the site (source passages are shown with every
anonymisation code masked, :func:`mask_codes`) and by the source texts in ``sources/texts/``
(whose respondent tables and acknowledgements are blanked, see :class:`Redaction`).

Two rules, both errors:

* ``privacy-code`` — an anonymisation code of a source ("P12", "R3", "Participant 16",
  "respondent 7", "Respondent 3", "interview 4") in a file we publish: case files, concept and
  pattern files and source metadata, *comments included* (the repository is public, so a comment
  is as visible as a field), or in a page of a built site (``pav-graph check --site DIR``). The
  source texts are not scanned: they are the evidence; their codes are masked instead.
* ``privacy-name`` — a personal name on an actor that the case's sources do not give for that
  office: an actor ``name:`` that no source of the case prints near the case's own evidence and
  near a word of the actor's office, or a capitalised word in an actor's label that occurs in no
  source of the case and in no label or definition of the vocabulary (a private person's name,
  typically). Names are compared with whitespace removed, because the PDF extractions sometimes
  glue words ("AnnemarieJorritsma").

Each finding is one line, ``file:line: what — fix``, like every other problem of the project.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

MARKER = "[respondent]"  # what an anonymisation code becomes on a page or in a source text

# An anonymisation code: a bare P/R number ("P12", "R 3", "P-7"), or a respondent word followed by
# a number or a single capital ("Participant 16", "respondent 7", "Respondent C", "interview 4").
# Numbers of four digits (years) and lower-case "p." page references are not codes.
CODE = re.compile(
    r"(?<![\w-])[PR][- ]?\d{1,3}(?![\w-])"
    r"|(?i:\b(?:participant|respondent|geïnterviewde|interviewee|informant|deelnemer|interview)"
    r"(?:en|s)?)[ \t]*(?:(?i:nr\.?|nummer|no\.?|\#)[ \t]*)?(?:\d{1,3}(?![\d\w])|[A-Z](?![\w-]))"
)
CODE_FIX = ("remove it: cite interviewees as \"een respondent\" with `voice: respondents`, never "
            "with a code (docs/annotation-guide.md § 9)")


RULES = {
    "privacy-code": "an anonymisation code of a source (P12, \"Participant 16\", R3 ...) in a case, "
                    "concept or source file (comments included) or on a site page",
    "privacy-name": "a personal name on an actor that no source of the case gives for that office",
}


@dataclass(frozen=True)
class Finding:
    """One privacy problem: where it is (``file:line``), what it is and how to fix it."""

    rule: str
    location: str
    message: str
    fix: str


@dataclass(frozen=True)
class Redaction:
    """Lines of a source text that the repository copy leaves out (blank, with a marker on the
    first line), or — for ``respondent-codes`` — lines whose anonymisation codes are masked."""

    first: int
    last: int
    what: str  # acknowledgements | respondent-table | respondent-codes
    count: int | None = None  # respondent-codes: how many codes were masked

    @property
    def blanks_lines(self) -> bool:
        return self.what != "respondent-codes"

    def overlaps(self, first: int, last: int) -> bool:
        return self.first <= last and first <= self.last


REDACTION_KINDS = ("acknowledgements", "respondent-table", "respondent-codes")


REDACTION_LABEL = {"acknowledgements": ("dankwoord", "acknowledgements"),
                   "respondent-table": ("tabel van respondenten", "respondent table"),
                   "respondent-codes": ("anonimiseringscodes", "anonymisation codes")}


def redaction_marker(source_id: str, r: Redaction) -> str:
    """The text left on the first line of a blanked range, so a reader sees why it is empty."""
    return (f"[regels {r.first}–{r.last} weggelaten: {REDACTION_LABEL[r.what][0]} (privacy); "
            f"zie sources/{source_id}.yaml]")


def apply_redactions(source_id: str, text: str, redactions: list[Redaction]) -> str:
    """``text`` with every blanked range emptied (marker on its first line) and the codes of
    every ``respondent-codes`` range masked; line numbers do not change, so no quote moves."""
    lines = text.split("\n")
    for r in redactions:
        for n in range(r.first, r.last + 1):
            if r.blanks_lines:
                lines[n - 1] = redaction_marker(source_id, r) if n == r.first else ""
            else:
                lines[n - 1] = mask_codes(lines[n - 1])
    return "\n".join(lines)


def find_codes(text: str) -> list[str]:
    return [m.group(0) for m in CODE.finditer(text)]


def mask_codes(text: str) -> str:
    """``text`` with every anonymisation code replaced by :data:`MARKER`."""
    return CODE.sub(MARKER, text)


def check_redactions(path: Path, source, items: list[dict], problems) -> list[Redaction]:
    """The declared redactions of a source text, each checked against the text: a blanked range
    holds nothing but its marker, a masked range no anonymisation code any more."""
    from pav_graph.sourcetext import parse_lines

    out = []
    lines = source.text.lines
    for i, item in enumerate(items):
        span = parse_lines(item["lines"])
        if span is None or span[1] > len(lines):
            problems.add(path, f"redaction lines {item['lines']!r} are not lines of the text "
                         f"({len(lines)} lines)", "give a range like '19-29' inside the text",
                         path=("redactions", i, "lines"))
            continue
        r = Redaction(span[0], span[1], item["what"], item.get("count"))
        if r.blanks_lines:
            marker = redaction_marker(source.id, r)
            left = [n for n in range(r.first, r.last + 1) if lines[n - 1].strip()
                    and not (n == r.first and lines[n - 1] == marker)]
            what = f"line {left[0]} still has text" if left else ""
        else:
            codes = [c for n in range(r.first, r.last + 1) for c in find_codes(lines[n - 1])]
            what = f"the code {codes[0]!r} is still there" if codes else ""
        if what:
            problems.add(path, f"redaction {r.what} of lines {r.first}-{r.last}: {what}",
                         "apply it with pav_graph.privacy.apply_redactions (docs/annotation-guide.md § 9)",
                         path=("redactions", i))
            continue
        out.append(r)
    return out


# --------------------------------------------------------------------------- rule: privacy-code


def published_files(project) -> list[Path]:
    """The YAML files whose content reaches the site or the repository's readers."""
    dirs = (project.cases_dir, project.concepts_dir, project.ontology_dir, project.sources_dir)
    return sorted({p for d in dirs if d.is_dir() for p in d.glob("*.yaml")})


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def code_findings(paths: list[Path], root: Path, *, page: bool = False) -> list[Finding]:
    """Every anonymisation code in ``paths`` (YAML files, or HTML pages when ``page``)."""
    out = []
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for n, line in enumerate(text.splitlines(), 1):
            for code in find_codes(html.unescape(line) if page else line):
                where = "a site page" if page else "a published file"
                fix = ("mask it where the page is made (pav_graph.privacy.mask_codes) or remove it "
                       "from the data the page shows" if page else CODE_FIX)
                out.append(Finding("privacy-code", f"{_rel(path, root)}:{n}",
                                   f"anonymisation code {code!r} of a source in {where}", fix))
    return out


def page_findings(site_dir: Path, root: Path) -> list[Finding]:
    pages = sorted(site_dir.rglob("*.html")) if site_dir.is_dir() else []
    return code_findings(pages, root, page=True)


# --------------------------------------------------------------------------- rule: privacy-name

_WORD = re.compile(r"[\w’'&-]+")
_CAPITALISED = re.compile(r"^[A-ZÀ-Ý][a-zà-ÿ]")  # "Pietersen", not "LST", "D66", "B&W"
_SPACE = re.compile(r"\s+")
# "burgemeester is Theo Weterings", "minister van Justitie Winnie Sorgdrager", "Marcel Meijs,
# gemeentesecretaris": the office word ends at most BEFORE characters before the name (whitespace
# removed) or starts at most AFTER characters after it; "Sweder van Wijnbergen die in botsing kwam
# met minister ..." does not name him minister.
BEFORE, AFTER = 40, 15
NEAR_LINES = 40  # the name stands within this many lines of the case's own evidence
_STOP = {"van", "het", "een", "die", "der", "den", "voor", "naar", "over", "zijn", "haar", "niet",
         "with", "from", "that", "this", "their", "the", "and", "of"}


class _Compact:
    """A source text without whitespace, casefolded, with the line of every character."""

    def __init__(self, lines: list[str]):
        chars, line_of = [], []
        for n, line in enumerate(lines, 1):
            for ch in line:
                if not ch.isspace():
                    chars.append(ch.casefold())
                    line_of.append(n)
        self.text, self.line_of = "".join(chars), line_of
        self.words = {w for line in lines for w in _WORD.findall(line)}

    def positions(self, needle: str) -> list[int]:
        found, i = [], self.text.find(needle)
        while needle and i != -1:
            found.append(i)
            i = self.text.find(needle, i + 1)
        return found


def _compact(text: str) -> str:
    return _SPACE.sub("", text).casefold()


def _office_words(actor, concepts) -> list[str]:
    """Words that name the actor's office: the role's labels and the lower-case words of the
    actor's own label ("minister", "directeur", "uwv-baas")."""
    role = concepts.get(actor.role)
    words = []
    if role is not None:
        words += [role.label.get("nl", "")] + list(getattr(role, "alt_labels", {}).get("nl", []) or [])
    own = {w.casefold() for w in _WORD.findall(actor.name or "")}
    words += [w.strip("’'-") for w in _WORD.findall(actor.label.get("nl", ""))
              if len(w) >= 4 and any(c.islower() for c in w) and not _CAPITALISED.match(w)
              and w.casefold() not in _STOP | own]  # "minister", "UWV-baas"; not "D66", "Tilburg"
    return [_compact(w) for w in words if w.strip()]


def name_findings(corpus, root: Path) -> list[Finding]:
    texts: dict[str, _Compact] = {}

    def text_of(sid: str) -> _Compact | None:
        if sid not in texts and sid in corpus.sources:
            texts[sid] = _Compact(corpus.sources[sid].text.lines)
        return texts.get(sid)

    vocabulary = _vocabulary(corpus)
    out = []
    for case in corpus.cases.values():
        cited: dict[str, list[tuple[int, int]]] = {}
        for ev in case.all_evidence():
            cited.setdefault(ev.source, []).append((ev.first_line, ev.last_line))
        for i, actor in enumerate(case.actors):
            out += _actor_findings(case, i, actor, cited, text_of, vocabulary, corpus.concepts, root)
    return out


def _actor_findings(case, i, actor, cited, text_of, vocabulary, concepts, root) -> list[Finding]:
    from pav_graph.yamlio import locate

    def where(*keys) -> str:
        pos = locate(case.path, ("actors", i, *keys)) if case.path else None
        return f"{_rel(case.path, root)}:{pos[0]}" if pos else _rel(case.path, root)

    out = []
    if actor.name and not _named_in_office(actor, cited, text_of, concepts):
        out.append(Finding(
            "privacy-name", where("name"),
            f"actor {actor.id!r} is named {actor.name!r}, but no source of case {case.id!r} "
            f"gives that name near the case's evidence and near the office "
            f"({actor.label.get('nl', actor.role)})",
            "remove `name:` and describe the actor by role, or cite the passage that names "
            "this person in this office"))
    stems = {w.casefold()[:4] for w in _WORD.findall(actor.label.get("nl", ""))}
    for lang in ("nl", "en"):
        unknown = [w for w in dict.fromkeys(_WORD.findall(actor.label.get(lang, "")))
                   if _CAPITALISED.match(w) and w.casefold() not in vocabulary
                   and not (lang == "en" and w.casefold()[:4] in stems)  # a translation
                   and not any(w in t.words for s in cited if (t := text_of(s)))]
        if unknown:
            out.append(Finding(
                "privacy-name", where("label", lang),
                f"actor {actor.id!r}: the label words {' '.join(unknown)!r} occur in no "
                f"source of case {case.id!r} — a private person's name?",
                "describe the actor by role (\"de burgemeester van …\"); name an office "
                "holder only in `name:` and only as the source names them"))
    return out


def _named_in_office(actor, cited, text_of, concepts) -> bool:
    needle = _compact(actor.name)
    offices = _office_words(actor, concepts)
    for sid, spans in cited.items():
        t = text_of(sid)
        if t is None:
            continue
        for pos in t.positions(needle):
            line = t.line_of[pos]
            if not any(a - NEAR_LINES <= line <= b + NEAR_LINES for a, b in spans):
                continue
            before = t.text[max(0, pos - BEFORE): pos]
            end = pos + len(needle)
            after = t.text[end: end + AFTER + max(map(len, offices), default=0)]
            if any(o and (o in before or after.find(o) in range(AFTER + 1)) for o in offices):
                return True
    return False


def _vocabulary(corpus) -> set[str]:
    """Casefolded words of every concept label and definition (both languages): the capitalised
    words of an English label ("King's", "Commissioner", "Affairs") are found here."""
    words: set[str] = set()
    for c in corpus.concepts.values():
        for value in (c.label, getattr(c, "definition", {}) or {}):
            for text in value.values():
                words.update(w.casefold() for w in _WORD.findall(str(text)))
        for labels in (getattr(c, "alt_labels", {}) or {}).values():
            for text in labels:
                words.update(w.casefold() for w in _WORD.findall(str(text)))
    return words
