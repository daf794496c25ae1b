"""The batch's results on disk: SQLite is the record, CSV and Parquet are rendered from it.

``DIR/results.sqlite`` holds one row per run keyed by its input hash (``runs``) and one row
per invocation (``batches``). Only the parent process writes: a worker's record is
committed in one transaction after its recommendation files are in place, so a killed batch
leaves each run either fully recorded or absent, never half. ``results.csv`` and
``results.parquet`` are rewritten from SQLite; every file goes through
``io.files.atomic_write``, whose temp files a killed batch may leave (``remove_stale_temps``).
"""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from simulator.batch.lock import FolderBusy, FolderLock
from simulator.batch.runner import FAILED, RunRecord
from simulator.batch.tables import table_csv, table_parquet
from simulator.io.files import TEMP_SUFFIX, atomic_write

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    hash TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    file TEXT NOT NULL,
    status TEXT NOT NULL,
    error TEXT NOT NULL DEFAULT '',
    message TEXT NOT NULL DEFAULT '',
    sweep TEXT NOT NULL DEFAULT '{}',
    allocation TEXT NOT NULL DEFAULT '{}',
    totals TEXT NOT NULL DEFAULT '{}',
    simulation TEXT NOT NULL DEFAULT '{}',
    p_targets_met REAL,
    files TEXT NOT NULL DEFAULT '[]',
    elapsed_s REAL,
    finished_at TEXT,
    batch TEXT,
    search TEXT NOT NULL DEFAULT '{}',
    search_improved INTEGER,
    search_message TEXT
);
CREATE TABLE IF NOT EXISTS batches (
    id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    state TEXT NOT NULL,
    options TEXT NOT NULL,
    planned INTEGER NOT NULL,
    skipped INTEGER NOT NULL,
    done INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0
);
"""
_JSON_COLUMNS = ("sweep", "allocation", "totals", "simulation", "files", "search")
# columns added since the first release: a results.sqlite that predates them gets them
_ADDED_COLUMNS = {
    "search": "TEXT NOT NULL DEFAULT '{}'",
    "search_improved": "INTEGER",
    "search_message": "TEXT",
    "engine": "TEXT NOT NULL DEFAULT ''",
}


def remove_stale_temps(folder: Path) -> int:
    """Delete temp files a killed batch left behind (ours only, by their suffix)."""
    removed = 0
    for tmp in folder.glob(f".*{TEMP_SUFFIX}"):
        with contextlib.suppress(OSError):
            tmp.unlink()
            removed += 1
    return removed


class StoreError(ValueError):
    """The output folder cannot be used: busy, unwritable or holding a damaged record."""


def _add_missing_columns(db: sqlite3.Connection) -> None:
    have = {row[1] for row in db.execute("PRAGMA table_info(runs)")}
    for name, decl in _ADDED_COLUMNS.items():
        if name not in have:
            db.execute(f"ALTER TABLE runs ADD COLUMN {name} {decl}")


def run_file_stem(record: RunRecord) -> str:
    """A file-system-safe, unique stem: the run's name, then the start of its hash."""
    slug = re.sub(r"[^A-Za-z0-9._=,-]+", "_", record.name).strip("._")[:80] or "run"
    return f"{slug}-{record.key[:12]}"


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class ResultStore:
    """The output folder of a batch: SQLite record, per-run files and the result tables."""

    def __init__(self, out_dir: str | Path) -> None:
        """Create the folder, take its lock, open the record; ``StoreError`` says what to do."""
        self.out_dir = Path(out_dir)
        self.runs_dir = self.out_dir / "runs"
        try:
            self.runs_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{self.out_dir}: cannot create the folder ({exc.strerror})") from None
        self._lock = FolderLock(self.out_dir)
        try:
            self._lock.acquire()
        except FolderBusy as exc:
            raise StoreError(str(exc)) from None
        try:
            self.db = self._open(self.out_dir / "results.sqlite")
        except BaseException:
            self._lock.release()
            raise
        remove_stale_temps(self.out_dir)
        remove_stale_temps(self.runs_dir)

    @staticmethod
    def _open(path: Path) -> sqlite3.Connection:
        db = sqlite3.connect(path, timeout=30)
        try:
            # WAL with synchronous=NORMAL: a commit survives a killed process without an fsync
            # per run (the fsync cost more than a small run); power loss may drop the last few.
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(_SCHEMA)
            _add_missing_columns(db)
            db.commit()
        except sqlite3.DatabaseError as exc:
            db.close()
            raise StoreError(
                f"{path}: not a readable results database ({exc}); move it aside or delete it "
                "(finished runs will then run again), or pass another --out"
            ) from None
        return db

    def close(self) -> None:
        self.db.close()
        self._lock.release()

    def finished(self) -> set[str]:
        """Hashes of runs that finished (optimal, infeasible); runs with errors rerun."""
        rows = self.db.execute("SELECT hash FROM runs WHERE status != ?", (FAILED,))
        return {h for (h,) in rows}

    def put(self, record: RunRecord, batch_id: str) -> None:
        """Write the run's files, then its row in one transaction (replacing a failed try)."""
        names = []
        for suffix, data in sorted(record.files.items()):
            name = run_file_stem(record) + suffix
            # no fsync per run file (~10 ms each): a run lost to a power cut simply reruns
            atomic_write(self.runs_dir / name, data, durable=False)
            names.append(f"runs/{name}")
        values = {
            "hash": record.key,
            "name": record.name,
            "file": record.file,
            "status": record.status,
            "error": record.error,
            "message": record.message,
            "sweep": record.sweep,
            "allocation": record.allocation,
            "totals": record.totals,
            "simulation": record.simulation,
            "p_targets_met": record.p_targets_met,
            "files": names,
            "elapsed_s": record.elapsed_s,
            "finished_at": _now(),
            "batch": batch_id,
            "search": record.search,
            "search_improved": record.search.get("improved") if record.search else None,
            "search_message": record.search.get("message") if record.search else None,
            "engine": record.engine,
        }
        for col in _JSON_COLUMNS:
            values[col] = json.dumps(values[col], sort_keys=False, allow_nan=False, default=str)
        cols = ",".join(values)
        marks = ",".join(f":{c}" for c in values)
        with self.db:
            self.db.execute(f"INSERT OR REPLACE INTO runs ({cols}) VALUES ({marks})", values)

    def rows(self, keys: Iterable[str]) -> list[dict[str, Any]]:
        """The stored rows of ``keys``, in that order (keys never run are left out)."""
        self.db.row_factory = sqlite3.Row
        try:
            found = {r["hash"]: dict(r) for r in self.db.execute("SELECT * FROM runs")}
        finally:
            self.db.row_factory = None
        out = []
        for key in keys:
            row = found.get(key)
            if row is not None:
                for col in _JSON_COLUMNS:
                    row[col] = json.loads(row[col])
                out.append(row)
        return out

    def export_tables(self, keys: list[str]) -> int:
        """Rewrite results.csv and results.parquet from SQLite for the batch's runs."""
        rows = self.rows(keys)
        atomic_write(self.out_dir / "results.csv", table_csv(rows))
        atomic_write(self.out_dir / "results.parquet", table_parquet(rows))
        return len(rows)

    def start_batch(
        self, batch_id: str, options: dict[str, Any], planned: int, skipped: int
    ) -> None:
        with self.db:
            self.db.execute(
                "INSERT INTO batches (id, started_at, state, options, planned, skipped) "
                "VALUES (?, ?, 'running', ?, ?, ?)",
                (batch_id, _now(), json.dumps(options, default=str), planned, skipped),
            )

    def finish_batch(self, batch_id: str, state: str, done: int, failed: int) -> None:
        with self.db:
            self.db.execute(
                "UPDATE batches SET finished_at = ?, state = ?, done = ?, failed = ? WHERE id = ?",
                (_now(), state, done, failed, batch_id),
            )
