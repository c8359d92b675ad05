"""The query log and the click log: what citizens searched and clicked, never who they are.

Written on every search and click; read for 热搜, suggestions and 相关搜索 (popular queries) and for
the staff work list (zero-result and low-click queries).
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, Table, Text, func, insert, select

from indexer.storage.database import Database
from indexer.storage.sql import metadata, now

query_log = Table(
    "query_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", Text, nullable=False),
    Column("query", Text, nullable=False),
    Column("type", Text),
    Column("page", Integer, nullable=False),
    Column("total", Integer, nullable=False),
    # The other filters as URL parameters (publisher=…&year=…), never anything personal.
    Column("filters", Text, nullable=False, server_default=""),
    Index("query_log_query", "query"),
    sqlite_autoincrement=True,
)

# A click on a result: which query, which document, at which 1-based position. Nothing personal.
click_log = Table(
    "click_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", Text, nullable=False),
    Column("query", Text, nullable=False),
    Column("doc_id", Text, nullable=False),
    Column("position", Integer, nullable=False),
    Index("click_log_query", "query"),
    sqlite_autoincrement=True,
)

_LOG_QUERY = insert(query_log)
_LOG_CLICK = insert(click_log)


class QueryLog:
    def __init__(self, database: Database) -> None:
        self.database = database

    def log_query(self, query: str, kind: str | None, page: int, total: int, filters: str = "") -> None:
        """On the hot path of every search (`Database.run`)."""
        row = {"at": now(), "query": query, "type": kind, "page": page, "total": total, "filters": filters}
        self.database.run(_LOG_QUERY, row)

    def log_click(self, query: str, doc_id: str, position: int) -> None:
        self.database.run(_LOG_CLICK, {"at": now(), "query": query, "doc_id": doc_id, "position": position})

    def popular(self, min_searches: int, limit: int) -> list[tuple[str, int]]:
        """(query, searches) of queries that found something, searched at least `min_searches` times,
        most searched first."""
        searches = func.count().label("searches")
        query = (
            select(query_log.c.query, searches)
            .where(query_log.c.total > 0)
            .group_by(query_log.c.query)
            .having(func.count() >= min_searches)
            .order_by(searches.desc(), query_log.c.query)
            .limit(limit)
        )
        with self.database.read() as conn:
            return [(str(q), int(n)) for q, n in conn.execute(query)]

    def zero_result_queries(self, limit: int) -> list[tuple[str, int]]:
        """(query, searches) of first pages that never found anything, most searched first."""
        searches = func.count().label("n")
        query = (
            select(query_log.c.query, searches)
            .where(query_log.c.page == 1)
            .group_by(query_log.c.query)
            .having(func.max(query_log.c.total) == 0)
            .order_by(searches.desc(), query_log.c.query)
            .limit(limit)
        )
        with self.database.read() as conn:
            return [(str(q), int(n)) for q, n in conn.execute(query)]

    def low_click_queries(self, min_searches: int, max_rate: float, limit: int) -> list[tuple[str, int, int]]:
        """(query, searches, clicks) of first pages that found something but were searched at least
        `min_searches` times and clicked less than `max_rate` of those times."""
        searched = (
            select(query_log.c.query, func.count().label("n"), func.max(query_log.c.total).label("most"))
            .where(query_log.c.page == 1)
            .group_by(query_log.c.query)
            .subquery("q")
        )
        clicked = select(click_log.c.query, func.count().label("n")).group_by(click_log.c.query).subquery("c")
        clicks = func.coalesce(clicked.c.n, 0)
        query = (
            select(searched.c.query, searched.c.n, clicks)
            .select_from(searched.outerjoin(clicked, clicked.c.query == searched.c.query))
            .where(searched.c.most > 0, searched.c.n >= min_searches, clicks < searched.c.n * max_rate)
            .order_by(searched.c.n.desc(), searched.c.query)
            .limit(limit)
        )
        with self.database.read() as conn:
            return [(str(q), int(n), int(c)) for q, n, c in conn.execute(query)]
