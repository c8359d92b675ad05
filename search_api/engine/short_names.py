"""The catalogue's own short names (简称, 日常用语) as a place where clipped words are looked for.

A citizen clips the name they know the way Chinese short forms are made, keeping the characters that
carry the meaning, often not the first of each word: 因病退休 → 病退, 中央银行 → 央行, 网络预约车 →
网约车. The official title seldom holds the phrase such a word was clipped from (职工因病或非因工致残完全
丧失劳动能力提前退休申请), but the catalogue's 简称 often does (因病提前退休申请). So a query word that no
title and no rule holds, whose characters appear in order in exactly one item's short name, is read as
that item's name. Exact short names are left to the reviewed rules (`synonyms/data/catalogue_names.txt`,
where a reviewer decided which name a short name may stand for); this only adds what a review cannot
list: the clippings of them.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from indexer.analysis import compact, normalize

_NOT_HAN = re.compile(r"[^\u4e00-\u9fff]+")
MAX_GAP = 3  # characters a short form may skip between two of its characters (in titles and short names)
MIN_ALIAS_LENGTH = 3  # 学历, 工伤: a two-character 日常用语 names a topic, not an item


@dataclass
class ShortNames:
    """Short names that stand for one item name a title holds, Han characters only, one a line."""

    blob: str = ""
    starts: list[int] = field(default_factory=list)  # where each line of `blob` starts
    names: list[str] = field(default_factory=list)  # the item name each line stands for

    def name_at(self, offset: int) -> str:
        return self.names[bisect.bisect_right(self.starts, offset) - 1]


def short_names(items: Iterable[tuple[str, str | None]], titles: Iterable[str]) -> ShortNames:
    """From (item name, its 简称/日常用语 as JSON text) pairs: each short name that names one item only
    (一个简称只指一个事项, the criterion of the reviewed rules), whose item has a title in the collection."""
    found = ShortNames()
    lines: list[str] = []
    at = 0
    for alias, titles_of in sorted(_titles_named(items, set(titles)).items()):
        if len(titles_of) != 1:
            continue
        (title,) = titles_of
        for piece in _NOT_HAN.split(alias):
            if len(piece) >= 2:  # 类 of A类: a lone character is no name
                lines.append(piece)
                found.starts.append(at)
                found.names.append(title)
                at += len(piece) + 1
    found.blob = "\n".join(lines)
    return found


def _titles_named(items: Iterable[tuple[str, str | None]], held: set[str]) -> dict[str, set[str]]:
    """Each short name (compact, 3+ characters, not inside the item's own name) → the titles it names."""
    named: dict[str, set[str]] = {}
    seen: set[tuple[str, str]] = set()  # one item in many regions: its name and short names read once
    for name, aliases in items:
        if not aliases or aliases == "[]" or (name, aliases) in seen:
            continue  # most items have none, and their names need no normalising
        seen.add((name, aliases))
        title = normalize(name)
        if title not in held:
            continue  # an item without a guide here: nothing a search could find through it
        for alias in _parsed(aliases):
            key = compact(normalize(alias))
            if len(key) >= MIN_ALIAS_LENGTH and key not in title:
                named.setdefault(key, set()).add(title)
    return named


def _parsed(aliases: str | None) -> list[str]:
    if not aliases or aliases == "[]":
        return []
    try:
        value = json.loads(aliases)
    except ValueError:
        return []
    return [str(a) for a in value] if isinstance(value, list) else []


def in_order(token: str) -> re.Pattern[str]:
    """`token`'s characters in order, at most MAX_GAP characters apart: how a short form sits in the
    phrase it was made from (病退 in 因病提前退休申请, 律所 in 律师事务所)."""
    return re.compile(f".{{0,{MAX_GAP}}}".join(re.escape(c) for c in token))


def clipped_from(token: str, names: ShortNames, *, whole_words: bool = False) -> str | None:
    """The item name whose short name `token` was clipped from: its characters in order, the first and
    the last included, at most MAX_GAP characters apart (病退 in 因病提前退休申请), or its first word (工龄
    of 工龄审核), when they are so found in the short names of one item only; a short name typed whole is not
    a clipping (the reviewed rules decide what a whole short name stands for). With `whole_words`, only
    as it is typed (工龄 in 工龄审核), not clipped."""
    if len(token) < 2 or not names.blob:
        return None
    matches = (re.compile(re.escape(token)) if whole_words else in_order(token)).finditer(names.blob)
    found = {names.name_at(m.start()) for m in matches if _clipped_or_head(names.blob, m, len(token))}
    return found.pop() if len(found) == 1 else None


def _clipped_or_head(blob: str, match: re.Match[str], length: int) -> bool:
    """Spelt apart (a clipping), or typed as the first word of a longer short name (工龄 of 工龄审核; 客运公司
    in 定制客运公司查询 follows a qualifier: a 定制 company is not what a citizen typing it means)."""
    start, end = match.start(), match.end()
    if end - start > length:
        return True
    return (start == 0 or blob[start - 1] == "\n") and end < len(blob) and blob[end] != "\n"
