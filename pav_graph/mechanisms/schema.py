"""JSON Schema of ``ontology/mechanisms.yaml`` (written to ``ontology/mechanism.schema.json``).

The qualifier values come from :mod:`pav_graph.claims` and the evidence item from
:mod:`pav_graph.schema`, so a mechanism link is checked exactly like the claims of a case.
"""

from __future__ import annotations

import json
from pathlib import Path

from pav_graph.claims import BASES, STANCES, VOICES
from pav_graph.mechanisms.model import GENERAL, MODALITIES, SIGNS
from pav_graph.schema import EVIDENCE, ID, LANG_TEXT, LEVELS

LINK = {
    "type": "object",
    "properties": {
        "from": {**ID, "description": "the cause: a concept id (ontology/concepts/*.yaml)"},
        "to": {**ID, "description": "the effect: a concept id, not the same as `from`"},
        "sign": {"enum": list(SIGNS),
                 "description": "increases (+): more of `from` gives more of `to`; decreases (−): more gives less"},
        "modality": {"enum": list(MODALITIES),
                     "description": "leads-to ('leidt tot', 'waardoor') or can-lead-to ('kan leiden tot', 'het risico is dat')"},
        "level": {"enum": [GENERAL, *LEVELS], "default": GENERAL,
                  "description": "the level of government the source claims it for (general: no particular level)"},
        "cases": {"type": "array", "minItems": 1, "items": ID,
                  "description": "the case(s) the source claims it for"},
        "stance": {"enum": list(STANCES), "default": "states",
                   "description": "states (default), hedges, denies — docs/annotation-guide.md § 3"},
        "basis": {"enum": list(BASES), "default": "manifest",
                  "description": "manifest (default): the source's words say it; latent: our reading — § 4"},
        "voice": {"enum": list(VOICES), "default": "author",
                  "description": "who in the source says it — § 5"},
        "attributed_to": {**LANG_TEXT, "description": "who exactly, e.g. {nl: Peters (1999), en: Peters (1999)}"},
        "note": {**LANG_TEXT, "description": "our own words: why we read it so"},
        "evidence": EVIDENCE,
    },
    "required": ["from", "to", "sign", "modality", "evidence"],
    "additionalProperties": False,
}

MECHANISM_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://w3id.org/pav-graph/mechanism.schema.json",
    "title": "pav-graph mechanism links (ontology/mechanisms.yaml)",
    "type": "object",
    "properties": {"mechanisms": {"type": "array", "items": LINK}},
    "required": ["mechanisms"],
    "additionalProperties": False,
}

SCHEMA_FILE = "mechanism.schema.json"


def write_schema_file(ontology_dir: Path) -> Path:
    path = ontology_dir / SCHEMA_FILE
    path.write_text(json.dumps(MECHANISM_SCHEMA, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
