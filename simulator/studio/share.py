"""A comparison as URL query parameters, so a colleague opens the same page.

Readable on purpose (a planner may edit the link by hand)::

    ?scenario=ecommerce_q4&lang=zh
    &plan=baidu_search:1200000,douyin_feed:900000
    &v=shift:baidu_search:douyin_feed:20;scale:30;optimize
    &edit=budget.total:3500000,targets.roi_min:3,targets.cac_basis:acquisition&tab=tab_fan

Decoding never raises, whatever the text: a part it cannot read is left out and described
by a ``Problem`` (which parameter, the part as written, why), shown on the page in the
reader's language. This module checks only the form of a link; what depends on the open
scenario (channel ids, whole units, an edit's range) is checked by ``share_fit``.
Parameters other than the six above are ignored (a link pasted into a chat app may gain
tracking parameters).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from simulator.studio.edits import EditValue
from simulator.studio.i18n import t
from simulator.studio.plan_edits import CHOICES
from simulator.studio.variants import MAX_VARIANTS, SCALE_PERCENT, SHIFT_PERCENT, Variant

LANGS = ("en", "zh")
# The chart tabs a link may open (``app_pages.charts.TABS``, kept here: this module is pure).
TABS = ("tab_curves", "tab_split", "tab_funnel", "tab_fan", "tab_daily", "tab_pareto")
# Larger numbers are no plan anyone makes, and summing a few near 1e308 overflows to inf.
MAX_NUMBER = 1e15


@dataclass(frozen=True)
class Problem:
    """One part of a link that could not be used.

    ``param`` is the query parameter (``plan``, ``v``, ``edit``, ``lang``, ``scenario``),
    ``part`` the piece as written, ``why`` an i18n key whose ``{placeholders}`` are filled
    from ``values``; the wording is chosen when shown, so a language switch re-words it.
    """

    param: str
    part: str
    why: str
    values: tuple[tuple[str, str], ...] = ()

    def reason(self, lang: str = "en") -> str:
        """``'scale:1e308': must be a number from -90 to 500 (got 1e308)``."""
        why = t(self.why, lang, **dict(self.values))
        return t("link_reason", lang, part=_clip(self.part), why=why)

    def text(self, lang: str = "en") -> str:
        """The reason after the parameter's name: ``v: 'scale:1e308': must be ...``."""
        return t("link_part", lang, param=self.param, reason=self.reason(lang))


def problem(param: str, part: str, why: str, **values: object) -> Problem:
    return Problem(param, part, why, tuple((k, str(v)) for k, v in values.items()))


def _clip(text: str, limit: int = 80) -> str:
    """A garbage part can be kilobytes long; the warning names its start."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class ShareState:
    """What a link carries: the scenario's name, the edited plan, variants, edits (targets
    among them), language and the open chart tab; an ``optimize`` variant re-runs the
    optimiser when the link is opened."""

    scenario: str = ""
    plan: dict[str, float] = field(default_factory=dict)
    variants: tuple[Variant, ...] = ()
    edits: dict[str, EditValue] = field(default_factory=dict)
    lang: str = "en"
    problems: tuple[Problem, ...] = ()
    tab: str = ""


def number_text(value: float) -> str:
    """Shortest exact text of a number: ``1200000`` not ``1.2e+06``, ``0.035`` as is."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def value_text(value: EditValue) -> str:
    """An edit's value in a link: a number, ``none``, ``true``/``false`` or a word."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else number_text(value)


def _pairs(mapping: Mapping[str, EditValue], sep: str = ":", join: str = ",") -> str:
    return join.join(f"{k}{sep}{value_text(v)}" for k, v in mapping.items())


def encode_variant(v: Variant) -> str:
    if v.kind == "shift":
        return f"shift:{v.source}:{v.target}:{number_text(v.percent)}"
    if v.kind == "scale":
        return f"scale:{number_text(v.percent)}"
    if v.kind == "plan":
        return "plan:" + _pairs(dict(v.allocation), "=", "|")
    return "optimize"


def encode(state: ShareState) -> dict[str, str]:
    """Query parameters for ``state`` (empty parts left out)."""
    params = {
        "scenario": state.scenario,
        "lang": state.lang if state.lang != "en" else "",
        "plan": _pairs(state.plan),
        "v": ";".join(encode_variant(v) for v in state.variants),
        "edit": _pairs(state.edits),
        "tab": state.tab if state.tab != TABS[0] else "",
    }
    return {k: v for k, v in params.items() if v}


class _Bad(ValueError):
    """A part that cannot be used: the i18n key of why, and its placeholders."""

    def __init__(self, why: str, **values: object) -> None:
        super().__init__(why)
        self.why, self.values = why, values


def _number(text: str, low: float = -MAX_NUMBER, high: float = MAX_NUMBER) -> float:
    """A finite number within ``low..high``; anything else raises ``_Bad`` saying which."""
    try:
        value = float(text)
    except ValueError:
        raise _Bad("link_not_number", value=_clip(text, 24)) from None
    if not math.isfinite(value) or not low <= value <= high:
        raise _Bad("link_range", low=f"{low:g}", high=f"{high:g}", value=_clip(text, 24))
    return value


def _read_pairs(
    param: str, text: str, sep: str, join: str, low: float, problems: list[Problem]
) -> dict[str, float | None]:
    """``name{sep}number`` items joined by ``join``; ``none`` is kept as None."""
    out: dict[str, float | None] = {}
    for item in filter(None, text.split(join)):
        key, _, raw = item.rpartition(sep)
        try:
            if not key.strip():
                raise _Bad("link_not_pair", sep=sep)
            out[key] = None if raw == "none" else _number(raw, low)
        except _Bad as bad:
            problems.append(problem(param, item, bad.why, **bad.values))
    return out


def _choice(key: str, raw: str) -> EditValue:
    """The value ``raw`` names for choice ``key`` (a word or ``true``/``false``)."""
    for option in CHOICES[key]:
        if value_text(option) == raw:
            return option
    known = ", ".join(value_text(o) for o in CHOICES[key])
    raise _Bad("link_choice", known=known, value=_clip(raw, 24))


def _read_edits(text: str, problems: list[Problem]) -> dict[str, EditValue]:
    """Edits ``key:number`` or ``key:none``; a choice key takes one of its words
    (``targets.cac_basis:acquisition``, ``customer_base.grows:true``)."""
    out: dict[str, EditValue] = {}
    for item in filter(None, text.split(",")):  # one at a time: the order is kept
        key, _, raw = item.rpartition(":")
        if key not in CHOICES:
            out.update(_read_pairs("edit", item, ":", ",", -MAX_NUMBER, problems))
            continue
        try:
            out[key] = _choice(key, raw)
        except _Bad as bad:
            problems.append(problem("edit", item, bad.why, **bad.values))
    return out


def decode_variant(text: str, problems: list[Problem]) -> Variant | None:
    """One variant, or None with the reason in ``problems``."""
    kind, _, rest = text.partition(":")
    try:
        if kind == "shift":
            parts = rest.split(":")
            if len(parts) != 3 or not parts[0] or not parts[1]:
                raise _Bad("link_shift_form")
            source, target, pct = parts
            return Variant("shift", source, target, _number(pct, *SHIFT_PERCENT))
        if kind == "scale":
            return Variant("scale", percent=_number(rest, *SCALE_PERCENT))
        if kind == "optimize" and not rest:
            return Variant("optimize")
        if kind == "plan":
            inner: list[Problem] = []
            pairs = _read_pairs("v", rest, "=", "|", 0.0, inner)
            if inner:  # a saved plan with a hole in it is not the plan that was shared
                raise _Bad(inner[0].why, **dict(inner[0].values))
            return Variant("plan", allocation=tuple((k, v or 0.0) for k, v in pairs.items()))
        raise _Bad("link_variant")
    except _Bad as bad:
        problems.append(problem("v", text, bad.why, **bad.values))
    return None


def decode(params: Mapping[str, str]) -> ShareState:
    """The state a link describes; unreadable parts are left out and listed in ``problems``."""
    problems: list[Problem] = []
    raw_plan = _read_pairs("plan", params.get("plan", ""), ":", ",", 0.0, problems)
    plan = {k: v or 0.0 for k, v in raw_plan.items()}
    variants = [decode_variant(t, problems) for t in filter(None, params.get("v", "").split(";"))]
    kept = tuple(v for v in variants if v is not None)
    if len(kept) > MAX_VARIANTS:
        extra = ";".join(encode_variant(v) for v in kept[MAX_VARIANTS:])
        problems.append(problem("v", extra, "link_too_many", n=MAX_VARIANTS))
    lang = params.get("lang", "en")
    if lang not in LANGS:
        problems.append(problem("lang", lang, "link_lang"))
        lang = "en"
    tab = params.get("tab", "")
    if tab and tab not in TABS:
        problems.append(problem("tab", tab, "link_tab", known=", ".join(TABS)))
        tab = ""
    return ShareState(
        tab=tab,
        scenario=params.get("scenario", ""),
        plan=plan,
        variants=kept[:MAX_VARIANTS],
        edits=_read_edits(params.get("edit", ""), problems),
        lang=lang,
        problems=tuple(problems),
    )
