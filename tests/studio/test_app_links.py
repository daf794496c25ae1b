"""The studio page never shows a traceback, and never a ratio of nothing (AppTest).

Crafted and random share links: every part that cannot be used is a warning naming it,
in the page's language, and the rest of the page (the KPI cards) renders. Faults inside
a section become our short message. Bad uploads get their located errors.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from simulator.api import evaluate
from simulator.app_pages.guard import DEBUG_ENV
from simulator.studio import format as fmt
from simulator.studio.i18n import t
from simulator.studio.share import decode
from tests.studio.conftest import ROOT

APP = str(ROOT / "app.py")
KPIS = ("spend", "revenue", "conversions", "new_customers", "roi", "cac", "profit")


def open_link(params: dict[str, str]) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params.update(params)
    app.run()
    return app


def cards(app: AppTest) -> list[dict[str, str]]:
    values = [m.value for m in app.metric]
    assert values
    assert len(values) % len(KPIS) == 0
    return [dict(zip(KPIS, values[i : i + 7], strict=True)) for i in range(0, len(values), 7)]


def warning_text(app: AppTest) -> str:
    (warning,) = app.warning
    return str(warning.value)


CRAFTED = [
    ({"v": "shift:nope:douyin_feed:20"}, "v: 'shift:nope:douyin_feed:20': unknown channel nope"),
    ({"v": "scale:1e308"}, "v: 'scale:1e308': must be a number from -90 to 500 (got 1e308)"),
    (
        {"edit": "channels.baidu_search.aov.x:5"},
        "edit: 'channels.baidu_search.aov.x:5': not an editable assumption",
    ),
    ({"plan": "baidu_search:-5"}, "plan: 'baidu_search:-5': must be a number from 0 to 1e+15"),
    ({"plan": "nope:5"}, "plan: 'nope:5': unknown channel nope"),
    ({"plan": "kol_posts:12345"}, "plan: 'kol_posts:12345': not valid for this scenario"),
    ({"v": "plan:kol_posts=12345"}, "v: 'plan:kol_posts=12345': not valid for this scenario"),
    ({"edit": "budget.total:-5"}, "edit: 'budget.total:-5': must be a number from 1 to ∞"),
    ({"edit": "budget.total:0.5"}, "edit: 'budget.total:0.5': must be a number from 1 to ∞"),
    ({"edit": "channels.nope.aov:5"}, "edit: 'channels.nope.aov:5': unknown channel nope"),
    (
        {"edit": "channels.baidu_search.response.shape:50"},
        "channels[0].response.shape: must be <= 10 (got 50); allowed: 0.01 .. 10",
    ),
    ({"scenario": "../../etc/passwd"}, "scenario: '../../etc/passwd': no bundled scenario"),
    ({"lang": "fr"}, "lang: 'fr': unknown language; use en or zh"),
]


@pytest.mark.parametrize(("params", "says"), CRAFTED)
def test_a_crafted_link_is_a_warning_not_a_traceback(q4, q4_plan, params, says) -> None:
    app = open_link(params)
    assert not app.exception, [e.value for e in app.exception]
    shown = warning_text(app)
    assert shown.startswith(t("link_problems", "en"))
    assert fmt.plain(says) in shown
    (baseline,) = cards(app)  # the bad part is dropped: the scenario's own plan, unedited
    assert baseline["revenue"] == fmt.metric("revenue", evaluate(q4, q4_plan).totals["revenue"])
    assert not app.error


def test_good_parts_of_a_link_apply_beside_the_warnings(q4, q4_plan) -> None:
    app = open_link(
        {
            "plan": "baidu_search:1000000,kol_posts:12345",
            "v": "shift:nope:douyin_feed:20;scale:-10;scale:1e308",
            "edit": "targets.roi_min:3.5,budget.total:-5",
            "lang": "zh",
        }
    )
    assert not app.exception
    shown = warning_text(app)
    assert shown.startswith("链接中有部分内容无法读取：")
    for says in (
        "plan：「kol_posts:12345」：不适用于此场景",
        "v：「shift:nope:douyin_feed:20」：未知渠道 nope",
        "v：「scale:1e308」：应为 -90 到 500 之间的数（实际为 1e308）",
        "edit：「budget.total:-5」：应为 1 到 ∞ 之间的数（实际为 -5）",
    ):
        assert fmt.plain(says) in shown
    base, smaller = cards(app)
    plan = {**q4_plan, "baidu_search": 1_000_000.0}
    assert base["revenue"] == fmt.metric("revenue", evaluate(q4, plan).totals["revenue"], lang="zh")
    # -10% of the total exactly: KOL posts keep whole units, the others take the rest
    assert smaller["spend"] == fmt.money(0.9 * sum(plan.values()), lang="zh")
    assert app.number_input(key="ed_targets.roi_min").value == 3.5
    written = "baidu_search:1000000,douyin_feed:900000,xiaohongshu_notes:400000"
    assert app.query_params["plan"] == f"{written},affiliate:180000,kol_posts:320000"
    assert app.query_params["v"] == "scale:-10"  # the link is rewritten without the bad parts
    app.segmented_control(key="lang").set_value("en").run()  # the warning follows the language
    assert fmt.plain("v: 'scale:1e308': must be a number from -90 to 500") in warning_text(app)


TOKENS = [
    "baidu_search", "kol_posts", "nope", "budget.total", "targets.roi_min", "none",
    "channels.baidu_search.aov", "channels.douyin_feed.response.ctr", "shift", "scale",
    "plan", "optimize", ":", ",", ";", "=", "|", ".", "-5", "0", "20", "1e308", "nan",
    "80000", "12345", "1e15", "zh", "en", "double11", " ", "％", "渠道",
]  # fmt: skip  # a token list, not one token a line
garbage = st.text(max_size=40) | st.lists(st.sampled_from(TOKENS), max_size=12).map("".join)
PARAMS = ("scenario", "lang", "plan", "v", "edit")


@pytest.mark.slow  # ~30 fresh sessions of the page, about 0.5 s each
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.fixed_dictionaries({}, optional={k: garbage for k in PARAMS}))
def test_garbage_links_never_break_the_page(params: dict[str, str]) -> None:
    app = open_link(params)
    assert not app.exception, (params, [e.value for e in app.exception])
    decoded = decode(params)
    if decoded.problems:
        shown = warning_text(app)
        assert shown.startswith(t("link_problems", decoded.lang))
        for problem in decoded.problems:
            assert fmt.plain(problem.text(decoded.lang)) in shown
    assert [m.label for m in app.metric][:7] == [t(k, decoded.lang) for k in KPIS]
    assert cards(app)


def test_an_unmeetable_target_shows_dashes_not_ratios_beside_zero_spend() -> None:
    app = open_link({"edit": "targets.roi_min:100"})
    app.button(key="optimize").click().run()
    assert not app.exception
    _base, best = cards(app)
    assert best["spend"] == "¥0"  # the optimiser spends a fraction of a yuan
    assert (best["roi"], best["cac"]) == ("–", "–")
    # the only warning is the optimiser's own word on the target (issue 12.9)
    assert [w.value for w in app.warning] == [
        "the ROI floor 100 allows only 0.22 of the 3,000,000 budget to be spent"
    ]


def test_a_plan_spending_nothing_shows_dashes() -> None:
    zero = ",".join(f"{c}:0" for c in ("baidu_search", "douyin_feed", "xiaohongshu_notes"))
    app = open_link({"plan": f"{zero},affiliate:0,kol_posts:0", "lang": "zh"})
    assert not app.exception
    (base,) = cards(app)
    assert (base["spend"], base["roi"], base["cac"]) == ("¥0", "–", "–")


def _boom(*args: object, **kwargs: object) -> None:
    raise KeyError("a fault in adsim")


@pytest.mark.parametrize(
    ("module", "name", "section"),
    [("charts", "charts", "charts"), ("calibrate", "history_upload", "history")],
)
def test_a_fault_in_a_section_is_our_message_and_the_rest_renders(
    monkeypatch, module: str, name: str, section: str
) -> None:
    import importlib

    monkeypatch.delenv(DEBUG_ENV)
    monkeypatch.setattr(importlib.import_module(f"simulator.app_pages.{module}"), name, _boom)
    app = open_link({"lang": "zh"})
    assert not app.exception
    (error,) = app.error
    assert error.value == t("unexpected", "zh", section=t(section, "zh"), kind="KeyError")
    assert "Traceback" not in error.value
    assert "a fault in adsim" not in error.value
    assert cards(app)  # the cards, drawn after the history and before the charts
    assert app.get("download_button")  # and the downloads, drawn after the charts


def test_a_fault_outside_the_sections_is_our_message(monkeypatch) -> None:
    from simulator.app_pages import sidebar

    monkeypatch.delenv(DEBUG_ENV)
    monkeypatch.setattr(sidebar, "pick_source", _boom)
    app = open_link({})
    assert not app.exception
    (error,) = app.error
    assert error.value == t("unexpected", "en", section=t("section_page", "en"), kind="KeyError")
    assert "report it" in error.value
    assert app.title[0].value == t("title", "en")


def test_under_test_a_fault_still_raises(monkeypatch) -> None:
    from simulator.app_pages import charts

    monkeypatch.setattr(charts, "charts", _boom)
    app = open_link({})
    assert [e.value for e in app.exception] != []


BAD_UPLOADS = [
    ("syntax.yaml", b"name: x\nbudget: {total: 100\n", "syntax.yaml:3: not valid YAML"),
    ("list.yaml", b"- a\n- b\n", "list.yaml:1: expected a YAML mapping of keys (got list)"),
    ("self.yaml", b"a: &a [*a]\n", "self.yaml:1: an alias refers to the value that contains it"),
    ("latin1.yaml", "name: caf\xe9\n".encode("latin-1"), "latin1.yaml:1: not a text file"),
    ("empty.yaml", b"", "empty.yaml:1: the file is empty"),
    ("bad.yaml", b"name: b\nbudget: {total: -1}\nchannels: []\n", "bad.yaml:2: budget.total"),
]


@pytest.mark.parametrize(("name", "raw", "says"), BAD_UPLOADS)
def test_a_bad_upload_gets_its_located_error(name: str, raw: bytes, says: str) -> None:
    app = open_link({})
    app.file_uploader(key="upload").set_value((name, raw, "application/yaml")).run()
    assert not app.exception
    (error,) = app.error
    assert says in error.value
    assert not app.metric


def test_an_upload_the_inputs_would_not_offer_still_opens() -> None:
    tiny = b"""name: tiny
budget: {total: 0.5}
channels:
  - id: a
    response: {type: exponential, max_conversions: 10, scale: 0.1}
    aov: 5
"""
    app = open_link({})
    app.file_uploader(key="upload").set_value(("tiny.yaml", tiny, "application/yaml")).run()
    assert not app.exception
    assert app.number_input(key="ed_budget.total").value == 0.5
    (card,) = cards(app)
    assert card["spend"] == "¥0"
    assert card["roi"] == "–"


def test_streamlit_shows_no_tracebacks() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] is False


def test_a_link_restores_the_optimiser_column_the_tab_and_targets(q4) -> None:
    from simulator.api import optimize

    app = open_link(
        {"v": "optimize;scale:30", "tab": "tab_split", "lang": "zh", "edit": "targets.roi_min:3.2"}
    )
    assert not app.exception
    _base, best, bigger = cards(app)
    # the optimiser's column was re-run on opening, under the link's ROI floor
    edited = dataclasses.replace(q4, targets={**q4.targets, "roi_min": 3.2})
    assert best["revenue"] == fmt.metric("revenue", optimize(edited).totals["revenue"], lang="zh")
    assert bigger["spend"] == "¥390.00万"
    assert app.session_state["charts"] == t("tab_split", "zh")
    assert app.query_params["tab"] == "tab_split"
    assert app.query_params["v"] == "optimize;scale:30"
    assert app.query_params["edit"] == "targets.roi_min:3.2"
    # the +30% column spends over the budget: red, and the card says by how much
    badges = [m.value for m in app.markdown if "badge[" in m.value]
    assert badges[0] == f":green-badge[:material/check: {t('targets_met', 'zh')}]"
    assert badges[2] == f":red-badge[:material/warning: {t('breaks_rules', 'zh')}]"
    over = "总花费 ¥3,900,000 超出预算 ¥3,000,000（多 ¥900,000）"
    assert any(fmt.plain(over) in c.value for c in app.caption)


ENGLISH = re.compile(
    r"\b(?!(?:ROI|CAC|LTV|GMV|CPM|CTR|CVR|CPC|CPA|AOV|KOL|CSV|JSON|YAML|HTML|adsim|What)\b)[A-Za-z]{3,}\b"
)


def test_no_english_sentence_in_chinese_mode(q4) -> None:
    """Every caption, warning, title and card of the comparison reads in Chinese."""
    app = open_link({"v": "optimize;scale:30;shift:douyin_feed:baidu_search:50", "lang": "zh"})
    assert not app.exception
    shown = [
        *(m.value for m in app.markdown),
        *(c.value for c in app.caption),
        *(w.value for w in app.warning),
        *(m.label for m in app.metric),
        *(s.value for s in app.subheader),
    ]
    for text in shown:
        text = text.replace("\\", "")  # markdown escapes (fmt.plain)
        for label in sorted(q4.labels.values(), key=len, reverse=True):
            text = text.replace(label, "")
        text = re.sub(r":[a-z\-]+\[|:material/\w+:|</?\w+[^>]*>", "", text)  # markdown directives
        assert not ENGLISH.search(text), text


def _chinese_texts(app: AppTest) -> list[str]:
    """Every caption, markdown, warning, card label and table header the page shows."""
    frames = [str(c) for d in app.dataframe for c in [*d.value.columns, *d.value.iloc[:, 0]]]
    return [
        *(m.value for m in app.markdown),
        *(c.value for c in app.caption),
        *(w.value for w in app.warning),
        *(m.label for m in app.metric),
        *(m.help or "" for m in app.metric),
        *(s.value for s in app.subheader),
        *frames,
    ]


@pytest.mark.slow  # three runs of the whole page (~5 s)
def test_money_is_shown_and_chinese_in_chinese_mode() -> None:
    """Cost beside spend, 增量ROI and 总ROI, halo and funnel stages: the engine's numbers,
    all in Chinese; fees and commission edited in the sidebar move the cards."""
    import json

    from simulator.io.yaml_loader import parse_yaml
    from simulator.studio.edits import compile_edited
    from tests.money_scenario import MONEY

    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    app.file_uploader(key="upload").set_value(("money.yaml", MONEY.encode(), "text/yaml"))
    app.segmented_control(key="lang").set_value("zh").run()
    assert not app.exception
    data, lines = parse_yaml(MONEY, "money.yaml")
    cs = compile_edited(data, lines, "money.yaml", {})
    plan = {"notes": 50_000.0, "search": 50_000.0}  # no split: the budget spread evenly
    assert app.metric[0].value == "¥10.00万"
    totals = evaluate(cs, plan).totals
    card = {m.label: m.value for m in app.metric}
    assert card["成本"] == fmt.metric("cost", totals["cost"], lang="zh")
    assert card["增量ROI"] == fmt.metric("roi", totals["roi"])
    assert card["总ROI"] == fmt.metric("total_roi", totals["total_roi"])
    labels = [m.label for m in app.metric]
    assert labels[labels.index("花费") + 1] == "成本"
    channels = app.dataframe[-1].value
    assert "光环转化" in channels.columns
    for text in _chinese_texts(app):
        text = re.sub(r":[a-z\-]+\[|:material/\w+:|</?\w+[^>]*>", "", text.replace("\\", ""))
        text = re.sub(r"\b(notes|search|halo|money\.yaml)\b", "", text)  # user text
        assert not ENGLISH.search(text), text
    app.session_state["charts"] = t("tab_funnel", "zh")
    app.run()
    stages = [json.loads(f.proto.spec)["data"][0] for f in app.get("plotly_chart")][-1]
    assert stages["y"] == ["点击", "注册", "首单"]
    assert stages["x"][1] == pytest.approx(
        evaluate(cs, plan).channels["search"]["stages"]["register"]
    )
    app.selectbox(key="as_channel").set_value("search").run()
    app.number_input(key="ed_channels.search.commission").set_value(0.2).run()
    edited = compile_edited(data, lines, "money.yaml", {"channels.search.commission": 0.2})
    card = {m.label: m.value for m in app.metric}
    assert card["成本"] == fmt.metric("cost", evaluate(edited, plan).totals["cost"], lang="zh")
