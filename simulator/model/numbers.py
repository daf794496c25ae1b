"""Number fields of the schema: real numbers only, within documented ranges.

Why: pydantic's lax mode reads ``true`` as 1 and ``"1000000"`` as a million, so a typo ran
silently; and magnitudes such as ``unit_price: 1e-300`` or ``aov: 1e308`` overflow the
curves (a CAC of inf, a spend of nan). Every amount is therefore a number (not a boolean,
not quoted text) within a range wide enough for any real plan:

- money (budgets, prices, AOV, spend bounds, CAC caps): 1e-6 .. 1e12
- counts (conversions, audiences, customers): 1e-6 .. 1e12
- multipliers (event, segment, creative): 1e-3 .. 1e3
- rates (CTR, CVR): 1e-9 .. 1
- ratios (ROI, LTV/CAC floors): 1e-6 .. 1e6
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

MONEY = (1e-6, 1e12)
COUNT = (1e-6, 1e12)
MULTIPLIER = (1e-3, 1e3)
RATE = (1e-9, 1.0)
RATIO = (1e-6, 1e6)


def _real(value: Any) -> Any:
    """Refuse booleans and text before pydantic's lax coercion turns them into numbers."""
    if isinstance(value, bool):
        raise PydanticCustomError(
            "number_type",
            "must be a number (got {got}); true and false are not numbers",
            {"got": str(value).lower()},
        )
    if isinstance(value, str):
        raise PydanticCustomError(
            "number_type",
            "must be a number (got {got}); quoted text is not a number",
            {"got": repr(value)},
        )
    return value


def _within(lo: float, hi: float, zero: bool) -> AfterValidator:
    allowed = f"{'0 or ' if zero else ''}{lo:g} .. {hi:g}"

    def check(value: float) -> float:
        if (zero and value == 0) or lo <= value <= hi:
            return value
        if value < 0 or (value == 0 and not zero):  # the sign is wrong: that says it all
            rule = ">= 0" if zero else "> 0"
            raise PydanticCustomError(
                "number_range", "must be {rule} (got {got})", {"rule": rule, "got": f"{value:g}"}
            )
        rule = f">= {lo:g}" if value < lo else f"<= {hi:g}"
        raise PydanticCustomError(
            "number_range",
            "must be {rule} (got {got}); allowed: {allowed}",
            {"rule": rule, "got": f"{value:g}", "allowed": allowed},
        )

    return AfterValidator(check)


_REAL = BeforeValidator(_real)


def _range(lo: float, hi: float, zero: bool) -> Any:
    """The same range in the JSON Schema editors read (``adsim schema``): no effect on
    validation, which ``_within`` does with its own messages."""
    return Field(json_schema_extra={"minimum": 0 if zero else lo, "maximum": hi})


Money = Annotated[float, _REAL, _within(*MONEY, zero=False), _range(*MONEY, zero=False)]
MoneyOrZero = Annotated[float, _REAL, _within(*MONEY, zero=True), _range(*MONEY, zero=True)]
Count = Annotated[float, _REAL, _within(*COUNT, zero=False), _range(*COUNT, zero=False)]
Multiplier = Annotated[
    float, _REAL, _within(*MULTIPLIER, zero=False), _range(*MULTIPLIER, zero=False)
]
Rate = Annotated[float, _REAL, _within(*RATE, zero=False), _range(*RATE, zero=False)]
Ratio = Annotated[float, _REAL, _within(*RATIO, zero=False), _range(*RATIO, zero=False)]
Shape = Annotated[
    float, _REAL, _within(0.01, 10, zero=False), _range(0.01, 10, zero=False)
]  # hill exponent
Steepness = Annotated[float, _REAL, _within(1e-3, 100, zero=False), _range(1e-3, 100, zero=False)]
Frequency = Annotated[float, _REAL, _within(1e-3, 1000, zero=False), _range(1e-3, 1000, zero=False)]
RepeatRate = Annotated[float, _REAL, Field(ge=0, le=5)]
MaxChange = Annotated[
    float, _REAL, _within(1e-6, 1e3, zero=False), _range(1e-6, 1e3, zero=False)
]  # share of current spend
Share = Annotated[float, _REAL, Field(ge=0, le=1)]
OpenShare = Annotated[float, _REAL, Field(gt=0, le=1)]  # (0, 1]: a margin, a reach share
Decay = Annotated[float, _REAL, Field(ge=0, lt=1)]  # [0, 1): carried over, never all of it
PeriodDays = Annotated[int, _REAL, Field(ge=1, le=365)]
WindowDays = Annotated[int, _REAL, Field(ge=1, le=3650)]
HorizonDays = Annotated[int, _REAL, Field(ge=1, le=3660)]
Confidence = Annotated[float, _REAL, Field(gt=0.5, lt=1)]  # (0.5, 1): a share of simulated runs
