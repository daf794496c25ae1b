"""Edits of a scenario's assumptions, applied to its plain data and re-validated.

The studio never patches compiled arrays: an edit (``budget.total``, ``targets.roi_min``,
``channels.douyin_feed.response.cpm``) changes the plain data read from the YAML, and the
model validates and compiles it again, so an out-of-range value gets the same located
error as in the file. Channels are named by id, so an edit survives in a share link.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from simulator.io.errors import Issue, ScenarioError
from simulator.io.yaml_loader import LineMap
from simulator.model.compiled import CompiledScenario
from simulator.model.load import scenario_from_data
from simulator.model.schema import FAMILIES
from simulator.studio import plan_edits
from simulator.studio.plan_edits import Field

# A number, a choice (``targets.cac_basis: acquisition``), a switch (``customer_base.grows``)
# or None (the key removed: a target, an own limit or a group cap left out).
EditValue = float | str | bool | None
Edits = Mapping[str, EditValue]

# The parameters a planner tunes, per response family (the schema's field names).
RESPONSE_FIELDS: dict[str, tuple[str, ...]] = {k: f.editable for k, f in FAMILIES.items()}
TARGET_FIELDS = ("roi_min", "cac_max")
RATE_FIELDS = frozenset({"ctr", "cvr"})  # shares: at most 1
# What a channel costs beyond its spend (CONTRACT.md 1c), offered on every channel (0 when
# the file leaves them out): edit key suffix -> the schema's highest value.
MONEY_FIELDS: dict[str, float] = {"fees.service_fee": 10.0, "fees.rebate": 1.0, "commission": 1.0}


def channel_fields(data: Mapping[str, Any], channel: str) -> list[Field]:
    """The editable assumptions of ``channel``: response parameters present, then AOV."""
    ch = _channel(data, channel)
    if ch is None:
        return []
    response = ch.get("response") or {}
    names = RESPONSE_FIELDS.get(str(response.get("type")), ())
    out = [
        Field(f"channels.{channel}.response.{n}", n, float(response[n]))
        for n in names
        if isinstance(response.get(n), int | float)
    ]
    if isinstance(ch.get("aov"), int | float):
        out.append(Field(f"channels.{channel}.aov", "aov", float(ch["aov"])))
    return out


def money_fields(data: Mapping[str, Any], channel: str) -> list[Field]:
    """The fees and commission of ``channel``: its values, 0 where the file has none."""
    ch = _channel(data, channel)
    if ch is None:
        return []
    out = []
    for path in MONEY_FIELDS:
        node: Any = ch
        for part in path.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        value = float(node) if isinstance(node, int | float) else 0.0
        out.append(Field(f"channels.{channel}.{path}", path.rsplit(".", 1)[-1], value))
    return out


def _channel(data: Mapping[str, Any], channel: str) -> dict[str, Any] | None:
    return _by_id(data, channel, "channels")


def editable_keys(data: Mapping[str, Any]) -> list[str]:
    """Every edit key the sidebar offers for ``data``: budget, targets, channel fields."""
    keys = ["budget.total", *(f"targets.{name}" for name in TARGET_FIELDS)]
    for ch in data.get("channels") or []:
        if isinstance(ch, dict):
            cid = str(ch.get("id"))
            fields = [
                *channel_fields(data, cid),
                *money_fields(data, cid),
                *plan_edits.limit_fields(data, cid),
            ]
            keys += [f.key for f in fields]
    return keys + plan_edits.scenario_keys(data)


def edit_bounds(key: str) -> tuple[float, float | None]:
    """(lowest, highest or None) the sidebar's input for ``key`` accepts.

    The same bounds check a share link's edits, so a link never sets an input to a value
    its widget refuses (Streamlit raises on a value outside min..max). Targets take 0 for
    "none"; every other assumption must stay positive.
    """
    if key == "budget.total":
        return 1.0, None
    plan = plan_edits.bounds(key)
    if plan is not None:  # limits and operations keys: the schema's own range
        return plan
    if key.startswith("targets."):
        return 0.0, None
    money = key.split(".", 2)[-1] if key.startswith("channels.") else ""
    if money in MONEY_FIELDS:  # a share: 0 is no fee (validation keeps 1 + fee - rebate > 0)
        return 0.0, MONEY_FIELDS[money]
    return 1e-6, 1.0 if key.rsplit(".", 1)[-1] in RATE_FIELDS else None


def apply_edits(data: Mapping[str, Any], edits: Edits) -> dict[str, Any]:
    """A deep copy of ``data`` with each edit set (``None`` removes the key).

    Raises ``KeyError`` for a key that names no channel, group, segment or period, or no
    known block, so a stale share link is reported rather than silently ignored.
    """
    out = copy.deepcopy(dict(data))
    for key, value in edits.items():
        node, path = _target(out, key)
        for part in path[:-1]:
            if not isinstance(node.get(part), dict):  # ``fees:`` absent or left empty
                node[part] = {}
            node = node[part]
        if value is None:
            node.pop(path[-1], None)
        else:
            node[path[-1]] = value
    return out


# Top-level blocks an edit may reach into (besides channels, groups, segments, periods).
_BLOCKS = ("budget", "targets", "baseline", "customer_base")


def _target(out: dict[str, Any], key: str) -> tuple[dict[str, Any], list[str]]:
    """The mapping an edit key writes into and the rest of its path."""
    parts = key.split(".")
    if parts[0] in ("channels", "groups", "segments") and len(parts) >= 3:
        node = _by_id(out, parts[1], parts[0])
        if node is None:
            raise KeyError(f"{key}: no {parts[0][:-1]} '{parts[1]}'")
        return node, parts[2:]
    if parts[:2] == ["budget", "periods"] and len(parts) == 4:
        period = plan_edits.period(out, parts[2])
        if period is None:
            raise KeyError(f"{key}: no budget period {parts[2]}")
        return period, parts[3:]
    if parts[0] in _BLOCKS and len(parts) == 2:
        block = out.get(parts[0])
        if parts[0] == "customer_base" and isinstance(block, int | float):
            block = {"size": block}  # the short form ``customer_base: 80000``
        if not isinstance(block, dict):  # ``targets:`` left empty is None
            block = {}
        out[parts[0]] = block
        return block, parts[1:]
    raise KeyError(f"{key}: not an editable assumption")


def _by_id(data: Mapping[str, Any], item: str, block: str) -> dict[str, Any] | None:
    """The entry of list ``block`` (channels, groups, segments) whose id is ``item``."""
    return plan_edits.by_id(data, item, block)


def compile_edited(
    data: Mapping[str, Any], lines: LineMap, file: str, edits: Edits
) -> CompiledScenario:
    """Validate and compile the edited data; errors are located at the edited field's line.

    Data that is not a mapping (a YAML list) has nothing to edit: the model says what it
    expected, at the file's line.
    """
    if not isinstance(data, Mapping):
        return scenario_from_data(data, lines, file)
    try:
        edited = apply_edits(data, edits)
    except KeyError as exc:
        raise ScenarioError([Issue(file, None, "", str(exc.args[0]))]) from None
    return scenario_from_data(edited, lines, file)
