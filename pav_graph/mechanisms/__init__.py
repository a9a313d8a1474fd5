"""Mechanisms: causal claims between concepts, their feedback loops and chains, and the cases
that show them (docs/mechanisms.md).

- :mod:`.model` — a mechanism link (a claim with sign, modality and level) and its stable id;
- :mod:`.schema` — the JSON Schema of ``ontology/mechanisms.yaml``;
- :mod:`.load` — reading and checking ``ontology/mechanisms.yaml``;
- :mod:`.graph` — edges, loops (R/B) and chains with networkx;
- :mod:`.cases` — which links, loops and chains a case shows, what is missing, and the ranking;
- :mod:`.rdf` — the links, shortcuts and loops as triples; :mod:`.store` reads them back;
- :mod:`.report` — ``pav-graph mechanisms`` and ``pav-graph explain CASE`` as text and JSON;
- :mod:`.layout` and :mod:`.svg` — precomputed causal-loop-diagram layouts and drawings;
- :mod:`.sample` — the blind sample for a second coder and the agreement figures.
"""
