"""The `pav-graph case` command group (its commands live in the sibling modules)."""

from __future__ import annotations

import click


@click.group()
def case() -> None:
    """Create, check and add case files (casussen); edit them without losing anything.

    \b
    The corpus is taken from --corpus DIR, else $PAV_GRAPH_CORPUS, else the pav-graph project
    around the current directory. Walk-through: docs/adding-a-case.md.

    \b
    Examples:
      pav-graph case new
      pav-graph case add-finding my-case.yaml --concept frame-lock --source essay-2025 \\
          --lines 47-50 --quote "Dit heeft geleid tot ‘frame-lock’"
      pav-graph case validate my-case.yaml
      pav-graph case add my-case.yaml
    """

