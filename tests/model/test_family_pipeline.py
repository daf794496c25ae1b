"""Every registered family through the whole path a user takes: validate, evaluate,
optimize (with its certificate), simulate and the studio's edit fields.

Parametrised over the registry and each family's ``examples``, so a new family is
proven end to end without editing this file.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import yaml

from simulator import evaluate, optimize, simulate
from simulator.io.errors import ScenarioError
from simulator.io.yaml_loader import parse_yaml
from simulator.model.family import family_names
from simulator.model.load import scenario_from_data
from simulator.model.schema import FAMILIES
from simulator.optimize.certificate import KKT_TOL
from simulator.studio.edits import channel_fields, compile_edited

CASES = [(kind, i) for kind in sorted(FAMILIES) for i in range(len(FAMILIES[kind].examples))]


def _text(response: dict[str, Any]) -> str:
    data = {
        "name": "family-check",
        "horizon_days": 10,
        "budget": {"total": 400000},
        "channels": [
            {
                "id": "other",
                "response": {"type": "exponential", "max_conversions": 3000, "scale": 2e5},
                "aov": 150,
            },
            {"id": "under_test", "response": response, "aov": 200, "max_spend": 300000},
        ],
    }
    return yaml.safe_dump(data, sort_keys=False)


@pytest.fixture(params=CASES, ids=[f"{k}-{i}" for k, i in CASES])
def example(request: pytest.FixtureRequest) -> dict[str, Any]:
    kind, i = request.param
    return dict(FAMILIES[kind].examples[i])


def test_validate_evaluate_optimize_simulate(example: dict[str, Any]) -> None:
    data, lines = parse_yaml(_text(example), "f.yaml")
    cs = scenario_from_data(data, lines, "f.yaml")
    split = {"other": 150000.0, "under_test": 99900.0}  # whole units of a 300 flat fee
    res = evaluate(cs, split)
    want = cs.curves.value(np.array([150000.0, 99900.0]))
    assert res.channels["under_test"]["conversions"] == pytest.approx(want[1], rel=1e-9)
    rec = optimize(cs)
    assert rec.status == "optimal"
    assert sum(rec.allocation.values()) <= 400000 * (1 + 1e-9)
    assert rec.allocation["under_test"] <= 300000 * (1 + 1e-9)
    if np.all(cs.curves.concave):  # concave: the exact allocator's KKT proof
        assert rec.certificate.checked, rec.certificate.failures
        assert rec.certificate.kkt_residual is not None
        assert rec.certificate.kkt_residual <= KKT_TOL
    sim = simulate(cs, rec.allocation, runs=64, seed=3)
    assert sim.totals["spend"]["mean"] == pytest.approx(sum(rec.allocation.values()), rel=1e-9)


def test_studio_offers_and_applies_the_editable_fields(example: dict[str, Any]) -> None:
    text = _text(example)
    data, lines = parse_yaml(text, "f.yaml")
    family = FAMILIES[example["type"]]
    fields = [f for f in channel_fields(data, "under_test") if f.name != "aov"]
    assert [f.name for f in fields] == [n for n in family.editable if n in example]
    for f in fields:
        edited = compile_edited(data, lines, "f.yaml", {f.key: f.value * 1.1})
        before = compile_edited(data, lines, "f.yaml", {})
        s = np.array([1e3, 3e4])
        # a CPC buy's ctr changes clicks and impressions, not conversions
        moved = [
            not np.array_equal(a, b)
            for a, b in [
                (edited.curves.value(s), before.curves.value(s)),
                (edited.ctr, before.ctr),
                (edited.impressions_per_spend, before.impressions_per_spend),
            ]
        ]
        assert any(moved), f.name


def test_a_wrong_type_is_located_and_lists_every_family(example: dict[str, Any]) -> None:
    text = _text({**example, "type": example["type"] + "z"})
    data, lines = parse_yaml(text, "f.yaml")
    with pytest.raises(ScenarioError) as err:
        scenario_from_data(data, lines, "f.yaml")
    line = [i for i, t in enumerate(text.splitlines(), 1) if "type: " in t][-1]
    assert f"f.yaml:{line}: channels[1].response.type: unknown '{example['type']}z'; use " in str(
        err.value
    )
    assert ", ".join(family_names()) in str(err.value)
