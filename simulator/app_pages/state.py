"""What the studio keeps between reruns: the plan, variants, recommendation and language.

Streamlit reruns the page top to bottom on every interaction; everything a user has set
that is not a widget's own value lives in ``st.session_state`` under the names here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

import streamlit as st

from simulator.io.errors import ScenarioError
from simulator.io.yaml_loader import LineMap
from simulator.model.compiled import CompiledScenario
from simulator.results import Result
from simulator.studio import share
from simulator.studio.edits import EditValue
from simulator.studio.share_fit import fit_edits, fit_plan, fit_variants
from simulator.studio.variants import MAX_VARIANTS, Variant, channel_units, plan_variant

if TYPE_CHECKING:
    from simulator.optimize.pareto import Front
    from simulator.studio.replan import Replanned
    from simulator.studio.simulation import FanBands

ss = st.session_state
T = TypeVar("T")


class _Kept(Generic[T]):
    """One name in ``st.session_state`` with its type.

    Unset, it reads as ``default``; without a default it must be set first (``reset_for``
    sets the plan, variants and edits), so a page cannot mutate a shared default.
    """

    def __init__(self, *default: T) -> None:
        self.default = default

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: object, owner: type | None = None) -> T:
        if self.default:
            return cast(T, ss.get(self.name, self.default[0]))
        return cast(T, ss[self.name])

    def __set__(self, obj: object, value: T) -> None:
        ss[self.name] = value


class Studio:
    """What the pages share between reruns, typed; Streamlit keeps the values.

    ``rec``, ``sim``, ``pareto``, ``daily_plan`` and ``replan`` start with the identity
    (scenario bytes and edits; for ``replan`` also the actuals and today) they were
    computed for, so a page shows them only for that identity.
    """

    lang = _Kept[str]("en")
    plan = _Kept[dict[str, float]]()
    variants = _Kept[list[Variant]]()
    edits = _Kept[dict[str, EditValue]]()
    rec = _Kept[tuple[str, Result] | None](None)
    # the Monte Carlo tab's last run: identity, then (column key, title, bands) per plan
    sim = _Kept[tuple[str, list[tuple[str, str, "FanBands"]]] | None](None)
    pareto = _Kept[tuple[str, str, "Front"] | None](None)
    daily_plan = _Kept[tuple[str, Result, tuple[Result, Result]] | None](None)
    replan = _Kept[tuple[str, "Replanned"] | None](None)


studio = Studio()


@dataclass(frozen=True)
class PageContext:
    """The open scenario as the page sections read it: its parsed data, line map, file
    name and text, and the identity (bytes and edits) that keys every cached answer."""

    data: Any
    lines: LineMap
    file: str
    text: str
    identity: str


def lang() -> str:
    return studio.lang


def show_issues(header: str, issues: Any) -> None:
    """Located errors, one per line, never a traceback."""
    st.error(header + "\n\n" + "\n".join(f"- `{issue}`" for issue in issues))


def show_error(header: str, exc: ScenarioError) -> None:
    show_issues(header, exc.issues)


def set_plan(allocation: dict[str, float]) -> None:
    """The plan being edited, with its sliders and number inputs moved to match."""
    studio.plan = {k: float(v) for k, v in allocation.items()}
    for cid, value in studio.plan.items():
        ss[f"sl_{cid}"] = value
        ss[f"ni_{cid}"] = value


def scenario_plan(cs: CompiledScenario) -> dict[str, float]:
    """The scenario's own split, else the budget spread evenly (whole units kept)."""
    if cs.current is not None:
        spend = cs.channel_sum(cs.current.spend)
        return {cid: float(spend[j]) for j, cid in enumerate(cs.channel_ids)}
    units = channel_units(cs)
    even = cs.budget / cs.n_channels
    return {cid: (even // units[cid]) * units[cid] if units[cid] else even for cid in units}


def reset_for(cs: CompiledScenario) -> None:
    """A newly loaded scenario starts from its own plan, or from the shared link's.

    The link's spends and variants are fitted to the scenario: a part naming an unknown
    channel, or a spend the split rules refuse, is left out and added to the warnings.
    """
    link = ss.pop("link_state", None)
    plan = scenario_plan(cs)
    variants: list[Variant] = []
    if link is not None:
        plan, bad_plan = fit_plan(cs, plan, link.plan)
        variants, bad_variants = fit_variants(cs, plan, link.variants)
        add_link_problems(bad_plan + bad_variants)
        # the optimiser's column is re-run, not carried: the link holds no split for it
        ss.link_optimize = any(v.kind == "optimize" for v in variants)
    set_plan(plan)
    studio.variants = variants
    studio.rec = None
    studio.pareto = None
    studio.sim = None
    studio.daily_plan = None
    studio.replan = None


def boot() -> None:
    """First run of a session: language, scenario, edits and variants from the URL.

    The link's edits wait in ``link_edits`` until the scenario is loaded and they can be
    checked against it (``apply_link_edits``).
    """
    if ss.get("booted"):
        return
    ss.booted = True
    state = share.decode(st.query_params.to_dict())
    studio.lang = state.lang
    studio.edits = {}
    if state.tab:  # the chart tabs are keyed by their label in the page's language
        from simulator.studio.i18n import t

        ss.charts = t(state.tab, state.lang)
    if state.edits:
        ss.link_edits = dict(state.edits)
    if state.plan or state.variants or state.scenario:
        ss.link_state = state
        ss.link_scenario = state.scenario
    ss.link_problems = list(state.problems)


def add_link_problems(problems: list[share.Problem]) -> None:
    ss.link_problems = [*ss.get("link_problems", []), *problems]


def apply_link_edits(data: Any, lines: LineMap, file: str) -> None:
    """The shared link's assumption edits that this scenario accepts become the edits."""
    edits = ss.pop("link_edits", None)
    if edits:
        kept, problems = fit_edits(data, lines, file, edits)
        studio.edits = kept
        add_link_problems(problems)


def reset_edits() -> None:
    """Forget every assumption edit and the number inputs that held them."""
    studio.edits = {}
    for key in [k for k in ss if str(k).startswith("ed_")]:
        del ss[key]


def recommendation(identity: str) -> Result | None:
    """The optimiser's answer for this scenario and these edits, if it has run."""
    rec = studio.rec
    return rec[1] if rec and rec[0] == identity else None


def add_variant_cb(kind: str) -> None:
    """Append a variant of ``kind`` from the variant form's current values."""
    if len(studio.variants) >= MAX_VARIANTS:
        return
    if kind == "plan":
        studio.variants.append(plan_variant(studio.plan))
    elif kind == "shift":
        studio.variants.append(
            Variant("shift", source=ss.v_from, target=ss.v_to, percent=float(ss.v_pct_shift))
        )
    elif kind == "scale":
        studio.variants.append(Variant("scale", percent=float(ss.v_pct_scale)))
    elif not any(v.kind == "optimize" for v in studio.variants):
        studio.variants.append(Variant("optimize"))


def remove_variant_cb(i: int) -> None:
    del studio.variants[i]
