"""Which 1c limit holds a channel (``channels.*.active``), and how to say it.

Judged on the plan itself (each channel's total, ratios from the engine), after
:func:`simulator.optimize.explain.active.channel_states`: a channel's own ratio speaks
first, then its on-off minimum, its group, a budget period.
"""

from __future__ import annotations

import numpy as np

from simulator.model.compiled import CompiledScenario, Split
from simulator.optimize.limits_check import _period_spend

_REL = 1e-6  # a value within this share of its limit sits on it


def _near(value: float, bound: float) -> bool:
    return bool(np.isfinite(value)) and abs(value - bound) <= _REL * max(abs(bound), 1.0)


def limit_states(
    cs: CompiledScenario, split: Split, channels: dict[str, dict[str, object]], states: list[str]
) -> list[str]:
    """``states`` with each channel held by a 1c limit relabelled by that limit."""
    lim = cs.limits
    out = list(states)
    if len(out) != cs.n_channels:  # no labels (an infeasible answer): nothing to name
        return out
    spend = cs.channel_sum(split.spend)
    binding_groups = {}
    for g in lim.groups:
        s = float(spend[g.channels].sum())
        if (g.lo > 0 and _near(s, g.lo)) or (g.hi < cs.budget and _near(s, g.hi)):
            binding_groups.update({int(c): f"group:{g.id}" for c in g.channels})
    periods = [
        f"period:{k + 1}"
        for k, p in enumerate(lim.periods)
        if _near(_period_spend(cs, split, p.first, p.last), p.hi)
    ]
    for c, cid in enumerate(cs.channel_ids):
        if out[c] == "locked" or spend[c] <= 0:
            continue
        row = channels.get(cid, {})
        cac, roi = row.get("cac"), row.get("roi")
        if np.isfinite(lim.cac_max[c]) and isinstance(cac, float) and _near(cac, lim.cac_max[c]):
            out[c] = "cac_max"
        elif lim.roi_min[c] > 0 and isinstance(roi, float) and _near(roi, lim.roi_min[c]):
            out[c] = "roi_min"
        elif lim.min_active[c] > 0 and _near(float(spend[c]), lim.min_active[c]):
            out[c] = "min_active_spend"
        elif c in binding_groups:
            out[c] = binding_groups[c]
        elif periods and out[c] in ("budget", "optimum", "max_spend"):
            out[c] = periods[0]
    return out


def holds(cs: CompiledScenario, j: int, label: str, at: str) -> str | None:
    """The sentence for a channel held by a 1c limit; None for any other label."""
    lim = cs.limits
    if label == "cac_max" and np.isfinite(lim.cac_max[j]):
        return f"held where its own CAC reaches its cap of {lim.cac_max[j]:g}; {at}"
    if label == "roi_min" and lim.roi_min[j] > 0:
        return f"held where its own ROI falls to its floor of {lim.roi_min[j]:g}; {at}"
    if label == "min_active_spend":
        return f"runs at its minimum active spend of {lim.min_active[j]:,.0f}; {at}"
    if label.startswith("group:"):
        g = next(g for g in lim.groups if g.id == label[6:])
        return f"held by the {g.id} group's limit; {at}"
    if label.startswith("period:"):
        return f"held by budget period {label[7:]}'s cap; {at}"
    return None


def paused(cs: CompiledScenario, j: int, first: dict[str, float]) -> str | None:
    """Why a channel spends nothing, where its own limit is the reason (in its terms)."""
    lim = cs.limits
    new, revenue = first.get("new_customers", 0.0), first.get("revenue", 0.0)
    if np.isfinite(lim.cac_max[j]) and (new <= 0 or 1 / new > lim.cac_max[j]):
        cost = "are never won" if new <= 0 else f"cost {1 / new:,.0f}"
        return f"paused: its first customers {cost}, above its cap of {lim.cac_max[j]:g}"
    if lim.roi_min[j] > 0 and revenue < lim.roi_min[j]:
        return (
            f"paused: its first yuan returns {revenue:,.2f} in revenue, "
            f"below its own ROI floor of {lim.roi_min[j]:g}"
        )
    if lim.min_active[j] > 0:
        return (
            f"paused: it runs at {lim.min_active[j]:,.0f} or not at all "
            "(min_active_spend), and that much earns more in the other channels"
        )
    return None
