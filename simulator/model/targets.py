"""The table of targets: what each reads, which way it points, how it constrains, how it reads.

One row per target, in the contract's order (ratio targets first, then the volume floors):
the schema's ``targets:`` fields, ``compiled.TARGET_NAMES``, the line items' constraints
(``optimize/lineitems.py``), the certificate's Lagrangian, the explanations, the search's
constraints, chance targets, Pareto and the simulation's P(targets met) all read it. A new
target is one row here, its English label in the row and its Chinese label in
``studio/i18n.py``.

Every target is linear in the line items' conversions, so the exact allocator plans with it:

- ``ratio``: ``sum w C >= rho * spend`` where ``w`` are the weights of ``line_metric``
  (roi_min: revenue >= roi_min * spend); an ``inverted`` cap reads ``spend / metric <= bound``,
  i.e. ``rho = 1 / bound`` (cac_max: new_customers >= spend / cac_max);
- ``floor``: ``sum w C >= bound`` (revenue_min).

Message templates (``str.format``): ``unmet`` is the plan-wide sentence when no split meets
the target (``name``, ``bound``, ``best`` in the target's own unit, ``where``, ``spend``,
``within``); ``holds`` says why a channel stops growing (``at``, ``v``); ``paused`` why a
channel gets nothing from its first yuan (``first``, ``cost``, ``v``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from simulator.model.curves import FloatArray
from simulator.model.numbers import Count, Money, Ratio


@dataclass(frozen=True)
class Target:
    """One target; see the module docstring for the fields' meaning."""

    name: str
    metric: str  # the total it reads: a key of expected.totals and of the per-run metrics
    at_least: bool  # a floor (>=) or a cap (<=)
    kind: Literal["ratio", "floor"]
    line_metric: str  # the per-item metric whose weights form its constraint
    number: Any  # the schema's number type: range and error texts
    noun: str  # the metric in a sentence: "ROI", "new customers"
    label: str  # English display label; the studio's i18n key is ``name``
    unmet: str
    holds: str | None = None
    paused: str | None = None
    inverted: bool = False

    def rho(self, bound: float) -> float:
        """The right-hand side per yuan of a ratio target: ``line_metric >= rho * spend``."""
        return 1.0 / bound if self.inverted else bound


_FLOOR_UNMET = (
    "{name} {bound:,.0f} cannot be met: the most %s reachable {within} is {best:,.0f}, "
    "at a spend of {spend:,.0f}"
)

_ROWS = (
    Target(
        name="roi_min",
        metric="roi",
        at_least=True,
        kind="ratio",
        line_metric="revenue",
        number=Ratio,
        noun="ROI",
        label="ROI floor",
        unmet="{name} {bound:g} cannot be met: the highest reachable ROI is {best:.2f}{where}",
        holds="now {at}; the ROI target ({v:g}) stops it growing",
        paused="paused: its first yuan returns {first:,.2f} in revenue, "
        "below the ROI target of {v:g}",
    ),
    Target(
        name="cac_max",
        metric="cac",
        at_least=False,
        kind="ratio",
        line_metric="new_customers",
        number=Money,
        noun="CAC",
        label="CAC cap",
        unmet="{name} {bound:g} cannot be met: the lowest reachable CAC is {best:,.2f}{where}",
        holds="now {at}; the CAC target ({v:g}) stops it growing",
        paused="paused: even its first new customers {cost}, above the CAC target of {v:g}",
        inverted=True,
    ),
    Target(
        name="ltv_cac_min",
        metric="ltv_cac",
        at_least=True,
        kind="ratio",
        line_metric="first_order_ltv",
        number=Ratio,
        noun="LTV/CAC",
        label="LTV/CAC floor",
        unmet="{name} {bound:g} cannot be met: the highest reachable LTV/CAC is {best:.2f}{where}",
        holds="now {at}; the LTV/CAC target stops it growing",
    ),
    Target(
        name="revenue_min",
        metric="revenue",
        at_least=True,
        kind="floor",
        line_metric="revenue",
        number=Money,
        noun="revenue",
        label="Revenue floor",
        unmet=_FLOOR_UNMET % "revenue",
    ),
    Target(
        name="conversions_min",
        metric="conversions",
        at_least=True,
        kind="floor",
        line_metric="conversions",
        number=Count,
        noun="conversions",
        label="Conversions floor",
        unmet=_FLOOR_UNMET % "conversions",
    ),
    Target(
        name="new_customers_min",
        metric="new_customers",
        at_least=True,
        kind="floor",
        line_metric="new_customers",
        number=Count,
        noun="new customers",
        label="New customers floor",
        unmet=_FLOOR_UNMET % "new customers",
    ),
    Target(
        name="ltv_min",
        metric="ltv",
        at_least=True,
        kind="floor",
        line_metric="ltv",
        number=Money,
        noun="LTV",
        label="LTV floor",
        unmet=_FLOOR_UNMET % "LTV",
    ),
)

TARGETS: dict[str, Target] = {t.name: t for t in _ROWS}

# target name -> (the total it reads, True for a floor): the table's short view
TARGET_METRICS: dict[str, tuple[str, bool]] = {t.name: (t.metric, t.at_least) for t in _ROWS}


def shortfall(name: str, value: FloatArray | float, bound: float) -> FloatArray:
    """How far ``value`` misses target ``name``, relative to ``bound``: > 0 misses, <= 0 meets.

    Relative, so targets of any size weigh alike (the search's constraints, the
    certificate's violations); nan where ``value`` is undefined.
    """
    v = np.asarray(value, dtype=float)
    gap = (bound - v) if TARGETS[name].at_least else (v - bound)
    return np.asarray(gap / bound)


def meets(name: str, value: FloatArray | float, bound: float, rel_tol: float = 0.0) -> FloatArray:
    """Where ``value`` meets target ``name`` at ``bound``; an undefined value (nan) fails.

    The one "is it met?" of every layer. ``rel_tol`` forgives rounding: a floor met to
    ``bound * (1 - rel_tol)`` counts as met (the studio's check of displayed totals).
    """
    at_least = TARGETS[name].at_least
    v = np.asarray(value, dtype=float)
    with np.errstate(invalid="ignore"):
        ok = v >= bound * (1 - rel_tol) if at_least else v <= bound * (1 + rel_tol)
    return np.asarray(ok & np.isfinite(v))
