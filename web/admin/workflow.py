"""What the staff tool does, shared by its HTML pages and its JSON API.

Editors propose; reviewers approve. Approving runs the strict validator and the golden-set check
on the rule list the change would produce; a change that drops a golden query out of the top 10 is
blocked unless the reviewer gives an override reason. Every step is written to the audit trail.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from search_api.engine.best_bets import MAX_PER_QUERY, query_key
from search_api.engine.evaluation import CUTOFF, Judgment, JudgmentFileError, is_relevant, load_judgments
from search_api.engine.models import SearchRequest
from search_api.engine.search import SearchEngine
from synonyms.expansion import Expander
from synonyms.live import LiveSynonyms, general_layer
from synonyms.rules import SynonymRule
from synonyms.staff_rules import (
    ACTION_LABELS,
    ChangeError,
    RuleChange,
    StaffRule,
    affected_terms,
    apply_change,
    describe,
    stale_replacement,
    validate,
    vocabulary_switches,
)
from synonyms.staff_store import AuditEntry, Proposal, StaffStore, Version
from synonyms.writer import rule_line
from web.admin.accounts import Staff
from web.admin.corrections import check_corrections, sync_corrections
from web.admin.golden import golden_entry, golden_removal, staff_judgments

PREVIEW_QUERIES = 8
PREVIEW_HITS = 5


class PermissionDenied(PermissionError):
    """The signed-in staff member's role does not allow this."""


class GoldenSetBlock(ValueError):
    """The change would drop golden queries out of the top 10; ``check`` says which."""

    def __init__(self, check: GoldenCheck) -> None:
        super().__init__(check.explanation())
        self.check = check


@dataclass
class GoldenCheck:
    configured: bool
    queries: int = 0
    dropped: list[tuple[str, int, str]] = field(default_factory=list)  # query, rank before, top title after
    error: str = ""

    @property
    def blocked(self) -> bool:
        return bool(self.dropped)

    def explanation(self) -> str:
        if not self.configured:
            return "未配置黄金查询集（GOVSEARCH_GOLDEN_PATH），未做检查"
        if self.error:
            return f"黄金查询集无法读取：{self.error}"
        if not self.dropped:
            return f"黄金查询集 {self.queries} 条查询均未跌出前 {CUTOFF} 名"
        parts = [
            f"“{q}”原排第 {rank} 名，改动后跌出前 {CUTOFF} 名（首条变为：{top or '无结果'}）"
            for q, rank, top in self.dropped
        ]
        return "改动被阻止：" + "；".join(parts)


@dataclass
class GoldenRow:
    query: str
    relevant: str
    rank: int | None  # within the top 10
    top: str
    rule_id: int = 0  # a query reviewers added in the tool (0: from the golden-set file)


@dataclass
class VocabularyStatus:
    configured: bool  # GOVSEARCH_CILIN_PATH set
    on: bool
    classes: int  # after the quality filter
    live_classes: int  # after staff exclusions (0 when off)
    switches: list[StaffRule]
    matches: list[tuple[str, tuple[str, ...], bool]]  # class code, words, excluded by staff


@dataclass
class PreviewRow:
    query: str
    before: list[str]
    after: list[str]


def _titles(engine: SearchEngine, synonyms: Expander, query: str, size: int) -> list[str]:
    """Top titles of `query` with `synonyms` instead of the live rules; not written to the query log."""
    try:
        response = engine.search(SearchRequest(q=query, size=size), synonyms=synonyms, record=False)
    except ValueError:
        return []
    return [hit.title for hit in response.hits[:size]]  # pins come on top of a full page: cut to top N


def _rank(titles: list[str], judgment: Judgment) -> int | None:
    """1-based rank of the first relevant title, None when none is relevant."""
    return next((i + 1 for i, t in enumerate(titles) if is_relevant(t, judgment.fragments)), None)


class Workflow:
    """Previews and golden-set checks run the serving engine with the candidate rule set in place of the
    live one, so nothing is rebuilt per preview."""

    def __init__(
        self, engine: SearchEngine, live: LiveSynonyms, golden: Path | None, allow_self_approval: bool = False
    ):
        self.engine = engine
        self.allow_self_approval = allow_self_approval
        self.live = live
        self.store: StaffStore = live.store
        self.golden = golden

    # -- reading -------------------------------------------------------------------------------
    def rules(self, query: str = "") -> list[StaffRule]:
        rules = list(self.store.current().rules)
        needle = query.strip()
        return [r for r in rules if needle in r.line or needle in r.owner or needle in r.category]

    def packaged_rules(self, query: str, limit: int = 50) -> list[tuple[str, SynonymRule]]:
        """Rules from the dictionary files matching ``query`` (read-only here), as (text, rule)."""
        needle = query.strip()
        if not needle:
            return []
        found = [
            (rule_line(r), r)
            for r in self.live.fixed
            if needle in rule_line(r) or needle in r.owner or needle in r.category
        ]
        return found[:limit]

    def pins(self) -> list[StaffRule]:
        """The live version's best bets (disabled ones too)."""
        return [r for r in self.store.current().rules if r.kind == "best_bet"]

    def replacements(self) -> dict[str, StaffRule]:
        """Packaged rule text → the live staff rule that replaces (or, disabled, switches off) it."""
        return {r.replaces: r for r in self.store.current().rules if r.replaces}

    def vocabulary(self, query: str = "") -> VocabularyStatus:
        """The 词林 layer as staff switched it, and the classes holding ``query`` (a word or class code)."""
        rules = self.store.current().rules
        on, _words = vocabulary_switches(rules)
        general = self.live.general
        needle = query.strip()
        layer = general_layer(general, rules)
        live = set(layer.rules) if layer is not None else set()
        matches = [
            (r.source.removeprefix("词林 "), r.terms_from, r not in live)
            for r in (general.rules if general is not None and needle else ())
            if needle in r.terms_from or r.source.endswith(needle)
        ]
        return VocabularyStatus(
            configured=general is not None,
            on=on,
            classes=len(general.rules) if general is not None else 0,
            live_classes=len(layer.rules) if layer is not None else 0,
            switches=[r for r in rules if r.kind == "vocabulary"],
            matches=matches,
        )

    def candidate(
        self, change: RuleChange, base: tuple[StaffRule, ...] | None = None
    ) -> tuple[StaffRule, ...]:
        """The rule list ``change`` would produce from ``base`` (default: live), validated with the
        packaged rules."""
        if problem := stale_replacement(change, self.live.fixed):
            raise ChangeError(problem, field="replaces")
        rules = apply_change(self.store.current().rules if base is None else base, change)
        validate(rules, self.live.fixed)
        self._check_pins(rules)
        check_corrections(rules, self.engine.store.get_many)
        return rules

    def _check_pins(self, rules: tuple[StaffRule, ...]) -> None:
        """Every pinned document exists, and no query has more than MAX_PER_QUERY pins."""
        bets = [r for r in rules if r.kind == "best_bet" and r.enabled]
        found = self.engine.store.get_many([r.target for r in bets])
        missing = [f"人工规则#{r.id}: 没有编号为 {r.target} 的文档" for r in bets if r.target not in found]
        if missing:
            raise ChangeError("；".join(missing), field="target")
        per_query = Counter(query_key(r.line) for r in bets)
        crowded = [r.line for r in bets if per_query[query_key(r.line)] > MAX_PER_QUERY]
        if crowded:
            raise ChangeError(f"查询“{crowded[0]}”最多置顶 {MAX_PER_QUERY} 条，请先停用一条", field="line")

    def preview(self, change: RuleChange, extra_queries: list[str] | None = None) -> list[PreviewRow]:
        """Top results of the affected queries with the live rules and with the change applied."""
        current = self.store.current().rules
        after = self.candidate(change)
        touched = [r for r in current if r.id == change.rule_id] + [r for r in after if r not in current]
        queries = list(dict.fromkeys([*(extra_queries or []), *affected_terms(touched)]))[:PREVIEW_QUERIES]
        before = self.live.with_staff_rules(current)
        later = self.live.with_staff_rules(after)
        return [
            PreviewRow(q, self._top(before, q, PREVIEW_HITS), self._top(later, q, PREVIEW_HITS))
            for q in queries
        ]

    def _top(self, synonyms: Expander, query: str, size: int) -> list[str]:
        return _titles(self.engine, synonyms, query, size)

    def _judgments(self, rules: tuple[StaffRule, ...]) -> list[Judgment]:
        """The golden set: the file's queries (GOVSEARCH_GOLDEN_PATH) and those reviewers added here."""
        found: list[Judgment] = []
        if self.golden is not None:
            try:
                found = load_judgments(self.golden)
            except (OSError, JudgmentFileError) as exc:
                raise ChangeError(str(exc), field="golden") from exc
        return found + staff_judgments(rules)

    def golden_check(
        self, rules: tuple[StaffRule, ...], base: tuple[StaffRule, ...] | None = None
    ) -> GoldenCheck:
        current = self.store.current().rules if base is None else base
        try:
            judgments = self._judgments(current)
        except ChangeError as exc:
            return GoldenCheck(configured=True, error=str(exc), dropped=[("（黄金查询集）", 0, str(exc))])
        if not judgments:
            return GoldenCheck(configured=False)
        before = self.live.with_staff_rules(current)
        later = self.live.with_staff_rules(rules)
        check = GoldenCheck(configured=True, queries=len(judgments))
        for judgment in judgments:
            rank = _rank(self._top(before, judgment.query, CUTOFF), judgment)
            if rank is None:
                continue
            after = self._top(later, judgment.query, CUTOFF)
            if _rank(after, judgment) is None:
                check.dropped.append((judgment.query, rank, after[0] if after else ""))
        return check

    def golden_status(self) -> list[GoldenRow]:
        """Each golden query's rank with the live rules (what a change will be checked against)."""
        current = self.store.current().rules
        live = self.live.with_staff_rules(current)
        rows: list[GoldenRow] = []
        judgments = self._judgments(current)
        from_file = len(judgments) - len(staff_judgments(current))  # the file's come first
        for index, judgment in enumerate(judgments):
            titles = self._top(live, judgment.query, CUTOFF)
            top = titles[0] if titles else ""
            relevant, rule_id = " | ".join(judgment.fragments), judgment.line if index >= from_file else 0
            rows.append(GoldenRow(judgment.query, relevant, _rank(titles, judgment), top, rule_id))
        return rows

    def golden_add(self, staff: Staff, query: str, relevant: str) -> int:
        """A reviewer adds a golden query directly (no proposal: it guards changes, it changes no result)."""
        live = self._golden_keeper(staff)
        rules, entry = golden_entry(live.rules, staff.name, query, relevant)
        return self.store.commit(rules, entry, base=live.id)

    def golden_remove(self, staff: Staff, rule_id: int, reason: str) -> int:
        live = self._golden_keeper(staff)
        rules, entry = golden_removal(live.rules, staff.name, rule_id, reason)
        return self.store.commit(rules, entry, base=live.id)

    def _golden_keeper(self, staff: Staff) -> Version:
        if not staff.can_review:
            raise PermissionDenied("只有审核人员可以维护黄金查询集")
        return self.store.current()

    # -- writing -------------------------------------------------------------------------------
    def propose(self, staff: Staff, change: RuleChange, reason: str) -> int:
        if not reason.strip():
            raise ChangeError("请填写修改原因", field="reason")
        if change.kind == "best_bet" and change.expires and change.expires < date.today().isoformat():
            raise ChangeError(f"到期日 {change.expires} 已经过去", field="expires")
        if change.kind == "best_bet" and not change.owner.strip():
            change = change.model_copy(update={"owner": staff.name})  # a pin's author is who proposed it
        self.candidate(change)  # a change that cannot apply is refused now, not at review time
        summary = describe(change, self.store.current().rules)
        return self.store.propose(staff.name, change, reason.strip(), summary)

    def approve(self, staff: Staff, proposal: Proposal, override_reason: str = "") -> int:
        if not staff.can_review:
            raise PermissionDenied("只有审核人员可以批准修改")
        if proposal.status != "pending":
            raise ChangeError(f"提议#{proposal.id} 已处理（{proposal.status}）", field="proposal")
        own = proposal.author == staff.name
        if own and not self.allow_self_approval:
            raise PermissionDenied("四眼原则：不能批准自己提交的修改，请由另一位审核人员批准")
        live = self.store.current()
        current = live.rules
        rules = self.candidate(proposal.change, current)
        check = self.golden_check(rules, current)
        if check.blocked and not override_reason.strip():
            raise GoldenSetBlock(check)
        approval = f"{staff.name} 批准提议#{proposal.id}"
        if own:
            approval += "（本人提议、本人批准：已开启 GOVSEARCH_ALLOW_SELF_APPROVAL）"
        if check.blocked:
            approval += f"；黄金查询集检查未通过，审核人强制上线，理由：{override_reason.strip()}"
        elif not check.configured:
            approval += "；未配置黄金查询集，未做检查"
        change = proposal.change
        before, after = describe(change, current)
        label = ACTION_LABELS[change.action]
        entry = AuditEntry(0, "", proposal.author, label, before, after, proposal.reason, approval, None)
        # The new version, the corrections it carries and the decision in one transaction: a crash
        # between them would otherwise leave an applied proposal marked pending.
        with self.store.database.write(exclusive=True):
            version = self.store.commit(rules, entry, base=live.id)
            sync_corrections(self.engine.store.database, rules)
            decision = override_reason.strip() or check.explanation()
            self.store.decide(proposal.id, "approved", staff.name, decision)
        return version

    def reject(self, staff: Staff, proposal: Proposal, reason: str) -> None:
        if not staff.can_review:
            raise PermissionDenied("只有审核人员可以驳回修改")
        if proposal.status != "pending":
            raise ChangeError(f"提议#{proposal.id} 已处理（{proposal.status}）", field="proposal")
        summary = describe(proposal.change, self.store.current().rules)
        self.store.reject(proposal, staff.name, reason.strip(), summary)

    def rollback(self, staff: Staff, version_id: int, reason: str) -> int:
        if not staff.can_review:
            raise PermissionDenied("只有审核人员可以回滚")
        if not reason.strip():
            raise ChangeError("请填写回滚原因", field="reason")
        target = self.store.version(version_id)
        if target is None:
            raise ChangeError(f"没有版本 {version_id}", field="version")
        validate(target.rules, self.live.fixed)
        current = self.store.current()
        entry = AuditEntry(
            0,
            "",
            staff.name,
            ACTION_LABELS["rollback"],
            f"版本 {current.id}（{len(current.rules)} 条规则）",
            f"回到版本 {version_id}（{len(target.rules)} 条规则）",
            reason.strip(),
            f"{staff.name}（审核人员）执行",
            None,
        )
        version = self.store.commit(target.rules, entry, base=current.id)
        sync_corrections(self.engine.store.database, target.rules)
        return version
