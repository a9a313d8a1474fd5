"""A real Virtuoso 7 (Debian's ``virtuoso-opensource-7``) on loopback, for the parity and push tests.

The server runs with the configuration Debian ships (``/usr/share/virtuoso-opensource-7/
virtuoso.ini``: the store researchers already run, with its parallel query threads and its
``ResultSetMaxRows``), changed only where it must be: its own database directory, two free
loopback ports (SQL and HTTP) and ``DirsAllowed`` for the bulk loader. The database is new, so
the administrator is ``dba`` with password ``dba``. It is started once per test session (about
five seconds) and always stopped. Where the package is missing the tests are skipped with the
command that installs it (``make test-deps`` does, as root).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from w3c_protocol import free_port

VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt")
DEBIAN_INI = Path("/usr/share/virtuoso-opensource-7/virtuoso.ini")
DEBIAN_DB = "/var/lib/virtuoso-opensource-7/db"
USER, PASSWORD = "dba", "dba"  # a new database's administrator


@dataclass
class Virtuoso:
    base: str  # http://127.0.0.1:<port>
    sql_port: int
    directory: Path

    @property
    def sparql(self) -> str:
        return f"{self.base}/sparql"

    @property
    def graph_store(self) -> str:
        """The Graph Store Protocol endpoint that asks for (Digest) authentication."""
        return f"{self.base}/sparql-graph-crud-auth"

    def isql(self, *statements: str, timeout: float = 120) -> str:
        """Run SQL statements with isql-vt as dba; raise with Virtuoso's message on an error."""
        script = "".join(s.rstrip().rstrip(";") + ";\n" for s in statements)
        run = subprocess.run([ISQL, str(self.sql_port), USER, PASSWORD, "VERBOSE=OFF", "BANNER=OFF",
                              "PROMPT=OFF", "ECHO=OFF", "ERRORS=STDOUT"],
                             input=script, capture_output=True, text=True, timeout=timeout, check=False)
        if run.returncode != 0 or "*** Error" in run.stdout:
            raise AssertionError(f"isql failed:\n{script}\n{run.stdout}\n{run.stderr}")
        return run.stdout


def configure(ini: str, directory: Path, sql_port: int, http_port: int, allowed: list[Path]) -> str:
    """Debian's virtuoso.ini with its own database directory, ports and allowed directories."""
    out, section = [], ""
    for line in ini.splitlines():
        head = re.match(r"\s*\[(.+)\]", line)
        if head:
            section = head.group(1)
        key = line.split("=", 1)[0].strip() if "=" in line and not line.lstrip().startswith(";") else ""
        if key == "ServerPort" and section == "Parameters":
            line = f"ServerPort = 127.0.0.1:{sql_port}"
        elif key == "ServerPort" and section == "HTTPServer":
            line = f"ServerPort = 127.0.0.1:{http_port}"
        elif key == "DirsAllowed":
            line = line + ", " + ", ".join(str(p) for p in allowed)
        out.append(line.replace(DEBIAN_DB, str(directory)))
    return "\n".join(out) + "\n"


@contextmanager
def virtuoso_server(directory: Path, log, allowed: list[Path] = ()):
    """Start ``virtuoso-t`` in ``directory``, wait until its SPARQL endpoint answers, yield a
    :class:`Virtuoso`, and always stop it."""
    if not (VIRTUOSO and ISQL and DEBIAN_INI.is_file()):
        pytest.skip("Virtuoso 7 is not installed: apt-get install -y virtuoso-opensource-7 "
                    "(make test-deps does, as root)")
    directory.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(configure(DEBIAN_INI.read_text(encoding="utf-8"), directory, sql_port, http_port,
                             [directory, *allowed]), encoding="utf-8")
    process = subprocess.Popen([VIRTUOSO, "+foreground", "+configfile", str(ini)], cwd=directory,
                               stdout=log, stderr=subprocess.STDOUT)
    server = Virtuoso(f"http://127.0.0.1:{http_port}", sql_port, directory)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(server.sparql + "?query=ASK%7B%7D", timeout=5):
                    break
            except (urllib.error.URLError, OSError):
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"Virtuoso did not start (exit {process.poll()}); see {directory}")
                time.sleep(0.3)
        yield server
    finally:
        process.terminate()  # virtuoso-t shuts down cleanly on SIGTERM
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
