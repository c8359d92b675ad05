"""Strict reader for synonym files: one rule per line, every problem reported with file:line.

Format::

    # comment lines and blank lines are ignored
    老年社保, 农村养老保险 => 城乡居民基本养老保险   # one-way: left side expands to the right side
    社保, 社会保险                                 # equivalence group: each expands to the others

Metadata lines set the owner, category and origin (where the everyday phrase comes from: the
catalogue's own 日常用语, citizens' messages …) of the rules below them, until the next such line::

    @owner 人社业务组
    @category 社会保险
    @origin 群众留言

A one-way chain that comes back to its start (A => B, B => A) is reported as a cycle.
Terms are separated by "," or "，" and normalised with ``indexer.analysis.normalize``, so
traditional script and full-width punctuation (including "＝＞" and "＃") work in a file.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

from indexer.analysis import normalize, segment_query
from synonyms.rules import MAX_TERM_LENGTH, RuleKind, SynonymRule

ARROW = "=>"
DIRECTIVES = ("owner", "category", "origin")
_COMMENT_MARKS = ("#", "＃")


class SynonymFileError(ValueError):
    """One or more problems in synonym files; ``errors`` holds one ``file:line: problem`` each."""

    def __init__(self, errors: Iterable[str]) -> None:
        self.errors: tuple[str, ...] = tuple(errors)
        super().__init__("\n".join(self.errors))


@dataclass(frozen=True, slots=True)
class _Problem:
    order: int
    line: int
    message: str


def _split_comment(raw: str) -> tuple[str, str]:
    positions = [p for p in (raw.find(mark) for mark in _COMMENT_MARKS) if p >= 0]
    if not positions:
        return raw, ""
    cut = min(positions)
    return raw[:cut], raw[cut + 1 :].strip()


def _split_terms(side: str) -> list[str]:
    # After normalize() a full-width "，" is already ","; the replace keeps this safe on its own.
    return [t.strip() for t in side.replace("，", ",").split(",")]


def _term_problems(terms: list[str], side_name: str) -> list[str]:
    problems: list[str] = []
    seen: set[str] = set()
    for term in terms:
        if not term:
            problems.append(f"{side_name}有空词（多了一个逗号？）")
            continue
        if len(term) > MAX_TERM_LENGTH:
            problems.append(f"词“{term}”有 {len(term)} 个字（最多 {MAX_TERM_LENGTH} 个）")
        elif not segment_query(term):
            problems.append(f"词“{term}”没有可检索的字符")
        if term in seen:
            problems.append(f"词“{term}”在本条规则中出现了两次")
        seen.add(term)
    return problems


def _parse_line(raw: str, location: str) -> tuple[SynonymRule | None, list[str]]:
    """A rule (or None for a blank/comment line) and the problems of this line."""
    body, comment = _split_comment(raw)
    text = normalize(body).strip()
    if not text:
        return None, []
    pieces = text.split(ARROW)
    if len(pieces) > 2:
        return None, [f'一条规则中有多个 "{ARROW}"']
    kind: RuleKind
    if len(pieces) == 2:
        kind = "one_way"
        left, right = (p.strip() for p in pieces)
        problems: list[str] = []
        if not left:
            problems.append(f'"{ARROW}" 左边为空')
        if not right:
            problems.append(f'"{ARROW}" 右边为空')
        if problems:
            return None, problems
        terms_from, terms_to = _split_terms(left), _split_terms(right)
        problems += _term_problems(terms_from, "左边")
        problems += _term_problems(terms_to, "右边")
        for term in dict.fromkeys(t for t in terms_from if t and t in terms_to):
            problems.append(f"规则把“{term}”映射到它自己")
    else:
        kind = "equivalent"
        terms_from, terms_to = _split_terms(text), []
        problems = _term_problems(terms_from, "等价组")
        if len({t for t in terms_from if t}) < 2:
            problems.append(f'等价组至少需要两个不同的词（单向规则请用 "{ARROW}"）')
    if problems:
        return None, problems
    rule = SynonymRule(
        kind=kind,
        terms_from=tuple(terms_from),
        terms_to=tuple(terms_to),
        comment=comment,
        source=location,
    )
    return rule, []


def _directive(raw: str) -> tuple[str, str] | None:
    """``@owner X`` / ``@category Y`` / ``@origin Z`` → (name, value); None for any other line."""
    text = raw.removeprefix("\ufeff").strip()
    if not text.startswith(("@", "＠")):
        return None
    name, _, value = text[1:].replace("\u3000", " ").partition(" ")
    return normalize(name).strip(), value.strip()  # the value is shown to people as written


def _parse(text: str, filename: str, order: int) -> tuple[list[SynonymRule], list[_Problem]]:
    rules: list[SynonymRule] = []
    problems: list[_Problem] = []
    meta = dict.fromkeys(DIRECTIVES, "")
    for number, raw in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        directive = _directive(raw)
        if directive is not None:
            name, value = directive
            if name not in DIRECTIVES:
                allowed = "、".join(f"@{d}" for d in DIRECTIVES)
                problems.append(_Problem(order, number, f"未知的 @{name} 行（只能用 {allowed}）"))
            elif not value:
                problems.append(_Problem(order, number, f"@{name} 后面需要写内容"))
            else:
                meta[name] = value
            continue
        rule, messages = _parse_line(raw, f"{filename}:{number}")
        problems.extend(_Problem(order, number, m) for m in messages)
        if rule is not None:
            rules.append(rule.model_copy(update=meta) if any(meta.values()) else rule)
    return rules, problems


def _cycle_problems(rules: list[SynonymRule], orders: list[int]) -> list[_Problem]:
    """One-way rules that lead back to where they started (A => B and B => A, or longer)."""
    edges: dict[str, dict[str, SynonymRule]] = {}
    for rule in rules:
        if rule.kind == "one_way":
            for term, target in rule.pairs():
                edges.setdefault(term, {}).setdefault(target, rule)
    order_of = {id(rule): order for rule, order in zip(rules, orders, strict=True)}
    problems: list[_Problem] = []
    reported: set[frozenset[str]] = set()
    for start in edges:
        # Depth-first walk from each term; a path back to `start` is a cycle.
        stack: list[tuple[str, list[str]]] = [(start, [start])]
        while stack:
            term, path = stack.pop()
            for target in edges.get(term, {}):
                if target == start:
                    key = frozenset(path)
                    if key not in reported:
                        reported.add(key)
                        last = edges[term][target]
                        loop = " => ".join([*path, start])
                        where = ", ".join(
                            dict.fromkeys(edges[a][b].source for a, b in _steps([*path, start]))
                        )
                        problems.append(
                            _Problem(
                                order_of[id(last)], _line_of(last.source), f"规则形成循环：{loop}（{where}）"
                            )
                        )
                elif target not in path and len(path) < 8:
                    stack.append((target, [*path, target]))
    return problems


def _steps(path: list[str]) -> list[tuple[str, str]]:
    return list(itertools.pairwise(path))


def _line_of(source: str) -> int:
    tail = source.rpartition(":")[2]
    return int(tail) if tail.isdigit() else 0


def _duplicate_problems(rules: list[SynonymRule], orders: list[int]) -> list[_Problem]:
    """Rules, or (term, target) pairs, defined a second time; name both places."""
    first_place: dict[tuple[str, str], SynonymRule] = {}
    problems: list[_Problem] = []
    for rule, order in zip(rules, orders, strict=True):
        clashes: dict[str, list[tuple[str, str]]] = {}
        earlier_rules: dict[str, SynonymRule] = {}
        for pair in rule.pairs():
            earlier = first_place.get(pair)
            if earlier is None:
                first_place[pair] = rule
            else:
                clashes.setdefault(earlier.source, []).append(pair)
                earlier_rules[earlier.source] = earlier
        for where, pairs in clashes.items():
            earlier = earlier_rules[where]
            if earlier.kind == rule.kind and set(earlier.pairs()) == set(rule.pairs()):
                message = f"同一条规则已在 {where} 定义（{rule.source} 重复）"
            else:
                shown = ", ".join(f"{a} => {b}" for a, b in pairs)
                message = f"{shown} 已在 {where} 定义（{rule.source} 重复）"
            problems.append(_Problem(order, _line_of(rule.source), message))
    return problems


def _raise_if_any(problems: list[_Problem], names: list[str]) -> None:
    if problems:
        ordered = sorted(problems, key=lambda p: (p.order, p.line))
        raise SynonymFileError(
            f"{names[p.order]}:{p.line}: {p.message}" if p.line else f"{names[p.order]}: {p.message}"
            for p in ordered
        )


def rule_set_problems(rules: list[SynonymRule]) -> list[str]:
    """Duplicates and cycles across rules from several places, each message naming the rules' sources."""
    orders = [0] * len(rules)
    return [p.message for p in (*_duplicate_problems(rules, orders), *_cycle_problems(rules, orders))]


def parse_synonyms(text: str, filename: str) -> list[SynonymRule]:
    """Parse one synonym file's text; raise ``SynonymFileError`` listing every problem found."""
    rules, problems = _parse(text, filename, 0)
    problems += _duplicate_problems(rules, [0] * len(rules))
    problems += _cycle_problems(rules, [0] * len(rules))
    _raise_if_any(problems, [filename])
    return rules


def load_synonym_files(paths: Iterable[str | PathLike[str]]) -> list[SynonymRule]:
    """Read and parse UTF-8 synonym files in order; rules are located as ``<file name>:<line>``.

    Problems from all files, including a rule repeated in a later file, are raised together.
    """
    rules: list[SynonymRule] = []
    orders: list[int] = []
    problems: list[_Problem] = []
    names: list[str] = []
    for order, raw_path in enumerate(paths):
        path = Path(raw_path)
        names.append(path.name)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(_Problem(order, 0, f"无法读取 {path}：{exc}"))
            continue
        file_rules, file_problems = _parse(text, path.name, order)
        rules += file_rules
        orders += [order] * len(file_rules)
        problems += file_problems
    problems += _duplicate_problems(rules, orders)
    problems += _cycle_problems(rules, orders)
    _raise_if_any(problems, names)
    return rules
