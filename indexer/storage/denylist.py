"""The staff denylist (屏蔽词): queries containing one of these words never appear in 热搜, suggestions
or 相关搜索. Kept in the store so that every API server applies a change at its next query.

Readers check `signature()` (one indexed read) and re-read the words only when it changed: ids only
grow, so an addition raises the largest id and a removal lowers the count.
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, Table, Text, delete, func, select

from indexer.storage.database import Database
from indexer.storage.sql import metadata, now, upsert

denylist = Table(
    "denylist",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("word", Text, nullable=False, unique=True),
    Column("added_by", Text, nullable=False),
    Column("at", Text, nullable=False),
    sqlite_autoincrement=True,
)

_SIGNATURE = select(func.count(), func.coalesce(func.max(denylist.c.id), 0))
_WORDS = select(denylist.c.word)
_ALL = select(denylist.c.word, denylist.c.added_by, denylist.c.at).order_by(denylist.c.word)


class DenylistRows:
    def __init__(self, database: Database) -> None:
        self.database = database

    def signature(self) -> tuple[int, int]:
        """(words, largest id): changes whenever a word is added or removed."""
        count, largest = self.database.rows(_SIGNATURE)[0]
        return int(count), int(largest)

    def words(self) -> frozenset[str]:
        return frozenset(str(word) for (word,) in self.database.rows(_WORDS))

    def all(self) -> list[tuple[str, str, str]]:
        """(word, added by, when), by word."""
        return [(str(w), str(b), str(a)) for w, b, a in self.database.rows(_ALL)]

    def add(self, word: str, added_by: str) -> bool:
        """True when the word was new."""
        row = {"word": word, "added_by": added_by, "at": now()}
        statement = upsert(self.database.dialect, denylist).values(row).on_conflict_do_nothing()
        with self.database.write() as conn:
            return conn.execute(statement).rowcount > 0

    def remove(self, word: str) -> bool:
        """True when the word was there."""
        with self.database.write() as conn:
            return conn.execute(delete(denylist).where(denylist.c.word == word)).rowcount > 0
