"""Ratios and profit from totals: the one definition every engine calls (CONTRACT.md 1).

The expected-value engine, the simulation's per-run metrics and the search's scores all
derive ROI, CAC, LTV/CAC and profit here, so "what is ROI" has one answer. A ratio of
nothing is undefined (nan, shown as ``null``), never 0 or inf: a plan that spends nothing
has no ROI, and a CAC beside zero spend or zero new customers means nothing.

Callers that treat a negligible spend as none (the expected-value engine does, relative to
the budget) pass the spend already zeroed.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from simulator.model.curves import FloatArray

Total = FloatArray | float


def ratio(num: Total, den: Total) -> FloatArray:
    """``num / den`` where ``den > 0``; nan elsewhere (and where ``den`` is nan)."""
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan))


def roi(revenue: Total, spend: Total) -> FloatArray:
    """``revenue / spend``; undefined without spend."""
    return ratio(revenue, spend)


def cac(spend: Total, new_customers: Total) -> FloatArray:
    """``spend / new_customers``; undefined without spend or without a new customer."""
    spend = np.asarray(spend, dtype=float)
    return ratio(np.where(spend > 0, spend, np.nan), new_customers)


def ltv_per_customer(
    first_order_revenue: Total, repeat_revenue: Total, new_customers: Total, spend: Total
) -> FloatArray:
    """(first-order + repeat revenue of new customers) / new customers; undefined without spend."""
    new = np.where(np.asarray(spend, dtype=float) > 0, new_customers, 0.0)
    return ratio(np.asarray(first_order_revenue) + np.asarray(repeat_revenue), new)


def ltv_cac(ltv_per_customer: Total, cac: Total) -> FloatArray:
    """``ltv_per_customer / cac``."""
    return ratio(ltv_per_customer, cac)


def profit(gross_profit: Total, spend: Total) -> FloatArray:
    """``sum(revenue_i * margin_i) - spend``."""
    return np.asarray(np.asarray(gross_profit, dtype=float) - np.asarray(spend, dtype=float))


# Ratios of two totals that any table of totals can form (the search forms them of means).
RATIOS_OF_TOTALS: dict[str, Callable[[Callable[[str], Total]], FloatArray]] = {
    "roi": lambda total: roi(total("revenue"), total("cost")),
    "cac": lambda total: cac(total("cost"), total("new_customers")),
}
