"""Terminal rendering of one case (``pav-graph show``) with rich."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

TITLES = {
    "nl": {"actors": "Actoren", "findings": "Bevindingen", "relations": "Relaties",
           "interventions": "Interventies", "events": "Tijdlijn", "patterns": "Afgeleide patronen",
           "according": "volgens"},
    "en": {"actors": "Actors", "findings": "Findings", "relations": "Relations",
           "interventions": "Interventions", "events": "Timeline", "patterns": "Inferred patterns",
           "according": "according to"},
}


def render(detail: dict, lang: str = "nl") -> None:
    t = TITLES[lang]
    out = Console()
    lab = "label" if lang == "nl" else "label_en"
    out.print(f"[bold]{escape(detail['label'].get(lang, detail['id']))}[/bold]  ({detail['id']})")
    orgs = ", ".join(f"{o['name']} ({o['level']})" for o in detail["organisations"])
    period = detail["period"]
    out.print(escape(orgs) + (f" · {period.get('start', '?')}–{period.get('end', '')}" if period else ""))
    if period.get("note"):
        out.print(f"[dim]{escape(period['note'])}[/dim]")
    out.print()
    out.print(escape(detail["summary"].get(lang, "")))

    def quotes(item: dict) -> None:
        for ev in item["evidence"]:
            out.print(f"      [italic]“{escape(ev['quote'])}”[/italic] "
                      f"[dim]— {t['according']} {escape(ev['source'])}, {escape(ev['locator'])}[/dim]")

    if detail["actors"]:
        out.print(f"\n[bold]{t['actors']}[/bold]")
        for a in detail["actors"]:
            out.print(f"  • {escape(a[lab] or a['label'] or '')} [dim]({escape(a['role'] or '')})[/dim]")
    for group in ("findings", "interventions"):
        if detail[group]:
            out.print(f"\n[bold]{t[group]}[/bold]")
            for f in detail[group]:
                extra = f" [{f['status']}]" if f.get("status") else ""
                label = f["clabel"] if lang == "nl" else f["clabel_en"]
                out.print(f"  • {escape(label or '')} [dim]({escape(f['ckind'] or '')}){escape(extra)}[/dim]")
                outcome = f.get("outcome" if lang == "nl" else "outcome_en")
                if outcome:
                    out.print(f"      → {escape(outcome)}")
                quotes(f)
    if detail["relations"]:
        out.print(f"\n[bold]{t['relations']}[/bold]")
        for r in detail["relations"]:
            label = r["clabel"] if lang == "nl" else r["clabel_en"]
            out.print(f"  • {escape(r['from'] or '')} —{escape(label or '')}→ {escape(r['to'] or '')}")
            quotes(r)
    if detail["events"]:
        out.print(f"\n[bold]{t['events']}[/bold]")
        for e in detail["events"]:
            out.print(f"  • {escape(e['date'] or '?')}: {escape(e[lab] or e['label'] or '')}")
            quotes(e)
    if detail["patterns"]:
        out.print(f"\n[bold]{t['patterns']}[/bold]")
        for p in detail["patterns"]:
            out.print(f"  • {escape(p['label'] if lang == 'nl' else p['label_en'])} ({p['id']}) — "
                      f"pav-graph explain {detail['id']} {p['id']}")
