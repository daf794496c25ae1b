"""A Dask cluster started as ``adsim`` users start one: ``dask scheduler`` and ``dask worker``
processes from the venv's command line, over TCP on 127.0.0.1 (free ports).

Each process leads its own process group, so tearing down kills it with anything it
spawned; the test kills one worker the same way (SIGKILL: no goodbye to the scheduler).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from tests.waiting import wait_until

DASK = Path(sys.executable).parent / "dask"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def kill_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the process and its group, then reap it (a no-op once it is gone)."""
    if proc.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


@dataclass
class CliCluster:
    address: str
    scheduler: subprocess.Popen[bytes]
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def n_workers(self) -> int:
        """Workers the scheduler knows now (asked through a short-lived client)."""
        from distributed import Client

        with Client(self.address, timeout="10s") as client:
            return len(client.scheduler_info(n_workers=-1)["workers"])


def _start(
    argv: list[str], log: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    with log.open("wb") as sink:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            argv, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True, env=env
        )


@contextmanager
def cli_cluster(folder: Path, n_workers: int = 2) -> Iterator[CliCluster]:
    """Yields the running cluster; every process is killed on the way out, pass or fail."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    common = ["--no-dashboard", "--host", "127.0.0.1"]
    scheduler = _start(
        [str(DASK), "scheduler", "--port", str(port), *common], folder / "scheduler.log"
    )
    cluster = CliCluster(address, scheduler)
    try:
        wait_until(lambda: _listening(port) or scheduler.poll() is not None, 60, "the scheduler")
        assert scheduler.poll() is None, (folder / "scheduler.log").read_text()
        for i in range(n_workers):
            argv = [str(DASK), "worker", address, "--nthreads", "1", "--no-nanny"]
            argv += [*common, "--name", f"w{i}"]
            # as the README starts workers: no profile sampling (it slows every run)
            env = dict(os.environ, DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED="False")
            cluster.workers.append(_start(argv, folder / f"worker{i}.log", env))
        wait_until(lambda: cluster.n_workers() == n_workers, 120, f"{n_workers} workers", 0.5)
        yield cluster
    finally:
        for proc in [*cluster.workers, scheduler]:
            kill_group(proc)
