from __future__ import annotations

from pathlib import Path

import pytest

from govsearch.settings import Settings
from tests.shared_data import REPO_ROOT


def test_every_setting_is_documented() -> None:
    readme = (REPO_ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert f"`GOVSEARCH_{name.upper()}`" in readme, name


def test_settings_come_from_prefixed_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVSEARCH_DATA_DIR", "/tmp/elsewhere")
    monkeypatch.setenv("GOVSEARCH_PORT", "9000")
    settings = Settings()
    assert settings.data_dir == Path("/tmp/elsewhere") and settings.port == 9000
    assert settings.store_path == Path("/tmp/elsewhere/store.sqlite3")


def test_bad_setting_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVSEARCH_PORT", "0")
    with pytest.raises(ValueError, match="port"):
        Settings()
