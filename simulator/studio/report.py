"""A self-contained HTML page of a comparison, for a manager who never opens the tool.

KPI table, spend per channel, the split and response-curve charts, and the optimiser's
explanations. plotly.js is inlined once (no network, no kaleido), so the file opens
offline in any browser.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import plotly.io as pio
from plotly.offline import get_plotlyjs

from simulator.model.compiled import CompiledScenario
from simulator.results import TOTAL_KEYS, Result
from simulator.studio import format as fmt
from simulator.studio.compare import Column
from simulator.studio.curves import sample_curves
from simulator.studio.figures import Mark, color, curves_figure, split_figure
from simulator.studio.i18n import t
from simulator.studio.variants import describe

STYLE = """
body{font-family:"Noto Sans CJK SC","Noto Sans",Helvetica,Arial,sans-serif;margin:2rem auto;
max-width:1180px;color:#1f2933;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem} h2{font-size:1.2rem;margin-top:2rem}
.meta{color:#5f6b7a} table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{padding:.4rem .6rem;border-bottom:1px solid #e4e7eb;text-align:right}
th:first-child,td:first-child{text-align:left} thead th{background:#f5f7fa}
.ok{color:#1e7b4f;font-weight:600} .bad{color:#b42318;font-weight:600}
.delta{display:block;font-size:.8rem;color:#5f6b7a} li{margin:.3rem 0}
"""


def _e(text: str) -> str:
    """Every piece of text goes into the page escaped: names, ids, currency and labels are
    the user's, and even our own sentences carry them (``targets_missed`` names targets)."""
    return html.escape(text, quote=True)


def _chart_text(text: str) -> str:
    """Text for a plotly chart: its own markup (``<b>``, ``<a>``) must not come from a
    user's label; plotly.js shows ``&lt;`` ``&gt;`` ``&amp;`` as the characters."""
    return html.escape(text, quote=False)


def _titles(cs: CompiledScenario, columns: Sequence[Column], lang: str) -> list[str]:
    return [describe(c.variant, lang, cs.labels, i) for i, c in enumerate(columns)]


def _status(col: Column, lang: str) -> str:
    if not col.checks:
        return f'<span class="meta">{_e(t("no_targets", lang))}</span>'
    if col.targets_met:
        return f'<span class="ok">✓ {_e(t("targets_met", lang))}</span>'
    missed = ", ".join(t(k, lang) for k, ok in col.checks.items() if not ok)
    return f'<span class="bad">✗ {_e(t("targets_missed", lang, names=missed))}</span>'


def kpi_table(cs: CompiledScenario, columns: Sequence[Column], lang: str) -> str:
    """Rows of totals, one column per plan, with the delta against the baseline."""
    heads = "".join(f"<th>{_e(h)}</th>" for h in _titles(cs, columns, lang))
    rows = [f"<tr><td>{_e(t('status', lang))}</td>"]
    rows[0] += "".join(f"<td>{_status(c, lang)}</td>" for c in columns) + "</tr>"
    for key in TOTAL_KEYS:
        cells = []
        for c in columns:
            if c.result is None:
                cells.append("<td>–</td>")
                continue
            value = fmt.metric(key, fmt.defined(c.result.totals).get(key), cs.currency)
            d = fmt.delta(key, c.deltas.get(key), cs.currency)
            extra = f'<span class="delta">{_e(d)}</span>' if d else ""
            cells.append(f"<td>{_e(value)}{extra}</td>")
        rows.append(f"<tr><td>{_e(t(key, lang))}</td>{''.join(cells)}</tr>")
    return f"<table><thead><tr><th></th>{heads}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def split_table(cs: CompiledScenario, columns: Sequence[Column], lang: str) -> str:
    heads = "".join(f"<th>{_e(h)}</th>" for h in _titles(cs, columns, lang))
    rows = []
    for cid in cs.channel_ids:
        spends = [(c.allocation or {}).get(cid) for c in columns]
        cells = "".join(f"<td>{_e(fmt.money(s, cs.currency))}</td>" for s in spends)
        rows.append(f"<tr><td>{_e(cs.labels.get(cid, cid))}</td>{cells}</tr>")
    head = f"<thead><tr><th>{_e(t('channel', lang))}</th>{heads}</tr></thead>"
    return f"<table>{head}<tbody>{''.join(rows)}</tbody></table>"


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


def _figure_html(fig: object) -> str:
    return str(
        pio.to_html(fig, full_html=False, include_plotlyjs=False, config={"responsive": True})
    )


def build_report(
    cs: CompiledScenario,
    columns: Sequence[Column],
    lang: str = "en",
    recommendation: Result | None = None,
) -> str:
    """The whole page as one HTML string (a few MB: plotly.js is inside)."""
    # plotly draws its text as markup (<b>, <a href>), so user text goes in escaped too
    titles = [_chart_text(x) for x in _titles(cs, columns, lang)]
    labels = {cid: _chart_text(cs.labels.get(cid, cid)) for cid in cs.channel_ids}
    currency = _chart_text(cs.currency)
    evaluated = [(ti, c.allocation) for ti, c in zip(titles, columns, strict=True) if c.allocation]
    marks = curve_marks(cs, columns, titles)
    samples = sample_curves(
        cs, columns[0].allocation or {}, {k: [m.spend for m in v] for k, v in marks.items()}
    )
    parts = [
        f"<h1>{_e(t('report_title', lang, name=cs.name))}</h1>",
        '<p class="meta">'
        + _e(
            t(
                "report_generated",
                lang,
                name=cs.name,
                currency=cs.currency,
                days=cs.horizon_days,
                budget=fmt.money(cs.budget, cs.currency),
            )
        )
        + "</p>",
        f"<h2>{_e(t('kpi_table', lang))}</h2>",
        kpi_table(cs, columns, lang),
        f"<h2>{_e(t('split_table', lang))}</h2>",
        split_table(cs, columns, lang),
        _figure_html(split_figure(evaluated, labels, currency, lang)),
        f"<h2>{_e(t('curves_title', lang))}</h2>",
        _figure_html(curves_figure(samples, labels, marks, currency, lang)),
    ]
    if recommendation is not None and (recommendation.explanations or recommendation.message):
        items = [recommendation.message, *recommendation.explanations]
        lis = "".join(f"<li>{_e(x)}</li>" for x in items if x)
        parts += [f"<h2>{_e(t('explanations', lang))}</h2>", f"<ul>{lis}</ul>"]
    warnings = sorted({w for c in columns if c.result for w in c.result.warnings})
    if warnings:
        lis = "".join(f"<li>{_e(w)}</li>" for w in warnings)
        parts += [f"<h2>{_e(t('warning', lang))}</h2>", f"<ul>{lis}</ul>"]
    head = (
        f'<meta charset="utf-8"><title>{_e(t("report_title", lang, name=cs.name))}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{STYLE}</style><script>{get_plotlyjs()}</script>"
    )
    lang_attr = "zh-CN" if lang == "zh" else "en"
    body = "".join(parts)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang_attr}"><head>{head}</head><body>{body}</body></html>\n'
    )
