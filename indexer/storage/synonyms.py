"""Staff synonym rule versions, proposals waiting for review, and the append-only audit trail.

Rows only: the rule list and a proposed change are JSON text that `synonyms.staff_store` writes and
reads. The database itself refuses UPDATE and DELETE on `synonym_audit` (triggers made by the
migrations), so not even a bug here can rewrite history.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import Column, Connection, Integer, Table, Text, func, insert, select, update

from indexer.storage.database import Database
from indexer.storage.sql import Record, metadata, new_id, now

synonym_versions = Table(
    "synonym_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", Text, nullable=False),
    Column("author", Text, nullable=False),
    Column("rules", Text, nullable=False),  # the whole staff rule list, JSON
    sqlite_autoincrement=True,
)

synonym_proposals = Table(
    "synonym_proposals",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", Text, nullable=False),
    Column("author", Text, nullable=False),
    Column("change", Text, nullable=False),  # the proposed change, JSON
    Column("reason", Text, nullable=False),
    Column("status", Text, nullable=False, server_default="pending"),  # pending, approved, rejected
    Column("reviewer", Text),
    Column("decided_at", Text),
    Column("note", Text, nullable=False, server_default=""),
    sqlite_autoincrement=True,
)

synonym_audit = Table(
    "synonym_audit",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", Text, nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("before", Text, nullable=False),
    Column("after", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("approval", Text, nullable=False),
    Column("version", Integer),
    sqlite_autoincrement=True,
)

AUDIT_APPEND_ONLY = "the audit trail is append-only"  # the error the database raises


@dataclass(frozen=True)
class AuditEntry:
    """One entry of the audit trail. To append one, `id`, `at` and `version` are ignored: the store
    sets them."""

    id: int
    at: str
    actor: str
    action: str
    before: str
    after: str
    reason: str
    approval: str
    version: int | None


class VersionConflict(Exception):
    """Another reviewer committed a version since the change was computed."""

    def __init__(self, live: int) -> None:
        super().__init__(f"live version is {live}")
        self.live = live


_LIVE = select(func.coalesce(func.max(synonym_versions.c.id), 0))
_VERSIONS = select(*synonym_versions.c).order_by(synonym_versions.c.id.desc())
_PROPOSALS = select(*synonym_proposals.c).order_by(synonym_proposals.c.id.desc())


class SynonymRows:
    def __init__(self, database: Database) -> None:
        self.database = database

    def live_version(self) -> int:
        """The newest version id (0 before any); cheap: called on every query by every worker."""
        return int(self.database.rows(_LIVE)[0][0])

    def version(self, version_id: int) -> Record | None:
        """id, at, author, rules (JSON) of one version."""
        with self.database.read() as conn:
            return conn.execute(_VERSIONS.where(synonym_versions.c.id == version_id)).first()

    def versions(self) -> list[Record]:
        """Every version, newest first."""
        with self.database.read() as conn:
            return list(conn.execute(_VERSIONS))

    def commit(self, rules: str, author: str, audit: AuditEntry, base: int) -> int:
        """Write a new live version and its audit entry in one transaction; its id.

        Raises VersionConflict, writing nothing, when the live version is no longer `base`."""
        with self.database.write(exclusive=True) as conn:
            live = int(conn.execute(_LIVE).scalar_one())
            if live != base:
                raise VersionConflict(live)
            row = {"at": now(), "author": author, "rules": rules}
            version_id = new_id(conn.execute(insert(synonym_versions), row))
            _append_audit(conn, audit, version_id)
        return version_id

    def propose(self, author: str, change: str, reason: str, audit: AuditEntry) -> int:
        row = {"at": now(), "author": author, "change": change, "reason": reason}
        with self.database.write() as conn:
            proposal_id = new_id(conn.execute(insert(synonym_proposals), row))
            _append_audit(conn, audit, None)
        return proposal_id

    def proposal(self, proposal_id: int) -> Record | None:
        """A proposal's columns, in table order."""
        with self.database.read() as conn:
            return conn.execute(_PROPOSALS.where(synonym_proposals.c.id == proposal_id)).first()

    def proposals(self, status: str | None = None) -> list[Record]:
        """Proposals (with `status`, when given), newest first."""
        query = _PROPOSALS.where(synonym_proposals.c.status == status) if status else _PROPOSALS
        with self.database.read() as conn:
            return list(conn.execute(query))

    def decide(
        self, proposal_id: int, status: str, reviewer: str, note: str, audit: AuditEntry | None = None
    ) -> None:
        """Record the decision on a proposal (and its audit entry, when given) in one transaction."""
        values = {"status": status, "reviewer": reviewer, "decided_at": now(), "note": note}
        with self.database.write() as conn:
            conn.execute(
                update(synonym_proposals).where(synonym_proposals.c.id == proposal_id).values(values)
            )
            if audit is not None:
                _append_audit(conn, audit, None)

    def record(self, audit: AuditEntry) -> None:
        """An audit entry for a staff action outside the rule versions (account management)."""
        with self.database.write() as conn:
            _append_audit(conn, audit, None)

    def audit(self) -> list[AuditEntry]:
        """Every audit entry, newest first."""
        with self.database.read() as conn:
            rows = conn.execute(select(*synonym_audit.c).order_by(synonym_audit.c.id.desc()))
            return [AuditEntry(*row) for row in rows]

    def last_audit(self) -> AuditEntry | None:
        """The newest audit entry."""
        with self.database.read() as conn:
            query = select(*synonym_audit.c).order_by(synonym_audit.c.id.desc()).limit(1)
            row = conn.execute(query).first()
            return AuditEntry(*row) if row else None


def _append_audit(conn: Connection, entry: AuditEntry, version: int | None) -> None:
    row = {**asdict(entry), "at": now(), "version": version}
    del row["id"]  # the database numbers the entries
    conn.execute(insert(synonym_audit), row)
