"""Faults from outside: a build killed halfway, a read-only or full disk, two writers at once.

Everything runs the real command line in subprocesses on a copy of the corpus. The tests are
root here, and root ignores file permissions, so "read-only" is simulated with a read-only bind
mount (``mount -o bind,ro``) and "disk full" with a 200 KiB tmpfs; when the machine does not
allow mounting (no CAP_SYS_ADMIN) those tests are skipped with that reason. The build directory
given as a *file* (a common typo) needs no privileges and always runs.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from test_bad_input import base_data, dump, pav, tree_hash

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module", autouse=True)
def ctrl_c_reaches_the_commands():
    """The commands under test get Ctrl-C as a terminal gives it. A shell that starts the tests
    in the background (``cmd &`` without job control, nohup) makes them ignore SIGINT, and
    pav-graph keeps an ignored SIGINT ignored on purpose; the children inherit that. With a
    handler here, every child starts with SIGINT at its default, whatever started pytest."""
    before = signal.getsignal(signal.SIGINT)
    if before == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    if before == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def _env(build_dir: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT), PAV_GRAPH_BUILD=str(build_dir))
    env.pop("PAV_GRAPH_CORPUS", None)
    return env


def _cases_json(corpus: Path, build_dir: Path) -> list[dict]:
    run = pav(corpus, "cases", "--format", "json", build_dir=build_dir)
    assert run.code == 0, run.out
    return json.loads(run.out[run.out.index("["):])


@contextmanager
def mounted(args: list[str], target: Path):
    """Mount something at ``target`` for the block; skip the test when mounting is not allowed."""
    target.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(["mount", *args, str(target)], capture_output=True, text=True,
                            check=False)
    if result.returncode != 0:
        pytest.skip(f"cannot mount here ({result.stderr.strip() or 'not root'}); "
                    "simulating this fault needs CAP_SYS_ADMIN")
    try:
        yield target
    finally:
        subprocess.run(["umount", str(target)], check=False)


@contextmanager
def read_only(directory: Path):
    """``directory`` made read-only for root too: bind-mounted onto itself, then remounted ro."""
    with mounted(["--bind", str(directory)], directory):
        remount = subprocess.run(["mount", "-o", "remount,bind,ro", str(directory)],
                                 capture_output=True, text=True, check=False)
        if remount.returncode != 0:
            pytest.skip(f"cannot remount read-only: {remount.stderr.strip()}")
        yield directory


def assert_one_line_error(run, *words: str) -> None:
    assert run.code in (1, 2), f"exit {run.code}:\n{run.out}"
    assert "Traceback" not in run.out and "internal error" not in run.out, run.out
    errors = [line for line in run.out.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, run.out
    for word in words:
        assert word in errors[0], errors[0]


# --------------------------------------------------------------------------- killed builds


@pytest.fixture(scope="module")
def built_corpus(tmp_path_factory, project_root):
    """A copy of the corpus with one build."""
    root = tmp_path_factory.mktemp("faults")
    corpus = root / "corpus"
    for name in ("cases", "ontology", "sources", "queries"):
        shutil.copytree(project_root / name, corpus / name)
    build_dir = root / "build"
    run = pav(corpus, "build", "-q", build_dir=build_dir)
    assert run.code == 0, run.out
    run = pav(corpus, "build", "-q", "--force", build_dir=build_dir)  # how long one takes here
    assert run.code == 0, run.out
    return corpus, build_dir, run.seconds


def _usable(build_dir: Path, n_cases: int) -> None:
    """current.json names a complete build whose store opens and holds every case."""
    import pyoxigraph as ox

    from pav_graph.rdf import ONTO

    directory = build_dir / json.loads((build_dir / "current.json").read_text())["directory"]
    assert (directory / "manifest.json").is_file() and (directory / "graph.nt").is_file()
    store = ox.Store.read_only(str(directory / "store"))
    rows = list(store.query(f"SELECT (COUNT(?c) AS ?n) WHERE {{ ?c a <{ONTO}Case> }}"))
    assert int(rows[0]["n"].value) == n_cases
    del store


# Kill points as fractions of the time one forced build takes on this machine (measured by the
# fixture): from process start-up through loading, SHACL, the reasoner (a Java child) and
# writing the store. Past 1.0 the build may win the race; then the new build must be whole.
KILL_AT = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0]


@pytest.mark.slow
@pytest.mark.parametrize("fraction", KILL_AT)
def test_killed_build_leaves_the_previous_build_usable(built_corpus, fraction: float) -> None:
    """SIGKILL a `build --force` of a changed corpus part-way: the build in use
    (build/current.json) still answers `pav-graph cases`, and the next build succeeds and clears
    the killed build's temporary directory."""
    corpus, build_dir, seconds = built_corpus
    delay = seconds * fraction
    pointer = build_dir / "current.json"
    before = pointer.read_bytes()
    expected = _cases_json(corpus, build_dir)
    assert pointer.read_bytes() == before  # answering did not rebuild
    n_cases = len(list((corpus / "cases").glob("*.yaml")))
    assert len(expected) == n_cases

    case = corpus / "cases" / "houten.yaml"
    original = case.read_bytes()
    case.write_bytes(original.replace(b"\nsummary:\n", b"\nsummary:  # changed\n", 1))
    assert case.read_bytes() != original
    proc = subprocess.Popen([sys.executable, "-m", "pav_graph", "--corpus", str(corpus), "build",
                             "--force", "-q"], env=_env(build_dir), start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    killed = proc.poll() is None
    if killed:
        os.killpg(proc.pid, signal.SIGKILL)  # the build and its reasoner (Java) child
    proc.wait()
    case.write_bytes(original)  # back to the inputs of the previous build

    _usable(build_dir, n_cases)  # old or new, the build in use is whole
    if pointer.read_bytes() == before:
        assert _cases_json(corpus, build_dir) == expected
        assert pointer.read_bytes() == before  # answered from the previous build, no rebuild
    else:  # the build got as far as swapping the pointer (or finished): the new one is in use
        assert _cases_json(corpus, build_dir) == expected  # rebuilt for the restored inputs
    run = pav(corpus, "build", "--force", "-q", build_dir=build_dir)
    assert run.code == 0, run.out
    leftovers = [p.name for p in (build_dir / "builds").iterdir() if p.name.startswith(".")]
    assert not leftovers, f"temporary build directories left behind: {leftovers}"
    assert pointer.read_bytes() == before  # same inputs, same build directory again


# --------------------------------------------------------------------------- unwritable places


def test_build_dir_that_is_a_file(corpus_copy: Path, tmp_path: Path) -> None:
    """PAV_GRAPH_BUILD pointing at a file: one line naming the path, exit 1, no traceback."""
    blocker = tmp_path / "build"
    blocker.write_text("not a directory", encoding="utf-8")
    run = pav(corpus_copy, "build", "--no-reason", "--no-shacl", build_dir=blocker)
    assert_one_line_error(run, str(blocker))
    assert blocker.read_text(encoding="utf-8") == "not a directory"
    run = pav(corpus_copy, "cases", build_dir=blocker)  # a command that builds on demand
    assert_one_line_error(run, str(blocker))


def test_build_into_a_read_only_directory(corpus_copy: Path, tmp_path: Path) -> None:
    build_dir = tmp_path / "build"
    build_dir.mkdir()
    with read_only(build_dir):
        run = pav(corpus_copy, "build", "--no-reason", "--no-shacl", build_dir=build_dir)
        assert_one_line_error(run, str(build_dir), "read-only")
    assert not any(build_dir.iterdir())


def test_build_on_a_full_disk(corpus_copy: Path, tmp_path: Path) -> None:
    """The graph (about 2 MB of N-Triples) does not fit on a 200 KiB tmpfs."""
    build_dir = tmp_path / "build"
    with mounted(["-t", "tmpfs", "-o", "size=200k", "tmpfs"], build_dir):
        run = pav(corpus_copy, "build", "--no-reason", "--no-shacl", build_dir=build_dir)
        assert_one_line_error(run, "space")
        assert not (build_dir / "current.json").exists()
        assert not [p for p in (build_dir / "builds").rglob("*") if p.is_file()], \
            "a failed build must clean up its temporary files"


def test_full_disk_keeps_the_previous_build(corpus_copy: Path, tmp_path: Path) -> None:
    """A build that runs out of space leaves the previous build in use."""
    build_dir = tmp_path / "build"
    with mounted(["-t", "tmpfs", "-o", "size=64m", "tmpfs"], build_dir):  # one build is ~12 MB
        run = pav(corpus_copy, "build", "-q", "--no-reason", build_dir=build_dir)
        assert run.code == 0, run.out
        pointer = (build_dir / "current.json").read_bytes()
        filler = build_dir / "filler"
        free = shutil.disk_usage(build_dir).free
        with open(filler, "wb") as fh:  # leave ~100 KiB
            fh.write(b"\0" * max(0, free - 100 * 1024))
        case = corpus_copy / "cases" / "houten.yaml"
        case.write_bytes(case.read_bytes().replace(b"\nsummary:\n", b"\nsummary:  # changed\n", 1))
        run = pav(corpus_copy, "build", "--no-reason", build_dir=build_dir)
        assert_one_line_error(run, "space")
        assert (build_dir / "current.json").read_bytes() == pointer
        filler.unlink()


def test_case_add_to_a_read_only_corpus(corpus_copy: Path, tmp_path: Path) -> None:
    incoming = tmp_path / "proef-casus.yaml"
    incoming.write_bytes(dump(base_data()))
    before = tree_hash(corpus_copy)
    with read_only(corpus_copy / "cases"):
        run = pav(corpus_copy, "case", "add", "--no-build", str(incoming))
        assert_one_line_error(run, "cases", "read-only")
    assert tree_hash(corpus_copy) == before


# --------------------------------------------------------------------------- two writers


def test_concurrent_case_adds_lose_nothing(corpus_copy: Path, tmp_path: Path) -> None:
    """Four `case add` at the same moment, each a different case: all four end up in cases/,
    each byte-for-byte what was added, and the corpus validates."""
    ids = [f"proef-{n}" for n in range(4)]
    n_before = len(list((corpus_copy / "cases").glob("*.yaml")))
    files = []
    for cid in ids:
        f = tmp_path / f"{cid}.yaml"
        f.write_bytes(dump({**base_data(), "id": cid}))
        files.append(f)
    procs = [subprocess.Popen([sys.executable, "-m", "pav_graph", "--corpus", str(corpus_copy),
                               "case", "add", "--no-build", str(f)],
                              env=_env(tmp_path / "build"), stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT) for f in files]
    outputs = [p.communicate(timeout=300)[0].decode() for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, outputs
    for cid in ids:
        placed = (corpus_copy / "cases" / f"{cid}.yaml").read_text(encoding="utf-8")
        assert f"id: {cid}\n" in placed
    assert len(list((corpus_copy / "cases").glob("*.yaml"))) == n_before + 4
    run = pav(corpus_copy, "validate")
    assert run.code == 0 and f"ok: {n_before + 4} case(s)" in run.out, run.out


def test_concurrent_adds_of_the_same_id_keep_one(corpus_copy: Path, tmp_path: Path) -> None:
    """Two `case add` of the same new id at once: exactly one wins, the other is told the id
    exists; the file in cases/ is one of the two, whole."""
    variants = []
    for n in range(2):
        data = base_data()
        data["summary"]["en"] = f"variant {n}"
        f = tmp_path / f"v{n}" / "proef-casus.yaml"
        f.parent.mkdir()
        f.write_bytes(dump(data))
        variants.append(f)
    procs = [subprocess.Popen([sys.executable, "-m", "pav_graph", "--corpus", str(corpus_copy),
                               "case", "add", "--no-build", str(f)],
                              env=_env(tmp_path / "build"), stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT) for f in variants]
    outputs = [p.communicate(timeout=300)[0].decode() for p in procs]
    codes = sorted(p.returncode for p in procs)
    assert codes == [0, 1], outputs
    assert any("already exists" in o for o in outputs)
    placed = (corpus_copy / "cases" / "proef-casus.yaml").read_text(encoding="utf-8")
    assert ("variant 0" in placed) != ("variant 1" in placed)


def test_site_on_a_full_disk_names_the_path(corpus_copy: Path, tmp_path: Path) -> None:
    """A full disk fails in write(), whose error names no file: the message still says where
    the site was going, and nothing is left behind."""
    build_dir = tmp_path / "build"
    assert pav(corpus_copy, "build", "-q", "--no-reason", "--no-shacl",
               build_dir=build_dir).code == 0
    disk = tmp_path / "disk"
    with mounted(["-t", "tmpfs", "-o", "size=1m", "tmpfs"], disk):
        run = pav(corpus_copy, "site", str(disk / "site"), build_dir=build_dir)
        assert_one_line_error(run, str(disk / "site"), "space")
        assert os.listdir(disk) == []


# --------------------------------------------------------------------------- signals
#
# SIGTERM during `case add` once left the new file placed, the graph not rebuilt, exit -15 with
# no message and the reasoner's `java` running; Ctrl-C exited 1 with "Aborted!". Now every
# stop unwinds: the case is added or cases/ is as before, one line says so, the exit code is
# 128 + the signal, and no process of the command's process group is left.


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def _group(pgid: int) -> list[int]:
    """Living processes of process group ``pgid`` (zombies excluded)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_bytes()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        if int(fields[2]) == pgid and fields[0] != b"Z":
            found.append(int(entry))
    return found


def _wait_for(proc, what: str, placed: Path | None, timeout: float = 300) -> bool:
    """Wait until the command reaches ``what``: "java", the reasoner's JVM is running;
    "placed", the new case file is in cases/ and the build runs, before the reasoner;
    "start", it has just started. False when it finished first."""
    from pav_graph.signals import descendants

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        if what == "start":
            time.sleep(0.3)
            return True
        if what == "placed":
            if placed.exists():
                return True
        elif "java" in [_comm(p) for p in descendants(proc.pid)]:
            return True
        time.sleep(0.02)
    raise AssertionError(f"no {what} child appeared in {timeout} s")


STOPS = [  # signal, when, exit code
    (signal.SIGTERM, "start", 143),
    (signal.SIGTERM, "placed", 143),
    (signal.SIGINT, "placed", 130),
    (signal.SIGHUP, "placed", 129),
]
LAST_LINE = {143: "terminated", 130: "interrupted", 129: "hung up"}


def _stopped(proc, signum, when: str, placed: Path | None) -> tuple[bool, str]:
    """Signal ``proc`` once it reaches ``when``; then no process of its group may be left."""
    reached = _wait_for(proc, when, placed)
    if reached:
        os.kill(proc.pid, signum)
    out = proc.communicate(timeout=120)[0].decode()
    time.sleep(0.5)
    left = [(p, _comm(p)) for p in _group(proc.pid)]
    for p, _ in left:
        os.kill(p, signal.SIGKILL)
    assert not left, f"processes left running: {left}"
    assert "Traceback" not in out and "internal error" not in out, out
    return reached, out


@pytest.mark.slow
@pytest.mark.parametrize("signum,when,code", STOPS,
                         ids=[f"{s.name}-{w}" for s, w, _ in STOPS])
def test_a_stopped_case_add_restores_and_leaves_no_process(built_corpus, tmp_path, signum, when,
                                                            code) -> None:
    """`case add` places the file, then builds (incrementally: no reasoner JVM any more);
    stopped at its start or once the file is placed, it puts cases/ back."""
    corpus, build_dir, _ = built_corpus
    cid = f"gestopt-{signum.name.lower()}-{when}"
    incoming = tmp_path / f"{cid}.yaml"
    incoming.write_bytes(dump({**base_data(), "id": cid}))
    before = tree_hash(corpus)
    n_cases = len(list((corpus / "cases").glob("*.yaml")))
    placed = corpus / "cases" / f"{cid}.yaml"
    proc = subprocess.Popen([sys.executable, "-m", "pav_graph", "--corpus", str(corpus), "case",
                             "add", str(incoming)], env=_env(build_dir), start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    reached, out = _stopped(proc, signum, when, placed)
    if proc.returncode == 0:  # it finished before the signal: the case is in, and built
        assert placed.is_file(), out
        _usable(build_dir, n_cases + 1)
        placed.unlink()
        assert pav(corpus, "build", "-q", "--no-reason", build_dir=build_dir).code == 0
        assert not reached, f"the {when} stop was reached but not acted on"
        pytest.fail(f"case add finished before the {when} stop: nothing was stopped")
    assert reached
    assert proc.returncode == code, out
    assert out.rstrip().splitlines()[-1].startswith(LAST_LINE[code]), out
    assert not placed.exists(), "the new case was left in cases/"
    assert tree_hash(corpus) == before
    _usable(build_dir, n_cases)
    assert pav(corpus, "validate").code == 0


@pytest.mark.slow
@pytest.mark.parametrize("signum,code", [(signal.SIGTERM, 143), (signal.SIGINT, 130),
                                         (signal.SIGHUP, 129)], ids=["SIGTERM", "SIGINT", "SIGHUP"])
def test_a_full_build_stopped_during_the_reasoner_keeps_the_previous_build(built_corpus, signum,
                                                                          code) -> None:
    """`build --full` runs HermiT's JVM on the whole graph; stopped while it runs, the JVM goes
    with it and the previous build stays in use."""
    corpus, build_dir, _ = built_corpus
    n_cases = len(list((corpus / "cases").glob("*.yaml")))
    pointer = (build_dir / "current.json").read_bytes()
    before = tree_hash(corpus)
    proc = subprocess.Popen([sys.executable, "-m", "pav_graph", "--corpus", str(corpus), "build",
                             "--full"], env=_env(build_dir), start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    reached, out = _stopped(proc, signum, "java", None)
    assert reached, f"build --full finished without starting HermiT's java: {out}"
    assert proc.returncode == code, out
    assert out.rstrip().splitlines()[-1].startswith(LAST_LINE[code]), out
    assert (build_dir / "current.json").read_bytes() == pointer
    assert tree_hash(corpus) == before
    _usable(build_dir, n_cases)


@pytest.mark.slow
def test_a_full_build_killed_during_the_reasoner_takes_its_jvm_with_it(built_corpus) -> None:
    """SIGKILL runs no handler: HermiT's JVM (and any worker) once kept running after its
    command was killed. Now the kernel kills them with it (PR_SET_PDEATHSIG), and the previous
    build stays in use."""
    from pav_graph.signals import descendants

    corpus, build_dir, _ = built_corpus
    n_cases = len(list((corpus / "cases").glob("*.yaml")))
    pointer = (build_dir / "current.json").read_bytes()
    proc = subprocess.Popen([sys.executable, "-m", "pav_graph", "--corpus", str(corpus), "build",
                             "--full"], env=_env(build_dir), start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        assert _wait_for(proc, "java", None), "build --full finished without starting java"
        helpers = descendants(proc.pid)
        assert "java" in [_comm(p) for p in helpers]
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=60)
        deadline = time.monotonic() + 10
        while (left := [p for p in helpers if p in _group(proc.pid)]) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not left, f"left running after SIGKILL: {[(p, _comm(p)) for p in left]}"
    finally:
        for p in _group(proc.pid):
            os.kill(p, signal.SIGKILL)
    assert (build_dir / "current.json").read_bytes() == pointer
    _usable(build_dir, n_cases)


def test_serve_stops_on_sigterm_with_its_workers(built_corpus) -> None:
    """`serve` is stopped by SIGTERM as service managers do: it closes its query workers and
    exits 0 (a server's normal stop), leaving no process behind."""
    from w3c_protocol import free_port

    from pav_graph.signals import descendants

    corpus, build_dir, _ = built_corpus
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "pav_graph", "--corpus", str(corpus), "serve",
                             "--port", str(port), "--workers", "2"], env=_env(build_dir),
                            start_new_session=True, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while len(descendants(proc.pid)) < 2:
        assert proc.poll() is None and time.monotonic() < deadline, proc.stdout.read()
        time.sleep(0.1)
    time.sleep(1)
    os.kill(proc.pid, signal.SIGTERM)
    out = proc.communicate(timeout=60)[0].decode()
    time.sleep(0.5)
    left = _group(proc.pid)
    for p in left:
        os.kill(p, signal.SIGKILL)
    assert proc.returncode == 0 and not left, (proc.returncode, left, out)
    assert "Traceback" not in out


WRAPPED_STOP = """
import os, signal, sys
from pav_graph.cli import main as cli_main

class Slot:  # the signal arrives while Python creates a class: it wraps it in a RuntimeError
    def __set_name__(self, owner, name):
        os.kill(os.getpid(), signal.{name})

def run(*args, **kwargs):
    class Holder:
        slot = Slot()

cli_main.cli.main = run
cli_main.main()
"""


@pytest.mark.parametrize("signum,code", [(signal.SIGHUP, 129), (signal.SIGTERM, 143),
                                         (signal.SIGINT, 130)], ids=["SIGHUP", "SIGTERM", "SIGINT"])
def test_a_stop_wrapped_by_the_code_it_interrupts_is_still_a_stop(signum, code) -> None:
    """CI once stopped `case add` with SIGHUP while it imported a module: Python wrapped the
    handler's exception in "RuntimeError: Error calling __set_name__ ...", and the CLI called it
    an internal error. Any exception after a signal is that signal's stop."""
    proc = subprocess.run([sys.executable, "-c", WRAPPED_STOP.replace("{name}", signum.name)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == code, proc.stderr
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith(LAST_LINE[code]), proc.stderr


SWALLOWED_STOP = """
import os, signal, sys, time
from pav_graph.cli import main as cli_main

class Closing:  # the signal arrives while a finalizer runs: Python swallows what it raises
    def __del__(self):
        os.kill(os.getpid(), signal.{name})
        for _ in range(1000):
            pass

def run(*args, **kwargs):
    Closing()
    for _ in range(500):  # 5 s of work the stop must cut short
        time.sleep(0.01)
    print("finished")

cli_main.cli.main = run
cli_main.main()
"""


@pytest.mark.parametrize("signum,code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)],
                         ids=["SIGTERM", "SIGINT"])
def test_a_stop_swallowed_by_a_finalizer_still_stops(signum, code) -> None:
    """A signal handled inside ``__del__`` raises where Python only prints "Exception ignored"
    and goes on: the command must stop all the same, not finish."""
    proc = subprocess.run([sys.executable, "-c", SWALLOWED_STOP.replace("{name}", signum.name)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == code, proc.stdout + proc.stderr
    assert "finished" not in proc.stdout
    assert "Exception ignored" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith(LAST_LINE[code]), proc.stderr
