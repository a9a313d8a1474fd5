"""Terminal rendering of one case (``pav-graph show``) with rich."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

TITLES = {
    "nl": {"actors": "Actoren", "findings": "Bevindingen", "relations": "Relaties",
           "interventions": "Interventies", "events": "Tijdlijn", "patterns": "Afgeleide patronen",
           "according": "volgens"},
    "en": {"actors": "Actors", "findings": "Findings", "relations": "Relations",
           "interventions": "Interventions", "events": "Timeline", "patterns": "Inferred patterns",
           "according": "according to"},
}


def render(detail: dict, lang: str = "nl") -> None:
    """Print the case. Every piece of data goes in as :class:`rich.text.Text` (never as a markup
    string): a label ``[/x]`` or ``[link=...]``, a quote with ``[sic]`` or ``:smile:`` is shown
    exactly as written."""
    t = TITLES[lang]
    out = Console(emoji=False, highlight=False)
    lab = "label" if lang == "nl" else "label_en"

    def say(*parts: str | tuple[str, str]) -> None:
        out.print(Text.assemble(*parts))

    say((detail["label"].get(lang) or detail["id"], "bold"), f"  ({detail['id']})")
    orgs = ", ".join(f"{o['name']} ({o['level']})" for o in detail["organisations"])
    period = detail["period"]
    start, end = period.get("start"), period.get("end")
    say(orgs + (f" · {start or '?'}–{end or ''}" if start or end else ""))
    if period.get("note"):
        say((period["note"], "dim"))
    out.print()
    say(detail["summary"].get(lang) or "")

    def marks(item: dict) -> tuple[str, str]:
        """How the source says it, when it is not a plain statement in its own words."""
        found = item.get("marks" if lang == "nl" else "marks_en") or []
        return (f" ({'; '.join(found)})" if found else "", "yellow")

    def quotes(item: dict) -> None:
        for ev in item["evidence"]:
            say("      ", (f"“{ev['quote']}”", "italic"), " ",
                (f"— {t['according']} {ev['source']}, {ev['locator']}", "dim"))

    if detail["actors"]:
        say("\n", (t["actors"], "bold"))
        for a in detail["actors"]:
            say(f"  • {a[lab] or a['label'] or ''} ", (f"({a['role'] or ''})", "dim"))
    for group in ("findings", "interventions"):
        if detail[group]:
            say("\n", (t[group], "bold"))
            for f in detail[group]:
                extra = f" [{f['status']}]" if f.get("status") else ""
                label = f["clabel"] if lang == "nl" else f["clabel_en"]
                say(f"  • {label or ''} ", (f"({f['ckind'] or ''}){extra}", "dim"), marks(f))
                outcome = f.get("outcome" if lang == "nl" else "outcome_en")
                if outcome:
                    say(f"      → {outcome}")
                quotes(f)
    if detail["relations"]:
        say("\n", (t["relations"], "bold"))
        for r in detail["relations"]:
            label = r["clabel"] if lang == "nl" else r["clabel_en"]
            say(f"  • {r['from'] or ''} —{label or ''}→ {r['to'] or ''}", marks(r))
            quotes(r)
    if detail["events"]:
        say("\n", (t["events"], "bold"))
        for e in detail["events"]:
            say(f"  • {e['date'] or '?'}: {e[lab] or e['label'] or ''}", marks(e))
            quotes(e)
    if detail["patterns"]:
        say("\n", (t["patterns"], "bold"))
        for p in detail["patterns"]:
            say(f"  • {p['label'] if lang == 'nl' else p['label_en']} ({p['id']}) — "
                f"pav-graph explain {detail['id']} {p['id']}")
    for p in detail.get("possible_patterns", []):
        say(("  • " + ("mogelijk: " if lang == "nl" else "possible: "), "yellow"),
            f"{p['label'] if lang == 'nl' else p['label_en']} ({p['id']}) — "
            f"pav-graph explain {detail['id']} {p['id']}")
