"""One curve per item from its profile curves and coefficients: ``sum_p coef_p,i P_i(s)``.

Where revenue is not a fixed multiple of conversions (``aov_multiplier`` events) an item's
coefficient at fixed multipliers is a 2-vector over its profiles (conversions and
aov-weighted conversions, :mod:`simulator.optimize.problem`). Both profiles are concave, so
their nonnegative mix is too, and the allocator's response ``x = (mix)'^-1(price)`` is
well defined; the generic bracketed inverse of :class:`Curve` solves it per item.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import numpy.typing as npt

from simulator.model.curve_set import CurveSet
from simulator.model.curves import Curve, FloatArray, IntArray


@dataclass(frozen=True)
class Blend(Curve):
    """``sum_p share[p, i] * profiles[p]_i(s)``; not a registered family (optimiser only).

    ``share`` is ``(P, n)``, nonnegative; the allocator normalises it to sum to 1 per item
    and carries the total as the item's scalar coefficient.
    """

    profiles: tuple[CurveSet, ...]
    share: FloatArray
    warm_start: ClassVar[bool] = True  # the allocator's last spends bracket the answer

    def inverse_derivative(self, g: FloatArray, start: FloatArray | None = None) -> FloatArray:
        """Spend where the mix's marginal is ``g``: the generic bracketed inverse, on a
        bracket grown from ``start`` (successive prices are close, so a few steps find it;
        a wrong or missing guess only costs steps, never accuracy)."""
        g = np.broadcast_to(np.asarray(g, dtype=float), (self.size,))
        if start is None:
            return super().inverse_derivative(g)
        s0 = np.asarray(start, dtype=float)
        ok = np.isfinite(s0) & (s0 > 0)
        u0 = np.log(np.where(ok, s0, 1.0))
        lo = np.where(ok, np.maximum(u0 - 1e-3, -40.0), -40.0)
        hi = np.where(ok, np.minimum(u0 + 1e-3, 40.0), 40.0)
        never = self.derivative(np.zeros(self.size)) <= g  # answered 0: nothing to bracket
        lo, hi = np.where(never, -40.0, lo), np.where(never, -40.0, hi)
        step = 4e-3
        for _ in range(16):  # widen each side that does not straddle the root yet
            h = self._log_h(np.stack([lo, hi]), g)
            low = (h[0] <= 0) & (lo > -40.0)  # the root is left of lo
            high = (h[1] >= 0) & (hi < 40.0) & ~low  # right of hi
            if not (low.any() or high.any()):
                break
            hi, lo = np.where(low, lo, hi), np.where(low, np.maximum(lo - step, -40.0), lo)
            lo, hi = np.where(high, hi, lo), np.where(high, np.minimum(hi + step, 40.0), hi)
            step *= 4.0
        return self._log_marginal_root(g, lo, hi, bisections=0)

    @property
    def size(self) -> int:
        return int(self.share.shape[1])

    def _mix(self, method: str, s: FloatArray) -> FloatArray:
        out = np.zeros(np.broadcast_shapes(np.shape(s), (self.size,)))
        for k, c in enumerate(self.profiles):
            w = self.share[k]
            if np.any(w != 0):
                with np.errstate(invalid="ignore"):
                    out = out + np.where(w != 0, w * getattr(c, method)(s), 0.0)
        return out

    def value(self, s: FloatArray) -> FloatArray:
        return self._mix("value", s)

    def derivative(self, s: FloatArray) -> FloatArray:
        return self._mix("derivative", s)

    def take(self, index: IntArray) -> Blend:
        index = np.asarray(index, dtype=np.intp)
        return Blend(tuple(c.take(index) for c in self.profiles), self.share[:, index])

    def scaled(self, out: FloatArray, inp: FloatArray) -> Curve:
        raise NotImplementedError("blends are built after scaling")

    @property
    def concave(self) -> npt.NDArray[np.bool_]:
        ok = np.ones(self.size, dtype=bool)
        for c in self.profiles:
            ok &= c.concave
        return ok


def blend(profiles: tuple[CurveSet, ...], coef: FloatArray) -> tuple[CurveSet, FloatArray]:
    """The items' mixed curves and scalar coefficients for ``coef`` (``(n,)`` or ``(P, n)``).

    A 1-D ``coef`` (one profile) returns the curves untouched: the fast path of every
    scenario whose order values do not vary by day.
    """
    if coef.ndim == 1:
        return profiles[0], coef
    if coef.shape[0] == 1:
        return profiles[0], coef[0]
    total = coef.sum(axis=0)
    safe = np.where(total > 0, total, 1.0)
    share = np.where(total > 0, coef / safe, 1.0 / coef.shape[0])
    n = coef.shape[1]
    return CurveSet(((Blend(profiles, share), np.arange(n, dtype=np.intp)),), n), total
