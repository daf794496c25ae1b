"""A compiled scenario as line items for the allocators: ad sets, or ad sets by day.

Static plan: one item per ad set. Without events or adstock its curve is the ad set's
``C``; with them, each ad set spent evenly is a sum of day curves
``sum_t w_t v_t / H * C(S / m_t)`` (``SummedCurve``), concave whenever ``C`` is.

Daily plan (CONTRACT.md 1b): one item per (ad set, day) with curve
``w_t v_t / H * C(H x / m_t)``, where ``w_t = 1 - decay^(H - t + 1)`` is the share that
lands inside the horizon; its revenue per conversion is ``aov * aov_mult[t]``. Each item
is an exact line item, so the same allocator plans by day.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from simulator.evaluate import evaluate_spend, landed_fraction
from simulator.model.compiled import CompiledScenario
from simulator.model.curve_set import CurveSet
from simulator.model.curves import Curve, FloatArray, IntArray
from simulator.optimize.problem import FloorConstraint, Group, Problem, RatioConstraint


@dataclass(frozen=True)
class SummedCurve(Curve):
    """``sum_t C_(t, i)(s)`` over ``days`` blocks of a tiled set: one even-spend ad set."""

    tiled: CurveSet
    days: int

    @property
    def size(self) -> int:
        return self.tiled.n // self.days

    def _fold(self, method: str, s: FloatArray) -> FloatArray:
        s = np.asarray(s, dtype=float)
        wide = np.concatenate([s] * self.days, axis=-1)
        out = getattr(self.tiled, method)(wide)
        return np.asarray(out.reshape(*out.shape[:-1], self.days, self.size).sum(axis=-2))

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


def _day_scales(cs: CompiledScenario) -> tuple[FloatArray, FloatArray]:
    """Output and input scales of each (day, ad set) item, day-major: shapes ``(H*A,)``."""
    h = cs.horizon_days
    out = (landed_fraction(cs) * cs.response_mult / h).T.ravel()
    inp = (1.0 / cs.cost_mult).T.ravel()
    return out, inp


def static_curves(cs: CompiledScenario) -> tuple[CurveSet, FloatArray]:
    """Each ad set's conversions as a function of its even total, and revenue per conversion.

    With ``aov_multiplier`` events the revenue per conversion depends on which days the
    conversions come from; it is taken at an even split of the budget (exact when no
    event changes the order value).
    """
    if not cs.has_time_effects:
        return cs.curves, cs.aov.copy()
    out, inp = _day_scales(cs)
    tiled = CurveSet.tile(cs.curves, cs.horizon_days).scaled(out, inp)
    curves = CurveSet(
        ((SummedCurve(tiled, cs.horizon_days), np.arange(cs.n_ad_sets)),), cs.n_ad_sets
    )
    o = evaluate_spend(cs, np.full(cs.n_ad_sets, cs.budget / cs.n_ad_sets))
    with np.errstate(invalid="ignore", divide="ignore"):
        aov = np.where(o.conversions[0] > 0, o.revenue[0] / o.conversions[0], cs.aov)
    return curves, np.asarray(aov, dtype=float)


def daily_curves(cs: CompiledScenario) -> tuple[CurveSet, FloatArray]:
    """Curves and revenue per conversion of every (day, ad set) item, day-major."""
    out, inp = _day_scales(cs)
    h = cs.horizon_days
    curves = CurveSet.tile(cs.curves, h).scaled(out, inp * h)
    aov = (cs.aov[:, None] * cs.aov_mult).T.ravel()
    return curves, aov


def channel_bounds(cs: CompiledScenario) -> tuple[FloatArray, FloatArray]:
    """Each channel's min and max spend over the horizon, after locks and change limits."""
    lo, hi = cs.channel_min.copy(), cs.channel_max.copy()
    current = cs.channel_sum(cs.current.spend) if cs.current is not None else None
    change = cs.spec.budget.max_change
    if current is not None and change is not None:
        lo = np.maximum(lo, current * (1.0 - change))
        hi = np.minimum(hi, current * (1.0 + change))
    if current is not None:
        lo = np.where(cs.channel_locked, current, lo)
        hi = np.where(cs.channel_locked, current, hi)
    else:
        hi = np.where(cs.channel_locked, lo, hi)
    return lo, np.maximum(hi, lo)


def build_problem(
    cs: CompiledScenario, daily: bool = False, fixed: dict[int, float] | None = None
) -> Problem:
    """The scenario's objective, budget, bounds and targets over its line items.

    ``fixed`` pins some channels' totals (channel index -> spend over the horizon): a
    daily plan keeps whole-unit channels at a whole number of units this way.
    """
    curves, aov = daily_curves(cs) if daily else static_curves(cs)
    copies = cs.horizon_days if daily else 1

    def rep(a: npt.NDArray[Any]) -> npt.NDArray[Any]:  # per ad set -> per item
        return np.tile(a, copies)

    ncr, margin, repeat = rep(cs.new_customer_rate), rep(cs.margin), rep(cs.repeat_revenue)
    n = curves.n
    lo, hi = channel_bounds(cs)
    for c, total in (fixed or {}).items():
        lo[c] = hi[c] = total
    channel_of = rep(cs.ad_set_channel)
    lower, upper = np.zeros(n), hi[channel_of].astype(float)
    if daily:
        upper = np.minimum(upper, cs.daily_cap[channel_of])
    groups = []
    for c in range(cs.n_channels):
        idx = np.nonzero(channel_of == c)[0]
        if idx.size == 1:
            lower[idx] = lo[c]
        else:
            groups.append(Group(cs.channel_ids[c], idx, float(lo[c]), float(hi[c])))
    weights = {
        "revenue": aov,
        "conversions": np.ones(n),
        "new_customers": ncr,
        "profit": aov * margin,
        "ltv": aov + ncr * repeat,
        "min_spend": aov,
    }
    t = cs.targets
    ratios = []
    if "roi_min" in t:
        ratios.append(RatioConstraint("roi_min", aov, t["roi_min"]))
    if "cac_max" in t:
        ratios.append(RatioConstraint("cac_max", ncr, 1.0 / t["cac_max"]))
    if "ltv_cac_min" in t:
        ratios.append(RatioConstraint("ltv_cac_min", ncr * (aov + repeat), t["ltv_cac_min"]))
    floor_weights = {"revenue_min": aov, "conversions_min": np.ones(n), "new_customers_min": ncr}
    floors = [FloorConstraint(k, w, t[k]) for k, w in floor_weights.items() if k in t]
    return Problem(
        curves=curves,
        lower=lower,
        upper=upper,
        objective=weights[cs.objective],
        budget=cs.budget,
        spend_cost=1.0 if cs.objective == "profit" else 0.0,
        ratios=tuple(ratios),
        floors=tuple(floors),
        groups=tuple(groups),
        minimize_spend=cs.objective == "min_spend",
    )
