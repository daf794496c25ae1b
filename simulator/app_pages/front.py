"""The Pareto tab: the optimiser's exact front of the objective against CAC or ROI.

Tracing it runs the optimiser once per point (about a minute on the bundled scenario,
whose KOL posts are bought in whole units), so it runs only on request and is kept in
the session for the scenario and edits it was traced on.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from simulator.app_pages.state import lang, recommendation, studio
from simulator.model.compiled import CompiledScenario
from simulator.results import Result
from simulator.studio import figures
from simulator.studio import format as fmt
from simulator.studio import pareto as front_lib
from simulator.studio.compare import Column
from simulator.studio.front_words import plan_lines, tradeoff_line
from simulator.studio.i18n import t


def _trace(cs: CompiledScenario, axis: str, identity: str) -> None:
    """Run the sweep with a progress bar, one step per point of the front."""
    lg = lang()
    n = front_lib.POINTS
    bar = st.progress(0.0, text=f"{t('optimizing', lg)} ({t('pareto_help', lg, n=n)})")
    try:

        def step(done: int, total: int) -> None:
            bar.progress(done / total, text=f"{t('optimizing', lg)} {done}/{total}")

        front = front_lib.trace_front(cs, axis, n, step)
    except ValueError as exc:  # objective min_spend has no front: say so, no traceback
        st.info(str(exc))
        return
    finally:
        bar.empty()  # the bar goes once the front is drawn (or refused)
    studio.pareto = (identity, axis, front)


def front_tab(
    cs: CompiledScenario,
    identity: str,
    plans: Sequence[tuple[str, Result]] = (),
    columns: Sequence[Column] = (),
    plan_titles: Sequence[str] = (),
) -> None:
    """Axis choice, the Trace button, then the front with the optimiser's answer on it.

    ``plans`` (title, result) are the baseline and variants, marked beside the front; the
    trade-off and where every plan of the comparison stands are also said in words.
    """
    lg = lang()
    left, right = st.columns([2, 3], vertical_alignment="bottom")
    axis = left.segmented_control(
        t("pareto_axis", lg),
        front_lib.AXES,
        format_func=lambda a: t(a, lg),
        key="pareto_axis",
        default="cac",
        required=True,
    )
    help_text = t("pareto_help", lg, n=front_lib.POINTS)
    if right.button(t("pareto_run", lg), key="pareto_run", help=help_text):
        _trace(cs, axis or "cac", identity)
    saved = studio.pareto
    if not saved or saved[0] != identity or saved[1] != axis:
        return
    front = saved[2]
    if not front.points:
        st.info(t("pareto_empty", lg))
        return
    chosen = front_lib.chosen_point(front, recommendation(identity), lg)
    titles = front_lib.axis_titles(front, cs.currency, lg)
    marks = [p for p in (front_lib.plan_point(front, r, ti) for ti, r in plans) if p]
    fig = figures.pareto_figure(front_lib.plot_points(front, lg), chosen, titles, lg, marks)
    st.plotly_chart(fig, key="fig_pareto", config={"displaylogo": False})
    st.markdown(fmt.plain(tradeoff_line(front, cs.currency, lg)))
    for line in plan_lines(front, columns, plan_titles, cs.currency, lg):
        st.markdown(f"- {fmt.plain(line)}")
