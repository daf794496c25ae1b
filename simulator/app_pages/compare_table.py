"""The comparison table: plans as columns, KPIs as rows, deltas against the baseline;
below it one plan's channels (spend, cost where it differs, share, change, halo received,
ROI, marginal ROI per yuan of cost, binding limit)."""

from __future__ import annotations

import streamlit as st

from simulator.app_pages.state import lang, recommendation, ss, studio
from simulator.model.compiled import CompiledScenario
from simulator.results import Result
from simulator.studio import format as fmt
from simulator.studio import money
from simulator.studio.compare import Column
from simulator.studio.i18n import t
from simulator.studio.limit_words import limit_text
from simulator.studio.table import Cell, ChannelRow, channel_table, kpi_table

# a row whose label differs from its studio text key (p_targets is the fan caption's "{p}")
_ROW_LABEL = {"p_targets": "p_targets_row"}


def _binding(cs: CompiledScenario, row: ChannelRow, result: Result | None, lg: str) -> str:
    """The optimiser's own reading of a limit (a group cap, an own CAC cap) where it has
    one for a spending channel, else the channel's bounds."""
    currency = cs.currency
    if row.active and row.spend > 0 and result is not None:
        said = limit_text(cs, row.channel, row.active, result.channels.get(row.channel, {}), lg)
        if said is not None:
            return said
    if row.binding in ("max", "min"):
        return t(f"bind_{row.binding}", lg, bound=fmt.money(row.bound, currency, lang=lg))
    return t("bind_zero", lg) if row.binding == "zero" else "–"


def _active(column: Column) -> dict[str, str]:
    """What holds each channel, as the optimiser said, for the optimiser's column."""
    if column.variant is None or column.variant.kind != "optimize":
        return {}
    rec = recommendation(str(ss.get("identity", "")))
    channels = rec.channels if rec is not None else {}
    return {cid: str(row.get("active") or "") for cid, row in channels.items()}


def _text(cell: Cell | None, key: str, currency: str) -> str:
    return "–" if cell is None else cell.text(key, currency, lang())


def unique(titles: list[str]) -> list[str]:
    """Column headers must differ: a repeated title gets its position ("Budget +30% (3)")."""
    return [ti if titles.count(ti) == 1 else f"{ti} ({i + 1})" for i, ti in enumerate(titles)]


def simulated_p_met(columns: list[Column], identity: str) -> dict[str, float]:
    """Each simulated column's share of runs meeting every target (the Monte Carlo tab's
    last run on this scenario and these edits), by column key."""
    sim = studio.sim
    if not sim or sim[0] != identity:
        return {}
    by_key = {key: bands.p_targets_met for key, _, bands in sim[1]}
    return {c.key: p for c in columns if c.checks and (p := by_key.get(c.key)) is not None}


def kpis(cs: CompiledScenario, columns: list[Column], titles: list[str], identity: str) -> None:
    """Every KPI of every plan in one table; a column not evaluated yet reads "–"."""
    lg = lang()
    rows = kpi_table(cs, columns, simulated_p_met(columns, identity))
    titles = unique(titles)
    body = {t("kpi", lg): [money.kpi_label(cs, _ROW_LABEL.get(key, key), lg) for key in rows]}
    for i, title in enumerate(titles):
        body[title] = [_text(cells[i], key, cs.currency) for key, cells in rows.items()]
    st.dataframe(body, hide_index=True, width="stretch", key="kpi_table")


def channels(cs: CompiledScenario, columns: list[Column], titles: list[str]) -> None:
    """One plan's channels, the plan picked below the table (the baseline first)."""
    lg = lang()
    ready = [i for i, c in enumerate(columns) if c.result is not None]
    pick = st.selectbox(
        t("channels_of", lg),
        ready,
        format_func=lambda i: titles[i],
        key="channel_plan",
    )
    column = columns[pick or 0]
    rows = channel_table(cs, column, columns[0], _active(column))
    cur = cs.currency
    body = {
        t("channel", lg): [cs.labels.get(r.channel, r.channel) for r in rows],
        t("spend", lg): [fmt.money(r.spend, cur, lang=lg) for r in rows],
    }
    if money.cost_differs([column.result]):
        body[t("cost", lg)] = [fmt.money(r.cost, cur, lang=lg) for r in rows]
    body |= {
        t("channel_share", lg): ["–" if r.share is None else f"{r.share:.1%}" for r in rows],
        t("channel_change", lg): [fmt.delta("spend", r.change, cur, lg) or "–" for r in rows],
    }
    if money.has_halo(cs):
        body[t("halo_conversions", lg)] = [fmt.count(r.halo_conversions, lg) for r in rows]
    body |= {
        money.roi_label(cs, lg): [fmt.ratio(r.roi) for r in rows],
        t("marginal_roi", lg): [fmt.ratio(r.marginal_roi) for r in rows],
        t("binding", lg): [_binding(cs, r, column.result, lg) for r in rows],
    }
    st.dataframe(body, hide_index=True, width="stretch", key="channel_table")


def table(cs: CompiledScenario, columns: list[Column], titles: list[str], identity: str) -> None:
    kpis(cs, columns, titles, identity)
    channels(cs, columns, titles)
