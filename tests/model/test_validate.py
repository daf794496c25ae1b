"""Every bad input named in the foundation issue gets a located, explained error."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from simulator import ScenarioError, load_scenario
from simulator.model.load import load_split
from tests.conftest import CORE_SCENARIO

Write = Callable[[str, str], Path]


def errors_of(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert isinstance(info.value, ValueError)
    return [str(i) for i in info.value.issues]


def with_line(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


CASES = [
    # (what, replace this, with this, expected "LINE: path: message" fragment)
    ("missing name", "name: q4-launch\n", "", ":1: name: required field is missing"),
    ("wrong type", "aov: 220", "aov: lots", ":17: channels[0].aov: must be a number (got 'lots')"),
    ("negative budget", "total: 1000000", "total: -5", ":5: budget.total: must be > 0 (got -5)"),
    ("zero budget", "total: 1000000", "total: 0", ":5: budget.total: must be > 0 (got 0)"),
    ("nan", "roi_min: 3.0", "roi_min: .nan", ":8: targets.roi_min: must be a finite number"),
    ("inf", "scale: 250000", "scale: .inf", ":26: channels[1].response.scale: must be a finite"),
    (
        "min above max",
        "min_spend: 0",
        "min_spend: 900000",
        ":20: channels[0].min_spend: min_spend 900,000 is above max_spend 800,000",
    ),
    (
        "minimums above budget",
        "min_spend: 0\n    max_spend: 800000",
        "min_spend: 1200000\n    max_spend: 1500000",
        ":5: budget.total: channels' min_spend add up to 1,200,000, above the budget 1,000,000",
    ),
    ("duplicate id", "id: douyin_feed", "id: baidu_search", ":22: channels[1].id: duplicate id"),
    ("malformed id", "id: douyin_feed", "id: Douyin Feed", ":22: channels[1].id: must use only"),
    (
        "unknown key",
        "aov: 160",
        "aov: 160\n    colour: red",
        ":28: channels[1].colour: unknown key 'colour'; allowed keys: adstock, aov,",
    ),
    (
        "unknown family",
        "type: exponential",
        "type: expo",
        ":24: channels[1].response.type: unknown 'expo'; use exponential, funnel, hill",
    ),
    ("unknown objective", "objective: revenue", "objective: fame", ":6: objective: unknown 'fame'"),
    (
        "no channels",
        CORE_SCENARIO[CORE_SCENARIO.index("channels:") :],
        "channels: []\n",
        ":10: channels: must not be empty",
    ),
]


@pytest.mark.parametrize(("what", "old", "new", "expected"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_located(write: Write, what: str, old: str, new: str, expected: str) -> None:
    path = write(with_line(CORE_SCENARIO, old, new), "bad.yaml")
    errors = errors_of(path)
    assert any(e.startswith(str(path)) and expected in e for e in errors), errors


def test_all_errors_of_a_file_are_reported(write: Write) -> None:
    text = with_line(CORE_SCENARIO, "total: 1000000", "total: -1")
    text = with_line(text, "aov: 160", "aov: .inf")
    text = with_line(text, "id: douyin_feed", "id: baidu_search")
    errors = errors_of(write(text, "many.yaml"))
    assert len(errors) == 4, errors  # the duplicate is named at both places


def test_empty_file(write: Write) -> None:
    assert errors_of(write("", "empty.yaml"))[0].endswith(
        "empty.yaml:1: the file is empty; expected a YAML mapping"
    )


def test_non_yaml_bytes(tmp_path: Path) -> None:
    path = tmp_path / "image.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert "not a text file" in errors_of(path)[0]


def test_yaml_syntax_error_has_a_line(write: Write) -> None:
    errors = errors_of(write("name: x\nbudget: {total: 5\nchannels: []\n", "syntax.yaml"))
    assert "syntax.yaml:" in errors[0]
    assert "not valid YAML" in errors[0]


def test_not_a_mapping(write: Write) -> None:
    assert "expected a YAML mapping" in errors_of(write("- 1\n- 2\n", "list.yaml"))[0]


def test_ids_are_read_as_text_exactly_as_written(write: Write) -> None:
    text = with_line(CORE_SCENARIO, "id: douyin_feed", "id: 618")
    text = with_line(text, "id: baidu_search", "id: no")
    sc = load_scenario(write(text, "ids.yaml"))
    assert sc.channel_ids == ("no", "618")


def test_defaults_of_the_core_format(core_file: Path) -> None:
    sc = load_scenario(core_file)
    assert sc.currency == "CNY"
    assert sc.horizon_days == 30
    assert sc.objective == "revenue"
    assert sc.channel_max.tolist() == [800000.0, 1000000.0]  # default max_spend: budget.total
    assert sc.margin.tolist() == [0.35, 1.0]
    assert sc.new_customer_rate.tolist() == [0.6, 1.0]


@pytest.mark.parametrize(
    ("split", "expected"),
    [
        (
            "allocation: {nowhere: 5}",
            ":1: allocation.nowhere: unknown channel 'nowhere'; known: baidu_search, douyin_feed",
        ),
        (
            "allocation: {baidu_search: -5}",
            ":1: allocation.baidu_search: spend must be >= 0 (got -5)",
        ),
        (
            "allocation: {baidu_search: .nan}",
            ":1: allocation.baidu_search: must be a finite number",
        ),
        (
            "allocation:\n  douyin_feed: 1\nextra: 2",
            ":3: extra: unknown key 'extra'; allowed keys: allocation, daily",
        ),
        ("- 1", "a split must be a mapping"),
    ],
)
def test_bad_split_is_located(core_file: Path, write: Write, split: str, expected: str) -> None:
    sc = load_scenario(core_file)
    path = write(split + "\n", "split.yaml")
    with pytest.raises(ScenarioError) as info:
        load_split(sc, path)
    assert any(expected in str(i) for i in info.value.issues), info.value.issues


def test_split_inside_scenario_is_located_in_the_scenario(write: Write) -> None:
    text = CORE_SCENARIO + "split:\n  allocation:\n    baidu_search: -1\n"
    errors = errors_of(write(text, "with_split.yaml"))
    assert any(":30: split.allocation.baidu_search: spend must be >= 0" in e for e in errors), (
        errors
    )


def test_whole_units_are_enforced(write: Write) -> None:
    text = with_line(CORE_SCENARIO, "aov: 160", "aov: 160\n    unit_cost: 50000")
    sc = load_scenario(write(text, "units.yaml"))
    bad = write("allocation: {douyin_feed: 120000}\n", "s.yaml")
    with pytest.raises(ScenarioError, match="whole number of units of 50,000"):
        load_split(sc, bad)
    good = write("allocation: {douyin_feed: 150000}\n", "ok.yaml")
    assert load_split(sc, good).spend.tolist() == [0.0, 150000.0]


def test_event_needing_start_date_and_unknown_channel(write: Write) -> None:
    text = CORE_SCENARIO + (
        "events:\n  - name: double_11\n    start: 2026-11-10\n    end: 3\n    channels: [tv]\n"
    )
    errors = errors_of(write(text, "events.yaml"))
    assert any("events[0].start: a date (2026-11-10) needs start_date" in e for e in errors), errors
    assert any("events[0].channels[0]: unknown channel 'tv'" in e for e in errors), errors


def test_unknown_segment_reference(write: Write) -> None:
    text = with_line(CORE_SCENARIO, "aov: 160", "aov: 160\n    segments: [women_18_35]")
    errors = errors_of(write(text, "seg.yaml"))
    assert any("channels[1].segments[0]: unknown segment 'women_18_35'" in e for e in errors)


def test_funnel_needs_its_price(write: Write) -> None:
    text = with_line(
        CORE_SCENARIO,
        "type: exponential\n      max_conversions: 9000\n      scale: 250000",
        "type: funnel\n      pricing: cpc\n      ctr: 0.02\n      cvr: 0.03",
    )
    errors = errors_of(write(text, "funnel.yaml"))
    assert any("channels[1].response.cpc: required when pricing is cpc" in e for e in errors)


# Issue 13: hostile and odd input. Booleans and quoted text are not numbers, magnitudes
# stay within the documented ranges, the wrong shape is located, keys are unique.
HOSTILE = [
    (
        "bool budget",
        "total: 1000000",
        "total: true",
        ":5: budget.total: must be a number (got true)",
    ),
    (
        "quoted budget",
        "total: 1000000",
        'total: "1000000"',
        ":5: budget.total: must be a number (got '1000000'); quoted text is not a number",
    ),
    ("bool aov", "aov: 160", "aov: no", ":27: channels[1].aov: must be a number (got false)"),
    (
        "bool horizon",
        "horizon_days: 30",
        "horizon_days: yes",
        ":3: horizon_days: must be a number (got true)",
    ),
    (
        "huge aov",
        "aov: 160",
        "aov: 1e308",
        ":27: channels[1].aov: must be <= 1e+12 (got 1e+308); allowed: 1e-06 .. 1e+12",
    ),
    (
        "tiny scale",
        "scale: 250000",
        "scale: 1e-300",
        ":26: channels[1].response.scale: must be >= 1e-06 (got 1e-300); allowed: 1e-06 .. 1e+12",
    ),
    (
        "huge max_spend",
        "max_spend: 800000",
        "max_spend: 1e15",
        ":21: channels[0].max_spend: must be <= 1e+12 (got 1e+15); allowed: 0 or 1e-06 .. 1e+12",
    ),
    (
        "huge count",
        "max_conversions: 9000",
        "max_conversions: 1.0e+300",
        ":25: channels[1].response.max_conversions: must be <= 1e+12 (got 1e+300)",
    ),
    (
        "channels is a number",
        CORE_SCENARIO[CORE_SCENARIO.index("channels:") :],
        "channels: 5\n",
        ":10: channels: must be a list (got 5)",
    ),
    (
        "channels is a float",
        CORE_SCENARIO[CORE_SCENARIO.index("channels:") :],
        "channels: 2.5\n",
        ":10: channels: must be a list (got 2.5)",
    ),
    (
        "channels is a bool",
        CORE_SCENARIO[CORE_SCENARIO.index("channels:") :],
        "channels: true\n",
        ":10: channels: must be a list (got True)",
    ),
    (
        "duplicate key",
        "aov: 160",
        "aov: 160\n    aov: 170",
        ":28: channels[1].aov: duplicate key 'aov' (first at line 27); each key may appear once",
    ),
]


@pytest.mark.parametrize(("what", "old", "new", "expected"), HOSTILE, ids=[c[0] for c in HOSTILE])
def test_hostile_values_are_located(
    write: Write, what: str, old: str, new: str, expected: str
) -> None:
    path = write(with_line(CORE_SCENARIO, old, new), "bad.yaml")
    errors = errors_of(path)
    assert any(e.startswith(f"{path}{expected}") for e in errors), errors


def test_values_at_the_ends_of_the_ranges_are_accepted(write: Write) -> None:
    text = with_line(CORE_SCENARIO, "aov: 160", "aov: 1e12")
    text = with_line(text, "scale: 250000", "scale: 1e-6")
    text = with_line(text, "total: 1000000", "total: 1e12")
    sc = load_scenario(write(text, "edges.yaml"))
    assert sc.aov.tolist() == [220.0, 1e12]
    assert sc.budget == 1e12


def test_deep_nesting_in_a_scenario_is_located(write: Write) -> None:
    text = with_line(CORE_SCENARIO, "aov: 160", "aov: " + "[" * 300 + "]" * 300)
    errors = errors_of(write(text, "deep.yaml"))
    assert len(errors) == 1
    assert errors[0].endswith("deep.yaml:27: nested more than 64 levels deep")


def test_merge_keys_work_with_the_lines_of_merged_fields(write: Write) -> None:
    text = (
        "x-defaults: &defaults\n"  # line 1: x- keys hold anchors and are otherwise ignored
        "  aov: 160\n"
        "  margin: 3\n"  # line 3: a bad merged value is reported where it is written
        + CORE_SCENARIO.replace("    aov: 160\n", "    <<: *defaults\n")
    )
    errors = errors_of(write(text, "merge.yaml"))
    assert any(e.endswith("merge.yaml:3: channels[1].margin: must be <= 1 (got 3)") for e in errors)
    good = write(text.replace("margin: 3", "margin: 0.5"), "merge_ok.yaml")
    sc = load_scenario(good)
    assert sc.aov.tolist() == [220.0, 160.0]
    assert sc.margin.tolist() == [0.35, 0.5]


def test_json_split_with_exponents_is_read_as_numbers(core_file: Path, write: Write) -> None:
    sc = load_scenario(core_file)
    split = write('{"allocation": {"baidu_search": 3.5e5, "douyin_feed": 2E5}}', "s.json")
    assert load_split(sc, split).spend.tolist() == [350000.0, 200000.0]


def test_exponents_in_a_scenario_are_numbers(write: Write) -> None:
    sc = load_scenario(write(with_line(CORE_SCENARIO, "total: 1000000", "total: 1e6"), "e.yaml"))
    assert sc.budget == 1e6


@pytest.mark.parametrize(
    ("split", "expected"),
    [
        ("allocation: {baidu_search: 1e308}", "allocation.baidu_search: spend must be <= 1e+12"),
        ("allocation: {baidu_search: true}", "allocation.baidu_search: must be a finite number"),
        ("allocation: {baidu_search: '5'}", "allocation.baidu_search: must be a finite number"),
    ],
)
def test_split_spends_are_real_numbers_in_range(
    core_file: Path, write: Write, split: str, expected: str
) -> None:
    sc = load_scenario(core_file)
    path = write(split + "\n", "split.yaml")
    with pytest.raises(ScenarioError) as info:
        load_split(sc, path)
    issues = [str(i) for i in info.value.issues]
    assert len(issues) == 1, issues
    assert issues[0].startswith(f"{path}:1: {expected}"), issues
