"""docs/adding-a-case.md's PDF walk-through is current: every command in it runs (on a copy of
the corpus, with a PDF the script makes) and prints what the page shows."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_the_pdf_walkthrough_in_the_docs_is_current(tmp_path):
    r = subprocess.run([sys.executable, str(ROOT / "docs" / "walkthrough.py")], cwd=tmp_path,
                       capture_output=True, text=True, timeout=900, check=False)
    assert r.returncode == 0, r.stderr + r.stdout
    # the script compares every command's output with the page; at least the 15 steps from the
    # PDF to the site must be there (more may be added)
    m = re.match(r"ok: (\d+) commands", r.stdout)
    assert m and int(m.group(1)) >= 15, r.stdout
