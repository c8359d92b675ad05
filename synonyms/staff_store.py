"""Versions of the staff rule list, proposals waiting for review, and the append-only audit trail.

All in the store's SQLite file. Every approved change or rollback writes a new version (the whole
rule list as JSON); the newest version is live. Serving workers compare ``current_version()`` on each
query, so an approval reaches every worker on its next query without re-indexing.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime

from indexer.sqlite_db import SQLiteDatabase
from synonyms.staff_rules import ACTION_LABELS, ChangeError, RuleChange, StaffRule

_SCHEMA = """
CREATE TABLE IF NOT EXISTS synonym_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    author TEXT NOT NULL,
    rules TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS synonym_proposals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    author TEXT NOT NULL,
    change TEXT NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    reviewer TEXT,
    decided_at TEXT,
    note TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS synonym_audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    before TEXT NOT NULL,
    after TEXT NOT NULL,
    reason TEXT NOT NULL,
    approval TEXT NOT NULL,
    version INTEGER
);
CREATE TRIGGER IF NOT EXISTS synonym_audit_no_update BEFORE UPDATE ON synonym_audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER IF NOT EXISTS synonym_audit_no_delete BEFORE DELETE ON synonym_audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
"""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Version:
    id: int
    at: str
    author: str
    rules: tuple[StaffRule, ...]


@dataclass(frozen=True)
class Proposal:
    id: int
    at: str
    author: str
    change: RuleChange
    reason: str
    status: str  # pending, approved, rejected
    reviewer: str | None
    decided_at: str | None
    note: str


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    actor: str
    action: str
    before: str
    after: str
    reason: str
    approval: str
    version: int | None


def _rules_json(rules: tuple[StaffRule, ...]) -> str:
    return json.dumps([r.model_dump() for r in rules], ensure_ascii=False)


def _rules_from(text: str) -> tuple[StaffRule, ...]:
    return tuple(StaffRule.model_validate(r) for r in json.loads(text))


class StaffStore(SQLiteDatabase):
    """Thread-safe; one SQLite connection per thread, WAL like the document store."""

    schema = _SCHEMA

    # -- versions ------------------------------------------------------------------------------
    def current_version(self) -> int:
        """The live version number (0 before any staff change); cheap enough to call per query."""
        row = self._connect().execute("SELECT COALESCE(MAX(id), 0) FROM synonym_versions").fetchone()
        return int(row[0])

    def version(self, version_id: int) -> Version | None:
        if version_id == 0:
            return Version(0, "", "", ())
        row = (
            self._connect()
            .execute("SELECT id, at, author, rules FROM synonym_versions WHERE id = ?", (version_id,))
            .fetchone()
        )
        return Version(row[0], row[1], row[2], _rules_from(row[3])) if row else None

    def current(self) -> Version:
        found = self.version(self.current_version())
        assert found is not None  # the newest id always exists
        return found

    def versions(self) -> list[Version]:
        rows = self._connect().execute("SELECT id, at, author, rules FROM synonym_versions ORDER BY id DESC")
        return [Version(r[0], r[1], r[2], _rules_from(r[3])) for r in rows.fetchall()]

    def commit(self, rules: tuple[StaffRule, ...], audit: AuditEntry, base: int) -> int:
        """Write a new live version and its audit entry in one transaction; returns the version id.

        ``base`` is the version the change was computed from: if another reviewer committed meanwhile,
        nothing is written (their change would otherwise be lost silently)."""
        conn = self._connect()
        conn.execute("BEGIN IMMEDIATE")
        try:
            live = int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM synonym_versions").fetchone()[0])
            if live != base:
                raise ChangeError(f"规则已被其他人修改（当前版本 {live}），请刷新后重新操作", field="version")
            cur = conn.execute(
                "INSERT INTO synonym_versions (at, author, rules) VALUES (?, ?, ?)",
                (_now(), audit.actor, _rules_json(rules)),
            )
            version_id = int(cur.lastrowid or 0)
            self._append_audit(conn, audit, version_id)
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        return version_id

    # -- proposals -----------------------------------------------------------------------------
    def propose(self, author: str, change: RuleChange, reason: str, summary: tuple[str, str]) -> int:
        """Store a pending proposal; ``summary`` is its (before, after) for the audit trail."""
        conn = self._connect()
        with conn:
            cur = conn.execute(
                "INSERT INTO synonym_proposals (at, author, change, reason) VALUES (?, ?, ?, ?)",
                (_now(), author, change.model_dump_json(), reason),
            )
            proposal_id = int(cur.lastrowid or 0)
            label = f"提议{ACTION_LABELS[change.action]}"
            entry = AuditEntry(0, "", author, label, summary[0], summary[1], reason, "待审核", None)
            self._append_audit(conn, entry, None)
        return proposal_id

    def proposal(self, proposal_id: int) -> Proposal | None:
        row = self._connect().execute(f"{_PROPOSAL_SELECT} WHERE id = ?", (proposal_id,)).fetchone()
        return _proposal(row) if row else None

    def proposals(self, status: str | None = None) -> list[Proposal]:
        sql, args = f"{_PROPOSAL_SELECT} ORDER BY id DESC", tuple[str, ...]()
        if status:
            sql, args = f"{_PROPOSAL_SELECT} WHERE status = ? ORDER BY id DESC", (status,)
        return [_proposal(r) for r in self._connect().execute(sql, args).fetchall()]

    def decide(self, proposal_id: int, status: str, reviewer: str, note: str) -> None:
        conn = self._connect()
        with conn:
            conn.execute(
                "UPDATE synonym_proposals SET status = ?, reviewer = ?, decided_at = ?, note = ? "
                "WHERE id = ?",
                (status, reviewer, _now(), note, proposal_id),
            )

    def reject(self, proposal: Proposal, reviewer: str, note: str, summary: tuple[str, str]) -> None:
        conn = self._connect()
        with conn:
            conn.execute(
                "UPDATE synonym_proposals SET status = 'rejected', reviewer = ?, decided_at = ?, note = ? "
                "WHERE id = ?",
                (reviewer, _now(), note, proposal.id),
            )
            before, after = summary
            entry = AuditEntry(0, "", reviewer, "驳回", before, after, note, f"驳回提议#{proposal.id}", None)
            self._append_audit(conn, entry, None)

    # -- audit ---------------------------------------------------------------------------------
    def _append_audit(self, conn: sqlite3.Connection, entry: AuditEntry, version: int | None) -> None:
        conn.execute(
            "INSERT INTO synonym_audit (at, actor, action, before, after, reason, approval, version) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                _now(),
                entry.actor,
                entry.action,
                entry.before,
                entry.after,
                entry.reason,
                entry.approval,
                version,
            ),
        )

    def audit(self) -> list[AuditEntry]:
        rows = self._connect().execute(
            "SELECT id, at, actor, action, before, after, reason, approval, version "
            "FROM synonym_audit ORDER BY id DESC"
        )
        return [AuditEntry(*r) for r in rows.fetchall()]


_PROPOSAL_SELECT = (
    "SELECT id, at, author, change, reason, status, reviewer, decided_at, note FROM synonym_proposals"
)


def _proposal(row: tuple[object, ...]) -> Proposal:
    return Proposal(
        id=int(str(row[0])),
        at=str(row[1]),
        author=str(row[2]),
        change=RuleChange.model_validate_json(str(row[3])),
        reason=str(row[4]),
        status=str(row[5]),
        reviewer=None if row[6] is None else str(row[6]),
        decided_at=None if row[7] is None else str(row[7]),
        note=str(row[8]),
    )
