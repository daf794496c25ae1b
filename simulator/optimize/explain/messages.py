"""Plan-wide sentences: which target fails and the best reachable value, and why a plan
leaves budget unspent, each naming the target that actually limits it.
"""

from __future__ import annotations

from collections.abc import Mapping

from simulator.model.compiled import CompiledScenario
from simulator.optimize.problem import Allocation

_VOLUME = {
    "revenue_min": "revenue",
    "conversions_min": "conversions",
    "new_customers_min": "new customers",
}


def money(amount: float) -> str:
    """An amount as a marketer reads it: 1,234,567; a sliver under 1 keeps two digits.

    ``0`` would hide that a tight target leaves a fraction of a yuan spent.
    """
    if 0 < abs(amount) < 0.5:
        return f"{amount:.2g}"
    return f"{amount:,.0f}"


_RATIOS = ("roi_min", "cac_max", "ltv_cac_min")  # the contract's order
_TARGET_WORDS = {"roi_min": "ROI floor", "cac_max": "CAC cap", "ltv_cac_min": "LTV/CAC floor"}
_KEEPS = {
    "roi_min": "ROI stays at or above {v:g}",
    "cac_max": "CAC stays at or below {v:g}",
    "ltv_cac_min": "LTV/CAC stays at or above {v:g}",
}
_NEAR_ZERO = 0.01  # a plan spending under 1% of the budget is "only": say so in the message
_TIGHT = 1e-6  # a ratio within this share of its target is met with equality


def tight_ratios(cs: CompiledScenario, totals: Mapping[str, float | None]) -> list[str]:
    """Ratio targets the plan's totals meet with equality (they limit it), in order."""
    t, out = cs.targets, []
    roi, cac, ltv_cac = totals.get("roi"), totals.get("cac"), totals.get("ltv_cac")
    if "roi_min" in t and roi is not None and roi <= t["roi_min"] * (1 + _TIGHT):
        out.append("roi_min")
    if "cac_max" in t and cac is not None and cac >= t["cac_max"] * (1 - _TIGHT):
        out.append("cac_max")
    if "ltv_cac_min" in t and ltv_cac is not None and ltv_cac <= t["ltv_cac_min"] * (1 + _TIGHT):
        out.append("ltv_cac_min")
    return out


def only_allows(cs: CompiledScenario, total: float, binding: frozenset[str]) -> str:
    """E.g. "the ROI floor 50 allows only 23 of the 3,000,000 budget to be spent", or ""."""
    names = [k for k in _RATIOS if k in binding and k in cs.targets]
    if not names or total >= _NEAR_ZERO * cs.budget or cs.objective == "min_spend":
        return ""
    which = " and ".join(f"{_TARGET_WORDS[k]} {cs.targets[k]:g}" for k in names)
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
    if cs.objective == "min_spend" and failed is None:
        return [f"{money(total)} is the least spend that meets every target."]
    if total >= cs.budget * (1 - 1e-6):
        return []
    head = f"Spends {money(total)} of the {cs.budget:,.0f} budget"
    if failed is not None:
        return [f"{head}: {failed} cannot be met, and this split comes closest to it."]
    only = only_allows(cs, total, binding)
    if only:
        return [only[0].upper() + only[1:] + "."]
    reasons = [w.format(v=cs.targets[k]) for k, w in _WHY_UNSPENT.items() if k in binding]
    if reasons:
        return [f"{head}: {'; '.join(reasons)}."]
    if all(s in ("max_spend", "locked", "unit") for s in states):
        limits = "max_spend, max_change, a lock or whole units"
        return [f"{head}: every channel is at an upper limit ({limits})."]
    if cs.objective == "profit":
        return [f"{head}: past this point an extra yuan returns less profit than it costs."]
    return [f"{head}: the other channels are saturated: more spend buys nothing more."]


_WHY_UNSPENT = {
    "roi_min": "spending more would pull ROI below the {v:g} target",
    "cac_max": "spending more would push CAC above the {v:g} target",
    "ltv_cac_min": "spending more would pull LTV/CAC below the {v:g} target",
}


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
        limits = [k for k in tight_ratios(cs, totals or {}) if k in _RATIOS]
        within = (
            "while " + " and ".join(_KEEPS[k].format(v=cs.targets[k]) for k in limits)
            if limits
            else "within the budget and bounds"
        )
        return (
            f"{name} {cs.targets[name]:,.0f} cannot be met: the most {_VOLUME[name]} "
            f"reachable {within} is {best:,.0f}, at a spend of {spend:,.0f}"
        )
    if name == "budget":
        return (
            f"the budget {cs.budget:,.0f} cannot cover the minimum spends, which need {best:,.0f}"
        )
    return f"{name} cannot be met within the budget and bounds"
