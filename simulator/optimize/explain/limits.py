"""Which 1c limit holds a channel (``channels.*.active``), and how to say it.

Judged on the plan itself (each channel's total, ratios and costs from the engine), after
:func:`simulator.optimize.explain.active.channel_states`: a channel's own ratio speaks
first, then its on-off minimum, its group (``group_max:ID`` or ``group_min:ID``), a
budget period (``period:K``). Groups and periods are read on cost, as they are planned.
"""

from __future__ import annotations

import numpy as np

from simulator.model.compiled import CompiledScenario, Split
from simulator.model.curves import FloatArray
from simulator.optimize.explain.marginals import channel_marginals
from simulator.optimize.limits_check import channel_cost, period_cost

_REL = 1e-6  # a value within this share of its limit sits on it


def _near(value: float, bound: float) -> bool:
    return bool(np.isfinite(value)) and abs(value - bound) <= _REL * max(abs(bound), 1.0)


def _binding_groups(cs: CompiledScenario, split: Split) -> dict[int, str]:
    """Channel index -> the label of the group limit it sits on."""
    out: dict[int, str] = {}
    if not cs.limits.groups:
        return out
    cost = channel_cost(cs, split)
    for g in cs.limits.groups:
        s = float(cost[g.channels].sum())
        if g.hi < cs.budget and _near(s, g.hi):
            out.update({int(c): f"group_max:{g.id}" for c in g.channels})
        elif g.lo > 0 and _near(s, g.lo):
            out.update({int(c): f"group_min:{g.id}" for c in g.channels})
    return out


def limit_states(
    cs: CompiledScenario, split: Split, channels: dict[str, dict[str, object]], states: list[str]
) -> list[str]:
    """``states`` with each channel held by a 1c limit relabelled by that limit."""
    lim = cs.limits
    out = list(states)
    if len(out) != cs.n_channels:  # no labels (an infeasible answer): nothing to name
        return out
    spend = cs.channel_sum(split.spend)
    binding_groups = _binding_groups(cs, split)
    periods = [
        f"period:{k + 1}"
        for k, p in enumerate(lim.periods)
        if _near(period_cost(cs, split, p.first, p.last), p.hi)
    ]
    first: dict[str, FloatArray] | None = None
    for c, cid in enumerate(cs.channel_ids):
        if out[c] == "locked":
            continue
        if spend[c] <= 0:  # paused: by its own limit where that is the reason given
            if lim.any_ratio or lim.min_active[c] > 0:
                first = first or channel_marginals(cs, np.zeros(cs.n_ad_sets))
                out[c] = pause_reason(cs, c, {k: float(v[c]) for k, v in first.items()}) or out[c]
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
        return f"held at its own CAC cap of {lim.cac_max[j]:g}; {at}"
    if label == "roi_min" and lim.roi_min[j] > 0:
        return f"held at its own ROI floor of {lim.roi_min[j]:g}; {at}"
    if label == "min_active_spend":
        return f"runs at its minimum active spend of {lim.min_active[j]:,.0f}; {at}"
    end, _, gid = label.partition(":")
    if end in ("group_max", "group_min"):
        g = next(g for g in lim.groups if g.id == gid)
        word, value = ("cap", g.hi) if end == "group_max" else ("floor", g.lo)
        return f"held at the {g.id} group's budget {word} of {value:,.0f}; {at}"
    if end == "period":
        p = lim.periods[int(gid) - 1]
        return f"held at budget period {gid}'s cap of {p.hi:,.0f} (days {p.first}-{p.last}); {at}"
    return None


def pause_reason(cs: CompiledScenario, j: int, first: dict[str, float]) -> str | None:
    """The channel's own limit that keeps it at zero (``cac_max``, ``roi_min``,
    ``min_active_spend``), or None; :func:`paused` says it in words.

    ``first`` holds what the first yuan of the channel's cost brings (revenue, new
    customers), so ``1 / new`` is what its first customers cost."""
    lim = cs.limits
    new, revenue = first.get("new_customers", 0.0), first.get("revenue", 0.0)
    if np.isfinite(lim.cac_max[j]) and (new <= 0 or 1 / new > lim.cac_max[j]):
        return "cac_max"
    if lim.roi_min[j] > 0 and revenue < lim.roi_min[j]:
        return "roi_min"
    return "min_active_spend" if lim.min_active[j] > 0 else None


def paused(cs: CompiledScenario, j: int, first: dict[str, float]) -> str | None:
    """Why a channel spends nothing, where its own limit is the reason (in its terms)."""
    lim = cs.limits
    new, revenue = first.get("new_customers", 0.0), first.get("revenue", 0.0)
    reason = pause_reason(cs, j, first)
    if reason == "cac_max":
        cost = "are never won" if new <= 0 else f"cost {1 / new:,.0f}"
        return f"paused: its first customers {cost}, above its cap of {lim.cac_max[j]:g}"
    if reason == "roi_min":
        return (
            f"paused: its first yuan returns {revenue:,.2f} in revenue, "
            f"below its own ROI floor of {lim.roi_min[j]:g}"
        )
    if reason == "min_active_spend":
        return (
            f"paused: it runs at {lim.min_active[j]:,.0f} or not at all "
            "(min_active_spend), and that much earns more in the other channels"
        )
    return None
