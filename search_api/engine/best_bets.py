"""Best bets: staff pin a document to a query, with author, comment and expiry.

Kept in the store's SQLite file, in a table of their own. A pin matches a query exactly or after
normalisation (traditional→simplified, width, case, spaces and punctuation ignored); at most
`MAX_PER_QUERY` pins show, above the ranked results, labelled.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from dataclasses import dataclass

from indexer.analysis import normalize
from indexer.sqlite_db import SQLiteDatabase

MAX_PER_QUERY = 2
_PUNCTUATION = re.compile(r"[\s\W_]+", re.UNICODE)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS best_bets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    query TEXT NOT NULL,
    query_key TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    author TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    expires TEXT,
    created TEXT NOT NULL,
    UNIQUE (query_key, doc_id)
);
CREATE INDEX IF NOT EXISTS best_bets_key ON best_bets (query_key);
"""


class BestBetError(ValueError):
    pass


@dataclass(frozen=True)
class BestBet:
    id: int
    query: str
    doc_id: str
    author: str
    comment: str
    expires: dt.date | None
    created: str


def query_key(query: str) -> str:
    """The normalised form pins are matched on: 社保卡 补办 = 社保卡补办 = 社保卡補辦。"""
    return _PUNCTUATION.sub("", normalize(query))


class BestBets(SQLiteDatabase):
    """Pins in the store's SQLite file; looked up on every first results page, so connections are kept."""

    schema = _SCHEMA

    def add(
        self, query: str, doc_id: str, author: str, comment: str = "", expires: dt.date | None = None
    ) -> int:
        key = query_key(query)
        if not key:
            raise BestBetError("查询词不能为空")
        if not author.strip():
            raise BestBetError("请填写置顶人（--author）")
        if expires and expires < dt.date.today():
            raise BestBetError(f"到期日 {expires} 已经过去")
        if len(self.for_query(query)) >= MAX_PER_QUERY:
            raise BestBetError(f"查询“{query}”已有 {MAX_PER_QUERY} 条置顶，请先删除一条")
        created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        try:
            with self._connect() as conn:
                cur = conn.execute(
                    "INSERT INTO best_bets (query, query_key, doc_id, author, comment, expires, created)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        query.strip(),
                        key,
                        doc_id,
                        author.strip(),
                        comment.strip(),
                        expires and expires.isoformat(),
                        created,
                    ),
                )
        except sqlite3.IntegrityError:
            raise BestBetError(f"文档 {doc_id} 已置顶在查询“{query}”上") from None
        return int(cur.lastrowid or 0)

    def remove(self, bet_id: int) -> None:
        with self._connect() as conn:
            if conn.execute("DELETE FROM best_bets WHERE id = ?", (bet_id,)).rowcount == 0:
                raise BestBetError(f"没有编号为 {bet_id} 的置顶")

    def all(self) -> list[BestBet]:
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT id, query, doc_id, author, comment, expires, created FROM best_bets"
                " ORDER BY query_key, id"
            ).fetchall()
        return [_bet(row) for row in rows]

    def for_query(self, query: str, today: dt.date | None = None) -> list[BestBet]:
        """Unexpired pins for the query, oldest first, at most MAX_PER_QUERY."""
        day = (today or dt.date.today()).isoformat()
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT id, query, doc_id, author, comment, expires, created FROM best_bets"
                " WHERE query_key = ? AND (expires IS NULL OR expires >= ?) ORDER BY id LIMIT ?",
                (query_key(query), day, MAX_PER_QUERY),
            ).fetchall()
        return [_bet(row) for row in rows]


def _bet(row: tuple[object, ...]) -> BestBet:
    bet_id, query, doc_id, author, comment, expires, created = row
    return BestBet(
        int(str(bet_id)),
        str(query),
        str(doc_id),
        str(author),
        str(comment),
        dt.date.fromisoformat(str(expires)) if expires else None,
        str(created),
    )
