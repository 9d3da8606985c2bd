"""The engine's clock on CPU time, for tests of its time budget.

The engine keeps its budget on ``time.monotonic()``: wall time, which on a loaded machine runs ahead of the work
done, so that a read priced from an idle machine's rate overruns by the load's factor. On the calling thread's
CPU time the same budget and prices hold whatever else the machine runs, as they do in wall time on an idle one.
The engine works on the calling thread.
"""

from __future__ import annotations

import time

import pytest


def engine_on_cpu_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Until the test ends, ``time.monotonic()`` (the engine's deadlines and the test's own) reads this thread's CPU
    time."""
    monkeypatch.setattr(time, "monotonic", time.thread_time)
