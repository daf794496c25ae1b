"""The chart tabs: response curves, split, funnel, Monte Carlo fan, daily plan, Pareto front.

Tabs are lazy: only the open tab's figure is built on a rerun, so a slider move redraws
one chart, not six.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from simulator.api import simulate
from simulator.app_pages.daily import daily_tab
from simulator.app_pages.front import front_tab
from simulator.app_pages.state import lang, studio
from simulator.model.compiled import CompiledScenario
from simulator.studio.compare import Column
from simulator.studio.i18n import t

TABS = ("tab_curves", "tab_split", "tab_funnel", "tab_fan", "tab_daily", "tab_pareto")
Done = list[tuple[str, Column]]


def chart(fig: Any, key: str) -> None:
    st.plotly_chart(fig, key=key, config={"displaylogo": False})


def curves_tab(cs: CompiledScenario, columns: list[Column], titles: list[str]) -> None:
    """Every channel's response curve from the engine, each column's spend marked on it."""
    from simulator.studio import figures
    from simulator.studio.curves import sample_curves
    from simulator.studio.report import curve_marks

    marks = curve_marks(cs, columns, titles)
    spends = {k: [m.spend for m in v] for k, v in marks.items()}
    samples = sample_curves(cs, studio.plan, spends)
    chart(figures.curves_figure(samples, cs.labels, marks, cs.currency, lang()), "fig_curves")


def split_tab(cs: CompiledScenario, done: Done) -> None:
    from simulator.studio import figures

    alloc = [(ti, c.allocation or {}) for ti, c in done]
    chart(figures.split_figure(alloc, cs.labels, cs.currency, lang()), "fig_split")


def funnel_tab(done: Done) -> None:
    from simulator.studio import figures

    totals = [(ti, c.result.totals) for ti, c in done if c.result]
    chart(figures.funnel_figure(totals, lang()), "fig_funnel")
    st.caption(t("funnel_note", lang()))


def _fan_form(done: Done) -> tuple[int, int, int, bool]:
    lg = lang()
    cols = st.columns([3, 1, 1, 1], vertical_alignment="bottom")
    pick = cols[0].selectbox(t("fan_for", lg), range(len(done)), format_func=lambda i: done[i][0])
    runs = int(cols[1].number_input(t("runs", lg), 50, 20_000, 500, 50, key="fan_runs"))
    seed = int(cols[2].number_input(t("seed", lg), 0, 2**31 - 1, 7, key="fan_seed"))
    clicked = cols[3].button(t("fan_run", lg), key="fan_run", type="primary")
    return pick or 0, runs, seed, clicked


def fan_tab(cs: CompiledScenario, done: Done, identity: str) -> None:
    """Monte Carlo on request: p10-p90 of daily revenue for one column's split."""
    from simulator.studio import figures
    from simulator.studio.simulation import fan_bands

    lg = lang()
    pick, runs, seed, clicked = _fan_form(done)
    title, col = done[pick]
    if clicked:
        with st.spinner(t("fan_run", lg)):
            split = col.result.split if col.result else col.allocation
            result = simulate(cs, split, runs=runs, seed=seed)
        studio.sim = (identity, title, fan_bands(result))
    sim = studio.sim
    if sim and sim[0] == identity:
        bands = sim[2]
        st.caption(t("fan_caption", lg, plan=sim[1], runs=f"{bands.runs:,}"))
        fig = figures.fan_figure(
            bands.days, bands.p10, bands.p50, bands.p90, cs.currency, lg, bands.mean
        )
        chart(fig, "fig_fan")


def charts(cs: CompiledScenario, columns: list[Column], titles: list[str], identity: str) -> None:
    """The tabs; only the open one draws."""
    tabs = st.tabs([t(n, lang()) for n in TABS], key="charts", on_change="rerun")
    done = [(ti, c) for ti, c in zip(titles, columns, strict=True) if c.result is not None]
    draw: tuple[Callable[[], None], ...] = (
        lambda: curves_tab(cs, columns, titles),
        lambda: split_tab(cs, done),
        lambda: funnel_tab(done),
        lambda: fan_tab(cs, done, identity),
        lambda: daily_tab(cs, identity),
        lambda: front_tab(cs, identity, columns, titles),
    )
    for tab, fn in zip(tabs, draw, strict=True):
        if tab.open:
            with tab:
                fn()
