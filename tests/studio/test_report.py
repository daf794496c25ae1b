"""The HTML report's contents: the engine's numbers, both languages, one light bundle."""

from __future__ import annotations

import html
import re
import string
from pathlib import Path

import pytest
from plotly.offline import get_plotlyjs_version

from simulator.api import evaluate, optimize, simulate
from simulator.cli import main
from simulator.model.compiled import CompiledScenario
from simulator.model.split import as_split
from simulator.results import Result
from simulator.studio import format as fmt
from simulator.studio import report_words
from simulator.studio.compare import compare
from simulator.studio.report import build_report, plotly_js
from simulator.studio.report_data import open_level
from simulator.studio.report_figures import waterfall_steps
from simulator.studio.variants import Variant
from tests.studio.conftest import DEFAULT, ROOT

# what a Chinese page may still hold in Latin letters: metric names and chart markers
ALLOWED = {"ROI", "CAC", "LTV", "GMV", "KKT", "CNY", "p10", "p50", "p90", "adsim", "e"}


def _baseline(cs: CompiledScenario) -> dict[str, float]:
    spend = cs.channel_sum(as_split(cs, None).spend)
    return {cid: float(spend[j]) for j, cid in enumerate(cs.channel_ids)}


@pytest.fixture(scope="module")
def q4_rec(q4: CompiledScenario) -> Result:
    return optimize(q4)


@pytest.fixture(scope="module")
def pages(q4: CompiledScenario, q4_rec: Result) -> dict[str, str]:
    columns = compare(q4, _baseline(q4), [Variant("optimize")], q4_rec)
    return {lang: build_report(q4, columns, lang, q4_rec) for lang in ("en", "zh")}


def _rows(page: str) -> dict[str, list[float]]:
    """Each channel row's raw numbers (``data-value``), in column order."""
    rows = re.findall(r'<tr data-channel="([^"]+)">(.*?)</tr>', page)
    return {
        cid: [float(v) for v in re.findall(r'data-value="([^"]+)"', body)] for cid, body in rows
    }


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_per_channel_numbers_equal_evaluate(q4, q4_rec, pages, lang) -> None:
    engine = evaluate(q4, q4_rec.split)
    base = evaluate(q4, _baseline(q4))
    rows = _rows(pages[lang])
    assert list(rows) == list(q4.channel_ids)
    total = engine.totals["spend"]
    for cid, got in rows.items():
        ch = engine.channels[cid]
        want = [
            ch["spend"],
            ch["spend"] / total,
            ch["spend"] - base.channels[cid]["spend"],
            ch["conversions"],
            ch["revenue"],
            ch["roi"],
            ch["marginal_roi"],
            ch["cac"],
        ]
        assert got == pytest.approx(want, rel=1e-12)
        assert fmt.money(ch["revenue"], q4.currency) in pages[lang]
    assert sum(r[1] for r in rows.values()) == pytest.approx(1.0)


def test_the_certificate_names_the_level_every_open_channel_ends_at(q4, q4_rec, pages) -> None:
    level = open_level(q4, q4_rec)
    assert level is not None
    open_ = [c for c, row in q4_rec.channels.items() if row["active"] == "budget"]
    assert len(open_) >= 2  # the claim says something only when several channels share it
    for cid in open_:  # optimality: equal marginal ROI across channels the budget holds
        if q4_rec.channels[cid]["marginal_roi"] == 0:  # saturated: nothing more to buy
            continue
        assert q4_rec.channels[cid]["marginal_roi"] == pytest.approx(level, rel=1e-4)
    assert f"Optimal: every open channel ends at marginal ROI {level:.2f}; checked" in pages["en"]
    assert f"所有未受限渠道的边际 ROI 均为 {level:.2f}；已由引擎校验" in pages["zh"]


def _visible_text(page: str) -> str:
    body = re.sub(r"<script.*?</script>|<style.*?</style>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def test_the_chinese_page_holds_no_english_sentence(q4, q4_rec, pages) -> None:
    assert not q4_rec.warnings  # warnings are the engine's English; none here
    text = _visible_text(pages["zh"])
    for sentence in [q4_rec.message, *q4_rec.explanations]:
        if sentence:
            assert sentence not in pages["zh"]
    # user text (names, labels, ids, events) stays as written; everything else is Chinese
    for user in sorted({q4.name, *q4.labels.values(), *q4.channel_ids}, key=len, reverse=True):
        text = text.replace(user, " ")
    for span in q4.calendar.events:
        text = text.replace(span.name, " ")
    words = set(re.findall(r"[A-Za-z][A-Za-z0-9]*", text)) - ALLOWED
    assert not words, sorted(words)
    # and the English page shows the optimiser's own sentences, escaped
    assert html.escape(q4_rec.explanations[0]) in pages["en"]


def test_both_languages_fill_the_same_templates() -> None:
    assert report_words.EN.keys() == report_words.ZH.keys()
    fields = string.Formatter()
    for key, en in report_words.EN.items():
        zh = report_words.ZH[key]
        assert {f for _, f, _, _ in fields.parse(en) if f} == {
            f for _, f, _, _ in fields.parse(zh) if f
        }, key
        assert not re.search(r"[A-Za-z]{4,}", re.sub(r"\{\w+\}|adsim", "", zh)), key


def test_one_light_copy_of_plotly_and_nothing_fetched(pages) -> None:
    for page in pages.values():
        assert len(page.encode()) < 1_500_000  # the full bundle alone is 4.8 MB
        assert page.count("plotly.js (basic - minified)") == 1
        assert not re.search(r"<script[^>]*\bsrc=", page)
        assert not re.search(r"<link[^>]*\bhref=", page)
        assert page.count('class="fig"') == page.count('type="application/json"')
    # the vendored bundle draws the figures plotly.py writes: same plotly.js version
    assert f"plotly.js (basic - minified) v{get_plotlyjs_version()}" in plotly_js()


@pytest.mark.parametrize("name", ["ecommerce_q4", "local_brand", "double11"])
def test_the_waterfall_adds_up_from_current_to_recommended(name) -> None:
    from simulator import load_scenario

    cs = load_scenario(ROOT / "scenarios" / f"{name}.yaml")
    rec = optimize(cs)
    base = evaluate(cs, _baseline(cs))
    ids, steps = waterfall_steps(cs, base, rec)
    assert ids[: cs.n_channels] == list(cs.channel_ids)
    assert base.totals["revenue"] + sum(steps) == pytest.approx(rec.totals["revenue"], rel=1e-12)


def test_the_assumptions_card_lists_budget_targets_bounds_and_events(pages, q4) -> None:
    en, zh = pages["en"], pages["zh"]
    assert "<dt>Budget</dt><dd>¥3,000,000</dd>" in en
    assert "<dt>预算</dt><dd>¥3,000,000</dd>" in zh
    assert "ROI floor 3 · CAC cap ¥150" in en
    assert "ROI 下限 3 · CAC 上限 ¥150" in zh
    assert "maximise revenue" in en
    assert "GMV 最大化" in zh
    assert f"{q4.horizon_days} days" in en
    for cid in q4.channel_ids:  # the bounds table: labels beside ids
        assert f'<span class="id">{cid}</span>' in en


@pytest.mark.slow  # a daily plan and a simulation: ~20 s on a busy 2-core machine
def test_daily_plan_and_monte_carlo_sections(q4) -> None:
    rec = optimize(q4, plan="daily")
    sim = simulate(q4, rec.split, runs=200, seed=3)
    columns = compare(q4, _baseline(q4), [Variant("optimize")], rec)
    for lang in ("en", "zh"):
        page = build_report(q4, columns, lang, rec, sim)
        assert 'id="fig-daily"' in page
        assert 'id="fig-mc"' in page
        p = report_words.w("p_targets", lang, p=f"{sim.p_targets_met:.1%}")
        assert p in page
        assert f"{sim.p_targets_met:.1%}" in p
        p50 = fmt.metric("revenue", sim.totals["revenue"]["p50"], q4.currency)
        assert f"<td>{p50}</td>" in page
    plain = build_report(q4, compare(q4, _baseline(q4), [Variant("optimize")], optimize(q4)))
    assert 'id="fig-daily"' not in plain
    assert 'id="fig-mc"' not in plain


@pytest.mark.slow  # the CLI end to end with a daily plan and a simulation
def test_the_command_reports_a_daily_plan_and_a_simulation(tmp_path: Path, capsys) -> None:
    out = tmp_path / "r.html"
    argv = ["report", str(DEFAULT), "--plan", "daily", "--runs", "100", "--lang", "zh"]
    assert main([*argv, "--out", str(out)]) == 0
    page = out.read_text("utf-8")
    assert "每日计划" in page
    assert "蒙特卡洛：100 次模拟，随机种子 0" in page


def test_a_negative_run_count_exits_2_without_a_file(tmp_path: Path, capsys) -> None:
    out = tmp_path / "r.html"
    assert main(["report", str(DEFAULT), "--runs", "-5", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "--runs: -5 is negative" in err
    assert "Traceback" not in err
    assert not out.exists()


def test_one_reason_per_channel_from_its_state_and_numbers(q4, q4_rec, pages) -> None:
    en = re.search(r'<ul class="why">(.*?)</ul>', pages["en"], re.S)
    zh = re.search(r'<ul class="why">(.*?)</ul>', pages["zh"], re.S)
    assert en is not None
    assert zh is not None
    en_lines, zh_lines = (re.findall(r"<li>(.*?)</li>", m.group(1)) for m in (en, zh))
    assert len(en_lines) == len(zh_lines) == q4.n_channels
    for cid, line in zip(q4.channel_ids, en_lines, strict=True):
        assert line.startswith(html.escape(q4.labels[cid]) + ":")
    states = {cid: row["active"] for cid, row in q4_rec.channels.items()}
    assert states["affiliate"] == "budget"  # held by the budget, yet its marginal is 0
    assert "Affiliate (淘宝客): ¥240,000; saturated there" in pages["en"]
    assert "Affiliate (淘宝客)：¥240,000；已饱和" in pages["zh"]
    assert states["kol_posts"] == "unit"
    m = fmt.ratio(q4_rec.channels["kol_posts"]["marginal_roi"])
    assert f"held by whole units; marginal ROI {m}." in pages["en"]
    assert f"约束：整数单位；边际 ROI {m}。" in pages["zh"]
