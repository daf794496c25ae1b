"""The Replan tab: upload the actuals so far, see pace, get the plan for the days left.

The answer is kept in the session for the scenario, edits, file and ``today`` it was
made for (``Studio.replan``), like the daily plan; a new upload replans once.
"""

from __future__ import annotations

import streamlit as st

from simulator.app_pages.daily import plan_csv_button
from simulator.app_pages.recommend import explanations
from simulator.app_pages.state import lang, show_issues, ss, studio
from simulator.model.compiled import CompiledScenario
from simulator.results import Result
from simulator.studio import format as fmt
from simulator.studio.i18n import t
from simulator.studio.replan import (
    PACE_COLUMNS,
    Replanned,
    pace_rows,
    pace_sentences,
    replan_upload,
    upload_key,
)

BASIS = {"scenario split": "pace_basis_split", "optimize --plan daily": "pace_basis_optimize"}


def _replanned(cs: CompiledScenario, identity: str) -> Replanned | None:
    """The upload's answer, computed once per scenario identity, file and today."""
    upload = ss.get("actuals")
    if upload is None:
        return None
    raw, today = upload.getvalue(), str(ss.get("replan_today") or "").strip()
    key = upload_key(identity, raw, today)
    kept = studio.replan
    if kept is None or kept[0] != key:
        with st.spinner(t("optimizing", lang())):
            kept = studio.replan = (key, replan_upload(cs, raw, upload.name, today, identity))
    return kept[1]


def _to_date(cs: CompiledScenario, result: Result) -> None:
    lg = lang()
    to_date = result.extra["to_date"]
    st.markdown(
        f"**{t('to_date_title', lg, day=to_date['day'])}**"
        + (f" · {to_date['date']}" if to_date["date"] else "")
    )
    cols = st.columns(5)
    cols[0].metric(t("spend", lg), fmt.money(to_date["spend"], cs.currency, lang=lg))
    cols[1].metric(t("revenue", lg), fmt.money(to_date["revenue"], cs.currency, lang=lg))
    cols[2].metric(t("roi", lg), fmt.ratio(to_date["roi"]))
    cols[3].metric(t("budget_left", lg), fmt.money(to_date["budget_left"], cs.currency, lang=lg))
    cols[4].metric(t("days_left", lg), str(to_date["days_left"]))


def _pace(cs: CompiledScenario, answer: Replanned) -> None:
    from simulator.studio import figures
    from simulator.studio.replan import pace_figure

    lg = lang()
    assert answer.result is not None
    assert answer.series is not None
    basis = answer.result.extra["to_date"]["pace_basis"]
    st.markdown(f"**{t('pace_title', lg, basis=t(BASIS.get(basis, basis), lg))}**")
    config = {k: st.column_config.Column(t(f"pace_{k}", lg)) for k in PACE_COLUMNS}
    for k in ("spend", "plan_spend", "conversions", "plan_conversions", "noise"):
        config[k] = st.column_config.NumberColumn(t(f"pace_{k}", lg), format="%,.0f")
    config["ratio"] = st.column_config.NumberColumn(t("pace_ratio", lg), format="percent")
    st.dataframe(pace_rows(answer.result, lg), hide_index=True, column_config=config)
    st.caption(t("pace_rule", lg))
    for sentence in pace_sentences(answer.result, lg):
        st.warning(sentence)
    fig = pace_figure(cs, answer.series, lg)
    st.plotly_chart(
        figures.figure(fig["data"], fig["layout"]), key="fig_pace", config={"displaylogo": False}
    )


def _plan(cs: CompiledScenario, result: Result) -> None:
    from simulator.studio import figures
    from simulator.studio.daily import daily_plan_figure

    lg = lang()
    st.markdown(f"**{t('replan_plan', lg)}**")
    explanations(cs, result)
    fig = daily_plan_figure(cs, result, lg)
    st.plotly_chart(
        figures.figure(fig["data"], fig["layout"]),
        key="fig_replan_daily",
        config={"displaylogo": False},
    )
    plan_csv_button(cs, result, t("replan_csv", lg), "replan")


def replan_tab(cs: CompiledScenario, identity: str) -> None:
    """The upload and ``today``, then pace and the new plan (or the located errors)."""
    lg = lang()
    st.caption(t("replan_intro", lg))
    left, right = st.columns([2, 1])
    left.file_uploader(t("actuals_upload", lg), type=["csv"], key="actuals")
    right.text_input(t("replan_today", lg), key="replan_today")
    answer = _replanned(cs, identity)
    if answer is None:
        return
    if answer.result is None:
        show_issues(t("actuals_error", lg), answer.issues)
        return
    for warning in answer.result.warnings:
        st.caption(warning)
    _to_date(cs, answer.result)
    _pace(cs, answer)
    _plan(cs, answer.result)
