"""Versions of the staff rule list, proposals waiting for review, and the append-only audit trail.

All in the store's database (tables in `indexer.storage.synonyms`). Every approved change or rollback
writes a new version (the whole rule list as JSON); the newest version is live. Serving workers
compare ``current_version()`` on each query, so an approval reaches every worker on its next query
without re-indexing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from indexer.storage import Database, Record
from indexer.storage.synonyms import AuditEntry, SynonymRows, VersionConflict
from synonyms.staff_rules import ACTION_LABELS, ChangeError, RuleChange, StaffRule

__all__ = ["AuditEntry", "Proposal", "StaffStore", "Version"]  # AuditEntry: the storage's own


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


def _rules_json(rules: tuple[StaffRule, ...]) -> str:
    return json.dumps([r.model_dump() for r in rules], ensure_ascii=False)


def _rules_from(text: str) -> tuple[StaffRule, ...]:
    return tuple(StaffRule.model_validate(r) for r in json.loads(text))


class StaffStore:
    """Thread-safe, like the `Database` it reads."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._rows = SynonymRows(database)

    def close(self) -> None:
        self.database.close()

    # -- versions ------------------------------------------------------------------------------
    def current_version(self) -> int:
        """The live version number (0 before any staff change); cheap enough to call per query."""
        return self._rows.live_version()

    def version(self, version_id: int) -> Version | None:
        if version_id == 0:
            return Version(0, "", "", ())
        row = self._rows.version(version_id)
        return _version(row) if row else None

    def current(self) -> Version:
        found = self.version(self.current_version())
        assert found is not None  # the newest id always exists
        return found

    def versions(self) -> list[Version]:
        return [_version(row) for row in self._rows.versions()]

    def commit(self, rules: tuple[StaffRule, ...], audit: AuditEntry, base: int) -> int:
        """Write a new live version and its audit entry in one transaction; returns the version id.

        ``base`` is the version the change was computed from: if another reviewer committed meanwhile,
        nothing is written (their change would otherwise be lost silently)."""
        try:
            return self._rows.commit(_rules_json(rules), audit.actor, audit, base)
        except VersionConflict as exc:
            raise ChangeError(
                f"规则已被其他人修改（当前版本 {exc.live}），请刷新后重新操作", field="version"
            ) from None

    # -- proposals -----------------------------------------------------------------------------
    def propose(self, author: str, change: RuleChange, reason: str, summary: tuple[str, str]) -> int:
        """Store a pending proposal; ``summary`` is its (before, after) for the audit trail."""
        label = f"提议{ACTION_LABELS[change.action]}"
        entry = AuditEntry(0, "", author, label, summary[0], summary[1], reason, "待审核", None)
        return self._rows.propose(author, change.model_dump_json(), reason, entry)

    def proposal(self, proposal_id: int) -> Proposal | None:
        row = self._rows.proposal(proposal_id)
        return _proposal(row) if row else None

    def proposals(self, status: str | None = None) -> list[Proposal]:
        return [_proposal(row) for row in self._rows.proposals(status)]

    def decide(self, proposal_id: int, status: str, reviewer: str, note: str) -> None:
        self._rows.decide(proposal_id, status, reviewer, note)

    def reject(self, proposal: Proposal, reviewer: str, note: str, summary: tuple[str, str]) -> None:
        before, after = summary
        entry = AuditEntry(0, "", reviewer, "驳回", before, after, note, f"驳回提议#{proposal.id}", None)
        self._rows.decide(proposal.id, "rejected", reviewer, note, entry)

    # -- audit ---------------------------------------------------------------------------------
    def audit(self) -> list[AuditEntry]:
        return self._rows.audit()

    def record(self, actor: str, action: str, before: str, after: str, reason: str = "") -> None:
        """Audit a staff action that is not a rule change (accounts): who, what, before and after."""
        self._rows.record(AuditEntry(0, "", actor, action, before, after, reason, "管理员操作", None))

    def last_audit(self) -> AuditEntry | None:
        """The newest audit entry (who changed what last), for the status line of every staff page."""
        return self._rows.last_audit()


def _version(row: Record) -> Version:
    return Version(row.id, row.at, row.author, _rules_from(row.rules))


def _proposal(row: Record) -> Proposal:
    return Proposal(
        id=row.id,
        at=row.at,
        author=row.author,
        change=RuleChange.model_validate_json(row.change),
        reason=row.reason,
        status=row.status,
        reviewer=row.reviewer,
        decided_at=row.decided_at,
        note=row.note,
    )
