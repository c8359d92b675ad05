"""Rate limits with the `limits` library: counted in this process, or in Redis when
`GOVSEARCH_REDIS_URL` is set, so that several API servers share one budget per key and per client.

A sliding window counter per identity (`portal:<name>`, `anon:<kind>:<client address>`): cheap in
memory and in Redis (two counters a window), and no burst of twice the rate at a window's edge.
"""

from __future__ import annotations

import logging
import math
import time
from functools import cache

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter

log = logging.getLogger(__name__)


@cache
def _items(rates: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(rates)) if rates.strip() else ()


class RateLimiter:
    def __init__(self, redis_url: str | None = None) -> None:
        storage = storage_from_string(redis_url) if redis_url else MemoryStorage()
        assert isinstance(storage, Storage)  # a synchronous storage (redis://, not async+redis://)
        self.shared = redis_url is not None
        self._limiter = SlidingWindowCounterRateLimiter(storage)

    def hit(self, identity: str, rates: str) -> int | None:
        """Count one request of `identity` against `rates` (`10/second;120/minute`, "" for none):
        None when it is allowed, else the whole seconds until it would be.

        When Redis cannot be reached the request is allowed and the failure logged: a limit that
        fails closed would turn a Redis outage into a search outage."""
        for item in _items(rates):
            try:
                if self._limiter.hit(item, identity):
                    continue
                reset = self._limiter.get_window_stats(item, identity).reset_time
            except Exception as exc:  # redis errors are not one class: connection, timeout, response
                log.warning("rate limit storage unavailable, request allowed: %s", exc)
                return None
            return max(1, math.ceil(reset - time.time()))
        return None
