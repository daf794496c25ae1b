"""Progress of a batch on stderr: runs done, failures, elapsed and ETA; silent with --quiet.

stderr keeps stdout free for the summary; rich draws the live bar only on a terminal.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Protocol

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


class ProgressSink(Protocol):
    """What the batch reports to: ``start`` once, ``advance`` per finished run, then ``stop``."""

    def start(self, total: int, skipped: int) -> None: ...

    def advance(self, failed: bool) -> None: ...

    def stop(self) -> None: ...


class QuietProgress:
    """Reports nothing (``--quiet``, tests, benchmarks)."""

    def start(self, total: int, skipped: int) -> None:
        pass

    def advance(self, failed: bool) -> None:
        pass

    def stop(self) -> None:
        pass


class RichProgress:
    """A rich progress bar: ``batch ━━━━━ 12/40 failed 1 0:00:07 ETA 0:00:21``."""

    def __init__(self, console: Console | None = None) -> None:
        self._console = console or Console(file=sys.stderr)
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("failed {task.fields[failed]}"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=self._console,
            transient=False,
        )
        self._task: TaskID | None = None
        self._failed = 0

    def start(self, total: int, skipped: int) -> None:
        if skipped:
            self._console.print(f"resuming: {skipped} finished runs skipped (same input hash)")
        self._progress.start()
        self._task = self._progress.add_task("batch", total=total, failed=0)

    def advance(self, failed: bool) -> None:
        if self._task is None:
            return
        self._failed += int(failed)
        self._progress.update(self._task, advance=1, failed=self._failed)

    def stop(self) -> None:
        self._progress.stop()

    def __enter__(self) -> RichProgress:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
