"""The run-time certificate: it passes on true optima and fails on each kind of wrong answer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from simulator.model.compiled import Split
from simulator.model.load import load_scenario
from simulator.optimize import build_problem, optimize, solve
from simulator.optimize.certificate import (
    Certificate,
    certified_status,
    certify,
    kkt_residual,
)

TWO = """\
name: two
horizon_days: 30
budget: {total: 1000000}
objective: OBJECTIVE
TARGETS
channels:
  - id: a
    response: {type: exponential, max_conversions: 9000, scale: 250000}
    aov: 160
    new_customer_rate: 0.5
  - id: b
    response: {type: hill, max_conversions: 12000, half_saturation: 400000, shape: 0.9}
    aov: 220
  - id: capped
    response: {type: linear, cost_per_conversion: 50, max_conversions: 2000}
    aov: 200
"""


def _scenario(write: Callable[..., Path], objective: str = "revenue", targets: str = "") -> Path:
    return write(TWO.replace("OBJECTIVE", objective).replace("TARGETS", targets))


def _parts(path: Path) -> tuple:
    cs = load_scenario(path)
    p = build_problem(cs)
    a = solve(cs, p, False)
    return cs, p, a


@pytest.mark.parametrize(
    ("objective", "targets"),
    [
        ("revenue", ""),
        ("revenue", "targets: {roi_min: 3.2}"),
        ("new_customers", "targets: {roi_min: 2.5}"),
        ("profit", ""),
        ("min_spend", "targets: {revenue_min: 2000000}"),
        ("conversions", "targets: {cac_max: 120}"),
    ],
)
def test_true_optimum_is_certified(write, objective: str, targets: str) -> None:
    cs, p, a = _parts(_scenario(write, objective, targets))
    cert = certify(cs, p, a, Split(a.x), daily=False)
    assert cert.checked, cert.failures
    assert cert.kkt_residual is not None
    assert cert.kkt_residual < 1e-6
    assert cert.gap_bound == 0.0
    assert optimize(cs).status == "optimal"


def test_the_linear_channel_at_its_kink_is_not_a_breach(write) -> None:
    """The capped linear channel saturates at 100,000: left slope 4, right slope 0."""
    cs, p, a = _parts(_scenario(write))
    assert a.x[2] == pytest.approx(100_000)
    assert kkt_residual(cs, p, a, Split(a.x), daily=False) < 1e-6


def test_moved_spend_fails_the_kkt_check(write) -> None:
    cs, p, a = _parts(_scenario(write))
    x = a.x.copy()
    x[0] += 50_000
    x[1] -= 50_000
    moved = replace(a, x=x)
    cert = certify(cs, p, moved, Split(x), daily=False)
    assert not cert.checked
    assert cert.kkt_residual is not None
    assert cert.kkt_residual > 1e-3
    assert certified_status("optimal", cert) == "feasible"


def test_a_bound_below_the_plan_is_caught(write) -> None:
    cs, p, a = _parts(_scenario(write))
    low = replace(a, upper_bound=a.objective * 0.999)
    cert = certify(cs, p, low, Split(a.x), daily=False)
    assert not cert.checked
    assert cert.gap_bound is None
    assert any("below the plan" in f for f in cert.failures)


def test_a_loose_bound_is_reported_as_the_gap(write) -> None:
    cs, p, a = _parts(_scenario(write))
    loose = replace(a, upper_bound=a.objective + 1000.0)
    cert = certify(cs, p, loose, Split(a.x), daily=False)
    assert cert.gap_bound == pytest.approx(1000.0, rel=1e-6)
    assert certified_status("optimal", cert) == "feasible"


def test_a_broken_target_is_unverified(write) -> None:
    cs, p, a = _parts(_scenario(write, targets="targets: {roi_min: 3.2}"))
    x = a.x * 1.02  # more spend on the same curves: ROI falls below the floor
    x *= min(1.0, cs.budget / x.sum())
    x[0] += cs.budget - x.sum()
    cert = certify(cs, p, replace(a, x=x), Split(x), daily=False)
    assert cert.max_violation > 1e-6
    assert certified_status("optimal", cert) == "unverified"


def test_over_budget_and_over_max_are_violations(write) -> None:
    cs, p, a = _parts(_scenario(write))
    x = a.x.copy()
    x[2] = 2 * cs.budget
    cert = certify(cs, p, replace(a, x=x), Split(x), daily=False)
    assert cert.max_violation >= 1.0


def test_daily_plans_are_certified(write) -> None:
    path = write(
        TWO.replace("OBJECTIVE", "revenue").replace(
            "TARGETS",
            "events: [{name: sale, start: 3, end: 5, cost_multiplier: 1.5, cvr_multiplier: 2}]",
        )
    )
    cs = load_scenario(path)
    rec = optimize(cs, plan="daily")
    assert rec.status == "optimal"
    assert rec.certificate.checked
    assert rec.to_json()["certificate"]["kkt_residual"] < 1e-5


def test_status_mapping() -> None:
    ok = Certificate(True, 0.0, 0.0, 0.0)
    assert certified_status("optimal", ok) == "optimal"
    assert certified_status("infeasible", Certificate(False, 0.5, None, None)) == "infeasible"
    assert np.isfinite(ok.max_violation)
    assert "checked" in ok.summary()
