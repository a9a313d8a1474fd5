"""`case suggest --review`: the contributor goes through the suggestions one by one.

For each suggestion the passage, its locator, the matched words, the cues and the suggested
qualifiers (with their reasons) are shown, and one key decides:

  a  accept (asks what the claim needs beyond the quote: an intervention's status, a
     relation's two actors, an event's label) and write it into the case file
  s  skip (the default: pressing Enter writes nothing)
  o  show the next of the concept's other passages instead
  c  change the concept (any concept id; did-you-mean for a typo)
  t / b / v  set the stance / basis / voice
  q  stop

Every accepted claim is written at once through :func:`pav_graph.contrib.edit_case` — checked
against the source and the schema before anything is written, atomic, every other byte of the
file kept — so an interruption keeps what was accepted and nothing else. The end of input
(Ctrl-D, or a script's stdin running out) stops like ``q``: nothing is accepted by default.
"""

from __future__ import annotations

import textwrap
from dataclasses import replace

import click

from pav_graph.cli.case.shared import reported
from pav_graph.cli.case.suggest import describe
from pav_graph.cli.common import echo_err

KEYS = {"a": "accept", "s": "skip", "o": "other passage", "c": "concept", "t": "stance",
        "b": "basis", "v": "voice", "q": "quit"}
RECOMMEND_WORDS = ("aanbevel", "advies", "adviseer", "adviseren", "raden aan", "zou moeten",
                   "zouden moeten", "is raadzaam", "wordt aangeraden")


class _Stop(Exception):
    pass


def _ask(text: str, **kw):
    try:
        return click.prompt(text, **kw)
    except click.Abort:  # end of input or Ctrl-C
        raise _Stop() from None


def review_all(ctx, project, vocab, source, path, items, profs) -> None:
    from pav_graph.claims import QUALIFIERS

    written = skipped = 0
    click.echo(f"Reviewing {len(items)} suggestion(s) from {source.id} for {path}. "
               "Enter skips; nothing is written unless you accept.")
    try:
        for n, s in enumerate(items, 1):
            alternatives = [(s.passage, s.score)] + list(s.others)
            shown = 0
            while True:
                _show(n, len(items), s, source.id)
                key = _ask("[a]ccept [s]kip [o]ther passage [c]oncept [t]stance [b]asis [v]oice "
                           "[q]uit", default="s", show_default=True,
                           type=click.Choice(list(KEYS)), show_choices=False)
                if key == "q":
                    raise _Stop()
                if key == "s":
                    skipped += 1
                    break
                if key == "o":
                    if len(alternatives) == 1:
                        echo_err("no other passage for this concept")
                        continue
                    shown = (shown + 1) % len(alternatives)
                    s = _with_passage(source, s, profs, *alternatives[shown])
                    continue
                if key == "c":
                    s = _change_concept(vocab, source, s, profs)
                    continue
                if key in "tbv":
                    name = {"t": "stance", "b": "basis", "v": "voice"}[key]
                    value = _ask(f"{name}", default=getattr(s, name),
                                 type=click.Choice(QUALIFIERS[name]))
                    s = replace(s, **{name: value, f"{name}_reason": "set by you"})
                    continue
                if _accept(ctx, project, vocab, source, path, s):
                    written += 1
                    break
    except _Stop:
        click.echo("")
    if written:
        click.echo(f"{written} claim(s) written to {path}; {skipped} skipped. Check it with "
                   f"`pav-graph case validate {path}`.")
    else:
        click.echo(f"nothing was written to {path} ({skipped} skipped)")


def _show(n: int, total: int, s, source_id: str) -> None:
    click.echo(f"\n[{n}/{total}] {s.kind} {s.concept} — {s.label}  (score {s.score:.2f}, "
               f"becomes a {s.claim[:-1]})")
    click.echo(textwrap.fill(f"{source_id}, {s.locator}: “{s.passage.quote}”", 100,
                             initial_indent="  ", subsequent_indent="  "))
    click.echo("  " + describe(s))


def _with_passage(source, s, profs, passage, score):
    from pav_graph.suggest.candidates import _suggestion

    others = [x for x in [(s.passage, s.score), *s.others] if x[0] != passage]
    new = _suggestion(source, profs[s.concept], passage, score, others, s.names_case)
    return new


def _change_concept(vocab, source, s, profs):
    from pav_graph.contrib import ContribError
    from pav_graph.suggest.candidates import _suggestion
    from pav_graph.suggest.profiles import Profile

    while True:
        cid = _ask("concept id", default=s.concept)
        try:
            c = vocab.concept(cid, flag="concept")
        except ContribError as exc:
            echo_err(f"Error: {exc}")
            continue
        if c.kind == "role":
            echo_err("a role is not a claim: add an actor with `pav-graph case add-actor`")
            continue
        prof = profs.get(c.id) or Profile(c.id, c.kind, c.label.get("nl") or c.id)
        new = _suggestion(source, prof, s.passage, s.score, s.others, s.names_case)
        return replace(new, stance=s.stance, stance_reason=s.stance_reason) \
            if s.stance_reason == "set by you" else new


def _accept(ctx, project, vocab, source, path, s) -> bool:
    """Write the claim; False (and nothing written) when it is refused or cannot be made."""
    from pav_graph import caseedit, casefile
    from pav_graph.claims import DEFAULTS
    from pav_graph.cli.case.shared import case_data, check_date
    from pav_graph.contrib import ContribError, edit_case
    from pav_graph.contrib.evidence import evidence_item, locate

    a, b = s.page_lines
    try:
        found = locate(source, s.passage.quote, f"{a}-{b}", s.page)
    except ContribError as exc:
        echo_err(f"Error: {exc}")
        return False
    ev = evidence_item(source.id, found, s.passage.quote)
    _, data = case_data(project, str(path))
    kind = s.claim
    if kind == "findings":
        known = any(isinstance(f, dict) and f.get("concept") == s.concept
                    for f in data.get("findings") or [])

        def add(text):
            return casefile.add_finding(text, s.concept, ev)
    elif kind == "interventions":
        low = s.passage.quote.lower()
        guess = "recommended" if any(w in low for w in RECOMMEND_WORDS) else "applied"
        status = _ask("status", default=guess, type=click.Choice(["applied", "recommended"]))
        known = False

        def add(text):
            return casefile.add_intervention(text, s.concept, status, ev)
    elif kind == "relations":
        actors = [x.get("id") for x in data.get("actors") or [] if isinstance(x, dict)]
        if not actors:
            echo_err("the case has no actors to relate: add them with `pav-graph case add-actor`; "
                     "not written")
            return False
        choice = click.Choice(actors)
        from_ = _ask("from actor", type=choice)
        to = _ask("to actor", type=choice)
        known = False

        def add(text):
            return casefile.add_relation(text, s.concept, from_, to, ev)
    else:
        label_nl = _ask("what happened, in Dutch (label.nl)")
        label_en = _ask("in English (label.en)")
        date = _ask("date (YYYY[-MM[-DD]], empty if the source gives none)", default="",
                    show_default=False, value_proc=lambda v: check_date(v, "date") or "")
        known = False

        def add(text):
            return casefile.add_event(text, (label_nl, label_en), ev, date or None, s.concept)

    def change(text: str) -> str:
        text = add(text)
        if known:
            return text  # evidence added to an existing claim: its qualifiers stay as they are
        if kind == "findings":
            i = caseedit.find_item(text, "findings", s.concept)
        else:
            i = len(caseedit.parse(text)[kind]) - 1
        for key in ("voice", "basis", "stance"):  # each goes in after `concept:`: stance first
            value = getattr(s, key)
            if value != DEFAULTS[key]:
                text = caseedit.set_value(text, (kind, i), key, value)
        return text

    try:
        with reported(project):
            edit_case(project, path, change, vocab)
    except click.ClickException as exc:
        echo_err(f"Error: {exc.format_message()} — not written")
        return False
    quals = ", ".join(f"{k} {getattr(s, k)}" for k in ("stance", "basis", "voice")
                      if getattr(s, k) != DEFAULTS[k])
    what = "evidence added to" if known else "added"
    click.echo(f"  {what} {kind[:-1]} '{s.concept}' ({found.where}"
               + (f"; {quals}" if quals and not known else "") + f") in {path}")
    return True
