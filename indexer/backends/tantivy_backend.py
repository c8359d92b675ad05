"""The embedded default backend: a tantivy index in `<data_dir>/index` (or the generation a rebuild
made live beside it, see `indexer.backends.generations`).

Text fields hold space-joined tokens from `indexer.analysis` and use tantivy's whitespace
tokenizer, so the index never segments on its own. Only one process may hold the writer
(tantivy locks it); serving processes open the index read-only and call `refresh()`.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import tantivy

from indexer.backends import generations
from indexer.backends.base import (
    YEAR_FACET,
    BackendError,
    BackendHit,
    BackendQuery,
    BackendResult,
    Clause,
    Group,
    SearchBackend,
    document_fields,
)
from indexer.fields import KEYWORD_FIELDS, IndexDoc

TEXT_FIELDS = ("title", "meta", "body")
SUGGEST_CANDIDATES = 4  # fetch this many times the limit, then prefer titles that start with the input
PHRASE_SLOP_PER_TOKEN = 3  # search-mode sub-words sit between the words of a phrase
WRITER_HEAP_BYTES = 128_000_000
YEAR_AGG = "years in range"  # the range aggregation's name: spaces keep it apart from every field name


def _year_ranges(years: Sequence[int]) -> dict[str, Any]:
    """One range per year over the date field (day ordinals); tantivy adds open-ended buckets before
    and after, left out by key."""
    ranges = [
        {"key": str(y), "from": dt.date(y, 1, 1).toordinal(), "to": dt.date(y + 1, 1, 1).toordinal()}
        for y in years
    ]
    return {"range": {"field": "date", "ranges": ranges}}


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    for name in KEYWORD_FIELDS:
        builder.add_text_field(name, fast=True, tokenizer_name="raw", index_option="basic")
    for name in TEXT_FIELDS:
        builder.add_text_field(name, tokenizer_name="whitespace", index_option="position")
    builder.add_text_field("title_key", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("bigrams", tokenizer_name="whitespace", index_option="freq")
    builder.add_text_field("codes", tokenizer_name="raw", index_option="basic")
    builder.add_integer_field("date", fast=True, indexed=True)
    return builder.build()


class TantivyBackend:
    """`SearchBackend` and `Rebuildable` over a tantivy index directory. With `generation=True` the
    directory is exactly `path` (a generation being built); otherwise `path` names the index and the
    live generation is followed, also when another process switches it (checked on `refresh`)."""

    def __init__(
        self, path: Path, *, writable: bool = False, generation: bool = False, rebuilding: bool = False
    ) -> None:
        self._base = path
        self._fixed = generation
        self._schema = _schema()
        self._writable = writable
        self._writer: Any = None
        self._lock = threading.Lock()
        self._path = path if generation else generations.live(path)
        self._seen = (0, 0, 0)  # the commit stamp the reader last reloaded at (`refresh`)
        try:
            self._index = self._open(self._path)
        except BackendError:
            if not rebuilding:
                raise
            self._index = tantivy.Index(self._schema)  # unreadable live index: a rebuild replaces it

    def _open(self, path: Path) -> tantivy.Index:
        path.mkdir(parents=True, exist_ok=True)
        try:
            return tantivy.Index(self._schema, path=str(path), reuse=True)
        except ValueError as exc:  # schema mismatch or corrupt meta.json
            hint = "；索引可以从存储重建：govsearch index --rebuild" if "schema" in str(exc).lower() else ""
            raise BackendError(f"无法打开索引目录 {path}：{exc}{hint}") from exc

    def _follow(self, path: Path) -> None:
        """Serve from `path` from now on (searches already running finish on the old one)."""
        with self._lock:
            if self._writer is not None:
                self._writer.wait_merging_threads()
                self._writer = None
            self._index, self._path = self._open(path), path

    # -- generations (Rebuildable) -------------------------------------------------------------
    def new_generation(self) -> SearchBackend:
        return TantivyBackend(generations.new_directory(self._base), writable=True, generation=True)

    def activate(self, generation: SearchBackend, expected: int) -> None:
        if not isinstance(generation, TantivyBackend) or not generation._fixed:
            raise BackendError("not a generation of this index")
        generation.close()  # every batch was committed; this waits for merges to finish
        found = generation.count()
        if found != expected:
            shutil.rmtree(generation._path, ignore_errors=True)
            raise BackendError(f"新索引有 {found} 篇文档，存储中有 {expected} 篇；仍使用原索引")
        generations.switch(self._base, generation._path)
        self._follow(generation._path)

    def rollback(self) -> None:
        restored = generations.rollback(self._base)
        if restored is None:
            raise BackendError("没有可回滚的上一代索引（只有重建过的索引才保留上一代）")
        self._follow(restored)

    # -- writing -------------------------------------------------------------------------------
    def _get_writer(self) -> Any:
        if not self._writable:
            raise BackendError("this backend was opened read-only")
        if self._writer is None:
            try:
                self._writer = self._index.writer(heap_size=WRITER_HEAP_BYTES, num_threads=2)
            except ValueError as exc:
                raise BackendError(f"索引正被另一个进程写入（{self._path}）：{exc}") from exc
        return self._writer

    def _to_tantivy(self, doc: IndexDoc) -> tantivy.Document:
        return tantivy.Document(**document_fields(doc))

    def index(self, docs: Iterable[IndexDoc]) -> int:
        with self._lock:
            writer = self._get_writer()
            written = 0
            for doc in docs:
                writer.delete_documents_by_term("id", doc.id)
                writer.add_document(self._to_tantivy(doc))
                written += 1
            writer.commit()
            self._index.reload()
            return written

    def delete(self, ids: Sequence[str]) -> None:
        with self._lock:
            writer = self._get_writer()
            for doc_id in ids:
                writer.delete_documents_by_term("id", doc_id)
            writer.commit()
            self._index.reload()

    # -- reading -------------------------------------------------------------------------------
    def _clause_query(self, clause: Clause, field: str) -> tantivy.Query:
        if len(clause.tokens) == 1:
            return tantivy.Query.term_query(self._schema, field, clause.tokens[0])
        slop = PHRASE_SLOP_PER_TOKEN * (len(clause.tokens) - 1)
        return tantivy.Query.phrase_query(self._schema, field, list(clause.tokens), slop=slop)

    def _text_query(self, query: BackendQuery) -> tantivy.Query:
        should: list[tuple[tantivy.Occur, tantivy.Query]] = []
        groups = list(query.groups)
        if query.proximity:  # scored like one more word, made of the whole phrase
            groups.append(Group((Clause(query.proximity, query.proximity_boost),)))
        for group in groups:
            alternatives = []
            for clause in group.clauses:
                per_field = [
                    (
                        tantivy.Occur.Should,
                        tantivy.Query.boost_query(self._clause_query(clause, field), weight),
                    )
                    for field, weight in query.field_weights.items()
                    if weight > 0
                ]
                alternatives.append(
                    tantivy.Query.boost_query(tantivy.Query.boolean_query(per_field), clause.boost)
                )
            should.append((tantivy.Occur.Should, tantivy.Query.disjunction_max_query(alternatives)))
        for code in query.exact_codes:
            term = tantivy.Query.term_query(self._schema, "codes", code)
            should.append((tantivy.Occur.Should, tantivy.Query.boost_query(term, query.code_boost)))
        if query.bigrams:
            should.append((tantivy.Occur.Should, self._bigram_query(query)))
        if query.title_key:
            term = tantivy.Query.term_query(self._schema, "title_key", query.title_key)
            should.append((tantivy.Occur.Should, tantivy.Query.boost_query(term, query.title_key_boost)))
        if query.match_all:
            return tantivy.Query.all_query()
        if not should:
            return tantivy.Query.empty_query()
        return tantivy.Query.boolean_query(should)

    def _bigram_query(self, query: BackendQuery) -> tantivy.Query:
        """Every bigram of the query's unknown words, summed, at the bigram boost."""
        grams = [
            (tantivy.Occur.Should, tantivy.Query.term_query(self._schema, "bigrams", gram))
            for gram in query.bigrams
        ]
        return tantivy.Query.boost_query(tantivy.Query.boolean_query(grams), query.bigram_boost)

    def _full_query(self, query: BackendQuery) -> tantivy.Query:
        parts = [(tantivy.Occur.Must, self._text_query(query))]
        for name, values in query.filters.items():
            if values:
                filt = tantivy.Query.term_set_query(self._schema, name, list(values))
                parts.append((tantivy.Occur.Must, tantivy.Query.const_score_query(filt, 0.0)))
        for phrase in query.required:
            anywhere = [(tantivy.Occur.Should, self._clause_query(Clause(phrase), f)) for f in TEXT_FIELDS]
            parts.append((tantivy.Occur.Must, tantivy.Query.boolean_query(anywhere)))
        if query.date_range:
            low, high = query.date_range
            dates = tantivy.Query.range_query(self._schema, "date", tantivy.FieldType.Integer, low, high)
            parts.append((tantivy.Occur.Must, tantivy.Query.const_score_query(dates, 0.0)))
        return tantivy.Query.boolean_query(parts)

    def search(self, query: BackendQuery) -> BackendResult:
        searcher = self._index.searcher()
        result = searcher.search(
            self._full_query(query),
            limit=query.limit,
            offset=query.offset,
            count=True,
            order_by_field="date" if query.sort_by_date else None,
            order=tantivy.Order.Desc,
        )
        hits = [BackendHit(id=searcher.doc(addr)["id"][0], score=float(score)) for score, addr in result.hits]
        total = getattr(result, "count", None) or 0  # count=True above; missing from the type stubs
        return BackendResult(total=int(total), hits=hits)

    def suggest(self, words: Sequence[str], limit: int = 10) -> list[str]:
        if not words:
            return []
        *complete, partial = words
        parts = [
            (tantivy.Occur.Must, tantivy.Query.term_query(self._schema, "title", word)) for word in complete
        ]
        prefix = tantivy.Query.regex_query(self._schema, "title", re.escape(partial) + ".*")
        parts.append((tantivy.Occur.Must, prefix))
        searcher = self._index.searcher()
        result = searcher.search(
            tantivy.Query.boolean_query(parts), limit=limit * SUGGEST_CANDIDATES, count=False
        )
        titles = list(dict.fromkeys(searcher.doc(addr)["title_key"][0] for _score, addr in result.hits))
        typed = "".join(words)
        titles.sort(key=lambda title: not title.startswith(typed))  # stable: keeps BM25 order otherwise
        return titles[:limit]

    def facets(
        self, query: BackendQuery, fields: Sequence[str], years: Sequence[int] = ()
    ) -> dict[str, dict[str, int]]:
        unknown = set(fields) - set(KEYWORD_FIELDS)
        if unknown:
            raise ValueError(f"unknown facet fields: {sorted(unknown)}")
        aggs: dict[str, Any] = {name: {"terms": {"field": name, "size": 50}} for name in fields}
        if years:
            aggs[YEAR_AGG] = _year_ranges(years)
        if not aggs:
            return {}
        # One pass over the matches for every facet: each aggregate call runs the query again.
        result = self._index.searcher().aggregate(self._full_query(query), aggs)
        counts = {
            name: {str(b["key"]): int(b["doc_count"]) for b in result.get(name, {}).get("buckets", [])}
            for name in fields
        }
        if years:
            buckets = result.get(YEAR_AGG, {}).get("buckets", [])
            per_year = {str(b["key"]): int(b["doc_count"]) for b in buckets}
            counts[YEAR_FACET] = {str(y): per_year.get(str(y), 0) for y in years}
        return counts

    def year_counts(self, query: BackendQuery, years: Sequence[int]) -> dict[int, int]:
        if not years:
            return {}
        return {int(y): n for y, n in self.facets(query, (), years)[YEAR_FACET].items()}

    def count(self) -> int:
        return int(self._index.searcher().num_docs)

    def refresh(self) -> bool:
        if not self._fixed and (live := generations.live(self._base)) != self._path:
            self._follow(live)  # a rebuild elsewhere switched generations
            self._seen = self._commit_stamp()
            return True
        # Every commit replaces meta.json (written beside and renamed): read before reloading, so a
        # commit landing in between is reported by the next refresh rather than missed.
        stamp = self._commit_stamp()
        self._index.reload()
        changed, self._seen = stamp != self._seen, stamp
        return changed

    def _commit_stamp(self) -> tuple[int, int, int]:
        try:
            found = (self._path / "meta.json").stat()
        except OSError:
            return (0, 0, 0)
        return (found.st_ino, found.st_mtime_ns, found.st_size)

    def close(self) -> None:
        with self._lock:
            if self._writer is not None:
                self._writer.wait_merging_threads()
                self._writer = None
