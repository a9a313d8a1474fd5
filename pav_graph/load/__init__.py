"""Load and validate the corpus: YAML files → :class:`pav_graph.model.Corpus` + problems.

Validation reports *all* problems of all files at once. It checks, in this order: readable
YAML, the JSON Schema (structure), then what a schema cannot: unknown or wrongly-kinded ids
(with "did you mean ...?"), duplicate ids, dates, and every quote against its source text.

The modules follow the order of a load: :mod:`.files` (one file: YAML, schema, dates),
:mod:`.sources`, :mod:`.evidence` (quotes and concept references), :mod:`.concepts`,
:mod:`.cases`, :mod:`.corpus` (all of it). The names below are the package's interface.
"""

from pav_graph.load.cases import load_case, qualifiers
from pav_graph.load.concepts import load_composites, load_concepts
from pav_graph.load.corpus import (
    CaseFiles,
    Organisations,
    load_corpus,
    load_shared,
    locate_problems,
)
from pav_graph.load.evidence import (
    DEPARTURE,
    Context,
    check_concept_ref,
    check_evidence,
    check_examples,
    check_own_evidence,
    is_departure,
    renamed,
)
from pav_graph.load.files import (
    FORMAT_DOC,
    check_schema,
    explain_schema_error,
    outside_corpus,
    parse_date,
    read_corpus_file,
    read_yaml,
)
from pav_graph.load.sources import NOTE_KEYS, isbn_ok, load_sources

__all__ = [
    "DEPARTURE", "FORMAT_DOC", "NOTE_KEYS", "CaseFiles", "Context", "Organisations",
    "check_concept_ref", "check_evidence", "check_examples", "check_own_evidence", "check_schema",
    "explain_schema_error",     "is_departure", "isbn_ok", "load_case", "load_composites", "load_concepts", "load_corpus",
    "load_shared", "load_sources", "locate_problems", "outside_corpus", "parse_date",
    "qualifiers", "read_corpus_file", "read_yaml", "renamed",
]
