"""Search backends behind one Protocol; `open_backend` picks one by name."""

from __future__ import annotations

from pathlib import Path

from indexer.backends import generations
from indexer.backends.base import BackendError, SearchBackend

__all__ = ["BACKENDS", "BackendError", "SearchBackend", "generations", "open_backend"]

BACKENDS = ("tantivy",)


def open_backend(
    name: str, data_dir: Path, *, writable: bool = False, rebuilding: bool = False
) -> SearchBackend:
    """`rebuilding`: for `index --rebuild`, which must work even when the live index cannot be read."""
    if name == "tantivy":
        from indexer.backends.tantivy_backend import TantivyBackend

        return TantivyBackend(data_dir / "index", writable=writable, rebuilding=rebuilding)
    raise BackendError(f"未知的搜索后端 {name!r}，可选：{', '.join(BACKENDS)}")
