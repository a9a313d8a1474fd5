"""Changing and removing items of a case file while keeping every other byte of it.

:mod:`pav_graph.casefile` appends; this module replaces and removes. Both work on the text,
not by re-dumping the document: ruamel.yaml's round-trip parser says on which lines an item,
a key or a value stands, and only those lines are rewritten. Every edit is then checked: the
new text is parsed again and must equal the old data with exactly the intended change, else
:class:`~pav_graph.casefile.EditError` is raised and nothing is written (the caller,
:func:`pav_graph.contrib.edit_case`, also refuses an edit that adds a validation problem).

What cannot be edited this way is refused with the place and "edit it by hand": an item in a
one-line ``[...]`` list, a value spread over several lines.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from pav_graph.casefile import EditError, _end_line, _plain, _q, _render_item, parse

LISTS = ("findings", "relations", "interventions", "events", "actors")
_PLAIN_VALUE = re.compile(r"[^\s#'\"{}\[\],][^#]*?(?=\s+#|\s*\Z)")


def _node(doc: Any, path: tuple) -> Any:
    for key in path:
        doc = doc[key]
    return doc


def _checked(text: str, new_text: str, change: Callable[[Any], None], what: str) -> str:
    """``new_text`` if it parses to the old data with ``change`` applied, else EditError."""
    expected = copy.deepcopy(_plain(parse(text)))
    change(expected)
    try:
        got = _plain(parse(new_text))
    except Exception as exc:  # noqa: BLE001  (any parse failure means the edit went wrong)
        raise EditError(f"{what}: the edited file would not be valid YAML ({exc})") from None
    if got != expected:
        raise EditError(f"{what}: cannot be done without touching other lines; edit it by hand")
    return new_text


def _item_lines(doc: CommentedMap, seq_path: tuple, index: int, lines: list[str]) -> tuple[int, int]:
    """[first, end) lines of item ``index`` of the block list at ``seq_path``: from its dash to
    the next item (comment and blank lines just before the next sibling stay with it)."""
    seq = _node(doc, seq_path)
    if not isinstance(seq, CommentedSeq):
        raise EditError(f"`{seq_path[-1]}` is not a list")
    if seq.fa.flow_style():
        raise EditError(f"`{'.'.join(map(str, seq_path))}` is written as a one-line [...] list; "
                        "edit it by hand")
    first = seq.lc.item(index)[0]
    if index + 1 < len(seq):
        end = seq.lc.item(index + 1)[0]
    else:
        end = _end_line(doc, (*seq_path, index), len(lines))
    dash_col = len(lines[first]) - len(lines[first].lstrip(" "))
    while end > first + 1:
        stripped = lines[end - 1].lstrip(" ")
        indent = len(lines[end - 1]) - len(stripped)
        if not stripped or (stripped.startswith("#") and indent <= dash_col):
            end -= 1
        else:
            break
    return first, end


def _split(text: str) -> list[str]:
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    return lines


def _join(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def remove_item(text: str, seq_path: tuple, index: int) -> str:
    """``text`` without item ``index`` of the list at ``seq_path``; a list left empty is
    removed with its key."""
    doc = parse(text)
    lines = _split(text)
    seq = _node(doc, seq_path)
    what = f"{'.'.join(map(str, seq_path))}[{index}]"
    if len(seq) == 1:
        parent = _node(doc, seq_path[:-1])
        key_line = parent.lc.key(seq_path[-1])[0]
        _, end = _item_lines(doc, seq_path, index, lines)
        del lines[key_line:end]

        def change(data: Any) -> None:
            del _node(data, seq_path[:-1])[seq_path[-1]]
    else:
        first, end = _item_lines(doc, seq_path, index, lines)
        del lines[first:end]

        def change(data: Any) -> None:
            del _node(data, seq_path)[index]
    return _checked(text, _join(lines), change, what)


def replace_item(text: str, seq_path: tuple, index: int, item: CommentedMap) -> str:
    """``text`` with item ``index`` of the list at ``seq_path`` replaced by ``item``, written
    in the style of the item it replaces (one-line ``{...}`` or block)."""
    doc = parse(text)
    lines = _split(text)
    seq = _node(doc, seq_path)
    old = seq[index]
    first, end = _item_lines(doc, seq_path, index, lines)
    dash_col = len(lines[first]) - len(lines[first].lstrip(" "))
    if isinstance(old, CommentedMap) and old.fa.flow_style():
        item.fa.set_flow_style()
        if end - first != 1:
            raise EditError(f"{'.'.join(map(str, seq_path))}[{index}] is spread over several "
                            "lines; edit it by hand")
    lines[first:end] = _render_item(copy.deepcopy(item), dash_col)

    def change(data: Any) -> None:
        _node(data, seq_path)[index] = _plain(item)
    return _checked(text, _join(lines), change, f"{'.'.join(map(str, seq_path))}[{index}]")


def set_value(text: str, map_path: tuple, key: str, value: str | dict | None) -> str:
    """``text`` with ``key: value`` in the mapping at ``map_path``: the value replaced where the
    key is (only the value's characters change), added as a new line before the mapping's
    second key where it is not, or the key's line removed when ``value`` is None."""
    doc = parse(text)
    lines = _split(text)
    node = _node(doc, map_path)
    what = ".".join(map(str, (*map_path, key)))
    if not isinstance(node, CommentedMap):
        raise EditError(f"{what}: not a mapping")
    if node.fa.flow_style():
        raise EditError(f"{what}: the item is written as a one-line {{...}}; edit it by hand")
    if isinstance(value, dict):  # {nl: .., en: ..} on one line
        rendered = "{" + ", ".join(f"{k}: {_q(v)}" for k, v in value.items()) + "}"
    elif value is not None and re.fullmatch(r"[a-z][a-z0-9-]*", value):
        rendered = value
    else:
        rendered = _q(value) if value is not None else None
    if key in node:
        key_line, _ = node.lc.key(key)
        val_line, val_col = node.lc.value(key)
        keys = list(node)
        nxt = keys.index(key) + 1
        next_line = node.lc.key(keys[nxt])[0] if nxt < len(keys) else _end_line(
            doc, (*map_path, key), len(lines))
        continued = any(ln.strip() and not ln.lstrip().startswith("#")
                        for ln in lines[key_line + 1:next_line])
        if isinstance(node[key], (dict, list)) or val_line != key_line or continued:
            # a value over several lines (folded text, a block, {nl: .., en: ..} spread out):
            # its lines give way to one line
            key_col = node.lc.key(key)[1]
            end = next_line
            while end > key_line + 1 and (not lines[end - 1].strip() or (
                    lines[end - 1].lstrip().startswith("#")
                    and len(lines[end - 1]) - len(lines[end - 1].lstrip()) <= key_col)):
                end -= 1
            new = [] if value is None else [lines[key_line][:key_col] + f"{key}: {rendered}"]
            lines[key_line:end] = new
        elif value is None:
            del lines[key_line]
        else:
            line = lines[key_line]
            rest = line[val_col:]
            m = re.match(r'"(?:[^"\\]|\\.)*"|\'(?:[^\']|\'\')*\'', rest) or _PLAIN_VALUE.match(rest)
            if not m:
                raise EditError(f"{what}: cannot find the value on line {key_line + 1}")
            lines[key_line] = line[:val_col] + rendered + rest[m.end():]
    else:
        if value is None:
            return text
        keys = list(node)
        if len(keys) < 2:
            raise EditError(f"{what}: cannot place the new key; edit it by hand")
        line, col = node.lc.key(keys[1])  # the new key goes after the first one's value
        lines.insert(line, " " * col + f"{key}: {rendered}")

    def change(data: Any) -> None:
        target = _node(data, map_path)
        if value is None:
            target.pop(key, None)
        else:
            target[key] = value
    return _checked(text, _join(lines), change, what)


# --------------------------------------------------------------------------- choosing items

SELECTOR_KEYS = {"findings": "concept", "interventions": "concept", "relations": "type",
                 "events": "type", "actors": "id"}


def find_item(text: str, kind: str, selector: str) -> int:
    """The index of the item of list ``kind`` that ``selector`` names: a number (1-based, as
    the list stands in the file) or the item's concept / type / id when that is unique."""
    items = parse(text).get(kind) or []
    what = kind[:-1]
    if selector.isdigit():
        n = int(selector)
        if not 1 <= n <= len(items):
            raise EditError(f"there is no {what} {n}: the case has {len(items)} {kind}")
        return n - 1
    key = SELECTOR_KEYS[kind]
    hits = [i for i, item in enumerate(items) if isinstance(item, dict) and item.get(key) == selector]
    if not hits:
        from pav_graph.problems import did_you_mean

        known = sorted({str(item.get(key)) for item in items if isinstance(item, dict)})
        raise EditError(f"no {what} with {key} {selector!r} — "
                        + (did_you_mean(selector, known, key) if known else f"the case has no {kind}"))
    if len(hits) > 1:
        raise EditError(f"{len(hits)} {kind} have {key} {selector!r} (numbers "
                        f"{', '.join(str(i + 1) for i in hits)}) — give the number instead")
    return hits[0]
