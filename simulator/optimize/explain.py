"""Sentences a marketer reads: why each channel grew, shrank, paused or hit a bound.

Every number comes from the expected-value engine (the objective's marginal return at
the current and the recommended split) or from the allocator's certificate (which
bound or target holds a channel).
"""

from __future__ import annotations

import numpy as np

from simulator.evaluate import evaluate_spend, evaluate_totals, per_channel
from simulator.model.compiled import CompiledScenario

_KEPT = 0.05  # moves under 5% read as "kept"
_METRIC = {
    "revenue": "revenue",
    "profit": "profit",
    "ltv": "ltv",
    "min_spend": "revenue",
    "conversions": "conversions",
    "new_customers": "new_customers",
}


def marginal_objective(cs: CompiledScenario, spend: np.ndarray) -> np.ndarray:
    """d objective / d spend of each channel at ``spend`` (per ad set), from the engine.

    One vectorised call: the split itself plus one candidate per channel with a small
    extra amount spread over the channel's ad sets like its current spend.
    """
    metric = _METRIC[cs.objective]
    step = 1e-6 * cs.budget
    rows = np.repeat(spend[None, :], cs.n_channels + 1, axis=0)
    for j in range(cs.n_channels):
        idx = cs.ad_sets_of(j)
        share = spend[idx] if spend[idx].sum() > 0 else cs.default_share[idx]
        rows[j + 1, idx] += step * share / share.sum()
    values = evaluate_totals(cs, rows)[metric]
    return np.asarray((values[1:] - values[0]) / step, dtype=float)


def _per_extra(cs: CompiledScenario, m: float) -> str:
    """The marginal in words: return per yuan, or cost per extra unit for counts."""
    if cs.objective in ("conversions", "new_customers"):
        what = "new customer" if cs.objective == "new_customers" else "conversion"
        return f"an extra {what} costs {1 / m:,.2f}" if m > 0 else f"no extra {what}s"
    noun = "profit" if cs.objective == "profit" else "revenue"
    return f"each extra yuan adds {m:,.2f} in {noun}"


def explain(
    cs: CompiledScenario,
    spend: np.ndarray,
    active: dict[str, str],
    binding: frozenset[str] = frozenset(),
) -> list[str]:
    """Explanations of the recommended per-ad-set ``spend`` against the current split.

    ``binding`` names the targets whose multiplier is positive at the optimum: a paused
    channel is blamed on the CAC target only when that target actually binds.
    """
    now = marginal_objective(cs, spend)
    totals = cs.channel_sum(spend)
    base = cs.channel_sum(cs.current.spend) if cs.current is not None else None
    before = marginal_objective(cs, cs.current.spend) if cs.current is not None else None
    lines = []
    for j, cid in enumerate(cs.channel_ids):
        s, label = float(totals[j]), active.get(cid, "")
        if s <= 0:
            lines.append(_paused(cs, cid, j, label, "cac_max" in binding))
            continue
        holds = _holds(cs, label, float(now[j]))
        if base is None or before is None:
            lines.append(f"{cid}: {s:,.0f}; {holds}.")
        elif base[j] > 0 and abs(s - base[j]) <= _KEPT * base[j]:
            lines.append(f"{cid}: kept at {s:,.0f}; {holds}.")
        else:
            b = float(base[j])
            verb, change = ("grows" if s > b else "shrinks"), (f"{s / b - 1:+.0%}" if b else "new")
            was = f"at {b:,.0f} {_per_extra(cs, float(before[j]))}; " if b else ""
            lines.append(f"{cid}: {verb} from {b:,.0f} to {s:,.0f} ({change}): {was}{holds}.")
    return [*_budget_line(cs, float(spend.sum()), binding), *lines]


_WHY_UNSPENT = {
    "roi_min": "spending more would pull ROI below the {v:g} target",
    "cac_max": "spending more would push CAC above the {v:g} target",
    "ltv_cac_min": "spending more would pull LTV/CAC below the {v:g} target",
}


def _budget_line(cs: CompiledScenario, total: float, binding: frozenset[str]) -> list[str]:
    """One sentence on how much of the budget is used, and why not all of it."""
    if cs.objective == "min_spend":
        return [f"{total:,.0f} is the least spend that meets every target."]
    if total >= cs.budget * (1 - 1e-6):
        return []
    reasons = [w.format(v=cs.targets[k]) for k, w in _WHY_UNSPENT.items() if k in binding]
    why = (
        "; ".join(reasons) or "every channel is at its max_spend or past the point where spend pays"
    )
    return [f"Spends {total:,.0f} of the {cs.budget:,.0f} budget: {why}."]


def _holds(cs: CompiledScenario, label: str, m: float) -> str:
    if abs(m) < 1e-9 and cs.objective != "profit":
        return "it is saturated there: more spend buys nothing more"
    at = _per_extra(cs, m)
    target = {k: f"{v:g}" for k, v in cs.targets.items()}
    return {
        "max_spend": f"held at its max_spend while {at}",
        "min_spend": f"held at its min_spend; {at}",
        "roi_min": f"now {at}; the ROI target ({target.get('roi_min')}) stops it growing",
        "cac_max": f"now {at}; the CAC target ({target.get('cac_max')}) stops it growing",
        "ltv_cac_min": f"now {at}; the LTV/CAC target stops it growing",
        "budget": f"now {at}, level with every other channel not at a bound",
        "unit": f"bought in whole units, so it cannot sit exactly level with the others; now {at}",
    }.get(label, f"now {at}")


def _paused(cs: CompiledScenario, cid: str, j: int, label: str, cac_binds: bool) -> str:
    zero = per_channel(cs, evaluate_spend(cs, np.zeros(cs.n_ad_sets)))
    first = float(zero["marginal_roi"][0, j])
    idx = cs.ad_sets_of(j)
    ncr, aov = float(np.max(cs.new_customer_rate[idx])), float(np.max(cs.aov[idx]))
    cac_max = cs.targets.get("cac_max")
    if cac_binds and cac_max and ncr > 0 and np.isfinite(first) and first > 0:
        first_cac = aov / (first * ncr)
        if first_cac > cac_max:
            return (
                f"{cid}: paused: even its first new customers cost {first_cac:,.0f} each, "
                f"above the CAC target of {cac_max:,.0f}."
            )
    if label == "max_spend":
        return f"{cid}: 0: its max_spend (or a lock) is 0."
    shown = f"{first:.2f}" if np.isfinite(first) else "without limit"
    return f"{cid}: paused: its first yuan returns {shown} in revenue, less than elsewhere."
