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


_KEPT = ("paper_bgcolor", "plot_bgcolor", "colorway", "font", "hovermode", "xaxis", "yaxis")


@lru_cache(maxsize=1)
def _template() -> dict[str, Any]:
    """plotly_white's look, cut to what these charts use (unvalidated figures do not
    resolve template names). The full template (~7 kB of colour scales for chart types
    we never draw) was copied twice and sent once per figure on every slider move."""
    layout = pio.templates["plotly_white"].to_plotly_json()["layout"]
    return {"layout": {k: layout[k] for k in _KEPT if k in layout}}


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
    bounds: Mapping[str, tuple[float, float]] | None = None,
    legend: bool = True,
) -> go.Figure:
    """Small multiples: revenue (solid) and marginal ROI (dotted, right axis) per channel.

    A red dashed line marks break-even (marginal ROI 1: the last yuan returns one yuan);
    ``bounds`` (channel -> (min, max) spend) draw as grey dotted lines where finite.
    """
    ids = list(samples)
    cols = min(3, len(ids))
    layout = copy.deepcopy(_grid_layout(tuple(labels.get(c, c) for c in ids), cols))
    layout.update(base_layout(300 * math.ceil(len(ids) / cols) + 80))
    layout["showlegend"] = legend
    revenue, mroi = t("revenue", lang), t("marginal_roi", lang)
    data: list[Trace] = []
    shapes: list[dict[str, Any]] = []
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
        even = {"color": "#d64545", "dash": "dash", "width": 1}
        ends = [float(s.spend[0]), float(s.spend[-1])]
        add({**line, "x": ends, "y": [1.0, 1.0], "yaxis": y2, "line": even}, t("break_even", lang))
        for mk in marks.get(cid, ()):
            marker = {"color": mk.color, "size": 11, "line": {"color": "white", "width": 1}}
            point = {"type": "scatter", "mode": "markers", "x": [mk.spend], "y": [mk.revenue]}
            add({**point, "xaxis": x, "yaxis": y1, "marker": marker}, mk.name)
        shapes += _bound_lines(x, y1, (bounds or {}).get(cid), ends[1], lang)
        _curve_axes(layout, (x, y1, y2), m, currency, lang)
    layout["shapes"] = shapes
    return figure(data, layout)


def _bound_lines(
    x: str, y: str, bound: tuple[float, float] | None, right: float, lang: str
) -> list[dict[str, Any]]:
    """Grey dotted verticals at a channel's finite, non-zero spend bounds inside the grid."""
    if bound is None:
        return []
    out = []
    for value, key in zip(bound, ("bound_min", "bound_max"), strict=True):
        if math.isfinite(value) and 0 < value <= right:
            out.append(
                {
                    "type": "line", "xref": x, "yref": f"{y} domain", "x0": value, "x1": value,
                    "y0": 0, "y1": 1, "line": {"color": "#888", "dash": "dot", "width": 1.5},
                    "label": {"text": t(key, lang), "textposition": "middle",
                              "font": {"size": 10, "color": "#666"}},
                }
            )  # fmt: skip  # one shape per call, its keys together
    return out


def _curve_axes(
    layout: dict[str, Any], axes: tuple[str, str, str], mroi: list[float | None], currency: str,
    lang: str,
) -> None:  # fmt: skip
    """Axis titles and compact ticks; the marginal ROI axis stops short of the spike at 0."""
    ax_x, ax_1, ax_2 = (_layout_key(a) for a in axes)
    finite = sorted(v for v in mroi if v is not None)
    top = max(2.0, 1.1 * finite[int(0.85 * (len(finite) - 1))]) if finite else 2.0
    small = {"size": 10}
    layout[ax_x] = {
        **layout.get(ax_x, {}),
        "title": {"text": t("spend_axis", lang, currency=currency), "standoff": 4, "font": small},
        "tickformat": "~s",
        "nticks": 5,
    }
    layout[ax_1] = {
        **layout.get(ax_1, {}),
        "rangemode": "tozero",
        "tickformat": "~s",
        "nticks": 5,
        "title": {"text": t("revenue_axis", lang, currency=currency), "font": small},
    }
    layout[ax_2] = {
        **layout.get(ax_2, {}),
        "range": [0, top],
        "tickmode": "auto",  # round ticks, not the primary axis' grid synced onto this one
        "showgrid": False,
        "nticks": 5,
        "title": {"text": t("marginal_roi", lang), "font": small},
    }


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


@dataclass(frozen=True)
class Fan:
    """One plan's daily revenue bands over runs, ready to draw (arrays of shape ``(H,)``)."""

    name: str
    p10: Sequence[float]
    p50: Sequence[float]
    p90: Sequence[float]
    mean: Sequence[float] | None = None


def fan_figure(
    days: Sequence[int] | Sequence[str],
    p10: Iterable[float],
    p50: Iterable[float],
    p90: Iterable[float],
    currency: str,
    lang: str,
    mean: Iterable[float] | None = None,
) -> go.Figure:
    """Daily revenue over the runs: the p10-p90 band around the median (one plan)."""
    name = t("median", lang)
    fan = Fan(name, list(p10), list(p50), list(p90), None if mean is None else list(mean))
    return fans_figure(days, [fan], currency, lang)


def fans_figure(
    days: Sequence[int] | Sequence[str], fans: Sequence[Fan], currency: str, lang: str
) -> go.Figure:
    """Several plans' fans on one date axis: each plan's band in its colour, median solid.

    ``days`` are ISO dates where the scenario has a start date (the axis then reads as
    dates), else day numbers.
    """
    x = list(days)
    line: Trace = {"type": "scatter", "mode": "lines", "x": x}
    data: list[Trace] = []
    single = len(fans) == 1
    for i, fan in enumerate(fans):
        c = PALETTE[i % len(PALETTE)]
        group = {"legendgroup": fan.name}
        band = t("p10_p90", lang) if single else f"{fan.name} · {t('p10_p90', lang)}"
        data += [
            {**line, **group, "y": list(fan.p90), "line": {"width": 0}, "showlegend": False,
             "hoverinfo": "skip"},
            {**line, **group, "y": list(fan.p10), "fill": "tonexty", "fillcolor": _tint(c),
             "line": {"width": 0}, "name": band},
            {**line, **group, "y": list(fan.p50), "name": fan.name, "line": {"color": c}},
        ]  # fmt: skip  # one plan's three traces together
        if fan.mean is not None:
            style = {"color": PALETTE[1] if single else c, "dash": "dash"}
            name = t("mean", lang) if single else f"{fan.name} · {t('mean', lang)}"
            data.append({**line, **group, "y": list(fan.mean), "name": name, "line": style})
    layout = base_layout(400)
    dated = bool(x) and isinstance(x[0], str)
    layout["xaxis"] = {"title": {"text": t("date" if dated else "day", lang)}}
    if dated:
        layout["xaxis"] |= {"type": "date", "tickformat": "%m-%d"}
    layout["yaxis"] = {
        "title": {"text": t("revenue_axis", lang, currency=currency)},
        "rangemode": "tozero",
        "tickformat": "~s",
    }
    return figure(data, layout)


def _tint(hex_color: str, alpha: float = 0.22) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


FUNNEL_STAGES = ("impressions", "clicks", "conversions", "new_customers")


def funnel_figure(name: str, totals: Mapping[str, float], lang: str, i: int = 0) -> go.Figure:
    """One plan's funnel: impressions -> clicks -> conversions -> new customers.

    Each stage's text gives its count and its rate over the stage just above it (CTR,
    conversions per click, new customers per conversion), named so the denominator is
    plain; one figure per plan, so plans never stack into one funnel.
    """
    stages = [t(st, lang) for st in FUNNEL_STAGES]
    return _funnel(name, stages, [totals.get(st) for st in FUNNEL_STAGES], lang, i)


def stages_figure(
    name: str, stages: Sequence[tuple[str, float | None]], lang: str, i: int = 0
) -> go.Figure:
    """One channel's funnel stages in one plan (clicks -> 注册 -> 进群 -> 首单): ``stages`` are
    (label, count) pairs top down, the counts the engine's ``channels.*.stages``."""
    return _funnel(name, [s for s, _ in stages], [v for _, v in stages], lang, i)


def _funnel(
    name: str, stages: Sequence[str], values: Sequence[float | None], lang: str, i: int
) -> go.Figure:
    """A funnel of ``stages``, each with its count and its rate over the stage above."""
    x = [v if v is not None and math.isfinite(v) else 0.0 for v in values]
    text = [f"{x[0]:,.0f}"]
    for k in range(1, len(x)):
        rate = f"{x[k] / x[k - 1]:.1%}" if x[k - 1] > 0 else "–"
        text.append(f"{x[k]:,.0f}<br>{t('funnel_rate', lang, rate=rate, stage=stages[k - 1])}")
    data: list[Trace] = [
        {
            "type": "funnel",
            "name": name,
            "y": list(stages),
            "x": x,
            "text": text,
            "textinfo": "text",
            "marker": {"color": color(i)},
            "hoverinfo": "y+x",
        }
    ]
    layout = base_layout(340, top=40) | {"showlegend": False}
    layout["title"] = {"text": html.escape(name, quote=False), "x": 0, "font": {"size": 14}}
    layout["margin"] = {"l": 110, "r": 20, "t": 40, "b": 20}
    return figure(data, layout)


def pareto_figure(
    points: Sequence[tuple[float, float, str]],
    chosen: tuple[float, float, str] | None,
    titles: tuple[str, str],
    lang: str,
    plans: Sequence[tuple[float, float, str]] = (),
) -> go.Figure:
    """The objective against CAC or ROI, one point per optimum; ``chosen`` is the current one.

    ``titles`` are the x and y axis titles; each point's text names the target it solved.
    ``plans`` (the baseline and each variant, as x, y, name) are marked so the distance
    from each to the front is the gain left on the table.
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
    for i, (x, y, name) in enumerate(plans):
        marker = {"color": color(i), "size": 11, "symbol": "diamond", "line": {"color": "white"}}
        data.append({"type": "scatter", "mode": "markers", "x": [x], "y": [y], "name": name,
                     "marker": marker})  # fmt: skip
    layout = base_layout(400)
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
