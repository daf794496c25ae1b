"""No traceback on the page: an unexpected error becomes a short message of our own.

Bad input has its own located messages (a scenario's ``FILE:LINE: field: ...``, a share
link's warnings); what reaches this guard is a fault in adsim. Each section of the page
runs inside ``guarded``, so a failing chart leaves the cards and downloads standing. The
traceback goes to the server's log, where a maintainer can read it, never to the reader.

Tests set ``ADSIM_STUDIO_DEBUG=1`` so a fault still fails them as an exception (as the
command line shows tracebacks only with ``--debug``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from simulator.app_pages.sections import timed
from simulator.app_pages.state import lang
from simulator.studio.i18n import t

DEBUG_ENV = "ADSIM_STUDIO_DEBUG"
log = logging.getLogger("adsim.studio")


@contextmanager
def guarded(section: str) -> Iterator[None]:
    """Run a section of the page; an exception shows our message instead of a traceback.

    ``section`` is the i18n key of the section's title. Streamlit's own control flow
    (``st.rerun``, ``st.stop``) derives from ``BaseException`` and passes through.
    Each run is counted and timed (``sections.timed``).
    """
    try:
        with timed(section):
            yield
    except Exception as exc:
        if os.environ.get(DEBUG_ENV):
            raise
        log.exception("studio: %s failed", section)
        lg = lang()
        st.error(t("unexpected", lg, section=t(section, lg), kind=type(exc).__name__))
