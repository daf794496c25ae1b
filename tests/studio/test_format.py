"""Card formatting: money signs, dashes for undefined values, signed deltas."""

from __future__ import annotations

import math

from hypothesis import example, given
from hypothesis import strategies as st

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


def test_a_ratio_over_a_total_shown_as_zero_is_undefined() -> None:
    tiny = {"spend": 0.2, "revenue": 20.0, "new_customers": 0.1, "roi": 100.0, "cac": 2.0}
    tiny |= {"ltv_per_customer": 150.0, "ltv_cac": 75.0, "total_roi": 90.0, "profit": 3.0}
    shown = fmt.defined(tiny)
    for key in ("roi", "cac", "ltv_per_customer", "ltv_cac", "total_roi"):
        assert shown[key] is None, key
        assert fmt.metric(key, shown[key]) == "–"
    assert {k: shown[k] for k in ("spend", "revenue", "new_customers", "profit")} == {
        "spend": 0.2,
        "revenue": 20.0,
        "new_customers": 0.1,
        "profit": 3.0,
    }
    assert fmt.money(0.2) == "¥0"  # why: the card beside it reads 0
    few = fmt.defined({"spend": 1e5, "new_customers": 0.4, "roi": 3.0, "cac": 250_000.0})
    assert (few["roi"], few["cac"]) == (3.0, None)  # spend is real; no customer is shown
    fees = fmt.defined({"spend": 1e5, "cost": 0.3, "roi": 3.0})
    assert fees["roi"] is None  # ROI is revenue over cost where fees make them differ
    assert fmt.defined({"roi": 3.0}) == {"roi": 3.0}  # no denominator given: nothing to judge
    row = {"spend": 0.0, "roi": math.nan, "active": "min_spend"}
    assert fmt.defined(row) == {"spend": 0.0, "roi": None, "active": "min_spend"}


@example(spend=0.5, revenue=1.0, new=0.5)  # half a unit rounds to even: reads 0
@example(spend=1.5, revenue=1.0, new=2.5)
@given(spend=st.floats(0, 1e9), revenue=st.floats(0, 1e10), new=st.floats(0, 1e6))
def test_no_ratio_is_shown_beside_a_zero(spend: float, revenue: float, new: float) -> None:
    totals = {"spend": spend, "revenue": revenue, "new_customers": new}
    totals |= {"roi": revenue / max(spend, 1e-300), "cac": spend / max(new, 1e-300)}
    shown = fmt.defined(totals)
    if fmt.money(spend) == "¥0":
        assert fmt.metric("roi", shown["roi"]) == "–"
    else:
        assert shown["roi"] == totals["roi"]
    if fmt.count(new) == "0":
        assert fmt.metric("cac", shown["cac"]) == "–"
    else:
        assert shown["cac"] == totals["cac"]


def test_plain_text_in_markdown() -> None:
    assert fmt.plain("v: 'scale:1e308'") == "v\\: 'scale\\:1e308'"
    assert fmt.plain("*a* [b](c) $x$ <b> `c`\n:red[x]") == (
        "\\*a\\* \\[b\\]\\(c\\) \\$x\\$ \\<b\\> \\`c\\` \\:red\\[x\\]"
    )
    assert fmt.plain("中文 渠道") == "中文 渠道"
