"""The comparison as tables: plans as columns and KPIs as rows, then one plan per channel.

Every number is read from the engine's ``Result`` (``evaluate``) of each column; this
module only picks, differences and formats them, so the table and the cards agree.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from simulator.model.compiled import CompiledScenario
from simulator.optimize.explain.marginals import marginal_roi_per_cost
from simulator.results import Result
from simulator.studio import format as fmt
from simulator.studio import money
from simulator.studio.compare import Column

KPI_ROWS = (
    "spend",
    "revenue",
    "conversions",
    "new_customers",
    "profit",
    "roi",
    "cac",
    "ltv",
    "ltv_cac",
    "marginal_roi",
)
_SLACK = 0.5  # half a currency unit: a spend shown as its bound is at the bound


def plan_marginal_roi(cs: CompiledScenario, result: Result) -> float | None:
    """What the next yuan earns where it earns most: the largest marginal ROI (per yuan of
    cost) among the channels still below their max (None when every channel is full).

    For the optimiser's split this is the common marginal ROI of its unbounded channels.
    """
    best: float | None = None
    per_cost = marginal_roi_per_cost(cs, result)  # per yuan of cost: what the optimiser levels
    for j, cid in enumerate(cs.channel_ids):
        row = result.channels.get(cid, {})
        value = per_cost.get(cid)
        top = float(cs.channel_max[j])
        if value is None or not math.isfinite(value) or row.get("spend", 0.0) >= top - _SLACK:
            continue
        best = value if best is None else max(best, value)
    return best


def kpi_rows(cs: CompiledScenario, columns: Sequence[Column]) -> tuple[str, ...]:
    """The table's rows: cost after spend where some cost differs from spend; organic,
    total revenue and total ROI after the (incremental) ROI where there is a baseline."""
    keys: list[str] = []
    with_cost = money.cost_differs([c.result for c in columns])
    for key in KPI_ROWS:
        keys.append(key)
        if key == "spend" and with_cost:
            keys.append("cost")
        if key == "roi" and money.has_baseline(cs):
            keys += ["total_revenue", "total_roi"]
    return tuple(keys)


def kpi_values(
    cs: CompiledScenario, result: Result, keys: Sequence[str] = KPI_ROWS
) -> dict[str, float | None]:
    """The table's KPIs of one plan (ratios over a total shown as 0 are None)."""
    shown = fmt.defined(result.totals)
    out = {key: shown.get(key) for key in keys if key != "marginal_roi"}
    out["marginal_roi"] = plan_marginal_roi(cs, result)
    return out


@dataclass(frozen=True)
class Cell:
    """One KPI of one plan and its difference from the baseline's (None: undefined)."""

    value: float | None
    delta: float | None

    def text(self, key: str, currency: str, lang: str = "en") -> str:
        """``¥3,120,000 (+¥120,000)``; the baseline and an unchanged value show no delta."""
        body = fmt.metric(key, self.value, currency, lang)
        change = fmt.delta(key, self.delta, currency, lang)
        return f"{body} ({change})" if change else body


def _minus(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or not (math.isfinite(a) and math.isfinite(b)):
        return None
    return a - b


def kpi_table(
    cs: CompiledScenario,
    columns: Sequence[Column],
    p_met: Mapping[str, float] | None = None,
) -> dict[str, list[Cell | None]]:
    """Rows of KPIs, one cell per column (None for a column not evaluated yet).

    ``p_met`` maps a column's key to its simulated probability of meeting every target;
    the row ``p_targets`` appears only when some column has one.
    """
    keys = kpi_rows(cs, columns)
    values = [kpi_values(cs, c.result, keys) if c.result else None for c in columns]
    base = values[0] or {}
    rows: dict[str, list[Cell | None]] = {}
    for key in keys:
        rows[key] = [
            None if v is None else Cell(v[key], None if i == 0 else _minus(v[key], base[key]))
            for i, v in enumerate(values)
        ]
    if p_met:
        rows["p_targets"] = [Cell(p_met[c.key], None) if c.key in p_met else None for c in columns]
    return rows


@dataclass(frozen=True)
class ChannelRow:
    """One channel of one plan: spend, share of the plan, change, ROI, marginal ROI (per
    yuan of cost), which limit holds it (``max``, ``min``, ``zero`` or ""), its cost and
    the halo conversions it receives (None where the scenario has none)."""

    channel: str
    spend: float
    share: float | None
    change: float | None
    roi: float | None
    marginal_roi: float | None
    binding: str
    bound: float | None
    cost: float | None = None
    halo_conversions: float | None = None
    active: str = ""  # the optimiser's label of what holds it (``channels.*.active``)


def _binding(spend: float, low: float, high: float) -> tuple[str, float | None]:
    if spend >= high - _SLACK:
        return "max", high
    if low > 0 and spend <= low + _SLACK:
        return "min", low
    if spend <= _SLACK:
        return "zero", None
    return "", None


def channel_table(
    cs: CompiledScenario,
    column: Column,
    baseline: Column,
    active: Mapping[str, str] | None = None,
) -> list[ChannelRow]:
    """Each channel of ``column``'s plan, with its change against ``baseline``'s spend;
    ``active``: the optimiser's label per channel, for the optimiser's column."""
    if column.result is None:
        return []
    result = column.result
    total = sum(float(r.get("spend", 0.0)) for r in result.channels.values())
    before = baseline.result.channels if baseline.result else {}
    per_cost = marginal_roi_per_cost(cs, result)
    out = []
    for j, cid in enumerate(cs.channel_ids):
        row = fmt.defined(result.channels.get(cid, {}))
        spend = float(row.get("spend", 0.0))
        old = before.get(cid, {}).get("spend")
        binding, bound = _binding(spend, float(cs.channel_min[j]), float(cs.channel_max[j]))
        out.append(
            ChannelRow(
                channel=cid,
                spend=spend,
                share=spend / total if total > 0 else None,
                change=None if old is None else spend - float(old),
                roi=row.get("roi"),
                marginal_roi=per_cost.get(cid),
                binding=binding,
                bound=bound,
                cost=row.get("cost"),
                halo_conversions=row.get("halo_conversions"),
                active=(active or {}).get(cid, ""),
            )
        )
    return out
