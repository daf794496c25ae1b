"""Sidebar controls of the planning limits and operations keys (CONTRACT.md 1c).

A channel's own CAC cap, ROI floor and minimum active spend sit in its expander; the
confidence and the CAC basis beside the targets; groups, budget periods and the organic
baseline in one expander, the customer base and referrals in another. Which keys a
scenario offers and their ranges come from ``simulator.studio.plan_edits``.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from simulator.app_pages.edit_inputs import choice_edit, field_label, number_edit, toggle_edit
from simulator.app_pages.state import lang
from simulator.studio import plan_edits as pe
from simulator.studio.i18n import t


def _money(label: str, f: pe.Field, none_at_zero: bool = False) -> None:
    original = None if none_at_zero and f.value == 0 else f.value
    number_edit(label, f.key, original, step=max(f.value / 20, 1000.0), format="%.0f")


def channel_limits(data: dict[str, Any], cid: str) -> None:
    """``cid``'s own CAC cap, ROI floor and minimum active spend (0 = none)."""
    lg = lang()
    st.caption(t("own_limits", lg))
    for f in pe.limit_fields(data, cid):
        label = field_label(f.name, lg)
        if f.name == "roi_min":
            number_edit(label, f.key, f.value or None, step=0.1, format="%.2f")
        else:
            _money(label, f, none_at_zero=f.name == "cac_max")


def target_choices(data: dict[str, Any]) -> None:
    """The confidence the optimiser plans for, and what CAC counts."""
    lg = lang()
    asked = pe.targets_value(data, "confidence")

    def share(value: Any) -> str:
        return t("confidence_off", lg) if not value else f"{float(value):.0%}"

    choice_edit(
        t("confidence", lg),
        "targets.confidence",
        [0.0, *pe.CONFIDENCE],  # 0: off
        None if asked is None else float(asked),
        format_func=share,
    )
    basis = pe.targets_value(data, "cac_basis") or "all"
    choice_edit(
        t("cac_basis", lg),
        "targets.cac_basis",
        list(pe.CAC_BASIS),
        basis,
        format_func=lambda v: t(f"cac_basis_{v}", lg),
    )


def scenario_limits(data: dict[str, Any]) -> None:
    """Group floors and caps, period caps and the baseline, where the scenario has them."""
    groups, periods = pe.group_fields(data), pe.period_fields(data)
    baseline = pe.baseline_fields(data)
    if not (groups or periods or baseline):
        return
    lg = lang()
    with st.expander(t("limits", lg)):
        if groups:
            st.markdown(f"**{t('groups_heading', lg)}**")
        for f in groups:
            _money(t(f"group_{f.name}", lg, group=f.owner), f, none_at_zero=f.name == "max")
        if periods:
            st.markdown(f"**{t('periods_heading', lg)}**")
        for f in periods:
            _money(t("period_max", lg, days=f.owner), f)
        if baseline:
            st.markdown(f"**{t('baseline_heading', lg)}**")
        for f in baseline:
            rate = f.name == "new_customer_rate"
            number_edit(
                field_label(f.name, lg),
                f.key,
                f.value,
                step=0.01 if rate else max(f.value / 20, 1.0),
                format="%.2f" if rate else "%.0f",
            )


def operations(data: dict[str, Any]) -> None:
    """The customer base's size and growth, and each segment's referral k-factor."""
    size, grows = pe.base_size(data), pe.grows(data)
    referrals = pe.referral_fields(data)
    if size is None and grows is None and not referrals:
        return
    lg = lang()
    with st.expander(t("operations", lg)):
        if size is not None:
            number_edit(field_label("size", lg), size.key, size.value, step=1000.0, format="%.0f")
        if grows is not None:
            toggle_edit(
                t("base_grows", lg), "customer_base.grows", grows, help=t("base_grows_help", lg)
            )
        for f in referrals:
            number_edit(
                t("referral_k", lg, segment=f.owner),
                f.key,
                f.value,
                step=0.01,
                format="%.2f",
                help=t("referral_help", lg),
            )
