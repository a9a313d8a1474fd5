"""pav-graph: a knowledge graph of Dutch political–administrative relations.

Data flows one way: ``cases/*.yaml`` + ``ontology/`` → validated model (:mod:`pav_graph.model`)
→ RDF (:mod:`pav_graph.rdf`) → embedded store (:mod:`pav_graph.store`) → queries, analytics,
pages and exports.
"""

__version__ = "0.1.0"
