"""Shared fixtures: small scenarios written to tmp_path, and the hypothesis CI profile."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, settings

if TYPE_CHECKING:
    from streamlit.testing.v1 import AppTest

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=30, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
# The studio turns a fault into a short message for readers; under test it must still
# raise, so AppTest reports it as an exception (simulator/app_pages/guard.py).
os.environ.setdefault("ADSIM_STUDIO_DEBUG", "1")

ROOT = Path(__file__).resolve().parent.parent

CORE_SCENARIO = """\
name: q4-launch
currency: CNY
horizon_days: 30
budget:
  total: 1000000
objective: revenue
targets:
  roi_min: 3.0
  cac_max: 150
channels:
  - id: baidu_search
    response:
      type: hill
      max_conversions: 12000
      half_saturation: 400000
      shape: 0.9
    aov: 220
    margin: 0.35
    new_customer_rate: 0.6
    min_spend: 0
    max_spend: 800000
  - id: douyin_feed
    response:
      type: exponential
      max_conversions: 9000
      scale: 250000
    aov: 160
"""


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write dedented text to a file under tmp_path and return its path."""

    def _write(text: str, name: str = "scenario.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return _write


@pytest.fixture
def core_file(write: Callable[[str, str], Path]) -> Path:
    return write(CORE_SCENARIO, "q4.yaml")


@pytest.fixture
def at() -> AppTest:
    """The studio on its default scenario, run once without an exception (streamlit is
    imported only by the tests that take it)."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app
