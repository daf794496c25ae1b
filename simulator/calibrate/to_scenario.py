"""What the studio calls when a user uploads a history CSV: text to open, report to show."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Any

from simulator.calibrate.calibration import Calibration, calibrate
from simulator.calibrate.report import figure, report_html, summary_rows
from simulator.io.history import parse_history


@dataclass(frozen=True)
class CalibrationReport:
    """Fit quality rows, warnings and a plotly figure of a calibration, ready to present."""

    calibration: Calibration
    rows: list[dict[str, Any]]  # one per channel: see ``report.summary_rows``
    warnings: list[str]  # "channel: sentence", one per identifiability problem

    def figure(self) -> Any:
        """The plotly figure (curves with bands, fitted days); build it only when shown."""
        return figure(self.calibration)

    def html(self) -> str:
        """The standalone HTML report (plotly.js inlined, a few MB)."""
        return report_html(self.calibration)


def calibrate_to_scenario(
    csv_bytes: bytes,
    name: str,
    *,
    horizon_days: int = 30,
    n_resamples: int = 100,
    seed: int = 0,
) -> tuple[str, CalibrationReport]:
    """Calibrate an uploaded history; return the validated scenario YAML and its report.

    ``name`` is the uploaded file's name: errors are located as ``name:LINE: column: ...``
    (a ``ScenarioError``) and the scenario is called ``calibrated-<stem>``.
    """
    history = parse_history(csv_bytes, name)
    stem = FilePath(name).stem or "upload"
    cal = calibrate(
        history,
        name=f"calibrated-{stem}",
        horizon_days=horizon_days,
        n_resamples=n_resamples,
        seed=seed,
    )
    return cal.yaml_text, CalibrationReport(cal, summary_rows(cal), cal.warnings)
