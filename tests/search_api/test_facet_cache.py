"""Facet counts are cached per query and index state: a repeated query is not counted again, a new
index commit or a changed synonym rule gives fresh counts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from govsearch.app import build_engine
from search_api.engine.models import SearchRequest
from synonyms.expansion import SynonymSet
from synonyms.loader import parse_synonyms
from tests.factories import SAMPLE_DOCUMENTS, build_data_dir, guide, policy


def _kinds(response: object) -> dict[str, int]:
    facets = response.facets  # type: ignore[attr-defined]
    return {v.value: v.count for v in facets.get("kind", [])}


def _regions(response: object) -> dict[str, int]:
    facets = response.facets  # type: ignore[attr-defined]
    return {v.value: v.count for v in facets.get("region", [])}


def test_a_repeated_query_reuses_its_counts_until_the_index_changes(tmp_path: Path) -> None:
    settings = build_data_dir(tmp_path)
    engine = build_engine(settings.model_copy(update={"semantic": False, "log_queries": False}))
    first = engine.search(SearchRequest(q="身份证"))
    again = engine.search(SearchRequest(q="身份证", page=1, size=5))
    assert len(engine.facets) == 1  # the page size does not make another entry
    assert again.facets == first.facets
    before = _regions(first)
    # Another writer commits a new guide in another region: counted after the reload.
    build_data_dir(tmp_path, [guide("居民身份证挂失", "G900", region="另一市")])
    after = engine.search(SearchRequest(q="身份证"))
    assert _regions(after).get("另一市") == 1 and "另一市" not in before
    assert sum(_regions(after).values()) == sum(before.values()) + 1


def test_a_changed_synonym_rule_counts_again(tmp_path: Path) -> None:
    settings = build_data_dir(tmp_path)
    engine = build_engine(settings.model_copy(update={"semantic": False, "log_queries": False}))
    plain = SynonymSet.from_rules([])
    wider = SynonymSet.from_rules(parse_synonyms("身份证 => 驾驶证\n", "t.txt"))
    without = engine.search(SearchRequest(q="身份证"), synonyms=plain)
    widened = engine.search(SearchRequest(q="身份证"), synonyms=wider)
    assert sum(_kinds(widened).values()) > sum(_kinds(without).values())
    assert engine.search(SearchRequest(q="身份证"), synonyms=plain).facets == without.facets
    assert len(engine.facets) == 2


def _counting(engine: object) -> list[tuple[object, tuple[str, ...], tuple[int, ...]]]:
    """Every facet call the engine's backend gets: (query, fields, years)."""
    backend = engine.backend  # type: ignore[attr-defined]
    calls: list[tuple[object, tuple[str, ...], tuple[int, ...]]] = []
    facets = backend.facets

    def counted(query: object, fields: object, years: object = ()) -> object:
        calls.append((query, tuple(fields), tuple(years)))  # type: ignore[call-overload]
        return facets(query, fields, years)

    backend.facets = counted
    return calls


def test_a_new_query_is_counted_in_one_backend_call(tmp_path: Path) -> None:
    """Each call runs the query over every match again: the keyword facets and the years of a query
    without a date filter come from one, with the counts the separate calls give."""
    settings = build_data_dir(tmp_path)
    engine = build_engine(settings.model_copy(update={"semantic": False, "log_queries": False}))
    calls = _counting(engine)
    response = engine.search(SearchRequest(q="养老保险"))
    assert len(calls) == 1
    query, fields, years = calls[0]
    assert years and {2024} <= set(years)
    backend = engine.backend
    assert "kind" in fields and response.facets["kind"]
    for field in fields:
        alone = backend.facets(query, [field])[field]  # the field counted by a call of its own
        assert all(alone[v.value] == v.count for v in response.facets.get(field, []))
    per_year = backend.year_counts(query, list(years))  # type: ignore[arg-type]
    shown = {v.value: v.count for v in response.facets["year"]}
    assert shown == {str(y): n for y, n in per_year.items() if n}
    assert response.facets["year"][0].value == "2024"


def test_a_year_filter_counts_the_years_without_it(tmp_path: Path) -> None:
    older = policy("示例市公共租赁住房管理办法", "示政〔2021〕3号", "公租房。", publish_date=date(2021, 5, 1))
    settings = build_data_dir(tmp_path, [*SAMPLE_DOCUMENTS, older])
    engine = build_engine(settings.model_copy(update={"semantic": False, "log_queries": False}))
    every_year = {v.value: v.count for v in engine.search(SearchRequest(q="示例市")).facets["year"]}
    calls = _counting(engine)
    filtered = engine.search(SearchRequest(q="示例市", year="2021"))
    assert len(calls) == 2  # the keyword facets within 2021; the years without the year filter
    assert {v.value: v.count for v in filtered.facets["year"]} == every_year == {"2024": 2, "2021": 1}
    assert {v.value: v.count for v in filtered.facets["kind"]} == {"policy": 1}
