"""The variant form: "move x% from A to B" or "+y% budget", added as comparison columns."""

from __future__ import annotations

import streamlit as st

from simulator.app_pages.state import add_variant_cb, lang, studio
from simulator.model.compiled import CompiledScenario
from simulator.studio.i18n import t
from simulator.studio.variants import MAX_VARIANTS, SCALE_PERCENT, SHIFT_PERCENT

KINDS = ("shift", "scale")  # the optimiser's column comes from the Optimise button


def variant_editor(cs: CompiledScenario) -> None:
    """The form for one kind at a time; full once ``MAX_VARIANTS`` columns exist."""
    lg = lang()
    st.subheader(t("variants", lg))
    kind = st.segmented_control(
        t("kind", lg),
        KINDS,
        format_func=lambda k: t(f"kind_{k}", lg),
        key="v_kind",
        default="shift",
    )
    cols = st.columns([2, 2, 1, 1], vertical_alignment="bottom")

    def label(cid: str) -> str:
        return cs.labels.get(cid, cid)

    if kind == "shift":
        cols[0].selectbox(t("from", lg), cs.channel_ids, format_func=label, key="v_from")
        cols[1].selectbox(
            t("to", lg),
            cs.channel_ids,
            index=min(1, cs.n_channels - 1),
            format_func=label,
            key="v_to",
        )
        cols[2].number_input(
            t("percent", lg), *SHIFT_PERCENT, 20.0, 5.0, key="v_pct_shift", format="%.0f"
        )
    elif kind == "scale":
        cols[0].number_input(t("percent", lg), *SCALE_PERCENT, 30.0, 5.0, key="v_pct_scale")
    full = len(studio.variants) >= MAX_VARIANTS
    cols[3].button(
        t("add", lg),
        key="v_add",
        on_click=add_variant_cb,
        args=(kind or "shift",),
        disabled=full or kind is None,
        type="primary",
    )
    if full:
        st.caption(t("max_variants", lg, n=MAX_VARIANTS))
