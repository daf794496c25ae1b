"""The sidebar: language, which scenario is open, and the assumptions a planner tunes.

A scenario comes from, in order: a calibrated scenario the user opened (see
``calibrate.py``), an uploaded YAML, or the bundled list. Picking from the list or
uploading a new file closes an opened calibration.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from simulator.app_pages import plan_controls
from simulator.app_pages.edit_inputs import field_label, number_edit
from simulator.app_pages.loading import bundled, default_file
from simulator.app_pages.state import add_link_problems, lang, reset_edits, ss
from simulator.model.compiled import CompiledScenario
from simulator.studio.edits import RATE_FIELDS, TARGET_FIELDS, channel_fields, money_fields
from simulator.studio.i18n import LANGUAGE_NAMES, t
from simulator.studio.share_fit import fit_scenario

Source = tuple[str, str, bool]  # (text, file name, uploaded: not shareable by link)


def language_switch() -> None:
    st.sidebar.segmented_control(
        t("language", lang()),
        list(LANGUAGE_NAMES),
        format_func=lambda code: LANGUAGE_NAMES.get(code, code),
        key="lang",
        required=True,
    )


def close_opened() -> None:
    """Back from an opened calibration to the list or the uploaded file."""
    ss.pop("opened", None)


def _upload_changed() -> None:
    if ss.get("upload") is not None:
        close_opened()


def _opened() -> Source | None:
    """The calibrated scenario opened from the calibration section, with a way back."""
    opened = ss.get("opened")
    if opened is None:
        return None
    text, file, source = opened
    st.sidebar.info(t("opened", lang(), name=file, source=source))
    st.sidebar.button(t("close_opened", lang()), on_click=close_opened, key="close_opened")
    return text, file, True


def pick_source(folder: Path) -> Source | None:
    """Sidebar: an opened calibration, an upload or a bundled scenario."""
    files = bundled(folder)
    given = default_file(folder)
    if given is not None and given not in files.values():
        files = {given.stem: given, **files}
    if "source" not in ss and given is not None:
        link = str(ss.get("link_scenario") or "")
        ss.source = link if link in files else given.stem
        bad = fit_scenario(link, files)
        if bad is not None:
            add_link_problems([bad])
    st.sidebar.selectbox(t("bundled", lang()), list(files), key="source", on_change=close_opened)
    upload = st.sidebar.file_uploader(
        t("upload", lang()), type=["yaml", "yml"], key="upload", on_change=_upload_changed
    )
    opened = _opened()
    if opened is not None:
        return opened
    if upload is not None:
        raw, name, uploaded = upload.getvalue(), upload.name, True
    elif ss.get("source") in files:
        path = files[ss.source]
        raw, name, uploaded = path.read_bytes(), path.name, False
    else:
        return None
    try:
        return raw.decode("utf-8-sig"), name, uploaded
    except UnicodeDecodeError:
        st.error(f"{name}:1: {t('not_text', lang())}")
        return None


def _targets(data: dict[str, Any]) -> None:
    lg = lang()
    st.markdown(f"**{t('targets', lg)}**")
    original = data.get("targets") or {}
    for name in TARGET_FIELDS:
        value = original.get(name)
        number_edit(
            f"{t(name, lg)} (0 = {t('none', lg)})",
            f"targets.{name}",
            float(value) if value is not None else None,
            step=0.1 if name == "roi_min" else 5.0,
        )
    plan_controls.target_choices(data)  # confidence, CAC basis


def _channel_assumptions(data: dict[str, Any], cs: CompiledScenario) -> None:
    lg = lang()
    with st.expander(t("assumptions", lg)):
        cid = st.selectbox(
            t("channel", lg),
            cs.channel_ids,
            format_func=lambda c: cs.labels.get(c, c),
            key="as_channel",
        )
        for f in channel_fields(data, cid):
            rate = f.name in RATE_FIELDS
            number_edit(
                field_label(f.name, lg),
                f.key,
                f.value,
                step=0.001 if rate else max(f.value / 20, 0.01),
                format="%.4f" if rate else "%.2f",
            )
        for f in money_fields(data, cid):  # fees and commission: shares of spend, revenue
            number_edit(field_label(f.name, lg), f.key, f.value, step=0.01, format="%.3f")
        plan_controls.channel_limits(data, cid)  # its own CAC cap, ROI floor, minimum
        st.button(t("reset_assumptions", lg), on_click=reset_edits, key="reset_edits")


def assumptions(data: dict[str, Any], cs: CompiledScenario) -> None:
    """Budget, targets and one channel's curve and pricing parameters."""
    with st.sidebar:
        total = float(data.get("budget", {}).get("total") or cs.budget)
        number_edit(
            t("budget_total", lang()),
            "budget.total",
            total,
            step=50_000.0,
            format="%.0f",
        )
        _targets(data)
        _channel_assumptions(data, cs)
        plan_controls.scenario_limits(data)  # groups, periods, baseline
        plan_controls.operations(data)  # customer base, referrals
