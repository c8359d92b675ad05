"""The title vectors of the embedded backend as files every serving worker maps: the ids, the int8 rows
and the distinct rows with the rows each stands for are written once beside the vector file (by the
indexer, or by the first worker when missing) and memory-mapped, so two workers share one copy through
the page cache; a new vector file replaces them."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from indexer import ann
from indexer.storage import Database
from indexer.store import Store
from indexer.vectors import (
    USEM3,
    TitleVectors,
    load_vectors,
    quantise,
    save_vectors,
    sync_vectors,
    vectors_path,
)
from search_api.engine.vector_search import BruteForce, ExactScan, FileVectors
from tests.factories import guide


def _unit_rows(count: int, seed: int) -> np.ndarray:  # type: ignore[type-arg]
    rows = np.random.default_rng(seed).standard_normal((count, USEM3.dimensions)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)  # type: ignore[no-any-return]


def _derived(data: Path) -> set[str]:
    return {p.name.rsplit(".", 2)[-2] for p in vectors_path(data).parent.glob(".*.npy")}


def test_two_workers_map_the_same_arrays_and_answer_alike(tmp_path: Path) -> None:
    rows = _unit_rows(50, seed=3)
    rows[40:] = rows[:10]  # repeated titles: one distinct row each
    ids = tuple(f"doc-{i}" for i in range(50))
    save_vectors(vectors_path(tmp_path), TitleVectors(ids, tuple(f"k{i}" for i in ids), quantise(rows)))
    stale = vectors_path(tmp_path).with_name(f".{vectors_path(tmp_path).name}.1-1.float32.npy")
    stale.write_bytes(b"")  # an earlier version's float32 copy: 200 MB a model at 100k titles
    first, second = FileVectors(tmp_path), FileVectors(tmp_path)
    exact = BruteForce(quantise(rows))
    for query in _unit_rows(5, seed=4):
        answer = first.nearest(USEM3.name, query, 10)
        assert answer == second.nearest(USEM3.name, query, 10)
        want, _ = exact.top(query, 10)
        assert {doc for doc, _ in answer} == {ids[r] for r in want.tolist()}
    assert _derived(tmp_path) == {"ids", "int8", "distinct", "members", "starts"}
    loaded = first._current(USEM3.name)
    assert loaded is not None and isinstance(loaded[0], np.memmap)
    index = loaded[1]
    assert isinstance(index, ExactScan) and isinstance(index.matrix, np.memmap)
    assert isinstance(index.groups.distinct, np.memmap) and len(index.groups.distinct) == 40


def test_a_new_vector_file_replaces_the_mapped_arrays(tmp_path: Path) -> None:
    rows = _unit_rows(3, seed=5)
    save_vectors(vectors_path(tmp_path), TitleVectors(("a", "b", "c"), ("ka", "kb", "kc"), quantise(rows)))
    source = FileVectors(tmp_path, reload_seconds=0)
    assert source.nearest(USEM3.name, rows[1], 1)[0][0] == "b"
    before = set(vectors_path(tmp_path).parent.glob(".*.npy"))
    save_vectors(vectors_path(tmp_path), TitleVectors(("z",), ("kz",), quantise(rows[2:])))
    os.utime(vectors_path(tmp_path), (1, 1))  # a new file, whatever the clock's resolution
    assert [doc for doc, _ in source.nearest(USEM3.name, rows[1], 5)] == ["z"]
    after = set(vectors_path(tmp_path).parent.glob(".*.npy"))
    assert len(after) == 5 and not before & after  # the old ones removed


def test_the_indexer_writes_the_arrays_so_a_worker_only_maps_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(Database.for_path(tmp_path / "store.sqlite3"))
    store.upsert(
        [guide(title, f"A{i}") for i, title in enumerate(["居民身份证换领", "护照办理", "居民身份证换领"])]
    )
    path = vectors_path(tmp_path)
    assert sync_vectors(store, path) == (2, 3)  # the repeated title embedded once
    assert _derived(tmp_path) == {"ids", "int8", "distinct", "members", "starts"}
    for array in path.parent.glob(".*.npy"):
        array.unlink()
    assert sync_vectors(store, path) == (0, 3)  # nothing changed: the missing arrays are written again
    assert _derived(tmp_path) == {"ids", "int8", "distinct", "members", "starts"}
    store.close()

    def not_again(_matrix: object) -> ann.Groups:
        raise AssertionError("a serving worker worked out the distinct rows the indexer wrote")

    monkeypatch.setattr(ann.Groups, "of", not_again)
    vectors = load_vectors(path)
    found = FileVectors(tmp_path).nearest(USEM3.name, vectors.matrix[1].astype(np.float32) / 127, 3)
    assert {doc for doc, _ in found} == set(vectors.ids) and found[0][0] == vectors.ids[1]
