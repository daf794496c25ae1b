"""The chart tabs: response curves, split, funnel, Monte Carlo fan, daily plan, Pareto front.

Tabs are lazy: only the open tab's figure is built on a rerun, so a slider move redraws
one chart, not six.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import streamlit as st

from simulator.app_pages.daily import daily_tab
from simulator.app_pages.fan import fan_tab
from simulator.app_pages.front import front_tab
from simulator.app_pages.replan import replan_tab
from simulator.app_pages.state import lang
from simulator.model.compiled import CompiledScenario
from simulator.studio import format as fmt
from simulator.studio import money
from simulator.studio.compare import Column
from simulator.studio.curves import CurveSample, channel_upper, sample_alone
from simulator.studio.i18n import t

TABS = ("tab_curves", "tab_split", "tab_funnel", "tab_fan", "tab_daily", "tab_pareto", "tab_replan")
Done = list[tuple[str, Column]]


def chart(fig: Any, key: str) -> None:
    st.plotly_chart(fig, key=key, config={"displaylogo": False})


@st.cache_resource(show_spinner=False, max_entries=512)
def _curve(identity: str, channel: str, upper: float, _cs: CompiledScenario) -> CurveSample:
    """One channel's sampled curve, shared across reruns (``identity`` keys ``_cs``)."""
    return sample_alone(_cs, channel, upper)


def curves_tab(
    cs: CompiledScenario, columns: list[Column], titles: list[str], identity: str
) -> None:
    """Every channel's response curve from the engine, each column's spend marked on it.

    The curves are cached per channel and grid end, and each channel is its own small
    figure: a slider move changes one channel's figure (the others are sent unchanged and
    the browser does not redraw them), and on a phone the columns stack.
    """
    from simulator.studio import figures
    from simulator.studio.report import curve_marks

    marks = curve_marks(cs, columns, titles)
    samples = {
        cid: _curve(identity, cid, channel_upper(cs, cid, [m.spend for m in v]), cs)
        for cid, v in marks.items()
    }
    st.html(curves_legend(columns, titles, lang()))
    per_row = min(3, cs.n_channels)
    for j, cid in enumerate(cs.channel_ids):
        if j % per_row == 0:  # a row at a time: a phone stacks them in channel order
            cells = st.columns(per_row)
        bound = (float(cs.channel_min[j]), float(cs.channel_max[j]))
        fig = figures.curves_figure(
            {cid: samples[cid]},
            cs.labels,
            {cid: marks[cid]},
            cs.currency,
            lang(),
            bounds={cid: bound},
            legend=False,
        )
        with cells[j % per_row]:
            chart(fig, f"fig_curves_{cid}")


def curves_legend(columns: list[Column], titles: list[str], lg: str) -> str:
    """One legend above the small multiples (a plotly legend would squeeze one of them)."""
    from simulator.studio.figures import PALETTE, color

    def item(mark: str, text: str) -> str:
        return (
            f'<span style="margin-right:1.2em;white-space:nowrap">{mark} {html.escape(text)}</span>'
        )

    line = '<span style="color:{c};font-weight:700">{s}</span>'
    items = [
        item(line.format(c=PALETTE[0], s="━"), t("revenue", lg)),
        item(line.format(c="#555", s="┈"), t("marginal_roi", lg)),
        item(line.format(c="#d64545", s="╌"), t("break_even", lg)),
    ]
    items += [
        item(line.format(c=color(i), s="●"), title)
        for i, (col, title) in enumerate(zip(columns, titles, strict=True))
        if col.result is not None
    ]
    box = "display:flex;flex-wrap:wrap;font-size:0.85rem;line-height:1.8"
    return f'<div style="{box}">{"".join(items)}</div>'


def split_tab(cs: CompiledScenario, done: Done) -> None:
    from simulator.studio import figures

    alloc = [(ti, c.allocation or {}) for ti, c in done]
    chart(figures.split_figure(alloc, cs.labels, cs.currency, lang()), "fig_split")


def funnel_tab(cs: CompiledScenario, done: Done) -> None:
    """One funnel per plan, side by side (stacked on a phone); then, for each channel with
    funnel stages, its stages' counts per plan (clicks → 注册 → 进群 → 首单)."""
    from simulator.studio import figures

    lg = lang()
    plans = [(ti, c.result.totals) for ti, c in done if c.result]
    cells = st.columns(max(1, min(len(plans), 4)))
    for i, (title, totals) in enumerate(plans):
        with cells[i % len(cells)]:
            chart(figures.funnel_figure(title, totals, lg, i), f"fig_funnel_{i}")
    st.caption(t("funnel_note", lg))
    results = [(ti, c.result) for ti, c in done if c.result]
    for cid in money.staged_channels(cs):
        st.markdown(f"**{fmt.plain(t('funnel_stages', lg, channel=cs.labels.get(cid, cid)))}**")
        cells = st.columns(max(1, min(len(results), 4)))
        for i, (title, result) in enumerate(results):
            with cells[i % len(cells)]:
                fig = figures.stages_figure(title, money.stage_rows(result, cid, lg), lg, i)
                chart(fig, f"fig_stages_{cid}_{i}")


def _optimiser(col: Column) -> bool:
    """The optimiser's column: the front already marks it (a star)."""
    return col.variant is not None and col.variant.kind == "optimize"


def charts(cs: CompiledScenario, columns: list[Column], titles: list[str], identity: str) -> None:
    """The tabs; only the open one draws."""
    tabs = st.tabs([t(n, lang()) for n in TABS], key="charts", on_change="rerun")
    done = [(ti, c) for ti, c in zip(titles, columns, strict=True) if c.result is not None]
    plans = [(ti, c.result) for ti, c in done if c.result and not _optimiser(c)]
    draw: tuple[Callable[[], None], ...] = (
        lambda: curves_tab(cs, columns, titles, identity),
        lambda: split_tab(cs, done),
        lambda: funnel_tab(cs, done),
        lambda: fan_tab(cs, done, identity),
        lambda: daily_tab(cs, identity),
        lambda: front_tab(cs, identity, plans, columns, titles),
        lambda: replan_tab(cs, identity),
    )
    for tab, fn in zip(tabs, draw, strict=True):
        if tab.open:
            with tab:
                fn()
