"""The kinds of ``search --out``: the best split as a split file, or the whole JSON."""

from __future__ import annotations

import yaml

from simulator.exports.json import json_text
from simulator.exports.registry import ExportKind, Registry
from simulator.optimize.search.study import SearchResult
from simulator.results import json_safe


def _yaml(result: SearchResult) -> bytes:
    """``allocation:`` only: a split file ``evaluate --split`` and ``simulate`` read."""
    text = yaml.safe_dump({"allocation": result.best}, sort_keys=False, allow_unicode=True)
    return text.encode("utf-8")


def _json(result: SearchResult) -> bytes:
    return json_text(json_safe(result.to_json())).encode("utf-8")


SEARCH_KINDS = Registry[SearchResult](
    "search result",
    [
        ExportKind("json", (".json",), "application/json", "JSON", _json),
        ExportKind("yaml", (".yaml", ".yml"), "application/yaml", "Split YAML", _yaml),
    ],
)
