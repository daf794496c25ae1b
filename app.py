"""adsim what-if studio: compare media splits side by side in the browser.

Run with ``adsim app [FILE]`` or ``streamlit run app.py -- FILE``. This file only wires
the page, as Streamlit's hello demo does: ``run()`` calls one function per section from
``simulator/app_pages`` (sidebar, plan, variants, optimiser, cards, charts, downloads,
share link, calibration). Every number comes from ``simulator`` (evaluate, optimize,
simulate, calibrate) through the small library in ``simulator/studio``. The compiled
scenario is cached per file bytes and assumption edits; the plan being edited, the
variants and the optimiser's answer live in ``st.session_state``; the comparison is
mirrored in the URL so it can be shared.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

import streamlit as st

from simulator.app_pages import calibrate, cards, charts, downloads, plan, recommend, sidebar
from simulator.app_pages import variants as variant_form
from simulator.app_pages.loading import load
from simulator.app_pages.share_link import share_link
from simulator.app_pages.state import (
    boot,
    lang,
    recommendation,
    reset_edits,
    reset_for,
    show_error,
    ss,
)
from simulator.io.errors import ScenarioError
from simulator.model.compiled import CompiledScenario
from simulator.studio.compare import compare
from simulator.studio.i18n import t

SCENARIOS = Path(__file__).resolve().parent / "scenarios"


def page(cs: CompiledScenario, ctx: dict[str, Any], uploaded: bool) -> None:
    """The plan and variants side by side, then the cards, charts, downloads and link."""
    left, right = st.columns([1, 1], gap="large")
    with left:
        plan.plan_editor(cs)
    with right:
        variant_form.variant_editor(cs)
        recommend.run_optimizer(cs, ctx["identity"])
    try:
        columns = compare(cs, ss.plan, ss.variants, recommendation(ctx["identity"]))
    except ScenarioError as exc:
        show_error(t("scenario_error", lang()), exc)
        return
    titles = cards.comparison(cs, columns)
    charts.charts(cs, columns, titles, ctx["identity"])
    downloads.downloads(cs, columns, titles, ctx)
    share_link(uploaded)


def page_run() -> None:
    """Header, sidebar, calibration; then the open scenario, loaded with its edits."""
    st.set_page_config(page_title="adsim studio", page_icon=":material/tune:", layout="wide")
    st.html(cards.CSS)
    boot()
    sidebar.language_switch()
    lg = lang()
    st.title(t("title", lg))
    st.caption(t("subtitle", lg))
    if ss.get("link_problems"):
        st.warning(t("link_problems", lg) + " " + "; ".join(ss.link_problems))
    source = sidebar.pick_source(SCENARIOS)
    calibrate.history_upload()
    calibrate.calibration_section()
    if source is None:
        return
    text, file, uploaded = source
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    base = load(text, file, uploaded, {})
    if base is None:
        return
    fresh = ss.get("scenario_id") != digest
    if fresh and "scenario_id" in ss:
        reset_edits()  # edits belong to the scenario they were made on
    ss.scenario_id = digest
    sidebar.assumptions(base[0], base[2])
    loaded = load(text, file, uploaded, ss.edits)
    if loaded is None:
        return
    data, lines, cs = loaded
    if fresh:
        reset_for(cs)
    identity = f"{digest}|{json.dumps(ss.edits, sort_keys=True)}"
    ss.identity = identity
    page(
        cs,
        {"data": data, "lines": lines, "file": file, "text": text, "identity": identity},
        uploaded,
    )


def run() -> None:
    started = time.perf_counter()
    try:
        page_run()
    finally:  # the page's own compute time, read by benchmarks/bench_studio.py
        ss["_run_ms"] = (time.perf_counter() - started) * 1e3


run()
