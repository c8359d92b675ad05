"""Rate limits with the `limits` library: counted in this process, or in Redis when
`GOVSEARCH_REDIS_URL` is set, so that several API servers share one budget per key and per client.

A sliding window counter per identity (`portal:<name>`, `anon:<kind>:<client address>`): cheap in
memory and in Redis (two counters a window), and no burst of twice the rate at a window's edge.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from functools import cache

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter

log = logging.getLogger(__name__)

# How long a Redis that failed is left alone before it is tried again, and how long one call to it may
# take: a slow Redis must not become slow searches.
REDIS_RETRY_SECONDS = 5.0
REDIS_TIMEOUT_SECONDS = 0.25


@cache
def _items(rates: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(rates)) if rates.strip() else ()


class RateLimiter:
    def __init__(self, redis_url: str | None = None) -> None:
        self.shared = redis_url is not None
        self._local = SlidingWindowCounterRateLimiter(MemoryStorage())
        self._shared: SlidingWindowCounterRateLimiter | None = None
        if redis_url:
            storage = storage_from_string(
                redis_url,
                socket_timeout=REDIS_TIMEOUT_SECONDS,
                socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            )
            assert isinstance(storage, Storage)  # a synchronous storage (redis://, not async+redis://)
            self._shared = SlidingWindowCounterRateLimiter(storage)
        self._failed_at = -math.inf
        self._lock = threading.Lock()

    @property
    def degraded(self) -> bool:
        """True while Redis is unreachable and the limits are counted in this process only."""
        return self._shared is not None and time.monotonic() - self._failed_at < REDIS_RETRY_SECONDS

    def hit(self, identity: str, rates: str) -> int | None:
        """Count one request of `identity` against `rates` (`10/second;120/minute`, "" for none):
        None when it is allowed, else the whole seconds until it would be.

        When Redis cannot be reached the request is counted in this process instead (each server then
        holds the budget on its own) and Redis is tried again after `REDIS_RETRY_SECONDS`: failing
        closed would turn a Redis outage into a search outage, failing open would lift every limit."""
        items = _items(rates)
        if not items:
            return None
        if self._shared is not None and not self.degraded:
            try:
                return self._hit(self._shared, identity, items)
            except Exception as exc:  # redis errors are not one class: connection, timeout, response
                with self._lock:
                    self._failed_at = time.monotonic()
                log.warning("rate limit storage unavailable, counting in this process: %s", exc)
        return self._hit(self._local, identity, items)

    @staticmethod
    def _hit(
        limiter: SlidingWindowCounterRateLimiter, identity: str, items: tuple[RateLimitItem, ...]
    ) -> int | None:
        for item in items:
            if limiter.hit(item, identity):
                continue
            reset = limiter.get_window_stats(item, identity).reset_time
            return max(1, math.ceil(reset - time.time()))
        return None
