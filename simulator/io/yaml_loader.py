"""YAML to plain data, with a map from each value's field path to its line number.

PyYAML's composer gives nodes with marks; we build the plain structure ourselves
(``yaml_build``) so every scalar, list item and mapping key keeps the line it came from.
Values are resolved by PyYAML's safe rules except ids, which the schema reads as text, and
``1e5``, which is a number as in JSON and YAML 1.2. Limits (file size, depth, aliases) make a
hostile file a located error instead of gigabytes of memory.
"""

from __future__ import annotations

import math
from pathlib import Path as FilePath
from typing import Any

import yaml

from simulator.io.errors import Issue, Path, ScenarioError, format_path
from simulator.io.yaml_build import MAX_ALIAS_VALUES, Builder, LimitError, LineMap
from simulator.io.yaml_parser import line_at, new_loader

__all__ = ["MAX_ALIAS_VALUES", "MAX_FILE_BYTES", "LineMap", "line_of", "parse_yaml", "read_yaml"]


MAX_FILE_BYTES = 16 * 1024 * 1024  # ~50,000 channels; a bigger file is a mistake or an attack


# Fields read as text exactly as written: `id: 618` is the id "618", `id: no` is "no".
_TEXT_KEYS = frozenset(
    {"id", "name", "segment", "channel", "currency", "start", "end", "start_date"}
)
_TEXT_LISTS = frozenset({"channels", "segments", "creatives"})


def _is_text_field(path: Path) -> bool:
    if not path:
        return False
    last = path[-1]
    if isinstance(last, str):
        return last in _TEXT_KEYS
    return len(path) >= 2 and path[-2] in _TEXT_LISTS


def _too_big(file: str, size: int) -> ScenarioError:
    limit = MAX_FILE_BYTES // (1024 * 1024)
    return ScenarioError(
        [Issue(file, 1, "", f"the file is {size:,} bytes; at most {limit} MiB are read")]
    )


def parse_yaml(text: str, file: str) -> tuple[Any, LineMap]:
    """Parse YAML text into plain data and its line map; every error becomes located.

    Bounded against hostile input: size, nesting depth, alias uses and alias expansion.
    """
    if len(text) > MAX_FILE_BYTES:
        raise _too_big(file, len(text))
    loader = None
    try:
        loader = new_loader(text)  # the reader refuses control characters here
        node = loader.get_single_node()
        if node is None:
            raise ScenarioError([Issue(file, 1, "", "the file is empty; expected a YAML mapping")])
        builder = Builder(loader, file, _is_text_field)
        data = builder.build(node)
    except LimitError as exc:
        where = format_path(exc.path)
        raise ScenarioError([Issue(file, exc.line, where, exc.message)]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or "invalid YAML"
        raise ScenarioError([Issue(file, line, "", f"not valid YAML: {problem}")]) from None
    except yaml.reader.ReaderError as exc:
        line = line_at(text, exc.position)
        what = f"character #x{exc.character:04x}" if isinstance(exc.character, int) else "text"
        problem = f"not valid YAML: {what}: {exc.reason}"
        raise ScenarioError([Issue(file, line, "", problem)]) from None
    except yaml.YAMLError as exc:
        message = " ".join(str(exc).split())
        raise ScenarioError([Issue(file, 1, "", f"not valid YAML: {message}")]) from None
    finally:
        if loader is not None:
            loader.dispose()
    if builder.issues:
        raise ScenarioError(sorted(set(builder.issues), key=lambda i: (i.line or 0, i.path)))
    return data, builder.lines


def read_yaml(file: str | FilePath) -> tuple[Any, LineMap]:
    """Read a YAML (or JSON) file into plain data and its line map."""
    name = str(file)
    try:
        size = FilePath(file).stat().st_size
        if size > MAX_FILE_BYTES:
            raise _too_big(name, size)
        raw = FilePath(file).read_bytes()
    except OSError as exc:
        raise ScenarioError([Issue(name, None, "", f"cannot read file: {exc.strerror}")]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ScenarioError([Issue(name, 1, "", "not a text file (expected UTF-8 YAML)")]) from None
    if "\x00" in text:
        raise ScenarioError([Issue(name, 1, "", "not a text file (expected UTF-8 YAML)")])
    return parse_yaml(text, name)


def line_of(lines: LineMap, path: Path) -> int | None:
    """The line of ``path``, or of its nearest ancestor present in the file."""
    for cut in range(len(path), -1, -1):
        if path[:cut] in lines:
            return lines[path[:cut]]
    return None


def is_finite_number(value: Any) -> bool:
    """True for ints and finite floats (YAML's .nan and .inf are not)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
