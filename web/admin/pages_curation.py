"""Staff pages for curated data beyond the rule list: the general 词林 vocabulary layer and best bets.

Every change here is a proposal through the same workflow as a synonym rule (preview, golden-set
check, approval by someone else, audit, rollback); the forms post to the routes in pages.py.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from search_api.engine.models import SearchRequest
from web.admin.auth import require_staff
from web.admin.deps import workflow
from web.admin.rendering import BestBetsContext, VocabularyContext, page_basics, render

router = APIRouter(prefix="/admin", dependencies=[Depends(require_staff)], include_in_schema=False)


@router.get("/vocabulary")
def vocabulary_page(request: Request, q: str = "", note: str = "") -> HTMLResponse:
    context = VocabularyContext(**page_basics(request, note), q=q, status=workflow(request).vocabulary(q))
    return render(request, "vocabulary.html", context)


@router.get("/best-bets")
def best_bets_page(request: Request, q: str = "", note: str = "") -> HTMLResponse:
    """Pins in force and a query's top results, each one click from a pin proposal."""
    flow = workflow(request)
    results = flow.engine.search(SearchRequest(q=q, size=10), record=False).hits if q.strip() else []
    context = BestBetsContext(
        **page_basics(request, note),
        q=q,
        pins=flow.pins(),
        listed=flow.engine.best_bets.all(),
        results=results,
        today=date.today().isoformat(),
    )
    return render(request, "best_bets.html", context)
