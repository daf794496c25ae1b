"""Downloads: one button per plan export kind for one column; the HTML report of them all.

The buttons are laid out from ``simulator.exports.PLAN_KINDS``, so a new kind gets its
button here with no change. Files are built only when a button is clicked (``partial``),
not on every rerun.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from simulator.app_pages.state import PageContext, lang, recommendation, studio
from simulator.exports import PLAN_KINDS
from simulator.exports.studio import as_recommended, export, file_name
from simulator.model.compiled import CompiledScenario
from simulator.studio.compare import Column
from simulator.studio.i18n import t


def downloads(
    cs: CompiledScenario, columns: list[Column], titles: list[str], ctx: PageContext
) -> None:
    """A column picker, one button per export kind, and the report."""
    from simulator.studio.report import build_report

    lg = lang()
    st.subheader(t("downloads", lg))
    done = [i for i, c in enumerate(columns) if c.result is not None]
    cols = st.columns([3, *[1] * len(PLAN_KINDS), 1], vertical_alignment="bottom")
    pick = cols[0].selectbox(
        t("download_for", lg), done, format_func=lambda i: titles[i], key="dl_pick"
    )
    col = columns[pick or 0]
    if col.result is None:
        return
    edits = dict(studio.edits)
    result = col.result
    if col.variant is not None and col.variant.kind == "optimize":
        result = as_recommended(result, recommendation(ctx.identity))
    for box, kind in zip(cols[1:-1], PLAN_KINDS, strict=True):
        box.download_button(
            t(kind.name, lg),
            partial(export, cs, result, kind.name, ctx.text, ctx.data, edits),
            file_name(cs.name, titles[pick or 0], kind.suffix),
            kind.mime,
            key=f"dl_{kind.name}",
            on_click="ignore",
        )
    cols[-1].download_button(
        t("report", lg),
        partial(build_report, cs, columns, lg, recommendation(ctx.identity)),
        f"{cs.name}-report.html",
        "text/html",
        key="dl_report",
        on_click="ignore",
        type="primary",
    )
