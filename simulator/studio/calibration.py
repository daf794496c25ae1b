"""A history CSV uploaded to the studio: calibrated once, kept with its report or its errors.

The fit is ``simulator.calibrate.to_scenario.calibrate_to_scenario``'s; this module only runs it
with fewer bootstrap resamples (the page redraws while the user waits; the point estimates
do not depend on the resamples, only the intervals do), keys the answer on the upload's
bytes, and turns a bad file's ``ScenarioError`` into the located lines to show.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from simulator.io.errors import ScenarioError

if TYPE_CHECKING:  # the calibration stack (scipy) is imported only when a history arrives
    from simulator.calibrate.to_scenario import CalibrationReport

RESAMPLES = 30
# Below this holdout R² a fitted curve predicts unseen days worse than a rough guess would
# serve a planner; the panel says so in words (a sentence, not only a number in the table).
POOR_FIT_R2 = 0.3
# The fit-quality columns the studio shows, in order (``summary_rows`` keys).
FIT_COLUMNS = (
    "channel",
    "family",
    "days",
    "r2",
    "holdout_r2",
    "holdout_mape",
    "decay",
    "aov",
    "new_customer_rate",
    "spend_cv",
    "extrapolated",
)


@dataclass(frozen=True)
class Calibrated:
    """One uploaded history: the scenario text to open and its report, or its errors."""

    digest: str  # of the uploaded bytes: a re-upload of the same file is not refitted
    source: str  # the CSV's file name
    name: str = ""  # the scenario's name (calibrated-<stem>)
    yaml_text: str = ""
    report: CalibrationReport | None = None
    issues: tuple[str, ...] = ()

    @property
    def file(self) -> str:
        """The file name the scenario is downloaded and opened as."""
        return f"{self.name}.yaml"


def digest_of(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()[:16]


def calibrate_upload(raw: bytes, source: str, n_resamples: int = RESAMPLES) -> Calibrated:
    """Calibrate ``raw`` (the CSV's bytes); bad input comes back as located ``issues``."""
    from simulator.calibrate.to_scenario import calibrate_to_scenario

    digest = digest_of(raw)
    try:
        text, report = calibrate_to_scenario(raw, source, n_resamples=n_resamples)
    except ScenarioError as exc:
        return Calibrated(digest, source, issues=tuple(str(i) for i in exc.issues))
    return Calibrated(digest, source, report.calibration.name, text, report)


def fit_table(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The report's rows cut to ``FIT_COLUMNS`` (warnings are shown as sentences instead)."""
    return [{k: row.get(k) for k in FIT_COLUMNS} for row in rows]


def poor_fits(rows: Sequence[dict[str, Any]], threshold: float = POOR_FIT_R2) -> list[str]:
    """Channels whose holdout R² is below ``threshold`` (a missing or NaN R² is not judged)."""
    out = []
    for row in rows:
        r2 = row.get("holdout_r2")
        if isinstance(r2, int | float) and math.isfinite(r2) and r2 < threshold:
            out.append(str(row.get("channel", "")))
    return out


def header_width(label: str) -> int:
    """Pixels a table column needs so its header is not clipped (CJK glyphs are wider)."""
    wide = sum(1 for ch in label if ord(ch) > 0x2E80)
    return 28 + 8 * (len(label) - wide) + 15 * wide
