"""Facet counts are cached per query and index state: a repeated query is not counted again, a new
index commit or a changed synonym rule gives fresh counts."""

from __future__ import annotations

from pathlib import Path

from govsearch.app import build_engine
from search_api.engine.models import SearchRequest
from synonyms.expansion import SynonymSet
from synonyms.loader import parse_synonyms
from tests.factories import build_data_dir, guide


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
