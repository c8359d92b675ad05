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
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Executable, create_engine, event, func, select
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError

from indexer.storage.hotpath import CompiledStatements

BUSY_TIMEOUT_SECONDS = 30  # how long a writer waits for another process's write to finish
POOL_SIZE = 8  # idle connections kept open (on SQLite every thread also keeps its own)
# PostgreSQL: every API server and worker holds at most POOL_SIZE + PG_OVERFLOW connections, so a
# few servers with a few workers each stay well inside the server's max_connections (100 by default).
PG_OVERFLOW = 8
PG_POOL_TIMEOUT_SECONDS = 30  # a thread waits this long for a free connection, then gets an error
PG_CONNECT_TIMEOUT_SECONDS = 5  # an unreachable server is reported instead of hanging
PG_RECYCLE_SECONDS = 1800  # reconnect now and then (load balancers and firewalls drop idle links)
_ADVISORY_LOCK = 0x676F7673  # "govs": the PostgreSQL lock that serialises exclusive writes


class StorageError(RuntimeError):
    """The store cannot be used as it stands; the message (Chinese) says what to do."""


class DatabaseUnreachable(StorageError):
    pass


class SchemaMismatch(StorageError):
    pass


def shown_url(url: str | URL) -> str:
    """The URL with its password hidden, for messages and logs."""
    return make_url(url).render_as_string(hide_password=True)


@dataclass(frozen=True)
class SchemaStatus:
    """Where a database's schema stands against the migrations shipped with this code."""

    current: str | None  # None: no schema yet, or a store made before migrations existed
    head: str
    known: bool = True  # False: a revision this code does not ship (a newer release upgraded it)

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head

    def problem(self) -> str | None:
        """What is wrong, in the words a command prints; None when the schema is current."""
        if self.up_to_date:
            return None
        if not self.known:
            return f"数据库结构版本 {self.current} 比本程序（{self.head}）新：请升级 govsearch"
        found = self.current or "空（尚未建表）"
        return f"数据库结构版本为 {found}，本程序需要 {self.head}：请先运行 govsearch db upgrade"


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


def make_sqlite_folder(url: str | URL) -> None:
    """SQLite creates its file but not the folder (a new data directory): make it."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


class Database:
    """Thread-safe: every thread works on a connection of its own (see `_connection`)."""

    def __init__(self, url: str | URL) -> None:
        self.url = make_url(url)
        self.dialect = self.url.get_backend_name()
        self._local = threading.local()
        self._lock = threading.Lock()
        self._kept: weakref.WeakSet[_Kept] = weakref.WeakSet()  # every thread's, for close()
        self._before_close: list[Callable[[], None]] = []
        self.engine = _sqlite_engine(self.url) if self.dialect == "sqlite" else _server_engine(self.url)
        self._autocommit = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self._statements = CompiledStatements(self.engine.dialect)

    @classmethod
    def open(cls, url: str | URL, *, upgrade: bool | None = None) -> Database:
        """The database of a govsearch process, its schema checked against this code.

        This is the one place that decides when migrations run. The embedded SQLite store upgrades on
        open, in every command and in `serve`, as the first release's CREATE TABLE IF NOT EXISTS did,
        so it needs no step of its own: when the schema is current this costs one read; when it is
        not, concurrent openers wait on a lock and the first one upgrades (see `upgrade`). A shared
        server database is used by several machines, possibly of different releases during a rolling
        upgrade, so it is upgraded only on purpose (`govsearch db upgrade`, or `upgrade=True`); opening
        one whose schema differs from the code raises `SchemaMismatch`. An unreachable server raises
        `DatabaseUnreachable`. Both carry a message for the operator."""
        database = cls(url)
        try:
            status = database.check()
            wanted = upgrade if upgrade is not None else database.dialect == "sqlite"
            if not status.up_to_date:
                if wanted:
                    database.upgrade()
                else:
                    raise SchemaMismatch(f"{shown_url(database.url)}：{status.problem()}")
        except BaseException:
            database.close()
            raise
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
        meanwhile. SQLite gives every write that (BEGIN IMMEDIATE); PostgreSQL needs the advisory lock,
        taken also when the block joins an outer write transaction (held until that one ends)."""
        current = self._joinable()
        if current is not None and current.write:
            if exclusive and self.dialect == "postgresql":  # held from here to the outer commit
                current.connection.execute(select(func.pg_advisory_xact_lock(_ADVISORY_LOCK)))
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
            with self._single_statement(write=False) as conn:
                return [tuple(row) for row in conn.execute(statement, params)]
        sql, values = self._statements.expand(statement, params)
        return raw.execute(sql, values).fetchall()  # type: ignore[no-any-return]

    def run(self, statement: Executable, params: Mapping[str, Any]) -> int:
        """One write statement, committed on its own (or joining the open write transaction); how
        many rows it wrote."""
        raw = self._driver_connection(write=True)
        if raw is None:
            with self._single_statement(write=True) as conn:
                return conn.execute(statement, params).rowcount
        return int(raw.execute(*self._statements.expand(statement, params)).rowcount)

    def run_many(self, statement: Executable, rows: Sequence[Mapping[str, Any]]) -> int:
        """`run` for each of `rows` (same keys), in order, in one transaction (or the open one): on
        SQLite's driver path one executemany, no Python call per row; how many rows they wrote."""
        if not rows:
            return 0
        with self.write():
            raw = self._driver_connection(write=True)
            if raw is None:
                return sum(self.run(statement, row) for row in rows)
            sql, values = self._statements.expand_many(statement, rows)
            return int(raw.executemany(sql, values).rowcount)

    @contextmanager
    def _single_statement(self, *, write: bool) -> Iterator[Connection]:
        """Where one statement runs when SQLite's driver path does not apply: the open transaction
        when there is one to join; else, on a server database, a pooled connection in autocommit (one
        statement is atomic on its own: BEGIN and COMMIT would be two more round trips per call)."""
        current = self._joinable()
        if self.dialect == "sqlite" or (current is not None and (current.write or not write)):
            with self.write() if write else self.read() as conn:
                yield conn
            return
        with self._autocommit.connect() as conn:
            yield conn

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

        status = self.check()
        if status.up_to_date:
            return
        if not status.known:
            raise SchemaMismatch(f"{shown_url(self.url)}：{status.problem()}")
        with self.write(exclusive=True) as conn:
            migrations.upgrade(conn)

    def check(self) -> SchemaStatus:
        """The current revision of the database and the newest one this code ships.
        Raises `DatabaseUnreachable` when the server cannot be reached."""
        from indexer.storage import migrations

        try:
            with self.read() as conn:
                current = migrations.current_revision(conn)
        except OperationalError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise DatabaseUnreachable(f"无法连接数据库 {shown_url(self.url)}：{reason}") from exc
        known = current is None or current in migrations.revisions()
        return SchemaStatus(current, migrations.head_revision(), known)

    def before_close(self, callback: Callable[[], None]) -> None:
        """Run `callback` first thing in `close()` (the log writer writes its last rows)."""
        self._before_close.append(callback)

    def in_transaction(self) -> bool:
        """Whether this thread has a transaction of this database open (calls would join it)."""
        return self._joinable() is not None

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
        for callback in self._before_close:
            callback()
        with self._lock:
            kept = list(self._kept)
        for holder in kept:
            holder.connection.close()
        self.engine.dispose()

    dispose = close


def _server_engine(url: URL) -> Engine:
    """PostgreSQL (and what speaks its protocol): a bounded pool, a connect timeout, a name in
    pg_stat_activity; connections are checked before use, so a restarted server costs no error."""
    return create_engine(
        url,
        pool_size=POOL_SIZE,
        max_overflow=PG_OVERFLOW,
        pool_timeout=PG_POOL_TIMEOUT_SECONDS,
        pool_recycle=PG_RECYCLE_SECONDS,
        pool_pre_ping=True,
        connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_SECONDS, "application_name": "govsearch"},
    )


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
