"""The Monte Carlo tab: daily revenue fans of any plans, dated, with P(targets met).

Simulation runs only on request (a few hundred milliseconds per plan) and is kept in the
session for the scenario and edits it ran on.
"""

from __future__ import annotations

import streamlit as st

from simulator.api import simulate
from simulator.app_pages.state import lang, studio
from simulator.model.compiled import CompiledScenario
from simulator.studio import figures
from simulator.studio.compare import Column
from simulator.studio.i18n import t
from simulator.studio.simulation import FanBands, fan_bands

Done = list[tuple[str, Column]]


def _form(done: Done) -> tuple[list[int], int, int, bool]:
    """Which plans (all by default), runs, seed, and whether Run was clicked."""
    lg = lang()
    cols = st.columns([3, 1, 1, 1], vertical_alignment="bottom")
    picks = cols[0].multiselect(
        t("fan_plans", lg),
        range(len(done)),
        default=list(range(len(done))),
        format_func=lambda i: done[i][0],
        key=f"fan_plans_{len(done)}",  # a new column joins the default selection
    )
    runs = int(cols[1].number_input(t("runs", lg), 50, 20_000, 500, 50, key="fan_runs"))
    seed = int(cols[2].number_input(t("seed", lg), 0, 2**31 - 1, 7, key="fan_seed"))
    clicked = cols[3].button(t("fan_run", lg), key="fan_run", type="primary")
    return [i for i in picks if i < len(done)], runs, seed, clicked


def _caption(title: str, bands: FanBands, has_targets: bool) -> str:
    lg = lang()
    text = f"{title} · {t('fan_runs_done', lg, n=bands.runs)}"
    if has_targets and bands.p_targets_met is not None:
        text += f" · {t('p_targets', lg, p=f'{bands.p_targets_met:.0%}')}"
    return text


def _days(cs: CompiledScenario) -> list[int] | list[str]:
    """ISO dates where the scenario has a start date, else day numbers 1..H."""
    dates = cs.calendar.dates
    if dates is None:
        return list(range(1, cs.horizon_days + 1))
    return [d.isoformat() for d in dates]


def fan_tab(cs: CompiledScenario, done: Done, identity: str) -> None:
    """Monte Carlo on request: p10-p90 of daily revenue for each chosen column's split."""
    lg = lang()
    picks, runs, seed, clicked = _form(done)
    if clicked and picks:
        runs_of: list[tuple[str, str, FanBands]] = []  # column key, title, bands
        with st.spinner(t("fan_run", lg)):
            for i in picks:
                title, col = done[i]
                split = col.result.split if col.result else col.allocation
                bands = fan_bands(simulate(cs, split, runs=runs, seed=seed))
                runs_of.append((col.key, title, bands))
        studio.sim = (identity, runs_of)
        st.rerun()  # the comparison table above gains its P(targets met) row
    sim = studio.sim
    if not sim or sim[0] != identity or not sim[1]:
        return
    targeted = {col.key: bool(col.checks) for _, col in done}  # titles may repeat; keys do not
    for key, title, bands in sim[1]:
        st.caption(_caption(title, bands, targeted.get(key, False)))
    single = len(sim[1]) == 1  # the mean line only where it does not crowd the bands
    fans = [
        figures.Fan(title, b.p10.tolist(), b.p50.tolist(), b.p90.tolist(), b.mean.tolist())
        if single
        else figures.Fan(title, b.p10.tolist(), b.p50.tolist(), b.p90.tolist())
        for _, title, b in sim[1]
    ]
    days = _days(cs)
    first = sim[1][0][2]
    if len(days) != len(first.p50):
        days = first.days
    fig = figures.fans_figure(days, fans, cs.currency, lg)
    st.plotly_chart(fig, key="fig_fan", config={"displaylogo": False})
