"""From a history to a calibrated scenario: fit, bootstrap and check each channel.

``calibrate`` is the library entry point; the command, the studio and the tests call it.
The scenario text it returns has already been loaded back through the model's loader, so
what is saved always runs.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field, replace
from pathlib import Path as FilePath
from typing import Any

import numpy as np

from simulator.calibrate.bootstrap import Intervals, bootstrap_channel
from simulator.calibrate.common import MIN_SPEND_CV, ChannelFit, spend_cv
from simulator.calibrate.fit import fit_channel
from simulator.calibrate.scenario import channel_ids, scenario_yaml, validate_yaml
from simulator.io.errors import Issue, ScenarioError
from simulator.io.history import ChannelHistory, History, parse_history, read_history
from simulator.model.compiled import CompiledScenario

WIDE_INTERVAL = 3.0  # max_conversions' interval spans more than 3x: saturation is a guess


@dataclass(frozen=True)
class ChannelCalibration:
    """One channel's fitted curve, its intervals, averages and identifiability warnings."""

    id: str
    label: str
    history: ChannelHistory
    fit: ChannelFit
    intervals: Intervals
    aov: float
    new_customer_rate: float | None
    mean_daily_spend: float
    spend_cv: float
    warnings: tuple[str, ...]

    @property
    def extrapolated(self) -> bool:
        return bool(self.warnings)


@dataclass(frozen=True)
class Calibration:
    """Everything a calibration found; ``yaml_text`` is the validated scenario to save."""

    name: str
    currency: str
    horizon_days: int
    seed: int
    history: History
    channels: tuple[ChannelCalibration, ...]
    yaml_text: str = ""
    scenario: CompiledScenario | None = field(default=None, repr=False)

    @property
    def warnings(self) -> list[str]:
        return [f"{ch.id}: {w}" for ch in self.channels for w in ch.warnings]


def load_history(source: str | FilePath | bytes | History | Any) -> History:
    """A ``History`` from a path, CSV bytes, a pandas DataFrame or a ``History``."""
    if isinstance(source, History):
        return source
    if isinstance(source, bytes):
        return parse_history(source, "<upload>")
    if isinstance(source, str | FilePath):
        return read_history(source)
    if hasattr(source, "to_csv"):  # a pandas DataFrame: same checks as a file
        buf = io.StringIO()
        source.to_csv(buf, index=False)
        return parse_history(buf.getvalue(), "<dataframe>")
    raise TypeError(f"calibrate: cannot read a history from {type(source).__name__}")


def _check_fittable(ch: ChannelHistory, file: str) -> None:
    seen = ch.observed
    problems = []
    if not np.any(ch.spend[seen] > 0):
        problems.append("spend is 0 on every day; a curve needs days with spend")
    if not np.nansum(ch.conversions[seen]) > 0:
        problems.append("conversions are 0 on every day; nothing to fit")
    if problems:
        raise ScenarioError(
            Issue(file, ch.first_line, "channel", f"'{ch.channel}': {p}") for p in problems
        )


def identifiability_warnings(ch: ChannelHistory, fit: ChannelFit, iv: Intervals) -> list[str]:
    """Say when the data cannot pin the saturation down, so the curve is extrapolated."""
    spend = ch.spend[ch.observed]
    cv = spend_cv(ch.spend, ch.observed)
    out = []
    if fit.flat:
        out.append(
            f"daily spend hardly varied (coefficient of variation {cv:.2f} < {MIN_SPEND_CV}), "
            "so only today's level is known: the curve is an assumption, not a fit (an "
            "exponential with half-saturation at the average daily spend, no adstock); "
            "vary this channel's spend to measure it"
        )
    half = fit.curve.half_saturation
    if spend.max() < half:
        out.append(
            f"the highest daily spend seen ({spend.max():,.0f}) is below the fitted "
            f"half-saturation ({half:,.0f} a day): the saturation is extrapolated, not observed"
        )
    lo, hi = iv.params["max_conversions"]
    if lo > 0 and hi / lo > WIDE_INTERVAL:
        out.append(
            f"max_conversions is poorly determined ({iv.level:.0%} interval {lo:,.0f} to "
            f"{hi:,.0f}); treat spend beyond the history's range as a guess"
        )
    return out


def _calibrate_channel(
    ch: ChannelHistory,
    cid: str,
    horizon_days: int,
    n_resamples: int,
    rng: np.random.Generator,
    method: str,
) -> ChannelCalibration:
    seen = ch.observed
    fit = fit_channel(ch.spend, ch.conversions, seen, method)
    iv = bootstrap_channel(fit, ch.spend, ch.conversions, seen, horizon_days, n_resamples, rng)
    conversions = float(np.nansum(ch.conversions[seen]))
    rate = None
    if ch.new_customers is not None:
        known = seen & ~np.isnan(ch.new_customers)
        known_conv = float(np.sum(ch.conversions[known]))
        if known_conv > 0:
            rate = min(float(np.sum(ch.new_customers[known])) / known_conv, 1.0)
    return ChannelCalibration(
        id=cid,
        label=ch.channel,
        history=ch,
        fit=fit,
        intervals=iv,
        aov=float(np.nansum(ch.revenue[seen])) / conversions,
        new_customer_rate=rate,
        mean_daily_spend=float(ch.spend.mean()),
        spend_cv=spend_cv(ch.spend, seen),
        warnings=tuple(identifiability_warnings(ch, fit, iv)),
    )


def calibrate(
    history: str | FilePath | bytes | History | Any,
    *,
    name: str | None = None,
    horizon_days: int = 30,
    currency: str = "CNY",
    n_resamples: int = 100,
    seed: int = 0,
    method: str = "likelihood",
) -> Calibration:
    """Fit every channel of a history and build the validated scenario text.

    ``method="lsq"`` selects the former least-squares fit (kept for the benchmark).

    Raises ``ScenarioError`` (located) on bad input or a channel that cannot be fitted.
    """
    hist = load_history(history)
    for ch in hist.channels:
        _check_fittable(ch, hist.file)
    ids = channel_ids([ch.channel for ch in hist.channels])
    seeds = np.random.SeedSequence(seed).spawn(len(ids))
    channels = tuple(
        _calibrate_channel(ch, cid, horizon_days, n_resamples, np.random.default_rng(s), method)
        for ch, cid, s in zip(hist.channels, ids, seeds, strict=True)
    )
    default = re.sub(r"[^A-Za-z0-9_-]+", "-", FilePath(hist.file).stem).strip("-") or "history"
    cal = Calibration(
        name=name or f"calibrated-{default}",
        currency=currency,
        horizon_days=horizon_days,
        seed=seed,
        history=hist,
        channels=channels,
    )
    text = scenario_yaml(cal)
    return replace(cal, yaml_text=text, scenario=validate_yaml(text, "<calibrated>"))
