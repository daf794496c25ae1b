"""Card formatting: money signs, dashes for undefined values, signed deltas."""

from __future__ import annotations

import math

from simulator.studio import format as fmt


def test_money_and_ratios() -> None:
    assert fmt.money(1234567.4) == "¥1,234,567"
    assert fmt.money(-1500, "USD") == "-$1,500"
    assert fmt.money(12.0, "XYZ") == "12 XYZ"
    assert fmt.metric("cac", 88.6615) == "¥88.66"
    assert fmt.metric("roi", 3.4707) == "3.47"
    assert fmt.metric("roi", math.nan) == "–"
    assert fmt.metric("conversions", 50882.4) == "50,882"


def test_delta() -> None:
    assert fmt.delta("revenue", -82144.2) == "-¥82,144"
    assert fmt.delta("roi", 0.07) == "+0.07"
    assert fmt.delta("spend", 0.0) is None
    assert fmt.delta("cac", None) is None
