"""The vocabulary: concept files and the composite patterns defined over them."""

from __future__ import annotations

from pav_graph import yamlio
from pav_graph.load.evidence import Context, check_examples, check_own_evidence, renamed
from pav_graph.load.files import check_schema, read_corpus_file, read_yaml
from pav_graph.model import (
    CompositePattern,
    Concept,
    Source,
)
from pav_graph.problems import Problems, did_you_mean
from pav_graph.project import Project
from pav_graph.sourcetext import parse_lines


def load_concepts(project: Project, sources: dict[str, Source], problems: Problems,
                  check_quotes: bool = True,
                  deprecated: dict[str, Concept] | None = None) -> dict[str, Concept]:
    """The live concepts; deprecated ones (with ``replaced_by``) are checked like the others
    and put into ``deprecated`` (when given), never among the live concepts."""
    concepts: dict[str, Concept] = {}
    deprecated = {} if deprecated is None else deprecated
    ctx = Context(sources, {}, check_quotes)
    for path in sorted(project.concepts_dir.glob("*.yaml")):
        data = read_corpus_file(project, path, "concept", problems)
        if data is None:
            continue
        for i, item in enumerate(data["concepts"]):
            cid = item["id"]
            if cid in concepts or cid in deprecated:
                other = (concepts.get(cid) or deprecated[cid]).path
                problems.add(path, f"duplicate concept id {cid!r} (also in {other.name if other else '?'})",
                             "reuse the existing concept or choose another id", path=("concepts", i, "id"))
                continue
            ev = {"source": item["source"], "lines": item["lines"], "quote": item.get("quote")}
            if ev["quote"] is not None:
                if not check_own_evidence(path, ev, ("concepts", i), ctx, problems):
                    continue
            elif item["source"] not in sources:
                problems.add(path, f"unknown source {item['source']!r}",
                             did_you_mean(item["source"], sources, "source id"),
                             path=("concepts", i, "source"))
                continue
            first, last = parse_lines(item["lines"]) or (0, 0)
            if not first:
                problems.add(path, f"invalid line locator {item['lines']!r}",
                             "write a line number or a range like '12-15'", path=("concepts", i, "lines"))
                continue
            examples = check_examples(path, item.get("examples") or [], ("concepts", i, "examples"),
                                      ctx, problems)
            concept = Concept(
                id=cid, kind=item["kind"], label=item["label"], definition=item["definition"],
                source=item["source"], first_line=first, last_line=last,
                alt_labels=item.get("alt_labels") or {}, quote=item.get("quote"),
                broader=list(item.get("broader") or []), related=list(item.get("related") or []),
                examples=examples, path=path, replaced_by=item.get("replaced_by"),
                history_note=item.get("history_note"),
            )
            if concept.deprecated:
                for key in ("broader", "related"):
                    if item.get(key):
                        problems.add(path, f"{cid}: a deprecated concept keeps no {key} links",
                                     f"remove `{key}:` (its successor {concept.replaced_by!r} has them)",
                                     path=("concepts", i, key))
            (deprecated if concept.deprecated else concepts)[cid] = concept
    # links between concepts, once all are known
    ctx.concepts = concepts
    for concept in deprecated.values():
        if concept.replaced_by not in concepts:
            where = _concept_path(concept, "replaced_by")
            if concept.replaced_by in deprecated:
                renamed(concept.path, concept.replaced_by, deprecated, where, problems,
                        f"{concept.id}: replaced_by concept")
            else:
                problems.add(concept.path, f"{concept.id}: unknown replaced_by concept "
                             f"{concept.replaced_by!r}",
                             did_you_mean(concept.replaced_by, concepts, "concept id"), path=where)
    for concept in concepts.values():
        for rel in ("broader", "related"):
            for j, target in enumerate(getattr(concept, rel)):
                if target in deprecated:
                    renamed(concept.path, target, deprecated, _concept_path(concept, rel, j),
                            problems, f"{concept.id}: {rel} concept")
                elif target not in concepts:
                    problems.add(concept.path, f"{concept.id}: unknown {rel} concept {target!r}",
                                 did_you_mean(target, concepts, "concept id"),
                                 path=_concept_path(concept, rel, j))
    return concepts


def _concept_path(concept: Concept, key: str, index: int | None = None) -> tuple:
    data = yamlio.load(concept.path)
    for i, item in enumerate(data["concepts"]):
        if item.get("id") == concept.id:
            return ("concepts", i, key) if index is None else ("concepts", i, key, index)
    return ()


def load_composites(project: Project, sources: dict[str, Source], concepts: dict[str, Concept],
                    problems: Problems,
                    deprecated: dict[str, Concept] | None = None) -> dict[str, CompositePattern]:
    path = project.ontology_dir / "composite-patterns.yaml"
    if not path.exists():
        return {}
    data = read_yaml(path, problems)
    if data is None or not check_schema(path, data, "composite", problems):
        return {}
    result = {}
    ctx = Context(sources, concepts)
    for i, item in enumerate(data["composite_patterns"]):
        ok = True
        if item.get("quote") and item.get("source") and item.get("lines"):
            ev = {"source": item["source"], "lines": item["lines"], "quote": item["quote"]}
            check_own_evidence(path, ev, ("composite_patterns", i), ctx, problems)
        if item["id"] not in concepts:
            problems.add(path, f"composite pattern {item['id']!r} has no concept",
                         "add it as a concept of kind 'pattern' in ontology/concepts/",
                         path=("composite_patterns", i, "id"))
            ok = False
        for j, part in enumerate(item["all_of"]):
            if part in (deprecated or {}):
                renamed(path, part, deprecated, ("composite_patterns", i, "all_of", j), problems)
                ok = False
            elif part not in concepts:
                problems.add(path, f"unknown concept {part!r} in all_of",
                             did_you_mean(part, concepts, "concept id"),
                             path=("composite_patterns", i, "all_of", j))
                ok = False
        if ok:
            result[item["id"]] = CompositePattern(item["id"], list(item["all_of"]),
                                                  item.get("label") or concepts[item["id"]].label,
                                                  item.get("definition") or {}, item.get("source"))
    return result
