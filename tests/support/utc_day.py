"""For tests that count a real server's requests of "today" and "this month" over several steps, on a clock that
cannot be set: such a test starts clear of the end of the UTC day (every month ends at one), or a day's counts
would start afresh halfway through it."""

from __future__ import annotations

import time

DAY_SECONDS = 86400
# Longer than any such test, or module of them, takes on a loaded machine; a run waits only when it starts this
# close to midnight UTC.
MARGIN_SECONDS = 300.0


def clear_of_the_day_end() -> None:
    """Return at once, unless the UTC day ends within MARGIN_SECONDS: then once it has ended."""
    left = DAY_SECONDS - time.time() % DAY_SECONDS
    if left < MARGIN_SECONDS:
        time.sleep(left + 1)
