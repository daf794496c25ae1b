"""The 1c limits re-read on the expected-value engine: each one's relative violation.

The certificate (:mod:`simulator.optimize.certificate`) adds these to its feasibility
check, so a solver that broke a channel's ratio, a group, a period or an on-off minimum
is never reported ``optimal``.
"""

from __future__ import annotations

import numpy as np

from simulator.expected import evaluate_split, per_channel
from simulator.model.compiled import CompiledScenario, Split
from simulator.optimize.problem import Problem


def _period_spend(cs: CompiledScenario, split: Split, first: int, last: int) -> float:
    """Spend on days ``first..last``: the daily plan's, or the even share of the totals."""
    if split.daily is not None:
        return float(np.asarray(split.daily)[:, first - 1 : last].sum())
    return float(split.spend.sum()) * (last - first + 1) / cs.horizon_days


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
    for g in lim.groups:
        s = float(spend_c[g.channels].sum())
        out[f"group:{g.id}"] = max(0.0, g.lo - s, s - g.hi) / scale
    for k, per in enumerate(lim.periods):
        s = _period_spend(cs, split, per.first, per.last)
        out[f"period:{k + 1}"] = max(0.0, s - per.hi) / scale
    return out


def stricter_than_scenario(
    cs: CompiledScenario, problem: Problem, x: np.ndarray, daily: bool
) -> str:
    """Why the plan may not be the scenario's optimum although the Problem's: '' if none.

    A channel of several items has its ratio limit kept on each item (sufficient, not
    necessary); ``cac_basis: acquisition`` is planned as CAC over all spend (stricter
    where retention channels spend). Where such a limit binds, optimality is not proven.
    """
    lim = cs.limits
    copies = cs.horizon_days if daily else 1
    channel_of = np.tile(cs.ad_set_channel, copies)
    counts = np.bincount(channel_of, minlength=cs.n_channels)
    limited = np.isfinite(lim.cac_max) | (lim.roi_min > 0)
    multi = (counts > 1) & limited
    if multi.any():
        items = multi[channel_of]
        tol = 1e-9 * np.maximum(np.abs(problem.upper), 1.0)
        at_bound = items & (x >= problem.upper - tol) & (problem.upper > 0)
        if at_bound.any():
            return (
                "optimality not proven: a channel's ratio limit is kept on each of its "
                "segments or days"
            )
    return ""
