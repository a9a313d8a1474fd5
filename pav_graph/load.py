"""Load and validate the corpus: YAML files → :class:`pav_graph.model.Corpus` + problems.

Validation reports *all* problems of all files at once. It checks, in this order: readable
YAML, the JSON Schema (structure), then what a schema cannot: unknown or wrongly-kinded ids
(with "did you mean ...?"), duplicate ids, dates, and every quote against its source text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from pav_graph import yamlio
from pav_graph.claims import DEFAULTS
from pav_graph.ingest.locate import file_lines, is_paged, locator_fix
from pav_graph.model import (
    Actor,
    Case,
    CompositePattern,
    Concept,
    Corpus,
    Event,
    Evidence,
    Example,
    Finding,
    Intervention,
    Organisation,
    Period,
    Relation,
    Source,
    successor,
)
from pav_graph.privacy import MARKER as MASK
from pav_graph.privacy import check_redactions
from pav_graph.problems import Problems, did_you_mean
from pav_graph.project import Project
from pav_graph.schema import CASE_SCHEMA, COMPOSITE_SCHEMA, CONCEPT_SCHEMA, LANG_TEXT, SOURCE_SCHEMA
from pav_graph.sourcetext import parse_lines

_VALIDATORS = {
    "case": Draft202012Validator(CASE_SCHEMA),
    "concept": Draft202012Validator(CONCEPT_SCHEMA),
    "composite": Draft202012Validator(COMPOSITE_SCHEMA),
    "source": Draft202012Validator(SOURCE_SCHEMA),
}
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
FORMAT_DOC = "see docs/case-format.md"


# --------------------------------------------------------------------------- helpers


def read_yaml(path: Path, problems: Problems, parsed: dict[Path, Any] | None = None) -> Any | None:
    """Parse one file (or take it from ``parsed``, see :func:`yamlio.load_many`); a YAML or
    encoding error becomes a problem with its position."""
    try:
        data = parsed[path] if parsed and path in parsed else yamlio.load(path)
    except yamlio.YamlError as exc:
        problems.add(path, exc.message, exc.fix)
        problems.items[-1].line, problems.items[-1].column = exc.line, exc.column
        return None
    except OSError as exc:
        problems.add(path, f"cannot read file: {exc.strerror}", "check the path and permissions")
        return None
    if data is None:  # an empty file (or only comments / `null`) would otherwise vanish silently
        problems.add(path, "the file is empty", f"fill it in or delete it ({FORMAT_DOC})")
    return data


_SCHEMAS = {"case": CASE_SCHEMA, "concept": CONCEPT_SCHEMA, "composite": COMPOSITE_SCHEMA,
            "source": SOURCE_SCHEMA}
_FAST: dict[str, Any] = {}


def _fast_check(kind: str):
    """A validator compiled to Python by fastjsonschema: 3-4× faster than jsonschema on valid
    files (0.2 s instead of 0.7 s for 1,000 cases), but with terse errors. The schemas use only
    keywords that mean the same in draft 7 (which it implements) as in 2020-12; a test checks
    that both validators agree on every real file and on every invalid fixture."""
    if kind not in _FAST:
        import fastjsonschema

        schema = {k: v for k, v in _SCHEMAS[kind].items() if k != "$schema"}
        _FAST[kind] = fastjsonschema.compile(schema)
    return _FAST[kind]


FAST_AFTER = 30  # files checked by jsonschema before the compiled validator pays (≈0.1 s)
_CHECKED = 0


def check_schema(path: Path, data: Any, kind: str, problems: Problems) -> bool:
    """Structural check; each violation becomes one readable problem. True when valid.

    Valid data (the usual case) passes the fast compiled validator alone; only invalid data is
    run through jsonschema, whose errors carry what a readable message needs. The first
    :data:`FAST_AFTER` files of a process (an incremental build checks one or two) are checked
    by jsonschema alone: compiling would take longer than checking them."""
    global _CHECKED
    _CHECKED += 1
    if _CHECKED <= FAST_AFTER:  # compiling costs more than checking a few files
        if _VALIDATORS[kind].is_valid(data):
            return True
    else:
        import fastjsonschema

        try:
            _fast_check(kind)(data)
            return True
        except fastjsonschema.JsonSchemaException:
            pass
    errors = sorted(_VALIDATORS[kind].iter_errors(data), key=lambda e: list(e.absolute_path))
    for err in errors:
        message, fix = _explain_schema_error(err)
        problems.add(path, message, fix, path=err.absolute_path)
    return not errors


def _explain_schema_error(err) -> tuple[str, str]:
    where = ".".join(str(p) for p in err.absolute_path) or "top level"
    if err.validator == "required":
        missing = err.message.split("'")[1]
        return f"{where}: missing required field '{missing}'", f"add `{missing}:` ({FORMAT_DOC})"
    if err.validator == "additionalProperties":
        allowed = list(err.schema.get("properties", {}))
        extra = [k for k in err.instance if k not in err.schema.get("properties", {})]
        name = str(extra[0]) if extra else "?"
        if " " in name:  # `label: {nl: a, en: b, c}` — a comma inside {...} starts a new field
            return (f"{where}: unknown field '{name}'",
                    "a comma inside {...} starts a new field: put the text in double quotes")
        return (f"{where}: unknown field '{name}'",
                did_you_mean(name, allowed, "field") + f" (allowed: {', '.join(allowed)})")
    if err.validator == "enum":
        options = [str(o) for o in err.validator_value]
        return (f"{where}: {err.instance!r} is not allowed",
                did_you_mean(str(err.instance), options, "value") + f" (one of: {', '.join(options)})")
    if err.validator == "pattern":
        suggestion = re.sub(r"[^a-z0-9]+", "-", str(err.instance).lower()).strip("-")
        return (f"{where}: {err.instance!r} is not a valid id or locator",
                f"use lower-case letters, digits and '-' (e.g. '{suggestion}') or a line range like '12-15'")
    if err.validator == "anyOf" and not err.absolute_path:
        return ("a case needs at least one of findings, relations, interventions or events",
                f"add a `findings:` list with evidence ({FORMAT_DOC})")
    if err.validator == "oneOf" and LANG_TEXT in err.validator_value:
        return (f"{where}: expected a note in both languages, {{nl: ..., en: ...}}",
                f"write the Dutch and the English text under nl: and en: ({FORMAT_DOC})")
    if err.validator in ("type", "oneOf"):
        expected = err.validator_value if err.validator == "type" else "a line number or range"
        return f"{where}: expected {expected}, found {type(err.instance).__name__}", FORMAT_DOC
    if err.validator in ("minItems", "minLength"):
        return f"{where}: must not be empty", f"fill it in or remove it ({FORMAT_DOC})"
    return f"{where}: {err.message}", FORMAT_DOC


def parse_date(value: Any) -> str | None:
    """Normalise a YYYY / YYYY-MM / YYYY-MM-DD date; None when it does not parse."""
    text = str(value).strip()
    m = _DATE.fullmatch(text)
    if not m:
        return None
    year, month, day = m.group(1), m.group(2), m.group(3)
    if month and not 1 <= int(month) <= 12:
        return None
    if day:
        import datetime

        try:
            datetime.date(int(year), int(month), int(day))
        except ValueError:
            return None
    return text


def outside_corpus(project: Project, path: Path, problems: Problems, what: str = "file") -> bool:
    """True (and a problem) when ``path`` resolves outside the corpus, e.g. a symbolic link in
    cases/ to a file elsewhere: the build would publish a file nobody added to the corpus."""
    try:
        target = path.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        problems.add(path, f"{what} cannot be resolved (a symbolic link loop?)",
                     "replace the link by the file itself")
        return True
    if target.is_relative_to(project.root.resolve()):
        return False
    link = " is a symbolic link to" if path.is_symlink() else " points to"
    problems.add(path, f"{what}{link} {target}, outside the corpus",
                 "copy the file into the corpus instead of linking to it")
    return True


def read_corpus_file(project: Project, path: Path, kind: str, problems: Problems) -> Any | None:
    """A source or concept file inside the corpus, parsed and checked against its schema."""
    if outside_corpus(project, path, problems, f"{kind} file"):
        return None
    data = read_yaml(path, problems)
    if data is None or not check_schema(path, data, kind, problems):
        return None
    return data


# --------------------------------------------------------------------------- sources


NOTE_KEYS = ("title_note", "year_note", "date_note", "authors_note", "publisher_note", "url_note",
             "text_note")


def isbn_ok(isbn: str) -> bool:
    """Is the check digit of an ISBN-10 or ISBN-13 right (hyphens and spaces ignored)?"""
    digits = isbn.replace("-", "").replace(" ", "").upper()
    if len(digits) == 10 and digits[:9].isdigit() and (digits[9].isdigit() or digits[9] == "X"):
        total = sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(digits))
        return total % 11 == 0
    if len(digits) == 13 and digits.isdigit():
        return sum((3 if i % 2 else 1) * int(c) for i, c in enumerate(digits)) % 10 == 0
    return False


def _check_public_ids(path: Path, data: dict, source: Source, problems: Problems) -> None:
    """A source's public address, DOI and ISBN, when its metadata gives them: the site shows
    them as links, so a wrong one would send readers elsewhere. Never filled in by guessing."""
    url = data.get("url")
    if url and not str(url).startswith(("http://", "https://")):
        problems.add(path, f"url {url!r} is not a web address",
                     "give the full address starting with https:// (or leave `url:` out)",
                     path=("url",))
    elif url:
        source.url = str(url)
    doi = data.get("doi")
    if doi:
        doi = str(doi).strip()
        for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:"):
            if doi.lower().startswith(prefix):
                problems.add(path, f"doi {doi!r} includes {prefix!r}",
                             f"write only the DOI itself: doi: {doi[len(prefix):]}", path=("doi",))
                break
        else:
            if re.fullmatch(r"10\.\d{4,9}/\S+", doi):
                source.doi = doi
            else:
                problems.add(path, f"doi {doi!r} is not a DOI",
                             "a DOI starts with 10. and a slash follows the registrant, "
                             "e.g. 10.1000/xyz123", path=("doi",))
    isbn = data.get("isbn")
    if isbn:
        if isbn_ok(str(isbn)):
            source.isbn = str(isbn)
        else:
            problems.add(path, f"isbn {isbn!r} has a wrong check digit or length",
                         "copy the ISBN exactly as printed in the book (10 or 13 digits)",
                         path=("isbn",))


def load_sources(project: Project, problems: Problems) -> dict[str, Source]:
    sources: dict[str, Source] = {}
    for path in sorted(project.sources_dir.glob("*.yaml")):
        data = read_corpus_file(project, path, "source", problems)
        if data is None:
            continue
        text_path = (path.parent / data["text"]).resolve()
        if not text_path.is_relative_to(project.root.resolve()):
            problems.add(path, f"text file {data['text']!r} lies outside the corpus",
                         "copy the source text into sources/texts/ and name it there",
                         path=("text",))
            continue
        if not text_path.is_file():
            problems.add(path, f"text file {data['text']!r} not found",
                         "put the source text next to the metadata or fix `text:`", path=("text",))
            continue
        if data["id"] in sources:
            problems.add(path, f"duplicate source id {data['id']!r}", "give each source its own id",
                         path=("id",))
            continue
        if not _readable_text(text_path, problems):
            continue
        year = data.get("year")
        sources[data["id"]] = Source(
            id=data["id"], text_path=text_path, type=data["type"], title=data.get("title"),
            authors=list(data.get("authors") or []), year=str(year) if year else None,
            publisher=data.get("publisher"), language=data.get("language", "nl"),
            description=data.get("description") or {},
            notes=[data[k] if isinstance(data[k], dict) else str(data[k])
                   for k in NOTE_KEYS if data.get(k)],
            path=path, url=data.get("url"), date=str(data["date"]) if data.get("date") else None,
            quotes=data.get("quotes") or "exact", pages=data.get("pages"),
        )
        source = sources[data["id"]]
        _check_public_ids(path, data, source, problems)
        if source.pages is not None and source.pages != source.text.page_count:
            problems.add(path, f"`pages: {source.pages}` but {data['text']} has "
                         f"{source.text.page_count} page(s)", "set `pages:` to the number of "
                         "pages of the text (form feeds start pages)", path=("pages",))
            source.pages = None
        sources[data["id"]].redactions = check_redactions(path, sources[data["id"]],
                                                          data.get("redactions") or [], problems)
    return sources


def _readable_text(path: Path, problems: Problems) -> bool:
    """A source text must be UTF-8 without control characters (form feeds, which start pages,
    are allowed): it is shown on the site and its lines are quoted. A problem with line and
    column when it is not."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        at, what = exc.start, f"not UTF-8 text (byte 0x{data[exc.start]:02x})"
        fix = f"save it as UTF-8 ({yamlio.encoding_hint(data)})"
        text = data[:at].decode("utf-8", "replace")
        at = len(text)
    else:
        text = text.replace("\r\n", "\n").replace("\r", "\n")  # as Path.read_text reads it
        at = yamlio.bad_character(text.replace("\f", "\n"))  # a form feed starts a page
        if at is None:
            return True
        what = f"control character U+{ord(text[at]):04X} in the source text"
        fix = "delete it (it is invisible in most editors)"
    problems.add(path, what, fix)
    problems.items[-1].line = text.count("\n", 0, at) + 1
    problems.items[-1].column = at - (text.rfind("\n", 0, at) + 1) + 1
    return False


# --------------------------------------------------------------------------- evidence


@dataclass
class Context:
    """What a case file's references are checked against."""

    sources: dict[str, Source]
    concepts: dict[str, Concept]
    check_quotes: bool = True
    deprecated: dict[str, Concept] = field(default_factory=dict)
    composites: dict[str, CompositePattern] = field(default_factory=dict)


def check_evidence(path: Path, items: list[dict], where: tuple, ctx: Context,
                   problems: Problems) -> list[Evidence]:
    result = []
    for i, item in enumerate(items):
        at = (*where, i)
        source = ctx.sources.get(item["source"])
        lines = parse_lines(item["lines"])
        if source is None:
            problems.add(path, f"unknown source {item['source']!r}",
                         did_you_mean(item["source"], ctx.sources, "source id")
                         + " — or register it with `pav-graph source add`", path=(*at, "source"))
            continue
        if lines is None:
            problems.add(path, f"invalid line locator {item['lines']!r}",
                         "write a line number or a range like '12-15' (first ≤ last)",
                         path=(*at, "lines"))
            continue
        page = item.get("page")
        cited = lines
        lines, page_problem = file_lines(source, lines, page)
        if lines is None:
            problems.add(path, page_problem, "give the page as the stored text numbers it "
                         "(a PDF's pages from 1) and the lines counted from the top of that page",
                         path=(*at, "page"))
            continue
        hidden = [r for r in source.redactions if r.blanks_lines and r.overlaps(*lines)]
        if hidden or MASK in str(item["quote"]):
            what = (f"lines {item['lines']} lie in the {hidden[0].what} that the repository copy "
                    f"leaves out (lines {hidden[0].first}-{hidden[0].last})" if hidden
                    else f"the quote contains {MASK}, a masked anonymisation code")
            problems.add(path, what, "quote the body of the text, never a respondent table, "
                         "acknowledgements or a respondent code (docs/annotation-guide.md § 9)",
                         path=(*at, "lines" if hidden else "quote"))
            continue
        if ctx.check_quotes:
            places = source.text.match(str(item["quote"]), source.quotes == "normalised").places
            if not places:
                problems.add(path, f"quote not found in source {source.id!r}",
                             "copy the passage verbatim from the source text (only whitespace may differ"
                             + ("; ligatures, soft hyphens, hyphens at line ends and footnote markers "
                                "are forgiven)" if source.quotes == "normalised" else ")"),
                             path=(*at, "quote"))
                continue
            if not any(source.text.fits(lines, place) for place in places):
                inside = any(lines[0] <= a and b <= lines[1] for a, b in places)
                what = "is wider than the quote" if inside else "does not contain the quote"
                problems.add(path, f"locator lines {item['lines']} {what} in {source.id!r}",
                             locator_fix(source, places, page)
                             + " (or run `pav-graph validate --fix-locators`)",
                             path=(*at, "lines"),
                             replacement=None if page is not None and is_paged(source)
                             else _locator_text(places, lines))
                continue
        result.append(Evidence(source.id, lines[0], lines[1], str(item["quote"]),
                               item.get("lang", "nl"), str(page) if page is not None else None,
                               cited if page is not None and is_paged(source) else None))
    return result


def check_own_evidence(path: Path, item: dict, where: tuple, ctx: Context,
                       problems: Problems) -> Evidence | None:
    """Check the source/lines/quote fields that sit directly on ``where`` (a concept, a pattern
    or one example); the checked evidence, or None (and problems) when it does not hold."""
    n = len(problems.items)
    found = check_evidence(path, [item], where, ctx, problems)
    for p in problems.items[n:]:  # point at the item's own keys, not at a nested list entry
        p.path = (*where, *p.path[len(where) + 1:])
    return found[0] if found else None


def check_examples(path: Path, items: list[dict], where: tuple, ctx: Context,
                   problems: Problems) -> list[Example]:
    """A concept's illustrations, each checked like case evidence (verbatim quote, tight lines);
    a wrong example is reported at ``(*where, j, key)`` and left out."""
    examples = []
    for j, item in enumerate(items):
        ev = check_own_evidence(path, item, (*where, j), ctx, problems)
        if ev is not None:
            examples.append(Example(ev.source, ev.first_line, ev.last_line, ev.quote, ev.lang,
                                    ev.page, ev.page_lines, item.get("note")))
    return examples


def _locator_text(places: list[tuple[int, int]], lines: tuple[int, int]) -> str | None:
    """The corrected locator when exactly one place of the quote overlaps the given lines
    (or, failing that, when the quote occurs once in the source)."""
    near = [p for p in places if p[0] <= lines[1] + 3 and p[1] >= lines[0] - 3]
    pick = near if len(near) == 1 else places if len(places) == 1 else []
    if not pick:
        return None
    first, last = pick[0]
    return str(first) if first == last else f"{first}-{last}"


DEPARTURE = "vertrek-topambtenaar"  # the event type every kind of departure is narrower than


def is_departure(type_id: str | None, ctx: Context) -> bool:
    """Whether an event type is a departure: ``vertrek-topambtenaar`` or narrower (broader*)."""
    seen: set[str] = set()
    todo = [type_id] if type_id else []
    while todo:
        cid = todo.pop()
        if cid == DEPARTURE:
            return True
        if cid not in seen and cid in ctx.concepts:
            seen.add(cid)
            todo += ctx.concepts[cid].broader
    return False


def check_concept_ref(path: Path, concept_id: str, kinds: Iterable[str] | None, where: tuple,
                      ctx: Context, problems: Problems, what: str = "concept") -> bool:
    concept = ctx.concepts.get(concept_id)
    kinds = list(kinds) if kinds else None
    if concept is None and concept_id in ctx.deprecated:
        renamed(path, concept_id, ctx.deprecated, where, problems, what)
        return False
    if concept is None:
        pool = [c.id for c in ctx.concepts.values() if not kinds or c.kind in kinds]
        problems.add(path, f"unknown {what} {concept_id!r}",
                     did_you_mean(concept_id, pool, what) + " — or propose it with `pav-graph concept add`",
                     path=where)
        return False
    if kinds and concept.kind not in kinds:
        problems.add(path, f"{concept_id!r} is a {concept.kind}, not a {' or '.join(kinds)}",
                     did_you_mean(concept_id, [c.id for c in ctx.concepts.values() if c.kind in kinds], what),
                     path=where)
        return False
    return True


def renamed(path: Path, old: str, deprecated: dict[str, Concept], where: tuple, problems: Problems,
            what: str = "concept") -> None:
    """A reference to a deprecated (merged or renamed) concept: the located "renamed to" problem,
    with the successor as the replacement that `pav-graph validate --fix` writes."""
    new = successor(deprecated, old)
    if new is None:  # a deprecated concept whose successor is unknown: reported at the concept
        problems.add(path, f"{what} {old!r} is deprecated and has no known successor",
                     "choose another concept (list them with `pav-graph concepts`)", path=where)
        return
    problems.add(path, f"{what} {old!r} was renamed to {new!r} (the old id is deprecated, "
                 "see docs/vocabulary-decisions.md)",
                 f"run `pav-graph validate --fix` to write {new!r}, or write it yourself",
                 path=where, replacement=new, fix_kind="rename")


# --------------------------------------------------------------------------- concepts


def load_concepts(project: Project, sources: dict[str, Source], problems: Problems,
                  check_quotes: bool = True,
                  deprecated: dict[str, Concept] | None = None) -> dict[str, Concept]:
    """The live concepts; deprecated ones (with ``replaced_by``) are checked like the others
    and put into ``deprecated`` (when given), never among the live concepts."""
    concepts: dict[str, Concept] = {}
    deprecated = {} if deprecated is None else deprecated
    ctx = Context(sources, {}, check_quotes)
    for path in sorted(project.concepts_dir.glob("*.yaml")):
        data = read_corpus_file(project, path, "concept", problems)
        if data is None:
            continue
        for i, item in enumerate(data["concepts"]):
            cid = item["id"]
            if cid in concepts or cid in deprecated:
                other = (concepts.get(cid) or deprecated[cid]).path
                problems.add(path, f"duplicate concept id {cid!r} (also in {other.name if other else '?'})",
                             "reuse the existing concept or choose another id", path=("concepts", i, "id"))
                continue
            ev = {"source": item["source"], "lines": item["lines"], "quote": item.get("quote")}
            if ev["quote"] is not None:
                if not check_own_evidence(path, ev, ("concepts", i), ctx, problems):
                    continue
            elif item["source"] not in sources:
                problems.add(path, f"unknown source {item['source']!r}",
                             did_you_mean(item["source"], sources, "source id"),
                             path=("concepts", i, "source"))
                continue
            first, last = parse_lines(item["lines"]) or (0, 0)
            if not first:
                problems.add(path, f"invalid line locator {item['lines']!r}",
                             "write a line number or a range like '12-15'", path=("concepts", i, "lines"))
                continue
            examples = check_examples(path, item.get("examples") or [], ("concepts", i, "examples"),
                                      ctx, problems)
            concept = Concept(
                id=cid, kind=item["kind"], label=item["label"], definition=item["definition"],
                source=item["source"], first_line=first, last_line=last,
                alt_labels=item.get("alt_labels") or {}, quote=item.get("quote"),
                broader=list(item.get("broader") or []), related=list(item.get("related") or []),
                examples=examples, path=path, replaced_by=item.get("replaced_by"),
                history_note=item.get("history_note"),
            )
            if concept.deprecated:
                for key in ("broader", "related"):
                    if item.get(key):
                        problems.add(path, f"{cid}: a deprecated concept keeps no {key} links",
                                     f"remove `{key}:` (its successor {concept.replaced_by!r} has them)",
                                     path=("concepts", i, key))
            (deprecated if concept.deprecated else concepts)[cid] = concept
    # links between concepts, once all are known
    ctx.concepts = concepts
    for concept in deprecated.values():
        if concept.replaced_by not in concepts:
            where = _concept_path(concept, "replaced_by")
            if concept.replaced_by in deprecated:
                renamed(concept.path, concept.replaced_by, deprecated, where, problems,
                        f"{concept.id}: replaced_by concept")
            else:
                problems.add(concept.path, f"{concept.id}: unknown replaced_by concept "
                             f"{concept.replaced_by!r}",
                             did_you_mean(concept.replaced_by, concepts, "concept id"), path=where)
    for concept in concepts.values():
        for rel in ("broader", "related"):
            for j, target in enumerate(getattr(concept, rel)):
                if target in deprecated:
                    renamed(concept.path, target, deprecated, _concept_path(concept, rel, j),
                            problems, f"{concept.id}: {rel} concept")
                elif target not in concepts:
                    problems.add(concept.path, f"{concept.id}: unknown {rel} concept {target!r}",
                                 did_you_mean(target, concepts, "concept id"),
                                 path=_concept_path(concept, rel, j))
    return concepts


def _concept_path(concept: Concept, key: str, index: int | None = None) -> tuple:
    data = yamlio.load(concept.path)
    for i, item in enumerate(data["concepts"]):
        if item.get("id") == concept.id:
            return ("concepts", i, key) if index is None else ("concepts", i, key, index)
    return ()


def load_composites(project: Project, sources: dict[str, Source], concepts: dict[str, Concept],
                    problems: Problems,
                    deprecated: dict[str, Concept] | None = None) -> dict[str, CompositePattern]:
    path = project.ontology_dir / "composite-patterns.yaml"
    if not path.exists():
        return {}
    data = read_yaml(path, problems)
    if data is None or not check_schema(path, data, "composite", problems):
        return {}
    result = {}
    ctx = Context(sources, concepts)
    for i, item in enumerate(data["composite_patterns"]):
        ok = True
        if item.get("quote") and item.get("source") and item.get("lines"):
            ev = {"source": item["source"], "lines": item["lines"], "quote": item["quote"]}
            check_own_evidence(path, ev, ("composite_patterns", i), ctx, problems)
        if item["id"] not in concepts:
            problems.add(path, f"composite pattern {item['id']!r} has no concept",
                         "add it as a concept of kind 'pattern' in ontology/concepts/",
                         path=("composite_patterns", i, "id"))
            ok = False
        for j, part in enumerate(item["all_of"]):
            if part in (deprecated or {}):
                renamed(path, part, deprecated, ("composite_patterns", i, "all_of", j), problems)
                ok = False
            elif part not in concepts:
                problems.add(path, f"unknown concept {part!r} in all_of",
                             did_you_mean(part, concepts, "concept id"),
                             path=("composite_patterns", i, "all_of", j))
                ok = False
        if ok:
            result[item["id"]] = CompositePattern(item["id"], list(item["all_of"]),
                                                  item.get("label") or concepts[item["id"]].label,
                                                  item.get("definition") or {}, item.get("source"))
    return result


# --------------------------------------------------------------------------- cases


def load_case(path: Path, ctx: Context, problems: Problems,
              parsed: dict[Path, Any] | None = None) -> Case | None:
    """Read and check one case file; None when it has structural errors."""
    data = read_yaml(path, problems, parsed)
    if data is None:
        return None
    if not isinstance(data, dict):
        problems.add(path, "a case file must be a mapping of fields (id:, label:, ...)",
                     f"start from `pav-graph case new` ({FORMAT_DOC})")
        return None
    if not check_schema(path, data, "case", problems):
        return None
    n_before = len(problems.errors)
    cid = data["id"]
    if path.suffix in (".yaml", ".yml") and path.stem != cid:
        problems.add(path, f"case id {cid!r} does not match the file name {path.name!r}",
                     f"rename the file to {cid}.yaml or change the id", path=("id",))

    orgs = []
    seen: set[str] = set()
    for i, o in enumerate(data["organisations"]):
        if o["id"] in seen:
            problems.add(path, f"duplicate organisation id {o['id']!r}", "give each organisation its own id",
                         path=("organisations", i, "id"))
        seen.add(o["id"])
        orgs.append(Organisation(o["id"], o["name"], o["level"], o.get("involvement", "setting")))
    if orgs and all(o.involvement == "party" for o in orgs):
        problems.add(path, "no organisation where the case takes place",
                     "mark at least one organisation without `involvement: party`",
                     path=("organisations",))

    period = Period()
    for key in ("start", "end"):
        raw = (data.get("period") or {}).get(key)
        if raw is not None:
            date = parse_date(raw)
            if date is None:
                problems.add(path, f"period.{key}: {raw!r} is not a date",
                             "write YYYY, YYYY-MM or YYYY-MM-DD in quotes, e.g. \"2024-05\"",
                             path=("period", key))
            setattr(period, key, date)
    period.note = (data.get("period") or {}).get("note")
    if period.start and period.end and period.end < period.start[: len(period.end)]:
        problems.add(path, f"period ends ({period.end}) before it starts ({period.start})",
                     "swap start and end", path=("period", "end"))

    actors: list[Actor] = []
    actor_ids: set[str] = set()
    for i, a in enumerate(data.get("actors") or []):
        at = ("actors", i)
        if a["id"] in actor_ids:
            problems.add(path, f"duplicate actor id {a['id']!r}", "give each actor its own id", path=(*at, "id"))
        actor_ids.add(a["id"])
        check_concept_ref(path, a["role"], ["role"], (*at, "role"), ctx, problems, "role")
        if a.get("organisation") and a["organisation"] not in seen:
            problems.add(path, f"unknown organisation {a['organisation']!r}",
                         did_you_mean(a["organisation"], seen, "organisation id of this case"),
                         path=(*at, "organisation"))
        ev = check_evidence(path, a.get("evidence") or [], (*at, "evidence"), ctx, problems)
        actors.append(Actor(a["id"], a["role"], a["label"], a.get("organisation"), a.get("name"),
                            bool(a.get("anonymous", False)), ev))

    findings = []
    seen_concepts: dict[str, int] = {}
    for i, f in enumerate(data.get("findings") or []):
        at = ("findings", i)
        if f["concept"] in seen_concepts:
            problems.add(path, f"concept {f['concept']!r} has two findings",
                         f"merge their evidence into finding {seen_concepts[f['concept']] + 1}",
                         path=(*at, "concept"))
        seen_concepts.setdefault(f["concept"], i)
        check_concept_ref(path, f["concept"], None, (*at, "concept"), ctx, problems)
        ev = check_evidence(path, f["evidence"], (*at, "evidence"), ctx, problems)
        m = f.get("measure") or {}
        findings.append(Finding(f["concept"], ev, f.get("note"), m.get("value"), m.get("unit"),
                                **qualifiers(f)))

    relations = []
    for i, r in enumerate(data.get("relations") or []):
        at = ("relations", i)
        check_concept_ref(path, r["type"], ["relation-type"], (*at, "type"), ctx, problems, "relation type")
        for end in ("from", "to"):
            if r[end] not in actor_ids:
                problems.add(path, f"relation {end} unknown actor {r[end]!r}",
                             did_you_mean(r[end], actor_ids, "actor id of this case"), path=(*at, end))
        ev = check_evidence(path, r["evidence"], (*at, "evidence"), ctx, problems)
        relations.append(Relation(r["type"], r["from"], r["to"], ev, r.get("note"), **qualifiers(r)))

    interventions = []
    for i, x in enumerate(data.get("interventions") or []):
        at = ("interventions", i)
        check_concept_ref(path, x["concept"], ["intervention"], (*at, "concept"), ctx, problems,
                          "intervention")
        ev = check_evidence(path, x["evidence"], (*at, "evidence"), ctx, problems)
        interventions.append(Intervention(x["concept"], x["status"], ev, x.get("outcome"), x.get("note"),
                                          **qualifiers(x)))

    events = []
    for i, e in enumerate(data.get("events") or []):
        at = ("events", i)
        date = None
        if e.get("date") is not None:
            date = parse_date(e["date"])
            if date is None:
                problems.add(path, f"event date {e['date']!r} does not parse",
                             "write YYYY, YYYY-MM or YYYY-MM-DD in quotes, e.g. \"2018-06-14\"",
                             path=(*at, "date"))
        if e.get("type"):
            check_concept_ref(path, e["type"], ["event-type"], (*at, "type"), ctx, problems, "event type")
        for key in ("actors", "departing"):
            for j, actor in enumerate(e.get(key) or []):
                if actor not in actor_ids:
                    problems.add(path, f"event names unknown actor {actor!r}",
                                 did_you_mean(actor, actor_ids, "actor id of this case"), path=(*at, key, j))
        if not e.get("departing") and is_departure(e.get("type"), ctx):
            problems.add(path, f"the {e['type']} event does not say who leaves",
                         "add `departing: [<actor id>]` so that it counts in departures-per-role",
                         path=(*at, "type"), severity="warning")
        ev = check_evidence(path, e["evidence"], (*at, "evidence"), ctx, problems)
        events.append(Event(e["label"], ev, date, e.get("type"), list(e.get("actors") or []), e.get("reason"),
                            e.get("note"), list(e.get("departing") or []), **qualifiers(e)))

    if not (findings or relations or interventions or events):
        problems.add(path, "the case makes no claim: findings, relations, interventions and events are all empty",
                     "add a finding with evidence (`pav-graph case add-finding`)", path=("findings",))
    if len(problems.errors) > n_before:
        return None
    return Case(cid, data["label"], data["summary"], orgs, period, list(data.get("source_types") or []),
                actors, findings, relations, interventions, events, path, data.get("kind", "case"))


def qualifiers(item: dict) -> dict:
    """A claim's stance, basis, voice and attribution; absent keys take the documented defaults."""
    out = {key: item.get(key, default) for key, default in DEFAULTS.items()}
    out["attributed_to"] = item.get("attributed_to")
    return out


def load_shared(project: Project, problems: Problems, check_quotes: bool = True) -> Context:
    """Sources, concepts and composite patterns: what every case file is checked against."""
    sources = load_sources(project, problems)
    deprecated: dict[str, Concept] = {}
    concepts = load_concepts(project, sources, problems, check_quotes, deprecated)
    composites = load_composites(project, sources, concepts, problems, deprecated)
    return Context(sources, concepts, check_quotes, deprecated, composites)


class Organisations:
    """An organisation id names one organisation in every case file: the same name and level
    (the first file, in the order given, sets them)."""

    def __init__(self) -> None:
        self.seen: dict[str, tuple[str, str, Path]] = {}

    def check(self, path: Path, organisations: Iterable, problems: Problems) -> None:
        """``organisations``: (id, name, level) of one case file, in its order."""
        for i, (oid, name, level) in enumerate(organisations):
            known = self.seen.get(oid)
            if known and known[:2] != (name, level):
                problems.add(path, f"organisation {oid!r} differs from {known[2].name}"
                             f" ({known[0]}, {known[1]})",
                             "use the same name and level for an organisation in every case",
                             path=("organisations", i))
            self.seen.setdefault(oid, (name, level, path))


class CaseFiles(Mapping):
    """Case models by id, each loaded from ``cases/<id>.yaml`` when first asked for.

    A build streams the case files and keeps none of them; what needs a few models across files
    (the mechanism layer checks the levels of the cases a link names) gets them from here.
    ``models`` are already loaded. Iteration gives every id; an id whose file does not load is
    not ``in`` it (as in :func:`load_corpus`, which keeps only cases that load)."""

    def __init__(self, project: Project, ctx: Context, ids: Iterable[str],
                 models: dict[str, Case] | None = None) -> None:
        self._project, self._ctx = project, ctx
        self._ids = sorted(set(ids))
        self._known = set(self._ids)
        self._models: dict[str, Case | None] = dict(models or {})

    def _get(self, cid: str) -> Case | None:
        if cid not in self._models:
            if cid not in self._known:
                return None
            self._models[cid] = load_case(self._project.cases_dir / f"{cid}.yaml", self._ctx, Problems())
        return self._models[cid]

    def __getitem__(self, cid: str) -> Case:
        case = self._get(cid)
        if case is None:
            raise KeyError(cid)
        return case

    def __contains__(self, cid: object) -> bool:
        return isinstance(cid, str) and self._get(cid) is not None

    def __iter__(self):
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


def load_corpus(project: Project, case_files: Iterable[Path] | None = None,
                check_quotes: bool = True) -> tuple[Corpus, Problems]:
    """Load everything; ``case_files`` replaces the project's cases/ (for validating new files)."""
    problems = Problems()
    ctx = load_shared(project, problems, check_quotes)
    files = sorted(project.cases_dir.glob("*.yaml")) if case_files is None else list(case_files)
    cases: dict[str, Case] = {}
    orgs = Organisations()
    cases_dir = project.cases_dir.resolve()
    parsed = yamlio.load_many(files)
    for path in files:
        if path.absolute().parent.resolve() == cases_dir and outside_corpus(
                project, path, problems, "case file"):
            continue
        case = load_case(path, ctx, problems, parsed)
        if case is None:
            continue
        if case.id in cases:
            problems.add(path, f"duplicate case id {case.id!r} (also in {cases[case.id].path})",
                         "give the case another id", path=("id",))
            continue
        orgs.check(path, [(o.id, o.name, o.level) for o in case.organisations], problems)
        cases[case.id] = case
    from pav_graph.mechanisms.load import case_ids_on_disk, load_mechanisms

    mechanisms = load_mechanisms(project, ctx, problems, cases, case_ids_on_disk(project))
    locate_problems(problems)
    return Corpus(ctx.sources, ctx.concepts, ctx.composites, cases, ctx.deprecated, mechanisms), problems


def locate_problems(problems: Problems) -> None:
    """Fill in line and column for problems that know their YAML path."""
    for p in problems:
        if p.line is None and p.file.exists() and p.file.suffix in (".yaml", ".yml"):
            pos = yamlio.locate(p.file, p.path)
            if pos:
                p.line, p.column = pos
