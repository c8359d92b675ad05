"""The results page's links: the pager ends at the last page that can be opened."""

from __future__ import annotations

from search_api.engine.models import MAX_PAGE, SearchResponse
from web.links import last_page, pager


def _response(total: int, pages: int) -> SearchResponse:
    return SearchResponse(
        query="社保", normalized_query="社保", tokens=["社保"], expansions=[], type=None,
        total=total, page=1, size=10, pages=pages, hits=[], took_ms=0.0,
    )  # fmt: skip


def test_the_pager_never_links_past_the_last_page() -> None:
    many = _response(total=2_000, pages=200)
    assert last_page(many) == MAX_PAGE
    numbers = [p["number"] for p in pager({"wd": "社保"}, MAX_PAGE, last_page(many))]
    assert numbers == list(range(MAX_PAGE - 8, MAX_PAGE + 1))
    assert [p["number"] for p in pager({"wd": "社保"}, 3, last_page(_response(25, 3)))] == [1, 2, 3]
    assert last_page(_response(0, 1)) == 1
