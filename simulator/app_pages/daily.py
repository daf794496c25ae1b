"""The Daily plan tab: the optimiser's spend by day, events shaded, against even pacing.

Planning by day re-optimises every channel on every day (about 15 s on the bundled
Double 11 scenario), so it runs only on request and is kept in the session for the
scenario and edits it was planned on, like the optimiser's answer and the front.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from simulator.api import optimize
from simulator.app_pages.state import lang, show_error, studio
from simulator.io.errors import ScenarioError
from simulator.model.compiled import CompiledScenario
from simulator.results import Result
from simulator.studio import format as fmt
from simulator.studio import money
from simulator.studio.i18n import t
from simulator.studio.wording import with_labels

SHOWN = ("revenue", "roi", "cac")
SECONDS = 1  # measured on scenarios/double11.yaml (0.4 s); said in the button's help


def _plan(cs: CompiledScenario, identity: str) -> None:
    """Run the daily optimiser with a spinner; keep its plan and both evaluations."""
    from simulator.studio.daily import even_vs_daily

    try:
        with st.spinner(t("daily_running", lang()), show_time=True):
            result = optimize(cs, plan="daily")
            studio.daily_plan = (identity, result, even_vs_daily(cs, result))
    except ScenarioError as exc:
        show_error(t("scenario_error", lang()), exc)
    except ValueError as exc:  # a plan the optimiser cannot make: say why, no traceback
        st.error(str(exc))


def _totals_row(cs: CompiledScenario, title: str, shown: Result, other: Result | None) -> None:
    """One row of metrics; with ``other``, each carries its difference from it."""
    cols = st.columns([1.4, 1, 1, 1], vertical_alignment="center")
    cols[0].markdown(f"**{title}**")
    mine = fmt.defined(shown.totals)
    theirs = fmt.defined(other.totals) if other is not None else {}
    for box, key in zip(cols[1:], SHOWN, strict=True):
        better = fmt.BETTER[key]
        a, b = mine.get(key), theirs.get(key)
        diff = a - b if a is not None and b is not None else None
        box.metric(
            money.kpi_label(cs, key, lang()),  # "Incremental ROI" beside a baseline
            fmt.metric(key, a, cs.currency, lang()),
            delta=fmt.delta(key, diff, cs.currency, lang()),
            delta_color="inverse" if better < 0 else "normal",
        )


def _show(cs: CompiledScenario, result: Result, pair: tuple[Result, Result]) -> None:
    """The chart, the totals against even pacing and the CSV download."""
    from simulator.studio import figures
    from simulator.studio.daily import daily_plan_figure

    lg = lang()
    if result.message:
        st.warning(with_labels(result.message, cs.labels))
    st.caption(t("daily_intro", lg))
    fig = daily_plan_figure(cs, result, lg)
    st.plotly_chart(
        figures.figure(fig["data"], fig["layout"]), key="fig_daily", config={"displaylogo": False}
    )
    daily, even = pair
    with st.container(border=True, key="daily_totals"):
        st.caption(t("daily_vs_even", lg))
        _totals_row(cs, t("daily_plan", lg), daily, even)
        _totals_row(cs, t("even_plan", lg), even, None)
    plan_csv_button(cs, result, t("daily_csv", lg), "daily")


def plan_csv_button(cs: CompiledScenario, result: Result, label: str, what: str) -> None:
    """A daily plan's long CSV, built on click (``FILE-{what}.csv``, key ``dl_{what}``)."""
    from simulator.studio.daily import daily_plan_csv

    st.download_button(
        label,
        partial(daily_plan_csv, cs, result),
        f"{cs.name}-{what}.csv",
        "text/csv",
        key=f"dl_{what}",
        on_click="ignore",
    )


def daily_tab(cs: CompiledScenario, identity: str) -> None:
    """The Plan by day button, then the plan kept for this scenario and these edits."""
    lg = lang()
    if st.button(
        t("daily_run", lg),
        key="daily_run",
        type="primary",
        help=t("daily_help", lg, seconds=SECONDS),
    ):
        _plan(cs, identity)
    saved = studio.daily_plan
    if saved and saved[0] == identity and saved[1].daily is not None:
        _show(cs, saved[1], saved[2])
