"""Tasks run in a process pool, their results taken in the order the tasks were given."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Self, TypeVar

A = TypeVar("A")
R = TypeVar("R")


def in_order(pool: Executor, task: Callable[[A], R], args: Iterable[A], ahead: int) -> Generator[R]:
    """`task(arg)` for each of `args`, run in `pool` with at most `ahead` tasks waiting to be taken
    beyond the next one (enough to keep the workers busy, little memory); the results in the order of
    `args`. A task's exception is raised when its result is taken; tasks still queued when the caller
    stops are cancelled."""
    in_flight: deque[Future[R]] = deque()
    try:
        for arg in args:
            in_flight.append(pool.submit(task, arg))
            while len(in_flight) > ahead:
                yield in_flight.popleft().result()
        while in_flight:
            yield in_flight.popleft().result()
    finally:
        for future in in_flight:
            future.cancel()


class PoolOwner:
    """Owns a process pool (None: work in this process) and shuts it down on leaving a `with` block."""

    pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.pool:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None
