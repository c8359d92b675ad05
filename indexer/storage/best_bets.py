"""The `best_bets` table: documents staff pinned to a query, looked up on every first results page."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Column,
    Index,
    Integer,
    Table,
    Text,
    UniqueConstraint,
    bindparam,
    delete,
    insert,
    or_,
    select,
)
from sqlalchemy.exc import IntegrityError

from indexer.storage.database import Database
from indexer.storage.sql import Record, metadata, new_id

best_bets = Table(
    "best_bets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("query", Text, nullable=False),
    Column("query_key", Text, nullable=False),  # the normalised query pins are matched on
    Column("doc_id", Text, nullable=False),
    Column("author", Text, nullable=False),
    Column("comment", Text, nullable=False, server_default=""),
    Column("expires", Text),  # YYYY-MM-DD, the last day it shows; NULL: no end
    Column("created", Text, nullable=False),
    UniqueConstraint("query_key", "doc_id"),
    Index("best_bets_key", "query_key"),
    sqlite_autoincrement=True,
)

_COLUMNS = (
    best_bets.c.id,
    best_bets.c.query,
    best_bets.c.doc_id,
    best_bets.c.author,
    best_bets.c.comment,
    best_bets.c.expires,
    best_bets.c.created,
)
_FOR_KEY = (
    select(*_COLUMNS)
    .where(
        best_bets.c.query_key == bindparam("key"),
        or_(best_bets.c.expires.is_(None), best_bets.c.expires >= bindparam("day")),
    )
    .order_by(best_bets.c.id)
    .limit(bindparam("limit"))
)


class BestBetRows:
    def __init__(self, database: Database) -> None:
        self.database = database

    def add(self, row: dict[str, str | None]) -> int | None:
        """Insert a pin; its id, or None when this document is already pinned to this query key."""
        try:
            with self.database.write() as conn:
                return new_id(conn.execute(insert(best_bets), row))
        except IntegrityError:
            return None

    def remove(self, bet_id: int) -> bool:
        with self.database.write() as conn:
            return conn.execute(delete(best_bets).where(best_bets.c.id == bet_id)).rowcount > 0

    def all(self) -> list[Record]:
        with self.database.read() as conn:
            return list(conn.execute(select(*_COLUMNS).order_by(best_bets.c.query_key, best_bets.c.id)))

    def for_key(self, key: str, day: str, limit: int) -> list[tuple[Any, ...]]:
        """(id, query, doc_id, author, comment, expires, created) of the pins for `key` that have not
        expired on `day`, oldest first; on the hot path of every first results page."""
        return self.database.rows(_FOR_KEY, {"key": key, "day": day, "limit": limit})
