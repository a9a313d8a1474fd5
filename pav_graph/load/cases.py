"""One case file → a :class:`pav_graph.model.Case`, every problem of it reported."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pav_graph.claims import DEFAULTS
from pav_graph.load.evidence import Context, check_concept_ref, check_evidence, is_departure
from pav_graph.load.files import FORMAT_DOC, check_schema, parse_date, read_yaml
from pav_graph.model import (
    Actor,
    Case,
    Event,
    Finding,
    Intervention,
    Organisation,
    Period,
    Relation,
)
from pav_graph.problems import Problems, did_you_mean


def load_case(path: Path, ctx: Context, problems: Problems,
              parsed: dict[Path, Any] | None = None) -> Case | None:
    """Read and check one case file; None when it has structural errors."""
    data = read_yaml(path, problems, parsed)
    if data is None:
        return None
    if not isinstance(data, dict):
        problems.add(path, "a case file must be a mapping of fields (id:, label:, ...)",
                     f"start from `pav-graph case new` ({FORMAT_DOC})")
        return None
    if not check_schema(path, data, "case", problems):
        return None
    n_before = len(problems.errors)
    cid = data["id"]
    if path.suffix in (".yaml", ".yml") and path.stem != cid:
        problems.add(path, f"case id {cid!r} does not match the file name {path.name!r}",
                     f"rename the file to {cid}.yaml or change the id", path=("id",))

    orgs = []
    seen: set[str] = set()
    for i, o in enumerate(data["organisations"]):
        if o["id"] in seen:
            problems.add(path, f"duplicate organisation id {o['id']!r}", "give each organisation its own id",
                         path=("organisations", i, "id"))
        seen.add(o["id"])
        orgs.append(Organisation(o["id"], o["name"], o["level"], o.get("involvement", "setting")))
    if orgs and all(o.involvement == "party" for o in orgs):
        problems.add(path, "no organisation where the case takes place",
                     "mark at least one organisation without `involvement: party`",
                     path=("organisations",))

    period = Period()
    for key in ("start", "end"):
        raw = (data.get("period") or {}).get(key)
        if raw is not None:
            date = parse_date(raw)
            if date is None:
                problems.add(path, f"period.{key}: {raw!r} is not a date",
                             "write YYYY, YYYY-MM or YYYY-MM-DD in quotes, e.g. \"2024-05\"",
                             path=("period", key))
            setattr(period, key, date)
    period.note = (data.get("period") or {}).get("note")
    if period.start and period.end and period.end < period.start[: len(period.end)]:
        problems.add(path, f"period ends ({period.end}) before it starts ({period.start})",
                     "swap start and end", path=("period", "end"))

    actors: list[Actor] = []
    actor_ids: set[str] = set()
    for i, a in enumerate(data.get("actors") or []):
        at = ("actors", i)
        if a["id"] in actor_ids:
            problems.add(path, f"duplicate actor id {a['id']!r}", "give each actor its own id", path=(*at, "id"))
        actor_ids.add(a["id"])
        check_concept_ref(path, a["role"], ["role"], (*at, "role"), ctx, problems, "role")
        if a.get("organisation") and a["organisation"] not in seen:
            problems.add(path, f"unknown organisation {a['organisation']!r}",
                         did_you_mean(a["organisation"], seen, "organisation id of this case"),
                         path=(*at, "organisation"))
        ev = check_evidence(path, a.get("evidence") or [], (*at, "evidence"), ctx, problems)
        actors.append(Actor(a["id"], a["role"], a["label"], a.get("organisation"), a.get("name"),
                            bool(a.get("anonymous", False)), ev))

    findings = []
    seen_concepts: dict[str, int] = {}
    for i, f in enumerate(data.get("findings") or []):
        at = ("findings", i)
        if f["concept"] in seen_concepts:
            problems.add(path, f"concept {f['concept']!r} has two findings",
                         f"merge their evidence into finding {seen_concepts[f['concept']] + 1}",
                         path=(*at, "concept"))
        seen_concepts.setdefault(f["concept"], i)
        check_concept_ref(path, f["concept"], None, (*at, "concept"), ctx, problems)
        ev = check_evidence(path, f["evidence"], (*at, "evidence"), ctx, problems)
        m = f.get("measure") or {}
        findings.append(Finding(f["concept"], ev, f.get("note"), m.get("value"), m.get("unit"),
                                **qualifiers(f)))

    relations = []
    for i, r in enumerate(data.get("relations") or []):
        at = ("relations", i)
        check_concept_ref(path, r["type"], ["relation-type"], (*at, "type"), ctx, problems, "relation type")
        for end in ("from", "to"):
            if r[end] not in actor_ids:
                problems.add(path, f"relation {end} unknown actor {r[end]!r}",
                             did_you_mean(r[end], actor_ids, "actor id of this case"), path=(*at, end))
        ev = check_evidence(path, r["evidence"], (*at, "evidence"), ctx, problems)
        relations.append(Relation(r["type"], r["from"], r["to"], ev, r.get("note"), **qualifiers(r)))

    interventions = []
    for i, x in enumerate(data.get("interventions") or []):
        at = ("interventions", i)
        check_concept_ref(path, x["concept"], ["intervention"], (*at, "concept"), ctx, problems,
                          "intervention")
        ev = check_evidence(path, x["evidence"], (*at, "evidence"), ctx, problems)
        interventions.append(Intervention(x["concept"], x["status"], ev, x.get("outcome"), x.get("note"),
                                          **qualifiers(x)))

    events = []
    for i, e in enumerate(data.get("events") or []):
        at = ("events", i)
        date = None
        if e.get("date") is not None:
            date = parse_date(e["date"])
            if date is None:
                problems.add(path, f"event date {e['date']!r} does not parse",
                             "write YYYY, YYYY-MM or YYYY-MM-DD in quotes, e.g. \"2018-06-14\"",
                             path=(*at, "date"))
        if e.get("type"):
            check_concept_ref(path, e["type"], ["event-type"], (*at, "type"), ctx, problems, "event type")
        for key in ("actors", "departing"):
            for j, actor in enumerate(e.get(key) or []):
                if actor not in actor_ids:
                    problems.add(path, f"event names unknown actor {actor!r}",
                                 did_you_mean(actor, actor_ids, "actor id of this case"), path=(*at, key, j))
        if not e.get("departing") and is_departure(e.get("type"), ctx):
            problems.add(path, f"the {e['type']} event does not say who leaves",
                         "add `departing: [<actor id>]` so that it counts in departures-per-role",
                         path=(*at, "type"), severity="warning")
        ev = check_evidence(path, e["evidence"], (*at, "evidence"), ctx, problems)
        events.append(Event(e["label"], ev, date, e.get("type"), list(e.get("actors") or []), e.get("reason"),
                            e.get("note"), list(e.get("departing") or []), **qualifiers(e)))

    if not (findings or relations or interventions or events):
        problems.add(path, "the case makes no claim: findings, relations, interventions and events are all empty",
                     "add a finding with evidence (`pav-graph case add-finding`)", path=("findings",))
    if len(problems.errors) > n_before:
        return None
    return Case(cid, data["label"], data["summary"], orgs, period, list(data.get("source_types") or []),
                actors, findings, relations, interventions, events, path, data.get("kind", "case"))


def qualifiers(item: dict) -> dict:
    """A claim's stance, basis, voice and attribution; absent keys take the documented defaults."""
    out = {key: item.get(key, default) for key, default in DEFAULTS.items()}
    out["attributed_to"] = item.get("attributed_to")
    return out
