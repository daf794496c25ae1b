"""A split (``allocation:`` and optional ``daily:``) as plain data -> ``Split`` arrays.

Spend may be named per channel or per ad set (``douyin_feed/women_18_35``). A channel's
spend divides among its ad sets by their default shares; a channel left out spends 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from simulator.io.errors import Issue, Path, ScenarioError, format_path
from simulator.io.yaml_loader import LineMap, is_finite_number, line_of
from simulator.model.compiled import CompiledScenario, Split
from simulator.model.numbers import MONEY

# Keys of the optimiser's JSON that a split file may carry and we ignore, so that
# `adsim optimize --format json > s.json` can be fed back with `--split s.json`.
_RESULT_KEYS = frozenset(
    {
        "scenario",
        "status",
        "message",
        "totals",
        "channels",
        "ad_sets",
        "warnings",
        "explanations",
        "upper_bound",
        "objective",
        "certificate",
    }
)


class _Collector:
    def __init__(self, file: str, lines: LineMap, base: Path) -> None:
        self.file, self.lines, self.base = file, lines, base
        self.issues: list[Issue] = []

    def add(self, path: Path, message: str) -> None:
        full = (*self.base, *path)
        self.issues.append(Issue(self.file, line_of(self.lines, full), format_path(full), message))


def _targets(cs: CompiledScenario, key: str) -> np.ndarray | None:
    """Ad sets named by ``key`` (a channel or channel/segment), or None if unknown."""
    if key in cs.ad_set_ids and "/" in key:
        return np.array([cs.ad_set_ids.index(key)])
    if key in cs.channel_ids:
        return cs.ad_sets_of(cs.channel_ids.index(key))
    return None


def _spread(cs: CompiledScenario, idx: np.ndarray, amount: Any) -> np.ndarray:
    """Divide a channel's amount (scalar or (H,) series) among ad sets ``idx`` by share."""
    share = cs.default_share[idx]
    share = share / share.sum() if share.sum() > 0 else np.full(idx.size, 1.0 / idx.size)
    return np.asarray(np.multiply.outer(share, np.asarray(amount, dtype=float)), dtype=float)


def _unknown(cs: CompiledScenario, key: str) -> str:
    names = ", ".join(cs.channel_ids + tuple(a for a in cs.ad_set_ids if "/" in a))
    return f"unknown channel '{key}'; known: {names}"


def _read_allocation(cs: CompiledScenario, data: Any, out: _Collector) -> np.ndarray:
    spend = np.zeros(cs.n_ad_sets)
    if not isinstance(data, dict):
        out.add(("allocation",), "must be a mapping of channel id to spend")
        return spend
    for key, value in data.items():
        idx = _targets(cs, str(key))
        if idx is None:
            out.add(("allocation", key), _unknown(cs, str(key)))
        elif not is_finite_number(value):
            out.add(("allocation", key), f"must be a finite number (got {value!r})")
        elif value < 0:
            out.add(("allocation", key), f"spend must be >= 0 (got {value})")
        elif value > MONEY[1]:
            out.add(("allocation", key), f"spend must be <= {MONEY[1]:g} (got {value:g})")
        else:
            spend[idx] += _spread(cs, idx, value)
    return spend


def _read_daily(cs: CompiledScenario, data: Any, out: _Collector) -> tuple[np.ndarray, set[int]]:
    h = cs.horizon_days
    daily = np.zeros((cs.n_ad_sets, h))
    named: set[int] = set()
    if not isinstance(data, dict):
        out.add(("daily",), f"must be a mapping of channel id to a list of {h} daily spends")
        return daily, named
    for key, series in data.items():
        idx = _targets(cs, str(key))
        if idx is None:
            out.add(("daily", key), _unknown(cs, str(key)))
            continue
        ok = isinstance(series, list) and len(series) == h
        if not ok:
            out.add(("daily", key), f"must be a list of {h} numbers, one per day")
            continue
        bad = [i for i, v in enumerate(series) if not is_finite_number(v) or not 0 <= v <= MONEY[1]]
        for i in bad:
            out.add(("daily", key, i), f"must be a number in 0 .. {MONEY[1]:g} (got {series[i]!r})")
        if not bad:
            daily[idx] += _spread(cs, idx, series)
            named.update(int(i) for i in idx)
    return daily, named


def _check_units(cs: CompiledScenario, spend: np.ndarray, out: _Collector) -> None:
    for i, unit in enumerate(cs.unit_cost):
        if unit > 0 and spend[i] > 0:
            units = spend[i] / unit
            if abs(units - round(units)) > 1e-9 * max(1.0, units):
                out.add(
                    ("allocation", cs.ad_set_ids[i]),
                    f"must be a whole number of units of {unit:,.0f} (got {spend[i]:,.2f})",
                )


def parse_split(
    cs: CompiledScenario, data: Any, file: str, lines: LineMap, base: Path = ()
) -> Split:
    """Validate and convert a split; every problem is raised at once, located."""
    out = _Collector(file, lines, base)
    if not isinstance(data, dict):
        out.add((), "a split must be a mapping with an 'allocation:' key")
        raise ScenarioError(out.issues)
    for key in data:
        if key not in ("allocation", "daily") and key not in _RESULT_KEYS:
            out.add((key,), f"unknown key '{key}'; allowed keys: allocation, daily")
    spend = _read_allocation(cs, data.get("allocation", {}), out)
    daily = None
    if data.get("daily") is not None:
        daily, named = _read_daily(cs, data["daily"], out)
        for i in range(cs.n_ad_sets):
            if i in named:
                given = spend[i]
                total = daily[i].sum()
                if given > 0 and abs(given - total) > 1e-6 * max(total, 1.0):
                    out.add(
                        ("allocation", cs.ad_set_ids[i]),
                        f"{given:,.2f} differs from the sum of its daily plan {total:,.2f}",
                    )
                spend[i] = total
            else:
                daily[i] = spend[i] / cs.horizon_days
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


def split_from_allocation(cs: CompiledScenario, allocation: dict[str, float]) -> Split:
    """A split from a Python mapping (the API's form); raises ScenarioError on bad keys."""
    return parse_split(cs, {"allocation": dict(allocation)}, "<split>", {})


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
