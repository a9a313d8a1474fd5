"""The independent SKOS validator of the tests: skosify (National Library of Finland, PyPI).

skosify's checks are run as its own command line runs them, on an rdflib graph, and every
warning it logs is collected. It checks W3C SKOS integrity conditions S13 (label overlap),
S14 (one prefLabel per language) and S27 (related disjoint with broaderTransitive), and two
quality conditions: hierarchy cycles and redundant broader links. It does not check S9, S37 or
S46; ``pav-graph check`` does (ontology/checks/skos-*.rq).

skosify 2.3.0's ``preflabel_uniqueness(policy='all')`` checks nothing (it rejects its own
default policy as unknown and returns), so S14 is run with policy 'shortest', which logs each
resource with two prefLabels in one language (and moves the longer one in the copy it works on).
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from pathlib import Path

import rdflib


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def collected_warnings():
    """Every WARNING (or worse) skosify logs (it logs through the root logger)."""
    root = logging.getLogger()
    handler, level = _Collect(), root.level
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    try:
        yield handler.messages
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def load(source) -> rdflib.Graph:
    """An rdflib graph from a path (N-Triples or Turtle by ending) or from N-Triples bytes."""
    graph = rdflib.Graph()
    if isinstance(source, (str, Path)):
        fmt = "nt" if str(source).endswith(".nt") else "turtle"
        graph.parse(str(source), format=fmt)
    else:
        graph.parse(data=source.decode("utf-8"), format="nt")
    return graph


def skosify_checks(graph: rdflib.Graph) -> list[str]:
    """skosify's hierarchy and label checks, each on its own copy of ``graph`` (the S14 check
    moves labels, which would hide an S13 overlap from the next); their warnings (empty: clean)."""
    from skosify import check

    checks = [
        lambda g: check.hierarchy_cycles(g, fix=False),
        lambda g: check.disjoint_relations(g, fix=False),
        lambda g: check.hierarchical_redundancy(g, fix=False),
        lambda g: check.preflabel_uniqueness(g, policy="shortest"),
        lambda g: check.label_overlap(g, fix=False),
    ]
    messages: list[str] = []
    for run in checks:
        copy = rdflib.Graph()
        for triple in graph:
            copy.add(triple)
        with collected_warnings() as found:
            run(copy)
        messages += found
    return messages


def skosify_full(path: Path) -> tuple[rdflib.Graph, list[str]]:
    """The whole skosify pipeline (parse, infer, enrich, clean up, check) on a SKOS file, as
    ``skosify FILE`` runs it but without fixing anything; the result and its warnings."""
    import skosify

    with collected_warnings() as messages:
        result = skosify.skosify(str(path), from_format="turtle", keep_related=True,
                                 break_cycles=False, eliminate_redundancy=False,
                                 preflabel_policy="shortest", cleanup_unreachable=False)
    return result, list(messages)
