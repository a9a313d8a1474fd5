"""What a source page may show of its text (annotation guide § 9).

A source page shows the cited passages with a few lines of context (``build.context_blocks``),
never the whole text. This module is the privacy filter on those passages, kept apart from the
page layout so that a rework of the pages keeps it:

* context never shows a line that the source's metadata redacts (acknowledgements, respondent
  tables): such lines are dropped, and a block that runs through them is split. A cited line is
  never among them — the loader refuses a quote there;
* every anonymisation code of a source ("(Participant 16)", "P12") is masked in every line shown,
  so no passage can put a respondent's code next to a named office holder.
"""

from __future__ import annotations

from pav_graph.privacy import Redaction, mask_codes


def private_blocks(blocks: list[dict], redactions: list[Redaction]) -> list[dict]:
    """``blocks`` (``{"first", "last", "lines": [{"n", "text", "hit"}]}``) without redacted lines
    and with anonymisation codes masked."""
    hidden = [r for r in redactions if r.blanks_lines]
    out: list[dict] = []
    for block in blocks:
        run: list[dict] = []
        for ln in block["lines"]:
            if any(r.first <= ln["n"] <= r.last for r in hidden):
                _close(run, out)
                run = []
                continue
            run.append({**ln, "text": mask_codes(ln["text"])})
        _close(run, out)
    return out


def _close(run: list[dict], out: list[dict]) -> None:
    while run and not run[-1]["text"].strip() and not run[-1]["hit"]:
        run.pop()  # no trailing blank lines where a redacted range cut the block
    if run:
        out.append({"first": run[0]["n"], "last": run[-1]["n"], "lines": run})
