"""Plotly figures of the studio and its report, built from numbers the engine returned.

No figure computes anything: each takes samples, results or simulation bands and only
draws them, so the page and the HTML report show the same pictures.

Speed matters here (the page redraws on every slider move): traces are plain dicts and
figures are assembled with plotly's validation off (validating the response-curve grid
alone costs ~150 ms); the subplot grid is built once per shape and titles and cached.
"""

from __future__ import annotations

import copy
import html
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from simulator.studio.curves import CurveSample
from simulator.studio.i18n import t

if TYPE_CHECKING:  # the optimiser is imported only where a front is traced
    from simulator.optimize.pareto import Front

PALETTE = ("#4C6A92", "#E07A3F", "#3A9D7A", "#B3477D", "#8A6FBF", "#C9A227")
FONT = "Noto Sans CJK SC, Noto Sans, Helvetica, Arial, sans-serif"
Trace = dict[str, Any]


@dataclass(frozen=True)
class Mark:
    """A point on a channel's curve: a column's spend and the engine's revenue there."""

    name: str
    spend: float
    revenue: float
    color: str


def color(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


@lru_cache(maxsize=1)
def _template() -> dict[str, Any]:
    """plotly_white as a dict: unvalidated figures do not resolve template names."""
    return dict(pio.templates["plotly_white"].to_plotly_json())


def base_layout(height: int, top: int = 70) -> dict[str, Any]:
    return {
        "template": _template(),
        "font": {"family": FONT},
        "margin": {"l": 50, "r": 30, "t": top, "b": 40},
        "legend": {"orientation": "h", "yref": "container", "yanchor": "top", "y": 0.995, "x": 0},
        "height": height,
    }


def figure(data: list[Trace], layout: dict[str, Any]) -> go.Figure:
    """A figure from plain dicts, unvalidated (the builders here only emit known keys)."""
    return go.Figure(data=data, layout=layout, _validate=False)


@lru_cache(maxsize=32)
def _grid_layout(titles: tuple[str, ...], cols: int) -> dict[str, Any]:
    """The subplot grid (secondary y per cell) as a layout dict; ~0.3 s to build, so cached."""
    rows = math.ceil(len(titles) / cols)
    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=list(titles),
        specs=[[{"secondary_y": True}] * cols for _ in range(rows)],
        horizontal_spacing=0.09,
        vertical_spacing=0.16 if rows > 1 else 0.1,
    )
    return dict(fig.layout.to_plotly_json())


def _axes(k: int) -> tuple[str, str, str]:
    """x axis, primary and secondary y axis of cell ``k`` (row-major) in make_subplots."""
    return f"x{k + 1 if k else ''}", f"y{2 * k + 1 if k else ''}", f"y{2 * k + 2}"


def curves_figure(
    samples: Mapping[str, CurveSample],
    labels: Mapping[str, str],
    marks: Mapping[str, Sequence[Mark]],
    currency: str,
    lang: str,
) -> go.Figure:
    """Small multiples: revenue (solid) and marginal ROI (dotted, right axis) per channel."""
    ids = list(samples)
    cols = min(3, len(ids))
    layout = copy.deepcopy(_grid_layout(tuple(labels.get(c, c) for c in ids), cols))
    layout.update(base_layout(300 * math.ceil(len(ids) / cols) + 80))
    revenue, mroi = t("revenue", lang), t("marginal_roi", lang)
    data: list[Trace] = []
    shown: set[str] = set()

    def add(trace: Trace, name: str) -> None:
        data.append({**trace, "name": name, "legendgroup": name, "showlegend": name not in shown})
        shown.add(name)

    for k, cid in enumerate(ids):
        x, y1, y2 = _axes(k)
        s = samples[cid]
        line = {"type": "scatter", "mode": "lines", "x": s.spend.tolist(), "xaxis": x}
        add({**line, "y": s.revenue.tolist(), "yaxis": y1, "line": {"color": PALETTE[0]}}, revenue)
        m = [v if math.isfinite(v) else None for v in s.marginal_roi.tolist()]
        add({**line, "y": m, "yaxis": y2, "line": {"color": "#555", "dash": "dot"}}, mroi)
        for mk in marks.get(cid, ()):
            marker = {"color": mk.color, "size": 11, "line": {"color": "white", "width": 1}}
            point = {"type": "scatter", "mode": "markers", "x": [mk.spend], "y": [mk.revenue]}
            add({**point, "xaxis": x, "yaxis": y1, "marker": marker}, mk.name)
        ax_x, ax_1, ax_2 = (_layout_key(a) for a in (x, y1, y2))
        layout[ax_x] = {
            **layout.get(ax_x, {}),
            "title": {"text": t("spend_axis", lang, currency=currency), "standoff": 4},
        }
        layout[ax_1] = {**layout.get(ax_1, {}), "rangemode": "tozero"}
        layout[ax_2] = {**layout.get(ax_2, {}), "rangemode": "tozero", "showgrid": False}
    return figure(data, layout)


def _layout_key(axis: str) -> str:
    """``x3`` -> ``xaxis3``, ``y`` -> ``yaxis``."""
    return f"{axis[0]}axis{axis[1:]}"


def split_figure(
    columns: Sequence[tuple[str, Mapping[str, float]]],
    labels: Mapping[str, str],
    currency: str,
    lang: str,
) -> go.Figure:
    """Spend per channel, one bar per column of the comparison."""
    data = [
        {
            "type": "bar",
            "name": name,
            "x": [labels.get(c, c) for c in allocation],
            "y": list(allocation.values()),
            "marker": {"color": color(i)},
        }
        for i, (name, allocation) in enumerate(columns)
    ]
    layout = base_layout(380) | {"barmode": "group"}
    layout["yaxis"] = {"title": {"text": t("spend_axis", lang, currency=currency)}}
    return figure(data, layout)


def fan_figure(
    days: Sequence[int],
    p10: Iterable[float],
    p50: Iterable[float],
    p90: Iterable[float],
    currency: str,
    lang: str,
    mean: Iterable[float] | None = None,
) -> go.Figure:
    """Daily revenue over the runs: the p10-p90 band around the median."""
    x = list(days)
    line: Trace = {"type": "scatter", "mode": "lines", "x": x}
    data: list[Trace] = [
        {**line, "y": list(p90), "line": {"width": 0}, "showlegend": False, "hoverinfo": "skip"},
        {
            **line,
            "y": list(p10),
            "fill": "tonexty",
            "fillcolor": "rgba(76,106,146,0.25)",
            "line": {"width": 0},
            "name": t("p10_p90", lang),
        },
        {**line, "y": list(p50), "name": t("median", lang), "line": {"color": PALETTE[0]}},
    ]
    if mean is not None:
        style = {"color": PALETTE[1], "dash": "dash"}
        data.append({**line, "y": list(mean), "name": t("mean", lang), "line": style})
    layout = base_layout(380)
    layout["xaxis"] = {"title": {"text": t("day", lang)}}
    layout["yaxis"] = {
        "title": {"text": t("revenue_axis", lang, currency=currency)},
        "rangemode": "tozero",
    }
    return figure(data, layout)


FUNNEL_STAGES = ("impressions", "clicks", "conversions", "new_customers")


def funnel_figure(columns: Sequence[tuple[str, Mapping[str, float]]], lang: str) -> go.Figure:
    """Impressions -> clicks -> conversions -> new customers, one funnel per column."""
    stages = [t(s, lang) for s in FUNNEL_STAGES]
    data: list[Trace] = []
    for i, (name, totals) in enumerate(columns):
        values = [totals.get(s) for s in FUNNEL_STAGES]
        data.append(
            {
                "type": "funnel",
                "name": name,
                "y": stages,
                "x": [v if v is not None and math.isfinite(v) else 0 for v in values],
                "marker": {"color": color(i)},
                "texttemplate": "%{value:,.0f}<br>%{percentPrevious:.1%}",
            }
        )
    return figure(data, base_layout(380))


def pareto_figure(
    points: Sequence[tuple[float, float, str]],
    chosen: tuple[float, float, str] | None,
    titles: tuple[str, str],
    lang: str,
) -> go.Figure:
    """The objective against CAC or ROI, one point per optimum; ``chosen`` is the current one.

    ``titles`` are the x and y axis titles; each point's text names the target it solved.
    """
    data: list[Trace] = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "x": [p[0] for p in points],
            "y": [p[1] for p in points],
            "text": [p[2] for p in points],
            "name": t("pareto", lang),
            "line": {"color": PALETTE[0]},
            "hovertemplate": "%{x:,.2f}<br>%{y:,.0f}<br>%{text}<extra></extra>",
        }
    ]
    if chosen is not None:
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [chosen[0]],
                "y": [chosen[1]],
                "name": chosen[2],
                "marker": {"color": PALETTE[1], "size": 14, "symbol": "star"},
            }
        )
    layout = base_layout(380)
    layout["xaxis"] = {"title": {"text": titles[0]}}
    layout["yaxis"] = {"title": {"text": titles[1]}}
    return figure(data, layout)


def pareto_page(front: Front, currency: str) -> str:
    """``pareto --out x.html``: a standalone page, plotly.js inlined so it opens offline.

    Each point's hover lists its split; with ``--chance-roi`` the points are coloured by the
    share of runs that reach the ROI.
    """
    # plotly draws its text as markup (<b>, <a href>): user text goes in escaped
    currency = html.escape(currency, quote=False)
    scenario = html.escape(front.scenario, quote=False)
    hover = [
        "<br>".join(f"{cid}: {v:,.0f}" for cid, v in p.allocation.items())
        + (f"<br>P(ROI ≥ {front.chance['roi']:g}): {p.p_target:.0%}" if front.chance else "")
        for p in front.points
    ]
    marker: dict[str, Any] = {"size": 9}
    if front.chance:
        marker |= {
            "color": [p.p_target for p in front.points],
            "colorscale": "Viridis",
            "cmin": 0,
            "cmax": 1,
            "colorbar": {"title": f"P(ROI ≥ {front.chance['roi']:g})"},
        }
    fig = go.Figure(
        go.Scatter(
            x=[p.x for p in front.points],
            y=[p.y for p in front.points],
            mode="lines+markers",
            text=hover,
            marker=marker,
            name="front",
        )
    )
    fig.update_layout(
        title=f"{scenario}: best {front.objective} at each {front.axis.upper()}",
        xaxis_title=f"CAC ({currency})" if front.axis == "cac" else "ROI",
        yaxis_title=f"{front.objective} ({currency})",
        template="plotly_white",
    )
    page: str = fig.to_html(include_plotlyjs=True, full_html=True)
    return page
