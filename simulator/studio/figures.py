"""Plotly figures of the studio and its report, built from numbers the engine returned.

No figure computes anything: each takes samples, results or simulation bands and only
draws them, so the page and the HTML report show the same pictures.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from simulator.studio.curves import CurveSample
from simulator.studio.i18n import t

PALETTE = ("#4C6A92", "#E07A3F", "#3A9D7A", "#B3477D", "#8A6FBF", "#C9A227")
BASE_LAYOUT = {
    "template": "plotly_white",
    "font": {"family": "Noto Sans CJK SC, Noto Sans, Helvetica, Arial, sans-serif"},
    "margin": {"l": 50, "r": 30, "t": 70, "b": 40},
    "legend": {"orientation": "h", "yref": "container", "yanchor": "top", "y": 0.995, "x": 0},
}


@dataclass(frozen=True)
class Mark:
    """A point on a channel's curve: a column's spend and the engine's revenue there."""

    name: str
    spend: float
    revenue: float
    color: str


def color(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


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
    rows = math.ceil(len(ids) / cols)
    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=[labels.get(c, c) for c in ids],
        specs=[[{"secondary_y": True}] * cols for _ in range(rows)],
        horizontal_spacing=0.09,
        vertical_spacing=0.16 if rows > 1 else 0.1,
    )
    shown: set[str] = set()
    for k, cid in enumerate(ids):
        r, c = k // cols + 1, k % cols + 1
        s = samples[cid]
        mroi = [v if math.isfinite(v) else None for v in s.marginal_roi]
        for name, y, dash, second in (
            (t("revenue", lang), s.revenue, "solid", False),
            (t("marginal_roi", lang), mroi, "dot", True),
        ):
            fig.add_trace(
                go.Scatter(
                    x=s.spend,
                    y=y,
                    name=name,
                    mode="lines",
                    line={"color": "#555" if second else PALETTE[0], "dash": dash},
                    legendgroup=name,
                    showlegend=name not in shown,
                ),
                row=r,
                col=c,
                secondary_y=second,
            )
            shown.add(name)
        for m in marks.get(cid, ()):
            fig.add_trace(
                go.Scatter(
                    x=[m.spend],
                    y=[m.revenue],
                    name=m.name,
                    mode="markers",
                    marker={"color": m.color, "size": 11, "line": {"color": "white", "width": 1}},
                    legendgroup=m.name,
                    showlegend=m.name not in shown,
                ),
                row=r,
                col=c,
            )
            shown.add(m.name)
    fig.update_layout(**BASE_LAYOUT, height=300 * rows + 80)
    fig.update_xaxes(title_text=t("spend_axis", lang, currency=currency), title_standoff=4)
    fig.update_yaxes(rangemode="tozero", secondary_y=False)
    fig.update_yaxes(rangemode="tozero", showgrid=False, secondary_y=True)
    return fig


def split_figure(
    columns: Sequence[tuple[str, Mapping[str, float]]],
    labels: Mapping[str, str],
    currency: str,
    lang: str,
) -> go.Figure:
    """Spend per channel, one bar per column of the comparison."""
    fig = go.Figure()
    for i, (name, allocation) in enumerate(columns):
        fig.add_trace(
            go.Bar(
                x=[labels.get(c, c) for c in allocation],
                y=list(allocation.values()),
                name=name,
                marker_color=color(i),
            )
        )
    fig.update_layout(**BASE_LAYOUT, barmode="group", height=380)
    fig.update_yaxes(title_text=t("spend_axis", lang, currency=currency))
    return fig


def fan_figure(
    days: Sequence[int],
    p10: Sequence[float],
    p50: Sequence[float],
    p90: Sequence[float],
    currency: str,
    lang: str,
    mean: Sequence[float] | None = None,
) -> go.Figure:
    """Daily revenue over the runs: the p10-p90 band around the median."""
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(x=list(days), y=list(p90), mode="lines", line={"width": 0}, showlegend=False)
    )
    fig.add_trace(
        go.Scatter(
            x=list(days),
            y=list(p10),
            mode="lines",
            fill="tonexty",
            fillcolor="rgba(76,106,146,0.25)",
            line={"width": 0},
            name=t("p10_p90", lang),
        )
    )
    fig.add_trace(
        go.Scatter(
            x=list(days),
            y=list(p50),
            mode="lines",
            name=t("median", lang),
            line={"color": PALETTE[0]},
        )
    )
    if mean is not None:
        fig.add_trace(
            go.Scatter(
                x=list(days),
                y=list(mean),
                mode="lines",
                name=t("mean", lang),
                line={"color": PALETTE[1], "dash": "dash"},
            )
        )
    fig.update_layout(**BASE_LAYOUT, height=380)
    fig.update_xaxes(title_text=t("day", lang))
    fig.update_yaxes(title_text=t("revenue_axis", lang, currency=currency), rangemode="tozero")
    return fig


FUNNEL_STAGES = ("impressions", "clicks", "conversions", "new_customers")


def funnel_figure(columns: Sequence[tuple[str, Mapping[str, float]]], lang: str) -> go.Figure:
    """Impressions -> clicks -> conversions -> new customers, one funnel per column."""
    fig = go.Figure()
    stages = [t(s, lang) for s in FUNNEL_STAGES]
    for i, (name, totals) in enumerate(columns):
        values = [totals.get(s) for s in FUNNEL_STAGES]
        fig.add_trace(
            go.Funnel(
                y=stages,
                x=[v if v is not None and math.isfinite(v) else 0 for v in values],
                name=name,
                marker={"color": color(i)},
                textinfo="value+percent previous",
                texttemplate="%{value:,.0f}<br>%{percentPrevious:.1%}",
            )
        )
    fig.update_layout(**BASE_LAYOUT, height=380)
    return fig


def pareto_figure(
    points: Sequence[tuple[float, float, str]],
    chosen: tuple[float, float, str] | None,
    currency: str,
    lang: str,
) -> go.Figure:
    """Revenue against CAC, one point per CAC cap; ``chosen`` is the current answer."""
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=[p[0] for p in points],
            y=[p[1] for p in points],
            text=[p[2] for p in points],
            mode="lines+markers",
            name=t("pareto", lang),
            line={"color": PALETTE[0]},
            hovertemplate="CAC %{x:,.2f}<br>%{y:,.0f}<br>%{text}<extra></extra>",
        )
    )
    if chosen is not None:
        fig.add_trace(
            go.Scatter(
                x=[chosen[0]],
                y=[chosen[1]],
                mode="markers",
                name=chosen[2],
                marker={"color": PALETTE[1], "size": 14, "symbol": "star"},
            )
        )
    fig.update_layout(**BASE_LAYOUT, height=380)
    fig.update_xaxes(title_text=t("cac_cap_axis", lang))
    fig.update_yaxes(title_text=t("revenue_axis", lang, currency=currency))
    return fig
