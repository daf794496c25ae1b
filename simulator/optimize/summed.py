"""One ad set spent evenly over days whose curves differ: ``D(s) = sum_t C_t'(s)``.

A static plan over events or adstock gives each ad set the curve ``sum_t C_t(s)``
(:mod:`simulator.optimize.lineitems`). The allocator inverts its marginal hundreds of
times per solve, and the generic inverse of :class:`Curve` spends ~40 sums over every
day on each. This curve's own inverse needs a handful: the days' own inverses at
``g / H`` bracket the root (one vectorised call; each family has a closed form or a fast
Newton), and Newton in log spend on the summed marginal, whose slope the days' curves
give in closed form (``inverse_slope``), converges in 2-4 steps from the allocator's
last answer. A step that leaves the bracket is replaced by a bisection, so it never
fails. An ad set the calendar does not reach (every day the same curve) needs no steps:
its root is its first day's own inverse at ``g / H``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from functools import cached_property
from typing import ClassVar

import numpy as np
import numpy.typing as npt

from simulator.model.curve_set import CurveSet
from simulator.model.curves import Curve, FloatArray, IntArray

_U_MIN, _U_MAX = -40.0, 40.0  # the generic inverse's log-spend range, kept for equal answers
_STEP_TOL = 1e-8  # a Newton step this small leaves an error near 1e-16 (quadratic)
_WIDTH_TOL = 1e-13  # a bracket this narrow (in log spend) is the answer


@dataclass(frozen=True)
class SummedCurve(Curve):
    """``sum_t C_(t, i)(s)`` over ``days`` blocks of a tiled set: one even-spend ad set."""

    tiled: CurveSet
    days: int
    warm_start: ClassVar[bool] = True  # the allocator's last spends start the Newton steps

    @property
    def size(self) -> int:
        return self.tiled.n // self.days

    def _wide(self, s: FloatArray) -> FloatArray:
        """``s`` ``(..., size)`` repeated for every day: ``(..., days * size)``."""
        return np.asarray(s)[..., self._repeat]

    @cached_property
    def _repeat(self) -> IntArray:
        """Item ``i`` of every day block: gathers ``s`` onto the tiled axis (one fancy
        index; a concatenation of ``days`` copies costs ten times as much)."""
        return np.tile(np.arange(self.size, dtype=np.intp), self.days)

    def _sum(self, per_day: FloatArray) -> FloatArray:
        """Per (day, item) values ``(..., days * size)`` summed over days: ``(..., size)``."""
        return np.asarray(per_day.reshape(*per_day.shape[:-1], self.days, self.size).sum(axis=-2))

    def _fold(self, method: str, s: FloatArray) -> FloatArray:
        return self._sum(getattr(self.tiled, method)(self._wide(np.asarray(s, dtype=float))))

    def value(self, s: FloatArray) -> FloatArray:
        return self._fold("value", s)

    def derivative(self, s: FloatArray) -> FloatArray:
        return self._fold("derivative", s)

    def scaled(self, out: FloatArray, inp: FloatArray) -> SummedCurve:
        def tile(a: FloatArray) -> FloatArray:
            return np.tile(np.broadcast_to(a, (self.size,)), self.days)

        return SummedCurve(self.tiled.scaled(tile(out), tile(inp)), self.days)

    @property
    def concave(self) -> npt.NDArray[np.bool_]:
        return np.asarray(self.tiled.concave.reshape(self.days, self.size).all(axis=0))

    def take(self, index: IntArray) -> SummedCurve:
        index = np.asarray(index, dtype=np.intp)
        rows = (np.arange(self.days)[:, None] * self.size + index[None, :]).ravel()
        return SummedCurve(self.tiled.take(rows), self.days)

    @cached_property
    def _at_zero(self) -> FloatArray:
        """The first yuan's summed marginal ``(size,)`` (``inf`` where a day's is)."""
        return self.derivative(np.zeros(self.size))

    @cached_property
    def _all_concave(self) -> npt.NDArray[np.bool_]:
        return self.concave

    def inverse_derivative(self, g: FloatArray, start: FloatArray | None = None) -> FloatArray:
        """Spend where ``D(s) = g`` (0 where ``D(0) <= g``), for concave items.

        An ad set whose days are all alike (nothing of the calendar reaches it) has
        ``D = H C_1'``: its answer is its first day's own inverse at ``g / H``. The rest
        are solved together by :meth:`_inverse`; each item's answer is its own either way.
        """
        g = np.asarray(g, dtype=float)
        split = self._split
        if split is None or g.shape != (self.size,):
            return self._inverse(g, start)
        alike, varying, first, rest = split
        s0 = None if start is None else np.asarray(start, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            root = first.inverse_derivative(g[alike] / self.days, None if s0 is None else s0[alike])
        if np.isnan(root).any():  # a family that gave up (a vanishing g): the long way
            return self._inverse(g, start)
        out = np.empty(self.size)
        span = np.clip(root, np.exp(_U_MIN), np.exp(_U_MAX))  # the generic's range
        out[alike] = np.where(self._at_zero[alike] > g[alike], span, 0.0)
        if rest is not None:
            out[varying] = rest._inverse(g[varying], None if s0 is None else s0[varying])
        return out

    @cached_property
    def _split(self) -> tuple[IntArray, IntArray, CurveSet, SummedCurve | None] | None:
        """Concave items whose days are all alike (every parameter equal to the first
        day's) and the rest, with the first day's curves of the former and the sum of the
        latter; None when no item is alike."""
        n = self.size
        alike = self._all_concave.copy()
        for curve, idx in self.tiled.parts:
            item, first_day = idx % n, idx < n
            for f in fields(curve):
                a = np.asarray(getattr(curve, f.name))
                if a.shape != idx.shape:  # not one parameter per item: assume they differ
                    alike[item] = False
                    continue
                ref = np.full(n, np.nan)
                ref[item[first_day]] = a[first_day]
                alike[item[a != ref[item]]] = False
        if not alike.any():
            return None
        same, rest = np.nonzero(alike)[0], np.nonzero(~alike)[0]
        return same, rest, self.tiled.take(same), self.take(rest) if rest.size else None

    def _inverse(self, g: FloatArray, start: FloatArray | None) -> FloatArray:
        """:meth:`inverse_derivative` of every item by bracket and Newton steps.

        The root lies between the smallest and largest of the days' own roots of
        ``C_t'(s) = g / H`` (left of all of them every term is at least ``g / H``, right
        of all of them at most), or above 0 where some day never reaches ``g / H``.
        Newton steps on ``f(u) = log D(e^u) - log g`` start from ``start`` (the previous
        answers; any guess is safe) or the bracket's top; a step outside the bracket
        is a bisection. The answers match the generic inverse's to its own tolerance.
        """
        g = np.asarray(g, dtype=float)
        shape = np.broadcast_shapes(g.shape, (self.size,))
        g = np.broadcast_to(g, shape)
        warm = start is not None and shape == (self.size,)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            lo, hi, same = self._bracket(g, start if warm else None)
            # right of the root Newton falls to it without overshooting where log D is
            # concave in log spend (each family's is); the bracket's top is right of it
            u = np.where(hi < _U_MAX, hi, 0.5 * (lo + hi))
            if warm:
                u0 = np.log(np.asarray(start, dtype=float))  # nan, -inf: not inside
                u = np.where((u0 > lo) & (u0 < hi), u0, u)
            live = self._at_zero > g  # a nan price is not live: answered 0
            log_g = np.log(np.where(g > 0, g, 1e-300))
            u = _newton(self._f_and_slope, log_g, u, lo, hi, live & np.isnan(same))
        return np.where(live, np.where(np.isnan(same), np.exp(u), same), 0.0)

    def _bracket(
        self, g: FloatArray, start: FloatArray | None
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Log-spend bounds ``(..., size)`` of the root from the days' own inverses, and
        the root itself where every day has the same one (days that differ in no way
        that reaches this item: then it is the root of the sum; elsewhere nan). The
        caller holds ``np.errstate``: nan roots and log 0 are expected."""
        wide_start = self._wide(np.asarray(start, dtype=float)) if start is not None else None
        roots = _day_roots(self.tiled, self._wide(g / self.days), wide_start)
        by_day = roots.reshape(*roots.shape[:-1], self.days, self.size)
        low, high = by_day.min(axis=-2), by_day.max(axis=-2)
        lo = np.where(low > 0, np.log(low), _U_MIN)
        hi = np.log(high)
        ok = self._all_concave & np.isfinite(lo) & ~np.isnan(hi)
        # a margin of a few roundings: the days' roots are themselves numerical
        lo = np.where(ok, np.clip(lo - _WIDTH_TOL, _U_MIN, _U_MAX), _U_MIN)
        hi = np.where(ok, np.clip(hi + _WIDTH_TOL, _U_MIN, _U_MAX), _U_MAX)
        span = (low > np.exp(_U_MIN)) & (low < np.exp(_U_MAX))  # nan: not inside
        same = np.where((low == high) & span & ok, low, np.nan)
        return lo, np.maximum(hi, lo), same

    def _f_and_slope(self, u: FloatArray) -> tuple[FloatArray, FloatArray]:
        """``log D(e^u)`` and its slope in ``u``: ``s D''(s) / D(s)``, with each day's
        ``C_t'' = C_t' / inverse_slope_t`` (0 where a day's curve does not bend)."""
        s = np.exp(u)
        wide = self._wide(s)
        d = self.tiled.derivative(wide)
        ratio = self.tiled.inverse_slope(wide, d)
        c2 = np.where(ratio != 0.0, d / ratio, 0.0)
        total = self._sum(d)
        return np.log(total), s * self._sum(c2) / total


def _day_roots(tiled: CurveSet, g: FloatArray, start: FloatArray | None) -> FloatArray:
    """Each (day, item)'s own inverse marginal at ``g`` (``(..., n)``); nan for families
    with no concave item (an S-curve's inverse is no bound, and its generic search slow).
    ``start`` (``(n,)``) warm-starts the families that iterate."""
    out = np.full(g.shape, np.nan)
    for curve, idx in tiled.parts:
        if not curve.concave.any():
            continue
        if start is not None and curve.warm_start:
            inverse: Callable[..., FloatArray] = curve.inverse_derivative
            out[..., idx] = inverse(g[..., idx], start=start[idx])
        else:
            out[..., idx] = curve.inverse_derivative(g[..., idx])
    return out


def _newton(
    f_and_slope: Callable[[FloatArray], tuple[FloatArray, FloatArray]],
    log_g: FloatArray,
    u: FloatArray,
    lo: FloatArray,
    hi: FloatArray,
    live: npt.NDArray[np.bool_],
) -> FloatArray:
    """Safeguarded Newton on ``f(u) - log_g`` (decreasing) within ``[lo, hi]``.

    Each evaluation moves one end of the bracket; a Newton step that is not finite or
    leaves the bracket becomes its midpoint. An item is done once its step is below
    ``_STEP_TOL`` (taken: near the root the error falls as the step squared) or its
    bracket below ``_WIDTH_TOL`` (its middle); items not ``live`` are done from the
    start. Every item is evaluated each round (the sums over days cost about the same for
    one item as for all), so the loop ends when the slowest is done.
    """
    done = ~live
    for _ in range(200):  # bisections alone finish within ~60 rounds
        value, slope = f_and_slope(u)
        f = value - log_g
        lo = np.where(f > 0, u, lo)
        hi = np.where(f < 0, u, hi)
        step = f / slope
        small = np.abs(step) <= _STEP_TOL  # taken as it is: it may round onto an end
        new = u - step
        newton = small | ((new > lo) & (new < hi))  # nan and inf steps fail both tests
        new = np.where(newton, new, 0.5 * (lo + hi))
        stop = small | (f == 0) | (hi - lo <= _WIDTH_TOL)
        u = np.where(done, u, np.where(f == 0, u, new))
        done |= stop
        if done.all():
            break
    return u
