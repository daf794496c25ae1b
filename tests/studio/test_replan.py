"""The Replan tab: the uploaded actuals' pace and new plan are the library's, in both languages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from simulator.commands.replan import read_actuals
from simulator.model.load import load_scenario
from simulator.optimize.replan import replan
from simulator.studio.replan import pace_figure, pace_rows, pace_sentences, replan_upload

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
SCENARIO = ROOT / "scenarios" / "double11.yaml"
ACTUALS = ROOT / "scenarios" / "double11.actuals.csv"


@pytest.fixture(scope="module")
def expected():  # type: ignore[no-untyped-def]
    cs = load_scenario(SCENARIO)
    return cs, replan(cs, read_actuals(str(ACTUALS), cs, None))


def test_upload_gives_the_commands_answer(expected) -> None:  # type: ignore[no-untyped-def]
    cs, want = expected
    got = replan_upload(cs, ACTUALS.read_bytes(), "double11.actuals.csv", "", "id")
    assert got.result is not None
    assert got.series is not None
    assert got.result.to_json() == want.to_json()
    rows = pace_rows(got.result, "zh")
    assert [r["channel"] for r in rows] == list(cs.channel_ids)
    assert [r["pace"] for r in rows] == ["正常", "正常", "落后", "正常"]
    assert pace_sentences(got.result, "en") == [want.extra["pace"]["douyin_live"]["sentence"]]
    fig = pace_figure(cs, got.series, "en")
    actual = [tr for tr in fig["data"] if tr["name"].endswith("· actual")]
    assert actual[2]["y"][-1] == want.extra["pace"]["douyin_live"]["conversions"]
    plan = [tr for tr in fig["data"] if tr["name"].endswith("· plan")]
    assert len(plan[0]["y"]) == 30


def test_bad_upload_is_located(expected) -> None:  # type: ignore[no-untyped-def]
    cs, _ = expected
    raw = ACTUALS.read_text().replace("2026-11-03,tmall_search,", "2026-11-03,tiktok,", 1)
    got = replan_upload(cs, raw.encode(), "a.csv", "", "id")
    assert got.result is None
    assert [str(i) for i in got.issues] == [
        "a.csv:10: channel: unknown channel 'tiktok'; use one of the scenario's: "
        "tmall_search, tmall_display, douyin_live, kol_reviews"
    ]
    late = replan_upload(cs, ACTUALS.read_bytes(), "a.csv", "40", "id")
    assert "--today: day 40 is outside the horizon" in str(late.issues[0])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_tab_shows_pace_and_the_plan(lang: str, expected) -> None:  # type: ignore[no-untyped-def]
    cs, want = expected
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["scenario"] = "double11"
    app.query_params["lang"] = lang
    app.run()
    app.session_state["charts"] = "Replan" if lang == "en" else "中途重规划"
    app.run()
    assert not app.exception
    app.file_uploader(key="actuals").set_value(
        ("double11.actuals.csv", ACTUALS.read_bytes(), "text/csv")
    ).run()
    assert not app.exception, [e.value for e in app.exception]
    table = next(d for d in app.dataframe if "plan_conversions" in d.value)
    assert list(table.value["conversions"]) == [
        want.extra["pace"][c]["conversions"] for c in cs.channel_ids
    ]
    key = "sentence_zh" if lang == "zh" else "sentence"
    assert want.extra["pace"]["douyin_live"][key] in [w.value for w in app.warning]
    charts = {c.proto.id: json.loads(c.proto.spec) for c in app.get("plotly_chart")}
    daily = next(
        spec for spec in charts.values() if any(tr.get("stackgroup") for tr in spec["data"])
    )
    stacked = [tr["y"] for tr in daily["data"] if tr.get("stackgroup")]
    assert stacked == [want.daily[c] for c in cs.channel_ids]
    budget_left = [m for m in app.metric if m.label in ("Budget left", "剩余预算")]
    assert budget_left[0].value == ("¥3,656,700" if lang == "en" else "¥365.67万")
