"""The fast compiled schema check (fastjsonschema) and jsonschema must agree on valid/invalid.

pav_graph.load.check_schema trusts the fast validator when it says "valid" and asks jsonschema
for readable errors otherwise; if the two ever disagreed, an invalid file could pass. They are
compared on every real file and on many mutated copies of real cases.
"""

from __future__ import annotations

import copy
from pathlib import Path

import fastjsonschema
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from pav_graph.load import files as load
from pav_graph.schema import CASE_SCHEMA, CONCEPT_SCHEMA

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((ROOT / "cases").glob("*.yaml"))
FULL = {"case": Draft202012Validator(CASE_SCHEMA), "concept": Draft202012Validator(CONCEPT_SCHEMA)}


def fast_valid(kind: str, data) -> bool:
    try:
        load._fast_check(kind)(data)
        return True
    except fastjsonschema.JsonSchemaException:
        return False


def full_valid(kind: str, data) -> bool:
    return FULL[kind].is_valid(data)


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_every_real_case_is_valid_for_both(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert fast_valid("case", data) and full_valid("case", data)


@pytest.mark.parametrize("path", sorted((ROOT / "ontology" / "concepts").glob("*.yaml")), ids=lambda p: p.stem)
def test_every_real_concept_file_is_valid_for_both(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert fast_valid("concept", data) and full_valid("concept", data)


def _paths(node, prefix=()):
    """Every place in a nested document: (path, value)."""
    yield prefix, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*prefix, i))


REPLACEMENTS = [None, "", "Niet Een Id", 0, -3, 1.5, True, [], {}, ["x"], {"nl": "x"}, "2025-13-01",
                {"nl": "a", "en": "b", "fr": "c"}]


@settings(max_examples=300, deadline=None)
@given(case=st.sampled_from(CASES), pick=st.integers(min_value=0), how=st.sampled_from(
    ["replace", "delete", "add-key"]), value=st.sampled_from(REPLACEMENTS))
def test_fast_and_full_agree_on_mutated_cases(case, pick, how, value):
    data = yaml.safe_load(case.read_text(encoding="utf-8"))
    places = [p for p, _ in _paths(data) if p]
    path = places[pick % len(places)]
    doc = copy.deepcopy(data)
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    last = path[-1]
    if how == "replace":
        parent[last] = value
    elif how == "delete":
        del parent[last]
    elif isinstance(parent, dict):
        parent["onbekend_veld"] = value
    else:
        parent.append(value)
    assert fast_valid("case", doc) == full_valid("case", doc), (case.name, path, how, value)
