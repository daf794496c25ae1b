"""P(targets met) joins the comparison table once the Monte Carlo tab has simulated.

The share comes from the simulation the tab ran (the same ``simulate`` the CLI runs, with
the tab's runs and seed), so the row equals the API's ``p_targets_met`` for the plan.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from simulator.api import simulate
from simulator.model.load import load_scenario
from simulator.studio import format as fmt
from simulator.studio.i18n import t

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")


def test_the_share_reads_as_a_percent() -> None:
    assert fmt.metric("p_targets", 0.9125) == "91.2%"
    assert fmt.metric("p_targets", None) == "–"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_row_appears_after_a_simulation(lang: str) -> None:
    app = AppTest.from_file(APP, default_timeout=90)
    app.query_params["scenario"] = "ecommerce_q4"
    app.query_params["lang"] = lang
    app.run()
    app.session_state["charts"] = t("tab_fan", lang)
    app.run()
    kpis = next(d.value for d in app.dataframe if t("kpi", lang) in d.value)
    assert t("p_targets_row", lang) not in list(kpis[t("kpi", lang)])
    app.number_input(key="fan_runs").set_value(200)
    app.button(key="fan_run").click().run()
    assert not app.exception, [e.value for e in app.exception]
    kpis = next(d.value for d in app.dataframe if t("kpi", lang) in d.value)
    rows = list(kpis[t("kpi", lang)])
    assert t("p_targets_row", lang) in rows
    cs = load_scenario(ROOT / "scenarios" / "ecommerce_q4.yaml")
    want = simulate(cs, runs=200, seed=7)  # the tab's default seed, the scenario's split
    shown = kpis.iloc[rows.index(t("p_targets_row", lang)), 1]
    assert shown == fmt.metric("p_targets", want.p_targets_met)
    captions = [c.value for c in app.caption]  # the fan's caption names the runs in words
    assert any(t("fan_runs_done", lang, n=200) in c for c in captions), captions
    if lang == "zh":
        assert not any(" runs" in c for c in captions), captions
