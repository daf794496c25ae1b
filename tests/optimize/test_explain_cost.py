"""Explanations of cost scenarios: halo in a marketer's words, cost where it is cost."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from simulator import load_scenario, optimize
from simulator.studio.explain_zh import channel_names, to_zh
from tests.model.test_cost_keys import TWO

Write = Callable[..., Path]


def test_halo_and_cost_sentences_in_english_and_chinese(write: Write) -> None:
    text = TWO.replace(
        "budget: {total: 100000}\n", "budget: {total: 100000}\ntargets: {roi_min: 2.6}\n"
    )
    cs = load_scenario(write(text))
    rec = optimize(cs)
    lines = rec.explanations
    assert "notes also brings 0.3 search conversions per conversion." in lines
    cost = rec.totals["cost"]
    assert lines[0] == (
        f"Costs {cost:,.0f} of the 100,000 budget: "
        "spending more would pull ROI below the 2.6 target."
    )
    assert any("each extra yuan of cost adds" in line for line in lines)
    names = channel_names(cs)
    zh = [to_zh(line, names) for line in lines]
    assert None not in zh
    assert "notes 每带来一次转化，还为 search 带来 0.3 次转化。" in zh


def test_marginals_are_level_per_yuan_of_cost(write: Write) -> None:
    rec = optimize(load_scenario(write(TWO)))
    words = [line.split("adds ")[1].split(" in")[0] for line in rec.explanations if "adds" in line]
    assert len(words) == 2
    assert words[0] == words[1]  # the optimum levels each channel's return per yuan of cost
