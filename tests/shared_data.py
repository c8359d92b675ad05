"""Access to ../shared beside the repository: a failure in CI when missing, a skip elsewhere."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("GOVSEARCH_SHARED_DIR", REPO_ROOT.parent / "shared"))


def shared_path(relative: str) -> Path:
    """Return ../shared/<relative>; fail under CI=true, skip elsewhere, when it is missing."""
    path = SHARED / relative
    if not path.exists():
        message = f"shared data missing: {path}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path
