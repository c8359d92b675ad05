"""The Elasticsearch backend: the same `SearchBackend` on a cluster, for collections and traffic that
outgrow one machine.

Every search names the alias `<prefix>`, behind which generations `<prefix>-vN` live (`es_alias`);
documents carry the tokens `indexer.analysis` made, so both backends see the same tokens and the same
`BackendQuery` (`es_query`). Scores are Lucene BM25 where tantivy's are tantivy BM25: both use the same
idf and length normalisation, tantivy's term scores carry an extra constant factor (k1 + 1). Every
boost in `search_api.engine.ranking` multiplies BM25 scores, and the reranker multiplies the backend
score by factors, so a constant factor changes no order: nothing above the Protocol depends on the
scale. With more than one primary shard the search uses `dfs_query_then_fetch`, so the term statistics
are the whole index's, as in the embedded backend.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from elasticsearch import ApiError, Elasticsearch
from elasticsearch import TransportError as ESTransportError
from elasticsearch.helpers import streaming_bulk

from indexer.backends import es_alias
from indexer.backends.base import (
    YEAR_FACET,
    BackendError,
    BackendHit,
    BackendQuery,
    BackendResult,
    SearchBackend,
    document_fields,
)
from indexer.backends.es_admin import (
    add_vector_fields,
    check_cluster,
    connect,
    put_template,
)
from indexer.backends.es_config import ElasticsearchConfig
from indexer.backends.es_query import (
    facet_aggs,
    full_query,
    sort_clause,
    suggest_query,
    year_aggs,
)
from indexer.fields import IndexDoc
from indexer.vectors import MODELS, QUANT, VectorFields, quantise, vector_field

SUGGEST_CANDIDATES = 4  # as the embedded backend: fetch more, then prefer titles starting with the input
BULK_BACKOFF_SECONDS = 1.0  # first wait before re-sending rejected (429) documents; doubles each time
FAILURES_SHOWN = 10
SEARCH_RETRY_SECONDS = 0.5  # wait before retrying a search whose shards were unreachable; grows linearly
# kNN: HNSW candidates looked at per shard for each of the k nearest asked for (more: closer to exact).
KNN_CANDIDATES_PER_RESULT = 20
# Whether a model has vectors changes only when `govsearch index` leaves a slow model out (or takes it
# back): looked up again after this long, not at every search.
VECTORS_CHECK_SECONDS = 30.0
KNN_MAX_CANDIDATES = 10_000  # Elasticsearch's limit


class ElasticsearchBackend:
    """`SearchBackend` and `Rebuildable` over the alias `<prefix>` of an Elasticsearch cluster."""

    def __init__(
        self,
        config: ElasticsearchConfig,
        *,
        client: Elasticsearch | None = None,
        target: str | None = None,
        writable: bool = True,
        vectors: VectorFields | None = None,
    ) -> None:
        self.config = config
        self.vectors = vectors
        self.prefix = config.index_prefix
        self._own_client = client is None
        self.client = client or connect(config)
        if client is None:
            self.version = check_cluster(self.client, config.urls)
            # A writer brings the template up to date; a reader (a serving process, perhaps with a
            # read-only API key) only needs the alias, created once if nothing was indexed yet.
            if writable or self._call(es_alias.live_generation, self.client, self.prefix) is None:
                self._call(put_template, self.client, config)
                self._call(es_alias.ensure_live, self.client, self.prefix)
                self._call(add_vector_fields, self.client, self.prefix)
        # A new generation is written by name; everything else goes through the alias.
        self.target = target or self.prefix
        self._has: dict[str, tuple[float, bool]] = {}  # model → (when looked up, searchable)

    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """Run a client call; cluster errors become `BackendError` with the cluster's reason."""
        try:
            return fn(*args, **kwargs)
        except ApiError as exc:
            raise BackendError(f"Elasticsearch 拒绝了请求（{self.target}）：{exc}") from exc
        except ESTransportError as exc:
            raise BackendError(f"无法连接 Elasticsearch（{'、'.join(self.config.urls)}）：{exc}") from exc

    # -- writing -------------------------------------------------------------------------------
    def _actions(self, docs: Iterable[IndexDoc], seen: list[str]) -> Iterator[dict[str, Any]]:
        for doc in docs:
            seen.append(doc.id)
            source: dict[str, Any] = dict(document_fields(doc))
            if self.vectors is not None:
                source |= self.vectors.fields(doc.id)
            yield {"_op_type": "index", "_index": self.target, "_id": doc.id, "_source": source}

    def index(self, docs: Iterable[IndexDoc]) -> int:
        """Bulk-write in bounded batches; rejected (429) documents are re-sent with backoff, and every
        document must be acknowledged, else `BackendError` lists the failures."""
        sent: list[str] = []
        failures: list[str] = []
        acknowledged = 0
        results = streaming_bulk(
            self.client,
            self._actions(docs, sent),
            chunk_size=self.config.bulk_batch,
            max_retries=self.config.retries,
            initial_backoff=BULK_BACKOFF_SECONDS,
            raise_on_error=False,
            raise_on_exception=False,
        )
        try:
            for ok, item in results:
                if ok:
                    acknowledged += 1
                else:
                    failures.append(_describe_failure(item))
        except ESTransportError as exc:
            raise BackendError(f"批量写入 Elasticsearch 中断：已确认 {acknowledged} 篇：{exc}") from exc
        self._call(self.client.indices.refresh, index=self.target)
        if failures or acknowledged != len(sent):
            shown = "；".join(failures[:FAILURES_SHOWN])
            raise BackendError(
                f"Elasticsearch 只确认了 {acknowledged}/{len(sent)} 篇文档，失败 {len(failures)} 篇：{shown}"
            )
        return acknowledged

    def delete(self, ids: Sequence[str]) -> None:
        if not ids:
            return
        actions = ({"_op_type": "delete", "_index": self.target, "_id": i} for i in ids)
        failures = []
        for ok, item in streaming_bulk(
            self.client,
            actions,
            chunk_size=self.config.bulk_batch,
            max_retries=self.config.retries,
            raise_on_error=False,
            raise_on_exception=False,
        ):
            # A document that is already gone is what the caller wants.
            if not ok and item.get("delete", {}).get("status") != 404:
                failures.append(_describe_failure(item))
        self._call(self.client.indices.refresh, index=self.target)
        if failures:
            raise BackendError(
                f"Elasticsearch 删除失败 {len(failures)} 篇：{'；'.join(failures[:FAILURES_SHOWN])}"
            )

    # -- reading -------------------------------------------------------------------------------
    def _search(self, **body: Any) -> Any:
        # kNN picks its own search type (it gathers the nearest across shards by itself).
        search_type = "dfs_query_then_fetch" if self.config.shards > 1 else "query_then_fetch"
        typed: dict[str, Any] = {} if "knn" in body else {"search_type": search_type}
        # A shard that cannot answer (its node just died) fails the whole search instead of giving a
        # silently incomplete answer; the client retries 503s on another node, and a search phase that
        # failed because a node disconnected mid-search (500) is retried here, once the cluster has
        # routed around the node.
        for attempt in range(self.config.retries + 1):
            try:
                return self.client.search(
                    index=self.target,
                    allow_partial_search_results=False,
                    **typed,
                    **body,
                )
            except ApiError as exc:
                if attempt == self.config.retries or not _shard_failure(exc):
                    return self._call(_reraise, exc)
                time.sleep(SEARCH_RETRY_SECONDS * (attempt + 1))
            except ESTransportError as exc:
                return self._call(_reraise, exc)
        raise AssertionError("unreachable")

    def search(self, query: BackendQuery) -> BackendResult:
        window = self._max_window()
        if query.offset + query.limit <= window:
            return self._page(query, query.offset, query.limit)[0]
        return self._deep_page(query, window)

    def _page(
        self, query: BackendQuery, offset: int, limit: int, after: list[Any] | None = None
    ) -> tuple[BackendResult, list[Any] | None]:
        """One page, and the sort values of its last hit (where `search_after` continues)."""
        extra: dict[str, Any] = {"search_after": after} if after else {"from_": offset}
        found = self._search(
            query=full_query(query),
            size=limit,
            sort=sort_clause(query),
            track_scores=True,
            track_total_hits=True,
            source=False,
            **extra,
        )
        raw = found["hits"]["hits"]
        hits = [BackendHit(id=h["_id"], score=_score(h, query)) for h in raw]
        last = raw[-1]["sort"] if raw else None
        return BackendResult(total=int(found["hits"]["total"]["value"]), hits=hits), last

    def _deep_page(self, query: BackendQuery, window: int) -> BackendResult:
        """Past `index.max_result_window`, walk with `search_after` (sorted by score then id)."""
        skipped, after = 0, None
        while skipped < query.offset:
            step = min(window, query.offset - skipped)
            page, after = self._page(query, 0, step, after)
            if not page.hits or after is None:
                return BackendResult(total=page.total, hits=[])
            skipped += len(page.hits)
        return self._page(query, 0, query.limit, after)[0]

    def _max_window(self) -> int:
        if not hasattr(self, "_window"):
            found = self._call(
                self.client.indices.get_settings,
                index=self.target,
                name="index.max_result_window",
                include_defaults=True,
            )
            values = next(iter(found.values()))
            setting = values.get("settings", {}).get("index", {}).get("max_result_window") or values.get(
                "defaults", {}
            ).get("index", {}).get("max_result_window", 10000)
            self._window = int(setting)
        return self._window

    def suggest(self, words: Sequence[str], limit: int = 10) -> list[str]:
        if not words:
            return []
        found = self._search(
            query=suggest_query(words), size=limit * SUGGEST_CANDIDATES, source=["title_key"]
        )
        titles = list(dict.fromkeys(h["_source"]["title_key"] for h in found["hits"]["hits"]))
        typed = "".join(words)
        titles.sort(key=lambda title: not title.startswith(typed))  # stable: keeps BM25 order otherwise
        return titles[:limit]

    def facets(
        self, query: BackendQuery, fields: Sequence[str], years: Sequence[int] = ()
    ) -> dict[str, dict[str, int]]:
        aggs = facet_aggs(fields) | (year_aggs(years) if years else {})
        if not aggs:
            return {}
        found = self._search(query=full_query(query), size=0, aggs=aggs, track_total_hits=False)
        counts = {
            name: {str(b["key"]): int(b["doc_count"]) for b in found["aggregations"][name]["buckets"]}
            for name in fields
        }
        if years:
            buckets = found["aggregations"]["years"]["buckets"]
            counts[YEAR_FACET] = {str(y): int(buckets[str(y)]["doc_count"]) for y in years}
        return counts

    def year_counts(self, query: BackendQuery, years: Sequence[int]) -> dict[int, int]:
        if not years:
            return {}
        return {int(y): n for y, n in self.facets(query, (), years)[YEAR_FACET].items()}

    def nearest(self, model: str, query: npt.NDArray[np.float32], k: int) -> list[tuple[str, float]]:
        """`VectorSearch` by kNN over the model's `dense_vector` field: the `max_inner_product` score
        is turned back into the exact integer dot ÷ 127², as the embedded side computes it; ties in
        id order, as there."""
        knn = {
            "field": vector_field(model),
            "query_vector": quantise(query).tolist(),
            "k": k,
            "num_candidates": min(KNN_MAX_CANDIDATES, max(k, k * KNN_CANDIDATES_PER_RESULT)),
        }
        found = self._search(knn=knn, size=k, source=False)
        dots = [(h["_id"], _inner_product(float(h["_score"]))) for h in found["hits"]["hits"]]
        return [(doc_id, dot / QUANT**2) for doc_id, dot in sorted(dots, key=lambda p: (-p[1], p[0]))]

    def has(self, model: str) -> bool:
        """A title model: its vectors on every document (those written before the indexer left a slow
        model out of a grown collection keep theirs, and a partial answer is not asked for); a
        description model: on any (a document without a description has none)."""
        now = time.monotonic()
        known = self._has.get(model)
        if known is None or now - known[0] >= VECTORS_CHECK_SECONDS:
            held: dict[str, Any] = {"exists": {"field": vector_field(model)}}
            if MODELS[model].reads == "title":
                found = not self._any({"bool": {"must_not": [held]}}) and self._any({"match_all": {}})
            else:
                found = self._any(held)
            known = self._has[model] = (now, found)
        return known[1]

    def _any(self, query: dict[str, Any]) -> bool:
        found = self._call(self.client.count, index=self.target, query=query, terminate_after=1)
        return int(found["count"]) > 0

    def count(self) -> int:
        return int(self._call(self.client.count, index=self.target)["count"])

    def refresh(self) -> bool:
        """Nothing to do: every write ends with a refresh, and searches always read the cluster, which
        other processes write at any time; so anything may have changed."""
        return True

    def close(self) -> None:
        if self._own_client:
            self.client.close()

    # -- generations (`Rebuildable`) ---------------------------------------------------------------
    def new_generation(self) -> SearchBackend:
        name = self._call(es_alias.next_generation, self.client, self.prefix)
        return ElasticsearchBackend(self.config, client=self.client, target=name, vectors=self.vectors)

    def activate(self, generation: SearchBackend, expected: int) -> None:
        if not isinstance(generation, ElasticsearchBackend) or generation.target == self.prefix:
            raise BackendError("只能启用由 new_generation() 建立的新一代索引")
        got = generation.count()
        if got != expected:
            raise BackendError(
                f"新索引 {generation.target} 有 {got} 篇文档，存储中有 {expected} 篇；"
                "别名未切换，线上索引不变"
            )
        old = self._call(es_alias.swap, self.client, self.prefix, generation.target)
        self._call(es_alias.drop_older, self.client, self.prefix, generation.target, old)

    def rollback(self) -> None:
        live = self._call(es_alias.ensure_live, self.client, self.prefix)
        previous = self._call(es_alias.previous_generation, self.client, self.prefix, live)
        if previous is None:
            raise BackendError(f"没有可回滚的上一代索引（当前为 {live}）")
        self._call(es_alias.swap, self.client, self.prefix, previous)


def _score(hit: dict[str, Any], query: BackendQuery) -> float:
    if query.sort_by_date:  # as the embedded backend: the sort value stands in for the score
        return float(hit["sort"][0])
    return float(hit.get("_score") or 0.0)


def _inner_product(score: float) -> int:
    """The dot product behind a `max_inner_product` score (dot + 1 from 0 up, 1 ÷ (1 − dot) below)."""
    return round(score - 1.0) if score >= 1.0 else round(1.0 - 1.0 / score)


def _shard_failure(exc: ApiError) -> bool:
    """A search that failed because shard copies were unreachable, not because it was wrong."""
    return exc.status_code >= 500 and exc.error in (
        "search_phase_execution_exception",
        "no_shard_available_action_exception",
    )


def _reraise(exc: Exception) -> None:
    raise exc


def _describe_failure(item: dict[str, Any]) -> str:
    op: dict[str, Any] = next(iter(item.values()), {})
    error = op.get("error", {})
    reason = error.get("reason", error) if isinstance(error, dict) else error
    return f"{op.get('_id', '?')}（{op.get('status', '?')}：{reason}）"
