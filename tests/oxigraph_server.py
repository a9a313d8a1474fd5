"""A real Oxigraph server on a free loopback port, for the push and remote-parity tests."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from w3c_protocol import free_port

OXIGRAPH = Path(sys.executable).with_name("oxigraph")


@contextmanager
def oxigraph_server(location: Path, log=subprocess.DEVNULL):
    """Start ``oxigraph serve`` on 127.0.0.1:<free port>, wait until it answers, yield its base
    URL, and always stop it (skip the test when the binary is not installed)."""
    if not OXIGRAPH.exists():
        pytest.skip(f"the oxigraph server binary is not installed at {OXIGRAPH} (pip install oxigraph)")
    port = free_port()
    process = subprocess.Popen(
        [str(OXIGRAPH), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=5):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"oxigraph server did not start (exit {process.poll()})")
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
