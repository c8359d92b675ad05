"""The query log and the click log: what citizens searched and clicked, never who they are.

Written on every search and click; read for 热搜, suggestions and 相关搜索 (popular queries) and for
the staff work list (zero-result and low-click queries). A logged query carries a visitor hash (the
address and browser hashed with the day's salt, `visitor_salts`; the salt is deleted after its day), so
popular queries count distinct people without anyone being identifiable. Usage per embedding portal
(the portal whose key asked) is read from the same rows.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Index,
    Insert,
    Integer,
    Table,
    Text,
    bindparam,
    case,
    delete,
    func,
    insert,
    select,
)

from indexer.storage.database import Database
from indexer.storage.log_writer import writer_for
from indexer.storage.sql import metadata, now, upsert

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
    Column("visitor", Text),  # salted hash of the day (see above); NULL before revision 0002_i15
    Column("portal", Text),  # the embedding portal whose key asked (NULL: the site's own pages, anonymous)
    Index("query_log_query", "query"),
    Index("query_log_at", "at"),
    Index("query_log_portal", "portal", "at"),
    sqlite_autoincrement=True,
)

# The salt of each day's visitor hashes; only today's is kept.
visitor_salts = Table(
    "visitor_salts",
    metadata,
    Column("day", Text, primary_key=True),
    Column("salt", Text, nullable=False),
)

# A click on a result: which query, which document, at which 1-based position, and the day's visitor
# hash (as for searches), so that popular documents count distinct people. Nothing personal.
click_log = Table(
    "click_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", Text, nullable=False),
    Column("query", Text, nullable=False),
    Column("doc_id", Text, nullable=False),
    Column("position", Integer, nullable=False),
    Column("portal", Text),
    Column("visitor", Text),  # NULL before revision 0006_i13_click_visitors
    Index("click_log_query", "query"),
    Index("click_log_portal", "portal", "at"),
    Index("click_log_at", "at"),
    sqlite_autoincrement=True,
)

_LOG_QUERY = insert(query_log)
_LOG_CLICK = insert(click_log)
_SALT = select(visitor_salts.c.salt).where(visitor_salts.c.day == bindparam("day"))


class QueryLog:
    """Rows are written straight away on SQLite and inside an open transaction, else by the process's
    batch writer (`log_writer`); every read here first writes what this process has queued."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._writer = writer_for(database)

    def _write(self, statement: Insert, row: dict[str, Any]) -> None:
        if self._writer is None or self.database.in_transaction():
            self.database.run(statement, row)
        else:
            self._writer.add(statement, row)

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        if self._writer is not None:
            self._writer.flush()
        with self.database.read() as conn:
            yield conn

    def log_query(
        self,
        query: str,
        kind: str | None,
        page: int,
        total: int,
        filters: str = "",
        visitor: str = "",
        *,
        portal: str | None = None,
    ) -> None:
        """On the hot path of every search: a local write on SQLite, a queued row elsewhere."""
        row = {"at": now(), "query": query, "type": kind, "page": page, "total": total, "filters": filters}
        self._write(_LOG_QUERY, row | {"visitor": visitor or None, "portal": portal})

    def salt_of(self, day: str) -> str:
        """The salt of `day` (made on first use, the same for every process); older salts are deleted,
        so yesterday's hashes can no longer be recomputed by anyone."""
        found = self.database.rows(_SALT, {"day": day})
        if found:
            return str(found[0][0])
        with self.database.write() as conn:
            conn.execute(delete(visitor_salts).where(visitor_salts.c.day != day))
            fresh = {"day": day, "salt": secrets.token_hex(16)}
            conn.execute(upsert(self.database.dialect, visitor_salts).values(fresh).on_conflict_do_nothing())
            return str(conn.execute(_SALT, {"day": day}).scalar_one())

    def log_click(
        self, query: str, doc_id: str, position: int, *, portal: str | None = None, visitor: str = ""
    ) -> None:
        row = {"at": now(), "query": query, "doc_id": doc_id, "position": position, "portal": portal}
        self._write(_LOG_CLICK, row | {"visitor": visitor or None})

    def purge(self, before: str) -> int:
        """Delete searches and clicks logged before `before` (ISO time); returns how many rows went."""
        with self.database.write() as conn:
            searches = conn.execute(delete(query_log).where(query_log.c.at < before)).rowcount
            clicks = conn.execute(delete(click_log).where(click_log.c.at < before)).rowcount
        return int(searches or 0) + int(clicks or 0)

    def popular(self, min_visitors: int, since: str, limit: int) -> list[tuple[str, int]]:
        """(query, visitors) of queries that found something, searched since `since` (an ISO time) by
        at least `min_visitors` different visitors, most visitors first. Queries logged without a
        visitor hash do not count: one person repeating a phrase is one visitor."""
        found_something = [query_log.c.total > 0]
        return self._most_visitors(query_log, query_log.c.query, found_something, since, min_visitors, limit)

    def popular_documents(self, min_visitors: int, since: str, limit: int) -> list[tuple[str, int]]:
        """(document id, visitors) of results opened since `since` (an ISO time) by at least
        `min_visitors` different visitors, most visitors first; clicks without a visitor hash do not
        count, so one person or script clicking a result again and again cannot make it popular."""
        return self._most_visitors(click_log, click_log.c.doc_id, [], since, min_visitors, limit)

    def _most_visitors(
        self, table: Table, key: Any, conditions: list[Any], since: str, min_visitors: int, limit: int
    ) -> list[tuple[str, int]]:
        """(key, distinct visitors) of the log rows since `since`: at least `min_visitors`, most first,
        `limit` of them (ties by key)."""
        visitors = func.count(table.c.visitor.distinct()).label("visitors")
        query = (
            select(key, visitors)
            .where(*conditions, table.c.at >= since)
            .group_by(key)
            .having(visitors >= min_visitors)
            .order_by(visitors.desc(), key)
            .limit(limit)
        )
        with self._read() as conn:
            return [(str(k), int(n)) for k, n in conn.execute(query)]

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
        with self._read() as conn:
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
        with self._read() as conn:
            return [(str(q), int(n), int(c)) for q, n, c in conn.execute(query)]

    # -- usage per embedding portal (first result pages count as searches) ------------------------
    def portal_days(self, portal: str, since: str) -> list[tuple[str, int, int, int]]:
        """(day, searches, zero-result searches, clicks) of one portal for each day since `since`."""
        day = func.substr(query_log.c.at, 1, 10).label("day")
        zero = func.sum(case((query_log.c.total == 0, 1), else_=0))
        searched = (
            select(day, func.count(), zero)
            .where(query_log.c.portal == portal, query_log.c.page == 1, query_log.c.at >= since)
            .group_by(day)
        )
        click_day = func.substr(click_log.c.at, 1, 10).label("day")
        clicked = (
            select(click_day, func.count())
            .where(click_log.c.portal == portal, click_log.c.at >= since)
            .group_by(click_day)
        )
        with self._read() as conn:
            searches = {str(d): (int(n), int(z)) for d, n, z in conn.execute(searched)}
            clicks = {str(d): int(n) for d, n in conn.execute(clicked)}
        days = sorted(set(searches) | set(clicks))
        return [(d, *searches.get(d, (0, 0)), clicks.get(d, 0)) for d in days]

    def portal_top_queries(self, portal: str, since: str, limit: int) -> list[tuple[str, int, int]]:
        """(query, searches, of which found nothing) of one portal, most searched first."""
        searches = func.count().label("n")
        zero = func.sum(case((query_log.c.total == 0, 1), else_=0))
        query = (
            select(query_log.c.query, searches, zero)
            .where(query_log.c.portal == portal, query_log.c.page == 1, query_log.c.at >= since)
            .group_by(query_log.c.query)
            .order_by(searches.desc(), query_log.c.query)
            .limit(limit)
        )
        with self._read() as conn:
            return [(str(q), int(n), int(z)) for q, n, z in conn.execute(query)]

    def portal_totals(self, since: str) -> dict[str, tuple[int, int, int]]:
        """Portal → (searches, zero-result searches, clicks) since `since`, for every portal used."""
        zero = func.sum(case((query_log.c.total == 0, 1), else_=0))
        searched = (
            select(query_log.c.portal, func.count(), zero)
            .where(query_log.c.portal.is_not(None), query_log.c.page == 1, query_log.c.at >= since)
            .group_by(query_log.c.portal)
        )
        clicked = (
            select(click_log.c.portal, func.count())
            .where(click_log.c.portal.is_not(None), click_log.c.at >= since)
            .group_by(click_log.c.portal)
        )
        with self._read() as conn:
            searches = {str(p): (int(n), int(z)) for p, n, z in conn.execute(searched)}
            clicks = {str(p): int(n) for p, n in conn.execute(clicked)}
        return {p: (*searches.get(p, (0, 0)), clicks.get(p, 0)) for p in sorted(set(searches) | set(clicks))}
