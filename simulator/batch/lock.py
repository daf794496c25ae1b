"""One batch per output folder: an advisory ``fcntl`` lock on ``DIR/.adsim-batch.lock``.

Two batches writing one folder both ran every scenario and raced on the tables. The second
one now stops at once (exit 2) and names the first one's process. The kernel drops the lock
when its process dies, so a killed batch never blocks the next one (the file it leaves is
locked anew and removed when that batch ends).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

LOCK_NAME = ".adsim-batch.lock"


class FolderBusy(ValueError):
    """Another process holds the folder's lock."""


class FolderLock:
    """Hold the lock of ``folder`` from ``acquire()`` until ``release()`` (or process exit)."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise ``FolderBusy`` naming the holder; never waits."""
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.read(fd, 64).decode("ascii", "replace").strip() or "unknown"
                os.close(fd)
                raise FolderBusy(
                    f"{self.path.parent}: another adsim batch (process {holder}) is writing to "
                    "this folder; wait for it to finish or pass another --out"
                ) from None
            if self._still_linked(fd):
                break
            os.close(fd)  # the holder removed the file between our open and lock: retry
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def _still_linked(self, fd: int) -> bool:
        try:
            return os.fstat(fd).st_ino == os.stat(self.path).st_ino
        except FileNotFoundError:
            return False

    def release(self) -> None:
        """Remove the lock file (the folder holds only results afterwards), then unlock."""
        if self._fd is not None:
            with contextlib.suppress(OSError):
                self.path.unlink()
            with contextlib.suppress(OSError):
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None
