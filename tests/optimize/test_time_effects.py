"""The total plan optimises exactly what ``evaluate`` computes, events and adstock included.

With ``aov_multiplier`` events revenue is not a fixed multiple of conversions, so each ad set
has two concave profiles (conversions, aov-weighted conversions). Every check here is made
on the expected-value engine itself, never on the optimiser's own model: the answer meets
each target, free ad sets satisfy the KKT conditions of the engine's function (finite
differences), and neither a few hundred random feasible splits nor SLSQP on the engine's
function from several starts beat it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.optimize import minimize

from simulator import load_scenario, optimize
from simulator.expected import evaluate_spend, totals
from simulator.model.compiled import CompiledScenario
from simulator.model.curves import FloatArray
from simulator.optimize.lineitems import build_problem

Write = Callable[[str, str], Path]

SALE = """\
name: sale
horizon_days: 14
budget: {total: 600000}
objective: revenue
segments:
  - {id: young, size: 2000000, cvr_multiplier: 1.4, aov_multiplier: 0.9, new_customer_rate: 0.8}
  - {id: old, size: 1000000}
events:
  - {name: sale, start: 5, end: 6, cost_multiplier: 1.8, cvr_multiplier: 2.5, aov_multiplier: 0.55}
  - name: clear
    start: 10
    end: 12
    cost_multiplier: 0.9
    cvr_multiplier: 1.3
    aov_multiplier: 0.8
    channels: [feed]
channels:
  - id: search
    response: {type: hill, max_conversions: 3000, half_saturation: 200000, shape: 0.8}
    aov: 220
    margin: 0.35
    new_customer_rate: 0.6
    adstock: {decay: 0.4}
  - id: feed
    response: {type: exponential, max_conversions: 2500, scale: 150000}
    aov: 160
    margin: 0.5
    segments: [young, old]
  - id: notes
    response: {type: hill, max_conversions: 1500, half_saturation: 80000, shape: 0.6}
    aov: 300
    margin: 0.3
    new_customer_rate: 0.9
"""


def _variant(adstock: bool, segments: bool) -> str:
    text = SALE
    if not adstock:
        text = text.replace("    adstock: {decay: 0.4}\n", "")
    if not segments:
        text = text.replace("    segments: [young, old]\n", "")
    return text


def _with(cs: CompiledScenario, objective: str, targets: dict[str, float]) -> CompiledScenario:
    return dataclasses.replace(cs, objective=objective, targets=targets)


def _metrics(cs: CompiledScenario, x: FloatArray) -> dict[str, FloatArray]:
    """The engine's totals of candidate splits ``(K, A)`` (spent evenly)."""
    return totals(cs, evaluate_spend(cs, np.atleast_2d(x)))


def _slacks(cs: CompiledScenario, t: dict[str, FloatArray]) -> FloatArray:
    """Each target's slack (>= 0: met) and the budget's, ``(K, n_targets + 1)``."""
    spend = t["spend"]
    cols = [cs.budget - spend]
    tg = cs.targets
    if "roi_min" in tg:
        cols.append(t["revenue"] - tg["roi_min"] * spend)
    if "cac_max" in tg:
        cols.append(t["new_customers"] * tg["cac_max"] - spend)
    for name, metric in (("revenue_min", "revenue"), ("new_customers_min", "new_customers")):
        if name in tg:
            cols.append(t[metric] - tg[name])
    return np.stack(cols, axis=-1)


def _objective(cs: CompiledScenario, x: FloatArray) -> FloatArray:
    return _metrics(cs, x)[cs.objective]


def _upper(cs: CompiledScenario) -> FloatArray:
    """Each ad set's upper bound: its channel's max and daily cap times the horizon."""
    cap = np.minimum(cs.channel_max, cs.daily_cap * cs.horizon_days)
    return np.minimum(cap[cs.ad_set_channel], cs.budget)


def _kkt_residual(cs: CompiledScenario, x: FloatArray) -> float:
    """How far the engine's gradients at ``x`` are from the KKT conditions on free items.

    Free items (strictly inside their bounds) must have ``d obj + sum_k m_k d g_k = lam``
    with ``m_k >= 0`` on the targets: solved for ``(m, lam)`` by nonnegative least squares
    on the engine's finite-difference gradients; returns the relative residual.
    """
    from scipy.optimize import nnls

    up = _upper(cs)
    free = np.nonzero((x > 1e-6 * cs.budget) & (x < up * (1 - 1e-6)))[0]
    h = 1e-5 * x[free]
    plus = np.repeat(x[None], free.size, axis=0)
    minus = plus.copy()
    plus[np.arange(free.size), free] += h
    minus[np.arange(free.size), free] -= h
    tp, tm = _metrics(cs, plus), _metrics(cs, minus)
    d_obj = (tp[cs.objective] - tm[cs.objective]) / (2 * h)
    d_g = (_slacks(cs, tp)[:, 1:] - _slacks(cs, tm)[:, 1:]) / (2 * h[:, None])
    # d_obj = lam * 1 + sum_k m_k (-d g_k) with lam, m >= 0 (lam = 0: budget not binding)
    a = np.column_stack([np.ones(free.size), -d_g])
    _, res = nnls(a, d_obj)
    return float(res / np.linalg.norm(d_obj))


def _cap_slack(cs: CompiledScenario, x: FloatArray) -> FloatArray:
    """Each channel's room under its max and daily cap, summed over its ad sets ``(K, C)``."""
    cap = np.minimum(cs.channel_max, cs.daily_cap * cs.horizon_days)
    room = cap - cs.channel_sum(np.atleast_2d(x))
    return np.asarray(np.where(np.isfinite(room), room, cs.budget), dtype=float)


def _random_feasible_best(cs: CompiledScenario, draws: int, seed: int) -> float:
    """The best objective among random splits that meet the budget, bounds and targets."""
    rng = np.random.default_rng(seed)
    a = cs.n_ad_sets
    shares = rng.dirichlet(np.full(a, 0.7), size=draws)
    level = np.where(rng.uniform(size=draws) < 0.6, 1.0, rng.uniform(0.3, 1.0, draws))
    x = np.minimum(shares * cs.budget * level[:, None], _upper(cs))
    t = _metrics(cs, x)
    ok = np.all(_slacks(cs, t) >= 0, axis=1) & np.all(_cap_slack(cs, x) >= 0, axis=1)
    return float(np.max(np.where(ok, t[cs.objective], -np.inf)))


def _slsqp_best(cs: CompiledScenario, starts: int, seed: int) -> float:
    """The best feasible objective SLSQP finds on the engine's function from several starts."""
    rng = np.random.default_rng(seed)
    up = _upper(cs)
    scale = float(_objective(cs, np.full(cs.n_ad_sets, cs.budget / cs.n_ad_sets))[0])
    best = -np.inf
    for k in range(starts):
        x0 = np.minimum(cs.budget / cs.n_ad_sets * rng.uniform(0.3, 1.0, cs.n_ad_sets), up)
        res = minimize(
            lambda x: -float(_objective(cs, x)[0]) / scale,
            x0 if k else np.minimum(np.full(cs.n_ad_sets, cs.budget / cs.n_ad_sets), up),
            method="SLSQP",
            bounds=list(zip(np.full(cs.n_ad_sets, 1e-6 * cs.budget), up, strict=True)),
            constraints=[
                {"type": "ineq", "fun": lambda x: _slacks(cs, _metrics(cs, x))[0] / scale},
                {"type": "ineq", "fun": lambda x: _cap_slack(cs, x)[0] / cs.budget},
            ],
            options={"ftol": 1e-12, "maxiter": 500},
        )
        t = _metrics(cs, res.x)
        if np.all(_slacks(cs, t)[0] >= 0) and np.all(_cap_slack(cs, res.x) >= 0):
            best = max(best, float(t[cs.objective][0]))
    return best


def _check_optimum(cs: CompiledScenario, kkt: bool = True) -> FloatArray:
    rec = optimize(cs)
    assert rec.status == "optimal", rec.message
    assert rec.split is not None
    x = np.asarray(rec.split.spend, dtype=float)
    t = _metrics(cs, x)
    value = float(t[cs.objective][0])
    assert value == pytest.approx(rec.totals[cs.objective], rel=1e-12)
    slack = _slacks(cs, t)[0]
    sizes = np.array([cs.budget] + [abs(v) + cs.budget for v in cs.targets.values()])
    assert np.all(slack >= -1e-9 * sizes[: slack.size]), slack  # every target met
    if kkt:
        assert _kkt_residual(cs, x) < 1e-6
    assert _random_feasible_best(cs, 400, seed=1) <= value * (1 + 1e-6)
    assert _slsqp_best(cs, 4, seed=2) <= value * (1 + 1e-6)
    return x


@pytest.mark.parametrize("adstock", [False, True])
@pytest.mark.parametrize("segments", [False, True])
def test_revenue_objective_matches_the_engine(write: Write, adstock: bool, segments: bool) -> None:
    cs = load_scenario(write(_variant(adstock, segments), "sale.yaml"))
    x = _check_optimum(cs)
    # without targets every free item earns the same marginal revenue on the engine
    h = 1e-5 * x
    eye = np.diag(h)
    d = (_objective(cs, x + eye) - _objective(cs, x - eye)) / (2 * h)
    assert np.ptp(d) <= 1e-6 * np.max(d)


@pytest.mark.parametrize(
    ("objective", "target", "factor"),
    [
        ("revenue", "roi_min", 1.15),
        ("revenue", "cac_max", 0.9),
        ("profit", "roi_min", 1.1),
        ("new_customers", "revenue_min", 0.5),
        ("new_customers", "roi_min", 1.1),
        ("profit", "cac_max", 0.95),
    ],
)
@pytest.mark.parametrize("adstock", [False, True])
def test_binding_targets_are_met_on_the_engine_and_optimal(
    write: Write, objective: str, target: str, factor: float, adstock: bool
) -> None:
    base = load_scenario(write(_variant(adstock, segments=True), "sale.yaml"))
    free = optimize(_with(base, objective, {}))
    metric = {"roi_min": "roi", "cac_max": "cac", "revenue_min": "revenue"}[target]
    value = free.totals[metric] * factor
    if target == "revenue_min":  # between the free plan's revenue and the most reachable
        most = optimize(_with(base, "revenue", {})).totals["revenue"]
        value = free.totals[metric] + factor * (most - free.totals[metric])
    cs = _with(base, objective, {target: value})
    _check_optimum(cs)


def test_roi_and_cac_together(write: Write) -> None:
    base = load_scenario(write(_variant(adstock=True, segments=True), "sale.yaml"))
    free = optimize(base).totals
    cs = _with(base, "revenue", {"roi_min": free["roi"] * 1.08, "cac_max": free["cac"] * 0.97})
    _check_optimum(cs)


def test_problem_metrics_are_the_engines(write: Write) -> None:
    """Objective and every target metric of the line-item problem equal the engine's."""
    cs = load_scenario(write(_variant(adstock=True, segments=True), "sale.yaml"))
    targets = {"roi_min": 1.0, "cac_max": 200.0, "ltv_cac_min": 1.0, "revenue_min": 1.0}
    targets |= {"new_customers_min": 1.0, "conversions_min": 1.0}
    cs = _with(cs, "profit", targets)
    p = build_problem(cs)
    assert p.aov_curves is not None
    rng = np.random.default_rng(5)
    for x in rng.uniform(0, cs.budget / 2, size=(20, cs.n_ad_sets)):
        t = {k: float(v[0]) for k, v in _metrics(cs, x).items()}
        assert p.objective_value(x) == pytest.approx(t["profit"], rel=1e-12)
        got = {r.name: p.metric(r.weights, x) for r in (*p.ratios, *p.floors)}
        assert got["roi_min"] == pytest.approx(t["revenue"], rel=1e-12)
        assert got["cac_max"] == pytest.approx(t["new_customers"], rel=1e-12)
        assert got["revenue_min"] == pytest.approx(t["revenue"], rel=1e-12)
        assert got["new_customers_min"] == pytest.approx(t["new_customers"], rel=1e-12)
        assert got["conversions_min"] == pytest.approx(t["conversions"], rel=1e-12)
        ltv_of_new = t["ltv_per_customer"] * t["new_customers"]
        assert got["ltv_cac_min"] == pytest.approx(ltv_of_new, rel=1e-12)


@given(
    seed=st.integers(0, 2**32 - 1),
    decay=st.floats(0.0, 0.9),
    objective=st.sampled_from(["revenue", "profit", "conversions", "new_customers"]),
)
def test_problem_objective_is_the_engines_for_any_day_multipliers(
    seed: int, decay: float, objective: str
) -> None:
    """Random cost, cvr and aov multipliers per (ad set, day) and adstock: same numbers."""
    cs = load_scenario_text(_variant(adstock=False, segments=True))
    rng = np.random.default_rng(seed)
    shape = cs.aov_mult.shape
    aov_mult = rng.uniform(0.4, 1.2, shape)
    cs = dataclasses.replace(
        _with(cs, objective, {}),
        cost_mult=rng.uniform(0.5, 2.0, shape),
        cvr_mult=rng.uniform(0.5, 3.0, shape),
        aov_mult=aov_mult,
        value_per_conversion=cs.aov[:, None] * aov_mult,  # as compile builds it
        decay=np.full(cs.n_ad_sets, decay),
    )
    p = build_problem(cs)
    x = rng.uniform(0, cs.budget / 2, size=(5, cs.n_ad_sets))
    want = _metrics(cs, x)[objective]
    got = [p.objective_value(xi) for xi in x]
    assert got == pytest.approx(want, rel=1e-12)  # profit: both subtract the spend


_TEXT_CACHE: dict[str, CompiledScenario] = {}


def load_scenario_text(text: str) -> CompiledScenario:
    """A scenario from YAML text, compiled once per text (hypothesis calls this often)."""
    if text not in _TEXT_CACHE:
        import tempfile

        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / "s.yaml"
            path.write_text(text, encoding="utf-8")
            _TEXT_CACHE[text] = load_scenario(path)
    return _TEXT_CACHE[text]


def test_min_spend_is_the_least_spend_meeting_a_revenue_floor(write: Write) -> None:
    base = load_scenario(write(_variant(adstock=True, segments=True), "sale.yaml"))
    floor = 0.8 * optimize(base).totals["revenue"]
    rec = optimize(_with(base, "min_spend", {"revenue_min": floor}))
    assert rec.status == "optimal"
    spend = rec.totals["spend"]
    assert rec.totals["revenue"] >= floor * (1 - 1e-9)
    # a hair less money earns less than the floor, even spent as well as possible
    less = dataclasses.replace(_with(base, "revenue", {}), budget=spend * (1 - 1e-6))
    assert optimize(less).totals["revenue"] < floor


def test_infeasible_roi_reports_the_engines_best_roi(write: Write) -> None:
    """Only spend near 0 could reach a huge ROI: the message names the best reachable one."""
    text = (
        _variant(adstock=True, segments=False)
        .replace("shape: 0.6}", "shape: 1.0}")
        .replace("shape: 0.8}", "shape: 1.0}")
    )  # finite ROI at 0: hill with shape 1 has a finite slope there
    base = load_scenario(write(text, "sale.yaml"))
    cs = _with(base, "revenue", {"roi_min": 50.0})
    rec = optimize(cs)
    assert rec.status == "infeasible"
    # notes' ROI at 0 (no adstock): aov * C'(0) * mean over days of cvr * aov mult / cost
    limit = 300 * 1500 / 80000 * (12 + 2 * 2.5 * 0.55 / 1.8) / 14
    assert "highest reachable ROI is 5.44; it is only approached as spend falls to 0" in (
        rec.message
    )
    # the allocation approaching it spends a sliver: ROI is undefined there (null), but
    # its revenue per yuan is the limit
    assert np.isnan(rec.totals["roi"])
    assert 0 < rec.totals["spend"] <= 1e-9 * cs.budget
    assert rec.totals["revenue"] / rec.totals["spend"] == pytest.approx(limit, rel=1e-6)
    rng = np.random.default_rng(7)
    x = rng.dirichlet(np.ones(cs.n_ad_sets), 400) * cs.budget * rng.uniform(1e-4, 1, (400, 1))
    assert np.max(_metrics(cs, x)["roi"]) < limit


def test_whole_units_with_aov_events_beat_every_whole_unit_split(write: Write) -> None:
    """Branch and bound on the two-profile problem: no whole-unit split on a fine grid wins."""
    text = _variant(adstock=True, segments=False).replace(
        "    margin: 0.3\n", "    margin: 0.3\n    unit_cost: 25000\n"
    )
    cs = load_scenario(write(text, "units.yaml"))
    cs = _with(cs, "revenue", {"roi_min": optimize(cs).totals["roi"] * 1.05})
    rec = optimize(cs)
    assert rec.status == "optimal"
    assert rec.allocation["notes"] % 25000 == pytest.approx(0.0, abs=1e-6)
    value = rec.totals["revenue"]
    assert rec.totals["roi"] >= cs.targets["roi_min"] * (1 - 1e-12)
    units = np.arange(0, 25) * 25000.0
    a = np.linspace(0, cs.budget, 241)
    aa, bb, uu = np.meshgrid(a, a, units, indexing="ij")
    x = np.stack([aa.ravel(), bb.ravel(), uu.ravel()], axis=1)
    x = x[x.sum(axis=1) <= cs.budget]
    t = _metrics(cs, x)
    ok = t["revenue"] >= cs.targets["roi_min"] * t["spend"]
    assert np.max(np.where(ok, t["revenue"], -np.inf)) <= value * (1 + 1e-9)


def test_double11_upper_bound_holds_and_roi_floor_is_met() -> None:
    cs = load_scenario(Path(__file__).resolve().parents[2] / "scenarios" / "double11.yaml")
    rec = optimize(cs)
    assert rec.status == "optimal"
    assert rec.totals["roi"] >= cs.targets["roi_min"] * (1 - 1e-12)
    if rec.upper_bound is not None:
        assert rec.upper_bound >= rec.totals["revenue"] * (1 - 1e-12)
    assert rec.split is not None
    assert _random_feasible_best(cs, 300, seed=3) <= rec.totals["revenue"] * (1 + 1e-6)


CAPPED = """\
name: capped
horizon_days: 10
budget: {total: 1000000}
channels:
  - id: star
    response: {type: exponential, max_conversions: 100000, scale: 2000000}
    aov: 100
    daily_cap: 20000
  - id: plain
    response: {type: exponential, max_conversions: 5000, scale: 2000000}
    aov: 100
"""


def test_daily_cap_limits_the_total_plan(write: Write) -> None:
    """``star`` is 20x better, so it takes all it may: 20,000 a day x 10 days."""
    cs = load_scenario(write(CAPPED, "capped.yaml"))
    rec = optimize(cs)
    assert rec.allocation["star"] == pytest.approx(200_000, rel=1e-9)
    assert rec.allocation["plain"] == pytest.approx(800_000, rel=1e-9)
    revenue = 100 * (100000 * -np.expm1(-0.1) + 5000 * -np.expm1(-0.4))
    assert rec.totals["revenue"] == pytest.approx(revenue, rel=1e-9)
    assert rec.channels["star"]["active"] == "max_spend"
    assert not rec.warnings


def test_daily_cap_above_the_optimum_changes_nothing(write: Write) -> None:
    loose = load_scenario(write(CAPPED.replace("20000", "200000"), "loose.yaml"))
    free = load_scenario(write(CAPPED.replace("    daily_cap: 20000\n", ""), "free.yaml"))
    assert optimize(loose).allocation == pytest.approx(optimize(free).allocation, rel=1e-12)


def test_daily_cap_with_events_and_segments(write: Write) -> None:
    """With time effects and ad sets the channel's sum over its ad sets is capped."""
    text = _variant(adstock=True, segments=True).replace(
        "    margin: 0.5\n", "    margin: 0.5\n    daily_cap: 12000\n"
    )
    cs = load_scenario(write(text, "sale.yaml"))
    rec = optimize(cs)
    assert rec.allocation["feed"] == pytest.approx(12000 * 14, rel=1e-9)
    assert not rec.warnings
    x = _check_optimum(cs, kkt=False)  # the cap binds a group: KKT checked by hand below
    h = 1e-5 * x
    eye = np.diag(h)
    d = (_objective(cs, x + eye) - _objective(cs, x - eye)) / (2 * h)
    feed = np.array([aid.startswith("feed/") for aid in cs.ad_set_ids])
    assert np.ptp(d[feed]) <= 1e-6 * np.max(d)  # the capped channel's ad sets share a price
    assert np.ptp(d[~feed]) <= 1e-6 * np.max(d)  # the others share the budget's
    assert d[feed].min() > d[~feed].max()  # the cap holds feed back


def test_evaluate_warns_when_even_spend_exceeds_the_daily_cap(write: Write) -> None:
    from simulator import evaluate

    cs = load_scenario(write(CAPPED, "capped.yaml"))
    res = evaluate(cs, {"star": 300_000, "plain": 100_000})
    assert res.warnings == [
        "star: 300,000 spent evenly is 30,000 a day, above its daily_cap of 20,000; "
        "at most 200,000 can be spent over 10 days"
    ]
    assert evaluate(cs, {"star": 200_000}).warnings == []
    daily = [10_000.0] * 10
    daily[3] = 25_000.0
    over = evaluate(cs, {"allocation": {}, "daily": {"star": daily}})
    assert over.warnings == [
        "star: the daily plan spends more than its daily_cap of 20,000 on day(s) 4 (highest 25,000)"
    ]
    assert over.to_json()["warnings"] == over.warnings
