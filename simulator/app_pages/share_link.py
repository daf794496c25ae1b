"""The comparison mirrored in the URL, and a button that copies it."""

from __future__ import annotations

import html
import json
from urllib.parse import urlencode

import streamlit as st

from simulator.app_pages.state import lang, ss, studio
from simulator.studio import share
from simulator.studio.i18n import t

_BUTTON = """<button id="c" style="font:14px sans-serif;padding:6px 14px;border-radius:8px;
border:1px solid #d0d4da;background:#fff;cursor:pointer">{label}</button>
<script>
const b = document.getElementById("c");
b.onclick = () => navigator.clipboard.writeText({url}).then(() => {{
  b.textContent = {done}; setTimeout(() => b.textContent = {label_js}, 1500);
}});
</script>"""


def open_tab(lg: str) -> str:
    """The chart tab open now, as its id (the tabs are keyed by their label)."""
    label = ss.get("charts")
    return next((n for n in share.TABS if t(n, lg) == label), "")


def _js(text: str) -> str:
    """``text`` as a JavaScript string literal that cannot close the ``<script>``."""
    return json.dumps(text).replace("<", "\\u003c").replace(">", "\\u003e")


def copy_button(url: str, lg: str) -> None:
    """One button that puts ``url`` on the clipboard (the page's iframe may write to it).

    Every text in the script is our own or escaped (``_js``): the link's parameters are
    URL-encoded, so nothing from a query string reaches the page as markup.
    """
    label = t("copy_link", lg)
    button = _BUTTON.format(
        label=html.escape(label),
        url=_js(url),
        done=_js(t("copied", lg)),
        label_js=_js(label),
    )
    st.iframe(button, height=44)


def share_link(uploaded: bool) -> None:
    """Write the plan, variants, edits, targets, open tab and language to the query
    string; show a button that copies the link.

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
        tab=open_tab(lg),
    )
    params = share.encode(state)
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)
    with st.sidebar.expander(t("share", lg), expanded=True):
        if uploaded:
            st.caption(t("share_upload", lg))
        base = (st.context.url or "").split("?")[0]
        copy_button(f"{base}?{urlencode(params)}", lg)
        st.caption(t("share_restores", lg))
