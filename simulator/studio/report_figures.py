"""The report's own charts as plain plotly dicts: spend changes, the outcome waterfall,
bounds on the curves, and the figures' JSON for the page.

Only traces of plotly.js's basic bundle (scatter, bar) are used: the page carries that
bundle, a quarter of the full one. The waterfall is therefore floating bars (``base``).
Text given here must already be escaped for plotly (its labels are markup).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import plotly.io as pio

from simulator.model.compiled import CompiledScenario
from simulator.optimize.lineitems import channel_bounds
from simulator.results import Result
from simulator.studio.figures import PALETTE, base_layout
from simulator.studio.i18n import t

UP, DOWN, TOTAL = "#3A9D7A", "#C8553D", PALETTE[0]
Figure = dict[str, Any]


def change_figure(
    cs: CompiledScenario,
    base: Result,
    plan: Result,
    labels: Mapping[str, str],
    currency: str,
    lang: str,
) -> Figure:
    """Horizontal bars: each channel's spend in ``plan`` minus ``base`` (green up, red down)."""
    delta = [plan.channels[c]["spend"] - base.channels[c]["spend"] for c in cs.channel_ids]
    names = [labels.get(c, c) for c in cs.channel_ids]  # a channel without a label: its id
    bar = {
        "type": "bar",
        "orientation": "h",
        "x": delta,
        "y": names,
        "marker": {"color": [UP if d >= 0 else DOWN for d in delta]},
        "hovertemplate": "%{y}: %{x:+,.0f}<extra></extra>",
        "showlegend": False,
    }
    layout = base_layout(60 + 36 * len(names), top=20)
    layout["xaxis"] = {"title": {"text": t("spend_axis", lang, currency=currency)}}
    layout["yaxis"] = {"autorange": "reversed", "automargin": True}
    return {"data": [bar], "layout": layout}


def waterfall_steps(
    cs: CompiledScenario, base: Result, plan: Result
) -> tuple[list[str], list[float]]:
    """Channel ids and their revenue change; then ``_other``: the rest of the total's change.

    The totals hold revenue no channel row carries (an organic baseline, referrals), so
    the steps always add up to ``plan`` minus ``base`` total revenue.
    """
    ids = list(cs.channel_ids)
    steps = [plan.channels[c]["revenue"] - base.channels[c]["revenue"] for c in ids]
    rest = (plan.totals["revenue"] - base.totals["revenue"]) - sum(steps)
    if abs(rest) > 1e-6 * max(abs(plan.totals["revenue"]), 1.0):
        ids.append("_other")
        steps.append(rest)
    return ids, steps


def waterfall_figure(
    cs: CompiledScenario,
    base: Result,
    plan: Result,
    names: tuple[str, str, str],
    labels: Mapping[str, str],
) -> Figure:
    """Revenue from ``base`` to ``plan``: the two totals and a floating bar per change.

    ``names`` are the start bar's, the end bar's and the "other" step's (escaped) words.
    """
    ids, steps = waterfall_steps(cs, base, plan)
    start, end = base.totals["revenue"], plan.totals["revenue"]
    x = [names[0], *(names[2] if c == "_other" else labels.get(c, c) for c in ids), names[1]]
    bases = [0.0, *(start + float(np.sum(steps[:k])) for k in range(len(steps))), 0.0]
    heights = [start, *steps, end]
    colors = [TOTAL, *(UP if s >= 0 else DOWN for s in steps), TOTAL]
    bar = {
        "type": "bar",
        "x": x,
        "y": heights,
        "base": bases,
        "marker": {"color": colors},
        "hovertemplate": "%{x}: %{y:+,.0f}<extra></extra>",
        "showlegend": False,
    }
    layout = base_layout(400, top=20)
    low = min(min(bases[1:-1], default=start), start, end, start + float(np.sum(steps)))
    layout["yaxis"] = {"range": [0.9 * low, 1.04 * max(start, end, *np.cumsum(steps) + start)]}
    layout["xaxis"] = {"automargin": True}
    return {"data": [bar], "layout": layout}


def add_bounds(fig: dict[str, Any], cs: CompiledScenario) -> dict[str, Any]:
    """Dotted lines at each channel's lower and upper bound on its curve's subplot.

    Cell ``k`` of the curves grid has x axis ``x``, ``x2``, ...; a bound at 0 or at
    infinity is not drawn.
    """
    lo, hi = channel_bounds(cs)
    shapes = list(fig["layout"].get("shapes", []))
    for k in range(cs.n_channels):
        axis = f"x{k + 1 if k else ''}"
        ydomain = f"y{2 * k + 1 if k else ''} domain"
        for value in (lo[k], hi[k]):
            if 0 < value < np.inf:
                line = {"color": "#8a8f98", "dash": "dot", "width": 1.2}
                shapes.append(
                    {"type": "line", "xref": axis, "yref": ydomain, "x0": float(value)}
                    | {"x1": float(value), "y0": 0, "y1": 1, "line": line}
                )
    fig["layout"]["shapes"] = shapes
    return fig


def plain(fig: Any) -> dict[str, Any]:
    """A ``go.Figure`` or a dict figure as plain ``{"data", "layout"}`` dicts."""
    if isinstance(fig, dict):
        return fig
    out: dict[str, Any] = fig.to_plotly_json()
    return {"data": list(out["data"]), "layout": dict(out["layout"])}


def figure_json(fig: Mapping[str, Any]) -> str:
    """The figure as JSON safe inside a ``<script>`` element: ``<``, ``>``, ``&`` escaped."""
    text = str(pio.to_json(dict(fig), validate=False, engine="json"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def figures_json(figs: Sequence[Mapping[str, Any]]) -> list[str]:
    return [figure_json(f) for f in figs]
