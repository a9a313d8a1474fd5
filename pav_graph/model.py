"""The validated in-memory model: sources, concepts, composite patterns and cases.

Everything downstream (RDF, analytics, pages) reads these dataclasses; they mirror the YAML
files one to one, so a contributor's file and the model never disagree about names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pav_graph.claims import Qualified, assign_keys
from pav_graph.sourcetext import SourceText

LangText = dict[str, str]  # {"nl": ..., "en": ...}
Note = LangText | str  # {"nl", "en"}; a plain string only in files written before notes were bilingual


@dataclass
class Source:
    id: str
    text_path: Path
    type: str
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    year: str | None = None
    publisher: str | None = None
    language: str = "nl"
    description: LangText = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)  # remarks on the metadata, {nl, en}
    path: Path | None = None
    url: str | None = None
    date: str | None = None
    doi: str | None = None  # as printed, e.g. 10.1000/xyz123 (shown as a https://doi.org/ link)
    isbn: str | None = None  # as printed; the loader checks the check digit
    quotes: str = "exact"  # "normalised": quotes may match under pav_graph.ingest.match's rules
    pages: int | None = None  # set for a source with pages: evidence may cite page + lines in it
    redactions: list = field(default_factory=list)  # pav_graph.privacy.Redaction

    @property
    def text(self) -> SourceText:
        return _source_text(self.text_path)

    @property
    def display(self) -> str:
        """A short citation, e.g. "essay-2025 (essay, 2025 or later)"."""
        who = ", ".join(self.authors) if self.authors else None
        bits = [b for b in (who, self.title, self.year) if b]
        return f"{self.id} ({'; '.join(bits)})" if bits else self.id


_TEXTS: dict[Path, SourceText] = {}


def _source_text(path: Path) -> SourceText:
    """One SourceText per file per process: its search index is built once."""
    if path not in _TEXTS:
        _TEXTS[path] = SourceText(path)
    return _TEXTS[path]


@dataclass
class Evidence:
    source: str
    first_line: int
    last_line: int
    quote: str
    lang: str = "nl"
    page: str | None = None
    page_lines: tuple[int, int] | None = None  # the lines as cited within `page` (paged sources)

    @property
    def locator(self) -> str:
        first, last = self.page_lines or (self.first_line, self.last_line)
        lines = f"regel {first}" if first == last else f"regels {first}–{last}"
        return f"p. {self.page}, {lines}" if self.page else lines


@dataclass
class Example(Evidence):
    """An illustration of a concept: a quoted practice example (often anonymous) that is too
    thin to be a case, with our own note on what it shows."""

    note: LangText | None = None


@dataclass
class Concept:
    id: str
    kind: str
    label: LangText
    definition: LangText
    source: str
    first_line: int
    last_line: int
    alt_labels: dict[str, list[str]] = field(default_factory=dict)
    quote: str | None = None
    broader: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    examples: list[Example] = field(default_factory=list)
    path: Path | None = None
    replaced_by: str | None = None  # set: the concept is deprecated, merged into / renamed to this id
    history_note: LangText | None = None

    @property
    def deprecated(self) -> bool:
        return self.replaced_by is not None

    @property
    def evidence(self) -> Evidence:
        return Evidence(self.source, self.first_line, self.last_line, self.quote or "")


@dataclass
class CompositePattern:
    id: str
    all_of: list[str]
    label: LangText = field(default_factory=dict)
    definition: LangText = field(default_factory=dict)
    source: str | None = None


@dataclass
class Organisation:
    id: str
    name: str
    level: str
    involvement: str = "setting"  # setting: the case takes place here; party: takes part from outside


@dataclass
class Actor:
    id: str
    role: str
    label: LangText
    organisation: str | None = None
    name: str | None = None
    anonymous: bool = False
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Finding(Qualified):
    concept: str
    evidence: list[Evidence]
    note: Note | None = None
    measure_value: float | None = None
    measure_unit: str | None = None


@dataclass
class Relation(Qualified):
    type: str
    source_actor: str
    target_actor: str
    evidence: list[Evidence]
    note: Note | None = None


@dataclass
class Intervention(Qualified):
    concept: str
    status: str
    evidence: list[Evidence]
    outcome: LangText | None = None
    note: Note | None = None


@dataclass
class Event(Qualified):
    label: LangText
    evidence: list[Evidence]
    date: str | None = None
    type: str | None = None
    actors: list[str] = field(default_factory=list)
    reason: LangText | None = None
    note: Note | None = None
    departing: list[str] = field(default_factory=list)  # actors who leave (pg:departingActor)


@dataclass
class Period:
    start: str | None = None
    end: str | None = None
    note: Note | None = None


CASE_KINDS = ("case", "mention", "illustration")


@dataclass
class Case:
    id: str
    label: LangText
    summary: LangText
    organisations: list[Organisation]
    period: Period = field(default_factory=Period)
    source_types: list[str] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    interventions: list[Intervention] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    path: Path | None = None
    kind: str = "case"  # case | mention | illustration (docs/annotation-guide.md § 8)

    def __post_init__(self) -> None:
        for kind, items in self.claim_groups():
            for item, key in zip(items, assign_keys(kind, items)):
                item.key = key

    def claim_groups(self) -> list[tuple[str, list]]:
        return [("finding", self.findings), ("relation", self.relations),
                ("intervention", self.interventions), ("event", self.events)]

    def claims(self) -> list[tuple[str, object]]:
        """Every claim of the case with its kind, in file order."""
        return [(kind, item) for kind, items in self.claim_groups() for item in items]

    def all_evidence(self) -> list[Evidence]:
        items = [e for a in self.actors for e in a.evidence]
        for group in (self.findings, self.relations, self.interventions, self.events):
            items.extend(e for x in group for e in x.evidence)
        return items

    def linked_concepts(self, standing: str = "counts") -> set[str]:
        """Concepts linked through a finding, actor role, relation type, intervention or event.

        ``standing`` picks the claims: ``counts`` (the default rule: stated, in the source's own
        words; actors' roles always count), ``possible`` (hedged or interpreted) or ``denied``.
        A concept that a counting claim links is never also reported as possible or denied.
        """
        def pick(want: str) -> set[str]:
            ids = {c for kind, item in self.claims() if item.standing == want
                   for c in [claim_concept(kind, item)] if c}
            if want == "counts":
                ids |= {a.role for a in self.actors}
            return ids

        counted = pick("counts")
        if standing == "counts":
            return counted
        return pick(standing) - counted

    @property
    def sources(self) -> list[str]:
        return sorted({e.source for e in self.all_evidence()})

    @property
    def levels(self) -> list[str]:
        """Levels of government of the organisations where the case takes place."""
        return sorted({o.level for o in self.organisations if o.involvement == "setting"})


def claim_concept(kind: str, item) -> str | None:
    """The concept a claim links its case to (an event may have no type)."""
    return item.type if kind in ("relation", "event") else item.concept


def text_in(note: Note | None, lang: str = "nl") -> str | None:
    """A note in one language: bilingual notes give that language, legacy strings as they are."""
    if note is None or isinstance(note, str):
        return note
    return note.get(lang) or note.get("nl") or note.get("en")


@dataclass
class Corpus:
    sources: dict[str, Source]
    concepts: dict[str, Concept]
    composites: dict[str, CompositePattern]
    cases: dict[str, Case]
    # merged or renamed concepts: kept (as owl:deprecated) so their IRIs stay resolvable, but no
    # case, link or composite may use them; not in `concepts`, so nothing downstream shows them
    deprecated: dict[str, Concept] = field(default_factory=dict)
    # causal claims between concepts (ontology/mechanisms.yaml; pav_graph.mechanisms)
    mechanisms: list = field(default_factory=list)

    def successor(self, concept_id: str) -> str | None:
        """The live concept a deprecated id was merged into or renamed to (following a chain)."""
        return successor(self.deprecated, concept_id)

    def concept_label(self, concept_id: str, lang: str = "nl") -> str:
        c = self.concepts.get(concept_id)
        return c.label.get(lang, concept_id) if c else concept_id


def successor(deprecated: dict[str, Concept], concept_id: str) -> str | None:
    """Follow ``replaced_by`` from a deprecated id to the first id that is not deprecated."""
    seen: set[str] = set()
    while concept_id in deprecated and concept_id not in seen:
        seen.add(concept_id)
        concept_id = deprecated[concept_id].replaced_by or concept_id
    return None if not seen or concept_id in deprecated else concept_id
