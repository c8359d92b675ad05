"""Search backends behind one Protocol; `open_backend` picks one by name."""

from __future__ import annotations

from pathlib import Path

from indexer.backends import generations
from indexer.backends.base import BackendError, Rebuildable, SearchBackend
from indexer.backends.es_config import ElasticsearchConfig
from indexer.vectors import VectorFields

__all__ = [
    "BACKENDS",
    "BackendError",
    "ElasticsearchConfig",
    "Rebuildable",
    "SearchBackend",
    "generations",
    "open_backend",
]

BACKENDS = ("tantivy", "elasticsearch")


def open_backend(
    name: str,
    data_dir: Path,
    *,
    writable: bool = False,
    rebuilding: bool = False,
    elasticsearch: ElasticsearchConfig | None = None,
    vectors: VectorFields | None = None,
) -> SearchBackend:
    """The named backend: the embedded index in `<data_dir>/index`, or the cluster `elasticsearch`
    describes (an Elasticsearch server keeps no local index folder; readers and writers alike).
    `rebuilding`: for `index --rebuild`, which must work even when the live embedded index cannot be read.
    `vectors`: the title vectors a writer stores with each document, for a backend that keeps them."""
    if name == "tantivy":
        from indexer.backends.tantivy_backend import TantivyBackend

        return TantivyBackend(data_dir / "index", writable=writable, rebuilding=rebuilding)
    if name == "elasticsearch":
        from indexer.backends.elasticsearch import ElasticsearchBackend

        return ElasticsearchBackend(
            elasticsearch or ElasticsearchConfig(), writable=writable, vectors=vectors
        )
    raise BackendError(f"未知的搜索后端 {name!r}，可选：{', '.join(BACKENDS)}")
