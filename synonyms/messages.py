"""Citizens' messages and the title vocabulary: what the bridge miner reads.

A message file is a CSV export of a 问政/留言 platform (the 泰迪杯 2020 附件 files): 留言编号 and
留言主题 are required, 留言详情 and 答复意见 (the department's reply) are read when present. Place
names masked by the platform (A市, C4市, B2区) are cut out, so they never become phrases.

The title vocabulary is every run of one to five title words (2 to ``MAX_TERM_LENGTH`` characters)
with the number of titles that hold it: a phrase found there can be searched for as written.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from indexer.analysis import normalize, segment_query
from synonyms.rules import MAX_TERM_LENGTH

REQUIRED_COLUMNS = ("留言编号", "留言主题")
MAX_SPAN_WORDS = 5
# The platform masks places as a letter, digits and an administrative unit; 临G5县 keeps its 临.
_MASKED_PLACE = re.compile(r"[a-z]\d*(?:市|区|县|镇|乡|省|村)", re.IGNORECASE)
_NOT_HAN = re.compile(r"[^\u4e00-\u9fff]")
# Words of the message genre (asking, complaining, hedging) that name no need; a phrase may not
# start or end with one. Read off the 留言主题 of the 泰迪杯 附件 files, not off any query set.
# fmt: off
GENRE_WORDS = frozenset((
    "咨询", "请问", "关于", "问题", "建议", "反映", "希望", "请求", "要求", "可以", "能否",
    "是否", "如何", "怎么", "怎样", "什么", "哪些", "哪里", "何时", "多久", "为何", "为什么",
    "有关", "事宜", "情况", "需要", "应该", "还是", "已经", "没有", "不能", "一直", "严重",
    "相关", "我们", "我", "你们", "想", "在", "的", "了", "吗", "呢", "和",
    "与", "对", "被", "把", "有", "是", "要", "能", "会", "都", "也",
    "还", "就", "给", "让", "到", "从", "向", "跟", "等", "个", "一",
    "这", "那", "市", "区", "县", "镇", "省", "乡", "村", "再次", "多次",
    "了解",
))
# fmt: on


class MessageFileError(ValueError):
    """A message file cannot be read or lacks a required column; the message names the file."""


@dataclass(frozen=True, slots=True)
class Message:
    file: str  # e.g. 附件4 (the file name without .csv), for provenance
    number: str  # 留言编号
    theme: str  # 留言主题, normalised, masked places cut out
    detail: str  # 留言详情
    reply: str  # 答复意见 ("" when the file has none)

    @property
    def citizen_text(self) -> str:
        return f"{self.theme}\n{self.detail}"

    @property
    def label(self) -> str:
        return f"{self.file} 留言编号 {self.number}"


def _clean(text: str | None) -> str:
    return _MASKED_PLACE.sub("\n", normalize(text or "").replace("_x000d_", "\n"))


def read_messages(path: Path) -> list[Message]:
    """Every message of one CSV file; a missing column or an unreadable file raises with the name."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise MessageFileError(f"{path.name}: 缺少列 {'、'.join(missing)}")
            return [
                Message(
                    file=path.stem,
                    number=(row.get("留言编号") or "").strip(),
                    theme=_clean(row.get("留言主题")),
                    detail=_clean(row.get("留言详情")),
                    reply=_clean(row.get("答复意见")),
                )
                for row in reader
                if (row.get("留言主题") or "").strip()
            ]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise MessageFileError(f"无法读取 {path}：{exc}") from exc


def spans(words: list[str], max_words: int = MAX_SPAN_WORDS) -> Iterator[str]:
    """Every run of 1..max_words adjacent words, joined, that is 2..MAX_TERM_LENGTH Han characters."""
    for start in range(len(words)):
        for end in range(start + 1, min(len(words), start + max_words) + 1):
            text = "".join(words[start:end])
            if 2 <= len(text) <= MAX_TERM_LENGTH and not _NOT_HAN.search(text):
                yield text


def citizen_phrases(text: str) -> set[str]:
    """Candidate everyday phrases of a 留言主题: runs of up to three words (上+牌 → 上牌), never starting
    or ending with a genre word, at most six characters (a citizen's phrase, not a sentence)."""
    found: set[str] = set()
    for part in text.split("\n"):
        words = segment_query(part)
        for start in range(len(words)):
            for end in range(start + 1, min(len(words), start + 3) + 1):
                run = words[start:end]
                phrase = "".join(run)
                if run[0] in GENRE_WORDS or run[-1] in GENRE_WORDS:
                    continue
                # A one-character word at an edge is a remnant (2017年教师 → 年教师, 新车回) unless the
                # phrase is as short as a citizen's verb-object (上牌, 办护照: a verb in front).
                if (len(run[0]) == 1 and len(phrase) > 3) or (len(run[-1]) == 1 and len(phrase) > 2):
                    continue
                if 2 <= len(phrase) <= 6 and not _NOT_HAN.search(phrase):
                    found.add(phrase)
    return found


class TitleVocabulary:
    """Title phrases and how many titles hold each; a blob for 'occurs in some title' checks."""

    def __init__(self, titles: Iterable[str]) -> None:
        distinct = list(dict.fromkeys(normalize(t).strip() for t in titles))
        self.titles = [t for t in distinct if t]
        self.df: Counter[str] = Counter()
        for title in self.titles:
            self.df.update(set(spans(segment_query(title))))
        self._blob = "\n".join(self.titles)

    def __len__(self) -> int:
        return len(self.titles)

    def in_some_title(self, phrase: str) -> bool:
        return phrase in self._blob

    def titles_with(self, phrase: str, limit: int = 3) -> list[str]:
        return [t for t in self.titles if phrase in t][:limit]
