"""``pav-graph serve``: a read-only SPARQL 1.1 Protocol endpoint over the built store.

The package keeps the HTTP layer apart from what it delegates, so each part stays small:

* :mod:`~pav_graph.endpoint.server` — the HTTP handler, paths and settings;
* :mod:`~pav_graph.endpoint.protocol` — request checks (read-only, media types) and negotiation;
* :mod:`~pav_graph.endpoint.workers` — the worker processes that run queries with a time limit;
* :mod:`~pav_graph.endpoint.results` — executing one query and serialising its answer;
* :mod:`~pav_graph.endpoint.pages` — the ``/query`` page, its examples and static files.
"""
