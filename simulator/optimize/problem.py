"""The line-item allocation problem and its answer, as plain frozen data.

A *line item* is an ad set, or an ad set on one day. Item ``i`` spends ``x_i`` in
``[lower_i, upper_i]`` and yields expected conversions ``C_i(x_i)``. Every outcome the
user can target is linear in the conversions (``metric = sum_i w_i * C_i(x_i)``), so a
target is a weight vector plus a right-hand side:

- a ratio target ``sum w C >= rho * sum x`` (roi_min: ``w = aov, rho = roi_min``;
  cac_max: ``w = new_customer_rate, rho = 1 / cac_max``; ltv_cac_min alike);
- a floor ``sum w C >= floor`` (revenue_min, conversions_min, new_customers_min, ltv_min);
  which target is which, with its weights, is the table in ``model/targets.py``;
- a group ``lo <= sum_{i in index} x_i <= hi`` (a channel's min/max over its ad sets or
  days; groups must be disjoint).

Profiles. Where order values vary by day (``aov_multiplier`` events) an item's revenue is
not a fixed multiple of its conversions: an ad set spent evenly has two concave curves, its
conversions ``C_i`` and its aov-weighted conversions ``R_i`` (``aov_curves``), and every
metric is a nonnegative combination ``w_0,i C_i + w_1,i R_i``. Weights then have shape
``(2, n)`` (row 0 on ``C``, row 1 on ``R``); a 1-D weight is on ``C`` alone. The problem stays
convex and separable; each item's coefficient is a 2-vector instead of a scalar.

The solvers (``exact``, ``lumpy``, ``nonconcave``) take a :class:`Problem` and return an
:class:`Allocation`; mapping a scenario to line items is the caller's job.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from simulator.model.curve_set import CurveSet
from simulator.model.curves import FloatArray, IntArray


@dataclass(frozen=True)
class RatioConstraint:
    """``sum_i weights_i * C_i(x_i) >= rho * sum_i x_i`` (zero spend meets none).

    ``weights``: ``(n,)`` on conversions, or ``(2, n)`` over the profiles (see module doc).
    """

    name: str
    weights: FloatArray
    rho: float


@dataclass(frozen=True)
class FloorConstraint:
    """``sum_i weights_i * C_i(x_i) >= floor``: a volume target (weights as in ratios)."""

    name: str
    weights: FloatArray
    floor: float


@dataclass(frozen=True)
class PricedConstraint:
    """``sum_i weights_i C_i(x_i) - sum_i price_i x_i >= floor``: a coupling constraint
    the allocator's disjoint groups cannot hold, held by a Lagrange multiplier instead.

    A channel's own ratio over its several items (``price = rho`` on them, 0 elsewhere;
    zero spend meets it), or a family of groups that crosses the allocator's own (a
    period's cap: ``weights = 0``, ``price = 1`` on its items, ``floor = -hi``). Its
    multiplier ``m >= 0`` adds ``m weights_i`` to item ``i``'s value weight and
    ``m price_i`` to its price (:mod:`simulator.optimize.exact._targets`). ``metric``
    names the engine metric the weights stand for (``revenue``, ``new_customers`` or
    ``zero``) so the certificate re-reads the Lagrangian on the engine.
    """

    name: str
    weights: FloatArray
    price: FloatArray
    floor: float = 0.0
    metric: str = "zero"


@dataclass(frozen=True)
class Group:
    """``lo <= sum_{i in index} x_i <= hi`` over disjoint sets of items."""

    name: str
    index: IntArray
    lo: float = 0.0
    hi: float = float("inf")


@dataclass(frozen=True)
class OnOff:
    """``sum_{i in index} x_i`` is 0 or at least ``minimum`` (a channel's
    ``min_active_spend``): an either-or choice solved by branch and bound."""

    name: str
    index: IntArray
    minimum: float


@dataclass(frozen=True)
class Problem:
    """Maximise ``sum objective_i * C_i(x_i) - spend_cost * sum x`` under the budget.

    ``spend_cost`` is 1 for profit and 0 for revenue-like objectives. Spending less than
    ``budget`` is always allowed. With ``minimize_spend`` the objective is ignored and the
    answer is the least total spend meeting every ratio and floor (``budget`` then caps it).
    ``ratios`` are reported, when infeasible, in the order given (roi_min, cac_max,
    ltv_cac_min), then the floors. ``aov_curves`` is the second profile (module doc);
    None when revenue is a fixed multiple of conversions.
    """

    curves: CurveSet
    lower: FloatArray
    upper: FloatArray
    objective: FloatArray
    budget: float
    spend_cost: float = 0.0
    ratios: tuple[RatioConstraint, ...] = ()
    floors: tuple[FloorConstraint, ...] = ()
    groups: tuple[Group, ...] = ()
    minimize_spend: bool = False
    aov_curves: CurveSet | None = None
    on_off: tuple[OnOff, ...] = ()
    priced: tuple[PricedConstraint, ...] = ()

    @property
    def n(self) -> int:
        return self.curves.n

    @property
    def profiles(self) -> tuple[CurveSet, ...]:
        """The curves every weight row refers to: ``(C,)`` or ``(C, R)``."""
        return (self.curves,) if self.aov_curves is None else (self.curves, self.aov_curves)

    def with_profiles(self, profiles: tuple[CurveSet, ...]) -> Problem:
        """The same problem on other curves (envelopes, exact pieces), one set per profile."""
        aov = profiles[1] if len(profiles) > 1 else None
        return replace(self, curves=profiles[0], aov_curves=aov)

    def rows(self, weights: FloatArray) -> FloatArray:
        """``weights`` as ``(P, n)``: a 1-D weight applies to conversions (row 0) only."""
        w = np.asarray(weights, dtype=float)
        if w.ndim == 2:
            return w
        out = np.zeros((len(self.profiles), w.shape[-1]))
        out[0] = w
        return out

    def item_values(self, weights: FloatArray, x: FloatArray) -> FloatArray:
        """Each item's weighted value ``sum_p w_p,i P_i(x_i)``: shape ``(n,)``."""
        if self.aov_curves is None and np.ndim(weights) == 1:  # ``+ 0.0``: the sum's start
            return np.asarray(np.asarray(weights, dtype=float) * self.curves.value(x) + 0.0)
        w = self.rows(weights)
        return np.asarray(sum(w[k] * c.value(x) for k, c in enumerate(self.profiles)))

    def item_marginals(self, weights: FloatArray, x: FloatArray) -> FloatArray:
        """Each item's ``d/dx_i sum_p w_p,i P_i(x_i)`` (0 where a weight is 0): ``(n,)``."""
        if self.aov_curves is None and np.ndim(weights) == 1:  # ``+ 0.0``: the sum's start
            w1 = np.asarray(weights, dtype=float)
            with np.errstate(invalid="ignore"):
                return np.where(w1 != 0, w1 * self.curves.derivative(x), 0.0) + 0.0
        w = self.rows(weights)
        with np.errstate(invalid="ignore"):
            parts = [
                np.where(w[k] != 0, w[k] * c.derivative(x), 0.0)
                for k, c in enumerate(self.profiles)
            ]
        return np.asarray(sum(parts))

    def metric(self, weights: FloatArray, x: FloatArray) -> float:
        """``sum_i sum_p w_p,i P_i(x_i)``: a target's metric or the objective before spend."""
        return float(np.sum(self.item_values(weights, x)))

    def objective_value(self, x: FloatArray) -> float:
        """The objective at split ``x`` (total spend for ``minimize_spend``)."""
        if self.minimize_spend:
            return float(np.sum(x))
        return self.metric(self.objective, x) - self.spend_cost * float(np.sum(x))


@dataclass(frozen=True)
class Infeasibility:
    """Why no split meets the targets, in the contract's words.

    ``constraint`` is the first violated target ("budget" when the lower bounds or group
    minimums alone exceed the budget); ``best_value`` the best any positive spend within
    the bounds reaches (a ratio for ratio targets, a volume for floors); ``best_spend``
    the total spend where it is reached; ``at_zero`` says the best is only approached as
    spend falls to 0 (then ``best_value`` is that limit).
    """

    constraint: str
    required: float
    best_value: float
    best_spend: float
    at_zero: bool = False


@dataclass(frozen=True)
class Allocation:
    """A solver's answer.

    ``marginal`` is d objective / d x_i at ``x`` (``objective_i * C_i'(x_i) - spend_cost``);
    ``active`` names what holds each item: ``min_spend``, ``max_spend``, ``budget``, a
    target's name, ``group:<name>``, ``unit`` (lumpy) or ``optimum`` (nothing binds).
    ``multipliers`` are the dual prices (``budget``, each target, ``group:<name>``).
    ``upper_bound`` is a proven bound on the objective where the optimum itself is not
    proven (S-curves); None where ``objective`` is the proven optimum.
    """

    x: FloatArray
    objective: float
    status: str
    multipliers: dict[str, float] = field(default_factory=dict)
    marginal: FloatArray = field(default_factory=lambda: np.zeros(0))
    active: tuple[str, ...] = ()
    infeasibility: Infeasibility | None = None
    upper_bound: float | None = None

    @property
    def spend(self) -> float:
        return float(np.sum(self.x))
