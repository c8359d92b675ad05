"""The staff work list: queries citizens typed that found nothing or that nobody clicked.

Reads the query log and the click log of the store (read-only), most frequent first.
"""

from __future__ import annotations

from dataclasses import dataclass

from indexer.storage import Database
from indexer.storage.logs import QueryLog

LOW_CLICK_MIN_SEARCHES = 3  # fewer searches say too little about click rate
LOW_CLICK_RATE = 0.1
LIMIT = 100


@dataclass(frozen=True)
class WorkItem:
    query: str
    searches: int
    clicks: int
    zero_results: bool

    @property
    def reason(self) -> str:
        return "无结果" if self.zero_results else f"点击少（{self.clicks}/{self.searches}）"


def work_list(database: Database, limit: int = LIMIT) -> list[WorkItem]:
    """Zero-result queries, then low-click ones; each ordered by how often it was searched."""
    log = QueryLog(database)
    items = [WorkItem(q, n, 0, True) for q, n in log.zero_result_queries(limit)]
    low = log.low_click_queries(LOW_CLICK_MIN_SEARCHES, LOW_CLICK_RATE, limit)
    items += [WorkItem(q, n, clicks, False) for q, n, clicks in low]
    return items[:limit]
