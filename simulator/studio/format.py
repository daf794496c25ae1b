"""How numbers read on cards, tables and reports: one place, so the app and the report agree."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

CURRENCY_SIGNS = {"CNY": "¥", "RMB": "¥", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}

# Which way is better for each total: +1 more is better, -1 less is better.
BETTER = {
    "spend": 0,
    "cost": 0,
    "revenue": 1,
    "conversions": 1,
    "new_customers": 1,
    "roi": 1,
    "cac": -1,
    "profit": 1,
    "total_revenue": 1,
    "total_roi": 1,
}
MONEY = frozenset(
    {
        "spend",
        "cost",
        "revenue",
        "profit",
        "cac",
        "ltv",
        "repeat_revenue",
        "baseline_revenue",
        "total_revenue",
    }
)
RATIOS = frozenset({"roi", "ltv_cac", "marginal_roi", "total_roi"})

# Money is shown without decimals and customers as whole numbers, so up to half a unit a
# card reads 0; a ratio over that 0 is no number (the optimiser's answer to an unreachable
# ROI floor can spend 0.00002 at an ROI of 418, which would read "spend ¥0, ROI 418.18").
# Each ratio and the totals it divides by: revenue / spend (or cost), spend / new customers.
DENOMINATORS: dict[str, tuple[str, ...]] = {
    "roi": ("spend", "cost"),
    "total_roi": ("spend", "cost"),
    "cac": ("new_customers",),
    "ltv_per_customer": ("new_customers",),
    "ltv_cac": ("new_customers", "spend", "cost"),
}


def _defined(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _shown_as_zero(value: Any) -> bool:
    """Whether ``value`` reads 0 with no decimals (``round`` rounds half to even, as format)."""
    return isinstance(value, int | float) and math.isfinite(value) and round(abs(value)) == 0


def defined(row: Mapping[str, Any]) -> dict[str, Any]:
    """``row`` (totals, or one channel's numbers) with each ratio over a zero set to None.

    The engine leaves a ratio undefined only when its denominator is exactly 0; the studio
    also hides one whose denominator is shown as 0 beside it, so a card never reads
    "spend ¥0, ROI 3.33". A denominator missing from ``row`` (``cost`` without fees)
    does not count.
    """
    out = dict(row)
    for key, dens in DENOMINATORS.items():
        if key in out and any(_shown_as_zero(row.get(d)) for d in dens):
            out[key] = None
    return out


# Chinese readers count in 万 (10^4) and 亿 (10^8): "¥270.22万" reads at a glance where
# "¥2,702,232" must be counted out. Largest unit first.
_ZH_UNITS = ((1e8, "亿"), (1e4, "万"))


def _magnitude(value: float, decimals: int, lang: str) -> str:
    """``abs(value)`` with thousands separators, or in 万/亿 with two decimals in Chinese."""
    size = abs(value)
    if lang == "zh":
        for unit, word in _ZH_UNITS:
            if round(size / unit, 2) >= 1.0:
                return f"{size / unit:,.2f}{word}"
    return f"{size:,.{decimals}f}"


def money(value: float | None, currency: str = "CNY", decimals: int = 0, lang: str = "en") -> str:
    """``¥1,234,567`` (``¥123.46万`` in Chinese); undefined values (a ratio over zero) read as
    a dash."""
    if value is None or not _defined(value):
        return "–"
    sign = CURRENCY_SIGNS.get(currency.upper(), "")
    text = _magnitude(value, decimals, lang)
    prefix = "-" if value < 0 and round(abs(value), decimals) != 0 else ""
    return f"{prefix}{sign}{text}" if sign else f"{prefix}{text} {currency}"


def count(value: float | None, lang: str = "en") -> str:
    """``75,426`` (``7.54万`` in Chinese)."""
    if value is None or not _defined(value):
        return "–"
    return f"{'-' if value < 0 and round(abs(value)) != 0 else ''}{_magnitude(value, 0, lang)}"


def ratio(value: float | None) -> str:
    return f"{value:,.2f}" if value is not None and _defined(value) else "–"


def metric(key: str, value: float | None, currency: str = "CNY", lang: str = "en") -> str:
    """A total as shown on a KPI card: money with its sign, ratios with two decimals, a
    share of simulated runs (``p_targets``) in percent."""
    if key == "p_targets":
        return f"{value:.1%}" if value is not None and _defined(value) else "–"
    if key in RATIOS:
        return ratio(value)
    if key == "cac":
        return money(value, currency, decimals=2, lang=lang)
    if key in MONEY:
        return money(value, currency, lang=lang)
    return count(value, lang)


def delta(key: str, value: float | None, currency: str = "CNY", lang: str = "en") -> str | None:
    """A signed difference against the baseline (None when undefined or zero)."""
    if value is None or not _defined(value) or abs(value) < 1e-9:
        return None
    body = metric(key, abs(value), currency, lang)
    return f"{'+' if value > 0 else '-'}{body}"


def percent(value: float | None) -> str:
    return f"{value:+.1%}" if value is not None and _defined(value) else "–"


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|:$~=^&])")


def plain(text: str) -> str:
    """``text`` shown as written inside Streamlit markdown (a share link's garbage included).

    Every ASCII punctuation mark that markdown, Streamlit's ``:color[...]`` directives or
    LaTeX could read is backslash-escaped; newlines become spaces.
    """
    return _MARKDOWN.sub(r"\\\1", " ".join(text.split()))
