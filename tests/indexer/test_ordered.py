"""`in_order`: results in the order given though tasks finish out of order; errors at their turn;
queued tasks cancelled when the caller stops."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from indexer.ordered import in_order


def _slow_first(n: int) -> int:
    time.sleep(0.02 * (5 - n))  # the first tasks finish last
    return n * n


def _fails_on_three(n: int) -> int:
    if n == 3:
        raise ValueError("three")
    return n


def test_results_come_in_the_order_given_and_errors_at_their_turn() -> None:
    finished: list[int] = []

    def noted(n: int) -> int:
        result = _slow_first(n)
        finished.append(n)
        return result

    with ThreadPoolExecutor(4) as pool:
        assert list(in_order(pool, noted, range(5), ahead=4)) == [0, 1, 4, 9, 16]
        assert finished != sorted(finished)  # they did finish out of order
        taken: list[int] = []
        with pytest.raises(ValueError, match="three"):
            for n in in_order(pool, _fails_on_three, range(6), ahead=2):
                taken.append(n)
        assert taken == [0, 1, 2]


def test_tasks_still_queued_are_cancelled_when_the_caller_stops() -> None:
    started: list[int] = []

    def task(n: int) -> int:
        started.append(n)
        time.sleep(0.05)
        return n

    with ThreadPoolExecutor(1) as pool:
        results = in_order(pool, task, range(100), ahead=3)
        assert next(results) == 0
        results.close()
    assert len(started) <= 3  # the first, and at most the one running when the rest were cancelled
