"""The calibration report as a PNG, drawn with matplotlib (optional dependency).

Same panels as the HTML report: per channel, the daily curve with its bootstrap band
against the days, and the fitted days against the observed ones.
"""

from __future__ import annotations

import io
from pathlib import Path as FilePath

import numpy as np

from simulator.calibrate.calibration import Calibration
from simulator.io.files import atomic_write


def write_png(cal: Calibration, path: str | FilePath) -> None:
    """Draw every channel's panels and save atomically; needs matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise RuntimeError(
            "a PNG report needs matplotlib (pip install matplotlib); or write .html"
        ) from exc
    n = len(cal.channels)
    fig, axes = plt.subplots(n, 2, figsize=(12, 3.4 * n), squeeze=False)
    for (left, right), ch in zip(axes, cal.channels, strict=True):
        iv, hist = ch.intervals, ch.history
        seen = hist.observed
        left.fill_between(iv.grid, iv.curve_low, iv.curve_high, alpha=0.25, label="interval")
        left.scatter(hist.spend[seen], hist.conversions[seen], s=6, c="0.4", alpha=0.5)
        left.plot(iv.grid, iv.curve, label=f"{ch.fit.curve.family} fit")
        flag = " (extrapolated)" if ch.extrapolated else ""
        left.set_title(f"{ch.id}: conversions a day vs spend a day{flag}", fontsize=9)
        left.set_xlabel(f"spend a day ({cal.currency})", fontsize=8)
        days = np.arange(hist.spend.size)
        right.scatter(days[seen], hist.conversions[seen], s=4, c="0.3")
        right.plot(days, ch.fit.fitted, c="tab:red", lw=1)
        right.axvspan(ch.fit.holdout_start, days[-1], color="orange", alpha=0.12)
        mape = ch.fit.holdout.mape
        right.set_title(f"{ch.id}: by day (held-out MAPE {mape:.1%})", fontsize=9)
    fig.tight_layout()
    buf = io.BytesIO()
    try:
        fig.savefig(buf, format="png", dpi=90)
    finally:
        plt.close(fig)
    atomic_write(path, buf.getvalue())
