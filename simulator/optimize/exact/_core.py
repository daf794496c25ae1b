"""The exact allocator's inner problem: budget, bounds and groups at fixed target multipliers.

With the targets' multipliers fixed, item ``i`` maximises ``coef_i C_i(x) - price x``, so
it spends ``x_i = clip(C_i'^-1(price / coef_i), lower_i, upper_i)`` (:func:`respond`).
What is left is to find the prices: first each group's two thresholds (where its spend
hits ``hi`` and ``lo``, all groups at once), then the budget's price, which moves every
ungrouped item and every group between its thresholds. Each is a monotone root find
(:func:`simulator.optimize.exact._roots.solve_prices`). Where items have two profiles (order
values that vary by day) ``coef`` is ``(2, n)`` and ``C_i`` is the items' mix
(:func:`simulator.optimize.exact._blend.blend`).

Priced constraints (a channel's ratio over its items, a crossing family of groups) add a
per-item ``extra`` price on top of the budget's and the groups' (``price_i = exp(t) +
extra_i``; a priced minimum's ``extra`` is a negative subsidy): spend still falls as ``t``
rises, so every root find above stays monotone and bracketed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from simulator.model.curve_set import CurveSet
from simulator.model.curves import FloatArray
from simulator.optimize.exact._blend import blend
from simulator.optimize.exact._roots import T_MAX, T_MIN, PriceFn, solve_prices
from simulator.optimize.problem import Problem


def respond(
    curves: CurveSet,
    coef: FloatArray,
    price: FloatArray,
    lower: FloatArray,
    upper: FloatArray,
    start: FloatArray | None = None,
    slopes: bool = True,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Each item's best spend at ``price``, its slope d x / d log(price), and the unclipped
    spend where the marginal equals the price (``start`` for the next call).
    ``slopes=False`` returns zero slopes (a caller that needs only the spends saves them).

    The slope ``C'/C''`` (negative) drives the Newton steps; it only has to be good enough
    to point the step (families without a closed form difference it). ``start`` is a guess
    for the unclipped spends (the previous call's): it only saves inverse iterations.
    """
    if np.all(coef > 0) and np.all(price > 0):  # the usual case: every item in play
        return _respond_live(curves, coef, price, lower, upper, start, slopes)
    pos = coef > 0
    live = pos & (price > 0)
    g = np.where(live, price / np.where(pos, coef, 1.0), 1.0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        raw = curves.inverse_derivative(g, start)  # hill's Newton warns on items it masks
    x = np.where(pos, np.where(price > 0, np.clip(raw, lower, upper), upper), lower)
    x = np.where(~pos & (price < 0), upper, x)
    if not slopes:
        return x, np.zeros_like(x), raw
    inside = live & (raw > lower) & (raw < upper)
    slope = np.where(inside, curves.inverse_slope(np.where(inside, x, 1.0), g), 0.0)
    return x, slope, raw


def _respond_live(
    curves: CurveSet,
    coef: FloatArray,
    price: FloatArray,
    lower: FloatArray,
    upper: FloatArray,
    start: FloatArray | None,
    slopes: bool,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """:func:`respond` where every coefficient and price is positive: the same numbers
    without the masks (the allocator calls this hundreds of times per solve)."""
    g = price / coef
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        raw = curves.inverse_derivative(g, start)
    x = np.minimum(np.maximum(raw, lower), upper)  # np.clip's numbers, without its set-up
    if not slopes:
        return x, np.zeros_like(x), raw
    inside = (raw > lower) & (raw < upper)
    slope = np.where(inside, curves.inverse_slope(np.where(inside, x, 1.0), g), 0.0)
    return x, slope, raw


@dataclass(frozen=True)
class Solution:
    """One allocation with the multipliers that produced it."""

    x: FloatArray
    lam: float  # the budget's price above the base price
    eta: FloatArray  # (G,) group price minus budget price: > 0 where a max binds
    m: FloatArray  # (K,) target multipliers

    def blend(self, other: Solution, w: float) -> Solution:
        """``(1 - w) x + w x'`` with the multipliers of the nearer end."""
        near = other if w > 0.5 else self
        return replace(near, x=self.x + w * (other.x - self.x))


class Core:
    """Budget, bounds and groups, for given target multipliers (``coef`` and ``base``)."""

    def __init__(self, p: Problem) -> None:
        self.curves, self.lower, self.budget = p.curves, p.lower, p.budget
        self.profiles = p.profiles
        self.upper = np.minimum(p.upper, p.budget)  # no item can use more than the budget
        self.owner = np.full(p.n, -1, dtype=np.intp)
        for j, grp in enumerate(p.groups):
            self.owner[grp.index] = j
        self.grouped = self.owner >= 0
        self.own = np.maximum(self.owner, 0)
        self.glo = np.array([grp.lo for grp in p.groups], dtype=float)
        self.ghi = np.array([grp.hi for grp in p.groups], dtype=float)
        self.gmin = np.bincount(self.own[self.grouped], p.lower[self.grouped], len(p.groups))
        # successive calls ask for nearby prices: each starts from the last answers (the
        # items' spends for the inverse marginal, the budget's log price for its search)
        self._warm: FloatArray | None = None
        self._t_last: float | None = None
        self._extra: FloatArray | None = None  # per-item price of the priced constraints

    def _respond(
        self, coef: FloatArray, price: FloatArray, slopes: bool = True
    ) -> tuple[FloatArray, FloatArray]:
        """:func:`respond`, warm-started from (and remembering) the previous call."""
        curves, scalar = blend(self.profiles, coef)
        lo, up = self.lower, self.upper
        extra = self._extra
        if extra is None:
            x, slope, self._warm = respond(curves, scalar, price, lo, up, self._warm, slopes)
            return x, slope
        total = price + extra
        x, slope, self._warm = respond(curves, scalar, total, lo, up, self._warm, slopes)
        # respond's slope is per log of the whole price; the searches move log(exp(t)).
        # A subsidy (a priced minimum) can bring the whole price to 0 or below: the item
        # then sits at its upper bound, flat in t
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(total > 0, price / total, 0.0)
        return x, slope * share

    def solve(self, coef: FloatArray, base: float, extra: FloatArray | None = None) -> Solution:
        """Best spends for ``coef`` (``(n,)`` or ``(P, n)``) and base price ``base``: the
        budget's and groups' prices. ``extra`` ``(n,)``, nonnegative: each item's price
        from the priced constraints, on top of the budget's and its group's."""
        self._extra = extra if extra is not None and np.any(extra) else None
        t_base = float(np.log(base)) if base > 0 else T_MIN
        thi, tlo, xhi, xlo = self._limits(coef, t_base) if self.glo.size else (np.zeros(0),) * 4
        f = self._budget_fn(coef, thi, tlo, xhi, xlo)
        if base > 0:  # is the base price alone within budget? (spends only: no slopes)
            s0, _, x0 = self._budget_fn(coef, thi, tlo, xhi, xlo, False)(np.array([t_base]))
            if s0[0] <= self.budget:
                return Solution(x0, 0.0, self._eta(t_base, thi, tlo), np.zeros(0))
        guess = self._t_last if self._t_last is not None else self._guess(coef)
        t0 = np.array([max(guess, t_base)])
        n = self.curves.n
        tr, x = solve_prices(
            f,
            np.array([self.budget]),
            t0,
            np.array([t_base]),
            np.zeros(n, dtype=np.intp),
            n,
            (self.lower, self.upper),
        )
        t = max(float(tr[0]), t_base)  # -inf: saturated before the budget binds
        if np.isfinite(t):
            self._t_last = t
        if not np.isfinite(t):  # +inf: the lower bounds alone use the budget; no price
            return Solution(x, 0.0, self._eta(t_base, thi, tlo), np.zeros(0))
        lam = max(float(np.exp(t)) - base, 0.0) if t > t_base else 0.0
        return Solution(x, lam, self._eta(t, thi, tlo), np.zeros(0))

    def _group_fn(self, coef: FloatArray) -> PriceFn:
        """Each group's spend at its own log price ``t[g]``."""
        g = len(self.glo)

        def f(t: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
            price = np.exp(t[self.own])
            x, sl = self._respond(coef, price)
            s = np.bincount(self.own[self.grouped], x[self.grouped], g).astype(float)
            ds = np.bincount(self.own[self.grouped], sl[self.grouped], g).astype(float)
            return s, ds, x

        return f

    def _limits(self, coef: FloatArray, t_base: float) -> tuple[FloatArray, ...]:
        """Log prices where each group's spend hits hi / lo, and the spends there."""
        g, n = len(self.glo), self.curves.n
        f = self._group_fn(coef)
        hi_on = np.isfinite(self.ghi)
        target = np.where(hi_on, self.ghi, 1e300)
        thi, xhi = solve_prices(f, target, np.full(g, t_base), np.full(g, t_base), self.owner, n)
        lo_on = self.glo > self.gmin * (1 + 1e-12)
        target = np.where(lo_on, self.glo, -1e300)
        t0 = np.where(lo_on, t_base, T_MAX)
        tlo, xlo = solve_prices(f, target, t0, np.full(g, T_MIN), self.owner, n)
        xlo = self._fill_free(xlo, lo_on & (tlo == -np.inf))
        # below every price searched: such a group sits at its filled minimum throughout
        # (a priced item's extra price can hold it below its minimum even at price ~0)
        tlo = np.where(tlo == -np.inf, T_MIN - 1.0, tlo)
        return thi, tlo, xhi, xlo

    def _fill_free(self, x: FloatArray, short: npt.NDArray[np.bool_]) -> FloatArray:
        """Groups whose minimum needs spend past zero marginal value: fill toward upper."""
        if not short.any():
            return x
        g = len(self.glo)
        s = np.bincount(self.own[self.grouped], x[self.grouped], g)
        room = np.where(self.grouped, self.upper - x, 0.0)
        r = np.bincount(self.own[self.grouped], room[self.grouped], g)
        frac = np.where(short & (r > 0), (self.glo - s) / np.where(r > 0, r, 1.0), 0.0)
        return x + np.where(self.grouped, frac[self.own] * room, 0.0)

    @staticmethod
    def _eta(t: float, thi: FloatArray, tlo: FloatArray) -> FloatArray:
        """Each group's price above the budget's (< 0 where its minimum binds)."""
        if not thi.size:
            return np.zeros(0)
        with np.errstate(invalid="ignore", over="ignore"):
            eta = np.exp(np.clip(t, thi, tlo)) - np.exp(t)
        # inf - inf: the group's limit and the budget coincide; the budget carries the price
        return np.where(np.isnan(eta), 0.0, eta)

    def _guess(self, coef: FloatArray) -> float:
        """A starting log price: the median item's marginal return at an even split."""
        curves, scalar = blend(self.profiles, coef)
        p = scalar * curves.derivative(np.full(self.curves.n, self.budget / self.curves.n))
        if self._extra is not None:
            p = p - self._extra
        p = p[(p > 0) & np.isfinite(p)]
        return float(np.log(_median(p))) if p.size else 0.0

    def _budget_fn(
        self,
        coef: FloatArray,
        thi: FloatArray,
        tlo: FloatArray,
        xhi: FloatArray,
        xlo: FloatArray,
        slopes: bool = True,
    ) -> PriceFn:
        """Total spend at budget log price ``t[0]``; groups follow it between their limits."""
        grouped, own = self.grouped, self.own

        def f(t: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
            if thi.size:
                te = np.full(self.curves.n, t[0])
                price = np.exp(np.where(grouped, np.clip(te, thi[own], tlo[own]), te))
            else:  # one price for every item: one exp (the same number per element)
                price = np.full(self.curves.n, np.exp(t[0]))
            x, sl = self._respond(coef, price, slopes)
            if thi.size:
                fix_hi = grouped & (t[0] < thi[own])
                fix_lo = grouped & (t[0] > tlo[own])
                x = np.where(fix_hi, xhi, np.where(fix_lo, xlo, x))
                sl = np.where(fix_hi | fix_lo, 0.0, sl)
            return np.array([x.sum()]), np.array([sl.sum()]), x

        return f


def _median(v: FloatArray) -> np.float64:
    """``np.median`` of a finite 1-D array, the same number without its generic set-up
    (the mean of the two middle values, ``(a + b) / 2``, for an even count)."""
    h = v.size // 2
    if v.size % 2:
        return np.float64(np.partition(v, h)[h])
    part = np.partition(v, (h - 1, h))
    return np.float64((part[h - 1] + part[h]) / 2.0)
