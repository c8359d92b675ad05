"""The search options every backend must honour: required phrases, proximity, date range, date order
and counts per year; parametrised over the backends we ship, like the contract tests."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.analysis import segment_query
from indexer.backends import BACKENDS
from indexer.backends.base import YEAR_FACET, SearchBackend
from indexer.fields import IndexDoc
from tests.es_nodes import BackendOpener
from tests.indexer.test_backend_contract import make_doc, words


def dated(doc_id: str, title: str, day: dt.date) -> IndexDoc:
    return dataclasses.replace(make_doc(doc_id, title), date_ordinal=day.toordinal())


DOCS = [
    dated("old", "社会保障卡申领办法", dt.date(2015, 5, 1)),
    dated("new", "社会保障卡密码重置", dt.date(2023, 9, 1)),
    dated("mid", "密码重置与社会保障卡补领", dt.date(2019, 1, 2)),
    make_doc("none", "社会保障卡服务网点"),
]


@pytest.fixture(params=BACKENDS)
def backend(
    request: pytest.FixtureRequest, tmp_path: Path, open_index: BackendOpener
) -> Iterator[SearchBackend]:
    b = open_index(request.param, tmp_path, writable=True)
    b.index(DOCS)
    yield b
    b.close()


def test_required_phrase_keeps_only_documents_holding_it(backend: SearchBackend) -> None:
    query = dataclasses.replace(words("社会保障卡"), required=(tuple(segment_query("申领办法")),))
    assert [h.id for h in backend.search(query).hits] == ["old"]


def test_proximity_puts_words_together_first(backend: SearchBackend) -> None:
    plain = words("社会保障卡 密码")
    close = dataclasses.replace(plain, proximity=tuple(segment_query("社会保障卡密码")), proximity_boost=5.0)
    assert backend.search(close).hits[0].id == "new"
    assert {h.id for h in backend.search(close).hits} == {h.id for h in backend.search(plain).hits}


def test_date_range_and_newest_first(backend: SearchBackend) -> None:
    query = words("社会保障卡")
    span = (dt.date(2016, 1, 1).toordinal(), dt.date(2023, 12, 31).toordinal())
    assert {h.id for h in backend.search(dataclasses.replace(query, date_range=span)).hits} == {"new", "mid"}
    newest = backend.search(dataclasses.replace(query, sort_by_date=True)).hits
    assert [h.id for h in newest][:3] == ["new", "mid", "old"]


def test_facets_and_years_in_one_call_count_as_separate_calls(backend: SearchBackend) -> None:
    query, years = words("社会保障卡"), [2023, 2019, 2015, 2010]
    together = backend.facets(query, ["kind", "site"], years)
    assert together[YEAR_FACET] == {str(y): n for y, n in backend.year_counts(query, years).items()}
    assert {k: v for k, v in together.items() if k != YEAR_FACET} == backend.facets(query, ["kind", "site"])
    assert backend.facets(query, [], years) == {YEAR_FACET: together[YEAR_FACET]}


def test_counts_per_year(backend: SearchBackend) -> None:
    assert backend.year_counts(words("社会保障卡"), [2023, 2019, 2015, 2010]) == {
        2023: 1,
        2019: 1,
        2015: 1,
        2010: 0,
    }
