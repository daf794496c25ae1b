"""Sentences a marketer reads: why each channel grew, shrank, paused or hit a bound.

Every number comes from the expected-value engine (the objective's marginal return at
the current and the recommended split, :mod:`simulator.optimize.explain.marginals`) or from what
holds each channel (:mod:`simulator.optimize.explain.active`). A marginal is said in the
objective's own unit: revenue, profit or LTV per yuan, or the cost of one more conversion
or new customer; a target is named in its own terms. Work is linear in the channels.
"""

from __future__ import annotations

import numpy as np

from simulator.model.compiled import CompiledScenario
from simulator.model.curves import FloatArray
from simulator.model.targets import TARGETS
from simulator.optimize.explain.limits import holds as own_holds
from simulator.optimize.explain.limits import paused as own_paused
from simulator.optimize.explain.marginals import channel_marginals
from simulator.optimize.explain.messages import budget_line, money
from simulator.optimize.lineitems import channel_bounds

_KEPT = 0.05  # moves under 5% read as "kept"
_METRIC = {"min_spend": "revenue"}  # min_spend ranks channels by revenue per yuan
_NOUN = {"revenue": "revenue", "profit": "profit", "ltv": "LTV", "min_spend": "revenue"}
_COUNT = {"conversions": "conversion", "new_customers": "new customer"}


def objective_metric(cs: CompiledScenario) -> str:
    """The metric whose marginal the explanations report."""
    return _METRIC.get(cs.objective, cs.objective)


def _amount(m: float) -> str:
    """Two decimals, without the "-0.00" of a marginal that rounds to zero from below."""
    return f"{0.0 if abs(m) < 0.005 else m:,.2f}"


def per_extra(cs: CompiledScenario, m: float) -> str:
    """The marginal in words: return per yuan, or cost per extra unit for counts."""
    if cs.objective in _COUNT:
        what = _COUNT[cs.objective]
        return f"an extra {what} costs {1 / m:,.2f}" if m > 0 else f"no extra {what}s"
    per = "each extra yuan" if cs.money.plain else "each extra yuan of cost"
    return f"{per} adds {_amount(m)} in {_NOUN.get(cs.objective, cs.objective)}"


def explain(
    cs: CompiledScenario,
    spend: FloatArray,
    active: dict[str, str],
    binding: frozenset[str] = frozenset(),
    failed: str | None = None,
    daily: FloatArray | None = None,
    used: float | None = None,
) -> list[str]:
    """Explanations of the recommended per-ad-set ``spend`` against the current split.

    ``binding`` names the targets that hold the plan (positive multiplier, or met with
    equality); ``failed`` the first target no split meets (an infeasible plan);
    ``daily`` the recommended plan by day ``(A, H)``, where there is one; ``used`` what
    the plan takes of the budget (its cost; its spend when not given).
    """
    metric = objective_metric(cs)
    now = channel_marginals(cs, spend, daily)
    first = channel_marginals(cs, np.zeros(cs.n_ad_sets))
    totals = cs.channel_sum(spend)
    current = cs.current
    base = cs.channel_sum(current.spend) if current is not None else None
    before = channel_marginals(cs, current.spend, current.daily)[metric] if current else None
    states = [active.get(cid, "") for cid in cs.channel_ids]
    level = _level(now[metric], totals, states)
    lo, hi = channel_bounds(cs)
    lines = []
    for j, cid in enumerate(cs.channel_ids):
        s, label = float(totals[j]), states[j]
        if s <= 0:
            at_zero = {k: float(v[j]) for k, v in first.items()}
            why = own_paused(cs, j, at_zero) or _paused(cs, label, at_zero, binding, level)
            lines.append(f"{cid}: {why}.")
            continue
        m_now = float(now[metric][j])
        holds = own_holds(cs, j, label, per_extra(cs, m_now)) or _holds(
            cs, label, m_now, _limit(cs, j, label, lo, hi)
        )
        if base is None or before is None:
            lines.append(f"{cid}: {money(s)}; {holds}.")
        elif base[j] > 0 and abs(s - base[j]) <= _KEPT * base[j]:
            lines.append(f"{cid}: kept at {money(s)}; {holds}.")
        else:
            b = float(base[j])
            verb, change = ("grows" if s > b else "shrinks"), (f"{s / b - 1:+.0%}" if b else "new")
            was = f"at {b:,.0f} {per_extra(cs, float(before[j]))}; " if b else ""
            lines.append(f"{cid}: {verb} from {b:,.0f} to {money(s)} ({change}): {was}{holds}.")
    line = budget_line(cs, float(spend.sum()) if used is None else used, binding, states, failed)
    return [*line, *lines, *halo_lines(cs)]


def halo_lines(cs: CompiledScenario) -> list[str]:
    """E.g. "douyin_notes also brings 0.3 baidu_search conversions per conversion."."""
    if not cs.money.has_halo:
        return []
    out = []
    for j, cid in enumerate(cs.channel_ids):
        one = np.zeros(cs.n_ad_sets)
        one[cs.ad_sets_of(j)[0]] = 1.0  # one conversion of the channel's first ad set
        rates = cs.channel_sum(cs.money.received(one))  # the receivers' shares sum to the rate
        out += [
            f"{cid} also brings {rate:g} {cs.channel_ids[k]} conversions per conversion."
            for k, rate in enumerate(rates)
            if rate > 0
        ]
    return out


def _level(m: FloatArray, totals: FloatArray, states: list[str]) -> float | None:
    """The marginal every spending channel not held by a bound shares (KKT): the bar."""
    free = np.array([s not in ("max_spend", "min_spend", "locked", "unit") for s in states])
    pick = free & (totals > 0) & np.isfinite(m)
    return float(np.median(m[pick])) if pick.any() else None


def _limit(cs: CompiledScenario, j: int, label: str, lo: FloatArray, hi: FloatArray) -> str:
    """Which limit a bound label means: the channel's own, or the change limit."""
    if label == "max_spend" and hi[j] < cs.channel_max[j] * (1 - 1e-9):
        return "the most its allowed change (max_change) permits"
    if label == "min_spend" and lo[j] > cs.channel_min[j] * (1 + 1e-9):
        return "the least its allowed change (max_change) permits"
    return f"its {label}"


def _holds(cs: CompiledScenario, label: str, m: float, limit: str) -> str:
    at = per_extra(cs, m)
    if label == "locked":
        return f"locked at its current spend; {at}"
    if abs(m) < 1e-9 and cs.objective != "profit":
        return "it is saturated there: more spend buys nothing more"
    row = TARGETS.get(label)
    if row is not None and label in cs.targets:
        return row.holds.format(at=at, v=cs.targets[label]) if row.holds else f"now {at}"
    return {
        "max_spend": f"held at {limit} while {at}",
        "min_spend": f"held at {limit}; {at}",
        "daily_cap": f"each day it spends is at its daily cap; {at}",
        "budget": f"now {at}, level with every other channel not at a bound",
        "optimum": f"now {at}: past this point more spend stops paying",
        "unit": f"bought in whole units, so it cannot sit exactly level with the others; now {at}",
    }.get(label, f"now {at}")


def _paused(
    cs: CompiledScenario,
    label: str,
    first: dict[str, float],
    binding: frozenset[str],
    level: float | None,
) -> str:
    """Why a channel spends nothing, in the binding target's or the objective's unit.

    ``first`` holds the channel's marginals at zero spend (its first yuan); ``level`` the
    objective's marginal in the channels that get money, where there are any.
    """
    if label == "locked":
        return "locked at 0 (its current spend)"
    if label == "max_spend":
        return "0: its upper limit (max_spend or allowed change) is 0"
    # a cap the first customers already break is the plainest reason: caps speak first
    for row in sorted(TARGETS.values(), key=lambda t: not t.inverted):
        bound = cs.targets.get(row.name)
        if row.paused is None or bound is None or row.name not in binding:
            continue
        value = first[row.line_metric]  # what its first yuan buys of the target's metric
        if row.inverted and (value <= 0 or 1 / value > bound):
            cost = "are never won" if value <= 0 else f"cost {1 / value:,.0f} each"
            return row.paused.format(cost=cost, first=value, v=bound)
        if not row.inverted and value < bound:
            return row.paused.format(cost="", first=value, v=bound)
    m = first[objective_metric(cs)]
    if cs.objective in _COUNT:
        what = _COUNT[cs.objective]
        cost = f"would cost {1 / m:,.2f} each" if m > 0 else "are never won"
        if not level:
            return f"paused: its first {what}s {cost}"
        return (
            f"paused: its first {what}s {cost}, more than the {1 / level:,.2f} "
            "one costs in the channels that get money"
        )
    noun = _NOUN.get(cs.objective, cs.objective)
    head = f"paused: its first yuan returns {_amount(m)} in {noun}"
    if cs.objective == "profit" and m <= 0:
        return f"{head} (it costs more than it earns)"
    if level is None:
        return head
    return f"{head}, less than the {_amount(level)} each yuan earns in the channels that get money"
