"""Sidebar inputs bound to one assumption edit each: a number, a choice or a switch.

Each widget is keyed ``ed_<edit key>`` (``reset_edits`` clears them all) and writes
``studio.edits[key]`` on change; a value equal to the file's own removes the edit, so an
unchanged scenario carries no edits and its cache entry and share link stay the file's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from simulator.app_pages.state import ss, studio
from simulator.studio.edits import EditValue, edit_bounds
from simulator.studio.i18n import EN, t
from simulator.studio.plan_edits import zero_is_none


def _set(key: str, value: EditValue, original: EditValue) -> None:
    if value == original and type(value) is type(original):
        studio.edits.pop(key, None)
    else:
        studio.edits[key] = value


def _edit(key: str, widget: str, original: float | None, none_at_zero: bool = False) -> None:
    value = ss[widget]
    _set(key, None if none_at_zero and not value else float(value), original)


def number_edit(label: str, key: str, original: float | None, **kw: Any) -> None:
    """A number input bound to one assumption edit (0 = none for targets and own caps).

    Its range is ``edit_bounds(key)``, widened to hold the value it starts from: a file may
    validly hold a value the input would not offer (a budget of 0.5), and Streamlit raises
    on a value outside min..max.
    """
    widget = f"ed_{key}"
    current = studio.edits.get(key, original) if key in studio.edits else original
    ss.setdefault(widget, float(current or 0.0))
    low, high = edit_bounds(key)
    value = float(ss[widget])
    st.number_input(
        label,
        key=widget,
        on_change=_edit,
        args=(key, widget, original, zero_is_none(key)),
        min_value=min(low, value),
        max_value=None if high is None else max(high, value),
        **kw,
    )


def _choose(key: str, widget: str, original: EditValue) -> None:
    value = ss[widget]
    off = zero_is_none(key) and not isinstance(value, str | bool) and value == 0
    _set(key, None if off else value, original)


def choice_edit(
    label: str,
    key: str,
    options: Sequence[EditValue],
    original: EditValue,
    format_func: Callable[[Any], str] = str,
    **kw: Any,
) -> None:
    """A select box bound to one edit; a value the options lack (from the file or a link)
    is added, so the box always shows what is in force. Where 0 means "none" (a target),
    the options hold 0 for it: Streamlit shows a None value as no choice at all."""
    widget = f"ed_{key}"
    current = studio.edits.get(key, original)
    if current is None and zero_is_none(key):
        current = 0.0
    shown = list(options) if current in options else [*options, current]
    ss.setdefault(widget, current)
    st.selectbox(
        label,
        shown,
        key=widget,
        format_func=format_func,
        on_change=_choose,
        args=(key, widget, original),
        **kw,
    )


def toggle_edit(label: str, key: str, original: bool, **kw: Any) -> None:
    """A switch bound to one edit (``customer_base.grows``)."""
    widget = f"ed_{key}"
    current = studio.edits.get(key, original)
    ss.setdefault(widget, bool(current))
    st.toggle(label, key=widget, on_change=_choose, args=(key, widget, original), **kw)


def field_label(name: str, lg: str) -> str:
    """A curve or pricing field as a planner reads it ("CPM", "客单价"); its id if unknown."""
    return t(f"field_{name}", lg) if f"field_{name}" in EN else name
