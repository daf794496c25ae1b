"""The 1c limits re-read on the expected-value engine: each one's relative violation.

Groups, periods and the channels' ratios read the engine's cost (CONTRACT 1c: the
budget, ROI and CAC use cost); ``min_active_spend`` reads media spend.

The certificate (:mod:`simulator.optimize.certificate`) adds these to its feasibility
check, so a solver that broke a channel's ratio, a group, a period or an on-off minimum
is never reported ``optimal``.
"""

from __future__ import annotations

import numpy as np

from simulator.expected import evaluate_plan, evaluate_split, per_channel, totals
from simulator.model.compiled import CompiledScenario, Split
from simulator.optimize.problem import Problem


def period_cost(cs: CompiledScenario, split: Split, first: int, last: int) -> float:
    """Cost of the spend on days ``first..last`` (the daily plan's, or the even plan's):
    the engine's cost of the plan with every other day at 0, so commission and stage
    costs count on the day whose spend won the conversion."""
    h = cs.horizon_days
    if split.daily is not None:
        daily = np.asarray(split.daily, dtype=float)
    else:
        daily = np.repeat(np.asarray(split.spend, dtype=float)[:, None] / h, h, axis=1)
    if cs.money.plain:
        return float(daily[:, first - 1 : last].sum())
    masked = np.zeros_like(daily)
    masked[:, first - 1 : last] = daily[:, first - 1 : last]
    return float(totals(cs, evaluate_plan(cs, masked))["cost"][0])


def channel_cost(cs: CompiledScenario, split: Split) -> np.ndarray:
    """Each channel's cost on the engine ``(C,)`` (its spend where cost is spend)."""
    if cs.money.plain:
        return np.asarray(cs.channel_sum(split.spend), dtype=float)
    return np.asarray(per_channel(cs, evaluate_split(cs, split))["cost"][0], dtype=float)


def limit_violations(cs: CompiledScenario, split: Split) -> dict[str, float]:
    """Each limit's breach relative to the budget (ratios: relative to their bound)."""
    lim, out = cs.limits, {}
    scale = max(cs.budget, 1e-300)
    spend_c = cs.channel_sum(split.spend)
    if lim.any_ratio:
        ch = per_channel(cs, evaluate_split(cs, split))
        on = spend_c > 1e-9 * scale
        cac, roi = ch["cac"][0], ch["roi"][0]
        capped = on & np.isfinite(lim.cac_max)
        with np.errstate(invalid="ignore"):
            over = np.where(
                capped, (np.nan_to_num(cac, nan=np.inf) - lim.cac_max) / lim.cac_max, 0.0
            )
            under = np.where(
                on & (lim.roi_min > 0),
                (lim.roi_min - np.nan_to_num(roi)) / np.maximum(lim.roi_min, 1e-300),
                0.0,
            )
        out["channel cac_max"] = max(0.0, float(np.max(over, initial=0.0)))
        out["channel roi_min"] = max(0.0, float(np.max(under, initial=0.0)))
    active = lim.min_active > 0
    if active.any():
        short = np.where(active & (spend_c > 1e-9 * scale), lim.min_active - spend_c, 0.0)
        out["min_active_spend"] = max(0.0, float(np.max(short, initial=0.0))) / scale
    if lim.groups:
        cost_c = channel_cost(cs, split)
        for g in lim.groups:
            s = float(cost_c[g.channels].sum())
            out[f"group:{g.id}"] = max(0.0, g.lo - s, s - g.hi) / scale
    for k, per in enumerate(lim.periods):
        s = period_cost(cs, split, per.first, per.last)
        out[f"period:{k + 1}"] = max(0.0, s - per.hi) / scale
    return out


def stricter_than_scenario(
    cs: CompiledScenario, problem: Problem, x: np.ndarray, daily: bool
) -> str:
    """Why the plan may not be the scenario's optimum although the Problem's: '' if none.

    A channel of several items has its ratio limit kept on each item (sufficient, not
    necessary); a channel in a halo pair has it kept on its own conversions (halo it
    receives only helps; commission on halo it brings is charged to it). Where such a
    bound binds, optimality is not proven.
    """
    lim, money = cs.limits, cs.money
    copies = cs.horizon_days if daily else 1
    channel_of = np.tile(cs.ad_set_channel, copies)
    counts = np.bincount(channel_of, minlength=cs.n_channels)
    limited = np.isfinite(lim.cac_max) | (lim.roi_min > 0)
    halo = np.zeros(cs.n_channels, dtype=bool)
    if money.has_halo:
        pairs = money.halo_rate > 0
        halo[cs.ad_set_channel[money.halo_from[pairs]]] = True
        halo[cs.ad_set_channel[money.halo_to[pairs]]] = True
    loose = ((counts > 1) | halo) & limited
    priced = {c.name.split(":")[1] for c in problem.priced if c.name.startswith("own:")}
    loose &= ~np.isin(np.asarray(cs.channel_ids), list(priced))  # held exactly
    if loose.any():
        items = loose[channel_of]
        tol = 1e-9 * np.maximum(np.abs(problem.upper), 1.0)
        at_bound = items & (x >= problem.upper - tol) & (problem.upper > 0)
        if at_bound.any():
            return (
                "optimality not proven: a channel's ratio limit is kept on each of its "
                "segments or days, or on its own conversions beside halo"
            )
    return ""
