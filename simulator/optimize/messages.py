"""Infeasibility in the contract's words: which target fails and the best reachable value."""

from __future__ import annotations

from simulator.model.compiled import CompiledScenario
from simulator.optimize.problem import Allocation

_VOLUME = {
    "revenue_min": "revenue",
    "conversions_min": "conversions",
    "new_customers_min": "new customers",
}


def infeasible_message(cs: CompiledScenario, alloc: Allocation) -> str:
    """E.g. "roi_min 6.0 cannot be met: the highest reachable ROI is 4.2, at a spend of 120,000"."""
    info = alloc.infeasibility
    if info is None:
        return "the targets cannot be met"
    name, best, spend = info.constraint, info.best_value, info.best_spend
    where = (
        "; it is only approached as spend falls to 0"
        if info.at_zero
        else f", at a spend of {spend:,.0f}"
    )
    head = f"{name} {cs.targets.get(name, 0):g} cannot be met"
    if name == "roi_min":
        return f"{head}: the highest reachable ROI is {best:.2f}{where}"
    if name == "cac_max":
        cac = 1.0 / best if best > 0 else float("inf")
        return f"{head}: the lowest reachable CAC is {cac:,.2f}{where}"
    if name == "ltv_cac_min":
        return f"{head}: the highest reachable LTV/CAC is {best:.2f}{where}"
    if name in _VOLUME:
        return (
            f"{name} {cs.targets[name]:,.0f} cannot be met: the most {_VOLUME[name]} "
            f"reachable within the budget and bounds is {best:,.0f}, at a spend of {spend:,.0f}"
        )
    if name == "budget":
        return (
            f"the budget {cs.budget:,.0f} cannot cover the minimum spends, which need {best:,.0f}"
        )
    return f"{name} cannot be met within the budget and bounds"
