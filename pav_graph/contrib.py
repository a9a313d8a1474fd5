"""Contributing to the corpus without losing anything: add, replace, edit and remove cases,
register sources and propose concepts.

Every change to ``cases/``, ``sources/`` or ``ontology/concepts/`` happens while holding an
exclusive lock on ``cases/.lock`` (``fcntl.flock``; the kernel releases it when the process
dies, even by SIGKILL), so two contributors' commands never interleave their check-and-write.
Files are written atomically (temporary file, fsync, rename) and validated *before* they
replace anything; a failure — a problem, a failing build, Ctrl-C — restores what was there.
"""

from __future__ import annotations

import contextlib
import difflib
import fcntl
import hashlib
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pav_graph import atomic, casefile, yamlio
from pav_graph.model import Concept, Source
from pav_graph.problems import Problem, Problems, did_you_mean
from pav_graph.project import Project
from pav_graph.sourcetext import normalise, parse_lines

LOCK_NAME = ".lock"
BACKUP_DIR = ".backup"
ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
STALE_TEMP_SECONDS = 300
CONTRIBUTED = "contributed.yaml"


class ContribError(Exception):
    """A change that was refused; nothing was written. ``usage`` marks a wrong argument."""

    def __init__(self, message: str, fix: str | None = None, *, usage: bool = False,
                 problems: list[Problem] | None = None, lines: list[str] | None = None):
        super().__init__(message)
        self.message, self.fix, self.usage = message, fix, usage
        self.problems = problems or []
        self.lines = lines or []

    def __str__(self) -> str:
        return f"{self.message} — {self.fix}" if self.fix else self.message


# --------------------------------------------------------------------------- locking


@contextlib.contextmanager
def corpus_lock(project: Project, timeout: float = 120.0,
                on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the corpus write lock (``cases/.lock``) for the duration of the block."""
    project.cases_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(project.cases_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        waited = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not waited and on_wait:
                    on_wait()
                waited = True
                if time.monotonic() > deadline:
                    raise ContribError(
                        f"another pav-graph command has held {project.cases_dir / LOCK_NAME} "
                        f"for {timeout:.0f} s", "wait for it to finish and try again") from None
                time.sleep(0.05)
        _remove_stale_temp_files(project)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _remove_stale_temp_files(project: Project) -> None:
    """Temporary files left by a command that was killed mid-write (``.name.XXXX.tmp``).

    They are never read (the loader takes ``*.yaml``), and only old ones are removed so a
    writer that does not take the lock is not disturbed."""
    now = time.time()
    for directory in (project.cases_dir, project.cases_dir / BACKUP_DIR, project.sources_dir,
                      project.sources_dir / "texts", project.concepts_dir):
        for path in directory.glob(".*.tmp") if directory.is_dir() else ():
            with contextlib.suppress(OSError):
                if now - path.stat().st_mtime > STALE_TEMP_SECONDS:
                    path.unlink()


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- vocabulary


@dataclass
class Vocabulary:
    """Sources and concepts as ids, labels and texts — what prompts, completion and checks of
    new evidence need (concept quotes are not re-checked here: `validate` does that)."""

    sources: dict[str, Source]
    concepts: dict[str, Concept]
    problems: Problems = field(default_factory=Problems)

    @classmethod
    def load(cls, project: Project) -> Vocabulary:
        from pav_graph.load import load_concepts, load_sources

        problems = Problems()
        sources = load_sources(project, problems)
        concepts = load_concepts(project, sources, problems, check_quotes=False)
        return cls(sources, concepts, problems)

    def of_kind(self, *kinds: str) -> list[Concept]:
        return sorted((c for c in self.concepts.values() if c.kind in kinds), key=lambda c: c.id)

    def concept(self, cid: str, kinds: tuple[str, ...] = (), flag: str = "--concept") -> Concept:
        c = self.concepts.get(cid)
        what = " or ".join(k.replace("-", " ") for k in kinds) if kinds else "concept"
        pool = [x.id for x in self.concepts.values() if not kinds or x.kind in kinds]
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


# --------------------------------------------------------------------------- evidence


def locate_quote(source: Source, quote: str, lines: str | None) -> tuple[int, int]:
    """The exact lines of ``quote`` in ``source``; checks ``lines`` when given.

    Raises with the lines where the quote does stand, or with how far it matched."""
    if not normalise(quote):
        raise ContribError("--quote is empty", "copy a passage from the source text", usage=True)
    places = source.text.find(quote)
    if not places:
        raise ContribError(f"--quote is not in source {source.id!r} ({source.text_path.name})",
                           _near_miss(source, quote))
    spans = ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in places[:5])
    if lines is None:
        if len(places) > 1:
            raise ContribError(f"the quote stands {len(places)} times in {source.id!r} "
                               f"(lines {spans})", "say which with --lines", usage=True)
        return places[0]
    parsed = parse_lines(lines)
    if parsed is None:
        raise ContribError(f"--lines {lines!r} is not a line number or range",
                           "write e.g. 12 or 12-15 (first ≤ last)", usage=True)
    inside = [p for p in places if parsed[0] <= p[0] and p[1] <= parsed[1]]
    if not inside:
        first = places[0]
        raise ContribError(f"the quote is not within lines {lines} of {source.id!r}",
                           f"it stands at line(s) {spans}: use --lines "
                           f"{casefile.lines_value(*first)}")
    return inside[0]


def _near_miss(source: Source, quote: str) -> str:
    """Say how much of the quote does stand in the source, to find the typo."""
    needle = normalise(quote)
    lo, hi = 0, len(needle)
    while lo < hi:  # the longest prefix that is found
        mid = (lo + hi + 1) // 2
        if source.text.find(needle[:mid]):
            lo = mid
        else:
            hi = mid - 1
    if lo >= 15:
        at = source.text.find(needle[:lo])[0]
        return (f"its first {lo} characters stand at line {at[0]}, then it differs: "
                f"…{needle[max(0, lo - 25):lo]}⟨here⟩{needle[lo:lo + 15]}… — copy it verbatim "
                "(only whitespace may differ)")
    return (f"copy the passage verbatim from sources/texts/{source.text_path.name} "
            "(only whitespace may differ)")


# --------------------------------------------------------------------------- case files


def resolve_case(project: Project, ref: str) -> Path:
    """A case given as a file path (a draft) or as an id of a case in cases/."""
    path = Path(ref)
    if path.suffix in (".yaml", ".yml") or os.sep in ref:
        if path.is_file():
            return path
        raise ContribError(f"{ref}: no such file", "check the path", usage=True)
    in_corpus = project.cases_dir / f"{ref}.yaml"
    if in_corpus.is_file():
        return in_corpus
    raise ContribError(f"unknown case {ref!r}", did_you_mean(ref, case_ids(project), "case id")
                       + " (or give the path of a case file)", usage=True)


def in_cases_dir(project: Project, path: Path) -> bool:
    return path.resolve().parent == project.cases_dir.resolve()


def validate_case_text(project: Project, vocab: Vocabulary, text: str, shown_as: Path) -> Problems:
    """All problems of one case file's text (the vocabulary is taken as it is)."""
    from pav_graph.load import Context, load_case, locate_problems

    problems = Problems()
    with tempfile.TemporaryDirectory(prefix="pav-graph-check-") as tmp:
        path = Path(tmp) / shown_as.name
        path.write_text(text, encoding="utf-8")
        load_case(path, Context(vocab.sources, vocab.concepts, True), problems)
        locate_problems(problems)
    for p in problems:
        p.file = shown_as
    return problems


def edit_case(project: Project, path: Path, change: Callable[[str], str],
              vocab: Vocabulary | None = None) -> str:
    """Apply ``change`` to a case file's text; write it only if it adds no problem.

    Problems the file already had (e.g. a draft's empty summary) do not block the edit; a
    problem the change would introduce does. Returns the new text."""
    vocab = vocab or Vocabulary.load(project)
    lock = corpus_lock(project) if in_cases_dir(project, path) else contextlib.nullcontext()
    with lock:
        try:
            before = yamlio.read_text(path)
        except yamlio.YamlError as exc:
            raise ContribError(f"{path}: {exc.message}", exc.fix) from None
        try:
            after = change(before)
        except casefile.EditError as exc:
            raise ContribError(f"{path}: {exc}", "edit the file by hand (docs/case-format.md)") from None
        old = {(p.message, p.path) for p in validate_case_text(project, vocab, before, path).errors}
        new = [p for p in validate_case_text(project, vocab, after, path).errors
               if (p.message, p.path) not in old]
        if new:
            raise ContribError(f"{path}: the change would add {len(new)} problem(s); "
                               "the file was not changed", problems=new)
        atomic.write_text(path, after)
    return after


@dataclass
class Placed:
    case_id: str
    target: Path
    replaced: bool
    backup: Path | None
    build: object | None = None
    other_problems: int = 0


def place_case(project: Project, file: Path, *, replace: bool = False, build: bool = True,
               log: Callable[[str], None] = lambda m: None) -> Placed:
    """Validate ``file`` against the corpus and put it in cases/<id>.yaml, then build.

    Under the lock: refuse an existing id unless ``replace`` (the old file goes to
    cases/.backup/), write atomically, build; any failure restores cases/ as it was."""
    from pav_graph.load import load_corpus

    try:
        text = casefile.set_schema_line(yamlio.read_text(file))
        data = yamlio.load(file)
    except yamlio.YamlError as exc:
        where = f"{file}:{exc.line}:{exc.column}" if exc.line else str(file)
        raise ContribError(f"{where}: {exc.message}", exc.fix) from None
    except OSError as exc:
        raise ContribError(f"{file}: cannot read ({exc.strerror})", "check the path", usage=True) from None
    cid = data.get("id") if isinstance(data, dict) else None
    if not isinstance(cid, str) or not ID_RE.match(cid):
        _, problems = load_corpus(project, [file])
        raise ContribError(f"{file}: not a valid case file; nothing was changed",
                           problems=[p for p in problems.errors if p.file == file])
    target = project.cases_dir / f"{cid}.yaml"
    if file.resolve() == target.resolve():
        raise ContribError(f"{file} is already in cases/", "check it with `pav-graph validate` "
                           "and build with `pav-graph build`", usage=True)

    with corpus_lock(project, on_wait=lambda: log("waiting for another pav-graph write to finish …")):
        existed = target.exists()
        if existed and not replace:
            raise ContribError(f"case {cid!r} already exists (cases/{cid}.yaml)",
                               "use --replace to replace it (the old file is kept in "
                               "cases/.backup/) or give the new case another id")
        with tempfile.TemporaryDirectory(prefix="pav-graph-add-") as tmp:
            candidate = Path(tmp) / f"{cid}.yaml"
            candidate.write_text(text, encoding="utf-8")
            others = [p for p in sorted(project.cases_dir.glob("*.yaml")) if p != target]
            _, problems = load_corpus(project, [*others, candidate])
            mine = [p for p in problems.errors if p.file == candidate]
            for p in mine:
                p.file = file
        if mine:
            raise ContribError(f"{file}: {len(mine)} problem(s); nothing was changed", problems=mine)
        other_problems = len(problems.errors)

        old_bytes = target.read_bytes() if existed else None
        backup = None
        backup_dir = project.cases_dir / BACKUP_DIR
        made_backup_dir = not backup_dir.exists()
        try:
            if old_bytes is not None:
                stamp = time.strftime("%Y%m%dT%H%M%S") + f"{time.time() % 1:.6f}"[1:]
                backup = backup_dir / f"{cid}.{stamp}.yaml"
                atomic.write_bytes(backup, old_bytes)
            atomic.write_text(target, text)
            _fsync_dir(project.cases_dir)
            result = None
            if build:
                from pav_graph.build import BuildFailed
                from pav_graph.build import build as run_build

                try:
                    result = run_build(project, log=log)
                except BuildFailed as exc:
                    raise ContribError(f"the build failed with cases/{cid}.yaml: {exc}; "
                                       "cases/ was restored", problems=exc.problems.errors,
                                       lines=exc.lines) from None
        except BaseException:
            _restore(target, old_bytes, backup, backup_dir if made_backup_dir else None)
            raise
    return Placed(cid, target, existed, backup, result, other_problems)


def _restore(target: Path, old_bytes: bytes | None, backup: Path | None,
             new_dir: Path | None) -> None:
    if old_bytes is None:
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
    elif target.read_bytes() != old_bytes:
        atomic.write_bytes(target, old_bytes)
    if backup is not None:
        with contextlib.suppress(FileNotFoundError):
            backup.unlink()
    if new_dir is not None:
        with contextlib.suppress(OSError):
            new_dir.rmdir()
    _fsync_dir(target.parent)


def remove_case(project: Project, cid: str, *, build: bool = True,
                log: Callable[[str], None] = lambda m: None) -> Path:
    """Move cases/<id>.yaml to cases/.backup/ (nothing is deleted) and rebuild."""
    target = project.cases_dir / f"{cid}.yaml"
    with corpus_lock(project):
        if not target.is_file():
            raise ContribError(f"unknown case {cid!r}",
                               did_you_mean(cid, case_ids(project), "case id"), usage=True)
        backup_dir = project.cases_dir / BACKUP_DIR
        backup_dir.mkdir(exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%S") + f"{time.time() % 1:.6f}"[1:]
        backup = backup_dir / f"{cid}.{stamp}.yaml"
        os.replace(target, backup)
        _fsync_dir(project.cases_dir)
        if build:
            from pav_graph.build import BuildFailed
            from pav_graph.build import build as run_build

            try:
                run_build(project, log=log)
            except BuildFailed as exc:
                os.replace(backup, target)
                _fsync_dir(project.cases_dir)
                raise ContribError(f"the build failed without {cid!r}: {exc}; the case was put back",
                                   problems=exc.problems.errors, lines=exc.lines) from None
    return backup


# --------------------------------------------------------------------------- sources


def read_source_text(path: Path) -> str:
    """A source text as UTF-8 with LF line ends; refuses other encodings with the place."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ContribError(f"--text {path}: cannot read ({exc.strerror})", "check the path",
                           usage=True) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ContribError(f"{path}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x})",
                           "save it as UTF-8 (e.g. `iconv -f windows-1252 -t utf-8 IN > OUT`)") from None
    if not text.strip():
        raise ContribError(f"{path}: the text is empty", "give the plain text of the document")
    return _normal_line_ends(text)


def _normal_line_ends(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text if text.endswith("\n") else text + "\n"


def register_source(project: Project, sid: str, text_file: Path, *, type_: str,
                    title: str | None = None, authors: tuple[str, ...] = (),
                    year: str | None = None, publisher: str | None = None,
                    language: str = "nl", description: tuple[str, str] | None = None) -> Path:
    """Copy the text into sources/texts/<id>.txt and write sources/<id>.yaml."""
    from pav_graph.load import check_schema

    if not ID_RE.match(sid):
        raise ContribError(f"--id {sid!r} is not a valid id",
                           f"use lower-case letters, digits and '-', e.g. '{casefile.slug(sid)}'",
                           usage=True)
    text = read_source_text(text_file)
    meta_path = project.sources_dir / f"{sid}.yaml"
    text_path = project.sources_dir / "texts" / f"{sid}.txt"
    digest = hashlib.sha256(text.encode()).hexdigest()
    item = {"id": sid, "text": f"texts/{sid}.txt", "type": type_, "title": title,
            "authors": list(authors), "year": year, "publisher": publisher, "language": language}
    if description:
        item["description"] = {"nl": description[0], "en": description[1]}
    problems = Problems()
    if not check_schema(meta_path, item, "source", problems):
        raise ContribError(f"{problems.items[0].message}", problems.items[0].fix, usage=True)
    with corpus_lock(project):
        vocab = Vocabulary.load(project)
        if sid in vocab.sources or meta_path.exists() or text_path.exists():
            raise ContribError(f"source {sid!r} already exists (sources/{sid}.yaml)",
                               "choose another --id")
        for other in vocab.sources.values():
            if hashlib.sha256(_normal_line_ends(other.text.raw).encode()).hexdigest() == digest:
                raise ContribError(f"{text_file} has the same text as source {other.id!r}",
                                   f"cite {other.id!r} instead of registering it again")
        atomic.write_text(text_path, text)
        try:
            os.chmod(text_path, 0o444)  # line numbers of quotes depend on it: never edit in place
            atomic.write_text(meta_path, _source_yaml(item, text))
        except BaseException:
            with contextlib.suppress(OSError):
                text_path.unlink()
            raise
    return meta_path


def _source_yaml(item: dict, text: str) -> str:
    q = casefile._q
    lines = [
        "# Source metadata, written by `pav-graph source add`. Cases cite this source by its id",
        "# and quote the text file verbatim with line numbers; never edit the text file (the line",
        "# numbers of every quote depend on it).",
        f"id: {item['id']}",
        f"text: {item['text']}        # {len(text.splitlines())} lines",
        f"type: {item['type']}",
        f"title: {q(item['title']) if item['title'] else 'null'}",
        "authors: [" + ", ".join(q(a) for a in item["authors"]) + "]",
        f"year: {q(str(item['year'])) if item['year'] else 'null'}",
        f"publisher: {q(item['publisher']) if item['publisher'] else 'null'}",
        f"language: {item['language']}",
    ]
    if item.get("description"):
        lines += ["description:", f"  nl: {q(item['description']['nl'])}",
                  f"  en: {q(item['description']['en'])}"]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- concepts


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
