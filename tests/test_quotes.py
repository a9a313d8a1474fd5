"""Every quote in the corpus is verbatim in its source, at the lines its locator gives.

This check is written independently of pav_graph.sourcetext (plain str.split/join), so a bug
in the loader's own matching cannot hide a wrong quote.
"""

from __future__ import annotations

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
