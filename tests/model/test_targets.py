"""The target table: direction of each target, tolerance, undefined values."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.model.compiled import TARGET_NAMES
from simulator.model.targets import TARGET_METRICS, TARGETS, meets, shortfall


def test_every_target_name_has_a_metric() -> None:
    assert set(TARGET_METRICS) == set(TARGET_NAMES)


@pytest.mark.parametrize(
    ("name", "value", "bound", "ok"),
    [
        ("roi_min", 3.0, 3.0, True),
        ("roi_min", 2.99, 3.0, False),
        ("cac_max", 150.0, 150.0, True),
        ("cac_max", 150.01, 150.0, False),
        ("revenue_min", 1e6, 1e6 + 1, False),
        ("roi_min", float("nan"), 1.0, False),  # nothing spent: no ratio meets a target
        ("cac_max", float("nan"), 1e9, False),
    ],
)
def test_direction_and_undefined(name: str, value: float, bound: float, ok: bool) -> None:
    assert bool(meets(name, value, bound)) is ok


def test_tolerance_forgives_rounding_only() -> None:
    values = np.array([3.0 * (1 - 1e-10), 3.0 * (1 - 1e-6)])
    assert meets("roi_min", values, 3.0, rel_tol=1e-9).tolist() == [True, False]


def test_schema_fields_are_the_table_in_order() -> None:
    from simulator.model.schema import TargetsSpec

    # cac_basis (how CAC is counted) and confidence (a share of simulated runs) are not
    # targets of their own: they follow the rows
    fields = tuple(f for f in TargetsSpec.model_fields if f not in ("cac_basis", "confidence"))
    assert fields == TARGET_NAMES == tuple(TARGETS)
    assert tuple(TargetsSpec.model_fields)[-2:] == ("cac_basis", "confidence")


def test_ratio_targets_come_before_the_floors() -> None:
    kinds = [TARGETS[n].kind for n in TARGET_NAMES]
    assert kinds == sorted(kinds, key=lambda k: k != "ratio")


def test_every_row_reads_a_metric_every_engine_computes(core_file) -> None:
    from simulator import load_scenario
    from simulator.expected import evaluate_spend, evaluate_totals
    from simulator.optimize.certificate import _metric
    from simulator.optimize.lineitems import build_problem
    from simulator.simulate.summary import METRICS

    cs = load_scenario(core_file)
    totals = evaluate_totals(cs, np.full((1, cs.n_ad_sets), 1000.0))
    outcome = evaluate_spend(cs, np.full(cs.n_ad_sets, 1000.0))
    for t in TARGETS.values():
        assert t.metric in totals, t.name
        assert t.metric in METRICS, t.name
        assert _metric(cs, outcome, t.line_metric).shape == (1, cs.n_ad_sets), t.name
    every = {n: 1.0 for n in TARGET_NAMES}
    p = build_problem(dataclasses.replace(cs, targets=every))
    assert [c.name for c in (*p.ratios, *p.floors)] == list(TARGET_NAMES)


def test_rho_inverts_a_cap_only() -> None:
    assert TARGETS["roi_min"].rho(3.0) == 3.0
    assert TARGETS["cac_max"].rho(150.0) == 1 / 150.0


@pytest.mark.parametrize(
    ("name", "value", "bound", "gap"),
    [
        ("roi_min", 2.0, 4.0, 0.5),
        ("roi_min", 5.0, 4.0, -0.25),
        ("cac_max", 150.0, 100.0, 0.5),
        ("cac_max", 50.0, 100.0, -0.5),
        ("revenue_min", 900.0, 1000.0, 0.1),
    ],
)
def test_shortfall_by_hand(name: str, value: float, bound: float, gap: float) -> None:
    assert float(shortfall(name, value, bound)) == pytest.approx(gap)


@given(
    name=st.sampled_from(TARGET_NAMES),
    value=st.floats(1e-3, 1e6) | st.just(float("nan")),
    bound=st.floats(1e-3, 1e6),
)
def test_meets_and_shortfall_agree(name: str, value: float, bound: float) -> None:
    gap = float(shortfall(name, value, bound))
    assert bool(meets(name, value, bound)) == (math.isfinite(gap) and gap <= 0)


def test_every_message_template_formats() -> None:
    args = {"name": "x", "bound": 3.0, "best": 2.0, "where": "", "spend": 1.0, "within": "w"}
    for t in TARGETS.values():
        assert t.unmet.format(**args).startswith("x 3"), t.name
        if t.holds:
            assert "{" not in t.holds.format(at="a", v=3.0)
        if t.paused:
            assert "{" not in t.paused.format(first=1.0, cost="c", v=3.0)


def test_every_target_has_a_label_in_both_languages() -> None:
    from simulator.studio.i18n import EN, ZH

    for name, t in TARGETS.items():
        assert EN[name] == t.label
        assert ZH[name] != name  # a label, not its key
