"""Case files: resolve, validate, edit in place, place into cases/ and take out again.

Files are written atomically (temporary file, fsync, rename) and validated *before* they
replace anything; a failure — a problem, a failing build, Ctrl-C — restores what was there.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pav_graph import atomic, casefile, yamlio
from pav_graph.contrib.errors import ID_RE, ContribError
from pav_graph.contrib.lock import BACKUP_DIR, corpus_lock, fsync_dir
from pav_graph.contrib.vocabulary import Vocabulary, case_ids
from pav_graph.problems import Problems, did_you_mean
from pav_graph.project import Project


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
            place = f"{path}:{exc.line}:{exc.column}" if exc.line else str(path)
            raise ContribError(f"{place}: {exc}", None if " — " in str(exc) or "by hand" in str(exc)
                               else "edit the file by hand (docs/case-format.md)") from None
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
            problems = _validate_on_build(project, candidate, target) if build else None
            if problems is None:  # the whole corpus with the candidate in place of the target
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
            fsync_dir(project.cases_dir)
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


def _validate_on_build(project: Project, candidate: Path, target: Path) -> Problems | None:
    """The problems :func:`pav_graph.load.load_corpus` would find with ``candidate`` in place
    of ``target``, checking the candidate alone: against the vocabulary the build in use loaded
    and the organisations its other case files declare (kept in its ``parts.json``).

    Only when that is exact: the build in use has its parts and was made from the same
    vocabulary, ontology, sources and code, no other case file changed since, and no mechanism
    link names the case (its levels are checked with the links). Else None: validate the whole
    corpus. (A case add that builds is then validated once per file, in the incremental build.)
    """
    from pav_graph import buildstate
    from pav_graph.build import current_build
    from pav_graph.load import Organisations, load_case, locate_problems

    previous = current_build(project)
    state = buildstate.read_state(previous) if previous is not None else None
    if state is None or candidate.stem in state.mech_named:
        return None
    key = buildstate.shared_key(project)
    ctx = buildstate.load_context(project, key) if key == state.shared_key else None
    if ctx is None:
        return None
    found = buildstate.scan(project, state)
    if any(p != target for p in found.changed) or any(p.file != target.name for p in found.removed):
        return None
    problems = Problems()
    case = load_case(candidate, ctx, problems)
    if case is not None:
        orgs = Organisations()  # load_corpus's order: the other files by name, then the candidate
        cases_dir = project.cases_dir
        for name, part in sorted(found.unchanged.items()):
            if name != target.name:
                orgs.check(cases_dir / name, [tuple(o[:3]) for o in part.orgs], problems)
        orgs.check(candidate, [(o.id, o.name, o.level) for o in case.organisations], problems)
    locate_problems(problems)
    return problems


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
    fsync_dir(target.parent)


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
        fsync_dir(project.cases_dir)
        if build:
            from pav_graph.build import BuildFailed
            from pav_graph.build import build as run_build

            try:
                run_build(project, log=log)
            except BuildFailed as exc:
                os.replace(backup, target)
                fsync_dir(project.cases_dir)
                raise ContribError(f"the build failed without {cid!r}: {exc}; the case was put back",
                                   problems=exc.problems.errors, lines=exc.lines) from None
    return backup

