"""Parquet: the CSV's table, typed (``id`` text, every other column float64, null for none).

For analysts who load plans into pandas, Spark or a warehouse without parsing CSV text.
"""

from __future__ import annotations

import io

from simulator.exports.plan import PlanExport, table_columns, table_rows
from simulator.exports.registry import ExportKind


def render(plan: PlanExport) -> bytes:
    # pyarrow takes ~0.2 s to import: only a Parquet export pays for it, not every command
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = table_rows(plan.result)
    columns = table_columns(plan.result)
    arrays = [pa.array([str(r["id"]) for r in rows], type=pa.string())]
    for col in columns[1:]:
        values = [r.get(col) for r in rows]
        arrays.append(pa.array([None if v is None else float(v) for v in values], pa.float64()))
    buf = io.BytesIO()
    pq.write_table(pa.Table.from_arrays(arrays, names=columns), buf)
    return buf.getvalue()


KIND = ExportKind[PlanExport](
    "parquet", (".parquet",), "application/vnd.apache.parquet", "Parquet", render
)
