"""What holds each channel (``channels.*.active``), judged on the channel as a whole.

The allocator labels line items: an ad set, or an ad set on one day. A channel is several
items, and a vote over them mislabels it: a daily plan whose quiet days sit at 0 is not
"at its min_spend", nor is a channel "at its max_spend" because a few days hit their cap.
So a channel is first judged by its own total against its own bounds (after locks and
change limits), and only then by what couples it to the others (the budget, a target).
Ties between item labels are broken by a fixed order, never by the iteration order of a
set, which changes with ``PYTHONHASHSEED``: the same input gives the same bytes.

Every step is an array operation over items or channels: linear in their number.
"""

from __future__ import annotations

import numpy as np

from simulator.model.compiled import TARGET_NAMES, CompiledScenario
from simulator.model.curves import FloatArray
from simulator.optimize.lineitems import channel_bounds

# What couples an item to the others, strongest news first (the tie-break order).
COUPLED = (*TARGET_NAMES, "budget", "unit", "optimum")
_REL = 1e-9  # a total within this share of a bound sits on it


def _coupled_counts(
    cs: CompiledScenario, labels: tuple[str, ...], daily: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Per channel, how many of its items each coupling label holds: ``(C, len(COUPLED))``.

    Also returns the counts over all items, used for a channel with no coupled item.
    """
    code = {name: k for k, name in enumerate(COUPLED)}
    item_code = np.array([code.get(name, -1) for name in labels], dtype=np.int64)
    channel = np.tile(cs.ad_set_channel, cs.horizon_days if daily else 1)
    keep = item_code >= 0
    flat = np.bincount(
        channel[keep] * len(COUPLED) + item_code[keep], minlength=cs.n_channels * len(COUPLED)
    )
    per_channel = flat.reshape(cs.n_channels, len(COUPLED))
    return per_channel, per_channel.sum(axis=0)


def channel_states(
    cs: CompiledScenario,
    totals: FloatArray,
    labels: tuple[str, ...],
    daily: bool,
    fixed: frozenset[int] = frozenset(),
) -> list[str]:
    """One label per channel, in ``cs.channel_ids`` order.

    ``locked``; ``max_spend`` at its upper limit (``budget`` when that limit is the whole
    budget); ``min_spend`` at a positive lower limit; else the coupling label most of its
    items carry (``budget``, a target, ``unit``); a channel whose every item sits on an item
    bound is ``daily_cap`` (a daily plan under a daily cap) or, when it spends nothing,
    what holds the plan as a whole.

    Args:
        totals: spend per channel over the horizon, ``(C,)``.
        labels: the allocator's label per item (``(A,)`` or day-major ``(H*A,)``).
        fixed: channels whose total a daily plan keeps from the plan by total (whole
            units): ``unit``.
    """
    if not labels:
        return []
    lo, hi = channel_bounds(cs)
    counts, overall = _coupled_counts(cs, labels, daily)
    # argmax picks the first maximum: COUPLED's order breaks ties
    coupled = np.array(COUPLED, dtype=object)[np.argmax(counts, axis=1)]
    plan_wide = COUPLED[int(np.argmax(overall))] if overall.any() else "budget"
    tol = _REL * np.maximum(np.abs(hi), 1.0)
    at_hi = totals >= hi - tol
    at_lo = (lo > 0) & (totals <= lo + _REL * np.maximum(lo, 1.0))
    has_coupled = counts.sum(axis=1) > 0
    capped = daily & np.isfinite(cs.daily_cap)
    state = np.where(has_coupled, coupled, np.where(totals > 0, "daily_cap", plan_wide))
    state = np.where(~has_coupled & (totals > 0) & ~capped, "max_spend", state)
    state = np.where(at_lo, "min_spend", state)
    state = np.where(at_hi, np.where(hi >= cs.budget, "budget", "max_spend"), state)
    if fixed:
        state[np.fromiter(fixed, dtype=np.int64)] = "unit"
    state = np.where(cs.channel_locked, "locked", state)
    return [str(s) for s in state]
