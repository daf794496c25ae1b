"""The exact trade-off front: monotone, each point the optimiser's answer, none beaten."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from simulator import load_scenario
from simulator.api import optimize
from simulator.cli import main
from simulator.model.compiled import CompiledScenario
from simulator.optimize.lineitems import build_problem
from simulator.optimize.pareto import Front, add_chance, pareto_front, with_target
from simulator.optimize.problem import Problem
from simulator.studio.figures import pareto_page
from tests.optimize.conftest import slsqp

Write = Callable[[str, str], Path]

THREE = """\
name: three
horizon_days: 30
budget: {total: 1000000}
targets: {roi_min: 2.5}
channels:
  - id: search
    response: {type: hill, max_conversions: 12000, half_saturation: 400000, shape: 0.9}
    aov: 220
    new_customer_rate: 0.6
    max_spend: 800000
  - id: feed
    response: {type: exponential, max_conversions: 9000, scale: 250000}
    aov: 160
  - id: notes
    response: {type: exponential, max_conversions: 4000, scale: 150000}
    aov: 120
    new_customer_rate: 0.9
"""


@pytest.fixture
def three(write: Write) -> CompiledScenario:
    return load_scenario(write(THREE, "three.yaml"))


def test_cac_front_is_monotone_and_binding(three: CompiledScenario) -> None:
    front = pareto_front(three, "cac", points=8)
    xs = np.array([p.x for p in front.points])
    ys = np.array([p.y for p in front.points])
    assert len(front.points) == 8
    assert not front.skipped
    assert np.all(np.diff(xs) > 0)
    assert np.all(np.diff(ys) > 0)  # more revenue only at a higher CAC
    np.testing.assert_allclose(xs, [p.target for p in front.points], rtol=1e-6)
    free = optimize(with_target(three, "cac_max", None))
    assert front.points[-1].y == pytest.approx(free.totals["revenue"], rel=1e-9)
    for p in front.points:
        assert p.totals["roi"] >= 2.5 * (1 - 1e-9)  # the other target still holds


def test_roi_front_trades_revenue_for_roi(three: CompiledScenario) -> None:
    front = pareto_front(three, "roi", points=6)
    xs = np.array([p.x for p in front.points])
    ys = np.array([p.y for p in front.points])
    assert np.all(np.diff(xs) > 0)
    assert np.all(np.diff(ys) < 0)  # a higher ROI only with less revenue
    assert front.points[0].totals["spend"] == pytest.approx(1e6, rel=1e-9)  # the free optimum


def test_each_point_is_optimize_on_the_edited_file(write: Write, three: CompiledScenario) -> None:
    """The in-memory target edit equals writing the target into the YAML and loading it."""
    front = pareto_front(three, "cac", points=5)
    for p in front.points[::2]:
        text = THREE.replace(
            "targets: {roi_min: 2.5}", f"targets: {{roi_min: 2.5, cac_max: {p.target!r}}}"
        )
        res = optimize(load_scenario(write(text, "edited.yaml")))
        assert res.status == "optimal"
        assert res.totals["revenue"] == pytest.approx(p.y, rel=1e-12)
        assert res.allocation == pytest.approx(p.allocation, rel=1e-12)


def in_units(p: Problem, unit: float) -> Problem:
    """The same problem with spend counted in ``unit`` yuan, so SLSQP sees numbers near 1."""
    n = p.n
    return replace(
        p,
        curves=p.curves.scaled(np.ones(n), np.full(n, unit)),
        lower=p.lower / unit,
        upper=p.upper / unit,
        budget=p.budget / unit,
        spend_cost=p.spend_cost * unit,
        ratios=tuple(replace(r, rho=r.rho * unit) for r in p.ratios),
        floors=p.floors,
        groups=tuple(replace(g, lo=g.lo / unit, hi=g.hi / unit) for g in p.groups),
    )


def test_no_solver_beats_a_front_point(three: CompiledScenario) -> None:
    """SLSQP (several starts, analytic gradients) on each point's problem finds no more."""
    front = pareto_front(three, "cac", points=4)
    for p in front.points:
        ref, _ = slsqp(in_units(build_problem(with_target(three, "cac_max", p.target)), 1e5))
        assert p.y >= ref * (1 - 1e-9)
        assert p.y == pytest.approx(ref, rel=1e-6)


def test_front_rows_and_html(three: CompiledScenario) -> None:
    front = pareto_front(three, "cac", points=3)
    rows = front.rows()
    assert [r["cac_max"] for r in rows] == [p.target for p in front.points]
    assert {"spend:search", "spend:feed", "spend:notes", "revenue", "cac"} <= set(rows[0])
    html = pareto_page(front, "CNY")
    assert '<script src="http' not in html  # no CDN: the plot opens offline
    assert "Plotly.newPlot" in html
    assert len(html) > 1_000_000  # plotly.js itself is inlined: it opens offline


def test_chance_rises_with_the_roi_target(three: CompiledScenario) -> None:
    front = pareto_front(three, "roi", points=4)
    threshold = front.points[0].x * 1.02
    front = add_chance(three, front, threshold, runs=200, seed=3)
    shares = [p.p_target for p in front.points]
    assert shares[0] is not None
    assert shares[0] < 0.5  # its mean ROI is below the threshold: most runs miss it
    assert shares[-1] == pytest.approx(1.0)
    assert front.chance == {"roi": threshold, "runs": 200, "seed": 3}


def test_min_spend_objective_has_no_front(write: Write) -> None:
    sc = load_scenario(write(THREE.replace("targets:", "objective: min_spend\ntargets:"), "m.yaml"))
    with pytest.raises(ValueError, match="min_spend"):
        pareto_front(sc, "cac")


def test_cli_pareto_outputs(
    write: Write, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(THREE, "three.yaml")
    out = tmp_path / "front.csv"
    code = main(
        ["pareto", str(path), "--x", "roi", "--points", "3", "--out", str(out), "--format", "json"]
    )
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    assert doc["axis"] == "roi"
    assert len(doc["points"]) == 3
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [float(r["roi_min"]) for r in rows] == pytest.approx(
        [p["target"] for p in doc["points"]]
    )
    html = tmp_path / "front.html"
    assert main(["pareto", str(path), "--points", "2", "--out", str(html)]) == 0
    assert "Plotly.newPlot" in html.read_text()
    assert main(["pareto", str(path), "--out", str(tmp_path / "front.png")]) == 2


def test_front_json_round_trips(three: CompiledScenario) -> None:
    front = pareto_front(three, "cac", points=2)
    doc = json.loads(json.dumps(front.to_json()))
    assert isinstance(front, Front)
    assert doc["points"][0]["allocation"] == pytest.approx(front.points[0].allocation)
