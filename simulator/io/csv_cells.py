"""The one CSV writer every export uses: numbers as exact numbers, text made inert.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (and
some also after a leading tab or carriage return), so a scenario named
``=HYPERLINK(...)`` or an id such as ``-cmd`` would become live in Excel or Sheets. Such
text cells get a leading ``'``, the prefix spreadsheets themselves use for "this is
text" (OWASP's CSV-injection advice). Numbers are never prefixed: ``-5.0`` stays a
number. ``read_cell`` undoes the prefix, so a CSV we wrote reads back as written.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
TEXT_PREFIX = "'"


def write_cell(value: Any) -> str:
    """One cell: floats as their shortest exact repr, missing or non-finite as empty,
    text starting like a formula prefixed with ``'``."""
    if value is None:
        return ""
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()  # numpy scalars
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ""
    if isinstance(value, int):
        return str(value)
    text = str(value)
    return TEXT_PREFIX + text if text.startswith(FORMULA_START) else text


def read_cell(text: str) -> str:
    """A text cell as it was before ``write_cell`` made it inert."""
    if text.startswith(TEXT_PREFIX) and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text


def csv_table(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> str:
    """CSV text: the header and every row go through ``write_cell``."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([write_cell(h) for h in header])
    for row in rows:
        writer.writerow([write_cell(v) for v in row])
    return buf.getvalue()
