"""Calibrate from history: upload a CSV, see how well each curve fits, open the scenario.

The sidebar takes the file; the main page fits it once per upload (a spinner while
``calibrate_to_scenario`` runs, with fewer bootstrap resamples than the CLI, as the page
says), then shows the fit-quality table, the warnings, the fitted curves, a download of
the scenario YAML and "Open in the studio", which makes it the scenario being planned.
A bad file shows its located errors, never a traceback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from simulator.app_pages.state import lang, show_issues, ss
from simulator.studio.calibration import (
    FIT_COLUMNS,
    POOR_FIT_R2,
    RESAMPLES,
    Calibrated,
    calibrate_upload,
    digest_of,
    header_width,
    poor_fits,
)
from simulator.studio.calibration import fit_table as fit_rows
from simulator.studio.i18n import t

if TYPE_CHECKING:
    from simulator.calibrate.to_scenario import CalibrationReport

FORMATS = {"r2": "%.3f", "holdout_r2": "%.3f", "holdout_mape": "percent", "decay": "%.3f"}
FORMATS |= {"aov": "%.2f", "new_customer_rate": "%.3f", "spend_cv": "%.2f", "days": "%d"}


def history_upload() -> None:
    """Sidebar: the history uploader (its result is drawn by ``calibration_section``)."""
    lg = lang()
    with st.sidebar.expander(t("history", lg), expanded=ss.get("history") is not None):
        st.file_uploader(t("history_upload", lg), type=["csv"], key="history")
        st.caption(t("history_help", lg))


def open_calibrated(cal: Calibrated) -> None:
    """Make the calibrated scenario the one being planned (``sidebar.pick_source``)."""
    ss.opened = (cal.yaml_text, cal.file, cal.source)


def _calibrated() -> Calibrated | None:
    """The upload's calibration, fitted once per file (keyed on its bytes)."""
    upload = ss.get("history")
    if upload is None:
        ss.pop("calibration", None)
        return None
    raw = upload.getvalue()
    cal: Calibrated | None = ss.get("calibration")
    if cal is None or cal.source != upload.name or cal.digest != digest_of(raw):
        with st.spinner(t("calibrating", lang(), name=upload.name, n=RESAMPLES)):
            cal = calibrate_upload(raw, upload.name)
        ss.calibration = cal
        ss.pop("calibration_figure", None)
    return cal


def fit_table(report: CalibrationReport) -> None:
    """The report's fit-quality rows with the library's numbers, formatted only."""
    lg = lang()
    config = {
        k: st.column_config.NumberColumn(
            t(f"fit_{k}", lg), format=FORMATS[k], width=header_width(t(f"fit_{k}", lg))
        )
        if k in FORMATS
        else st.column_config.Column(t(f"fit_{k}", lg), width=header_width(t(f"fit_{k}", lg)))
        for k in FIT_COLUMNS
    }
    st.dataframe(fit_rows(report.rows), hide_index=True, column_config=config)
    poor = poor_fits(report.rows)
    if poor:
        st.warning(t("poor_fit", lg, threshold=f"{POOR_FIT_R2:g}", channels=", ".join(poor)))


def fitted_curves(report: CalibrationReport) -> None:
    """The report's figure, built once per upload (it takes about a second)."""
    fig = ss.get("calibration_figure")
    if fig is None:
        fig = ss.calibration_figure = report.figure()
    st.markdown(f"**{t('fitted_curves', lang())}**")
    st.plotly_chart(fig, key="fig_calibration", config={"displaylogo": False})


def _report(cal: Calibrated, report: CalibrationReport) -> None:
    lg = lang()
    st.caption(t("calibration_note", lg, n=RESAMPLES))
    st.markdown(f"**{t('fit_quality', lg)}**")
    fit_table(report)
    for warning in report.warnings:
        st.warning(warning)
    left, right, _ = st.columns([1, 1, 2])
    left.download_button(
        t("download_scenario", lg),
        cal.yaml_text,
        cal.file,
        "application/yaml",
        key="cal_yaml",
        on_click="ignore",
    )
    right.button(
        t("open_calibrated", lg),
        key="cal_open",
        type="primary",
        on_click=open_calibrated,
        args=(cal,),
    )
    fitted_curves(report)


def calibration_section() -> None:
    """Main page: the calibration of the uploaded history, if there is one.

    The report sits in a lazy expander, open until the scenario is opened and folded
    after (a new key starts it folded), so the plan is not pushed below the figure and
    a folded report costs nothing on a rerun.
    """
    cal = _calibrated()
    if cal is None:
        return
    lg = lang()
    if cal.report is None:
        show_issues(t("history_error", lg), cal.issues)
        return
    opened = ss.get("opened", ("", "", ""))[0] == cal.yaml_text
    box = st.expander(
        t("calibration_title", lg, name=cal.source),
        expanded=not opened,
        key=f"cal_box_{'opened' if opened else 'new'}",
        on_change="rerun",
        icon=":material/query_stats:",
    )
    if box.open:
        with box:
            _report(cal, cal.report)
