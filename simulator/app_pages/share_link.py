"""The comparison mirrored in the URL, and shown as a link to copy."""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from simulator.app_pages.state import lang, ss, studio
from simulator.studio import share
from simulator.studio.i18n import t


def share_link(uploaded: bool) -> None:
    """Write the plan, variants, edits and language to the query string; show the link.

    An uploaded (or calibrated) scenario is not on the server for a colleague to open, so
    its link leaves the scenario out and says so.
    """
    lg = lang()
    state = share.ShareState(
        scenario="" if uploaded else str(ss.get("source", "")),
        plan=dict(studio.plan),
        variants=tuple(studio.variants),
        edits=dict(studio.edits),
        lang=lg,
    )
    params = share.encode(state)
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)
    with st.sidebar.expander(t("share", lg)):
        if uploaded:
            st.caption(t("share_upload", lg))
        base = (st.context.url or "").split("?")[0]
        st.code(f"{base}?{urlencode(params)}", language=None, wrap_lines=True)
        st.caption(t("share_help", lg))
