"""Where the corpus lives: the project directory with cases/, ontology/ and sources/.

The location comes from ``--corpus DIR``, else ``$PAV_GRAPH_CORPUS``, else the nearest
directory at or above the current one that holds ``ontology/pav-graph.ttl`` and ``cases/``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENV_VAR = "PAV_GRAPH_CORPUS"


class ProjectNotFound(Exception):
    """No corpus directory could be found; the message says how to point at one."""


@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def cases_dir(self) -> Path:
        return self.root / "cases"

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def concepts_dir(self) -> Path:
        return self.ontology_dir / "concepts"

    @property
    def sources_dir(self) -> Path:
        return self.root / "sources"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def build_dir(self) -> Path:
        return Path(os.environ.get("PAV_GRAPH_BUILD", self.root / "build"))

    @staticmethod
    def is_project(path: Path) -> bool:
        return (path / "ontology" / "pav-graph.ttl").is_file() and (path / "cases").is_dir()

    @classmethod
    def find(cls, corpus: str | os.PathLike | None = None, cwd: Path | None = None) -> Project:
        """Locate the project: explicit path, then the environment variable, then upwards."""
        explicit = corpus or os.environ.get(ENV_VAR)
        if explicit:
            root = Path(explicit).expanduser().resolve()
            if not cls.is_project(root):
                origin = "--corpus" if corpus else f"${ENV_VAR}"
                raise ProjectNotFound(
                    f"{root}: not a pav-graph corpus (given by {origin}) — it needs "
                    "ontology/pav-graph.ttl and a cases/ directory"
                )
            return cls(root)
        here = (cwd or Path.cwd()).resolve()
        for candidate in (here, *here.parents):
            if cls.is_project(candidate):
                return cls(candidate)
        raise ProjectNotFound(
            f"no pav-graph corpus at or above {here} — run inside a clone of pav-graph, "
            f"or pass --corpus DIR, or set {ENV_VAR}"
        )
