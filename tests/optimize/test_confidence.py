"""targets.confidence: plans meeting every target in a share of simulated runs.

Hand-computed cases switch the market noise off, so a one-day plan's new customers are one
Poisson draw with the curve's mean and P(CAC <= cap) = P(N >= spend / cap) has a closed
form; the rest check the search against independent simulations.
"""

from __future__ import annotations

import importlib
import json
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from simulator import load_scenario
from simulator.cli import main
from simulator.model.compiled import CompiledScenario, Split
from simulator.model.split import as_split
from simulator.model.targets import meets
from simulator.optimize import optimize
from simulator.optimize.confidence.margin import tightened, with_margin
from simulator.optimize.confidence.measure import Measure, measure, wilson_interval
from simulator.optimize.confidence.report import sentences
from simulator.simulate import simulate

Write = Callable[[str, str], Path]
QUIET = {"cost_noise": 0.0, "competitor_noise": 0.0}  # only the Poisson counts are random

# one channel, one day: N ~ Poisson(300 (1 - exp(-s / 1000))); CAC = s / N
ONE_DAY = """\
name: one-day
horizon_days: 1
budget: {total: 3000}
objective: conversions
targets: {cac_max: 8, confidence: CONF}
channels:
  - id: feed
    response: {type: exponential, max_conversions: 300, scale: 1000}
    aov: 10
"""

# linear: N ~ Poisson(s / 5), expected CAC 5 at any spend; the budget is all spent
LINEAR = """\
name: linear
horizon_days: 1
budget: {total: 1000}
objective: conversions
targets: {cac_max: CAP, confidence: 0.9}
channels:
  - id: feed
    response: {type: linear, cost_per_conversion: 5}
    aov: 10
"""

# two channels, a binding CAC cap, the default market noise; five days keep it quick
SMALL = """\
name: small
horizon_days: 5
budget: {total: 300000}
objective: new_customers
targets: {cac_max: 40, confidence: CONF}
channels:
  - id: toutiao_feed
    response: {type: exponential, max_conversions: 9000, scale: 200000}
    aov: 30
    new_customer_rate: 0.95
  - id: bilibili
    response: {type: hill, max_conversions: 4000, half_saturation: 120000, shape: 1.0}
    aov: 30
    new_customer_rate: 0.9
"""


def p_closed(spend: float, mean: float, cap: float) -> float:
    """P(spend / N <= cap) for N ~ Poisson(mean): N >= ceil(spend / cap)."""
    need = math.ceil(spend / cap - 1e-12)
    return float(stats.poisson.sf(need - 1, mean))


def exp_mean(spend: float) -> float:
    return 300 * -math.expm1(-spend / 1000)


def load(write: Write, text: str, **subs: str) -> CompiledScenario:
    for key, value in subs.items():
        text = text.replace(key, value)
    return load_scenario(write(text, "c.yaml"))


# --- the pieces -------------------------------------------------------------------------


def test_margin_tightens_floors_up_and_caps_down() -> None:
    got = tightened({"roi_min": 3.0, "cac_max": 40.0, "revenue_min": 100.0}, 0.1)
    assert got == pytest.approx({"roi_min": 3.3, "cac_max": 40 / 1.1, "revenue_min": 110.0})
    assert tightened({"cac_max": 40.0}, 0.0) == {"cac_max": 40.0}
    with pytest.raises(ValueError, match="margin"):
        tightened({"cac_max": 40.0}, -0.1)


def test_with_margin_clears_confidence_and_keeps_the_rest(write: Write) -> None:
    cs = load(write, SMALL, CONF="0.9")
    tight = with_margin(cs, 0.25)
    assert tight.confidence is None
    assert tight.targets == {"cac_max": 32.0}
    assert cs.targets == {"cac_max": 40.0}  # the scenario itself is untouched


def test_wilson_interval_against_hand_values() -> None:
    # no successes in 10: the upper end is z^2 / (n + z^2)
    z2 = stats.norm.ppf(0.975) ** 2
    lo, hi = wilson_interval(0, 10)
    assert lo == pytest.approx(0.0, abs=1e-12)
    assert hi == pytest.approx(z2 / (10 + z2))
    # 911 of 1000 by the score formula, written out
    n, p = 1000, 0.911
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = math.sqrt(z2) / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    assert wilson_interval(911, 1000) == pytest.approx((centre - half, centre + half))
    assert Measure(911, 1000).interval() == wilson_interval(911, 1000)


def test_sentences_in_both_languages() -> None:
    en, zh = sentences(0.9, 0.93, (0.91, 0.95), 2000, 0.05, met=True)
    assert (
        en
        == "Meets every target in 93.0% of 2,000 simulated runs (91.0%-95.0%); asked: at least 90%."
    )
    assert zh == "在 2,000 次模拟中有 93.0% 达成全部目标（91.0%–95.0%）；要求至少 90%。"
    en, zh = sentences(0.9, 0.74, (0.71, 0.77), 1000, 0.31, met=False)
    assert en.startswith("No plan found that meets every target in 90% of simulated runs")
    assert "74.0% of 1,000 runs" in en
    assert "31.0% stricter" in en
    assert "74.0%" in zh


# --- against the Poisson closed form ----------------------------------------------------


def test_measured_share_matches_the_poisson_formula(write: Write) -> None:
    cs = load(write, ONE_DAY, CONF="0.9")
    for spend in (1500.0, 2000.0):
        m = measure(cs, one_channel(cs, spend), runs=4000, seed=5, sim_options=QUIET)
        expected = p_closed(spend, exp_mean(spend), 8.0)
        assert abs(m.share - expected) <= 4 * math.sqrt(expected * (1 - expected) / 4000)


def one_channel(cs: CompiledScenario, spend: float) -> Split:
    return as_split(cs, {"allocation": {"feed": spend}})


def test_plan_sits_where_the_formula_crosses_the_confidence(write: Write) -> None:
    cs = load(write, ONE_DAY, CONF="0.9")
    rec = optimize(cs, runs=2000, seed=0, sim_options=QUIET)
    spend = rec.allocation["feed"]
    block = rec.extra["confidence"]
    assert rec.status == "feasible"
    assert block["achieved"] >= 0.9
    assert block["margin"] > 0
    # the plan's own closed-form share: what was measured, within Monte Carlo error
    truth = p_closed(spend, exp_mean(spend), 8.0)
    assert abs(block["achieved"] - truth) <= 4 * math.sqrt(0.09 / 2000)
    # and the formula's own answer: the most spend whose share is still >= 0.9
    grid = np.arange(1000.0, 3000.0, 1.0)
    ok = [s for s in grid if p_closed(s, exp_mean(s), 8.0) >= 0.9]
    best = max(ok)
    assert abs(spend - best) <= 40  # ~2 points of probability either way
    exact = optimize(with_margin(cs, 0.0))
    assert exact.allocation["feed"] > spend + 200  # the exact plan sits on CAC = 8


def test_linear_channel_already_safe_is_the_exact_plan(write: Write) -> None:
    cs = load(write, LINEAR, CAP="6")
    rec = optimize(cs, runs=2000, seed=1, sim_options=QUIET)
    block = rec.extra["confidence"]
    assert rec.status == "optimal"  # the exact answer meets the confidence: nothing to give up
    assert rec.allocation["feed"] == pytest.approx(1000.0)
    assert block["margin"] == 0.0
    truth = p_closed(1000.0, 200.0, 6.0)  # N >= 167 of Poisson(200): 0.99
    assert abs(block["achieved"] - truth) <= 4 * math.sqrt(truth * (1 - truth) / 2000)


def test_linear_channel_unreachable_reports_the_best_share(write: Write) -> None:
    cs = load(write, LINEAR, CAP="5.3")
    rec = optimize(cs, runs=2000, seed=1, sim_options=QUIET)
    block = rec.extra["confidence"]
    truth = p_closed(1000.0, 200.0, 5.3)  # N >= 189 of Poisson(200): about 0.79
    assert rec.status == "infeasible"
    assert rec.allocation["feed"] == pytest.approx(1000.0)  # the most conservative plan
    assert abs(block["achieved"] - truth) <= 4 * math.sqrt(truth * (1 - truth) / 2000)
    assert rec.message.startswith("No plan found that meets every target in 90%")
    assert f"{block['achieved']:.1%}" in rec.message
    assert rec.certificate is not None
    assert not rec.certificate.checked


# --- against independent simulations ----------------------------------------------------


def test_share_holds_on_a_fresh_seed(write: Write) -> None:
    cs = load(write, SMALL, CONF="0.9")
    rec = optimize(cs, runs=400, seed=0)
    assert rec.status == "feasible"
    assert rec.extra["confidence"]["achieved"] >= 0.9
    fresh = simulate(cs, rec.split, runs=3000, seed=99).p_targets_met
    # the search's estimate and the fresh one each carry Monte Carlo error
    assert fresh >= 0.9 - 3 * math.sqrt(0.09 / 400) - 3 * math.sqrt(0.09 / 3000)
    exact = simulate(cs, optimize(with_margin(cs, 0.0)).split, runs=3000, seed=99)
    assert exact.p_targets_met < 0.7  # the exact plan sits on the cap: about half miss


def test_confidence_near_one_half_stays_near_the_exact_plan(write: Write) -> None:
    cs = load(write, SMALL, CONF="0.51")
    rec = optimize(cs, runs=400, seed=0)
    exact = optimize(with_margin(cs, 0.0))
    assert rec.extra["confidence"]["margin"] <= 0.01
    assert rec.totals["spend"] == pytest.approx(exact.totals["spend"], rel=0.03)
    assert rec.totals["new_customers"] == pytest.approx(exact.totals["new_customers"], rel=0.01)


def test_steps_are_reproducible_with_the_same_seed(write: Write) -> None:
    cs = load(write, SMALL, CONF="0.8")
    a = optimize(cs, runs=200, seed=3).extra["confidence"]
    b = optimize(cs, runs=200, seed=3).extra["confidence"]
    assert a == b
    margins = [m for m, _ in a["steps"]]
    assert margins[:2] == [0.0, 0.02]  # the exact answer first, then the first margin
    assert a["interval"][0] <= a["achieved"] <= a["interval"][1]
    assert a["planned_targets"]["cac_max"] == pytest.approx(40 / (1 + a["margin"]))


def test_targets_unreachable_in_expectation_stay_the_exact_answer(write: Write) -> None:
    cs = load(write, SMALL.replace("cac_max: 40", "cac_max: 5"), CONF="0.9")
    rec = optimize(cs, runs=100, seed=0)
    assert rec.status == "infeasible"
    assert rec.message.startswith("cac_max 5 cannot be met")
    assert rec.extra["confidence"]["steps"] == [[0.0, None]]


def test_daily_plan(write: Write) -> None:
    cs = load(write, SMALL, CONF="0.9")
    rec = optimize(cs, plan="daily", runs=200, seed=0)
    assert rec.daily is not None
    assert rec.status == "feasible"
    assert rec.extra["confidence"]["achieved"] >= 0.9


@settings(max_examples=10, deadline=None)
@given(
    max_conversions=st.floats(50, 400),
    cap_over_first=st.floats(1.1, 3.0),
    confidence=st.floats(0.55, 0.95),
)
def test_answer_keeps_its_promises(
    max_conversions: float, cap_over_first: float, confidence: float
) -> None:
    """Reached: the share is at least c, the targets hold in expectation, the budget holds,
    and a positive margin is only ``feasible``; otherwise ``infeasible`` below c."""
    scale = 1000.0
    cap = cap_over_first * scale / max_conversions  # the first customers cost scale / M
    text = (
        ONE_DAY.replace("max_conversions: 300", f"max_conversions: {max_conversions!r}")
        .replace("cac_max: 8", f"cac_max: {cap!r}")
        .replace("CONF", repr(confidence))
    )
    cs = load_scenario_text(text)
    rec = optimize(cs, runs=200, seed=0, sim_options=QUIET)
    block = rec.extra["confidence"]
    lo, hi = block["interval"]
    assert lo <= block["achieved"] <= hi
    assert rec.totals["spend"] <= cs.budget * (1 + 1e-9)
    if rec.status == "infeasible":
        assert block["achieved"] < confidence
        return
    assert block["achieved"] >= confidence
    assert bool(meets("cac_max", rec.totals["cac"], cap, rel_tol=1e-9))
    assert rec.status == ("feasible" if block["margin"] > 0 else "optimal")


def load_scenario_text(text: str) -> CompiledScenario:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "h.yaml"
        path.write_text(text, encoding="utf-8")
        return load_scenario(path)


# --- the optional refinement by the search by simulation --------------------------------


class _Found:
    """What ``search`` answers, as far as ``refine`` reads it."""

    def __init__(self, best: float, improved: bool = True) -> None:
        self.best = {"feed": best}
        self.improved = improved
        self.message = "stand-in"


@pytest.mark.parametrize(
    ("extra_spend", "met", "taken"),
    [
        (10.0, 950, True),  # earns more, meets the cap in expectation and in 95% of runs
        (10.0, 850, False),  # below the confidence on the search's seed
        (1500.0, 950, False),  # CAC above the cap in expectation
        (-10.0, 950, False),  # earns less
    ],
)
def test_refine_takes_only_a_better_split_that_keeps_every_promise(
    write: Write, monkeypatch: pytest.MonkeyPatch, extra_spend: float, met: int, taken: bool
) -> None:
    refine_module = importlib.import_module("simulator.optimize.confidence.refine")
    cs = load(write, ONE_DAY, CONF="0.9")
    plain = optimize(cs, runs=500, seed=0, sim_options=QUIET)
    spend = plain.allocation["feed"]
    monkeypatch.setattr(refine_module, "search", lambda *a, **k: _Found(spend + extra_spend))
    monkeypatch.setattr(refine_module, "measure", lambda *a, **k: Measure(met, 1000, 0))
    rec = optimize(cs, runs=500, seed=0, sim_options=QUIET, refine_trials=5)
    info = rec.extra["confidence"]["refine"]
    assert info["improved"] is taken
    assert rec.status == "feasible"
    if taken:
        assert rec.allocation["feed"] == pytest.approx(spend + 10.0)
        assert rec.extra["confidence"]["achieved"] == 0.95
        assert info["objective_after"] > info["objective_before"]
        assert rec.certificate.failures == (
            "optimality not proven: found by the search by simulation",
        )
        assert rec.explanations[1].startswith("Found by the search by simulation (5 trials)")
    else:
        assert rec.allocation["feed"] == pytest.approx(spend)
        assert "not taken" in info["search"]


def test_refine_runs_the_real_search(write: Write) -> None:
    cs = load(write, SMALL, CONF="0.9")
    rec = optimize(cs, runs=200, seed=0, refine_trials=4)
    block = rec.extra["confidence"]
    assert block["refine"]["trials"] == 4
    assert block["achieved"] >= 0.9
    daily = optimize(cs, plan="daily", runs=100, seed=0, refine_trials=4)
    assert "refine" not in daily.extra["confidence"]  # plans by day are not searched


# --- the command line -------------------------------------------------------------------


def test_cli_json(write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(SMALL.replace("CONF", "0.9"), "s.yaml")
    code = main(["optimize", str(path), "--runs", "300", "--seed", "2", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    assert doc["status"] == "feasible"
    block = doc["confidence"]
    assert block["asked"] == 0.9
    assert block["runs"] == 300
    assert block["met"] == round(block["achieved"] * 300)
    assert doc["certificate"]["checked"] is False
    assert doc["explanations"][0] == block["sentence"]["en"]
    assert block["seed"] == 2
    check = block["check"]  # the chosen plan on a fresh seed: a share near the search's
    assert check["seed"] == 3
    assert check["runs"] == 300
    assert abs(check["achieved"] - block["achieved"]) <= 4 * math.sqrt(0.09 / 300)


def test_cli_confidence_flag_overrides(write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(SMALL.replace(", confidence: CONF", ""), "s.yaml")
    code = main(["optimize", str(path), "--confidence", "0.8", "--runs", "200", "--format", "json"])
    assert code == 0
    assert json.loads(capsys.readouterr().out)["confidence"]["asked"] == 0.8


def test_cli_unreachable_exits_3(write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(LINEAR.replace("CAP", "5.3"), "l.yaml")
    code = main(["optimize", str(path), "--runs", "200", "--format", "json"])
    assert code == 3
    assert json.loads(capsys.readouterr().out)["status"] == "infeasible"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1.0", ":7: targets.confidence: must be < 1 (got 1.0)"),
        ("0.5", ":7: targets.confidence: must be > 0.5 (got 0.5)"),
        ("0", ":7: targets.confidence: must be > 0.5 (got 0)"),
        ("'0.9'", ":7: targets.confidence: must be a number (got '0.9')"),
        ("true", ":7: targets.confidence: must be a number (got true)"),
    ],
)
def test_bad_confidence_is_located(
    write: Write, capsys: pytest.CaptureFixture[str], value: str, message: str
) -> None:
    path = write(
        ONE_DAY.replace(
            "targets: {cac_max: 8, confidence: CONF}",
            "targets:\n  cac_max: 8\n  confidence: " + value,
        ),
        "b.yaml",
    )
    assert main(["optimize", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}{message}" in err
    assert "Traceback" not in err


def test_confidence_without_targets_is_located(
    write: Write, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        ONE_DAY.replace("targets: {cac_max: 8, confidence: CONF}", "targets:\n  confidence: 0.9"),
        "b.yaml",
    )
    assert main(["validate", str(path)]) == 2
    assert f"{path}:6: targets.confidence: needs at least one target" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--confidence", "1"], "--confidence: must be > 0.5 and < 1 (got 1)"),
        (["--confidence", "0.2"], "--confidence: must be > 0.5 and < 1 (got 0.2)"),
        (["--runs", "0"], "--runs: must be a whole number >= 1 (got 0)"),
        (["--seed", "-1"], "--seed: must be a whole number >= 0 (got -1)"),
    ],
)
def test_bad_flags_exit_2(
    write: Write, capsys: pytest.CaptureFixture[str], flags: list[str], message: str
) -> None:
    path = write(SMALL.replace("CONF", "0.9"), "s.yaml")
    assert main(["optimize", str(path), *flags]) == 2
    assert message in capsys.readouterr().err


def test_confidence_flag_needs_a_target(write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(SMALL.replace("targets: {cac_max: 40, confidence: CONF}\n", ""), "s.yaml")
    assert main(["optimize", str(path), "--confidence", "0.9"]) == 2
    assert "no target to meet" in capsys.readouterr().err


def test_pareto_front_stays_exact(write: Write) -> None:
    from simulator.optimize.pareto import with_target

    cs = load(write, SMALL, CONF="0.9")
    assert with_target(cs, "cac_max", 30.0).confidence is None
    assert "confidence" not in optimize(with_target(cs, "cac_max", 30.0)).extra


def test_digest_is_unchanged_without_confidence(core_file: Path) -> None:
    # the core scenario's digest before targets.confidence existed (cache keys, study names)
    digest = "d5c5d4e31237043409794e8a3ed0ecb1a602b521ce80eca39063e8b005f1d33f"
    assert load_scenario(core_file).digest == digest
    text = core_file.read_text().replace("cac_max: 150", "cac_max: 150\n  confidence: 0.9")
    core_file.write_text(text)
    assert load_scenario(core_file).digest != digest
