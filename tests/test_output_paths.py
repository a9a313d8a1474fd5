"""Where `export` and `site` write, as an unprivileged user: links, devices, permissions.

The rule is in :mod:`pav_graph.outputs` and docs/reliability.md: a symbolic link is written
through (the real target is replaced atomically, the link stays), a device, FIFO or socket is
refused, a file standing where a directory is needed is named. Root ignores permissions, so
these commands run as ``nobody`` (``setpriv``) when the tests run as root; the setup is made
by root and handed to that user. Devices are real ones (/dev/null, /dev/full), and, when the
tests run as root, a private copy of /dev/null made with mknod checks that root is refused too.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOBODY = 65534


def _python() -> tuple[str, str]:
    """An interpreter the unprivileged user may run, and the PYTHONPATH it needs. The venv's
    python may link into /root (mode 700); then the system's python of the same version runs
    with the venv's packages on its path."""
    import sysconfig

    exe = os.path.realpath(sys.executable)
    reachable = all(os.stat(p).st_mode & 0o001 for p in [*Path(exe).parents, Path(exe)])
    site = sysconfig.get_paths()["purelib"]
    if os.geteuid() != 0 or reachable:
        return sys.executable, str(ROOT)
    candidate = f"/usr/bin/python{sys.version_info[0]}.{sys.version_info[1]}"
    if not os.path.exists(candidate):
        pytest.skip(f"no python the unprivileged user can run ({exe} is under a private "
                    f"directory and {candidate} does not exist)")
    return candidate, f"{ROOT}{os.pathsep}{site}"


def _user_prefix() -> list[str]:
    if os.geteuid() != 0:
        return []
    if not shutil.which("setpriv"):
        pytest.skip("setpriv (util-linux) is needed to run as an unprivileged user")
    return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--"]


@pytest.fixture(scope="module")
def place():
    """A corpus and its build, readable by everyone, and out/ owned by the user."""
    base = Path(tempfile.mkdtemp(prefix="pav-graph-outputs-", dir="/tmp"))
    os.chmod(base, 0o755)
    corpus = base / "corpus"
    for name in ("cases", "ontology", "sources", "queries"):
        shutil.copytree(ROOT / name, corpus / name)
    build = base / "build"
    env = dict(os.environ, PYTHONPATH=str(ROOT), PAV_GRAPH_BUILD=str(build))
    env.pop("PAV_GRAPH_CORPUS", None)
    done = subprocess.run([sys.executable, "-m", "pav_graph", "--corpus", str(corpus), "build",
                           "-q", "--no-reason", "--no-shacl"], env=env, capture_output=True,
                          text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    for path in [base, *base.rglob("*")]:
        if not path.is_symlink():
            os.chmod(path, os.stat(path).st_mode | 0o444 | (0o111 if path.is_dir() else 0))
    out = base / "out"
    out.mkdir()
    uid = NOBODY if os.geteuid() == 0 else os.geteuid()
    os.chown(out, uid, uid)
    python, pythonpath = _python()
    yield {"base": base, "corpus": corpus, "build": build, "out": out, "uid": uid,
           "python": python, "pythonpath": pythonpath}
    for path in out.rglob("*"):  # locked directories: open them again for the clean-up
        if path.is_dir() and not path.is_symlink():
            os.chmod(path, 0o755)
    shutil.rmtree(base, ignore_errors=True)


def as_user(place, *args: str, privileged: bool = False) -> subprocess.CompletedProcess:
    """Run pav-graph as the unprivileged user (or as the test's own user: ``privileged``)."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(place["out"]),
           "PYTHONPATH": place["pythonpath"], "PAV_GRAPH_BUILD": str(place["build"]),
           "LANG": "C.UTF-8"}
    prefix = [] if privileged else _user_prefix()
    python = sys.executable if privileged else place["python"]
    if privileged:
        env["PYTHONPATH"] = str(ROOT)
    return subprocess.run([*prefix, python, "-m", "pav_graph", "--corpus", str(place["corpus"]),
                           *args], env=env, cwd=place["out"], capture_output=True, text=True,
                          timeout=600, check=False)


def own(place, *paths: Path) -> None:
    for p in paths:
        os.lchown(p, place["uid"], place["uid"])


def fresh(place, name: str) -> Path:
    d = place["out"] / name
    d.mkdir()
    own(place, d)
    return d


def one_line_refusal(run, *words: str, code: tuple = (1, 2)) -> str:
    out = run.stdout + run.stderr
    assert run.returncode in code, out
    assert "Traceback" not in out and "internal error" not in out, out
    errors = [line for line in out.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, out
    for w in words:
        assert w in errors[0], errors[0]
    return errors[0]


OLD = b"old content\n"


def _is_ntriples(path: Path) -> bool:
    data = path.read_bytes()
    return data != OLD and data.count(b" .\n") > 1000


# --------------------------------------------------------------------------- export


def test_export_through_a_link_to_a_file(place):
    d = fresh(place, "link-to-file")
    (d / "real").mkdir()
    (d / "real" / "a.nt").write_bytes(OLD)
    (d / "link.nt").symlink_to(d / "real" / "a.nt")
    (d / "l1.nt").symlink_to(d / "l2.nt")
    (d / "l2.nt").symlink_to(d / "real" / "b.nt")
    (d / "real" / "b.nt").write_bytes(OLD)
    own(place, d / "real", d / "real" / "a.nt", d / "real" / "b.nt", d / "link.nt",
        d / "l1.nt", d / "l2.nt")
    for link, target in (("link.nt", "a.nt"), ("l1.nt", "b.nt")):
        run = as_user(place, "export", "--force", "--format", "nt", str(d / link))
        assert run.returncode == 0, run.stdout + run.stderr
        assert (d / link).is_symlink(), "the link was replaced by a file"
        assert _is_ntriples(d / "real" / target)
    assert os.readlink(d / "link.nt") == str(d / "real" / "a.nt")
    assert sorted(p.name for p in (d / "real").iterdir()) == ["a.nt", "b.nt"]  # no temp left


def test_export_through_a_dangling_link_creates_its_target(place):
    d = fresh(place, "dangling")
    (d / "real").mkdir()
    own(place, d / "real")
    (d / "new.nt").symlink_to(d / "real" / "new.nt")
    own(place, d / "new.nt")
    run = as_user(place, "export", "--format", "nt", str(d / "new.nt"))
    assert run.returncode == 0, run.stdout + run.stderr
    assert (d / "new.nt").is_symlink() and _is_ntriples(d / "real" / "new.nt")


def _mkfifo(d: Path) -> Path:
    os.mkfifo(d / "pipe.nt")
    return d / "pipe.nt"


def _link(target: Path):
    def make(d: Path) -> Path:
        (d / "link.nt").symlink_to(target)
        return d / "link.nt"
    return make


def _dir_link(d: Path) -> Path:
    (d / "real").mkdir()
    (d / "dl.nt").symlink_to(d / "real")
    return d / "dl.nt"


def _loop(d: Path) -> Path:
    (d / "loop.nt").symlink_to(d / "loop.nt")
    return d / "loop.nt"


def _file_in_the_way(d: Path) -> Path:
    (d / "afile").write_bytes(OLD)
    return d / "afile" / "x.nt"


REFUSED = [
    # name, make OUT in d, --force?, words of the one error line
    ("dev-full", lambda d: Path("/dev/full"), False, ["character device"]),
    ("dev-null-forced", lambda d: Path("/dev/null"), True, ["character device"]),
    ("link-to-dev-null", _link(Path("/dev/null")), True, ["character device", "/dev/null"]),
    ("fifo", _mkfifo, True, ["named pipe"]),
    ("link-to-directory", _dir_link, True, ["is a directory"]),
    ("file-in-the-way", _file_in_the_way, False, ["afile is a file, not a directory"]),
    ("link-loop", _loop, False, ["loop"]),
]


@pytest.mark.parametrize("name,make,force,words", REFUSED, ids=[r[0] for r in REFUSED])
def test_export_refuses_what_is_not_a_file(place, name, make, force, words):
    d = fresh(place, name)
    out = make(d)
    for p in d.rglob("*"):
        own(place, p)
    before = {p.name: (os.lstat(p).st_mode, os.readlink(p) if p.is_symlink() else None)
              for p in d.iterdir()}
    run = as_user(place, "export", *(["--force"] if force else []), "--format", "nt", str(out))
    one_line_refusal(run, *words, code=(2,))
    after = {p.name: (os.lstat(p).st_mode, os.readlink(p) if p.is_symlink() else None)
             for p in d.iterdir()}
    assert after == before
    for dev in ("/dev/null", "/dev/full"):
        assert stat.S_ISCHR(os.stat(dev).st_mode)


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod needs root; as root the rule must hold too")
def test_root_does_not_replace_a_device_node(place):
    """Root may replace anything: the rule, not a permission, keeps a device node a device."""
    d = fresh(place, "root-device")
    os.mknod(d / "null.nt", stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a copy of /dev/null
    (d / "link.nt").symlink_to(d / "null.nt")
    for out in ("null.nt", "link.nt"):
        run = as_user(place, "export", "--force", "--format", "nt", str(d / out),
                      privileged=True)
        one_line_refusal(run, "character device", code=(2,))
        assert stat.S_ISCHR(os.lstat(d / "null.nt").st_mode)
    assert (d / "link.nt").is_symlink()


def test_export_into_a_place_the_user_cannot_write(place):
    """A link into a directory the user may not write: one line with the path and the
    reason, the link and the file behind it unchanged."""
    d = fresh(place, "locked")
    (d / "locked").mkdir()
    (d / "locked" / "a.nt").write_bytes(OLD)
    (d / "ro.nt").symlink_to(d / "locked" / "a.nt")
    own(place, d / "ro.nt", d / "locked" / "a.nt")
    os.chmod(d / "locked", 0o555)  # root-owned when the tests run as root
    run = as_user(place, "export", "--force", "--format", "nt", str(d / "ro.nt"))
    line = one_line_refusal(run, str(d / "locked"), "ermission denied", code=(1,))
    assert "fix its permissions" in line
    assert (d / "ro.nt").is_symlink() and (d / "locked" / "a.nt").read_bytes() == OLD
    assert os.listdir(d / "locked") == ["a.nt"]


def test_csv_export_through_a_link_to_a_directory(place):
    d = fresh(place, "csv-link")
    (d / "real" / "tables").mkdir(parents=True)
    (d / "real" / "tables" / "old.csv").write_bytes(OLD)
    (d / "tables").symlink_to(d / "real" / "tables")
    (d / "file").write_bytes(OLD)
    (d / "to-file").symlink_to(d / "file")
    for p in d.rglob("*"):
        own(place, p)
    run = as_user(place, "export", "--force", "--format", "csv", str(d / "tables"))
    assert run.returncode == 0, run.stdout + run.stderr
    assert (d / "tables").is_symlink()
    assert (d / "real" / "tables" / "cases.csv").is_file()
    assert not (d / "real" / "tables" / "old.csv").exists()
    assert sorted(p.name for p in (d / "real").iterdir()) == ["tables"]  # nothing left over
    run = as_user(place, "export", "--force", "--format", "csv", str(d / "to-file"))
    one_line_refusal(run, "is a file", code=(2,))
    assert (d / "file").read_bytes() == OLD


# --------------------------------------------------------------------------- site


def test_site_through_a_link_to_a_directory(place):
    d = fresh(place, "site-link")
    (d / "real").mkdir()
    own(place, d / "real")
    first = as_user(place, "site", str(d / "real" / "site"))
    assert first.returncode == 0, first.stdout + first.stderr
    marker = d / "real" / "site" / ".pav-graph-site"
    os.utime(marker, (0, 0))
    (d / "site").symlink_to(d / "real" / "site")
    own(place, d / "site")
    # --full: the whole site is written anew and swapped in (without it, the same build only
    # updates the pages in place, which does not go through the swap)
    run = as_user(place, "site", "--full", str(d / "site"))
    assert run.returncode == 0, run.stdout + run.stderr
    assert (d / "site").is_symlink(), "the link became a directory"
    assert marker.stat().st_mtime > 0  # the site behind the link is the new one
    assert (d / "real" / "site" / "index.html").is_file()
    assert sorted(p.name for p in d.iterdir()) == ["real", "site"]  # no .site.old-PID link
    assert sorted(p.name for p in (d / "real").iterdir()) == ["site"]  # nor a temp directory
    update = as_user(place, "site", str(d / "site"))  # an update in place through the link
    assert update.returncode == 0 and "updated" in update.stderr + update.stdout, update.stderr
    assert (d / "site").is_symlink()
    assert sorted(p.name for p in (d / "real").iterdir()) == ["site"]


def test_site_refusals(place):
    d = fresh(place, "site-refused")
    (d / "foreign").mkdir()
    (d / "foreign" / "notes.txt").write_bytes(OLD)
    (d / "to-foreign").symlink_to(d / "foreign")
    (d / "afile").write_bytes(OLD)
    for p in d.rglob("*"):
        own(place, p)
    run = as_user(place, "site", str(d / "to-foreign"))
    one_line_refusal(run, "not empty", code=(2,))
    assert os.listdir(d / "foreign") == ["notes.txt"]
    run = as_user(place, "site", str(d / "afile" / "site"))
    one_line_refusal(run, "afile is a file, not a directory", code=(2,))
    run = as_user(place, "site", str(d / "afile"))
    one_line_refusal(run, "is a file", code=(2,))
    assert (d / "afile").read_bytes() == OLD


def test_site_where_the_user_cannot_write(place):
    """A whole site (``--full``, or a first one) replaces the directory, so its parent must be
    writable: when it is not, one line names the site's path; the old site stays. An update of
    the pages in place (the same build) needs only the site directory itself."""
    d = fresh(place, "site-locked")
    (d / "locked").mkdir()
    own(place, d / "locked")
    first = as_user(place, "site", str(d / "locked" / "site"))
    assert first.returncode == 0, first.stdout + first.stderr
    (d / "link").symlink_to(d / "locked" / "site")
    own(place, d / "link")
    os.chown(d / "locked", 0, 0) if os.geteuid() == 0 else None
    os.chmod(d / "locked", 0o555)
    run = as_user(place, "site", "--full", str(d / "link"))
    one_line_refusal(run, str(d / "link"), "ermission denied", code=(1,))
    assert (d / "locked" / "site" / "index.html").is_file()
    assert os.listdir(d / "locked") == ["site"]
    update = as_user(place, "site", str(d / "link"))
    assert update.returncode == 0 and "updated" in update.stderr + update.stdout, update.stderr
    assert os.listdir(d / "locked") == ["site"]
