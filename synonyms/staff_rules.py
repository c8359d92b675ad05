"""Rules staff maintain through the admin tool: records, changes to them, and their validation.

Pure functions over ``StaffRule`` lists; ``synonyms.staff_store`` keeps versions of these lists.
A rule's ``line`` is one line of the dictionary text format (``a, b => c``), so staff rules, files
and exports all share one syntax and one validator.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

from synonyms.loader import SynonymFileError, parse_synonyms, rule_set_problems
from synonyms.rules import SynonymRule
from synonyms.writer import format_rules, rule_line

ChangeAction = Literal["add", "edit", "disable", "enable", "delete", "import"]
# "rule": a line of the text format. "vocabulary": a switch of the general 词林 layer — its line is
# VOCABULARY_OFF (the whole layer off while the rule is enabled) or a word / class code whose class
# is left out of the layer.
# "best_bet": a document pinned to a query — its line is the query, ``target`` the document id.
# "correction": a document's metadata field set by staff — ``target`` the document, ``field`` the
# field, the line the value.
# "deny": a word whose queries are never shown in suggestions (``field`` "suggest") or in 热搜 and
# 相关搜索 ("hot"); the word DENY_ALL switches that feature off altogether.
# "golden": a golden query reviewers keep here (line the query, target the expected title fragments).
RuleKind = Literal["rule", "vocabulary", "best_bet", "correction", "deny", "golden"]
DENY_ALL = "*"
DENY_FEATURES = {"suggest": "搜索建议", "hot": "热搜与相关搜索"}
FIELD_LABELS = {"validity": "有效性", "subject": "主题分类", "issuer": "发文机关"}
VOCABULARY_OFF = "*"
ACTION_LABELS: dict[str, str] = {
    "add": "新增",
    "edit": "修改",
    "disable": "停用",
    "enable": "启用",
    "delete": "删除",
    "import": "导入",
    "rollback": "回滚",
}


class StaffRule(BaseModel):
    """One rule kept by staff; ``id`` is stable across versions so edits and history can name it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: int = Field(ge=1)
    line: str = Field(min_length=1, max_length=2000, description="规则：说法 => 规范用语 # 说明")
    owner: str = Field(default="", max_length=100)
    category: str = Field(default="", max_length=100)
    enabled: bool = True
    kind: RuleKind = "rule"
    replaces: str = Field(
        default="",
        max_length=2000,
        description="被本规则替代的内置词典规则（其原文）；替代后内置规则不再生效",
    )
    target: str = Field(default="", max_length=200, description="置顶：文档编号")
    expires: str = Field(default="", max_length=10, description="置顶：到期日（YYYY-MM-DD，空为长期）")
    comment: str = Field(default="", max_length=500, description="置顶：说明")
    field: str = Field(default="", max_length=40, description="更正：文档的哪个元数据字段")


class RuleChange(BaseModel):
    """What an editor proposes. ``rule_id`` names the rule for edit/disable/enable/delete."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    action: ChangeAction
    rule_id: int | None = None
    line: str = ""
    owner: str = ""
    category: str = ""
    imported: tuple[StaffRule, ...] = ()
    kind: RuleKind = "rule"
    replaces: str = ""
    target: str = ""
    expires: str = ""
    comment: str = ""
    field: str = ""


class Pin(NamedTuple):
    """A staff best bet as the search engine reads it."""

    query: str
    doc_id: str
    expires: str  # YYYY-MM-DD or ""


class ChangeError(ValueError):
    """A change that cannot apply or would leave an invalid rule set; ``field`` names the input."""

    def __init__(self, message: str, field: str = "line") -> None:
        super().__init__(message)
        self.field = field


def to_synonym_rule(rule: StaffRule) -> SynonymRule:
    """Parse the rule's line; problems are reported as ``人工规则#id``."""
    parsed = parse_synonyms(rule.line, f"人工规则#{rule.id}")
    if len(parsed) != 1:
        raise SynonymFileError([f"人工规则#{rule.id}: 需要恰好一条规则（得到 {len(parsed)} 条）"])
    return parsed[0].model_copy(
        update={"owner": rule.owner, "category": rule.category, "source": f"人工规则#{rule.id}"}
    )


def live_rules(rules: Iterable[StaffRule]) -> list[SynonymRule]:
    return [to_synonym_rule(r) for r in rules if r.enabled and r.kind == "rule"]


def packaged_in_force(fixed: Sequence[SynonymRule], staff: Iterable[StaffRule]) -> list[SynonymRule]:
    """The packaged rules no staff rule replaces (a replacing rule counts even while disabled: that is
    how a packaged rule is switched off)."""
    replaced = {r.replaces for r in staff if r.replaces}
    return [r for r in fixed if rule_line(r) not in replaced] if replaced else list(fixed)


def vocabulary_switches(staff: Iterable[StaffRule]) -> tuple[bool, frozenset[str]]:
    """(is the general layer on, the words / class codes whose classes are left out of it)."""
    lines = [r.line for r in staff if r.kind == "vocabulary" and r.enabled]
    return VOCABULARY_OFF not in lines, frozenset(line for line in lines if line != VOCABULARY_OFF)


def stale_replacement(change: RuleChange, fixed: Sequence[SynonymRule]) -> str:
    """The problem of a change replacing a packaged rule that does not exist ("" when none). Checked for
    the change proposed only: an older replacement whose packaged line an upgrade reworded simply
    stops matching, and must not block every later change."""
    if change.replaces and change.replaces not in {rule_line(r) for r in fixed}:
        return f"内置词典中没有规则“{change.replaces}”"
    return ""


def _check_replacements(rules: Sequence[StaffRule]) -> list[str]:
    errors: list[str] = []
    seen: set[str] = set()
    for rule in rules:
        if rule.replaces in seen:
            errors.append(f"人工规则#{rule.id}: 内置规则“{rule.replaces}”已被另一条人工规则替代")
        seen.add(rule.replaces)
    return errors


def best_bet_problems(rule: StaffRule) -> list[str]:
    """What is wrong with a pin on its own (the workflow checks that the document exists)."""
    if rule.kind != "best_bet":
        return []
    where = f"人工规则#{rule.id}"
    problems = [] if rule.target else [f"{where}: 请填写要置顶的文档编号"]
    if rule.expires:
        try:
            date.fromisoformat(rule.expires)
        except ValueError:
            problems.append(f"{where}: 到期日“{rule.expires}”不是 YYYY-MM-DD 格式的日期")
    return problems


def denied_words(rules: Iterable[StaffRule]) -> tuple[tuple[str, str], ...]:
    """(word or DENY_ALL, feature) of the enabled denylist entries."""
    return tuple((r.line, r.field) for r in rules if r.kind == "deny" and r.enabled)


def pins(rules: Iterable[StaffRule]) -> tuple[Pin, ...]:
    """The enabled best bets, oldest first (whoever shows them skips the expired ones)."""
    return tuple(Pin(r.line, r.target, r.expires) for r in rules if r.kind == "best_bet" and r.enabled)


def validate(rules: Sequence[StaffRule], fixed: Sequence[SynonymRule]) -> None:
    """Every enabled staff rule parses, and together with the packaged rules in force has no duplicate
    or cycle; a replacement names an existing packaged rule, at most once."""
    errors = _check_replacements([r for r in rules if r.replaces])
    parsed: list[SynonymRule] = []
    for rule in rules:
        errors.extend(best_bet_problems(rule))
        if rule.kind == "deny" and rule.field not in DENY_FEATURES:
            errors.append(f"人工规则#{rule.id}: 屏蔽范围须为 {' 或 '.join(DENY_FEATURES)}")
        if rule.kind == "vocabulary" and not rule.line.strip():
            errors.append(
                f"人工规则#{rule.id}: 请填写要排除的词或词林类代码，或 {VOCABULARY_OFF}（关闭通用词汇层）"
            )
        if not rule.enabled or rule.kind != "rule":
            continue
        try:
            parsed.append(to_synonym_rule(rule))
        except SynonymFileError as exc:
            errors.extend(exc.errors)
    if not errors:
        errors = rule_set_problems([*packaged_in_force(fixed, rules), *parsed])
    if errors:
        raise ChangeError("；".join(errors))


def _find(rules: Sequence[StaffRule], rule_id: int | None) -> StaffRule:
    for rule in rules:
        if rule.id == rule_id:
            return rule
    raise ChangeError(f"没有编号为 {rule_id} 的规则", field="rule_id")


def apply_change(rules: Sequence[StaffRule], change: RuleChange) -> tuple[StaffRule, ...]:
    """The rule list after ``change`` (not yet validated against the packaged rules)."""
    next_id = max((r.id for r in rules), default=0) + 1
    if change.action == "add" or (change.action == "disable" and change.replaces):
        if not change.line.strip():
            raise ChangeError("规则不能为空")
        added = StaffRule(
            id=next_id,
            line=change.line.strip(),
            owner=change.owner,
            category=change.category,
            kind=change.kind,
            replaces=change.replaces.strip(),
            target=change.target.strip(),
            expires=change.expires.strip(),
            comment=change.comment.strip(),
            field=change.field.strip(),
            enabled=change.action == "add",  # "disable" with ``replaces``: the packaged rule goes off
        )
        return (*rules, added)
    if change.action == "import":
        if not change.imported:
            raise ChangeError("导入的文件中没有规则", field="file")
        known = {r.line for r in rules}
        fresh = [r for r in change.imported if r.line not in known]
        renumbered = [r.model_copy(update={"id": next_id + i}) for i, r in enumerate(fresh)]
        return (*rules, *renumbered)
    target = _find(rules, change.rule_id)
    if change.action == "delete":
        return tuple(r for r in rules if r.id != target.id)
    if change.action == "edit":
        if not change.line.strip():
            raise ChangeError("规则不能为空")
        update: dict[str, object] = {
            "line": change.line.strip(),
            "owner": change.owner,
            "category": change.category,
            "target": change.target.strip(),
            "expires": change.expires.strip(),
            "comment": change.comment.strip(),
            "field": change.field.strip(),
        }
    else:
        update = {"enabled": change.action == "enable"}
    return tuple(r.model_copy(update=update) if r.id == target.id else r for r in rules)


def describe(change: RuleChange, rules: Sequence[StaffRule]) -> tuple[str, str]:
    """(before, after) of ``change`` against ``rules``, as the audit trail and review pages show it."""
    before = next((r.line for r in rules if r.id == change.rule_id), "")
    if change.action == "import":
        return "", f"导入 {len(change.imported)} 条规则：" + "；".join(r.line for r in change.imported[:20])
    if change.replaces:
        verb = "替代内置规则" if change.action == "add" else "停用内置规则"
        after = f"{change.line.strip()}（{verb}）" if change.action == "add" else f"（{verb}）"
        return change.replaces, after
    if change.kind == "correction":
        label = FIELD_LABELS.get(change.field, change.field)
        return before, f"更正文档 {change.target.strip()} 的{label}：{change.line.strip()}"
    if change.kind == "deny":
        feature = DENY_FEATURES.get(change.field, change.field)
        word = change.line.strip()
        return before, f"关闭{feature}" if word == DENY_ALL else f"{feature}屏蔽“{word}”"
    if change.kind == "best_bet":
        when = f"，{change.expires} 到期" if change.expires else ""
        return before, f"置顶：查询“{change.line.strip()}” → 文档 {change.target.strip()}{when}"
    if change.kind == "vocabulary":
        what = (
            "关闭通用词汇层"
            if change.line.strip() == VOCABULARY_OFF
            else f"通用词汇层排除“{change.line.strip()}”所在类"
        )
        return before, f"（{what}）"
    if change.action in ("add", "edit"):
        return before, change.line.strip()
    if change.action == "delete":
        return before, "（删除）"
    return before, f"（{ACTION_LABELS[change.action]}）{before}"


def export_text(rules: Iterable[StaffRule]) -> str:
    """Enabled rules in the dictionary text format (what `import_text` and the file loader read)."""
    live = sorted(
        (r for r in rules if r.enabled and r.kind == "rule"), key=lambda r: (r.owner, r.category, r.id)
    )
    header = "政务搜索 · 人工维护的同义词规则（由 /admin 导出）"
    return format_rules([to_synonym_rule(r) for r in live], header)


def import_text(text: str, filename: str) -> tuple[StaffRule, ...]:
    """Rules of a text-format file as staff rules (ids assigned when the import is applied)."""
    try:
        parsed = parse_synonyms(text, filename)
    except SynonymFileError as exc:
        raise ChangeError("；".join(exc.errors), field="file") from exc
    return tuple(
        StaffRule(id=i, line=rule_line(r), owner=r.owner, category=r.category)
        for i, r in enumerate(parsed, start=1)
    )


def affected_terms(rules: Iterable[StaffRule]) -> list[str]:
    """The typed terms of the given rules: the queries whose results a change can move."""
    terms: dict[str, None] = {}
    for rule in rules:
        if rule.kind in ("correction", "deny", "golden"):
            continue  # moves no query's results
        if rule.kind != "rule":
            if rule.line != VOCABULARY_OFF:
                terms[rule.line] = None
            continue
        try:
            terms.update(dict.fromkeys(to_synonym_rule(rule).terms_from))
        except SynonymFileError:
            continue
    return list(terms)
