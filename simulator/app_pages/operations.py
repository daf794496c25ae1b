"""The plans' operations under the cards: referred customers, members joined, and a
chart of the customer base by day when it grows (``customer_base.grows``)."""

from __future__ import annotations

import streamlit as st

from simulator.app_pages.state import lang
from simulator.model.compiled import CompiledScenario
from simulator.studio import format as fmt
from simulator.studio.compare import Column
from simulator.studio.i18n import t
from simulator.studio.operations import base_figure, base_start, has_operations, operations


def panel(cs: CompiledScenario, columns: list[Column], titles: list[str]) -> None:
    """One row per plan evaluated; the chart when the base grows. Nothing otherwise."""
    if not has_operations(cs):
        return
    lg = lang()
    shown = [
        (title, operations(cs, col.allocation, col.result))
        for col, title in zip(columns, titles, strict=False)
        if col.result is not None and col.allocation is not None
    ]
    if not shown:
        return
    st.markdown(f"**{t('ops_heading', lg)}**")
    body: dict[str, list[str]] = {
        t("ops_plan", lg): [title for title, _ in shown],  # a table cell: shown as written
        t("ops_referred", lg): [fmt.count(ops.referred, lg) for _, ops in shown],
    }
    if cs.base_growth is not None:
        body[t("ops_joined", lg)] = [fmt.count(ops.joined, lg) for _, ops in shown]
        body[t("ops_base_end", lg)] = [
            fmt.count(base_start(cs) + ops.joined if ops.joined is not None else None, lg)
            for _, ops in shown
        ]
    st.dataframe(body, hide_index=True, width="stretch", key="ops_table")
    series = [(title, ops.base_by_day) for title, ops in shown if ops.base_by_day is not None]
    if series:
        st.caption(t("ops_base_title", lg))
        fig = base_figure(series, lg)
        st.plotly_chart(fig, key="ops_base_chart", config={"displaylogo": False})
