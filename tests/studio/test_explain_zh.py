"""The optimiser's sentences in Chinese and in the sidebar's words; English bytes untouched."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from simulator.api import optimize
from simulator.model.load import load_scenario
from simulator.studio.explain_zh import sidebar_words, to_zh
from tests.studio.conftest import DEFAULT, ROOT

LABELS = {"baidu_search": "百度搜索", "kol_posts": "达人种草"}
ENGLISH_WORD = re.compile(r"\b(?!(?:ROI|CAC|LTV|GMV)\b)[A-Za-z]{3,}\b")


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        (
            "baidu_search: shrinks from 1,200,000 to 514,958 (-57%): at 1,200,000 each extra "
            "yuan adds 1.61 in revenue; now each extra yuan adds 3.59 in revenue; the ROI "
            "target (6) stops it growing.",
            "百度搜索：由 1,200,000 减至 514,958（-57%）：在 1,200,000 时每多投 1 元增加 1.61 GMV；"
            "现在每多投 1 元增加 3.59 GMV；ROI 下限（6）使其不再增加。",
        ),
        (
            "kol_posts: paused: even its first new customers cost 52 each, above the CAC "
            "target of 20.",
            "达人种草：暂停：即使最初的新客每个也需 52，高于 CAC 上限 20。",
        ),
        (
            "roi_min 6 cannot be met: the highest reachable ROI is 4.20, at a spend of 120,000",
            "ROI 下限 6 无法达到：可达到的最高 ROI 为 4.20（花费 120,000 时）。",
        ),
        (
            "The CAC cap 20 allows only 6,867 of the 3,000,000 budget to be spent.",
            "CAC 上限 20 只允许花费预算 3,000,000 中的 6,867。",
        ),
    ],
)
def test_known_sentences_in_chinese(english: str, chinese: str) -> None:
    assert to_zh(english, LABELS) == chinese


def test_an_unknown_phrase_stays_english_rather_than_half_translated() -> None:
    assert to_zh("baidu_search: something new the optimiser says.", LABELS) is None


def test_sidebar_words_replace_target_ids() -> None:
    text = "roi_min 6 cannot be met: the highest reachable ROI is 4.20"
    assert (
        sidebar_words(text, "en") == "ROI floor 6 cannot be met: the highest reachable ROI is 4.20"
    )
    assert sidebar_words("cac_max 20 and kol_posts", "zh") == "CAC 上限 20 and kol_posts"


@pytest.mark.parametrize(
    ("file", "targets"),
    [
        (DEFAULT, {"roi_min": 6.0}),
        (DEFAULT, {"cac_max": 20.0}),
        (DEFAULT, {"revenue_min": 3e7}),
        (DEFAULT, {}),
        (ROOT / "scenarios" / "local_brand.yaml", {"cac_max": 40.0}),
        (ROOT / "scenarios" / "app_install.yaml", {"roi_min": 0.8, "cac_max": 25.0}),
        (ROOT / "scenarios" / "double11.yaml", {"roi_min": 4.0}),
    ],
)
def test_every_sentence_on_the_bundled_scenarios_reads_in_chinese(file, targets) -> None:
    cs = dataclasses.replace(load_scenario(file), targets=targets)
    rec = optimize(cs)
    for line in [rec.message, *rec.explanations]:
        if not line:
            continue
        zh = to_zh(line, cs.labels)
        assert zh is not None, line
        for label in cs.labels.values():
            zh = zh.replace(label, "")
        assert not ENGLISH_WORD.search(zh), zh


def test_engine_warnings_read_back_in_chinese(tmp_path: Path) -> None:
    """The warnings the engine writes (over budget, above a daily cap, evenly or by day) have
    a Chinese reading, so the report and studio in 中文 show no English sentence for them."""
    from simulator import evaluate, load_scenario
    from simulator.studio.explain_zh import channel_names, to_zh

    path = tmp_path / "capped.yaml"
    path.write_text(
        "name: capped\nhorizon_days: 10\nbudget: {total: 100000}\nchannels:\n"
        "  - id: kol\n    response: {type: exponential, max_conversions: 900, scale: 50000}\n"
        "    aov: 200\n    daily_cap: 2000\n"
        "  - id: feed\n    response: {type: exponential, max_conversions: 900, scale: 50000}\n"
        "    aov: 200\n",
        encoding="utf-8",
    )
    cs = load_scenario(path)
    over = evaluate(cs, {"kol": 90000, "feed": 90000})
    daily = {"kol": [5000.0] + [0.0] * 9, "feed": [0.0] * 10}
    by_day = evaluate(cs, {"allocation": {"kol": 5000.0, "feed": 0.0}, "daily": daily})
    warnings = [*over.warnings, *by_day.warnings]
    assert len(warnings) == 3, warnings  # over budget, even cap, daily cap
    for w in warnings:
        zh = to_zh(w, channel_names(cs))
        assert zh is not None, w
        assert "daily_cap" not in zh
        assert "budget" not in zh


def test_every_target_of_the_table_reads_back_in_chinese() -> None:
    """The target names come from the one table, so a target added there (ltv_min) is
    translated without restating it here."""
    from simulator.model.targets import TARGETS
    from simulator.studio.explain_zh import to_zh

    for name in TARGETS:
        zh = to_zh(f"{name} 5,000,000 cannot be met", {})
        assert zh is not None, name
        assert "无法达到" in zh
