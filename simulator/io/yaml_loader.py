"""YAML to plain data, with a map from each value's field path to its line number.

PyYAML's composer gives nodes with marks; we build the plain structure ourselves so
every scalar, list item and mapping key keeps the line it came from. Values are
resolved by PyYAML's safe rules except ids, which the schema reads as text.
"""

from __future__ import annotations

import math
from pathlib import Path as FilePath
from typing import Any

import yaml

from simulator.io.errors import Issue, Path, ScenarioError

LineMap = dict[Path, int]


# libyaml's parser where PyYAML was built with it: the pure-Python one takes most of the
# run time of a 10,000-channel scenario (it composes the same nodes, marks included).
_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[valid-type,misc]  # a base chosen at import time
    """Safe loader that keeps dates as text, so the schema parses them with one rule."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _build(node: yaml.Node, path: Path, lines: LineMap, loader: _Loader) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            out[key] = _build(value_node, (*path, key), lines, loader)
            lines[(*path, key)] = value_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), lines, loader) for i, item in enumerate(node.value)]
    if _is_text_field(path) and isinstance(node, yaml.ScalarNode):
        return node.value
    return loader.construct_object(node, deep=True)


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


def parse_yaml(text: str, file: str) -> tuple[Any, LineMap]:
    """Parse YAML text into plain data and its line map; syntax errors become located."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise ScenarioError([Issue(file, 1, "", "the file is empty; expected a YAML mapping")])
        lines: LineMap = {}
        data = _build(node, (), lines, loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or "invalid YAML"
        raise ScenarioError([Issue(file, line, "", f"not valid YAML: {problem}")]) from None
    except yaml.YAMLError as exc:
        raise ScenarioError([Issue(file, 1, "", f"not valid YAML: {exc}")]) from None
    finally:
        loader.dispose()
    return data, lines


def read_yaml(file: str | FilePath) -> tuple[Any, LineMap]:
    """Read a YAML (or JSON) file into plain data and its line map."""
    name = str(file)
    try:
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
