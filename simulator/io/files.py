"""The one atomic file write every output uses (exports, reports, batch tables, scenarios).

Readers see the old file or the new one, never a part: the bytes go to a temp file in the
target's folder (same file system, so the rename is atomic), are fsynced, then
``os.replace``d into place. The temp file is created with mode 0666 and the kernel applies
the umask (0644 under umask 022), as for any file the user writes; ``mkstemp``'s 0600
would hide shared exports from colleagues, and reading the umask with ``os.umask`` would
briefly change it for every thread of the studio.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path


def atomic_write(
    path: str | Path, data: str | bytes, *, durable: bool = True, suffix: str = ".tmp"
) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` atomically; nothing changes on failure.

    ``durable=False`` skips the fsync (~10 ms): only for many small files a crash may lose
    and a rerun rewrites (the batch's per-run files). ``suffix`` marks the temp file so a
    caller can find the ones a killed process left behind.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.{secrets.token_hex(6)}{suffix}"
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
