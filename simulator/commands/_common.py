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


def result_table(result: Result, currency: str) -> None:
    """A readable table of a result: one row per channel (and ad set), then the totals."""
    from rich.table import Table

    out = console()
    title = f"{result.scenario} · {result.status}"
    table = Table(title=title, title_justify="left", show_footer=True)
    cols: list[tuple[str, JustifyMethod, str | None]] = [
        ("channel", "left", None),
        (f"spend ({currency})", "right", "money"),
        ("share", "right", None),
        ("conversions", "right", "count"),
        ("new cust.", "right", "count"),
        ("revenue", "right", "money"),
        ("ROI", "right", "ratio"),
        ("CAC", "right", "ratio"),
        ("marginal ROI", "right", "ratio"),
    ]
    t = result.totals
    spend_total = t["spend"] or 1.0
    footer = [
        "total",
        fmt(t["spend"]),
        "100%",
        fmt(t["conversions"], "count"),
        fmt(t["new_customers"], "count"),
        fmt(t["revenue"]),
        fmt(t["roi"], "ratio"),
        fmt(t["cac"], "ratio"),
        "",
    ]
    for (name, justify, _), foot in zip(cols, footer, strict=True):
        table.add_column(name, justify=justify, footer=foot, no_wrap=True)
    rows = dict(result.channels)
    for key, row in result.ad_sets.items():
        rows[f"  {key}"] = row
    for name, row in rows.items():
        table.add_row(
            name,
            fmt(row["spend"]),
            f"{row['spend'] / spend_total:.0%}",
            fmt(row["conversions"], "count"),
            fmt(row["new_customers"], "count"),
            fmt(row["revenue"]),
            fmt(row["roi"], "ratio"),
            fmt(row["cac"], "ratio"),
            fmt(row["marginal_roi"], "ratio"),
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
