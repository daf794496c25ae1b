"""Line items in cost space: the budget, ROI/CAC targets and profit read cost, not spend.

An item's cost is ``K(x) = f x + c C(x)``: ``f`` the fee factor ``1 + service_fee -
rebate``, ``c`` what each of its own conversions costs besides media (commission on its
revenue, stage costs, and the commission its halo conversions earn the receivers).
``K`` is increasing, so the item can be written in its cost ``y = K(x)``:
``C~(y) = C(K^-1(y))``, whose slope ``1 / (f / C'(x) + c)`` falls as ``x`` grows whenever
``C`` is concave. With every budget, target and profit term linear in ``y``, the same
exact allocator and certificate apply unchanged; the answer maps back to spend by
``K^-1``. With only fees ``K`` is linear (``C~`` is ``C`` scaled), so groups, daily caps and
whole units (of ``f * unit_cost``) map exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from simulator.model.curve_set import CurveSet
from simulator.model.curves import Curve, FloatArray, IntArray
from simulator.optimize.problem import Group, Problem

_NEWTON_STEPS = 80


@dataclass(frozen=True)
class CostCurve(Curve):
    """``C(K^-1(y))`` with ``K(x) = fee * x + per_conversion * C(x)``, per item."""

    inner: CurveSet
    fee: FloatArray  # (n,) > 0
    per_conversion: FloatArray  # (n,) >= 0

    @property
    def size(self) -> int:
        return self.inner.n

    def cost(self, x: FloatArray) -> FloatArray:
        """``K(x)``: what spending ``x`` costs."""
        return np.asarray(self.fee * x + self.per_conversion * self.inner.value(x))

    def spend(self, y: FloatArray) -> FloatArray:
        """``K^-1(y)``: safeguarded Newton on the increasing ``K`` inside ``[0, y / fee]``.

        ``K(x) >= fee * x`` brackets the root; a Newton step that leaves the bracket is
        replaced by its midpoint, so the iteration cannot diverge on S-shaped curves.
        """
        y = np.asarray(y, dtype=float)
        shape = np.broadcast_shapes(y.shape, (self.size,))
        y = np.broadcast_to(y, shape)
        lo, hi = np.zeros(shape), np.where(np.isfinite(y), y / self.fee, np.inf)
        if not np.any(self.per_conversion):
            return np.asarray(hi)
        x = hi.copy()
        for _ in range(_NEWTON_STEPS):
            k = self.cost(x) - y
            lo, hi = np.where(k < 0, x, lo), np.where(k > 0, x, hi)
            slope = self.fee + self.per_conversion * self.inner.derivative(x)
            with np.errstate(invalid="ignore", divide="ignore"):
                step = x - k / slope
            inside = np.isfinite(step) & (step > lo) & (step < hi)
            new = np.where(inside, step, 0.5 * (lo + hi))
            new = np.where(np.isfinite(y), new, np.inf)
            done = np.abs(new - x) <= 1e-15 * np.maximum(np.abs(x), 1e-300)
            x = new
            if np.all(done | ~np.isfinite(x)):
                break
        return np.asarray(x)

    def value(self, s: FloatArray) -> FloatArray:
        return self.inner.value(self.spend(s))

    def derivative(self, s: FloatArray) -> FloatArray:
        g = self.inner.derivative(self.spend(s))
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            out = g / (self.fee + self.per_conversion * g)
            # an infinite first marginal (a hill at 0) costs 1 / c per conversion at most
            return np.asarray(np.where(np.isinf(g), 1.0 / self.per_conversion, out))

    def inverse_derivative(self, g: FloatArray) -> FloatArray:
        """Cost where the slope is ``g``: ``C'(x) = f g / (1 - c g)``; 0 where ``c g >= 1``."""
        g = np.asarray(g, dtype=float)
        room = 1.0 - self.per_conversion * g
        with np.errstate(invalid="ignore", divide="ignore"):
            inner_g = np.where(room > 0, self.fee * g / np.where(room > 0, room, 1.0), np.inf)
            x = self.inner.inverse_derivative(inner_g)
        return np.where(room > 0, self.cost(np.where(room > 0, x, 0.0)), 0.0)

    def right_inverse_derivative(self, g: FloatArray, floor: FloatArray) -> FloatArray:
        """The S-curve's right branch in cost: the inner curve's at ``C'(x) = f g / (1 - c g)``.

        Mapped through ``K`` once, instead of the generic root search on ``derivative``
        (each of whose calls would invert ``K`` by Newton: nested loops, minutes per plan).
        """
        g = np.broadcast_to(np.asarray(g, dtype=float), (self.size,))
        floor = np.broadcast_to(np.asarray(floor, dtype=float), (self.size,))
        room = 1.0 - self.per_conversion * g
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            inner_g = np.where(room > 0, self.fee * g / np.where(room > 0, room, 1.0), np.inf)
        x_floor = self.spend(floor)
        x = np.empty(self.size)
        for curve, idx in self.inner:
            x[idx] = curve.right_inverse_derivative(inner_g[idx], x_floor[idx])
        # no spend has a marginal cost-return of g or more where c g >= 1: the floor
        return np.asarray(np.where(room > 0, np.maximum(self.cost(x), floor), floor))

    def inverse_slope(self, s: FloatArray, g: FloatArray) -> FloatArray:
        """``dy / dlog g = K'(x) * (dx / dlog h) / (1 - c g)`` with ``h = C'(x)``."""
        x = self.spend(s)
        h = self.inner.derivative(x)
        room = np.maximum(1.0 - self.per_conversion * g, 1e-300)
        inner = self.inner.inverse_slope(x, h)
        return np.asarray((self.fee + self.per_conversion * h) * inner / room)

    def scaled(self, out: FloatArray, inp: FloatArray) -> CostCurve:
        """``out * C~(inp * y)``: the inner curve times ``out``, costs over ``inp``."""
        return CostCurve(
            self.inner.scaled(out, np.ones_like(out)),
            self.fee / inp,
            self.per_conversion / (inp * out),
        )

    @property
    def concave(self) -> npt.NDArray[np.bool_]:
        return self.inner.concave

    def take(self, index: IntArray) -> CostCurve:
        index = np.asarray(index, dtype=np.intp)
        return CostCurve(self.inner.take(index), self.fee[index], self.per_conversion[index])


@dataclass(frozen=True)
class CostMap:
    """Spend <-> cost of every item of a problem (see the module docstring)."""

    fee: FloatArray
    per_conversion: FloatArray
    curves: CurveSet  # the items' own conversions in spend

    @property
    def linear(self) -> bool:
        return not np.any(self.per_conversion)

    def _curve(self) -> CostCurve:
        return CostCurve(self.curves, self.fee, self.per_conversion)

    def to_cost(self, x: FloatArray) -> FloatArray:
        return self._curve().cost(np.asarray(x, dtype=float))

    def to_spend(self, y: FloatArray) -> FloatArray:
        return self._curve().spend(np.asarray(y, dtype=float))

    def wrap(self, curves: CurveSet) -> CurveSet:
        """A profile of the items (conversions, aov-weighted conversions) in cost."""
        if self.linear:
            return curves.scaled(np.ones_like(self.fee), 1.0 / self.fee)
        return CurveSet(
            ((CostCurve(curves, self.fee, self.per_conversion), np.arange(curves.n)),), curves.n
        )


def in_cost_space(problem: Problem, cmap: CostMap) -> Problem:
    """The same problem with every item's variable its cost; bounds through ``K``.

    A group's spend limit is exact in cost when its items' costs are linear (fees only);
    otherwise a limit that the cost budget already implies (``hi * fee >= budget``) is
    dropped, and any other is read at the fee alone, which the certificate then checks.
    """
    profiles = tuple(cmap.wrap(p) for p in problem.profiles)
    lower = cmap.to_cost(problem.lower)
    upper = np.where(np.isfinite(problem.upper), cmap.to_cost(problem.upper), np.inf)
    groups = []
    for g in problem.groups:
        fee = float(np.max(cmap.fee[g.index]))
        hi = g.hi * fee
        if not cmap.linear and np.any(cmap.per_conversion[g.index]) and hi >= problem.budget:
            hi = float("inf")
        groups.append(Group(g.name, g.index, g.lo * float(np.min(cmap.fee[g.index])), hi))
    return replace(
        problem.with_profiles(profiles),
        lower=np.asarray(lower),
        upper=np.asarray(upper),
        groups=tuple(groups),
    )
