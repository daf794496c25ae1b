"""Every user string is escaped in every HTML output (issue 13.5).

The scenario's name, currency, channel and segment labels, event names and the
calibration's channel names and file name carry an injection string; no HTML output may
contain it raw (plotly's figure JSON writes ``<`` as ``\\u003c``, so a raw ``<iframe``
anywhere is a hole), and the page text shows it escaped.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
from pathlib import Path

import numpy as np
import pytest

from simulator import load_scenario, optimize
from simulator.calibrate import calibrate
from simulator.calibrate.report import report_html
from simulator.cli import main
from simulator.model.compiled import CompiledScenario
from simulator.optimize.pareto import pareto_front
from simulator.studio.compare import compare
from simulator.studio.figures import pareto_page
from simulator.studio.report import build_report
from simulator.studio.variants import Variant
from tests.conftest import ROOT

INJ = '<iframe src="javascript:alert(1)"></iframe>&\''
# raw in the page, or raw inside plotly's figure JSON (where it would be chart markup)
RAW = ("<iframe", "</iframe", "\\u003ciframe", "\\u003c\\u002fiframe")


def _raw_free(page: str) -> None:
    for raw in RAW:
        assert raw not in page


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """local_brand with every free-text field set to the injection string."""
    text = (ROOT / "scenarios" / "local_brand.yaml").read_text("utf-8")
    q = INJ.replace("'", "''")
    text = text.replace("name: local-tea-brand", f"name: '{q}'")
    text = text.replace("currency: CNY", "currency: '<iframe>'")  # at most 8 characters
    text = text.replace("label: Students near campus stores", f"label: '{q} students'")
    text = text.replace("label: Meituan / Dianping local ads (美团点评)", f"label: '{q} meituan'")
    text += f"events:\n  - {{name: '{q} sale', start: 3, end: 5, cvr_multiplier: 1.5}}\n"
    path = tmp_path_factory.mktemp("hostile") / "hostile.yaml"
    path.write_text(text, "utf-8")
    return path


@pytest.fixture(scope="module")
def hostile_cs(hostile: Path) -> CompiledScenario:
    cs = load_scenario(hostile)
    # the model may come to restrict currency and names; the HTML must hold either way
    return dataclasses.replace(cs, name=INJ, currency=INJ)


def test_the_report_command_escapes_every_user_string(
    hostile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.html"
    assert main(["report", str(hostile), "--out", str(out)]) == 0
    capsys.readouterr()
    page = out.read_text("utf-8")
    _raw_free(page)
    assert html.escape(INJ) + " meituan" in page  # shown, as text
    assert "&lt;iframe&gt;" in page  # the currency


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_report_escapes_name_and_currency(hostile_cs: CompiledScenario, lang: str) -> None:
    rec = optimize(hostile_cs)
    columns = compare(hostile_cs, rec.allocation, [Variant("scale", percent=20)], rec)
    page = build_report(hostile_cs, columns, lang, rec)
    _raw_free(page)
    assert f"<title>{html.escape(INJ)}" in page or html.escape(INJ) in page.split("</title>")[0]
    assert page.count(html.escape(INJ)) >= 3  # title, heading, money cells


@pytest.mark.slow  # traces a front: about a minute on a busy 2-core machine
def test_the_pareto_page_escapes_name_currency_and_channels(hostile_cs: CompiledScenario) -> None:
    front = pareto_front(hostile_cs, axis="cac", points=3)
    page = pareto_page(front, hostile_cs.currency)
    _raw_free(page)


def test_the_calibration_report_escapes_channels_name_and_file(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    lines = ["date,channel,spend,conversions,revenue"]
    for day in range(1, 61):
        for k, channel in enumerate((f'"{INJ.replace(chr(34), chr(34) * 2)}"', "feed")):
            spend = float(rng.uniform(1000, 9000))
            conv = 40 * (1 - np.exp(-spend / (4000 + 2000 * k))) + rng.normal(0, 1)
            date = (dt.date(2026, 1, 1) + dt.timedelta(days=day)).isoformat()
            lines.append(f"{date},{channel},{spend:.2f},{max(conv, 0):.2f},{max(conv, 0) * 90:.2f}")
    path = tmp_path / "<iframe>.csv"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    cal = calibrate(path, name=INJ, currency="<iframe>", n_resamples=5)
    page = report_html(cal)
    _raw_free(page)
    assert html.escape(INJ) in page


def test_chart_text_of_the_daily_plan_is_escaped(hostile_cs: CompiledScenario) -> None:
    """The daily chart names channels and events; the report hands it escaped copies."""
    from simulator.studio.report import _chart_scenario

    chart = _chart_scenario(hostile_cs)
    assert chart.currency == html.escape(INJ, quote=False)
    assert all("<" not in label for label in chart.labels.values())
    assert chart.calendar.events
    assert all("<" not in span.name for span in chart.calendar.events)
    assert any(html.escape(INJ, quote=False) in span.name for span in chart.calendar.events)
