"""Reading one corpus file: YAML with positions, the JSON Schema (fast compiled
validator with jsonschema's explanation on failure), dates, the corpus boundary."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from pav_graph import yamlio
from pav_graph.problems import Problems, did_you_mean
from pav_graph.project import Project
from pav_graph.schema import CASE_SCHEMA, COMPOSITE_SCHEMA, CONCEPT_SCHEMA, LANG_TEXT, SOURCE_SCHEMA

_VALIDATORS = {
    "case": Draft202012Validator(CASE_SCHEMA),
    "concept": Draft202012Validator(CONCEPT_SCHEMA),
    "composite": Draft202012Validator(COMPOSITE_SCHEMA),
    "source": Draft202012Validator(SOURCE_SCHEMA),
}
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
FORMAT_DOC = "see docs/case-format.md"


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
        message, fix = explain_schema_error(err)
        problems.add(path, message, fix, path=err.absolute_path)
    return not errors


def explain_schema_error(err) -> tuple[str, str]:
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
