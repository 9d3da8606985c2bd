"""Running one job per item on every core (processes for the engine, threads for a server's requests), results in
the items' order, with a progress bar (rate and time left) on stderr when it is a terminal."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from typing import Any, TypeVar

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

T = TypeVar("T")
R = TypeVar("R")


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class _Bar:
    """A progress bar, or nothing when stderr is not a terminal (piped, a log file, a test)."""

    def __init__(self, err: Console, total: int, what: str) -> None:
        self.progress: Progress | None = None
        if err.is_terminal and total > 1:
            self.progress = Progress(
                TextColumn(what),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"),
                TimeRemainingColumn(),
                console=err,
                transient=True,
            )
            self.task = self.progress.add_task(what, total=total, rate="")

    def context(self) -> AbstractContextManager[Any]:
        return self.progress if self.progress is not None else nullcontext()

    def advance(self, *_: object) -> None:
        if self.progress is not None:
            self.progress.advance(self.task)
            speed = self.progress.tasks[0].speed
            self.progress.update(self.task, rate=f"{speed:.1f}/s" if speed else "")


def run_all(
    job: Callable[[T], R], items: Sequence[T], *, jobs: int, processes: bool, what: str, err: Console
) -> Iterator[R]:
    """``job(item)`` for each item, yielded in order; ``jobs`` 1 runs them here, one after another. ``job`` reports
    failures in its result: an exception it raises ends the run."""
    bar = _Bar(err, len(items), what)
    if jobs <= 1 or len(items) <= 1:
        with bar.context():
            for item in items:
                yield job(item)
                bar.advance()
        return
    executor: Executor = ProcessPoolExecutor(min(jobs, len(items))) if processes else ThreadPoolExecutor(jobs)
    with executor:
        futures = [executor.submit(job, item) for item in items]  # the workers start before the bar's thread
        with bar.context():
            for future in futures:
                future.add_done_callback(bar.advance)
            try:
                for future in futures:
                    yield future.result()
            except BaseException:
                for future in futures:
                    future.cancel()
                raise
