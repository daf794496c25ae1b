"""The calibrated scenario as commented YAML: every number says where it came from.

The text is written by hand rather than dumped, so each value carries its source (the
fit, its bootstrap interval, the history's averages) as a comment a planner can check.
It is parsed and validated by the model's own loader before anyone saves it.
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path as FilePath
from typing import TYPE_CHECKING

import numpy as np

from simulator.io.files import atomic_write
from simulator.io.yaml_loader import parse_yaml
from simulator.model.compiled import CompiledScenario
from simulator.model.load import scenario_from_data

if TYPE_CHECKING:
    from simulator.calibrate.calibration import Calibration, ChannelCalibration

COMMENT_COLUMN = 34


def num(value: float, digits: int = 5) -> str:
    """A plain decimal with ``digits`` significant digits (YAML 1.1 reads ``1e+06`` as text)."""
    text = np.format_float_positional(
        float(value), precision=digits, unique=False, fractional=False, trim="-"
    )
    return text


def slug(name: str) -> str:
    """A scenario id (``[a-z0-9_-]+``) from a channel name as written in the CSV."""
    return re.sub(r"_+", "_", re.sub(r"[^a-z0-9_-]", "_", name.strip().lower())).strip("_")[:64]


def channel_ids(names: list[str]) -> list[str]:
    """Unique ids for the channels; names without ASCII letters become ``channel_N``."""
    ids: list[str] = []
    for i, name in enumerate(names, start=1):
        base = slug(name) or f"channel_{i}"
        candidate, k = base, 2
        while candidate in ids:
            candidate, k = f"{base}_{k}", k + 1
        ids.append(candidate)
    return ids


def _line(indent: int, text: str, comment: str = "") -> str:
    body = " " * indent + text
    if not comment:
        return body
    return f"{body.ljust(COMMENT_COLUMN - 1)} # {comment}"


def _by_lsq(cal: Calibration) -> bool:
    """The former least-squares fit (its intervals are from a block bootstrap of residuals)."""
    return all(ch.fit.method == "lsq" for ch in cal.channels)


def _interval(ch: ChannelCalibration, name: str) -> str:
    lo, hi = ch.intervals.params[name]
    return f"{ch.intervals.level:.0%} interval {num(lo, 4)} to {num(hi, 4)}"


def _sources(ch: ChannelCalibration) -> dict[str, str]:
    """The comment on each fitted number: its interval, or the assumption behind it."""
    keys = [*ch.intervals.params]
    if not ch.fit.flat:
        out = {key: _interval(ch, key) for key in keys}
        out["decay"] = f"fitted; {out['decay']}"
        return out
    out = {key: "assumed: half-saturation at the average daily spend" for key in keys}
    out["max_conversions"] = f"scaled to the conversions seen; {_interval(ch, 'max_conversions')}"
    out["decay"] = "assumed: a flat history cannot show carry-over"
    return out


def _response_note(ch: ChannelCalibration) -> str:
    scores = ch.fit.holdout_by_family
    if ch.fit.flat:
        return f"assumed (flat history); held-out MAPE {ch.fit.holdout.mape:.1%}"
    why = ", ".join(f"{f} {scores[f].mape:.1%}" for f in sorted(scores))
    return f"{ch.fit.curve.family}: held-out MAPE {why}"


def _channel_lines(ch: ChannelCalibration, horizon_days: int, n_days: int) -> list[str]:
    response = ch.fit.curve.horizon_response(horizon_days)
    sources = _sources(ch)
    lines = [_line(2, f"- id: {ch.id}")]
    if ch.label != ch.id:
        lines.append(
            _line(4, f"label: {json.dumps(ch.label, ensure_ascii=False)}", "as in the CSV")
        )
    for warning in ch.warnings:
        wrapped = textwrap.wrap(f"WARNING: {warning}", width=88, subsequent_indent="  ")
        lines.extend(_line(4, f"# {part}") for part in wrapped)
    lines.append(_line(4, "response:", _response_note(ch)))
    lines.append(_line(6, f"type: {response['type']}"))
    for key, value in response.items():
        if key != "type":
            lines.append(_line(6, f"{key}: {num(float(value))}", sources[key]))
    lines.append(_line(4, f"aov: {num(ch.aov)}", f"revenue / conversions over {n_days} days"))
    if ch.new_customer_rate is not None:
        rate = f"new_customer_rate: {num(ch.new_customer_rate, 4)}"
        lines.append(_line(4, rate, "new_customers / conversions"))
    else:
        lines.append(_line(4, "# new_customer_rate: no new_customers column; default 1.0 applies"))
    decay = f"adstock: {{decay: {num(ch.fit.curve.decay, 4)}}}"
    lines.append(_line(4, decay, sources["decay"]))
    return lines


def scenario_yaml(cal: Calibration) -> str:
    """The scenario text of a calibration (budget and split: the history's average pace)."""
    h, hist = cal.horizon_days, cal.history
    allocation = {ch.id: float(num(ch.mean_daily_spend * h, 6)) for ch in cal.channels}
    budget = sum(allocation.values())
    lines = [
        f"# Calibrated by `adsim calibrate` from {FilePath(hist.file).name}: {hist.n_days} days,",
        f"# {hist.start} to {hist.end}, {len(cal.channels)} channels (seed {cal.seed}).",
        "# Each curve is fitted to daily spend and conversions with the engine's own model",
        f"# (CONTRACT.md 1b): a day's spend x produces C({h} x) / {h} conversions that land with",
        "# the adstock decay. Point estimates are written; intervals are from a "
        + ("block bootstrap" if _by_lsq(cal) else "parametric"),
        f"# {'over days' if _by_lsq(cal) else 'bootstrap of the counts'}"
        f" ({cal.channels[0].intervals.n_resamples} resamples). Margin is not in the"
        " history: 1.0 (revenue) applies.",
        f"name: {json.dumps(cal.name, ensure_ascii=False)}",
        f"currency: {cal.currency}",
        _line(0, f"horizon_days: {h}", "the planning horizon the curves are expressed over"),
        "budget:",
        _line(2, f"total: {num(budget, 6)}", f"the history's average daily spend x {h} days"),
        "objective: revenue",
        "channels:",
    ]
    for ch in cal.channels:
        lines.extend(_channel_lines(ch, h, hist.n_days))
    lines.append("split:                            # the history's average pace over the horizon")
    lines.append("  allocation:")
    lines.extend(f"    {cid}: {num(value, 6)}" for cid, value in allocation.items())
    return "\n".join(lines) + "\n"


def validate_yaml(text: str, file: str) -> CompiledScenario:
    """Load the text back through the model's loader; raises ``ScenarioError`` if invalid."""
    data, lines = parse_yaml(text, file)
    return scenario_from_data(data, lines, file)


def write_scenario(cal: Calibration, path: str | FilePath) -> CompiledScenario:
    """Validate the calibrated scenario under its final name, then save it atomically.

    The one writer (``io.files.atomic_write``) creates a missing folder, as ``optimize --out``
    does, and gives the file the mode every output gets (0644 under umask 022).
    """
    compiled = validate_yaml(cal.yaml_text, str(path))
    atomic_write(path, cal.yaml_text)
    return compiled
