"""Reading YAML files safely and fast, and finding where a value stands in them.

Files are parsed with libyaml's C safe loader (fast enough for 10,000 case files). Only when a
problem must be reported is the file parsed again with ruamel.yaml's round-trip loader, which
knows the line and column of every key and item. Editing (``case add-finding``) also uses the
round-trip loader so comments, order and formatting survive.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML

try:  # the C loader is present in every PyYAML wheel; fall back for exotic builds
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]



class _StrictLoader(_Loader):
    """The safe loader, refusing a key that appears twice in one mapping: YAML parsers keep the
    last one silently, so a second ``findings:`` block would wipe out the first."""

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
        raise YamlError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x})",
            "save the file as UTF-8 (it looks like Latin-1 / Windows-1252)",
            line, column,
        ) from None
    return text.replace("\r\n", "\n")


def load(path: Path) -> Any:
    """Parse a YAML file into plain Python data (dict, list, str, int, ...)."""
    text = read_text(path)
    try:
        data = yaml.load(text, Loader=_StrictLoader)
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
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        results = list(pool.map(_load_quietly, chunks))
    return {path: data for part in results for path, data in part}


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


def roundtrip_yaml() -> YAML:
    """A ruamel.yaml instance that keeps comments, order and quoting."""
    rt = YAML(typ="rt")
    rt.preserve_quotes = True
    rt.width = 100
    rt.indent(mapping=2, sequence=4, offset=2)
    return rt


_DOCS: dict[tuple, Any] = {}


def _roundtrip_doc(path: Path) -> Any | None:
    """The round-trip parse of ``path``, kept while the file is unchanged: a corpus-wide problem
    (a renamed concept used in 1,000 cases) would otherwise re-parse a file for every problem."""
    try:
        stat = path.stat()
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        if key not in _DOCS:
            if len(_DOCS) > 256:
                _DOCS.clear()
            _DOCS[key] = roundtrip_yaml().load(io.StringIO(read_text(path)))
        return _DOCS[key]
    except Exception:  # noqa: BLE001 - positions are a courtesy; the fast loader already read it
        return None


def locate(path: Path, keys: tuple) -> tuple[int, int] | None:
    """1-based (line, column) of the value at ``keys`` in the file, or of its nearest parent."""
    doc = _roundtrip_doc(path)
    if doc is None:
        return None
    node, position = doc, (1, 1)
    for key in keys:
        try:
            if isinstance(key, int):
                line, col = node.lc.item(key)
            else:
                line, col = node.lc.value(key) if key in node else node.lc.key(key)
            node = node[key]
        except (AttributeError, KeyError, IndexError, TypeError):
            break
        position = (line + 1, col + 1)
    return position
