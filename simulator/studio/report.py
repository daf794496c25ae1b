"""A self-contained HTML report of a plan, for a manager who never opens the tool.

Assumptions, the certificate in words, a per-channel table, spend changes, a revenue
waterfall, curves with bounds, the daily plan, Monte Carlo bands, LTV; every word in the
chosen language. Jinja2 lays out plain data (:mod:`simulator.studio.report_data`) with
autoescaping, so user text is always escaped. One copy of plotly.js's basic bundle
(~1.2 MB) serves every figure, so the page opens offline.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

import jinja2
import markupsafe

from simulator.about import version
from simulator.model.compiled import CompiledScenario
from simulator.results import TOTAL_KEYS, Result
from simulator.studio import format as fmt
from simulator.studio import money
from simulator.studio import report_data as data
from simulator.studio.compare import Column
from simulator.studio.curves import sample_curves
from simulator.studio.daily import daily_plan_figure
from simulator.studio.figures import Mark, color, curves_figure, fan_figure, split_figure
from simulator.studio.i18n import t
from simulator.studio.report_figures import (
    add_bounds,
    change_figure,
    figure_json,
    plain,
    waterfall_figure,
)
from simulator.studio.report_words import w
from simulator.studio.simulation import fan_bands
from simulator.studio.variants import describe

PLOTLY_ASSET = "plotly-basic.min.js"
MC_KEYS = ("revenue", "profit", "roi", "cac", "ltv_cac")


class Words(dict[str, str]):
    """``words.key`` in the template: the report's word for ``key`` in one language."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def __missing__(self, key: str) -> str:
        return w(key, self.lang)


def _escape(value: Any) -> Any:
    """Every value escaped as ``html.escape`` does (``&quot;``, ``&#x27;``), as the other
    HTML outputs are; ``|safe`` values (the bundle, figure JSON) pass unchanged."""
    if isinstance(value, markupsafe.Markup) or value is None:
        return value
    return markupsafe.Markup(html.escape(str(value), quote=True))


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    """Autoescaping on (and strict: a name missing from the data fails, not blanks)."""
    loader = jinja2.PackageLoader("simulator.studio", "templates")
    return jinja2.Environment(
        loader=loader, autoescape=True, undefined=jinja2.StrictUndefined, finalize=_escape
    )


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """The vendored basic bundle (see ``assets/README.md``), read once."""
    return resources.files("simulator.studio").joinpath("assets", PLOTLY_ASSET).read_text("utf-8")


def _chart_text(text: str) -> str:
    """Text for a plotly chart: its own markup (``<b>``, ``<a>``) must not come from a
    user's label; plotly.js shows ``&lt;`` ``&gt;`` ``&amp;`` as the characters."""
    return html.escape(text, quote=False)


def _chart_scenario(cs: CompiledScenario) -> CompiledScenario:
    """``cs`` with labels and event names escaped, for builders that put them in charts."""
    events = tuple(dataclasses.replace(e, name=_chart_text(e.name)) for e in cs.calendar.events)
    calendar = dataclasses.replace(cs.calendar, events=events)
    labels = {k: _chart_text(v) for k, v in cs.labels.items()}
    return dataclasses.replace(
        cs, labels=labels, currency=_chart_text(cs.currency), calendar=calendar
    )


def _titles(cs: CompiledScenario, columns: Sequence[Column], lang: str) -> list[str]:
    return [describe(c.variant, lang, cs.labels, i) for i, c in enumerate(columns)]


def _status(col: Column, lang: str) -> dict[str, str]:
    if not col.checks:
        return {"kind": "none", "text": t("no_targets", lang)}
    if col.targets_met:
        return {"kind": "ok", "text": t("targets_met", lang)}
    missed = ", ".join(t(k, lang) for k, ok in col.checks.items() if not ok)
    return {"kind": "bad", "text": t("targets_missed", lang, names=missed)}


def kpi_data(cs: CompiledScenario, columns: Sequence[Column], lang: str) -> dict[str, Any]:
    """Rows of totals, one column per plan, with the delta against the baseline."""
    rows = []
    keys = TOTAL_KEYS + (money.BASELINE_TOTALS if money.has_baseline(cs) else ())
    for key in keys:
        cells: list[tuple[str, str | None]] = []
        for c in columns:
            if c.result is None:
                cells.append(("–", None))
                continue
            value = fmt.metric(key, fmt.defined(c.result.totals).get(key), cs.currency)
            cells.append((value, fmt.delta(key, c.deltas.get(key), cs.currency)))
        rows.append((money.roi_label(cs, lang) if key == "roi" else t(key, lang), cells))
    status = [_status(c, lang) for c in columns]
    return {"heads": _titles(cs, columns, lang), "rows": rows, "status": status}


def curve_marks(
    cs: CompiledScenario, columns: Sequence[Column], titles: Sequence[str]
) -> dict[str, list[Mark]]:
    """Each evaluated column's spend and engine revenue on every channel's curve."""
    marks: dict[str, list[Mark]] = {cid: [] for cid in cs.channel_ids}
    for i, (col, title) in enumerate(zip(columns, titles, strict=True)):
        if col.result is None:
            continue
        for cid in cs.channel_ids:
            row = col.result.channels[cid]
            marks[cid].append(Mark(title, row["spend"], row["revenue"], color(i)))
    return marks


def _ltv(cs: CompiledScenario, plan: Result, lang: str) -> list[tuple[str, str]]:
    tot = fmt.defined(plan.totals)
    return [
        (w("ltv", lang), fmt.money(tot.get("ltv"), cs.currency)),
        (w("ltv_per_customer", lang), fmt.money(tot.get("ltv_per_customer"), cs.currency, 2)),
        (w("ltv_cac", lang), fmt.ratio(tot.get("ltv_cac"))),
        (t("cac", lang), fmt.money(tot.get("cac"), cs.currency, 2)),
    ]


def _monte_carlo(cs: CompiledScenario, sim: Any, lang: str) -> dict[str, Any]:
    """Bands of the totals over runs and the probability every target holds."""
    rows = []
    for key in MC_KEYS:
        band = sim.totals.get(key)
        if band is not None:
            cells = [fmt.metric(key, band[p], cs.currency) for p in ("p10", "p50", "p90")]
            rows.append((w(key, lang), cells))
    has_targets = bool(cs.targets)
    p = fmt.percent(sim.p_targets_met).lstrip("+")
    return {
        "title": w("mc_title", lang, runs=sim.runs, seed=sim.seed),
        "p_text": w("p_targets", lang, p=p) if has_targets else w("p_no_targets", lang),
        "ok": not has_targets or sim.p_targets_met >= 0.5,
        "rows": rows,
    }


def _figures(
    cs: CompiledScenario,
    columns: Sequence[Column],
    lang: str,
    plan_at: int,
    rec: Result | None,
    sim: Any,
) -> list[tuple[str, str]]:
    """Every chart's JSON, keyed by its element id; chart text escaped for plotly."""
    chart_cs = _chart_scenario(cs)
    titles = [_chart_text(x) for x in _titles(cs, columns, lang)]
    labels, currency = chart_cs.labels, chart_cs.currency
    base, plan = columns[0].result, columns[plan_at].result
    assert base is not None
    assert plan is not None
    evaluated = [(ti, c.allocation) for ti, c in zip(titles, columns, strict=True) if c.allocation]
    marks = curve_marks(cs, columns, titles)
    samples = sample_curves(
        cs, columns[0].allocation or {}, {k: [m.spend for m in v] for k, v in marks.items()}
    )
    names = (titles[0], titles[plan_at], _chart_text(w("wf_other", lang)))
    curves = add_bounds(plain(curves_figure(samples, labels, marks, currency, lang)), cs)
    figs = {
        "changes": change_figure(cs, base, plan, labels, currency, lang),
        "waterfall": waterfall_figure(cs, base, plan, names, labels),
        "split": plain(split_figure(evaluated, labels, currency, lang)),
        "curves": curves,
    }
    if rec is not None and rec.daily is not None:
        figs["daily"] = daily_plan_figure(chart_cs, rec, lang)
    if sim is not None:
        b = fan_bands(sim)
        figs["mc"] = plain(fan_figure(b.days, b.p10, b.p50, b.p90, currency, lang, b.mean))
    return [(name, figure_json(fig)) for name, fig in figs.items()]


def build_report(
    cs: CompiledScenario,
    columns: Sequence[Column],
    lang: str = "en",
    recommendation: Result | None = None,
    simulation: Any = None,
) -> str:
    """The whole page as one HTML string (~1.3 MB: plotly.js's basic bundle is inside).

    ``columns[0]`` is the baseline; the plan the per-channel table, waterfall and reasons
    speak of is the optimiser's column (else the last evaluated one). ``simulation`` is a
    ``SimulationResult`` of that plan, for the Monte Carlo section.
    """
    at = data.plan_index(columns)
    base, plan = columns[0].result, columns[at].result
    assert base is not None
    assert plan is not None
    titles = _titles(cs, columns, lang)
    rec = recommendation
    variant = columns[at].variant
    from_optimizer = rec is not None and variant is not None and variant.kind == "optimize"
    notes = [rec.message, *rec.explanations] if rec is not None and lang == "en" else []
    warnings = sorted({x for c in columns if c.result for x in c.result.warnings})
    shown = data.channel_columns(cs, base, plan)
    if lang == "zh":  # the engine's warnings are English sentences: read back in Chinese
        from simulator.studio.explain_zh import channel_names, to_zh

        warnings = [to_zh(x, channel_names(cs)) or x for x in warnings]
    page = (
        _environment()
        .get_template("report.html.j2")
        .render(
            html_lang="zh-CN" if lang == "zh" else "en",
            title=t("report_title", lang, name=cs.name),
            subtitle=t(
                "report_generated",
                lang,
                name=cs.name,
                currency=cs.currency,
                days=cs.horizon_days,
                budget=fmt.money(cs.budget, cs.currency),
            ),
            w=_words(lang),
            plotly_js=plotly_js(),
            card=data.assumptions(cs, lang),
            cert_text=data.certificate_words(cs, rec, lang),
            cert_ok=rec is not None and rec.certificate is not None and rec.certificate.checked,
            kpi=kpi_data(cs, columns, lang),
            channels_title=w("channels_title", lang, plan=titles[at], base=titles[0]),
            channel_heads=data.channel_heads(cs, shown, lang),
            channel_rows=data.channel_rows(
                cs, base, plan, rec if from_optimizer else None, lang, shown
            ),
            total_cells=data.total_cells(cs, base, plan, shown),
            changes_title=w("changes_title", lang, base=titles[0]),
            waterfall_title=w("waterfall_title", lang, base=titles[0], plan=titles[at]),
            ltv=_ltv(cs, plan, lang),
            split_rows=_split_rows(cs, columns),
            has_daily=rec is not None and rec.daily is not None,
            mc=_monte_carlo(cs, simulation, lang) if simulation is not None else None,
            why=data.reasons(cs, base, rec, lang) if rec is not None and from_optimizer else [],
            notes=[x for x in notes if x],
            warnings=warnings,
            figures=_figures(cs, columns, lang, at, rec, simulation),
        )
    )
    return page


def _words(lang: str) -> Words:
    words = Words(lang)
    words["generated"] = w("generated", lang, version=version())
    return words


def _split_rows(
    cs: CompiledScenario, columns: Sequence[Column]
) -> list[tuple[str, str, list[str]]]:
    rows = []
    for cid in cs.channel_ids:
        spends = [(c.allocation or {}).get(cid) for c in columns]
        cells = [fmt.money(s, cs.currency) for s in spends]
        rows.append((cs.labels.get(cid, cid), cid, cells))
    return rows
