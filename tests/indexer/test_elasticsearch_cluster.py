"""Three Elasticsearch nodes on loopback, an index with 3 shards and 1 replica, searches through the API
running without pause while one node is SIGKILLed and later restarted: no search fails or comes back
incomplete, no document is lost, and the cluster is green again. Slow (the cluster forms in minutes on
a shared machine), and run in CI like every other test."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from fastapi.testclient import TestClient

from govsearch.app import create_app
from govsearch.settings import Settings
from indexer.backends import open_backend
from indexer.pipeline import update_index
from indexer.storage import Database
from indexer.store import Store
from tests.es_nodes import CLUSTER, CLUSTER_NODES, restart_member, started
from tests.factories import guide

pytestmark = pytest.mark.slow

NODES = CLUSTER_NODES
DOCUMENTS = 300
SEARCHING_WHILE_DOWN = 15.0  # seconds of searches with one node dead, before it is restarted


@pytest.fixture(scope="module")
def cluster() -> Iterator[tuple[int, Path]]:
    """Begun when the tests were collected (tests/conftest.py), so usually formed by now."""
    with started(CLUSTER) as (base, directory):
        yield base, directory


def settings_for(base: int, data_dir: Path) -> Settings:
    urls = ",".join(f"http://127.0.0.1:{base + i}" for i in range(NODES))
    return Settings(
        data_dir=data_dir,
        backend="elasticsearch",
        elasticsearch_url=urls,
        elasticsearch_index_prefix="gs-cluster",
        elasticsearch_shards=3,
        elasticsearch_replicas=1,
        elasticsearch_timeout=10.0,
        elasticsearch_retries=5,
        reload_seconds=0,
    )


def fill(settings: Settings) -> None:
    store = Store(Database.for_path(settings.store_path))
    store.upsert([guide(f"社会保障卡业务{i:03d}号", f"K{i:04d}") for i in range(DOCUMENTS)])
    backend = open_backend(
        "elasticsearch", settings.data_dir, writable=True, elasticsearch=settings.elasticsearch
    )
    update_index(store, backend)
    backend.close()
    store.close()


def test_a_killed_node_costs_no_search_and_no_document(cluster: tuple[int, Path], tmp_path: Path) -> None:
    base, directory = cluster
    settings = settings_for(base, tmp_path)
    fill(settings)
    admin = Elasticsearch(f"http://127.0.0.1:{base}", request_timeout=300)
    admin.cluster.health(wait_for_status="green", timeout="120s")
    problems: list[str] = []
    answered = 0
    stop = threading.Event()

    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        client.get("/api/v1/search", params={"q": "社会保障卡业务"})  # the first search waits for knowledge

        def search_continuously() -> None:
            nonlocal answered
            while not stop.is_set():
                try:
                    response = client.get("/api/v1/search", params={"q": "社会保障卡业务", "size": 10})
                except Exception as exc:  # anything that stops a search is what this test counts
                    problems.append(repr(exc))
                    continue
                total = response.json().get("total") if response.status_code == 200 else None
                if total != DOCUMENTS:
                    problems.append(f"{response.status_code} total={total}: {response.text[:200]}")
                answered += 1

        searcher = threading.Thread(target=search_continuously)
        searcher.start()
        victim = base + 1
        try:
            time.sleep(2)
            os.kill(int((directory / f"node-{victim}" / "es.pid").read_text()), signal.SIGKILL)
            time.sleep(SEARCHING_WHILE_DOWN)
            down_count = Elasticsearch(f"http://127.0.0.1:{base}").count(index="gs-cluster")["count"]
            restart_member(victim, [base + i for i in range(NODES)], directory, base)
            health = admin.cluster.health(wait_for_status="green", wait_for_nodes=str(NODES), timeout="240s")
        finally:
            stop.set()
            searcher.join()
    assert problems == []
    assert answered > 10
    assert down_count == DOCUMENTS
    assert health["status"] == "green" and not health["timed_out"]
    assert admin.count(index="gs-cluster")["count"] == DOCUMENTS
