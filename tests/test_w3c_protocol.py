"""The W3C SPARQL 1.1 Protocol suite against a real `pav-graph serve` (see w3c_protocol.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import w3c_protocol as w3c

DOC = Path(__file__).resolve().parent.parent / "docs" / "sparql-protocol.md"


@pytest.fixture(scope="module")
def outcomes():
    return w3c.run_with_server()


def test_every_query_test_passes(outcomes):
    queries = [o for o in outcomes if o.kind == "query"]
    failed = [(o.case.name, o.got, o.note) for o in queries if o.verdict != "pass"]
    assert not failed
    assert len(queries) >= 20  # the suite has 21 query tests; none may silently disappear


def test_every_update_test_is_refused_with_4xx(outcomes):
    updates = [o for o in outcomes if o.kind == "update"]
    assert updates and all(o.verdict == "refused" for o in updates), [
        (o.case.name, o.got) for o in updates if o.verdict != "refused"]
    assert all(o.got[:1] == "4" for o in updates)


def test_not_applicable_tests_say_why(outcomes):
    skipped = [o for o in outcomes if o.verdict == "n/a"]
    assert all(o.note for o in skipped)
    assert all(o.case.manifest == "graph-store" for o in skipped)  # no protocol test is skipped


def test_suite_covers_both_manifests(outcomes):
    assert {o.case.manifest for o in outcomes} == {"protocol", "graph-store"}
    assert len(outcomes) == len(w3c.load_protocol_cases()) + len(w3c.load_gsp_cases())


def test_checked_in_report_is_current(outcomes):
    if not DOC.exists():
        pytest.skip("docs/sparql-protocol.md not generated yet")
    assert DOC.read_text(encoding="utf-8") == w3c.report(outcomes), (
        "docs/sparql-protocol.md is stale: run python tests/w3c_protocol.py "
        "--report docs/sparql-protocol.md")
