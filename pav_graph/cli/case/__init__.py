"""`pav-graph case ...`: the contributor's commands (new, validate, add, add-finding, ...).

The commands are thin: the file logic is in :mod:`pav_graph.casefile` (writing and editing YAML
without disturbing what is there) and :mod:`pav_graph.contrib` (validation, locking, atomic
placement). A refused change prints one line with the fix and exits 1 (2 for a wrong argument).

One module per kind of verb: :mod:`.new` (case new), :mod:`.files` (validate, add, list, show,
remove: whole files), :mod:`.items` (add-*: items inside a file), :mod:`.edit` (edit-finding, remove-item); :mod:`.shared` holds
reporting, completion and prompts.
"""

from pav_graph.cli.case import edit, files, items, new, suggest  # noqa: F401  (they register the commands)
from pav_graph.cli.case.group import case
from pav_graph.cli.case.shared import complete_case, complete_concept, complete_source, reported

__all__ = ["case", "complete_case", "complete_concept", "complete_source", "reported"]
