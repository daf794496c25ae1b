"""The studio's front is the optimiser's (simulator.optimize.pareto), drawn with labels."""

from __future__ import annotations

import dataclasses
import importlib

import pytest

from simulator.api import evaluate
from simulator.optimize.pareto import Front, FrontPoint
from simulator.studio import figures
from simulator.studio import pareto as studio

# ``simulator.optimize`` the attribute is the public function; the module is in sys.modules
library = importlib.import_module("simulator.optimize.pareto")


def _front(axis: str = "cac") -> Front:
    totals = {"spend": 1.0, "revenue": 1.0, "new_customers": 1.0, "roi": 1.0, "cac": 1.0}
    points = [
        FrontPoint(target=80.0, x=79.5, y=2_000_000.0, totals=totals, allocation={}),
        FrontPoint(target=120.0, x=118.25, y=2_600_000.0, totals=totals, allocation={}),
    ]
    target = "cac_max" if axis == "cac" else "roi_min"
    return Front("q4", axis, target, "revenue", points)


def test_trace_front_is_the_librarys(q4, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def fake(cs, axis="cac", points=20, plan="total", on_step=None):
        calls.append((cs, axis, points))
        return _front(axis)

    monkeypatch.setattr(library, "pareto_front", fake)
    steps: list[tuple[int, int]] = []
    front = studio.trace_front(q4, "roi", 5, lambda d, n: steps.append((d, n)))
    assert calls == [(q4, "roi", 5)]  # the scenario as edited, not re-read
    assert front.axis == "roi"
    assert steps == []  # the fake library reports no steps


def test_progress_is_passed_on_once_the_library_takes_it(
    q4, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fake(cs, axis="cac", points=20, plan="total", on_step=None):
        for i in range(points):
            on_step(i + 1, points)
        return _front(axis)

    monkeypatch.setattr(library, "pareto_front", fake)
    steps: list[tuple[int, int]] = []
    studio.trace_front(q4, "cac", 3, lambda d, n: steps.append((d, n)))
    assert steps == [(1, 3), (2, 3), (3, 3)]


def test_points_and_the_chosen_answer_on_the_same_axes(q4, q4_plan) -> None:
    front = _front()
    assert studio.plot_points(front, "en") == [
        (79.5, 2_000_000.0, "CAC cap 80.00"),
        (118.25, 2_600_000.0, "CAC cap 120.00"),
    ]
    assert studio.plot_points(front, "zh")[1][2] == "CAC 上限 120.00"
    rec = evaluate(q4, q4_plan)
    x, y, label = studio.chosen_point(front, rec, "en")
    assert (x, y) == (rec.totals["cac"], rec.totals["revenue"])
    assert label == "the optimiser's split"
    assert studio.chosen_point(front, None, "en") is None
    assert studio.axis_titles(front, "CNY", "en") == ("CAC (CNY)", "Revenue (CNY)")
    assert studio.axis_titles(_front("roi"), "CNY", "zh") == ("ROI", "GMV (CNY)")
    fig = figures.pareto_figure(studio.plot_points(front, "en"), (x, y, label), ("a", "b"), "en")
    assert list(fig.data[0].x) == [79.5, 118.25]
    assert fig.data[1].y == (y,)


def test_min_spend_has_no_front(q4) -> None:
    with pytest.raises(ValueError, match="min_spend"):
        studio.trace_front(dataclasses.replace(q4, objective="min_spend"), "cac", 2)
