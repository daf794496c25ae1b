"""The one atomic file write: every file adsim writes goes through ``atomic_write``.

Readers see the old file or the new one, never a part: the bytes go to a temp file in the
target's folder (same file system, so the rename is atomic), are flushed and fsynced, then
``os.replace``d into place, and the folder is fsynced so the rename itself survives a power
cut. The temp file is created with mode 0666 and the kernel applies the umask (0644 under
umask 022), as for any file the user opens for writing; ``mkstemp``'s 0600 would hide
shared exports from colleagues, and reading the umask with ``os.umask`` would briefly
change it for every thread of the studio. Temp files end in ``TEMP_SUFFIX`` so a folder's
owner (the batch) can remove the ones a killed process left behind.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

TEMP_SUFFIX = ".adsim-tmp"


def _fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: str | Path, data: str | bytes, *, durable: bool = True) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` atomically; nothing changes on failure.

    A missing parent folder is created. ``durable=False`` skips both fsyncs (~10 ms): only
    for many small files a crash may lose and a rerun rewrites (the batch's per-run files).
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.{secrets.token_hex(6)}{TEMP_SUFFIX}"
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    if durable:
        _fsync_folder(target.parent)
