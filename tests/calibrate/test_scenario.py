"""The calibrated scenario: valid, commented, faithful to the fit, saved atomically."""

from __future__ import annotations

import io
import os
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.calibrate import calibrate, write_scenario
from simulator.calibrate.scenario import channel_ids, num
from simulator.io.errors import ScenarioError
from simulator.model.load import load_scenario


@pytest.fixture(scope="module")
def cal(short_history):
    text, _ = short_history
    return calibrate(text.encode(), name="fitted", n_resamples=8, seed=3)


def test_written_scenario_loads_and_carries_the_fit(cal, tmp_path: Path) -> None:
    path = tmp_path / "fitted.yaml"
    write_scenario(cal, path)
    sc = load_scenario(path)
    assert sc.channel_ids == ("search", "feed", "notes")
    assert sc.horizon_days == 30
    for i, ch in enumerate(cal.channels):
        c = ch.fit.curve
        curve = sc.curves.take(np.array([i]))
        s = np.array([[c.half_saturation * 30]])
        # C(S) of the written scenario = H f(S / H) of the fit, to the 5 digits written
        assert curve.value(s)[0, 0] == pytest.approx(30 * c.produced(s / 30)[0, 0], rel=2e-4)
        assert sc.decay[i] == pytest.approx(c.decay, abs=1e-4)
        assert sc.aov[i] == pytest.approx(ch.aov, rel=1e-4)
        assert sc.new_customer_rate[i] == pytest.approx(ch.new_customer_rate, abs=1e-4)
    assert sc.current is not None
    assert sc.current.spend.sum() == pytest.approx(sc.budget)
    mean_daily = sum(ch.mean_daily_spend for ch in cal.channels)
    assert sc.budget == pytest.approx(30 * mean_daily, rel=1e-5)


def test_every_number_says_where_it_came_from(cal) -> None:
    text = cal.yaml_text
    assert "# Calibrated by `adsim calibrate`" in text
    assert "held-out MAPE" in text
    assert text.count("90% interval") >= 3 * 3
    assert text.count("revenue / conversions over 90 days") == 3
    assert "the history's average daily spend x 30 days" in text


def test_a_failed_validation_writes_nothing(cal, tmp_path: Path) -> None:
    path = tmp_path / "fitted.yaml"
    path.write_text("old\n")
    broken = replace(cal, yaml_text=cal.yaml_text.replace("aov: ", "aov: -", 1))
    with pytest.raises(ScenarioError, match=r"fitted.yaml:\d+: channels\[0\]\.aov"):
        write_scenario(broken, path)
    assert path.read_text() == "old\n"
    write_scenario(cal, path)
    assert path.read_text() == cal.yaml_text
    assert os.listdir(tmp_path) == ["fitted.yaml"]  # no temporary file left behind


def test_channel_ids_are_valid_and_unique() -> None:
    names = ["Baidu Search", "百度", "baidu-search", "baidu search", "618", "抖音"]
    assert channel_ids(names) == [
        "baidu_search",
        "channel_2",
        "baidu-search",
        "baidu_search_2",
        "618",
        "channel_6",
    ]


@given(st.floats(min_value=1e-7, max_value=1e13))
def test_numbers_are_plain_decimals_yaml_reads_as_numbers(value: float) -> None:
    text = num(value)
    assert "e" not in text.lower()
    assert float(text) == pytest.approx(value, rel=5e-5)


def test_a_dataframe_goes_through_the_same_checks(short_history) -> None:
    frame = pd.read_csv(io.StringIO(short_history[0]))
    from_frame = calibrate(frame, n_resamples=0)
    assert [c.id for c in from_frame.channels] == ["search", "feed", "notes"]
    frame.loc[3, "spend"] = -1.0
    with pytest.raises(ScenarioError, match=r"^<dataframe>:5: spend: must be >= 0"):
        calibrate(frame, n_resamples=0)
