"""Spend named per channel or per ad set -> one value (or daily series) per ad set.

A split may name a channel (``meituan_feed``) and its ad sets (``meituan_feed/students``),
in ``allocation:``/``daily:`` or in ``ad_sets:``. Ad sets named on their own keep exactly
what they were given, so an exported plan evaluates back to the same numbers; the rest of
their channel's amount divides among the channel's unnamed ad sets by default share. When
every ad set of a channel is named, the channel's amount is only a check on their sum.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simulator.io.errors import Issue, Path, format_path
from simulator.io.yaml_loader import LineMap, is_finite_number, line_of
from simulator.model.compiled import CompiledScenario
from simulator.model.numbers import MONEY

# A channel's amount and the sum of its named ad sets may differ by float rounding only.
REL_TOL = 1e-6


class Collector:
    """Issues found while reading a split, each located by its field path."""

    def __init__(self, file: str, lines: LineMap, base: Path) -> None:
        self.file, self.lines, self.base = file, lines, base
        self.issues: list[Issue] = []

    def add(self, path: Path, message: str) -> None:
        full = (*self.base, *path)
        self.issues.append(Issue(self.file, line_of(self.lines, full), format_path(full), message))


@dataclass
class Named:
    """Amounts as written: per channel index and per ad set index, each with its path."""

    channels: dict[int, tuple[np.ndarray, Path]] = field(default_factory=dict)
    ad_sets: dict[int, tuple[np.ndarray, Path]] = field(default_factory=dict)


def known_names(cs: CompiledScenario) -> str:
    return ", ".join(cs.channel_ids + tuple(a for a in cs.ad_set_ids if "/" in a))


def add_amount(
    cs: CompiledScenario,
    named: Named,
    key: str,
    amount: np.ndarray,
    path: Path,
    out: Collector,
    ad_set: bool = False,
) -> None:
    """Record ``amount`` under a channel or an ad set; unknown or repeated names are issues.

    ``ad_set`` reads a bare channel id as its one ad set (as ``ad_sets:`` rows name it)."""
    if ("/" in key or ad_set) and key in cs.ad_set_ids:
        i = cs.ad_set_ids.index(key)
        if i in named.ad_sets:
            where = format_path(named.ad_sets[i][1])
            out.add(path, f"ad set '{key}' is already given at {where}; name it once")
        else:
            named.ad_sets[i] = (amount, path)
    elif key in cs.channel_ids:
        j = cs.channel_ids.index(key)
        if j in named.channels:
            where = format_path(named.channels[j][1])
            out.add(path, f"channel '{key}' is already given at {where}; name it once")
        else:
            named.channels[j] = (amount, path)
    else:
        out.add(path, f"unknown channel '{key}'; known: {known_names(cs)}")


def ad_set_key(cs: CompiledScenario, key: str, path: Path, out: Collector) -> str | None:
    """``key`` if it names exactly one ad set (``channel/segment``, or a channel of one)."""
    if key in cs.channel_ids:
        j = cs.channel_ids.index(key)
        if cs.ad_sets_of(j).size > 1:
            sets = ", ".join(cs.ad_set_ids[i] for i in cs.ad_sets_of(j))
            out.add(path, f"'{key}' has segments; name one ad set: {sets}")
            return None
        return key
    if key in cs.ad_set_ids:
        return key
    out.add(path, f"unknown ad set '{key}'; known: {known_names(cs)}")
    return None


def _spread(cs: CompiledScenario, idx: np.ndarray, amount: np.ndarray) -> np.ndarray:
    """Divide a channel's amount (scalar or (H,) series) among ad sets ``idx`` by share."""
    share = cs.default_share[idx]
    share = share / share.sum() if share.sum() > 0 else np.full(idx.size, 1.0 / idx.size)
    return np.asarray(np.multiply.outer(share, amount), dtype=float)


def combine(
    cs: CompiledScenario, named: Named, shape: tuple[int, ...], out: Collector
) -> tuple[np.ndarray, set[int]]:
    """Per ad set values ``(A, *shape)`` and the ad sets the split covers.

    Named ad sets take their own amount; a named channel's remainder goes to its unnamed
    ad sets by default share, and must be ~0 (or not below 0) when there are none.
    """
    values = np.zeros((cs.n_ad_sets, *shape))
    covered: set[int] = set()
    for i, (amount, _) in named.ad_sets.items():
        values[i] = amount
        covered.add(i)
    for j, (amount, path) in named.channels.items():
        idx = cs.ad_sets_of(j)
        rest_idx = np.array([i for i in idx if i not in named.ad_sets], dtype=int)
        rest = amount - values[idx].sum(axis=0)
        tol = REL_TOL * max(float(np.max(np.abs(amount), initial=0.0)), 1.0)
        low = float(np.min(rest, initial=0.0))
        gap = float(np.max(np.abs(rest), initial=0.0))
        if rest_idx.size == 0 and gap > tol:
            out.add(path, f"differs from the sum of its ad sets by {gap:,.2f}; make them agree")
        elif rest_idx.size and low < -tol:
            out.add(path, f"is {-low:,.2f} below the sum of the ad sets named for it")
        elif rest_idx.size:
            values[rest_idx] = _spread(cs, rest_idx, np.maximum(rest, 0.0))
        covered.update(int(i) for i in idx)
    return values, covered


def read_number(value: Any, path: Path, out: Collector) -> float | None:
    if not is_finite_number(value):
        out.add(path, f"must be a finite number (got {value!r})")
        return None
    if value < 0:
        out.add(path, f"spend must be >= 0 (got {value})")
        return None
    if value > MONEY[1]:
        out.add(path, f"spend must be <= {MONEY[1]:g} (got {value:g})")
        return None
    return float(value)


def read_series(value: Any, horizon_days: int, path: Path, out: Collector) -> np.ndarray | None:
    if not isinstance(value, list) or len(value) != horizon_days:
        out.add(path, f"must be a list of {horizon_days} numbers, one per day")
        return None
    bad = [i for i, v in enumerate(value) if not is_finite_number(v) or not 0 <= v <= MONEY[1]]
    for i in bad:
        out.add((*path, i), f"must be a number from 0 to {MONEY[1]:g} (got {value[i]!r})")
    return None if bad else np.asarray(value, dtype=float)
