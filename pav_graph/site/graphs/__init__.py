"""The interactive graphs of the site, as data for vis-network, laid out in advance.

* :mod:`.corpus` — the graph page: the pattern map (patterns and risk factors by number of
  cases, linked by co-occurrence) and the map of roles and their typed relations;
* :mod:`.ego` — a case's concepts by kind and its actors by organisation; a concept's
  neighbourhood;
* :mod:`.panel` — what the graph page's side panel shows for a node (cases, quotes, counts);
* :mod:`.layout` — label boxes and the overlap removal that keeps every label free;
* :mod:`.shapes` — one SVG shape per kind, one line style per kind of edge.
"""

from __future__ import annotations

from pav_graph.site.graphs import shapes
from pav_graph.site.graphs.corpus import pattern_map, relation_index, role_map
from pav_graph.site.graphs.ego import case_actors, case_ego, concept_ego
from pav_graph.site.graphs.panel import panel_data
from pav_graph.site.graphs.shapes import KIND_STYLE

__all__ = ["KIND_STYLE", "case_actors", "case_ego", "case_views", "concept_ego", "concept_views",
           "corpus_graph", "panel_data", "pattern_map", "relation_index", "role_map", "styles"]


def styles(data) -> list[dict]:
    """Legend rows of every kind (shape, colour, plural label)."""
    return shapes.styles(data.kinds)


def corpus_graph(data) -> dict:
    """The graph page's opening view (also the embeddable corpus graph)."""
    return pattern_map(data)


def case_views(data, case_id: str, concepts: dict | None = None) -> list[dict]:
    """The views of a case page: its concepts, and its actors when it has any."""
    views = [{"id": "ego", "tab": {"nl": "Begrippen", "en": "Concepts"},
              "caption": {"nl": "De casus met zijn begrippen per soort, zijn bronnen en de "
                                "vergelijkbare casussen.",
                          "en": "The case with its concepts by kind, its sources and similar "
                                "cases."},
              "graph": concepts or case_ego(data, case_id)}]
    actors = case_actors(data, case_id)
    if actors:
        views.append({"id": "actors", "tab": {"nl": "Actoren en relaties",
                                              "en": "Actors and relations"},
                      "caption": {"nl": "De actoren, naar hun rol, per organisatie; de relaties "
                                        "tussen hen met hun soort (van → naar).",
                                  "en": "The actors, by their role, per organisation; the "
                                        "relations between them with their type (from → to)."},
                      "graph": actors})
    return views


def concept_views(graph: dict) -> list[dict]:
    return [{"id": "ego", "tab": {"nl": "Begrip", "en": "Concept"},
             "caption": {"nl": "Het begrip met verwante begrippen en de casussen waarin het "
                               "voorkomt.",
                         "en": "The concept with related concepts and the cases in which it "
                               "occurs."},
             "graph": graph}]
