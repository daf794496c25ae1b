"""Bracketed one-dimensional root finders for the exact allocator's prices and multipliers.

Every price and multiplier of the allocator is the root of a monotone function of one
variable, so the finders here never need a derivative to be right, only to point:

- :func:`solve_prices` solves K independent problems ``S_k(t) = target_k`` at once, where
  ``S_k`` is a decreasing spend as a function of log price; it is safeguarded Newton
  (bisection takes over where Newton leaves the bracket or does not halve the residual);
- :func:`mult_root` finds where an increasing gap crosses 0 as a function of a multiplier,
  by expanding a bracket (secants first, then factors of 10) and shrinking it with
  Anderson-Bjorck (regula falsi that scales down the weight of a stale end) in log space.

Both end on a bracket whose two allocations straddle the constraint and return the convex
combination that meets it exactly: that is what fills ties of flat marginals (linear
curves, several items at one price) and keeps concave targets met.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

import numpy as np
import numpy.typing as npt

from simulator.model.curves import FloatArray, IntArray

T_MIN, T_MAX = -690.0, 690.0  # log-price limits: exp stays finite and positive
_RTOL = 1e-14  # a root with one end of its bracket open must hit its target this closely
_RTOL_BRACKETED = (
    1e-14  # the last residual, shared by secants, must be too small to tilt a marginal
)

BoolArray = npt.NDArray[np.bool_]
PriceFn = Callable[[FloatArray], tuple[FloatArray, FloatArray, FloatArray]]
"""``f(t)`` -> spends ``(K,)``, their slopes d spend / d t ``(K,)``, item spends ``(n,)``."""


@dataclass
class _Bracket:
    """Per-problem bracket ``ta < root < tb`` with ``S(ta) >= target >= S(tb)``.

    ``xa``/``xb`` are the item spends at the two ends (each item follows its owner's
    bracket); ``res`` is the last residual, so Newton is kept only while it halves it;
    ``expand`` grows the step while one side of the bracket is still open.
    """

    ta: FloatArray
    tb: FloatArray
    sa: FloatArray
    sb: FloatArray
    xa: FloatArray
    xb: FloatArray
    t_min: FloatArray
    t_max: FloatArray
    res: FloatArray
    expand: FloatArray
    mine: BoolArray  # (n,) items that belong to a problem
    own: IntArray  # (n,) each item's problem (0 for none: masked by ``mine``)

    @classmethod
    def open(cls, k: int, owner: IntArray, t_min: FloatArray) -> _Bracket:
        """No end known yet for any of the ``k`` problems."""
        inf = np.full(k, np.inf)
        n = owner.size
        t_lo = np.asarray(t_min, float)
        # fmt: skip below: the fields in their declared order, not one a line
        return cls(-inf, inf.copy(), inf.copy(), -inf, np.zeros(n), np.zeros(n), t_lo,
                   np.full(k, T_MAX), inf.copy(), np.ones(k), owner >= 0,
                   np.maximum(owner, 0))  # fmt: skip

    def update(self, t: FloatArray, s: FloatArray, x: FloatArray, above: BoolArray) -> None:
        """Move the end on ``t``'s side of each root to ``t`` (``above``: ``S(t) >= target``)."""
        item_above = above[self.own]
        self.ta, self.sa = np.where(above, t, self.ta), np.where(above, s, self.sa)
        self.xa = np.where(self.mine & item_above, x, self.xa)
        below = ~above
        self.tb, self.sb = np.where(below, t, self.tb), np.where(below, s, self.sb)
        self.xb = np.where(self.mine & ~item_above, x, self.xb)
        self.expand = self.expand * 2.0


def _next_t(
    t: FloatArray, s: FloatArray, ds: FloatArray, target: FloatArray, br: _Bracket
) -> FloatArray:
    """Newton in log-log space where it stays inside the bracket and halves the residual."""
    ta, tb = br.ta, br.tb
    has_a = np.isfinite(ta)
    step = np.where(has_a, 4.0, -4.0) * br.expand
    grow = np.where(has_a, ta, tb) + step
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        r = np.log(s / target)
        tn = t - r * s / ds
    finite = np.isfinite(tn)
    abs_r = np.abs(r)
    ok = finite & (tn > ta) & (tn < tb) & (abs_r < 0.5 * br.res)
    br.res = np.where(np.isfinite(r), abs_r, np.inf)
    mid = 0.5 * (ta + tb)
    both = has_a & np.isfinite(tb)
    # one side still open: take the Newton step toward it, capped by the growing step
    tn = np.where(finite, tn, grow)
    reach = np.where(has_a, np.minimum(tn, grow), np.maximum(tn, grow))
    reach = np.where(has_a, np.maximum(reach, ta + 1e-3), np.minimum(reach, tb - 1e-3))
    # np.clip's numbers, without its Python-level set-up (this runs every iteration)
    return np.minimum(np.maximum(np.where(both, np.where(ok, tn, mid), reach), br.t_min), br.t_max)


def solve_prices(
    f: PriceFn,
    target: FloatArray,
    t0: FloatArray,
    t_min: FloatArray,
    owner: IntArray,
    n: int,
    bounds: tuple[FloatArray, FloatArray] | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Solve ``S_k(t_k) = target_k`` for K decreasing spend functions of log price at once.

    ``f(t)`` returns spends (K,), their slopes (K,) and the items' spends (n,); item ``i``
    belongs to problem ``owner[i]`` (-1: none). Returns each root (``-inf`` where the
    spend is below target even at ``t_min``, ``+inf`` where it is above target at the
    top) and the items' spends interpolated so that each sum is exactly its target.
    ``bounds`` (the items' lower and upper spends) lets that last step move only items
    inside their bounds at both ends (see :func:`_interpolate`).
    """
    br = _Bracket.open(target.size, owner, t_min)
    t = np.clip(t0, br.t_min, br.t_max)
    for _ in range(300):
        s, ds, x = f(t)
        above = s >= target
        br.update(t, s, x, above)
        stuck = np.where(above, t >= br.t_max, t <= br.t_min)
        rtol = np.where(np.isfinite(br.ta) & np.isfinite(br.tb), _RTOL_BRACKETED, _RTOL)
        close = (np.abs(s - target) <= rtol * target) | (br.tb - br.ta <= 1e-13)
        if (close | stuck).all():
            break
        t = _next_t(t, s, ds, target, br)
    x, frac = _interpolate(br, target, owner, bounds)
    t = np.where(frac < 0.5, br.ta, br.tb)
    t = np.where(np.isfinite(t), t, np.where(np.isfinite(br.ta), br.ta, br.tb))
    # one end open: either stuck at a limit (no root) or a first guess that hit the target
    top = ~np.isfinite(br.tb) & (br.ta >= br.t_max)
    bottom = ~np.isfinite(br.ta) & (br.tb <= br.t_min)
    return np.where(top, np.inf, np.where(bottom, -np.inf, t)), x


def _interpolate(
    br: _Bracket,
    target: FloatArray,
    owner: IntArray,
    bounds: tuple[FloatArray, FloatArray] | None = None,
) -> tuple[FloatArray, FloatArray]:
    """The convex combination of the bracket ends whose sum is exactly ``target``.

    Blending every item would give an item that enters between the two prices (at its
    lower bound at one end) a sliver of spend its marginal does not earn. With ``bounds``
    the residual goes only to items inside their bounds at the nearer end, which share
    its price, whenever they can absorb it; otherwise every item is blended.
    """
    has_a, has_b = np.isfinite(br.sa), np.isfinite(br.sb)
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.minimum(np.maximum((br.sa - target) / (br.sa - br.sb), 0.0), 1.0)
    frac = np.where(has_a, np.where(has_b, frac, 0.0), 1.0)
    frac = np.where(np.isnan(frac), 0.0, frac)  # in [0, 1] or nan: nan_to_num's numbers
    own = br.own
    w = frac[own]
    with np.errstate(invalid="ignore"):
        x = br.xa + w * (br.xb - br.xa)
    x = np.where(w == 0.0, br.xa, np.where(w == 1.0, br.xb, x))
    if bounds is None:
        return x, frac
    lower, upper = bounds
    both = has_a & has_b & (frac > 0.0) & (frac < 1.0)
    # start from the end nearer the target and move only items strictly inside their
    # bounds there: they share that end's price. An item at a bound there (entering or
    # leaving between the ends) keeps its spend; one clipped only at the far end (e.g. by
    # the budget itself) still moves, in proportion to its own change across the bracket.
    from_b = (frac > 0.5)[own]
    base = np.where(from_b, br.xb, br.xa)
    with np.errstate(invalid="ignore"):
        inside = br.mine & (base > lower) & (base < upper)
        diff = np.where(inside, np.where(from_b, br.xa - br.xb, br.xb - br.xa), 0.0)
    k = target.size
    movable = np.bincount(own[inside], diff[inside], k) if np.any(inside) else np.zeros(k)
    residual = target - np.where(frac > 0.5, br.sb, br.sa)
    with np.errstate(divide="ignore", invalid="ignore"):
        w_in = residual / movable
    use = both & np.isfinite(w_in) & (w_in >= 0.0) & (w_in <= 1.0)
    if not np.any(use):
        return x, frac
    shifted = base + np.where(inside, w_in[own] * diff, 0.0)
    return np.where(use[own] & br.mine, shifted, x), frac


class Blendable(Protocol):
    """A solution that can be mixed with another: ``w = 0`` is self, ``w = 1`` is other."""

    def blend(self: _S, other: _S, w: float) -> _S: ...


_S = TypeVar("_S", bound=Blendable)
Gap = Callable[[float], tuple[float, _S | None]]
"""``h(mu)`` -> the target's slack at multiplier ``mu`` and the solution (None: none)."""


def mult_root(h: Gap[_S], mu0: float, v0: float) -> _S | None:
    """The multiplier where an increasing gap ``h`` crosses 0, given ``h(0) = v0 < 0``.

    Brackets from ``mu0``: the first few steps follow the secant through ``(0, v0)``
    (kept to factors of 2..10 up and 1.1..10 down: an answer is rarely an order of
    magnitude off), then factors of 10; shrinks the bracket in log space (:func:`_shrink`).
    None when no multiplier up to ``1e60 * mu0`` meets the target (then no split does,
    see diagnose).
    """
    lo: tuple[float, float, _S] | None = None
    hi: tuple[float, float, _S] | None = None
    t = float(np.log(mu0))
    for i in range(_SECANT_STEPS + 120):
        v, s = h(float(np.exp(t)))
        if s is None:
            return None
        if v >= 0:
            hi = (t, v, s)
        else:
            lo = (t, v, s)
        if lo is not None and hi is not None:
            break
        if i >= _SECANT_STEPS + 60 and hi is None:
            return None
        if i >= _SECANT_STEPS + 60 and lo is None:
            return s
        t += _bracket_step(v, v0, up=hi is None, secant=i < _SECANT_STEPS)
    assert lo is not None
    assert hi is not None
    return _shrink(h, lo, hi)


_SECANT_STEPS = 3


def _bracket_step(v: float, v0: float, up: bool, secant: bool) -> float:
    """The next step in log multiplier while only one side of the root is known."""
    if not secant:
        return 2.3 if up else -2.3
    ratio = -v0 / (v - v0) if v > v0 else 10.0  # where the secant from (0, v0) is 0
    return float(np.log(np.clip(ratio, 2.0, 10.0) if up else np.clip(ratio, 0.1, 0.9)))


def _shrink(h: Gap[_S], lo: tuple[float, float, _S], hi: tuple[float, float, _S]) -> _S | None:
    """Shrink the bracket by regula falsi with the Anderson-Bjorck weight, then blend its ends.

    When the new point lands on the same side twice, the far end's value is scaled by
    ``1 - v_new / v_old`` (0.5 if that is not positive: Illinois), which keeps regula falsi
    from stalling on one side; it needs a few solves fewer than Illinois' fixed 0.5.
    """
    wl = wh = 1.0
    side = 0
    span = hi[1] - lo[1]  # a gap this much smaller than the bracket's is the root's rounding
    widths = [np.inf, np.inf]  # the bracket's width one and two steps ago
    before: tuple[float, float] | None = None  # the end the last step replaced, same side
    for _ in range(200):
        width = hi[0] - lo[0]
        if width <= 1e-13 * max(1.0, abs(lo[0])) or hi[1] == 0.0:
            break
        vl, vh = lo[1] * wl, hi[1] * wh
        t = (lo[0] * vh - hi[0] * vl) / (vh - vl)
        # a gap flat over most of the bracket (the budget's price absorbing the
        # multiplier) stalls regula falsi even with the weights: bisect whenever two
        # steps did not halve the bracket
        bisect = width > 0.5 * widths[0]
        widths = [widths[1], width]
        if bisect:
            t = _same_side_secant(before, lo if side == -1 else hi, lo[0], hi[0])
        if t >= hi[0] and wh == 1.0 and not bisect:  # hi's own gap is nil next to lo's
            break
        near = -lo[1] <= 1e-13 * span  # lo is the root but for rounding: step just past it
        if not bisect and (near or (t <= lo[0] and wl == 1.0)):  # (or within rounding)
            past = 2.0 * -lo[1] * (hi[0] - lo[0]) / (hi[1] - lo[1])  # twice the secant's
            t = min(lo[0] + past + 4.0 * abs(float(np.spacing(lo[0]))), 0.5 * (lo[0] + hi[0]))
        if not lo[0] < t < hi[0]:
            t = 0.5 * (lo[0] + hi[0])
        v, s = h(float(np.exp(t)))
        if s is None:
            return None
        if 0 <= v <= 1e-13 * span:  # met, within rounding of the root: regula falsi would
            return s  # only creep ulp by ulp from here
        if v >= 0:
            wl = wl * _ab_weight(v, hi[1]) if side == 1 else 1.0
            before = (hi[0], hi[1]) if side == 1 else None
            hi, wh, side = (t, v, s), 1.0, 1
        else:
            wh = wh * _ab_weight(v, lo[1]) if side == -1 else 1.0
            before = (lo[0], lo[1]) if side == -1 else None
            lo, wl, side = (t, v, s), 1.0, -1
    w = -lo[1] / (hi[1] - lo[1]) if hi[1] > lo[1] else 1.0
    w = min(1.0, w * (1 + 1e-9) + 1e-15)  # a hair to the feasible side
    return lo[2].blend(hi[2], w)


def _same_side_secant(
    before: tuple[float, float] | None, last: tuple[float, float, object], lo: float, hi: float
) -> float:
    """Where the stalled bracket is cut: the secant through the last two points on one side
    when it falls inside, else the midpoint.

    Regula falsi stalls when the gap is strongly convex or concave between the ends: every
    point lands on the side whose end keeps moving. The secant through two points of that
    side extrapolates past the root for such a gap, giving the other end a point near the
    root, where halving the bracket would have spent a solve far from it.
    """
    if before is not None and last[1] != before[1]:
        t = last[0] - last[1] * (last[0] - before[0]) / (last[1] - before[1])
        if lo < t < hi:
            return t
    return 0.5 * (lo + hi)


def _ab_weight(v_new: float, v_old: float) -> float:
    """Anderson-Bjorck's scale for the far end: ``1 - v_new / v_old``, else 0.5."""
    m = 1.0 - v_new / v_old if v_old != 0 else 0.5
    return m if m > 0 else 0.5
