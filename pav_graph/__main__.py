"""``python -m pav_graph`` runs the CLI."""

from pav_graph.cli.main import main

main()
