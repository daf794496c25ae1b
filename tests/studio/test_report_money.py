"""The report of a scenario with fees, commission, stages, halo and a baseline: cost beside
spend, incremental and total ROI, halo conversions; every number the engine's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from simulator.api import evaluate, optimize
from simulator.model.compiled import CompiledScenario
from simulator.model.load import load_scenario
from simulator.optimize.explain.marginals import marginal_roi_per_cost
from simulator.results import Result
from simulator.studio import format as fmt
from simulator.studio.compare import compare
from simulator.studio.report import build_report
from simulator.studio.variants import Variant
from tests.money_scenario import MONEY, SPLIT
from tests.studio.test_report import ALLOWED, _rows, _visible_text


@pytest.fixture(scope="module")
def cs(tmp_path_factory: pytest.TempPathFactory) -> CompiledScenario:
    path = Path(tmp_path_factory.mktemp("money")) / "money.yaml"
    path.write_text(MONEY, encoding="utf-8")
    return load_scenario(path)


@pytest.fixture(scope="module")
def rec(cs: CompiledScenario) -> Result:
    return optimize(cs)


@pytest.fixture(scope="module")
def pages(cs: CompiledScenario, rec: Result) -> dict[str, str]:
    columns = compare(cs, SPLIT, [Variant("optimize")], rec)
    return {lang: build_report(cs, columns, lang, rec) for lang in ("en", "zh")}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_per_channel_cost_halo_and_marginal_per_cost_equal_evaluate(cs, rec, pages, lang) -> None:
    engine = evaluate(cs, rec.split)
    base = evaluate(cs, SPLIT)
    per_cost = marginal_roi_per_cost(cs, engine)
    rows = _rows(pages[lang])
    total = engine.totals["spend"]
    for cid, got in rows.items():
        ch = engine.channels[cid]
        want = [
            ch["spend"],
            ch["cost"],
            ch["spend"] / total,
            ch["spend"] - base.channels[cid]["spend"],
            ch["conversions"],
            ch["halo_conversions"],
            ch["revenue"],
            ch["roi"],
            per_cost[cid],
            ch["cac"],
        ]
        assert got == pytest.approx(want, rel=1e-12), cid
    assert rows["search"][1] != pytest.approx(rows["search"][0])  # cost is not spend here
    assert rows["search"][5] > 1  # search receives halo from notes
    # the optimiser levels the marginal per yuan of cost, and the table shows it level
    assert rows["notes"][8] == pytest.approx(rows["search"][8], rel=1e-4)
    foot = re.search(r"<tfoot>(.*?)</tfoot>", pages[lang], re.S)
    assert foot is not None
    assert fmt.money(engine.totals["cost"], cs.currency) in foot.group(1)
    halo = sum(engine.channels[c]["halo_conversions"] for c in cs.channel_ids)
    assert fmt.count(halo) in foot.group(1)


@pytest.mark.parametrize(
    ("lang", "incremental", "total"),
    [("en", "Incremental ROI", "Total ROI"), ("zh", "增量ROI", "总ROI")],
)
def test_totals_say_which_roi_is_which(cs, rec, pages, lang, incremental, total) -> None:
    engine = evaluate(cs, rec.split)
    text = _visible_text(pages[lang])
    t = engine.totals
    inc = re.search(rf"{incremental}\s+(\S+)\s+(\S+)", text)
    tot = re.search(rf"{total}\s+(\S+)\s+(\S+)", text)
    assert inc is not None
    assert tot is not None
    assert inc.group(2).startswith(fmt.ratio(t["roi"]))  # the plan's column, after the base
    assert tot.group(2).startswith(fmt.ratio(t["total_roi"]))
    assert t["total_roi"] > t["roi"]  # the organic baseline adds revenue, not cost
    assert fmt.money(t["total_revenue"], cs.currency) in text
    assert fmt.money(t["baseline_revenue"], cs.currency) in text


def test_the_chinese_money_page_holds_no_english(cs, rec, pages) -> None:
    text = _visible_text(pages["zh"])
    for user in sorted({cs.name, *cs.labels.values(), *cs.channel_ids}, key=len, reverse=True):
        text = text.replace(user, " ")
    words = set(re.findall(r"[A-Za-z][A-Za-z0-9]*", text)) - ALLOWED
    assert not words, sorted(words)
