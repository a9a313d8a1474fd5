"""Proposing a concept: near-duplicate detection and the append to contributed.yaml."""

from __future__ import annotations

import difflib
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pav_graph import atomic, casefile, yamlio
from pav_graph.contrib.errors import ID_RE, ContribError
from pav_graph.contrib.evidence import locate_quote
from pav_graph.contrib.lock import corpus_lock
from pav_graph.contrib.vocabulary import Vocabulary
from pav_graph.model import Concept
from pav_graph.problems import Problems
from pav_graph.project import Project
from pav_graph.sourcetext import parse_lines

CONTRIBUTED = "contributed.yaml"


def _squash(text: str) -> str:
    return re.sub(r"[\s\-_‐–]+", "", text.casefold())


def similar_concepts(vocab: Vocabulary, cid: str, labels: list[str],
                     cutoff: float = 0.85) -> list[tuple[Concept, str]]:
    """Existing concepts a new one probably duplicates, each with the reason."""
    found = []
    for c in vocab.concepts.values():
        theirs = [c.label.get("nl", ""), c.label.get("en", ""),
                  *(c.alt_labels.get("nl") or []), *(c.alt_labels.get("en") or [])]
        reason = None
        for mine in [cid, *labels]:
            for other in [c.id, *theirs]:
                if other and _squash(mine) == _squash(other):
                    reason = f"'{mine}' equals '{other}' apart from case, spaces or hyphens"
                    break
            if reason:
                break
        if not reason:
            score = difflib.SequenceMatcher(None, cid, c.id).ratio()
            if score >= cutoff:
                reason = f"id '{cid}' is {score:.0%} like '{c.id}'"
        if not reason:
            for mine in labels:
                for other in theirs:
                    score = difflib.SequenceMatcher(None, mine.casefold(), other.casefold()).ratio()
                    if other and score >= cutoff:
                        reason = f"label '{mine}' is {score:.0%} like '{other}'"
                        break
                if reason:
                    break
        if reason:
            found.append((c, reason))
    return found


@dataclass
class NewConcept:
    id: str
    kind: str
    label_nl: str
    label_en: str
    definition_nl: str
    definition_en: str
    source: str
    lines: str
    quote: str | None = None
    broader: tuple[str, ...] = ()
    related: tuple[str, ...] = ()


def add_concept(project: Project, new: NewConcept, force: bool = False) -> tuple[Path, str]:
    """Append a concept to ontology/concepts/contributed.yaml; returns (file, locator)."""
    from pav_graph.load import check_schema

    if not ID_RE.match(new.id):
        raise ContribError(f"--id {new.id!r} is not a valid id",
                           f"use lower-case letters, digits and '-', e.g. '{casefile.slug(new.id)}'",
                           usage=True)
    path = project.concepts_dir / CONTRIBUTED
    with corpus_lock(project):
        vocab = Vocabulary.load(project)
        if new.id in vocab.deprecated:
            raise ContribError(f"concept id {new.id!r} was used before and is deprecated (replaced "
                               f"by {vocab.deprecated[new.id].replaced_by!r}); ids are never reused",
                               "choose another --id")
        if new.id in vocab.concepts:
            where = vocab.concepts[new.id].path
            raise ContribError(f"concept {new.id!r} already exists"
                               f" ({where.name if where else '?'})",
                               "use it in your case, or choose another --id")
        similar = similar_concepts(vocab, new.id, [new.label_nl, new.label_en])
        if similar and not force:
            c, why = similar[0]
            more = f" (and {len(similar) - 1} more)" if len(similar) > 1 else ""
            raise ContribError(f"concept {new.id!r} is similar to {c.id!r} "
                               f"({c.label.get('nl')} / {c.label.get('en')}): {why}{more}",
                               f"use {c.id!r}, or pass --force if it really is another concept")
        source = vocab.source(new.source)
        if new.quote:
            first, last = locate_quote(source, new.quote, new.lines)
        else:
            parsed = parse_lines(new.lines)
            if parsed is None:
                raise ContribError(f"--lines {new.lines!r} is not a line number or range",
                                   "write e.g. 12 or 12-15", usage=True)
            n = len(source.text.lines)
            if parsed[1] > n:
                raise ContribError(f"--lines {new.lines}: {source.id!r} has only {n} lines",
                                   "check the line numbers in the source text", usage=True)
            first, last = parsed
        for rel, ids in (("broader", new.broader), ("related", new.related)):
            for target in ids:
                vocab.concept(target, flag=f"--{rel}")

        from ruamel.yaml.comments import CommentedMap, CommentedSeq
        from ruamel.yaml.scalarstring import DoubleQuotedScalarString as DQ

        item = CommentedMap()
        item["id"], item["kind"] = new.id, new.kind
        item["label"] = casefile.lang_text(new.label_nl, new.label_en)
        definition = CommentedMap()
        definition["nl"], definition["en"] = DQ(new.definition_nl), DQ(new.definition_en)
        item["definition"] = definition
        item["source"] = new.source
        item["lines"] = casefile.lines_value(first, last)
        if new.quote:
            item["quote"] = DQ(new.quote)
        for rel, ids in (("broader", new.broader), ("related", new.related)):
            if ids:
                seq = CommentedSeq(list(ids))
                seq.fa.set_flow_style()
                item[rel] = seq
        before = yamlio.read_text(path) if path.exists() else (
            "# Concepts proposed by contributors with `pav-graph concept add`.\n"
            "# Same format as the other files here (docs/case-format.md, \"Concept files\");\n"
            "# definitions are in the contributor's own words, with the passage they rest on.\n"
            "concepts:\n")
        after = casefile.append(before, ("concepts",), item)
        problems = Problems()
        check_schema(path, _load_str(after), "concept", problems)
        if problems:
            p = problems.items[0]
            raise ContribError(f"{p.message}", p.fix, usage=True)
        atomic.write_text(path, after)
    return path, str(casefile.lines_value(first, last))


def _load_str(text: str):
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "x.yaml"
        p.write_text(text, encoding="utf-8")
        return yamlio.load(p)
