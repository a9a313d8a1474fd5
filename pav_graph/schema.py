"""JSON Schemas of the case and concept files.

The schemas are kept here as Python data (one source of truth) and written to
``ontology/case.schema.json`` / ``ontology/concept.schema.json`` so editors can autocomplete;
a test checks the written files are current. They check structure only; references, quotes
and dates are checked by :mod:`pav_graph.validate`.
"""

from __future__ import annotations

import json
from pathlib import Path

from pav_graph.claims import BASES, STANCES, VOICES
from pav_graph.model import CASE_KINDS

# `$` alone also matches before a final line break in Python's re (which jsonschema and
# fastjsonschema use), so "x\n" would pass as an id; `(?!\n)` closes that, and ECMA-262 (the
# editors reading ontology/*.schema.json) reads the pattern the same way.
END = "$(?!\\n)"
ID = {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*" + END}
TEXT = {"type": "string", "minLength": 1}
LANG_TEXT = {
    "type": "object",
    "properties": {"nl": TEXT, "en": TEXT},
    "required": ["nl", "en"],
    "additionalProperties": False,
}
LINES = {
    "description": "line or range 'first-last' in the source's text file, 1-based",
    "oneOf": [{"type": "integer", "minimum": 1}, {"type": "string", "pattern": r"^\s*\d+\s*([-–]\s*\d+\s*)?" + END}],
}
DATE = {"type": ["string", "integer"], "description": "YYYY, YYYY-MM or YYYY-MM-DD"}
EVIDENCE_ITEM = {
    "type": "object",
    "properties": {
        "source": ID,
        "lines": LINES,
        "page": {"type": ["string", "integer"]},
        "quote": TEXT,
        "lang": {"enum": ["nl", "en"]},
    },
    "required": ["source", "lines", "quote"],
    "additionalProperties": False,
}
EVIDENCE = {"type": "array", "minItems": 1, "items": EVIDENCE_ITEM}
EXAMPLES = {
    "description": "illustrations of the concept: anonymous or generic practice examples from a "
    "source, too thin to be a case; each a verbatim quote with its tight line range",
    "type": "array",
    "minItems": 1,
    "items": {
        **EVIDENCE_ITEM,
        "properties": {
            **EVIDENCE_ITEM["properties"],
            "note": {**LANG_TEXT, "description": "what the example shows, in our own words"},
        },
    },
}
NOTE = {
    "description": "our own remark, in Dutch and English ({nl: ..., en: ...}); a plain string is "
    "read as written before notes were bilingual and is reported by `pav-graph check`",
    "oneOf": [LANG_TEXT, TEXT],
}
QUALIFIER_PROPERTIES = {
    "stance": {"enum": list(STANCES), "default": "states",
               "description": "how the source says it: states (default), hedges (only suggests), "
               "denies (examined and not found) — docs/annotation-guide.md § 3"},
    "basis": {"enum": list(BASES), "default": "manifest",
              "description": "manifest (default): the source's own words name it for this case; "
              "latent: the encoder's interpretation — docs/annotation-guide.md § 4"},
    "voice": {"enum": list(VOICES), "default": "author",
              "description": "who in the source says it — docs/annotation-guide.md § 5"},
    "attributed_to": {**LANG_TEXT, "description": "who exactly says it, e.g. {nl: het NSOB-onderzoek, "
                      "en: the NSOB study}; never a respondent code or a private person's name"},
}
LEVELS = ["gemeente", "provincie", "rijk", "waterschap", "semipubliek", "overheid-onbekend", "niet-overheid",
          "onbekend"]
SOURCE_TYPES = ["report", "news", "thesis", "essay", "article", "interview", "working-paper"]
KINDS = [
    "role", "relation-type", "influence-means", "risk-factor", "dilemma", "intervention",
    "pattern", "framework", "criterion", "event-type",
]

CASE_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://w3id.org/pav-graph/case.schema.json",
    "title": "pav-graph case file",
    "type": "object",
    "properties": {
        "id": ID,
        "kind": {"enum": list(CASE_KINDS), "default": "case",
                 "description": "case (default): an episode the source describes; mention: named in "
                 "passing; illustration: an anonymous or textbook example — docs/annotation-guide.md § 8"},
        "label": LANG_TEXT,
        "summary": LANG_TEXT,
        "period": {
            "type": "object",
            "properties": {"start": DATE, "end": DATE, "note": NOTE},
            "additionalProperties": False,
        },
        "source_types": {"type": "array", "items": {"enum": SOURCE_TYPES}},
        "organisations": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": {
                    "id": ID, "name": TEXT, "level": {"enum": LEVELS},
                    "involvement": {
                        "enum": ["setting", "party"],
                        "description": "setting (default): the case takes place here; party: a body "
                        "that takes part from outside (researcher, union, press, party, company)",
                    },
                },
                "required": ["id", "name", "level"],
                "additionalProperties": False,
            },
        },
        "actors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": ID,
                    "role": ID,
                    "organisation": ID,
                    "label": LANG_TEXT,
                    "name": TEXT,
                    "anonymous": {"type": "boolean"},
                    "evidence": EVIDENCE,
                },
                "required": ["id", "role", "label"],
                "additionalProperties": False,
            },
        },
        "findings": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "concept": ID,
                    **QUALIFIER_PROPERTIES,
                    "evidence": EVIDENCE,
                    "note": NOTE,
                    "measure": {
                        "type": "object",
                        "properties": {"value": {"type": "number"}, "unit": TEXT},
                        "required": ["value", "unit"],
                        "additionalProperties": False,
                    },
                },
                "required": ["concept", "evidence"],
                "additionalProperties": False,
            },
        },
        "relations": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"type": ID, "from": ID, "to": ID, **QUALIFIER_PROPERTIES,
                               "evidence": EVIDENCE, "note": NOTE},
                "required": ["type", "from", "to", "evidence"],
                "additionalProperties": False,
            },
        },
        "interventions": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "concept": ID,
                    "status": {"enum": ["applied", "recommended"]},
                    **QUALIFIER_PROPERTIES,
                    "outcome": LANG_TEXT,
                    "evidence": EVIDENCE,
                    "note": NOTE,
                },
                "required": ["concept", "status", "evidence"],
                "additionalProperties": False,
            },
        },
        "events": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "date": DATE,
                    "type": ID,
                    "label": LANG_TEXT,
                    "actors": {"type": "array", "items": ID},
                    "departing": {"type": "array", "items": ID},
                    "reason": LANG_TEXT,
                    **QUALIFIER_PROPERTIES,
                    "evidence": EVIDENCE,
                    "note": NOTE,
                },
                "required": ["label", "evidence"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["id", "label", "summary", "organisations"],
    "anyOf": [
        {"required": ["findings"]},
        {"required": ["relations"]},
        {"required": ["interventions"]},
        {"required": ["events"]},
    ],
    "additionalProperties": False,
}

CONCEPT_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://w3id.org/pav-graph/concept.schema.json",
    "title": "pav-graph concept file",
    "type": "object",
    "properties": {
        "concepts": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": ID,
                    "kind": {"enum": KINDS},
                    "label": LANG_TEXT,
                    "alt_labels": {
                        "type": "object",
                        "properties": {
                            "nl": {"type": "array", "items": TEXT},
                            "en": {"type": "array", "items": TEXT},
                        },
                        "additionalProperties": False,
                    },
                    "definition": LANG_TEXT,
                    "source": ID,
                    "lines": LINES,
                    "quote": TEXT,
                    "broader": {"type": "array", "items": ID},
                    "related": {"type": "array", "items": ID},
                    "examples": EXAMPLES,
                    "replaced_by": {
                        **ID,
                        "description": "the concept is deprecated (merged into or renamed to this "
                        "id); it stays in the vocabulary, owl:deprecated, and keeps no broader/related",
                    },
                    "history_note": {
                        **LANG_TEXT,
                        "description": "what happened to a deprecated concept and when (skos:historyNote)",
                    },
                },
                "required": ["id", "kind", "label", "definition", "source", "lines"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["concepts"],
    "additionalProperties": False,
}

COMPOSITE_SCHEMA = {
    "type": "object",
    "properties": {
        "composite_patterns": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": ID,
                    "label": LANG_TEXT,
                    "definition": LANG_TEXT,
                    "all_of": {"type": "array", "minItems": 2, "items": ID},
                    "source": ID,
                    "lines": LINES,
                },
                "required": ["id", "all_of"],
                "additionalProperties": True,
            },
        }
    },
    "required": ["composite_patterns"],
}

SOURCE_SCHEMA = {
    "type": "object",
    "properties": {
        "id": ID,
        "text": TEXT,
        "type": TEXT,
        "title": {"type": ["string", "null"]},
        "authors": {"type": "array", "items": TEXT},
        "year": {"type": ["string", "integer", "null"]},
        "publisher": {"type": ["string", "null"]},
        "language": TEXT,
        "description": LANG_TEXT,
        "date": {"type": ["string", "null"], "description": "YYYY, YYYY-MM or YYYY-MM-DD"},
        "url": {"type": ["string", "null"], "description": "where the document is published (http/https)"},
        "doi": {"type": ["string", "null"],
                "description": "the DOI as printed, without https://doi.org/ (e.g. 10.1000/xyz123)"},
        "isbn": {"type": ["string", "null"],
                 "description": "ISBN-10 or ISBN-13 as printed; the check digit is checked"},
        "format": {"enum": ["pdf", "html", "text"]},
        "pages": {"type": "integer", "minimum": 1,
                  "description": "a source with pages: evidence may cite `page` + lines in it"},
        "quotes": {"enum": ["exact", "normalised"],
                   "description": "normalised: quotes may differ by ligatures, soft hyphens, "
                   "hyphens at line ends and footnote markers (docs/case-format.md)"},
        "redactions": {
            "description": "what the repository copy of the text leaves out (docs/annotation-guide.md "
                           "§ 9): blanked line ranges (acknowledgements, respondent tables) and "
                           "ranges whose anonymisation codes are masked; line numbers never change",
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "lines": LINES,
                    "what": {"enum": ["acknowledgements", "respondent-table", "respondent-codes"]},
                    "count": {"type": "integer", "minimum": 1,
                              "description": "respondent-codes: how many codes were masked"},
                },
                "required": ["lines", "what"],
                "additionalProperties": False,
            },
        },
        "title_known": {"type": "boolean",
                        "description": "the title is the document's own (not one we gave it)"},
        **{key: {"oneOf": [LANG_TEXT, TEXT], "description": "why the field is empty or how it "
                 "was decided, in Dutch and English ({nl: ..., en: ...}; a plain string is reported "
                 "by `pav-graph check`)"}
           for key in ("title_note", "year_note", "date_note", "authors_note", "publisher_note",
                       "url_note")},
        "text_note": {"oneOf": [LANG_TEXT, TEXT],
                      "description": "what the text copy lacks or repeats (missing "
                      "footnotes, lost figures), so a reader knows what cannot be checked; "
                      "{nl: ..., en: ...}"},
    },
    "required": ["id", "text", "type"],
    "additionalProperties": False,  # a typo (`ulr:`) is reported, not silently ignored
}

SCHEMA_FILES = {"case.schema.json": CASE_SCHEMA, "concept.schema.json": CONCEPT_SCHEMA}


def write_schema_files(ontology_dir: Path) -> list[Path]:
    """Write the editor schemas; returns the paths written."""
    written = []
    for name, schema in SCHEMA_FILES.items():
        path = ontology_dir / name
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written
