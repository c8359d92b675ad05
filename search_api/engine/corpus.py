"""What query understanding and reranking know about the indexed collection, held in memory.

Read from the store in one pass (titles and a few metadata fields, never the bodies), rebuilt
when the store changes. Titles are the vocabulary: a word that occurs in no title and no synonym
rule is unknown, and an unknown word is where abbreviations, pinyin and typos are looked for.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from indexer.analysis import normalize, segment_for_index
from indexer.documents import audiences_of
from indexer.fields import code_key, guide_subjects, policy_subjects
from indexer.regions import area_values
from indexer.storage import Database
from indexer.storage.catalogue import Catalogue
from indexer.storage.documents import CorpusRow, Documents
from indexer.validity import Validity, validity_of
from search_api.engine.doc_table import DocInfo, DocTableBuilder, held_codes
from search_api.engine.postings import Postings, intersection
from search_api.engine.short_names import ShortNames, short_names

__all__ = ["Corpus", "DocInfo", "Postings", "add_titles", "build_corpus", "invalid_label", "store_signature"]

_HIGH_LEVELS = ("国家", "国务院", "国家级")
_NOT_HAN = re.compile(r"[^\u4e00-\u9fff]")


@dataclass
class Corpus:
    docs: Mapping[str, DocInfo] = field(default_factory=dict)  # a `DocTable` when built from a store
    titles: list[str] = field(default_factory=list)  # distinct normalised titles
    blob: str = ""  # titles joined by newlines, for substring and pattern checks
    # The blob with every character outside CJK Unified Ideographs turned into a newline: a pattern
    # over Han characters only can then use `.` instead of a character class (compiled once per
    # query word, a class costs milliseconds to compile; `.` microseconds).
    han_blob: str = ""
    word_df: Counter[str] = field(default_factory=Counter)  # title words → how many titles hold them
    postings: Postings = field(default_factory=Postings)  # title word → title numbers
    terms: set[str] = field(default_factory=set)  # synonym-rule terms and popular queries
    years: set[int] = field(default_factory=set)  # publication years present, for the 年份 facet
    pairs: set[str] = field(default_factory=set)  # every two adjacent characters of a title
    regions: Counter[tuple[str, str]] = field(default_factory=Counter)  # (地区, 区划代码) → documents
    # (kind, "publisher" | "subject") → value → documents: the 部门 and 主题 a citizen can browse by
    browse: dict[tuple[str, str], Counter[str]] = field(default_factory=dict)
    phones: dict[str, str] = field(default_factory=dict)  # 实施主体 → a 咨询电话 one of its guides gives
    # The catalogue's 简称/日常用语 that name one item: where a clipped word no title holds is looked for
    short_names: ShortNames = field(default_factory=ShortNames)
    # (title, visitors) of the documents different people opened from the results lately
    # (`query_log.popular_documents`): the words citizens mean when they type initials
    opened: tuple[tuple[str, int], ...] = ()

    def _may_occur(self, text: str) -> bool:
        """False when some two adjacent characters of `text` occur in no title: most unknown words stop
        here, before a scan of every title."""
        return all(text[i : i + 2] in self.pairs for i in range(len(text) - 1))

    signature: tuple[int, str] = (0, "")

    @cached_property
    def terms_blob(self) -> str:
        """The terms joined by newlines, for counting what citizens' terms contain (once per build)."""
        return "\n".join(self.terms)

    @cached_property
    def held_codes(self) -> Collection[str]:
        """Every 发文字号 / 事项编码 key some document carries (once per build, not per 文号 query)."""
        return held_codes(self.docs)

    def known(self, text: str) -> bool:
        """Does the text occur in some title, or is it a term the synonym rules or the log know?"""
        return bool(text) and (text in self.terms or (self._may_occur(text) and text in self.blob))

    def title_count(self, text: str) -> int:
        return self.blob.count(text) if text and self._may_occur(text) else 0

    def with_terms(self, terms: Iterable[str]) -> Corpus:
        """The same collection with other synonym terms and popular queries (and no opened documents
        yet): everything read from the store is shared, not read again."""
        fresh = dataclasses.replace(self, terms=_term_set(terms), opened=())
        if "held_codes" in self.__dict__:  # worked out once per store, not per popularity change
            fresh.__dict__["held_codes"] = self.__dict__["held_codes"]
        return fresh

    def cooccurring_titles(self, words: Iterable[str]) -> int:
        """How many titles contain every word (as indexed title words)."""
        arrays = [self.postings.get(w) for w in words]
        return len(intersection(arrays)) if arrays else 0


def invalid_label(title: str, head: str, declared: str = "") -> str:
    """已废止/已失效 when the document says it no longer applies (`indexer.validity`), else ""."""
    validity = validity_of(title, head, declared)
    return "" if validity is Validity.CURRENT else validity.value


def _date(value: object) -> dt.date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _json_list(text: str) -> list[str]:
    try:
        value = json.loads(text) if text else []
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []


@lru_cache(maxsize=4096)
def _subjects(kind: str, text: str) -> tuple[str, ...]:
    """主题分类 as the 主题分类 filter sees it (the same few texts repeat over many documents)."""
    return guide_subjects(_json_list(text)) if kind == "guide" else policy_subjects(text)


def _count_browsing(corpus: Corpus, row: CorpusRow) -> None:
    """Documents per 部门, 主题 and 地区, as the 发文机关/实施主体, 主题分类 and 地区 filters see them, and
    a department's phone."""
    if row.publisher:
        corpus.browse.setdefault((row.kind, "publisher"), Counter())[row.publisher] += 1
    if subjects := _subjects(row.kind, row.subjects):
        corpus.browse.setdefault((row.kind, "subject"), Counter()).update(subjects)
    if row.region:
        corpus.regions[(row.region, row.region_code[:6])] += 1
    if row.phone and row.publisher:
        corpus.phones.setdefault(row.publisher, row.phone)


def store_signature(database: Database) -> tuple[int, str]:
    """Changes whenever a document is added, changed or withdrawn, or the catalogue changes (its items'
    short names are read too: an import may change them without changing a document)."""
    count, digest = Documents(database).signature()
    return count, f"{digest}:{Catalogue(database).version()}"


def build_corpus(database: Database, extra_terms: Iterable[str] = ()) -> Corpus:
    """Read titles and metadata from the store (read-only; the store stays the writer's)."""
    documents = Documents(database)
    corpus = Corpus(signature=store_signature(database))
    titles: dict[str, int] = {}
    table = DocTableBuilder()
    # Regions and 服务对象 repeat across thousands of documents: each distinct one is read once and its
    # tuple shared (less time and memory than one per document).
    areas_of: dict[tuple[str, str], tuple[str, ...]] = {}
    audiences_of_text: dict[str, tuple[str, ...]] = {}
    normalized: dict[str, str] = {}  # the same title recurs (one item in many regions): normalised once
    for row in documents.corpus_rows():
        if (norm := normalized.get(row.title)) is None:
            norm = normalized[row.title] = normalize(row.title)
        high = any(row.level.startswith(h) for h in _HIGH_LEVELS) or row.publisher.startswith("国务院")
        codes = tuple(code_key(n) for n in row.numbers if n)
        invalid = invalid_label(norm, row.head, row.validity)
        place = (row.region, row.region_code)
        if (areas := areas_of.get(place)) is None:
            areas = areas_of[place] = area_values(*place)
        if (audiences := audiences_of_text.get(row.service_objects)) is None:
            people = tuple(a.value for a in audiences_of(_json_list(row.service_objects)))
            audiences = audiences_of_text[row.service_objects] = people
        info = DocInfo(row.kind, norm, _date(row.date), high, invalid, codes, areas, audiences)
        table.add(row.id, info, titles.setdefault(norm, len(titles)))
        _count_browsing(corpus, row)
        if info.date:
            corpus.years.add(info.date.year)
    add_titles(corpus, titles)
    corpus.docs = table.table(corpus.titles)
    corpus.terms = _term_set(extra_terms)
    items = ((name, aliases) for _key, name, aliases, _guide in Catalogue(database).names())
    corpus.short_names = short_names(items, corpus.titles)
    return corpus


def _term_set(terms: Iterable[str]) -> set[str]:
    """Synonym terms and popular queries as the corpus compares them: normalised, no blanks."""
    return {normalize(t).strip() for t in terms if t.strip()}


def add_titles(corpus: Corpus, titles: Iterable[str]) -> None:
    """The vocabulary of distinct normalised titles: the titles, their character pairs, their words."""
    postings = corpus.postings.lists()
    for title in titles:
        number = len(corpus.titles)
        corpus.titles.append(title)
        corpus.pairs.update(title[i : i + 2] for i in range(len(title) - 1))
        for word in set(segment_for_index(title)):
            if len(word) >= 2 or "\u4e00" <= word <= "\u9fff":
                corpus.word_df[word] += 1
                postings.setdefault(word, []).append(number)
    corpus.postings = Postings.of(postings)
    corpus.blob = "\n".join(corpus.titles)
    corpus.han_blob = _NOT_HAN.sub("\n", corpus.blob)
