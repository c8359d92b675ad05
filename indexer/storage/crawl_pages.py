"""What the crawler knows about each stored detail page (`crawl_pages`): validators for a conditional
GET, the document it produced and that document's hash. Looked up and written once per page, on the
hot path (`Database.rows`/`run`)."""

from __future__ import annotations

from functools import cache

from sqlalchemy import (
    Column,
    Integer,
    PrimaryKeyConstraint,
    Table,
    Text,
    and_,
    bindparam,
    func,
    select,
    text,
    update,
)
from sqlalchemy.dialects.sqlite import Insert as SQLiteInsert

from indexer.storage.database import Database
from indexer.storage.sql import metadata, now, upsert

crawl_pages = Table(
    "crawl_pages",
    metadata,
    Column("profile", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("etag", Text, nullable=False, server_default=""),
    Column("last_modified", Text, nullable=False, server_default=""),
    Column("doc_id", Text),
    Column("doc_hash", Text),
    Column("withdrawn", Integer, nullable=False, server_default=text("0")),
    Column("fetched_at", Text, nullable=False),
    PrimaryKeyConstraint("profile", "url"),
)

_c = crawl_pages.c
_ROW = and_(_c.profile == bindparam("p"), _c.url == bindparam("u"))
_GET = select(_c.etag, _c.last_modified, _c.doc_id, _c.doc_hash, _c.withdrawn).where(_ROW)
_GONE = (
    update(crawl_pages).where(_ROW).values(withdrawn=1, etag="", last_modified="", fetched_at=bindparam("at"))
)
_STILL_LIVE = (
    select(func.count()).select_from(crawl_pages).where(_c.doc_id == bindparam("d"), _c.withdrawn == 0)
)
_FORGET_HASH = update(crawl_pages).where(_c.url == bindparam("u")).values(doc_hash=None)

PageRow = tuple[str, str, str | None, str | None, int]  # etag, last_modified, doc_id, doc_hash, withdrawn


@cache
def _record_statement(dialect: str) -> SQLiteInsert:
    ins = upsert(dialect, crawl_pages)
    changed = ("etag", "last_modified", "doc_id", "doc_hash", "withdrawn", "fetched_at")
    return ins.on_conflict_do_update(  # type: ignore[return-value]
        index_elements=[_c.profile, _c.url], set_={name: ins.excluded[name] for name in changed}
    )


class PageRows:
    """`crawl_pages` rows of one profile."""

    def __init__(self, database: Database, profile: str) -> None:
        self.database = database
        self.profile = profile
        self._record = _record_statement(database.dialect)

    def get(self, url: str) -> PageRow | None:
        rows = self.database.rows(_GET, {"p": self.profile, "u": url})
        return rows[0] if rows else None

    def record(
        self, url: str, etag: str, last_modified: str, doc_id: str | None, doc_hash: str | None
    ) -> None:
        row = {
            "profile": self.profile,
            "url": url,
            "etag": etag,
            "last_modified": last_modified,
            "doc_id": doc_id,
            "doc_hash": doc_hash,
            "withdrawn": 0,
            "fetched_at": now(),
        }
        self.database.run(self._record, row)

    def withdraw(self, url: str, doc_id: str | None) -> int:
        """Mark the page gone (validators cleared); how many live pages still carry `doc_id`."""
        with self.database.write():
            self.database.run(_GONE, {"p": self.profile, "u": url, "at": now()})
            return int(self.database.rows(_STILL_LIVE, {"d": doc_id})[0][0])

    def forget_hash(self, url: str) -> None:
        self.database.run(_FORGET_HASH, {"u": url})
