"""Near-duplicate detection's state, shared by all crawl profiles (reposts cross sites): each canonical
policy's fingerprint (`crawl_fingerprints`), its SimHash bands (`crawl_fp_bands`, indexed, so
candidates are found without a scan) and the pages that repost it (`crawl_reposts`).

SimHashes are unsigned 64-bit; both databases store signed 64-bit integers (SQLite INTEGER,
PostgreSQL BIGINT), so they are stored shifted into the signed range and shifted back on reading.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    PrimaryKeyConstraint,
    Select,
    Table,
    Text,
    bindparam,
    delete,
    insert,
    select,
)

from indexer.storage.database import Database
from indexer.storage.sql import insertion_order, insertion_sequence, metadata, upsert

crawl_fingerprints = Table(
    "crawl_fingerprints",
    metadata,
    Column("doc_id", Text, primary_key=True),
    Column("url", Text, nullable=False),
    Column("doc_number", Text, nullable=False),
    Column("title_key", Text, nullable=False),
    # INTEGER is SQLite's 64-bit integer (and what release 0.1 declared); BIGINT elsewhere.
    Column("simhash", BigInteger().with_variant(Integer(), "sqlite"), nullable=False),
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
    insertion_sequence(),
    Index("crawl_reposts_canonical", "canonical_id"),
)

_U64 = 1 << 64
_f, _r = crawl_fingerprints.c, crawl_reposts.c
_SAME_NUMBER = (
    select(_f.doc_id)
    .where(_f.doc_number == bindparam("n"), _f.title_key == bindparam("t"), _f.doc_id != bindparam("d"))
    .limit(1)
)
_BANDED = select(crawl_fp_bands.c.doc_id).where(crawl_fp_bands.c.band.in_(bindparam("bands", expanding=True)))
_SHARING_A_BAND = select(_f.doc_id, _f.simhash, _f.title_key).where(
    _f.doc_id.in_(_BANDED), _f.doc_id != bindparam("d")
)
_DROP_BANDS = delete(crawl_fp_bands).where(crawl_fp_bands.c.doc_id == bindparam("d"))
_DROP_FINGERPRINT = delete(crawl_fingerprints).where(_f.doc_id == bindparam("d"))
_REPOST_OF = select(_r.canonical_id).where(_r.url == bindparam("u"))
_DROP_REPOST = delete(crawl_reposts).where(_r.url == bindparam("u"))
_ADD_REPOST = insert(crawl_reposts)
_REPOSTS_URLS = select(_r.url).where(_r.canonical_id == bindparam("d"))
_DROP_REPOSTS = delete(crawl_reposts).where(_r.canonical_id == bindparam("d"))


def to_signed(value: int) -> int:
    return value - _U64 if value >= 1 << 63 else value


def to_unsigned(value: int) -> int:
    return value & (_U64 - 1)


@cache
def _dialect_statements(dialect: str) -> tuple[Any, Any, Select[Any]]:
    """(remember a fingerprint, add a band, the reposts in order): they differ by dialect."""
    ins = upsert(dialect, crawl_fingerprints)
    remember = ins.on_conflict_do_update(
        index_elements=[_f.doc_id], set_={c.name: ins.excluded[c.name] for c in _f if c.name != "doc_id"}
    )
    add_band = upsert(dialect, crawl_fp_bands).on_conflict_do_nothing()
    reposts = select(_r.site, _r.url).where(_r.canonical_id == bindparam("d"))
    return remember, add_band, reposts.order_by(*insertion_order(dialect, crawl_reposts))


class FingerprintRows:
    """Fingerprints, their SimHash bands, and reposts."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._remember, self._add_band, self._reposts = _dialect_statements(database.dialect)

    def same_number(self, doc_number: str, title_key: str, other_than: str) -> str | None:
        """A document with this 发文字号 and title key, other than `other_than`."""
        rows = self.database.rows(_SAME_NUMBER, {"n": doc_number, "t": title_key, "d": other_than})
        return str(rows[0][0]) if rows else None

    def sharing_a_band(self, bands: list[int], other_than: str) -> list[tuple[str, int, str]]:
        """(doc_id, simhash, title_key) of documents sharing a SimHash band, other than `other_than`."""
        rows = self.database.rows(_SHARING_A_BAND, {"bands": bands, "d": other_than})
        return [(str(d), to_unsigned(int(s)), str(t)) for d, s, t in rows]

    def remember(self, row: dict[str, Any], bands: list[int]) -> None:
        """Store a fingerprint (doc_id, url, doc_number, title_key, simhash) and replace its bands."""
        doc_id = row["doc_id"]
        with self.database.write():
            self.database.run(self._remember, {**row, "simhash": to_signed(row["simhash"])})
            self.database.run(_DROP_BANDS, {"d": doc_id})
            for band in bands:
                self.database.run(self._add_band, {"band": band, "doc_id": doc_id})

    def add_repost(self, canonical_id: str, url: str, site: str) -> None:
        """Record (or move to the end of the list) a repost of `canonical_id`."""
        with self.database.write():
            self.database.run(_DROP_REPOST, {"u": url})
            self.database.run(_ADD_REPOST, {"canonical_id": canonical_id, "url": url, "site": site})

    def remove_repost(self, url: str) -> str | None:
        """Forget a repost; the canonical id it belonged to, if any."""
        with self.database.write():
            found = self.database.rows(_REPOST_OF, {"u": url})
            self.database.run(_DROP_REPOST, {"u": url})
        return str(found[0][0]) if found else None

    def forget(self, doc_id: str) -> list[str]:
        """Drop a canonical's fingerprint, bands and reposts; the URLs of those reposts."""
        with self.database.write():
            urls = [str(row[0]) for row in self.database.rows(_REPOSTS_URLS, {"d": doc_id})]
            for statement in (_DROP_REPOSTS, _DROP_FINGERPRINT, _DROP_BANDS):
                self.database.run(statement, {"d": doc_id})
        return urls

    def reposts(self, canonical_id: str) -> list[tuple[str, str]]:
        """(site, url) of the reposts of `canonical_id`, oldest first."""
        return [(str(site), str(url)) for site, url in self.database.rows(self._reposts, {"d": canonical_id})]
