"""What the HTML report shows, as plain data: rows and sentences built from engine numbers.

The template only lays these out. Every number is the engine's (a column's ``Result``);
sentences are filled from states and numbers through :mod:`simulator.studio.report_words`
so both languages say the same thing. ``raw`` keeps the unformatted number of a cell, so
a test can compare the page with ``evaluate`` exactly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from simulator.model.compiled import CompiledScenario
from simulator.optimize.explain.marginals import marginal_roi_per_cost
from simulator.optimize.lineitems import channel_bounds
from simulator.results import Result
from simulator.studio import format as fmt
from simulator.studio import money
from simulator.studio.compare import Column
from simulator.studio.daily import event_spans
from simulator.studio.i18n import t
from simulator.studio.report_words import limit_word, w

_SATURATED = 1e-9  # a marginal ROI this small: more spend buys nothing
_KEPT = 0.05  # a move under 5% of the current spend reads as "kept" (as the optimiser says)
# every column the per-channel table can show; ``channel_columns`` picks the scenario's
CHANNEL_COLUMNS = (
    "spend",
    "cost",
    "share",
    "change",
    "conversions",
    "halo_conversions",
    "revenue",
    "roi",
    "marginal_roi",
    "cac",
    "limit",
)
_HEADS = {"share": "c_share", "change": "c_change", "limit": "c_limit"}


@dataclass(frozen=True)
class Cell:
    """A shown text and the number behind it (None for words)."""

    text: str
    raw: float | None = None


@dataclass(frozen=True)
class ChannelRow:
    """One channel of the per-channel table; ``cells`` follow ``channel_heads``."""

    cid: str
    label: str
    cells: list[Cell]


@dataclass
class Card:
    """The assumptions card: (label, value) lines, then the bounds and the events."""

    lines: list[tuple[str, str]] = field(default_factory=list)
    bounds: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    events: list[str] = field(default_factory=list)


def plan_index(columns: Sequence[Column]) -> int:
    """The recommended column: the optimiser's when there is one, else the last evaluated."""
    evaluated = [i for i, c in enumerate(columns) if c.result is not None]
    for i in evaluated:
        variant = columns[i].variant
        if variant is not None and variant.kind == "optimize":
            return i
    return evaluated[-1]


def _number(value: object) -> float | None:
    if isinstance(value, int | float) and math.isfinite(value):
        return float(value)
    return None


def channel_columns(cs: CompiledScenario, base: Result, plan: Result) -> tuple[str, ...]:
    """The table's columns: cost where some cost differs from spend, halo where any."""
    skip = set()
    if not money.cost_differs([base, plan]):
        skip.add("cost")
    if not money.has_halo(cs):
        skip.add("halo_conversions")
    return tuple(c for c in CHANNEL_COLUMNS if c not in skip)


def channel_heads(cs: CompiledScenario, columns: Sequence[str], lang: str) -> list[str]:
    """Column titles; the ROI is named the incremental one beside an organic baseline."""
    return [money.roi_label(cs, lang) if c == "roi" else w(_HEADS.get(c, c), lang) for c in columns]


def _cell(cs: CompiledScenario, key: str, value: object) -> Cell:
    """A number as the table shows it, with its raw value."""
    number = _number(value)
    if key in ("conversions", "halo_conversions"):
        return Cell(fmt.count(number), number)
    if key in ("roi", "marginal_roi"):
        return Cell(fmt.ratio(number), number)
    return Cell(fmt.money(number, cs.currency, 2 if key == "cac" else 0), number)


def channel_rows(
    cs: CompiledScenario,
    base: Result,
    plan: Result,
    rec: Result | None,
    lang: str,
    columns: Sequence[str] = CHANNEL_COLUMNS,
) -> list[ChannelRow]:
    """Spend, share, change against ``base``, outcomes, ratios, and what holds each channel.

    The marginal ROI is per yuan of cost (the engine's marginal over d cost / d spend),
    what the optimiser levels; without fees it is the JSON's ``marginal_roi``.
    """
    total = sum(plan.channels[c]["spend"] for c in cs.channel_ids) or 1.0
    marginal = marginal_roi_per_cost(cs, plan)
    rows = []
    for cid in cs.channel_ids:
        row = fmt.defined(plan.channels[cid]) | {"marginal_roi": marginal.get(cid)}
        spend, before = plan.channels[cid]["spend"], base.channels[cid]["spend"]
        change = spend - before
        state = rec.channels[cid].get("active", "") if rec is not None else ""
        special = {
            "share": Cell(f"{spend / total:.1%}", spend / total),
            "change": Cell(fmt.delta("spend", change, cs.currency) or "0", change),
            "limit": Cell(limit_word(state, lang)),
        }
        cells = [special.get(k) or _cell(cs, k, row.get(k)) for k in columns]
        rows.append(ChannelRow(cid, cs.labels.get(cid, cid), cells))
    return rows


def total_cells(
    cs: CompiledScenario, base: Result, plan: Result, columns: Sequence[str] = CHANNEL_COLUMNS
) -> list[Cell]:
    """The table's totals row, from the plan's own totals (halo: the channels' sum)."""
    tot = fmt.defined(plan.totals)
    tot["halo_conversions"] = sum(
        plan.channels[c].get("halo_conversions", 0.0) for c in cs.channel_ids
    )
    change = plan.totals["spend"] - base.totals["spend"]
    special = {
        "share": Cell("100%"),
        "change": Cell(fmt.delta("spend", change, cs.currency) or "0", change),
        "marginal_roi": Cell(""),
        "limit": Cell(""),
    }
    return [special.get(k) or _cell(cs, k, tot.get(k)) for k in columns]


def _target_text(name: str, bound: float, cs: CompiledScenario, lang: str) -> str:
    shown = fmt.money(bound, cs.currency) if "revenue" in name or "cac" in name else f"{bound:g}"
    return f"{t(name, lang)} {shown}"


def assumptions(cs: CompiledScenario, lang: str) -> Card:
    """Scenario, horizon, budget, objective, targets, each channel's bounds, the events."""
    days = cs.calendar.labels if cs.calendar.dated else None
    first, last = (days[0], days[-1]) if days else ("1", f"{cs.horizon_days}")
    targets = [_target_text(k, v, cs, lang) for k, v in cs.targets.items()]
    card = Card()
    card.lines = [
        (w("a_scenario", lang), cs.name),
        (
            w("a_horizon", lang),
            w("a_horizon_days", lang, days=cs.horizon_days, first=first, last=last),
        ),
        (w("a_budget", lang), fmt.money(cs.budget, cs.currency)),
        (w("a_objective", lang), w(f"obj_{cs.objective}", lang)),
        (w("a_targets", lang), " · ".join(targets) or t("none", lang)),
    ]
    lo, hi = channel_bounds(cs)
    current = cs.channel_sum(cs.current.spend) if cs.current is not None else None
    for j, cid in enumerate(cs.channel_ids):
        now = fmt.money(float(current[j]), cs.currency) if current is not None else "–"
        top = fmt.money(float(hi[j]), cs.currency) if np.isfinite(hi[j]) else "–"
        card.bounds.append(
            (cs.labels.get(cid, cid), cid, fmt.money(float(lo[j]), cs.currency), top, now)
        )
    card.events = [_event_text(cs, i, lang) for i in range(len(event_spans(cs)))]
    return card


def _event_text(cs: CompiledScenario, i: int, lang: str) -> str:
    span = event_spans(cs)[i]
    key = "event_day" if span.first_day == span.last_day else "event_days"
    days = t(key, lang, first=span.first_day, last=span.last_day)
    moves = [f"{t('event_cost', lang)} ×{span.cost_multiplier:g}"]
    moves.append(f"{t('event_cvr', lang)} ×{span.cvr_multiplier:g}")
    if span.aov_multiplier != 1.0:
        moves.append(f"{t('event_aov', lang)} ×{span.aov_multiplier:g}")
    text = f"{span.name} · {days} · {' · '.join(moves)}"
    if span.channels is not None:
        names = ", ".join(cs.labels.get(c, c) for c in span.channels)
        text += " · " + t("event_only", lang, channels=names)
    return text


def open_level(cs: CompiledScenario, rec: Result) -> float | None:
    """The marginal ROI the open channels end at: the median over channels the budget holds.

    A channel the budget holds but whose marginal is 0 is saturated (more spend buys
    nothing), not level with the others, so it is left out.
    """
    per_cost = marginal_roi_per_cost(cs, rec)  # what the optimiser levels: per yuan of cost
    marginals = [per_cost.get(c) for c in cs.channel_ids]
    level = [
        m
        for c, m in zip(cs.channel_ids, marginals, strict=True)
        if rec.channels[c].get("active") == "budget"
        and m is not None
        and abs(m) > _SATURATED
        and rec.channels[c]["spend"] > 0
    ]
    return float(np.median(level)) if level else None


def certificate_words(cs: CompiledScenario, rec: Result | None, lang: str) -> str:
    """The certificate said in one sentence: optimal and checked, bounded, or not checked."""
    if rec is None:
        return w("cert_none", lang)
    cert = rec.certificate
    if rec.status == "infeasible":
        return w("cert_infeasible", lang)
    if cert is None or not cert.checked:
        why = "; ".join(cert.failures) if cert is not None else "–"
        return w("cert_failed", lang, why=why)
    violation = f"{cert.max_violation:.1e}"
    if cert.gap_bound is not None and cert.gap_bound > 0:
        return w("cert_bound", lang, gap=fmt.money(cert.gap_bound, cs.currency))
    level = open_level(cs, rec)
    if level is None or cs.objective != "revenue":
        return w("cert_optimal_plain", lang, violation=violation)
    kkt = "–" if cert.kkt_residual is None else f"{cert.kkt_residual:.1e}"
    return w("cert_optimal", lang, m=f"{level:.2f}", violation=violation, kkt=kkt)


def reasons(cs: CompiledScenario, base: Result, rec: Result, lang: str) -> list[str]:
    """One sentence per channel: how it moved, what holds it, its marginal ROI (per yuan
    of cost, as the table)."""
    level = open_level(cs, rec)
    per_cost = marginal_roi_per_cost(cs, rec)
    lines = []
    for cid in cs.channel_ids:
        row, label = rec.channels[cid], cs.labels.get(cid, cid)
        spend, before = row["spend"], base.channels[cid]["spend"]
        limit = limit_word(row.get("active", ""), lang)
        m = fmt.ratio(per_cost.get(cid))
        after = fmt.money(spend, cs.currency)
        saturated = spend > 0 and abs(per_cost.get(cid) or 0.0) <= _SATURATED
        if saturated:
            lines.append(w("why_saturated", lang, label=label, after=after))
        elif spend <= 0 and level is not None:
            m0 = fmt.ratio(per_cost.get(cid))
            lines.append(w("why_paused", lang, label=label, m0=m0, level=f"{level:.2f}"))
        elif spend <= 0:
            lines.append(w("why_off", lang, label=label, limit=limit))
        elif before > 0 and abs(spend - before) <= _KEPT * before:
            lines.append(w("why_kept", lang, label=label, after=after, limit=limit, m=m))
        else:
            change = fmt.percent((spend - before) / before) if before > 0 else "+∞"
            before_text = fmt.money(before, cs.currency)
            lines.append(
                w(
                    "why_moved",
                    lang,
                    label=label,
                    before=before_text,
                    after=after,
                    change=change,
                    limit=limit,
                    m=m,
                )
            )
    return lines
