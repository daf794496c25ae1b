"""The run-time certificate: an answer is checked on the expected-value engine, not trusted.

A solver works on its own model of the scenario (line items, envelopes, relaxations). A
defect there, or a mismatch between that model and ``evaluate``, would otherwise reach the
user as ``status: optimal``. So every answer is re-read through :mod:`simulator.expected`:

- **feasibility**: the budget, each channel's bounds (after locks and change limits), whole
  units, daily caps and every target, as relative violations (0 when all hold);
- **optimality** of the continuous concave items: the KKT conditions on the engine's own
  gradients (central differences of each ad set's outcome; the engine is separable in ad
  sets, so one perturbed candidate serves every item at once) with the solver's target
  multipliers as the dual certificate. The budget's and each group's price are read back
  from the gradients, and ``kkt_residual`` is the largest breach of stationarity or of a
  bound's sign condition, relative to the largest marginal return;
- **bounds**: where the solver reports a proven ``upper_bound`` (whole units, S-curves),
  it must be at least the objective the engine computes; ``gap_bound`` is their distance.

``checked`` is True only when all of it holds; ``optimal`` is reported only then.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from simulator.expected import (
    Outcome,
    by_source,
    evaluate_plan,
    evaluate_spend,
    evaluate_split,
    first_order_revenue,
    totals,
)
from simulator.model.compiled import CompiledScenario, Split
from simulator.model.curves import FloatArray, IntArray
from simulator.model.targets import TARGETS, shortfall
from simulator.optimize.limits_check import limit_violations, stricter_than_scenario
from simulator.optimize.lineitems import channel_bounds
from simulator.optimize.problem import Allocation, Problem

FEASIBILITY_TOL = 1e-8  # relative: the allocator meets its constraints to ~1e-11
KKT_TOL = 1e-5  # relative to the largest marginal return; differences are good to ~1e-8
GAP_TOL = 1e-7  # relative: a bound this close to the objective proves it
BoolArray = npt.NDArray[np.bool_]
_STEP = 1e-7  # relative secant step: the secants bracket the slope, so it need not be tiny
_Priced = tuple[float, str, FloatArray, FloatArray]  # m, metric, price (n,), mask (n,)


@dataclass(frozen=True)
class Certificate:
    """What the check on the engine found; see the module docstring."""

    checked: bool
    max_violation: float
    kkt_residual: float | None
    gap_bound: float | None
    failures: tuple[str, ...] = field(default=())
    fixed_point: Any = None  # the outer loop of a growing base (``fixed_point.FixedPoint``)

    def to_json(self) -> dict[str, Any]:
        doc = {
            "checked": self.checked,
            "max_violation": self.max_violation,
            "kkt_residual": self.kkt_residual,
            "gap_bound": self.gap_bound,
        }
        if self.fixed_point is not None:
            doc["fixed_point"] = self.fixed_point.to_json()
        return doc

    def summary(self) -> str:
        """One line for the table."""
        kkt = "n/a" if self.kkt_residual is None else f"{self.kkt_residual:.1e}"
        gap = "n/a" if self.gap_bound is None else f"{self.gap_bound:,.6g}"
        head = "checked" if self.checked else "NOT checked: " + "; ".join(self.failures)
        return (
            f"certificate {head} · max violation {self.max_violation:.1e}"
            f" · KKT residual {kkt} · gap bound {gap}"
        )


def objective_total(cs: CompiledScenario, tot: dict[str, FloatArray]) -> float:
    """The scenario's objective as the engine computes it (cost for ``min_spend``: the
    least budget, and the budget is on cost)."""
    key = {"min_spend": "cost"}.get(cs.objective, cs.objective)
    return float(tot[key][0])


# --- feasibility -------------------------------------------------------------------


def _violations(cs: CompiledScenario, split: Split, check_targets: bool) -> dict[str, float]:
    """Each constraint's relative violation (> 0 is a breach), keyed by what it is."""
    scale = max(cs.budget, 1e-300)
    spend_c = cs.channel_sum(split.spend)
    lo, hi = channel_bounds(cs)
    cost = float(split.spend.sum())
    if not cs.money.plain:  # the budget is on cost (CONTRACT.md 1c)
        cost = float(totals(cs, evaluate_split(cs, split))["cost"][0])
    out = {
        "budget": max(0.0, cost - cs.budget) / scale,
        "negative spend": max(0.0, -float(np.min(split.spend, initial=0.0))) / scale,
        "min_spend": max(0.0, float(np.max(lo - spend_c, initial=0.0))) / scale,
        "max_spend": max(0.0, float(np.max(spend_c - hi, initial=0.0))) / scale,
    }
    unit = cs.unit_cost > 0
    if unit.any():
        counts = split.spend[unit] / cs.unit_cost[unit]
        out["whole units"] = float(np.max(np.abs(counts - np.round(counts))))
    cap = np.isfinite(cs.daily_cap)
    if cap.any():
        if split.daily is not None:
            per_day = cs.channel_sum(split.daily.T).T  # (C, H)
        else:
            per_day = (spend_c / cs.horizon_days)[:, None]
        over = (per_day - cs.daily_cap[:, None])[cap] / np.maximum(cs.daily_cap[cap, None], 1.0)
        out["daily_cap"] = max(0.0, float(np.max(over, initial=0.0)))
    if split.daily is not None:
        out["daily plan sums"] = float(np.max(np.abs(split.daily.sum(axis=1) - split.spend))) / (
            scale
        )
    out |= limit_violations(cs, split)
    if check_targets:
        tot = totals(cs, evaluate_split(cs, split))
        for name, bound in cs.active_targets().items():
            value = float(tot[TARGETS[name].metric][0])
            if not np.isfinite(value):
                out[name] = np.inf
                continue
            out[name] = max(0.0, float(shortfall(name, value, bound)))
    return out


def check_feasible(cs: CompiledScenario, split: Split, unproven: str) -> Certificate:
    """Feasibility alone, for a plan no solver produced (one found by simulation): every
    constraint and target on the engine; optimality is not claimed (``unproven`` says why)."""
    viol = _violations(cs, split, check_targets=True)
    failures = [f"{k} broken by {v:.2g} (relative)" for k, v in viol.items() if v > FEASIBILITY_TOL]
    worst = max(viol.values(), default=0.0)
    return Certificate(False, worst, None, None, (*failures, f"optimality not proven: {unproven}"))


# --- optimality --------------------------------------------------------------------


def _lagrangian_terms(
    cs: CompiledScenario, multipliers: dict[str, float]
) -> list[tuple[float, str, float]]:
    """The Lagrangian ``sum_t m_t (metric_t - coef_t * spend)`` as (m_t, metric, coef_t).

    The objective has ``m = 1``; each target's slack its solver multiplier (ratio targets
    read ``line_metric >= rho * spend``, cac_max ``new_customers >= spend / cac_max``;
    floors ``line_metric >= bound``): the rows of ``model/targets.py``.
    """
    objective = {
        "revenue": ("revenue", 0.0),
        "conversions": ("conversions", 0.0),
        "new_customers": ("new_customers", 0.0),
        "profit": ("gross_profit", 1.0),
        "ltv": ("ltv", 0.0),
        "min_spend": ("zero", 1.0),
    }[cs.objective]
    terms = [(1.0, *objective)]
    for name, bound in cs.active_targets().items():
        m = float(multipliers.get(name, 0.0))
        if m <= 0:
            continue
        row = TARGETS[name]
        terms.append((m, row.line_metric, row.rho(bound) if row.kind == "ratio" else 0.0))
    return terms


def _priced_terms(problem: Problem, multipliers: dict[str, float]) -> list[_Priced]:
    """The priced constraints' Lagrangian terms ``m (sum_i mask_i metric_i - price_i x_i)``
    as (m, metric, per-item price, per-item mask) over the Problem's items.

    Their weights stand for the engine metric they name on their items (a channel's own
    revenue or new customers; ``zero`` for a spend limit), so the engine's slopes of that
    metric, masked to the items, re-read them."""
    out = []
    for c in problem.priced:
        m = float(multipliers.get(c.name, 0.0))
        if m <= 0:
            continue
        w = np.asarray(c.weights)
        used = np.any(w != 0, axis=0) if w.ndim == 2 else w != 0
        out.append((m, c.metric, np.asarray(c.price, dtype=float), used.astype(float)))
    return out


def _metric(cs: CompiledScenario, o: Outcome, name: str) -> FloatArray:
    """One per-ad-set metric of candidates ``(K, A)`` by its Lagrangian name."""
    if name == "zero":
        return np.zeros_like(o.spend)
    if name == "ltv":
        return o.revenue + o.repeat_revenue
    if name == "first_order_ltv":
        return first_order_revenue(cs, o) + o.repeat_revenue
    value: FloatArray = getattr(o, name)
    return value


def _one_sided(
    cs: CompiledScenario,
    split: Split,
    terms: list[tuple[float, str, float]],
    daily: bool,
    priced: list[_Priced] | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Each line item's forward and backward secant slope of the Lagrangian, and its scale.

    Each item's Lagrangian is concave in its own spend, so the two secants bracket its
    (super)gradient exactly: ``forward <= d L <= backward``, kinks included. The engine is
    separable in ad sets, so one perturbed candidate moves every item (of one day) at once.
    Items are ad sets, or (day, ad set) day-major for a daily plan. ``scale`` is each
    item's ``sum |m_t| (|d metric_t| + coef_t)``: the size against which a breach is read.
    """
    base = split.spend if not daily else np.asarray(split.daily, dtype=float)
    h = _STEP * np.maximum(np.abs(base), max(cs.budget, 1e-300) * 1e-3 / max(base.size, 1))
    down = np.maximum(base - h, 0.0)

    plain = cs.money.plain
    priced = priced or []
    shape = base.T.shape if daily else base.shape  # items: ad sets, or (day, ad set)

    def parts(o: Outcome, day: int | None = None) -> tuple[FloatArray, FloatArray]:
        o = by_source(cs, o)
        value = sum(m * _metric(cs, o, name) for m, name, _ in terms)
        size = sum(abs(m) * _metric(cs, o, name) for m, name, _ in terms)
        for m, name, _, mask in priced:  # a channel's own metric, on its items only
            on = mask.reshape(shape) if day is None else mask.reshape(shape)[day]
            value = value + m * on * _metric(cs, o, name)
            size = size + abs(m) * on * _metric(cs, o, name)
        return np.asarray(value, dtype=float), np.asarray(size, dtype=float)

    spend_coef: Any = sum(m * coef for m, _, coef in terms)
    abs_coef: Any = sum(abs(m) * coef for m, _, coef in terms)
    if priced:  # per-item prices: (A,) or (H, A) like the items
        item_price = np.sum([m * price for m, _, price, _ in priced], axis=0)
        item_size = np.sum([np.abs(m * price) for m, _, price, _ in priced], axis=0)
        spend_coef = spend_coef + item_price.reshape(shape)
        abs_coef = abs_coef + item_size.reshape(shape)
    if not daily:
        o = evaluate_spend(cs, np.stack([down, base, base + h]))
        v, size = parts(o)
        width_dn, width_up = base - down, h
        if not plain:  # slopes per unit of cost: the items' variable (cost_space.py)
            cost = by_source(cs, o).cost
            width_dn, width_up = cost[1] - cost[0], cost[2] - cost[1]
        fwd = (v[2] - v[1]) / width_up - spend_coef
        with np.errstate(divide="ignore", invalid="ignore"):
            bwd = np.where(width_dn > 0, (v[1] - v[0]) / width_dn, np.inf) - spend_coef
        scale = np.abs(size[2] - size[1]) / width_up + abs_coef
        return fwd, bwd, scale
    a, hdays = base.shape
    fwd, bwd, scale = np.empty((hdays, a)), np.empty((hdays, a)), np.empty((hdays, a))
    for t in range(hdays):
        cands = np.stack([base, base, base])
        cands[0, :, t], cands[2, :, t] = down[:, t], base[:, t] + h[:, t]
        o = evaluate_plan(cs, cands)
        v, size = parts(o, t)
        width_dn, width_up = base[:, t] - down[:, t], h[:, t]
        if not plain:  # the day's cost moves with its spend alone (commission at its aov)
            cost = by_source(cs, o).cost
            width_dn, width_up = cost[1] - cost[0], cost[2] - cost[1]
        coef_t = spend_coef[t] if np.ndim(spend_coef) == 2 else spend_coef
        fwd[t] = (v[2] - v[1]) / width_up - coef_t
        with np.errstate(divide="ignore", invalid="ignore"):
            bwd[t] = np.where(width_dn > 0, (v[1] - v[0]) / width_dn, np.inf) - coef_t
        abs_t = abs_coef[t] if np.ndim(abs_coef) == 2 else abs_coef
        scale[t] = np.abs(size[2] - size[1]) / width_up + abs_t
    return fwd.ravel(), bwd.ravel(), scale.ravel()


def _price_interval(
    fwd: FloatArray, bwd: FloatArray, at_lo: BoolArray, at_hi: BoolArray
) -> tuple[float, float]:
    """The prices these items allow: free ones ``fwd <= p <= bwd``; at their lower bound
    ``p >= fwd`` (more spend must not pay); at their upper bound ``p <= bwd``."""
    low = float(np.max(np.where(~at_hi, fwd, -np.inf), initial=-np.inf))
    high = float(np.min(np.where(~at_lo, bwd, np.inf), initial=np.inf))
    return low, high


def kkt_residual(
    cs: CompiledScenario, problem: Problem, alloc: Allocation, split: Split, daily: bool
) -> float:
    """Largest breach of the KKT conditions over continuous concave items, relative.

    A group's items share one price; a group strictly inside its limits has the budget's
    price, one at its max a price at least the budget's, one at its min at most. The
    budget's price is 0 when the budget is not spent, and never negative.
    """
    terms = _lagrangian_terms(cs, alloc.multipliers)
    priced = _priced_terms(problem, alloc.multipliers)
    fwd, bwd, scale_i = _one_sided(cs, split, terms, daily, priced)
    x = np.asarray(alloc.x, dtype=float)
    lower, upper = np.asarray(problem.lower), np.minimum(problem.upper, problem.budget)
    units = np.tile(cs.unit_cost, cs.horizon_days if daily else 1)
    check = problem.curves.concave & ~(units > 0) & (upper > lower)
    if not check.any():
        return 0.0
    tol = 1e-9 * np.maximum(np.abs(x), max(problem.budget, 1e-300) * 1e-9)
    at_lo, at_hi = x <= lower + tol, x >= upper - tol
    scale = float(np.max(np.where(check & np.isfinite(scale_i), scale_i, 0.0))) or 1.0
    owner = np.full(x.size, -1)
    for g, grp in enumerate(problem.groups):
        owner[grp.index] = g

    def interval(index: IntArray) -> tuple[float, float]:
        idx = index[check[index]]
        return _price_interval(fwd[idx], bwd[idx], at_lo[idx], at_hi[idx])

    lam_lo, lam_hi = interval(np.nonzero(owner < 0)[0])
    breach = 0.0
    for grp in problem.groups:
        g_lo, g_hi = interval(np.asarray(grp.index))
        breach = max(breach, g_lo - g_hi)
        total = float(x[grp.index].sum())
        room = 1e-9 * max(abs(grp.hi) if np.isfinite(grp.hi) else abs(total), 1.0)
        above_min, below_max = total > grp.lo + room, total < grp.hi - room
        if above_min:  # not held at its min: its price is at least the budget's ...
            lam_hi = min(lam_hi, g_hi)
        if below_max:  # ... not held at its max: at most
            lam_lo = max(lam_lo, g_lo)
    budget_binds = float(x.sum()) >= problem.budget * (1 - 1e-9)
    lam_lo = max(lam_lo, 0.0)
    if not budget_binds:
        lam_hi = min(lam_hi, 0.0)
    breach = max(breach, lam_lo - lam_hi)
    return float(max(breach, 0.0) / scale) if np.isfinite(breach) else float("inf")


# --- the whole check ---------------------------------------------------------------


def certify(
    cs: CompiledScenario,
    problem: Problem,
    alloc: Allocation,
    split: Split,
    daily: bool,
) -> Certificate:
    """Check an answer on the engine; see the module docstring."""
    failures: list[str] = []
    infeasible = alloc.status == "infeasible"
    viol = _violations(cs, split, check_targets=not infeasible)
    worst = max(viol.values(), default=0.0)
    for name, v in viol.items():
        if v > FEASIBILITY_TOL:
            failures.append(f"{name} broken by {v:.2g} (relative)")
    if infeasible:
        return Certificate(not failures, worst, None, None, tuple(failures))
    achieved = objective_total(cs, totals(cs, evaluate_split(cs, split)))
    tol = GAP_TOL * max(abs(achieved), 1.0)
    gap: float | None = None
    # a segmented channel's daily cap split into per-segment shares is a bound of the
    # plan's making: the solver's optimum and upper bound are then those of a narrower
    # problem, and prove nothing about the scenario's
    shared_cap = daily and _shared_cap_binds(cs, problem, alloc)
    stricter = stricter_than_scenario(cs, problem, np.asarray(alloc.x), daily)
    stricter = stricter or _acquisition_cac_binds(cs, alloc)
    if shared_cap:
        failures.append("optimality not proven: segments share a channel's daily cap")
    elif stricter:
        failures.append(stricter)
    elif alloc.upper_bound is not None:
        bound = alloc.upper_bound  # for min_spend: a proven lower bound on the spend
        gap = float(achieved - bound) if problem.minimize_spend else float(bound - achieved)
        if gap < -tol:
            side = "above" if problem.minimize_spend else "below"
            failures.append(f"the proven bound {bound:,.6g} is {side} the plan's {achieved:,.6g}")
            gap = None
        elif gap > tol:
            failures.append(f"optimality not proven: the best plan may earn {gap:,.6g} more")
        else:
            gap = max(gap, 0.0)
    slack = _priced_slack(problem, alloc)
    if slack:
        failures.append(slack)
    units = np.tile(cs.unit_cost, cs.horizon_days if daily else 1)
    continuous = problem.curves.concave & ~(units > 0)
    kkt: float | None = None
    if continuous.any():
        kkt = kkt_residual(cs, problem, alloc, split, daily)
        if kkt > KKT_TOL and alloc.upper_bound is None:
            failures.append(f"marginal returns are not balanced (KKT residual {kkt:.2g})")
    if gap is None and not failures and np.all(continuous):
        gap = 0.0  # convex and stationary: the optimum itself
    return Certificate(not failures, worst, kkt, gap, tuple(failures))


def _priced_slack(problem: Problem, alloc: Allocation) -> str:
    """Complementary slackness of the priced constraints: a positive multiplier on one that
    the plan does not meet with equality makes the KKT check no proof ('' if none).

    The problem is convex (concave curves; every priced constraint is concave in ``x``),
    so multipliers that are stationary on the engine (:func:`kkt_residual`, which reads
    their terms), with every constraint met (the feasibility check) and each positive one
    tight, are a dual optimum whose value equals the plan's: the plan is the optimum."""
    x = np.asarray(alloc.x, dtype=float)
    for c in problem.priced:
        m = float(alloc.multipliers.get(c.name, 0.0))
        if m <= 0:
            continue
        metric = problem.metric(c.weights, x)
        spend = float(np.asarray(c.price) @ x)
        size = abs(metric) + abs(spend) + abs(c.floor) or 1.0
        if metric - spend - c.floor > 1e-7 * size:
            return f"optimality not proven: {c.name} is priced but not tight"
    return ""


def _acquisition_cac_binds(cs: CompiledScenario, alloc: Allocation) -> str:
    """``cac_basis: acquisition`` is planned as CAC over all spend (stricter where a
    retention channel spends): where cac_max binds, the plan is feasible, not proven best."""
    if cs.limits.cac_basis != "acquisition" or not cs.is_retention.any():
        return ""
    if alloc.multipliers.get("cac_max", 0.0) <= 0 or "cac_max" not in cs.targets:
        return ""
    return "optimality not proven: CAC over acquisition spend is planned as CAC over all spend"


def with_fixed_point(
    cs: CompiledScenario, split: Split, cert: Certificate, loop: Any
) -> Certificate:
    """A certificate checked on the frozen base's trajectory, re-read for the scenario whose
    base grows with the plan: feasibility on the engine itself (targets included), and
    optimality not proven (the allocator does not price a new customer's worth to
    retention), so the plan is at best ``feasible``. ``loop``: a ``FixedPoint``."""
    viol = _violations(cs, split, check_targets=True)
    worst = max([cert.max_violation, *viol.values()])
    failures = list(cert.failures)
    failures += [
        f"{name} broken by {v:.2g} (relative)" for name, v in viol.items() if v > FEASIBILITY_TOL
    ]
    state = "converged" if loop.converged else "did not converge"
    failures.append(
        f"optimality not proven: the customer base grows with the plan (fixed point {state} "
        f"after {loop.iterations} iterations, last change {loop.last_change:.1e})"
    )
    return Certificate(False, worst, cert.kkt_residual, None, tuple(failures), loop)


def _shared_cap_binds(cs: CompiledScenario, problem: Problem, alloc: Allocation) -> bool:
    """Whether an ad set of a segmented channel sits at its share of the daily cap: a
    bound of the plan's making, not the scenario's, so KKT there proves nothing."""
    counts = np.bincount(cs.ad_set_channel, minlength=cs.n_channels)
    shared = (counts[cs.ad_set_channel] > 1) & np.isfinite(cs.daily_cap[cs.ad_set_channel])
    if not shared.any():
        return False
    items = np.tile(shared, cs.horizon_days)
    x, upper = np.asarray(alloc.x), np.asarray(problem.upper)
    at_cap = x >= upper * (1 - 1e-9)
    return bool(np.any(items & at_cap))


def certified_status(solver_status: str, cert: Certificate) -> str:
    """What may be claimed: ``optimal`` only when the check passes.

    A plan that meets every constraint but whose optimality is not shown is ``feasible``
    (its ``gap_bound`` says how far from the best it can be, where known); one that breaks a
    constraint the solver believed it kept is ``unverified`` (a defect: exit 1).
    """
    if solver_status != "optimal" or cert.checked:
        return solver_status
    return "feasible" if cert.max_violation <= FEASIBILITY_TOL else "unverified"
