"""A small scenario with every money key the display shows: fees, commission, funnel
stages, halo and an organic baseline (CONTRACT.md 1c).

Built from the engine tests' snippets (``tests/model/test_cost_keys.py``) so the numbers
those tests check by hand are the ones the CLI, studio and report present.
"""

from __future__ import annotations

from tests.model.test_cost_keys import TWO

FEES = "    fees: {service_fee: 0.05, rebate: 0.15}\n"
# TWO plus fees on the capture channel: notes brings halo to search, search has stages,
# commission, fees; the scenario has a baseline
MONEY = TWO.replace("    commission: 0.05\n", "    commission: 0.05\n" + FEES)
SPLIT = {"notes": 50_000.0, "search": 40_000.0}
# by day: a short horizon with adstock on the halo source, so days differ and carry over
MONEY_DAILY = MONEY.replace("budget:", "horizon_days: 7\nbudget:", 1).replace(
    "    halo:", "    adstock: {decay: 0.4}\n    halo:", 1
)
assert FEES in MONEY  # the snippets still have the lines replaced
assert "adstock" in MONEY_DAILY
