"""The studio page driven headless (streamlit AppTest): what it shows is the library's.

Each test drives app.py like a user (load, move a slider, add a variant, optimise,
upload a bad file, open a shared link) and compares every KPI card with the number the
library returns for the same inputs.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from simulator.api import evaluate, optimize
from simulator.calibrate.to_scenario import calibrate_to_scenario
from simulator.io.errors import ScenarioError
from simulator.io.yaml_loader import parse_yaml
from simulator.model.compiled import Split
from simulator.model.load import load_scenario, scenario_from_data
from simulator.optimize.pareto import pareto_front
from simulator.studio import format as fmt
from simulator.studio.wording import with_labels

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
DEFAULT = ROOT / "scenarios" / "ecommerce_q4.yaml"
KPIS = ("spend", "revenue", "conversions", "new_customers", "roi", "cac", "profit")
PLAN = {
    "baidu_search": 1_200_000.0,
    "douyin_feed": 900_000.0,
    "xiaohongshu_notes": 400_000.0,
    "affiliate": 180_000.0,
    "kol_posts": 320_000.0,
}


@pytest.fixture(scope="module")
def q4():
    return load_scenario(DEFAULT)


def number(text: str) -> float:
    """The number a card shows: '¥10,412,064' -> 10412064.0; '¥1,041.21万' -> 10412100.0."""
    unit = {"万": 1e4, "亿": 1e8}.get(text[-1:], 1.0)
    return float(re.sub(r"[^0-9.\-]", "", text)) * unit


def cards(app: AppTest) -> list[dict[str, str]]:
    """Each column's KPI values, in the order they are shown."""
    values = [m.value for m in app.metric]
    assert len(values) % len(KPIS) == 0
    return [dict(zip(KPIS, values[i : i + 7], strict=True)) for i in range(0, len(values), 7)]


def assert_card_is(card: dict[str, str], totals: dict[str, float], lang: str = "en") -> None:
    """Shown text is the library's number, formatted, and parses back within rounding (in
    Chinese, two decimals of the 万 or 亿 shown)."""
    for key in KPIS:
        assert card[key] == fmt.metric(key, totals[key], lang=lang), key
        unit = {"万": 1e4, "亿": 1e8}.get(card[key][-1:], 1.0)
        tolerance = 0.005 * unit if key in ("roi", "cac") or unit > 1 else 0.5
        assert number(card[key]) == pytest.approx(totals[key], abs=tolerance), key


def test_default_scenario_shows_its_plan(at: AppTest, q4) -> None:
    (baseline,) = cards(at)
    assert_card_is(baseline, evaluate(q4).totals)
    assert at.slider(key="sl_baidu_search").value == 1_200_000.0
    # formatted by hand from the engine: a change in fmt must show here
    assert baseline["revenue"] == f"¥{evaluate(q4).totals['revenue']:,.0f}"


def test_moving_a_slider_updates_the_cards(at: AppTest, q4) -> None:
    at.slider(key="sl_baidu_search").set_value(1_000_000.0).run()
    assert at.number_input(key="ni_baidu_search").value == 1_000_000.0
    (baseline,) = cards(at)
    assert_card_is(baseline, evaluate(q4, {**PLAN, "baidu_search": 1_000_000.0}).totals)
    at.number_input(key="ni_douyin_feed").set_value(500_000.0).run()
    assert at.slider(key="sl_douyin_feed").value == 500_000.0
    plan = {**PLAN, "baidu_search": 1_000_000.0, "douyin_feed": 500_000.0}
    assert_card_is(cards(at)[0], evaluate(q4, plan).totals)
    assert "baidu_search:1000000" in at.query_params["plan"]


def test_adding_variants_compares_them(at: AppTest, q4) -> None:
    at.number_input(key="v_pct_shift").set_value(20.0)
    at.button(key="v_add").click().run()  # default: baidu_search -> douyin_feed
    at.segmented_control(key="v_kind").set_value("scale").run()
    at.number_input(key="v_pct_scale").set_value(30.0)
    at.button(key="v_add").click().run()
    _base, moved, bigger = cards(at)
    moved_plan = {**PLAN, "baidu_search": 960_000.0, "douyin_feed": 1_140_000.0}
    assert_card_is(moved, evaluate(q4, moved_plan).totals)
    # +30% placed exactly: baidu held at its 1.2M max, KOL in whole posts (400,000), and
    # the other three share the remaining 2.3M as they shared the baseline (900:400:180)
    rest = {k: 2_300_000.0 * PLAN[k] / 1_480_000 for k in ("douyin_feed", "xiaohongshu_notes")}
    rest["affiliate"] = 2_300_000.0 * PLAN["affiliate"] / 1_480_000
    bigger_plan = {"baidu_search": 1_200_000.0, "kol_posts": 400_000.0, **rest}
    assert_card_is(bigger, evaluate(q4, bigger_plan).totals)
    deltas = [m.delta for m in at.metric][7:14]
    gain = evaluate(q4, moved_plan).totals["revenue"] - evaluate(q4).totals["revenue"]
    assert deltas[1] == fmt.delta("revenue", gain)
    titles = [m.value for m in at.markdown if m.value.startswith("**")]
    assert any("Move 20% from Baidu search" in t for t in titles)
    assert at.query_params["v"] == "shift:baidu_search:douyin_feed:20;scale:30"


def test_optimiser_fills_its_column(at: AppTest, q4) -> None:
    at.button(key="optimize").click().run()
    assert not at.exception
    base, best = cards(at)
    rec = optimize(q4)
    assert_card_is(best, rec.totals)
    shown = " ".join(m.value for m in at.markdown)
    assert rec.explanations
    # the optimiser's sentence, word for word, with the channel's label beside its id
    first = next(line for line in rec.explanations if line.startswith("baidu_search: "))
    assert first.replace("baidu_search:", "baidu_search [Baidu search (百度搜索)]:", 1) in shown
    for line in rec.explanations:
        assert with_labels(line, q4.labels) in shown
    assert number(best["revenue"]) >= number(base["revenue"])
    assert "部分说明为英文。" not in [c.value for c in at.caption]  # English needs no note
    at.segmented_control(key="lang").set_value("zh").run()
    # every sentence in Chinese, the channel by its label, so no note that some are English
    assert "部分说明为英文。" not in [c.value for c in at.caption]
    zh = " ".join(m.value for m in at.markdown)
    assert "- Baidu search (百度搜索)：由 1,200,000 减至" in zh
    assert first not in zh


def test_a_missed_target_is_flagged(at: AppTest) -> None:
    at.number_input(key="ed_targets.roi_min").set_value(3.5).run()  # baseline ROI is 3.47
    badges = [m.value for m in at.markdown if "badge" in m.value]
    assert any(":red-badge" in b and "ROI floor" in b for b in badges)
    assert at.query_params["edit"] == "targets.roi_min:3.5"


def test_language_switch(at: AppTest) -> None:
    at.segmented_control(key="lang").set_value("zh").run()
    assert at.title[0].value == "What-if 模拟工作台"
    assert [m.label for m in at.metric][:2] == ["花费", "GMV"]


BAD = b"""name: broken
budget:
  total: 1000
channels:
  - id: search
    response: {type: hil, max_conversions: 10, half_saturation: 5}
    aov: -3
"""


def test_bad_upload_shows_the_located_errors(at: AppTest) -> None:
    at.file_uploader(key="upload").set_value(("bad.yaml", BAD, "application/yaml")).run()
    assert not at.exception
    with pytest.raises(ScenarioError) as err:
        scenario_from_data(*parse_yaml(BAD.decode(), "bad.yaml"), "bad.yaml")
    shown = at.error[0].value
    assert len(err.value.issues) >= 2
    for issue in err.value.issues:
        assert str(issue) in shown
    assert "bad.yaml:6: channels[0].response" in shown
    assert not at.metric  # no numbers from a scenario that did not load


def test_a_shared_link_opens_the_same_comparison(q4) -> None:
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params.update(
        {
            "scenario": "ecommerce_q4",
            "plan": "baidu_search:1000000,douyin_feed:900000",
            "v": "scale:-10",
            "lang": "zh",
        }
    )
    app.run()
    assert not app.exception
    base, smaller = cards(app)
    plan = {**PLAN, "baidu_search": 1_000_000.0}
    assert_card_is(base, evaluate(q4, plan).totals, lang="zh")
    # -10% of the total exactly; KOL posts stay whole (4 posts), the others take the rest
    assert number(smaller["spend"]) == 0.9 * 2_800_000
    assert app.title[0].value == "What-if 模拟工作台"


HISTORY = ROOT / "scenarios" / "sample_history.csv"
HISTORY_CHANNELS = ["baidu_search", "douyin_feed", "xiaohongshu_notes", "wechat_moments"]


def calibration_tables(at: AppTest) -> list:
    """The fit report's tables (the comparison has tables of its own)."""
    return [d for d in at.dataframe if "r2" in d.value]


def test_a_calibrated_history_opens_as_the_scenario(at: AppTest) -> None:
    raw = HISTORY.read_bytes()
    at.file_uploader(key="history").set_value(("sample_history.csv", raw, "text/csv")).run()
    assert not at.exception
    assert any("30 bootstrap resamples" in c.value for c in at.caption)  # said on the page
    (table,) = calibration_tables(at)
    text, report = calibrate_to_scenario(raw, "sample_history.csv", n_resamples=30)
    assert list(table.value["channel"]) == HISTORY_CHANNELS
    assert list(table.value["r2"]) == [row["r2"] for row in report.rows]
    # holdout R² 0.035 and -0.08 (baidu 0.49 and douyin 0.87 pass the 0.3 bar): in words
    poor = "Poor fit (holdout R² below 0.3): xiaohongshu_notes, wechat_moments."
    warnings = [w.value for w in at.warning]
    assert warnings[0].startswith(poor)
    assert warnings[1:] == report.warnings
    assert at.slider(key="sl_kol_posts")  # still the bundled scenario until it is opened
    at.button(key="cal_open").click().run()
    assert not at.exception
    for cid in HISTORY_CHANNELS:
        assert at.slider(key=f"sl_{cid}").value >= 0
    assert "sl_kol_posts" not in [s.key for s in at.slider]
    assert not calibration_tables(at)  # the report folds once its scenario is open
    (baseline,) = cards(at)
    calibrated = scenario_from_data(*parse_yaml(text, "c.yaml"), "c.yaml")
    assert_card_is(baseline, evaluate(calibrated).totals)
    assert "scenario" not in at.query_params  # not on the server: the link leaves it out
    at.button(key="close_opened").click().run()
    assert at.slider(key="sl_kol_posts")


def test_a_bad_history_shows_the_located_error(at: AppTest) -> None:
    bad = HISTORY.read_text().splitlines()
    bad[2] = "2025-04-01,douyin_feed,-5,317,52305.00,246"
    raw = ("\n".join(bad) + "\n").encode()
    at.file_uploader(key="history").set_value(("neg.csv", raw, "text/csv")).run()
    assert not at.exception
    shown = at.error[0].value
    assert "neg.csv:3: spend: must be >= 0 (got -5)" in shown
    assert "cal_open" not in [b.key for b in at.button]
    assert cards(at)  # the open scenario is still planned below


SMALL = b"""name: small
budget: {total: 100000}
targets: {cac_max: 60}
channels:
  - id: search
    label: Search
    response: {type: exponential, max_conversions: 3000, scale: 60000}
    aov: 200
    new_customer_rate: 0.6
  - id: feed
    response: {type: hill, max_conversions: 2500, half_saturation: 50000, shape: 0.8}
    aov: 150
"""


def _pareto_trace(app: AppTest) -> dict:
    (fig,) = app.get("plotly_chart")
    return json.loads(fig.proto.spec)["data"]


def test_the_pareto_tab_draws_the_optimisers_front(at: AppTest) -> None:
    at.file_uploader(key="upload").set_value(("small.yaml", SMALL, "application/yaml")).run()
    at.session_state["charts"] = "Pareto front"  # open the lazy tab
    at.run()
    at.button(key="pareto_run").click().run()
    assert not at.exception
    line, baseline = _pareto_trace(at)  # the front, then the baseline plan marked beside it
    cs = scenario_from_data(*parse_yaml(SMALL.decode(), "small.yaml"), "small.yaml")
    plan = evaluate(cs, dict(at.session_state["plan"])).totals  # the studio's baseline
    assert baseline["x"] + baseline["y"] == pytest.approx([plan["cac"], plan["revenue"]])
    front = pareto_front(cs, "cac", 9)
    assert line["x"] == pytest.approx([p.x for p in front.points])
    assert line["y"] == pytest.approx([p.y for p in front.points])
    caps = [float(text.removeprefix("CAC cap ")) for text in line["text"]]
    assert all(x <= cap * (1 + 1e-6) + 0.005 for x, cap in zip(line["x"], caps, strict=True))
    assert line["y"] == sorted(line["y"])  # a looser CAC never earns less
    # in words: the trade-off, and where the baseline stands against the front
    said = [m.value.replace("\\", "") for m in at.markdown]
    assert any(s.startswith("Trade-off along the front (CAC): ") for s in said)
    base = evaluate(cs, {"search": 50_000.0, "feed": 50_000.0}).totals
    assert any(s.startswith(f"- Baseline: CAC ¥{base['cac']:,.2f}") for s in said), said
    at.button(key="optimize").click().run()
    line, star, baseline = _pareto_trace(at)  # the optimiser's column is the star, once
    rec = optimize(cs)
    assert star["x"] + star["y"] == pytest.approx([rec.totals["cac"], rec.totals["revenue"]])
    at.segmented_control(key="pareto_axis").set_value("roi").run()
    assert not at.get("plotly_chart")  # the CAC front is not shown as the ROI one


@pytest.mark.slow  # the daily optimiser takes ~15 s on Double 11, once here and once in the app
def test_the_daily_plan_tab_shows_the_daily_optimum() -> None:
    app = AppTest.from_file(APP, default_timeout=120)
    app.query_params["scenario"] = "double11"
    app.run()
    app.session_state["charts"] = "Daily plan"  # open the lazy tab
    app.run()
    assert not app.get("plotly_chart")  # nothing drawn before the button
    app.button(key="daily_run").click().run()
    assert not app.exception
    cs = load_scenario(ROOT / "scenarios" / "double11.yaml")
    rec = optimize(cs, plan="daily")
    even = evaluate(cs, Split(rec.split.spend))
    shown = [m for m in app.metric if m.label in ("Revenue", "ROI", "CAC")][-6:]
    daily_row, even_row = shown[:3], shown[3:]
    for metric, key in zip(daily_row, ("revenue", "roi", "cac"), strict=True):
        assert metric.value == fmt.metric(key, rec.totals[key]), key
        assert metric.delta == fmt.delta(key, rec.totals[key] - even.totals[key]), key
    for metric, key in zip(even_row, ("revenue", "roi", "cac"), strict=True):
        assert metric.value == fmt.metric(key, even.totals[key]), key
    assert number(daily_row[0].value) > number(even_row[0].value)  # pacing by day pays
    (fig,) = app.get("plotly_chart")
    stacked = [tr for tr in json.loads(fig.proto.spec)["data"] if tr.get("stackgroup")]
    assert [tr["y"] for tr in stacked] == [rec.daily[c] for c in cs.channel_ids]
    assert len(json.loads(fig.proto.spec)["layout"]["shapes"]) == 3  # presale, 11.11, after
