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

import threading
import weakref
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Executable, create_engine, event, func, select
from sqlalchemy.engine import URL, make_url

from indexer.storage.hotpath import CompiledStatements

BUSY_TIMEOUT_SECONDS = 30  # how long a writer waits for another process's write to finish
POOL_SIZE = 8  # idle connections kept open (on SQLite every thread also keeps its own)
_ADVISORY_LOCK = 0x676F7673  # "govs": the PostgreSQL lock that serialises exclusive writes


@dataclass(frozen=True)
class SchemaStatus:
    """Where a database's schema stands against the migrations shipped with this code."""

    current: str | None  # None: no schema yet, or a store made before migrations existed
    head: str

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


class _Kept:
    """A thread's own SQLite connection. Held by the thread's `threading.local`, so it is closed
    (back to the pool) when the thread ends, e.g. an idle worker of the serving thread pool."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        weakref.finalize(self, connection.close)


@dataclass(frozen=True)
class _Open:
    """A transaction open in this thread or task: repository calls made inside it join it."""

    database: Database
    connection: Connection
    write: bool
    thread: int  # contexts are copied into worker threads; a connection is not


_current: ContextVar[_Open | None] = ContextVar("govsearch_transaction", default=None)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


class Database:
    """Thread-safe: every thread works on a connection of its own (see `_connection`)."""

    def __init__(self, url: str | URL) -> None:
        self.url = make_url(url)
        self.dialect = self.url.get_backend_name()
        self._local = threading.local()
        self._lock = threading.Lock()
        self._kept: weakref.WeakSet[_Kept] = weakref.WeakSet()  # every thread's, for close()
        if self.dialect == "sqlite":
            self.engine = _sqlite_engine(self.url)
        else:
            self.engine = create_engine(self.url, pool_size=POOL_SIZE, max_overflow=-1, pool_pre_ping=True)
        self._statements = CompiledStatements(self.engine.dialect)

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
        """A connection in a read transaction; inside `write()` or `read()` on this thread, that one."""
        current = self._joinable()
        if current is not None:
            yield current.connection
            return
        with self._transaction(write=False) as conn:
            yield conn

    @contextmanager
    def write(self, *, exclusive: bool = False) -> Iterator[Connection]:
        """A write transaction, committed when the block ends without an exception. Nested calls on
        the same thread join the outer transaction (so a caller can group repository calls).

        `exclusive`: the transaction reads, decides and writes, and no other exclusive one may run
        meanwhile. SQLite gives every write that (BEGIN IMMEDIATE); PostgreSQL needs the advisory lock."""
        current = self._joinable()
        if current is not None and current.write:
            yield current.connection
            return
        with self._transaction(write=True) as conn:
            if exclusive and self.dialect == "postgresql":
                conn.execute(select(func.pg_advisory_xact_lock(_ADVISORY_LOCK)))
            yield conn

    def _joinable(self) -> _Open | None:
        current = _current.get()
        if current is not None and current.database is self and current.thread == threading.get_ident():
            return current
        return None

    @contextmanager
    def _transaction(self, *, write: bool) -> Iterator[Connection]:
        with self._connection() as conn:
            conn.info["govsearch_write"] = write  # read by the SQLite BEGIN hook
            with conn.begin():
                token = _current.set(_Open(self, conn, write, threading.get_ident()))
                try:
                    yield conn
                finally:
                    _current.reset(token)

    @contextmanager
    def _connection(self) -> Iterator[Connection]:
        """SQLite: this thread's own connection, kept open (checking one out of a pool for every
        call costs more than the query). PostgreSQL, or when this thread's is busy (a write opened
        inside a read): one from the pool, returned afterwards."""
        if self.dialect == "sqlite":
            conn = self._thread_connection()
            if not conn.in_transaction():
                yield conn
                return
        with self.engine.connect() as pooled:
            yield pooled

    def _thread_connection(self) -> Connection:
        kept: _Kept | None = getattr(self._local, "kept", None)
        if kept is None or kept.connection.closed:
            kept = self._local.kept = _Kept(self.engine.connect())
            with self._lock:
                self._kept.add(kept)
        return kept.connection

    # -- the hot path ---------------------------------------------------------------------------
    # A search makes four small calls (fetch ~10 documents, the live synonym version, best bets,
    # the query log). Through SQLAlchemy's execute and transaction machinery each costs ~50 µs more
    # than the query itself, so on SQLite these run their statement, compiled once (`hotpath`),
    # straight on this thread's driver connection: a single statement needs no BEGIN (SQLite runs
    # it atomically, waiting on the busy timeout to write). Other dialects take the ordinary path.

    def rows(self, statement: Executable, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        """Every row of one read statement, as tuples."""
        params = params or {}
        raw = self._driver_connection(write=False)
        if raw is None:
            with self.read() as conn:
                return [tuple(row) for row in conn.execute(statement, params)]
        sql, values = self._statements.expand(statement, params)
        return raw.execute(sql, values).fetchall()  # type: ignore[no-any-return]

    def run(self, statement: Executable, params: Mapping[str, Any]) -> int:
        """One write statement, committed on its own (or joining the open write transaction); how
        many rows it wrote."""
        raw = self._driver_connection(write=True)
        if raw is None:
            with self.write() as conn:
                return conn.execute(statement, params).rowcount
        return int(raw.execute(*self._statements.expand(statement, params)).rowcount)

    def _driver_connection(self, *, write: bool) -> Any:
        """The sqlite3 connection to run one statement on: the open transaction's when it can take
        it, else this thread's idle one; None when neither fits (or not SQLite)."""
        if self.dialect != "sqlite":
            return None
        current = self._joinable()
        if current is not None:
            return current.connection.connection.driver_connection if current.write or not write else None
        conn = self._thread_connection()
        return None if conn.in_transaction() else conn.connection.driver_connection

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

    def backup(self, target: Path) -> None:
        """A consistent copy of the SQLite store in the file `target`, made with SQLite's online backup
        (safe while other processes read and write)."""
        if self.dialect != "sqlite":
            raise ValueError("只能备份 SQLite 存储；PostgreSQL 请用 pg_dump")
        import sqlite3

        raw = self.engine.raw_connection()
        destination = sqlite3.connect(target)
        try:
            raw.driver_connection.backup(destination)  # type: ignore[union-attr]
        finally:
            destination.close()
            raw.close()

    def close(self) -> None:
        """Close every connection (call it once no thread uses the database any more); the
        `Database` stays usable and reconnects when used again."""
        with self._lock:
            kept = list(self._kept)
        for holder in kept:
            holder.connection.close()
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
    # Straight to the driver: BEGIN through SQLAlchemy's execute would cost as much as the query.
    conn.connection.driver_connection.execute(  # type: ignore[union-attr]
        "BEGIN IMMEDIATE" if conn.info.get("govsearch_write") else "BEGIN"
    )
