"""The one way into the store's database: an engine built from a URL, transactions, schema upgrades.

`sqlite:///…/store.sqlite3` is the embedded default; the code keeps to what PostgreSQL runs too
(`postgresql+psycopg://…`). One `Database` per process, shared by every repository and thread.

Transactions (SQLite): pysqlite's own transaction handling is switched off and we emit BEGIN
ourselves (the recipe in SQLAlchemy's SQLite dialect documentation). Reads run in a plain BEGIN, a
consistent snapshot that never blocks a writer under WAL. Every write transaction starts with BEGIN
IMMEDIATE: it takes the write lock up front, so a transaction that reads, decides and writes (the staff
version commit, a frontier claim) waits its turn on the busy timeout instead of failing half-way, which
is what a deferred BEGIN does when another writer committed since its read. Writes here are short, so
taking the lock at BEGIN costs nothing. On PostgreSQL, `write(exclusive=True)` takes a transaction
advisory lock, which serialises those same read-decide-write transactions.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, func, select
from sqlalchemy.engine import URL, make_url

BUSY_TIMEOUT_SECONDS = 30  # how long a writer waits for another process's write to finish
POOL_SIZE = 8  # connections kept open; the serving thread pool may briefly open more
_ADVISORY_LOCK = 0x676F7673  # "govs": the PostgreSQL lock that serialises exclusive writes


@dataclass(frozen=True)
class SchemaStatus:
    """Where a database's schema stands against the migrations shipped with this code."""

    current: str | None  # None: no schema yet, or a store made before migrations existed
    head: str

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


# The transaction open in this thread or task, so repository calls made inside `write()` join it.
_current: ContextVar[tuple[Database, Connection, bool] | None] = ContextVar("govsearch_db", default=None)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


class Database:
    """Thread-safe: connections come from a pool, one per transaction, and go back after it."""

    def __init__(self, url: str | URL) -> None:
        self.url = make_url(url)
        self.dialect = self.url.get_backend_name()
        if self.dialect == "sqlite":
            self.engine = _sqlite_engine(self.url)
        else:
            self.engine = create_engine(self.url, pool_size=POOL_SIZE, max_overflow=-1, pool_pre_ping=True)

    @classmethod
    def open(cls, url: str | URL) -> Database:
        """The database of a govsearch process, its schema brought up to date.

        This is the one place that decides when migrations run: on open, in every command and in
        `serve`, as the first release's CREATE TABLE IF NOT EXISTS did, so the embedded SQLite store
        needs no step of its own. When the schema is current this costs one read; when it is not,
        concurrent openers wait on a lock and the first one upgrades (see `upgrade`)."""
        database = cls(url)
        database.upgrade()
        return database

    @classmethod
    def for_path(cls, path: Path) -> Database:
        """The embedded store: a SQLite file (its folder is created)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        return cls.open(sqlite_url(path))

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection for reads; inside `write()` on this thread, that transaction's connection."""
        current = _current.get()
        if current is not None and current[0] is self:
            yield current[1]
            return
        with self.engine.connect() as conn:
            token = _current.set((self, conn, False))
            try:
                yield conn
            finally:
                _current.reset(token)

    @contextmanager
    def write(self, *, exclusive: bool = False) -> Iterator[Connection]:
        """A write transaction, committed when the block ends without an exception. Nested calls on
        the same thread join the outer transaction (so a caller can group repository calls)."""
        current = _current.get()
        if current is not None and current[0] is self and current[2]:
            yield current[1]
            return
        with self.engine.connect() as conn:
            conn.execution_options(govsearch_write=True)
            with conn.begin():
                if exclusive and self.dialect == "postgresql":
                    conn.execute(select(func.pg_advisory_xact_lock(_ADVISORY_LOCK)))
                token = _current.set((self, conn, True))
                try:
                    yield conn
                finally:
                    _current.reset(token)

    def upgrade(self) -> None:
        """Bring the schema to the newest migration (alembic `upgrade head`).

        Safe when several processes open a fresh store at once: the upgrade runs inside one exclusive
        write transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock, and DDL is
        transactional there), so the others wait, then find the schema current and do nothing."""
        from indexer.storage import migrations

        if self.check().up_to_date:
            return
        with self.write(exclusive=True) as conn:
            migrations.upgrade(conn)

    def check(self) -> SchemaStatus:
        """The current revision of the database and the newest one this code ships."""
        from indexer.storage import migrations

        with self.read() as conn:
            return SchemaStatus(migrations.current_revision(conn), migrations.head_revision())

    def close(self) -> None:
        """Close pooled connections; the `Database` stays usable and reconnects when used again."""
        self.engine.dispose()

    dispose = close


def _sqlite_engine(url: URL) -> Engine:
    engine = create_engine(
        url,
        pool_size=POOL_SIZE,
        max_overflow=-1,
        connect_args={"timeout": BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
    )
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection: Any, _record: object) -> None:
    # pysqlite would BEGIN on its own before some statements only: we emit BEGIN ourselves instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL lets serving processes read while the indexer, the crawler or the staff tool writes;
    # NORMAL is durable in WAL mode when a process is killed (only a power cut may lose the tail).
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    write = conn.get_execution_options().get("govsearch_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
