"""Wait for a condition, not for a fixed time: fast machines go on at once, slow ones
get the whole timeout, and a timeout fails with what was awaited."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest


def wait_until(
    condition: Callable[[], bool], timeout_s: float, what: str, interval_s: float = 0.01
) -> None:
    """Poll ``condition`` until it holds; fail the test after ``timeout_s`` seconds."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout_s:g} s waiting for {what}")
        time.sleep(interval_s)
