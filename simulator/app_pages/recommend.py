"""The Optimise button: the optimiser's answer, a column for it and why it chose so.

The explanations are the optimiser's English sentences; the page writes each channel's
label next to its id (``simulator.studio.wording``) and says, in Chinese, that they are
in English rather than translating sentences it does not own.
"""

from __future__ import annotations

import streamlit as st

from simulator.api import optimize
from simulator.app_pages.state import add_variant_cb, lang, recommendation, ss, studio
from simulator.model.compiled import CompiledScenario
from simulator.results import Result
from simulator.studio.i18n import t
from simulator.studio.wording import with_labels


def explanations(cs: CompiledScenario, rec: Result) -> None:
    """The status, the optimiser's message and its sentences, labels beside ids."""
    lg = lang()
    with st.expander(f"{t('recommendation', lg)} · {rec.status}", expanded=True):
        if rec.message:
            st.warning(with_labels(rec.message, cs.labels))
        if lg != "en" and rec.explanations:
            st.caption(t("explanations_english", lg))
        for line in rec.explanations:
            st.markdown(f"- {with_labels(line, cs.labels)}")


def run_optimizer(cs: CompiledScenario, identity: str) -> None:
    """The button, a progress bar while it runs, then the recommendation's explanations."""
    lg = lang()
    left, right = st.columns([1, 4], vertical_alignment="center")
    clicked = left.button(
        t("optimize", lg),
        type="primary",
        key="optimize",
        help=t("optimize_help", lg),
    )
    relink = bool(ss.pop("link_optimize", False))  # a shared link's column, re-run once
    if clicked or relink:
        bar = right.progress(0.1, text=t("optimizing", lg))
        studio.rec = (identity, optimize(cs))
        bar.empty()
        if clicked:
            add_variant_cb("optimize")
    rec = recommendation(identity)
    if rec is not None:
        explanations(cs, rec)
