from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.factories import build_app


@pytest.fixture(scope="session")
def sample_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sample-data")


@pytest.fixture(scope="session")
def client(sample_data_dir: Path) -> Iterator[TestClient]:
    with TestClient(build_app(sample_data_dir)) as test_client:
        yield test_client
