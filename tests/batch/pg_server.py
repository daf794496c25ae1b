"""A throwaway PostgreSQL server from Debian's packages, for the storage tests.

initdb in a fresh temp folder, trust authentication, a free port on 127.0.0.1 and the unix
socket in the same folder; run as the ``postgres`` user when we are root (the server
refuses to run as root). Stopped with ``pg_ctl stop -m immediate`` and the folder removed.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class ServerUnavailable(RuntimeError):
    """No PostgreSQL binaries, or the server would not start."""


def pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if not found:
        raise ServerUnavailable("no /usr/lib/postgresql/*/bin/initdb: run `make postgres`")
    return found[-1].parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_server_user(argv: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return argv
    runuser = shutil.which("runuser")
    if runuser is None:
        raise ServerUnavailable("root without runuser: cannot start postgres as its own user")
    return [runuser, "-u", "postgres", "--", *argv]


def _run(argv: list[str]) -> None:
    done = subprocess.run(_as_server_user(argv), capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise ServerUnavailable(f"{Path(argv[0]).name} failed: {done.stderr or done.stdout}")


@contextmanager
def postgres_server() -> Iterator[str]:
    """Yields ``postgresql://adsim@127.0.0.1:PORT/postgres`` while the server runs."""
    bin_dir = pg_bin()
    folder = Path(tempfile.mkdtemp(prefix="adsim-pg-"))  # /tmp: reachable by postgres
    try:
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres", "postgres")
        data = folder / "data"
        initdb = [str(bin_dir / "initdb"), "-D", str(data), "-U", "adsim", "-A", "trust"]
        _run([*initdb, "--no-sync", "-E", "UTF8", "--locale=C"])
        port = _free_port()
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        pg_ctl = [str(bin_dir / "pg_ctl"), "-D", str(data)]
        _run([*pg_ctl, "-l", str(folder / "log"), "-w", "-t", "60", "-o", options, "start"])
        try:
            yield f"postgresql://adsim@127.0.0.1:{port}/postgres"
        finally:
            stop = _as_server_user([*pg_ctl, "-m", "immediate", "stop"])
            subprocess.run(stop, capture_output=True, timeout=60)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
