"""Entry point of the ``pav-graph`` command.

Subcommands are imported lazily (only the one that runs is loaded), so ``pav-graph --help``
stays fast: rdflib, owlready2 and pyoxigraph are only imported by the commands that need them.
Each entry of :data:`COMMANDS` maps a command name to ``module:attribute`` of a click command.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

COMMANDS: dict[str, tuple[str, str]] = {
    # name: (module:attribute, one-line help shown in `pav-graph --help`)
    "build": ("pav_graph.cli.core:build", "Build the graph from cases/ and ontology/."),
    "validate": ("pav_graph.cli.core:validate", "Check case and concept files; report all problems."),
    "case": ("pav_graph.cli.case:case", "Contributors: new, validate, add, add-finding, list, remove cases."),
    "source": ("pav_graph.cli.vocab:source", "Register a source document (source add)."),
    "concept": ("pav_graph.cli.vocab:concept", "Propose a new concept for the vocabulary (concept add)."),
    "cases": ("pav_graph.cli.core:cases", "List cases, optionally those linked to concepts."),
    "concepts": ("pav_graph.cli.core:concepts", "List the concepts of the vocabulary."),
    "show": ("pav_graph.cli.core:show", "Show one case with its evidence."),
    "queries": ("pav_graph.cli.query:queries", "List the named queries of the query library."),
    "query": ("pav_graph.cli.query:query", "Run a named query or a .rq file."),
    "cookbook": ("pav_graph.cli.cookbook:cookbook", "Regenerate docs/query-cookbook.md from the query library."),
    "docs": ("pav_graph.cli.docs:docs", "Regenerate docs/cases.md and docs/ontology-reference.md."),
    "serve": ("pav_graph.cli.serve:serve", "Serve a read-only SPARQL endpoint and the site."),
    "push": ("pav_graph.cli.push:push", "Upload the graph to a triple store (Graph Store Protocol)."),
    "site": ("pav_graph.cli.site:site", "Write the browsable static site (offline, nl/en)."),
    "export": ("pav_graph.cli.export:export", "Export the graph: RDF, GraphML/GEXF, CSV tables, FtM."),
    "patterns": ("pav_graph.cli.patterns:patterns", "Recurring patterns: reasoner matches and recurring risk factors."),
    "explain": ("pav_graph.cli.patterns:explain", "The mechanisms a case shows, or why it matches a composite pattern."),
    "mechanisms": ("pav_graph.cli.mechanisms:mechanisms", "Causal links of the sources: feedback loops, chains and the cases that show them."),
    "similar": ("pav_graph.cli.analyse:similar", "Cases most similar to a case (shared concepts)."),
    "analyse": ("pav_graph.cli.analyse:analyse", "Network report: co-occurrence, centrality, communities."),
    "export-network": ("pav_graph.cli.analyse:export_network", "Write the case–concept network as GraphML or GEXF."),
    "check": ("pav_graph.cli.check:check", "Quality gate: SHACL, reasoner and ontology rules."),
    "stats": ("pav_graph.cli.check:stats", "Counts of cases, concepts and quotes; thin spots."),
}


class LazyGroup(click.Group):
    """A click group that imports a subcommand's module only when it is invoked."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        target, _ = COMMANDS[name]
        module_name, attr = target.split(":")
        return getattr(importlib.import_module(module_name), attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--corpus",
    type=click.Path(file_okay=False, path_type=str),
    envvar="PAV_GRAPH_CORPUS",
    help="Project directory holding cases/, ontology/ and sources/ "
    "(default: $PAV_GRAPH_CORPUS, else the project around the current directory).",
)
@click.version_option(package_name="pav-graph")
@click.pass_context
def cli(ctx: click.Context, corpus: str | None) -> None:
    """pav-graph: a knowledge graph of Dutch political–administrative relations.

    \b
    Examples:
      pav-graph build
      pav-graph cases --with "onveilige meldcultuur"
      pav-graph show maastricht-2025
      pav-graph site site/
    """
    ctx.obj = {"corpus": corpus}


def main() -> None:
    """Run the CLI. A broken pipe (``| head``) exits quietly; a bug prints one line, not a
    traceback (set PAV_GRAPH_DEBUG=1 to see it). Ctrl-C, SIGTERM and SIGHUP unwind (so what a
    command changed is restored), stop the child processes, say so and exit 130/143/129
    (:mod:`pav_graph.signals`)."""
    from pav_graph import signals

    signals.install()
    try:
        try:
            code = cli.main(prog_name="pav-graph", standalone_mode=False)
        except click.exceptions.Abort as exc:
            if isinstance(exc.__cause__ or exc.__context__, KeyboardInterrupt):
                raise KeyboardInterrupt from None
            if signals.received() is not None:
                _stopped(signals.received())
            click.echo("Aborted!", err=True)  # Ctrl-D at a prompt, a refused confirmation
            sys.exit(1)
        except click.ClickException as exc:
            if signals.received() is not None:  # e.g. a read cut off, reported as bad input
                _stopped(signals.received())
            exc.show()
            sys.exit(exc.exit_code)
        sys.exit(code if isinstance(code, int) else 0)
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
    except (KeyboardInterrupt, signals.Terminated) as exc:
        _stopped(getattr(exc, "signum", signals.received() or signals.signal.SIGINT))
    except OSError as exc:  # disk full, read-only, permissions: the machine, not a bug
        if signals.received() is not None:
            _stopped(signals.received())
        from pav_graph.cli.common import os_error

        os_error(exc, doing="read or write").show()
        sys.exit(1)
    except Exception as exc:  # a bug: say so in one line, keep the traceback for debugging
        if signals.received() is not None:  # the stop, wrapped by the code it interrupted
            _stopped(signals.received())
        if os.environ.get("PAV_GRAPH_DEBUG"):
            raise
        click.echo(f"internal error: {type(exc).__name__}: {exc} — please report it "
                   "(run with PAV_GRAPH_DEBUG=1 for the traceback)", err=True)
        sys.exit(70)


def _stopped(signum: int) -> None:
    """Stop the child processes, say what stopped us and exit 128 + the signal number."""
    from pav_graph import signals

    signals.stop_children()
    click.echo(f"{signals.NAMES[signum]} — stopped; what this command had changed was put "
               "back (or it had finished)", err=True)
    sys.exit(signals.exit_code(signum))
