"""Derive the question and function words of citizens' queries (`indexer/data/query_stopwords.txt`).

Source: the citizens' messages in `../shared/data/messages/` (2020 泰迪杯 智慧政务): the 645 message
titles (`queries_from_message_titles.tsv`, column query_title) and the 留言详情 of 附件2–4, segmented
by the engine's query segmenter and tagged by jieba's part-of-speech tagger. A word is kept when it
occurs at least MIN_COUNT times there and belongs to a closed grammatical class that says how a
citizen asks, not what about:
- 疑问词 interrogatives: a word built on a question morpheme (什么 怎 哪 谁 多少 多久 多长 为何 如何 何时),
  or an A-not-A question (有没有 是不是 可不可以);
- 语气词 sentence-final particles (jieba tag y: 吗 呢 吧 啊);
- 助词 aspect and structural particles (tags uj ul uz ug ud uv: 的 了 着 过 得 地);
- 能愿动词 modal verbs (a closed class of Chinese grammar: 能 可以 要 想 需要 应该 …) and 是否/能否;
- the asker (我 我们 本人 您) and the politeness of a question (请问 一下).
Run: `python -m bench.function_words > indexer/data/query_stopwords.txt` (same source, same file).
"""

from __future__ import annotations

import csv
import re
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import jieba.posseg

from indexer.analysis import A_NOT_A, segment_query

MESSAGES = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "messages"
MIN_COUNT = 3
QUESTION_MORPHEMES = re.compile(r"什么|怎|哪|谁|多少|多久|多长|为何|如何|何时")
PARTICLE_TAGS = {"y": "语气词", **{tag: "助词" for tag in ("uj", "ul", "uz", "ug", "ud", "uv")}}
# 能愿动词 of Chinese grammar, with the yes-no question adverbs 是否/能否/可否 (asking whether one may)
MODAL_VERBS = frozenset(
    "能 能够 可以 可 会 要 想 需要 需 应该 应当 应 必须 得 愿意 敢 肯 是否 能否 可否 要不要".split()  # noqa: SIM905
)
ASKER = frozenset(["我", "我们", "本人", "您", "请问", "一下"])


def texts(folder: Path = MESSAGES) -> Iterator[str]:
    """Every message title and body of the source, once each."""
    with (folder / "queries_from_message_titles.tsv").open(encoding="utf-8") as f:
        yield from (row["query_title"] for row in csv.DictReader(f, delimiter="\t"))
    for name in ("附件2.csv", "附件3.csv", "附件4.csv"):
        with (folder / name).open(encoding="utf-8") as f:
            yield from (row.get("留言详情", "") for row in csv.DictReader(f))


def word_class(word: str, tag: str) -> str | None:
    """The function-word class of a tagged word, or None for a word with content."""
    if QUESTION_MORPHEMES.search(word) or A_NOT_A.fullmatch(word):
        return "疑问词"
    if tag in PARTICLE_TAGS:
        return PARTICLE_TAGS[tag]
    if word in MODAL_VERBS:
        return "能愿动词"
    return "提问者与礼貌语" if word in ASKER else None


def token_class(token: str) -> str | None:
    """The class of a query token (as the engine segments it), when every tagged part of it is a
    function word (我要 = 我 + 要), else None."""
    kinds = [word_class(pair.word, pair.flag) for pair in jieba.posseg.cut(token)]
    return kinds[0] if kinds and all(kinds) else None


def function_words(folder: Path = MESSAGES) -> list[tuple[str, str, int]]:
    """(word, class, occurrences in the messages), most frequent first within each class: the tokens
    the engine's own query segmenter makes of the messages, so that each is a token a query holds."""
    counts: Counter[tuple[str, str]] = Counter()
    for text in texts(folder):
        for token in segment_query(text):
            if kind := token_class(token):
                counts[token, kind] += 1
    totals: Counter[str] = Counter()
    kinds: dict[str, str] = {}
    for (word, kind), n in counts.items():
        totals[word] += n
        kinds.setdefault(word, kind)
    kept = [(w, kinds[w], n) for w, n in totals.items() if n >= MIN_COUNT]
    return sorted(kept, key=lambda row: (row[1], -row[2], row[0]))


def main() -> None:
    print("# Question and function words of citizens' queries: scored at a low weight, never dropped.")
    print("# Made by `python -m bench.function_words` from the citizens' messages in")
    print("# ../shared/data/messages/ (645 message titles and the 附件2–4 message bodies), segmented and")
    print(f"# tagged by jieba; closed classes only, {MIN_COUNT}+ occurrences. Columns: word, # class, count.")
    for word, kind, n in function_words():
        sys.stdout.write(f"{word}  # {kind} {n}\n")


if __name__ == "__main__":
    main()
