"""Every quote in the corpus is verbatim in its source, at the lines its locator gives.

This check is written independently of pav_graph.sourcetext (plain str.split/join), so a bug
in the loader's own matching cannot hide a wrong quote.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def _sources() -> dict[str, list[str]]:
    out = {}
    for meta in (ROOT / "sources").glob("*.yaml"):
        data = yaml.safe_load(meta.read_text(encoding="utf-8"))
        out[data["id"]] = (ROOT / "sources" / data["text"]).read_text(encoding="utf-8").split("\n")
    return out


SOURCES = _sources()


def _redactions() -> dict[str, list[tuple[int, int, str]]]:
    """Per source, the (first, last, what) ranges its metadata says the repository copy redacts."""
    out = {}
    for meta in (ROOT / "sources").glob("*.yaml"):
        data = yaml.safe_load(meta.read_text(encoding="utf-8"))
        spans = []
        for r in data.get("redactions") or []:
            first, _, last = str(r["lines"]).replace("–", "-").partition("-")
            spans.append((int(first), int(last or first), r["what"]))
        out[data["id"]] = spans
    return out


REDACTIONS = _redactions()
# written independently of pav_graph.privacy: the forms of respondent code the sources use
CODES = re.compile(r"[Pp]articipant\s*\d|\b[PR]\d{1,3}\b|[Rr]espondent\s*\d")


def _evidence(node, where=""):
    if isinstance(node, dict):
        if "quote" in node and "source" in node and "lines" in node:
            yield where, node
        for k, v in node.items():
            yield from _evidence(v, f"{where}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _evidence(v, f"{where}[{i}]")


def _all_items():
    files = sorted((ROOT / "cases").glob("*.yaml")) + sorted((ROOT / "ontology" / "concepts").glob("*.yaml"))
    files.append(ROOT / "ontology" / "composite-patterns.yaml")
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for where, ev in _evidence(data):
            yield pytest.param(path.name, where, ev, id=f"{path.stem}{where}")


def _norm(text: str) -> str:
    return " ".join(text.split())


ITEMS = list(_all_items())


def test_corpus_has_many_quotes():
    assert len(ITEMS) > 300


@pytest.mark.parametrize("name,where,ev", ITEMS)
def test_quote_is_verbatim_at_its_lines(name, where, ev):
    lines = SOURCES[ev["source"]]
    spec = str(ev["lines"]).replace("–", "-")
    first, _, last = spec.partition("-")
    first, last = int(first), int(last or first)
    window = _norm(" ".join(lines[first - 1 : last]))
    quote = _norm(str(ev["quote"]))
    assert quote in window, f"{name}{where}: quote not at lines {spec} of {ev['source']}"
    # the locator is tight: dropping its first or last text line loses the quote
    text_lines = [n for n in range(first, last + 1) if _norm(lines[n - 1])]
    if len(text_lines) > 1:
        without_first = _norm(" ".join(lines[text_lines[1] - 1 : last]))
        without_last = _norm(" ".join(lines[first - 1 : text_lines[-2]]))
        assert quote not in without_first, f"{name}{where}: locator {spec} starts too early"
        assert quote not in without_last, f"{name}{where}: locator {spec} ends too late"


# --------------------------------------------------------------------- redacted source texts (§ 9)


@pytest.mark.parametrize("name,where,ev", ITEMS)
def test_no_quote_falls_in_a_redacted_range(name, where, ev):
    spec = str(ev["lines"]).replace("–", "-")
    first, _, last = spec.partition("-")
    first, last = int(first), int(last or first)
    for a, b, what in REDACTIONS[ev["source"]]:
        if what != "respondent-codes":
            assert last < a or b < first, f"{name}{where}: lines {spec} lie in the redacted {what} {a}-{b}"
    assert "[respondent]" not in str(ev["quote"]), f"{name}{where}: the quote holds a masked code"


def test_redacted_ranges_are_blank_and_no_text_keeps_a_respondent_code():
    """The Tilburg thesis has 16 respondents P1-P16 (line 1604) and a respondent table; the
    Nyenrode thesis a table of its 20 interviews (lines 2059-2113) and acknowledgements naming
    private persons. The copies keep their line numbers: a blanked range is empty but for a
    marker on its first line, and no source text still carries a respondent code."""
    assert {w for spans in REDACTIONS.values() for _, _, w in spans} == {
        "acknowledgements", "respondent-table", "respondent-codes"}
    for sid, spans in REDACTIONS.items():
        lines = SOURCES[sid]
        for a, b, what in spans:
            assert b <= len(lines), (sid, a, b)
            if what != "respondent-codes":
                assert lines[a - 1].startswith(f"[regels {a}–{b} weggelaten:"), (sid, a)
                assert not any(x.strip() for x in lines[a:b]), (sid, a, b)
            else:
                assert sum(x.count("[respondent]") for x in lines[a - 1:b]) >= 1, (sid, a, b)
        codes = [(n, m.group(0)) for n, x in enumerate(lines, 1) for m in CODES.finditer(x)]
        assert codes == [], f"{sid}: respondent codes left at {codes[:5]}"
    assert ("erasmus-tilburg-2018" in REDACTIONS and (4035, 4054, "respondent-table")
            in REDACTIONS["erasmus-tilburg-2018"])
