"""One language per view: the ``language`` stage of ``pav-graph check``.

The site shows Dutch or English, never a mix; only verbatim quotes stay in their own language.
That works only if every text we write ourselves exists in both languages, each in its own
language. This module reads the case, concept and source files as written and reports:

- a **mixed** string: "Dutch text. / English text." in one field (how notes were written before
  they became ``{nl, en}``), or a Dutch text under ``en:`` / an English one under ``nl:``;
- a **missing translation**: a note or source remark in one language only (a plain string where
  ``{nl: ..., en: ...}`` belongs), ``{nl: ...}`` without ``en:``, alternative labels in one
  language only.

Language is told by a small list of frequent function words per language that the other
language does not use ("of", "over", "was" and "is" are in neither) (``guess``): enough
for sentences, silent on names and short labels, which are never judged. Quotes are verbatim
and never checked; proper names (organisations, people's roles as named) neither.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from pav_graph.project import Project
from pav_graph.yamlio import YamlError, load, locate

_NL = """de het een van en niet dat die wordt worden zijn bij naar ook maar om aan
door geen wel zich deze heeft hebben waren voor met uit dit er nog kan zou tussen volgens alleen
noemt zegt geeft hij zij wat wie hoe waar omdat wanneer daar welke elders onder tegen
wordt werd nadat tot eigen beide"""
_EN = """the and not that which are be by to also but this has have were for with
from there can would between according only says gives he she what who how where because
when their whose elsewhere about under against after until own both it its"""
NL_WORDS, EN_WORDS = frozenset(_NL.split()), frozenset(_EN.split())
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
SEPARATORS = re.compile(r"\s+/\s+|\s+\|\s+")

# fields whose text we write ourselves and the site shows: in both languages
NOTE_FIELDS = {"note", "reason", "outcome", "summary", "description", "definition",
               "attributed_to", "history_note"}
SOURCE_NOTES = ("title_note", "year_note", "date_note", "authors_note", "publisher_note",
                "url_note", "text_note")
NOT_TEXT = {"quote", "evidence", "examples_quote", "name", "id", "concept", "source", "lines",
            "page", "type", "from", "to", "date", "start", "end", "status", "text", "url", "doi",
            "isbn", "authors", "title", "publisher", "language", "format", "quotes", "role",
            "stance", "basis", "voice", "kind", "departing", "actors", "redactions"}


def _counts(text: str) -> tuple[int, int]:
    words = [w.lower() for w in WORD.findall(text)]
    return sum(w in NL_WORDS for w in words), sum(w in EN_WORDS for w in words)


def guess(text: str) -> str | None:
    """"nl", "en" or None (too short or undecided) by frequent function words."""
    nl, en = _counts(text)
    if nl >= 2 and nl >= 2 * en + 1:
        return "nl"
    if en >= 2 and en >= 2 * nl + 1:
        return "en"
    return None


def mixed(text: str) -> bool:
    """A Dutch and an English text side by side, split by " / " or " | ": one part has only
    Dutch function words, another only English ones."""
    parts = [_counts(p) for p in SEPARATORS.split(text)]
    return any(nl and not en for nl, en in parts) and any(en and not nl for nl, en in parts)


@dataclass
class LangIssue:
    path: Path
    keys: tuple
    message: str
    fix: str


def _walk(data, keys: tuple, path: Path, out: list[LangIssue], source: bool = False) -> None:
    if isinstance(data, dict):
        if data and set(data) <= {"nl", "en"}:
            _bilingual(data, keys, path, out)
            return
        for k, v in data.items():
            if k in NOT_TEXT and not (k == "title" and isinstance(v, dict)):
                continue
            if isinstance(v, str) and (k in NOTE_FIELDS or (source and k in SOURCE_NOTES)
                                       or (k == "label" and "actors" in keys)):
                _single(v, (*keys, k), path, out)
            elif k == "alt_labels" and isinstance(v, dict):
                _alt_labels(v, (*keys, k), path, out)
            else:
                _walk(v, (*keys, k), path, out, source)
    elif isinstance(data, list):
        for i, v in enumerate(data):
            _walk(v, (*keys, i), path, out, source)


def _where(keys: tuple) -> str:
    return ".".join(str(k) for k in keys)


def _single(text: str, keys: tuple, path: Path, out: list[LangIssue]) -> None:
    lang = guess(text)
    if mixed(text):
        out.append(LangIssue(path, keys, f"{_where(keys)} mixes Dutch and English in one string",
                             "split it into {nl: <the Dutch text>, en: <the English text>}"))
    else:
        out.append(LangIssue(path, keys, f"{_where(keys)} is in one language only"
                             + (f" ({'Dutch' if lang == 'nl' else 'English'})" if lang else ""),
                             "write it in both languages: {nl: ..., en: ...}"))


def _bilingual(value: dict, keys: tuple, path: Path, out: list[LangIssue]) -> None:
    missing = [lang for lang in ("nl", "en") if not value.get(lang)]
    if missing:
        out.append(LangIssue(path, keys, f"{_where(keys)} has no {' or '.join(missing)} text",
                             f"add the translation under {missing[0]}:"))
    if value.get("nl") == value.get("en"):  # the same in both languages: a name ("&Van de Laar")
        return
    for lang in ("nl", "en"):
        text = value.get(lang)
        if not isinstance(text, str):
            continue
        other = "en" if lang == "nl" else "nl"
        if mixed(text):
            out.append(LangIssue(path, (*keys, lang), f"{_where((*keys, lang))} mixes Dutch and "
                                 "English in one string",
                                 f"keep only the {'Dutch' if lang == 'nl' else 'English'} text "
                                 f"under {lang}: and the other under {other}:"))
        elif guess(text) == other:
            out.append(LangIssue(path, (*keys, lang), f"{_where((*keys, lang))} is written in "
                                 f"{'English' if lang == 'nl' else 'Dutch'}",
                                 f"put this text under {other}: and translate it for {lang}:"))


def _alt_labels(value: dict, keys: tuple, path: Path, out: list[LangIssue]) -> None:
    have = {lang for lang in ("nl", "en") if value.get(lang)}
    if have and have != {"nl", "en"}:
        missing = ({"nl", "en"} - have).pop()
        out.append(LangIssue(path, keys, f"{_where(keys)} has alternative labels in "
                             f"{'Dutch' if 'nl' in have else 'English'} only",
                             f"add at least one under {missing}: (a label in that language)"))


def _read(path: Path):
    """The file's data, or None when it cannot be read (the load stage reports that)."""
    try:
        return load(path)
    except (OSError, ValueError, yaml.YAMLError, YamlError):
        return None


def language_issues(project: Project) -> list[LangIssue]:
    """Every mixed or untranslated text of the case, concept and source files."""
    out: list[LangIssue] = []
    groups = ((project.cases_dir, False), (project.ontology_dir / "concepts", False),
              (project.sources_dir, True))
    for directory, is_source in groups:
        for path in sorted(Path(directory).glob("*.yaml")):
            data = _read(path)
            if data is not None:
                _walk(data, (), path, out, is_source)
    return out


def located(issue: LangIssue, root: Path) -> str:
    """``file:line`` of the issue's value (the file alone if the value cannot be found)."""
    try:
        rel = issue.path.resolve().relative_to(root.resolve())
    except ValueError:
        rel = issue.path
    at = locate(issue.path, issue.keys)
    return f"{rel}:{at[0]}" if at else str(rel)
