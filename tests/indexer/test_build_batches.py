"""A large index update commits in groups and marks documents indexed in bulk; title vectors are
computed once per distinct title."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from indexer import pipeline
from indexer.backends.base import IndexDoc
from indexer.backends.tantivy_backend import TantivyBackend
from indexer.pipeline import FieldWorkers, update_index
from indexer.storage import Database
from indexer.store import Store
from indexer.vectors import load_vectors, sync_vectors
from tests.factories import guide


class CountingBackend(TantivyBackend):
    """The real tantivy backend, remembering how many documents each commit wrote."""

    commits: list[int]

    def index(self, docs: object) -> int:
        batch: list[IndexDoc] = list(docs)  # type: ignore[call-overload]
        self.commits.append(len(batch))
        return super().index(batch)


def _guides(n: int) -> list[object]:
    return [guide(f"第{i}号测试事项登记", f"T{i:04d}") for i in range(n)]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_large_update_commits_in_groups_and_marks_every_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    monkeypatch.setattr(pipeline, "BATCH_SIZE", 2)
    monkeypatch.setattr(pipeline, "COMMIT_EVERY", 5)
    store = Store(Database.for_path(tmp_path / "s.sqlite3"))
    fields = FieldWorkers(workers)
    backend = CountingBackend(tmp_path / "index", writable=True)
    backend.commits = []
    store.upsert(_guides(11))  # type: ignore[arg-type]
    with fields:
        report = update_index(store, backend, workers=fields)
    assert report.written == 11 and backend.count() == 11
    assert backend.commits == [6, 5]  # not one commit per batch of 2
    assert store.count_pending() == 0
    backend.close()


def test_a_delete_commits_the_documents_written_before_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "BATCH_SIZE", 2)
    store = Store(Database.for_path(tmp_path / "s.sqlite3"))
    backend = CountingBackend(tmp_path / "index", writable=True)
    backend.commits = []
    docs = _guides(6)
    store.upsert(docs)  # type: ignore[arg-type]
    update_index(store, backend)
    store.withdraw([docs[0].id])  # type: ignore[attr-defined]
    store.upsert([guide("第1号测试事项登记", "T0001", conditions="新的受理条件")])
    report = update_index(store, backend)
    assert (report.written, report.deleted, report.total_in_index) == (1, 1, 5)
    assert store.count_pending() == 0
    backend.close()


def test_a_title_shared_by_many_documents_is_embedded_once(tmp_path: Path) -> None:
    store = Store(Database.for_path(tmp_path / "s.sqlite3"))
    same = [guide("居民身份证换领", f"G{i}", region=f"第{i}市") for i in range(3)]
    store.upsert([*same, guide("社会保障卡补领", "S1")])
    path = tmp_path / "vectors.npz"
    assert sync_vectors(store, path) == (2, 4)  # two distinct titles embedded for four documents
    vectors = load_vectors(path)
    rows = {doc_id: vectors.matrix[i] for i, doc_id in enumerate(vectors.ids)}
    first = rows[same[0].id]
    assert all(np.array_equal(rows[d.id], first) for d in same)
    assert not np.array_equal(rows[guide("社会保障卡补领", "S1").id], first)
    assert sync_vectors(store, path) == (0, 4)  # nothing new: every vector reused
