"""What prompts, completion and checks of new evidence need to know about the vocabulary:
sources and concepts by id, the organisations and case ids the corpus already has."""

from __future__ import annotations

from dataclasses import dataclass, field

from pav_graph import yamlio
from pav_graph.contrib.errors import ContribError
from pav_graph.model import Concept, Source
from pav_graph.problems import Problems, did_you_mean
from pav_graph.project import Project


@dataclass
class Vocabulary:
    """Sources and concepts as ids, labels and texts — what prompts, completion and checks of
    new evidence need (concept quotes are not re-checked here: `validate` does that)."""

    sources: dict[str, Source]
    concepts: dict[str, Concept]
    problems: Problems = field(default_factory=Problems)
    deprecated: dict[str, Concept] = field(default_factory=dict)  # merged or renamed ids

    @classmethod
    def load(cls, project: Project) -> Vocabulary:
        from pav_graph.load import load_concepts, load_sources

        problems = Problems()
        sources = load_sources(project, problems)
        deprecated: dict[str, Concept] = {}
        concepts = load_concepts(project, sources, problems, check_quotes=False, deprecated=deprecated)
        return cls(sources, concepts, problems, deprecated)

    def of_kind(self, *kinds: str) -> list[Concept]:
        return sorted((c for c in self.concepts.values() if c.kind in kinds), key=lambda c: c.id)

    def concept(self, cid: str, kinds: tuple[str, ...] = (), flag: str = "--concept") -> Concept:
        c = self.concepts.get(cid)
        what = " or ".join(k.replace("-", " ") for k in kinds) if kinds else "concept"
        pool = [x.id for x in self.concepts.values() if not kinds or x.kind in kinds]
        if c is None and cid in self.deprecated:
            from pav_graph.model import successor

            new = successor(self.deprecated, cid)
            raise ContribError(f"{flag} {cid!r} was renamed to {new!r} (the old id is deprecated)",
                               f"use {flag} {new}", usage=True)
        if c is None:
            raise ContribError(f"{flag} {cid!r}: unknown {what}",
                               did_you_mean(cid, pool, "concept id")
                               + " — or propose it with `pav-graph concept add`", usage=True)
        if kinds and c.kind not in kinds:
            raise ContribError(f"{flag} {cid!r} is a {c.kind}, not a {what}",
                               did_you_mean(cid, pool, "concept id"), usage=True)
        return c

    def source(self, sid: str) -> Source:
        s = self.sources.get(sid)
        if s is None:
            raise ContribError(f"--source {sid!r}: unknown source",
                               did_you_mean(sid, self.sources, "source id")
                               + " — or register it with `pav-graph source add`", usage=True)
        return s


def known_organisations(project: Project) -> dict[str, tuple[str, str]]:
    """Organisation id → (name, level) as the existing cases write them."""
    orgs: dict[str, tuple[str, str]] = {}
    for path in sorted(project.cases_dir.glob("*.yaml")):
        try:
            data = yamlio.load(path)
        except (yamlio.YamlError, OSError):
            continue
        for org in (data or {}).get("organisations") or [] if isinstance(data, dict) else []:
            if isinstance(org, dict) and org.get("id"):
                orgs.setdefault(org["id"], (str(org.get("name")), str(org.get("level"))))
    return orgs


def case_ids(project: Project) -> list[str]:
    return sorted(p.stem for p in project.cases_dir.glob("*.yaml"))

