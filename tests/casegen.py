"""A case file that uses every field of the case schema, and what can be left out of it.

Shared by the typed-scalar fuzzing (tests/test_properties.py) and the optional-field test
(tests/test_optional_fields.py). The case is the real ``cases/heeze-leende.yaml`` (its quotes
verify against essay-2025) with every optional field added. Fields the hand-written part does
not know yet (a new optional enum, flag or text added to the schema later) are filled in from
the schema by :func:`fill_optional`, and :func:`test_full_case_covers_the_schema` fails when one
cannot be, so a new optional field is never silently left out of these tests.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
BASE_CASE = ROOT / "cases" / "heeze-leende.yaml"

Path_ = tuple  # a schema path: keys, with [] for "every item of this list"


def concept_ids(kind: str) -> list[str]:
    """The concept ids of one kind in the real vocabulary, sorted."""
    ids = []
    for f in sorted((ROOT / "ontology" / "concepts").glob("*.yaml")):
        for c in yaml.safe_load(f.read_text(encoding="utf-8"))["concepts"]:
            if c["kind"] == kind:
                ids.append(c["id"])
    return sorted(ids)


def full_case(case_id: str = "volledige-casus") -> dict:
    """heeze-leende with every optional field of the case schema present."""
    data = yaml.safe_load(BASE_CASE.read_text(encoding="utf-8"))
    data["id"] = case_id
    ev = data["findings"][0]["evidence"]  # essay-2025 l. 92 and l. 93-94
    data["period"] = {"start": "2019-03", "end": "2020-11-02",
                      "note": {"nl": "Een periode.", "en": "A period."}}
    data["source_types"] = ["essay", "report"]
    data["organisations"][0]["involvement"] = "setting"
    data["organisations"].append({"id": "onderzoeksbureau-x", "name": "Onderzoeksbureau X",
                                  "level": "niet-overheid", "involvement": "party"})
    data["actors"][0].update(name="Functie, geen persoon", anonymous=False,
                             evidence=[dict(ev[1], page=12, lang="nl")])
    data["actors"].append({"id": "burgemeester", "role": concept_ids("role")[0],
                           "organisation": "gemeente-heeze-leende", "anonymous": True,
                           "label": {"nl": "de burgemeester", "en": "the mayor"}})
    finding = data["findings"][0]
    finding["note"] = {"nl": "Een notitie.", "en": "A note."}
    finding["measure"] = {"value": 2.5, "unit": "keer"}
    finding["evidence"][0].update(page="iv", lang="en")
    data["relations"] = [{"type": concept_ids("relation-type")[0], "from": "gemeentesecretaris",
                          "to": "burgemeester", "evidence": [dict(ev[0])], "note": "Relatie."}]
    data["interventions"] = [{"concept": concept_ids("intervention")[0], "status": "recommended",
                              "outcome": {"nl": "onbekend", "en": "unknown"},
                              "evidence": [dict(ev[0])], "note": "Interventie."}]
    event = data["events"][0]
    event["date"] = "2020-11"
    event["note"] = {"nl": "Een noot.", "en": "A note."}
    event["evidence"][0]["page"] = 7
    assert {"type", "actors", "reason", "label"} <= set(event)
    from pav_graph.schema import CASE_SCHEMA

    fill_optional(data, CASE_SCHEMA)
    return data


def _sample(schema: dict) -> Any:
    """A valid value for a simple schema (enum, boolean, text, {nl, en} text), else KeyError."""
    if "enum" in schema:
        return schema["enum"][-1]  # the last value: usually not the default
    kind = schema.get("type")
    if kind == "boolean":
        return True
    if kind == "string" and "pattern" not in schema:
        return "Tekst."
    if kind == "object" and set(schema.get("required", [])) == {"nl", "en"}:
        return {"nl": "tekst", "en": "text"}
    if kind == "number":
        return 1
    raise KeyError("no sample")


def fill_optional(data: Any, schema: dict) -> None:
    """Add every optional property the schema allows and ``data`` lacks, where a value can be
    made from the schema alone (see :func:`_sample`)."""
    if isinstance(data, dict) and schema.get("type") == "object":
        for key, sub in schema.get("properties", {}).items():
            if key not in data:
                try:
                    data[key] = _sample(sub)
                except KeyError:
                    continue
            fill_optional(data[key], sub)
    elif isinstance(data, list) and "items" in schema:
        for item in data:
            fill_optional(item, schema["items"])


def optional_paths(schema: dict, prefix: Path_ = ()) -> list[Path_]:
    """Every optional property of the schema, as a path (``[]`` for the items of a list)."""
    out: list[Path_] = []
    if schema.get("type") == "object":
        required = set(schema.get("required", []))
        for key, sub in schema.get("properties", {}).items():
            if key not in required:
                out.append((*prefix, key))
            out += optional_paths(sub, (*prefix, key))
    elif schema.get("type") == "array" and "items" in schema:
        out += optional_paths(schema["items"], (*prefix, "[]"))
    return out


def present(data: Any, path: Path_) -> bool:
    """True when ``data`` holds the field at ``path`` (in at least one item of each list)."""
    if not path:
        return True
    head, rest = path[0], path[1:]
    if head == "[]":
        return isinstance(data, list) and any(present(item, rest) for item in data)
    return isinstance(data, dict) and head in data and present(data[head], rest)


# Leaving these out makes other parts refer to nothing; they go too (that is what a contributor
# without actors would write).
DEPENDENT = {
    ("actors",): [("relations",), ("events", "[]", "actors"), ("events", "[]", "departing")],
    ("actors", "[]", "organisation"): [],
}


def without(data: dict, path: Path_) -> dict:
    """A copy of ``data`` with the field at ``path`` removed everywhere (and what depends on it)."""
    out = copy.deepcopy(data)
    for p in [path, *DEPENDENT.get(path, [])]:
        _remove(out, p)
    return out


def _remove(data: Any, path: Path_) -> None:
    head, rest = path[0], path[1:]
    if head == "[]":
        for item in data if isinstance(data, list) else []:
            _remove(item, rest)
    elif isinstance(data, dict) and head in data:
        if rest:
            _remove(data[head], rest)
        else:
            del data[head]


def variant_id(path: Path_) -> str:
    return "zonder-" + "-".join(p.replace("_", "-") for p in path if p != "[]")


def slug(path: Path_) -> str:
    return ".".join(path)
