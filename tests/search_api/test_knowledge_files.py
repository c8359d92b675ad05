"""The serving knowledge and item matcher kept in files of the data directory, through the real app
(FastAPI TestClient) over a real index of the shared Guangdong items: a worker that opens the files
answers exactly as one that built them from the store; files of another store state, damaged or cut
files are built again (with a log line), never a crash."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from govsearch.app import create_app
from govsearch.cli import main
from govsearch.settings import Settings
from search_api.engine import knowledge
from search_api.engine.catalogue_search import MATCHER_FILE
from search_api.engine.doc_table import DocTable
from search_api.engine.item_card import ItemMatcher
from tests.factories import guide
from tests.shared_data import shared_path

QUERIES = ("换身份证", "社保卡补办", "sbk", "开餐馆", "律所查询", "公积金提取", "国发〔2019〕5号", "出入境")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    items = shared_path("data/service_items/guangdong.jsonl")
    data = tmp_path_factory.mktemp("files")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GOVSEARCH_SEMANTIC", "false")  # the files are what is tested, not the vectors
        assert main(["--data-dir", str(data), "import-items", str(items)]) == 0
    yield data


def _settings(data: Path) -> Settings:
    return Settings(
        data_dir=data,
        semantic=False,
        log_queries=False,
        anonymous_rate="",
        anonymous_suggest_rate="",
        request_timeout=300,  # a loaded CI machine: what is compared here is the answer, not the time
    )


def _answers(data: Path) -> list[Any]:
    """What the app answers to each query and prefix, by a fresh app over the data directory."""
    with TestClient(create_app(_settings(data), warm_first=True)) as client:  # as `govsearch serve` starts
        found = []
        for query in QUERIES:
            response = client.get("/api/v1/search", params={"q": query})
            assert response.status_code == 200, response.text
            body = response.json()
            found.append(
                {k: body.get(k) for k in ("total", "hits", "item_card", "corrected", "did_you_mean")}
            )
            found.append(client.get("/api/v1/suggest", params={"q": query[:2]}).json())
        engine = client.app.state.search_engine  # type: ignore[attr-defined]
        engine.knowledge.settle()
    return found


def _wait_for_files(data: Path) -> None:
    import time

    for _ in range(200):  # written by threads beside the searches
        if (data / "knowledge.bin").exists() and (data / MATCHER_FILE).exists():
            return
        time.sleep(0.05)
    raise AssertionError("the knowledge and matcher files were not written")


def _forbid_building(patch: pytest.MonkeyPatch) -> None:
    def no_build(*args: object, **kwargs: object) -> None:
        raise AssertionError("built from the store although its files are current")

    patch.setattr(knowledge, "build_knowledge", no_build)
    patch.setattr(ItemMatcher, "__init__", no_build)


def test_a_worker_opened_from_the_files_answers_as_one_that_built_them(data_dir: Path) -> None:
    for stale in (data_dir / "knowledge.bin", data_dir / MATCHER_FILE):
        stale.unlink(missing_ok=True)
    built = _answers(data_dir)
    _wait_for_files(data_dir)
    assert any(a.get("item_card") for a in built if isinstance(a, dict))  # the matcher is exercised
    with pytest.MonkeyPatch.context() as patch:
        _forbid_building(patch)
        opened = _answers(data_dir)
    assert opened == built


def test_the_per_document_table_gives_what_the_store_says(data_dir: Path) -> None:
    from indexer.storage import Database
    from search_api.engine.corpus import build_corpus

    corpus = build_corpus(Database.for_path(_settings(data_dir).store_path))
    assert isinstance(corpus.docs, DocTable) and len(corpus.docs) > 2000
    some = next(iter(corpus.docs))
    info = corpus.docs[some]
    assert info.title in corpus.titles and info.kind == "guide" and some in corpus.docs
    assert "no-such-document" not in corpus.docs and corpus.docs.get("no-such-document") is None
    codes = [c for i in list(corpus.docs)[:50] for c in corpus.docs[i].codes]
    assert codes and all(c in corpus.held_codes for c in codes)
    assert "0000" not in corpus.held_codes


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda path: path.write_bytes(b"not a knowledge file"), id="foreign"),
        pytest.param(lambda path: path.write_bytes(path.read_bytes()[: path.stat().st_size // 2]), id="cut"),
        pytest.param(lambda path: path.write_bytes(b""), id="empty"),
    ],
)
def test_a_damaged_file_is_built_again_with_a_log_line(
    data_dir: Path, damage: Any, caplog: pytest.LogCaptureFixture
) -> None:
    expected = _answers(data_dir)
    _wait_for_files(data_dir)
    for path in (data_dir / "knowledge.bin", data_dir / MATCHER_FILE):
        damage(path)
    with caplog.at_level(logging.WARNING, logger="search_api.engine.knowledge_file"):
        assert _answers(data_dir) == expected
    assert sum("unreadable" in r.getMessage() for r in caplog.records) == 2, caplog.text
    _wait_for_files(data_dir)
    assert (data_dir / "knowledge.bin").stat().st_size > 1000  # and written again whole


def test_files_of_another_store_state_are_built_again(data_dir: Path) -> None:
    _answers(data_dir)
    _wait_for_files(data_dir)
    from indexer.storage import Database
    from indexer.store import Store

    store = Store(Database.for_path(_settings(data_dir).store_path))
    store.upsert([guide("出生医学证明补发（测试新增）", "G-NEW-1")])
    store.close()
    with TestClient(create_app(_settings(data_dir))) as client:
        found = client.get("/api/v1/suggest", params={"q": "出生医学证明补发"}).json()
    assert "测试新增" in str(found), found
