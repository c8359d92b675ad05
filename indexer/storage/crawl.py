"""The crawler's state beside the documents: the frontier (`crawl_urls`), what each stored page
produced (`crawl_pages`), and near-duplicate fingerprints and reposts (`crawl_fingerprints`,
`crawl_fp_bands`, `crawl_reposts`, shared by all profiles because reposts cross sites).

Every call is its own short transaction, committed before it returns, so a crawl killed at any point
loses at most the page in flight; `Database.write()` groups calls that must land together.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    PrimaryKeyConstraint,
    Table,
    Text,
    delete,
    func,
    insert,
    select,
    text,
    update,
)

from indexer.storage.database import Database
from indexer.storage.sql import Record, insertion_order, metadata, now, upsert

crawl_urls = Table(
    "crawl_urls",
    metadata,
    Column("profile", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("status", Text, nullable=False, server_default="queued"),
    Column("kind", Text),
    Column("depth", Integer, nullable=False, server_default=text("0")),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("last_error", Text),
    Column("fetched_at", Text),
    Column("host", Text, nullable=False, server_default=""),
    PrimaryKeyConstraint("profile", "url"),
    Index("crawl_urls_status", "profile", "status", "depth"),
)

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

# SimHashes are unsigned 64-bit; both databases store signed 64-bit integers (SQLite INTEGER,
# PostgreSQL BIGINT), so they are stored shifted into the signed range and shifted back on reading.
SIMHASH = BigInteger().with_variant(Integer(), "sqlite")  # INTEGER is 64-bit in SQLite, as in release 0.1

crawl_fingerprints = Table(
    "crawl_fingerprints",
    metadata,
    Column("doc_id", Text, primary_key=True),
    Column("url", Text, nullable=False),
    Column("doc_number", Text, nullable=False),
    Column("title_key", Text, nullable=False),
    Column("simhash", SIMHASH, nullable=False),
    Index("crawl_fp_number", "doc_number"),
)

crawl_fp_bands = Table(
    "crawl_fp_bands",
    metadata,
    Column("band", Integer, nullable=False, autoincrement=False),  # band number * 256 + its 8 bits
    Column("doc_id", Text, nullable=False),
    PrimaryKeyConstraint("band", "doc_id"),
)

crawl_reposts = Table(
    "crawl_reposts",
    metadata,
    Column("canonical_id", Text, nullable=False),
    Column("url", Text, primary_key=True),
    Column("site", Text, nullable=False),
    Index("crawl_reposts_canonical", "canonical_id"),
)

_U64 = 1 << 64


def to_signed(value: int) -> int:
    return value - _U64 if value >= 1 << 63 else value


def to_unsigned(value: int) -> int:
    return value & (_U64 - 1)


def _url_key(profile: str, url: str) -> tuple[Any, ...]:
    return (crawl_urls.c.profile == profile, crawl_urls.c.url == url)


class FrontierRows:
    """`crawl_urls` rows of one profile."""

    def __init__(self, database: Database, profile: str) -> None:
        self.database = database
        self.profile = profile
        self._enqueue = upsert(database.dialect, crawl_urls).on_conflict_do_nothing()
        self._order = [crawl_urls.c.depth, *insertion_order(database.dialect, crawl_urls)]

    def requeue_statuses(self, statuses: list[str], *, reset_attempts: bool = False) -> None:
        mine = crawl_urls.c.profile == self.profile
        with self.database.write() as conn:
            if reset_attempts:
                conn.execute(update(crawl_urls).where(mine).values(attempts=0))
            conn.execute(
                update(crawl_urls).where(mine, crawl_urls.c.status.in_(statuses)).values(status="queued")
            )

    def requeue_failed(self, max_attempts: int) -> None:
        """Failures with attempts left are queued again."""
        with self.database.write() as conn:
            conn.execute(
                update(crawl_urls)
                .where(crawl_urls.c.profile == self.profile, crawl_urls.c.status == "failed")
                .where(crawl_urls.c.attempts < max_attempts)
                .values(status="queued")
            )

    def add(self, url: str, kind: str | None, depth: int, host: str) -> bool:
        """Add a URL unless it is known already; True when it was new."""
        row = {"profile": self.profile, "url": url, "kind": kind, "depth": depth, "host": host}
        with self.database.write() as conn:
            return conn.execute(self._enqueue, row).rowcount > 0

    def claim(self, busy_hosts: Iterable[str]) -> Record | None:
        """The next queued row (url, kind, depth, attempts) on a host not in `busy_hosts`, shallowest
        first, then oldest, marked as being fetched (one transaction)."""
        query = (
            select(crawl_urls.c.url, crawl_urls.c.kind, crawl_urls.c.depth, crawl_urls.c.attempts)
            .where(crawl_urls.c.profile == self.profile, crawl_urls.c.status == "queued")
            .where(crawl_urls.c.host.not_in(sorted(busy_hosts)))
            .order_by(*self._order)
            .limit(1)
        )
        with self.database.write() as conn:
            row = conn.execute(query).first()
            if row is not None:
                claimed = update(crawl_urls).where(*_url_key(self.profile, row.url))
                conn.execute(claimed.values(status="fetching", attempts=crawl_urls.c.attempts + 1))
        return row

    def requeue_url(self, url: str) -> None:
        """Queue a known URL again, for every profile that knows it."""
        with self.database.write() as conn:
            conn.execute(
                update(crawl_urls).where(crawl_urls.c.url == url).values(status="queued", attempts=0)
            )

    def mark(self, url: str, status: str, error: str | None) -> None:
        values = {"status": status, "last_error": error, "fetched_at": now()}
        with self.database.write() as conn:
            conn.execute(update(crawl_urls).where(*_url_key(self.profile, url)).values(values))

    def count(self, status: str | None = None) -> int:
        query = select(func.count()).where(crawl_urls.c.profile == self.profile)
        if status is not None:
            query = query.where(crawl_urls.c.status == status)
        with self.database.read() as conn:
            return int(conn.execute(query).scalar_one())

    def statuses(self) -> dict[str, str]:
        query = select(crawl_urls.c.url, crawl_urls.c.status).where(crawl_urls.c.profile == self.profile)
        with self.database.read() as conn:
            return {str(url): str(status) for url, status in conn.execute(query)}


class PageRows:
    """`crawl_pages` rows of one profile."""

    def __init__(self, database: Database, profile: str) -> None:
        self.database = database
        self.profile = profile
        ins = upsert(database.dialect, crawl_pages)
        changed = ("etag", "last_modified", "doc_id", "doc_hash", "withdrawn", "fetched_at")
        self._record = ins.on_conflict_do_update(
            index_elements=[crawl_pages.c.profile, crawl_pages.c.url],
            set_={name: ins.excluded[name] for name in changed},
        )

    def _key(self, url: str) -> tuple[Any, ...]:
        return (crawl_pages.c.profile == self.profile, crawl_pages.c.url == url)

    def get(self, url: str) -> Record | None:
        """(etag, last_modified, doc_id, doc_hash, withdrawn) of the page, if it was stored."""
        c = crawl_pages.c
        query = select(c.etag, c.last_modified, c.doc_id, c.doc_hash, c.withdrawn).where(*self._key(url))
        with self.database.read() as conn:
            return conn.execute(query).first()

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
        with self.database.write() as conn:
            conn.execute(self._record, row)

    def withdraw(self, url: str) -> int:
        """Mark the page gone (validators cleared); how many live pages still carry its document."""
        with self.database.write() as conn:
            doc_id = conn.execute(select(crawl_pages.c.doc_id).where(*self._key(url))).scalar()
            gone = update(crawl_pages).where(*self._key(url))
            conn.execute(gone.values(withdrawn=1, etag="", last_modified="", fetched_at=now()))
            others = select(func.count()).where(crawl_pages.c.doc_id == doc_id, crawl_pages.c.withdrawn == 0)
            return int(conn.execute(others).scalar_one())

    def forget_hash(self, url: str) -> None:
        with self.database.write() as conn:
            conn.execute(update(crawl_pages).where(crawl_pages.c.url == url).values(doc_hash=None))


class FingerprintRows:
    """Fingerprints, their SimHash bands, and reposts."""

    def __init__(self, database: Database) -> None:
        self.database = database
        ins = upsert(database.dialect, crawl_fingerprints)
        self._remember = ins.on_conflict_do_update(
            index_elements=[crawl_fingerprints.c.doc_id],
            set_={c.name: ins.excluded[c.name] for c in crawl_fingerprints.c if c.name != "doc_id"},
        )
        self._add_band = upsert(database.dialect, crawl_fp_bands).on_conflict_do_nothing()
        self._repost_order = insertion_order(database.dialect, crawl_reposts)

    def same_number(self, doc_number: str, title_key: str, other_than: str) -> str | None:
        """A document with this 发文字号 and title key, other than `other_than`."""
        f = crawl_fingerprints.c
        query = select(f.doc_id).where(
            f.doc_number == doc_number, f.title_key == title_key, f.doc_id != other_than
        )
        with self.database.read() as conn:
            found = conn.execute(query.limit(1)).scalar()
        return str(found) if found is not None else None

    def sharing_a_band(self, bands: list[int], other_than: str) -> list[tuple[str, int, str]]:
        """(doc_id, simhash, title_key) of documents sharing a SimHash band, other than `other_than`."""
        f = crawl_fingerprints.c
        banded = select(crawl_fp_bands.c.doc_id).where(crawl_fp_bands.c.band.in_(bands))
        query = select(f.doc_id, f.simhash, f.title_key).where(f.doc_id.in_(banded), f.doc_id != other_than)
        with self.database.read() as conn:
            return [(str(d), to_unsigned(int(s)), str(t)) for d, s, t in conn.execute(query)]

    def remember(self, row: dict[str, Any], bands: list[int]) -> None:
        """Store a fingerprint (doc_id, url, doc_number, title_key, simhash) and replace its bands."""
        doc_id = row["doc_id"]
        with self.database.write() as conn:
            conn.execute(self._remember, {**row, "simhash": to_signed(row["simhash"])})
            conn.execute(delete(crawl_fp_bands).where(crawl_fp_bands.c.doc_id == doc_id))
            if bands:
                conn.execute(self._add_band, [{"band": band, "doc_id": doc_id} for band in bands])

    def add_repost(self, canonical_id: str, url: str, site: str) -> None:
        """Record (or move to the end of the list) a repost of `canonical_id`."""
        with self.database.write() as conn:
            conn.execute(delete(crawl_reposts).where(crawl_reposts.c.url == url))
            conn.execute(insert(crawl_reposts), {"canonical_id": canonical_id, "url": url, "site": site})

    def remove_repost(self, url: str) -> str | None:
        """Forget a repost; the canonical id it belonged to, if any."""
        with self.database.write() as conn:
            found = conn.execute(
                select(crawl_reposts.c.canonical_id).where(crawl_reposts.c.url == url)
            ).scalar()
            conn.execute(delete(crawl_reposts).where(crawl_reposts.c.url == url))
        return str(found) if found is not None else None

    def forget(self, doc_id: str) -> list[str]:
        """Drop a canonical's fingerprint, bands and reposts; the URLs of those reposts."""
        mine = crawl_reposts.c.canonical_id == doc_id
        with self.database.write() as conn:
            urls = [str(url) for url in conn.execute(select(crawl_reposts.c.url).where(mine)).scalars()]
            conn.execute(delete(crawl_reposts).where(mine))
            conn.execute(delete(crawl_fingerprints).where(crawl_fingerprints.c.doc_id == doc_id))
            conn.execute(delete(crawl_fp_bands).where(crawl_fp_bands.c.doc_id == doc_id))
        return urls

    def reposts(self, canonical_id: str) -> list[tuple[str, str]]:
        """(site, url) of the reposts of `canonical_id`, oldest first."""
        query = (
            select(crawl_reposts.c.site, crawl_reposts.c.url)
            .where(crawl_reposts.c.canonical_id == canonical_id)
            .order_by(*self._repost_order)
        )
        with self.database.read() as conn:
            return [(str(site), str(url)) for site, url in conn.execute(query)]
