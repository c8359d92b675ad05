from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient

from indexer.storage import Database
from tests.factories import build_app

if TYPE_CHECKING:
    from tests.es_nodes import BackendOpener

# The suite searches hundreds of times a second from one client address: the anonymous limits are
# tested where they are meant to bite (tests/search_api/test_rate_limits.py), and off elsewhere.
os.environ.setdefault("GOVSEARCH_ANONYMOUS_RATE", "")
os.environ.setdefault("GOVSEARCH_ANONYMOUS_SUGGEST_RATE", "")


def pytest_collection_finish(session: pytest.Session) -> None:
    """Begin starting the Elasticsearch nodes the collected tests need, beside the first tests (see
    tests/es_nodes.py): a cluster the contributor configured needs no start."""
    if session.config.option.collectonly:
        return
    needs_node = not os.environ.get("GOVSEARCH_ELASTICSEARCH_URL") and any(
        _uses_the_session_node(item) for item in session.items
    )
    needs_cluster = any(item.path.name == "test_elasticsearch_cluster.py" for item in session.items)
    if needs_node or needs_cluster:
        from tests import es_nodes

        if needs_node:
            es_nodes.begin(es_nodes.SESSION_NODE)
        if needs_cluster:
            es_nodes.begin(es_nodes.CLUSTER)


def _uses_the_session_node(item: pytest.Item) -> bool:
    names = getattr(item, "fixturenames", ())
    # `open_index` asks for es_urls only when it opens an Elasticsearch backend (a parameter).
    return "es_urls" in names or ("open_index" in names and "elasticsearch" in item.nodeid)


@pytest.hookimpl(tryfirst=True)  # before pytest's own teardown, which may raise on an interrupted run
def pytest_sessionfinish(session: pytest.Session) -> None:
    es_nodes = sys.modules.get("tests.es_nodes")
    if es_nodes is not None:
        es_nodes.stop_unused()


@pytest.fixture(scope="session")
def sample_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sample-data")


@pytest.fixture(scope="session")
def client(sample_data_dir: Path) -> Iterator[TestClient]:
    with TestClient(build_app(sample_data_dir, warm_first=True)) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """One fresh PostgreSQL database for the test session, dropped at its end (tests/postgres.py)."""
    from tests.postgres import fresh_database

    with fresh_database() as url:
        yield url


@pytest.fixture(scope="session")
def _postgres_store(postgres_url: str) -> Iterator[Database]:
    database = Database(postgres_url)
    yield database
    database.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty, current store on each database govsearch runs on: the storage contract."""
    if request.param == "sqlite":
        database = Database.for_path(tmp_path / "store.sqlite3")
        yield database
        database.close()
        return
    from tests.postgres import emptied

    yield emptied(request.getfixturevalue("_postgres_store"))


@pytest.fixture(scope="session")
def es_urls() -> Iterator[tuple[str, ...]]:
    """One Elasticsearch for the whole session (started on first use; see tests/es_nodes.py)."""
    from tests.es_nodes import session_cluster

    yield from session_cluster()


@pytest.fixture
def open_index(request: pytest.FixtureRequest) -> Iterator[BackendOpener]:
    """`open_index(name, path, writable=…)`: a backend by name; Elasticsearch indices are dropped after."""
    from tests.es_nodes import BackendOpener

    opener = BackendOpener(request)
    yield opener
    opener.cleanup()
