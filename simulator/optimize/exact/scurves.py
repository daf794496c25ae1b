"""S-curves (logistic, hill with shape > 1): concave envelope for a bound, then repair.

Below a threshold an S-curve wastes money, and local solvers stall on its flat start.
Method:

1. **Envelope.** Each non-concave curve is replaced on ``[lower, upper]`` by its concave
   envelope: the chord from ``(lower, C(lower))`` to the tangent point ``t`` (where the
   chord touches the curve, ``C(t) - C(lower) = (t - lower) C'(t)``; ``t = upper`` when
   the curve is still convex-ish there), then the curve itself. The envelope is concave
   and lies above the curve, so the exact allocator's optimum on it is a proven
   ``upper_bound`` for the true problem (targets included: each is a relaxation).
2. **Repair by on/off patterns.** On ``[t, upper]`` the envelope *is* the curve, so once
   each S-curve item is either *off* (at its lower bound) or *on* (at least ``t``) the
   problem is concave and the exact allocator solves it exactly. All ``2^m`` patterns
   are tried for ``m <= 10`` S-curve items; above that (a daily plan: (ad set, day)
   items), the envelope's pattern rounded per channel plus a bounded local search
   (:mod:`simulator.optimize.exact.patterns`), so a 30-day plan takes seconds.
3. **Partial items.** When money is short, the best plan can leave one S-curve item
   between ``lower`` and ``t`` (e.g. one channel and a budget below its threshold). For
   each S-curve item the best pattern is retried with that item fixed at spends on a
   grid over ``[lower, t]`` (then refined by golden section), the rest solved exactly.
   Each such branch is first bounded by the envelopes rebuilt on its own ranges; a
   branch that cannot beat the best point is skipped.

The answer is a true point of the curves; ``upper_bound - objective`` is its proven gap.
Where items have two profiles (order values that vary by day) each profile gets its own
envelope: their weighted sum is a concave majorant of the item's mix, so the bound holds
(at the root, on each branch's ranges and in whole-unit search alike). Where one spend
per item is needed (on/off patterns, the inflection) it is the largest over the profiles:
past it every profile is concave.
With exhaustive patterns the bound is the larger of the best pattern and every item's
below-inflection branch bound (every split is in one of them), which is tighter than
the root envelope; otherwise it is the root envelope's optimum.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import product

import numpy as np
import numpy.typing as npt

from simulator.model.curve_set import CurveSet
from simulator.model.curves import Curve, FloatArray, IntArray
from simulator.optimize.exact._targets import Allocator
from simulator.optimize.exact.allocator import optimize_exact
from simulator.optimize.problem import Allocation, Problem

Profiles = tuple[CurveSet, ...]  # one curve set per profile of the problem

_MAX_PATTERN_ITEMS = 10
_PARTIAL_GRID = 16
_MAX_LOCAL_SOLVES = 24  # exact solves of the local search for many items (a daily plan)


@dataclass(frozen=True)
class Envelope(Curve):
    """``base`` with its convex start replaced by the chord from ``start`` to ``tangent``.

    Not registered as a family: it lives only inside the optimiser. Valid (concave) on
    ``[start, inf)``; ``inverse_derivative`` answers on that range only.
    """

    start: FloatArray
    tangent: FloatArray
    slope: FloatArray
    base: Curve

    @property
    def size(self) -> int:
        return int(self.start.shape[0])

    def take(self, index: IntArray) -> Envelope:
        return Envelope(
            self.start[index], self.tangent[index], self.slope[index], self.base.take(index)
        )

    def value(self, s: FloatArray) -> FloatArray:
        s = np.asarray(s, dtype=float)
        chord = self.base.value(self.start) + (s - self.start) * self.slope
        return np.where(s < self.tangent, chord, self.base.value(s))

    def derivative(self, s: FloatArray) -> FloatArray:
        s = np.asarray(s, dtype=float)
        return np.where(s < self.tangent, self.slope, self.base.derivative(s))

    def inverse_derivative(self, g: FloatArray) -> FloatArray:
        """Spend on the concave side (``>= tangent``) where the marginal is ``g``."""
        g = np.broadcast_to(np.asarray(g, dtype=float), (self.size,))
        x = np.maximum(self.base.right_inverse_derivative(g, self.tangent), self.tangent)
        x = np.where(self.base.derivative(self.tangent) <= g, self.tangent, x)
        return np.where(g >= self.slope, self.start, x)

    @property
    def concave(self) -> npt.NDArray[np.bool_]:
        return np.ones(self.size, dtype=bool)

    def scaled(self, out: FloatArray, inp: FloatArray) -> Curve:
        raise NotImplementedError("envelopes are built after scaling")


def tangent_points(curve: Curve, start: FloatArray, stop: FloatArray) -> FloatArray:
    """Where the chord from ``(start, C(start))`` touches the curve, capped at ``stop``.

    ``phi(t) = C(t) - C(start) - (t - start) C'(t)`` is 0 at ``start``, falls while the
    curve is convex and rises once it is concave; its next zero is the tangent point.
    Found by a geometric scan for the sign change, then bisection.
    """
    c0 = curve.value(start)

    def phi(t: FloatArray) -> FloatArray:
        return curve.value(t) - c0 - (t - start) * curve.derivative(t)

    width = np.maximum(stop - start, 1e-300)
    grid = start[None, :] + width[None, :] * np.geomspace(1e-9, 1.0, 400)[:, None]
    vals = phi(grid)
    rows = np.arange(grid.shape[0])[:, None]
    lowest = np.argmin(vals, axis=0)  # phi's minimum is at the inflection: cross after it,
    cross = (rows > lowest[None, :]) & (vals >= 0)  # so rounding noise near 0 cannot count
    convex = vals.min(axis=0) < 0
    has = cross.any(axis=0) & convex
    k = np.where(has, np.argmax(cross, axis=0), grid.shape[0] - 1)
    cols = np.arange(start.size)
    lo, hi = grid[np.maximum(k - 1, 0), cols], grid[k, cols]
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        neg = phi(mid) < 0
        lo, hi = np.where(neg, mid, lo), np.where(neg, hi, mid)
    t = np.where(has, hi, stop)
    return np.where(convex, t, start)  # never convex: no chord at all


def envelope_set(
    curves: CurveSet,
    start: FloatArray,
    tangent: FloatArray,
    only: npt.NDArray[np.bool_] | None = None,
) -> CurveSet:
    """The set with each non-concave item's start replaced by its chord up to ``tangent``.

    ``only`` (one flag per item) limits the change to those items; the other S-curves
    stay as they are (whole-unit search pins fixed items and leaves the free ones).
    ``start = tangent = x`` pins an item: concave, and exact at spend ``x``.
    """
    parts: list[tuple[Curve, IntArray]] = []
    for curve, idx in curves:
        bad = ~curve.concave & (True if only is None else only[idx])
        if bad.any():
            sub = curve.take(np.nonzero(bad)[0])
            j = idx[bad]
            c0, c1 = sub.value(start[j]), sub.value(tangent[j])
            with np.errstate(divide="ignore", invalid="ignore"):
                slope = np.where(
                    tangent[j] > start[j],
                    (c1 - c0) / (tangent[j] - start[j]),
                    sub.derivative(start[j]),
                )
            parts.append((Envelope(start[j], tangent[j], slope, sub), j))
        if (~bad).any():
            parts.append((curve.take(np.nonzero(~bad)[0]), idx[~bad]))
    return CurveSet(tuple(parts), curves.n)


def envelopes(
    p: Problem,
    start: FloatArray,
    tangents: FloatArray,
    only: npt.NDArray[np.bool_] | None = None,
) -> Profiles:
    """:func:`envelope_set` for every profile of ``p``.

    ``tangents`` is ``(P, n)`` (one row per profile, as :func:`problem_tangents`) or ``(n,)``
    for all profiles alike (``start = tangents = x`` pins every profile at ``x``).
    """
    t = np.broadcast_to(np.asarray(tangents, dtype=float), (len(p.profiles), p.n))
    return tuple(envelope_set(c, start, t[k], only) for k, c in enumerate(p.profiles))


def concave_items(p: Problem) -> npt.NDArray[np.bool_]:
    """Items whose every profile is concave."""
    out = np.ones(p.n, dtype=bool)
    for curves in p.profiles:
        out &= curves.concave
    return out


@dataclass
class _Best:
    """The best true point found so far (higher ``score`` is better)."""

    sol: Allocation | None = None
    score: float = -np.inf
    lower: FloatArray | None = None
    upper: FloatArray | None = None

    def offer(self, p: Problem, curves: Profiles, lower: FloatArray, upper: FloatArray) -> float:
        q = replace(p.with_profiles(curves), lower=lower, upper=upper)
        sol = optimize_exact(q, diagnose=False)
        if sol.status != "optimal":
            return -np.inf
        value = p.objective_value(sol.x)
        score = -value if p.minimize_spend else value
        if score > self.score:
            self.sol, self.score, self.lower, self.upper = (
                replace(sol, objective=value),
                score,
                lower,
                upper,
            )
        return score


def _patterns(m: int, relaxed_on: npt.NDArray[np.bool_]) -> list[npt.NDArray[np.bool_]]:
    """Every on/off pattern for few items; otherwise the relaxation's and its single flips."""
    if m <= _MAX_PATTERN_ITEMS:
        return [np.array(bits, dtype=bool) for bits in product([False, True], repeat=m)]
    flips = [relaxed_on.copy()]
    for i in range(m):
        f = relaxed_on.copy()
        f[i] = ~f[i]
        flips.append(f)
    return flips


def _partial(p: Problem, best: _Best, curves: Profiles, j: int, lo_j: float, hi_j: float) -> None:
    """Retry the best pattern with item ``j`` fixed inside its chord: grid, then golden section."""
    assert best.lower is not None
    assert best.upper is not None
    base_lo, base_up = best.lower.copy(), best.upper.copy()

    def score(s: float) -> float:
        lo, up = base_lo.copy(), base_up.copy()
        lo[j] = up[j] = s
        return best.offer(p, curves, lo, up)

    room = p.budget - (base_lo.sum() - base_lo[j])  # all that is left: short money's answer
    grid = np.linspace(lo_j, min(hi_j, room), _PARTIAL_GRID + 1)
    scores = [score(float(s)) for s in grid[1:]]  # lo_j itself is the "off" pattern
    k = int(np.argmax(scores)) + 1
    if not np.isfinite(scores[k - 1]):
        return
    # the bracket reaches down to lo_j: the best spend can lie below the first grid step
    a, b = float(grid[k - 1]), float(grid[min(k + 1, grid.size - 1)])
    r = (np.sqrt(5.0) - 1.0) / 2.0
    c, d = b - r * (b - a), a + r * (b - a)
    fc, fd = score(c), score(d)
    for _ in range(25):
        if fc >= fd:
            b, d, fd = d, c, fc
            c = b - r * (b - a)
            fc = score(c)
        else:
            a, c, fc = c, d, fd
            d = a + r * (b - a)
            fd = score(d)


def _fix(
    p: Problem, items: IntArray, on: npt.NDArray[np.bool_], bend: FloatArray
) -> tuple[FloatArray, FloatArray, Profiles]:
    """Bounds and exact curves for an on/off pattern.

    Off items sit at their lower bound; on items spend at least their inflection
    ``bend``, past which the curve is concave. No chords: every value is the curve's own.
    """
    lo, up = p.lower.copy(), p.upper.copy()
    up[items[~on]] = lo[items[~on]]
    lo[items[on]] = np.maximum(lo[items[on]], bend[items[on]])
    start = p.lower.copy()
    start[items[on]] = lo[items[on]]
    return lo, up, envelopes(p, start, start)


def _inflections(p: Problem, tangent: FloatArray) -> FloatArray:
    """Where each S-curve turns concave in every profile (the family's ``inflection``,
    else ``t``): the largest over the profiles."""
    rows = []
    for curves in p.profiles:
        out = tangent.copy()
        for curve, idx in curves:
            bend = curve.inflection()
            out[idx] = np.where(np.isnan(bend), out[idx], bend)
        rows.append(out)
    return np.asarray(np.max(rows, axis=0), dtype=float)


def _branch_bound(p: Problem, lo: FloatArray, up: FloatArray) -> float:
    """Score bound of the branch ``lo <= x <= up``: envelopes rebuilt on its own ranges.

    The envelope of a curve on a narrower range lies below the root's (a chord that stops
    at the inflection is flatter than one reaching the tangent point), so the bound is
    tighter, and it cuts more branches.
    """
    q = replace(p, lower=lo, upper=up)
    env = envelopes(q, lo, problem_tangents(q))
    sol = optimize_exact(q.with_profiles(env), diagnose=False)
    if sol.status != "optimal":
        return -np.inf
    return -sol.objective if p.minimize_spend else sol.objective


def _promising(p: Problem, lo: FloatArray, up: FloatArray, score: float) -> bool:
    """Whether the envelope bound of this branch can beat the best score found."""
    return bool(_branch_bound(p, lo, up) > score + 1e-9 * abs(score))


def problem_tangents(p: Problem) -> FloatArray:
    """Each S-curve item's tangent point on ``[lower, min(upper, budget)]`` (else ``lower``),
    per profile: shape ``(P, n)``. The profiles of one item (conversions, aov-weighted
    conversions) bend at different spends, so each gets its own chord."""
    start = np.asarray(p.lower, dtype=float)
    stop = np.maximum(np.minimum(p.upper, p.budget), start)
    tangent = np.tile(start, (len(p.profiles), 1))
    for k, curves in enumerate(p.profiles):
        for curve, idx in curves:
            bad = ~curve.concave
            if bad.any():
                j = idx[bad]
                tangent[k, j] = tangent_points(curve.take(np.nonzero(bad)[0]), start[j], stop[j])
    return tangent


def optimize_nonconcave(problem: Problem, incumbent: float = -np.inf) -> Allocation:
    """The best split found for S-curves, with a proven ``upper_bound``.

    ``incumbent`` is a score (objective, or minus the spend) the caller already holds,
    e.g. branch and bound over whole units: branches that cannot beat it are not searched
    (the bound stays valid; the answer may then be worse than the incumbent).

    For ``minimize_spend`` the bound is the envelope's spend, a proven *lower* bound on
    the least spend. Infeasible when even the envelope cannot meet the targets (its
    best reachable values, reported, are then upper bounds on the true ones).
    """
    p = problem
    concave = concave_items(p)
    if np.all(concave):
        return optimize_exact(p)
    start, tangents = np.asarray(p.lower, dtype=float), problem_tangents(p)
    tangent = tangents.max(axis=0)  # past it every profile is concave
    relaxed = optimize_exact(p.with_profiles(envelopes(p, start, tangents)))
    if relaxed.status != "optimal":
        return replace(relaxed, objective=p.objective_value(relaxed.x))
    items = np.nonzero(~concave & (tangent > start))[0]
    bend = np.clip(_inflections(p, tangent), start, tangent)
    best = _Best()
    if items.size > _MAX_PATTERN_ITEMS:
        _many(p, best, relaxed, items, start, tangent, bend)
        return _answer(p, best, relaxed)
    relaxed_on = relaxed.x[items] >= bend[items]
    for on in _patterns(items.size, relaxed_on):
        lo, up, curves = _fix(p, items, on, bend)
        if lo.sum() <= p.budget and np.all(lo <= up):
            best.offer(p, curves, lo, up)
    bound = _bound_score(p, relaxed)
    partial_bounds = [bound]
    for k, j in enumerate(items):
        if best.score >= bound - 1e-12 * abs(bound):
            break  # a true point already reaches the envelope's bound: proven optimal
        up_k = p.upper.copy()
        up_k[j] = min(up_k[j], bend[j])
        partial_bounds[0] = -np.inf  # the patterns are exhaustive: the branches bound it
        partial_bounds.append(_branch_bound(p, p.lower, up_k))
        held = max(best.score, incumbent)
        if partial_bounds[-1] <= held + 1e-9 * abs(held):
            continue  # no split with this item below its inflection can win
        others = np.delete(items, k)
        for on in _patterns(others.size, np.delete(relaxed_on, k)):
            lo, up, curves = _fix(p, others, on, bend)
            up[j] = min(up[j], bend[j])
            if lo.sum() > p.budget or np.any(lo > up) or not _promising(p, lo, up, held):
                continue
            best.lower, best.upper = lo, up
            _partial(p, best, curves, int(j), start[j], up[j])
    # every split has each item off, on (past its inflection: exact patterns) or, for some
    # item k, below its inflection (k's branch bound): the largest of these bounds it
    top = min(bound, max(best.score, *partial_bounds))
    return _answer(p, best, relaxed, -top if p.minimize_spend else top)


def _answer(p: Problem, best: _Best, relaxed: Allocation, bound: float | None = None) -> Allocation:
    """The best true point, with a proven bound (default: the envelope's optimum).

    The patterns put each S-curve item at its start or past its inflection, and at most
    one item in between; a split with several items in between (a pinned total spread over
    days whose caps keep each day below the inflection) is none of them. Finding no
    pattern then proves nothing: the envelope's own answer keeps every linear constraint,
    so where it also meets the targets on the true curves it is the answer (its bound
    unproven, so the certificate says ``feasible``); only otherwise ``infeasible``.
    """
    bound = relaxed.objective if bound is None else bound
    if best.sol is not None:
        return replace(best.sol, upper_bound=bound)
    if _meets_targets(p, relaxed.x):
        return replace(relaxed, objective=p.objective_value(relaxed.x), upper_bound=bound)
    return replace(relaxed, status="infeasible", objective=-np.inf, upper_bound=bound)


def _meets_targets(p: Problem, x: FloatArray) -> bool:
    """Whether ``x`` meets every ratio and floor on the true curves, by the allocator's
    own slack and tolerance (zero spend meets no ratio)."""
    al = Allocator(p)
    met = all(gap >= -tol for gap, tol in (al.slack(k, x) for k in range(len(al.names))))
    return met and (not p.ratios or float(np.sum(x)) > 0)


def _many(
    p: Problem,
    best: _Best,
    relaxed: Allocation,
    items: IntArray,
    start: FloatArray,
    tangent: FloatArray,
    bend: FloatArray,
) -> None:
    """Many S-curve items (a daily plan): rounding plus a bounded local search (:mod:`patterns`)."""
    from simulator.optimize.exact import patterns

    def offer(on: npt.NDArray[np.bool_], k: int | None, s: float) -> float:
        lo, up, _ = _fix(p, items, on, bend)
        pin = start.copy()
        pin[items[on]] = lo[items[on]]
        if k is not None:
            j = items[k]
            lo[j] = up[j] = pin[j] = start[j] + s
        if lo.sum() > p.budget * (1 + 1e-12) or np.any(lo > up):
            return -np.inf
        return best.offer(p, envelopes(p, pin, pin), lo, up)

    fams = patterns.families(p, items)
    s, t = start[items], tangent[items]
    gain = p.item_values(p.objective, tangent) - p.item_values(p.objective, start)
    with np.errstate(divide="ignore", invalid="ignore"):
        rank = np.nan_to_num(gain[items] / (t - s))  # the objective's chord slope
    first = patterns.rounded_pattern(replace(relaxed, x=relaxed.x[items]), fams, s, t)
    offer(relaxed.x[items] >= bend[items], None, 0.0)
    on = patterns.local_search(offer, first, fams, rank, _MAX_LOCAL_SOLVES)
    if best.score < _bound_score(p, relaxed) * (1 - 1e-9):
        patterns.partials(offer, on, fams, rank, bend[items] - s)


def _bound_score(p: Problem, relaxed: Allocation) -> float:
    return -relaxed.objective if p.minimize_spend else relaxed.objective
