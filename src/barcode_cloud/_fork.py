"""Fork safety: objects holding locks, pooled sockets or worker threads reset them in a forked child.

After ``os.fork()`` (gunicorn with ``--preload``, multiprocessing's ``fork`` start method) the child has only the
forking thread, but copies of every lock, of every pooled connection and of every token fetch in flight. A lock
held by another thread at that instant would never be released, a fetch in flight would never finish, and a
connection shared with the parent would interleave two processes' requests on one socket. So each such object
registers here, and the child calls its ``_after_fork_in_child()`` before anything else runs.
"""

from __future__ import annotations

import os
import weakref
from typing import Protocol


class ForkAware(Protocol):
    def _after_fork_in_child(self) -> None: ...


_objects: weakref.WeakSet[ForkAware] = weakref.WeakSet()


def register(obj: ForkAware) -> None:
    """Call ``obj._after_fork_in_child()`` in every forked child while ``obj`` lives."""
    _objects.add(obj)


def _after_fork_in_child() -> None:
    for obj in list(_objects):
        obj._after_fork_in_child()


if hasattr(os, "register_at_fork"):  # not on Windows, which has no fork
    os.register_at_fork(after_in_child=_after_fork_in_child)
