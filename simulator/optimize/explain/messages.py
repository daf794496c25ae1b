"""Plan-wide sentences: which target fails and the best reachable value, and why a plan
leaves budget unspent, each naming the target that actually limits it.
"""

from __future__ import annotations

from collections.abc import Mapping

from simulator.model.compiled import CompiledScenario
from simulator.model.targets import TARGETS, Target
from simulator.optimize.problem import Allocation


def money(amount: float) -> str:
    """An amount as a marketer reads it: 1,234,567; a sliver under 1 keeps two digits.

    ``0`` would hide that a tight target leaves a fraction of a yuan spent.
    """
    if 0 < abs(amount) < 0.5:
        return f"{amount:.2g}"
    return f"{amount:,.0f}"


_RATIOS = tuple(t.name for t in TARGETS.values() if t.kind == "ratio")  # the contract's order


def _keeps(t: Target, bound: float) -> str:
    """E.g. "ROI stays at or above 3": what a ratio target keeps while a floor is sought."""
    return f"{t.noun} stays at or {'above' if t.at_least else 'below'} {bound:g}"


def _why_unspent(t: Target, bound: float) -> str:
    """E.g. "spending more would pull ROI below the 3 target"."""
    move = "pull {} below" if t.at_least else "push {} above"
    return f"spending more would {move.format(t.noun)} the {bound:g} target"


_NEAR_ZERO = 0.01  # a plan spending under 1% of the budget is "only": say so in the message
_TIGHT = 1e-6  # a ratio within this share of its target is met with equality


def tight_ratios(cs: CompiledScenario, totals: Mapping[str, float | None]) -> list[str]:
    """Ratio targets the plan's totals meet with equality (they limit it), in order."""
    out = []
    for name in _RATIOS:
        row, bound = TARGETS[name], cs.targets.get(name)
        value = totals.get(row.metric)
        if bound is None or value is None:
            continue
        tight = value <= bound * (1 + _TIGHT) if row.at_least else value >= bound * (1 - _TIGHT)
        if tight:
            out.append(name)
    return out


def only_allows(cs: CompiledScenario, total: float, binding: frozenset[str]) -> str:
    """E.g. "the ROI floor 50 allows only 23 of the 3,000,000 budget to be spent", or ""."""
    names = [k for k in _RATIOS if k in binding and k in cs.targets]
    if not names or total >= _NEAR_ZERO * cs.budget or cs.objective == "min_spend":
        return ""
    which = " and ".join(f"{TARGETS[k].label} {cs.targets[k]:g}" for k in names)
    verb = "allow" if len(names) > 1 else "allows"
    return f"the {which} {verb} only {money(total)} of the {cs.budget:,.0f} budget to be spent"


def budget_line(
    cs: CompiledScenario,
    total: float,
    binding: frozenset[str],
    states: list[str],
    failed: str | None,
) -> list[str]:
    """One sentence on how much of the budget is used, and what stops the rest."""
    costed = not cs.money.plain  # the budget is on cost: say cost where the number is cost
    if cs.objective == "min_spend" and failed is None:
        what = "cost" if costed else "spend"
        return [f"{money(total)} is the least {what} that meets every target."]
    if total >= cs.budget * (1 - 1e-6):
        return []
    head = f"{'Costs' if costed else 'Spends'} {money(total)} of the {cs.budget:,.0f} budget"
    if failed is not None:
        return [f"{head}: {failed} cannot be met, and this split comes closest to it."]
    only = only_allows(cs, total, binding)
    if only:
        return [only[0].upper() + only[1:] + "."]
    reasons = [_why_unspent(TARGETS[k], cs.targets[k]) for k in _RATIOS if k in binding]
    if reasons:
        return [f"{head}: {'; '.join(reasons)}."]
    period = next((s for s in states if s.startswith("period:")), None)
    if period is not None:  # a plan by total spends evenly: the tightest period caps it
        p = cs.limits.periods[int(period[7:]) - 1]
        return [
            f"{head}: budget period {period[7:]}'s cap of {p.hi:,.0f} (days {p.first}-"
            f"{p.last}) holds the rest back."
        ]
    if all(s in ("max_spend", "locked", "unit") for s in states):
        limits = "max_spend, max_change, a lock or whole units"
        return [f"{head}: every channel is at an upper limit ({limits})."]
    if cs.objective == "profit":
        return [f"{head}: past this point an extra yuan returns less profit than it costs."]
    return [f"{head}: the other channels are saturated: more spend buys nothing more."]


def infeasible_message(
    cs: CompiledScenario, alloc: Allocation, totals: Mapping[str, float | None] | None = None
) -> str:
    """E.g. "roi_min 6.0 cannot be met: the highest reachable ROI is 4.2, at a spend of 120,000".

    ``totals`` (of the split returned) tell whether an earlier ratio target, not the
    budget, is what limits a volume floor.
    """
    info = alloc.infeasibility
    if info is None:
        return "the targets cannot be met"
    name, best, spend = info.constraint, info.best_value, info.best_spend
    where = (
        "; it is only approached as spend falls to 0"
        if info.at_zero
        else f", at a {'spend' if cs.money.plain else 'cost'} of {spend:,.0f}"
    )
    row = TARGETS.get(name)
    if row is None and name == "budget":
        return (
            f"the budget {cs.budget:,.0f} cannot cover the minimum spends, which need {best:,.0f}"
        )
    if row is None:
        return f"{name} cannot be met within the budget and bounds"
    if row.inverted:  # the allocator's best is metric per yuan: say it the target's way
        best = 1.0 / best if best > 0 else float("inf")
    within = _within(cs, totals or {}) if row.kind == "floor" else ""
    bound = cs.targets.get(name, 0)
    return row.unmet.format(
        name=name, bound=bound, best=best, where=where, spend=spend, within=within
    )


def _within(cs: CompiledScenario, totals: Mapping[str, float | None]) -> str:
    """What limits a volume floor: the ratio targets the split meets with equality, or
    the budget and bounds."""
    limits = tight_ratios(cs, totals)
    if not limits:
        return "within the budget and bounds"
    return "while " + " and ".join(_keeps(TARGETS[k], cs.targets[k]) for k in limits)
