"""The Optimise button: the optimiser's answer, a column for it and why it chose so.

The explanations are the optimiser's English sentences: in English the page writes each
channel's label next to its id (``simulator.studio.wording``) and each target by the
sidebar's name; in Chinese ``simulator.studio.explain_zh`` rewrites them, and says so
where a sentence had to stay in English.
"""

from __future__ import annotations

import streamlit as st

from simulator.api import optimize
from simulator.app_pages.state import add_variant_cb, lang, recommendation, ss, studio
from simulator.model.compiled import CompiledScenario
from simulator.results import Result
from simulator.studio.explain_zh import channel_names, sidebar_words, to_zh
from simulator.studio.i18n import EN, t
from simulator.studio.wording import with_labels


def sentences(cs: CompiledScenario, rec: Result, lg: str) -> tuple[str, list[str], bool]:
    """The message and sentences to show in ``lg``; whether any stayed in English.

    Target ids read as the sidebar names them; a sentence that repeats the message is
    left out of the list, so the reason is shown once (as the warning).
    """
    said = rec.message.rstrip(".").lower()
    shown_apart = confidence_sentence(rec, "en")  # the safety margin's own box says it
    lines = [
        line
        for line in rec.explanations
        if line.rstrip(".").lower() != said and line != shown_apart
    ]
    english = False
    out: list[str] = []
    for text in [rec.message, *lines]:
        zh = to_zh(text, channel_names(cs)) if lg == "zh" and text else None
        english = english or (lg == "zh" and bool(text) and zh is None)
        out.append(zh or with_labels(sidebar_words(text, lg), cs.labels))
    return out[0], out[1:], english


def confidence_sentence(rec: Result, lg: str) -> str:
    """The share of simulated runs meeting every target, with its interval, in ``lg``
    (``targets.confidence``); "" when the scenario asks for none."""
    block = rec.extra.get("confidence")
    if not isinstance(block, dict):
        return ""
    return str(block.get("sentence", {}).get(lg, ""))


def explanations(cs: CompiledScenario, rec: Result) -> None:
    """The status, the optimiser's message and its sentences, in the reader's language."""
    lg = lang()
    message, lines, english = sentences(cs, rec, lg)
    status = t(f"status_{rec.status}", lg) if f"status_{rec.status}" in EN else rec.status
    with st.expander(f"{t('recommendation', lg)} · {status}", expanded=True):
        margin = confidence_sentence(rec, lg)
        if margin:  # a warning where no plan reaches the share asked for
            box = st.warning if rec.status == "infeasible" else st.info
            box(f"**{t('confidence_title', lg)}** · {margin}")
        if message and message != confidence_sentence(rec, "en"):
            st.warning(message)
        if english:
            st.caption(t("explanations_some_english", lg))
        for line in lines:
            st.markdown(f"- {line}")


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
        bar.empty()  # done: the column and its explanations say so
        if clicked:
            add_variant_cb("optimize")
    rec = recommendation(identity)
    if rec is not None:
        explanations(cs, rec)
