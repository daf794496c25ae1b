"""Splits that name channels and ad sets (``allocation``, ``ad_sets``, ``daily``), and
CSV splits: the numbers each ad set gets, and every bad input located."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import load_scenario
from simulator.cli import main
from simulator.io.errors import ScenarioError
from simulator.model.compiled import CompiledScenario
from simulator.model.load import load_split
from simulator.model.split import parse_split
from tests.conftest import ROOT

H = 30  # local_brand's horizon


@pytest.fixture(scope="module")
def tea() -> CompiledScenario:
    return load_scenario(ROOT / "scenarios" / "local_brand.yaml")


def _spend(cs: CompiledScenario, data: dict) -> dict[str, float]:
    split = parse_split(cs, data, "s.yaml", {})
    return dict(zip(cs.ad_set_ids, map(float, split.spend), strict=True))


def test_a_channel_spreads_by_default_share(tea: CompiledScenario) -> None:
    got = _spend(tea, {"allocation": {"meituan_feed": 10000}})
    assert got["meituan_feed/students"] == pytest.approx(4000)  # share 0.4
    assert got["meituan_feed/office_workers"] == pytest.approx(6000)


@pytest.mark.parametrize("key", ["confidence", "to_date", "pace", "certificate"])
def test_the_keys_of_optimize_and_replan_json_are_ignored(tea: CompiledScenario, key: str) -> None:
    """``optimize`` (with ``targets.confidence``) and ``replan`` JSON read back as a split."""
    got = _spend(tea, {"allocation": {"meituan_feed": 10000}, key: {"asked": 0.9}})
    assert got["meituan_feed/students"] == pytest.approx(4000)
    with pytest.raises(ScenarioError, match="unknown key 'confidenc'"):
        parse_split(tea, {"allocation": {"meituan_feed": 1}, "confidenc": 1}, "s.yaml", {})


def test_named_ad_sets_keep_their_spend_and_the_rest_goes_to_the_others(
    tea: CompiledScenario,
) -> None:
    for data in (
        {"allocation": {"meituan_feed": 10000}, "ad_sets": {"meituan_feed/students": 7000}},
        {"allocation": {"meituan_feed": 10000, "meituan_feed/students": 7000}},
        {
            "allocation": {"meituan_feed": 10000},
            "ad_sets": {"meituan_feed/students": {"spend": 7000}},
        },
    ):
        got = _spend(tea, data)
        assert got["meituan_feed/students"] == 7000
        assert got["meituan_feed/office_workers"] == pytest.approx(3000)


def test_ad_sets_alone_define_their_channel(tea: CompiledScenario) -> None:
    got = _spend(tea, {"ad_sets": {"meituan_feed/students": 1.5, "ground_promotion": 300}})
    assert got["meituan_feed/students"] == 1.5
    assert got["meituan_feed/office_workers"] == 0
    assert got["ground_promotion"] == 300


def test_daily_per_ad_set_with_the_channel_series_as_a_check(tea: CompiledScenario) -> None:
    students = [float(d) for d in range(H)]
    office = [2.0] * H
    data = {
        "daily": {"meituan_feed": [a + b for a, b in zip(students, office, strict=True)]},
        "ad_sets": {
            "meituan_feed/students": {"spend": sum(students), "daily": students},
            "meituan_feed/office_workers": {"spend": sum(office), "daily": office},
        },
    }
    split = parse_split(tea, data, "s.json", {})
    assert split.daily is not None
    i = tea.ad_set_ids.index("meituan_feed/students")
    assert np.array_equal(split.daily[i], students)
    assert split.spend[i] == sum(students)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"allocation": {"meituan_feed": 10000}, "ad_sets": {"meituan_feed/students": 12000}},
            "allocation.meituan_feed: is 2,000.00 below the sum of the ad sets named for it",
        ),
        (
            {
                "allocation": {"meituan_feed": 10000},
                "ad_sets": {"meituan_feed/students": 1, "meituan_feed/office_workers": 2},
            },
            "allocation.meituan_feed: differs from the sum of its ad sets by 9,997.00",
        ),
        (
            {"ad_sets": {"meituan_feed": 5}},
            "ad_sets.meituan_feed: 'meituan_feed' has segments; name one ad set: "
            "meituan_feed/students, meituan_feed/office_workers",
        ),
        (
            {"ad_sets": {"meituan_feed/pensioners": 5}},
            "ad_sets.meituan_feed/pensioners: unknown ad set 'meituan_feed/pensioners'",
        ),
        (
            {"allocation": {"meituan_feed/students": 1}, "ad_sets": {"meituan_feed/students": 1}},
            "ad_sets.meituan_feed/students: ad set 'meituan_feed/students' is already given at "
            "allocation.meituan_feed/students; name it once",
        ),
        (
            {"ad_sets": {"meituan_feed/students": {"revenue": 5}}},
            "ad_sets.meituan_feed/students: must be a spend, or a mapping with 'spend'",
        ),
        (
            {"ad_sets": {"meituan_feed/students": -1}},
            "ad_sets.meituan_feed/students: spend must be >= 0 (got -1)",
        ),
        (
            {"ad_sets": {"meituan_feed/students": {"spend": 1, "daily": [1, 2]}}},
            f"ad_sets.meituan_feed/students.daily: must be a list of {H} numbers, one per day",
        ),
        ({"ad_sets": [1, 2]}, "ad_sets: must be a mapping of ad set id (channel/segment) to spend"),
    ],
)
def test_bad_splits_are_located(tea: CompiledScenario, data: dict, message: str) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_split(tea, data, "s.yaml", {})
    assert any(message in str(issue) for issue in info.value.issues), info.value


def test_a_csv_split_with_a_bad_cell_names_its_line(tea: CompiledScenario, tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text("id,spend\nmeituan_feed,100\nground_promotion,lots\n", "utf-8")
    with pytest.raises(ScenarioError, match=r"plan\.csv:3: allocation\.ground_promotion: must be"):
        load_split(tea, path)


def test_an_unknown_csv_layout_is_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "plan.csv"
    path.write_text("channel,budget\nmeituan_feed,100\n", "utf-8")
    scenario = str(ROOT / "scenarios" / "local_brand.yaml")
    assert main(["evaluate", scenario, "--split", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:1: header: a split CSV needs the columns id,spend" in err
    assert "Traceback" not in err


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    total=st.floats(0, 1e7),
    named=st.one_of(st.none(), st.floats(0, 1)),
    other=st.just("member_coupons"),  # the other channels are bought in whole units
    other_spend=st.floats(0, 1e6),
)
def test_named_ad_sets_are_exact_and_channel_totals_are_kept(
    tea: CompiledScenario, total: float, named: float | None, other: str, other_spend: float
) -> None:
    """Whatever part of a channel is named for one ad set, that ad set gets exactly it and
    the channel's ad sets sum to the channel's figure."""
    data: dict = {"allocation": {"meituan_feed": total, other: other_spend}}
    if named is not None:
        data["ad_sets"] = {"meituan_feed/students": total * named}
    got = _spend(tea, data)
    both = got["meituan_feed/students"] + got["meituan_feed/office_workers"]
    assert both == pytest.approx(total, rel=1e-12, abs=1e-9)
    if named is not None:
        assert got["meituan_feed/students"] == total * named
    assert got[other] == other_spend
