"""The baseline plan: a slider and a number input per channel, kept in step."""

from __future__ import annotations

import streamlit as st

from simulator.app_pages.state import add_variant_cb, lang, scenario_plan, set_plan, ss, studio
from simulator.model.compiled import CompiledScenario
from simulator.studio import format as fmt
from simulator.studio.i18n import t
from simulator.studio.variants import channel_units


def _sync(src: str, dst: str, cid: str) -> None:
    ss[dst] = ss[src]
    studio.plan[cid] = float(ss[src])


def _step(cs: CompiledScenario) -> float:
    """A round slider step: the power of ten just under 1/600 of the budget (at least 1)."""
    return float(10 ** max(int(f"{cs.budget / 600:e}".split("e")[1]), 0))


def _channel_row(cs: CompiledScenario, cid: str, unit: float) -> None:
    label = cs.labels.get(cid, cid)
    value = float(studio.plan.get(cid, 0.0))
    # the channel's max (its max_spend, else the budget); a plan already past it (the
    # scenario's own, or a link's) widens the range to hold it, and its card says so
    top = max(value, float(cs.channel_max[cs.channel_ids.index(cid)]))
    top = float(unit * -(-top // unit))
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    left.slider(
        label,
        min_value=0.0,
        max_value=top,
        step=float(unit),
        key=f"sl_{cid}",
        on_change=_sync,
        args=(f"sl_{cid}", f"ni_{cid}", cid),
        format="localized",
    )
    right.number_input(
        label,
        min_value=0.0,
        max_value=top,
        step=float(unit),
        key=f"ni_{cid}",
        on_change=_sync,
        args=(f"ni_{cid}", f"sl_{cid}", cid),
        label_visibility="collapsed",
        format="%.0f",
    )


def plan_editor(cs: CompiledScenario) -> None:
    """Every channel's spend, the plan's total against the budget, reset and save."""
    lg = lang()
    units = channel_units(cs)
    step = _step(cs)
    st.subheader(t("plan", lg), help=t("plan_help", lg))
    for cid in cs.channel_ids:
        _channel_row(cs, cid, units[cid] or step)
    spend = sum(studio.plan.values())
    cap = t(
        "plan_total",
        lg,
        spend=fmt.money(spend, cs.currency, lang=lang()),
        budget=fmt.money(cs.budget, cs.currency, lang=lang()),
        share=f"{spend / cs.budget:.0%}",
    )
    st.caption(cap)
    b, c = st.columns(2)
    b.button(t("reset_plan", lg), on_click=lambda: set_plan(scenario_plan(cs)), key="reset_plan")
    c.button(t("save_plan", lg), on_click=add_variant_cb, args=("plan",), key="save_plan")
