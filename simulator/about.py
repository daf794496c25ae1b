"""What this installation is: its distribution name and version.

The import package is ``simulator`` and the command ``adsim``, but the name ``adsim`` on
the public index belongs to another project, so the distribution is ``adsim-budget``.
Everything that asks "which version runs?" (``adsim --version``, the batch's engine
fingerprint) asks here, so the name is written once.
"""

from __future__ import annotations

import functools
import hashlib
from importlib import metadata
from pathlib import Path

DIST_NAME = "adsim-budget"


def version() -> str:
    """The installed distribution's version; ``0`` in a source tree that was never installed."""
    try:
        return metadata.version(DIST_NAME)
    except metadata.PackageNotFoundError:
        return "0"


# The code whose change can change a result: the model, the expected-value engine, the
# optimisers and the simulation (relative to the simulator package).
ENGINE_SOURCES = ("model", "expected.py", "optimize", "simulate")


def source_digest(package: Path) -> str:
    """SHA-256 over the ``ENGINE_SOURCES`` under ``package``: each file's path relative to
    it and its bytes, in sorted order, so a clone, a wheel and a Dask worker agree."""
    digest = hashlib.sha256()
    for entry in ENGINE_SOURCES:
        root = package / entry
        files = sorted(root.rglob("*.py")) if root.is_dir() else [root]
        for file in files:
            digest.update(file.relative_to(package).as_posix().encode("utf-8") + b"\0")
            digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()


@functools.cache
def engine_fingerprint() -> str:
    """``VERSION+DIGEST``: the version and 16 hex digits of :func:`source_digest`.

    The version alone stays put between releases, so a batch resumed after an engine
    change would keep results the old code made; the digest moves with every edit of
    the engine. Computed once per process.
    """
    return f"{version()}+{source_digest(Path(__file__).resolve().parent)[:16]}"
