"""The bundled sample: the history parses, its calibrated scenario runs and is reproducible."""

from __future__ import annotations

import pytest

from simulator.calibrate import calibrate
from simulator.io.history import read_history
from simulator.model.load import load_scenario
from tests.conftest import ROOT

CSV = ROOT / "scenarios" / "sample_history.csv"
YAML = ROOT / "scenarios" / "calibrated_sample.yaml"


def test_sample_history_and_its_scenario_load() -> None:
    history = read_history(CSV)
    assert history.n_days == 180
    assert [c.channel for c in history.channels] == [
        "baidu_search",
        "douyin_feed",
        "xiaohongshu_notes",
        "wechat_moments",
    ]
    sc = load_scenario(YAML)
    assert sc.channel_ids == tuple(c.channel for c in history.channels)
    text = YAML.read_text()
    assert text.count("# WARNING:") == 1  # only the flat-spend channel is extrapolated
    assert "  - id: wechat_moments\n    # WARNING: daily spend hardly varied" in text


@pytest.mark.slow
def test_sample_scenario_is_what_calibrate_makes_of_the_sample_history() -> None:
    """The bundled file is static: it was made by the former least-squares fit, which
    stays reachable as ``method="lsq"``, so that method must still make it byte for byte,
    below the editor's schema line every bundled scenario starts with."""
    cal = calibrate(CSV, name="calibrated-sample", seed=7, method="lsq")
    modeline, rest = YAML.read_text().split("\n", 1)
    assert modeline == "# yaml-language-server: $schema=./adsim.schema.json"
    assert cal.yaml_text == rest
