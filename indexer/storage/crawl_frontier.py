"""The crawl frontier (`crawl_urls`): one row per normalised URL and profile.

Every call commits before it returns (a crawl killed at any point resumes); `Database.write()`
groups calls that must land together. The statements are built once, with parameters, and the
per-page ones run on the hot path (`Database.rows`/`run`): a crawl makes several per page.
"""

from __future__ import annotations

import secrets
import weakref
from collections.abc import Iterable
from functools import cache
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Index,
    Integer,
    PrimaryKeyConstraint,
    Select,
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
from indexer.storage.sql import insertion_order, insertion_sequence, metadata, now, upsert

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
    Column("claimed_by", Text),  # the crawler run fetching it (revision 0004_i11), see `FrontierRows`
    insertion_sequence(),
    PrimaryKeyConstraint("profile", "url"),
    Index("crawl_urls_status", "profile", "status", "depth"),
)

_c = crawl_urls.c
_MINE = _c.profile == bindparam("p")
_ROW = and_(_MINE, _c.url == bindparam("u"))
_RESET_ATTEMPTS = update(crawl_urls).where(_MINE).values(attempts=0)
_REQUEUE = (
    update(crawl_urls)
    .where(_MINE, _c.status.in_(bindparam("statuses", expanding=True)))
    .values(status="queued")
)
_RETRY = (
    update(crawl_urls)
    .where(_MINE, _c.status == "failed", _c.attempts < bindparam("max_attempts"))
    .values(status="queued")
)
_CLAIMED = (
    update(crawl_urls)
    .where(_ROW, _c.status == "queued")
    .values(status="fetching", attempts=_c.attempts + 1, claimed_by=bindparam("run"))
)
_CLAIMANTS = select(_c.claimed_by).where(_MINE, _c.status == "fetching").distinct()
_REQUEUE_CLAIMS_OF = (
    update(crawl_urls)
    .where(_MINE, _c.status == "fetching", func.coalesce(_c.claimed_by, "") == bindparam("run"))
    .values(status="queued")
)
_REQUEUE_URL = update(crawl_urls).where(_c.url == bindparam("u")).values(status="queued", attempts=0)
_MARK = (
    update(crawl_urls)
    .where(_ROW)
    .values(status=bindparam("new_status"), last_error=bindparam("error"), fetched_at=bindparam("at"))
)
_COUNT = select(func.count()).select_from(crawl_urls).where(_MINE)
_COUNT_STATUS = _COUNT.where(_c.status == bindparam("s"))
_STATUSES = select(_c.url, _c.status).where(_MINE)


@cache
def _dialect_statements(dialect: str) -> tuple[SQLiteInsert, Select[Any]]:
    """(enqueue, next queued URL): they differ by dialect (ON CONFLICT, oldest-first order, locking).

    Two crawler processes on one PostgreSQL store claim from the same frontier: the chosen row is
    locked (FOR UPDATE) until the claim commits, and rows another claim holds are skipped (SKIP
    LOCKED), so the two never take the same URL and never wait on each other. SQLite needs neither:
    every write transaction holds the database's one write lock (BEGIN IMMEDIATE)."""
    enqueue = upsert(dialect, crawl_urls).on_conflict_do_nothing()
    claim = (
        select(_c.url, _c.kind, _c.depth, _c.attempts)
        .where(_MINE, _c.status == "queued", _c.host.not_in(bindparam("busy", expanding=True)))
        .order_by(_c.depth, *insertion_order(dialect, crawl_urls))
        .limit(1)
    )
    if dialect == "postgresql":
        claim = claim.with_for_update(skip_locked=True)
    return enqueue, claim  # type: ignore[return-value]


def _lock_key(run: str) -> int:
    return int(run, 16) if len(run) == 14 else 0


class FrontierRows:
    """`crawl_urls` rows of one profile.

    Several crawler processes may work on one frontier (PostgreSQL). Each run names its claims
    (`claimed_by`) and, on PostgreSQL, holds a session advisory lock keyed by that name on a
    connection of its own for as long as it lives. When a run starts it re-queues the URLs left
    "fetching" by runs that are gone — whose lock it can take, the server having released it when
    their connection died (a SIGKILL included) — and leaves alone those of runs still working, so no
    page is fetched twice. SQLite serves one machine: there every claim left over is re-queued."""

    def __init__(self, database: Database, profile: str) -> None:
        self.database = database
        self.profile = profile
        self._enqueue, self._claim = _dialect_statements(database.dialect)
        self.run_name = secrets.token_hex(7)  # 56 bits: the advisory lock key, a signed bigint
        self._alive: Connection | None = None

    def start_run(self, statuses: list[str], *, reset_attempts: bool, max_attempts: int) -> None:
        """Queue again the URLs in `statuses` and the failures with attempts left (one transaction)."""
        mine = {"p": self.profile}
        shared = self.database.dialect == "postgresql" and "fetching" in statuses
        if shared:
            self._hold_run_lock()
            statuses = [s for s in statuses if s != "fetching"]
        with self.database.write():
            if reset_attempts:
                self.database.run(_RESET_ATTEMPTS, mine)
            self.database.run(_REQUEUE, {**mine, "statuses": statuses})
            self.database.run(_RETRY, {**mine, "max_attempts": max_attempts})
            if shared:
                for run in self._gone_runs():
                    self.database.run(_REQUEUE_CLAIMS_OF, {**mine, "run": run})

    def _hold_run_lock(self) -> None:
        if self._alive is not None:
            return
        conn = self.database.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        conn.detach()  # out of the pool: closing it must end the session, and so the lock
        conn.execute(select(func.pg_advisory_lock(_lock_key(self.run_name))))
        self._alive = conn
        weakref.finalize(self, conn.close)  # the lock goes with the connection

    def _gone_runs(self) -> list[str]:
        """Runs with URLs still marked fetching whose process is gone ("" for claims made before
        runs were named)."""
        assert self._alive is not None
        gone = []
        for (run,) in self.database.rows(_CLAIMANTS, {"p": self.profile}):
            if run == self.run_name:
                continue
            if run is None or self._alive.execute(select(func.pg_try_advisory_lock(_lock_key(run)))).scalar():
                if run is not None:
                    self._alive.execute(select(func.pg_advisory_unlock(_lock_key(run))))
                gone.append(run or "")
        return gone

    def close(self) -> None:
        """Release the run's lock (its claims become re-queueable)."""
        if self._alive is not None:
            self._alive.close()
            self._alive = None

    def add(self, url: str, kind: str | None, depth: int, host: str) -> bool:
        """Add a URL unless it is known already; True when it was new."""
        row = {"profile": self.profile, "url": url, "kind": kind, "depth": depth, "host": host}
        return self.database.run(self._enqueue, row) > 0

    def claim(self, busy_hosts: Iterable[str]) -> tuple[str, str | None, int, int] | None:
        """The next queued (url, kind, depth, attempts) on a host not in `busy_hosts`, shallowest
        first, then oldest, marked as being fetched (one transaction)."""
        if self.database.dialect == "postgresql":
            self._hold_run_lock()  # before the first claim: until then the run has nothing to guard
        with self.database.write():
            rows = self.database.rows(self._claim, {"p": self.profile, "busy": sorted(busy_hosts)})
            if rows:
                self.database.run(_CLAIMED, {"p": self.profile, "u": rows[0][0], "run": self.run_name})
        return rows[0] if rows else None

    def requeue_url(self, url: str) -> None:
        """Queue a known URL again, for every profile that knows it."""
        self.database.run(_REQUEUE_URL, {"u": url})

    def mark(self, url: str, status: str, error: str | None) -> None:
        self.database.run(
            _MARK, {"p": self.profile, "u": url, "new_status": status, "error": error, "at": now()}
        )

    def count(self, status: str | None = None) -> int:
        if status is None:
            return int(self.database.rows(_COUNT, {"p": self.profile})[0][0])
        return int(self.database.rows(_COUNT_STATUS, {"p": self.profile, "s": status})[0][0])

    def statuses(self) -> dict[str, str]:
        return {str(url): str(status) for url, status in self.database.rows(_STATUSES, {"p": self.profile})}
