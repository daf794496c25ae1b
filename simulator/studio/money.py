"""How the studio and the report present money (CONTRACT.md 1c): which columns and words.

Cost is shown beside spend only where some plan pays more or less than its media spend;
with an organic baseline, ROI is named the incremental one and the total ROI joins it;
funnel stages read in the planner's words where the stage has a common name. The numbers
themselves are the engine's (``evaluate``); this module only decides what is shown.
"""

from __future__ import annotations

from collections.abc import Iterable

from simulator.model.compiled import CompiledScenario
from simulator.results import Result
from simulator.studio.i18n import EN, t

BASELINE_TOTALS = ("baseline_revenue", "total_revenue", "total_roi")


def cost_differs(results: Iterable[Result | None]) -> bool:
    """Whether any plan's totals or channels pay a cost other than their spend."""
    for r in results:
        if r is None:
            continue
        rows = [r.totals, *r.channels.values()]
        if any(row.get("cost", row["spend"]) != row["spend"] for row in rows):
            return True
    return False


def has_baseline(cs: CompiledScenario) -> bool:
    return cs.money.baseline is not None


def roi_label(cs: CompiledScenario, lang: str) -> str:
    """ "ROI", or "Incremental ROI" (增量ROI) where an organic baseline makes two ROIs."""
    return t("roi_incremental" if has_baseline(cs) else "roi", lang)


def stage_label(name: str, lang: str) -> str:
    """A funnel stage in words (注册, 进群, 首单) where it has a common name, else its id."""
    key = f"stage_{name}"
    return t(key, lang) if key in EN else name


def has_halo(cs: CompiledScenario) -> bool:
    return cs.money.has_halo
