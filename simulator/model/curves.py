"""Response families: expected conversions over the horizon as a function of spend.

Each family is one small class registered under its YAML ``type:`` name. Parameters are
arrays with one entry per line item (an ad set, or an ad set on one day); ``value`` and
``derivative`` broadcast over any leading candidate axes, so ``s`` of shape
``(n_candidates, n_items)`` gives results of the same shape.

Every family is closed under scaling of input and output (``a * C(b * s)`` is again a
curve of the same family), which is how segments, events and days become line items of
the same kind without new maths.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from functools import cached_property
from typing import Any, ClassVar, Literal

import numpy as np
import numpy.typing as npt
from pydantic import Field

from simulator.model.family import CurveContext, ResponseSpec, register
from simulator.model.numbers import Count, Money, OpenShare, Shape, Steepness

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

_TINY = 1e-300


@dataclass(frozen=True)
class Curve:
    """Base of every response family.

    Contract for implementers: ``value(0) == 0``; ``value`` is non-decreasing;
    ``derivative`` is its exact first derivative (``inf`` allowed at 0); ``concave``
    says, per item, whether the curve is concave on ``[0, inf)``, which is what the exact
    allocator needs. ``scaled`` returns the same family for ``out * C(inp * s)``.
    A family the user can name passes ``kind=`` and ``spec=`` (its ``response:`` block),
    which registers it in :data:`~simulator.model.family.FAMILIES`; ``from_spec`` builds
    it, by default from the spec's fields of the same names.
    ``inverse_derivative`` has a generic, safe default; families override it with a
    closed form or a fast Newton step; an iterative one may accept ``start=`` (spends
    near the answer, any of which may be wrong) and then sets ``warm_start = True``.
    """

    kind: ClassVar[str] = ""
    registry: ClassVar[dict[str, type[Curve]]] = {}
    warm_start: ClassVar[bool] = False  # inverse_derivative takes ``start=`` (a guess)
    spec: ClassVar[type[ResponseSpec]] = ResponseSpec
    editable: ClassVar[tuple[str, ...]] = ()  # spec fields a planner tunes in the studio
    examples: ClassVar[tuple[dict[str, Any], ...]] = ()  # valid ``response:`` blocks

    def __init_subclass__(
        cls, kind: str = "", spec: type[ResponseSpec] | None = None, **kwargs: Any
    ) -> None:
        super().__init_subclass__(**kwargs)
        if not kind:
            return
        if kind in Curve.registry:
            raise TypeError(f"response family '{kind}' is registered twice")
        cls.kind = kind
        Curve.registry[kind] = cls
        if spec is not None:
            cls.spec = spec
            register(kind, cls)

    @classmethod
    def from_spec(cls, spec: Any, ctx: CurveContext) -> Curve:
        """The ad set's curve: the channel's curve on its ``share`` of the reach, times
        the segment's click and conversion multipliers."""
        out = np.array([ctx.share * ctx.ctr_multiplier * ctx.cvr_multiplier])
        return cls.from_params(spec).scaled(out, np.array([1.0 / ctx.share]))

    @classmethod
    def from_params(cls, spec: Any) -> Curve:
        """The channel's own curve (one item); the spec's fields are the curve's, by name."""
        return cls(**{f.name: np.array([float(getattr(spec, f.name))]) for f in fields(cls)})

    # --- the contract -------------------------------------------------------------
    def value(self, s: FloatArray) -> FloatArray:
        raise NotImplementedError

    def derivative(self, s: FloatArray) -> FloatArray:
        raise NotImplementedError

    def scaled(self, out: FloatArray, inp: FloatArray) -> Curve:
        """The curve ``out * C(inp * s)``, per item (both arrays of shape ``(n,)``)."""
        raise NotImplementedError

    @property
    def concave(self) -> npt.NDArray[np.bool_]:
        return np.ones(self.size, dtype=bool)

    # --- optional hooks for S-curves (generic defaults) ---------------------------
    def inflection(self) -> FloatArray:
        """Spend past which each item is concave (0 for concave items); nan where the
        family does not know, and the S-curve code uses its tangent point instead."""
        return np.full(self.size, np.nan)

    def right_inverse_derivative(self, g: FloatArray, floor: FloatArray) -> FloatArray:
        """The larger spend where an S-curve's marginal is ``g`` (below the peak marginal).

        The default needs only ``derivative``: right of ``floor`` the curve is concave, so
        ``h(u) = log C'(e^u) - log g`` falls through one root in log spend. A bracket is
        grown by doubling steps, then shrunk by regula falsi with the Illinois fix (a
        twice-kept end's value is halved), bisecting where ``h`` is not finite (a marginal
        that underflows to 0). Some 10-20 derivative calls instead of 200 bisections: the
        optimiser calls this for every price it tries on a summed or other family without
        a closed form. Families override it with a closed form.
        """
        g = np.broadcast_to(np.asarray(g, dtype=float), (self.size,))
        log_g = np.log(np.maximum(g, 1e-300))

        def h(u: FloatArray) -> FloatArray:
            with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
                return np.asarray(np.log(self.derivative(np.exp(u))) - log_g, dtype=float)

        floor = np.broadcast_to(np.asarray(floor, dtype=float), (self.size,))
        lo = np.log(np.maximum(floor, 1e-300))
        top = np.maximum(lo, 0.0) + 700.0
        h_lo = h(lo)
        at_floor = ~(h_lo > 0)  # the marginal at the floor is already at most g
        hi, width = np.minimum(lo + 1.0, top), np.ones_like(lo)
        h_hi = h(hi)
        for _ in range(12):  # steps 1, 2, 4, ... reach any top within 700 of lo
            up = (h_hi > 0) & (hi < top)
            if not up.any():
                break
            lo, h_lo = np.where(up, hi, lo), np.where(up, h_hi, h_lo)
            width = np.where(up, 2.0 * width, width)
            hi = np.where(up, np.minimum(hi + width, top), hi)
            h_hi = np.where(up, h(hi), h_hi)
        # no root right of floor (marginal there already at most g) or none below top:
        # the answer is that end, with no steps spent on it
        lo = np.where(h_hi > 0, hi, lo)
        hi = np.where(h_lo > 0, hi, lo)
        kept = np.zeros(self.size, dtype=np.int8)  # -1: lo kept last time, +1: hi
        for _ in range(200):
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                frac = h_lo / (h_lo - h_hi)
            falsi = np.isfinite(frac) & (frac > 0.0) & (frac < 1.0)
            u = np.where(falsi, lo + frac * (hi - lo), 0.5 * (lo + hi))
            u = np.where((u > lo) & (u < hi), u, 0.5 * (lo + hi))  # a step stuck on an end
            open_ = (hi - lo > 4e-16 * np.maximum(np.abs(lo), 1.0)) & (u > lo) & (u < hi)
            if not open_.any():
                break
            h_u = h(u)
            right = (h_u <= 0) & open_  # the root is left of u: u becomes hi
            left = (h_u > 0) & open_
            # Illinois: an end kept twice in a row has its value halved
            h_lo = np.where(right & (kept == -1), 0.5 * h_lo, h_lo)
            h_hi = np.where(left & (kept == 1), 0.5 * h_hi, h_hi)
            hi, h_hi = np.where(right, u, hi), np.where(right, h_u, h_hi)
            lo, h_lo = np.where(left, u, lo), np.where(left, h_u, h_lo)
            kept = np.where(right, -1, np.where(left, 1, kept)).astype(np.int8)
            exact = (np.abs(h_u) <= 1e-15) & open_  # the marginal matched to rounding
            lo, hi = np.where(exact, u, lo), np.where(exact, u, hi)
        root = np.exp(0.5 * (lo + hi))
        return np.asarray(np.where(at_floor & (floor > 0), floor, root), dtype=float)

    # --- shared behaviour ---------------------------------------------------------
    @property
    def size(self) -> int:
        first = fields(self)[0].name
        return int(np.asarray(getattr(self, first)).shape[0])

    def take(self, index: IntArray) -> Curve:
        """The sub-curve of the items in ``index``."""
        return replace(
            self, **{f.name: np.asarray(getattr(self, f.name))[index] for f in fields(self)}
        )

    def saturation(self) -> FloatArray:
        """Conversions as spend grows without bound (``inf`` where unbounded)."""
        return np.asarray(self.value(np.full(self.size, 1e300)), dtype=float)

    def inverse_slope(self, s: FloatArray, g: FloatArray) -> FloatArray:
        """``d s / d log g`` along the inverse marginal at ``s``, where ``C'(s) = g``.

        That is ``C' / C''`` (negative where the curve bends down; 0 where it does not),
        which the allocator's Newton steps on prices use only to point a step. The default
        is a one-sided difference; families override it where a closed form is cheaper.
        """
        h = 1e-7 * s
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            c2 = (self.derivative(s + h) - g) / h
            return np.where((c2 < 0) & np.isfinite(c2), g / c2, 0.0)

    def inverse_derivative(self, g: FloatArray) -> FloatArray:
        """Spend at which the marginal response equals ``g`` (0 where it never does).

        Valid where the curve is concave (derivative non-increasing). The generic version
        works in log-spend on a bracket it never gives up, so it cannot fail: a few
        bisection steps, then Illinois steps (a secant that halves the stale end), which
        converge superlinearly on smooth curves. Families override it with a closed form
        or their own Newton step.
        """
        g = np.asarray(g, dtype=float)
        shape = np.broadcast_shapes(g.shape, (self.size,))
        lo, hi = np.full(shape, -40.0), np.full(shape, 40.0)
        return self._log_marginal_root(np.broadcast_to(g, shape), lo, hi, bisections=12)

    def _log_h(self, u: FloatArray, g: FloatArray) -> FloatArray:
        """``log C'(e^u) - log g``: decreasing in ``u`` where the curve is concave."""
        with np.errstate(divide="ignore"):
            return np.asarray(np.log(self.derivative(np.exp(u))) - np.log(g))

    def _log_marginal_root(
        self, g: FloatArray, lo: FloatArray, hi: FloatArray, bisections: int
    ) -> FloatArray:
        """The generic inverse on the log-spend bracket ``[lo, hi]``: ``bisections`` halvings,
        then Illinois steps; 0 where even the first yuan's marginal is at most ``g``.
        Callers with a good guess pass a tight bracket and no halvings."""
        shape = g.shape

        def h(u: FloatArray) -> FloatArray:
            return self._log_h(u, g)

        for _ in range(bisections):
            mid = 0.5 * (lo + hi)
            above = h(mid) > 0
            lo, hi = np.where(above, mid, lo), np.where(above, hi, mid)
        h_lo, h_hi = h(lo), h(hi)
        u, h_u = lo, h_lo
        last = np.zeros(shape, dtype=bool)  # the previous step also moved lo
        first = True
        for _ in range(60):
            with np.errstate(invalid="ignore", divide="ignore"):
                secant = hi - h_hi * (hi - lo) / (h_hi - h_lo)
            usable = np.isfinite(h_lo) & np.isfinite(h_hi) & (h_lo != h_hi)
            u = np.clip(np.where(usable, secant, 0.5 * (lo + hi)), lo, hi)
            h_u = h(u)
            left = h_u > 0  # the root lies right of u: u becomes the new lo
            # Illinois: halve the end that stays only when it stayed last time too (halving
            # it every step would make the secant converge only linearly)
            again = ~first & (left == last)
            h_hi = np.where(left, np.where(again, h_hi * 0.5, h_hi), h_u)
            h_lo = np.where(left, h_u, np.where(again, h_lo * 0.5, h_lo))
            lo, hi = np.where(left, u, lo), np.where(left, hi, u)
            last, first = left, False
            if np.all((hi - lo < 1e-13) | (np.abs(h_u) < 1e-14)):
                break
        s = np.exp(np.where(np.abs(h_u) < 1e-14, u, 0.5 * (lo + hi)))
        at_zero = self.derivative(np.zeros(shape)) <= g
        return np.where(at_zero, 0.0, s)


def _as(a: Any) -> FloatArray:
    return np.asarray(a, dtype=float)


class HillSpec(ResponseSpec):
    type: Literal["hill"]
    max_conversions: Count
    half_saturation: Money
    shape: Shape = 1.0


@dataclass(frozen=True)
class Hill(Curve, kind="hill", spec=HillSpec):
    """``max_conversions * s^shape / (s^shape + half_saturation^shape)``.

    Concave for ``shape <= 1``; S-shaped (a threshold below which money is wasted) above.
    """

    editable: ClassVar[tuple[str, ...]] = ("max_conversions", "half_saturation", "shape")
    examples: ClassVar[tuple[dict[str, Any], ...]] = (
        {"type": "hill", "max_conversions": 12000, "half_saturation": 4e5, "shape": 0.9},
        {"type": "hill", "max_conversions": 500, "half_saturation": 2e4},
        {"type": "hill", "max_conversions": 8000, "half_saturation": 3e5, "shape": 2.5},
    )

    max_conversions: FloatArray
    half_saturation: FloatArray
    shape: FloatArray

    def _ratio(self, s: FloatArray) -> FloatArray:
        with np.errstate(divide="ignore", over="ignore"):
            return np.power(np.maximum(_as(s), 0.0) / self.half_saturation, self.shape)

    def value(self, s: FloatArray) -> FloatArray:
        r = self._ratio(s)
        with np.errstate(invalid="ignore"):
            v = self.max_conversions * r / (1.0 + r)
        return np.where(np.isinf(r), self.max_conversions, v)  # broadcast, not ones_like

    def derivative(self, s: FloatArray) -> FloatArray:
        s = np.maximum(_as(s), 0.0)
        k, h, m = self.shape, self.half_saturation, self.max_conversions
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            u = np.log(s / h)
            # m*k/h * e^{(k-1)u} / (1 + e^{ku})^2, written to stay finite for huge u
            log_d = np.log(m * k / h) + (k - 1.0) * u - 2.0 * np.logaddexp(0.0, k * u)
            d = np.exp(log_d)
        at_zero = np.where(k < 1.0, np.inf, np.where(k == 1.0, m / h, 0.0))
        return np.where(s > 0.0, d, at_zero)  # at_zero broadcasts over s's shape

    def scaled(self, out: FloatArray, inp: FloatArray) -> Hill:
        return Hill(self.max_conversions * out, self.half_saturation / inp, self.shape * 1.0)

    @property
    def concave(self) -> npt.NDArray[np.bool_]:
        return np.asarray(self.shape <= 1.0)

    def inflection(self) -> FloatArray:
        k = np.maximum(self.shape, 1.0)
        return np.where(self.shape > 1, self.half_saturation * ((k - 1) / (k + 1)) ** (1 / k), 0.0)

    def right_inverse_derivative(self, g: FloatArray, floor: FloatArray) -> FloatArray:
        """Hill's own Newton starts right of both roots and falls to the larger one."""
        with np.errstate(all="ignore"):
            return self.inverse_derivative(g)

    warm_start: ClassVar[bool] = True

    def inverse_derivative(self, g: FloatArray, start: FloatArray | None = None) -> FloatArray:
        """Newton on ``f(u) = log C'(h e^u) - log g``, concave in ``u`` for every shape.

        Started right of the (larger) root, where ``f`` is decreasing, the Newton iterates
        decrease monotonically to the root, so a few vectorised steps reach machine
        precision without a bracket. The safe start is the smaller root of two upper bounds
        of ``f``. ``start`` (spends, e.g. the answers for a nearby ``g``: the allocator's
        previous call) is used where it is nearer and right of the peak of ``f``
        (``f' < 0``): from there, even left of the root, one Newton step lands right of it.
        Elsewhere the safe start is, so a start changes the steps, never the answer.
        """
        g = np.maximum(np.asarray(g, dtype=float), _TINY)
        c = self._newton
        h = self.half_saturation
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            a = c.log_peak - np.log(g)
            # f <= a + (k-1)u and f <= a - (k+1)u: their roots lie right of f's root
            u_safe = np.minimum(a / c.k_plus_1, np.where(c.bends, a / c.one_minus_k, np.inf))
            shape = u_safe.shape
            if shape == h.shape:  # the allocator's case: one g per item, nothing to broadcast
                warm = None if start is None else np.log(np.asarray(start, float) / h)
                u = _hill_newton(a, self.shape, u_safe, warm, c.tol)
            else:
                a_flat, k_flat, u_flat, tol = (
                    np.broadcast_to(v, shape).ravel() for v in (a, self.shape, u_safe, c.tol)
                )
                warm = None
                if start is not None:
                    warm = np.broadcast_to(np.log(np.asarray(start, float) / h), shape).ravel()
                u = _hill_newton(a_flat, k_flat, u_flat, warm, tol).reshape(shape)
            s = h * np.exp(u)
        if not c.any_flat:  # no shape >= 1: no marginal is finite at 0
            return s
        return np.where(c.flat & (g >= c.marginal_at_zero), 0.0, s)

    @cached_property
    def _newton(self) -> _HillConstants:
        """What :meth:`inverse_derivative` needs of the parameters, computed once per curve
        (the allocator calls it hundreds of times on the same items)."""
        k, h, m = self.shape, self.half_saturation, self.max_conversions
        with np.errstate(divide="ignore", invalid="ignore"):
            return _HillConstants(
                log_peak=np.log(m * k / h),
                k_plus_1=k + 1.0,
                k_minus_1=k - 1.0,
                two_k=2.0 * k,
                one_minus_k=1.0 - k,
                bends=k < 1.0,
                flat=k >= 1.0,
                any_flat=bool(np.any(k >= 1.0)),
                marginal_at_zero=m / h,
                tol=np.where(k <= 1.0, 1e-8, 0.0),
            )

    def inverse_slope(self, s: FloatArray, g: FloatArray) -> FloatArray:
        """``s / f'(u)`` at ``u = log(s / h)``: one log and one exp, no derivative."""
        c = self._newton
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            z = self.shape * np.log(np.maximum(_as(s), 0.0) / self.half_saturation)
            e = np.exp(-np.abs(z))
            df = c.k_minus_1 - c.two_k * np.where(z >= 0.0, 1.0, e) / (1.0 + e)
            return np.where(df < 0.0, s / df, 0.0)


@dataclass(frozen=True)
class _HillConstants:
    """Per-item constants of Hill's Newton (shapes ``(n,)``): ``log(m k / h)``, the two
    bounds' slopes, ``k - 1`` and ``2 k`` (for ``f'``), which items bend (``k < 1``) or
    are flat at 0 (``k >= 1``, marginal ``m / h`` there) and each item's step tolerance
    (see :func:`_hill_newton`)."""

    log_peak: FloatArray
    k_plus_1: FloatArray
    k_minus_1: FloatArray
    two_k: FloatArray
    one_minus_k: FloatArray
    bends: npt.NDArray[np.bool_]
    flat: npt.NDArray[np.bool_]
    any_flat: bool
    marginal_at_zero: FloatArray
    tol: FloatArray


def _hill_f(a: FloatArray, k: FloatArray, u: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``f(u) = a + (k-1)u - 2 log(1 + e^{ku})`` and ``f'(u)``, with one exp and one log1p.

    The caller holds ``np.errstate`` (over and invalid: huge ``|u|``).
    """
    z = k * u
    e = np.exp(-np.abs(z))
    km1 = k - 1.0
    f = a + km1 * u - 2.0 * (np.maximum(z, 0.0) + np.log1p(e))
    sig = np.where(z >= 0.0, 1.0, e) / (1.0 + e)
    return f, km1 - 2.0 * k * sig


def _hill_newton(
    a: FloatArray, k: FloatArray, u_safe: FloatArray, warm: FloatArray | None, tol: FloatArray
) -> FloatArray:
    """Newton from ``u_safe``, or from ``warm`` where that is nearer, items 1-D.

    A warm start left of the root is fine where ``f' < 0``: ``f`` is concave, so the first
    step lands right of the root (pulled back to ``u_safe`` if it passes it). An item
    leaves the loop once its step is below ``1e-15 (1 + |u|)``, or, for concave items
    (``k <= 1``), below ``tol = 1e-8``: right of the root ``|f''| / (2 |f'|) <= k / 2``, so
    the error after that step is below ``1e-16`` (a needless confirming step saved).
    Converged items are dropped, so late steps cost only the slow items. The caller holds
    ``np.errstate`` (a vanishing ``g`` overflows ``f / f'``: such an item never converges
    and leaves as nan).
    """
    u = u_safe if warm is None else np.where(warm < u_safe, warm, u_safe)
    f, df = _hill_f(a, k, u)
    if warm is not None:
        # f' < 0: right of the peak, where f falls to the (larger) root; from its left one
        # Newton step lands right of it (f is concave). Elsewhere: the safe start.
        bad = ~((df < 0.0) & np.isfinite(f))
        if bad.any():
            u[bad] = u_safe[bad]
            f[bad], df[bad] = _hill_f(a[bad], k[bad], u[bad])
    out = u
    idx: IntArray | None = None  # the items still in play (None: all of them)
    first = warm is not None
    for _ in range(60):
        step = f / df
        u = u - step
        err = np.abs(step)
        go = (err >= tol) & (err >= 1e-15 * (1.0 + np.abs(u)))  # nan: never converges; out
        if first:  # a step from a warm start left of the root may overshoot the safe start
            past = u > u_safe
            u, go, first = np.where(past, u_safe, u), go | past, False
        if idx is None:
            out = u  # a fresh array each step: nothing else holds it
        else:
            out[idx] = u
        if not go.all():
            keep = go.nonzero()[0]
            idx = keep if idx is None else idx[keep]
            a, k, u, tol = a[keep], k[keep], u[keep], tol[keep]
            if not idx.size:
                break
        f, df = _hill_f(a, k, u)
    return out


class ExponentialSpec(ResponseSpec):
    type: Literal["exponential"]
    max_conversions: Count
    scale: Money


@dataclass(frozen=True)
class Exponential(Curve, kind="exponential", spec=ExponentialSpec):
    """``max_conversions * (1 - exp(-s / scale))``: concave everywhere."""

    editable: ClassVar[tuple[str, ...]] = ("max_conversions", "scale")
    examples: ClassVar[tuple[dict[str, Any], ...]] = (
        {"type": "exponential", "max_conversions": 9000, "scale": 2.5e5},
    )

    max_conversions: FloatArray
    scale: FloatArray

    def value(self, s: FloatArray) -> FloatArray:
        return self.max_conversions * -np.expm1(-np.maximum(_as(s), 0.0) / self.scale)

    def derivative(self, s: FloatArray) -> FloatArray:
        return self.max_conversions / self.scale * np.exp(-np.maximum(_as(s), 0.0) / self.scale)

    def scaled(self, out: FloatArray, inp: FloatArray) -> Exponential:
        return Exponential(self.max_conversions * out, self.scale / inp)

    def inverse_derivative(self, g: FloatArray) -> FloatArray:
        g = np.maximum(np.asarray(g, dtype=float), _TINY)
        return np.maximum(self.scale * np.log(self.max_conversions / (self.scale * g)), 0.0)

    def inverse_slope(self, s: FloatArray, g: FloatArray) -> FloatArray:
        """``C' / C'' = -scale`` everywhere."""
        if np.shape(s) == self.scale.shape:  # the allocator's case: nothing to broadcast
            return -self.scale
        return np.broadcast_to(-self.scale, np.broadcast_shapes(np.shape(s), self.scale.shape))


class LogisticSpec(ResponseSpec):
    type: Literal["logistic"]
    max_conversions: Count
    midpoint: Money
    steepness: Steepness = 4.0


@dataclass(frozen=True)
class Logistic(Curve, kind="logistic", spec=LogisticSpec):
    """An S-curve through the origin: a logistic in spend, shifted so ``value(0) = 0``.

    ``midpoint`` is the spend at the inflection, ``steepness`` is dimensionless (the
    logistic's slope times ``midpoint``): larger means a sharper threshold.
    """

    editable: ClassVar[tuple[str, ...]] = ("max_conversions", "midpoint", "steepness")
    examples: ClassVar[tuple[dict[str, Any], ...]] = (
        {"type": "logistic", "max_conversions": 6000, "midpoint": 2e5, "steepness": 6},
        {"type": "logistic", "max_conversions": 300, "midpoint": 1e4},
    )

    max_conversions: FloatArray
    midpoint: FloatArray
    steepness: FloatArray

    def _sigma(self, s: FloatArray) -> FloatArray:
        z = self.steepness * (np.maximum(_as(s), 0.0) / self.midpoint - 1.0)
        return 0.5 * (1.0 + np.tanh(0.5 * z))

    def _norm(self) -> tuple[FloatArray, FloatArray]:
        s0 = 0.5 * (1.0 + np.tanh(-0.5 * self.steepness))
        return s0, self.max_conversions / (1.0 - s0)

    def value(self, s: FloatArray) -> FloatArray:
        s0, amp = self._norm()
        return amp * (self._sigma(s) - s0)

    def derivative(self, s: FloatArray) -> FloatArray:
        _, amp = self._norm()
        sig = self._sigma(s)
        return amp * sig * (1.0 - sig) * self.steepness / self.midpoint

    def scaled(self, out: FloatArray, inp: FloatArray) -> Logistic:
        return Logistic(self.max_conversions * out, self.midpoint / inp, self.steepness * 1.0)

    @property
    def concave(self) -> npt.NDArray[np.bool_]:
        return np.zeros(self.size, dtype=bool)

    def inflection(self) -> FloatArray:
        return self.midpoint

    def right_inverse_derivative(self, g: FloatArray, floor: FloatArray) -> FloatArray:
        """Closed form: the larger root of ``sigma (1 - sigma) = q``."""
        _, amp = self._norm()
        q = np.clip(g * self.midpoint / (amp * self.steepness), 0.0, 0.25)
        sig = 0.5 * (1.0 + np.sqrt(1.0 - 4.0 * q))
        with np.errstate(divide="ignore"):
            z = np.log(sig) - np.log1p(-sig)
        return np.maximum(self.midpoint * (1.0 + z / self.steepness), 0.0)


class LinearSpec(ResponseSpec):
    type: Literal["linear"]
    cost_per_conversion: Money
    max_conversions: Count | None = None


@dataclass(frozen=True)
class Linear(Curve, kind="linear", spec=LinearSpec):
    """``min(rate * s, cap)``: a constant cost per conversion up to an optional cap."""

    editable: ClassVar[tuple[str, ...]] = ("cost_per_conversion", "max_conversions")
    examples: ClassVar[tuple[dict[str, Any], ...]] = (
        {"type": "linear", "cost_per_conversion": 80},
        {"type": "linear", "cost_per_conversion": 50, "max_conversions": 1200},
    )

    rate: FloatArray
    cap: FloatArray

    @classmethod
    def from_params(cls, spec: Any) -> Linear:
        one = np.ones(1)
        cap = np.inf if spec.max_conversions is None else spec.max_conversions
        return Linear(one / spec.cost_per_conversion, cap * one)

    def value(self, s: FloatArray) -> FloatArray:
        return np.minimum(self.rate * np.maximum(_as(s), 0.0), self.cap)

    def derivative(self, s: FloatArray) -> FloatArray:
        s = np.maximum(_as(s), 0.0)
        return np.where(self.rate * s < self.cap, self.rate * np.ones_like(s), 0.0)

    def scaled(self, out: FloatArray, inp: FloatArray) -> Linear:
        return Linear(self.rate * out * inp, self.cap * out)

    def inverse_derivative(self, g: FloatArray) -> FloatArray:
        g = np.asarray(g, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            knee = np.where(np.isinf(self.cap), np.inf, self.cap / self.rate)
        return np.where(g < self.rate, knee, 0.0)


class PowerSpec(ResponseSpec):
    type: Literal["power"] = Field(description="Response family: a power curve k * spend^exponent.")
    reference_spend: Money = Field(description="A spend whose conversions you know (> 0).")
    reference_conversions: Count = Field(description="Conversions at reference_spend (> 0).")
    exponent: OpenShare = Field(  # (0, 1]: an elasticity; above 1 returns would grow
        description="Elasticity in (0, 1]: 1% more spend buys exponent% more conversions."
    )
    max_conversions: Count | None = Field(
        None, description="Optional cap on conversions, however much is spent."
    )


@dataclass(frozen=True)
class Power(Curve, kind="power", spec=PowerSpec):
    """``min(k * s^exponent, cap)``, ``k`` set by one point (``reference_spend`` buys
    ``reference_conversions``): constant elasticity, the log-log fit of a media mix model.

    ``exponent <= 1`` keeps it concave (a cap too: a minimum of concave curves); below 1
    its first yuan's marginal is infinite, as a hill's of shape below 1.
    """

    editable: ClassVar[tuple[str, ...]] = (
        "reference_spend",
        "reference_conversions",
        "exponent",
        "max_conversions",
    )
    examples: ClassVar[tuple[dict[str, Any], ...]] = (
        {"type": "power", "reference_spend": 1e5, "reference_conversions": 800, "exponent": 0.6},
        {
            "type": "power",
            "reference_spend": 5e4,
            "reference_conversions": 300,
            "exponent": 0.8,
            "max_conversions": 900,
        },
    )

    coefficient: FloatArray
    exponent: FloatArray
    cap: FloatArray

    @classmethod
    def from_params(cls, spec: Any) -> Power:
        b = np.array([float(spec.exponent)])
        k = spec.reference_conversions / np.power(spec.reference_spend, b)
        cap = np.inf if spec.max_conversions is None else spec.max_conversions
        return Power(k, b, cap * np.ones(1))

    def value(self, s: FloatArray) -> FloatArray:
        return np.minimum(
            self.coefficient * np.power(np.maximum(_as(s), 0.0), self.exponent), self.cap
        )

    def derivative(self, s: FloatArray) -> FloatArray:
        s = np.maximum(_as(s), 0.0)
        b = self.exponent
        with np.errstate(divide="ignore", invalid="ignore"):
            d = self.coefficient * b * np.power(s, b - 1.0)
        return np.where(self.coefficient * np.power(s, b) < self.cap, d, 0.0)

    def scaled(self, out: FloatArray, inp: FloatArray) -> Power:
        k = self.coefficient * out * np.power(inp, self.exponent)
        return Power(k, self.exponent * 1.0, self.cap * out)

    def _knee(self) -> FloatArray:
        """Spend at which the cap is reached (``inf`` without one)."""
        with np.errstate(over="ignore"):
            return np.asarray(np.power(self.cap / self.coefficient, 1.0 / self.exponent))

    def inverse_derivative(self, g: FloatArray) -> FloatArray:
        """Closed form ``(g / (k b))^(1 / (b - 1))``, stopped at the cap's knee; a straight
        line (``b = 1``) spends to the knee while ``g`` is below its slope, else nothing."""
        g = np.asarray(g, dtype=float)
        k, b = self.coefficient, self.exponent
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            root = np.power(np.maximum(g, 0.0) / (k * b), 1.0 / np.minimum(b - 1.0, -1e-300))
        line = np.where(g < k, np.inf, 0.0)
        return np.minimum(np.where(b < 1.0, root, line), self._knee())

    def inverse_slope(self, s: FloatArray, g: FloatArray) -> FloatArray:
        """``C' / C'' = s / (b - 1)`` below the knee; 0 on a straight line or past it."""
        s = _as(s)
        b = self.exponent
        bends = (b < 1.0) & (s < self._knee())
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(bends, s / (b - 1.0), 0.0)
