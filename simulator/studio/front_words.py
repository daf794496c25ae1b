"""The front in words: where each plan of the comparison stands against it.

The Pareto chart marks only the optimiser's answer; a planner also asks "how far is my
plan from the best at its CAC?". This says it for every column, from the traced points
(linear between neighbours, as the chart draws them) and the engine's totals.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from simulator.optimize.pareto import Front
from simulator.studio import format as fmt
from simulator.studio.compare import Column
from simulator.studio.i18n import t


def front_at(front: Front, x: float) -> float | None:
    """The front's objective at ``x`` (CAC or ROI), None outside the traced range."""
    pts = sorted((p.x, p.y) for p in front.points)
    if not pts or not pts[0][0] <= x <= pts[-1][0]:
        return None
    for (x0, y0), (x1, y1) in itertools.pairwise(pts):
        if x0 <= x <= x1:
            return y0 if x1 == x0 else y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return pts[0][1]


def _axis(front: Front, value: float, currency: str) -> str:
    return fmt.metric(front.axis, value, currency)


def plan_lines(
    front: Front, columns: Sequence[Column], titles: Sequence[str], currency: str, lang: str
) -> list[str]:
    """One sentence per evaluated column: its point and the front's value at its CAC/ROI."""
    out = []
    for col, title in zip(columns, titles, strict=True):
        if col.result is None:
            continue
        totals = fmt.defined(col.result.totals)
        x, y = totals.get(front.axis), totals.get(front.objective)
        if x is None or y is None:
            continue
        values = {
            "plan": title,
            "axis": t(front.axis, lang),
            "x": _axis(front, x, currency),
            "objective": t(front.objective, lang),
            "y": fmt.metric(front.objective, y, currency),
        }
        best = front_at(front, x)
        if best is None:
            out.append(t("front_outside", lang, **values))
        else:
            gap = fmt.delta(front.objective, best - y, currency) or "±0"
            best_text = fmt.metric(front.objective, best, currency)
            out.append(t("front_plan", lang, best=best_text, gap=gap, **values))
    return out


def tradeoff_line(front: Front, currency: str, lang: str, n: int = 4) -> str:
    """``CAC 60.00 → ¥8,100,000; ...``: ``n`` points spread along the front."""
    pts = sorted(front.points, key=lambda p: p.x)
    if not pts:
        return ""
    step = max((len(pts) - 1) / max(n - 1, 1), 1.0)
    picked = sorted({round(i * step) for i in range(n) if round(i * step) < len(pts)})
    points = ("；" if lang == "zh" else "; ").join(
        f"{_axis(front, pts[i].x, currency)} → {fmt.metric(front.objective, pts[i].y, currency)}"
        for i in picked
    )
    return t("tradeoff", lang, axis=t(front.axis, lang), points=points)
