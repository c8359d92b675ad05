"""Metadata corrections (有效性, 主题分类, 发文机关) as staff data: checked before they are proposed,
and written to the store's corrections table whenever a version goes live or is rolled back."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from indexer.documents import Document
from indexer.storage import Database
from indexer.storage.corrections import CORRECTABLE
from indexer.storage.documents import Documents
from synonyms.staff_rules import FIELD_LABELS, ChangeError, StaffRule

VALIDITY_VALUES = ("现行有效", "已废止", "已失效", "部分失效", "已修订")


def corrections(rules: Sequence[StaffRule]) -> dict[tuple[str, str], str]:
    """(document id, field) → value of the enabled corrections of a version."""
    return {(r.target, r.field): r.line for r in rules if r.kind == "correction" and r.enabled}


def check_corrections(
    rules: Sequence[StaffRule], documents: Callable[[list[str]], dict[str, Document]]
) -> None:
    """Each correction names an existing document, a field that kind of document has, and a sensible value."""
    fixes = [r for r in rules if r.kind == "correction" and r.enabled]
    found = documents([r.target for r in fixes])
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    for rule in fixes:
        where = f"人工规则#{rule.id}"
        doc = found.get(rule.target)
        if doc is None:
            problems.append(f"{where}: 没有编号为 {rule.target} 的文档")
        elif rule.field not in CORRECTABLE or doc.kind.value not in CORRECTABLE[rule.field]:
            allowed = "、".join(FIELD_LABELS[f] for f in CORRECTABLE)
            problems.append(f"{where}: 只能更正政策文件的{allowed}（不是“{rule.field}”）")
        elif rule.field == "validity" and rule.line not in VALIDITY_VALUES:
            problems.append(f"{where}: 有效性须为 {'、'.join(VALIDITY_VALUES)} 之一")
        if (rule.target, rule.field) in seen:
            problems.append(
                f"{where}: 文档 {rule.target} 的{FIELD_LABELS.get(rule.field, rule.field)}已有一条更正"
            )
        seen.add((rule.target, rule.field))
    if problems:
        raise ChangeError("；".join(problems), field="field")


def sync_corrections(database: Database, rules: Sequence[StaffRule]) -> list[str]:
    """Make the stored documents carry exactly the version's corrections; returns the documents changed
    (pending for the next index update)."""
    return Documents(database).sync_corrections(corrections(rules))
