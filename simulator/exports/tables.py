"""Named tables, the shape the search's and the front's CSV, XLSX and HTML share.

A subject that is not a plan (a search result, a traced front, a simulation) is turned into
a few ``Table``s once; ``workbook`` and ``html_page`` render any list of them, so every
subject offers the same formats without a renderer per subject.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from simulator.results import json_safe


@dataclass(frozen=True)
class Table:
    """One sheet or one HTML table: a title, the column names and the rows (plain values)."""

    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence[Any]]


def flat(doc: Mapping[str, Any], prefix: str = "") -> list[list[Any]]:
    """``[key, value]`` rows of a JSON document's scalars (nested keys joined by ``.``;
    lists of scalars joined by ``, ``; lists of mappings left out: they are tables)."""
    rows: list[list[Any]] = []
    for key, value in doc.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            rows += flat(value, f"{name}.")
        elif isinstance(value, list | tuple):
            if all(not isinstance(v, Mapping | list | tuple) for v in value):
                rows.append([name, ", ".join(str(v) for v in value)])
        else:
            rows.append([name, json_safe(value)])
    return rows


def _cell(value: Any) -> str:
    value = json_safe(value)
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}"
    return html.escape(str(value))


def html_page(title: str, tables: Sequence[Table]) -> str:
    """One self-contained page (no script, no network): each table under its title."""
    parts = [
        "<!doctype html>",
        '<html><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title>",
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;"
        "margin-bottom:2em}td,th{border:1px solid #ccc;padding:4px 8px}"
        "td.n{text-align:right}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
    ]
    for table in tables:
        parts.append(f"<h2>{html.escape(table.title)}</h2><table><thead><tr>")
        parts += [f"<th>{html.escape(str(c))}</th>" for c in table.columns]
        parts.append("</tr></thead><tbody>")
        for row in table.rows:
            cells = "".join(
                f'<td class="n">{_cell(v)}</td>'
                if isinstance(v, int | float)
                else f"<td>{_cell(v)}</td>"
                for v in row
            )
            parts.append(f"<tr>{cells}</tr>")
        parts.append("</tbody></table>")
    parts.append("</body></html>\n")
    return "\n".join(parts)
