"""The knowledge and item matcher files made by `govsearch index` (issue 18), through the real CLI and
the real app over a real index of Guangdong items: after an index (a full one, or one changed document)
a fresh server maps the files and builds nothing, and answers exactly as a server that built everything
from the store."""

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
from indexer.storage import Database
from indexer.store import Store
from search_api.engine import knowledge
from search_api.engine.catalogue_search import MATCHER_FILE
from search_api.engine.item_card import ItemMatcher
from search_api.engine.knowledge import SPELLINGS_FILE
from tests.factories import guide
from tests.shared_data import shared_path

ITEMS = 400  # enough items for cards, corrections and suggestions; few enough for a quick import
QUERIES = ("律师执业许可", "海域使用权变更", "lvshi", "自考免考", "野生动物进出口审批", "出生医学证明补发")
FILES = ("knowledge.bin", MATCHER_FILE)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    lines = shared_path("data/service_items/guangdong.jsonl").read_text(encoding="utf-8").splitlines()
    items = tmp_path / "items.jsonl"
    items.write_text("\n".join(lines[:ITEMS]) + "\n", encoding="utf-8")
    monkeypatch.setenv("GOVSEARCH_SEMANTIC", "false")  # the files are what is tested, not the vectors
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "import-items", str(items)]) == 0  # imports, then indexes
    yield data


def _settings(data: Path) -> Settings:
    return Settings(
        data_dir=data, semantic=False, log_queries=False, anonymous_rate="", anonymous_suggest_rate=""
    )


def _answers(data: Path) -> list[Any]:
    """What a fresh app, started as `govsearch serve` starts a worker, answers to each query."""
    with TestClient(create_app(_settings(data), warm_first=True)) as client:
        found = []
        for query in QUERIES:
            body = client.get("/api/v1/search", params={"q": query}).json()
            found.append(
                {k: body.get(k) for k in ("total", "hits", "item_card", "corrected", "did_you_mean")}
            )
            found.append(client.get("/api/v1/suggest", params={"q": query[:2]}).json())
        client.app.state.search_engine.knowledge.settle()  # type: ignore[attr-defined]
    return found


def _stamps(data: Path) -> dict[str, int]:
    return {name: (data / name).stat().st_mtime_ns for name in FILES}


def _served_without_building(data: Path, caplog: pytest.LogCaptureFixture) -> list[Any]:
    """The answers of a fresh app that must only open the files: building fails, and the files stay."""
    before = _stamps(data)

    def no_build(*args: object, **kwargs: object) -> None:
        raise AssertionError("a server built what `govsearch index` should have made")

    with pytest.MonkeyPatch.context() as patch, caplog.at_level(logging.INFO):
        patch.setattr(knowledge, "build_knowledge", no_build)
        patch.setattr(ItemMatcher, "__init__", no_build)
        answers = _answers(data)
    assert _stamps(data) == before
    assert not [r for r in caplog.records if "built" in r.getMessage()], caplog.text
    return answers


def _built_from_the_store(data: Path) -> list[Any]:
    """Answers of a server that built everything, without the spellings kept from an earlier build."""
    for name in (*FILES, SPELLINGS_FILE):
        (data / name).unlink()
    return _answers(data)


def test_index_makes_the_files_a_server_only_opens(data_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    opened = _served_without_building(data_dir, caplog)
    assert any(a.get("item_card") for a in opened if isinstance(a, dict))  # the matcher is exercised
    assert opened == _built_from_the_store(data_dir)


def test_one_changed_document_leaves_the_files_current(
    data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = Store(Database.for_path(_settings(data_dir).store_path))
    store.upsert([guide("出生医学证明补发（新增）", "G-NEW-1")])
    store.close()
    assert main(["--data-dir", str(data_dir), "index"]) == 0  # the incremental path: one document
    assert (data_dir / SPELLINGS_FILE).exists()  # so the rebuild spelled only the new title
    opened = _served_without_building(data_dir, caplog)
    assert "新增" in str(opened)  # the new title is known to the knowledge (suggestions)
    assert opened == _built_from_the_store(data_dir)


def test_rebuild_makes_them_too(data_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    for name in FILES:
        (data_dir / name).unlink()
    assert main(["--data-dir", str(data_dir), "index", "--rebuild"]) == 0
    _served_without_building(data_dir, caplog)


def test_a_rebuild_spells_only_what_the_last_build_did_not(monkeypatch: pytest.MonkeyPatch) -> None:
    from search_api.engine import pinyin

    spelled: list[str] = []
    real = pinyin._syllables

    def counting(text: str) -> tuple[str, ...]:
        spelled.append(text)
        return real(text)

    monkeypatch.setattr(pinyin, "_syllables", counting)
    kept = pinyin.Spellings({"社保": ("she", "bao")})
    with pinyin.spelling_with(kept):
        assert pinyin.full_pinyin("社保") == "shebao" and pinyin.initials("医保") == "yb"
    assert spelled == ["医保"]  # the kept spelling was read, the new one made
    assert kept.used == {"社保": ("she", "bao"), "医保": ("yi", "bao")}  # what the next build keeps
    pinyin.syllables("公积金")
    assert "公积金" not in kept.used  # outside a build nothing is collected
