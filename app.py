"""adsim what-if studio: compare media splits side by side in the browser.

Run with ``adsim app [FILE]`` or ``streamlit run app.py -- FILE``. The page only presents:
every number comes from ``simulator`` (evaluate, optimize, simulate) through the small
library in ``simulator/studio``. The compiled scenario is cached per file bytes and
assumption edits; the plan being edited, the variants and the optimiser's answer live in
``st.session_state``; the comparison is mirrored in the URL so it can be shared.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from simulator.io.errors import ScenarioError
from simulator.io.yaml_loader import LineMap, parse_yaml
from simulator.model.compiled import CompiledScenario
from simulator.results import Result
from simulator.studio import format as fmt
from simulator.studio import share
from simulator.studio.compare import Column, compare
from simulator.studio.edits import TARGET_FIELDS, channel_fields, compile_edited
from simulator.studio.engine import optimizer, simulator_fn
from simulator.studio.export import KINDS, export
from simulator.studio.i18n import LANGUAGE_NAMES, t
from simulator.studio.variants import MAX_VARIANTS, Variant, channel_units, describe, plan_variant

ROOT = Path(__file__).resolve().parent
SCENARIOS = ROOT / "scenarios"
KPIS = ("spend", "revenue", "conversions", "new_customers", "roi", "cac", "profit")
CSS = """<style>
div[class*="st-key-kpi_ok_"]{background:#f1faf5;border-left:6px solid #2e9e5b}
div[class*="st-key-kpi_bad_"]{background:#fdf3f2;border-left:6px solid #d64545}
div[class*="st-key-kpi_none_"]{border-left:6px solid #9aa5b1}
div[data-testid="stMetricValue"]{font-size:1.45rem}
</style>"""
ss = st.session_state


def lang() -> str:
    return str(ss.get("lang", "en"))


# --- loading ------------------------------------------------------------------------
@st.cache_resource(show_spinner=False, max_entries=16)
def parsed(text: str, file: str) -> tuple[Any, LineMap]:
    """Plain data and line map of a scenario text, cached on its bytes."""
    return parse_yaml(text, file)


@st.cache_resource(show_spinner=False, max_entries=64)
def compiled(text: str, file: str, edits_json: str) -> CompiledScenario:
    """The compiled scenario for a text and its assumption edits (read-only, shared)."""
    data, lines = parsed(text, file)
    return compile_edited(data, lines, file, json.loads(edits_json))


def bundled() -> dict[str, Path]:
    return {p.stem: p for p in sorted(SCENARIOS.glob("*.y*ml"))}


def default_file() -> Path | None:
    """The FILE given after ``--`` to ``streamlit run``, else the first bundled scenario."""
    for arg in sys.argv[1:]:
        if arg.endswith((".yaml", ".yml")) and Path(arg).is_file():
            return Path(arg).resolve()
    files = bundled()
    return files.get("ecommerce_q4") or next(iter(files.values()), None)


def show_issues(header: str, exc: ScenarioError) -> None:
    st.error(header + "\n\n" + "\n".join(f"- `{issue}`" for issue in exc.issues))


def pick_source() -> tuple[str, str, bool] | None:
    """Sidebar: a bundled scenario or an upload -> (text, file name, uploaded)."""
    files = bundled()
    given = default_file()
    if given is not None and given not in files.values():
        files = {given.stem: given, **files}
    names = list(files)
    if "source" not in ss and given is not None:
        ss.source = ss.get("link_scenario") if ss.get("link_scenario") in files else given.stem
    st.sidebar.selectbox(t("bundled", lang()), names, key="source")
    upload = st.sidebar.file_uploader(t("upload", lang()), type=["yaml", "yml"], key="upload")
    if upload is not None:
        raw, name, uploaded = upload.getvalue(), upload.name, True
    elif ss.get("source") in files:
        path = files[ss.source]
        raw, name, uploaded = path.read_bytes(), path.name, False
    else:
        return None
    try:
        return raw.decode("utf-8-sig"), name, uploaded
    except UnicodeDecodeError:
        st.error(f"{name}:1: not a text file (expected UTF-8 YAML)")
        return None


# --- state --------------------------------------------------------------------------
def set_plan(allocation: dict[str, float]) -> None:
    ss.plan = {k: float(v) for k, v in allocation.items()}
    for cid, value in ss.plan.items():
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
    """A newly loaded scenario starts from its own plan, or from the shared link's."""
    link = ss.pop("link_state", None)
    plan = scenario_plan(cs)
    if link is not None:
        plan.update({k: v for k, v in link.plan.items() if k in plan})
    set_plan(plan)
    ss.variants = list(link.variants) if link else []
    ss.rec = None
    ss.pareto = None
    ss.sim = None


def boot() -> None:
    """First run of a session: language, scenario, edits and variants from the URL."""
    if ss.get("booted"):
        return
    ss.booted = True
    ss.edits = {}
    state = share.decode(st.query_params.to_dict())
    ss.lang = state.lang
    ss.edits = dict(state.edits)
    if state.plan or state.variants or state.scenario:
        ss.link_state = state
        ss.link_scenario = state.scenario
    ss.link_problems = list(state.problems)


# --- sidebar: assumptions -----------------------------------------------------------
def _edit(key: str, widget: str, original: float | None, zero_is_none: bool = False) -> None:
    value = ss[widget]
    value = None if zero_is_none and not value else float(value)
    if value == original:
        ss.edits.pop(key, None)
    else:
        ss.edits[key] = value


def number_edit(label: str, key: str, original: float | None, **kw: Any) -> None:
    """A number input bound to one assumption edit (0 = none for targets)."""
    widget = f"ed_{key}"
    zero_is_none = key.startswith("targets.")
    current = ss.edits.get(key, original) if key in ss.edits else original
    ss.setdefault(widget, float(current or 0.0))
    st.number_input(
        label, key=widget, on_change=_edit, args=(key, widget, original, zero_is_none), **kw
    )


def reset_edits() -> None:
    ss.edits = {}
    for key in [k for k in ss if str(k).startswith("ed_")]:
        del ss[key]


def assumptions(data: dict[str, Any], cs: CompiledScenario) -> None:
    """Budget, targets and one channel's curve and pricing parameters."""
    sb, lg = st.sidebar, lang()
    with sb:
        total = float(data.get("budget", {}).get("total") or cs.budget)
        number_edit(
            t("budget_total", lg),
            "budget.total",
            total,
            min_value=1.0,
            step=50_000.0,
            format="%.0f",
        )
        st.markdown(f"**{t('targets', lg)}**")
        original = data.get("targets") or {}
        for name in TARGET_FIELDS:
            value = original.get(name)
            number_edit(
                f"{t(name, lg)} (0 = {t('none', lg)})",
                f"targets.{name}",
                float(value) if value is not None else None,
                min_value=0.0,
                step=0.1 if name == "roi_min" else 5.0,
            )
        with st.expander(t("assumptions", lg)):
            cid = st.selectbox(
                t("channel", lg), cs.channel_ids, format_func=cs.labels.get, key="as_channel"
            )
            for f in channel_fields(data, cid):
                rate = f.name in ("ctr", "cvr")
                number_edit(
                    f.name,
                    f.key,
                    f.value,
                    min_value=1e-6,
                    max_value=1.0 if rate else None,
                    step=0.001 if rate else max(f.value / 20, 0.01),
                    format="%.4f" if rate else "%.2f",
                )
            st.button(t("reset_assumptions", lg), on_click=reset_edits, key="reset_edits")


# --- main: the plan -----------------------------------------------------------------
def _sync(src: str, dst: str, cid: str) -> None:
    ss[dst] = ss[src]
    ss.plan[cid] = float(ss[src])


def plan_editor(cs: CompiledScenario) -> None:
    """A slider and a number input per channel, kept in step."""
    lg = lang()
    units = channel_units(cs)
    step = float(10 ** max(int(f"{cs.budget / 600:e}".split("e")[1]), 0))
    st.subheader(t("plan", lg), help=t("plan_help", lg))
    for cid in cs.channel_ids:
        unit = units[cid] or step
        value = float(ss.plan.get(cid, 0.0))
        top = max(float(cs.budget), value, float(cs.channel_max[cs.channel_ids.index(cid)]))
        left, right = st.columns([3, 2], vertical_alignment="bottom")
        left.slider(
            cs.labels.get(cid, cid),
            min_value=0.0,
            max_value=float(unit * -(-top // unit)),
            step=float(unit),
            key=f"sl_{cid}",
            on_change=_sync,
            args=(f"sl_{cid}", f"ni_{cid}", cid),
            format="localized",
        )
        right.number_input(
            cs.labels.get(cid, cid),
            min_value=0.0,
            step=float(unit),
            key=f"ni_{cid}",
            on_change=_sync,
            args=(f"ni_{cid}", f"sl_{cid}", cid),
            label_visibility="collapsed",
            format="%.0f",
        )
    spend = sum(ss.plan.values())
    cap = t(
        "plan_total",
        lg,
        spend=fmt.money(spend, cs.currency),
        budget=fmt.money(cs.budget, cs.currency),
        share=f"{spend / cs.budget:.0%}",
    )
    st.caption(cap)
    b, c = st.columns(2)
    b.button(t("reset_plan", lg), on_click=lambda: set_plan(scenario_plan(cs)), key="reset_plan")
    c.button(t("save_plan", lg), on_click=add_variant_cb, args=("plan",), key="save_plan")


# --- main: variants -----------------------------------------------------------------
def add_variant_cb(kind: str) -> None:
    if len(ss.variants) >= MAX_VARIANTS:
        return
    if kind == "plan":
        ss.variants.append(plan_variant(ss.plan))
    elif kind == "shift":
        ss.variants.append(
            Variant("shift", source=ss.v_from, target=ss.v_to, percent=float(ss.v_pct_shift))
        )
    elif kind == "scale":
        ss.variants.append(Variant("scale", percent=float(ss.v_pct_scale)))
    elif not any(v.kind == "optimize" for v in ss.variants):
        ss.variants.append(Variant("optimize"))


def remove_variant_cb(i: int) -> None:
    del ss.variants[i]


def variant_editor(cs: CompiledScenario) -> None:
    """Add "move x% from A to B", "+y% budget" or the optimiser's split; remove any."""
    lg = lang()
    st.subheader(t("variants", lg))
    kinds = ("shift", "scale")  # the optimiser's column comes from the Optimise button
    kind = st.segmented_control(
        t("kind", lg),
        kinds,
        format_func=lambda k: t(f"kind_{k}", lg),
        key="v_kind",
        default="shift",
    )
    cols = st.columns([2, 2, 1, 1], vertical_alignment="bottom")
    label = cs.labels.get
    if kind == "shift":
        cols[0].selectbox(t("from", lg), cs.channel_ids, format_func=label, key="v_from")
        cols[1].selectbox(
            t("to", lg),
            cs.channel_ids,
            index=min(1, cs.n_channels - 1),
            format_func=label,
            key="v_to",
        )
        cols[2].number_input(
            t("percent", lg), 0.0, 100.0, 20.0, 5.0, key="v_pct_shift", format="%.0f"
        )
    elif kind == "scale":
        cols[0].number_input(t("percent", lg), -90.0, 500.0, 30.0, 5.0, key="v_pct_scale")
    full = len(ss.variants) >= MAX_VARIANTS
    cols[3].button(
        t("add", lg),
        key="v_add",
        on_click=add_variant_cb,
        args=(kind or "shift",),
        disabled=full or kind is None,
        type="primary",
    )
    if full:
        st.caption(t("max_variants", lg, n=MAX_VARIANTS))


# --- main: comparison ---------------------------------------------------------------
def status_line(col: Column) -> tuple[str, str]:
    """(css suffix, markdown) of a column's target status."""
    lg = lang()
    if not col.checks:
        return "none", f":gray-badge[{t('no_targets', lg)}]"
    if col.targets_met:
        return "ok", f":green-badge[:material/check: {t('targets_met', lg)}]"
    missed = ", ".join(t(k, lg) for k, ok in col.checks.items() if not ok)
    return "bad", f":red-badge[:material/close: {t('targets_missed', lg, names=missed)}]"


def kpi_card(cs: CompiledScenario, col: Column, title: str, i: int) -> None:
    lg = lang()
    state, badge = status_line(col) if col.result else ("none", "")
    with st.container(border=True, key=f"kpi_{state}_{col.key}"):
        top = st.columns([5, 1], vertical_alignment="center")
        top[0].markdown(f"**{title}**  \n{badge}")
        if col.variant is not None:
            top[1].button(
                "✕",
                type="tertiary",
                key=f"rm_{col.key}",
                on_click=remove_variant_cb,
                args=(i - 1,),
                help=t("remove", lg),
            )
        if col.result is None:
            st.info(t("optimize_pending", lg))
            return
        for key in KPIS:
            d = fmt.delta(key, col.deltas.get(key), cs.currency)
            better = fmt.BETTER[key]
            st.metric(
                t(key, lg),
                fmt.metric(key, col.result.totals.get(key), cs.currency),
                delta=d,
                delta_color="off" if better == 0 else ("inverse" if better < 0 else "normal"),
            )
        for w in col.result.warnings:
            st.caption(f":orange[{w}]")


def comparison(cs: CompiledScenario, columns: list[Column]) -> list[str]:
    """The KPI cards side by side; returns each column's title."""
    lg = lang()
    st.subheader(t("comparison", lg))
    titles = [describe(c.variant, lg, cs.labels, i) for i, c in enumerate(columns)]
    boxes = st.columns(1 + MAX_VARIANTS)
    for i, (box, col) in enumerate(zip(boxes, columns, strict=False)):
        with box:
            kpi_card(cs, col, titles[i], i)
    return titles


# --- main: optimiser ----------------------------------------------------------------
def run_optimizer(cs: CompiledScenario, identity: str) -> None:
    """The Optimise button: the optimiser's answer, its explanations and a column for it."""
    lg = lang()
    optimize = optimizer()
    left, right = st.columns([1, 4], vertical_alignment="center")
    clicked = left.button(
        t("optimize", lg),
        type="primary",
        key="optimize",
        disabled=optimize is None,
        help=t("optimize_help", lg) if optimize else t("optimize_missing", lg),
    )
    if clicked and optimize is not None:
        bar = right.progress(0.1, text=t("optimizing", lg))
        ss.rec = (identity, optimize(cs))
        bar.progress(1.0, text=t("recommendation", lg))
        add_variant_cb("optimize")
    rec = recommendation(identity)
    if rec is None:
        return
    with st.expander(f"{t('recommendation', lg)} · {rec.status}", expanded=True):
        if rec.message:
            st.warning(rec.message)
        for line in rec.explanations:
            st.markdown(f"- {line}")


def recommendation(identity: str) -> Result | None:
    """The optimiser's answer for this scenario and these edits, if it has run."""
    rec = ss.get("rec")
    return rec[1] if rec and rec[0] == identity else None


# --- main: charts -------------------------------------------------------------------
def chart(fig: Any, key: str) -> None:
    st.plotly_chart(fig, key=key, config={"displaylogo": False})


def charts(
    cs: CompiledScenario, columns: list[Column], titles: list[str], ctx: dict[str, Any]
) -> None:
    """Lazy tabs: only the open tab's figure is built on a rerun."""
    from simulator.studio import figures
    from simulator.studio.curves import sample_curves
    from simulator.studio.report import curve_marks

    lg = lang()
    names = ["tab_curves", "tab_split", "tab_funnel", "tab_fan", "tab_pareto"]
    tabs = st.tabs([t(n, lg) for n in names], key="charts", on_change="rerun")
    done = [(ti, c) for ti, c in zip(titles, columns, strict=True) if c.result is not None]
    if tabs[0].open:
        with tabs[0]:
            marks = curve_marks(cs, columns, titles)
            spends = {k: [m.spend for m in v] for k, v in marks.items()}
            samples = sample_curves(cs, ss.plan, spends)
            chart(figures.curves_figure(samples, cs.labels, marks, cs.currency, lg), "fig_curves")
    if tabs[1].open:
        with tabs[1]:
            alloc = [(ti, c.allocation or {}) for ti, c in done]
            chart(figures.split_figure(alloc, cs.labels, cs.currency, lg), "fig_split")
    if tabs[2].open:
        with tabs[2]:
            totals = [(ti, c.result.totals) for ti, c in done if c.result]
            chart(figures.funnel_figure(totals, lg), "fig_funnel")
            st.caption(t("funnel_note", lg))
    if tabs[3].open:
        with tabs[3]:
            fan_chart(cs, done, ctx["identity"])
    if tabs[4].open:
        with tabs[4]:
            pareto_chart(cs, ctx)


def fan_chart(cs: CompiledScenario, done: list[tuple[str, Column]], identity: str) -> None:
    """Monte Carlo on request: p10-p90 of daily revenue for one column's split."""
    from simulator.studio import figures
    from simulator.studio.simulation import fan_bands

    lg = lang()
    simulate = simulator_fn()
    if simulate is None:
        st.info(t("fan_missing", lg))
        return
    cols = st.columns([3, 1, 1, 1], vertical_alignment="bottom")
    pick = cols[0].selectbox(t("fan_for", lg), range(len(done)), format_func=lambda i: done[i][0])
    runs = int(cols[1].number_input(t("runs", lg), 50, 20_000, 500, 50, key="fan_runs"))
    seed = int(cols[2].number_input(t("seed", lg), 0, 2**31 - 1, 7, key="fan_seed"))
    title, col = done[pick or 0]
    if cols[3].button(t("fan_run", lg), key="fan_run", type="primary"):
        with st.spinner(t("fan_run", lg)):
            split = col.result.split if col.result else col.allocation
            result = simulate(cs, split, runs=runs, seed=seed)
        ss.sim = (identity, title, fan_bands(result))
    sim = ss.get("sim")
    if sim and sim[0] == identity:
        bands = sim[2]
        st.caption(f"{sim[1]} · {bands.runs} runs")
        fig = figures.fan_figure(
            bands.days, bands.p10, bands.p50, bands.p90, cs.currency, lg, bands.mean
        )
        chart(fig, "fig_fan")


def pareto_chart(cs: CompiledScenario, ctx: dict[str, Any]) -> None:
    """Revenue vs CAC under a sweep of CAC caps, on request, with a progress bar."""
    from simulator.studio import figures
    from simulator.studio.pareto import cac_sweep, pareto_front

    lg = lang()
    optimize = optimizer()
    if optimize is None:
        st.info(t("optimize_missing", lg))
        return
    center = cs.targets.get("cac_max") or ctx["columns"][0].result.totals.get("cac") or 100.0
    caps = cac_sweep(float(center))
    if st.button(t("pareto_run", lg), key="pareto_run", help=t("pareto_help", lg, n=len(caps))):
        bar = st.progress(0.0, text=t("optimizing", lg))

        def step(done: int, total: int) -> None:
            bar.progress(done / total, text=f"{t('optimizing', lg)} {done}/{total}")

        points = pareto_front(
            ctx["data"], ctx["lines"], ctx["file"], ss.edits, caps, optimize, step
        )
        ss.pareto = (ctx["identity"], points)
    front = ss.get("pareto")
    if not front or front[0] != ctx["identity"]:
        return
    pts = [(p.cac, p.revenue, p.status) for p in front[1] if p.status == "optimal"]
    rec = recommendation(ctx["identity"])
    chosen = None
    if rec is not None:
        cap = fmt.money(cs.targets.get("cac_max"), cs.currency)
        chosen = (rec.totals["cac"], rec.totals["revenue"], t("pareto_chosen", lg, cap=cap))
    chart(figures.pareto_figure(pts, chosen, cs.currency, lg), "fig_pareto")


# --- main: downloads and share link -------------------------------------------------
def downloads(cs: CompiledScenario, columns: list[Column], titles: list[str], ctx: Any) -> None:
    """CSV, JSON and runnable YAML of one column; the HTML report of the whole comparison."""
    from simulator.studio.report import build_report

    lg = lang()
    st.subheader(t("downloads", lg))
    done = [i for i, c in enumerate(columns) if c.result is not None]
    cols = st.columns([3, 1, 1, 1, 1], vertical_alignment="bottom")
    pick = cols[0].selectbox(
        t("download_for", lg), done, format_func=lambda i: titles[i], key="dl_pick"
    )
    col = columns[pick or 0]
    result = col.result
    if result is None:
        return
    edits = dict(ss.edits)
    for box, (kind, mime) in zip(cols[1:4], KINDS.items(), strict=True):
        box.download_button(
            t(kind, lg),
            partial(export, cs, result, kind, ctx["text"], ctx["data"], edits),
            f"{cs.name}-{col.key}.{kind}",
            mime,
            key=f"dl_{kind}",
            on_click="ignore",
        )
    rec = recommendation(ctx["identity"])
    cols[4].download_button(
        t("report", lg),
        partial(build_report, cs, columns, lg, rec),
        f"{cs.name}-report.html",
        "text/html",
        key="dl_report",
        on_click="ignore",
        type="primary",
    )


def share_link(cs: CompiledScenario, uploaded: bool) -> None:
    """Mirror the comparison in the URL and show it as a link to copy."""
    lg = lang()
    state = share.ShareState(
        scenario="" if uploaded else str(ss.get("source", "")),
        plan=dict(ss.plan),
        variants=tuple(ss.variants),
        edits=dict(ss.edits),
        lang=lg,
    )
    params = share.encode(state)
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)
    with st.sidebar.expander(t("share", lg)):
        if uploaded:
            st.caption(t("share_upload", lg))
        base = (st.context.url or "").split("?")[0]
        st.code(f"{base}?{urlencode(params)}", language=None, wrap_lines=True)
        st.caption(t("share_help", lg))


# --- the page -----------------------------------------------------------------------
def language_switch() -> None:
    st.sidebar.segmented_control(
        t("language", lang()),
        list(LANGUAGE_NAMES),
        format_func=LANGUAGE_NAMES.get,
        key="lang",
        required=True,
    )


def load(
    text: str, file: str, uploaded: bool, edits: dict[str, Any]
) -> tuple[Any, LineMap, CompiledScenario] | None:
    """Parse and compile (cached); a bad file or edit shows its located errors instead."""
    header = t("upload_error" if uploaded else "scenario_error", lang())
    try:
        data, lines = parsed(text, file)
        cs = compiled(text, file, json.dumps(edits, sort_keys=True))
    except ScenarioError as exc:
        show_issues(header, exc)
        return None
    return data, lines, cs


def run() -> None:
    started = time.perf_counter()
    try:
        page_run()
    finally:  # the page's own compute time, read by benchmarks/bench_studio.py
        ss["_run_ms"] = (time.perf_counter() - started) * 1e3


def page_run() -> None:
    st.set_page_config(page_title="adsim studio", page_icon=":material/tune:", layout="wide")
    st.html(CSS)
    boot()
    language_switch()
    lg = lang()
    st.title(t("title", lg))
    st.caption(t("subtitle", lg))
    if ss.get("link_problems"):
        st.warning(t("link_problems", lg) + " " + "; ".join(ss.link_problems))
    source = pick_source()
    if source is None:
        return
    text, file, uploaded = source
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    base = load(text, file, uploaded, {})
    if base is None:
        return
    fresh = ss.get("scenario_id") != digest
    if fresh and "scenario_id" in ss:
        reset_edits()  # edits belong to the scenario they were made on
    ss.scenario_id = digest
    assumptions(base[0], base[2])
    loaded = load(text, file, uploaded, ss.edits)
    if loaded is None:
        return
    data, lines, cs = loaded
    if fresh:
        reset_for(cs)
    identity = f"{digest}|{json.dumps(ss.edits, sort_keys=True)}"
    ss.identity = identity
    ctx = {"data": data, "lines": lines, "file": file, "text": text, "identity": identity}
    page(cs, ctx, uploaded)


def page(cs: CompiledScenario, ctx: dict[str, Any], uploaded: bool) -> None:
    left, right = st.columns([1, 1], gap="large")
    with left:
        plan_editor(cs)
    with right:
        variant_editor(cs)
        run_optimizer(cs, ctx["identity"])
    try:
        columns = compare(cs, ss.plan, ss.variants, recommendation(ctx["identity"]))
    except ScenarioError as exc:
        show_issues(t("scenario_error", lang()), exc)
        return
    ctx["columns"] = columns
    titles = comparison(cs, columns)
    charts(cs, columns, titles, ctx)
    downloads(cs, columns, titles, ctx)
    share_link(cs, uploaded)


run()
