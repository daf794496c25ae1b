"""The registry of response families: the one list of ``response: type:`` names.

A family is what a user writes under ``response:``: a pydantic spec (its ``type:`` tag is
the family's name) and a ``from_spec`` that builds the ad set's compiled curve. Fitted
curves (``hill``, ``exponential``, ...) are :class:`~simulator.model.curves.Curve`
subclasses that register themselves; the funnel compiles to other families' curves and
registers with :func:`register`. The schema's union, validation's branch names, the
studio's editable fields and compile's curve building all read :data:`FAMILIES`, so a new
family is one new class (with its spec) and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from pydantic import BaseModel, ConfigDict

from simulator.io.errors import Path

if TYPE_CHECKING:
    from simulator.model.curves import Curve

Problem = tuple[Path, str]


class Strict(BaseModel):
    """Every block rejects unknown keys and non-finite numbers."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)


class ResponseSpec(Strict):
    """Base of every family's ``response:`` block: hooks with neutral defaults.

    A family whose spec needs more than its field types (the funnel: a price for its
    pricing model) overrides these; compile, checks and creatives call only them.
    """

    type: str

    def problems(self, at: Path) -> list[Problem]:
        """Cross-field problems of this block, located under ``at`` (none by default)."""
        return []

    def whole_unit(self) -> float:
        """Price of the whole unit the spend is bought in (0: any amount)."""
        return 0.0

    def pricing_model(self) -> str:
        """What one unit of money buys, for creatives' multipliers: ``fitted`` (results)."""
        return "fitted"

    def rates(self, ctx: CurveContext) -> tuple[float, float, float]:
        """(impressions per unit of spend, ctr, cvr) to report; nan where not modelled."""
        return float("nan"), float("nan"), float("nan")

    def reaches_base(self, ctx: CurveContext) -> bool:
        """Whether the curve's audience is the customer base (so it grows with the base);
        none by default: a fitted curve states its own saturation."""
        return False

    def stage_shares(self) -> tuple[tuple[str, float, float], ...]:
        """(name, count per conversion, cost_each) of each stage after the click; none
        by default. A stage's count is a fixed multiple of conversions, so its cost per
        conversion is a constant (CONTRACT.md 1c)."""
        return ()


@dataclass(frozen=True)
class CurveContext:
    """What compile knows about one ad set besides its ``response:`` block.

    ``share`` of the channel's reach goes to the ad set; the segment's multipliers scale
    clicks and conversions; ``segment_size`` (people, None if not stated) and
    ``customer_base`` (set only for retention channels) bound an audience.
    """

    share: float = 1.0
    ctr_multiplier: float = 1.0
    cvr_multiplier: float = 1.0
    segment_size: float | None = None
    customer_base: float | None = None
    horizon_days: int = 30


class Family(Protocol):
    """A registered response family (see the module docstring)."""

    kind: ClassVar[str]
    spec: ClassVar[type[ResponseSpec]]
    editable: ClassVar[tuple[str, ...]]  # the spec fields a planner tunes in the studio
    examples: ClassVar[tuple[dict[str, Any], ...]]  # valid ``response:`` blocks, for tests

    @classmethod
    def from_spec(cls, spec: Any, ctx: CurveContext) -> Curve: ...


FAMILIES: dict[str, type[Family]] = {}


def register(kind: str, family: type[Family]) -> None:
    """Add ``family`` under ``kind``; a name is registered once."""
    if kind in FAMILIES:
        raise TypeError(f"response family '{kind}' is registered twice")
    FAMILIES[kind] = family


def family_names() -> list[str]:
    """Registered ``type:`` names, sorted, for error messages."""
    return sorted(FAMILIES)
