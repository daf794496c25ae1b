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


CARD_KPIS = ("spend", "revenue", "conversions", "new_customers", "roi", "cac", "profit")
HELP = {"cost": "cost_help", "roi": "roi_incremental_help", "total_roi": "total_roi_help"}


def card_kpis(cs: CompiledScenario, results: Iterable[Result | None]) -> tuple[str, ...]:
    """A card's totals: cost after spend where it differs, total ROI after ROI with a
    baseline (the same keys on every card, so the cards line up)."""
    keys: list[str] = []
    with_cost = cost_differs(results)
    for key in CARD_KPIS:
        keys.append(key)
        if key == "spend" and with_cost:
            keys.append("cost")
        if key == "roi" and has_baseline(cs):
            keys.append("total_roi")
    return tuple(keys)


def kpi_label(cs: CompiledScenario, key: str, lang: str) -> str:
    """A total's label; ROI is the incremental one beside a baseline."""
    return roi_label(cs, lang) if key == "roi" else t(key, lang)


def kpi_help(cs: CompiledScenario, key: str, lang: str) -> str | None:
    """What a total means where two could be confused (cost vs spend, the two ROIs)."""
    if key == "roi" and not has_baseline(cs):
        return None
    return t(HELP[key], lang) if key in HELP else None


def staged_channels(cs: CompiledScenario) -> list[str]:
    """Channels whose funnel has ``stages`` (注册 → 进群 → 首单), in scenario order."""
    return [cid for j, cid in enumerate(cs.channel_ids) if cs.money.stages[j]]


def stage_rows(result: Result, cid: str, lang: str) -> list[tuple[str, float | None]]:
    """(label, count) of a channel's funnel top down: its clicks (where priced), then each
    stage's count as the engine reports it in ``channels.*.stages``."""
    row = result.channels[cid]
    out: list[tuple[str, float | None]] = []
    if row.get("clicks") is not None:
        out.append((t("clicks", lang), row["clicks"]))
    stages = row.get("stages") or {}
    out += [(stage_label(name, lang), value) for name, value in stages.items()]
    return out
