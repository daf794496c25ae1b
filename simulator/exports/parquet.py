"""Parquet: the CSV's table, typed (``id`` and ``label`` text, every other column float64,
null for none). A daily plan keeps one row per channel with ``day_1..day_H`` columns.

For analysts who load plans into pandas, Spark or a warehouse without parsing CSV text.
"""

from __future__ import annotations

import io

from simulator.exports.plan import PlanExport, shown_table, table_columns, table_rows
from simulator.exports.registry import ExportKind

TEXT = ("id", "label")


def render(plan: PlanExport) -> bytes:
    # pyarrow takes ~0.2 s to import: only a Parquet export pays for it, not every command
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows, columns = shown_table(plan, table_rows(plan.result), table_columns(plan.result))
    arrays = []
    for col in columns:
        values = [r.get(col) for r in rows]
        if col in TEXT:
            arrays.append(pa.array([str(v) for v in values], type=pa.string()))
        else:
            floats = [None if v is None else float(v) for v in values]
            arrays.append(pa.array(floats, pa.float64()))
    buf = io.BytesIO()
    pq.write_table(pa.Table.from_arrays(arrays, names=columns), buf)
    return buf.getvalue()


KIND = ExportKind[PlanExport](
    "parquet", (".parquet",), "application/vnd.apache.parquet", "Parquet", render
)
