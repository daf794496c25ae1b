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


def test_chinese_counts_in_wan_and_yi() -> None:
    assert fmt.money(2702231.7, lang="zh") == "¥270.22万"
    assert fmt.money(123456789, lang="zh") == "¥1.23亿"
    assert fmt.money(9876.4, lang="zh") == "¥9,876"  # below 1万: as written
    assert fmt.money(9999.996, lang="zh") == "¥1.00万"  # rounds up into the unit, not ¥10,000
    assert fmt.money(-1500000, "USD", lang="zh") == "-$150.00万"
    assert fmt.metric("cac", 57.3522, lang="zh") == "¥57.35"
    assert fmt.metric("conversions", 75426.1, lang="zh") == "7.54万"
    assert fmt.metric("roi", 2.3, lang="zh") == "2.30"
    assert fmt.delta("revenue", -82144.2, lang="zh") == "-¥8.21万"
    assert fmt.count(None, lang="zh") == "–"


@given(st.floats(-1e12, 1e12, allow_nan=False))
def test_wan_and_yi_read_back_to_the_number(value: float) -> None:
    text = fmt.money(value, lang="zh").replace("¥", "").replace(",", "")
    scale = {"亿": 1e8, "万": 1e4}.get(text[-1], 1.0)
    number = float(text.rstrip("万亿")) * scale
    assert abs(number - value) <= 0.005 * scale + 0.5  # two decimals of the unit shown


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
