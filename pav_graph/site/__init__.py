"""The journalists' static website: ``pav-graph site OUTDIR``.

:mod:`pav_graph.site.data` reads what the pages show from the built store,
:mod:`pav_graph.site.graphs` lays out the interactive graphs, :mod:`pav_graph.site.search` makes
the client-side search index, and :mod:`pav_graph.site.build` renders the pages (jinja2 templates
in ``templates/``, scripts and styles in ``static/``).
"""

from pav_graph.site.build import SiteError, SiteResult, build_site

__all__ = ["SiteError", "SiteResult", "build_site"]
