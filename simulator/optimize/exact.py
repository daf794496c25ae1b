"""The exact allocator for concave response curves.

With concave ``C_i`` the problem is convex, and at the optimum every item not held by a
bound earns the same marginal return per unit of spend (KKT). For multipliers ``m_k`` on
the targets (ratios and floors), ``lambda`` on the budget and ``eta_g`` on each binding
group, item ``i`` spends

    x_i = clip(C_i'^-1(price_i / coef_i), lower_i, upper_i)
    coef_i  = objective_i + sum_k m_k w_k,i
    price_i = spend_cost + sum_k m_k rho_k + lambda + eta_g(i)

so the whole problem reduces to a few one-dimensional monotone root finds:

- each group's price thresholds (where its spend hits ``hi`` or ``lo``), all groups at
  once (:func:`simulator.optimize._roots.solve_prices` style, here :func:`_solve_prices`);
- the budget's price, by safeguarded Newton in log-price space (bracketed, so it cannot
  fail; bisection takes over where Newton does not shrink the residual);
- each active target's multiplier, by a bracketed Illinois search in log space, nested
  when more than one target binds (the partially minimised dual stays convex, so every
  level is a monotone 1-D problem).

Every root find ends on a bracket whose two allocations straddle the constraint; the
answer is the convex combination that meets it exactly. That fills ties of flat
marginals (linear curves, several items at one price) and, because the targets are
concave in ``x``, keeps every ratio and floor met.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from simulator.model.curves import CurveSet, FloatArray, IntArray
from simulator.optimize.problem import Allocation, Infeasibility, Problem

_T_MIN, _T_MAX = -690.0, 690.0  # log-price limits: exp stays finite and positive
_RTOL = 1e-14


def respond(
    curves: CurveSet, coef: FloatArray, price: FloatArray, lower: FloatArray, upper: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Each item's best spend at ``price`` and its slope d x / d log(price).

    The slope ``C'/C''`` (negative) drives the Newton steps; ``C''`` is a one-sided
    difference, which only has to be good enough to point the step.
    """
    pos = coef > 0
    live = pos & (price > 0)
    g = np.where(live, price / np.where(pos, coef, 1.0), 1.0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        raw = curves.inverse_derivative(g)  # hill's Newton warns on items it then masks
    x = np.where(pos, np.where(price > 0, np.clip(raw, lower, upper), upper), lower)
    x = np.where(~pos & (price < 0), upper, x)
    inside = live & (raw > lower) & (raw < upper)
    xs = np.where(inside, x, 1.0)
    h = 1e-7 * xs
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        c2 = (curves.derivative(xs + h) - g) / h
        slope = np.where(inside & (c2 < 0) & np.isfinite(c2), g / c2, 0.0)
    return x, slope


PriceFn = Callable[[FloatArray], tuple[FloatArray, FloatArray, FloatArray]]


def _next_t(
    t: FloatArray, s: FloatArray, ds: FloatArray, target: FloatArray, br: _Bracket
) -> FloatArray:
    """Newton in log-log space where it stays inside the bracket and halves the residual."""
    step = np.where(np.isfinite(br.ta), 4.0, -4.0) * br.expand
    grow = np.where(np.isfinite(br.ta), br.ta, br.tb) + step
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        r = np.log(s / target)
        tn = t - r * s / ds
    ok = np.isfinite(tn) & (tn > br.ta) & (tn < br.tb) & (np.abs(r) < 0.5 * br.res)
    br.res = np.where(np.isfinite(r), np.abs(r), np.inf)
    mid = 0.5 * (br.ta + br.tb)
    both = np.isfinite(br.ta) & np.isfinite(br.tb)
    # one side still open: take the Newton step toward it, capped by the growing step
    tn = np.where(np.isfinite(tn), tn, grow)
    reach = np.where(np.isfinite(br.ta), np.minimum(tn, grow), np.maximum(tn, grow))
    reach = np.where(
        np.isfinite(br.ta), np.maximum(reach, br.ta + 1e-3), np.minimum(reach, br.tb - 1e-3)
    )
    return np.clip(np.where(both, np.where(ok, tn, mid), reach), br.t_min, br.t_max)


@dataclass
class _Bracket:
    """Per-problem bracket ``ta < root < tb`` with ``S(ta) >= target >= S(tb)``."""

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


def solve_prices(
    f: PriceFn, target: FloatArray, t0: FloatArray, t_min: FloatArray, owner: IntArray, n: int
) -> tuple[FloatArray, FloatArray]:
    """Solve ``S_k(t_k) = target_k`` for K decreasing spend functions of log price at once.

    ``f(t)`` returns spends (K,), their slopes (K,) and the items' spends (n,); item ``i``
    belongs to problem ``owner[i]`` (-1: none). Returns each root (``-inf`` where the
    spend is below target even at ``t_min``, ``+inf`` where it is above target at the
    top) and the items' spends interpolated so that each sum is exactly its target.
    """
    k = target.size
    inf = np.full(k, np.inf)
    br = _Bracket(
        -inf,
        inf.copy(),
        inf.copy(),
        -inf,
        np.zeros(n),
        np.zeros(n),
        np.asarray(t_min, float),
        np.full(k, _T_MAX),
        inf.copy(),
        np.ones(k),
    )
    t = np.clip(t0, br.t_min, br.t_max)
    mine, own = owner >= 0, np.maximum(owner, 0)
    for _ in range(300):
        s, ds, x = f(t)
        above = s >= target
        for side, keep in ((True, above), (False, ~above)):
            if side:
                br.ta, br.sa = np.where(keep, t, br.ta), np.where(keep, s, br.sa)
                br.xa = np.where(mine & keep[own], x, br.xa)
            else:
                br.tb, br.sb = np.where(keep, t, br.tb), np.where(keep, s, br.sb)
                br.xb = np.where(mine & keep[own], x, br.xb)
        br.expand = br.expand * 2.0
        stuck_lo = ~above & (t <= br.t_min)
        stuck_hi = above & (t >= br.t_max)
        close = (np.abs(s - target) <= _RTOL * target) | (br.tb - br.ta <= 1e-13)
        if np.all(close | stuck_lo | stuck_hi):
            break
        t = _next_t(t, s, ds, target, br)
    x, frac = _interpolate(br, target, owner)
    t = np.where(frac < 0.5, br.ta, br.tb)
    t = np.where(np.isfinite(t), t, np.where(np.isfinite(br.ta), br.ta, br.tb))
    return np.where(np.isfinite(br.ta), np.where(np.isfinite(br.tb), t, np.inf), -np.inf), x


def _interpolate(
    br: _Bracket, target: FloatArray, owner: IntArray
) -> tuple[FloatArray, FloatArray]:
    """The convex combination of the bracket ends whose sum is exactly ``target``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.clip((br.sa - target) / (br.sa - br.sb), 0.0, 1.0)
    frac = np.where(np.isfinite(br.sa), np.where(np.isfinite(br.sb), frac, 0.0), 1.0)
    frac = np.nan_to_num(frac, nan=0.0)
    w = frac[np.maximum(owner, 0)]
    with np.errstate(invalid="ignore"):
        x = br.xa + w * (br.xb - br.xa)
    return np.where(w == 0.0, br.xa, np.where(w == 1.0, br.xb, x)), frac


@dataclass(frozen=True)
class _Sol:
    """One allocation with the multipliers that produced it."""

    x: FloatArray
    lam: float
    eta: FloatArray  # (G,) group price minus budget price: > 0 where a max binds
    m: FloatArray  # (K,) target multipliers


class _Core:
    """Budget, bounds and groups, for given target multipliers (``coef`` and ``base``)."""

    def __init__(self, p: Problem) -> None:
        self.curves, self.lower, self.budget = p.curves, p.lower, p.budget
        self.upper = np.minimum(p.upper, p.budget)  # no item can use more than the budget
        self.owner = np.full(p.n, -1, dtype=np.intp)
        for j, grp in enumerate(p.groups):
            self.owner[grp.index] = j
        self.grouped = self.owner >= 0
        self.own = np.maximum(self.owner, 0)
        self.glo = np.array([grp.lo for grp in p.groups], dtype=float)
        self.ghi = np.array([grp.hi for grp in p.groups], dtype=float)
        self.gmin = np.bincount(self.own[self.grouped], p.lower[self.grouped], len(p.groups))

    def _group_fn(self, coef: FloatArray) -> PriceFn:
        g = len(self.glo)

        def f(t: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
            price = np.exp(t[self.own])
            x, sl = respond(self.curves, coef, price, self.lower, self.upper)
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
        t0 = np.where(lo_on, t_base, _T_MAX)
        tlo, xlo = solve_prices(f, target, t0, np.full(g, _T_MIN), self.owner, n)
        xlo = self._fill_free(xlo, lo_on & (tlo == -np.inf))
        tlo = np.where(tlo == -np.inf, _T_MIN, tlo)
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

    def solve(self, coef: FloatArray, base: float) -> _Sol:
        """Best spends for ``coef`` and base price ``base``: the budget's and groups' prices."""
        t_base = float(np.log(base)) if base > 0 else _T_MIN
        thi, tlo, xhi, xlo = self._limits(coef, t_base) if self.glo.size else (np.zeros(0),) * 4
        f = self._budget_fn(coef, thi, tlo, xhi, xlo)
        if base > 0:
            s0, _, x0 = f(np.array([t_base]))
            if s0[0] <= self.budget:
                return _Sol(x0, 0.0, self._eta(t_base, thi, tlo), np.zeros(0))
        t0 = np.array([max(self._guess(coef), t_base)])
        n = self.curves.n
        tr, x = solve_prices(
            f, np.array([self.budget]), t0, np.array([t_base]), np.zeros(n, dtype=np.intp), n
        )
        t = max(float(tr[0]), t_base)  # -inf: saturated before the budget binds
        if not np.isfinite(t):  # +inf: the lower bounds alone use the budget; no price
            return _Sol(x, 0.0, self._eta(t_base, thi, tlo), np.zeros(0))
        lam = max(float(np.exp(t)) - base, 0.0) if t > t_base else 0.0
        return _Sol(x, lam, self._eta(t, thi, tlo), np.zeros(0))

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
        d = self.curves.derivative(np.full(self.curves.n, self.budget / self.curves.n))
        p = coef * d
        p = p[(p > 0) & np.isfinite(p)]
        return float(np.log(np.median(p))) if p.size else 0.0

    def _budget_fn(
        self, coef: FloatArray, thi: FloatArray, tlo: FloatArray, xhi: FloatArray, xlo: FloatArray
    ) -> PriceFn:
        grouped, own = self.grouped, self.own

        def f(t: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
            te = np.full(self.curves.n, t[0])
            if thi.size:
                te = np.where(grouped, np.clip(te, thi[own], tlo[own]), te)
            x, sl = respond(self.curves, coef, np.exp(te), self.lower, self.upper)
            if thi.size:
                fix_hi = grouped & (t[0] < thi[own])
                fix_lo = grouped & (t[0] > tlo[own])
                x = np.where(fix_hi, xhi, np.where(fix_lo, xlo, x))
                sl = np.where(fix_hi | fix_lo, 0.0, sl)
            return np.array([x.sum()]), np.array([sl.sum()]), x

        return f


Step = tuple[float, float, _Sol]  # (log multiplier, gap, solution)


def _mult_root(h: Callable[[float], tuple[float, _Sol | None]], mu0: float) -> _Sol | None:
    """The multiplier where an increasing gap ``h`` crosses 0 (``h(0) < 0`` is known).

    Brackets by factors of 10 from ``mu0``, then Illinois in log space; None when no
    multiplier up to ``1e60 * mu0`` meets the target (then no split does, see diagnose).
    """
    lo: Step | None = None
    hi: Step | None = None
    t = float(np.log(mu0))
    for i in range(120):
        v, s = h(float(np.exp(t)))
        if s is None:
            return None
        if v >= 0:
            hi = (t, v, s)
        else:
            lo = (t, v, s)
        if lo is not None and hi is not None:
            break
        if i >= 60 and hi is None:
            return None
        if i >= 60 and lo is None:
            return s
        t += 2.3 if hi is None else -2.3
    assert lo is not None
    assert hi is not None
    return _illinois(h, lo, hi)


def _illinois(h: Callable[[float], tuple[float, _Sol | None]], lo: Step, hi: Step) -> _Sol | None:
    """Shrink the bracket (regula falsi with the Illinois weight), then blend its ends."""
    wl = wh = 1.0
    side = 0
    for _ in range(100):
        if hi[0] - lo[0] <= 1e-13 * max(1.0, abs(lo[0])) or hi[1] == 0.0:
            break
        vl, vh = lo[1] * wl, hi[1] * wh
        t = (lo[0] * vh - hi[0] * vl) / (vh - vl)
        if not lo[0] < t < hi[0]:
            t = 0.5 * (lo[0] + hi[0])
        v, s = h(float(np.exp(t)))
        if s is None:
            return None
        if v >= 0:
            hi, wh, wl = (t, v, s), 1.0, (0.5 * wl if side == 1 else 1.0)
            side = 1
        else:
            lo, wl, wh = (t, v, s), 1.0, (0.5 * wh if side == -1 else 1.0)
            side = -1
    w = -lo[1] / (hi[1] - lo[1]) if hi[1] > lo[1] else 1.0
    w = min(1.0, w * (1 + 1e-9) + 1e-15)  # a hair to the feasible side
    a, b = lo[2], hi[2]
    near = b if w > 0.5 else a
    return replace(near, x=a.x + w * (b.x - a.x))


class _Allocator:
    """Targets on top of :class:`_Core`: an active set of multipliers, solved nested."""

    def __init__(self, p: Problem) -> None:
        self.p, self.core = p, _Core(p)
        self.names = [r.name for r in p.ratios] + [f.name for f in p.floors]
        k = len(self.names)
        self.w = np.array([r.weights for r in p.ratios] + [f.weights for f in p.floors])
        self.w = self.w.reshape(k, p.n)
        self.rho = np.array([r.rho for r in p.ratios] + [0.0] * len(p.floors))
        self.floor = np.array([0.0] * len(p.ratios) + [f.floor for f in p.floors])
        self.a = np.zeros(p.n) if p.minimize_spend else np.asarray(p.objective, float)
        self.c = 1.0 if p.minimize_spend else p.spend_cost
        self.mu0 = self._mu_scales()
        self._reachable: dict[int, bool] = {}

    def _mu_scales(self) -> FloatArray:
        d = self.p.curves.derivative(np.full(self.p.n, max(self.p.budget, 1e-300) / self.p.n))
        d = np.where(np.isfinite(d), d, 0.0)
        base = max(float(np.max(np.abs(self.a))), self.c / max(float(np.max(d)), 1e-300))
        wmax = np.maximum(np.max(np.abs(self.w), axis=1, initial=0.0), 1e-300)
        return np.asarray(np.maximum(base / wmax, 1e-300), dtype=float)

    def gap(self, k: int, x: FloatArray) -> float:
        """Target ``k``'s slack at ``x`` (>= 0: met)."""
        conv = self.p.curves.value(x)
        return float(self.w[k] @ conv - self.rho[k] * np.sum(x) - self.floor[k])

    def tol(self, k: int, x: FloatArray) -> float:
        conv = self.p.curves.value(x)
        size = abs(float(self.w[k] @ conv)) + self.rho[k] * float(np.sum(x)) + self.floor[k]
        return float(1e-11 * size)

    def inner(self, m: FloatArray) -> _Sol:
        sol = self.core.solve(self.a + m @ self.w, self.c + float(m @ self.rho))
        return replace(sol, m=m.copy())

    def nested(self, active: tuple[int, ...], m: FloatArray) -> _Sol | None:
        """Solve with the targets in ``active`` held by multipliers, outermost first."""
        if not active:
            return self.inner(m)
        k, rest = active[0], active[1:]

        def h(mu: float) -> tuple[float, _Sol | None]:
            mm = m.copy()
            mm[k] = mu
            s = self.nested(rest, mm)
            return (self.gap(k, s.x) if s is not None else -np.inf), s

        v0, s0 = h(0.0)
        if s0 is None or v0 >= 0:
            return s0
        if not self.reachable(k):
            return None
        return _mult_root(h, float(self.mu0[k]))

    def reachable(self, k: int) -> bool:
        """Whether target ``k`` alone can be met: one solve that spares a futile search."""
        if k not in self._reachable:
            sol = self.core.solve(self.w[k], float(self.rho[k]))
            ok = self.gap(k, sol.x) >= -self.tol(k, sol.x)
            self._reachable[k] = ok and (k >= len(self.p.ratios) or sol.x.sum() > 0)
        return self._reachable[k]

    def run(self) -> _Sol | None:
        """Add violated targets to the active set until none is violated."""
        k_all = len(self.names)
        active: tuple[int, ...] = ()
        for _ in range(k_all + 1):
            sol = self.nested(active, np.zeros(k_all))
            if sol is None:
                return None
            bad = [k for k in range(k_all) if self.gap(k, sol.x) < -self.tol(k, sol.x)]
            n_ratio = len(self.p.ratios)
            if not bad and (n_ratio == 0 or sol.x.sum() > 0 or self.p.minimize_spend):
                return sol
            new = [k for k in bad if k not in active]
            if not new:
                return None
            active = (*active, new[0])
        return None


def _prior(p: Problem, k: int, weights: FloatArray, cost: float) -> Problem:
    """Maximise target ``k``'s metric subject to the targets before it (the contract's order)."""
    nr = len(p.ratios)
    return replace(
        p,
        objective=weights,
        spend_cost=cost,
        ratios=p.ratios[: min(k, nr)],
        floors=p.floors[: max(0, k - nr)],
        minimize_spend=False,
    )


def best_ratio(p: Problem, k: int) -> tuple[float, FloatArray, bool]:
    """The highest ``sum w C / sum x`` of ratio ``k`` (given the earlier targets), by Dinkelbach.

    Each step maximises ``sum w C - R sum x`` with the same allocator and moves ``R`` to
    the ratio it reaches; ``R`` rises monotonically to the best ratio. Where the best is
    only approached as spend falls to 0 (concave curves with zero lower bounds: the ratio
    at 0 is the steepest item's ``w C'(0)``), the flag says so and that limit is returned.
    """
    w = np.asarray(p.ratios[k].weights, float)
    r, x_best = 0.0, np.asarray(p.lower, float)
    for _ in range(200):
        sol = _Allocator(_prior(p, k, w, r)).run()
        if sol is None or sol.x.sum() <= 0:
            break
        r_new = float(w @ p.curves.value(sol.x)) / float(sol.x.sum())
        if r_new <= r * (1 + 1e-13):
            break
        r, x_best = r_new, sol.x
    zero_ok = not np.any(p.lower > 0) and all(g.lo <= 0 for g in p.groups) and k == 0
    if zero_ok:
        d0 = np.where(p.upper > 0, w * p.curves.derivative(np.zeros(p.n)), 0.0)
        j = int(np.argmax(d0))
        eps = np.zeros(p.n)
        eps[j] = 1e-9 * p.budget
        strict = float(w @ p.curves.value(eps)) < d0[j] * eps[j] * (1 - 1e-12)
        if d0[j] >= r * (1 - 1e-9) and strict:  # the ratio only nears d0[j] as spend -> 0
            return float(d0[j]), x_best, True
    return r, x_best, False


def _diagnose(p: Problem, al: _Allocator) -> tuple[Infeasibility, FloatArray]:
    """The first target (in order) that cannot be met with those before it, and its best."""
    nr = len(p.ratios)
    for k, name in enumerate(al.names):
        rho = float(al.rho[k])
        sol = _Allocator(_prior(p, k, al.w[k], rho)).run()
        if sol is None:
            continue
        gap = al.gap(k, sol.x)
        if k < nr and (gap < -al.tol(k, sol.x) or sol.x.sum() <= 0):
            best, x, at_zero = best_ratio(p, k)
            info = Infeasibility(name, rho, best, 0.0 if at_zero else float(x.sum()), at_zero)
            return info, x
        if k >= nr and gap < -al.tol(k, sol.x):
            vol = float(al.w[k] @ p.curves.value(sol.x))
            return Infeasibility(name, float(al.floor[k]), vol, float(sol.x.sum())), sol.x
    name = al.names[0] if al.names else "budget"
    return Infeasibility(name, float("nan"), float("nan"), float("nan")), np.asarray(p.lower)


def _min_feasible_spend(p: Problem) -> Infeasibility | None:
    """Lower bounds, group minimums and maximums that no split within the budget meets."""
    owner = np.full(p.n, -1)
    need = 0.0
    for j, grp in enumerate(p.groups):
        owner[grp.index] = j
        lo_sum = float(np.sum(p.lower[grp.index]))
        up_sum = float(np.sum(np.minimum(p.upper[grp.index], p.budget)))
        if grp.lo > up_sum * (1 + 1e-12) or grp.hi < lo_sum * (1 - 1e-12):
            best = up_sum if grp.lo > up_sum else lo_sum
            return Infeasibility(
                f"group:{grp.name}", grp.lo if grp.lo > up_sum else grp.hi, best, best
            )
        need += max(grp.lo, lo_sum)
    need += float(np.sum(p.lower[owner < 0]))
    if need > p.budget * (1 + 1e-12):
        return Infeasibility("budget", p.budget, need, need)
    return None


def _labels(p: Problem, al: _Allocator, sol: _Sol) -> tuple[str, ...]:
    """What holds each item: a bound, a group, the strongest binding target, or the budget."""
    x, tol = sol.x, 1e-9 * (1.0 + np.abs(sol.x))
    nr = len(p.ratios)
    share = sol.m[:nr] * al.rho[:nr] if nr else np.zeros(0)
    ratio = al.names[int(np.argmax(share))] if share.size and share.max() > sol.lam else ""
    floors = [al.names[k] for k in range(nr, len(al.names)) if sol.m[k] > 0]
    coupled = ratio or ("budget" if sol.lam > 0 else (floors[0] if floors else "optimum"))
    out = []
    for i in range(p.n):
        j = al.core.owner[i]
        if x[i] <= p.lower[i] + tol[i]:
            out.append("min_spend")
        elif x[i] >= p.upper[i] - tol[i]:
            out.append("max_spend")
        elif j >= 0 and sol.eta[j] != 0:
            out.append(f"group:{p.groups[j].name}")
        else:
            out.append(coupled)
    return tuple(out)


def _finish(p: Problem, al: _Allocator, sol: _Sol) -> Allocation:
    x = np.clip(sol.x, p.lower, np.minimum(p.upper, p.budget))
    mult = {"budget": sol.lam} | dict(zip(al.names, map(float, sol.m), strict=True))
    mult |= {f"group:{g.name}": float(e) for g, e in zip(p.groups, sol.eta, strict=True)}
    with np.errstate(invalid="ignore"):
        marginal = al.a * p.curves.derivative(x) - al.c
    return Allocation(x, p.objective_value(x), "optimal", mult, marginal, _labels(p, al, sol))


def optimize_exact(problem: Problem, diagnose: bool = True) -> Allocation:
    """The optimal split for concave curves, or the best approach to the first failed target.

    ``diagnose=False`` skips the search for the best reachable value of a failed target
    (callers that only need feasibility, such as branch and bound, save that work); the
    infeasible answer then carries no ``infeasibility``.

    Raises:
        ValueError: if any curve is not concave (use :mod:`simulator.optimize.nonconcave`).
    """
    p = problem
    if not np.all(p.curves.concave):
        bad = np.nonzero(~p.curves.concave)[0].tolist()
        raise ValueError(f"optimize_exact: items {bad} have non-concave curves; use nonconcave")
    info = _min_feasible_spend(p)
    if info is not None:
        x = np.asarray(p.lower, float)
        return Allocation(x, p.objective_value(x), "infeasible", infeasibility=info)
    al = _Allocator(p)
    sol = al.run()
    if sol is not None:
        return _finish(p, al, sol)
    if not diagnose:
        return Allocation(p.lower, -np.inf, "infeasible")
    info, x = _diagnose(p, al)
    return Allocation(x, p.objective_value(x), "infeasible", infeasibility=info)
