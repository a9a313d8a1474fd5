"""Run the PDF walk-through of docs/adding-a-case.md and check that its outputs are current.

    python docs/walkthrough.py                 # run every command, exit 1 with a diff if any
                                               # output in the page differs from the real one
    python docs/walkthrough.py --update        # write the real outputs into the page
    python docs/walkthrough.py --pdf FILE.pdf  # only make the practice report (reportlab)

The commands are the ``$ ...`` lines of the ```console blocks between the markers
``<!-- walkthrough:start -->`` and ``<!-- walkthrough:end -->``; each runs in bash in a fresh
working folder, with ``PAV_GRAPH_CORPUS`` set to a copy of this repository's corpus, so the
real corpus is never touched. ``pav-graph`` and ``python`` are the ones of the interpreter that
runs this script. Lines that only say how long something took or how big the whole graph is
(they change with every case anyone adds) are compared with their numbers left out.
tests/test_walkthrough.py runs the check.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "adding-a-case.md"
START, END = "<!-- walkthrough:start -->", "<!-- walkthrough:end -->"
# whole-corpus figures and timings: compared without their numbers
VOLATILE = re.compile(r"^(loaded \d+ cases|SHACL:|reasoner|graph rebuilt|wrote \d+ pages)")


def make_pdf(path: Path) -> Path:
    """The practice report: tests/pdfmaker.py's two-column report with its footnote."""
    sys.path.insert(0, str(ROOT / "tests"))
    import pdfmaker

    pdfmaker.report(path, title="Onderzoek naar de bestuurscultuur in Oefenstad",
                    author="Bureau Oefen")
    return path


def blocks(text: str) -> list[tuple[int, int, list[tuple[str, list[str]]]]]:
    """(start, end, [(command, output lines)]) of each console block inside the markers."""
    lines = text.split("\n")
    inside, result, i = False, [], 0
    while i < len(lines):
        line = lines[i]
        if line.strip() == START:
            inside = True
        elif line.strip() == END:
            inside = False
        elif inside and line.strip() == "```console":
            j = i + 1
            steps: list[tuple[str, list[str]]] = []
            while lines[j].strip() != "```":
                if lines[j].startswith("$ "):
                    steps.append((lines[j][2:], []))
                elif steps:
                    steps[-1][1].append(lines[j])
                j += 1
            result.append((i + 1, j, steps))
            i = j
        i += 1
    return result


def run(command: str, cwd: Path, env: dict) -> list[str]:
    bin_dir = Path(sys.executable).parent
    command = re.sub(r"^python docs/walkthrough\.py", f"{sys.executable} {Path(__file__)}", command)
    command = re.sub(r"(^|\| |&& )pav-graph ", rf"\g<1>{bin_dir / 'pav-graph'} ", command)
    proc = subprocess.run(["bash", "-c", command + " 2>&1"], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    out = proc.stdout.rstrip("\n")
    out = out.replace(str(cwd), ".").replace(env["PAV_GRAPH_CORPUS"], "$PAV_GRAPH_CORPUS")
    return out.split("\n") if out else []


def comparable(lines: list[str]) -> list[str]:
    return [re.sub(r"\d+(\.\d+)?", "N", ln) if VOLATILE.match(ln) else ln for ln in lines]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--update", action="store_true", help="write the real outputs into the page")
    parser.add_argument("--pdf", type=Path, help="only write the practice report to this file")
    args = parser.parse_args()
    if args.pdf:
        make_pdf(args.pdf)
        print(f"wrote {args.pdf}")
        return 0
    text = DOC.read_text(encoding="utf-8")
    lines = text.split("\n")
    found = blocks(text)
    if not found:
        print(f"{DOC}: no console blocks between {START} and {END}", file=sys.stderr)
        return 1
    failures = 0
    with tempfile.TemporaryDirectory(prefix="pav-graph-walkthrough-") as tmp:
        corpus, work = Path(tmp) / "corpus", Path(tmp) / "werk"
        for name in ("cases", "ontology", "sources", "queries"):
            shutil.copytree(ROOT / name, corpus / name)
        work.mkdir()
        env = {**os.environ, "PAV_GRAPH_CORPUS": str(corpus),
               "PAV_GRAPH_BUILD": str(Path(tmp) / "build"), "COLUMNS": "100"}
        real_blocks = []
        for start, end, steps in found:
            real = []
            for command, expected in steps:
                got = run(command, work, env)
                if comparable(got) != comparable(expected):
                    failures += 1
                    print(f"{DOC.name}:{start}: output of `{command}` differs:", file=sys.stderr)
                    sys.stderr.writelines(difflib.unified_diff(
                        [e + "\n" for e in expected], [g + "\n" for g in got], "page", "real"))
                real.append((command, got))
            real_blocks.append((start, end, real))
    if args.update:
        for start, end, real in reversed(real_blocks):
            body = [ln for command, out in real for ln in (f"$ {command}", *out)]
            lines[start:end] = body
        DOC.write_text("\n".join(lines), encoding="utf-8")
        print(f"updated {DOC} ({failures} output(s) changed)")
        return 0
    if failures:
        print(f"{failures} output(s) differ — run `python docs/walkthrough.py --update` and "
              "read the diff before committing", file=sys.stderr)
        return 1
    print(f"ok: {sum(len(s) for _, _, s in found)} commands, outputs as in {DOC.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
