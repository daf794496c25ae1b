"""PyYAML nodes -> plain data and a line map, with hostile input bounded.

A YAML file is small on disk but aliases can make it huge in memory ("billion laughs":
nine aliases of nine aliases of ... of a list). PyYAML composes aliases as shared nodes, so
the document stays small until something walks it; this walker is that something, and it
counts every value it reaches again through an alias, stops at a fixed budget and reports
the line. It also reads merge keys (``<<: *defaults``) with the line of each merged value,
and rejects duplicate keys naming both lines, which PyYAML would silently resolve to the last.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

from simulator.io.errors import Issue, Path, format_path

LineMap = dict[Path, int]

MAX_DEPTH = 64  # a scenario nests 6 levels; 64 leaves room and keeps the stack far from limits
MAX_ALIASES = 10_000  # alias uses (``*name``) in one file
MAX_ALIAS_VALUES = 100_000  # values reached again through aliases (the expansion's size)

_MERGE_TAG = "tag:yaml.org,2002:merge"


class LimitError(ValueError):
    """The document breaks a size rule; carries the line where it happened."""

    def __init__(self, line: int, message: str, path: Path = ()) -> None:
        super().__init__(message)
        self.line = line
        self.message = message
        self.path = path


def line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


class Builder:
    """Walks one composed document; ``issues`` collects duplicate keys and bad keys.

    ``text_field(path)`` says which fields are read as text exactly as written.
    """

    def __init__(self, loader: yaml.SafeLoader, file: str, text_field: Any) -> None:
        self.loader = loader
        self.file = file
        self.text_field = text_field
        self.lines: LineMap = {}
        self.issues: list[Issue] = []
        self._seen: set[int] = set()
        self._active: set[int] = set()
        self._again = 0
        self._entry: Path | None = None  # where the alias being expanded now was used

    def build(self, node: yaml.Node, path: Path = ()) -> Any:
        """Plain data of ``node`` at ``path``; raises ``LimitError`` past the budgets."""
        if len(path) > MAX_DEPTH:
            raise LimitError(line(node), f"nested more than {MAX_DEPTH} levels deep")
        if id(node) in self._active:
            raise LimitError(line(node), "an alias refers to the value that contains it")
        entering = id(node) in self._seen and self._entry is None
        if entering:
            self._entry = path
        try:
            return self._build(node, path)
        finally:
            if entering:
                self._entry = None

    def _build(self, node: yaml.Node, path: Path) -> Any:
        self._count(node, path)
        self.lines[path] = line(node)
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path)
        self._active.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        finally:
            self._active.discard(id(node))
        raise LimitError(line(node), f"unsupported YAML node {type(node).__name__}")

    def _count(self, node: yaml.Node, path: Path) -> None:
        """Count a value reached again through an alias; located at the alias's container."""
        if id(node) not in self._seen:
            self._seen.add(id(node))
            return
        self._again += 1
        if self._again > MAX_ALIAS_VALUES:
            where = (self._entry or path)[:-1]
            while where and where not in self.lines:
                where = where[:-1]
            raise LimitError(
                self.lines.get(where, line(node)),
                f"aliases expand to more than {MAX_ALIAS_VALUES:,} values; "
                "write the values out or use fewer nested aliases",
                where,
            )

    def _scalar(self, node: yaml.ScalarNode, path: Path) -> Any:
        if self.text_field(path):
            return node.value
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, OverflowError) as exc:  # e.g. an integer of 5,000 digits
            raise LimitError(line(node), f"cannot read {node.value[:20]!r}: {exc}") from None

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value_node in self._pairs(node, path):
            if key in out:
                continue  # merged keys never override explicit ones (YAML merge rule)
            out[key] = self.build(value_node, (*path, key))
            self.lines[(*path, key)] = line(value_node)
        return out

    def _pairs(self, node: yaml.MappingNode, path: Path) -> Iterator[tuple[str, yaml.Node]]:
        """Explicit pairs first (duplicates reported), then pairs merged by ``<<``."""
        seen: dict[str, int] = {}
        merges = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merges.append(value_node)
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self._issue(key_node, path, "a key must be plain text, not a list or mapping")
                continue
            key = str(key_node.value)
            if key in seen:
                self._issue(
                    key_node,
                    (*path, key),
                    f"duplicate key '{key}' (first at line {seen[key]}); each key may appear once",
                )
                continue
            seen[key] = line(key_node)
            yield key, value_node
        for merged in merges:
            yield from self._merged(merged, path)

    def _merged(self, value: yaml.Node, path: Path) -> Iterator[tuple[str, yaml.Node]]:
        sources = value.value if isinstance(value, yaml.SequenceNode) else [value]
        for source in sources:
            if not isinstance(source, yaml.MappingNode):
                self._issue(source, path, "'<<' merges a mapping or a list of mappings")
                continue
            if id(source) in self._active:
                raise LimitError(line(source), "a merge key refers to the mapping that holds it")
            self._count(source, path)
            self._active.add(id(source))
            try:
                yield from list(self._pairs(source, path))
            finally:
                self._active.discard(id(source))

    def _issue(self, node: yaml.Node, path: Path, message: str) -> None:
        self.issues.append(Issue(self.file, line(node), format_path(path), message))
