"""The scenario's own text with its top-level ``split:`` set, every other byte kept.

``optimize --out x.yaml`` must write a scenario that runs again exactly as the user wrote
it: every key (quoted or not), every comment, JSON or flow style. Rather than re-dump the
data (comments lost) or splice by line patterns (a quoted key after ``split:`` was taken
for part of it), we let PyYAML's composer find where the top-level ``split`` key and its
value start and end, and replace exactly that span. No round-trip YAML library is needed:
only one value changes, and the composer's marks locate it.
"""

from __future__ import annotations

import math
from typing import Any

import yaml

NOTE = "# split: the recommended plan written by `adsim optimize --out`\n"


def _end(node: yaml.Node) -> int:
    """Index just past a node's last character (a block collection ends at its last item)."""
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and not node.flow_style:
        items = node.value
        if items:
            last = items[-1][1] if isinstance(node, yaml.MappingNode) else items[-1]
            return _end(last)
    return int(node.end_mark.index)


def _flow(split: dict[str, Any]) -> str:
    text = yaml.safe_dump(split, default_flow_style=True, allow_unicode=True, width=math.inf)
    return text.strip()


def _block(split: dict[str, Any], column: int) -> str:
    text = yaml.safe_dump({"split": split}, sort_keys=False, allow_unicode=True, width=100)
    pad = " " * column
    return "\n".join((pad + line if i else line) for i, line in enumerate(text.splitlines()))


def _split_entry(root: yaml.MappingNode) -> tuple[yaml.Node, yaml.Node] | None:
    for key, value in root.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "split":
            return key, value
    return None


def _in_flow(text: str, root: yaml.MappingNode, split: dict[str, Any]) -> str:
    entry = _split_entry(root)
    if entry is not None:
        start, end = entry[1].start_mark.index, _end(entry[1])
        return text[:start] + _flow(split) + text[end:]
    close = root.end_mark.index - 1  # the closing brace
    comma = ", " if root.value else ""
    return text[:close].rstrip() + f'{comma}"split": {_flow(split)}' + text[close:]


def _in_block(text: str, root: yaml.MappingNode, split: dict[str, Any]) -> str:
    entry = _split_entry(root)
    column = root.value[0][0].start_mark.column if root.value else 0
    if entry is not None:
        start, end = entry[0].start_mark.index, _end(entry[1])
        line_start = text.rfind("\n", 0, start) + 1
        note = "" if text[:line_start].endswith(NOTE) else NOTE + " " * column
        return text[:start] + note + _block(split, column) + text[end:]
    end = _end(root)
    cut = text.find("\n", end)
    cut = len(text) if cut < 0 else cut + 1
    head = text[:cut] if text[:cut].endswith("\n") else text[:cut] + "\n"
    pad = " " * column
    return head + pad + NOTE + pad + _block(split, column) + "\n" + text[cut:]


def scenario_with_split(source_text: str, split: dict[str, Any]) -> str:
    """``source_text`` with the top-level ``split:`` replaced (or added) by ``split``.

    Raises ``ValueError`` when the text is not one YAML mapping (the scenario loader has
    already refused such a file, so this is a programming error).
    """
    root = yaml.compose(source_text, Loader=yaml.SafeLoader)
    if not isinstance(root, yaml.MappingNode):
        raise ValueError("the scenario text is not a YAML mapping")
    if root.flow_style:
        return _in_flow(source_text, root, split)
    return _in_block(source_text, root, split)
