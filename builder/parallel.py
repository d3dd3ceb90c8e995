"""Work spread over all cores by forked processes, results in input order, so what a step writes
never depends on which worker finished first; small jobs stay in this process."""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

Item = TypeVar("Item")
Out = TypeVar("Out")

_job: tuple[Callable, Any] | None = None   # a worker's function and shared data, set once at fork


def _start(func: Callable, shared: Any) -> None:
    global _job
    _job = (func, shared)
    # A pool ends its workers with SIGTERM; one forked from serve would inherit its event loop's
    # handler, which only wakes that loop, and the build would wait for the worker forever.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _run(item: Any) -> Any:
    assert _job is not None, "set by _start in each worker"
    func, shared = _job
    return func(shared, item)


def ordered(func: Callable[[Any, Item], Out], shared: Any, items: Sequence[Item], at_least: int,
            chunksize: int = 4) -> Iterator[Out]:
    """`func(shared, item)` for each item, in order; on all cores once there are `at_least` items.
    `shared` reaches the workers by fork, never pickled; items and results are."""
    workers = min(os.cpu_count() or 1, len(items))
    if workers < 2 or len(items) < at_least:
        yield from (func(shared, item) for item in items)
        return
    with multiprocessing.get_context("fork").Pool(workers, _start, (func, shared)) as pool:
        yield from pool.imap(_run, items, chunksize=chunksize)

