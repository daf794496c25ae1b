"""The exact allocator's outer problem: one multiplier per ratio or floor target.

A target ``sum w C >= rho sum x + floor`` with multiplier ``m`` adds ``m w`` to every
item's coefficient and ``m rho`` to its price, so for fixed multipliers the problem is the
inner one (:class:`simulator.optimize.exact._core.Core`). The partially minimised dual stays
convex, so each binding target's multiplier is a monotone 1-D root find
(:func:`simulator.optimize.exact._roots.mult_root`), nested when several targets bind. Targets
join an active set only once violated, so slack targets cost nothing.

Priced constraints (:class:`simulator.optimize.problem.PricedConstraint`: a channel's own
ratio over its items, a family of groups crossing the allocator's own) are more rows of
the same dual, after the targets: multiplier ``m`` adds ``m w_i`` to item ``i``'s
coefficient and ``m price_i`` to its own price (the core's ``extra``), so they join the
same active set and nested root finds. The problem stays convex (each constraint is
concave in ``x``), so multipliers at which every constraint holds with complementary
slackness give the optimum itself: the dual optimum, with primal feasibility and
slackness, closes the duality gap. Unlike a ratio target, zero spend meets a priced
constraint (a channel paused meets its own CAC cap).
"""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property

import numpy as np

from simulator.model.curves import FloatArray
from simulator.optimize.exact._core import Core, Solution
from simulator.optimize.exact._roots import mult_root
from simulator.optimize.problem import Problem


class Allocator:
    """Targets on top of :class:`Core`: an active set of multipliers, solved nested."""

    def __init__(self, p: Problem) -> None:
        self.p, self.core = p, Core(p)
        self.names = [r.name for r in p.ratios] + [f.name for f in p.floors]
        self.names += [c.name for c in p.priced]
        k = len(self.names)
        # weights and objective over the profiles: (K, P, n) and (P, n); P = 1 squeezed
        # away, so scenarios whose order values do not vary by day keep scalar coefficients
        self.n_profiles = len(p.profiles)
        shape = (p.n,) if self.n_profiles == 1 else (self.n_profiles, p.n)
        rows = [p.rows(r.weights) for r in p.ratios] + [p.rows(f.weights) for f in p.floors]
        rows += [p.rows(c.weights) for c in p.priced]
        self.w = np.array(rows).reshape(k, *shape)
        n_priced, n_targets = len(p.priced), len(p.ratios) + len(p.floors)
        self.rho = np.array([r.rho for r in p.ratios] + [0.0] * (k - len(p.ratios)))
        self.floor = np.array(
            [0.0] * len(p.ratios) + [f.floor for f in p.floors] + [c.floor for c in p.priced]
        )
        # (K, n) per-item prices: zero rows for the targets (their price is ``rho``)
        self.extra = np.zeros((k, p.n))
        for j, c in enumerate(p.priced):
            self.extra[n_targets + j] = c.price
        self.n_targets, self.has_priced = n_targets, n_priced > 0
        self.a = np.zeros(shape) if p.minimize_spend else p.rows(p.objective).reshape(shape)
        self.c = 1.0 if p.minimize_spend else p.spend_cost
        self._reachable: dict[int, bool] = {}
        self._inner: dict[bytes, Solution] = {}

    @cached_property
    def mu0(self) -> FloatArray:
        """Each multiplier's natural size: where its target's pull matches the objective's
        (computed on first use: a problem whose targets never bind skips it)."""
        d = self.p.curves.derivative(np.full(self.p.n, max(self.p.budget, 1e-300) / self.p.n))
        d = np.where(np.isfinite(d), d, 0.0)
        base = max(float(np.max(np.abs(self.a))), self.c / max(float(np.max(d)), 1e-300))
        flat = np.abs(self.w).reshape(self.w.shape[0], int(np.prod(self.w.shape[1:])))
        wmax = np.max(flat, axis=1, initial=0.0)
        # a pure spend limit (no weights) is priced against the objective's marginal return
        price = float(np.max(np.abs(self.a) * d, initial=0.0)) + self.c
        emax = np.max(np.abs(self.extra), axis=1, initial=0.0)
        spend_only = (wmax <= 0) & (emax > 0)
        mu = np.where(
            spend_only, price / np.where(emax > 0, emax, 1.0), base / np.maximum(wmax, 1e-300)
        )
        return np.asarray(np.maximum(mu, 1e-300), dtype=float)

    def gap(self, k: int, x: FloatArray) -> float:
        """Target ``k``'s slack at ``x`` (>= 0: met)."""
        return self.slack(k, x)[0]

    def tol(self, k: int, x: FloatArray) -> float:
        """How much slack below 0 still counts as met: 1e-11 of the terms' size."""
        return self.slack(k, x)[1]

    def slack(self, k: int, x: FloatArray) -> tuple[float, float]:
        """:meth:`gap` and :meth:`tol` from one evaluation of the curves."""
        if self.n_profiles == 1:
            metric = float(self.w[k] @ self.p.curves.value(x))
        else:
            metric = self.p.metric(self.w[k], x)
        spend = self.rho[k] * float(np.sum(x))
        if k >= self.n_targets:
            spend = float(self.extra[k] @ x)
        size = abs(metric) + abs(spend) + abs(self.floor[k])
        return float(metric - spend - self.floor[k]), float(1e-11 * size)

    def inner(self, m: FloatArray) -> Solution:
        """The inner solution for multipliers ``m`` (K,), remembered: a target joining the
        active set starts its search at the multipliers just solved (``mu = 0``)."""
        key = m.tobytes()
        if key not in self._inner:
            # none or one target: the bytes tensordot gives (+0.0, or the single product),
            # without its set-up
            if m.size <= 1:
                coef = self.a + (m[0] * self.w[0] if m.size else 0.0)
            else:
                coef = self.a + np.tensordot(m, self.w, axes=1)
            extra = m @ self.extra if self.has_priced else None
            sol = self.core.solve(coef, self.c + float(m @ self.rho), extra)
            if len(self._inner) >= 8:
                self._inner.clear()
            self._inner[key] = replace(sol, m=m.copy())
        return self._inner[key]

    def nested(self, active: tuple[int, ...], m: FloatArray) -> Solution | None:
        """Solve with the targets in ``active`` held by multipliers, outermost first."""
        if not active:
            return self.inner(m)
        k, rest = active[0], active[1:]

        def h(mu: float) -> tuple[float, Solution | None]:
            mm = m.copy()
            mm[k] = mu
            s = self.nested(rest, mm)
            if s is None:
                return -np.inf, s
            gap, tol = self.slack(k, s.x)
            return (0.0 if 0.0 < gap <= tol else gap), s  # met to rounding: the root

        v0, s0 = h(0.0)
        if s0 is None or v0 >= 0:
            return s0
        if not self.reachable(k):
            return None
        return mult_root(h, float(self.mu0[k]), v0)

    def reachable(self, k: int) -> bool:
        """Whether target ``k`` alone can be met: one solve that spares a futile search."""
        if k not in self._reachable:
            sol = self.core.solve(self.w[k], float(self.rho[k]), self.extra[k])
            gap, tol = self.slack(k, sol.x)
            ok = gap >= -tol
            self._reachable[k] = ok and (k >= len(self.p.ratios) or sol.x.sum() > 0)
        return self._reachable[k]

    def run(self) -> Solution | None:
        """Add violated targets to the active set until none is violated."""
        k_all = len(self.names)
        active: tuple[int, ...] = ()
        for _ in range(k_all + 1):
            sol = self.nested(active, np.zeros(k_all))
            if sol is None:
                return None
            slacks = [self.slack(k, sol.x) for k in range(k_all)]
            bad = [k for k, (gap, tol) in enumerate(slacks) if gap < -tol]
            n_ratio = len(self.p.ratios)
            if not bad and (n_ratio == 0 or sol.x.sum() > 0 or self.p.minimize_spend):
                return sol
            new = [k for k in bad if k not in active]
            if not new:
                return None
            active = (*active, new[0])
        return None
