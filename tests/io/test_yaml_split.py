"""The runnable YAML of ``optimize --out x.yaml`` keeps every key and comment, and parses
(issue 13.4): quoted keys after ``split:``, JSON and flow-style scenarios, re-runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from simulator import evaluate, load_scenario, optimize
from simulator.cli import main
from simulator.io.yaml_split import NOTE, scenario_with_split
from tests.conftest import CORE_SCENARIO

SPLIT = {"allocation": {"baidu_search": 300000.0, "douyin_feed": 1.0e16}}

# The bug: quoted top-level keys after `split:` were taken for part of it and dropped,
# so the re-run lost its ROI target and spent more.
QUOTED_AFTER_SPLIT = (
    CORE_SCENARIO.replace("targets:\n  roi_min: 3.0\n  cac_max: 150\n", "")
    + "split:                       # the plan in place now\n"
    + "  allocation: {baidu_search: 500000, douyin_feed: 500000}\n"
    + '"targets":\n  "roi_min": 4.2\n'
    + "'description': launch plan\n"  # (a key written once: duplicates are an error)
)


def _flow(text: str) -> str:
    return yaml.safe_dump(yaml.safe_load(text), default_flow_style=True, width=80)


def _json(text: str) -> str:
    return json.dumps(yaml.safe_load(text), indent=2)


@pytest.mark.parametrize(
    "text",
    [CORE_SCENARIO, QUOTED_AFTER_SPLIT, _json(CORE_SCENARIO), _flow(QUOTED_AFTER_SPLIT)],
    ids=["block", "quoted-after-split", "json", "flow"],
)
def test_every_key_is_kept_and_the_split_is_set(text: str) -> None:
    out = scenario_with_split(text, SPLIT)
    before, after = yaml.safe_load(text), yaml.safe_load(out)
    assert after.pop("split") == SPLIT
    before.pop("split", None)
    assert after == before
    assert scenario_with_split(out, SPLIT) == out  # exporting again changes nothing


def test_comments_and_layout_outside_the_split_are_kept_byte_for_byte() -> None:
    text = "# top note\n" + QUOTED_AFTER_SPLIT + "# closing note\n"
    out = scenario_with_split(text, SPLIT)
    head = text.split("split:", 1)[0]
    assert out.startswith(head + NOTE + "split:\n  allocation:\n    baidu_search: 300000.0\n")
    assert out.endswith(
        '"targets":\n  "roi_min": 4.2\n\'description\': launch plan\n# closing note\n'
    )
    assert out.count("# the plan in place now") == 0  # the replaced split goes whole


def test_a_scenario_without_split_gets_one_at_the_end() -> None:
    out = scenario_with_split(CORE_SCENARIO, SPLIT)
    assert out.startswith(CORE_SCENARIO)
    assert out[len(CORE_SCENARIO) :].startswith(NOTE + "split:\n")


@pytest.mark.parametrize("style", ["quoted-after-split", "json", "flow"])
def test_the_rerun_gives_the_same_numbers_and_keeps_the_target(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], style: str
) -> None:
    text = {"quoted-after-split": QUOTED_AFTER_SPLIT, "json": _json(QUOTED_AFTER_SPLIT)}.get(
        style, _flow(QUOTED_AFTER_SPLIT)
    )
    source = tmp_path / f"scenario.{'json' if style == 'json' else 'yaml'}"
    source.write_text(text, "utf-8")
    assert main(["optimize", str(source), "--out", str(tmp_path / "rec.yaml")]) == 0
    capsys.readouterr()
    again = load_scenario(tmp_path / "rec.yaml")
    assert again.targets["roi_min"] == 4.2
    rec = optimize(load_scenario(source))
    assert rec.totals["roi"] >= 4.2 * (1 - 1e-9)
    back = evaluate(again)
    for key, value in rec.totals.items():
        assert back.totals[key] == pytest.approx(value, rel=1e-9, nan_ok=True), key
    assert optimize(again).totals == pytest.approx(rec.totals, rel=1e-9, nan_ok=True)
