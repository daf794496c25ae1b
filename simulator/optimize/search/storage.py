"""``--storage`` text -> an Optuna storage: a database URL or a journal file.

- none: in memory (the study lives as long as the process);
- ``sqlite:///PATH``, ``mysql://...``: Optuna's RDB storage through SQLAlchemy;
- ``postgresql://...``: the same, through psycopg 3 (the ``[postgres]`` extra). SQLAlchemy
  reads a bare ``postgresql://`` as psycopg2, which we do not depend on, so a URL that
  names no driver gets ``+psycopg``;
- ``journal:PATH`` or any path ending ``.log``: Optuna's JournalStorage, an append-only
  file with file locks: shared by processes on one machine or a network file system, no
  server and no SQL.
"""

from __future__ import annotations

import importlib.util

import optuna
from optuna.storages import BaseStorage, JournalStorage, get_storage
from optuna.storages.journal import JournalFileBackend

JOURNAL_PREFIX = "journal:"


def journal_path(storage: str) -> str | None:
    """The journal file a ``--storage`` names, or None when it names a database."""
    if storage.startswith(JOURNAL_PREFIX):
        return storage[len(JOURNAL_PREFIX) :]
    if "://" not in storage and storage.endswith(".log"):
        return storage
    return None


def database_url(storage: str) -> str:
    """The SQLAlchemy URL: ``postgresql://`` gets the psycopg 3 driver, others pass."""
    for bare in ("postgresql://", "postgres://"):
        if storage.startswith(bare):
            if importlib.util.find_spec("psycopg") is None:
                raise ValueError(
                    "PostgreSQL needs the psycopg driver: pip install 'adsim-budget[postgres]'"
                )
            return "postgresql+psycopg://" + storage[len(bare) :]
    return storage


def open_storage(storage: str | None) -> BaseStorage:
    """The Optuna storage behind ``--storage`` (see the module docstring)."""
    if not storage:
        return get_storage(None)
    path = journal_path(storage)
    if path is not None:
        return JournalStorage(JournalFileBackend(path))
    return optuna.storages.RDBStorage(database_url(storage))
