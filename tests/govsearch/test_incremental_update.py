"""An incremental `govsearch index` after a few changes gives what a build from scratch gives for the same
final store (issue 18): the same links, serving files a server only opens, and the same answers. Real
Guangdong items through the real CLI, a real tantivy index and the real app.

The changes: a withdrawn policy that was linked to an item, a guide whose title (its item's name)
changed, a new catalogue item imported alone that an existing policy names, and a policy whose body now
names an item."""

from __future__ import annotations

import shutil
from itertools import islice
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from govsearch.app import create_app
from govsearch.cli import main
from govsearch.settings import Settings
from indexer.catalogue import upkeep
from indexer.catalogue.formats import read_catalogue
from indexer.catalogue.store import ItemStore
from indexer.documents import ServiceGuide
from indexer.importer import ImportReport
from indexer.storage import Database
from indexer.store import Store
from tests.factories import policy
from tests.shared_data import shared_path

ITEMS = 300


def _settings(data: Path) -> Settings:
    return Settings(
        data_dir=data, semantic=False, log_queries=False, anonymous_rate="", anonymous_suggest_rate=""
    )


def _store(data: Path) -> Store:
    return Store(Database.for_path(_settings(data).store_path))


def _links(data: Path) -> dict[str, list[tuple[str, str, float]]]:
    store = _store(data)
    ids = [row.id for row in store.corpus_rows()]
    found = ItemStore(store).links_of_docs(ids, 0.0)
    store.close()
    return {d: sorted((ln.item_key, ln.rule, ln.confidence) for ln in links) for d, links in found.items()}


def _answers(data: Path, queries: list[str]) -> list[Any]:
    with TestClient(create_app(_settings(data), warm_first=True)) as client:
        found: list[Any] = []
        for query in queries:
            body = client.get("/api/v1/search", params={"q": query}).json()
            # Scores aside: the index of the incremental path still counts the replaced versions of
            # changed documents in its term statistics until tantivy merges them away.
            hits = [{k: v for k, v in hit.items() if k != "score"} for hit in body["hits"]]
            found.append({"hits": hits, **{k: body.get(k) for k in ("total", "item_card", "corrected")}})
            found.append(client.get("/api/v1/suggest", params={"q": query[:3]}).json())
        client.app.state.search_engine.knowledge.settle()  # type: ignore[attr-defined]
    return found


def test_an_incremental_update_equals_a_build_from_scratch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOVSEARCH_SEMANTIC", "false")
    lines = shared_path("data/service_items/guangdong.jsonl").read_text(encoding="utf-8").splitlines()
    (tmp_path / "items.jsonl").write_text("\n".join(lines[:ITEMS]) + "\n", encoding="utf-8")
    (tmp_path / "new.jsonl").write_text(lines[ITEMS] + "\n", encoding="utf-8")
    new_name = next(iter(read_catalogue(tmp_path / "new.jsonl", ImportReport()))).item.name
    names = [i.item.name for i in islice(read_catalogue(tmp_path / "items.jsonl", ImportReport()), 0, 60, 20)]
    data = tmp_path / "incremental"
    assert main(["--data-dir", str(data), "import-items", str(tmp_path / "items.jsonl")]) == 0
    naming = [
        policy(f"关于{n}的通知", f"粤测〔2026〕{k}号", f"申请人可以办理{n}。") for k, n in enumerate(names)
    ]
    waiting = policy("关于新事项的通知", "粤测〔2026〕99号", f"申请人可以办理{new_name}。")
    plain = policy("关于便民服务的通知", "粤测〔2026〕98号", "各单位做好便民服务。")
    store = _store(data)
    store.upsert([*naming, waiting, plain])
    store.close()
    assert main(["--data-dir", str(data), "index"]) == 0

    store = _store(data)
    renamed = next(d for d in store.get_many([r.id for r in store.corpus_rows()]).values()
                   if isinstance(d, ServiceGuide) and d.item_name == names[1])  # fmt: skip
    store.upsert([renamed.model_copy(update={"item_name": f"{names[1]}（修订）"})])
    store.upsert([plain.model_copy(update={"body": f"各单位做好便民服务，可以办理{names[2]}。"})])
    store.withdraw([naming[0].id])
    store.close()
    assert main(["--data-dir", str(data), "index"]) == 0
    assert main(["--data-dir", str(data), "import-items", str(tmp_path / "new.jsonl")]) == 0

    scratch = tmp_path / "scratch"  # the same final store, everything worked out again
    scratch.mkdir()
    for part in data.glob("store.sqlite3*"):
        shutil.copy(part, scratch / part.name)
    with monkeypatch.context() as patch:
        patch.setattr(upkeep, "rules_fingerprint", lambda: "relink-everything")
        assert main(["--data-dir", str(scratch), "index", "--rebuild"]) == 0

    links = _links(data)
    assert naming[0].id not in links  # withdrawn
    assert {k for k, _r, _c in links[waiting.id]} & {k for k, _r, _c in links[naming[1].id]} == set()
    assert links[waiting.id] and links[plain.id]  # found by the new item's name, by the new body
    assert links == _links(scratch)
    queries = [names[0], f"{names[1]}（修订）", names[2], new_name, "便民服务"]
    assert _answers(data, queries) == _answers(scratch, queries)
