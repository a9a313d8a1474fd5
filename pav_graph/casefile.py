"""Writing and editing case files so that what a contributor wrote survives untouched.

``case new`` writes a fresh file from a commented template (comments explain every field).
``case add-finding`` and friends append to an existing file. They do not re-dump the whole
document (a full round-trip dump moves comments that stand between sections onto the wrong
item): the new item is rendered with ruamel.yaml on its own and inserted as text at the end of
the list it belongs to, with the indentation the file already uses. The result is parsed again
and compared with the intended data; only if that check fails is the whole document dumped by
ruamel's round-trip emitter instead. Every line that was in the file before stays byte-for-byte
the same, except an empty ``evidence: []`` placeholder that is being filled in.
"""

from __future__ import annotations

import copy
import datetime
import io
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from pav_graph import yamlio

SCHEMA_LINE = re.compile(r"^# yaml-language-server: \$schema=\S*$", re.MULTILINE)
CASE_SCHEMA_REF = "../ontology/case.schema.json"


class EditError(Exception):
    """An edit that cannot be made to this file (message names the place and the fix);
    ``line``/``column`` (1-based) when the place is a position in the file."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.line, self.column = line, column


def slug(text: str) -> str:
    """An id from free text: 'Gemeente Den Helder' → 'gemeente-den-helder'."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def lines_value(first: int, last: int) -> int | str:
    return first if first == last else f"{first}-{last}"


# --------------------------------------------------------------------------- case new


@dataclass
class NewEvidence:
    source: str
    first: int
    last: int
    quote: str


@dataclass
class NewActor:
    id: str
    role: str
    label_nl: str
    label_en: str


@dataclass
class Draft:
    """What ``case new`` knows about a case; everything but the id may still be empty."""

    id: str
    label_nl: str
    label_en: str
    organisation_id: str
    organisation_name: str
    level: str
    summary_nl: str = ""
    summary_en: str = ""
    start: str | None = None
    end: str | None = None
    source: str | None = None
    source_type: str | None = None
    actors: list[NewActor] = field(default_factory=list)
    concepts: list[str] = field(default_factory=list)
    evidence: dict[str, NewEvidence] = field(default_factory=dict)  # concept id → first evidence


def render_new_case(d: Draft, schema_ref: str = CASE_SCHEMA_REF) -> str:
    """The text of a fresh case file, with a comment above each field saying what it is for."""
    today = datetime.date.today().isoformat()
    out = [
        f"# yaml-language-server: $schema={schema_ref}",
        f"# Written by `pav-graph case new` on {today}. The format: docs/case-format.md.",
        "# Every claim needs evidence: a verbatim quote from a registered source and the lines",
        "# where it stands. Add it with",
        f"#   pav-graph case add-finding {d.id}.yaml --concept ID --source ID --lines L --quote \"...\"",
        f"# then check the file with `pav-graph case validate {d.id}.yaml` and add it to the corpus",
        f"# with `pav-graph case add {d.id}.yaml`.",
        "",
        "# id: lower-case letters, digits and '-'; the case is stored as cases/<id>.yaml",
        f"id: {d.id}",
        "# label: a short title, Dutch first, then English",
        "label:",
        f"  nl: {_q(d.label_nl)}",
        f"  en: {_q(d.label_en)}",
        "# summary: in your own words (not copied) what the source says happened",
        "# (\"Volgens het rapport ...\"); an empty summary is reported by `case validate`",
        "summary:",
        f"  nl: {_q(d.summary_nl)}",
        f"  en: {_q(d.summary_en)}",
        "# period: \"YYYY\", \"YYYY-MM\" or \"YYYY-MM-DD\" (quoted), only as precise as the source;",
        "# leave out what the source does not say, and explain gaps in `note:`",
    ]
    if d.start or d.end:
        out.append("period:")
        if d.start:
            out.append(f"  start: {_q(d.start)}")
        if d.end:
            out.append(f"  end: {_q(d.end)}")
    else:
        out += ["# period:", "#   start: \"2024\"", "#   end: \"2025\""]
    out.append("# source_types: report | news | thesis | essay | article | interview | working-paper")
    if d.source_type:
        out.append(f"source_types: [{d.source_type}]")
    else:
        out.append("# source_types: [report]")
    out += [
        "# organisations: at least one; level is gemeente | provincie | rijk | waterschap | semipubliek |",
        "#   overheid-onbekend | niet-overheid | onbekend.",
        "# Use the same id, name and level as other cases that name this organisation.",
        "organisations:",
        f"  - id: {d.organisation_id}",
        f"    name: {_q(d.organisation_name)}",
        f"    level: {d.level}",
        "# actors: by role, never by private name; `role` is a concept of kind role",
        "# (list them with `pav-graph concepts --kind role`); ids are local to this file",
    ]
    if d.actors:
        out.append("actors:")
        for a in d.actors:
            out += [
                f"  - id: {a.id}",
                f"    role: {a.role}",
                f"    organisation: {d.organisation_id}",
                f"    label: {{nl: {_q(a.label_nl)}, en: {_q(a.label_en)}}}",
            ]
    else:
        out += ["# actors:", "#   - id: gemeentesecretaris", "#     role: gemeentesecretaris",
                f"#     organisation: {d.organisation_id}",
                "#     label: {nl: \"de gemeentesecretaris\", en: \"the municipal secretary\"}"]
    out += [
        "# findings: the case exhibits a concept (risk factor, pattern, dilemma, ...), says a source.",
        "# Each finding needs at least one evidence item: source, lines, verbatim quote.",
    ]
    if d.concepts:
        out.append("findings:")
        for cid in d.concepts:
            out.append(f"  - concept: {cid}")
            ev = d.evidence.get(cid)
            if ev is None:
                src = d.source or "SOURCE"
                out.append(f"    evidence: []   # needs evidence: pav-graph case add-finding {d.id}.yaml"
                           f" --concept {cid} --source {src} --lines L --quote \"...\"")
            else:
                out += ["    evidence:", f"      - source: {ev.source}",
                        f"        lines: {lines_value(ev.first, ev.last)}",
                        f"        quote: {_q(ev.quote)}"]
    else:
        out += ["# findings:", "#   - concept: onveilige-meldcultuur", "#     evidence:",
                "#       - {source: essay-2025, lines: 12, quote: \"...\"}"]
    out += [
        "# relations (typed relation between two actors), interventions (applied | recommended)",
        "# and events (dated happenings) are added with `pav-graph case add-relation`,",
        "# `case add-intervention` and `case add-event`; see docs/case-format.md.",
    ]
    return "\n".join(out) + "\n"


def set_schema_line(text: str, ref: str = CASE_SCHEMA_REF) -> str:
    """Point the editor-schema comment at ``ref`` (the path differs outside cases/)."""
    return SCHEMA_LINE.sub(f"# yaml-language-server: $schema={ref}", text, count=1)


# --------------------------------------------------------------------------- editing


def _rt():
    rt = yamlio.roundtrip_yaml()
    rt.width = 10**6  # never re-wrap long lines: a round trip must give the same text back
    return rt


def parse(text: str) -> CommentedMap:
    """The round-trip document of ``text``; a file that is not YAML (or not YAML pav-graph
    reads) is an EditError at its place, with the same words ``validate`` uses."""
    from ruamel.yaml.error import MarkedYAMLError

    try:
        doc = _rt().load(io.StringIO(text))
    except Exception as exc:  # noqa: BLE001 -- ruamel's constructor raises what it meets
        # (AttributeError for a `!!pairs` key, IndexError for an empty `!!int`): all of them
        # mean "this text cannot be edited as YAML", never an internal error
        try:
            yamlio.loads(text)
        except yamlio.YamlError as err:
            raise EditError(f"{err.message} — {err.fix}", err.line, err.column) from None
        mark = getattr(exc, "problem_mark", None) if isinstance(exc, MarkedYAMLError) else None
        problem = getattr(exc, "problem", None) or str(exc).split("\n")[0]
        raise EditError(f"the file cannot be read as YAML: {problem} — fix it by hand, then "
                        "check it with `pav-graph case validate`",
                        mark.line + 1 if mark else None, mark.column + 1 if mark else None) from None
    if not isinstance(doc, CommentedMap):
        raise EditError("the file is not a YAML mapping (expected `id:`, `label:` ...)")
    return doc


def evidence_item(source: str, first: int, last: int, quote: str) -> CommentedMap:
    m = CommentedMap()
    m["source"] = source
    m["lines"] = lines_value(first, last)
    m["quote"] = DoubleQuotedScalarString(quote)
    return m


def lang_text(nl: str, en: str) -> CommentedMap:
    m = CommentedMap()
    m["nl"] = DoubleQuotedScalarString(nl)
    m["en"] = DoubleQuotedScalarString(en)
    m.fa.set_flow_style()
    return m


def _render_item(item: Any, dash_col: int) -> list[str]:
    """The YAML lines of one list item, the dash at ``dash_col``."""
    buf = io.StringIO()
    _rt().dump([item], buf)
    lines = buf.getvalue().rstrip("\n").split("\n")
    first_indent = len(lines[0]) - len(lines[0].lstrip(" "))
    pad = " " * dash_col
    return [pad + line[first_indent:] if line.strip() else line for line in lines]


def _position(node: Any, key: Any) -> tuple[int, int]:
    """0-based (line, column) where a key of a mapping or an item of a sequence starts."""
    if isinstance(node, CommentedSeq):
        return node.lc.item(key)
    return node.lc.key(key)


def _end_line(doc: CommentedMap, path: tuple, n_lines: int) -> int:
    """The first line after the node at ``path``: where its next sibling (or an ancestor's
    next sibling) starts, or the end of the file."""
    chain = [doc]
    for key in path[:-1]:
        chain.append(chain[-1][key])
    for depth in range(len(path) - 1, -1, -1):
        parent, key = chain[depth], path[depth]
        keys = list(range(len(parent))) if isinstance(parent, CommentedSeq) else list(parent)
        i = keys.index(key)
        if i + 1 < len(keys):
            return _position(parent, keys[i + 1])[0]
    return n_lines


def _append_text(text: str, doc: CommentedMap, seq_path: tuple, item: Any) -> str:
    """Insert ``item`` as the last element of the list at ``seq_path``, as text."""
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    parent = doc
    for key in seq_path[:-1]:
        parent = parent[key]
    key = seq_path[-1]
    seq = parent.get(key)
    if seq is None and key in parent:  # `key:` with nothing after it
        key_line, key_col = parent.lc.key(key)
        if not re.fullmatch(rf"\s*{re.escape(key)}:\s*(#.*)?", lines[key_line]):
            raise EditError(f"`{key}` is not a list")
        lines[key_line + 1:key_line + 1] = _render_item(item, key_col + 2)
        return "\n".join(lines) + "\n"
    if seq is None:  # the list does not exist yet: only at the top level
        if len(seq_path) != 1:
            raise EditError(f"cannot add `{key}:` here")
        while lines and not lines[-1].strip():
            lines.pop()
        lines += [f"{key}:", *_render_item(item, 2)]
        return "\n".join(lines) + "\n"
    if not isinstance(seq, CommentedSeq):
        raise EditError(f"`{key}` is not a list")
    key_line, key_col = parent.lc.key(key)
    if len(seq) == 0 or seq.fa.flow_style():
        if len(seq) == 0 and re.fullmatch(rf"\s*{re.escape(key)}:\s*\[\]\s*(#.*)?", lines[key_line]):
            # an empty placeholder (`evidence: []  # needs evidence ...`) is being filled in
            lines[key_line] = " " * key_col + f"{key}:"
            lines[key_line + 1:key_line + 1] = _render_item(item, key_col + 2)
            return "\n".join(lines) + "\n"
        raise EditError(f"`{key}` is written as a one-line [...] list")
    first_line = seq.lc.item(0)[0]
    dash_col = len(lines[first_line]) - len(lines[first_line].lstrip(" "))
    content_col = seq.lc.item(0)[1]
    end = _end_line(doc, tuple(seq_path), len(lines))
    # comments and blank lines before the next sibling belong to what follows, unless they are
    # indented like the content of the last item
    while end > first_line + 1:
        prev = lines[end - 1]
        stripped = prev.lstrip(" ")
        if not stripped or (stripped.startswith("#") and len(prev) - len(stripped) < content_col):
            end -= 1
        else:
            break
    last = seq[-1]
    if isinstance(item, CommentedMap) and isinstance(last, CommentedMap) and last.fa.flow_style():
        item.fa.set_flow_style()  # match the style of the items before it
    elif isinstance(item, CommentedMap) and isinstance(last, CommentedMap):
        before, new_ev = last.get("evidence"), item.get("evidence")
        if (isinstance(before, list) and before and new_ev and isinstance(before[-1], CommentedMap)
                and before[-1].fa.flow_style()):
            for ev in new_ev:
                ev.fa.set_flow_style()
    lines[end:end] = _render_item(item, dash_col)
    return "\n".join(lines) + "\n"


def append(text: str, seq_path: tuple, item: Any) -> str:
    """``text`` with ``item`` appended to the list at ``seq_path`` (created at the top level
    when missing). Existing lines stay as they were; the result is checked by parsing it."""
    doc = parse(text)
    expected = copy.deepcopy(_plain(doc))
    target = expected
    for key in seq_path[:-1]:
        target = target[key]
    target.setdefault(seq_path[-1], [])
    if not isinstance(target[seq_path[-1]], (list, type(None))):
        raise EditError(f"`{seq_path[-1]}` is not a list — make it one (`{seq_path[-1]}:` with "
                        "items `- ...` under it) and run the command again")
    if target[seq_path[-1]] is None:
        target[seq_path[-1]] = []
    target[seq_path[-1]].append(_plain(item))
    try:
        new_text = _append_text(text, doc, seq_path, copy.deepcopy(item))
        if _plain(parse(new_text)) == expected:
            return new_text
    except (EditError, IndexError, KeyError, ValueError, TypeError, AttributeError):
        pass  # a shape the text insertion does not know: the round-trip dump below
    # fall back to ruamel's round-trip dump of the whole document
    node = doc
    for key in seq_path[:-1]:
        node = node[key]
    if node.get(seq_path[-1]) is None:
        node[seq_path[-1]] = CommentedSeq()
    seq = node[seq_path[-1]]
    if len(seq) == 0:
        seq.fa.set_block_style()
    seq.append(item)
    buf = io.StringIO()
    _rt().dump(doc, buf)
    return buf.getvalue()


def _plain(node: Any) -> Any:
    """``node`` as plain, comparable data: the check that a text edit changed nothing else
    compares these (ruamel's tagged scalars have no equality, NaN is not equal to itself;
    either would send a good edit to the whole-file fallback)."""
    from ruamel.yaml.comments import TaggedScalar

    if isinstance(node, TaggedScalar):
        return ("tagged", str(getattr(node.tag, "value", node.tag)), str(node.value))
    if isinstance(node, float) and math.isnan(node):
        return ("nan",)
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    return node


# --------------------------------------------------------------------------- the edits


def add_finding(text: str, concept: str, evidence: CommentedMap, note: str | None = None) -> str:
    """Append evidence to the finding for ``concept``, or a new finding when there is none."""
    doc = parse(text)
    findings = doc.get("findings") or []
    if not isinstance(findings, list):
        raise EditError("`findings` is not a list — make it one (`findings:` with items `- ...` "
                        "under it) and run the command again")
    for i, finding in enumerate(findings):
        if isinstance(finding, dict) and finding.get("concept") == concept:
            if note and finding.get("note") and finding.get("note") != note:
                raise EditError(f"finding {i + 1} ({concept}) already has a note; edit it by hand")
            if finding.get("evidence") is None:
                raise EditError(f"finding {i + 1} ({concept}) has no `evidence:` list")
            new_text = append(text, ("findings", i, "evidence"), evidence)
            if note and not finding.get("note"):
                new_text = _add_key(new_text, ("findings", i), "note", note)
            return new_text
    item = CommentedMap()
    item["concept"] = concept
    item["evidence"] = CommentedSeq([evidence])
    if note:
        item["note"] = note
    return append(text, ("findings",), item)


def _add_key(text: str, map_path: tuple, key: str, value: str) -> str:
    """Add ``key: value`` as the last key of the mapping at ``map_path`` (text insertion)."""
    doc = parse(text)
    node = doc
    for k in map_path:
        node = node[k]
    lines = text.rstrip("\n").split("\n")
    last_key = list(node)[-1]
    col = node.lc.key(last_key)[1]
    end = _end_line(doc, (*map_path, last_key), len(lines))
    while end > 0 and (not lines[end - 1].strip() or
                       (lines[end - 1].lstrip().startswith("#")
                        and len(lines[end - 1]) - len(lines[end - 1].lstrip()) < col)):
        end -= 1
    lines.insert(end, " " * col + f"{key}: {_q(value)}")
    return "\n".join(lines) + "\n"


def add_relation(text: str, type_: str, from_: str, to: str, evidence: CommentedMap,
                 note: str | None = None) -> str:
    item = CommentedMap()
    item["type"], item["from"], item["to"] = type_, from_, to
    item["evidence"] = CommentedSeq([evidence])
    if note:
        item["note"] = note
    return append(text, ("relations",), item)


def add_intervention(text: str, concept: str, status: str, evidence: CommentedMap,
                     outcome: tuple[str, str] | None = None, note: str | None = None) -> str:
    item = CommentedMap()
    item["concept"], item["status"] = concept, status
    if outcome:
        item["outcome"] = lang_text(*outcome)
    item["evidence"] = CommentedSeq([evidence])
    if note:
        item["note"] = note
    return append(text, ("interventions",), item)


def add_event(text: str, label: tuple[str, str], evidence: CommentedMap, date: str | None = None,
              type_: str | None = None, actors: list[str] | None = None,
              reason: tuple[str, str] | None = None) -> str:
    item = CommentedMap()
    if date:
        item["date"] = DoubleQuotedScalarString(date)
    if type_:
        item["type"] = type_
    item["label"] = lang_text(*label)
    if actors:
        seq = CommentedSeq(actors)
        seq.fa.set_flow_style()
        item["actors"] = seq
    if reason:
        item["reason"] = lang_text(*reason)
    item["evidence"] = CommentedSeq([evidence])
    return append(text, ("events",), item)


def add_actor(text: str, actor_id: str, role: str, label: tuple[str, str],
              organisation: str | None = None) -> str:
    item = CommentedMap()
    item["id"], item["role"] = actor_id, role
    if organisation:
        item["organisation"] = organisation
    item["label"] = lang_text(*label)
    return append(text, ("actors",), item)
