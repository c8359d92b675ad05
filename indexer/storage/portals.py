"""The `portals` table: sites that embed the search through an API key. Rows only.

A key is stored as its SHA-256 hash (keys are 32 random bytes, so a fast hash is enough: there is
nothing to guess); the key itself is shown once, when it is made. Which origins, scope and rate a
portal has, and what they mean, belong to `search_api.engine.portals`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Column, Index, Table, Text, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from indexer.storage.database import Database
from indexer.storage.sql import metadata

portals = Table(
    "portals",
    metadata,
    Column("name", Text, primary_key=True),  # a short slug: gz-rsj
    Column("title", Text, nullable=False, server_default=""),  # what its hosted page is called
    Column("key_hash", Text, nullable=False),
    Column("key_prefix", Text, nullable=False),  # the first characters, to tell keys apart in a list
    Column("origins", Text, nullable=False, server_default="[]"),  # JSON list of https://host[:port]
    Column("scope", Text, nullable=False, server_default="{}"),  # JSON: filter name → allowed values
    Column("rate", Text, nullable=False),  # limits notation: 20/second
    Column("colour", Text, nullable=False, server_default=""),  # header colour of the hosted page
    Column("logo", Text, nullable=False, server_default=""),  # logo URL of the hosted page
    Column("created_at", Text, nullable=False),
    Column("rotated_at", Text),
    Column("revoked_at", Text),
    Column("last_used_at", Text),
    Index("portals_key_hash", "key_hash", unique=True),
)

_FIELDS = (
    "name",
    "title",
    "key_prefix",
    "origins",
    "scope",
    "rate",
    "colour",
    "logo",
    "created_at",
    "rotated_at",
    "revoked_at",
    "last_used_at",
)


@dataclass(frozen=True)
class PortalRow:
    name: str
    title: str
    key_prefix: str
    origins: str
    scope: str
    rate: str
    colour: str
    logo: str
    created_at: str
    rotated_at: str | None
    revoked_at: str | None
    last_used_at: str | None


_SELECT = select(*(portals.c[f] for f in _FIELDS))
# On the hot path of every keyed request (statements built once, see `indexer.storage.hotpath`).
_BY_KEY_HASH = _SELECT.where(portals.c.key_hash == bindparam("key_hash"))
_TOUCH = update(portals).where(portals.c.name == bindparam("portal")).values(last_used_at=bindparam("at"))


class PortalRows:
    def __init__(self, database: Database) -> None:
        self.database = database

    def add(self, row: PortalRow, key_hash: str) -> bool:
        """False when a portal of that name exists already."""
        values = {f: getattr(row, f) for f in _FIELDS} | {"key_hash": key_hash}
        try:
            with self.database.write() as conn:
                conn.execute(insert(portals), values)
        except IntegrityError:
            return False
        return True

    def all(self) -> list[PortalRow]:
        with self.database.read() as conn:
            return [PortalRow(*row) for row in conn.execute(_SELECT.order_by(portals.c.name))]

    def by_name(self, name: str) -> PortalRow | None:
        with self.database.read() as conn:
            row = conn.execute(_SELECT.where(portals.c.name == name)).first()
        return PortalRow(*row) if row else None

    def by_key_hash(self, key_hash: str) -> PortalRow | None:
        """The portal holding this key, revoked or not."""
        rows = self.database.rows(_BY_KEY_HASH, {"key_hash": key_hash})
        return PortalRow(*rows[0]) if rows else None

    def change(self, name: str, **values: str | None) -> bool:
        """Set some columns (`key_hash`, `revoked_at`, `title` …) of a portal; False if there is none."""
        statement = update(portals).where(portals.c.name == name).values(**values)
        with self.database.write() as conn:
            return conn.execute(statement).rowcount > 0

    def touch(self, name: str, at: str) -> None:
        """Record a use (callers do it at most once a minute per portal: it is a write)."""
        self.database.run(_TOUCH, {"portal": name, "at": at})
