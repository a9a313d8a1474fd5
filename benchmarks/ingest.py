"""``python -m benchmarks.ingest``: how long `source add` takes to read a PDF and an HTML page.

Generates two-column PDFs (tests/pdfmaker.py, reportlab) of about 10, 50 and 100 pages and one
long HTML article, reads each with :func:`pav_graph.ingest.ingest` five times and prints the
median as a Markdown table (the numbers in docs/adding-a-case.md, "How long reading takes").
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5


def _paragraphs(n: int) -> list[str]:
    return [f"Alinea {i}: " + " ".join(f"zin {i}.{k} over de verhouding tussen bestuur en "
                                         "ambtenaren in de gemeente" for k in range(30)) + "."
            for i in range(1, n + 1)]


def main() -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    import pdfmaker

    from pav_graph.ingest import ingest

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        docs = []
        for paragraphs in (18, 90, 180):
            docs.append(pdfmaker.flowing_columns(Path(tmp) / f"p{paragraphs}.pdf",
                                                 _paragraphs(paragraphs)))
        html = Path(tmp) / "artikel.html"
        body = "".join(f"<p>{p}<sup>{i}</sup></p>" for i, p in enumerate(_paragraphs(60), 1))
        html.write_text(f"<!doctype html><html><head><meta charset='utf-8'><title>Lang artikel"
                        f"</title></head><body><nav>Home</nav><article><h1>Lang artikel</h1>"
                        f"{body}</article></body></html>", encoding="utf-8")
        docs.append(html)
        for path in docs:
            times = []
            for _ in range(RUNS):
                t = time.perf_counter()
                doc = ingest(path)
                times.append(time.perf_counter() - t)
            rows.append((path.suffix[1:].upper(), len(doc.pages), doc.line_count, len(doc.text),
                         statistics.median(times)))
    print(f"| format | pages | lines | characters | seconds (median of {RUNS}) |")
    print("|---|---:|---:|---:|---:|")
    for fmt, pages, lines, chars, secs in rows:
        print(f"| {fmt} | {pages if fmt == 'PDF' else '–'} | {lines:,} | {chars:,} | {secs:.2f} |")


if __name__ == "__main__":
    main()
