"""adsim what-if studio: compare media splits side by side in the browser.

Run with ``adsim app [FILE]`` or ``streamlit run app.py -- FILE``. This file only wires
the page, as Streamlit's hello demo does: ``run()`` calls one function per section from
``simulator/app_pages`` (sidebar, plan, variants, optimiser, cards, charts, downloads,
share link, calibration). Every number comes from ``simulator`` (evaluate, optimize,
simulate, calibrate) through the small library in ``simulator/studio``. The compiled
scenario is cached per file bytes and assumption edits; the plan being edited, the
variants and the optimiser's answer live in ``st.session_state``; the comparison is
mirrored in the URL so it can be shared. Everything that reads the plan is one
``st.fragment`` (``page``), so a slider move reruns that part only, and each section is
counted and timed (``app_pages/sections.py``).
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from simulator.app_pages import calibrate, cards, plan, recommend, sidebar
from simulator.app_pages import variants as variant_form
from simulator.app_pages.guard import guarded
from simulator.app_pages.loading import load
from simulator.app_pages.sections import timed
from simulator.app_pages.share_link import share_link
from simulator.app_pages.state import (
    PageContext,
    apply_link_edits,
    boot,
    lang,
    recommendation,
    reset_edits,
    reset_for,
    show_error,
    ss,
    studio,
)
from simulator.io.errors import ScenarioError
from simulator.model.compiled import CompiledScenario
from simulator.studio import format as fmt
from simulator.studio.compare import Column, compare
from simulator.studio.i18n import t
from simulator.studio.uploader_text import uploader_css

SCENARIOS = Path(__file__).resolve().parent / "scenarios"


@st.fragment
def page(cs: CompiledScenario, ctx: PageContext, uploaded: bool) -> None:
    """The plan and variants side by side, then the cards, charts, downloads and link.

    All of it reads the plan, so it is one fragment: a slider move, a variant or
    Optimise reruns this part only, not the sidebar, the calibration or the loading (its
    arguments stay those of the last full run; the edits, the language and the scenario
    sit outside it and rerun the whole page). The cards are drawn first, into their place
    below the two columns, so their numbers reach the browser before the sliders, tables
    and charts. Each section runs guarded: a fault in one shows our short message there,
    and the sections that do not depend on it still render.
    """
    with timed("whatif"):
        left, right = st.columns([1, 1], gap="large")
        below = st.container()  # the cards sit below both columns, drawn before the plan
        with right:  # the Optimise click first: its column belongs on the cards
            with guarded("variants"):
                variant_form.variant_editor(cs)
            with guarded("recommendation"):
                recommend.run_optimizer(cs, ctx.identity)
        shown = None
        with below, guarded("comparison"):
            shown = comparison(cs, ctx.identity)
        with left, guarded("plan"):
            plan.plan_editor(cs)
        if shown is not None:
            # imported here, after the cards are sent: the charts' modules (plotly, the
            # optimiser's front) and the table's (pandas) are most of the first run's imports
            from simulator.app_pages import charts, compare_table, downloads, operations

            columns, titles = shown
            with guarded("comparison"):
                operations.panel(cs, columns, titles)  # referrals, the base by day
            with guarded("comparison"), timed("table"):
                compare_table.table(cs, columns, titles, ctx.identity)
            with guarded("charts"):
                charts.charts(cs, columns, titles, ctx.identity)
            with guarded("downloads"):
                downloads.downloads(cs, columns, titles, ctx)
        with guarded("share"):
            share_link(uploaded)


def comparison(cs: CompiledScenario, identity: str) -> tuple[list[Column], list[str]] | None:
    """Evaluate every column and draw the KPI cards (None: a plan the split rules refuse)."""
    try:
        columns = compare(cs, studio.plan, studio.variants, recommendation(identity))
    except ScenarioError as exc:
        show_error(t("scenario_error", lang()), exc)
        return None
    return columns, cards.comparison(cs, columns)


def link_warning(box: DeltaGenerator) -> None:
    """Every part of the shared link that could not be used, in the reader's language."""
    problems = ss.get("link_problems")
    if problems:
        lg = lang()
        items = "\n".join(f"- {fmt.plain(p.text(lg))}" for p in problems)
        box.warning(f"{t('link_problems', lg)}\n\n{items}\n\n{t('link_ignored', lg)}")


def open_scenario() -> None:
    """The open scenario, loaded with its edits (the link's, checked first), then the page."""
    source = sidebar.pick_source(SCENARIOS)
    with guarded("history"):
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
    apply_link_edits(base[0], base[1], file)
    with timed("assumptions"):
        sidebar.assumptions(base[0], base[2])
    loaded = load(text, file, uploaded, studio.edits)
    if loaded is None:
        return
    data, lines, cs = loaded
    if fresh:
        reset_for(cs)
    identity = f"{digest}|{json.dumps(studio.edits, sort_keys=True)}"
    ss.identity = identity
    page(
        cs,
        PageContext(data=data, lines=lines, file=file, text=text, identity=identity),
        uploaded,
    )


def page_run() -> None:
    """Header, sidebar, calibration, the open scenario; the link's warnings at the top."""
    st.set_page_config(page_title="adsim studio", page_icon=":material/tune:", layout="wide")
    st.html(cards.CSS)
    boot()
    sidebar.language_switch()
    lg = lang()
    if css := uploader_css(lg):  # Streamlit's own uploader words, in Chinese
        st.html(css)
    st.title(t("title", lg))
    st.caption(t("subtitle", lg))
    notice = st.container()  # filled last: loading the scenario can find more bad parts
    try:
        open_scenario()
    finally:
        link_warning(notice)


def run() -> None:
    started = time.perf_counter()
    try:
        with guarded("section_page"):
            page_run()
    finally:  # the page's own compute time, read by benchmarks/bench_studio.py
        ss["_run_ms"] = (time.perf_counter() - started) * 1e3


run()
