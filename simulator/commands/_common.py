"""Pieces every command shares: format flags, JSON output, atomic writes, tables."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from simulator.results import Result, json_safe

if TYPE_CHECKING:  # rich loads when a table is printed: `--format json` never pays for it
    from rich.console import Console, JustifyMethod

    from simulator.exports.registry import Registry
    from simulator.model.compiled import CompiledScenario


def add_format(p: argparse.ArgumentParser, default: str = "table") -> None:
    p.add_argument(
        "--format",
        choices=("table", "json"),
        default=default,
        help="table (readable, default) or json (exactly one JSON document on stdout)",
    )


def add_out(p: argparse.ArgumentParser, kinds: Registry[Any], what: str) -> None:
    """``--out PATH``: what is written, and the suffixes the registry knows, so a new export
    kind shows in ``--help`` with no edit here."""
    p.add_argument("--out", metavar="PATH", help=f"{what}, by suffix: " + ", ".join(kinds.suffixes))


def print_json(doc: dict[str, Any]) -> None:
    """Exactly one JSON document on stdout."""
    sys.stdout.write(json.dumps(json_safe(doc), indent=2, ensure_ascii=False) + "\n")


def warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def console() -> Console:
    # A pipe or file has no width; give tables room rather than truncating numbers.
    from rich.console import Console

    width = None if sys.stdout.isatty() else 160
    return Console(file=sys.stdout, width=width, highlight=False)


def fmt(value: Any, kind: str = "money") -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "-"
    if kind == "ratio":
        return f"{value:,.2f}"
    if kind == "count":
        return f"{value:,.0f}"
    return f"{value:,.0f}"


def _cost_shown(result: Result) -> bool:
    """Whether the table needs a cost column: some row pays more (or less) than its spend."""
    rows = [result.totals, *result.channels.values(), *result.ad_sets.values()]
    return any(r.get("cost", r["spend"]) != r["spend"] for r in rows)


def result_table(result: Result, cs: CompiledScenario) -> None:
    """A readable table of a result: one row per channel (and ad set), then the totals.

    A cost column follows spend only where some cost differs from spend (fees, commission,
    stage costs); ROI and CAC are the engine's (over cost), and the marginal ROI is per
    yuan of cost, as the explanations say it (``marginal_roi_per_cost``).
    """
    from rich.table import Table

    from simulator.optimize.explain.marginals import marginal_roi_per_cost

    out = console()
    marginal = marginal_roi_per_cost(cs, result)
    with_cost = _cost_shown(result)
    title = f"{result.scenario} · {result.status}"
    table = Table(title=title, title_justify="left", show_footer=True)
    t = result.totals
    cost_col: list[tuple[str, JustifyMethod, str]] = [
        (f"cost ({cs.currency})", "right", fmt(t["cost"]))
    ]
    cols: list[tuple[str, JustifyMethod, str]] = [
        ("channel", "left", "total"),
        (f"spend ({cs.currency})", "right", fmt(t["spend"])),
        *(cost_col if with_cost else []),
        ("share", "right", "100%"),
        ("conversions", "right", fmt(t["conversions"], "count")),
        ("new cust.", "right", fmt(t["new_customers"], "count")),
        ("revenue", "right", fmt(t["revenue"])),
        ("ROI", "right", fmt(t["roi"], "ratio")),
        ("CAC", "right", fmt(t["cac"], "ratio")),
        ("marginal ROI", "right", ""),
    ]
    for name, justify, foot in cols:
        table.add_column(name, justify=justify, footer=foot, no_wrap=True)
    spend_total = t["spend"] or 1.0
    rows = {k: (k, row) for k, row in result.channels.items()}
    for key, row in result.ad_sets.items():
        rows[f"  {key}"] = (key, row)
    for name, (key, row) in rows.items():
        table.add_row(
            name,
            fmt(row["spend"]),
            *([fmt(row["cost"])] if with_cost else []),
            f"{row['spend'] / spend_total:.0%}",
            fmt(row["conversions"], "count"),
            fmt(row["new_customers"], "count"),
            fmt(row["revenue"]),
            fmt(row["roi"], "ratio"),
            fmt(row["cac"], "ratio"),
            fmt(marginal.get(key), "ratio"),
        )
    out.print(table)
    extra = [f"profit {fmt(t['profit'])}", f"LTV/CAC {fmt(t.get('ltv_cac'), 'ratio')}"]
    if t.get("carryover_after_horizon"):
        extra.append(f"carry-over after horizon {fmt(t['carryover_after_horizon'], 'count')} conv.")
    if result.upper_bound is not None:
        extra.append(f"proven upper bound {fmt(result.upper_bound)}")
    out.print("  ".join(extra))
    if result.certificate is not None:
        out.print(result.certificate.summary())
    if result.message:
        out.print(f"[bold]{result.message}[/bold]")
    for line in result.explanations:
        out.print(f"• {line}")


def exit_code(result: Result) -> int:
    """An answer's exit code (CONTRACT.md 2): 1 when the certificate found a broken
    constraint (said on stderr), 3 when infeasible, else 0."""
    if result.status == "unverified":
        print(
            "error: the plan breaks a constraint the solver believed it kept "
            f"({'; '.join(result.certificate.failures)}); please report this scenario",
            file=sys.stderr,
        )
        return 1
    return 3 if result.status == "infeasible" else 0
