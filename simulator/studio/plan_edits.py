"""The limits and operations keys a planner edits in the studio (CONTRACT.md 1c): which
keys a scenario offers, their current values and the range each accepts.

An edit key names a node of the plain YAML data: ``channels.ID.cac_max``,
``groups.ID.max``, ``budget.periods.K.max`` (K counts from 1, as the explanations'
``period:K``), ``baseline.aov``, ``customer_base.size``, ``segments.ID.referral_k``,
``targets.cac_basis``. The ranges are the schema's own (``model/numbers.py``), so a share
link's value is held to what the file would be; the model still validates every edit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# The schema's widest money and count (numbers.MONEY, numbers.COUNT) and ratio (RATIO).
_MONEY, _RATIO = 1e12, 1e6
LIMIT_FIELDS = ("cac_max", "roi_min", "min_active_spend")  # a channel's own limits
BASELINE_FIELDS = ("conversions", "aov", "new_customer_rate")
CAC_BASIS = ("all", "acquisition")
CONFIDENCE = (0.8, 0.9, 0.95)  # the shares offered; None is off
# (block, field) -> (lowest, highest): the schema's range; 0 is "none" where ZERO_IS_NONE.
_BOUNDS: dict[tuple[str, str], tuple[float, float]] = {
    ("channels", "cac_max"): (0.0, _MONEY),
    ("channels", "roi_min"): (0.0, _RATIO),
    ("channels", "min_active_spend"): (0.0, _MONEY),
    ("groups", "min"): (0.0, _MONEY),
    ("groups", "max"): (0.0, _MONEY),
    ("budget", "max"): (0.0, _MONEY),  # a period's cap
    ("baseline", "conversions"): (0.0, _MONEY),
    ("baseline", "aov"): (1e-6, _MONEY),
    ("baseline", "new_customer_rate"): (0.0, 1.0),
    ("customer_base", "size"): (1e-6, _MONEY),
    ("segments", "referral_k"): (0.0, 0.99),  # a share of customers, below 1
    ("targets", "confidence"): (0.0, 0.99),  # 0 is off; the schema wants 0.5 < c < 1
}
# Limits that the schema has no 0 for: 0 in the sidebar (or a link) leaves them out.
ZERO_IS_NONE = frozenset({("channels", "cac_max"), ("channels", "roi_min"), ("groups", "max")})
# Keys whose value is a word or a switch, with the values they take.
CHOICES: dict[str, tuple[str | bool, ...]] = {
    "targets.cac_basis": CAC_BASIS,
    "customer_base.grows": (False, True),
}


@dataclass(frozen=True)
class Field:
    """One editable number: its edit key, schema name, current value and, for a group, a
    period or a segment, what it belongs to (its id, or a period's days)."""

    key: str
    name: str
    value: float
    owner: str = ""


def _shape(key: str) -> tuple[str, str]:
    """(block, field) of an edit key: ``groups.promotion.max`` -> ``("groups", "max")``."""
    parts = key.split(".")
    return parts[0], parts[-1]


def bounds(key: str) -> tuple[float, float | None] | None:
    """The range of a limits or operations key; None for any other key."""
    return _BOUNDS.get(_shape(key))


def zero_is_none(key: str) -> bool:
    """Whether 0 stands for "no limit" (the key is then removed): targets, own caps."""
    return key.startswith("targets.") or _shape(key) in ZERO_IS_NONE


def by_id(data: Mapping[str, Any], item: str, block: str) -> dict[str, Any] | None:
    """The entry of list ``block`` (channels, groups, segments) whose id is ``item``."""
    for node in data.get(block) or []:
        if isinstance(node, dict) and str(node.get("id")) == item:
            return node
    return None


def period(data: Mapping[str, Any], number: str) -> dict[str, Any] | None:
    """Budget period ``number`` (counting from 1), or None."""
    budget = data.get("budget")
    periods = budget.get("periods") if isinstance(budget, dict) else None
    if not number.isdigit() or not isinstance(periods, list):
        return None
    k = int(number)
    node = periods[k - 1] if 1 <= k <= len(periods) else None
    return node if isinstance(node, dict) else None


def _number(node: Any, name: str, default: float = 0.0) -> float:
    value = node.get(name) if isinstance(node, dict) else None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return default


def limit_fields(data: Mapping[str, Any], channel: str) -> list[Field]:
    """``channel``'s own CAC cap, ROI floor and minimum active spend (0 where unset)."""
    ch = by_id(data, channel, "channels")
    if ch is None:
        return []
    return [Field(f"channels.{channel}.{n}", n, _number(ch, n)) for n in LIMIT_FIELDS]


def group_fields(data: Mapping[str, Any]) -> list[Field]:
    """Each group's min and max (0 where unset: no floor, no cap)."""
    out = []
    for g in data.get("groups") or []:
        if isinstance(g, dict) and g.get("id") is not None:
            gid = str(g["id"])
            owner = str(g.get("label") or gid)
            out += [Field(f"groups.{gid}.{n}", n, _number(g, n), owner) for n in ("min", "max")]
    return out


def period_fields(data: Mapping[str, Any]) -> list[Field]:
    """Each budget period's cap, where the file has periods."""
    budget = data.get("budget")
    periods = budget.get("periods") if isinstance(budget, dict) else None
    out = []
    for k, p in enumerate(periods if isinstance(periods, list) else [], start=1):
        if isinstance(p, dict):
            out.append(Field(f"budget.periods.{k}.max", "max", _number(p, "max"), _days(p)))
    return out


def _days(p: Mapping[str, Any]) -> str:
    return f"{p.get('start')} – {p.get('end')}"


def baseline_fields(data: Mapping[str, Any]) -> list[Field]:
    """The organic baseline's numbers, where the file has a baseline."""
    base = data.get("baseline")
    if not isinstance(base, dict):
        return []
    rate = _number(base, "new_customer_rate", 1.0)  # the schema's default
    values = {"conversions": _number(base, "conversions"), "aov": _number(base, "aov")}
    values["new_customer_rate"] = rate
    return [Field(f"baseline.{n}", n, values[n]) for n in BASELINE_FIELDS]


def base_size(data: Mapping[str, Any]) -> Field | None:
    """The customer base's size, where the file gives one (a number or ``size:``)."""
    base = data.get("customer_base")
    if isinstance(base, int | float) and not isinstance(base, bool):
        return Field("customer_base.size", "size", float(base))
    if isinstance(base, dict) and "size" in base:
        return Field("customer_base.size", "size", _number(base, "size"))
    return None


def grows(data: Mapping[str, Any]) -> bool | None:
    """Whether the base grows; None where the file has no customer base."""
    base = data.get("customer_base")
    if base is None:
        return None
    return bool(base.get("grows")) if isinstance(base, dict) else False


def referral_fields(data: Mapping[str, Any]) -> list[Field]:
    """Each segment's referral k-factor (0 where unset)."""
    return [
        Field(
            f"segments.{s['id']}.referral_k", "referral_k", _number(s, "referral_k"), str(s["id"])
        )
        for s in data.get("segments") or []
        if isinstance(s, dict) and s.get("id") is not None
    ]


def targets_value(data: Mapping[str, Any], name: str) -> Any:
    """``targets.NAME`` as written, or None (``targets:`` may be left empty)."""
    targets = data.get("targets")
    return targets.get(name) if isinstance(targets, dict) else None


def scenario_keys(data: Mapping[str, Any]) -> list[str]:
    """Every limits and operations key of ``data`` outside its channels."""
    fields = [*group_fields(data), *period_fields(data), *baseline_fields(data)]
    size = base_size(data)
    fields += [*([size] if size else []), *referral_fields(data)]
    keys = ["targets.cac_basis", "targets.confidence", *(f.key for f in fields)]
    return keys + (["customer_base.grows"] if grows(data) is not None else [])
