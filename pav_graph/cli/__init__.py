"""The command-line interface: a thin layer over the library (see :mod:`pav_graph.cli.main`)."""
