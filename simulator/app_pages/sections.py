"""Which sections of the page ran, inside which, and for how long: the speed hook.

Streamlit reruns the whole page, or only a fragment of it, on each interaction. Each
section runs inside ``timed``, which counts its runs and milliseconds in
``st.session_state`` (``SECTIONS_KEY``) under the path of the sections around it
(``"whatif/plan"``), so a test can check that a slider move reruns only what depends on
the plan, and ``benchmarks/bench_studio.py`` can say where a rerun's time goes.

``ADSIM_STUDIO_TRACE`` names a file that gets one line per section run
(``path<TAB>ms``): the browser test reads it to see what the server really reran.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import streamlit as st

SECTIONS_KEY = "_sections"
TRACE_ENV = "ADSIM_STUDIO_TRACE"
_open = threading.local()  # the sections open now: each session's script has its own thread


@dataclass
class SectionRuns:
    """How often a section ran in this session and its total milliseconds."""

    runs: int = 0
    ms: float = 0.0


def section_runs() -> dict[str, SectionRuns]:
    """This session's counts by section path (``"whatif/comparison"``)."""
    runs: dict[str, SectionRuns] = st.session_state.setdefault(SECTIONS_KEY, {})
    return runs


@contextmanager
def timed(section: str) -> Iterator[None]:
    """Count one run of ``section`` and its time, under the sections around it."""
    stack: list[str] = _open.__dict__.setdefault("stack", [])
    stack.append(section)
    path = "/".join(stack)
    started = time.perf_counter()
    try:
        yield
    finally:
        ms = (time.perf_counter() - started) * 1e3
        stack.pop()
        entry = section_runs().setdefault(path, SectionRuns())
        entry.runs += 1
        entry.ms += ms
        _trace(path, ms)


def _trace(path: str, ms: float) -> None:
    """One line to the trace file the browser test reads, when it asked for one."""
    target = os.environ.get(TRACE_ENV)
    if target:  # a test's own log, appended line by line: not a result file
        with open(target, "a", encoding="utf-8") as out:
            out.write(f"{path}\t{ms:.1f}\n")
