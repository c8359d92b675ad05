"""Elasticsearch connection settings, the client, the startup check and the index template.

The template is built from `indexer.fields` (the text fields of `IndexDoc` and every entry of
`KEYWORD_FIELDS`), so a field added there follows into the cluster's mapping. Analysis stays in
Python: the text fields only split on whitespace and lowercase, so no analysis plugin is needed.
"""

from __future__ import annotations

from typing import Any

from elasticsearch import Elasticsearch
from elasticsearch import TransportError as ESTransportError

from indexer.backends.base import BackendError
from indexer.backends.es_config import ElasticsearchConfig
from indexer.backends.es_query import TEXT_FIELDS
from indexer.fields import KEYWORD_FIELDS
from indexer.vectors import MODELS, vector_field

MIN_MAJOR_VERSION = 8  # the 8.x client speaks to 8.x servers, and to 9.x through REST compatibility
# Fields kept in `_source`: what a hit needs without the store or a local index (the body tokens only
# serve matching, and are the bulk of a document; the vectors only serve kNN).
SOURCE_EXCLUDES = ["body", *(vector_field(m) for m in MODELS)]
HNSW = {"type": "hnsw", "m": 16, "ef_construction": 100}  # Elasticsearch's defaults, said once here


def connect(config: ElasticsearchConfig) -> Elasticsearch:
    """A client over every configured node; a failed request is retried on another node."""
    auth: dict[str, Any] = {}
    if config.api_key:
        auth["api_key"] = config.api_key
    elif config.username:
        auth["basic_auth"] = (config.username, config.password or "")
    if config.ca_file:
        auth["ca_certs"] = config.ca_file
    return Elasticsearch(
        list(config.urls),
        verify_certs=config.verify_tls,
        request_timeout=config.timeout,
        max_retries=config.retries,
        retry_on_timeout=True,
        **auth,
    )


def check_cluster(client: Elasticsearch, urls: tuple[str, ...]) -> str:
    """The server version, after checking it is supported and the cluster is not red."""
    where = "、".join(urls)
    try:
        version = str(client.info()["version"]["number"])
        status = str(client.cluster.health(timeout="10s")["status"])
    except ESTransportError as exc:
        raise BackendError(f"无法连接 Elasticsearch（{where}）：{exc}") from exc
    except Exception as exc:  # auth failures and product-check errors come as ApiError subclasses
        raise BackendError(f"Elasticsearch（{where}）拒绝了请求：{exc}") from exc
    if int(version.split(".")[0]) < MIN_MAJOR_VERSION:
        raise BackendError(f"Elasticsearch {version} 过旧（{where}），需要 8.x 或更新版本")
    if status == "red":
        raise BackendError(f"Elasticsearch 集群状态为 red（{where}），有分片不可用；请先修复集群")
    return version


def mappings() -> dict[str, Any]:
    text = {"type": "text", "analyzer": "govsearch_tokens", "similarity": "BM25"}
    props: dict[str, Any] = {name: dict(text) for name in TEXT_FIELDS}
    # Title bigrams: only counted (no positions), as in the embedded index.
    props["bigrams"] = dict(text, index_options="freqs")
    props |= {name: {"type": "keyword"} for name in KEYWORD_FIELDS}
    props |= {
        "id": {"type": "keyword"},
        "title_key": {"type": "keyword"},
        "codes": {"type": "keyword"},
        "date": {"type": "integer"},  # date.toordinal(), 0 when unknown (as in the embedded index)
    }
    # The title vectors as the data directory keeps them (int8, ×127). `max_inner_product` scores a
    # `byte` vector by the integer dot itself (dot + 1, or 1 ÷ (1 − dot) below 0), exact in a float32
    # score, so the exact dot the embedded backend computes is read back (`VectorSearch`);
    # `dot_product` divides by 32768 × dimensions and loses the last unit.
    props |= {
        vector_field(m.name): {
            "type": "dense_vector",
            "dims": m.dimensions,
            "element_type": "byte",
            "index": True,
            "similarity": "max_inner_product",
            "index_options": HNSW,
        }
        for m in MODELS.values()
    }
    return {"dynamic": "strict", "_source": {"excludes": SOURCE_EXCLUDES}, "properties": props}


def template_body(config: ElasticsearchConfig) -> dict[str, Any]:
    """The index template every generation `<prefix>-vN` is created from."""
    analysis = {
        "analyzer": {
            "govsearch_tokens": {"type": "custom", "tokenizer": "whitespace", "filter": ["lowercase"]}
        }
    }
    return {
        "index_patterns": [f"{config.index_prefix}-v*"],
        "priority": 200,
        "template": {
            "settings": {
                "number_of_shards": config.shards,
                "number_of_replicas": config.replicas,
                "analysis": analysis,
            },
            "mappings": mappings(),
        },
    }


def put_template(client: Elasticsearch, config: ElasticsearchConfig) -> None:
    client.indices.put_index_template(name=f"{config.index_prefix}-template", **template_body(config))


def add_vector_fields(client: Elasticsearch, target: str) -> None:
    """Give an index made before the vector fields existed those fields (adding a field to a mapping
    is allowed; the documents get their vectors when they are next written)."""
    vectors = {
        name: spec for name, spec in mappings()["properties"].items() if spec["type"] == "dense_vector"
    }
    client.indices.put_mapping(index=target, properties=vectors)
