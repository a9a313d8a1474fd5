"""Bad input through the real command line: every refusal is one clear line, never a traceback.

Each bad file is fed to ``pav-graph validate`` (as a file outside the corpus), ``pav-graph case
add --no-build`` and ``pav-graph build`` (placed in cases/ of a copy of the corpus), each in a
real subprocess. The checks are the same for all: exit code 1 or 2 (never 70, the internal-error
code of :func:`pav_graph.cli.main.main`), no "Traceback", a message that names the file and says
what to do, no line longer than 2,000 characters (nothing echoes a 50 MB file back), and the
corpus byte-for-byte as it was (hashed before and after).

The good base case is the real ``cases/heeze-leende.yaml`` under a new id; its quotes verify
against sources/texts (essay-2025 l. 92-94, 239-241), so each bad variant differs from a valid
file in exactly the one way it names.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
BASE_CASE = ROOT / "cases" / "heeze-leende.yaml"
NEW_ID = "proef-casus"
MAX_LINE = 2000


# --------------------------------------------------------------------------- helpers


@dataclass
class Run:
    code: int
    out: str
    seconds: float
    max_rss_mb: float


def pav(corpus: Path, *args: str, cwd: Path | None = None, build_dir: Path | None = None,
        timeout: float = 180) -> Run:
    """Run ``pav-graph --corpus CORPUS ARGS`` in a subprocess; stdout and stderr together."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), PAV_GRAPH_BUILD=str(
        build_dir or corpus.parent / "build"))
    env.pop("PAV_GRAPH_CORPUS", None)
    env.pop("PAV_GRAPH_DEBUG", None)
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "pav_graph", "--corpus", str(corpus), *args],
                            cwd=cwd or corpus, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    peak_kib = [0]

    def watch() -> None:
        """This child's own peak memory (VmHWM, read while it runs): RUSAGE_CHILDREN would be
        the largest of every child this test session has reaped, a build's included."""
        while proc.poll() is None:
            try:
                status = Path(f"/proc/{proc.pid}/status").read_text()
                peak_kib[0] = max(peak_kib[0], int(status.split("VmHWM:", 1)[1].split()[0]))
            except (OSError, IndexError, ValueError):
                pass  # exiting, or no /proc
            time.sleep(0.01)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise AssertionError(f"pav-graph {' '.join(args)} did not finish in {timeout} s") from None
    watcher.join()
    return Run(proc.returncode, out.decode("utf-8", "replace"), time.monotonic() - started,
               peak_kib[0] / 1024)


def tree_hash(root: Path) -> str:
    """A digest of every file name, symlink target and file content under ``root``.

    ``cases/.lock`` is left out: it is the (empty) lock file `case add` holds while it checks,
    not corpus content."""
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if rel == "cases/.lock":
            continue
        h.update(rel.encode() + b"\0")
        if path.is_symlink():
            h.update(b"->" + os.readlink(path).encode())
        elif path.is_file():
            h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def assert_clean_refusal(run: Run, name: str, expect: str) -> None:
    """Exit 1/2, the expected message, the file named, a fix given, no traceback."""
    assert run.code in (1, 2), f"exit {run.code}:\n{run.out[-3000:]}"
    assert "Traceback" not in run.out, run.out[-3000:]
    assert "internal error" not in run.out, run.out[-3000:]
    assert expect in run.out, f"expected {expect!r} in:\n{run.out[-3000:]}"
    lines = [line for line in run.out.splitlines() if expect in line]
    assert any(name in line for line in lines), f"{name} not named in: {lines}"
    assert any(" — " in line for line in lines), f"no fix offered in: {lines}"
    assert max(len(line) for line in run.out.splitlines()) <= MAX_LINE


def base_data() -> dict:
    data = yaml.safe_load(BASE_CASE.read_text(encoding="utf-8"))
    data["id"] = NEW_ID
    return data


class _NoAliasDumper(yaml.SafeDumper):
    def ignore_aliases(self, data) -> bool:  # a shared object is written out twice
        return True


def dump(data) -> bytes:
    return yaml.dump(data, Dumper=_NoAliasDumper, allow_unicode=True, sort_keys=False,
                     width=200).encode("utf-8")


def edit(change: Callable[[dict], object]) -> bytes:
    data = base_data()
    change(data)
    return dump(data)


def text_edit(old: str, new: str) -> bytes:
    text = dump(base_data()).decode("utf-8")
    assert old in text, old
    return text.replace(old, new, 1).encode("utf-8")


def _billion_laughs() -> bytes:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    return ("\n".join(lines) + "\n").encode()


def _deep_block(depth: int) -> bytes:
    text = f"id: {NEW_ID}\nlabel:\n"
    for i in range(depth):
        text += "  " * (i + 1) + f"k{i}:\n"
    return (text + "  " * (depth + 1) + "end\n").encode()


def _big_file() -> bytes:
    return b"# " + b"x" * (50 * 1024 * 1024) + b"\n"


# --------------------------------------------------------------------------- the bad inputs


@dataclass
class Bad:
    name: str
    content: Callable[[], bytes]
    expect: str
    filename: str = f"{NEW_ID}.yaml"


_EVENT = "- type: vertrek-gemeentesecretaris\n"
_FINDING = "- concept: herhaling\n"


def _del(key):
    return lambda d: d.pop(key)


BAD = [
    Bad("malformed-flow", lambda: text_edit("label:\n", "label: {nl: \"open\n"), "invalid YAML"),
    Bad("colon-in-plain-text", lambda: text_edit("summary:\n  nl: ", "summary:\n  nl: Let op: "),
        "invalid YAML"),
    Bad("tab-indentation", lambda: text_edit("\n  nl: ", "\n\tnl: "), "invalid YAML"),
    Bad("two-documents", lambda: dump(base_data()) + b"---\nid: second\n", "invalid YAML"),
    Bad("duplicate-key", lambda: dump(base_data()) + b"findings: []\n", "found the key 'findings' twice"),
    Bad("python-tag", lambda: b"id: !!python/object/apply:os.system [ls]\n", "could not determine a constructor"),
    Bad("top-level-list", lambda: dump([base_data()]), "must be a mapping"),
    Bad("label-is-text", lambda: edit(lambda d: d.update(label="Heeze")), "label: expected object"),
    Bad("organisations-is-mapping", lambda: edit(lambda d: d.update(organisations={"id": "x"})),
        "organisations: expected array"),
    Bad("lines-is-list", lambda: edit(lambda d: d["findings"][0]["evidence"][0].update(lines=[92, 93])),
        "expected a line number or range"),
    Bad("quote-is-number", lambda: edit(lambda d: d["findings"][0]["evidence"][0].update(quote=12)),
        "quote: expected string"),
    Bad("date-key", lambda: dump(base_data()) + b"2020-01-01: x\n", "unknown field '2020-01-01'"),
    Bad("missing-id", lambda: edit(_del("id")), "missing required field 'id'"),
    Bad("missing-summary", lambda: edit(_del("summary")), "missing required field 'summary'"),
    Bad("missing-evidence", lambda: edit(lambda d: d["findings"][0].pop("evidence")),
        "missing required field 'evidence'"),
    Bad("unknown-field", lambda: edit(lambda d: d.update(sumary=d.pop("summary"))),
        "did you mean 'summary'"),
    Bad("unknown-concept", lambda: edit(
        lambda d: d["findings"][0].update(concept="personen-vervangen-niet-systeen")),
        "unknown concept 'personen-vervangen-niet-systeen'"),
    Bad("unknown-actor", lambda: edit(lambda d: d["events"][0].update(actors=["secretaris"])),
        "unknown actor 'secretaris'"),
    Bad("unknown-source", lambda: edit(
        lambda d: d["findings"][0]["evidence"][0].update(source="essay-2024")), "unknown source"),
    Bad("duplicate-actor", lambda: edit(lambda d: d["actors"].append(dict(d["actors"][0]))),
        "duplicate actor id 'gemeentesecretaris'"),
    Bad("duplicate-finding-concept", lambda: edit(lambda d: d["findings"].append(d["findings"][0])),
        "has two findings"),
    # essay-2025 l. 92 reads "... verschuivende poppetjes in plaats van systeemwerk."
    Bad("quote-not-in-source", lambda: edit(lambda d: d["findings"][0]["evidence"][0].update(
        quote="Tenslotte is er een opvallend patroon van verschuivende poppetjes in plaats van beleid.")),
        "quote not found in source"),
    Bad("locator-elsewhere", lambda: edit(lambda d: d["findings"][0]["evidence"][0].update(lines=10)),
        "does not contain the quote"),
    Bad("month-13", lambda: edit(lambda d: d.update(period={"start": "2024-13"})), "is not a date"),
    Bad("february-30", lambda: edit(lambda d: d["events"][0].update(date="2023-02-30")),
        "does not parse"),
    Bad("dutch-date", lambda: edit(lambda d: d["events"][0].update(date="14 juni 2018")),
        "does not parse"),
    Bad("latin-1", lambda: text_edit("Heeze-Leende: conflict", "Heeze-Leende: geëscaleerd conflict")
        .decode("utf-8").encode("latin-1", "replace"), "not UTF-8 text (byte 0xeb)"),
    Bad("empty", lambda: b"", "the file is empty"),
    Bad("only-comments", lambda: b"# nog in te vullen\n", "the file is empty"),
    Bad("50-megabytes", _big_file, "a YAML file may be at most"),
    Bad("billion-laughs", _billion_laughs, "anchors and aliases"),
    Bad("id-leaves-directory", lambda: edit(lambda d: d.update(id="../../etc/x")),
        "not a valid id"),
    Bad("id-with-slashes", lambda: edit(lambda d: d.update(id="sub/dir")), "not a valid id",
        filename="slashes.yaml"),
    Bad("deep-flow-nesting", lambda: f"id: {NEW_ID}\nlabel: {'[' * 990}{']' * 990}\n".encode(),
        "nested more than"),
    Bad("deep-block-nesting", lambda: _deep_block(400), "nested more than"),
    Bad("very-long-line", lambda: f"id: {NEW_ID}\nlabel: {{nl: \"{'a' * 4_000_000}\n".encode(),
        "invalid YAML"),
    Bad("control-character", lambda: text_edit("Heeze-Leende: conflict", "Heeze-Leende:\x07 conflict"),
        "control character U+0007"),
    Bad("nul-byte", lambda: text_edit("Heeze-Leende: conflict", "Heeze\x00Leende"),
        "control character U+0000"),
    # typed YAML scalars (round 2): YAML builds a date, a time or a huge int before any check
    Bad("date-unquoted-impossible", lambda: text_edit(_EVENT, _EVENT + "  date: 2023-02-30\n"),
        "does not parse"),
    Bad("timestamp-bad-time-and-zone", lambda: text_edit(
        _EVENT, _EVENT + "  date: 2023-02-28 25:61:00 +99:00\n"), "does not parse"),
    Bad("timestamp-tag", lambda: text_edit(_EVENT, _EVENT + "  date: !!timestamp 2023-13-45\n"),
        "does not parse"),
    Bad("thousands-of-digits", lambda: text_edit("lines: 92\n", "lines: " + "9" * 5000 + "\n"),
        "a number of 5000 digits"),
    Bad("binary-tag", lambda: text_edit("- concept: herhaling\n",
                                        "- concept: !!binary aGVsbG8=\n"), "!!binary"),
    # numbers that are not finite
    Bad("nan-measure", lambda: text_edit(_FINDING, _FINDING + "  measure: {value: .nan, unit: x}\n"),
        "is not a finite number"),
    Bad("infinite-measure", lambda: text_edit(
        _FINDING, _FINDING + "  measure: {value: -.inf, unit: x}\n"), "is not a finite number"),
    Bad("overflowing-measure", lambda: text_edit(
        _FINDING, _FINDING + "  measure: {value: 1.0e+999, unit: x}\n"), "is not a finite number"),
    # control characters written as YAML escapes
    Bad("escaped-nul", lambda: text_edit("name: Gemeente Heeze-Leende\n",
                                         'name: "Gemeente\\0Heeze-Leende"\n'),
        "control character U+0000"),
    Bad("escaped-escape", lambda: edit(lambda d: d["summary"].update(en="\x1b]8;;https://x\x1b\\")),
        "control character U+001B"),
    Bad("escaped-c1", lambda: text_edit(_FINDING, _FINDING + '  note: "a\\x85b"\n'),
        "control character U+0085"),
    Bad("escaped-noncharacter", lambda: edit(lambda d: d["actors"][0]["label"].update(en="\ufffe")),
        "character U+FFFE"),
    Bad("utf-16", lambda: dump(base_data()).decode("utf-8").encode("utf-16"), "iconv -f utf-16"),
]
COMMANDS = ["validate", "case-add", "build"]


@pytest.fixture(scope="module")
def big_payloads() -> dict[str, bytes]:
    """Each bad file's bytes, made once (the 50 MB one is reused by all three commands)."""
    return {bad.name: bad.content() for bad in BAD}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("bad", BAD, ids=[b.name for b in BAD])
def test_bad_file_is_refused_cleanly(bad: Bad, command: str, corpus_copy: Path, tmp_path: Path,
                                     big_payloads) -> None:
    data = big_payloads[bad.name]
    if command == "build":
        target = corpus_copy / "cases" / bad.filename
    else:
        target = tmp_path / "incoming" / bad.filename
        target.parent.mkdir()
    target.write_bytes(data)
    before = tree_hash(corpus_copy)
    build_dir = tmp_path / "build"
    if command == "validate":
        run = pav(corpus_copy, "validate", str(target))
    elif command == "case-add":
        run = pav(corpus_copy, "case", "add", "--no-build", str(target))
    else:
        run = pav(corpus_copy, "build", "--no-reason", build_dir=build_dir)
        assert not (build_dir / "current.json").exists()  # nothing half-built is put in use
    assert_clean_refusal(run, bad.filename, bad.expect)
    assert tree_hash(corpus_copy) == before
    if bad.name == "billion-laughs":
        # 9^9 expanded strings would take gigabytes; refused before any expansion
        assert 0 < run.max_rss_mb < 600, f"{run.max_rss_mb:.0f} MB"


def test_duplicate_case_id(corpus_copy: Path, tmp_path: Path) -> None:
    """A second file with the id of an existing case (houten): refused by all three paths."""
    data = dump({**base_data(), "id": "houten"})
    incoming = tmp_path / "houten.yaml"
    incoming.write_bytes(data)
    before = tree_hash(corpus_copy)
    run = pav(corpus_copy, "validate", str(corpus_copy / "cases" / "houten.yaml"), str(incoming))
    assert_clean_refusal(run, "houten.yaml", "duplicate case id 'houten'")
    run = pav(corpus_copy, "case", "add", "--no-build", str(incoming))
    assert run.code == 1 and "already exists" in run.out and "--replace" in run.out
    assert "Traceback" not in run.out
    assert tree_hash(corpus_copy) == before
    (corpus_copy / "cases" / "houten-bis.yaml").write_bytes(data)
    before = tree_hash(corpus_copy)
    run = pav(corpus_copy, "build", "--no-reason")
    assert_clean_refusal(run, "houten-bis.yaml", "does not match the file name")
    assert tree_hash(corpus_copy) == before


def test_duplicate_concept_id(corpus_copy: Path) -> None:
    """Two concepts with one id in the vocabulary: validate and build name the second file."""
    concepts = corpus_copy / "ontology" / "concepts"
    first = min(concepts.glob("*.yaml"))
    item = yaml.safe_load(first.read_text(encoding="utf-8"))["concepts"][0]
    (concepts / "zz-extra.yaml").write_bytes(dump({"concepts": [item]}))
    before = tree_hash(corpus_copy)
    for args in (("validate",), ("build", "--no-reason")):
        run = pav(corpus_copy, *args)
        assert_clean_refusal(run, "zz-extra.yaml", f"duplicate concept id {item['id']!r}")
    assert tree_hash(corpus_copy) == before


@pytest.mark.parametrize("variant", ["bom", "crlf", "bom+crlf"])
def test_bom_and_crlf_are_accepted(variant: str, corpus_copy: Path, tmp_path: Path) -> None:
    """Windows editors write a BOM and CRLF line ends: the file validates and is added."""
    data = dump(base_data())
    if "crlf" in variant:
        data = data.replace(b"\n", b"\r\n")
    if "bom" in variant:
        data = b"\xef\xbb\xbf" + data
    incoming = tmp_path / f"{NEW_ID}.yaml"
    incoming.write_bytes(data)
    run = pav(corpus_copy, "validate", str(incoming))
    assert run.code == 0, run.out
    # heeze-leende.yaml has four evidence items: three under findings, one under events
    assert "ok: 1 case(s)" in run.out and "4 quotes verified" in run.out
    run = pav(corpus_copy, "case", "add", "--no-build", str(incoming))
    assert run.code == 0, run.out
    from pav_graph.load import load_corpus
    from pav_graph.project import Project

    corpus, problems = load_corpus(Project(corpus_copy))
    assert not problems, [p.format() for p in problems]
    case = corpus.cases[NEW_ID]
    assert case.label["nl"] == "Heeze-Leende: conflict rond en vertrek van de gemeentesecretaris"
    assert "\r" not in case.summary["nl"] and not case.id.startswith("\ufeff")


@pytest.mark.slow
def test_bom_crlf_case_builds_and_shows(corpus_copy: Path, tmp_path: Path) -> None:
    """The whole way: `case add` (with its build) of a BOM + CRLF file, then `show` answers."""
    incoming = tmp_path / f"{NEW_ID}.yaml"
    incoming.write_bytes(b"\xef\xbb\xbf" + dump(base_data()).replace(b"\n", b"\r\n"))
    run = pav(corpus_copy, "case", "add", str(incoming))
    assert run.code == 0, run.out
    run = pav(corpus_copy, "show", NEW_ID, "--format", "json")
    assert run.code == 0 and '"Heeze-Leende: conflict rond en vertrek' in run.out


# --------------------------------------------------------------------------- paths and links


def test_symlink_in_cases_to_outside_is_refused(corpus_copy: Path, tmp_path: Path) -> None:
    """A symlinked case file that resolves outside the corpus would be published from a file
    nobody added; validate and build refuse it by name. (The file itself is a valid case.)"""
    outside = tmp_path / "elsewhere" / f"{NEW_ID}.yaml"
    outside.parent.mkdir()
    outside.write_bytes(dump(base_data()))
    (corpus_copy / "cases" / f"{NEW_ID}.yaml").symlink_to(outside)
    before = tree_hash(corpus_copy)
    for args in (("validate",), ("build", "--no-reason")):
        run = pav(corpus_copy, *args)
        assert_clean_refusal(run, f"{NEW_ID}.yaml", "outside the corpus")
        assert "symbolic link" in run.out
    assert tree_hash(corpus_copy) == before


def test_symlink_loop_in_cases_is_refused(corpus_copy: Path) -> None:
    loop = corpus_copy / "cases" / "loop.yaml"
    loop.symlink_to(loop)
    run = pav(corpus_copy, "validate")
    assert run.code == 1 and "Traceback" not in run.out and "loop.yaml" in run.out


def test_symlink_inside_the_corpus_is_followed(corpus_copy: Path) -> None:
    """A link to a file inside the corpus is harmless: it is read like the file itself."""
    drafts = corpus_copy / "drafts"
    drafts.mkdir()
    (drafts / f"{NEW_ID}.yaml").write_bytes(dump(base_data()))
    (corpus_copy / "cases" / f"{NEW_ID}.yaml").symlink_to(drafts / f"{NEW_ID}.yaml")
    run = pav(corpus_copy, "validate")
    assert run.code == 0, run.out


def test_source_text_outside_the_corpus_is_refused(corpus_copy: Path) -> None:
    """`text: ../../../etc/passwd` in a source's metadata would publish that file as a source."""
    (corpus_copy / "sources" / "lek.yaml").write_text(
        "id: lek\ntext: ../../../../../../etc/passwd\ntype: report\n", encoding="utf-8")
    before = tree_hash(corpus_copy)
    run = pav(corpus_copy, "validate")
    assert_clean_refusal(run, "lek.yaml", "lies outside the corpus")
    assert tree_hash(corpus_copy) == before


def test_validate_a_draft_outside_the_corpus_reads_only(corpus_copy: Path, tmp_path: Path) -> None:
    """`pav-graph validate ../draft.yaml` is the contributor's normal way to check a draft: it is
    allowed, it reads the file and writes nothing anywhere."""
    cwd = tmp_path / "work"
    cwd.mkdir()
    (tmp_path / f"{NEW_ID}.yaml").write_bytes(dump(base_data()))
    (tmp_path / "bad.yaml").write_bytes(b"id: [\n")
    before = tree_hash(tmp_path)
    run = pav(corpus_copy, "validate", f"../{NEW_ID}.yaml", cwd=cwd)
    assert run.code == 0, run.out
    run = pav(corpus_copy, "validate", "../bad.yaml", cwd=cwd)
    assert_clean_refusal(run, "bad.yaml", "invalid YAML")
    run = pav(corpus_copy, "validate", "../missing.yaml", cwd=cwd)
    assert run.code == 2 and "no such file" in run.out and "Traceback" not in run.out
    assert tree_hash(tmp_path) == before  # validate builds nothing and writes nothing


def test_case_add_with_slashes_in_the_id_writes_nothing(corpus_copy: Path, tmp_path: Path) -> None:
    """A case id that is a path (`../../x`, `a/b`) never becomes a file name anywhere."""
    before_tmp = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    for cid in ("../../escaped", "sub/dir", "/tmp/absolute"):
        f = tmp_path / "in.yaml"
        f.write_bytes(dump({**base_data(), "id": cid}))
        run = pav(corpus_copy, "case", "add", "--no-build", str(f))
        assert run.code == 1 and "not a valid id" in run.out and "Traceback" not in run.out
        f.unlink()
    after_tmp = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    assert after_tmp == before_tmp
    assert not Path("/tmp/absolute.yaml").exists()


@pytest.fixture(scope="module")
def built_copy(tmp_path_factory, project_root) -> Path:
    """A corpus copy with a build (shared by the output-path tests below)."""
    import shutil

    root = tmp_path_factory.mktemp("outputs")
    corpus = root / "corpus"
    for name in ("cases", "ontology", "sources", "queries"):
        shutil.copytree(project_root / name, corpus / name)
    run = pav(corpus, "build", "-q", build_dir=root / "build")
    assert run.code == 0, run.out
    return corpus


@pytest.mark.parametrize("args", [
    ("export", "--format", "csv", "--force", "cases"),
    ("export", "--format", "csv", "--force", "."),
    ("export", "--format", "csv", "--force", ".."),
    ("export", "--force", "cases/houten.yaml", "--format", "ttl"),
    ("export", "--force", "ontology/pav-graph.ttl"),
    ("export", "--format", "csv", "--force", "sources/texts"),
    ("site", "."),
    ("site", "cases"),
    ("site", "queries/site"),
    ("site", ".."),
], ids=lambda a: " ".join(a))
def test_output_over_the_corpus_is_refused(built_copy: Path, args: tuple[str, ...]) -> None:
    """`export --force cases` once replaced cases/ by CSV tables: outputs may not land on (or
    above) the corpus's own directories."""
    if args[0] == "site" and not (ROOT / "pav_graph" / "site" / "__init__.py").exists():
        pytest.skip("pav_graph.site is not there yet")
    before = tree_hash(built_copy)
    run = pav(built_copy, *args, build_dir=built_copy.parent / "build")
    assert run.code == 2, run.out
    assert "Traceback" not in run.out and "would overwrite the corpus" in run.out
    assert tree_hash(built_copy) == before


@pytest.mark.parametrize("args,written", [
    (("export", "../out.ttl"), "out.ttl"),
    (("export", "--format", "csv", "../tables"), "tables"),
    (("site", "../site-out"), "site-out"),
])
def test_output_path_outside_the_corpus_is_the_users_choice(built_copy: Path, args, written) -> None:
    """`export ../x` and `site ../x` write where the user asked (next to the corpus) and only
    there: the corpus is unchanged and nothing else appears."""
    if args[0] == "site" and not (ROOT / "pav_graph" / "site" / "__init__.py").exists():
        pytest.skip("pav_graph.site is not there yet")
    parent = built_copy.parent
    before = tree_hash(built_copy)
    entries = {p.name for p in parent.iterdir()}
    run = pav(built_copy, *args, build_dir=parent / "build")
    assert run.code == 0, run.out
    assert tree_hash(built_copy) == before
    assert {p.name for p in parent.iterdir()} - entries == {written}
    if args[0] == "site":
        pages = list((parent / written).rglob("*.html"))
        assert all(p.resolve().is_relative_to((parent / written).resolve()) for p in pages)


def test_who_leaves_in_a_departure_is_checked(corpus_copy: Path, tmp_path: Path) -> None:
    """``departing`` names actors of the case (an unknown one is an error with a suggestion);
    a departure event that does not say who leaves validates, with a warning and the fix."""
    unknown = tmp_path / "unknown" / f"{NEW_ID}.yaml"
    unknown.parent.mkdir()
    unknown.write_bytes(edit(lambda d: d["events"][0].update(departing=["gemeentesecretar"])))
    run = pav(corpus_copy, "validate", str(unknown))
    assert_clean_refusal(run, unknown.name, "unknown actor 'gemeentesecretar'")
    assert "did you mean 'gemeentesecretaris'" in run.out
    silent = tmp_path / "silent" / f"{NEW_ID}.yaml"
    silent.parent.mkdir()
    silent.write_bytes(edit(lambda d: d["events"][0].pop("departing")))
    run = pav(corpus_copy, "validate", str(silent))
    assert run.code == 0, run.out
    assert "does not say who leaves" in run.out and "departing: [<actor id>]" in run.out


# --------------------------------------------------------------------------- ids and line breaks
#
# `$` in Python's re matches before a final line break: `source add --id $'x\n'` once wrote
# `sources/x\n.yaml`, and a case id "x\n" passed every check until the build made an IRI of it.


def _end_anchors(pattern: str, flags: int = 0) -> list[str]:
    """Where ``pattern`` uses `$` as "end of text": [] when it uses `\\Z`, `$(?!\\n)` or
    `$` under re.MULTILINE (end of a line, on purpose)."""
    import re
    from re import _constants as c
    from re import _parser

    if flags & re.MULTILINE:
        return []
    found = []

    def walk(items) -> None:
        items = list(items)
        for i, (op, av) in enumerate(items):
            if op == c.AT and av == c.AT_END:
                nxt = items[i + 1] if i + 1 < len(items) else None
                guarded = (nxt is not None and nxt[0] == c.ASSERT_NOT
                           and list(nxt[1][1]) == [(c.LITERAL, ord("\n"))])
                if not guarded:
                    found.append(pattern)
            for sub in (av if isinstance(av, (list, tuple)) else [av]):
                if isinstance(sub, _parser.SubPattern):
                    walk(sub)
                elif isinstance(sub, (list, tuple)):
                    for s in sub:
                        if isinstance(s, _parser.SubPattern):
                            walk(s)

    walk(_parser.parse(pattern, flags))
    return found


def _patterns_in_code() -> list[tuple[str, str, int]]:
    """(where, pattern, flags) of every constant regex given to the re module in pav_graph."""
    import ast
    import re

    out = []
    funcs = {"compile", "match", "search", "fullmatch", "sub", "subn", "split", "findall",
             "finditer"}
    for path in sorted((ROOT / "pav_graph").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in funcs and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "re" and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                flags = 0
                for arg in [*node.args[1:], *(k.value for k in node.keywords)]:
                    if isinstance(arg, ast.Attribute) and arg.attr in ("MULTILINE", "M"):
                        flags |= re.MULTILINE
                out.append((f"{path.relative_to(ROOT)}:{node.lineno}", node.args[0].value, flags))
    return out


def _patterns_in_schemas() -> list[tuple[str, str, int]]:
    from pav_graph import schema

    out = []

    def walk(node, where) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "pattern" and isinstance(v, str):
                    out.append((where, v, 0))
                walk(v, f"{where}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{where}[{i}]")

    for name in ("CASE_SCHEMA", "CONCEPT_SCHEMA", "COMPOSITE_SCHEMA", "SOURCE_SCHEMA"):
        walk(getattr(schema, name), name)
    return out


def test_no_pattern_is_anchored_with_a_bare_dollar() -> None:
    """Every regex in pav_graph and every schema pattern ends with `\\Z`, `$(?!\\n)` or is
    used with fullmatch; a bare `$` (which lets "x\\n" through) fails this test."""
    patterns = _patterns_in_code() + _patterns_in_schemas()
    assert len(patterns) > 25
    bad = [(where, p) for where, p, flags in patterns if _end_anchors(p, flags)]
    assert not bad, bad
    # the check itself can fail: it sees the patterns this issue was about
    assert _end_anchors(r"^[a-z0-9]+(-[a-z0-9]+)*$")
    assert _end_anchors(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
    assert _end_anchors(r"(a|b$)")
    assert not _end_anchors(r"^[a-z]+\Z") and not _end_anchors(r"^[a-z]+$(?!\n)")
    assert not _end_anchors(r"^x$", __import__("re").MULTILINE)


@pytest.mark.parametrize("suffix", ["\n", "\r\n", "\r", " ", "\t", "\u2028", "\x85"])
def test_schema_ids_refuse_trailing_line_breaks(suffix: str) -> None:
    """Both validators (jsonschema for messages, fastjsonschema for speed) refuse an id, a
    reference and a locator with anything after it."""
    from pav_graph.load import check_schema
    from pav_graph.problems import Problems

    data = base_data()
    for change in (lambda d: d.update(id=NEW_ID + suffix),
                   lambda d: d["actors"][0].update(role="gemeentesecretaris" + suffix),
                   lambda d: d["findings"][0]["evidence"][0].update(source="essay-2025" + suffix),
                   lambda d: d["organisations"][0].update(id="gemeente-heeze-leende" + suffix)):
        bad = base_data()
        change(bad)
        problems = Problems()
        assert not check_schema(Path("x.yaml"), bad, "case", problems)
        assert any("not a valid id" in p.message for p in problems)
    assert check_schema(Path("x.yaml"), data, "case", Problems())


def _names_with_line_breaks(root: Path) -> list[str]:
    return [str(p) for p in root.rglob("*") if any(ch in p.name for ch in "\n\r")]


ID_COMMANDS = [
    ("source-add", lambda tmp: ["source", "add", "--id", "lek\n", "--text", str(tmp / "t.txt"),
                                "--type", "report"]),
    ("source-add-crlf", lambda tmp: ["source", "add", "--id", "lek\r\n", "--text",
                                     str(tmp / "t.txt"), "--type", "report"]),
    ("concept-add", lambda tmp: ["concept", "add", "--id", "nieuw-begrip\n", "--kind",
                                 "risk-factor", "--label-nl", "nieuw", "--label-en", "new",
                                 "--definition-nl", "d", "--definition-en", "d",
                                 "--source", "essay-2025", "--lines", "92"]),
    ("case-add", lambda tmp: ["case", "add", "--no-build", str(tmp / "nl.yaml")]),
    ("case-add-ref", lambda tmp: ["case", "add", "--no-build", str(tmp / "ref.yaml")]),
]


@pytest.mark.parametrize("name,args", ID_COMMANDS, ids=[n for n, _ in ID_COMMANDS])
def test_ids_with_a_line_break_are_refused(name, args, corpus_copy: Path, tmp_path: Path) -> None:
    (tmp_path / "t.txt").write_text("Een tekst.\n", encoding="utf-8")
    (tmp_path / "nl.yaml").write_bytes(dump({**base_data(), "id": NEW_ID + "\n"}))
    ref = base_data()
    ref["findings"][0]["concept"] += "\n"
    (tmp_path / "ref.yaml").write_bytes(dump(ref))
    before = tree_hash(corpus_copy)
    run = pav(corpus_copy, *args(tmp_path))
    assert run.code in (1, 2), run.out
    assert "Traceback" not in run.out and "internal error" not in run.out, run.out
    assert "valid id" in run.out or "not an id" in run.out, run.out
    assert tree_hash(corpus_copy) == before
    assert not _names_with_line_breaks(corpus_copy) and not _names_with_line_breaks(tmp_path)


def test_case_new_trims_the_id(corpus_copy: Path, tmp_path: Path) -> None:
    """`case new` trims what is typed around an id (as at its prompt): "nieuw\n" is "nieuw"."""
    out = tmp_path / "out.yaml"
    run = pav(corpus_copy, "case", "new", "--no-input", "--id", "nieuw\n", "--label-nl", "x",
              "--label-en", "x", "--organisation", "Gemeente X", "--level", "gemeente",
              "--source", "essay-2025", "--role", "gemeentesecretaris", "--output", str(out))
    assert run.code == 0 and "Traceback" not in run.out, run.out
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["id"] == "nieuw"
    assert not _names_with_line_breaks(corpus_copy) and not _names_with_line_breaks(tmp_path)


@pytest.mark.parametrize("where", ["case", "concept", "source"])
def test_files_with_line_break_ids_fail_validation_not_the_build(where: str, corpus_copy: Path,
                                                                  tmp_path: Path) -> None:
    """A hand-written file with `id: "x\\n"` is refused by validate and build (not exit 70 on
    an invalid IRI)."""
    if where == "case":
        (corpus_copy / "cases" / "nl.yaml").write_bytes(dump({**base_data(), "id": "nl\n"}))
        name = "nl.yaml"
    elif where == "concept":
        item = {"id": "regel-einde\n", "kind": "risk-factor", "label": {"nl": "x", "en": "x"},
                "definition": {"nl": "x", "en": "x"}, "source": "essay-2025", "lines": 92}
        (corpus_copy / "ontology" / "concepts" / "zz.yaml").write_bytes(dump({"concepts": [item]}))
        name = "zz.yaml"
    else:
        (corpus_copy / "sources" / "lek.yaml").write_bytes(
            dump({"id": "lek\n", "text": "texts/lek.txt", "type": "report"}))
        (corpus_copy / "sources" / "texts" / "lek.txt").write_text("x\n", encoding="utf-8")
        name = "lek.yaml"
    for args in (("validate",), ("build", "--no-reason")):
        assert_clean_refusal(pav(corpus_copy, *args, build_dir=tmp_path / "build"), name,
                             "not a valid id")


# --------------------------------------------------------------------------- other files


@pytest.mark.parametrize("name,write,expect,place", [
    ("source-title-escape", lambda c: (c / "sources" / "lek.yaml").write_text(
        'id: lek\ntext: texts/lek.txt\ntype: report\ntitle: "Rapport \\e[2J"\n', encoding="utf-8"),
     "control character U+001B", "lek.yaml:4:"),
    ("concept-label-nul", lambda c: (c / "ontology" / "concepts" / "zz.yaml").write_text(
        'concepts:\n  - id: zz\n    kind: risk-factor\n    label: {nl: "a\\0b", en: x}\n'
        '    definition: {nl: x, en: x}\n    source: essay-2025\n    lines: 92\n',
        encoding="utf-8"), "control character U+0000", "zz.yaml:4:"),
    ("source-text-control", lambda c: (c / "sources" / "texts" / "lek.txt").write_bytes(
        b"Een regel.\nTwee\x1b[31m regels.\n"), "control character U+001B", "lek.txt:2:5"),
    ("source-text-latin-1", lambda c: (c / "sources" / "texts" / "lek.txt").write_bytes(
        "Een regel.\nGeëscaleerd.\n".encode("latin-1")), "iconv -f windows-1252", "lek.txt:2:3"),
    ("source-text-utf-16", lambda c: (c / "sources" / "texts" / "lek.txt").write_bytes(
        "Een regel.\n".encode("utf-16")), "iconv -f utf-16", "lek.txt:1:1"),
], ids=lambda v: v if isinstance(v, str) and " " not in v and ":" not in v else "")
def test_sources_and_concepts_refuse_control_characters(name, write, expect, place,
                                                         corpus_copy: Path) -> None:
    (corpus_copy / "sources" / "texts" / "lek.txt").write_text("Een regel.\n", encoding="utf-8")
    if not (corpus_copy / "sources" / "lek.yaml").exists() and name != "source-title-escape":
        (corpus_copy / "sources" / "lek.yaml").write_text(
            "id: lek\ntext: texts/lek.txt\ntype: report\n", encoding="utf-8")
    write(corpus_copy)
    run = pav(corpus_copy, "validate")
    assert_clean_refusal(run, "lek" if name.startswith("source") else "zz.yaml", expect)
    line = next(x for x in run.out.splitlines() if expect in x)
    assert place in line, line  # the place of the character (or of its value)


@pytest.mark.parametrize("data,expect", [
    ("Een regel.\n".encode("utf-16-le"), "pass --encoding utf-16-le"),
    ("Een regel.\n".encode("utf-16-be"), "pass --encoding utf-16-be"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not text"),
])
def test_source_add_refuses_unreadable_texts(data: bytes, expect: str, corpus_copy: Path,
                                             tmp_path: Path) -> None:
    """UTF-16 without a byte-order mark is named as such (it was called binary, or
    Windows-1252); a binary file is refused."""
    text = tmp_path / "rapport.txt"
    text.write_bytes(data)
    before = tree_hash(corpus_copy)
    run = pav(corpus_copy, "source", "add", "--id", "rapport", "--text", str(text),
              "--type", "report")
    assert_clean_refusal(run, "rapport.txt", expect)
    assert tree_hash(corpus_copy) == before


def test_source_add_turns_control_characters_into_spaces(corpus_copy: Path,
                                                          tmp_path: Path) -> None:
    """A document's text with ESC sequences and other controls is stored with spaces in their
    place (a quote could never be written with them); page breaks stay; the corpus validates."""
    text = tmp_path / "rapport.txt"
    text.write_bytes(b"Pagina \x1b[31meen.\x0cPagina\x02twee\xc2\x85.\n")  # ESC, STX, NEL
    run = pav(corpus_copy, "source", "add", "--id", "rapport", "--text", str(text),
              "--type", "report", "--title", "Titel\x07")
    assert run.code == 0, run.out
    stored = (corpus_copy / "sources" / "texts" / "rapport.txt").read_text(encoding="utf-8")
    assert stored == "Pagina  [31meen.\n\x0cPagina twee .\n", repr(stored)
    assert "Titel" in (corpus_copy / "sources" / "rapport.yaml").read_text(encoding="utf-8")
    assert pav(corpus_copy, "validate").code == 0

@pytest.mark.parametrize("field,expect", [("ulr", "did you mean 'url'"),
                                          ("titel", "did you mean 'title'"),
                                          ("year_notes", "did you mean 'year_note'")])
def test_source_files_refuse_unknown_fields(field: str, expect: str, corpus_copy: Path) -> None:
    """A misspelled field in sources/*.yaml was ignored (a `ulr:` left the source without its
    address); now it is a problem with its place, like in a case file."""
    path = corpus_copy / "sources" / "betrekkingen-2004.yaml"
    path.write_text(path.read_text(encoding="utf-8") + f"{field}: x\n", encoding="utf-8")
    run = pav(corpus_copy, "validate")
    assert_clean_refusal(run, "betrekkingen-2004.yaml", f"unknown field '{field}'")
    assert expect in run.out


@pytest.mark.parametrize("java,expect", [
    ("Java error message is:\n", "stopped without a message"),
    ("", "stopped without a message"),
    (("Java error message is:\nException in thread \"main\" java.lang.OutOfMemoryError: heap\n"
     "\tat x.y(Z.java:1)\n"), "java.lang.OutOfMemoryError: heap"),
    ("Java error message is:\nsome warning\nError: could not find class\n", "could not find class"),
])
def test_a_reasoner_failure_is_never_an_empty_message(java: str, expect: str) -> None:
    """`case add` with a NaN once ended in "the reasoner failed: Java error message is:" and
    nothing else. Whatever Java prints (or not), the message says something and how to go on."""
    from pav_graph.reason import java_failure

    line = java_failure(java)
    assert expect in line and "\n" not in line and " — " in line and "--no-reason" in line


@pytest.mark.slow
def test_a_real_hermit_failure_names_its_cause() -> None:
    """A literal HermiT cannot read (what a NaN measure once became) fails with Java's reason."""
    from pav_graph import reason

    nt = (b'<urn:a> <urn:p> "NaN"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n'
          b"<urn:p> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
          b"<http://www.w3.org/2002/07/owl#DatatypeProperty> .\n")
    with pytest.raises(reason.InconsistentOntology) as caught:
        reason._hermit(nt)
    assert "MalformedLiteralException" in str(caught.value), caught.value
