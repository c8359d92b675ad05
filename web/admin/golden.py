"""Golden queries reviewers keep in the tool, next to the golden-set file (GOVSEARCH_GOLDEN_PATH).

A golden query is a ``StaffRule`` of kind "golden" in the curated version: its line is the query, its
target the expected answer's title fragment(s), ``|``-separated as in the file. Reviewers add and remove
them directly — they guard other changes and move no result — and each step is audited and can be
rolled back like any version.
"""

from __future__ import annotations

from collections.abc import Sequence

from search_api.engine.evaluation import Judgment
from synonyms.staff_rules import ChangeError, StaffRule
from synonyms.staff_store import AuditEntry

MAX_QUERY = 200


def staff_judgments(rules: Sequence[StaffRule]) -> list[Judgment]:
    """The golden queries of a version, as the evaluation reads judgments (``line`` = the rule id)."""
    return [
        Judgment(r.line, tuple(f.strip() for f in r.target.split("|") if f.strip()), "工作人员添加", r.id)
        for r in rules
        if r.kind == "golden" and r.enabled
    ]


def golden_entry(
    rules: tuple[StaffRule, ...], author: str, query: str, relevant: str
) -> tuple[tuple[StaffRule, ...], AuditEntry]:
    query, relevant = query.strip(), relevant.strip()
    if not query or len(query) > MAX_QUERY:
        raise ChangeError(f"查询须为 1–{MAX_QUERY} 个字符", field="query")
    if not relevant:
        raise ChangeError("请填写预期结果（标题片段）", field="relevant")
    if any(r.kind == "golden" and r.line == query and r.target == relevant for r in rules):
        raise ChangeError(f"“{query}”已在黄金查询集中", field="query")
    added = StaffRule(
        id=max((r.id for r in rules), default=0) + 1, line=query, target=relevant, owner=author, kind="golden"
    )
    entry = AuditEntry(
        0, "", author, "黄金查询集：添加", "", f"{query} → {relevant}", "", f"{author}（审核人员）执行", None
    )
    return (*rules, added), entry


def golden_removal(
    rules: tuple[StaffRule, ...], author: str, rule_id: int, reason: str
) -> tuple[tuple[StaffRule, ...], AuditEntry]:
    found = next((r for r in rules if r.id == rule_id and r.kind == "golden"), None)
    if found is None:
        raise ChangeError(f"黄金查询集中没有编号 {rule_id}", field="rule_id")
    if not reason.strip():
        raise ChangeError("请填写删除原因", field="reason")
    before = f"{found.line} → {found.target}"
    entry = AuditEntry(
        0,
        "",
        author,
        "黄金查询集：删除",
        before,
        "（删除）",
        reason.strip(),
        f"{author}（审核人员）执行",
        None,
    )
    return tuple(r for r in rules if r.id != rule_id), entry
