"""Mechanisms: causal claims between concepts, their feedback loops and chains, and the cases
that show them.

- :mod:`.model` — a mechanism link (a claim with sign, modality and level) and its stable id;
- :mod:`.load` — reading and checking ``ontology/mechanisms.yaml``;
- :mod:`.graph` — edges, loops (R/B) and chains with networkx;
- :mod:`.cases` — which links, loops and chains a case's own claims show, and what is missing;
- :mod:`.rdf` — the links, edges and loops as triples;
- :mod:`.report` — ``pav-graph mechanisms`` and ``pav-graph explain CASE`` as text and JSON.
"""
