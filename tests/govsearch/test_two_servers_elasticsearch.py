"""Two `govsearch serve` processes on two ports over one Elasticsearch and one store (the SQLite file, or
one PostgreSQL database as in the scale-out deployment): a page crawled and indexed by an operator's
command is found through both, on the first search after the command returns (every write ends with a
refresh; serving processes keep no local index)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from elasticsearch import Elasticsearch

from govsearch.cli import main
from indexer.storage import Database
from indexer.store import Store
from tests.browser import free_port
from tests.crawler.fault_site import Page, fault_site
from tests.crawler.test_fault_crawl import links, policy
from tests.es_nodes import drop_prefix, isolated_config
from tests.factories import SAMPLE_DOCUMENTS
from tests.govsearch.test_crawl_command import write_profile
from tests.postgres import fresh_database
from tests.shared_data import REPO_ROOT

TITLE = "关于开展古树名木认养登记的通知"


@pytest.fixture
def es_env(
    es_urls: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, str]]:
    config = isolated_config(es_urls)
    env = {
        "GOVSEARCH_BACKEND": "elasticsearch",
        "GOVSEARCH_ELASTICSEARCH_URL": ",".join(es_urls),
        "GOVSEARCH_ELASTICSEARCH_INDEX_PREFIX": config.index_prefix,
        "GOVSEARCH_ELASTICSEARCH_REPLICAS": "0",
        "GOVSEARCH_DATA_DIR": str(tmp_path / "data"),
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    yield env
    drop_prefix(config)


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_env(
    request: pytest.FixtureRequest, es_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, str]]:
    """`es_env` with the store in the data directory's SQLite file, or in a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield es_env
        return
    with fresh_database() as url:
        monkeypatch.setenv("GOVSEARCH_DATABASE_URL", url)
        assert main(["db", "upgrade"]) == 0
        yield {**es_env, "GOVSEARCH_DATABASE_URL": url}


def serve(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "govsearch.cli", "serve", "--port", str(port)],
        cwd=REPO_ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):  # a cold start imports the engine and reads the synonyms: seconds on a busy machine
        if process.poll() is not None:
            raise AssertionError(process.stderr.read().decode() if process.stderr else "serve exited")
        try:
            httpx.get(f"{base}/api/v1/hot", timeout=2)
            return process, base
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("serve did not answer")


def found(base: str) -> list[str]:
    answer = httpx.get(f"{base}/api/v1/search", params={"q": "古树名木认养"}, timeout=30)
    answer.raise_for_status()
    return [hit["title"] for hit in answer.json()["hits"]]


def test_a_page_indexed_once_is_found_through_both_servers(
    shared_env: dict[str, str], tmp_path: Path
) -> None:
    assert main(["index"]) == 0  # the store and the alias exist before the servers start
    servers = [serve(shared_env), serve(shared_env)]
    try:
        assert [found(base) for _, base in servers] == [[], []]
        pages = {"/": Page(links("/p/1.html")), "/p/1.html": Page(policy(TITLE))}
        with fault_site(pages) as site:
            profile = write_profile(tmp_path / "local.toml", "local", site.url("/"))
            assert main(["crawl", str(profile), "--delay", "0", "--index"]) == 0
        assert [found(base)[:1] for _, base in servers] == [[TITLE], [TITLE]]
        assert not (tmp_path / "data" / "index").exists()  # no local index folder in this mode
        if "GOVSEARCH_DATABASE_URL" in shared_env:  # and no local store either: all of it is shared
            assert not (tmp_path / "data" / "store.sqlite3").exists()
    finally:
        for process, _ in servers:
            process.terminate()
            process.wait(timeout=30)


def test_index_rebuild_and_rollback_commands(
    es_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    store = Store(Database.for_path(Path(es_env["GOVSEARCH_DATA_DIR"]) / "store.sqlite3"))
    store.upsert(SAMPLE_DOCUMENTS)
    store.close()
    prefix = es_env["GOVSEARCH_ELASTICSEARCH_INDEX_PREFIX"]
    client = Elasticsearch(es_env["GOVSEARCH_ELASTICSEARCH_URL"].split(","))
    assert main(["index"]) == 0
    assert main(["index", "--rebuild"]) == 0
    assert client.indices.get_alias(name=prefix).keys() == {f"{prefix}-v2"}
    assert client.count(index=prefix)["count"] == len(SAMPLE_DOCUMENTS)
    assert main(["index", "--rollback"]) == 0
    assert client.indices.get_alias(name=prefix).keys() == {f"{prefix}-v1"}
    assert "已回滚" in capsys.readouterr().err
    assert main(["index", "--rollback"]) == 2  # nothing older than v1
    assert "没有可回滚" in capsys.readouterr().err
