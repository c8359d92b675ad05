"""The contract every SearchBackend must pass; parametrised over the backends we ship."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.analysis import index_text, normalize, segment_query
from indexer.backends import BACKENDS
from indexer.backends.base import BackendQuery, Clause, Group, SearchBackend
from indexer.fields import IndexDoc
from search_api.engine.ranking import FIELD_WEIGHTS
from tests.es_nodes import BackendOpener


def make_doc(doc_id: str, title: str, body: str = "", kind: str = "guide", site: str = "甲站") -> IndexDoc:
    return IndexDoc(
        id=doc_id,
        title=index_text(title),
        meta="",
        body=index_text(body),
        title_key=normalize(title),
        codes=(f"code-{doc_id}",),
        keywords={"kind": (kind,), "site": (site,), "region": ("示例市",), "publisher": ("示例市公安局",)},
    )


DOCS = [
    make_doc("a", "居民身份证换领", "有效期满换领新证"),
    make_doc("b", "居民身份证补领", "丢失补领"),
    make_doc("c", "社会保障卡挂失", "社保卡丢失挂失", site="乙站"),
    make_doc("d", "城乡居民基本养老保险参保登记", "参保", kind="policy"),
]


def words(query: str, boost: float = 1.0) -> BackendQuery:
    groups = tuple(Group((Clause((t,), boost),)) for t in segment_query(query))
    return BackendQuery(groups=groups, field_weights=FIELD_WEIGHTS)


@pytest.fixture(params=BACKENDS)
def backend(
    request: pytest.FixtureRequest, tmp_path: Path, open_index: BackendOpener
) -> Iterator[SearchBackend]:
    b = open_index(request.param, tmp_path, writable=True)
    b.index(DOCS)
    yield b
    b.close()


def test_search_ranks_title_matches_first(backend: SearchBackend) -> None:
    result = backend.search(words("身份证换领"))
    assert [h.id for h in result.hits][:2] == ["a", "b"]
    assert result.total == 2


def test_count_and_delete(backend: SearchBackend) -> None:
    assert backend.count() == 4
    backend.delete(["a"])
    assert backend.count() == 3
    assert "a" not in [h.id for h in backend.search(words("身份证")).hits]


def test_reindex_replaces_by_id(backend: SearchBackend) -> None:
    backend.index([make_doc("a", "机动车驾驶证期满换证")])
    assert backend.count() == 4
    assert [h.id for h in backend.search(words("驾驶证")).hits] == ["a"]


def test_phrase_clause_and_filters(backend: SearchBackend) -> None:
    phrase = Group((Clause(tuple(segment_query("城乡居民基本养老保险")), 1.0),))
    query = BackendQuery(groups=(phrase,), field_weights=FIELD_WEIGHTS, filters={"kind": ("policy",)})
    assert [h.id for h in backend.search(query).hits] == ["d"]
    none = BackendQuery(groups=(phrase,), field_weights=FIELD_WEIGHTS, filters={"kind": ("guide",)})
    assert backend.search(none).total == 0


def test_clause_boost_orders_alternatives(backend: SearchBackend) -> None:
    group = Group((Clause(("补领",), 1.0), Clause(("换领",), 0.2)))
    hits = backend.search(BackendQuery(groups=(group,), field_weights=FIELD_WEIGHTS)).hits
    assert [h.id for h in hits] == ["b", "a"]


def test_a_phrase_counts_fully_where_the_index_puts_sub_words_between_its_words(
    backend: SearchBackend,
) -> None:
    """The index writes a word's sub-words just before it (保税区 → 保税 保税区), so the phrase of the
    query words (综合, 保税区) meets an analysed title with a gap; it must count as much as where it
    stands tight (same title length), as in the embedded index."""
    phrase = tuple(segment_query("综合保税区"))
    assert phrase == ("综合", "保税区")
    written = make_doc("w", "综合保税区开放")
    assert written.title == "综合 保税 保税区 开放"
    tight = dataclasses.replace(
        written, id="t", title="综合 保税区 开放 政策", title_key="综合保税区开放政策"
    )
    backend.index([written, tight])
    query = BackendQuery(groups=(Group((Clause(phrase),)),), field_weights={"title": 1.0})
    scores = {h.id: h.score for h in backend.search(query).hits}
    assert set(scores) == {"w", "t"}
    assert scores["w"] == pytest.approx(scores["t"], rel=1e-3)


def test_exact_code_and_title_key_win(backend: SearchBackend) -> None:
    query = BackendQuery(
        groups=words("居民").groups, field_weights=FIELD_WEIGHTS, exact_codes=("code-d",), code_boost=100
    )
    assert backend.search(query).hits[0].id == "d"
    query = BackendQuery(
        groups=(), field_weights=FIELD_WEIGHTS, title_key=normalize("居民身份证补领"), title_key_boost=5
    )
    assert [h.id for h in backend.search(query).hits] == ["b"]


def test_paging(backend: SearchBackend) -> None:
    q = words("居民")
    first = backend.search(BackendQuery(groups=q.groups, field_weights=FIELD_WEIGHTS, limit=2))
    second = backend.search(BackendQuery(groups=q.groups, field_weights=FIELD_WEIGHTS, offset=2, limit=2))
    assert first.total == second.total == 3
    assert {h.id for h in first.hits}.isdisjoint({h.id for h in second.hits})


def test_empty_query_matches_nothing(backend: SearchBackend) -> None:
    assert backend.search(BackendQuery(groups=(), field_weights=FIELD_WEIGHTS)).total == 0


def test_facets_count_matching_documents(backend: SearchBackend) -> None:
    facets = backend.facets(words("挂失 身份证"), ["kind", "site"])
    assert facets["kind"] == {"guide": 3}
    assert facets["site"] == {"甲站": 2, "乙站": 1}
    with pytest.raises(ValueError):
        backend.facets(words("身份证"), ["nope"])


def test_suggest_by_word_prefix(backend: SearchBackend) -> None:
    assert set(backend.suggest(["身份证"])) == {"居民身份证换领", "居民身份证补领"}
    assert set(backend.suggest(["身份"])) == {"居民身份证换领", "居民身份证补领"}
    assert backend.suggest(["社会", "保"]) == ["社会保障卡挂失"]
    by_start = backend.suggest(["居民"])
    assert set(by_start[:2]) == {"居民身份证换领", "居民身份证补领"}
    assert by_start[2:] == ["城乡居民基本养老保险参保登记"]
    assert backend.suggest(["城乡居民", "基"]) == ["城乡居民基本养老保险参保登记"]
    assert backend.suggest(["不存在的词"]) == []
    assert backend.suggest([]) == []


def test_survives_reopen(tmp_path: Path, open_index: BackendOpener) -> None:
    for name in BACKENDS:
        writer = open_index(name, tmp_path / name, writable=True)
        writer.index(DOCS)
        writer.close()
        reader = open_index(name, tmp_path / name)
        assert reader.count() == 4
        assert reader.search(words("社会保障卡")).hits[0].id == "c"
        reader.close()


def test_reader_sees_writer_commit_after_refresh(tmp_path: Path, open_index: BackendOpener) -> None:
    for name in BACKENDS:
        writer = open_index(name, tmp_path / name, writable=True)
        writer.index(DOCS[:1])
        reader = open_index(name, tmp_path / name)
        reader.refresh()
        writer.index(DOCS[1:])
        assert reader.refresh() is True  # what is cached per index state (facet counts) must go
        assert reader.count() == 4
        if name == "tantivy":  # it can tell that nothing was committed since (Elasticsearch cannot)
            assert reader.refresh() is False
        writer.close()
        reader.close()


def test_index_returns_how_many_were_written_and_deleting_unknown_ids_is_harmless(
    backend: SearchBackend,
) -> None:
    assert backend.index([make_doc("e", "户口迁移"), make_doc("f", "户口登记")]) == 2
    backend.delete(["never-indexed"])
    backend.delete([])
    assert backend.count() == 6


def test_a_page_past_the_end_is_empty_with_the_total(backend: SearchBackend) -> None:
    query = words("居民")
    result = backend.search(BackendQuery(groups=query.groups, field_weights=FIELD_WEIGHTS, offset=10))
    assert result.hits == [] and result.total == 3


def test_match_all_lists_what_the_filters_let_through(backend: SearchBackend) -> None:
    every = BackendQuery(groups=(), field_weights=FIELD_WEIGHTS, match_all=True)
    assert backend.search(every).total == 4
    guides_of_b = BackendQuery(
        groups=(),
        field_weights=FIELD_WEIGHTS,
        match_all=True,
        filters={"kind": ("guide",), "site": ("乙站",)},
    )
    assert [h.id for h in backend.search(guides_of_b).hits] == ["c"]
    either_kind = BackendQuery(
        groups=(), field_weights=FIELD_WEIGHTS, match_all=True, filters={"kind": ("guide", "policy")}
    )
    assert backend.search(either_kind).total == 4


def test_suggest_keeps_to_the_limit(backend: SearchBackend) -> None:
    assert len(backend.suggest(["居民"], limit=1)) == 1


def test_no_facet_fields_and_no_years_ask_for_nothing(backend: SearchBackend) -> None:
    assert backend.facets(words("身份证"), []) == {}
    assert backend.year_counts(words("身份证"), []) == {}
