from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.factories import build_app

# The suite searches hundreds of times a second from one client address: the anonymous limits are
# tested where they are meant to bite (tests/search_api/test_rate_limits.py), and off elsewhere.
os.environ.setdefault("GOVSEARCH_ANONYMOUS_RATE", "")
os.environ.setdefault("GOVSEARCH_ANONYMOUS_SUGGEST_RATE", "")


@pytest.fixture(scope="session")
def sample_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sample-data")


@pytest.fixture(scope="session")
def client(sample_data_dir: Path) -> Iterator[TestClient]:
    with TestClient(build_app(sample_data_dir)) as test_client:
        yield test_client
