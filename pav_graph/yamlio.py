"""Reading YAML files safely and fast, and finding where a value stands in them.

Files are parsed with libyaml's C safe loader (fast enough for 10,000 case files). Only when a
problem must be reported is the file composed again into YAML nodes, which know the line and
column of every key and item. Editing (``case add-finding``) uses ruamel.yaml's round-trip
loader so comments, order and formatting survive.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.constructor import ConstructorError, RoundTripConstructor
from ruamel.yaml.nodes import ScalarNode

from pav_graph.signals import tied_to_this_process

try:  # the C loader is present in every PyYAML wheel; fall back for exotic builds
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]



class ValueProblem(yaml.MarkedYAMLError):
    """A scalar that YAML can parse but a pav-graph file cannot hold (an impossible value for its
    type, a non-finite number, a control character); carries its own fix."""

    def __init__(self, problem: str, fix: str, mark) -> None:
        super().__init__(problem=problem, problem_mark=mark)
        self.fix = fix


_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9_]*)")
MAX_DIGITS = 30  # more than any line number, year or measure needs; int() of 4,300+ digits fails
_NOT_PLAIN = {"binary": "binary data", "set": "a set", "omap": "an ordered map", "pairs": "pairs"}
QUOTE_FIX = "put the value in double quotes if it is text, e.g. \"2023-02-30\""


_BAD_CHARACTER = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def bad_character(text: str) -> int | None:
    """Index of the first character no text may hold, or None.

    C0 and C1 control characters (except tab and line feed) and the non-characters U+FFFE and
    U+FFFF cannot be written in XML (GraphML, GEXF), end up as raw bytes in CSV and HTML, and
    can drive a terminal (ESC sequences); YAML lets them in through escapes like ``"\\0"``."""
    m = _BAD_CHARACTER.search(text)
    return m.start() if m else None


def without_controls(text: str, keep: str = "") -> str:
    """``text`` with every character :func:`bad_character` refuses (but those in ``keep``)
    replaced by a space: for text taken from a document (a PDF's text layer or metadata), where
    such a character means nothing and a quote could never be written with it."""
    return _BAD_CHARACTER.sub(lambda m: m.group(0) if m.group(0) in keep else " ", text)


def encoding_hint(data: bytes) -> str:
    """How to convert bytes that are not UTF-8: UTF-16/32 (a BOM, or NUL bytes between the
    letters) or, failing that, Windows-1252 (what Dutch text from Windows usually is)."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "it is UTF-32: convert it with `iconv -f utf-32 -t utf-8 IN > OUT`"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data[:200].count(b"\x00") > 10:
        return "it is UTF-16: convert it with `iconv -f utf-16 -t utf-8 IN > OUT`"
    return ("it looks like Windows-1252 / Latin-1: convert it with "
            "`iconv -f windows-1252 -t utf-8 IN > OUT`")


class _StrictLoader(_Loader):
    """The safe loader, made strict for user files.

    * A key that appears twice in one mapping is refused: YAML parsers keep the last one
      silently, so a second ``findings:`` block would wipe out the first.
    * Dates and times (``2023-02-30``, ``!!timestamp ...``) are kept as the text written; the
      loader checks dates itself, with the file and line, instead of Python raising
      "day is out of range for month" with no place.
    * Integers are decimal: ``0x1F``, ``017``, ``1:20`` stay text (YAML 1.1 would read 31, 15
      and 80). More than 30 digits, a non-finite float (``.nan``, ``.inf``, ``1.0e999``) and
      a value that does not fit its explicit tag (``!!int abc``) are refused with their place.
    * ``!!binary``, ``!!set``, ``!!omap`` and ``!!pairs`` are refused: no field holds them.
    * Text (keys included) may not hold control characters (see :func:`bad_character`).
    """

    def construct_object(self, node, deep=False):
        try:
            data = super().construct_object(node, deep)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError) as exc:
            raise ValueProblem(f"cannot read {node.value!r} as {_tag(node.tag)} ({exc})",
                               QUOTE_FIX, node.start_mark) from None
        if isinstance(data, str):
            at = bad_character(data)
            if at is not None:
                code = ord(data[at])
                what = "character" if code >= 0xD800 else "control character"
                raise ValueProblem(
                    f"{what} U+{code:04X} is not allowed in text{_near(data, at)}",
                    "delete it, or the escape that writes it (\\0, \\e, \\x.., \\u...); "
                    "only tabs and line breaks may appear in text", node.start_mark)
        return data

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            self.flatten_mapping(node)
            seen: set = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    duplicate = key in seen
                    seen.add(key)
                except TypeError:  # an unhashable key; the base class reports it
                    continue
                if duplicate:
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping", node.start_mark,
                        f"found the key {key!r} twice", key_node.start_mark)
        return super().construct_mapping(node, deep)

    def construct_yaml_timestamp(self, node):
        return self.construct_scalar(node)

    def construct_yaml_int(self, node):
        text = self.construct_scalar(node)
        if not _DECIMAL.fullmatch(text):
            if _implicit_tag(text) == node.tag:  # 0x1F, 017, 1:20 (YAML 1.1 forms) stay text
                return text
            raise ValueProblem(f"{text!r} is not a whole number", QUOTE_FIX, node.start_mark)
        digits = len(text.lstrip("+-").replace("_", ""))
        if digits > MAX_DIGITS:
            raise ValueProblem(f"a number of {digits} digits (at most {MAX_DIGITS})",
                               "check the number; write it in quotes if it is text",
                               node.start_mark)
        return int(text.replace("_", ""))

    def construct_yaml_float(self, node):
        text = self.construct_scalar(node)
        if ":" in text and _implicit_tag(text) == node.tag:
            return text  # sexagesimal 1:20.5 stays text
        try:
            value = float(text.replace("_", "").replace(".inf", "inf").replace(".Inf", "inf")
                          .replace(".INF", "inf").replace(".nan", "nan").replace(".NaN", "nan")
                          .replace(".NAN", "nan"))
        except ValueError:
            raise ValueProblem(f"{text!r} is not a number", QUOTE_FIX, node.start_mark) from None
        if not math.isfinite(value):
            raise ValueProblem(f"{text!r} is not a finite number",
                               "write a number (infinity and NaN are not numbers a source gives)",
                               node.start_mark)
        return value

    def construct_yaml_bool(self, node):
        text = self.construct_scalar(node)
        if text.lower() not in self.bool_values:
            raise ValueProblem(f"{text!r} is not true or false", QUOTE_FIX, node.start_mark)
        return self.bool_values[text.lower()]

    def construct_not_plain(self, node):
        what = _NOT_PLAIN[node.tag.rsplit(":", 1)[-1]]
        raise ValueProblem(f"{_tag(node.tag)} ({what}) is not used in pav-graph files",
                           "write a list [...], a mapping {...} or text instead", node.start_mark)


for _name in _NOT_PLAIN:
    _StrictLoader.add_constructor(f"tag:yaml.org,2002:{_name}", _StrictLoader.construct_not_plain)
_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _StrictLoader.construct_yaml_timestamp)
_StrictLoader.add_constructor("tag:yaml.org,2002:bool", _StrictLoader.construct_yaml_bool)
_StrictLoader.add_constructor("tag:yaml.org,2002:int", _StrictLoader.construct_yaml_int)
_StrictLoader.add_constructor("tag:yaml.org,2002:float", _StrictLoader.construct_yaml_float)


def _implicit_tag(text: str) -> str:
    """The tag YAML gives ``text`` written plain: ``0x1F`` resolves to !!int, ``abc`` to !!str
    (so ``!!int abc`` is a value that does not fit its tag)."""
    return yaml.resolver.Resolver().resolve(yaml.ScalarNode, text, (True, False))


def _tag(tag: str) -> str:
    return "!!" + tag.rsplit(":", 1)[-1] if tag.startswith("tag:yaml.org,2002:") else tag


def _near(text: str, at: int) -> str:
    before = text[max(0, at - 20):at].rsplit("\n", 1)[-1]
    return f" after {before!r}" if before.strip() else ""


MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 64  # a case file is about 6 levels deep


class YamlError(Exception):
    """A file that cannot be read as YAML; ``line``/``column`` are 1-based when known."""

    def __init__(self, message: str, fix: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message, self.fix, self.line, self.column = message, fix, line, column


def read_text(path: Path) -> str:
    """Read a UTF-8 file (a BOM is accepted), refusing huge or non-UTF-8 files clearly."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise YamlError(
            f"file is {size / 1e6:.1f} MB; a YAML file may be at most {MAX_BYTES // 2**20} MB",
            "split it into one file per case",
        )
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlError(f"not UTF-8 text (byte 0x{data[exc.start]:02x})",
                        f"save the file as UTF-8 ({encoding_hint(data)})", line, column) from None
    return text.replace("\r\n", "\n")


def load(path: Path) -> Any:
    """Parse a YAML file into plain Python data (dict, list, str, int, ...)."""
    return loads(read_text(path))


def loads(text: str) -> Any:
    """Parse YAML text as :func:`load` does (the same strict loader, the same errors)."""
    try:
        data = yaml.load(text, Loader=_StrictLoader)
    except ValueProblem as exc:
        mark = exc.problem_mark
        raise YamlError(exc.problem, exc.fix, mark.line + 1, mark.column + 1) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        twice = "twice" in str(exc.problem)
        raise YamlError(
            f"invalid YAML: {message}",
            "merge the two into one (the second would silently replace the first)" if twice else
            "check indentation, colons and quotes on this line (quote text that contains ': ')",
            mark.line + 1 if mark else None,
            mark.column + 1 if mark else None,
        ) from None
    except yaml.reader.ReaderError as exc:  # a control character: say where, on one line
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise YamlError(
            f"control character U+{exc.character:04X} is not allowed in YAML",
            "delete it (it is invisible in most editors; retype the text around it)",
            line, column,
        ) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}", "check the file's syntax") from None
    except RecursionError:  # pragma: no cover - libyaml stops flow nesting first
        raise YamlError(f"nested more than {MAX_DEPTH} levels deep",
                        "a case file needs only a few levels; check the indentation") from None
    _refuse_aliases(data)
    return data



PARALLEL_MIN_FILES = 200  # below this, forking workers costs more than it saves


def load_many(paths: list[Path]) -> dict[Path, Any]:
    """Parse many YAML files in worker processes; {path: data} for those that parsed.

    Parsing is most of loading a large corpus (1,000 case files: 0.8 s of 1.6 s). Files that
    fail are left out, so the caller parses them again with :func:`load` and reports the error
    exactly as for a single file. Without fork (or for few files) this returns {}.
    """
    if len(paths) < PARALLEL_MIN_FILES or (os.cpu_count() or 1) < 2:
        return {}
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    try:
        context = multiprocessing.get_context("fork")
    except ValueError:
        return {}
    workers = os.cpu_count() or 1
    chunks = [paths[i::workers] for i in range(workers)]
    with ProcessPoolExecutor(workers, mp_context=context,
                             initializer=tied_to_this_process()) as pool:
        results = list(pool.map(_load_quietly, chunks))
    return {path: data for part in results for path, data in part}


def iter_load(paths: list[Path], chunk: int = 200) -> Iterator[tuple[Path, Any]]:
    """(path, data) for each path in order, parsed in worker processes like :func:`load_many`
    but a few chunks at a time, so that a build streaming 10,000 case files never holds more
    than those chunks. ``data`` is None when the file did not parse here (the caller parses it
    again with :func:`load` to report the error) or when parsing in workers does not pay."""
    if len(paths) < PARALLEL_MIN_FILES or (os.cpu_count() or 1) < 2:
        yield from ((p, None) for p in paths)
        return
    import multiprocessing
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    try:
        context = multiprocessing.get_context("fork")
    except ValueError:
        yield from ((p, None) for p in paths)
        return
    workers = os.cpu_count() or 1
    chunks = deque(paths[i:i + chunk] for i in range(0, len(paths), chunk))
    with ProcessPoolExecutor(workers, mp_context=context,
                             initializer=tied_to_this_process()) as pool:
        pending: deque = deque()
        while chunks or pending:
            while chunks and len(pending) < 2 * workers:
                part = chunks.popleft()
                pending.append((part, pool.submit(_load_quietly, part)))
            part, future = pending.popleft()
            parsed = dict(future.result())
            yield from ((p, parsed.get(p)) for p in part)


def _load_quietly(paths: list[Path]) -> list[tuple[Path, Any]]:
    out = []
    for path in paths:
        try:
            out.append((path, load(path)))
        except Exception:  # noqa: BLE001, S110 - left out: the caller's own load() reports it
            pass
    return out


def _refuse_aliases(data: Any) -> None:
    """Refuse YAML anchors/aliases and deep nesting: case files need neither, and they enable
    alias bombs and recursion errors in the checks that follow.

    An alias makes two places share one Python object, so a walk that meets the same
    container twice has found one (a billion-laughs document stops here at once).
    """
    seen: set[int] = set()
    stack = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            if id(node) in seen:
                raise YamlError("YAML anchors and aliases (& and *) are not allowed",
                                "write the repeated part out in full")
            if depth >= MAX_DEPTH:  # later checks (JSON Schema) recurse; stop before they do
                raise YamlError(f"nested more than {MAX_DEPTH} levels deep",
                                "a case file needs only a few levels; check the indentation")
            seen.add(id(node))
            stack.extend((child, depth + 1)
                         for child in (node.values() if isinstance(node, dict) else node))


class _LenientRoundTripConstructor(RoundTripConstructor):
    """ruamel's round-trip constructor, except that a typed scalar it cannot build -- an
    impossible date (2023-02-30), a bad time or zone, 5,000 digits, ``!!int abc``, an empty
    ``!!int``, ``!!bool
    maybe``, bad base64 -- stays the text written, as it does in the strict loader. An edit
    command (``case add-finding``, ``qualify``, ``remove-item`` ...) then leaves that value
    alone, and validation reports it with its place, instead of the edit failing with
    "internal error: ValueError: day is out of range for month"."""


def _or_text(construct: Any) -> Any:
    def construct_or_text(self: RoundTripConstructor, node: Any, *args: Any) -> Any:
        try:
            return construct(self, node, *args)
        except (ValueError, KeyError, IndexError, OverflowError, ConstructorError):
            if not isinstance(node, ScalarNode):
                raise
            return self.construct_scalar(node)
    return construct_or_text


for _typed in ("timestamp", "int", "float", "bool", "binary"):
    _tag_name = f"tag:yaml.org,2002:{_typed}"
    _LenientRoundTripConstructor.add_constructor(
        _tag_name, _or_text(RoundTripConstructor.yaml_constructors[_tag_name]))


def roundtrip_yaml() -> YAML:
    """A ruamel.yaml instance that keeps comments, order and quoting (and the text of typed
    scalars it cannot build, see :class:`_LenientRoundTripConstructor`)."""
    rt = YAML(typ="rt")
    rt.Constructor = _LenientRoundTripConstructor
    rt.preserve_quotes = True
    rt.width = 100
    rt.indent(mapping=2, sequence=4, offset=2)
    return rt


_DOCS: dict[tuple, Any] = {}


def _node_tree(path: Path) -> Any | None:
    """The YAML node tree of ``path`` (composed, not constructed: every value keeps its place
    and none is turned into a Python type, so a value that cannot be constructed -- an
    impossible date, a 5,000-digit number -- can still be pointed at). Kept while the file is
    unchanged: a corpus-wide problem (a renamed concept used in 1,000 cases) would otherwise
    re-parse a file for every problem."""
    try:
        stat = path.stat()
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        if key not in _DOCS:
            if len(_DOCS) > 256:
                _DOCS.clear()
            _DOCS[key] = yaml.compose(read_text(path), Loader=_Loader)
        return _DOCS[key]
    except Exception:  # noqa: BLE001 - positions are a courtesy; the fast loader already read it
        return None


def _same_key(node: Any, key: Any) -> bool:
    if not isinstance(node, yaml.ScalarNode):
        return False
    if isinstance(key, str):
        return node.value == key
    try:  # a key YAML typed (2020-01-01:, yes:, 12:)
        return _StrictLoader("").construct_object(node) == key
    except Exception:  # noqa: BLE001
        return False


def locate(path: Path, keys: tuple) -> tuple[int, int] | None:
    """1-based (line, column) of the value at ``keys`` in the file, or of its nearest parent."""
    node = _node_tree(path)
    if node is None:
        return None
    position = (1, 1)
    for key in keys:
        if isinstance(node, yaml.SequenceNode) and isinstance(key, int) \
                and 0 <= key < len(node.value):
            node = node.value[key]
        elif isinstance(node, yaml.MappingNode):
            found = [v for k, v in node.value if _same_key(k, key)]
            if not found:
                break
            node = found[-1]
        else:
            break
        position = (node.start_mark.line + 1, node.start_mark.column + 1)
    return position
