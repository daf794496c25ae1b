"""The comparison: one KPI card per column, with deltas against the baseline and target badges."""

from __future__ import annotations

import streamlit as st

from simulator.app_pages.state import lang, recommendation, remove_variant_cb, ss
from simulator.model.compiled import CompiledScenario
from simulator.results import Result
from simulator.studio import format as fmt
from simulator.studio import money
from simulator.studio.compare import Column
from simulator.studio.i18n import t
from simulator.studio.limit_words import binding_limits
from simulator.studio.variants import MAX_VARIANTS, describe, falls_short, placed_text

# The engine's what-if note on a split above the budget (simulator/model/split.py).
BUDGET_WARNING = "the split spends "
KPIS = money.CARD_KPIS
CSS = """<style>
div[class*="st-key-kpi_ok_"]{background:#f1faf5;border-left:6px solid #2e9e5b}
div[class*="st-key-kpi_bad_"]{background:#fdf3f2;border-left:6px solid #d64545}
div[class*="st-key-kpi_none_"]{border-left:6px solid #9aa5b1}
div[data-testid="stMetricValue"]{font-size:1.45rem}
div[class*="st-key-kpi_title_"] p{display:-webkit-box;-webkit-line-clamp:2;
-webkit-box-orient:vertical;overflow:hidden;min-height:3em;margin:0}
</style>"""


def status_line(col: Column) -> tuple[str, str]:
    """(css suffix, markdown) of a column's status: limits broken first, then targets.

    A plan over budget or outside a channel's bounds is never green, whatever its targets.
    """
    lg = lang()
    if col.breaches:
        return "bad", f":red-badge[:material/warning: {t('breaks_rules', lg)}]"
    if not col.checks:
        return "none", f":gray-badge[{t('no_targets', lg)}]"
    if col.targets_met:
        return "ok", f":green-badge[:material/check: {t('targets_met', lg)}]"
    missed = ", ".join(t(k, lg) for k, ok in col.checks.items() if not ok)
    return "bad", f":red-badge[:material/close: {t('targets_missed', lg, names=missed)}]"


def _metrics(
    cs: CompiledScenario,
    result: Result,
    deltas: dict[str, float | None],
    over_budget: bool = False,
    keys: tuple[str, ...] = KPIS,
) -> None:
    shown = fmt.defined(result.totals)  # no ratio beside a spend shown as ¥0
    lg = lang()
    for key in keys:
        better = fmt.BETTER[key]
        st.metric(
            money.kpi_label(cs, key, lg),
            fmt.metric(key, shown.get(key), cs.currency, lang()),
            delta=fmt.delta(key, deltas.get(key), cs.currency, lang()),
            delta_color="off" if better == 0 else ("inverse" if better < 0 else "normal"),
            help=money.kpi_help(cs, key, lg),
        )
    _operations(result)
    for w in result.warnings:
        if not (over_budget and w.startswith(BUDGET_WARNING)):  # the breach says it, in words
            st.caption(f":orange[{w}]")


def _operations(result: Result) -> None:
    """Referred customers and base growth under the KPIs, where the scenario has them."""
    referred = result.totals.get("referred_customers") or 0.0
    joined = result.totals.get("base_growth")
    parts = [t("referred_line", lang(), n=fmt.count(referred, lang()))] if referred > 0 else []
    if joined is not None:
        parts.append(t("joined_line", lang(), n=fmt.count(joined, lang())))
    if parts:
        st.caption(" · ".join(parts))


def _limits(cs: CompiledScenario, col: Column) -> None:
    """The bounds a plan breaks and the money a budget change could not place, in words."""
    lg = lang()
    for breach in col.breaches:
        st.caption(f":red[{fmt.plain(breach.text(lg, cs.labels, cs.currency))}]")
    if col.variant is not None and falls_short(col.variant, col.actual_percent):
        placed = placed_text(col.variant, col.actual_percent)
        st.caption(f":orange[{fmt.plain(t('placed_note', lg, pct=placed))}]")
    if col.unplaced > 0:
        left = fmt.money(col.unplaced, cs.currency, lang=lg)
        st.caption(f":orange[{fmt.plain(t('unplaced', lg, money=left))}]")


def _held_by(cs: CompiledScenario, col: Column) -> None:
    """On the optimiser's card: the planning limits that hold its channels (a group cap,
    a period, a channel's own CAC cap), as the optimiser found them."""
    if col.variant is None or col.variant.kind != "optimize":
        return
    rec = recommendation(str(ss.get("identity", "")))
    held = binding_limits(cs, rec.channels, lang()) if rec is not None else []
    if held:
        st.caption(fmt.plain(t("held_by", lang(), limits=" · ".join(held))))


def kpi_card(
    cs: CompiledScenario, col: Column, title: str, i: int, keys: tuple[str, ...] = KPIS
) -> None:
    """One column's card; its container key carries the status for the CSS colours.

    The title is held to two lines (the full title on hover), so a long variant's card
    stays in line with the others.
    """
    state, badge = status_line(col) if col.result else ("none", "")
    with st.container(border=True, key=f"kpi_{state}_{col.key}"):
        top = st.columns([5, 1], vertical_alignment="center")
        with top[0]:
            with st.container(key=f"kpi_title_{col.key}"):
                st.markdown(f"**{fmt.plain(title)}**", help=fmt.plain(title))
            st.markdown(badge)
        _limits(cs, col)
        _held_by(cs, col)
        if col.variant is not None:
            top[1].button(
                "✕",
                type="tertiary",
                key=f"rm_{col.key}",
                on_click=remove_variant_cb,
                args=(i - 1,),
                help=t("remove", lang()),
            )
        if col.result is None:
            st.info(t("optimize_pending", lang()))
            return
        over = any(b.kind == "over_budget" for b in col.breaches)
        _metrics(cs, col.result, col.deltas, over, keys)


def comparison(cs: CompiledScenario, columns: list[Column]) -> list[str]:
    """The KPI cards side by side; returns each column's title."""
    lg = lang()
    st.subheader(t("comparison", lg))
    titles = [
        describe(c.variant, lg, cs.labels, i, c.actual_percent) for i, c in enumerate(columns)
    ]
    boxes = st.columns(1 + MAX_VARIANTS)
    keys = money.card_kpis(cs, [c.result for c in columns])  # cost, total ROI where they mean
    for i, (box, col) in enumerate(zip(boxes, columns, strict=False)):
        with box:  # the card's title is the asked change; what was placed is said below it
            kpi_card(cs, col, describe(col.variant, lg, cs.labels, i), i, keys)
    return titles
