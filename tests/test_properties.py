"""Property-based tests (hypothesis) of the loader, the RDF mapping and the quote finder.

1. The loader never raises on any input: arbitrary bytes, arbitrary text, and YAML documents
   built from case-like keys with values of every type. It returns a case or reports at least
   one one-line problem — never nothing (a file that silently disappears is a lost case).
2. YAML → model → RDF → model: random valid cases over the real vocabulary, citing real quotes
   of the corpus (so they verify), are written as YAML, loaded, turned into triples with
   :func:`pav_graph.rdf.case_triples`, loaded into an in-memory Oxigraph store through
   N-Triples, and read back with SPARQL; every key field must come back as it was generated.
3. :class:`pav_graph.sourcetext.SourceText`: any stretch of a source's normalised text is
   found, at lines whose own text contains it, and whitespace changes do not change the result.
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pav_graph import rdf
from pav_graph.load import Context, load_case
from pav_graph.problems import Problems
from pav_graph.schema import LEVELS, SOURCE_TYPES
from pav_graph.sourcetext import normalise

# PAV_FUZZ_EXAMPLES=3000 for a longer search than the suite's default
SETTINGS = settings(max_examples=int(os.environ.get("PAV_FUZZ_EXAMPLES", "150")), deadline=None,
                    derandomize=False,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])
CASE_KEYS = ["id", "label", "summary", "period", "source_types", "organisations", "actors",
             "findings", "relations", "interventions", "events"]
INNER_KEYS = ["nl", "en", "id", "name", "level", "role", "organisation", "concept", "evidence",
              "source", "lines", "quote", "type", "from", "to", "status", "date", "actors",
              "start", "end", "note", "outcome", "reason", "measure", "value", "unit", "lang"]


class _NoAlias(yaml.SafeDumper):
    def ignore_aliases(self, data) -> bool:
        return True


def to_yaml(data) -> str:
    return yaml.dump(data, Dumper=_NoAlias, allow_unicode=True, sort_keys=False)


@pytest.fixture(scope="module")
def ctx(corpus) -> Context:
    return Context(corpus.sources, corpus.concepts)


def load_one(path: Path, ctx: Context) -> tuple[object, Problems]:
    problems = Problems()
    case = load_case(path, ctx, problems)
    return case, problems


def assert_reported_or_loaded(case, problems: Problems) -> None:
    if case is None:
        assert problems.errors, "a file that is not a case must be reported"
    for p in problems:
        line = p.format()
        assert "\n" not in line and line.strip(), repr(line)


# --------------------------------------------------------------------------- 1. never raises

scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
           | st.text(max_size=30) | st.sampled_from(["2024", "2024-05", "2024-13", "12-15", "nl"]))
yamlish = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.sampled_from(INNER_KEYS) | st.text(max_size=8), inner, max_size=5),
    max_leaves=25,
)
case_like = st.dictionaries(st.sampled_from(CASE_KEYS) | st.text(max_size=10), yamlish, max_size=11)


@SETTINGS
@given(data=st.binary(max_size=2000))
def test_loader_survives_any_bytes(data: bytes, ctx) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.yaml"
        path.write_bytes(data)
        assert_reported_or_loaded(*load_one(path, ctx))


@SETTINGS
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=2000)
       | st.lists(st.sampled_from(["id:", " ", "\n", "  - ", "[", "]", "{", "}", ":", "'", '"',
                                   "&a", "*a", "!!str", "#", "\t", "---", "label:", "nl: x",
                                   "findings:", "- concept: wantrouwen", "\ufeff", "\r\n"]),
                  max_size=60).map("".join))
def test_loader_survives_any_text(text: str, ctx) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.yaml"
        path.write_text(text, encoding="utf-8")
        assert_reported_or_loaded(*load_one(path, ctx))


@SETTINGS
@given(data=case_like)
def test_loader_survives_any_structure(data: dict, ctx) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.yaml"
        path.write_text(to_yaml(data), encoding="utf-8")
        case, problems = load_one(path, ctx)
        assert_reported_or_loaded(case, problems)


# --------------------------------------------------------------------------- 2. round trip

IDS = st.from_regex(r"[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,6}){0,2}", fullmatch=True)
# Free text as a contributor may type it: any printable character, Dutch and otherwise.
TEXTS = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")),
                min_size=1, max_size=40).filter(lambda s: s.strip())
LANG = st.fixed_dictionaries({"nl": TEXTS, "en": TEXTS})


@st.composite
def dates(draw) -> str:
    year = draw(st.integers(1950, 2030))
    kind = draw(st.sampled_from(["y", "ym", "ymd"]))
    if kind == "y":
        return f"{year}"
    month = draw(st.integers(1, 12))
    if kind == "ym":
        return f"{year}-{month:02d}"
    return f"{year}-{month:02d}-{draw(st.integers(1, 28)):02d}"


@st.composite
def valid_cases(draw, pool, kinds) -> dict:
    """A case that should validate: real concept ids of the right kind, real quotes."""
    def evidence():
        items = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=2))
        return [{"source": e.source,
                 "lines": e.first_line if e.first_line == e.last_line and draw(st.booleans())
                 else f"{e.first_line}-{e.last_line}",
                 "quote": e.quote} for e in items]

    orgs = draw(st.lists(IDS.map(lambda s: "org-" + s), min_size=1, max_size=3, unique=True))
    data: dict = {
        "id": draw(IDS), "label": draw(LANG), "summary": draw(LANG),
        "source_types": draw(st.lists(st.sampled_from(SOURCE_TYPES), max_size=2, unique=True)),
        "organisations": [{"id": o, "name": draw(TEXTS), "level": draw(st.sampled_from(LEVELS))}
                          for o in orgs],
    }
    start, end = sorted(draw(st.lists(dates(), min_size=2, max_size=2)))
    if draw(st.booleans()):
        data["period"] = {"start": start, "end": end if end[:4] > start[:4] else start}
    actor_ids = draw(st.lists(IDS, max_size=3, unique=True))
    data["actors"] = [{"id": a, "role": draw(st.sampled_from(kinds["role"])),
                       "organisation": draw(st.sampled_from(orgs)), "label": draw(LANG)}
                      for a in actor_ids]
    concepts = draw(st.lists(st.sampled_from(kinds["*"]), min_size=1, max_size=4, unique=True))
    data["findings"] = [{"concept": c, "evidence": evidence()} for c in concepts]
    if len(actor_ids) >= 1:
        data["relations"] = [
            {"type": draw(st.sampled_from(kinds["relation-type"])),
             "from": draw(st.sampled_from(actor_ids)), "to": draw(st.sampled_from(actor_ids)),
             "evidence": evidence()} for _ in range(draw(st.integers(0, 2)))]
    data["interventions"] = [
        {"concept": draw(st.sampled_from(kinds["intervention"])),
         "status": draw(st.sampled_from(["applied", "recommended"])), "evidence": evidence()}
        for _ in range(draw(st.integers(0, 2)))]
    data["events"] = []
    for _ in range(draw(st.integers(0, 2))):
        event = {"label": draw(LANG), "evidence": evidence()}
        if draw(st.booleans()):
            event["date"] = draw(dates())
        if draw(st.booleans()):
            event["type"] = draw(st.sampled_from(kinds["event-type"]))
        if actor_ids:
            event["actors"] = draw(st.lists(st.sampled_from(actor_ids), max_size=2, unique=True))
        data["events"].append(event)
    return data


@pytest.fixture(scope="module")
def vocabulary(corpus):
    pool = sorted({(e.source, e.first_line, e.last_line, e.quote): e
                   for c in corpus.cases.values() for e in c.all_evidence()}.values(),
                  key=lambda e: (e.source, e.first_line, e.quote))
    kinds: dict[str, list[str]] = {"*": sorted(corpus.concepts)}
    for c in corpus.concepts.values():
        kinds.setdefault(c.kind, []).append(c.id)
    for k in kinds.values():
        k.sort()
    assert len(pool) > 100 and all(kinds.get(k) for k in
                                   ("role", "relation-type", "intervention", "event-type"))
    return pool, kinds


PREFIXES = f"""PREFIX pg: <{rdf.ONTO}> PREFIX rdfs: <{rdf.RDFS}>
PREFIX dct: <{rdf.DCT}> """


def select(store: ox.Store, query: str, **iris: str) -> list[tuple]:
    for name, iri in iris.items():
        query = query.replace(f"${name}", f"<{iri}>")
    rows = store.query(PREFIXES + query)
    return [tuple(_py(t) for t in row) for row in rows]


def _py(term):
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        return (term.value, term.language) if term.language else term.value
    return term.value


def tail(iri: str) -> str:
    return iri.rsplit("/", 1)[1]


def locator(lines) -> tuple[int, int]:
    if isinstance(lines, int):
        return lines, lines
    a, b = lines.split("-")
    return int(a), int(b)


def test_round_trip(ctx, vocabulary) -> None:
    pool, kinds = vocabulary

    @SETTINGS
    @given(data=valid_cases(pool, kinds))
    def check(data: dict) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"{data['id']}.yaml"
            path.write_text(to_yaml(data), encoding="utf-8")
            case, problems = load_one(path, ctx)
            assert not problems, [p.format() for p in problems]
        assert case is not None and case.id == data["id"]
        _compare_model(case, data)
        store = ox.Store()
        store.bulk_load(rdf.to_ntriples(rdf.case_triples(case)), format=ox.RdfFormat.N_TRIPLES)
        _compare_rdf(store, data)

    check()


def _compare_model(case, data: dict) -> None:
    assert case.label == data["label"] and case.summary == data["summary"]
    assert [(o.id, o.name, o.level) for o in case.organisations] == [
        (o["id"], o["name"], o["level"]) for o in data["organisations"]]
    assert [f.concept for f in case.findings] == [f["concept"] for f in data["findings"]]
    for f, g in zip(case.findings, data["findings"], strict=True):
        assert [(e.source, e.first_line, e.last_line, e.quote) for e in f.evidence] == [
            (e["source"], *locator(e["lines"]), e["quote"]) for e in g["evidence"]]


def _compare_rdf(store: ox.Store, data: dict) -> None:
    c = f"{rdf.ID}case/{data['id']}"
    assert select(store, "SELECT ?id WHERE { $c dct:identifier ?id }", c=c) == [(data["id"],)]
    for prop, key in (("rdfs:label", "label"), ("pg:summary", "summary")):
        got = {r[0] for r in select(store, f"SELECT ?t WHERE {{ $c {prop} ?t }}", c=c)}
        assert got == {(text, lang) for lang, text in data[key].items()}
    period = data.get("period") or {}
    for prop, key in (("pg:startDate", "start"), ("pg:endDate", "end")):
        got = [r[0] for r in select(store, f"SELECT ?d WHERE {{ $c {prop} ?d }}", c=c)]
        assert got == ([period[key]] if key in period else [])
    got = {(tail(o), n[0], tail(lv)) for o, n, lv in select(
        store, "SELECT ?o ?n ?l WHERE { $c pg:hasOrganisation ?o . ?o rdfs:label ?n ; pg:level ?l }",
        c=c)}
    assert got == {(o["id"], o["name"], o["level"]) for o in data["organisations"]}
    got = {(tail(a), tail(r), tail(o)) for a, r, o in select(
        store, "SELECT ?a ?r ?o WHERE { $c pg:hasActor ?a . ?a pg:role ?r ; pg:memberOf ?o }", c=c)}
    assert got == {(a["id"], a["role"], a["organisation"]) for a in data["actors"]}
    exhibits = {tail(r[0]) for r in select(store, "SELECT ?x WHERE { $c pg:exhibits ?x }", c=c)}
    assert exhibits == {f["concept"] for f in data["findings"]}
    evidence = {(tail(concept), tail(src), q[0], first, last) for concept, src, q, first, last in select(
        store, "SELECT ?k ?s ?q ?a ?b WHERE { $c pg:hasFinding ?f . ?f pg:concept ?k ; "
        "pg:hasEvidence ?e . ?e pg:source ?s ; pg:quote ?q ; pg:firstLine ?a ; pg:lastLine ?b }",
        c=c)}
    assert evidence == {(f["concept"], e["source"], e["quote"], str(locator(e["lines"])[0]),
                         str(locator(e["lines"])[1]))
                        for f in data["findings"] for e in f["evidence"]}
    relations = sorted(select(store, "SELECT ?t ?a ?b WHERE { $c pg:hasRelation ?r . "
                                     "?r pg:relationType ?t ; pg:fromActor ?a ; pg:toActor ?b }", c=c))
    assert sorted((tail(t), tail(a), tail(b)) for t, a, b in relations) == sorted(
        (r["type"], r["from"], r["to"]) for r in data.get("relations", []))
    interventions = select(store, "SELECT ?k ?s WHERE { $c pg:hasIntervention ?i . "
                                  "?i pg:concept ?k ; pg:status ?s }", c=c)
    assert sorted((tail(k), tail(s)) for k, s in interventions) == sorted(
        (i["concept"], i["status"]) for i in data["interventions"])
    events = select(store, "SELECT ?e ?d ?t WHERE { $c pg:hasEvent ?e . OPTIONAL { ?e pg:date ?d } "
                           "OPTIONAL { ?e pg:concept ?t } }", c=c)
    assert sorted((d or "", t and tail(t) or "") for _, d, t in events) == sorted(
        (e.get("date", ""), e.get("type", "")) for e in data["events"])
    # event IRIs are content keys (event-<date>-<type>, ...), not positions: match by content
    stored = sorted((d or "", t and tail(t) or "", sorted(
        tail(r[0]) for r in select(store, "SELECT ?a WHERE { $e pg:involves ?a }", e=e_iri)))
        for e_iri, d, t in events)
    assert stored == sorted((e.get("date", ""), e.get("type", ""), sorted(set(e.get("actors", []))))
                            for e in data["events"])


# --------------------------------------------------------------------------- 3. quote finder


def test_any_stretch_of_a_source_is_found_where_it_stands(corpus) -> None:
    sources = [s for _, s in sorted(corpus.sources.items())]

    @SETTINGS
    @given(st.data())
    def check(data) -> None:
        source = data.draw(st.sampled_from(sources))
        text, line_of = source.text._index
        start = data.draw(st.integers(0, len(text) - 1))
        size = data.draw(st.integers(1, 300))
        piece = text[start:start + size]
        needle = normalise(piece)
        if not needle:
            return
        first = start + (len(piece) - len(piece.lstrip()))
        places = source.text.find(needle)
        # found where it was taken from ...
        assert (line_of[first], line_of[first + len(needle) - 1]) in places
        # ... and every place reported holds the text on exactly those lines
        for a, b in places:
            assert needle in normalise(" ".join(source.text.lines[a - 1:b]))
        # whitespace in the quote does not matter: line breaks and tabs for spaces
        respaced = needle.replace(" ", data.draw(st.sampled_from(["\n", "\t", "  ", " \n "])))
        assert source.text.find(respaced) == places
        assert normalise(needle) == needle

    check()


@SETTINGS
@given(st.text(max_size=200))
def test_normalise_is_idempotent_and_collapses_whitespace(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    assert "  " not in once and once == once.strip()
    assert once.replace(" ", "") == "".join(text.split())


# --------------------------------------------------------------------------- 4. typed scalars
#
# A case file is user input: every field may arrive as any YAML type. Unquoted impossible dates
# (`date: 2023-02-30`) once made every command exit 70 with "day is out of range for month"
# and no file named. Here the full case of tests/casegen.py (every field of the schema) gets
# one value -- or one key -- replaced by a YAML scalar of some type, written as YAML text
# (not built as Python data, so the loader's own typing is what is tested). The file must load,
# or every problem must be one line with a line number; a case that loads must become RDF that
# Oxigraph parses (no NaN literal, no invalid IRI).


@st.composite
def yaml_dates(draw) -> str:
    y, m, d = draw(st.integers(0, 9999)), draw(st.integers(0, 19)), draw(st.integers(0, 39))
    text = draw(st.sampled_from([f"{y:04d}-{m:02d}-{d:02d}", f"{y:04d}-{m}-{d}",
                                 f"{y:04d}-{m:02d}"]))
    if draw(st.booleans()):
        sep = draw(st.sampled_from(["T", "t", " ", "  "]))
        hh, mm, ss = draw(st.integers(0, 99)), draw(st.integers(0, 99)), draw(st.integers(0, 99))
        frac = draw(st.sampled_from(["", ".5", ".123456789"]))
        zone = draw(st.sampled_from(["", "Z", " Z", "+01:00", "-5", "+25:00", "-99:99", " +1"]))
        text += f"{sep}{hh:02d}:{mm:02d}:{ss:02d}{frac}{zone}"
    return draw(st.sampled_from(["", "!!timestamp ", "!!str ", "!!date "])) + text


yaml_numbers = st.one_of(
    st.integers().map(str),
    st.integers(1, 6000).map(lambda n: "9" * n),
    st.sampled_from([".nan", ".NaN", ".inf", "-.Inf", "+.INF", "1.0e+999", "-1.5e+400", "1e-400",
                     "0x1F", "0o17", "017", "0b101", "1_000", "1:20:30", "190:20:30.15", "-0",
                     "6.8523015e+5", "685.230_15e+03", "!!float abc", "!!int 1e3", "!!int",
                     "!!int 0x1F", "!!float .nan", "!!float 1", "!!int -12"]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


yaml_scalars = st.one_of(
    yaml_dates(),
    yaml_numbers,
    st.sampled_from(["yes", "No", "on", "OFF", "y", "n", "true", "False", "~", "null", "",
                     "!!bool maybe", "!!null x", "!!str", "!!binary aGVsbG8=", "!!set {a, b}",
                     "!!omap [a: 1]", "!!pairs [a: 1, a: 2]", "!!seq x", "!!map x", "[]", "{}",
                     "[1, 2]", "{nl: x}", "{nl: x, en: y}", "!foo bar", "!!python/none ''",
                     "'quoted'", '"\\0"', '"\\e[31mrood"', '"a\\x85b"', '"\\uFFFE"', '"\\t\\n"',
                     '"\\u2028"', "<<", "=", "!!value x", "&a x", "*a", "'[/x]'", "x # comment"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12).map(json.dumps),
)


def _slots(data, prefix=()) -> list[tuple]:
    """Every place of a value in ``data`` (mapping keys and list positions)."""
    out = []
    if isinstance(data, dict):
        for k, v in data.items():
            out.append((*prefix, k))
            out += _slots(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out.append((*prefix, i))
            out += _slots(v, (*prefix, i))
    return out


MARK = "slotmark7f3a"  # written plain by the dumper, so the scalar replaces it unquoted


def _with_mark(data, slot: tuple, as_key: bool):
    data = copy.deepcopy(data)
    node = data
    for k in slot[:-1]:
        node = node[k]
    last = slot[-1]
    if as_key and isinstance(node, dict):
        node[MARK] = node.pop(last)
    else:
        node[last] = MARK
    return data


@pytest.fixture(scope="module")
def full():
    from casegen import full_case

    data = full_case("getypte-casus")
    return data, _slots(data)


def test_typed_scalars_in_every_field(ctx, full) -> None:
    from pav_graph.load import locate_problems

    data, slots = full

    @SETTINGS
    @given(slot=st.sampled_from(slots), scalar=yaml_scalars, as_key=st.booleans())
    def check(slot, scalar, as_key) -> None:
        text = to_yaml(_with_mark(data, slot, as_key))
        assert text.count(MARK) == 1 and f"'{MARK}" not in text and f'"{MARK}' not in text
        text = text.replace(MARK, scalar.replace("\n", "\\n"), 1)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "getypte-casus.yaml"
            path.write_text(text, encoding="utf-8")
            case, problems = load_one(path, ctx)
            locate_problems(problems)
        assert_reported_or_loaded(case, problems)
        for p in problems.errors:
            assert p.line is not None, p.format()
        if case is not None:
            store = ox.Store()
            store.bulk_load(rdf.to_ntriples(rdf.case_triples(case)), format=ox.RdfFormat.N_TRIPLES)

    check()


def _is_kept_in(before: str, after: str) -> bool:
    """Every line of ``before`` is in ``after``, in order (an edit only inserts lines)."""
    rest = iter(after.split("\n"))
    return all(any(line == other for other in rest) for line in before.split("\n"))


def test_edits_keep_typed_scalars_they_cannot_build(full) -> None:
    """The edit path (ruamel's round trip) on a file with any typed scalar in any field: the
    edit either works and keeps every line of the file as written (an impossible date such as
    2023-02-30 stays that text, for validation to report at its place), or it is refused with
    an EditError; never another exception (once "internal error: ValueError: day is out of
    range for month")."""
    from pav_graph import casefile

    data, slots = full
    evidence = casefile.evidence_item("nyenrode-2023", 10, 12, "een citaat")

    @settings(SETTINGS, max_examples=max(40, SETTINGS.max_examples // 3))  # ruamel is slow
    @given(slot=st.sampled_from(slots), scalar=yaml_scalars, as_key=st.booleans(),
           edit=st.sampled_from(["finding", "event", "qualify"]))
    def check(slot, scalar, as_key, edit) -> None:
        text = to_yaml(_with_mark(data, slot, as_key))
        text = text.replace(MARK, scalar.replace("\n", "\\n"), 1)
        try:
            if edit == "finding":
                after = casefile.add_finding(text, "nieuw-begrip", evidence)
            elif edit == "event":
                after = casefile.add_event(text, ("iets", "something"), evidence, date="2020-01-02")
            else:
                casefile.parse(text)
                return
        except casefile.EditError as exc:
            assert str(exc).strip() and "\n" not in str(exc), str(exc)
            return
        assert _is_kept_in(text, after), (text, after)
        assert "nieuw-begrip" in after or "something" in after

    check()


@pytest.mark.parametrize("text,expect", [
    ("date: 2023-02-30", "does not parse"),
    ("date: 2023-02-28T25:00:00", "does not parse"),
    ("date: 2023-02-28 10:00:00 +99:00", "does not parse"),
    ("date: !!timestamp 2023-13-01", "does not parse"),
    ("date: !!timestamp xyz", "does not parse"),
    ("date: " + "9" * 5000, "a number of 5000 digits"),
    ("date: !!int abc", "is not a whole number"),
    ("date: !!binary aGVsbG8=", "!!binary"),
])
def test_typed_event_dates_are_located(ctx, full, text: str, expect: str) -> None:
    """The reproductions of the report, each reported at the line of the event's date."""
    from pav_graph.load import locate_problems

    data, _ = full
    body = to_yaml({k: v for k, v in data.items() if k != "events"})
    event = data["events"][0]
    body += "events:\n  - label: {nl: x, en: y}\n    " + text + "\n    evidence:\n"
    body += "".join(f"      - {{source: {e['source']}, lines: '{e['lines']}', quote: {json.dumps(e['quote'])}}}\n"
                    for e in event["evidence"])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "getypte-casus.yaml"
        path.write_text(body, encoding="utf-8")
        case, problems = load_one(path, ctx)
        locate_problems(problems)
    line = body.split("\n").index("    " + text) + 1
    assert case is None
    assert [p for p in problems.errors if expect in p.message and p.line == line], \
        [p.format() for p in problems]


# --------------------------------------------------------------------------- 5. spreadsheet cells


@SETTINGS
@given(st.text(alphabet=st.sampled_from(list("=+-@'\"\t;,\n a1.\uff1d")) | st.characters(),
               max_size=40))
def test_spreadsheet_cells_never_start_a_formula(text: str) -> None:
    """Any text: the CSV cell gives it back exactly (:func:`original`), and no piece of it that
    a spreadsheet could read as a cell of its own starts a formula."""
    import re

    from pav_graph.spreadsheet import FORMULA_START, cell, original

    out = cell(text)
    assert original(out) == text
    for piece in re.split(r"[;,\n]", out):
        bare = piece.lstrip('"')
        if bare and bare[0] in FORMULA_START:
            float(piece)  # only a plain number may start with - or +
