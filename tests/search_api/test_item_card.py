"""Which item a query names: the brief's examples on the shared catalogue and on our sample guides."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from indexer.analysis import segment_query
from indexer.catalogue.formats import read_catalogue
from indexer.documents import CatalogueItem, ServiceGuide
from indexer.importer import ImportReport
from search_api.engine import knowledge_file
from search_api.engine.item_card import ItemMatcher, shortest_names
from search_api.engine.postings import PackedStrings
from synonyms.expansion import load_default_synonyms
from tests.factories import SAMPLE_DOCUMENTS
from tests.shared_data import shared_path

SYNONYMS = load_default_synonyms()


def best_name(matcher: ItemMatcher, items: dict[str, CatalogueItem], query: str) -> str | None:
    tokens = segment_query(query)
    key = matcher.best(tokens, SYNONYMS.expand(tokens))
    return items[key].name if key else None


@pytest.fixture(scope="module")
def shared_catalogue() -> tuple[ItemMatcher, dict[str, CatalogueItem]]:
    items: dict[str, CatalogueItem] = {}
    for name in ("data/service_items/guangdong.jsonl", "data/catalogue/sichuan_guangan.csv"):
        items |= {x.item.key: x.item for x in read_catalogue(shared_path(name), ImportReport())}
    return ItemMatcher(items.values()), items


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("律所查询", "律师事务所基本信息查询"),
        ("社保卡挂失", "社会保障卡挂失"),
        ("注销律师证", "律师执业证书注销审核(律师执业证书注销)"),
        ("残疾证怎么办", "《中华人民共和国残疾人证》新办证申请"),
        ("结婚登记", "结婚登记预约"),
        ("退休", "企业职工基本养老金申领"),
        ("国务院工作规则", None),
        ("我要结婚", None),  # a scenario, not one item
        ("身份证", "居民身份证办理（包括临时）"),  # not 临时身份证明, where 身份证 is only half the name
        ("社保", None),
        ("申请", None),  # an action without an object
    ],
)
def test_cards_on_the_shared_catalogue(
    shared_catalogue: tuple[ItemMatcher, dict[str, CatalogueItem]], query: str, name: str | None
) -> None:
    matcher, items = shared_catalogue
    assert best_name(matcher, items, query) == name


def test_colloquial_descriptions_find_the_sample_guides() -> None:
    items = {
        g.item_code: CatalogueItem.from_guide(g) for g in SAMPLE_DOCUMENTS if isinstance(g, ServiceGuide)
    }
    matcher = ItemMatcher(items.values())
    assert best_name(matcher, items, "驾照到期换证") == "机动车驾驶证期满换证"
    assert best_name(matcher, items, "换身份证") == "居民身份证换领"
    assert best_name(matcher, items, "社保卡挂失") == "社会保障卡挂失"
    assert best_name(matcher, items, "住房公积金") is None


def test_shortest_names_are_counted_in_characters() -> None:
    names = PackedStrings.of(["社会保障卡\n社保卡补领", "", "居民身份证\n", "ab\n中文字\nxyz"])
    assert shortest_names(names).tolist() == [5, 0, 0, 2]
    assert shortest_names(PackedStrings.of([])).tolist() == []
    assert ItemMatcher([]).best(["证"], []) is None


SHORT_QUERIES = ("证", "税", "房", "卡", "a", "1", "证 税", "房 卡", "我 要 证", "社保", "办证", "建筑")
# Words with synonyms whose alternatives share common parts (办理), and longer descriptions.
OTHER_QUERIES = ("律所查询", "社保卡挂失", "残疾证怎么办", "驾照到期换证", "去台湾探亲签注", "结婚登记")


def test_a_short_query_reads_only_names_it_can_cover(
    shared_catalogue: tuple[ItemMatcher, dict[str, CatalogueItem]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A word of one character narrows nothing through bigrams; the entries whose every name is too
    long for the query to cover are left unread, and the card is the one a scan of every entry
    finds, for these and for longer queries."""
    matcher, _ = shared_catalogue
    read: list[int] = []
    entry = ItemMatcher.entry
    monkeypatch.setattr(ItemMatcher, "entry", lambda self, n: read.append(n) or entry(self, n))
    bounded = {}
    for query in SHORT_QUERIES:
        read.clear()
        bounded[query] = best_of(matcher, query)
        assert len(read) < len(matcher) // (100 if len(query) == 1 else 5)  # all 3,370 before
    every = np.arange(len(matcher), dtype=np.int32)
    bounded |= {q: best_of(matcher, q) for q in OTHER_QUERIES}
    monkeypatch.setattr(ItemMatcher, "_candidates", lambda self, *_: every.tolist())
    assert {q: best_of(matcher, q) for q in (*SHORT_QUERIES, *OTHER_QUERIES)} == bounded


def best_of(matcher: ItemMatcher, query: str) -> str | None:
    tokens = segment_query(query)
    return matcher.best(tokens, SYNONYMS.expand(tokens))


def test_the_name_lengths_are_kept_in_the_matcher_file(
    shared_catalogue: tuple[ItemMatcher, dict[str, CatalogueItem]], tmp_path: Path
) -> None:
    """Worked out when the matcher is built and mapped back from its file, not again at each start."""
    _, items = shared_catalogue
    matcher = ItemMatcher(items.values())  # saved as built, before any search
    knowledge_file.save(tmp_path / "matcher.bin", ("matcher", "v1"), matcher)
    opened = knowledge_file.load(tmp_path / "matcher.bin", ("matcher", "v1"))
    assert isinstance(opened, ItemMatcher) and "_shortest" in vars(opened) and "_by_length" in vars(opened)
    assert vars(opened)["_shortest"].tolist() == shortest_names(matcher._names).tolist()
    assert {q: best_of(opened, q) for q in SHORT_QUERIES} == {q: best_of(matcher, q) for q in SHORT_QUERIES}
