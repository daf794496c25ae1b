"""A split (``allocation:``, optional ``daily:`` and ``ad_sets:``) as plain data -> ``Split``.

Spend may be named per channel or per ad set (``douyin_feed/women_18_35``), see
``split_read``. A channel's spend not given to named ad sets divides among its other ad
sets by their default shares; a channel left out spends 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from simulator.io.errors import Path, ScenarioError
from simulator.io.yaml_loader import LineMap
from simulator.model.compiled import CompiledScenario, Split
from simulator.model.split_read import (
    Collector,
    Named,
    ad_set_key,
    add_amount,
    combine,
    read_number,
    read_series,
)

# Keys of the optimiser's JSON that a split file may carry and we ignore, so that
# `adsim optimize --format json > s.json` (or `adsim replan ...`) can be fed back with
# `--split s.json`.
_RESULT_KEYS = frozenset(
    {
        "scenario",
        "status",
        "message",
        "totals",
        "channels",
        "warnings",
        "explanations",
        "upper_bound",
        "objective",
        "certificate",
        "confidence",  # optimize with targets.confidence
        "to_date",  # replan
        "pace",
    }
)


def _read_allocation(
    cs: CompiledScenario, data: Any, named: Named, out: Collector, key: str = "allocation"
) -> None:
    if not isinstance(data, dict):
        out.add((key,), "must be a mapping of channel or ad set id to spend")
        return
    for name, value in data.items():
        spend = read_number(value, (key, name), out)
        if spend is not None:
            add_amount(cs, named, str(name), np.asarray(spend), (key, name), out)


def _read_daily(cs: CompiledScenario, data: Any, named: Named, out: Collector) -> None:
    h = cs.horizon_days
    if not isinstance(data, dict):
        out.add(("daily",), f"must be a mapping of channel id to a list of {h} daily spends")
        return
    for name, series in data.items():
        values = read_series(series, h, ("daily", name), out)
        if values is not None:
            add_amount(cs, named, str(name), values, ("daily", name), out)


def _read_ad_sets(
    cs: CompiledScenario, data: Any, spend: Named, daily: Named, out: Collector
) -> None:
    """``ad_sets: {channel/segment: spend}``, or rows ``{spend: x, daily: [...]}`` as the
    JSON of ``evaluate``/``optimize`` writes them (other keys of a row are ignored)."""
    if not isinstance(data, dict):
        out.add(("ad_sets",), "must be a mapping of ad set id (channel/segment) to spend")
        return
    for name, row in data.items():
        path: Path = ("ad_sets", name)
        key = ad_set_key(cs, str(name), path, out)
        if key is None:
            continue
        value = row.get("spend") if isinstance(row, dict) else row
        if isinstance(row, dict) and "spend" not in row:
            out.add(path, "must be a spend, or a mapping with 'spend' (and optionally 'daily')")
            continue
        number = read_number(value, (*path, "spend") if isinstance(row, dict) else path, out)
        if number is not None:
            add_amount(cs, spend, key, np.asarray(number), path, out, ad_set=True)
        if isinstance(row, dict) and row.get("daily") is not None:
            series = read_series(row["daily"], cs.horizon_days, (*path, "daily"), out)
            if series is not None:
                add_amount(cs, daily, key, series, (*path, "daily"), out, ad_set=True)


def _check_units(cs: CompiledScenario, spend: np.ndarray, out: Collector) -> None:
    for i, unit in enumerate(cs.unit_cost):
        if unit > 0 and spend[i] > 0:
            units = spend[i] / unit
            if abs(units - round(units)) > 1e-9 * max(1.0, units):
                out.add(
                    ("allocation", cs.ad_set_ids[i]),
                    f"must be a whole number of units of {unit:,.0f} (got {spend[i]:,.2f})",
                )


_SPLIT_KEYS = ("allocation", "daily", "ad_sets")


def parse_split(
    cs: CompiledScenario, data: Any, file: str, lines: LineMap, base: Path = ()
) -> Split:
    """Validate and convert a split; every problem is raised at once, located."""
    out = Collector(file, lines, base)
    if not isinstance(data, dict):
        out.add((), "a split must be a mapping with an 'allocation:' key")
        raise ScenarioError(out.issues)
    for key in data:
        if key not in _SPLIT_KEYS and key not in _RESULT_KEYS:
            out.add((key,), f"unknown key '{key}'; allowed keys: {', '.join(_SPLIT_KEYS)}")
    named_spend, named_daily = Named(), Named()
    _read_allocation(cs, data.get("allocation", {}), named_spend, out)
    if data.get("daily") is not None:
        _read_daily(cs, data["daily"], named_daily, out)
    if data.get("ad_sets") is not None:
        _read_ad_sets(cs, data["ad_sets"], named_spend, named_daily, out)
    spend, _ = combine(cs, named_spend, (), out)
    daily = None
    if named_daily.channels or named_daily.ad_sets:
        daily, covered = combine(cs, named_daily, (cs.horizon_days,), out)
        for i in range(cs.n_ad_sets):
            if i not in covered:
                daily[i] = spend[i] / cs.horizon_days
                continue
            given, total = spend[i], daily[i].sum()
            if given > 0 and abs(given - total) > 1e-6 * max(total, 1.0):
                out.add(
                    ("allocation", cs.ad_set_ids[i]),
                    f"{given:,.2f} differs from the sum of its daily plan {total:,.2f}",
                )
            spend[i] = total
    _check_units(cs, spend, out)
    if out.issues:
        raise ScenarioError(out.issues)
    return Split(spend, daily, _budget_warnings(cs, spend))


def _budget_warnings(cs: CompiledScenario, spend: np.ndarray) -> tuple[str, ...]:
    total = float(spend.sum())
    if total > cs.budget * (1 + 1e-9):
        return (
            f"the split spends {total:,.0f}, above the budget of {cs.budget:,.0f} "
            f"(+{total / cs.budget - 1:.0%}); evaluated as a what-if",
        )
    return ()


def split_to_data(cs: CompiledScenario, split: Split) -> dict[str, Any]:
    """A split as plain data (``allocation`` per ad set when segments exist, else per channel)."""
    alloc = {k: float(v) for k, v in zip(cs.ad_set_ids, split.spend, strict=True)}
    data: dict[str, Any] = {"allocation": alloc}
    if split.daily is not None:
        data["daily"] = {
            k: [float(x) for x in row] for k, row in zip(cs.ad_set_ids, split.daily, strict=True)
        }
    return data


def as_split(cs: CompiledScenario, split: Split | Mapping[str, Any] | None) -> Split:
    """A split from a ``Split``, ``{"channel": spend}``, ``{"allocation": ..., "daily": ...}``
    or None (the scenario's own ``split:``; ValueError when it has none)."""
    if isinstance(split, Split):
        return split
    if split is None:
        if cs.current is None:
            raise ValueError(
                f"{cs.name}: no split given and the scenario has no 'split:'; "
                "pass a split such as {'channel_id': spend}"
            )
        return cs.current
    data = dict(split) if "allocation" in split else {"allocation": dict(split)}
    return parse_split(cs, data, "<split>", {})
