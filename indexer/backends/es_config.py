"""How to reach an Elasticsearch cluster: a plain value, importable without the client library, so
that the settings and an embedded (tantivy) server never load the client (~0.5 CPU-s a process)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ElasticsearchConfig:
    """How to reach the cluster (`GOVSEARCH_ELASTICSEARCH_*` in `govsearch.settings`)."""

    urls: tuple[str, ...] = ("http://127.0.0.1:9200",)
    api_key: str | None = None
    username: str | None = None
    password: str | None = None
    verify_tls: bool = True
    ca_file: str | None = None
    index_prefix: str = "govsearch"
    shards: int = 1
    replicas: int = 1
    timeout: float = 10.0
    retries: int = 3
    bulk_batch: int = 500  # documents per bulk request: bounded memory on both sides
