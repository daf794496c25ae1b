"""The studio's view of the exact front: ``simulator.optimize.pareto`` plus what the chart needs.

The front itself (a target swept through the optimiser, each point an optimum) belongs to
the optimiser; this adapter hands the studio's progress bar to it and turns the
front's points and the current recommendation into labelled
``(x, y, text)`` triples for the chart.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from simulator.model.compiled import CompiledScenario
from simulator.results import Result
from simulator.studio.i18n import t

if TYPE_CHECKING:  # the optimiser's package is imported only when a front is traced
    from simulator.optimize.pareto import Front

AXES = ("cac", "roi")
POINTS = 9  # each point is one optimiser run: ~1 min on the bundled scenario's whole units
MONEY = ("revenue", "profit", "ltv")
Point = tuple[float, float, str]


def trace_front(
    cs: CompiledScenario,
    axis: str = "cac",
    points: int = POINTS,
    on_step: Callable[[int, int], None] | None = None,
) -> Front:
    """The library's exact front of the objective against ``axis`` ("cac" or "roi").

    ``on_step(done, total)`` is called after each point. Raises ``ValueError`` for a
    scenario without a front (objective ``min_spend``) or an unknown axis.
    """
    from simulator.optimize.pareto import pareto_front

    return pareto_front(cs, axis, points, on_step=on_step)


def plot_points(front: Front, lang: str) -> list[Point]:
    """(CAC or ROI reached, objective reached, the target it was solved for) per point."""
    name = t(front.target, lang)
    return [(p.x, p.y, f"{name} {p.target:,.2f}") for p in front.points]


def chosen_point(front: Front, rec: Result | None, lang: str) -> Point | None:
    """The optimiser's current answer on the same axes, where it has run."""
    if rec is None:
        return None
    x, y = rec.totals.get(front.axis), rec.totals.get(front.objective)
    if x is None or y is None:
        return None
    return float(x), float(y), t("pareto_chosen", lang)


def plan_point(front: Front, result: Result, title: str) -> Point | None:
    """A plan's (axis, objective) on the front's axes, named by its column title."""
    x, y = result.totals.get(front.axis), result.totals.get(front.objective)
    if x is None or y is None or not (math.isfinite(x) and math.isfinite(y)):
        return None
    return float(x), float(y), title


def axis_titles(front: Front, currency: str, lang: str) -> tuple[str, str]:
    """The chart's x and y titles: the swept metric and the objective, money in currency."""
    x = f"{t('cac', lang)} ({currency})" if front.axis == "cac" else t("roi", lang)
    y = t(front.objective, lang)
    return x, f"{y} ({currency})" if front.objective in MONEY else y
