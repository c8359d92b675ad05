"""The staff work list: queries citizens typed that found nothing or that nobody clicked.

Reads ``query_log`` and ``click_log`` of the store (read-only), most frequent first.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

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


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def work_list(store_path: Path, limit: int = LIMIT) -> list[WorkItem]:
    """Zero-result queries, then low-click ones; each ordered by how often it was searched."""
    if not store_path.exists():
        return []
    conn = sqlite3.connect(f"file:{store_path}?mode=ro", uri=True, timeout=30)
    try:
        tables = _tables(conn)
        if "query_log" not in tables:
            return []
        zero = conn.execute(
            "SELECT query, COUNT(*) AS n FROM query_log WHERE page = 1 GROUP BY query "
            "HAVING MAX(total) = 0 ORDER BY n DESC, query LIMIT ?",
            (limit,),
        ).fetchall()
        items = [WorkItem(q, n, 0, True) for q, n in zero]
        if "click_log" in tables:
            low = conn.execute(
                "SELECT q.query, q.n, COALESCE(c.n, 0) FROM "
                "(SELECT query, COUNT(*) AS n, MAX(total) AS most FROM query_log WHERE page = 1 "
                " GROUP BY query) q "
                "LEFT JOIN (SELECT query, COUNT(*) AS n FROM click_log GROUP BY query) c "
                "ON c.query = q.query "
                "WHERE q.most > 0 AND q.n >= ? AND COALESCE(c.n, 0) < q.n * ? "
                "ORDER BY q.n DESC, q.query LIMIT ?",
                (LOW_CLICK_MIN_SEARCHES, LOW_CLICK_RATE, limit),
            ).fetchall()
            items += [WorkItem(q, n, clicks, False) for q, n, clicks in low]
        return items[:limit]
    finally:
        conn.close()
