"""The limits and operations controls driven headless (AppTest), in both languages.

Each control is set as a planner would; the cards, the operations table and the
optimiser's column must show the numbers ``adsim evaluate`` / ``optimize`` give for the
scenario file edited by hand (the YAML written out and loaded again, not through the
studio's edit code). Links restore every new edit; a bad value is a located message.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from simulator.api import evaluate, optimize
from simulator.io.yaml_loader import read_yaml
from simulator.model.compiled import CompiledScenario
from simulator.model.load import load_scenario
from simulator.results import Result
from simulator.studio import format as fmt
from simulator.studio import money
from simulator.studio.i18n import t
from simulator.studio.limit_words import binding_limits
from tests.studio.conftest import ROOT
from tests.studio.test_app_links import ENGLISH

APP = str(ROOT / "app.py")
SCENARIOS = ROOT / "scenarios"
LANGS = ["en", "zh"]


def open_app(scenario: str, lang: str, **params: str) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params.update({"scenario": scenario, "lang": lang, **params})
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def edited_file(tmp_path: Path, scenario: str, change: Any) -> CompiledScenario:
    """The bundled file with ``change(data)`` applied by hand, written and loaded again."""
    data, _ = read_yaml(SCENARIOS / f"{scenario}.yaml")
    data = copy.deepcopy(data)
    change(data)
    path = tmp_path / f"{scenario}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_scenario(path)


def card(app: AppTest, cs: CompiledScenario, results: list[Result], i: int) -> list[str]:
    """Card ``i``'s values; ``results`` are every column's, which fix the card's KPIs."""
    n = len(money.card_kpis(cs, results))
    return [m.value for m in app.metric][i * n : (i + 1) * n]


def expected(cs: CompiledScenario, results: list[Result], i: int, lang: str = "en") -> list[str]:
    """Card ``i``'s values as the studio writes them in ``lang`` (万 and 亿 in Chinese)."""
    keys = money.card_kpis(cs, results)
    totals = fmt.defined(results[i].totals)
    return [fmt.metric(k, totals.get(k), cs.currency, lang) for k in keys]


def ops_table(app: AppTest, lang: str) -> Any:
    """The operations table (AppTest does not expose a dataframe's key)."""
    return next(d.value for d in app.dataframe if t("ops_referred", lang) in d.value.columns)


def _limits(data: dict[str, Any]) -> None:
    data["targets"]["cac_basis"] = "all"
    data["groups"][0]["max"] = 2_000_000
    data["budget"]["periods"][1]["max"] = 900_000
    data["baseline"]["aov"] = 85
    del data["channels"][0]["cac_max"]  # douyin_feed's own cap set to 0: none
    data["channels"][0]["min_active_spend"] = 400_000


def _edit_limits(app: AppTest) -> AppTest:
    app.selectbox(key="ed_targets.cac_basis").set_value("all")
    app.number_input(key="ed_groups.promotion.max").set_value(2_000_000.0)
    app.number_input(key="ed_budget.periods.2.max").set_value(900_000.0)
    app.number_input(key="ed_baseline.aov").set_value(85.0)
    app.number_input(key="ed_channels.douyin_feed.cac_max").set_value(0.0)
    app.number_input(key="ed_channels.douyin_feed.min_active_spend").set_value(400_000.0)
    return app


@pytest.mark.parametrize("lang", LANGS)
def test_limit_edits_move_the_cards(lang, tmp_path) -> None:
    app = _edit_limits(open_app("growth_team", lang)).run()
    assert not app.exception
    cs = edited_file(tmp_path, "growth_team", _limits)
    results = [evaluate(cs)]
    assert card(app, cs, results, 0) == expected(cs, results, 0, lang)
    assert app.query_params["edit"] == (  # in the order of the sidebar's inputs
        "targets.cac_basis:all,channels.douyin_feed.cac_max:none,"
        "channels.douyin_feed.min_active_spend:400000,groups.promotion.max:2000000,"
        "budget.periods.2.max:900000,baseline.aov:85"
    )


@pytest.mark.slow  # four runs of the page and two optimisations (~3-5 s)
@pytest.mark.parametrize("lang", LANGS)
def test_the_optimiser_plans_with_edited_limits_and_names_the_binding_one(lang, tmp_path) -> None:
    app = _edit_limits(open_app("growth_team", lang))
    app.button(key="optimize").click().run()
    app.selectbox(key="channel_plan").set_value(1).run()  # the optimiser's channels
    assert not app.exception
    cs = edited_file(tmp_path, "growth_team", _limits)
    rec = optimize(cs)
    results = [evaluate(cs), evaluate(cs, rec.split or rec.allocation)]
    assert card(app, cs, results, 0) == expected(cs, results, 0, lang)
    assert card(app, cs, results, 1) == expected(cs, results, 1, lang)
    assert results[1].totals["revenue"] == pytest.approx(rec.totals["revenue"])
    # the channel table names the limit that holds each channel, as the optimiser said
    table = app.dataframe[-1].value
    binding = dict(zip(table[t("channel", lang)], table[t("binding", lang)], strict=True))
    held = [cid for cid, row in rec.channels.items() if row.get("active") == "group_max:promotion"]
    assert held, rec.channels
    cap = t("bind_group_max", lang, group="推广", bound=fmt.money(2_000_000, lang=lang))
    for cid in held:
        assert binding[cs.labels[cid]] == cap
    # and the optimiser's card says so
    prefix = fmt.plain(t("held_by", lang, limits=""))
    said = [c.value for c in app.caption if c.value.startswith(prefix)]
    limits = " · ".join(binding_limits(cs, rec.channels, lang))
    assert said == [fmt.plain(t("held_by", lang, limits=limits))]
    assert fmt.plain(cap) in said[0]


@pytest.mark.parametrize("lang", LANGS)
def test_the_customer_base_and_referrals(lang, tmp_path) -> None:
    app = open_app("local_brand", lang)
    assert app.toggle(key="ed_customer_base.grows").value is False
    app.toggle(key="ed_customer_base.grows").set_value(True)
    app.number_input(key="ed_customer_base.size").set_value(50_000.0)
    app.number_input(key="ed_segments.students.referral_k").set_value(0.3)
    app.run()
    assert not app.exception

    def change(data: dict[str, Any]) -> None:
        data["customer_base"] = {"size": 50_000, "grows": True}
        data["segments"][0]["referral_k"] = 0.3

    cs = edited_file(tmp_path, "local_brand", change)
    totals = evaluate(cs).totals
    ops = ops_table(app, lang)
    assert list(ops[t("ops_referred", lang)]) == [fmt.count(totals["referred_customers"], lang)]
    assert list(ops[t("ops_joined", lang)]) == [fmt.count(totals["base_growth"], lang)]
    assert list(ops[t("ops_base_end", lang)]) == [fmt.count(50_000 + totals["base_growth"], lang)]
    chart = next(c for c in app.get("plotly_chart") if "ops_base_chart" in str(c.proto.id))
    line = json.loads(chart.proto.spec)["data"][0]
    assert line["y"][0] == 50_000
    assert len(line["y"]) == cs.horizon_days
    assert card(app, cs, [evaluate(cs)], 0) == expected(cs, [evaluate(cs)], 0, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_confidence_is_planned_for_and_reported(lang, tmp_path) -> None:
    app = open_app("app_install", lang)
    box = app.selectbox(key="ed_targets.confidence")
    assert box.value == 0.0  # off: shown as a choice, not as an empty box
    assert box.options[0] == t("confidence_off", lang)
    box.set_value(0.9)
    app.button(key="optimize").click()
    app.run()
    assert not app.exception

    def change(data: dict[str, Any]) -> None:
        data["targets"]["confidence"] = 0.9

    cs = edited_file(tmp_path, "app_install", change)
    rec = optimize(cs)
    block = rec.extra["confidence"]
    shown = [i.value for i in [*app.info, *app.warning]]
    assert f"**{t('confidence_title', lang)}** · {block['sentence'][lang]}" in shown
    assert f"{block['achieved']:.1%}" in block["sentence"][lang]
    results = [evaluate(cs), evaluate(cs, rec.split or rec.allocation)]
    assert card(app, cs, results, 1) == expected(cs, results, 1, lang)
    assert app.query_params["edit"] == "targets.confidence:0.9"


def test_a_link_restores_every_new_edit(tmp_path) -> None:
    edit = (
        "targets.cac_basis:all,customer_base.grows:true,targets.confidence:0.95,"
        "groups.operations.max:400000,channels.douyin_feed.roi_min:2.5,baseline.conversions:30000"
    )
    app = open_app("growth_team", "zh", edit=edit)
    assert not app.warning  # every part applied
    assert app.selectbox(key="ed_targets.cac_basis").value == "all"
    assert app.toggle(key="ed_customer_base.grows").value is True
    assert app.selectbox(key="ed_targets.confidence").value == 0.95
    assert app.number_input(key="ed_groups.operations.max").value == 400_000
    assert app.number_input(key="ed_channels.douyin_feed.roi_min").value == 2.5
    assert app.number_input(key="ed_baseline.conversions").value == 30_000
    assert app.query_params["edit"] == edit

    def change(data: dict[str, Any]) -> None:
        data["targets"].update(cac_basis="all", confidence=0.95)
        data["customer_base"] = {"size": 120_000, "grows": True}
        data["groups"][1]["max"] = 400_000
        data["channels"][0]["roi_min"] = 2.5
        data["baseline"]["conversions"] = 30_000

    cs = edited_file(tmp_path, "growth_team", change)
    assert card(app, cs, [evaluate(cs)], 0) == expected(cs, [evaluate(cs)], 0, "zh")


@pytest.mark.parametrize("lang", LANGS)
def test_a_bad_limit_is_a_located_message(lang) -> None:
    app = open_app("growth_team", lang)
    app.number_input(key="ed_groups.operations.min").set_value(5_000_000.0).run()
    assert not app.exception
    (error,) = app.error
    assert error.value.startswith(t("scenario_error", lang))
    assert "`growth_team.yaml:39: groups[1].min: min 5,000,000 is above the budget" in error.value
    app.button(key="reset_edits").click().run()  # the way back
    assert not app.error
    assert "edit" not in app.query_params


def test_the_new_controls_read_in_chinese() -> None:
    app = open_app("local_brand", "zh")
    growth = open_app("growth_team", "zh", v="optimize")  # the optimiser's "held by" line
    labels = [
        *load_scenario(SCENARIOS / "growth_team.yaml").labels.values(),
        *load_scenario(SCENARIOS / "local_brand.yaml").labels.values(),
    ]
    ids = ["students", "office_workers", "2026-10-01", "2026-10-31", "2026-11-01", "2026-11-30"]
    texts: list[str] = []
    for page in (app, growth):
        widgets = [*page.number_input, *page.selectbox, *page.toggle]
        texts += [w.label for w in widgets if str(w.key).startswith("ed_")]
        texts += [o for w in page.selectbox if str(w.key).startswith("ed_") for o in w.options]
        texts += [c.value for c in page.caption]
        texts += [m.value for m in page.markdown if t("ops_heading", "zh") in m.value]
    texts += [str(c) for c in ops_table(app, "zh").columns]
    assert t("own_limits", "zh") in texts
    assert any(x.startswith(fmt.plain(t("held_by", "zh", limits=""))) for x in texts)
    assert f"**{t('ops_heading', 'zh')}**" in texts
    for text in texts:
        text = text.replace("\\", "")  # markdown escapes (fmt.plain)
        for word in sorted([*labels, *ids], key=len, reverse=True):
            text = text.replace(word, "")
        assert not ENGLISH.search(re.sub(r"[·：:()（）]", " ", text)), text
