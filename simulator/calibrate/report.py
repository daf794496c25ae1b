"""The calibration report: fit quality per channel and each fitted curve against the data.

HTML is self-contained (plotly.js inlined), so it opens offline and in the studio. PNG is
drawn with matplotlib (see ``report_png.py``): plotly's static export needs kaleido's
browser, which a locked-down machine cannot download.
"""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path as FilePath
from typing import Any

import numpy as np

from simulator.calibrate.calibration import Calibration, ChannelCalibration
from simulator.io.errors import Issue, ScenarioError
from simulator.io.files import atomic_write

REPORT_FORMATS = (".html", ".htm", ".png")


def summary_rows(cal: Calibration) -> list[dict[str, Any]]:
    """One row per channel: the family, fit quality, adstock, averages and warnings."""
    rows = []
    for ch in cal.channels:
        fit = ch.fit
        rows.append(
            {
                "channel": ch.id,
                "label": ch.label,
                "family": fit.curve.family,
                "days": ch.history.n_observed,
                "r2": fit.in_sample.r2,
                "holdout_r2": fit.holdout.r2,
                "holdout_mape": fit.holdout.mape,
                "decay": fit.curve.decay,
                "aov": ch.aov,
                "new_customer_rate": ch.new_customer_rate,
                "spend_cv": ch.spend_cv,
                "extrapolated": ch.extrapolated,
                "warnings": list(ch.warnings),
            }
        )
    return rows


def _curve_traces(ch: ChannelCalibration) -> list[Any]:
    import plotly.graph_objects as go

    iv, hist = ch.intervals, ch.history
    band = f"{iv.level:.0%} interval"
    return [
        go.Scatter(x=iv.grid, y=iv.curve_high, mode="lines", line={"width": 0}, showlegend=False),
        go.Scatter(
            x=iv.grid,
            y=iv.curve_low,
            mode="lines",
            line={"width": 0},
            fill="tonexty",
            fillcolor="rgba(31,119,180,0.2)",
            name=band,
            showlegend=False,
        ),
        go.Scatter(
            x=hist.spend[hist.observed],
            y=hist.conversions[hist.observed],
            mode="markers",
            marker={"size": 4, "color": "rgba(80,80,80,0.5)"},
            name="days",
            showlegend=False,
        ),
        go.Scatter(
            x=iv.grid,
            y=iv.curve,
            mode="lines",
            line={"color": "#1f77b4"},
            name=f"{ch.fit.curve.family} fit",
            showlegend=False,
        ),
    ]


def _series_traces(ch: ChannelCalibration, days: list[str]) -> list[Any]:
    import plotly.graph_objects as go

    hist = ch.history
    observed = np.where(hist.observed, hist.conversions, np.nan)
    return [
        go.Scatter(
            x=days,
            y=observed,
            mode="markers",
            marker={"size": 3, "color": "#555"},
            name="conversions",
            showlegend=False,
        ),
        go.Scatter(
            x=days,
            y=ch.fit.fitted,
            mode="lines",
            line={"color": "#d62728"},
            name="fitted (with adstock)",
            showlegend=False,
        ),
    ]


def figure(cal: Calibration) -> Any:
    """A plotly figure: per channel, the daily curve with its band, and the fitted days."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    n = len(cal.channels)
    titles = []
    for ch in cal.channels:
        flag = " (extrapolated)" if ch.extrapolated else ""
        titles += [f"{ch.id}: conversions a day vs spend a day{flag}", f"{ch.id}: by day"]
    fig: go.Figure = make_subplots(rows=n, cols=2, subplot_titles=titles, vertical_spacing=0.3 / n)
    start = cal.history.start.toordinal()
    days = [date.fromordinal(start + t).isoformat() for t in range(cal.history.n_days)]
    for row, ch in enumerate(cal.channels, start=1):
        for trace in _curve_traces(ch):
            fig.add_trace(trace, row=row, col=1)
        for trace in _series_traces(ch, days):
            fig.add_trace(trace, row=row, col=2)
        held = days[ch.fit.holdout_start]
        fig.add_vrect(x0=held, x1=days[-1], fillcolor="rgba(255,165,0,0.12)", line_width=0,
                      annotation_text="holdout (not fitted)", annotation_position="top left",
                      annotation_font_size=10, row=row, col=2)  # fmt: skip  # one call
        currency = html.escape(cal.currency, quote=False)  # plotly reads text as markup
        fig.update_xaxes(title_text=f"spend a day ({currency})", row=row, col=1)
    fig.update_layout(height=320 * n, width=1100, margin={"t": 60}, template="plotly_white")
    return fig


def _fmt(value: float | None, pattern: str) -> str:
    if value is None or value != value:
        return "-"
    return format(value, pattern)


def _table_html(cal: Calibration) -> str:
    # fmt: skip below: the column names read as one header row
    head = ("channel", "family", "days", "R² (all days)", "held-out R²", "held-out MAPE",
            "decay", "AOV", "new-customer rate", "spend CV")  # fmt: skip
    body = []
    for r in summary_rows(cal):
        cells = (
            r["channel"], r["family"], str(r["days"]), _fmt(r["r2"], ".3f"),
            _fmt(r["holdout_r2"], ".3f"), _fmt(r["holdout_mape"], ".1%"), _fmt(r["decay"], ".3f"),
            _fmt(r["aov"], ",.2f"), _fmt(r["new_customer_rate"], ".3f"), _fmt(r["spend_cv"], ".2f"),
        )  # fmt: skip  # cells laid out like the header row above
        body.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
    header = "".join(f"<th>{h}</th>" for h in head)
    return f"<table><tr>{header}</tr>{''.join(body)}</table>"


def report_html(cal: Calibration) -> str:
    """The whole report as one self-contained HTML page (plotly.js inlined)."""
    hist = cal.history
    warnings = "".join(f"<li>{html.escape(w)}</li>" for w in cal.warnings) or "<li>none</li>"
    plot = figure(cal).to_html(include_plotlyjs=True, full_html=False)
    valid = "ok" if cal.scenario is not None else "not validated"
    lsq = all(ch.fit.method == "lsq" for ch in cal.channels)
    kind = "block" if lsq else "parametric"  # the likelihood fit redraws counts
    return f"""<!doctype html><html><head><meta charset="utf-8">
<title>Calibration: {html.escape(cal.name)}</title>
<style>body{{font-family:sans-serif;margin:2em}}td,th{{padding:4px 10px;text-align:right}}
table{{border-collapse:collapse}}tr:nth-child(even){{background:#f4f4f4}}</style></head><body>
<h1>Calibration of {html.escape(FilePath(hist.file).name)}</h1>
<p>{hist.n_days} days ({hist.start} to {hist.end}), {len(cal.channels)} channels, curves over a
{cal.horizon_days}-day horizon. Held-out days: the last 20% of each channel's days (shaded).
Bands: {cal.channels[0].intervals.level:.0%} {kind}-bootstrap intervals
({cal.channels[0].intervals.n_resamples} resamples). Scenario loaded back: {valid}.</p>
{_table_html(cal)}
<h2>Warnings</h2><ul>{warnings}</ul>
<h2>Curves</h2>{plot}
<h2>Scenario written</h2><pre>{html.escape(cal.yaml_text)}</pre>
</body></html>
"""


def check_report_path(path: str | FilePath) -> None:
    """Reject an unknown report extension before any work is done."""
    if FilePath(path).suffix.lower() not in REPORT_FORMATS:
        message = f"unknown report format; use {', '.join(REPORT_FORMATS)} (got '{path}')"
        raise ScenarioError([Issue(str(path), None, "--report", message)])


def write_report(cal: Calibration, path: str | FilePath) -> None:
    """Write the report as HTML or PNG, chosen by the file's extension, atomically."""
    check_report_path(path)
    if FilePath(path).suffix.lower() == ".png":
        from simulator.calibrate.report_png import write_png

        write_png(cal, path)
        return
    atomic_write(path, report_html(cal))
