"""A channel's min spend over days whose cost bends is refused by day, never broken.

Drawn by the combination strategy: ch0 pays commission (its cost bends with revenue) and
``budget.max_change`` gives every channel a min spend. In cost space that floor is read at
the fee alone, and the daily plan met it at a spend of 52,834 against a minimum of 105,900:
the answer was ``unverified`` (exit 1, "please report"). It is now refused, located, like
the other limits not planned yet; the plan by total keeps the minimum.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.io.errors import UsageError
from simulator.model.load import load_scenario
from simulator.optimize import optimize
from tests.test_cli import run

SCENARIO = Path(__file__).parent / "data" / "bent_minimum_daily.yaml"


def test_the_daily_plan_is_refused_naming_the_channel() -> None:
    with pytest.raises(UsageError, match=r"channels\.ch0: min_spend 105,900"):
        optimize(load_scenario(SCENARIO), plan="daily")


def test_the_command_exits_2_without_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "optimize", str(SCENARIO), "--plan", "daily")
    assert code == 2
    assert "channels.ch0: min_spend 105,900" in err
    assert "Traceback" not in err


def test_the_plan_by_total_keeps_every_minimum() -> None:
    rec = optimize(load_scenario(SCENARIO), plan="total")
    assert rec.status in ("optimal", "feasible", "infeasible")
    for cid in ("ch0", "ch2", "ch3"):
        assert rec.allocation[cid] >= 105_900 * (1 - 1e-9)
