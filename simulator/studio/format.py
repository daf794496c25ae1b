"""How numbers read on cards, tables and reports: one place, so the app and the report agree."""

from __future__ import annotations

import math

CURRENCY_SIGNS = {"CNY": "¥", "RMB": "¥", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}

# Which way is better for each total: +1 more is better, -1 less is better.
BETTER = {
    "spend": 0,
    "revenue": 1,
    "conversions": 1,
    "new_customers": 1,
    "roi": 1,
    "cac": -1,
    "profit": 1,
}
MONEY = frozenset({"spend", "revenue", "profit", "cac", "ltv", "repeat_revenue"})
RATIOS = frozenset({"roi", "ltv_cac", "marginal_roi"})


def _defined(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def money(value: float | None, currency: str = "CNY", decimals: int = 0) -> str:
    """``¥1,234,567``; undefined values (a ratio over zero) read as a dash."""
    if value is None or not _defined(value):
        return "–"
    sign = CURRENCY_SIGNS.get(currency.upper(), "")
    text = f"{abs(value):,.{decimals}f}"
    prefix = "-" if value < 0 and round(abs(value), decimals) != 0 else ""
    return f"{prefix}{sign}{text}" if sign else f"{prefix}{text} {currency}"


def count(value: float | None) -> str:
    return f"{value:,.0f}" if value is not None and _defined(value) else "–"


def ratio(value: float | None) -> str:
    return f"{value:,.2f}" if value is not None and _defined(value) else "–"


def metric(key: str, value: float | None, currency: str = "CNY") -> str:
    """A total as shown on a KPI card: money with its sign, ratios with two decimals."""
    if key in RATIOS:
        return ratio(value)
    if key == "cac":
        return money(value, currency, decimals=2)
    if key in MONEY:
        return money(value, currency)
    return count(value)


def delta(key: str, value: float | None, currency: str = "CNY") -> str | None:
    """A signed difference against the baseline (None when undefined or zero)."""
    if value is None or not _defined(value) or abs(value) < 1e-9:
        return None
    body = metric(key, abs(value), currency)
    return f"{'+' if value > 0 else '-'}{body}"


def percent(value: float | None) -> str:
    return f"{value:+.1%}" if value is not None and _defined(value) else "–"
