"""Candidate rules from the government's own colloquial names in catalogue data.

Guangdong service items carry ``_raw.matter_daily`` (日常用语) and ``_raw.matter_short`` (简称). Each
phrase becomes a candidate ``phrase => official item name`` rule, written to a file for review — never
live until a person approves it (copy into ``synonyms/data/`` or import through the staff tool).

Phrases are skipped when they cannot help or would mislead: placeholders ("无"), single characters,
phrases already inside the official name, and phrases the catalogue gives to many different items.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from indexer.analysis import normalize, segment_query
from synonyms.loader import parse_synonyms
from synonyms.rules import MAX_TERM_LENGTH, SynonymRule
from synonyms.writer import format_rules

MAX_TARGETS = 2  # a phrase the catalogue uses for more items than this is too vague to expand
_SEPARATORS = re.compile(r"[,，、;；/]+")
_BRACKETS = re.compile(r"[()（）《》<>\[\]【】]")
GENERIC_NAME_COUNT = 3  # a phrase found inside this many official names is a generic word (变更, 续期)
_PLACEHOLDERS = frozenset({"无", "暂无", "null", "none", "-"})
CANDIDATE_OWNER = "待审核：目录导入"
CANDIDATE_CATEGORY = "政务服务事项目录"
CANDIDATE_ORIGIN = "政务服务事项目录的日常用语/简称"


class CatalogueFileError(ValueError):
    """A line of the catalogue file is not a JSON object; the message says file:line."""


@dataclass(frozen=True, slots=True)
class Phrase:
    text: str
    target: str
    code: str
    field: str  # 日常用语 or 简称


@dataclass
class CandidateReport:
    items: int = 0
    items_with_names: int = 0
    rules: list[SynonymRule] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


def _target_name(item: dict[str, object]) -> str:
    """The item's own name; the shared catalogue name only when the item name is too long for a term."""
    names = [normalize(v).strip() for v in (item.get("事项名称"), item.get("目录名称")) if isinstance(v, str)]
    names = [n for n in names if n]
    fitting = [n for n in names if len(n) <= MAX_TERM_LENGTH]
    return fitting[0] if fitting else (names[0] if names else "")


def _phrases(raw: object) -> list[str]:
    if not isinstance(raw, str):
        return []
    return [" ".join(normalize(p).strip("“”\"'").split()) for p in _SEPARATORS.split(raw) if p.strip()]


def read_phrases(lines: Iterable[str], filename: str, report: CandidateReport) -> list[Phrase]:
    """Every (phrase, official name) pair in a JSON Lines catalogue; bad lines raise with file:line."""
    found: list[Phrase] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CatalogueFileError(f"{filename}:{number}: 不是有效的 JSON：{exc.msg}") from exc
        if not isinstance(item, dict):
            raise CatalogueFileError(f"{filename}:{number}: 每行应是一个 JSON 对象")
        report.items += 1
        raw = item.get("_raw")
        target = _target_name(item)
        if not isinstance(raw, dict) or not target:
            continue
        code = str(item.get("事项编码") or raw.get("TASK_CODE") or "")
        before = len(found)
        for key, label in (("matter_daily", "日常用语"), ("matter_short", "简称")):
            found += [Phrase(p, target, code, label) for p in _phrases(raw.get(key))]
        report.items_with_names += any(p.text.lower() not in _PLACEHOLDERS for p in found[before:])
    return found


def _usable(phrase: Phrase, names: list[str], report: CandidateReport) -> bool:
    text = phrase.text
    flat = "".join(text.split())
    if not text or text.lower() in _PLACEHOLDERS:
        report.skip("占位词（无）")
        return False
    if len(text) < 2 or not segment_query(text):
        report.skip("单字或无可检索字符")
        return False
    if len(text) > MAX_TERM_LENGTH or len(phrase.target) > MAX_TERM_LENGTH:
        report.skip(f"超过 {MAX_TERM_LENGTH} 字")
        return False
    if _BRACKETS.search(text):
        report.skip("含括号（常为截断的说法）")
        return False
    target_words = set(segment_query(phrase.target))
    if flat in "".join(phrase.target.split()) or set(segment_query(text)) <= target_words:
        report.skip("已包含在事项名称中")
        return False
    if sum(flat in name for name in names) >= GENERIC_NAME_COUNT:
        report.skip(f"出现在 {GENERIC_NAME_COUNT} 个以上事项名称中（通用词）")
        return False
    return True


def candidate_rules(
    phrases: Iterable[Phrase], existing: Iterable[SynonymRule], report: CandidateReport
) -> None:
    """Group usable phrases by official name into one rule each; leave out what existing rules say."""
    known = {pair for rule in existing for pair in rule.pairs()}
    phrase_list = list(phrases)
    names = list({"".join(p.target.split()) for p in phrase_list})
    targets_of: dict[str, dict[str, Phrase]] = {}
    for phrase in phrase_list:
        if _usable(phrase, names, report):
            targets_of.setdefault(phrase.text, {}).setdefault(phrase.target, phrase)
    by_target: dict[str, list[Phrase]] = {}
    for text, targets in targets_of.items():
        if len(targets) > MAX_TARGETS:
            report.skip(f"用于超过 {MAX_TARGETS} 个事项（含义太宽）")
            continue
        for target, phrase in targets.items():
            if (text, target) in known:
                report.skip("已有规则")
                continue
            by_target.setdefault(target, []).append(phrase)
    for target, found in by_target.items():
        codes = ", ".join(dict.fromkeys(p.code for p in found if p.code))
        fields = "/".join(dict.fromkeys(p.field for p in found))
        report.rules.append(
            SynonymRule(
                kind="one_way",
                terms_from=tuple(p.text for p in found),
                terms_to=(target,),
                comment=f"目录{fields}，事项编码 {codes}" if codes else f"目录{fields}",
                owner=CANDIDATE_OWNER,
                category=CANDIDATE_CATEGORY,
                origin=CANDIDATE_ORIGIN,
            )
        )


def import_catalogue(path: Path, existing: Iterable[SynonymRule]) -> tuple[str, CandidateReport]:
    """The candidates file text for ``path`` and what was found and skipped. The text is checked with
    the strict parser before it is returned, so a reviewer never receives an invalid file."""
    report = CandidateReport()
    with path.open(encoding="utf-8") as handle:
        phrases = read_phrases(handle, path.name, report)
    candidate_rules(phrases, existing, report)
    header = (
        f"候选同义词规则：由 {path.name} 的日常用语、简称生成，共 {len(report.rules)} 条。\n"
        "未经审核，不会生效。审核后复制到 synonyms/data/ 或在 /admin 导入。"
    )
    text = format_rules(report.rules, header)
    parse_synonyms(text, "candidates.txt")
    return text, report
