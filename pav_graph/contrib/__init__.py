"""Contributing to the corpus without losing anything: add, replace, edit and remove cases,
register sources and propose concepts.

Every change to ``cases/``, ``sources/`` or ``ontology/concepts/`` happens while holding an
exclusive lock on ``cases/.lock`` (:mod:`.lock`), so two contributors' commands never
interleave their check-and-write. Files are written atomically (temporary file, fsync, rename)
and validated *before* they replace anything; a failure — a problem, a failing build, Ctrl-C —
restores what was there.

One module per verb: :mod:`.cases` (resolve, validate, edit, place, remove case files),
:mod:`.sources` (register a source), :mod:`.concepts` (propose a concept), with
:mod:`.evidence` (find a quote's lines), :mod:`.vocabulary` and :mod:`.lock` underneath.
The names below are the public surface; import them from ``pav_graph.contrib``.
"""

from pav_graph.contrib.cases import (
    Placed,
    edit_case,
    in_cases_dir,
    place_case,
    remove_case,
    resolve_case,
    validate_case_text,
)
from pav_graph.contrib.concepts import CONTRIBUTED, NewConcept, add_concept, similar_concepts
from pav_graph.contrib.errors import ID_RE, ContribError
from pav_graph.contrib.evidence import Located, locate, locate_quote
from pav_graph.contrib.lock import BACKUP_DIR, LOCK_NAME, STALE_TEMP_SECONDS, corpus_lock
from pav_graph.contrib.sources import SourceMeta, register_source, source_yaml
from pav_graph.contrib.vocabulary import Vocabulary, case_ids, known_organisations

__all__ = [
    "BACKUP_DIR", "CONTRIBUTED", "ID_RE", "LOCK_NAME", "STALE_TEMP_SECONDS", "ContribError",
    "Located", "NewConcept", "Placed", "SourceMeta", "Vocabulary", "add_concept", "case_ids", "corpus_lock",
    "edit_case", "in_cases_dir", "known_organisations", "locate", "locate_quote", "place_case",
    "register_source", "remove_case", "resolve_case", "similar_concepts", "source_yaml",
    "validate_case_text",
]
