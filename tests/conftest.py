"""Shared fixtures: the real corpus, a session build of it, and a CLI runner.

Tests never write into the working tree: builds go to a temporary directory through
``PAV_GRAPH_BUILD`` and fixtures that change files work on a copy of the corpus.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def project():
    from pav_graph.project import Project

    return Project(ROOT)


@pytest.fixture(scope="session", autouse=True)
def session_build_dir(tmp_path_factory) -> Path:
    """Every test session builds into its own directory, never into the checkout's build/."""
    path = tmp_path_factory.mktemp("build")
    old = os.environ.get("PAV_GRAPH_BUILD")
    os.environ["PAV_GRAPH_BUILD"] = str(path)
    yield path
    if old is None:
        os.environ.pop("PAV_GRAPH_BUILD", None)
    else:
        os.environ["PAV_GRAPH_BUILD"] = old


@pytest.fixture(scope="session")
def corpus(project):
    """The real corpus, loaded and validated (fails loudly if the corpus is invalid)."""
    from pav_graph.load import load_corpus

    corpus, problems = load_corpus(project)
    assert not problems, "\n".join(p.format(project.root) for p in problems)
    return corpus


@pytest.fixture(scope="session")
def built(project, session_build_dir):
    """The real corpus built once per session (SHACL + reasoner); returns the BuildResult."""
    from pav_graph.build import build

    return build(project)


@pytest.fixture(scope="session")
def store(built):
    import pyoxigraph as ox

    return ox.Store.read_only(str(built.directory / "store"))


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture()
def cli():
    from pav_graph.cli.main import cli as root

    return root


@pytest.fixture()
def corpus_copy(tmp_path, project_root) -> Path:
    """A writable copy of the corpus (cases, ontology, sources, queries) in tmp_path."""
    dest = tmp_path / "corpus"
    for name in ("cases", "ontology", "sources", "queries"):
        src = project_root / name
        if src.exists():
            shutil.copytree(src, dest / name)
    return dest


@pytest.fixture()
def own_build_dir(tmp_path, monkeypatch):
    """This test builds into its own directory (contributor commands rebuild the graph); a
    module opts in with ``pytestmark = pytest.mark.usefixtures("own_build_dir")``."""
    monkeypatch.setenv("PAV_GRAPH_BUILD", str(tmp_path / "build"))
    monkeypatch.delenv("PAV_GRAPH_CORPUS", raising=False)


@pytest.fixture()
def run(runner, cli, corpus_copy):
    """``run("case", "add", ...)``: the CLI on a writable copy of the corpus."""
    def invoke(*args, input=None):
        return runner.invoke(cli, ["--corpus", str(corpus_copy), *map(str, args)], input=input)
    return invoke


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory, session_build_dir):
    """A real Virtuoso 7 on loopback (tests/virtuoso_server.py), started once per session; its
    bulk loader may read the session's build directory."""
    from virtuoso_server import virtuoso_server

    directory = tmp_path_factory.mktemp("virtuoso")
    with open(directory.parent / f"{directory.name}.log", "wb") as log, \
            virtuoso_server(directory / "db", log, allowed=[session_build_dir]) as server:
        yield server
