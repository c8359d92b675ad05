from __future__ import annotations

import os
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
