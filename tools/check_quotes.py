"""Interim quote checker for authors of case and concept files (until `pav-graph validate`).

usage: python tools/check_quotes.py FILE.yaml [...]
Reports every evidence item whose quote is not found in its source within the given lines.
"""

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from pav_graph.sourcetext import SourceText, parse_lines  # noqa: E402

sources = {}
for meta in (ROOT / "sources").glob("*.yaml"):
    m = yaml.safe_load(meta.read_text(encoding="utf-8"))
    sources[m["id"]] = SourceText(ROOT / "sources" / m["text"])


def walk(node, path):
    if isinstance(node, dict):
        if "quote" in node and "source" in node:
            yield path, node
        for k, v in node.items():
            yield from walk(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk(v, f"{path}[{i}]")


bad = 0
for name in sys.argv[1:]:
    data = yaml.safe_load(Path(name).read_text(encoding="utf-8"))
    for path, ev in walk(data, ""):
        src = sources.get(ev["source"])
        if src is None:
            print(f"{name}: {path}: unknown source {ev['source']!r} (known: {', '.join(sorted(sources))})")
            bad += 1
            continue
        places = src.find(str(ev["quote"]))
        loc = parse_lines(ev.get("lines"))
        if not places:
            print(f"{name}: {path}: quote not found in {ev['source']}: {ev['quote'][:80]!r}")
            bad += 1
        elif loc is None or not any(loc[0] <= a and b <= loc[1] for a, b in places):
            print(f"{name}: {path}: quote found at lines {places} but locator says {ev.get('lines')!r}")
            bad += 1
print(f"{bad} problem(s)")
sys.exit(1 if bad else 0)
