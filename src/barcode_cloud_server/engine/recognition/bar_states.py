"""Four-state bar strings over "FADT" (full, ascender, descender, tracker), as the postal decoders read them.

A symbol read from its far end (the page turned half a turn) gives the same bars in reverse order with
ascenders and descenders exchanged; the decoders try both readings and their structure tells which is right.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

STATES = frozenset("FADT")
_TURN = str.maketrans("AD", "DA")

Read = TypeVar("Read")


def turned(states: str) -> str:
    """The bars as read with the symbol turned half a turn."""
    return states[::-1].translate(_TURN)


def either_way(read: Callable[[str], Read | None], states: str) -> Read | None:
    """``read`` of the bars as given, else of the bars turned half a turn; None for bars outside "FADT"."""
    if not set(states) <= STATES:
        return None
    return read(states) or read(turned(states))
